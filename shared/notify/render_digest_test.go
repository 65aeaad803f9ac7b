package notify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
)

// digestNotes are n submissions awaiting review in programme p1, for
// projects a and b in turn, a month each from January 2026.
func digestNotes(n int) []domain.Notification {
	var out []domain.Notification
	for i := range n {
		start := time.Date(2026, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC)
		project := []string{"a", "b"}[i%2]
		sub := fmt.Sprintf("sub%03d", i)
		out = append(out, domain.Notification{ID: domain.SubmissionNotificationID(sub, domain.KindAwaitingReview), ProgrammeID: "p1",
			Kind: domain.KindAwaitingReview, SubmissionID: sub, ProjectID: project, CreatedAt: start,
			PeriodStart: domain.DateOf(start), PeriodEnd: domain.DateOf(start.AddDate(0, 1, -1))})
	}
	return out
}

// TestRenderDigest: the one email about several submissions names each
// by project and period, in that order, linking to its review form, and
// links to the review queue; names stay one line and are escaped.
func TestRenderDigest(t *testing.T) {
	t.Parallel()
	projects := map[string]domain.Project{"a": {ID: "a", Name: "Leeds & York"}, "b": {ID: "b", Name: "Bradford\nIPS"}}
	notes := digestNotes(3)
	m := notify.RenderDigest(notes, domain.Programme{ID: "p1", Name: "Working <for> Wellness"}, projects, links)
	if m.Subject != "3 submissions awaiting review (Working <for> Wellness)" {
		t.Errorf("subject %q", m.Subject)
	}
	order := []string{"- Bradford IPS: February 2026: " + programmePage + "/projects/b/outcomes/sub001/review",
		"- Leeds & York: January 2026: " + programmePage + "/projects/a/outcomes/sub000/review",
		"- Leeds & York: March 2026: " + programmePage + "/projects/a/outcomes/sub002/review"}
	at := -1
	for _, line := range order {
		i := strings.Index(m.Text, line)
		if i <= at {
			t.Errorf("%q missing or out of order in:\n%s", line, m.Text)
		}
		at = i
	}
	if !strings.Contains(m.Text, "See the review queue: "+programmePage+"/reviews") || !strings.Contains(m.Text, "you lead this programme") {
		t.Errorf("text:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, `<a class="ft-link" href="`+programmePage+`/projects/a/outcomes/sub000/review" style="color:#005eb8">Leeds &amp; York: January 2026</a>`) ||
		strings.Contains(m.HTML, "<for>") {
		t.Errorf("html:\n%s", m.HTML)
	}
}

// TestRenderDigestListsAtMostMaxListed: past notify.MaxListed the email
// says how many more there are, and the review queue lists them.
func TestRenderDigestListsAtMostMaxListed(t *testing.T) {
	t.Parallel()
	notes := digestNotes(notify.MaxListed + 1234)
	m := notify.RenderDigest(notes, domain.Programme{ID: "p1", Name: "Working for Wellness"}, nil, links)
	if m.Subject != "1,334 submissions awaiting review (Working for Wellness)" {
		t.Errorf("subject %q", m.Subject)
	}
	if n := strings.Count(m.Text, "/review\n"); n != notify.MaxListed {
		t.Errorf("%d listed, want %d", n, notify.MaxListed)
	}
	if !strings.Contains(m.Text, "And 1,234 more: the review queue lists them all.") || len(m.HTML) > 100_000 {
		t.Errorf("%d bytes of HTML; text:\n%s", len(m.HTML), m.Text)
	}
}
