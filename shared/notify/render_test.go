package notify_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
)

func renderNote(kind domain.NotificationKind, threshold, figure int64) domain.Notification {
	return domain.Notification{ID: "n", TargetID: "t", Kind: kind, Threshold: threshold, Figure: figure, Value: 60,
		Metric: domain.MetricPeopleIntoWork, On: domain.MustDate("2026-03-02"), CreatedAt: time.Now(), ProgrammeID: "p1",
		PeriodStart: domain.MustDate("2025-04-01"), PeriodEnd: domain.MustDate("2026-12-31")}
}

// links are a deployment's web app addresses.
var links = notify.Links{Base: "https://fundtrack.example.org/"}

const programmePage = "https://fundtrack.example.org/app/programmes/p1"

func TestRenderReached(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness"}
	m := notify.Render(renderNote(domain.KindReached, 100, 61), p, domain.Project{Name: "Bradford IPS"}, links)
	if m.Subject != "Target reached: 60 people into work (Bradford IPS, Working for Wellness)" || m.To != "" {
		t.Errorf("subject %q to %q", m.Subject, m.To)
	}
	for _, want := range []string{
		"Bradford IPS (Working for Wellness) has reached 100% of its target of 60 people into work: 61 as of 2 March 2026.",
		"Programme: Working for Wellness\n", "Project: Bradford IPS\n",
		"Figure: 61 people into work against a target of 60 (101.7%)\n", "Date: 2 March 2026\n",
		// The period the figures cover: the target's window, up to the day.
		"Figures cover: periods ending between 1 April 2025 and 2 March 2026\n", "Target period: April 2025 to December 2026\n",
		"See the programme's progress in fundtrack: " + programmePage + "\n",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.HasPrefix(m.HTML, "<!DOCTYPE html>") || !strings.Contains(m.HTML, `<html lang="en">`) ||
		!strings.Contains(m.HTML, ">Bradford IPS</td>") || !strings.Contains(m.HTML, "(101.7%)") ||
		!strings.Contains(m.HTML, `href="`+programmePage+`"`) || !strings.Contains(m.HTML, ">periods ending between 1 April 2025 and 2 March 2026</td>") {
		t.Errorf("html:\n%s", m.HTML)
	}
}

func TestRenderProgrammeTargetHasNoProjectLine(t *testing.T) {
	t.Parallel()
	m := notify.Render(renderNote(domain.KindReached, 50, 30), domain.Programme{Name: "Working for Wellness"}, domain.Project{}, links)
	if strings.Contains(m.Text, "Project:") || strings.Contains(m.HTML, ">Project<") {
		t.Errorf("a programme target's email names a project:\n%s\n%s", m.Text, m.HTML)
	}
	if m.Subject != "50% of target reached: 60 people into work (Working for Wellness)" ||
		!strings.Contains(m.Text, "Working for Wellness has reached 50% of its target of 60 people into work: 30 as of 2 March 2026.") ||
		!strings.Contains(m.Text, "(50.0%)") {
		t.Errorf("subject %q\n%s", m.Subject, m.Text)
	}
}

func TestRenderMissedAndAtRisk(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness"}
	pr := domain.Project{Name: "Bradford IPS"}
	missed := notify.Render(renderNote(domain.KindMissed, 100, 10), p, pr, links)
	if missed.Subject != "Target missed: 60 people into work (Bradford IPS, Working for Wellness)" ||
		!strings.Contains(missed.Text, "Bradford IPS (Working for Wellness) did not reach its target of 60 people into work by the deadline: 10 as of 2 March 2026.") {
		t.Errorf("missed: %q\n%s", missed.Subject, missed.Text)
	}
	risk := notify.Render(renderNote(domain.KindAtRisk, 100, 5), p, pr, links)
	if risk.Subject != "Target at risk: 60 people into work (Bradford IPS, Working for Wellness)" ||
		!strings.Contains(risk.Text, "Bradford IPS (Working for Wellness) is projected to fall short of its target of 60 people into work: 5 so far, as of 2 March 2026.") {
		t.Errorf("at risk: %q\n%s", risk.Subject, risk.Text)
	}
}

// TestRenderMissedSaysHowManyAwaitReview: a "missed" email recorded with
// submissions for the target's window still awaiting review (the hold
// over, domain.MissedReviewHold) says how many, as of its day, in the
// text and the HTML; one with none says nothing of review.
func TestRenderMissedSaysHowManyAwaitReview(t *testing.T) {
	t.Parallel()
	p, pr := domain.Programme{Name: "Working for Wellness"}, domain.Project{Name: "Bradford IPS"}
	for awaiting, want := range map[int64]string{
		0: "",
		1: "On 2 March 2026, 1 submission with figures for the target's period was still awaiting review: the figure above counts only approved figures.",
		3: "On 2 March 2026, 3 submissions with figures for the target's period were still awaiting review: the figure above counts only approved figures.",
	} {
		n := renderNote(domain.KindMissed, 100, 10)
		n.AwaitingReview = awaiting
		m := notify.Render(n, p, pr, links)
		if want == "" {
			if strings.Contains(m.Text, "review") || strings.Contains(m.HTML, "review") {
				t.Errorf("none awaiting review, yet the email speaks of review:\n%s", m.Text)
			}
			continue
		}
		if !strings.Contains(m.Text, "by the deadline: 10 as of 2 March 2026.\n"+want+"\n") || !strings.Contains(m.HTML, strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("%d awaiting review: want %q\n%s\n%s", awaiting, want, m.Text, m.HTML)
		}
	}
}

// TestRenderGroupsThousands: large targets and figures are written with
// thousands grouped, as money is, in the subject and the body.
func TestRenderGroupsThousands(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness"}
	for kind, want := range map[domain.NotificationKind][2]string{
		domain.KindReached: {"Target reached: 100,000 referrals (Working for Wellness)", "has reached 100% of its target of 100,000 referrals: 123,456 as of"},
		domain.KindMissed:  {"Target missed: 100,000 referrals (Working for Wellness)", "did not reach its target of 100,000 referrals by the deadline: 123,456 as of"},
		domain.KindAtRisk:  {"Target at risk: 100,000 referrals (Working for Wellness)", "is projected to fall short of its target of 100,000 referrals: 123,456 so far"},
	} {
		n := renderNote(kind, 100, 123456)
		n.Value, n.Metric = 100000, domain.MetricReferrals
		m := notify.Render(n, p, domain.Project{}, links)
		if m.Subject != want[0] || !strings.Contains(m.Text, want[1]) || !strings.Contains(m.Text, "123,456 referrals against a target of 100,000 (123.5%)") {
			t.Errorf("%s: %q\n%s", kind, m.Subject, m.Text)
		}
	}
}

// TestRenderPercentIsProgressPercent: the email's percent is the one
// progress and the web publish (domain.Percent, via Target.Evaluate), not
// worked out again: 1 of 16 is 6.3% (%.1f of 6.25 says 6.2%), and 1,999 of
// 2,000 missed is 99.9%, never 100.0% (audit W1, N1).
func TestRenderPercentIsProgressPercent(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness"}
	for _, c := range []struct {
		kind          domain.NotificationKind
		figure, value int64
		want          string
	}{
		{domain.KindReached, 1, 16, "1 people into work against a target of 16 (6.3%)"},
		{domain.KindAtRisk, 3, 16, "3 people into work against a target of 16 (18.8%)"},
		{domain.KindMissed, 1999, 2000, "1,999 people into work against a target of 2,000 (99.9%)"},
		{domain.KindReached, 2000, 2000, "2,000 people into work against a target of 2,000 (100.0%)"},
	} {
		n := renderNote(c.kind, 100, c.figure)
		n.Value = c.value
		m := notify.Render(n, p, domain.Project{}, links)
		tp := domain.Target{Value: c.value, Deadline: domain.MustDate("2026-12-31")}.Evaluate(c.figure, domain.MustDate("2026-01-01"), domain.MustDate("2026-06-01"))
		progress := strconv.FormatFloat(tp.Percent, 'f', 1, 64) + "%)"
		if !strings.Contains(m.Text, "Figure: "+c.want+"\n") || !strings.HasSuffix(c.want, "("+progress) || !strings.Contains(m.HTML, ">"+c.want+"</td>") {
			t.Errorf("%d of %d: want %q (progress says %s)\n%s", c.figure, c.value, c.want, progress, m.Text)
		}
	}
}

// TestRenderEscapesHTMLOnly: names are escaped in the HTML body, and left
// as typed in the subject and plain text.
func TestRenderEscapesHTMLOnly(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: `Mind & Work <IPS> "East"`}
	m := notify.Render(renderNote(domain.KindReached, 100, 60), p, domain.Project{Name: "Leeds & York"}, links)
	if !strings.Contains(m.Subject, `(Leeds & York, Mind & Work <IPS> "East")`) || !strings.Contains(m.Text, "Programme: Mind & Work <IPS> \"East\"") ||
		!strings.Contains(m.Text, "Project: Leeds & York") {
		t.Errorf("subject %q text:\n%s", m.Subject, m.Text)
	}
	if strings.Contains(m.HTML, "<IPS>") || !strings.Contains(m.HTML, "Mind &amp; Work &lt;IPS&gt;") || !strings.Contains(m.HTML, "Leeds &amp; York") {
		t.Errorf("html not escaped:\n%s", m.HTML)
	}
}

