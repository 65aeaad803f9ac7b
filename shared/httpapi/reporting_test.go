package httpapi_test

// The reporting cycle through the API: the walk-through end to end
// (a lead sets a quarterly schedule; the project lead is reminded, submits
// late, is asked for a change, corrects; the lead approves; only then does
// the funder see the figure and get the milestone email), bad input, and
// decisions racing each other and corrections under injected transaction
// conflicts.

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// rcWorld is a programme of the test's own, on a clock the test moves,
// with a lead, a project lead and a funder whose addresses are the test's
// mailbox's, and a notifier on the same clock.
type rcWorld struct {
	a                  *apiH
	s                  *testkit.Stack
	inbox              *testkit.Mailbox
	pid, project, fund string
	lead, pl, funder   string // members' addresses (and funder's contact)
	contact            string
	notifier           *notify.Notifier
	schedule, returnQ1 string
}

// measure sends a request as req says, wants status, and checks the
// DynamoDB requests it made against want (testkit.Counts' String):
// what a change costs, asserted.
func (w *rcWorld) measure(t *testing.T) func(what, want string, req testkit.Req, status int) testkit.Resp {
	return func(what, want string, req testkit.Req, status int) testkit.Resp {
		t.Helper()
		var res testkit.Resp
		n := w.s.Count.Measure(func() { res = w.a.Want(t, status, req) })
		t.Logf("%s: %s", what, n)
		if got := n.String(); got != want {
			t.Errorf("%s: %s, want %s", what, got, want)
		}
		return res
	}
}

// etag reads a record as the lead, for its ETag.
func (w *rcWorld) etag(t *testing.T) func(path string) string {
	return func(path string) string {
		return w.a.Want(t, http.StatusOK, testkit.Request("GET", path, w.lead, nil)).Header.Get("ETag")
	}
}

func newRCWorld(t *testing.T, db func(s *testkit.Stack) *dhFaultDB) *rcWorld {
	t.Helper()
	s := testkit.New(t, testkit.WithClock("2026-01-05T09:00:00Z"))
	var a *apiH
	if db != nil {
		a = startAPI(t, s, db(s), testkit.APIConfig{Now: s.Clock.Now, Timeout: time.Minute})
	} else {
		a = startAPI(t, s, nil, testkit.APIConfig{Now: s.Clock.Now})
	}
	w := &rcWorld{a: a, s: s, inbox: testkit.NewMailbox(t)}
	w.populate(t)
	w.notifier = &notify.Notifier{Store: s.Store, Email: email.SES{Client: testkit.SES(t), From: "fundtrack@example.org"}, Now: s.Clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Lease: time.Minute}
	return w
}

// newRCMemWorld is the world over memory, on the same clock but with no
// notifier (it writes to DynamoDB only), for the tests of refusals.
func newRCMemWorld(t *testing.T) *rcWorld {
	t.Helper()
	m := testkit.NewMem(t, testkit.WithClock("2026-01-05T09:00:00Z"))
	w := &rcWorld{a: &apiH{API: m.API(t), mem: m}, inbox: testkit.NewMailbox(t)}
	w.populate(t)
	return w
}

