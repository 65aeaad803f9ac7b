package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReplayAsksAccess: an answer saved for an Idempotency-Key is replayed
// only while its caller may still make the request. A member removed from
// the programme since gets 404, one moved to a role that may not make the
// change 403 — each exactly what the same request without a key answers
// now — and never the saved answer or anything of it; given the role back,
// the member gets the replay again. Over memory: the rule is the
// service's access check, the same over either storage.
func TestReplayAsksAccess(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	// A dry run of rows for projects A and B: a lead's answer, with what
	// would become of each project's figures.
	rows := "Project,Period start,Period end,Referrals,People into work\r\n" +
		"Project A,2025-04-01,2025-06-30,5,1\r\nProject B,2025-04-01,2025-06-30,7,2\r\n"
	cases := []struct {
		name     string
		path     string
		body     any
		csv      bool
		entitled map[string]string // the role the answer was saved with
		demoted  map[string]string // a role that may not make the request
		status   int               // the demoted caller's answer
		message  string            // in it
	}{
		{"grant", f.p1("/grants"), testkit.GrantBody("Replay-checked grant", f.X, f.A, testkit.GrantPence),
			false, testkit.RoleLead(), testkit.RoleFunder(f.X), 403, "record grants"},
		{"funder", f.p1("/funders"), testkit.FunderBody("Replay-checked funder"),
			false, testkit.RoleLead(), testkit.RoleProjectLead(f.A), 403, "manage funders"},
		{"payment", f.p1("/grants/" + f.GrantXA + "/payments"), testkit.DatedPaymentBody(1_000, "2025-07-31"),
			false, testkit.RoleLead(), testkit.RoleFunder(f.X), 403, "manage payments"},
		// Funder Y may not read grant X→A at all: not found.
		{"spend", f.p1("/grants/" + f.GrantXA + "/spend"), testkit.SpendBody("2025-07-01", "2025-09-30", "staff", 1_000),
			false, testkit.RoleProjectLead(f.A), testkit.RoleFunder(f.Y), 404, "grant"},
		{"post", f.p1("/projects/" + f.A + "/posts"), testkit.PostBody(f.GrantXA, "filled"),
			false, testkit.RoleProjectLead(f.A), testkit.RoleProjectLead(f.B), 403, "record figures for this project"},
		{"import", f.p1("/imports?dryRun=true"), rows,
			true, testkit.RoleLead(), testkit.RoleProjectLead(f.A), 403, "projects of the rows named"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			who := "replayer-" + c.name + "@example.org"
			req := func(key string) testkit.Req {
				r := testkit.Req{Method: http.MethodPost, Path: c.path, As: who, Body: c.body, Header: map[string]string{}}
				if key != "" {
					r.Header["Idempotency-Key"] = key
				}
				if c.csv {
					r.Header["Content-Type"] = "text/csv"
				}
				return r
			}
			key := "replay-access-" + string(rune('a'+i))
			h.PutMember(t, f.P1, who, c.entitled)
			first := h.Do(t, req(key))
			if first.Status != http.StatusCreated && first.Status != http.StatusOK {
				t.Fatalf("first request: %s", first)
			}
			replayed := func(when string) {
				t.Helper()
				again := h.Do(t, req(key))
				if again.Status != first.Status || again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, first.Body) {
					t.Fatalf("%s: not the saved answer replayed: %s", when, again)
				}
			}
			replayed("entitled")

			refused := func(when string, status int, code, message string) {
				t.Helper()
				snap := h.Snapshot(t)
				again := h.Do(t, req(key))
				if again.Header.Get("Idempotent-Replayed") != "" || bytes.Equal(again.Body, first.Body) {
					t.Fatalf("%s: the saved answer was replayed: %s", when, again)
				}
				if e := testkit.WantErr(t, again, status, code); !strings.Contains(e.Message, message) {
					t.Fatalf("%s: message %q does not say %q", when, e.Message, message)
				}
				for _, hd := range []string{"Location", "ETag"} {
					if v := again.Header.Get(hd); v != "" {
						t.Fatalf("%s: the refusal carries the saved %s %q", when, hd, v)
					}
				}
				// Exactly what the request answers without a key.
				fresh := h.Do(t, req(""))
				if fresh.Status != again.Status || !bytes.Equal(fresh.Body, again.Body) {
					t.Fatalf("%s: the refused replay answered\n%s\nthe request without a key\n%s", when, again, fresh)
				}
				testkit.SameSnapshot(t, when, snap, h.Snapshot(t))
			}

			h.PutMember(t, f.P1, who, c.demoted)
			code := domain.CodeForbidden
			if c.status == http.StatusNotFound {
				code = domain.CodeNotFound
			}
			refused("demoted", c.status, string(code), c.message)

			h.PutMember(t, f.P1, who, c.entitled)
			replayed("given the role back")

			h.Want(t, http.StatusNoContent, testkit.Request(http.MethodDelete, testkit.MemberPath(f.P1, who), uAdmin, nil))
			refused("removed", http.StatusNotFound, string(domain.CodeNotFound), "programme")
		})
	}

	// An administrator's programme, replayed to the same person whose
	// token no longer carries the admins group: 403, as a new request.
	t.Run("programme", func(t *testing.T) {
		body := testkit.ProgrammeBody("Replay-checked programme")
		first := h.Want(t, http.StatusCreated, testkit.Req{Method: http.MethodPost, Path: "/programmes", As: uAdmin, Body: body,
			Header: map[string]string{"Idempotency-Key": "replay-access-programme"}})
		tok, err := h.Tokens.Mint(uAdmin) // no groups
		if err != nil {
			t.Fatal(err)
		}
		snap := h.Snapshot(t)
		again := h.Do(t, testkit.Req{Method: http.MethodPost, Path: "/programmes", Body: body,
			Header: map[string]string{"Idempotency-Key": "replay-access-programme", "Authorization": "Bearer " + tok}})
		if again.Header.Get("Idempotent-Replayed") != "" || bytes.Equal(again.Body, first.Body) {
			t.Fatalf("the saved answer was replayed to a caller no longer an administrator: %s", again)
		}
		testkit.WantErr(t, again, http.StatusForbidden, string(domain.CodeForbidden))
		testkit.SameSnapshot(t, "no longer an administrator", snap, h.Snapshot(t))
	})
}