// TestRenderAtRiskFooterAddressesLeads: the at-risk email goes to the
// programme's leads, not to funders' contacts, so it must not tell them
// they receive it "because you are a contact for a funder".
func TestRenderAtRiskFooterAddressesLeads(t *testing.T) {
	t.Parallel()
	m := notify.Render(renderNote(domain.KindAtRisk, 100, 5), domain.Programme{Name: "Working for Wellness"}, domain.Project{}, links)
	if strings.Contains(m.Text, "contact for a funder") || strings.Contains(m.HTML, "contact for a funder") {
		t.Errorf("the at-risk email, sent to the programme's leads, says they are a funder's contact:\n%s", m.Text)
	}
}

// TestRenderNamesStayOneLine: names stored with line breaks or invisible
// characters (before such names were refused at input) reach neither the
// subject as a header break nor the plain text as a line of their own.
func TestRenderNamesStayOneLine(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness\r\nBcc: x@evil.example"}
	pr := domain.Project{Name: "Leeds\nFigure: 9999 people into work\u202e"}
	for _, kind := range []domain.NotificationKind{domain.KindReached, domain.KindMissed, domain.KindAtRisk} {
		m := notify.Render(renderNote(kind, 100, 61), p, pr, links)
		if strings.ContainsAny(m.Subject, "\r\n\u202e") || !strings.HasSuffix(m.Subject, "(Leeds Figure: 9999 people into work, Working for Wellness Bcc: x@evil.example)") {
			t.Errorf("%s: subject %q", kind, m.Subject)
		}
		for _, line := range strings.Split(m.Text, "\n") {
			if strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "Figure: 9999") || strings.ContainsAny(line, "\r\u202e") {
				t.Errorf("%s: a name made its own line %q:\n%s", kind, line, m.Text)
			}
		}
		if !strings.Contains(m.Text, "Programme: Working for Wellness Bcc: x@evil.example\n") || !strings.Contains(m.Text, "Project: Leeds Figure: 9999 people into work\n") {
			t.Errorf("%s: names not kept on their lines:\n%s", kind, m.Text)
		}
	}
}

