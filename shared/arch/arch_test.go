package arch

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
)

const module = "github.com/fundtrack/fundtrack/"

// pkg is what `go list -json` says of one package.
type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// list is what `go list` says of the packages matching patterns (each a
// path under the module, ending in "/..." for a tree), keyed by path
// without the module. The packages of shared/ and functions/ are listed by
// one `go list` per test binary: each run of it loads the whole module
// graph, and the tests here asked two dozen times.
func list(t *testing.T, patterns ...string) map[string]pkg {
	t.Helper()
	listed.once.Do(func() { listed.pkgs, listed.err = goList(module+"shared/...", module+"functions/...") })
	if listed.err != nil {
		t.Fatal(listed.err)
	}
	pkgs := map[string]pkg{}
	for _, pattern := range patterns {
		path, ok := strings.CutPrefix(pattern, module)
		tree, isTree := strings.CutSuffix(path, "/...")
		if !ok || !(strings.HasPrefix(path, "shared/") || strings.HasPrefix(path, "functions/")) {
			t.Fatalf("list: %s is not under %sshared/ or %sfunctions/", pattern, module, module)
		}
		found := false
		for p, v := range listed.pkgs {
			if p == path || (isTree && (p == tree || strings.HasPrefix(p, tree+"/"))) {
				pkgs[p], found = v, true
			}
		}
		if !found {
			t.Fatalf("list: no package matches %s", pattern)
		}
	}
	return pkgs
}

var listed struct {
	once sync.Once
	pkgs map[string]pkg
	err  error
}

// goList runs `go list` once for patterns.
func goList(patterns ...string) (map[string]pkg, error) {
	out, err := exec.Command("go", append([]string{"list", "-json=ImportPath,Imports,Deps"}, patterns...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			return nil, err
		}
		pkgs[strings.TrimPrefix(p.ImportPath, module)] = p
	}
	return pkgs, nil
}

// allowed lists, for each package, the fundtrack packages it may import.
// A package not listed here fails the test, so a new one is placed in the
// layers on purpose.
var allowed = map[string][]string{
	"shared/domain":                {},
	"shared/email":                 {},
	"shared/export":                {"shared/domain"},
	"shared/export/givingtest":     {"shared/domain"},
	"shared/present":               {"shared/domain"},
	"shared/auth":                  {"shared/domain"},
	"shared/auth/cognito":          {"shared/domain"},
	"shared/service":               {"shared/domain", "shared/export", "shared/sheet"},
	"shared/sheet":                 {"shared/domain"},
	"shared/sheet/xlsx":            {"shared/domain", "shared/sheet"},
	"shared/service/memstore":      {"shared/domain", "shared/service"},
	"shared/store":                 {"shared/domain", "shared/service"},
	"shared/decode":                {"shared/domain"},
	"shared/httpapi":               {"shared/decode", "shared/domain", "shared/export", "shared/present", "shared/service"},
	"shared/web":                   {"shared/auth/cognito", "shared/decode", "shared/domain", "shared/export", "shared/present", "shared/service"},
	"shared/notify":                {"shared/domain", "shared/email", "shared/service"},
	"shared/platform":              {"shared/export", "shared/httpapi", "shared/platform/dynamolocal", "shared/service", "shared/store"},
	"shared/platform/dynamolocal":  {},
	"shared/platform/notifierdeps": {"shared/email", "shared/notify", "shared/platform", "shared/store"},
	"shared/platform/webdeps":      {"shared/platform", "shared/service", "shared/sheet/xlsx", "shared/store", "shared/web", "shared/web/static"},
	"shared/web/static":            {},
	"shared/testenv":               {"infra/cfn", "shared/platform/dynamolocal"},
	"shared/arch":                  {},
	"shared/web/browsertest":       {},
}

// noAWS are packages that link no AWS code at all, however indirectly.
var noAWS = []string{"shared/domain", "shared/auth/cognito", "shared/sheet", "shared/sheet/xlsx", "shared/decode", "shared/export", "shared/present", "shared/service", "shared/web", "shared/web/static"}

