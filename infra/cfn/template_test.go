package cfn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fundtrack/fundtrack/infra/cfn"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// ---------------------------------------------------------------- helpers

// repoRoot is the folder holding go.mod and template.yaml.
func repoRoot(t *testing.T) string {
	t.Helper()
	path, err := cfn.FindTemplate()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(path)
}

// loadTemplate parses template.yaml afresh, so a test may change its copy.
func loadTemplate(t *testing.T) map[string]any {
	t.Helper()
	path, err := cfn.FindTemplate()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := cfn.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func list(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case nil:
		return nil
	default:
		return []any{v} // IAM allows a single Action or Resource as a string
	}
}

// resourcesOfType returns logical id → resource for every resource of typ.
func resourcesOfType(tpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range cfn.Resources(tpl) {
		if res := obj(r); res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// function is one AWS::Serverless::Function as the tests see it.
type function struct {
	id    string         // logical id
	name  string         // folder under functions/, from CodeUri build/<name>.zip
	props map[string]any // Properties
}

var codeURI = regexp.MustCompile(`^build/([a-z0-9][a-z0-9-]*)\.zip$`)

func functions(t *testing.T, tpl map[string]any) []function {
	t.Helper()
	var out []function
	for id, res := range resourcesOfType(tpl, "AWS::Serverless::Function") {
		props := obj(res["Properties"])
		uri, _ := props["CodeUri"].(string)
		m := codeURI.FindStringSubmatch(uri)
		if m == nil {
			t.Errorf("%s: CodeUri %v is not build/<name>.zip", id, props["CodeUri"])
			continue
		}
		out = append(out, function{id: id, name: m[1], props: props})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// setting is a function property as deployed: its own value, else Globals'.
func setting(tpl map[string]any, fn function, key string) any {
	if v, ok := fn.props[key]; ok {
		return v
	}
	return obj(obj(tpl["Globals"])["Function"])[key]
}

// ---------------------------------------------------------------- Load

func TestLoadExpandsShortForms(t *testing.T) {
	src := `
Conditions:
  HasEmail: !Not [!Equals [!Ref Email, ""]]
  Both: !And [!Condition HasEmail, !Or [!Condition A, !Condition B]]
Resources:
  R:
    Type: AWS::X::Y
    Properties:
      Arn: !GetAtt Table.Arn
      Nested: !GetAtt Stack.Outputs.Name
      Long: !GetAtt [Table, StreamArn]
      Sub: !Sub ${Table.Arn}/index/*
      SubVars: !Sub ["${A}-x", {A: !Ref AWS::Region}]
      Join: !Join ["", [a, !Ref B]]
      If: !If [HasEmail, !Ref Email, !Ref AWS::NoValue]
      Select: !Select [0, !GetAZs ""]
      Split: !Split [",", "a,b"]
      Map: !FindInMap [M, !Ref AWS::Region, K]
      Import: !ImportValue shared-vpc
      B64: !Base64 hello
      Cidr: !Cidr ["10.0.0.0/16", 4, 8]
      Number: 256
      Flag: true
      Quoted: "2010-09-09"
      Anchor: &a {X: 1}
      Alias: *a
      Merged:
        <<: *a
        Y: 2
`
	path := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	tpl, err := cfn.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"Conditions": map[string]any{
			"HasEmail": map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Email"}, ""}}}},
			"Both": map[string]any{"Fn::And": []any{
				map[string]any{"Condition": "HasEmail"},
				map[string]any{"Fn::Or": []any{map[string]any{"Condition": "A"}, map[string]any{"Condition": "B"}}},
			}},
		},
		"Resources": map[string]any{"R": map[string]any{
			"Type": "AWS::X::Y",
			"Properties": map[string]any{
				"Arn":     map[string]any{"Fn::GetAtt": []any{"Table", "Arn"}},
				"Nested":  map[string]any{"Fn::GetAtt": []any{"Stack", "Outputs.Name"}},
				"Long":    map[string]any{"Fn::GetAtt": []any{"Table", "StreamArn"}},
				"Sub":     map[string]any{"Fn::Sub": "${Table.Arn}/index/*"},
				"SubVars": map[string]any{"Fn::Sub": []any{"${A}-x", map[string]any{"A": map[string]any{"Ref": "AWS::Region"}}}},
				"Join":    map[string]any{"Fn::Join": []any{"", []any{"a", map[string]any{"Ref": "B"}}}},
				"If":      map[string]any{"Fn::If": []any{"HasEmail", map[string]any{"Ref": "Email"}, map[string]any{"Ref": "AWS::NoValue"}}},
				"Select":  map[string]any{"Fn::Select": []any{0, map[string]any{"Fn::GetAZs": ""}}},
				"Split":   map[string]any{"Fn::Split": []any{",", "a,b"}},
				"Map":     map[string]any{"Fn::FindInMap": []any{"M", map[string]any{"Ref": "AWS::Region"}, "K"}},
				"Import":  map[string]any{"Fn::ImportValue": "shared-vpc"},
				"B64":     map[string]any{"Fn::Base64": "hello"},
				"Cidr":    map[string]any{"Fn::Cidr": []any{"10.0.0.0/16", 4, 8}},
				"Number":  256,
				"Flag":    true,
				"Quoted":  "2010-09-09",
				"Anchor":  map[string]any{"X": 1},
				"Alias":   map[string]any{"X": 1},
				"Merged":  map[string]any{"X": 1, "Y": 2},
			},
		}},
	}
	if !reflect.DeepEqual(tpl, want) {
		g, _ := json.MarshalIndent(tpl, "", "  ")
		t.Errorf("Load gave\n%s", g)
	}
}

func TestLoadRejectsUnknownTags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(path, []byte("Resources:\n  R: !Reference X\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cfn.Load(path); err == nil || !strings.Contains(err.Error(), "!Reference") {
		t.Fatalf("Load accepted an unknown tag (err %v)", err)
	}
}

// ---------------------------------------------------------------- SAM schema

// lookaheadRegexp compiles JSON Schema patterns. Go's regexp has no
// lookahead, yet the SAM schema needs one: any non-SAM resource is matched
// by Type "^(?!AWS::Serverless::).+$". A leading negative lookahead is
// evaluated as "the lookahead does not match at the start and the rest
// does"; every other pattern goes to regexp as usual.
func lookaheadRegexp(s string) (jsonschema.Regexp, error) {
	rest, ok := strings.CutPrefix(s, "^(?!")
	if !ok {
		return regexp.Compile(s)
	}
	depth, end := 1, -1
	for i := 0; i < len(rest) && end < 0; i++ {
		switch rest[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				end = i
			}
		}
	}
	if end < 0 {
		return nil, fmt.Errorf("unbalanced lookahead in %q", s)
	}
	not, err := regexp.Compile("^(?:" + rest[:end] + ")")
	if err != nil {
		return nil, err
	}
	then, err := regexp.Compile("^" + rest[end+1:])
	if err != nil {
		return nil, err
	}
	return negativeLookahead{src: s, not: not, then: then}, nil
}

type negativeLookahead struct {
	src       string
	not, then *regexp.Regexp
}

func (r negativeLookahead) MatchString(s string) bool {
	return !r.not.MatchString(s) && r.then.MatchString(s)
}
func (r negativeLookahead) String() string { return r.src }

var sam struct {
	once   sync.Once
	path   string
	schema *jsonschema.Schema
	err    error
}

// samSchema compiles the official SAM schema once per run: it is 750 kB and
// several tests validate against it. It skips when the file is absent.
func samSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	dir := os.Getenv("FUNDTRACK_SCHEMAS_DIR")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "..", "shared", "schemas")
	}
	path := filepath.Join(dir, "sam.schema.json")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("SAM schema not found at %s (set FUNDTRACK_SCHEMAS_DIR to the folder holding sam.schema.json): %v", path, err)
	}
	sam.once.Do(func() {
		sam.path = path
		f, err := os.Open(path)
		if err != nil {
			sam.err = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			sam.err = err
			return
		}
		// The file declares draft-04 in $schema, which the compiler honours;
		// the default only matters if a future copy drops $schema.
		if d, _ := obj(doc)["$schema"].(string); !strings.Contains(d, "draft-04") {
			sam.err = fmt.Errorf("%s declares %q, expected draft-04: check the validator settings", path, d)
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft4)
		c.UseRegexpEngine(lookaheadRegexp)
		if sam.err = c.AddResource(path, doc); sam.err != nil {
			return
		}
		sam.schema, sam.err = c.Compile(path)
	})
	if sam.err != nil {
		t.Fatalf("compile SAM schema %s: %v", sam.path, sam.err)
	}
	return sam.schema
}