// populate makes the world's programme, members and target through the API.
func (w *rcWorld) populate(t *testing.T) {
	t.Helper()
	a := w.a
	w.lead, w.pl, w.funder = w.inbox.Addr("lead", "trust.nhs.uk"), w.inbox.Addr("pl", "aspiro.org.uk"), w.inbox.Addr("funder", "dwp.gov.uk")
	w.contact = w.inbox.Addr("grants", "dwp.gov.uk")
	w.pid, _ = a.Create(t, uAdmin, "/programmes", map[string]any{"name": "Bradford IPS network", "leadOrganisation": "Bradford District Care NHS FT",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	p := w.path
	w.fund, _ = a.Create(t, uAdmin, p("/funders"), map[string]any{"name": "DWP", "contacts": []string{w.contact}})
	w.project, _ = a.Create(t, uAdmin, p("/projects"), map[string]any{"name": "Aspiro internships", "leadOrganisation": "Aspiro",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	a.PutMember(t, w.pid, w.lead, testkit.RoleLead())
	a.PutMember(t, w.pid, w.pl, testkit.RoleProjectLead(w.project))
	a.PutMember(t, w.pid, w.funder, testkit.RoleFunder(w.fund))
	a.Create(t, w.lead, p("/targets"), map[string]any{"metric": "peopleIntoWork", "value": 10, "deadline": "2027-12-31", "notify": []string{w.fund}})
}

func (w *rcWorld) path(rest string) string { return "/programmes/" + w.pid + rest }

func (w *rcWorld) outcomes() string { return w.path("/projects/" + w.project + "/outcomes") }

func (w *rcWorld) run(t *testing.T) notify.Report {
	t.Helper()
	rep, err := w.notifier.Run(t.Context())
	if err != nil {
		t.Fatalf("notifier: %v (%+v)", err, rep)
	}
	return rep
}

// mail is the (recipient, subject) pairs emailed so far, with counts.
func (w *rcWorld) mail(t *testing.T) map[[2]string]int { return w.inbox.Count(t) }

func (w *rcWorld) ret(t *testing.T, as string) domain.Return {
	t.Helper()
	return testkit.Decode[domain.Return](t, w.a.Want(t, http.StatusOK, testkit.Request("GET", w.path("/returns/"+w.returnQ1), as, nil)))
}

func (w *rcWorld) progress(t *testing.T, as string) domain.Progress {
	t.Helper()
	return testkit.Decode[domain.Progress](t, w.a.Want(t, http.StatusOK, testkit.Request("GET", w.path("/progress"), as, nil)))
}

// TestReportingCycleThroughTheAPI is the walk-through, through the
// API and the notifier.
func TestReportingCycleThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a, clk := w.a, w.s.Clock

	// The lead switches review on and sets a quarterly schedule.
	etag := a.Want(t, http.StatusOK, testkit.Request("GET", w.path(""), w.lead, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	w.schedule, _ = a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	w.returnQ1 = domain.ReturnID(w.schedule, w.project, domain.MustDate("2026-01-01"))
	if rs := testkit.ListAll[domain.Return](t, a, w.pl, w.path("/returns")); len(rs) != 4 {
		t.Fatalf("the project lead sees %d returns, want 4", len(rs))
	}

	// Reminded a week before Q1 is due (2026-04-20), once; told it is
	// overdue the day after.
	clk.Set("2026-04-13T08:00:00Z")
	w.run(t)
	w.run(t)
	remind := [2]string{w.pl, "Return due 20 April 2026: January to March 2026 (Aspiro internships, Bradford IPS network)"}
	if got := w.mail(t); got[remind] != 1 || len(got) != 1 {
		t.Fatalf("mail after the reminder day: %v", got)
	}
	if due := testkit.ListAll[domain.Return](t, a, w.pl, w.path("/returns?status=open&projectId="+w.project)); len(due) != 1 || due[0].ID != w.returnQ1 {
		t.Errorf("the project lead's open returns: %+v", due)
	}
	clk.Set("2026-04-21T08:00:00Z")
	w.run(t)
	if st := w.ret(t, w.pl).Status; st != domain.ReturnOverdue {
		t.Errorf("Q1 on 2026-04-21: %s", st)
	}

	// Submitted late: awaiting review; the funder sees neither the figure
	// nor the submission.
	clk.Set("2026-04-24T10:00:00Z")
	first, _ := a.Create(t, w.pl, w.outcomes(), map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
		"counts": map[string]int{"peopleIntoWork": 12, "referrals": 30}})
	if r := w.ret(t, w.lead); r.Status != domain.ReturnSubmitted || !r.Late || r.SubmissionID != first {
		t.Fatalf("Q1 after the late submission, as the lead: %+v", r)
	}
	if r := w.ret(t, w.funder); r.Status != domain.ReturnSubmitted || r.SubmissionID != "" {
		t.Errorf("Q1 as the funder: %+v", r)
	}
	testkit.WantErr(t, a.Do(t, testkit.Request("GET", w.outcomes()+"/"+first, w.funder, nil)), http.StatusNotFound, "not_found")
	if fp := w.progress(t, w.funder); fp.Totals["peopleIntoWork"] != 0 || fp.Pending != nil || fp.Targets[0].Status == domain.StatusReached {
		t.Errorf("the funder's progress before approval: totals %v, pending %v", fp.Totals, fp.Pending)
	}
	if lp := w.progress(t, w.lead); lp.Pending == nil || lp.Pending.Totals["peopleIntoWork"] != 12 || lp.Returns.Submitted != 1 {
		t.Errorf("the lead's progress: pending %+v returns %+v", lp.Pending, lp.Returns)
	}
	w.run(t)

	// Asked for a change (with a comment the project lead is emailed), then
	// corrected.
	q := testkit.ListAll[domain.Outcome](t, a, w.lead, w.path("/outcomes/pending"))
	if len(q) != 1 || q[0].ID != first {
		t.Fatalf("the review queue: %+v", q)
	}
	clk.Add(time.Hour)
	a.Want(t, http.StatusOK, testkit.Request("POST", w.outcomes()+"/"+first+"/review", w.lead,
		map[string]any{"decision": "request-changes", "comment": "12 into work looks high for one quarter: please check."}))
	w.run(t)
	clk.Add(24 * time.Hour)
	fix, _ := a.Create(t, w.pl, w.outcomes(), map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
		"counts": map[string]int{"peopleIntoWork": 11, "referrals": 30}, "replaces": first})
	w.run(t)
	if got := w.mail(t); got[[2]string{w.contact, "Target reached: 10 people into work (Bradford IPS network)"}] != 0 {
		t.Fatal("the funder was told of a target reached on figures nobody approved")
	}

	// Approved: the funder sees the figure, and is emailed once.
	clk.Add(time.Hour)
	a.Want(t, http.StatusOK, testkit.Request("POST", w.outcomes()+"/"+fix+"/review", w.lead, map[string]any{"decision": "approve"}))
	if r := w.ret(t, w.funder); r.Status != domain.ReturnAccepted || r.SubmissionID != fix || !r.Late {
		t.Errorf("Q1 as the funder after approval: %+v", r)
	}
	if fp := w.progress(t, w.funder); fp.Totals["peopleIntoWork"] != 11 || fp.Targets[0].Status != domain.StatusReached {
		t.Errorf("the funder's progress after approval: %v %+v", fp.Totals, fp.Targets)
	}
	a.Want(t, http.StatusOK, testkit.Request("GET", w.outcomes()+"/"+fix, w.funder, nil))
	w.run(t)
	w.run(t)
	got := w.mail(t)
	want := map[[2]string]int{
		remind: 1,
		{w.pl, "Return overdue: January to March 2026, due 20 April 2026 (Aspiro internships, Bradford IPS network)"}:    1,
		{w.lead, "Submission awaiting review: January to March 2026 (Aspiro internships, Bradford IPS network)"}:         2,
		{w.pl, "Changes requested to your submission: January to March 2026 (Aspiro internships, Bradford IPS network)"}: 1,
		{w.contact, "Target reached: 10 people into work (Bradford IPS network)"}:                                        1,
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%d emails to %s %q, want %d", got[k], k[0], k[1], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("emails: %v", got)
	}
	for _, m := range w.inbox.Sent(t) {
		if strings.HasPrefix(m.Subject, "Changes requested") && !strings.Contains(m.Body.Text, "12 into work looks high") {
			t.Errorf("the changes email lacks the comment: %s", m.Body.Text)
		}
	}

	// The project lead lists its project's returns' emails; the funder its
	// milestone only; the audit trail holds the review.
	var plKinds, funderKinds []string
	for _, n := range testkit.ListAll[domain.Notification](t, a, w.pl, w.path("/notifications")) {
		plKinds = append(plKinds, string(n.Kind))
	}
	for _, n := range testkit.ListAll[domain.Notification](t, a, w.funder, w.path("/notifications")) {
		funderKinds = append(funderKinds, string(n.Kind))
	}
	if !testkit.SameSet(plKinds, []string{"reminder", "overdue", "awaiting-review", "awaiting-review", "changes-requested"}) ||
		!testkit.SameSet(funderKinds, []string{"reached"}) {
		t.Errorf("notifications: the project lead's %v, the funder's %v", plKinds, funderKinds)
	}
	audit := testkit.ListAll[domain.AuditEvent](t, a, w.lead, w.path("/audit?entity=outcome"))
	reviews := 0
	for _, e := range audit {
		if e.Action == domain.ActionReview {
			reviews++
		}
	}
	if reviews != 2 {
		t.Errorf("%d reviews in the audit trail, want 2", reviews)
	}
	if c := w.progress(t, w.lead).Returns; c.OnTimePercent == nil || *c.OnTimePercent != 0 || c.Overdue != 0 {
		t.Errorf("return counts: %+v", c)
	}
}

// TestReportingBadInput: every malformed request names its fields in a
// 400 (or its own refusal) and stores nothing. Over memory: these are
// rules; the cycle's requests and conflicts are proved over DynamoDB Local.
func TestReportingBadInput(t *testing.T) {
	t.Parallel()
	w := newRCMemWorld(t)
	a := w.a
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", "*"))
	sid, _ := a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Q", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	oid, _ := a.Create(t, w.pl, w.outcomes(), map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": 1}})
	before := w.a.Snapshot(t)
	for _, c := range []struct {
		name   string
		req    testkit.Req
		status int
		code   string
		fields []string
	}{
		{"a schedule with every field wrong", testkit.Request("POST", w.path("/schedules"), w.lead, map[string]any{"name": 7, "frequency": "weekly",
			"firstPeriodStart": "2026-02-30", "lastPeriodEnd": "2026-13-01", "dueDays": 1.5, "reminders": []any{"7"}, "projectIds": "all", "colour": "red"}),
			400, "validation_failed", []string{"name", "frequency", "firstPeriodStart", "lastPeriodEnd", "dueDays", "reminders[0]", "projectIds", "colour"}},
		{"a schedule of a project not there", testkit.Request("POST", w.path("/schedules"), w.lead, map[string]any{"name": "Q", "frequency": "monthly",
			"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-06-30", "projectIds": []string{domain.NewID()}}),
			400, "validation_failed", []string{"projectIds[0]"}},
		{"a schedule name holding an email address", testkit.Request("POST", w.path("/schedules"), w.lead, map[string]any{"name": "Returns for jo@example.com",
			"frequency": "monthly", "firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-06-30"}), 422, "personal_data_detected", []string{"name"}},
		{"a schedule change of what lays out its returns", testkit.Request("PATCH", w.path("/schedules/"+sid), w.lead,
			map[string]any{"dueDays": 30, "lastPeriodEnd": "2026-06-29"}, "If-Match", `"1"`), 400, "validation_failed", []string{"dueDays", "lastPeriodEnd"}},
		{"a schedule whose first period ends before the programme starts", testkit.Request("POST", w.path("/schedules"), w.lead,
			map[string]any{"name": "Early", "frequency": "monthly", "firstPeriodStart": "2024-11-01", "lastPeriodEnd": "2025-03-31"}),
			400, "validation_failed", []string{"firstPeriodStart"}},
		{"a schedule's last period moved past the programme's end", testkit.Request("PATCH", w.path("/schedules/"+sid), w.lead,
			map[string]any{"lastPeriodEnd": "2028-03-31"}, "If-Match", `"1"`), 400, "validation_failed", []string{"lastPeriodEnd"}},
		{"a schedule whose last return would be due after the last date fundtrack takes", testkit.Request("POST", w.path("/schedules"), w.lead,
			map[string]any{"name": "Q", "frequency": "quarterly", "firstPeriodStart": "2200-10-01", "lastPeriodEnd": "2200-12-31", "dueDays": 1}),
			400, "validation_failed", []string{"lastPeriodEnd"}},
		{"a schedule change without If-Match", testkit.Request("PATCH", w.path("/schedules/"+sid), w.lead, map[string]any{"name": "R"}), 428, "precondition_required", nil},
		{"a stale schedule change", testkit.Request("PATCH", w.path("/schedules/"+sid), w.lead, map[string]any{"name": "R"}, "If-Match", `"9"`), 412, "precondition_failed", nil},
		{"a review with every field wrong", testkit.Request("POST", w.outcomes()+"/"+oid+"/review", w.lead, map[string]any{"decision": true, "comment": 3, "score": 5}),
			400, "validation_failed", []string{"decision", "comment", "score"}},
		{"changes asked for without a comment", testkit.Request("POST", w.outcomes()+"/"+oid+"/review", w.lead, map[string]any{"decision": "request-changes", "comment": " "}),
			400, "validation_failed", []string{"comment"}},
		{"a comment holding an NHS number", testkit.Request("POST", w.outcomes()+"/"+oid+"/review", w.lead,
			map[string]any{"decision": "request-changes", "comment": "See 943-476-5919's case"}), 422, "personal_data_detected", []string{"comment"}},
		// Broken over lines, the comment would go out by email (security3 D1).
		{"a comment holding an NHS number and a mobile broken over lines", testkit.Request("POST", w.outcomes()+"/"+oid+"/review", w.lead,
			map[string]any{"decision": "request-changes", "comment": "Take out her NHS number 943 476\n5919 and mobile 07700\n900123"}),
			422, "personal_data_detected", []string{"comment"}},
		{"a review of a submission not there", testkit.Request("POST", w.outcomes()+"/"+domain.NewID()+"/review", w.lead, map[string]any{"decision": "approve"}),
			404, "not_found", nil},
		{"a programme change with every field wrong", testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": "yes", "name": "",
			"startDate": "2028-01-01"}, "If-Match", "*"), 400, "validation_failed", []string{"reviewOutcomes", "name", "endDate"}},
		{"returns by every parameter wrong", testkit.Request("GET", w.path("/returns?status=late&projectId=x&scheduleId=y&correction=pending"), w.lead, nil),
			400, "validation_failed", []string{"status", "projectId", "scheduleId", "correction"}},
		// A filter given empty is a slip (a link built from a value not
		// filled in), not a request for every return: 400 naming it, to
		// every member; a non-member still finds nothing there.
		{"returns of an empty status", testkit.Request("GET", w.path("/returns?status="), w.pl, nil), 400, "validation_failed", []string{"status"}},
		{"returns of an empty project", testkit.Request("GET", w.path("/returns?projectId="), w.funder, nil), 400, "validation_failed", []string{"projectId"}},
		{"returns of an empty schedule", testkit.Request("GET", w.path("/returns?scheduleId=%20"), w.lead, nil), 400, "validation_failed", []string{"scheduleId"}},
		{"returns of an empty correction", testkit.Request("GET", w.path("/returns?correction="), w.lead, nil), 400, "validation_failed", []string{"correction"}},
		{"returns by every filter empty", testkit.Request("GET", w.path("/returns?status=&projectId=&scheduleId=&correction=&limit=5"), w.lead, nil),
			400, "validation_failed", []string{"status", "projectId", "scheduleId", "correction"}},
		{"returns by an empty filter, asked by a non-member", testkit.Request("GET", w.path("/returns?status="), "outsider@example.org", nil), 404, "not_found", nil},
		{"a funder asking for returns whose correction was sent back", testkit.Request("GET", w.path("/returns?correction=changes-requested"), w.funder, nil),
			403, "forbidden", nil},
		{"returns whose correction was sent back, of another status", testkit.Request("GET", w.path("/returns?status=overdue&correction=changes-requested"), w.lead, nil),
			400, "validation_failed", []string{"correction"}},
		{"returns with a cursor of another list", testkit.Request("GET", w.path("/returns?status=open&cursor=eyJmIjoiMCJ9"), w.lead, nil),
			400, "validation_failed", []string{"cursor"}},
	} {
		r := a.Do(t, c.req)
		e := testkit.WantErr(t, r, c.status, c.code)
		if c.fields != nil {
			var got []string
			for f := range e.Fields {
				got = append(got, f)
			}
			if !testkit.SameSet(got, c.fields) {
				t.Errorf("%s: fields %v, want %v", c.name, got, c.fields)
			}
		}
	}
	testkit.SameSnapshot(t, "refused reporting requests", before, w.a.Snapshot(t))

	// At the edge: the last return due on the last date fundtrack takes is
	// stored, and reads back from the table (a programme of its own, as a
	// schedule's periods lie within its programme's dates).
	far, _ := a.Create(t, uAdmin, "/programmes", map[string]any{"name": "Far future", "leadOrganisation": "Bradford District Care NHS FT",
		"startDate": "2180-01-01", "endDate": "2200-12-31"})
	a.Create(t, uAdmin, "/programmes/"+far+"/projects", map[string]any{"name": "Aspiro internships", "leadOrganisation": "Aspiro",
		"startDate": "2180-01-01", "endDate": "2200-12-31"})
	edge, _ := a.Create(t, uAdmin, "/programmes/"+far+"/schedules", map[string]any{"name": "Last", "frequency": "monthly",
		"firstPeriodStart": "2200-11-01", "lastPeriodEnd": "2200-11-30", "dueDays": 31})
	page := testkit.Decode[struct{ Items []domain.Return }](t, a.Want(t, http.StatusOK,
		testkit.Request("GET", "/programmes/"+far+"/returns?scheduleId="+edge, uAdmin, nil)))
	if len(page.Items) != 1 || page.Items[0].DueDate != domain.LastDay {
		t.Errorf("returns of a schedule due on %s: %+v, want one due that day", domain.LastDay, page.Items)
	}
}