// TestReplayRequests: what a replay costs in DynamoDB requests. The claim
// of the key (one PutItem, whose failed condition answers the saved
// answer), then the route's access check alone: one BatchGetItem (a
// payment's grant rides in it), as the first request's own access read.
// A refused replay costs the same. A project lead's replay of an import
// lists the projects too, to tell which project each row names.
func TestReplayRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := startAPI(t, s, nil, testkit.APIConfig{})
	f := s.Build(t).Fixture("Replay requests")
	rows := "Project,Period start,Period end,Referrals,People into work\r\nProject A,2025-04-01,2025-06-30,5,1\r\n"
	cases := []struct {
		name, as, path string
		body           any
		csv            bool
		want           string
	}{
		{"funder", testkit.Lead, f.Path("/funders"), testkit.FunderBody("Replayed funder"), false, "BatchGetItem×1 PutItem×1"},
		{"payment", testkit.Lead, f.Path("/grants/" + f.GrantXA + "/payments"), testkit.DatedPaymentBody(1_000, "2025-07-31"), false, "BatchGetItem×1 PutItem×1"},
		{"import by a lead", testkit.Lead, f.Path("/imports?dryRun=true"), rows, true, "BatchGetItem×1 PutItem×1"},
		{"import by a project lead", testkit.LeadOfA, f.Path("/imports?dryRun=true"), rows, true, "BatchGetItem×1 PutItem×1 Query×1"},
	}
	for i, c := range cases {
		req := testkit.Req{Method: http.MethodPost, Path: c.path, As: c.as, Body: c.body,
			Header: map[string]string{"Idempotency-Key": "replay-requests-" + string(rune('a'+i))}}
		if c.csv {
			req.Header["Content-Type"] = "text/csv"
		}
		first := h.Do(t, req)
		if first.Status >= 300 {
			t.Fatalf("%s: first request: %s", c.name, first)
		}
		var again testkit.Resp
		n := s.Count.Measure(func() { again = h.Do(t, req) })
		t.Logf("replay of %s: %s", c.name, n)
		if again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("%s: not replayed: %s", c.name, again)
		}
		if got := n.String(); got != c.want {
			t.Errorf("replay of %s: %s, want %s", c.name, got, c.want)
		}
	}
	// Removed from the programme: refused after the same requests.
	who := "replay-requests@example.org"
	h.PutMember(t, f.Programme, who, testkit.RoleLead())
	req := testkit.Request(http.MethodPost, f.Path("/funders"), who, testkit.FunderBody("Removed member's funder"), "Idempotency-Key", "replay-requests-removed")
	h.Want(t, http.StatusCreated, req)
	h.Want(t, http.StatusNoContent, testkit.Request(http.MethodDelete, testkit.MemberPath(f.Programme, who), testkit.Admin, nil))
	n := s.Count.Measure(func() { testkit.WantErr(t, h.Do(t, req), http.StatusNotFound, string(domain.CodeNotFound)) })
	if got := n.String(); got != "BatchGetItem×1 PutItem×1" {
		t.Errorf("refused replay: %s, want BatchGetItem×1 PutItem×1", got)
	}
}
