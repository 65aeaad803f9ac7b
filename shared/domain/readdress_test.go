package domain

import (
	"reflect"
	"slices"
	"testing"
)

// TestReaddress: a pending email tried again goes to the people in its
// roles now. Those who left are withdrawn, saying why, unless the email
// has reached them, was refused or is being sent to them (then they stay,
// and are never emailed again, nor is their mailbox under another
// spelling); those who joined are added; one withdrawn before who is back
// is a recipient again; each funder's contacts follow, but never claim an
// address that had the email for another funder.
func TestReaddress(t *testing.T) {
	milestone := Notification{Kind: KindReached, Status: NotificationPending, FunderIDs: []string{"x", "y"},
		Recipients:     []string{"a@x.org", "b@x.org", "c@y.org", "d@y.org"},
		FunderContacts: map[string][]string{"x": {"b@x.org", "a@x.org"}, "y": {"c@y.org", "d@y.org"}},
		Delivered:      []string{"a@x.org"}, Rejected: []string{"c@y.org"}}
	xy := func(x, y []string) map[string][]string { return map[string][]string{"x": x, "y": y} }
	for _, c := range []struct {
		name           string
		n              Notification
		to             []string
		contacts       map[string][]string
		want           []string
		withdrawn      []Withdrawal
		funderContacts map[string][]string // nil: as n's
		unchanged      bool
	}{
		{name: "nobody changed (contacts in another order)", n: milestone,
			to: []string{"a@x.org", "b@x.org", "c@y.org", "d@y.org"}, contacts: xy([]string{"a@x.org", "b@x.org"}, []string{"c@y.org", "d@y.org"}),
			unchanged: true},
		{name: "those who had or refused it stay, the one still to have it is withdrawn", n: milestone,
			to: []string{"b@x.org"}, contacts: xy([]string{"b@x.org"}, nil),
			want: []string{"a@x.org", "b@x.org", "c@y.org"}, withdrawn: []Withdrawal{{"d@y.org", WithdrawnNoLongerContact}},
			funderContacts: xy([]string{"a@x.org", "b@x.org"}, []string{"c@y.org", "d@y.org"})},
		{name: "a newcomer is added, and is its funder's", n: milestone,
			to: []string{"a@x.org", "b@x.org", "c@y.org", "d@y.org", "e@y.org"}, contacts: xy([]string{"a@x.org", "b@x.org"}, []string{"c@y.org", "d@y.org", "e@y.org"}),
			want:           []string{"a@x.org", "b@x.org", "c@y.org", "d@y.org", "e@y.org"},
			funderContacts: xy([]string{"a@x.org", "b@x.org"}, []string{"c@y.org", "d@y.org", "e@y.org"})},
		{name: "the mailbox that has it, spelt another way, is not emailed again", n: milestone,
			to: []string{"A@X.org", "b@x.org", "c@y.org", "d@y.org"}, contacts: xy([]string{"A@X.org", "b@x.org"}, []string{"c@y.org", "d@y.org"}),
			unchanged: true},
		{name: "one still to have it, spelt another way, is the same recipient, not withdrawn", n: milestone,
			to: []string{"a@x.org", "B@x.org", "c@y.org", "d@y.org"}, contacts: xy([]string{"a@x.org", "B@x.org"}, []string{"c@y.org", "d@y.org"}),
			want:           []string{"B@x.org", "a@x.org", "c@y.org", "d@y.org"},
			funderContacts: xy([]string{"a@x.org", "B@x.org"}, []string{"c@y.org", "d@y.org"})},
		{name: "an address that had it for one funder is not shown to another it now belongs to", n: milestone,
			to: []string{"a@x.org", "b@x.org", "c@y.org", "d@y.org"}, contacts: xy([]string{"a@x.org", "b@x.org"}, []string{"a@x.org", "c@y.org", "d@y.org"}),
			unchanged: true},
		{name: "a project lead who stood down", n: Notification{Kind: KindReminder, Recipients: []string{"pl@a.org"}},
			to: []string{"pl2@a.org"}, want: []string{"pl2@a.org"}, withdrawn: []Withdrawal{{"pl@a.org", WithdrawnNoLongerProjectLead}}},
		{name: "a lead who stood down, and nobody left", n: Notification{Kind: KindAtRisk, Recipients: []string{"lead@a.org"}},
			to: nil, want: []string{}, withdrawn: []Withdrawal{{"lead@a.org", WithdrawnNoLongerLead}}},
		{name: "a payment's: the funder's contact and a lead, each for what they were",
			n: Notification{Kind: KindPaymentDue, FunderIDs: []string{"x"}, Recipients: []string{"a@x.org", "lead@a.org", "lead2@a.org"},
				FunderContacts: map[string][]string{"x": {"a@x.org"}}, Delivered: []string{"lead2@a.org"}},
			to: []string{"b@x.org", "lead2@a.org"}, contacts: map[string][]string{"x": {"b@x.org"}},
			want:           []string{"b@x.org", "lead2@a.org"},
			withdrawn:      []Withdrawal{{"a@x.org", WithdrawnNoLongerContact}, {"lead@a.org", WithdrawnNoLongerLead}},
			funderContacts: map[string][]string{"x": {"a@x.org", "b@x.org"}}},
		{name: "one withdrawn before, back in the role, is a recipient again",
			n:  Notification{Kind: KindReminder, Recipients: []string{"pl2@a.org"}, Withdrawn: []Withdrawal{{"pl@a.org", WithdrawnNoLongerProjectLead}}},
			to: []string{"pl2@a.org", "pl@a.org"}, want: []string{"pl2@a.org", "pl@a.org"}},
		{name: "one withdrawn before stays withdrawn as long as they are out",
			n:  Notification{Kind: KindReminder, Recipients: []string{"pl2@a.org"}, Withdrawn: []Withdrawal{{"pl@a.org", WithdrawnNoLongerProjectLead}}},
			to: []string{"pl2@a.org"}, unchanged: true},
		{name: "funder contacts not recorded (older emails) stay so",
			n:  Notification{Kind: KindReached, FunderIDs: []string{"x"}, Recipients: []string{"a@x.org"}},
			to: []string{"b@x.org"}, contacts: map[string][]string{"x": {"b@x.org"}},
			want: []string{"b@x.org"}, withdrawn: []Withdrawal{{"a@x.org", WithdrawnNoLongerContact}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := clone(c.n)
			got, changed := c.n.Readdress(c.to, c.contacts)
			if !reflect.DeepEqual(c.n, before) {
				t.Errorf("Readdress changed its receiver: %+v", c.n)
			}
			if c.unchanged {
				if changed || !reflect.DeepEqual(got, c.n) {
					t.Errorf("changed %v: %+v, want it as it was", changed, got)
				}
				return
			}
			if !changed {
				t.Fatalf("reported unchanged: %+v", got)
			}
			if !slices.Equal(got.Recipients, c.want) || got.Recipients == nil {
				t.Errorf("recipients %#v, want %v", got.Recipients, c.want)
			}
			if !slices.Equal(got.Withdrawn, c.withdrawn) {
				t.Errorf("withdrawn %v, want %v", got.Withdrawn, c.withdrawn)
			}
			want := c.funderContacts
			if want == nil {
				want = c.n.FunderContacts
			}
			if !sameContacts(got.FunderContacts, want) {
				t.Errorf("funder contacts %v, want %v", got.FunderContacts, want)
			}
			if !slices.Equal(got.Delivered, c.n.Delivered) || !slices.Equal(got.Rejected, c.n.Rejected) || !slices.Equal(got.Sending, c.n.Sending) {
				t.Errorf("what happened to the email changed: %+v", got)
			}
		})
	}
}

func clone(n Notification) Notification {
	n.Recipients, n.Delivered, n.Rejected, n.Withdrawn = slices.Clone(n.Recipients), slices.Clone(n.Delivered), slices.Clone(n.Rejected), slices.Clone(n.Withdrawn)
	if n.FunderContacts != nil {
		fc := map[string][]string{}
		for f, c := range n.FunderContacts {
			fc[f] = slices.Clone(c)
		}
		n.FunderContacts = fc
	}
	return n
}

// sameContacts compares funder contacts as sets, by funder.
func sameContacts(a, b map[string][]string) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for f, x := range a {
		y, ok := b[f]
		if !ok {
			return false
		}
		x, y = slices.Sorted(slices.Values(x)), slices.Sorted(slices.Values(y))
		if !slices.Equal(x, y) {
			return false
		}
	}
	return true
}
