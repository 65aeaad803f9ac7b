package domain

import (
	"maps"
	"slices"
)

// Readdress is n, a pending notification about to be tried again, sent to
// whoever holds the roles it goes to now (to: a funder's contacts, the
// leads, the project's leads, as the notifier reads them for its kind,
// with, for an email to funders, each funder's contacts among them in
// contacts, nil otherwise), and whether that changes it.
//
// What has happened to the email stays as it is: an address that has it,
// refused it or is being sent it (Delivered, Rejected, Sending) stays a
// recipient whatever its roles now, and is never emailed again (its claim
// says so), nor is the same mailbox under another spelling of the address
// (in another case: NormaliseEmail). Of the others, those no longer in to
// are withdrawn (Withdrawn, saying why: WithdrawnReason) and not emailed,
// and those new in to are recipients, emailed with the rest; one withdrawn
// before who is in to again is a recipient again.
//
// FunderContacts, when n keeps them, are each funder's contacts among the
// recipients as they now stand: those who had (or refused, or are being
// sent) the email as they were recorded, those withdrawn as they were (a
// funder sees its own who were taken off), and those still to be emailed
// as the funder's contacts are now. An address that had the email for
// another funder is not shown to this one though it is now its contact too.
func (n Notification) Readdress(to []string, contacts map[string][]string) (Notification, bool) {
	touched := map[string]bool{}
	mailboxes := map[string]bool{} // touched, as mailboxes
	for _, list := range [][]string{n.Delivered, n.Rejected, n.Sending} {
		for _, a := range list {
			touched[a], mailboxes[NormaliseEmail(a)] = true, true
		}
	}
	var recipients []string
	for a := range touched {
		recipients = append(recipients, a)
	}
	for _, a := range to {
		if !mailboxes[NormaliseEmail(a)] {
			recipients = append(recipients, a)
		}
	}
	slices.Sort(recipients)
	recipients = slices.Compact(recipients)
	if recipients == nil {
		recipients = []string{}
	}
	listed := map[string]bool{} // the recipients, as mailboxes
	for _, a := range recipients {
		listed[NormaliseEmail(a)] = true
	}

	var withdrawn []Withdrawal
	gone := map[string]bool{}
	for _, w := range n.Withdrawn {
		if !listed[NormaliseEmail(w.Email)] && !gone[w.Email] {
			withdrawn, gone[w.Email] = append(withdrawn, w), true
		}
	}
	for _, a := range n.Recipients {
		if !listed[NormaliseEmail(a)] && !gone[a] {
			withdrawn, gone[a] = append(withdrawn, Withdrawal{Email: a, Reason: n.withdrawnReason(a)}), true
		}
	}
	slices.SortFunc(withdrawn, func(a, b Withdrawal) int {
		switch {
		case a.Email < b.Email:
			return -1
		case a.Email > b.Email:
			return 1
		}
		return 0
	})

	out := n
	out.Recipients, out.Withdrawn = recipients, withdrawn
	if n.FunderContacts != nil && contacts != nil {
		out.FunderContacts = map[string][]string{}
		for _, f := range n.FunderIDs {
			var mine []string
			for _, a := range n.FunderContacts[f] {
				if touched[a] || gone[a] {
					mine = append(mine, a)
				}
			}
			for _, a := range contacts[f] {
				if !mailboxes[NormaliseEmail(a)] && !slices.Contains(mine, a) && slices.Contains(recipients, a) {
					mine = append(mine, a)
				}
			}
			if len(mine) > 0 {
				out.FunderContacts[f] = mine
			}
		}
	}
	sameSet := func(a, b []string) bool {
		a, b = slices.Clone(a), slices.Clone(b)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b)
	}
	changed := !sameSet(out.Recipients, n.Recipients) || !slices.Equal(out.Withdrawn, n.Withdrawn) ||
		!maps.EqualFunc(out.FunderContacts, n.FunderContacts, sameSet)
	if !changed {
		return n, false
	}
	return out, true
}

// withdrawnReason says why a of n's recipients is no longer one: a
// contact of one of its funders as recorded, or else no longer in the role
// n's kind goes to.
func (n Notification) withdrawnReason(a string) WithdrawnReason {
	for _, contacts := range n.FunderContacts {
		if slices.Contains(contacts, a) {
			return WithdrawnNoLongerContact
		}
	}
	switch n.Kind {
	case KindAtRisk, KindAwaitingReview, KindPaymentDue:
		return WithdrawnNoLongerLead
	case KindReminder, KindOverdue, KindChangesRequested:
		return WithdrawnNoLongerProjectLead
	}
	return WithdrawnNoLongerContact
}

// RecipientsRecord is what the audit trail says of a change of a pending
// notification's recipients (Readdress): who it goes to, and who was
// taken off it and why.
func (n Notification) RecipientsRecord() map[string]any {
	rec := map[string]any{"recipients": n.Recipients}
	if len(n.Withdrawn) > 0 {
		rec["withdrawn"] = n.Withdrawn
	}
	return rec
}
