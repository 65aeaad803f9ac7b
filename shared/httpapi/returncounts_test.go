package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// returnCountsSeen are a caller's return counts in the three answers that
// show them: progress (absent for a funder), the period report and its
// portfolio line.
type returnCountsSeen struct {
	progress *domain.ReturnCounts
	report   domain.ReportReturns
	overdue  int64
}

// TestReturnCountsAsFarAsTheCallerMaySeeOverDynamoDB: GET …/progress,
// GET …/report and GET /portfolio give a project lead its own project's
// return counts (it may read no other project's returns), and leads and
// funders every project's, at the same cost in requests: a project lead's
// counts are read by key with the years of figures (progress, portfolio)
// or beside them (a report: one more BatchGetItem). For a schedule stored
// before counts were kept by project (no pc_<s> on the setup, counts by
// project missing or partial), a project lead's are counted from its
// project's returns instead (one Query more) and come out the same.
func TestReturnCountsAsFarAsTheCallerMaySeeOverDynamoDB(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2025-04-10T09:00:00Z"))
	h := startAPI(t, s, nil, testkit.APIConfig{Now: s.Clock.Now})
	b := s.Build(t)
	pid := b.Programme(testkit.ProgrammeBody("Returns counted")).ID
	x := b.Funder(pid, testkit.FunderBody("DWP", testkit.ContactX)).ID
	a := b.Project(pid, testkit.ProjectBody("Project A")).ID
	bb := b.Project(pid, testkit.ProjectBody("Project B")).ID
	b.Member(pid, uLead, testkit.RoleLead())
	b.Member(pid, uPLA, testkit.RoleProjectLead(a))
	b.Member(pid, uPLB, testkit.RoleProjectLead(bb))
	b.Member(pid, uFunderX, testkit.RoleFunder(x))
	b.Target(pid, map[string]any{"metric": "peopleIntoWork", "value": 10, "deadline": "2026-12-31", "notify": []string{x}})
	p := func(rest string) string { return "/programmes/" + pid + rest }
	sched, _ := h.Create(t, uLead, p("/schedules"), map[string]any{"name": "2025", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31"})
	send := func(as, project, start, end string) {
		h.Create(t, as, p("/projects/"+project+"/outcomes"), map[string]any{"periodStart": start, "periodEnd": end,
			"counts": map[string]int{"referrals": 2}})
	}
	send(uPLA, a, "2025-01-01", "2025-03-31") // on time (due 2025-04-20)
	etag := h.Want(t, http.StatusOK, testkit.Request("GET", p(""), uLead, nil)).Header.Get("ETag")
	h.Want(t, http.StatusOK, testkit.Request("PATCH", p(""), uLead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	s.Clock.Set("2026-01-05T09:00:00Z")
	send(uPLA, a, "2025-04-01", "2025-06-30") // late, awaiting review
	// Now A's third quarter is overdue and B's first three; both fourth
	// quarters are open (due 2026-01-20).

	seen := func(as string) (returnCountsSeen, map[string]string) {
		t.Helper()
		var got returnCountsSeen
		cost := map[string]string{}
		n := s.Count.Measure(func() {
			got.progress = testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request("GET", p("/progress"), as, nil))).Returns
		})
		cost["progress"] = n.String()
		n = s.Count.Measure(func() {
			got.report = testkit.Decode[domain.Report](t, h.Want(t, http.StatusOK,
				testkit.Request("GET", p("/report?from=2025-01-01&to=2025-12-31"), as, nil))).Returns
		})
		cost["report"] = n.String()
		var page struct{ Items []domain.PortfolioItem }
		n = s.Count.Measure(func() {
			page = testkit.Decode[struct{ Items []domain.PortfolioItem }](t, h.Want(t, http.StatusOK, testkit.Request("GET", "/portfolio", as, nil)))
		})
		cost["portfolio"] = n.String()
		for _, it := range page.Items {
			if it.ProgrammeID == pid {
				got.overdue = it.ReturnsOverdue
			}
		}
		return got, cost
	}
	pct := func(v float64) *float64 { return &v }
	want := map[string]returnCountsSeen{
		// Past due: six returns, A's first quarter sent on time.
		uLead: {progress: &domain.ReturnCounts{Due: 2, Overdue: 4, Submitted: 1, OnTimePercent: pct(16.7)},
			report: domain.ReportReturns{Due: 6, Received: 2, OnTime: 1, OnTimePercent: pct(16.7)}, overdue: 4},
		uFunderX: {report: domain.ReportReturns{Due: 6, Received: 2, OnTime: 1, OnTimePercent: pct(16.7)}, overdue: 4},
		uPLA: {progress: &domain.ReturnCounts{Due: 1, Overdue: 1, Submitted: 1, OnTimePercent: pct(33.3)},
			report: domain.ReportReturns{Due: 3, Received: 2, OnTime: 1, OnTimePercent: pct(33.3)}, overdue: 1},
		uPLB: {progress: &domain.ReturnCounts{Due: 1, Overdue: 3, Submitted: 0, OnTimePercent: pct(0)},
			report: domain.ReportReturns{Due: 3, Received: 0, OnTime: 0, OnTimePercent: pct(0)}, overdue: 3},
	}
	// What each read costs: a lead's and a funder's as before; a project
	// lead's progress and portfolio the same (its counts ride in the
	// BatchGetItem of the years of figures), its report one BatchGetItem
	// more; for a schedule stored before counts by project, one Query of
	// its project's returns more.
	const (
		progress  = "BatchGetItem×2 GetItem×1 Query×6"
		report    = "BatchGetItem×3 Query×2"
		portfolio = "BatchGetItem×2 Query/GSI1×1"
	)
	costs := map[string]map[string]string{
		uLead:    {"progress": progress, "report": report, "portfolio": portfolio},
		uFunderX: {"progress": progress, "report": report, "portfolio": portfolio},
		uPLA:     {"progress": progress, "report": "BatchGetItem×4 Query×2", "portfolio": portfolio},
	}
	costs[uPLB] = costs[uPLA]
	same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	check := func(when string, costs map[string]map[string]string) {
		t.Helper()
		for _, as := range []string{uLead, uFunderX, uPLA, uPLB} {
			got, cost := seen(as)
			exp := want[as]
			if (got.progress == nil) != (exp.progress == nil) || (got.progress != nil && (got.progress.Due != exp.progress.Due ||
				got.progress.Overdue != exp.progress.Overdue || got.progress.Submitted != exp.progress.Submitted ||
				!same(got.progress.OnTimePercent, exp.progress.OnTimePercent))) {
				t.Errorf("%s: %s's progress returns %+v, want %+v", when, as, got.progress, exp.progress)
			}
			if got.report.Due != exp.report.Due || got.report.Received != exp.report.Received || got.report.OnTime != exp.report.OnTime ||
				!same(got.report.OnTimePercent, exp.report.OnTimePercent) {
				t.Errorf("%s: %s's report returns %+v, want %+v", when, as, got.report, exp.report)
			}
			if got.overdue != exp.overdue {
				t.Errorf("%s: %s's portfolio returnsOverdue %d, want %d", when, as, got.overdue, exp.overdue)
			}
			for what, c := range costs[as] {
				if cost[what] != c {
					t.Errorf("%s: %s's %s cost %s, want %s", when, as, what, cost[what], c)
				}
			}
		}
	}
	check("counts kept by project", costs)

	// The schedule as stored before counts were kept by project: no mark
	// on the setup, no counts by project; then a write moves B's from
	// nothing (as it would after the upgrade), leaving them partial.
	ctx := context.Background()
	if _, err := s.Plain.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.Table,
		Key:                      map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "PROG#" + pid}, "SK": &types.AttributeValueMemberS{Value: "SCHED"}},
		UpdateExpression:         aws.String("REMOVE #pc"),
		ConditionExpression:      aws.String("attribute_exists(#pc)"),
		ExpressionAttributeNames: map[string]string{"#pc": "pc_" + sched}}); err != nil {
		t.Fatalf("unmark the schedule: %v", err)
	}
	for _, j := range []string{a, bb} {
		if _, err := s.Plain.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.Table,
			Key:                 map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "PROG#" + pid}, "SK": &types.AttributeValueMemberS{Value: "RETSTAT#" + j + "#" + sched}},
			ConditionExpression: aws.String("attribute_exists(PK)")}); err != nil {
			t.Fatalf("delete project %s's counts: %v", j, err)
		}
	}
	send(uPLB, bb, "2025-07-01", "2025-09-30") // late, awaiting review
	for _, as := range []string{uLead, uFunderX, uPLB} {
		exp := want[as]
		if exp.progress != nil {
			c := *exp.progress
			c.Overdue, c.Submitted = c.Overdue-1, c.Submitted+1
			exp.progress = &c
		}
		exp.report.Received++
		exp.overdue--
		want[as] = exp
	}
	legacy := map[string]map[string]string{uLead: costs[uLead], uFunderX: costs[uFunderX],
		uPLA: {"progress": "BatchGetItem×2 GetItem×1 Query×7", "report": "BatchGetItem×3 Query×3", "portfolio": "BatchGetItem×2 Query×1 Query/GSI1×1"}}
	legacy[uPLB] = legacy[uPLA]
	check("a schedule stored before counts were kept by project", legacy)
}