// validate checks a template (as from cfn.Load) against the SAM schema. The
// JSON round trip gives the validator the number types it expects.
func validate(t *testing.T, tpl map[string]any) error {
	t.Helper()
	raw, err := json.Marshal(tpl)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return samSchema(t).Validate(inst)
}

func TestTemplateValidatesAgainstSAMSchema(t *testing.T) {
	t.Parallel()
	if err := validate(t, loadTemplate(t)); err != nil {
		msg := err.Error()
		if len(msg) > 8000 {
			msg = msg[:8000] + "\n…"
		}
		t.Fatalf("template.yaml does not satisfy the SAM schema:\n%s", msg)
	}
}

// TestSAMSchemaCatchesMistakes proves the schema check bites: each broken
// copy of the template must fail. (The schema passes Runtime and Handler
// through unchecked, so "Runtime: 42" is caught by TestFunctionsMatchFolders
// instead.)
func TestSAMSchemaCatchesMistakes(t *testing.T) {
	t.Parallel()
	firstFunction := func(tpl map[string]any) map[string]any {
		for _, res := range resourcesOfType(tpl, "AWS::Serverless::Function") {
			return res
		}
		t.Fatal("template has no AWS::Serverless::Function")
		return nil
	}
	cases := map[string]func(tpl map[string]any){
		"unknown resource attribute": func(tpl map[string]any) {
			firstFunction(tpl)["Bogus"] = true
		},
		"unknown function property": func(tpl map[string]any) {
			obj(firstFunction(tpl)["Properties"])["Runtimee"] = "provided.al2023"
		},
		"Tracing of the wrong type": func(tpl map[string]any) {
			obj(firstFunction(tpl)["Properties"])["Tracing"] = 42
		},
		"unknown HttpApi event property": func(tpl map[string]any) {
			for _, ev := range obj(obj(firstFunction(tpl)["Properties"])["Events"]) {
				obj(obj(ev)["Properties"])["Verb"] = "GET"
				return
			}
		},
		"unknown event type": func(tpl map[string]any) {
			for _, ev := range obj(obj(firstFunction(tpl)["Properties"])["Events"]) {
				obj(ev)["Type"] = "HttpApii"
				return
			}
		},
		"unknown Globals section": func(tpl map[string]any) {
			obj(tpl["Globals"])["Functions"] = map[string]any{}
		},
		"HttpApi authorizer misspelt": func(tpl map[string]any) {
			obj(obj(resourcesOfType(tpl, "AWS::Serverless::HttpApi")["Api"]["Properties"])["Auth"])["DefaultAuthoriser"] = "x"
		},
		"no Resources": func(tpl map[string]any) {
			delete(tpl, "Resources")
		},
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			tpl := loadTemplate(t)
			breakIt(tpl)
			if err := validate(t, tpl); err == nil {
				t.Fatal("the broken template passed validation")
			}
		})
	}
}

