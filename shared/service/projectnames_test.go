package service_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestProjectNamesUnique: an import matches a row's project by name in any
// case and spacing, so a programme's projects may not share a name so
// compared: a second one is refused (409, naming name) and nothing is
// stored; a project may take its own name in another case, and a name let
// go by a rename is free again.
func TestProjectNamesUnique(t *testing.T) {
	w := newWorld(t)
	sc := w.open(admin)
	const want = `another project of this programme is already named "bradford  IPS"`
	for _, name := range []string{"Bradford IPS", "bradford ips", "  BRADFORD   IPS ", "bradford\u00a0 IPS"} {
		err := w.unchanged(func() error { _, err := sc.CreateProject(body(projectBody(name))); return err })
		de := wantCode(t, "creating "+name, err, domain.CodeConflict)
		if msg := de.Fields["name"]; len(de.Fields) != 1 || msg == "" {
			t.Errorf("creating %q names %v, want name", name, de.Fields)
		}
	}
	_, err := sc.CreateProject(body(projectBody("bradford  IPS")))
	if msg := wantCode(t, "creating", err, domain.CodeConflict).Fields["name"]; msg != want {
		t.Errorf("name: %q, want %q", msg, want)
	}

	err = w.unchanged(func() error {
		_, err := sc.UpdateProject(w.B, always, body(map[string]any{"name": "BRADFORD IPS"}))
		return err
	})
	wantCode(t, "renaming Leeds to Bradford's name", err, domain.CodeConflict)

	if _, err := sc.UpdateProject(w.A, always, body(map[string]any{"name": "bradford IPS"})); err != nil {
		t.Fatalf("renaming a project to its own name in another case: %v", err)
	}
	if _, err := sc.UpdateProject(w.A, always, body(map[string]any{"name": "Bradford Pathways"})); err != nil {
		t.Fatalf("renaming: %v", err)
	}
	// Bradford IPS is free again; Bradford Pathways is taken.
	if _, err := sc.CreateProject(body(projectBody("Bradford IPS"))); err != nil {
		t.Fatalf("creating with a name let go: %v", err)
	}
	_, err = sc.CreateProject(body(projectBody("bradford pathways")))
	wantCode(t, "creating with a renamed project's name", err, domain.CodeConflict)

	// Names are a programme's own.
	if _, err := w.svc.Open(w.ctx, caller(admin), w.P2).CreateProject(body(projectBody("Leeds IPS"))); err != nil {
		t.Fatalf("another programme's project of the same name: %v", err)
	}
}
