package notify

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
)

// Render writes a notification's email (To is left for the sender to
// fill), linking to the web app through links.
func Render(n domain.Notification, p domain.Programme, project domain.Project, links Links) email.Message {
	switch {
	case n.Kind == domain.KindPaymentDue:
		return renderPayment(n, p, project, links)
	case n.Kind.Reporting():
		return renderReturn(n, p, project, links)
	}
	// Names go into the subject and into lines of the plain text: each is
	// made one line of text first (email.HeaderText), so a name stored with
	// a line break can neither add a header nor fake a line of the body.
	p.Name, project.Name = email.HeaderText(p.Name), email.HeaderText(project.Name)
	metric := n.Metric.Phrase()
	on := n.On.Long()
	m := mail{Headline: n.Headline(subjectWhere(p, project)), Rows: []row{{"Programme", p.Name}}}
	if project.Name != "" {
		m.Rows = append(m.Rows, row{"Project", project.Name})
	}
	figure, value := domain.Thousands(n.Figure), domain.Thousands(n.Value) // "100,000", as money is grouped
	// The percent progress and the web show (domain.Percent), not worked out
	// again: %.1f of the quotient rounds 6.25 to 6.2 where they say 6.3, and
	// says 100.0% for 1,999 of 2,000.
	pct := strconv.FormatFloat(domain.Percent(n.Figure, n.Value), 'f', 1, 64)
	m.Rows = append(m.Rows, row{"Figure", fmt.Sprintf("%s %s against a target of %s (%s%%)", figure, metric, value, pct)})
	if !n.PeriodStart.IsZero() && !n.PeriodEnd.IsZero() {
		// The figures are the counted submissions whose periods end in
		// the target's window, up to the end of the latest one counted
		// (FiguresTo): not the day of the email, which would read as
		// current figures a programme whose returns are months overdue
		// does not have. A notification stored before FiguresTo was kept
		// says up to its day.
		upTo := n.FiguresTo
		if upTo.IsZero() {
			upTo = n.PeriodEnd
			if !n.On.IsZero() && n.On.Before(upTo) {
				upTo = n.On
			}
		}
		// "Between": the window's first day is when periods may end from,
		// not one a period necessarily ended on.
		cover := "periods ending between " + n.PeriodStart.Long() + " and " + upTo.Long()
		if !upTo.Before(n.PeriodStart) && !upTo.After(n.PeriodStart) {
			// Up to the window's first day: only a period ending that
			// day counts, so it is one period, not "periods ending 31
			// March 2026 to 31 March 2026".
			cover = "the period ending " + upTo.Long()
		}
		m.Rows = append(m.Rows, row{"Figures cover", cover},
			row{"Target period", domain.PeriodText(n.PeriodStart, n.PeriodEnd)})
	}
	m.Rows = append(m.Rows, row{"Date", on})
	m.Footer = "You receive this because you are a contact for a funder of this programme in fundtrack."
	if n.Kind == domain.KindAtRisk { // at-risk emails go to the programme's leads
		m.Footer = "You receive this because you lead this programme in fundtrack."
	}
	where := p.Name
	if project.Name != "" {
		where = project.Name + " (" + p.Name + ")"
	}
	switch n.Kind {
	case domain.KindReached:
		m.Sentence = fmt.Sprintf("%s has reached %d%% of its target of %s %s: %s as of %s.", where, n.Threshold, value, metric, figure, on)
		if !n.PeriodEnd.IsZero() && n.On.After(n.PeriodEnd) {
			// Figures for periods within the target's window, arriving
			// after its deadline (as returns are due after their period).
			m.Sentence = fmt.Sprintf("%s reached %d%% of its target of %s %s by its deadline of %s: %s as of %s, in figures that came in after the deadline.",
				where, n.Threshold, value, metric, n.PeriodEnd.Long(), figure, on)
		}
		if len(n.Covers) > 0 {
			// One change crossed several thresholds: this email stands
			// for all of them.
			m.Also = "On the way it passed " + percents(n.Covers) + " of the target too: this one email covers them all."
		}
	case domain.KindMissed:
		m.Sentence = fmt.Sprintf("%s did not reach its target of %s %s by the deadline: %s as of %s.", where, value, metric, figure, on)
		if n.AwaitingReview > 0 {
			// A count, never their figures: they are not approved.
			m.Also = awaitingReviewSentence(n.AwaitingReview, on)
		}
	case domain.KindAtRisk:
		m.Sentence = fmt.Sprintf("%s is projected to fall short of its target of %s %s: %s so far, as of %s.", where, value, metric, figure, on)
	}
	m.Link, m.LinkText = links.Programme(n.ProgrammeID), "See the programme's progress in fundtrack"
	m.ProgrammeLink = m.Link
	return m.message()
}

// awaitingReviewSentence says, in a "missed" email, that n submissions
// with figures for the target's period were still awaiting review on
// the day it was recorded (Notification.AwaitingReview): "missed" waited
// for them for as long as it may (domain.MissedReviewHold), and the
// figure is the approved one.
func awaitingReviewSentence(n int64, on string) string {
	what, were := domain.Thousands(n)+" submissions", "were"
	if n == 1 {
		what, were = "1 submission", "was"
	}
	return fmt.Sprintf("On %s, %s with figures for the target's period %s still awaiting review: "+
		"the figure above counts only approved figures.", on, what, were)
}

