package httpapi_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestImportAwaitingReviewIsOneEmailPerLead: a spreadsheet of ten rows
// imported into a programme that reviews its figures is ten submissions
// awaiting review, and one email to each lead listing all ten, over
// DynamoDB and the SES emulator; the notifications list shows the ten,
// nine of them sent in the email of the tenth.
func TestImportAwaitingReviewIsOneEmailPerLead(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	w.notifier.Links = notify.Links{Base: "https://fundtrack.example.org"}
	a := w.a
	deputy := w.inbox.Addr("deputy", "trust.nhs.uk")
	a.PutMember(t, w.pid, deputy, testkit.RoleLead())
	etag := a.Want(t, http.StatusOK, testkit.Request("GET", w.path(""), w.lead, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	w.s.Clock.Set("2026-12-01T09:00:00Z")
	csv := "project,periodStart,periodEnd,peopleIntoWork\n"
	for m := 1; m <= 10; m++ {
		csv += fmt.Sprintf("Aspiro internships,2026-%02d-01,2026-%02d-28,%d\n", m, m, m)
	}
	res := testkit.Decode[domain.ImportResult](t, a.Want(t, http.StatusOK, importReq(w.pl, w.path("/imports"), domain.MediaCSV, []byte(csv))))
	if res.Created != 10 {
		t.Fatalf("import: %+v", res)
	}
	if rep := w.run(t); rep.Covered != 9 {
		t.Errorf("run: %+v", rep)
	}
	w.run(t)
	subject := "10 submissions awaiting review (Bradford IPS network)"
	// (The programme's target is at risk by now: that is another email.)
	got := map[[2]string]int{}
	var digests []testkit.Mail
	for _, m := range w.inbox.Sent(t) {
		if strings.Contains(m.Subject, "review") {
			got[[2]string{m.To(), m.Subject}]++
			digests = append(digests, m)
		}
	}
	want := map[[2]string]int{{w.lead, subject}: 1, {deputy, subject}: 1}
	if !maps.Equal(got, want) {
		t.Errorf("awaiting-review emails %v, want %v", got, want)
	}
	for _, m := range digests {
		for _, id := range res.Submissions {
			if !strings.Contains(m.Body.Text, "/outcomes/"+id+"/review") {
				t.Errorf("the email to %s does not link to %s:\n%s", m.To(), id, m.Body.Text)
			}
		}
	}
	var carrier string
	covered := 0
	notes := testkit.ListAll[domain.Notification](t, a, w.lead, w.path("/notifications"))
	notes = slices.DeleteFunc(notes, func(n domain.Notification) bool { return n.Kind != domain.KindAwaitingReview })
	for _, n := range notes {
		if n.Status != domain.NotificationSent {
			t.Errorf("notification %+v", n)
		}
		if len(n.Includes) > 0 {
			carrier = n.ID
		}
	}
	for _, n := range notes {
		if n.CoveredBy != "" {
			covered++
			if n.CoveredBy != carrier {
				t.Errorf("%s covered by %s, want %s", n.ID, n.CoveredBy, carrier)
			}
		}
	}
	if len(notes) != 10 || covered != 9 {
		t.Errorf("%d notifications, %d covered; want 10, 9", len(notes), covered)
	}
}