// TestReviewRacesUnderConflicts: leads approving the same submission at
// once, and a correction arriving while a lead approves, each with
// transactions that conflict and are retried: every submission counts
// once, whichever wins.
func TestReviewRacesUnderConflicts(t *testing.T) {
	t.Parallel()
	var db *dhFaultDB
	w := newRCWorld(t, func(s *testkit.Stack) *dhFaultDB { db = &dhFaultDB{Client: s.DB}; return db })
	a := w.a
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", "*"))
	submit := func(referrals int, replaces string) string {
		body := map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": referrals}}
		if replaces != "" {
			body["replaces"] = replaces
		}
		id, _ := a.Create(t, w.pl, w.outcomes(), body)
		return id
	}
	referrals := func() (int64, int64) {
		p := w.progress(t, w.lead)
		return p.Totals["referrals"], p.Pending.Totals["referrals"]
	}

	// Eight leads (and admins) approve one submission at once, their
	// transactions meeting injected conflicts: one approval, seven 409s.
	pending := submit(5, "")
	db.arm(dhFailFirst(4, "TransactionConflict"))
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			as := w.lead
			if i%2 == 1 {
				as = uAdmin
			}
			r, err := a.Send(testkit.Request("POST", w.outcomes()+"/"+pending+"/review", as, map[string]any{"decision": "approve"}))
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = r.Status
		}()
	}
	wg.Wait()
	db.arm(nil)
	okCount, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			okCount++
		case http.StatusConflict:
			conflicts++
		}
	}
	if okCount != 1 || conflicts != 7 {
		t.Errorf("concurrent approvals answered %v; want one 200 and seven 409", statuses)
	}
	if c, p := referrals(); c != 5 || p != 0 {
		t.Fatalf("after concurrent approvals: counted %d, pending %d; want 5 and 0", c, p)
	}

	// A correction of the approved submission and its approval race a
	// second correction: whichever way it falls, the approved figures swap
	// once and nothing counts twice.
	for round := range 5 {
		old := submit(10+round, pendingHead(t, w))
		db.arm(dhFailFirst(2, "TransactionConflict"))
		var approve, correct testkit.Resp
		wg.Add(2)
		go func() {
			defer wg.Done()
			approve = a.Do(t, testkit.Request("POST", w.outcomes()+"/"+old+"/review", w.lead, map[string]any{"decision": "approve"}))
		}()
		go func() {
			defer wg.Done()
			correct = a.Do(t, testkit.Request("POST", w.outcomes(), w.pl, map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
				"counts": map[string]int{"referrals": 100 + round}, "replaces": old}))
		}()
		wg.Wait()
		db.arm(nil)
		if correct.Status != http.StatusCreated {
			t.Fatalf("round %d: the correction: %s", round, correct)
		}
		c, p := referrals()
		switch approve.Status {
		case http.StatusOK: // approved first: its figures count, the correction waits
			if c != int64(10+round) || p != int64(100+round) {
				t.Fatalf("round %d, approval first: counted %d, pending %d", round, c, p)
			}
		case http.StatusConflict: // corrected first: the old approved figures still count
			testkit.WantErr(t, approve, http.StatusConflict, "conflict")
			if p != int64(100+round) {
				t.Fatalf("round %d, correction first: counted %d, pending %d", round, c, p)
			}
		default:
			t.Fatalf("round %d: the approval: %s", round, approve)
		}
		// Settle the round: approve the correction; exactly its figures count.
		a.Want(t, http.StatusOK, testkit.Request("POST", w.outcomes()+"/"+testkit.IDOf(t, correct)+"/review", w.lead, map[string]any{"decision": "approve"}))
		if c, p := referrals(); c != int64(100+round) || p != 0 {
			t.Fatalf("round %d settled: counted %d, pending %d; want %d and 0", round, c, p, 100+round)
		}
	}
}

