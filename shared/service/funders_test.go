package service_test

import (
	"slices"
	"testing"

	"github.com/fundtrack/fundtrack/shared/service"
)

// TestFunderStoredWithDuplicateContacts: a funder saved before contacts
// had to differ may hold one address twice. A change that does not send
// contacts (a new name) is not refused for them: the funder is saved with
// each contact once, the first spelling kept; a change that sends them
// twice is still refused.
func TestFunderStoredWithDuplicateContacts(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	before := must(sc.Funder(w.X))
	old := before
	old.Contacts = []string{"x1@dwp.example", "x2@dwp.example", "X1@dwp.example", "x2@dwp.example", "x3@dwp.example"}
	old.Version = before.Version + 1
	if err := w.st.UpdateFunder(w.ctx, w.P, before, old, service.Change{}); err != nil {
		t.Fatal(err)
	}

	_, err := sc.UpdateFunder(w.X, always, body(map[string]any{"contacts": []string{"a@dwp.example", "A@dwp.example"}}))
	wantFields(t, "sending a contact twice", err, "contacts[1]")

	got, err := sc.UpdateFunder(w.X, always, body(map[string]any{"name": "Department for Work and Pensions"}))
	if err != nil {
		t.Fatalf("renaming a funder stored with duplicate contacts: %v", err)
	}
	want := []string{"x1@dwp.example", "x2@dwp.example", "x3@dwp.example"}
	if got.Name != "Department for Work and Pensions" || !slices.Equal(got.Contacts, want) || got.Version != old.Version+1 {
		t.Errorf("after the rename: %+v, want contacts %v", got, want)
	}
	if stored := must(sc.Funder(w.X)); !slices.Equal(stored.Contacts, want) {
		t.Errorf("stored contacts %v, want %v", stored.Contacts, want)
	}
}
