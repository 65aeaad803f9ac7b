package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
)

func renderNote(kind domain.NotificationKind, threshold, figure int64) domain.Notification {
	return domain.Notification{ID: "n", TargetID: "t", Kind: kind, Threshold: threshold, Figure: figure, Value: 60,
		Metric: domain.MetricPeopleIntoWork, On: domain.MustDate("2026-03-02"), CreatedAt: time.Now()}
}

func TestRenderReached(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness"}
	m := notify.Render(renderNote(domain.KindReached, 100, 61), p, domain.Project{Name: "Bradford IPS"})
	if m.Subject != "Target reached: 60 people into work (Working for Wellness)" || m.To != "" {
		t.Errorf("subject %q to %q", m.Subject, m.To)
	}
	for _, want := range []string{
		"Bradford IPS (Working for Wellness) has reached 100% of its target of 60 people into work: 61 as of 2026-03-02.",
		"Programme: Working for Wellness\n", "Project: Bradford IPS\n",
		"Figure: 61 people into work against a target of 60 (101.7%)\n", "Date: 2026-03-02\n",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.HasPrefix(m.HTML, "<!DOCTYPE html>") || !strings.Contains(m.HTML, `<html lang="en">`) ||
		!strings.Contains(m.HTML, "<td>Bradford IPS</td>") || !strings.Contains(m.HTML, "(101.7%)") {
		t.Errorf("html:\n%s", m.HTML)
	}
}

func TestRenderProgrammeTargetHasNoProjectLine(t *testing.T) {
	t.Parallel()
	m := notify.Render(renderNote(domain.KindReached, 50, 30), domain.Programme{Name: "Working for Wellness"}, domain.Project{})
	if strings.Contains(m.Text, "Project:") || strings.Contains(m.HTML, ">Project<") {
		t.Errorf("a programme target's email names a project:\n%s\n%s", m.Text, m.HTML)
	}
	if m.Subject != "50% of target reached: 60 people into work (Working for Wellness)" ||
		!strings.Contains(m.Text, "Working for Wellness has reached 50% of its target of 60 people into work: 30 as of 2026-03-02.") ||
		!strings.Contains(m.Text, "(50.0%)") {
		t.Errorf("subject %q\n%s", m.Subject, m.Text)
	}
}

func TestRenderMissedAndAtRisk(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: "Working for Wellness"}
	pr := domain.Project{Name: "Bradford IPS"}
	missed := notify.Render(renderNote(domain.KindMissed, 100, 10), p, pr)
	if missed.Subject != "Target missed: 60 people into work (Working for Wellness)" ||
		!strings.Contains(missed.Text, "Bradford IPS (Working for Wellness) did not reach its target of 60 people into work by the deadline: 10 as of 2026-03-02.") {
		t.Errorf("missed: %q\n%s", missed.Subject, missed.Text)
	}
	risk := notify.Render(renderNote(domain.KindAtRisk, 100, 5), p, pr)
	if risk.Subject != "Target at risk: 60 people into work (Working for Wellness)" ||
		!strings.Contains(risk.Text, "Bradford IPS (Working for Wellness) is projected to fall short of its target of 60 people into work: 5 so far, as of 2026-03-02.") {
		t.Errorf("at risk: %q\n%s", risk.Subject, risk.Text)
	}
}

// TestRenderEscapesHTMLOnly: names are escaped in the HTML body, and left
// as typed in the subject and plain text.
func TestRenderEscapesHTMLOnly(t *testing.T) {
	t.Parallel()
	p := domain.Programme{Name: `Mind & Work <IPS> "East"`}
	m := notify.Render(renderNote(domain.KindReached, 100, 60), p, domain.Project{Name: "Leeds & York"})
	if !strings.Contains(m.Subject, `(Mind & Work <IPS> "East")`) || !strings.Contains(m.Text, "Programme: Mind & Work <IPS> \"East\"") ||
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
	m := notify.Render(renderNote(domain.KindAtRisk, 100, 5), domain.Programme{Name: "Working for Wellness"}, domain.Project{})
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
		m := notify.Render(renderNote(kind, 100, 61), p, pr)
		if strings.ContainsAny(m.Subject, "\r\n\u202e") || !strings.HasSuffix(m.Subject, "(Working for Wellness Bcc: x@evil.example)") {
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