func TestImportsPointInward(t *testing.T) {
	pkgs := list(t, module+"shared/...")
	for path, p := range pkgs {
		if strings.HasPrefix(path, "shared/testkit") {
			continue // test support may use anything; TestFunctionsLinkNoTestSupport keeps it out of binaries
		}
		ok, known := allowed[path]
		if !known {
			t.Errorf("%s is not placed in the layers: add it to allowed in shared/arch", path)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if dep := strings.TrimPrefix(imp, module); !slices.Contains(ok, dep) {
				t.Errorf("%s imports %s: not allowed (it may import %v)", path, dep, ok)
			}
		}
	}
}

func TestNoAWSInTheCore(t *testing.T) {
	for _, path := range noAWS {
		p := list(t, module+path)[path]
		for _, d := range p.Deps {
			if strings.HasPrefix(d, "github.com/aws/") {
				t.Errorf("%s links AWS code (%s)", path, d)
				break
			}
		}
	}
}

// TestDomainKnowsNoTransport: the domain's rules know nothing of HTTP:
// the domain links no net/http, however indirectly. How a request is read
// (decode), answered and named (present: the id it goes by, RequestID)
// sit in the ring above it, beside the transports.
func TestDomainKnowsNoTransport(t *testing.T) {
	p := list(t, module+"shared/domain")["shared/domain"]
	if len(p.Deps) == 0 {
		t.Fatal("shared/domain: no dependencies listed")
	}
	for _, d := range p.Deps {
		if d == "net/http" || strings.HasPrefix(d, "net/http/") {
			t.Errorf("shared/domain links %s: transport concerns belong in decode, present or the transports", d)
		}
	}
}

// TestRulesReachStorageThroughInterfaces: the web app's pages and the
// notifier's rules reach storage only through interfaces their side owns
// (service.Storer, notify.Storage), so their rules are tested against the
// in-memory fake; neither may depend on the DynamoDB store, however
// indirectly.
func TestRulesReachStorageThroughInterfaces(t *testing.T) {
	for _, path := range []string{"shared/web", "shared/notify"} {
		if slices.Contains(list(t, module+path)[path].Deps, module+"shared/store") {
			t.Errorf("%s depends on shared/store: it reaches storage only through its storage interface", path)
		}
	}
}

// TestAPIFunctionsLinkOnlyTheAPI: a cold start pays for every package a
// binary links, so the API functions link neither SES, the notifier, the
// web app nor test support. Every function is either one of them or named
// as not one, so a new function is checked from the start.
func TestAPIFunctionsLinkOnlyTheAPI(t *testing.T) {
	banned := []string{"github.com/aws/aws-sdk-go-v2/service/sesv2", "github.com/aws/aws-sdk-go-v2/service/ssm", "github.com/xuri/excelize/v2",
		module + "shared/web", module + "shared/notify", module + "shared/email", module + "shared/testkit", module + "shared/testenv"}
	api := []string{"programmes", "grants", "delivery", "progress", "audit", "reporting", "imports", "fallback"}
	notAPI := []string{"notifier", "web"}
	for path := range list(t, module+"functions/...") {
		fn, ok := strings.CutPrefix(path, "functions/")
		if ok && !strings.Contains(fn, "/") && !slices.Contains(api, fn) && !slices.Contains(notAPI, fn) {
			t.Errorf("functions/%s is neither an API function nor the notifier or web: place it in TestAPIFunctionsLinkOnlyTheAPI", fn)
		}
	}
	for _, fn := range api {
		p := list(t, module+"functions/"+fn)["functions/"+fn]
		if len(p.Deps) == 0 {
			t.Fatalf("functions/%s: no dependencies listed", fn)
		}
		for _, d := range p.Deps {
			for _, b := range banned {
				if d == b || strings.HasPrefix(d, b+"/") {
					t.Errorf("functions/%s links %s", fn, d)
				}
			}
		}
	}
}

// TestFunctionsLinkNoTestSupport: no Lambda binary carries test code.
func TestFunctionsLinkNoTestSupport(t *testing.T) {
	for path, p := range list(t, module+"functions/...") {
		for _, d := range p.Deps {
			if strings.HasPrefix(d, module+"shared/testkit") || strings.HasPrefix(d, module+"shared/testenv") ||
				strings.HasPrefix(d, module+"infra/") {
				t.Errorf("%s links %s", path, d)
			}
		}
	}
}