// pendingHead is the newest submission of the world's project for Q1: the
// one a correction must name.
func pendingHead(t *testing.T, w *rcWorld) string {
	t.Helper()
	all := testkit.ListAll[domain.Outcome](t, w.a, w.lead, w.outcomes())
	replaced := map[string]bool{}
	for _, o := range all {
		replaced[o.Replaces] = true
	}
	for i := len(all) - 1; i >= 0; i-- {
		if !replaced[all[i].ID] {
			return all[i].ID
		}
	}
	return ""
}

// TestProjectLeadsPendingFiguresAreTheirOwn: through the API and DynamoDB,
// a project lead's progress shows the figures awaiting review of its own
// project only. Another project's submissions are 404 to it, and with one
// of them pending the programme's pending figures would be exactly that
// submission's, unchecked.
func TestProjectLeadsPendingFiguresAreTheirOwn(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	w := dhSetup(t, a)
	etag := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp(""), uLead, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.pp(""), uLead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	check := func(what, as string, n, referrals int64) {
		t.Helper()
		p := testkit.Decode[domain.Progress](t, a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/progress"), as, nil))).Pending
		if p == nil || p.Submissions != n || p.Totals[domain.MetricReferrals] != referrals {
			t.Errorf("%s, %s's pending figures: %+v; want %d submission(s), %d referrals", what, as, p, n, referrals)
		}
	}
	q2 := func(referrals int64) map[string]any {
		return map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "counts": map[string]int64{"referrals": referrals, "peopleIntoWork": 1}}
	}
	b, _ := a.Create(t, uPLB, w.prj(w.B, "/outcomes"), q2(3))
	testkit.WantErr(t, a.Do(t, testkit.Request("GET", w.prj(w.B, "/outcomes/"+b), uPLA, nil)), http.StatusNotFound, "not_found")
	check("B's submission pending", uPLA, 0, 0)
	check("B's submission pending", uPLB, 1, 3)
	check("B's submission pending", uLead, 1, 3)
	a.Create(t, uPLA, w.prj(w.A, "/outcomes"), q2(5))
	check("one of each pending", uPLA, 1, 5)
	check("one of each pending", uPLB, 1, 3)
	check("one of each pending", uLead, 2, 8)
	a.Want(t, http.StatusOK, testkit.Request("POST", w.prj(w.B, "/outcomes/"+b+"/review"), uLead, map[string]any{"decision": "approve"}))
	check("B's approved", uPLB, 0, 0)
	check("B's approved", uPLA, 1, 5)
	check("B's approved", uLead, 1, 5)
}

