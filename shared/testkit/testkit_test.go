package testkit_test

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestNoBinaryLinksTheKit: the kit is for tests; no function, nor the
// local runner, may link it (nor testenv, which it wraps).
func TestNoBinaryLinksTheKit(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/fundtrack/fundtrack/functions/...",
		"github.com/fundtrack/fundtrack/infra/runner").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/fundtrack/fundtrack/shared/httpapi\n") {
		t.Fatalf("go list named no function's dependencies:\n%s", out)
	}
	for _, pkg := range []string{"shared/testkit", "shared/testenv"} {
		if strings.Contains(string(out), "github.com/fundtrack/fundtrack/"+pkg+"\n") {
			t.Errorf("a binary links %s", pkg)
		}
	}
}

// TestKit runs the kit end to end: the standard fixture, built through the
// service, is what the API serves to each member of its cast; requests are
// counted; a refused request writes nothing.
func TestKit(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2025-10-01T09:00:00Z"))
	f := s.Build(t).Fixture("Kit programme")
	a := s.API(t)

	checkFixtureServed(t, a, f)

	before := s.Snapshot(t)
	var r testkit.Resp
	n := s.Count.Measure(func() {
		r = a.Do(t, testkit.Request("POST", f.Path("/grants"), testkit.LeadOfB, testkit.GrantBody("No", f.X, f.B, 1)))
	})
	testkit.WantErr(t, r, http.StatusForbidden, "forbidden")
	testkit.SameSnapshot(t, "a refused grant", before, s.Snapshot(t))
	if n.Requests == 0 || n.Ops["TransactWriteItems"] != 0 || len(n.Programmes) != 1 || n.Programmes[f.Programme] == 0 {
		t.Errorf("a refused grant sent %s touching %v", n, n.Programmes)
	}

	createGrantAtClock(t, a, f)
}

// TestMemKit runs the in-memory variant as TestKit runs the kit: the same
// fixture served the same way, a refused request leaving the store as it
// was, the service on the kit's clock.
func TestMemKit(t *testing.T) {
	t.Parallel()
	m := testkit.NewMem(t, testkit.WithClock("2025-10-01T09:00:00Z"))
	f := m.Build(t).Fixture("Kit programme")
	a := m.API(t)

	checkFixtureServed(t, a, f)
	a.Want(t, http.StatusOK, testkit.Request("GET", "/health", "", nil))

	before := m.Snapshot(t)
	r := a.Do(t, testkit.Request("POST", f.Path("/grants"), testkit.LeadOfB, testkit.GrantBody("No", f.X, f.B, 1)))
	testkit.WantErr(t, r, http.StatusForbidden, "forbidden")
	testkit.SameSnapshot(t, "a refused grant", before, m.Snapshot(t))

	id := createGrantAtClock(t, a, f)
	// The snapshot sees an allowed write, so its sameness above means something.
	if after := m.Snapshot(t); !strings.Contains(strings.Join(after, "\n"), id) || len(after) <= len(before) {
		t.Errorf("the snapshot after an allowed grant does not show it (%d lines, was %d)", len(after), len(before))
	}
}

// checkFixtureServed: the API serves the standard fixture to each member
// as their role allows, and not at all to an outsider.
func checkFixtureServed(t *testing.T, a *testkit.API, f *testkit.Fixture) {
	t.Helper()
	if got := testkit.IDs(t, a, testkit.Lead, f.Path("/grants")); !testkit.SameSet(got, []string{f.GrantXA, f.GrantYB, f.GrantXP}) {
		t.Errorf("the lead's grants %v", got)
	}
	if got := testkit.IDs(t, a, testkit.FunderOfY, f.Path("/grants")); len(got) != 1 || got[0] != f.GrantYB {
		t.Errorf("funder Y's grants %v, want only Y→B", got)
	}
	if got := testkit.IDs(t, a, testkit.LeadOfA, f.ProjectPath(f.A, "/outcomes")); !testkit.SameSet(got, f.Outcomes) {
		t.Errorf("A's outcomes %v, want %v", got, f.Outcomes)
	}
	if got := testkit.IDs(t, a, testkit.Lead, f.ProjectPath(f.A, "/posts")); len(got) != 1 || got[0] != f.Post {
		t.Errorf("A's posts %v", got)
	}
	testkit.WantErr(t, a.Do(t, testkit.Request("GET", f.Path(""), testkit.Outsider, nil)), http.StatusNotFound, "not_found")
}

// createGrantAtClock makes a grant through the API and checks it carries
// the kit's clock's time (2025-10-01T09:00:00Z), not the wall clock's.
func createGrantAtClock(t *testing.T, a *testkit.API, f *testkit.Fixture) string {
	t.Helper()
	id, _ := a.Create(t, testkit.Lead, f.Path("/grants"), testkit.GrantBody("Yes", f.X, f.B, 1))
	g := testkit.Decode[struct {
		CreatedAt string `json:"createdAt"`
	}](t, a.Want(t, http.StatusOK, testkit.Request("GET", f.Path("/grants/"+id), testkit.Lead, nil)))
	if g.CreatedAt != "2025-10-01T09:00:00Z" {
		t.Errorf("a grant made through the API at the stack's clock's time has createdAt %s", g.CreatedAt)
	}
	return id
}
