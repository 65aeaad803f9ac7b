package httpapi_test

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestEveryRouteOverDynamoDB is the API's contract with DynamoDB Local:
// the roles tables and refusal suites run over the in-memory store
// (newMemAPI), so here every route of every function answers at least one
// allowed request with success, end to end over a fresh stack. It walks
// the roles tables' cases as the first role each allows (with their
// checks of the answer), the delivery and progress routes as admin, the
// audit trail and imports; a recorder around the mounted API names any
// route no request reached with a 2xx, so a new route cannot be proved
// over memory only.
func TestEveryRouteOverDynamoDB(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	succeeded := map[string]int{} // route pattern → 2xx answers
	sniffable := map[string]int{} // route pattern → answers without nosniff
	record := func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusRecorder{ResponseWriter: w}
			api.ServeHTTP(rec, r)
			mu.Lock()
			defer mu.Unlock()
			// The mux set the pattern it matched on r as it routed it.
			if rec.status() < 300 {
				succeeded[r.Pattern]++
			}
			// Every answer, whatever its type or status (audit N5).
			if w.Header().Get("X-Content-Type-Options") != "nosniff" {
				sniffable[r.Pattern]++
			}
		})
	}
	h := startAPI(t, testkit.New(t), nil, testkit.APIConfig{Around: record})
	read := h.fixture(t)  // the read cases check answers exactly: nobody writes here
	write := h.fixture(t) // everything else acts here

	// The roles table's routes (programmes, grants, reporting), each once,
	// as the first role its first allowing case allows.
	done := map[string]bool{}
	for _, c := range roleCases() {
		if done[c.route] {
			continue
		}
		for _, r := range apiRoles {
			if c.want[r.name] >= 400 {
				continue
			}
			done[c.route] = true
			t.Run(c.route+" as "+r.name, func(t *testing.T) {
				f := read
				if c.write {
					f = write
				}
				target := ""
				if c.setup != nil {
					target = c.setup(t, h, f, r.name)
				}
				req := c.req(f, r.name, target)
				resp := h.Want(t, c.want[r.name], req)
				if c.ok != nil {
					c.ok(t, h, f, r.name, target, resp)
				}
			})
			break
		}
	}

	// The delivery and progress routes, as admin on project A.
	w := &dhWorld{a: h, P: write.P1, X: write.X, Y: write.Y, A: write.A, B: write.B,
		GXA: write.GrantXA, GYB: write.GrantYB, GXP: write.GrantXP, Q: write.P2, Z: write.Z, C: write.C, GZC: write.GrantZC}
	it := dhMakeItems(t, h, w)
	cases := dhRouteCases()
	for _, route := range slices.Sorted(maps.Keys(cases)) {
		method, path, body, hdr := cases[route].req(w, it, w.A)
		h.Want(t, dhExpect(cases[route].kind, uAdmin, true), testkit.Request(method, path, uAdmin, body, hdr...))
	}

	// The audit trail: the programme's, and each kind of record's history.
	schedule, _ := h.Create(t, uAdmin, w.pp("/schedules"), scheduleBody("Schedule for the history"))
	for _, path := range []string{
		"/audit", "/history",
		"/members/" + uLead + "/history",
		"/funders/" + write.X + "/history",
		"/projects/" + write.A + "/history",
		"/grants/" + write.GrantXA + "/history",
		"/projects/" + write.A + "/posts/" + it.post[write.A] + "/history",
		"/projects/" + write.A + "/cohorts/" + it.cohort[write.A] + "/history",
		"/projects/" + write.A + "/outcomes/" + it.outcome[write.A] + "/history",
		"/targets/" + it.target + "/history",
		"/grants/" + write.GrantXA + "/payments/" + write.PayXA + "/history",
		"/grants/" + write.GrantXA + "/spend/" + write.SpendXA + "/history",
		"/schedules/" + schedule + "/history",
		"/notifications/" + it.notification + "/history",
	} {
		if evs := testkit.ListAll[domain.AuditEvent](t, h, uAdmin, w.pp(path)); len(evs) == 0 {
			t.Errorf("GET %s: no events", path)
		}
	}
	// A return's own events are an operator's repairs (TestReturnHistory
	// makes one): this one, never repaired, has none.
	h.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/returns/"+domain.ReturnID(schedule, write.A, domain.MustDate("2026-01-01"))+"/history"), uAdmin, nil))

	// Imports: the templates, and one CSV of a project's figures.
	h.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/imports/template.csv"), uAdmin, nil))
	h.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/imports/template.xlsx"), uAdmin, nil))
	csv := "project,periodStart,periodEnd,referrals\nProject A,2025-10-01,2025-12-31,5\n"
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(uAdmin, w.pp("/imports"), domain.MediaCSV, []byte(csv))))
	if res.Created != 1 {
		t.Errorf("import %+v, want one submission created", res)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, fn := range httpapi.Functions(httpapi.Deps{}) {
		for _, route := range fn.Routes {
			if succeeded[route] == 0 {
				t.Errorf("%s (function %s): no successful request over DynamoDB", route, fn.Name)
			}
		}
	}
	for route, n := range sniffable {
		t.Errorf("%s: %d answers without X-Content-Type-Options: nosniff", route, n)
	}
}

// statusRecorder notes the status a handler answers with.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK // a handler that wrote nothing answered 200
	}
	return s.code
}

// TestOverlongPathParameters: a path parameter longer than any key
// DynamoDB takes (an email of 1,100 characters, an id of 2,100) names no
// record, so every route with one answers as it would a record that is
// not there, over DynamoDB Local: a 4xx for the administrator and 404 for
// someone of no programme, never a 500. Members, named by email, were read
// by whatever key the path gave, and DynamoDB refused the key.
func TestOverlongPathParameters(t *testing.T) {
	t.Parallel()
	h := newAPI(t)
	pid := h.Build(t).Programme(testkit.ProgrammeBody("Overlong")).ID
	param := regexp.MustCompile(`\{[A-Za-z]+\}`)
	for _, long := range []string{strings.Repeat("x", 1100) + "@example.org", strings.Repeat("a", 2100),
		domain.NewID() + "-" + domain.NewID() + strings.Repeat("b", 1500) + "-20200101"} {
		for _, fn := range httpapi.Functions(httpapi.Deps{}) {
			for _, route := range fn.Routes {
				method, pattern, _ := strings.Cut(route, " ")
				if !strings.Contains(pattern, "}") || method == "" {
					continue
				}
				for _, programme := range []string{pid, long} {
					if programme == long && strings.Count(pattern, "{") > 1 || programme == pid && strings.Count(pattern, "{") == 1 {
						continue // the programme too long once per route; a real one with a record's parameter
					}
					path := param.ReplaceAllStringFunc(pattern, func(p string) string {
						if p == "{programmeId}" {
							return programme
						}
						return long
					})
					for _, who := range []string{uAdmin, uOutsider} {
						r := h.Do(t, testkit.Request(method, path, who, map[string]any{"name": "x"}, "If-Match", "*"))
						switch {
						case r.Status >= 500 || r.Status < 400:
							t.Errorf("%s with %d-character parameters as %s: %d %s", route, len(long), who, r.Status, r.Body)
						case who == uOutsider && r.Status != http.StatusNotFound && r.Status != http.StatusUnsupportedMediaType:
							// (415: an import's body is refused by its media type before anything is read)
							t.Errorf("%s with %d-character parameters as someone of no programme: %d, want 404", route, len(long), r.Status)
						}
					}
				}
			}
		}
	}
}