// TestScheduleEndsEarlierThroughTheAPI: a schedule made too long by
// mistake is put right by moving its last period earlier (PATCH
// lastPeriodEnd): the returns of the periods it no longer has go from the
// list and the counts, the change is in the schedule's history, and a
// move back past a return something was sent for is 400 naming the field.
func TestScheduleEndsEarlierThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newRCMemWorld(t)
	a := w.a
	w.a.mem.Clock.Set("2026-08-05T09:00:00Z")
	sid, _ := a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Monthly by mistake", "frequency": "monthly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2027-12-31", "dueDays": 10})
	if rs := testkit.ListAll[domain.Return](t, a, w.lead, w.path("/returns?scheduleId="+sid)); len(rs) != 24 {
		t.Fatalf("%d returns, want 24", len(rs))
	}
	a.Create(t, w.pl, w.outcomes(), map[string]any{"periodStart": "2026-06-01", "periodEnd": "2026-06-30", "counts": map[string]int{"referrals": 1}})
	r := a.Do(t, testkit.Request("PATCH", w.path("/schedules/"+sid), w.lead, map[string]any{"lastPeriodEnd": "2026-05-31"}, "If-Match", `"1"`))
	if e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed"); !strings.Contains(e.Fields["lastPeriodEnd"], "must not be before 2026-06-30") {
		t.Errorf("moving back past a sent return: %+v", e)
	}
	overdue := func() int64 { return w.progress(t, w.lead).Returns.Overdue }
	before := overdue() // January to June, but June sent: 5
	got := testkit.Decode[domain.Schedule](t, a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path("/schedules/"+sid), w.lead,
		map[string]any{"lastPeriodEnd": "2026-06-30"}, "If-Match", `"1"`)))
	if got.LastPeriodEnd.String() != "2026-06-30" || got.Version != 2 {
		t.Errorf("the schedule after moving back: %+v", got)
	}
	if rs := testkit.ListAll[domain.Return](t, a, w.lead, w.path("/returns?scheduleId="+sid)); len(rs) != 6 {
		t.Errorf("%d returns after moving back to June, want 6", len(rs))
	}
	if o := overdue(); o != before {
		t.Errorf("overdue %d after removing only returns not yet due, want %d", o, before)
	}
	hist := testkit.ListAll[domain.AuditEvent](t, a, w.lead, w.path("/schedules/"+sid+"/history"))
	if !slices.ContainsFunc(hist, func(e domain.AuditEvent) bool { return e.Changes["lastPeriodEnd"].After == "2026-06-30" }) {
		t.Errorf("the schedule's history does not record the move: %+v", hist)
	}
}
