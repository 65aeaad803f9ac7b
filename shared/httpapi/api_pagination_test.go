package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// pages walks a list with the given limit and returns each page's ids,
// checking that nextCursor is there exactly while more remain (it is left
// out of the JSON, not sent empty, on the last page).
func pages(t *testing.T, h *apiH, as, path string, limit int) [][]string {
	t.Helper()
	var out [][]string
	cursor := ""
	for range 100 {
		q := url.Values{}
		if limit > 0 {
			q.Set("limit", fmt.Sprint(limit))
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		p := path
		if len(q) > 0 {
			p += "?" + q.Encode()
		}
		r := h.Want(t, 200, testkit.Req{Method: "GET", Path: p, As: as})
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(r.Body, &raw); err != nil {
			t.Fatal(err)
		}
		page := testkit.Decode[testkit.List[apiIDed]](t, r)
		var ids []string
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		out = append(out, ids)
		if page.NextCursor == nil {
			if _, ok := raw["nextCursor"]; ok {
				t.Fatalf("last page of %s carries nextCursor: %s", path, r.Body)
			}
			return out
		}
		if *page.NextCursor == "" {
			t.Fatalf("empty nextCursor on %s", path)
		}
		cursor = *page.NextCursor
	}
	t.Fatalf("%s never ended", path)
	return nil
}

func flat(pp [][]string) []string {
	var out []string
	for _, p := range pp {
		out = append(out, p...)
	}
	return out
}

func sizes(pp [][]string) []int {
	var out []int
	for _, p := range pp {
		out = append(out, len(p))
	}
	return out
}

// createMany makes n funders in programme pid concurrently and returns their ids.
func createMany(t *testing.T, h *apiH, pid string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	errs := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := h.Send(testkit.Req{Method: "POST", Path: "/programmes/" + pid + "/funders", As: uLead, Body: testkit.FunderBody(h.Uniq(fmt.Sprintf("Funder %02d", i)))}) // a programme's funder names differ
			var v apiIDed
			switch {
			case err != nil:
				errs[i] = err.Error()
			case r.Status != 201:
				errs[i] = r.String()
			case json.Unmarshal(r.Body, &v) != nil:
				errs[i] = "bad body " + string(r.Body)
			}
			ids[i] = v.ID
		})
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Fatalf("create funder: %s", e)
		}
	}
	return ids
}

// TestAPIPagination pages through lists: limit=3 over 7 funders gives 3, 3, 1
// with a cursor only while more remain, no item twice and every item once, in
// id (creation) order; with no limit a page holds 50; lists served from an
// index or filtered for the caller's roles page the same way. The paging
// is the service's and the store's cursors are held to memory's by
// shared/store's contract test, so this runs over memory.
func TestAPIPagination(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)

	t.Run("7 funders by 3", func(t *testing.T) {
		t.Parallel()
		pid, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Seven funders"))
		h.PutMember(t, pid, uLead, testkit.RoleLead())
		created := createMany(t, h, pid, 7)
		pp := pages(t, h, uLead, "/programmes/"+pid+"/funders", 3)
		if got := sizes(pp); !slices.Equal(got, []int{3, 3, 1}) {
			t.Fatalf("page sizes = %v, want [3 3 1]", got)
		}
		all := flat(pp)
		sorted := slices.Clone(created)
		sort.Strings(sorted)
		if !slices.Equal(all, sorted) {
			t.Fatalf("pages gave %v, want every funder once, oldest first: %v", all, sorted)
		}
		// Exact multiples end without an empty page: limit 7 is one page.
		if got := sizes(pages(t, h, uLead, "/programmes/"+pid+"/funders", 7)); !slices.Equal(got, []int{7}) {
			t.Fatalf("limit 7 over 7 funders: page sizes %v, want [7]", got)
		}
		if got := sizes(pages(t, h, uLead, "/programmes/"+pid+"/funders", 1)); !slices.Equal(got, []int{1, 1, 1, 1, 1, 1, 1}) {
			t.Fatalf("limit 1 over 7 funders: page sizes %v", got)
		}
		// A cursor stays valid after more items are added: nothing is skipped or repeated.
		first := testkit.Decode[testkit.List[apiIDed]](t, h.Want(t, 200, testkit.Req{Method: "GET", Path: "/programmes/" + pid + "/funders?limit=3", As: uLead}))
		extra := createMany(t, h, pid, 1)[0]
		rest := flat(pages(t, h, uLead, "/programmes/"+pid+"/funders?cursor="+url.QueryEscape(*first.NextCursor), 0))
		if want := append(sorted[3:], extra); !slices.Equal(rest, want) {
			t.Fatalf("after the cursor: %v, want %v", rest, want)
		}
	})

	t.Run("default limit 50", func(t *testing.T) {
		t.Parallel()
		pid, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Fifty-one funders"))
		h.PutMember(t, pid, uLead, testkit.RoleLead())
		created := createMany(t, h, pid, 51)
		pp := pages(t, h, uLead, "/programmes/"+pid+"/funders", 0)
		if got := sizes(pp); !slices.Equal(got, []int{50, 1}) {
			t.Fatalf("default page sizes = %v, want [50 1]", got)
		}
		if !testkit.SameSet(flat(pp), created) {
			t.Fatalf("default pages miss or repeat funders")
		}
		if got := sizes(pages(t, h, uLead, "/programmes/"+pid+"/funders", 100)); !slices.Equal(got, []int{51}) {
			t.Fatalf("limit 100 page sizes = %v, want [51]", got)
		}
	})

	t.Run("lists by role", func(t *testing.T) {
		t.Parallel()
		// funder-x's grants come from the funder index, pl-a's from the
		// project index, and a member with two roles gets a filtered list.
		multi := "multi@example.org"
		h.PutMember(t, f.P1, multi, testkit.RoleProjectLead(f.A), testkit.RoleFunder(f.Y))
		for _, c := range []struct {
			as   string
			want []string
		}{
			{uFunderX, []string{f.GrantXA, f.GrantXP}},
			{uPLA, []string{f.GrantXA}},
			{multi, []string{f.GrantXA, f.GrantYB}},
			{uLead, []string{f.GrantXA, f.GrantYB, f.GrantXP}},
		} {
			pp := pages(t, h, c.as, f.p1("/grants"), 1)
			want := make([]int, len(c.want))
			for i := range want {
				want[i] = 1
			}
			if !slices.Equal(sizes(pp), want) || !slices.Equal(flat(pp), c.want) {
				t.Errorf("%s's grants by 1: %v, want %v", c.as, pp, c.want)
			}
		}
		// Members (leads only) and programmes (by membership) page too.
		if pp := pages(t, h, uLead, f.p1("/members"), 2); !slices.Equal(sizes(pp), []int{2, 2, 2}) {
			t.Errorf("members by 2: %v, want [2 2 2]", sizes(pp))
		} else {
			var emails []string
			for _, m := range testkit.ListAll[struct{ Email string }](t, h, uLead, f.p1("/members")) {
				emails = append(emails, m.Email)
			}
			if !slices.IsSorted(emails) || len(emails) != 6 || !strings.Contains(strings.Join(emails, " "), multi) {
				t.Errorf("members = %v, want 6 sorted by email", emails)
			}
		}
		other, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Multi's second programme"))
		h.PutMember(t, other, multi, testkit.RoleLead())
		pp := pages(t, h, multi, "/programmes", 1)
		if !slices.Equal(sizes(pp), []int{1, 1}) || !testkit.SameSet(flat(pp), []string{f.P1, other}) {
			t.Errorf("multi's programmes by 1: %v, want %s and %s", pp, f.P1, other)
		}
	})
}