// ---------------------------------------------------------------- functions

func TestFunctionsMatchFolders(t *testing.T) {
	tpl := loadTemplate(t)
	root := repoRoot(t)

	folders := map[string]bool{}
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			folders[e.Name()] = true
		}
	}

	fns := functions(t, tpl)
	if len(fns) == 0 {
		t.Fatal("template has no AWS::Serverless::Function")
	}
	inTemplate := map[string]bool{}
	for _, fn := range fns {
		if inTemplate[fn.name] {
			t.Errorf("two functions are built from build/%s.zip", fn.name)
		}
		inTemplate[fn.name] = true
		if !folders[fn.name] {
			t.Errorf("%s: CodeUri build/%s.zip but there is no folder functions/%s", fn.id, fn.name, fn.name)
		}
		// These reach the function through Globals; a function may not
		// override them with anything else. (The SAM schema does not type
		// Runtime or Handler, so this is where "Runtime: 42" is caught.)
		for key, want := range map[string]any{
			"Runtime":       "provided.al2023",
			"Handler":       "bootstrap",
			"Architectures": []any{"arm64"},
		} {
			if got := setting(tpl, fn, key); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s is %v, want %v", fn.id, key, got, want)
			}
		}
		env := obj(obj(setting(tpl, fn, "Environment"))["Variables"])
		if got := env["FUNDTRACK_TABLE"]; !reflect.DeepEqual(got, map[string]any{"Ref": cfn.TableLogicalID}) {
			t.Errorf("%s: FUNDTRACK_TABLE is %v, want !Ref %s", fn.id, got, cfn.TableLogicalID)
		}
	}
	for name := range folders {
		if !inTemplate[name] {
			t.Errorf("functions/%s has no AWS::Serverless::Function with CodeUri build/%s.zip in template.yaml", name, name)
		}
	}
}

// templateRoutes returns, per function name, its HttpApi routes as
// "METHOD /path", and checks each event's wiring on the way.
func templateRoutes(t *testing.T, tpl map[string]any) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, fn := range functions(t, tpl) {
		for evName, ev := range obj(fn.props["Events"]) {
			ev := obj(ev)
			if ev["Type"] != "HttpApi" {
				continue
			}
			p := obj(ev["Properties"])
			if !reflect.DeepEqual(p["ApiId"], map[string]any{"Ref": "Api"}) {
				t.Errorf("%s.%s: ApiId is %v, want !Ref Api", fn.id, evName, p["ApiId"])
			}
			method, _ := p["Method"].(string)
			path, _ := p["Path"].(string)
			route := method + " " + path
			if method == "" || method != strings.ToUpper(method) || (!strings.HasPrefix(path, "/") && route != defaultRoute) {
				t.Errorf("%s.%s: Method %q Path %q: want an upper-case method and an absolute path", fn.id, evName, method, path)
			}
			// What no route takes goes to the fallback function
			// (TestUnmatchedRequestsGoToTheFallback checks its route).
			if fn.name == fallbackFunction || route == defaultRoute {
				if fn.name != fallbackFunction || route != defaultRoute {
					t.Errorf("%s.%s: %s: only the fallback function has a route, the $default one (ANY $default)", fn.id, evName, route)
				}
				continue
			}
			// The web app checks its own session cookie: API Gateway lets
			// its two catch-alls under /app through (Auth NONE). They are
			// no API routes, so they are left out of the comparison with
			// httpapi.Functions (TestWebFunctionRoutes checks them).
			if fn.name == webFunction {
				if !webRoutes[route] || !reflect.DeepEqual(p["Auth"], map[string]any{"Authorizer": "NONE"}) {
					t.Errorf("%s.%s: %s (Auth %v): the web function has only ANY /app and ANY /app/{proxy+}, with Auth NONE", fn.id, evName, route, p["Auth"])
				}
				continue
			}
			// Every page, the import pages too, is the web function's.
			if strings.HasPrefix(path, "/app") {
				t.Errorf("%s.%s: %s: only the web function serves pages under /app", fn.id, evName, route)
				continue
			}
			// The health check and the OpenAPI document answer without a
			// token; every other route keeps the default JWT authorizer.
			if path == "/health" || path == "/openapi.json" {
				if want := map[string]any{"Authorizer": "NONE"}; !reflect.DeepEqual(p["Auth"], want) {
					t.Errorf("%s.%s: %s has Auth %v, want %v", fn.id, evName, route, p["Auth"], want)
				}
			} else if p["Auth"] != nil {
				t.Errorf("%s.%s: %s overrides Auth (%v); only /health and /openapi.json (GET and HEAD) may", fn.id, evName, route, p["Auth"])
			}
			out[fn.name] = append(out[fn.name], route)
		}
	}
	return out
}

