package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// repairedReturn makes, in h's in-memory store, a quarterly schedule with
// its returns and, as infra/refill writes it, the event of a repair of
// project A's return for January to March 2011 (submitted, on one
// submission, put right as accepted on another, approved, sent late, a
// correction awaiting review), and returns that return's id and B's. The
// one writer of a return's own event is the DynamoDB store's refill, so
// the event rides in the schedule's own store write here, as a write that
// carries any event may carry it.
func repairedReturn(t *testing.T, h *webH, f fixture) (repaired, untouched string) {
	t.Helper()
	ctx := context.Background()
	st := h.mem.Store
	now := time.Now().UTC()
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly returns", Frequency: domain.Quarterly,
		FirstPeriodStart: domain.MustDate("2011-01-01"), LastPeriodEnd: domain.MustDate("2011-06-30"), DueDays: 20,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	start := sched.FirstPeriodStart
	repaired, untouched = domain.ReturnID(sched.ID, f.ProjectA, start), domain.ReturnID(sched.ID, f.ProjectB, start)
	before := map[string]any{"state": "submitted", "submissionId": "01hq3v7k8m9n0p1q2r3s4t5v6a", "late": false}
	after := map[string]any{"state": "accepted", "submissionId": "01hq3v7k8m9n0p1q2r3s4t5v6b", "late": true,
		"submittedAt": "2011-04-25T09:30:00Z",
		"review":      map[string]any{"decision": "approve", "by": uLead, "at": "2011-04-26T10:00:00Z"},
		"correction":  map[string]any{"submissionId": "01hq3v7k8m9n0p1q2r3s4t5v6c", "status": "pending"}}
	ev := domain.NewAuditEvent(domain.RepairCaller, f.PID, domain.EntityReturn, repaired, domain.ActionChange, before, after, now)
	setup := must(st.ReportingSetup(ctx, f.PID))
	if err := st.CreateSchedule(ctx, f.PID, sched, setup.Seq, nil, service.Change{Audit: ev}); err != nil {
		t.Fatal(err)
	}
	admin := h.Svc.Open(ctx, caller(uAdmin, domain.AdminGroup), f.PID)
	projects := []domain.Project{must(admin.Project(f.ProjectA)), must(admin.Project(f.ProjectB))}
	if err := st.CreateReturns(ctx, f.PID, domain.ExpectedReturns(sched, projects, now)); err != nil {
		t.Fatal(err)
	}
	return repaired, untouched
}

// TestReturnHistoryNamesIt: a return's history, and the audit trail, name
// the return as the returns grid does, by its project and period (the
// page's title and heading too, changes recorded or none), and write its
// changes in the grid's words: its status ("Accepted", not "accepted"),
// when it was sent ("Sent on", as a date), whether late, the review and
// the correction ("Awaiting review"), never the stored field names; the
// submissions it held and holds link to their pages.
func TestReturnHistoryNamesIt(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	repaired, untouched := repairedReturn(t, h, f)
	p := "/app/programmes/" + f.PID
	lead := h.as(t, uLead)

	what := "change return Bradford employment service, January to March 2011"
	changes := []string{
		"<strong>Status</strong>: Submitted → Accepted",
		"<strong>Sent on</strong>: – → 25 April 2011 10:30 BST",
		"<strong>Late</strong>: no → yes",
		"<strong>Review</strong>: – → Approved by " + uLead + ", 26 April 2011 11:00 BST",
		"<strong>Correction</strong>: – → Awaiting review",
	}
	// The submissions it held and holds link to their pages.
	pa := p + "/projects/" + f.ProjectA + "/outcomes/"
	changes = append(changes, `<strong>Submission</strong>: <a class="nhsuk-link" href="`+pa+`01hq3v7k8m9n0p1q2r3s4t5v6a">01hq3v7k8m9n0p1q2r3s4t5v6a</a> → `+
		`<a class="nhsuk-link" href="`+pa+`01hq3v7k8m9n0p1q2r3s4t5v6b">01hq3v7k8m9n0p1q2r3s4t5v6b</a>`)
	hist := lead.get(p + "/history?entity=return&id=" + repaired)
	title := "History of Bradford employment service&#39;s return for January to March 2011"
	if hist.Status != http.StatusOK || !strings.Contains(hist.Body, "<title>"+title) || !strings.Contains(hist.Body, "<h1>"+title+"</h1>") {
		t.Errorf("the repaired return's history (%d) is not titled %q\n%s", hist.Status, title, excerpt(hist.Body))
	}
	trail := lead.get(p + "/audit?entity=return")
	for page, body := range map[string]string{"history": hist.Body, "audit trail": trail.Body} {
		for _, want := range append([]string{what}, changes...) {
			if !strings.Contains(body, want) {
				t.Errorf("the return's %s lacks %q\n%s", page, want, excerpt(body))
			}
		}
		for _, stored := range []string{"<strong>State</strong>", "<strong>Submitted at</strong>", ">accepted<", "{&#34;"} {
			if strings.Contains(body, stored) {
				t.Errorf("the return's %s writes %q as stored", page, stored)
			}
		}
	}
	// One never repaired has no changes, and is named all the same.
	empty := lead.get(p + "/history?entity=return&id=" + untouched)
	if want := "<h1>History of Leeds internships&#39;s return for January to March 2011</h1>"; empty.Status != http.StatusOK ||
		!strings.Contains(empty.Body, want) || !strings.Contains(empty.Body, "No changes recorded.") {
		t.Errorf("B's return's history (%d) lacks %q\n%s", empty.Status, want, excerpt(empty.Body))
	}
}
