package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// One notification is readable as in the list: leads see it whole, the
// funder it was sent for sees it with only its own contacts among the
// recipients, another funder and project leads cannot see it.
func TestGetNotificationVisibility(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	target, _ := h.Create(t, uAdmin, "/programmes/"+f.P1+"/targets",
		map[string]any{"metric": "referrals", "value": 10, "deadline": "2026-12-31", "notify": []string{f.X, f.Y}})
	funder := func(id string) domain.Funder { // as admin, who sees every contact
		return testkit.Decode[domain.Funder](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, f.p1("/funders/"+id), uAdmin, nil)))
	}
	x, y := funder(f.X), funder(f.Y)
	if len(x.Contacts) == 0 || len(y.Contacts) == 0 {
		t.Fatalf("the fixture's funders have no contacts: %+v %+v", x, y)
	}
	note := domain.Notification{ID: domain.NotificationID(target, domain.KindReached, 100), TargetID: target, Threshold: 100,
		Kind: domain.KindReached, Status: domain.NotificationPending, Recipients: append(slices.Clone(x.Contacts), y.Contacts...),
		FunderIDs: []string{f.X}, CreatedAt: time.Now().UTC(), ProgrammeID: f.P1, Figure: 10, Value: 10, Metric: domain.MetricReferrals}
	h.claimNotification(t, note)
	path := "/programmes/" + f.P1 + "/notifications/" + note.ID

	lead := testkit.Decode[domain.Notification](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path, uLead, nil)))
	if !slices.Equal(lead.Recipients, note.Recipients) {
		t.Errorf("lead sees recipients %v, want all %v", lead.Recipients, note.Recipients)
	}
	fx := testkit.Decode[domain.Notification](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path, uFunderX, nil)))
	if !slices.Equal(fx.Recipients, x.Contacts) {
		t.Errorf("funder X sees recipients %v, want only its own %v", fx.Recipients, x.Contacts)
	}
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, path, uFunderY, nil)), http.StatusNotFound, "not_found")
	// Project leads read their project's returns' emails, not milestones.
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, path, uPLA, nil)), http.StatusNotFound, "not_found")
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, path, uOutsider, nil)), http.StatusNotFound, "not_found")
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, "/programmes/"+f.P1+"/notifications/"+target+".reached.50", uLead, nil)), http.StatusNotFound, "not_found")
}

// discardMail is an email.Sender that sends nothing: the test reads the
// notifications, not the emails.
type discardMail struct{}

func (discardMail) Send(context.Context, email.Message) error { return nil }

// A digest's email, carried by one project's submission's notification,
// stood for another project's too. Over DynamoDB, that other project's lead
// reads its own notification (in the list, alone and in its history)
// without the id of the carrier, which it may not read: coveredBy is left
// out, as includes leaves out other projects'. The lead sees it.
func TestCoveredByOnlyWhenTheCarrierIsReadable(t *testing.T) {
	t.Parallel()
	h := newAPI(t)
	f := h.fixture(t)
	etag := h.Want(t, http.StatusOK, testkit.Request("GET", f.p1(""), uLead, nil)).Header.Get("ETag")
	h.Want(t, http.StatusOK, testkit.Request("PATCH", f.p1(""), uLead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	leadOf := map[string]string{f.A: uPLA, f.B: uPLB}
	for _, project := range []string{f.B, f.A} {
		h.Create(t, leadOf[project], f.p1("/projects/"+project+"/outcomes"), map[string]any{
			"periodStart": "2025-07-01", "periodEnd": "2025-09-30", "counts": map[string]int{"referrals": 3}})
	}
	n := &notify.Notifier{Store: h.Stack.Store, Email: discardMail{}, Now: time.Now, Links: notify.Links{Base: "https://fundtrack.example.org"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if rep, err := n.Run(t.Context()); err != nil || rep.Covered != 1 {
		t.Fatalf("notifier: %+v %v", rep, err)
	}
	var carrier, covered domain.Notification
	for _, n := range testkit.ListAll[domain.Notification](t, h, uLead, f.p1("/notifications")) {
		switch {
		case n.Kind != domain.KindAwaitingReview:
		case len(n.Includes) > 0:
			carrier = n
		case n.CoveredBy != "":
			covered = n
		}
	}
	if carrier.ID == "" || covered.CoveredBy != carrier.ID || carrier.ProjectID == covered.ProjectID {
		t.Fatalf("the lead's list: carrier %+v, covered %+v", carrier, covered)
	}
	pl := leadOf[covered.ProjectID]
	one := f.p1("/notifications/" + covered.ID)
	// Whether it may read the carrier costs one read more, the one that
	// reads what carriers include (a GetItem for one): beside the access
	// read (which carries one notification), and a project lead's list's
	// two pages (the speculative one and its own).
	answers := map[string]testkit.Resp{}
	for what, c := range map[string]struct{ path, want string }{
		"the list":    {f.p1("/notifications"), "BatchGetItem×1 GetItem×1 Query×2"},
		"it alone":    {one, "BatchGetItem×1 GetItem×1"},
		"its history": {one + "/history", "BatchGetItem×1 GetItem×1 Query/GSI2×1"},
	} {
		if n := h.Stack.Count.Measure(func() { answers[what] = h.Want(t, http.StatusOK, testkit.Request("GET", c.path, pl, nil)) }); n.String() != c.want {
			t.Errorf("%s, as the covered one's project lead: %s, want %s", what, n, c.want)
		}
	}
	for what, r := range answers {
		if !strings.Contains(string(r.Body), covered.ID) || strings.Contains(string(r.Body), carrier.ID) {
			t.Errorf("%s, as the lead of the covered one's project, names the other project's carrier (or not the covered one):\n%s", what, r.Body)
		}
	}
	if got := testkit.Decode[domain.Notification](t, h.Want(t, http.StatusOK, testkit.Request("GET", one, pl, nil))); got.CoveredBy != "" ||
		got.Status != domain.NotificationSent {
		t.Errorf("the covered one, as its project's lead: %+v", got)
	}
	// The carrier itself stays one it cannot open.
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, testkit.Request("GET", f.p1("/notifications/"+carrier.ID), pl, nil)), http.StatusNotFound, "not_found")
}

// A reporting-cycle email's recipients are fixed when it is sent; until
// then its notification answers recipients [] (SPEC: an array of emails),
// not null, in the list and alone, to the lead and to the project lead.
func TestPendingNotificationRecipientsAreAList(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	etag := h.Want(t, http.StatusOK, testkit.Request("GET", f.p1(""), uLead, nil)).Header.Get("ETag")
	h.Want(t, http.StatusOK, testkit.Request("PATCH", f.p1(""), uLead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	sub, _ := h.Create(t, uPLA, f.p1("/projects/"+f.A+"/outcomes"), map[string]any{
		"periodStart": "2025-07-01", "periodEnd": "2025-09-30", "counts": map[string]int{"referrals": 3}})
	id := sub + "." + string(domain.KindAwaitingReview)
	for _, as := range []string{uLead, uPLA} {
		for _, path := range []string{f.p1("/notifications"), f.p1("/notifications/" + id)} {
			body := string(h.Want(t, http.StatusOK, testkit.Request("GET", path, as, nil)).Body)
			if !strings.Contains(body, id) || strings.Contains(body, `"recipients":null`) || !strings.Contains(body, `"recipients":[]`) {
				t.Errorf("GET %s as %s: want %s pending with recipients [], got %s", path, as, id, body)
			}
		}
	}
}