// fallbackFunction (functions/fallback) answers what no route takes,
// through the HTTP API's $default route; defaultRoute is that route as
// templateRoutes spells routes.
const (
	fallbackFunction = "fallback"
	defaultRoute     = "ANY $default"
)

// TestUnmatchedRequestsGoToTheFallback: without a $default route, API
// Gateway answers an unknown path or a method a path does not serve
// itself, with {"message":"Not Found"}: no 405, no Allow, not the SPEC's
// error shape. The template routes them to the fallback function, which
// serves httpapi.NewFallbackHandler, open without a token as locally; and
// the SAM transform turns that into the HTTP API's default route.
func TestUnmatchedRequestsGoToTheFallback(t *testing.T) {
	tpl := loadTemplate(t)
	var defaults []string
	for _, fn := range functions(t, tpl) {
		for evName, ev := range obj(fn.props["Events"]) {
			p := obj(obj(ev)["Properties"])
			if obj(ev)["Type"] != "HttpApi" || p["Path"] != "$default" {
				continue
			}
			defaults = append(defaults, fn.id)
			if fn.name != fallbackFunction || p["Method"] != "ANY" ||
				!reflect.DeepEqual(p["Auth"], map[string]any{"Authorizer": "NONE"}) {
				t.Errorf("%s.%s: %v %v (Auth %v) on build/%s.zip, want ANY $default with Auth NONE on build/%s.zip",
					fn.id, evName, p["Method"], p["Path"], p["Auth"], fn.name, fallbackFunction)
			}
		}
		if fn.name == fallbackFunction && fn.props["Policies"] != nil {
			t.Errorf("%s: reads no data, so needs no policy: %v", fn.id, fn.props["Policies"])
		}
	}
	if len(defaults) != 1 {
		t.Fatalf("$default routes on %v, want exactly one, on the fallback function (build/%s.zip)", defaults, fallbackFunction)
	}

	// After the transform: the API's default route integrates that function.
	out := translated(t)
	body := obj(obj(obj(cfn.Resources(out)["Api"])["Properties"])["Body"])
	route := obj(obj(obj(body["paths"])["/$default"])["x-amazon-apigateway-any-method"])
	uri := fmt.Sprint(obj(obj(route["x-amazon-apigateway-integration"])["uri"])["Fn::Sub"])
	if route["isDefaultRoute"] != true || !strings.Contains(uri, "${"+defaults[0]+".Arn}") {
		t.Errorf("translated Api: /$default is %v, want the default route integrating %s", route, defaults[0])
	}
}

// webFunction is the web app (functions/web) and webRoutes its routes.
const webFunction = "web"

var webRoutes = map[string]bool{"ANY /app": true, "ANY /app/{proxy+}": true}

// servesPages reports whether a function serves web pages, and so needs
// the web app's settings (session key, operator, static files).
func servesPages(name string) bool { return name == webFunction }

func TestWebFunctionRoutes(t *testing.T) {
	tpl := loadTemplate(t)
	for _, fn := range functions(t, tpl) {
		if fn.name != webFunction {
			continue
		}
		seen := map[string]bool{}
		for _, ev := range obj(fn.props["Events"]) {
			p := obj(obj(ev)["Properties"])
			seen[fmt.Sprint(p["Method"], " ", p["Path"])] = true
		}
		if !reflect.DeepEqual(seen, webRoutes) {
			t.Errorf("%s routes %v, want %v", fn.id, seen, webRoutes)
		}
		return
	}
	t.Error("template.yaml has no web function (CodeUri build/web.zip)")
}

