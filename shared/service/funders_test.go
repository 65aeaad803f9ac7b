package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
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

// TestRemoveContact: a lead takes an address off a funder's contacts (in
// any case), leaving the others, as a change of the funder in the audit
// trail; an address not among them changes nothing; the only contact is
// refused (409) naming the funder, and nothing changes.
func TestRemoveContact(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	before := must(sc.Funder(w.X))
	f, removed, err := sc.RemoveContact(w.X, "X2@DWP.example")
	if err != nil || !removed || !slices.Equal(f.Contacts, []string{"x1@dwp.example"}) || f.Version != before.Version+1 {
		t.Fatalf("removing x2: %+v %v %v", f, removed, err)
	}
	if stored := must(sc.Funder(w.X)); !slices.Equal(stored.Contacts, []string{"x1@dwp.example"}) {
		t.Errorf("stored contacts %v", stored.Contacts)
	}
	trail := w.auditTrail(w.P)
	last := trail[0]
	if last.Entity != domain.EntityFunder || last.EntityID != w.X || last.Action != domain.ActionChange || last.Changes["contacts"].Before == nil {
		t.Errorf("audit event %+v, want the funder's contacts changed", last)
	}
	if _, removed, err := sc.RemoveContact(w.X, "x2@dwp.example"); err != nil || removed {
		t.Errorf("removing an address no longer there: %v %v, want no change", removed, err)
	}
	if n := len(w.auditTrail(w.P)); n != len(trail) {
		t.Errorf("no change wrote %d audit events", n-len(trail))
	}
	_, _, err = sc.RemoveContact(w.X, "x1@dwp.example")
	if de := wantCode(t, "the only contact", err, domain.CodeConflict); !strings.Contains(de.Message, "only contact of DWP") {
		t.Errorf("the only contact: %q, want it to name the funder", de.Message)
	}
	if stored := must(sc.Funder(w.X)); !slices.Equal(stored.Contacts, []string{"x1@dwp.example"}) {
		t.Errorf("after the refusal: %v", stored.Contacts)
	}
	if _, _, err := sc.RemoveContact("01jnosuchfunder00000000000", "x1@dwp.example"); code(err) != string(domain.CodeNotFound) {
		t.Errorf("an unknown funder: %v", err)
	}
}

// TestAddressesEmailCannotReach: a funder contact or a member at an
// address no email can be delivered to (its domain no host name, pasted
// with what surrounded it) is refused naming the field, and nothing is
// stored (audit-surface W2).
func TestAddressesEmailCannotReach(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	err := w.unchanged(func() error {
		_, err := sc.CreateFunder(body(map[string]any{"name": "Pasted", "contacts": []string{"grants@dwp.example", "b@dwp.example", "'jane@gmail.com'"}}))
		return err
	})
	wantFields(t, "a contact in quotes", err, "contacts[2]")
	err = w.unchanged(func() error {
		_, err := sc.UpdateFunder(w.X, always, body(map[string]any{"contacts": []string{"x1@dwp.example", "x@example_org.uk"}}))
		return err
	})
	wantFields(t, "a contact at an underscore", err, "contacts[1]")
	err = w.unchanged(func() error {
		_, _, err := sc.PutMember("x@example.org/", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}}))
		return err
	})
	wantFields(t, "a member at a slash", err, "email")
}

// TestAddressesStoredBeforeTheRule: a member or funder contact stored
// before addresses had to be deliverable is still read, changed and
// removed: a funder keeping the contact can be renamed, the member's
// roles changed, the member removed.
func TestAddressesStoredBeforeTheRule(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	before := must(sc.Funder(w.X))
	old := before
	old.Contacts, old.Version = []string{"x1@dwp.example", "'jane@gmail.com'"}, before.Version+1
	if err := w.st.UpdateFunder(w.ctx, w.P, before, old, service.Change{}); err != nil {
		t.Fatal(err)
	}
	got, err := sc.UpdateFunder(w.X, always, body(map[string]any{"name": "Department for Work and Pensions"}))
	if err != nil || !slices.Equal(got.Contacts, old.Contacts) {
		t.Errorf("renaming a funder whose contact was stored before the rule: %+v %v", got, err)
	}

	const pasted = "pasted@example.org/"
	m := domain.Member{Email: pasted, Roles: []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}}
	ev := domain.NewAuditEvent(caller(admin), w.P, domain.EntityMember, pasted, domain.ActionCreate, nil, m, clock)
	if err := w.st.PutMember(w.ctx, w.P, m, nil, service.Change{Audit: ev}); err != nil {
		t.Fatal(err)
	}
	if m, err := sc.Member(pasted); err != nil || m.Email != pasted {
		t.Errorf("reading the member: %+v %v", m, err)
	}
	if m, _, err := sc.PutMember(pasted, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.Y}}})); err != nil || m.Roles[0].FunderID != w.Y {
		t.Errorf("changing the member's roles: %+v %v", m, err)
	}
	if err := sc.DeleteMember(pasted); err != nil {
		t.Errorf("removing the member: %v", err)
	}
	if _, err := sc.Member(pasted); code(err) != string(domain.CodeNotFound) {
		t.Errorf("after removing, the member: %v", err)
	}
}