// TestRenderFiguresCoverOneDay: a window whose figures run to its first
// day covers one period, named once, not "periods ending 31 March 2026
// to 31 March 2026".
func TestRenderFiguresCoverOneDay(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ start, end, on, want string }{
		{"2026-03-31", "2026-12-31", "2026-03-31", "Figures cover: the period ending 31 March 2026\n"},
		{"2026-03-31", "2026-03-31", "2026-04-02", "Figures cover: the period ending 31 March 2026\n"},
		{"2026-03-30", "2026-12-31", "2026-03-31", "Figures cover: periods ending between 30 March 2026 and 31 March 2026\n"},
	} {
		n := renderNote(domain.KindReached, 100, 61)
		n.PeriodStart, n.PeriodEnd, n.On = domain.MustDate(c.start), domain.MustDate(c.end), domain.MustDate(c.on)
		m := notify.Render(n, domain.Programme{Name: "Working for Wellness"}, domain.Project{}, links)
		if !strings.Contains(m.Text, c.want) {
			t.Errorf("%s to %s on %s: want %q in\n%s", c.start, c.end, c.on, c.want, m.Text)
		}
	}
}

// TestRenderMissedCoversTheWholeWindow: once the deadline has passed, the
// figures cover the whole window, not up to the day the email goes.
func TestRenderMissedCoversTheWholeWindow(t *testing.T) {
	t.Parallel()
	n := renderNote(domain.KindMissed, 100, 10)
	n.On = domain.MustDate("2027-01-01")
	m := notify.Render(n, domain.Programme{Name: "Working for Wellness"}, domain.Project{}, links)
	if !strings.Contains(m.Text, "Figures cover: periods ending between 1 April 2025 and 31 December 2026\n") {
		t.Errorf("text:\n%s", m.Text)
	}
}

