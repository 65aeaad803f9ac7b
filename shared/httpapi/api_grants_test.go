package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestAPIGrantETags checks reading a grant with its ETag and changing it
// only with a current If-Match. The rules run over memory; racing PATCHes
// run over DynamoDB Local, whose conditional writes decide the race.
func TestAPIGrantETags(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		apiGrantETags(t, newMemAPI(t), false)
	})
	t.Run("DynamoDB", func(t *testing.T) {
		t.Parallel()
		apiGrantETags(t, newAPI(t), true)
	})
}

// apiGrantETags is TestAPIGrantETags over h's storage: the racing PATCHes
// alone when races, the rest otherwise.
func apiGrantETags(t *testing.T, h *apiH, races bool) {
	f := h.fixture(t)

	get := func(t *testing.T, id string) (domain.Grant, testkit.Resp) {
		t.Helper()
		r := h.Want(t, 200, testkit.Req{Method: "GET", Path: f.p1("/grants/" + id), As: uLead})
		return testkit.Decode[domain.Grant](t, r), r
	}
	patch := func(id, ifMatch, body string) testkit.Req {
		req := testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + id), As: uLead, Body: body}
		if ifMatch != "" {
			req.Header = map[string]string{"If-Match": ifMatch}
		}
		return req
	}
	// unchanged checks a grant reads exactly as it did.
	unchanged := func(t *testing.T, id string, was testkit.Resp) {
		t.Helper()
		_, now := get(t, id)
		if !bytes.Equal(now.Body, was.Body) || now.Header.Get("ETag") != was.Header.Get("ETag") {
			t.Fatalf("grant changed:\n was %s %s\n now %s %s", was.Header.Get("ETag"), was.Body, now.Header.Get("ETag"), now.Body)
		}
	}

	if races {
		t.Run("racing PATCHes", func(t *testing.T) { apiRacingPatches(t, h, f, get, patch) })
		return
	}

	t.Run("If-Match", func(t *testing.T) {
		t.Parallel()
		id, _ := h.Create(t, uLead, f.p1("/grants"), testkit.GrantBody("ETag grant", f.X, f.A, testkit.GrantPence))
		g, r := get(t, id)
		if et := r.Header.Get("ETag"); et != `"1"` || g.Version != 1 {
			t.Fatalf("new grant: ETag %q, version %d; want \"1\" and 1", et, g.Version)
		}

		testkit.WantErr(t, h.Do(t, patch(id, "", `{"title":"No precondition"}`)), http.StatusPreconditionRequired, "precondition_required")
		unchanged(t, id, r)
		for _, stale := range []string{`"2"`, `"0"`, `W/"2"`, `"2", "3"`} {
			testkit.WantErr(t, h.Do(t, patch(id, stale, `{"title":"Stale"}`)), http.StatusPreconditionFailed, "precondition_failed")
		}
		unchanged(t, id, r)

		ok := h.Want(t, 200, patch(id, `"1"`, `{"title":"Renamed","amountPence":4500000,"endDate":"2026-03-31"}`))
		if et := ok.Header.Get("ETag"); et != `"2"` {
			t.Fatalf("ETag after PATCH = %q, want \"2\"", et)
		}
		after := testkit.Decode[domain.Grant](t, ok)
		g2, r2 := get(t, id)
		if !bytes.Equal(ok.Body, r2.Body) || r2.Header.Get("ETag") != `"2"` {
			t.Fatalf("PATCH answered %s but GET reads %s", ok.Body, r2.Body)
		}
		want := g
		want.Title, want.AmountPence, want.EndDate, want.Version, want.UpdatedAt = "Renamed", 4500000, domain.MustDate("2026-03-31"), 2, after.UpdatedAt
		if !reflect.DeepEqual(g2, want) {
			t.Fatalf("after PATCH:\n got  %+v\n want %+v", g2, want)
		}
		if !g2.UpdatedAt.After(g.UpdatedAt) && !g2.UpdatedAt.Equal(g.UpdatedAt) {
			t.Fatalf("updatedAt went back: %v -> %v", g.UpdatedAt, g2.UpdatedAt)
		}

		// The old tag is now stale; a list holding the current tag, and "*", are accepted.
		testkit.WantErr(t, h.Do(t, patch(id, `"1"`, `{"title":"Late"}`)), http.StatusPreconditionFailed, "precondition_failed")
		unchanged(t, id, r2)
		r3 := h.Want(t, 200, patch(id, `"7", "2"`, `{"title":"Listed"}`))
		if r3.Header.Get("ETag") != `"3"` {
			t.Fatalf("ETag = %q, want \"3\"", r3.Header.Get("ETag"))
		}
		r4 := h.Want(t, 200, patch(id, `*`, `{"title":"Starred"}`))
		if r4.Header.Get("ETag") != `"4"` {
			t.Fatalf("ETag = %q, want \"4\"", r4.Header.Get("ETag"))
		}
	})

	t.Run("invalid changes", func(t *testing.T) {
		t.Parallel()
		id, _ := h.Create(t, uLead, f.p1("/grants"), testkit.GrantBody("Guarded grant", f.X, f.A, testkit.GrantPence))
		_, was := get(t, id)
		testkit.WantFields(t, h.Do(t, patch(id, `"1"`, `{"endDate":"2025-01-31"}`)), "endDate")
		testkit.WantFields(t, h.Do(t, patch(id, `"1"`, `{"endDate":"2025-01-10"}`)), "endDate", "awardDate")
		testkit.WantFields(t, h.Do(t, patch(id, `"1"`, `{"startDate":"2025-03-01","endDate":"2025-02-28"}`)), "endDate")
		testkit.WantFields(t, h.Do(t, patch(id, `"1"`, `{"funderId":"`+f.Z+`"}`)), "funderId")
		testkit.WantFields(t, h.Do(t, patch(id, `"1"`, `{"projectId":"`+f.C+`"}`)), "projectId")
		testkit.WantFields(t, h.Do(t, patch(id, `"1"`, `{"funderId":"`+f.A+`"}`)), "funderId")
		// A bad body with a stale tag: either answer changes nothing.
		if r := h.Do(t, patch(id, `"9"`, `{"amountPence":-1}`)); r.Status != 400 && r.Status != 412 {
			t.Fatalf("bad body with a stale tag: %s", r)
		}
		unchanged(t, id, was)
	})

	t.Run("moving a grant moves who sees it", func(t *testing.T) {
		t.Parallel()
		id, _ := h.Create(t, uLead, f.p1("/grants"), testkit.GrantBody("Moving grant", f.X, f.A, testkit.GrantPence))
		sees := func(who string) bool {
			r := h.Do(t, testkit.Req{Method: "GET", Path: f.p1("/grants/" + id), As: who})
			if r.Status != 200 && r.Status != 404 {
				t.Fatalf("GET as %s: %s", who, r)
			}
			inList := slices.Contains(testkit.IDs(t, h, who, f.p1("/grants")), id)
			if inList != (r.Status == 200) {
				t.Fatalf("%s: GET says %d but list has it = %v", who, r.Status, inList)
			}
			return inList
		}
		check := func(step string, want map[string]bool) {
			t.Helper()
			for who, w := range want {
				if got := sees(who); got != w {
					t.Fatalf("%s: %s sees the grant = %v, want %v", step, who, got, w)
				}
			}
		}
		check("X to A", map[string]bool{uPLA: true, uPLB: false, uFunderX: true, uFunderY: false})
		h.Want(t, 200, patch(id, `"1"`, `{"funderId":"`+f.Y+`","projectId":"`+f.B+`"}`))
		check("Y to B", map[string]bool{uPLA: false, uPLB: true, uFunderX: false, uFunderY: true})
		h.Want(t, 200, patch(id, `"2"`, `{"projectId":""}`))
		check("Y to the programme", map[string]bool{uPLA: false, uPLB: false, uFunderX: false, uFunderY: true})
	})
}

