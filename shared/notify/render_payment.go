package notify

import (
	"net/url"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
)

// renderPayment writes a payment-due email: only the grant, the amount,
// the grant's period and why it fell due (aggregate figures, never
// people), linking to the grant's page where the payment is recorded.
// Names become one line of text first (email.HeaderText), as in Render.
func renderPayment(n domain.Notification, p domain.Programme, project domain.Project, links Links) email.Message {
	return renderPaymentOf(n, p, project, links, false)
}

// NoLongerMetSentence is what a payment-due email about a milestone tranche
// adds when, as it is sent, the tranche's target no longer meets its
// threshold on counted figures: the tranche stays due all the same
// (domain.Payment.FallDue), and the email says so rather than leave the
// funder to find figures that disagree with it.
const NoLongerMetSentence = "The figures (or the target) were changed after this payment fell due, and its milestone is no longer met " +
	"on the counted figures now; it stays due until a lead records it paid or cancels it."

// renderPaymentOf is renderPayment; noLongerMet says, for a milestone
// tranche, that its milestone is no longer met now (NoLongerMetSentence).
func renderPaymentOf(n domain.Notification, p domain.Programme, project domain.Project, links Links, noLongerMet bool) email.Message {
	p.Name, project.Name, n.GrantTitle = email.HeaderText(p.Name), email.HeaderText(project.Name), email.HeaderText(n.GrantTitle)
	n.Released = email.HeaderText(n.Released)
	amount, because, on := domain.Pounds(n.AmountPence), email.HeaderText(n.Because), n.On.Long()
	m := mail{Headline: n.Headline(subjectWhere(p, project)), Rows: []row{{"Programme", p.Name}}}
	if project.Name != "" {
		m.Rows = append(m.Rows, row{"Project", project.Name})
	}
	m.Rows = append(m.Rows, row{"Grant", n.GrantTitle}, row{"Amount", amount})
	if !n.PeriodStart.IsZero() && !n.PeriodEnd.IsZero() {
		m.Rows = append(m.Rows, row{"Grant period", domain.PeriodText(n.PeriodStart, n.PeriodEnd)})
	}
	m.Sentence = "A payment of " + amount + " of the grant \"" + n.GrantTitle + "\" fell due on " + on
	if n.DueForItsDate() {
		// A dated payment's reason is its date: said once, not "Due: due
		// on 1 November 2026" over "Due since: 1 November 2026".
		m.Rows = append(m.Rows, row{"Due", on})
	} else {
		m.Rows = append(m.Rows, row{"Due", because}, row{"Due since", on})
		m.Sentence += ": " + because
	}
	m.Sentence += "."
	if noLongerMet {
		m.Also = NoLongerMetSentence
	}
	// One email goes to the funder's contacts and the leads alike, and
	// only a lead records a payment.
	m.Action = "The programme's leads record it in fundtrack once it is paid."
	m.Link, m.LinkText = links.page(n.ProgrammeID, "/grants/"+url.PathEscape(n.GrantID)), "See the grant and its payments"
	if n.GrantID == "" {
		m.Link = links.Programme(n.ProgrammeID)
	}
	m.ProgrammeLink = links.Programme(n.ProgrammeID)
	m.Footer = "You receive this because you are a contact for the funder of this grant, or lead this programme, in fundtrack."
	return m.message()
}