// TestRenderFiguresCoverTheLatestPeriodCounted: the figures run to the end
// of the latest period counted, whether that period is not yet over (a
// period may be submitted and counted before it ends) or ended long before
// the email (returns overdue): not to the day of the email, which would
// read as figures more current than they are. A notification stored
// without it says up to its day.
func TestRenderFiguresCoverTheLatestPeriodCounted(t *testing.T) {
	t.Parallel()
	for figuresTo, want := range map[string]string{
		"2026-03-31": "Figures cover: periods ending between 1 April 2025 and 31 March 2026\n",
		"2026-02-28": "Figures cover: periods ending between 1 April 2025 and 28 February 2026\n",
		"2025-09-30": "Figures cover: periods ending between 1 April 2025 and 30 September 2025\n",
		"":           "Figures cover: periods ending between 1 April 2025 and 2 March 2026\n",
	} {
		n := renderNote(domain.KindReached, 100, 61)
		if figuresTo != "" {
			n.FiguresTo = domain.MustDate(figuresTo)
		}
		m := notify.Render(n, domain.Programme{Name: "Working for Wellness"}, domain.Project{}, links)
		if !strings.Contains(m.Text, want) {
			t.Errorf("figures to %s: text lacks %q:\n%s", figuresTo, want, m.Text)
		}
	}
}

// TestRenderOneEmailForSeveralThresholds: the email for the highest
// threshold crossed says which lower ones it covers.
func TestRenderOneEmailForSeveralThresholds(t *testing.T) {
	t.Parallel()
	n := renderNote(domain.KindReached, 100, 72)
	n.Covers = []int64{25, 50}
	m := notify.Render(n, domain.Programme{Name: "Working for Wellness"}, domain.Project{}, links)
	want := "On the way it passed 25% and 50% of the target too: this one email covers them all."
	if m.Subject != "Target reached: 60 people into work (Working for Wellness)" || !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
		t.Errorf("subject %q\n%s", m.Subject, m.Text)
	}
	if one := notify.Render(renderNote(domain.KindReached, 100, 61), domain.Programme{Name: "W"}, domain.Project{}, links); strings.Contains(one.Text, "On the way") {
		t.Errorf("an email covering nothing says it does:\n%s", one.Text)
	}
}

// kindCase is one notification and where its email must link.
type kindCase struct {
	note domain.Notification
	link string
}