// TestRoutesMatchHandlers: template.yaml routes to each function exactly
// the routes its Go handler serves, and HEAD beside every GET: the Go
// handlers answer HEAD wherever they answer GET (http.ServeMux matches a
// GET pattern for both), as the local runner does, while API Gateway
// routes only the methods it is given, sending any other to the fallback
// function's 405.
func TestRoutesMatchHandlers(t *testing.T) {
	tpl := loadTemplate(t)
	inTemplate := templateRoutes(t, tpl)

	inGo := map[string][]string{}
	for _, f := range httpapi.Functions(httpapi.Deps{}) {
		inGo[f.Name] = append(inGo[f.Name], f.Routes...)
		for _, r := range f.Routes {
			if path, ok := strings.CutPrefix(r, http.MethodGet+" "); ok {
				inGo[f.Name] = append(inGo[f.Name], http.MethodHead+" "+path)
			}
		}
	}

	owner := map[string]string{} // route → function, across the whole API
	for _, side := range []struct {
		what   string
		routes map[string][]string
	}{{"template.yaml", inTemplate}, {"httpapi.Functions", inGo}} {
		for fn, routes := range side.routes {
			seen := map[string]bool{}
			for _, r := range routes {
				if seen[r] {
					t.Errorf("%s: function %s lists %s twice", side.what, fn, r)
				}
				seen[r] = true
				if o, ok := owner[r]; ok && o != fn {
					t.Errorf("%s: %s is served by both %s and %s", side.what, r, o, fn)
				}
				owner[r] = fn
			}
		}
	}

	names := map[string]bool{}
	for n := range inTemplate {
		names[n] = true
	}
	for n := range inGo {
		names[n] = true
	}
	for name := range names {
		tplSet, goSet := set(inTemplate[name]), set(inGo[name])
		for r := range tplSet {
			if !goSet[r] {
				t.Errorf("function %s: template.yaml routes %s but the Go handler does not serve it", name, r)
			}
		}
		for r := range goSet {
			if !tplSet[r] {
				t.Errorf("function %s: the Go handler serves %s but template.yaml has no HttpApi event for it", name, r)
			}
		}
	}
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// ---------------------------------------------------------------- table

// TestTableDefinitionInDynamoDBLocal creates the table from the template the
// way the local stack does and checks that DynamoDB Local ends up with what
// the template says, and that the design other packages code against holds.
func TestTableDefinitionInDynamoDBLocal(t *testing.T) {
	tpl := loadTemplate(t)
	props := obj(obj(cfn.Resources(tpl)[cfn.TableLogicalID])["Properties"])

	client, name := testenv.Table(t)
	ctx := context.Background()
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	desc := out.Table
	if desc.TableStatus != types.TableStatusActive {
		t.Errorf("table status %s, want ACTIVE", desc.TableStatus)
	}

	// Key schema.
	if got, want := keysOf(desc.KeySchema), keysFromTemplate(props["KeySchema"]); !reflect.DeepEqual(got, want) {
		t.Errorf("key schema %v, template says %v", got, want)
	}
	if got, want := keysOf(desc.KeySchema), []string{"PK HASH", "SK RANGE"}; !reflect.DeepEqual(got, want) {
		t.Errorf("key schema %v, the fixed design is %v", got, want)
	}

	// Attribute definitions (order does not matter).
	var gotAttrs, wantAttrs []string
	for _, a := range desc.AttributeDefinitions {
		gotAttrs = append(gotAttrs, aws.ToString(a.AttributeName)+" "+string(a.AttributeType))
	}
	for _, a := range list(props["AttributeDefinitions"]) {
		a := obj(a)
		wantAttrs = append(wantAttrs, fmt.Sprint(a["AttributeName"], " ", a["AttributeType"]))
	}
	slices.Sort(gotAttrs)
	slices.Sort(wantAttrs)
	if !reflect.DeepEqual(gotAttrs, wantAttrs) {
		t.Errorf("attribute definitions %v, template says %v", gotAttrs, wantAttrs)
	}

	// Global secondary indexes: names, keys, projection.
	got := map[string]string{}
	for _, g := range desc.GlobalSecondaryIndexes {
		got[aws.ToString(g.IndexName)] = fmt.Sprint(keysOf(g.KeySchema), " ", g.Projection.ProjectionType, " ", sorted(g.Projection.NonKeyAttributes))
	}
	want := map[string]string{}
	for _, g := range list(props["GlobalSecondaryIndexes"]) {
		g := obj(g)
		p := obj(g["Projection"])
		var nonKey []string
		for _, a := range list(p["NonKeyAttributes"]) {
			nonKey = append(nonKey, fmt.Sprint(a))
		}
		want[fmt.Sprint(g["IndexName"])] = fmt.Sprint(keysFromTemplate(g["KeySchema"]), " ", p["ProjectionType"], " ", sorted(nonKey))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("global secondary indexes\n got  %v\n want %v (template)", got, want)
	}
	fixed := map[string]string{
		"GSI1": fmt.Sprint([]string{"GSI1PK HASH", "GSI1SK RANGE"}, " ALL ", []string(nil)),
		"GSI2": fmt.Sprint([]string{"GSI2PK HASH", "GSI2SK RANGE"}, " ALL ", []string(nil)),
		// Sparse: returns not yet sent, by the day the notifier next looks
		// at them (docs/dynamodb.md, "Returns").
		"GSI3": fmt.Sprint([]string{"GSI3PK HASH", "GSI3SK RANGE"}, " ALL ", []string(nil)),
	}
	if !reflect.DeepEqual(got, fixed) {
		t.Errorf("global secondary indexes %v, the fixed design is %v", got, fixed)
	}

	// TTL.
	ttl, err := client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	d := ttl.TimeToLiveDescription
	if d == nil || d.TimeToLiveStatus != types.TimeToLiveStatusEnabled || aws.ToString(d.AttributeName) != "ttl" {
		t.Errorf("TTL %+v, want ENABLED on attribute ttl", d)
	}
	if spec := obj(props["TimeToLiveSpecification"]); spec["AttributeName"] != aws.ToString(d.AttributeName) {
		t.Errorf("TTL attribute %s, template says %v", aws.ToString(d.AttributeName), spec["AttributeName"])
	}
}

func TestEnsureTableIsRepeatable(t *testing.T) {
	client, name := testenv.Table(t)
	in, ttl, err := cfn.TableInput(loadTemplate(t), cfn.TableLogicalID, name)
	if err != nil {
		t.Fatal(err)
	}
	// The table exists with TTL on: a second run (make run twice) must succeed.
	if err := cfn.EnsureTable(context.Background(), client, in, ttl); err != nil {
		t.Fatalf("second EnsureTable: %v", err)
	}
}

func keysOf(ks []types.KeySchemaElement) []string {
	var out []string
	for _, k := range ks {
		out = append(out, aws.ToString(k.AttributeName)+" "+string(k.KeyType))
	}
	return out
}

func keysFromTemplate(v any) []string {
	var out []string
	for _, k := range list(v) {
		k := obj(k)
		out = append(out, fmt.Sprint(k["AttributeName"], " ", k["KeyType"]))
	}
	return out
}

func sorted(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs
}

// ---------------------------------------------------------------- safety

func TestTablesAreProtected(t *testing.T) {
	tpl := loadTemplate(t)
	// The design has one table for the records and one, append-only, for
	// the audit trail (IAM cannot make part of a table append-only).
	if n := len(resourcesOfType(tpl, "AWS::DynamoDB::Table")); n != 2 {
		t.Errorf("%d DynamoDB tables, the design has two (%s and %s)", n, cfn.TableLogicalID, cfn.AuditTableLogicalID)
	}
	for _, id := range []string{cfn.TableLogicalID, cfn.AuditTableLogicalID} {
		res := obj(cfn.Resources(tpl)[id])
		if res["Type"] != "AWS::DynamoDB::Table" {
			t.Fatalf("resource %s is %v, want AWS::DynamoDB::Table", id, res["Type"])
		}
		p := obj(res["Properties"])
		checks := []struct {
			what     string
			got, was any
		}{
			{"DeletionPolicy", res["DeletionPolicy"], "Retain"},
			{"UpdateReplacePolicy", res["UpdateReplacePolicy"], "Retain"},
			{"BillingMode", p["BillingMode"], "PAY_PER_REQUEST"},
			{"point-in-time recovery", obj(p["PointInTimeRecoverySpecification"])["PointInTimeRecoveryEnabled"], true},
			{"deletion protection", p["DeletionProtectionEnabled"], true},
			{"encryption", obj(p["SSESpecification"])["SSEEnabled"], true},
		}
		if id == cfn.TableLogicalID {
			checks = append(checks,
				struct {
					what     string
					got, was any
				}{"TTL enabled", obj(p["TimeToLiveSpecification"])["Enabled"], true},
				struct {
					what     string
					got, was any
				}{"TTL attribute", obj(p["TimeToLiveSpecification"])["AttributeName"], "ttl"})
		}
		for _, c := range checks {
			if !reflect.DeepEqual(c.got, c.was) {
				t.Errorf("table %s: %s is %v, want %v", id, c.what, c.got, c.was)
			}
		}
	}
}

// allowedDynamoDB are the only DynamoDB actions a function may be granted.
// Transactions need no action of their own: IAM checks each item's Put,
// Update, Delete or ConditionCheck, and each Get of a TransactGetItems
// (the store's FiguresAsOf) as GetItem.
var allowedDynamoDB = set([]string{
	"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
	"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
	"dynamodb:ConditionCheckItem",
})

// tableResources are the only resources DynamoDB actions may name.
var tableResources = []any{
	map[string]any{"Fn::GetAtt": []any{cfn.TableLogicalID, "Arn"}},
	map[string]any{"Fn::Sub": "${" + cfn.TableLogicalID + ".Arn}/index/*"},
}

// auditResources are the audit table's ARNs; auditActions the only actions
// any function may have on them: adding events and reading them. Nothing
// may update or delete an audit event.
var (
	auditResources = []any{
		map[string]any{"Fn::GetAtt": []any{cfn.AuditTableLogicalID, "Arn"}},
		map[string]any{"Fn::Sub": "${" + cfn.AuditTableLogicalID + ".Arn}/index/*"},
	}
	auditActions = set([]string{"dynamodb:PutItem", "dynamodb:Query"})
)

// auditReaders are the functions that read the audit trail, and so may
// Query the audit table: those serving an API route of the trail or of a
// record's history (…/audit, …/history), and the web app, whose pages show
// both. Every other function only adds events, with its writes.
func auditReaders() map[string]bool {
	readers := map[string]bool{webFunction: true}
	for _, f := range httpapi.Functions(httpapi.Deps{}) {
		for _, r := range f.Routes {
			if strings.HasSuffix(r, "/audit") || strings.HasSuffix(r, "/history") {
				readers[f.Name] = true
			}
		}
	}
	return readers
}

func TestFunctionPoliciesAreLeastPrivilege(t *testing.T) {
	tpl := loadTemplate(t)
	readers := auditReaders()
	if !readers["audit"] || len(readers) != 2 {
		t.Fatalf("the audit trail is read by %v; want the audit and web functions", readers)
	}
	for _, fn := range functions(t, tpl) {
		if fn.props["Role"] != nil {
			t.Errorf("%s: uses its own Role; give it inline Policies instead so this test can see them", fn.id)
		}
		for i, pol := range list(fn.props["Policies"]) {
			doc := obj(pol)
			stmts := list(doc["Statement"])
			if doc == nil || len(doc) != 1 || len(stmts) == 0 {
				// Managed policies and SAM policy templates
				// (DynamoDBCrudPolicy includes Scan) grant more than needed.
				t.Errorf("%s: Policies[%d] is %v, want an inline {Statement: [...]}", fn.id, i, pol)
				continue
			}
			for j, s := range stmts {
				s := obj(s)
				where := fmt.Sprintf("%s: Policies[%d].Statement[%d]", fn.id, i, j)
				if s["Effect"] != "Allow" {
					continue
				}
				if s["NotAction"] != nil || s["NotResource"] != nil {
					t.Errorf("%s: NotAction/NotResource grant everything else", where)
				}
				touchesTable := false
				var actions []string
				for _, a := range list(s["Action"]) {
					action, _ := a.(string)
					lower := strings.ToLower(action)
					switch {
					case strings.Contains(action, "*"):
						t.Errorf("%s: wildcard action %q", where, action)
					case strings.HasPrefix(lower, "ses:") && fn.name != "notifier":
						t.Errorf("%s: %q: only the notifier may send email", where, action)
					case strings.HasPrefix(lower, "dynamodb:"):
						touchesTable = true
						actions = append(actions, action)
						if !allowedDynamoDB[action] {
							t.Errorf("%s: DynamoDB action %q is not allowed (allowed: GetItem, BatchGetItem, Query, PutItem, UpdateItem, DeleteItem, ConditionCheckItem)", where, action)
						}
					}
				}
				if touchesTable {
					for _, r := range list(s["Resource"]) {
						in := func(rs []any) bool {
							return slices.ContainsFunc(rs, func(ok any) bool { return reflect.DeepEqual(ok, r) })
						}
						switch {
						case in(auditResources):
							for _, a := range actions {
								if !auditActions[a] {
									t.Errorf("%s: %q on the audit table: audit events may only be added (PutItem) and read (Query)", where, a)
								}
								if a == "dynamodb:Query" && !readers[fn.name] {
									t.Errorf("%s: %q on the audit table: only the functions showing the audit trail read it (%v)", where, a, slices.Sorted(maps.Keys(readers)))
								}
							}
						case !in(tableResources):
							t.Errorf("%s: DynamoDB resource %v: want the table ARN or ${Table.Arn}/index/*", where, r)
						}
					}
				}
			}
		}
	}
}

func TestEveryFunctionHasAnErrorAlarm(t *testing.T) {
	tpl := loadTemplate(t)
	alarmed := map[string]bool{}
	for id, a := range resourcesOfType(tpl, "AWS::CloudWatch::Alarm") {
		p := obj(a["Properties"])
		if p["Namespace"] != "AWS/Lambda" || p["MetricName"] != "Errors" {
			continue
		}
		if len(list(p["AlarmActions"])) == 0 {
			t.Errorf("%s: alarm has no AlarmActions", id)
		}
		for _, d := range list(p["Dimensions"]) {
			d := obj(d)
			if ref, _ := obj(d["Value"])["Ref"].(string); d["Name"] == "FunctionName" && ref != "" {
				alarmed[ref] = true
			}
		}
	}
	for _, fn := range functions(t, tpl) {
		if !alarmed[fn.id] {
			t.Errorf("%s: no AWS::CloudWatch::Alarm on its AWS/Lambda Errors metric", fn.id)
		}
	}
}

// TestServerErrorAnswersRaiseAnAlarm: a function that answers 500 or 503
// has not failed as far as Lambda is concerned (its Errors metric counts
// only crashes and timeouts), so an alarm watches the HTTP API's own count
// of 5xx answers (AWS/ApiGateway 5xx by ApiId, the HTTP API metric; REST
// APIs call theirs 5XXError) and tells the same topic as the other alarms.
func TestServerErrorAnswersRaiseAnAlarm(t *testing.T) {
	tpl := loadTemplate(t)
	var found []string
	for id, a := range resourcesOfType(tpl, "AWS::CloudWatch::Alarm") {
		p := obj(a["Properties"])
		if p["Namespace"] != "AWS/ApiGateway" {
			continue
		}
		found = append(found, id)
		if p["MetricName"] != "5xx" {
			t.Errorf("%s: MetricName %v, want 5xx (an HTTP API's server errors)", id, p["MetricName"])
		}
		if want := []any{map[string]any{"Name": "ApiId", "Value": map[string]any{"Ref": "Api"}}}; !reflect.DeepEqual(p["Dimensions"], want) {
			t.Errorf("%s: Dimensions %v, want ApiId: !Ref Api", id, p["Dimensions"])
		}
		topic := []any{map[string]any{"Ref": "AlarmTopic"}}
		if !reflect.DeepEqual(p["AlarmActions"], topic) || !reflect.DeepEqual(p["OKActions"], topic) {
			t.Errorf("%s: AlarmActions %v, OKActions %v, want the AlarmTopic like the other alarms", id, p["AlarmActions"], p["OKActions"])
		}
		period, _ := p["Period"].(int)
		threshold, _ := p["Threshold"].(int)
		if p["Statistic"] != "Sum" || period < 60 || period > 900 || threshold < 1 || threshold > 10 ||
			p["TreatMissingData"] != "notBreaching" {
			t.Errorf("%s: %v of %vs periods against %v (missing data %v): want a Sum over 1-15 minutes, raised by a handful of errors, quiet without traffic",
				id, p["Statistic"], p["Period"], p["Threshold"], p["TreatMissingData"])
		}
	}
	if len(found) != 1 {
		t.Errorf("alarms on AWS/ApiGateway: %v, want one, on the API's 5xx", found)
	}
}

func TestAuthAndOutputs(t *testing.T) {
	tpl := loadTemplate(t)
	api := obj(resourcesOfType(tpl, "AWS::Serverless::HttpApi")["Api"])
	if api == nil {
		t.Fatal("no AWS::Serverless::HttpApi named Api")
	}
	auth := obj(obj(api["Properties"])["Auth"])
	def, _ := auth["DefaultAuthorizer"].(string)
	az := obj(obj(auth["Authorizers"])[def])
	jwt := obj(az["JwtConfiguration"])
	if def == "" || az == nil {
		t.Fatalf("Api has no DefaultAuthorizer among its Authorizers: %v", auth)
	}
	if az["IdentitySource"] != "$request.header.Authorization" {
		t.Errorf("IdentitySource %v", az["IdentitySource"])
	}
	wantIssuer := map[string]any{"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"}
	if !reflect.DeepEqual(jwt["issuer"], wantIssuer) {
		t.Errorf("JWT issuer %v, want %v", jwt["issuer"], wantIssuer)
	}
	if want := []any{map[string]any{"Ref": "UserPoolClient"}}; !reflect.DeepEqual(jwt["audience"], want) {
		t.Errorf("JWT audience %v, want %v", jwt["audience"], want)
	}

	res := cfn.Resources(tpl)
	for id, typ := range map[string]string{
		"UserPool":       "AWS::Cognito::UserPool",
		"UserPoolClient": "AWS::Cognito::UserPoolClient",
		"UserPoolDomain": "AWS::Cognito::UserPoolDomain",
		"AdminsGroup":    "AWS::Cognito::UserPoolGroup",
	} {
		if got := obj(res[id])["Type"]; got != typ {
			t.Errorf("resource %s is %v, want %s", id, got, typ)
		}
	}
	// Memberships are granted by email and identity is the ID token's
	// email: a user may not switch their account to an address they have
	// not proved they hold (the token would carry it, email_verified or not).
	pool := obj(obj(res["UserPool"])["Properties"])
	if got := obj(pool["UserAttributeUpdateSettings"])["AttributesRequireVerificationBeforeUpdate"]; !reflect.DeepEqual(got, []any{"email"}) {
		t.Errorf("UserPool AttributesRequireVerificationBeforeUpdate %v, want [email]", got)
	}
	client := obj(obj(res["UserPoolClient"])["Properties"])
	if client["GenerateSecret"] != false || !reflect.DeepEqual(client["AllowedOAuthFlows"], []any{"code"}) {
		t.Errorf("UserPoolClient must be a public code-flow client: %v", client)
	}
	if g := obj(obj(res["AdminsGroup"])["Properties"])["GroupName"]; g != "admins" {
		t.Errorf("admins group is named %v", g)
	}

	outputs := obj(tpl["Outputs"])
	for _, o := range []string{"ApiUrl", "UserPoolId", "UserPoolClientId", "TableName"} {
		if obj(outputs[o])["Value"] == nil {
			t.Errorf("output %s missing", o)
		}
	}
}

// auditGrants lists every DynamoDB action any function is granted on the
// audit table.
func auditGrants(t *testing.T, tpl map[string]any) []string {
	var out []string
	for _, fn := range functions(t, tpl) {
		for _, pol := range list(fn.props["Policies"]) {
			for _, st := range list(obj(pol)["Statement"]) {
				st := obj(st)
				onAudit := slices.ContainsFunc(list(st["Resource"]), func(r any) bool {
					return slices.ContainsFunc(auditResources, func(a any) bool { return reflect.DeepEqual(a, r) })
				})
				if !onAudit || st["Effect"] != "Allow" {
					continue
				}
				for _, a := range list(st["Action"]) {
					out = append(out, fn.id+" "+fmt.Sprint(a))
				}
			}
		}
	}
	return out
}

func TestAuditEventsAreImmutable(t *testing.T) {
	tpl := loadTemplate(t)
	grants := auditGrants(t, tpl)
	writers := 0
	for _, g := range grants {
		_, action, _ := strings.Cut(g, " ")
		if !auditActions[action] {
			t.Errorf("%s: audit events may only be added and read", g)
		}
		if action == "dynamodb:PutItem" {
			writers++
		}
	}
	// Every function that changes records writes audit events in the same
	// transaction, so each needs PutItem there.
	if writers < 5 {
		t.Errorf("only %d functions may add audit events: %v", writers, grants)
	}

	// The check bites: a grant of UpdateItem on the audit table is seen.
	broken := loadTemplate(t)
	fn := obj(obj(cfn.Resources(broken)["GrantsFunction"])["Properties"])
	stmts := list(obj(list(fn["Policies"])[0])["Statement"])
	stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": []any{"dynamodb:UpdateItem"},
		"Resource": []any{map[string]any{"Fn::GetAtt": []any{cfn.AuditTableLogicalID, "Arn"}}}})
	obj(list(fn["Policies"])[0])["Statement"] = stmts
	if !slices.Contains(auditGrants(t, broken), "GrantsFunction dynamodb:UpdateItem") {
		t.Error("a grant of UpdateItem on the audit table went unseen")
	}
}
