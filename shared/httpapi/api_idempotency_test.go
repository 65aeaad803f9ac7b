package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// grantsTitled returns, as admin, the ids of programme 1's grants with a title.
func grantsTitled(t *testing.T, h *apiH, f *apiFixture, title string) []string {
	t.Helper()
	var out []string
	for _, g := range testkit.ListAll[apiIDed](t, h, uAdmin, f.p1("/grants")) {
		if g.Title == title {
			out = append(out, g.ID)
		}
	}
	return out
}

// TestAPIIdempotency checks the SPEC's Idempotency-Key rules on POSTs.
// The rules run over memory; concurrent repeats run over DynamoDB Local,
// whose conditional claim of the key decides which one runs.
func TestAPIIdempotency(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	// The subtests run one after another: several compare whole-table snapshots.

	t.Run("repeat replays", func(t *testing.T) {
		body := testkit.GrantBody("Replayed grant", f.X, f.A, testkit.GrantPence)
		first := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("replay-1")})
		if first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first answer is marked replayed")
		}
		snap := h.Snapshot(t)
		for range 2 {
			again := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("replay-1")})
			if again.Header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("repeat lacks Idempotent-Replayed: true (headers %v)", again.Header)
			}
			if !bytes.Equal(again.Body, first.Body) {
				t.Fatalf("replayed body differs:\n%s\n%s", again.Body, first.Body)
			}
			for _, hd := range []string{"Location", "ETag", "Content-Type", "Cache-Control"} {
				if again.Header.Get(hd) != first.Header.Get(hd) {
					t.Fatalf("replayed %s = %q, first was %q", hd, again.Header.Get(hd), first.Header.Get(hd))
				}
			}
		}
		// A fresh token for the same person still replays: keys belong to the caller, not the token.
		tok, _ := auth.MintLocal(h.Tokens.Secret, uLead, "", nil, time.Hour, time.Now().Add(-time.Minute))
		again := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), Body: body,
			Header: map[string]string{"Idempotency-Key": "replay-1", "Authorization": "Bearer " + tok}})
		if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, first.Body) {
			t.Fatalf("same caller with a new token did not replay: %s", again)
		}
		testkit.SameSnapshot(t, "replays", snap, h.Snapshot(t))
		if got := grantsTitled(t, h, f, "Replayed grant"); len(got) != 1 {
			t.Fatalf("%d grants stored, want 1", len(got))
		}
	})

	t.Run("same subject, other email", func(t *testing.T) {
		// Roles are by email: a token of someone else that carries the
		// lead's subject is another caller. Its key is its own, so the
		// request runs as that caller (404: no membership), never a
		// replay of the lead's answer.
		mint := func(email string) map[string]string {
			tok, err := auth.MintLocal(h.Tokens.Secret, email, "shared-subject", nil, time.Hour, time.Now().Add(-time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			return map[string]string{"Idempotency-Key": "shared-sub-1", "Authorization": "Bearer " + tok}
		}
		body := testkit.GrantBody("Lead's keyed grant", f.X, f.A, testkit.GrantPence)
		h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), Body: body, Header: mint(uLead)})
		snap := h.Snapshot(t)
		r := h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/grants"), Body: body, Header: mint(uOutsider)})
		if r.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("another email with the lead's subject was handed the lead's answer: %s", r)
		}
		testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		testkit.SameSnapshot(t, "a non-member's POST", snap, h.Snapshot(t))
	})

	t.Run("same key, other body", func(t *testing.T) {
		h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: testkit.GrantBody("Keyed grant", f.X, f.A, testkit.GrantPence), Header: key("reuse-1")})
		snap := h.Snapshot(t)
		for _, r := range []testkit.Req{
			{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: testkit.GrantBody("Keyed grant changed", f.X, f.A, testkit.GrantPence), Header: key("reuse-1")},
			{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: testkit.GrantBody("Keyed grant", f.Y, f.B, testkit.GrantPence), Header: key("reuse-1")},
			// the same bytes sent to another route are another request
			{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: testkit.GrantBody("Keyed grant", f.X, f.A, testkit.GrantPence), Header: key("reuse-1")},
		} {
			testkit.WantErr(t, h.Do(t, r), 422, "idempotency_key_reused")
		}
		testkit.SameSnapshot(t, "reused keys", snap, h.Snapshot(t))
		if got := grantsTitled(t, h, f, "Keyed grant changed"); len(got) != 0 {
			t.Fatalf("a reused key stored a grant")
		}
	})

	t.Run("same key, a programme the caller is not in", func(t *testing.T) {
		// SPEC: a user with no membership of a programme gets 404 for
		// everything in it. Whether the caller may make the request is
		// decided before their key is looked at: a key they used
		// elsewhere is no 422 there (security3 N3), and a fresh key is the
		// same 404.
		body := testkit.GrantBody("Keyed elsewhere", f.X, f.A, testkit.GrantPence)
		h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("elsewhere-1")})
		snap := h.Snapshot(t)
		for _, k := range []string{"elsewhere-1", "elsewhere-fresh"} {
			for _, path := range []string{f.p2("/grants"), "/programmes/" + domain.NewID() + "/grants"} {
				r := h.Do(t, testkit.Req{Method: "POST", Path: path, As: uLead, Body: body, Header: key(k)})
				testkit.WantErr(t, r, http.StatusNotFound, "not_found")
			}
		}
		// The lead's own programme still knows the key: a replay.
		if r := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("elsewhere-1")}); r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("the key's own request was not replayed: %s", r)
		}
		testkit.SameSnapshot(t, "a non-member's keyed POST", snap, h.Snapshot(t))
	})

	t.Run("the same JSON written another way", func(t *testing.T) {
		// SPEC: "the same body". A client that rebuilt its JSON to retry
		// (members in another order, other white space, other string
		// escapes) sends the same body: it gets the first answer. A body
		// that means something else is still another request.
		body := `{"funderId":"` + f.X + `","projectId":"` + f.A + `","title":"Rewritten grant","amountPence":2500000,"currency":"GBP",` +
			`"awardDate":"2025-01-01","startDate":"2025-01-01","endDate":"2026-12-31"}`
		first := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("rewritten-1")})
		snap := h.Snapshot(t)
		for _, again := range []string{
			`{ "title" : "Rewritten grant", "currency":"GBP", "amountPence": 2500000, "funderId":"` + f.X + `", "projectId":"` + f.A + `",` +
				"\n\t" + `"endDate":"2026-12-31","startDate":"2025-01-01","awardDate":"2025-01-01" }`,
			strings.Replace(body, `"title":"Rewritten grant"`, `"t\u0069tle":"Rewritten gr\u0061nt"`, 1),
		} {
			r := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: again, Header: key("rewritten-1")})
			if r.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r.Body, first.Body) {
				t.Fatalf("the same JSON written another way was not replayed: %s", r)
			}
		}
		for _, other := range []string{
			strings.Replace(body, "Rewritten grant", "Rewritten grant ", 1),
			strings.Replace(body, `"amountPence":2500000`, `"amountPence":2500001`, 1),
			strings.Replace(body, `"projectId":"`+f.A+`",`, "", 1),
		} {
			testkit.WantErr(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: other, Header: key("rewritten-1")}), 422, "idempotency_key_reused")
		}
		testkit.SameSnapshot(t, "the same JSON sent again", snap, h.Snapshot(t))
		if got := grantsTitled(t, h, f, "Rewritten grant"); len(got) != 1 {
			t.Fatalf("%d grants stored, want 1", len(got))
		}
	})

	t.Run("concurrent repeats", func(t *testing.T) {
		h := newAPI(t)
		f := h.fixture(t)
		const n = 20
		body := mustJSON(testkit.GrantBody("Concurrent grant", f.X, f.A, testkit.GrantPence))
		type answer struct {
			r   testkit.Resp
			err error
		}
		answers := make([]answer, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				r, err := h.Send(testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("concurrent-1")})
				answers[i] = answer{r, err}
			})
		}
		close(start)
		wg.Wait()
		var id string
		originals, replays, inProgress := 0, 0, 0
		for _, a := range answers {
			if a.err != nil {
				t.Fatal(a.err)
			}
			switch a.r.Status {
			case 201:
				g := testkit.Decode[apiIDed](t, a.r)
				if id != "" && g.ID != id {
					t.Fatalf("two different grants answered: %s and %s", id, g.ID)
				}
				id = g.ID
				if a.r.Header.Get("Idempotent-Replayed") == "true" {
					replays++
				} else {
					originals++
				}
			case 409:
				testkit.WantErr(t, a.r, 409, "request_in_progress")
				inProgress++
			default:
				t.Fatalf("concurrent repeat answered %s", a.r)
			}
		}
		if originals != 1 {
			t.Fatalf("%d original answers (and %d replays, %d in progress), want exactly 1", originals, replays, inProgress)
		}
		if got := grantsTitled(t, h, f, "Concurrent grant"); len(got) != 1 || got[0] != id {
			t.Fatalf("stored %v, want exactly [%s]", got, id)
		}
		// Once done, a repeat replays.
		r := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("concurrent-1")})
		if r.Header.Get("Idempotent-Replayed") != "true" || testkit.Decode[apiIDed](t, r).ID != id {
			t.Fatalf("repeat after the race: %s", r)
		}
		t.Logf("20 concurrent: 1 original, %d replays, %d in progress", replays, inProgress)
	})

	t.Run("keys are per caller", func(t *testing.T) {
		body := testkit.GrantBody("Per-caller grant", f.X, f.A, testkit.GrantPence)
		a := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("shared-key")})
		b := h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uAdmin, Body: body, Header: key("shared-key")})
		if a.Header.Get("Idempotent-Replayed") != "" || b.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("a different caller's key was replayed")
		}
		if testkit.Decode[apiIDed](t, a).ID == testkit.Decode[apiIDed](t, b).ID {
			t.Fatalf("two callers got the same grant")
		}
		if got := grantsTitled(t, h, f, "Per-caller grant"); len(got) != 2 {
			t.Fatalf("%d grants stored, want 2", len(got))
		}
		// And one caller's key never answers another caller's different request.
		h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uAdmin, Body: testkit.FunderBody("Admin's funder"), Header: key("lead-only")})
		h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/projects"), As: uLead, Body: testkit.ProjectBody("Lead's project"), Header: key("lead-only")})
	})

	t.Run("key shape", func(t *testing.T) {
		ok := strings.Repeat("k", 255)
		h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: testkit.FunderBody("Long-key funder"), Header: key(ok)})
		// Printable ASCII includes the space: clients use keys such as "q3 return Bradford".
		spaced := testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: testkit.FunderBody("Spaced-key funder"), Header: key("q3 return Bradford")}
		first := h.Want(t, 201, spaced)
		again := h.Want(t, 201, spaced)
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
			t.Fatalf("a key with spaces was not replayed: %q %s", again.Header.Get("Idempotent-Replayed"), again.Body)
		}
		snap := h.Snapshot(t)
		// " " and "   " arrive empty (HTTP trims the spaces): an empty key
		// is refused, not read as no key, which gave no protection at all.
		for _, k := range []string{strings.Repeat("k", 256), "tab\there", "caf\u00e9", " ", "   "} {
			r := h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: testkit.FunderBody("Bad-key funder"), Header: key(k)})
			if e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed"); e.Fields["Idempotency-Key"] == "" {
				t.Fatalf("key %q: fields %v do not name Idempotency-Key", k, e.Fields)
			}
		}
		testkit.SameSnapshot(t, "bad keys", snap, h.Snapshot(t))

		// openapi.json's schema for the header says the same of each key,
		// as the server receives it (spaces at either end trimmed).
		schema := oaLoad(t).Components.Parameters["idempotencyKey"].Value.Schema.Value
		for k, want := range map[string]bool{ok: true, "q3 return Bradford": true, "k": true, "a b": true,
			strings.Repeat("k", 256): false, "tab\there": false, "caf\u00e9": false, "": false} {
			if err := schema.VisitJSON(k); (err == nil) != want {
				t.Errorf("openapi.json's Idempotency-Key schema on %q: %v, want valid %v", k, err, want)
			}
		}
	})

	t.Run("refusals are not saved as someone else's answer", func(t *testing.T) {
		// pl-a is refused; the lead using the same key and body still creates.
		body := testkit.GrantBody("Refused then allowed", f.X, f.A, testkit.GrantPence)
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uPLA, Body: body, Header: key("refused-1")}), 403, "forbidden")
		h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: body, Header: key("refused-1")})
		// A validation failure, repeated with the same key, is the same answer.
		bad := testkit.GrantBody("", f.X, f.A, testkit.GrantPence)
		r1 := h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: bad, Header: key("bad-1")})
		testkit.WantFields(t, r1, "title")
		r2 := h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: bad, Header: key("bad-1")})
		testkit.WantFields(t, r2, "title")
	})
}