// apiRacingPatches: two PATCHes with the same current If-Match sent at
// once, three rounds: exactly one wins each round, the other is 412.
func apiRacingPatches(t *testing.T, h *apiH, f *apiFixture, get func(*testing.T, string) (domain.Grant, testkit.Resp), patch func(id, ifMatch, body string) testkit.Req) {
	id, _ := h.Create(t, uLead, f.p1("/grants"), testkit.GrantBody("Raced grant", f.X, f.A, testkit.GrantPence))
	for round := 1; round <= 3; round++ {
		tag := fmt.Sprintf(`"%d"`, round)
		var wg sync.WaitGroup
		answers := make([]testkit.Resp, 2)
		errs := make([]error, 2)
		start := make(chan struct{})
		for i := range 2 {
			wg.Go(func() {
				<-start
				answers[i], errs[i] = h.Send(patch(id, tag, fmt.Sprintf(`{"title":"round %d writer %d","amountPence":%d}`, round, i, 1000+i)))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, a := range answers {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			switch a.Status {
			case 200:
				if winner >= 0 {
					t.Fatalf("round %d: both PATCHes with If-Match %s succeeded", round, tag)
				}
				winner = i
			case 412:
				testkit.WantErr(t, a, 412, "precondition_failed")
			default:
				t.Fatalf("round %d: PATCH answered %s, want 200 or 412", round, a)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: neither PATCH succeeded: %s / %s", round, answers[0], answers[1])
		}
		g, r := get(t, id)
		if r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, round+1) || g.Title != fmt.Sprintf("round %d writer %d", round, winner) || g.AmountPence != int64(1000+winner) {
			t.Fatalf("round %d: grant is %s %+v, want the winner's change at version %d", round, r.Header.Get("ETag"), g, round+1)
		}
	}

}
