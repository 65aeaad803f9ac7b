package web_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

var historyHref = regexp.MustCompile(`href="([^"]*/history\?[^"]*)"`)

// historyLinks are the record-history links of a page, as a browser
// follows them (entities decoded).
func historyLinks(body string) []string {
	var out []string
	for _, m := range historyHref.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// TestHistoryLinks: every record whose history its reader may read links
// to it from the page that shows the record, for every role that reads
// the page (the service lets anyone who may read a record read its
// history): the programme from the dashboard, schedules, returns (in the
// returns grid), payments, the project, its posts and cohorts, and funders. Each link opens the
// history (200).
func TestHistoryLinks(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	ctx := context.Background()
	admin := h.Svc.Open(ctx, caller(uAdmin, domain.AdminGroup), f.PID)
	sched := must(admin.CreateSchedule(body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2011-01-01", "lastPeriodEnd": "2011-12-31"})))
	pay := h.build.Payment(f.PID, f.GrantX, testkit.DatedPaymentBody(10_000_00, "2011-04-01"))
	p := "/app/programmes/" + f.PID
	programme := p + "/history?entity=programme"
	returnA := domain.ReturnID(sched.ID, f.ProjectA, domain.MustDate("2011-01-01"))
	pages := []struct {
		path  string
		links []string // history links the page must offer
	}{
		{p, []string{programme}},
		{p + "/schedules", []string{p + "/history?entity=schedule&id=" + sched.ID}},
		{p + "/returns?schedule=" + sched.ID, []string{p + "/history?entity=return&id=" + returnA}},
		{p + "/grants/" + f.GrantX, []string{p + "/history?entity=payment&grant=" + f.GrantX + "&id=" + pay.ID,
			p + "/history?entity=grant&id=" + f.GrantX}},
		{p + "/projects/" + f.ProjectA, []string{p + "/history?entity=project&id=" + f.ProjectA,
			p + "/history?entity=post&project=" + f.ProjectA + "&id=" + f.PostA,
			p + "/history?entity=cohort&project=" + f.ProjectA + "&id=" + f.CohortA}},
		{p + "/funders", []string{p + "/history?entity=funder&id=" + f.FunderX, p + "/history?entity=funder&id=" + f.FunderY}},
	}
	for _, who := range []string{uLead, uPL, uFunder} {
		b := h.as(t, who)
		for _, pg := range pages {
			got := b.get(pg.path)
			if got.Status != http.StatusOK {
				t.Fatalf("%s: %s answered %d", who, pg.path, got.Status)
			}
			links := historyLinks(got.Body)
			for _, want := range pg.links {
				if !slices.Contains(links, want) {
					t.Errorf("%s: %s lacks the link %s; it has %q", who, pg.path, want, links)
				}
			}
			for _, l := range links {
				if hist := b.get(l); hist.Status != http.StatusOK || !strings.Contains(hist.Body, `data-testid="history-table"`) {
					t.Errorf("%s: the link %s on %s answered %d\n%s", who, l, pg.path, hist.Status, excerpt(hist.Body))
				}
			}
		}
	}

	// A schedule's history leads back to the schedules.
	lead := h.as(t, uLead)
	if hist := lead.get(p + "/history?entity=schedule&id=" + sched.ID); !strings.Contains(hist.Body, `href="`+p+`/schedules">Back`) {
		t.Errorf("a schedule's history does not lead back to the schedules\n%s", excerpt(hist.Body))
	}
	// A return's, to its schedule's returns; one never repaired (the
	// return's own events are an operator's repairs) has none.
	hist := lead.get(p + "/history?entity=return&id=" + returnA)
	if !strings.Contains(hist.Body, `href="`+p+`/returns?schedule=`+sched.ID+`">Back`) || !strings.Contains(hist.Body, "No changes recorded.") {
		t.Errorf("a return's history does not lead back to its schedule's returns, or lists changes\n%s", excerpt(hist.Body))
	}
	// Another project's project lead reads neither the return nor its
	// history.
	if pl := h.as(t, uPL); pl.get(p+"/history?entity=return&id="+domain.ReturnID(sched.ID, f.ProjectB, domain.MustDate("2011-01-01"))).Status != http.StatusNotFound {
		t.Errorf("the project lead of A reads the history of B's return")
	}
}

// TestMemberHistoryLinks: the members page links to each member's
// history with the address escaped once; it once sent "@" as %2540, and
// the link was a 404.
func TestMemberHistoryLinks(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	lead := h.as(t, uLead)
	links := historyLinks(lead.get(p + "/members").Body)
	want := p + "/history?entity=member&id=funder%40example.org"
	if !slices.Contains(links, want) {
		t.Fatalf("the members page lacks %s; it has %q", want, links)
	}
	for _, l := range links {
		if hist := lead.get(l); hist.Status != http.StatusOK || !strings.Contains(hist.Body, `data-testid="history-table"`) {
			t.Errorf("the members page's link %s answered %d\n%s", l, hist.Status, excerpt(hist.Body))
		}
	}
}

// TestAuditFilterKinds: the audit trail's "Kind of record" offers every
// kind the trail records, schedules included (they were missing), and
// choosing one lists that kind's changes only.
func TestAuditFilterKinds(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	sched := must(h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).CreateSchedule(body(map[string]any{
		"name": "Quarterly returns", "frequency": "quarterly", "firstPeriodStart": "2011-01-01", "lastPeriodEnd": "2011-12-31"})))
	audit := "/app/programmes/" + f.PID + "/audit"
	lead := h.as(t, uLead)
	pg := lead.get(audit)
	for _, e := range domain.AuditedEntities() {
		if !strings.Contains(pg.Body, `<option value="`+string(e)+`"`) {
			t.Errorf("the audit trail's filter lacks %q", e)
		}
	}
	pg = lead.get(audit + "?entity=schedule")
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `<option value="schedule" selected>Schedule</option>`) ||
		!strings.Contains(pg.Body, sched.ID) || strings.Contains(pg.Body, f.GrantX) {
		t.Errorf("the trail of schedules: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}

// TestAuditInWords: the audit trail and the record histories write roles,
// payment triggers and reviews in words, and name the projects, funders,
// grants and cohorts a change names by id, where they once showed JSON
// and bare ids. The names come from one list of each kind the page
// needs, never a read per event.
func TestAuditInWords(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	ctx := context.Background()
	schedule, pending := h.reportingFixture(t, f)
	pa := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA)
	if _, err := pa.ReviewOutcome(pending, body(map[string]any{"decision": "request-changes", "comment": "Check referrals please"})); err != nil {
		t.Fatal(err)
	}
	inCohort := must(pa.SubmitOutcome(body(map[string]any{"periodStart": "2011-10-01", "periodEnd": "2011-12-31",
		"cohortId": f.CohortA, "counts": map[string]int{"referrals": 5}})))
	h.build.Payment(f.PID, f.GrantX, testkit.DatedPaymentBody(10_000_00, "2011-04-01"))
	p := "/app/programmes/" + f.PID
	lead := h.as(t, uLead)

	trail := lead.get(p + "/audit").Body
	trail += lead.get(p + "/audit?entity=member").Body
	for _, want := range []string{"Acts for funder Department for Work and Pensions", "Project lead of Bradford employment service",
		"Network lead", "On its due date", "Changes requested by " + uLead, "“Check referrals please”",
		"Bradford employment service", "Employment specialists", "create project Leeds internships"} {
		if !strings.Contains(trail, html.EscapeString(want)) {
			t.Errorf("the audit trail lacks %q", want)
		}
	}
	for _, raw := range []string{`{&#34;`, `[{&#34;`, "Project</strong>: – → " + f.ProjectA, "Funder</strong>: – → " + f.FunderX,
		"Grant</strong>: – → " + f.GrantX} {
		if strings.Contains(trail, raw) {
			t.Errorf("the audit trail shows %q", raw)
		}
	}

	// A submission's history names its project and cohort; the project
	// is the scope's own and costs nothing, the cohorts are one list.
	path := p + "/history?entity=outcome&project=" + f.ProjectA + "&id=" + inCohort.ID
	var pg page
	sent := s.Count.Measure(func() { pg = lead.get(path) })
	for _, want := range []string{"<strong>Project</strong>: – → Bradford employment service", "<strong>Cohort</strong>: – → Cohort 1"} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the submission's history lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	// The service calls answer their errors, as in TestPageRequests.
	var failed error
	alone := s.Count.Measure(func() {
		sc := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA)
		failed = errors.Join(listErr(sc.History(domain.RecordRef{Entity: domain.EntityOutcome, ProjectID: f.ProjectA, ID: inCohort.ID}, service.Page{Limit: 50})),
			listErr(sc.ListCohorts(service.Page{Limit: 100})))
	})
	if failed != nil {
		t.Fatalf("the submission's history and the cohorts alone (%s): %v", alone, failed)
	}
	if sent.String() != alone.String() {
		t.Errorf("the history sent %s; its history and the cohorts alone %s", sent, alone)
	}

	// A payment of the programme's grant on one project's return says in
	// its history whose return it is (the project is read for it) and
	// for which months, as the grant page and the emails do.
	onReturn := h.build.Payment(f.PID, f.GrantY, map[string]any{"amountPence": 1_000_00, "trigger": map[string]any{"kind": "return",
		"returnId": domain.ReturnID(schedule, f.ProjectB, domain.MustDate("2011-04-01"))}})
	returnSent := s.Count.Measure(func() { pg = lead.get(p + "/history?entity=payment&grant=" + f.GrantY + "&id=" + onReturn.ID) })
	if want := html.EscapeString("When Leeds internships' return for April to June 2011 is accepted"); !strings.Contains(pg.Body, want) {
		t.Errorf("the history of a payment on a return lacks %q\n%s", want, excerpt(pg.Body))
	}

	// A payment on a target names the target as the grant page does, not
	// by its id: its value, metric and whose it is. The programme's
	// targets are read once for the page (one list more than a payment on
	// a return, whose project is read alike), never once per entry.
	leedsTarget := h.build.Target(f.PID, map[string]any{"metric": "referrals", "value": 12, "deadline": "2012-03-31",
		"projectId": f.ProjectB, "notify": []string{}})
	for _, c := range []struct{ target, want string }{
		{leedsTarget.ID, "When 50% of Leeds internships' target of 12 referrals is reached"},
		{f.TargetID, "When 50% of the programme's target of 60 people into work is reached"},
	} {
		onTarget := h.build.Payment(f.PID, f.GrantY, testkit.MilestonePaymentBody(500_00, c.target, 50))
		path := p + "/history?entity=payment&grant=" + f.GrantY + "&id=" + onTarget.ID
		sent := s.Count.Measure(func() { pg = lead.get(path) })
		if want := html.EscapeString(c.want); !strings.Contains(pg.Body, want) || strings.Contains(pg.Body, "of target "+c.target) {
			t.Errorf("the history of a payment on a target lacks %q\n%s", want, excerpt(pg.Body))
		}
		if sent.Requests > returnSent.Requests+1 {
			t.Errorf("the history of a payment on a target sent %s; on a return %s", sent, returnSent)
		}
	}

	// The target changed since the payment was made: its history still
	// says what the payment was made for, as the payment recorded it, while
	// the grant page says what it now waits on.
	onLeeds := h.build.Payment(f.PID, f.GrantY, testkit.MilestonePaymentBody(400_00, leedsTarget.ID, 50))
	must(h.Svc.Open(ctx, caller(uLead), f.PID).UpdateTarget(leedsTarget.ID, func(int64) bool { return true },
		body(map[string]any{"metric": "peopleIntoWork", "value": 15})))
	pg = lead.get(p + "/history?entity=payment&grant=" + f.GrantY + "&id=" + onLeeds.ID)
	if want := html.EscapeString("When 50% of Leeds internships' target of 12 referrals is reached"); !strings.Contains(pg.Body, want) ||
		strings.Contains(pg.Body, "people into work") {
		t.Errorf("the history of a payment whose target changed since lacks %q, or rewrites it\n%s", want, excerpt(pg.Body))
	}
	pg = lead.get(p + "/grants/" + f.GrantY)
	if want := html.EscapeString("When 50% of Leeds internships' target of 15 people into work is reached"); !strings.Contains(pg.Body, want) {
		t.Errorf("the grant page lacks what the payment now waits on, %q\n%s", want, excerpt(pg.Body))
	}

	// A funder reads the names of what it may read only: the grant of
	// another funder a post is paid from shows as its id.
	funder := h.as(t, uFunder) // acts for funder X
	pg = funder.get(p + "/history?entity=post&project=" + f.ProjectA + "&id=" + f.PostA)
	if !strings.Contains(pg.Body, "<strong>Grant</strong>: – → Employment specialists") {
		t.Errorf("the funder's history of a post paid from its grant\n%s", excerpt(pg.Body))
	}
	other := h.build.Post(f.PID, f.ProjectA, map[string]any{"title": "Job coach", "grantId": f.GrantY, "fte": 1,
		"contract": "temporary", "startDate": "2010-10-01", "status": "filled"})
	pg = funder.get(p + "/history?entity=post&project=" + f.ProjectA + "&id=" + other.ID)
	if !strings.Contains(pg.Body, "<strong>Grant</strong>: – → "+f.GrantY) || strings.Contains(pg.Body, "Network coordination") {
		t.Errorf("the funder's history of a post paid from another funder's grant\n%s", excerpt(pg.Body))
	}
}