// everyKind is one notification of each kind.
func everyKind() map[domain.NotificationKind]kindCase {
	ret := func(kind domain.NotificationKind) domain.Notification {
		return domain.Notification{ID: "r." + string(kind), Kind: kind, ProgrammeID: "p1", ProjectID: "j1", SubmissionID: "o1",
			PeriodStart: domain.MustDate("2026-01-01"), PeriodEnd: domain.MustDate("2026-03-31"), DueDate: domain.MustDate("2026-04-20"),
			Comment: "Split referrals by source, please.", On: domain.MustDate("2026-04-13")}
	}
	submit := programmePage + "/projects/j1/outcomes/new?periodEnd=2026-03-31&periodStart=2026-01-01"
	return map[domain.NotificationKind]kindCase{
		domain.KindReached:          {renderNote(domain.KindReached, 50, 30), programmePage},
		domain.KindMissed:           {renderNote(domain.KindMissed, 100, 5), programmePage},
		domain.KindAtRisk:           {renderNote(domain.KindAtRisk, 100, 5), programmePage},
		domain.KindReminder:         {ret(domain.KindReminder), submit},
		domain.KindOverdue:          {ret(domain.KindOverdue), submit},
		domain.KindAwaitingReview:   {ret(domain.KindAwaitingReview), programmePage + "/projects/j1/outcomes/o1/review"},
		domain.KindChangesRequested: {ret(domain.KindChangesRequested), programmePage + "/projects/j1/outcomes/new?replaces=o1"},
		domain.KindPaymentDue: {domain.Notification{ID: "pay1.payment-due", Kind: domain.KindPaymentDue, ProgrammeID: "p1", ProjectID: "j1",
			PaymentID: "pay1", GrantID: "g1", GrantTitle: "Employment specialists", AmountPence: 2500000, Because: "due on 1 April 2026",
			Released: "on 1 April 2026", On: domain.MustDate("2026-04-01"), PeriodStart: domain.MustDate("2025-04-01"), PeriodEnd: domain.MustDate("2027-03-31")},
			programmePage + "/grants/g1"},
	}
}

// TestRenderEveryKindLinksBackAndSuitsDarkMode: every kind of email links
// to where its job is done and to the programme, names the period, keeps a
// plain-text part, and its HTML part reads in dark mode: it says it
// supports both schemes, gives every colour explicitly (background and
// text together), switches them for dark mode, and has no images.
func TestRenderEveryKindLinksBackAndSuitsDarkMode(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness"}
	pr := domain.Project{ID: "j1", Name: "Bradford IPS"}
	for kind, c := range everyKind() {
		m := notify.Render(c.note, p, pr, links)
		period := "Figures cover: periods ending between 1 April 2025 and 2 March 2026"
		switch {
		case kind.Reporting():
			period = "Period: January to March 2026"
		case kind == domain.KindPaymentDue:
			period = "Grant period: April 2025 to March 2027"
		}
		for _, want := range []string{c.link, programmePage, period, "Programme: Working for Wellness", "Project: Bradford IPS"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", kind, want, m.Text)
			}
		}
		for _, want := range []string{
			`<meta name="color-scheme" content="light dark">`, "@media (prefers-color-scheme: dark)",
			`href="` + strings.ReplaceAll(c.link, "&", "&amp;") + `"`, `href="` + programmePage + `"`,
			// The page, the card and the button each carry both colours.
			`<body class="ft-page" style="margin:0;padding:0;background-color:#f0f4f5;color:#212b32;`,
			`class="ft-card" style="max-width:600px;margin:0 auto;padding:24px;background-color:#ffffff;color:#212b32;`,
			`background-color:#007f3b;color:#ffffff;`,
		} {
			if !strings.Contains(m.HTML, want) {
				t.Errorf("%s: html lacks %q:\n%s", kind, want, m.HTML)
			}
		}
		if strings.Contains(m.HTML, "<img") || strings.Contains(m.HTML, "url(") {
			t.Errorf("%s: the html has an image", kind)
		}
		if (kind == domain.KindReminder || kind == domain.KindOverdue) && !strings.Contains(m.Text, "Due: 20 April 2026") {
			t.Errorf("%s: no due date:\n%s", kind, m.Text)
		}
		if kind == domain.KindChangesRequested && (!strings.Contains(m.Text, "Split referrals by source, please.") || !strings.Contains(m.HTML, "Split referrals by source, please.")) {
			t.Errorf("%s: no comment:\n%s", kind, m.Text)
		}
	}
}