// subjectWhere is what a subject's brackets hold (Notification.Headline):
// the programme's name, and first the project's when the email is about a
// project's return, target or payment. A lead hears of every project's,
// and two for the same month, target or amount read alike without it.
// Both names are HeaderText already.
func subjectWhere(p domain.Programme, project domain.Project) string {
	if project.Name != "" {
		return project.Name + ", " + p.Name
	}
	return p.Name
}

// percents writes thresholds as "25% and 50%", "10%, 25% and 50%".
func percents(ths []int64) string {
	parts := make([]string, len(ths))
	for i, th := range ths {
		parts[i] = strconv.FormatInt(th, 10) + "%"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// renderReturn writes a reporting-cycle email: a reminder or overdue
// notice to the project's leads, a submission awaiting review to the
// programme's leads, or changes requested (with the lead's comment) to the
// project's leads. Only dates, names and the comment (which passed the
// personal-data guard) appear: no figures. Each links to where the job is
// done in the web app.
func renderReturn(n domain.Notification, p domain.Programme, project domain.Project, links Links) email.Message {
	return renderReturnOf(n, p, project, links, false)
}

// renderCorrected writes the changes-requested email n for a submission a
// project lead has corrected since the changes were asked for: it still
// carries the lead's comment, which the project's other leads have not
// seen, and says a correction was sent, linking to the submission
// (whose page links to its correction) rather than to a form that could
// only refuse a second correction of it.
func renderCorrected(n domain.Notification, p domain.Programme, project domain.Project, links Links) email.Message {
	return renderReturnOf(n, p, project, links, true)
}

// renderReturnOf is renderReturn; corrected says, for changes requested,
// that the submission was corrected since.
func renderReturnOf(n domain.Notification, p domain.Programme, project domain.Project, links Links, corrected bool) email.Message {
	p.Name, project.Name = email.HeaderText(p.Name), email.HeaderText(project.Name)
	period := domain.PeriodText(n.PeriodStart, n.PeriodEnd)
	m := mail{Headline: n.Headline(subjectWhere(p, project)), Comment: strings.TrimSpace(n.Comment), Rows: []row{{"Programme", p.Name}}}
	if project.Name != "" {
		m.Rows = append(m.Rows, row{"Project", project.Name})
	}
	m.Rows = append(m.Rows, row{"Period", period})
	due := ""
	if !n.DueDate.IsZero() {
		due = n.DueDate.Long()
		m.Rows = append(m.Rows, row{"Due", due})
	}
	who := project.Name
	if who == "" {
		who = "Your project"
	}
	projectPage := "/projects/" + url.PathEscape(n.ProjectID)
	m.Footer = "You receive this because you lead this project in fundtrack."
	switch n.Kind {
	case domain.KindReminder:
		m.Sentence = fmt.Sprintf("%s return for %s is due on %s, and nothing has been submitted for it yet.", domain.Possessive(who), period, due)
		m.Action = "Submit the period's figures in fundtrack before the due date."
		m.Link, m.LinkText = links.page(n.ProgrammeID, projectPage+"/outcomes/new?"+submitQuery(n)), "Submit the return"
	case domain.KindOverdue:
		m.Sentence = fmt.Sprintf("%s return for %s was due on %s and has not been submitted.", domain.Possessive(who), period, due)
		m.Action = "Submit the period's figures in fundtrack as soon as you can."
		m.Link, m.LinkText = links.page(n.ProgrammeID, projectPage+"/outcomes/new?"+submitQuery(n)), "Submit the return"
	case domain.KindAwaitingReview:
		m.Sentence = fmt.Sprintf("%s has submitted figures for %s. They count only once a lead approves them.", who, period)
		m.Action = "Review the submission in fundtrack: approve it, or ask for changes."
		m.Link, m.LinkText = links.page(n.ProgrammeID, projectPage+"/outcomes/"+url.PathEscape(n.SubmissionID)+"/review"), "Review the submission"
		m.Footer = "You receive this because you lead this programme in fundtrack."
	case domain.KindChangesRequested:
		m.Sentence = fmt.Sprintf("A lead has asked for changes to %s submission for %s. Its figures are not counted.", domain.Possessive(who), period)
		m.Action = "Correct the submission in fundtrack; it will be reviewed again."
		m.Link, m.LinkText = links.page(n.ProgrammeID, projectPage+"/outcomes/new?replaces="+url.QueryEscape(n.SubmissionID)), "Correct the submission"
		if corrected {
			m.Action = "A correction of it has been sent since: check that it answers the comment above, and correct it again if not."
			m.Link, m.LinkText = links.page(n.ProgrammeID, projectPage+"/outcomes/"+url.PathEscape(n.SubmissionID)), "See the submission and its correction"
		}
	}
	if n.ProjectID == "" || (n.SubmissionID == "" && (n.Kind == domain.KindAwaitingReview || n.Kind == domain.KindChangesRequested)) {
		m.Link = links.page(n.ProgrammeID, "/returns") // nothing more precise to link
		m.LinkText = "See the programme's returns"
	}
	m.ProgrammeLink = links.Programme(n.ProgrammeID)
	return m.message()
}

// submitQuery fills in the outcome form with the return's period.
func submitQuery(n domain.Notification) string {
	return url.Values{"periodStart": {n.PeriodStart.String()}, "periodEnd": {n.PeriodEnd.String()}}.Encode()
}