// TestRenderWithoutAWebAddress: a deployment that gives no web address
// sends emails without links, rather than links that lead nowhere.
func TestRenderWithoutAWebAddress(t *testing.T) {
	t.Parallel()
	for kind, c := range everyKind() {
		m := notify.Render(c.note, domain.Programme{Name: "W"}, domain.Project{Name: "B"}, notify.Links{})
		if strings.Contains(m.Text, "http") || strings.Contains(m.HTML, "href=") {
			t.Errorf("%s: links with no base:\n%s", kind, m.Text)
		}
	}
}

// TestRenderReportingSubjectsNameTheProject: two projects' submissions for
// the same month reach the leads under subjects that tell them apart; a
// return's email with no project (none known) names the programme alone.
func TestRenderReportingSubjectsNameTheProject(t *testing.T) {
	p := domain.Programme{ID: "p1", Name: "Bradford IPS network"}
	note := everyKind()[domain.KindAwaitingReview].note
	north := notify.Render(note, p, domain.Project{ID: "j1", Name: "North IPS"}, links)
	south := notify.Render(note, p, domain.Project{ID: "j1", Name: "South IPS"}, links)
	if north.Subject != "Submission awaiting review: January to March 2026 (North IPS, Bradford IPS network)" || south.Subject == north.Subject {
		t.Errorf("subjects %q and %q", north.Subject, south.Subject)
	}
	if none := notify.Render(note, p, domain.Project{}, links); none.Subject != "Submission awaiting review: January to March 2026 (Bradford IPS network)" {
		t.Errorf("with no project: %q", none.Subject)
	}
}

// TestRenderReturnSentencesMakeNamesPossessive: the reporting emails make
// the project's name possessive as the payment emails do (by
// domain.Possessive): "Leeds internships' return", not "Leeds
// internships's return", and "North IPS's return".
func TestRenderReturnSentencesMakeNamesPossessive(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness"}
	kinds := everyKind()
	for _, c := range []struct {
		project string
		kind    domain.NotificationKind
		want    string
	}{
		{"Leeds internships", domain.KindReminder, "Leeds internships' return for January to March 2026 is due on 20 April 2026, and nothing has been submitted for it yet."},
		{"Leeds internships", domain.KindOverdue, "Leeds internships' return for January to March 2026 was due on 20 April 2026 and has not been submitted."},
		{"Leeds internships", domain.KindChangesRequested, "A lead has asked for changes to Leeds internships' submission for January to March 2026. Its figures are not counted."},
		{"North IPS", domain.KindReminder, "North IPS's return for January to March 2026 is due on 20 April 2026"},
		{"North IPS", domain.KindOverdue, "North IPS's return for January to March 2026 was due on 20 April 2026"},
		{"North IPS", domain.KindChangesRequested, "A lead has asked for changes to North IPS's submission for January to March 2026."},
		{"", domain.KindReminder, "Your project's return for January to March 2026 is due on 20 April 2026"},
	} {
		m := notify.Render(kinds[c.kind].note, p, domain.Project{ID: "j1", Name: c.project}, links)
		if !strings.Contains(m.Text, c.want) {
			t.Errorf("%s, %q: text lacks %q:\n%s", c.kind, c.project, c.want, m.Text)
		}
		if want := strings.ReplaceAll(c.want, "'", "&#39;"); !strings.Contains(m.HTML, want) {
			t.Errorf("%s, %q: html lacks %q:\n%s", c.kind, c.project, want, m.HTML)
		}
		if strings.Contains(m.Text, "s's ") {
			t.Errorf("%s, %q: %q", c.kind, c.project, m.Text)
		}
	}
}

// TestRenderMilestoneAndPaymentSubjectsNameTheProject: as reporting
// subjects do, a project's milestone and a payment about a project (its
// grant's, or for a programme-wide grant the return or target that
// released it) name the project, so two projects' emails for the same
// target or amount are told apart; a programme's target or a payment about
// no project names the programme alone.
func TestRenderMilestoneAndPaymentSubjectsNameTheProject(t *testing.T) {
	t.Parallel()
	p := domain.Programme{ID: "p1", Name: "Bradford IPS network"}
	north, south := domain.Project{ID: "j1", Name: "North IPS"}, domain.Project{ID: "j2", Name: "South IPS"}
	for _, c := range []struct {
		kind      domain.NotificationKind
		note      domain.Notification
		withNorth string
		alone     string
	}{
		{domain.KindReached, renderNote(domain.KindReached, 100, 61),
			"Target reached: 60 people into work (North IPS, Bradford IPS network)", "Target reached: 60 people into work (Bradford IPS network)"},
		{domain.KindReached, renderNote(domain.KindReached, 50, 30),
			"50% of target reached: 60 people into work (North IPS, Bradford IPS network)", "50% of target reached: 60 people into work (Bradford IPS network)"},
		{domain.KindMissed, renderNote(domain.KindMissed, 100, 10),
			"Target missed: 60 people into work (North IPS, Bradford IPS network)", "Target missed: 60 people into work (Bradford IPS network)"},
		{domain.KindAtRisk, renderNote(domain.KindAtRisk, 100, 5),
			"Target at risk: 60 people into work (North IPS, Bradford IPS network)", "Target at risk: 60 people into work (Bradford IPS network)"},
		{domain.KindPaymentDue, everyKind()[domain.KindPaymentDue].note,
			"Payment due: £25,000.00 for Employment specialists, on 1 April 2026 (North IPS, Bradford IPS network)",
			"Payment due: £25,000.00 for Employment specialists, on 1 April 2026 (Bradford IPS network)"},
	} {
		n, s := notify.Render(c.note, p, north, links), notify.Render(c.note, p, south, links)
		if n.Subject != c.withNorth || s.Subject == n.Subject {
			t.Errorf("%s: subjects %q and %q, want %q", c.kind, n.Subject, s.Subject, c.withNorth)
		}
		if none := notify.Render(c.note, p, domain.Project{}, links); none.Subject != c.alone {
			t.Errorf("%s with no project: %q, want %q", c.kind, none.Subject, c.alone)
		}
	}
}

// A payment-due email goes to the funder's contacts and the leads alike:
// it asks nobody to record what only a lead may record, and a dated
// payment's reason (its date) is not said twice.
func TestRenderPaymentDueSuitsFunderAndLead(t *testing.T) {
	on := domain.MustDate("2026-11-01")
	for _, c := range []struct {
		because, sentence string
		rows              string // what the email's facts end with
	}{
		// A dated payment's date, once: not "Due: due on 1 November
		// 2026" then "Due since: 1 November 2026".
		{"due on 1 November 2026", "fell due on 1 November 2026.", "Amount: £10,000.00\nDue: 1 November 2026\n\n"},
		{"when Bradford IPS's return for October 2026 is accepted", "fell due on 1 November 2026: when Bradford IPS's return for October 2026 is accepted.",
			"Amount: £10,000.00\nDue: when Bradford IPS's return for October 2026 is accepted\nDue since: 1 November 2026\n\n"},
	} {
		n := domain.Notification{Kind: domain.KindPaymentDue, ProgrammeID: "p1", GrantID: "g1", GrantTitle: "Core grant",
			AmountPence: 10_000_00, Because: c.because, On: on}
		m := notify.Render(n, domain.Programme{Name: "W"}, domain.Project{}, links)
		want := "A payment of £10,000.00 of the grant \"Core grant\" " + c.sentence
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
		if !strings.Contains(m.Text, c.rows) || strings.Count(m.Text, "1 November 2026") != strings.Count(c.sentence+c.rows, "1 November 2026") {
			t.Errorf("text's rows are not %q:\n%s", c.rows, m.Text)
		}
		if strings.Contains(m.Text, "Record it in fundtrack") || !strings.Contains(m.Text, "The programme's leads record it in fundtrack once it is paid.") {
			t.Errorf("action line asks the reader to record the payment:\n%s", m.Text)
		}
	}
}
