package store_test

// Returns on DynamoDB Local: a list by status reads that status's range of
// the index partitions and nothing else, pages merge the parts of several
// schedules and projects without losing or repeating a return, and a
// schedule's returns (written in several transactions) are counted once
// each, even when some were written first by a submission.

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

func TestReturnListsReadOnlyWhatTheyList(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2025-01-10T09:00:00Z"))
	b := s.Build(t)
	pid := b.Programme(testkit.ProgrammeBody("Returns")).ID
	var projects []string
	for _, name := range []string{"A", "B", "C"} {
		projects = append(projects, b.Project(pid, testkit.ProjectBody("Project "+name)).ID)
	}
	admin := func() *service.Scope { return s.Svc.Open(context.Background(), testkit.AdminCaller(), pid) }
	// Two years of months for every project (72 returns, written in
	// transactions of up to 99), and a quarterly schedule of project A's
	// with a due date of its own.
	monthly, err := admin().CreateSchedule(testkit.Body(map[string]any{"name": "Monthly", "frequency": "monthly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2026-12-31", "dueDays": 10}))
	if err != nil {
		t.Fatal(err)
	}
	quarterly, err := admin().CreateSchedule(testkit.Body(map[string]any{"name": "Quarterly", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2026-12-31", "dueDays": 45, "projectIds": []string{projects[0]}}))
	if err != nil {
		t.Fatal(err)
	}
	// Some months sent: A's and B's first six, on time.
	for m := 1; m <= 6; m++ {
		start := domain.MustDate("2025-01-01").Time().AddDate(0, m-1, 0)
		s.Clock.Set(start.AddDate(0, 1, 2).Format("2006-01-02") + "T09:00:00Z")
		for _, j := range projects[:2] {
			_, err := s.Svc.OpenProject(context.Background(), testkit.AdminCaller(), pid, j).SubmitOutcome(testkit.Body(map[string]any{
				"periodStart": start.Format("2006-01-02"), "periodEnd": start.AddDate(0, 1, -1).Format("2006-01-02"), "counts": map[string]int{"referrals": 1}}))
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	s.Clock.Set("2025-09-05T09:00:00Z")
	today := domain.DateOf(s.Clock.Now())

	all := listReturns(t, admin, service.ReturnQuery{}, 7)
	if len(all) != 72+8 {
		t.Fatalf("%d returns, want 72 monthly and 8 quarterly", len(all))
	}
	setup, err := s.Store.ReportingSetup(context.Background(), pid)
	if err != nil {
		t.Fatal(err)
	}
	if st := setup.Stats[monthly.ID]; st.Expected[domain.MustDate("2025-01-31")] != 3 || st.OnTime[domain.MustDate("2025-01-31")] != 2 ||
		st.Unsent[domain.MustDate("2025-01-31")] != 1 || st.Unsent[domain.MustDate("2026-12-31")] != 3 {
		t.Errorf("the monthly schedule's counts: %+v", st)
	}
	for _, st := range domain.ReturnStatuses {
		var want []string
		for _, r := range all {
			if r.StatusOn(today) == st {
				want = append(want, r.ID)
			}
		}
		for _, q := range []service.ReturnQuery{{Status: st}, {Status: st, ProjectID: projects[0]}, {Status: st, ScheduleID: quarterly.ID}} {
			var got []domain.Return
			used := s.Count.Measure(func() { got = listReturns(t, admin, q, 4) })
			var wantHere []string
			for _, id := range want {
				r := byID(all, id)
				if (q.ProjectID == "" || r.ProjectID == q.ProjectID) && (q.ScheduleID == "" || r.ScheduleID == q.ScheduleID) {
					wantHere = append(wantHere, id)
				}
			}
			slices.Sort(wantHere)
			if ids := returnIDs(got); !slices.Equal(ids, wantHere) {
				t.Errorf("%+v: %d returns, want %d", q, len(ids), len(wantHere))
				continue
			}
			// Bounded by the page, not the history: each page reads at most
			// one more than a page from each part (one range of one index
			// partition a schedule, so nothing of another status is read);
			// a list of one part reads what it lists and one more a page.
			// The rest is the access read and the setup (2 schedules, their
			// counts and the sequence) a page.
			pages := max(1, (len(wantHere)+3)/4)
			parts := 2
			if q.ScheduleID != "" {
				parts = 1
			}
			indexItems := used.Items - pages*1 - pages*(2*2+1)
			bound := pages * parts * (4 + 1)
			if parts == 1 {
				bound = len(wantHere) + pages
			}
			if indexItems < len(wantHere) || indexItems > bound {
				t.Errorf("%+v: %d items read from the index for %d returns in %d pages, want at most %d (%s)", q, indexItems, len(wantHere), pages, bound, used)
			}
		}
	}
}

func listReturns(t *testing.T, open func() *service.Scope, q service.ReturnQuery, limit int) []domain.Return {
	t.Helper()
	var out []domain.Return
	p := service.Page{Limit: limit}
	seen := map[string]bool{}
	for range 1000 {
		items, next, err := open().ListReturns(q, p)
		if err != nil {
			t.Fatalf("list %+v: %v", q, err)
		}
		if len(items) > limit || (next != "" && len(items) != limit) {
			t.Fatalf("list %+v: a page of %d (limit %d) with next %q", q, len(items), limit, next)
		}
		for _, r := range items {
			if seen[r.ID] {
				t.Fatalf("list %+v: %s listed twice", q, r.ID)
			}
			seen[r.ID] = true
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		p.Cursor = next
	}
	t.Fatalf("list %+v never ended", q)
	return nil
}

func byID(rs []domain.Return, id string) domain.Return {
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	return domain.Return{}
}

func returnIDs(rs []domain.Return) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

// TestCreateReturnsCountsEachOnce: writing a schedule's returns again (a
// finished generation run again), or after a submission wrote one of them
// first, leaves each return as it is and counts it once.
func TestCreateReturnsCountsEachOnce(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2026-05-01T09:00:00Z"))
	b := s.Build(t)
	pid := b.Programme(testkit.ProgrammeBody("Returns twice")).ID
	j := b.Project(pid, testkit.ProjectBody("Project")).ID
	ctx := context.Background()
	sc := domain.Schedule{ID: domain.NewID(), Name: "Q", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2026-01-01"),
		LastPeriodEnd: domain.MustDate("2026-12-31"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: s.Clock.Now(), UpdatedAt: s.Clock.Now()}
	ev := domain.NewAuditEvent(testkit.AdminCaller(), pid, domain.EntitySchedule, sc.ID, domain.ActionCreate, nil, sc, s.Clock.Now())
	if err := s.Store.CreateSchedule(ctx, pid, sc, 0, nil, service.Change{Audit: ev}); err != nil {
		t.Fatal(err)
	}
	// A submission for Q1 arrives before the returns are written: it
	// writes its return itself.
	o, err := s.Svc.OpenProject(ctx, testkit.AdminCaller(), pid, j).SubmitOutcome(testkit.Body(map[string]any{
		"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": 3}}))
	if err != nil {
		t.Fatal(err)
	}
	returns := domain.ExpectedReturns(sc, []domain.Project{{ID: j}}, s.Clock.Now())
	for range 2 {
		if err := s.Store.CreateReturns(ctx, pid, returns); err != nil {
			t.Fatal(err)
		}
	}
	q1, err := s.Svc.Open(ctx, testkit.AdminCaller(), pid).Return(domain.ReturnID(sc.ID, j, domain.MustDate("2026-01-01")))
	if err != nil || q1.SubmissionID != o.ID || q1.Status != domain.ReturnAccepted || !q1.Late {
		t.Fatalf("Q1 written first by its submission: %+v %v", q1, err)
	}
	setup, err := s.Store.ReportingSetup(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	st := setup.Stats[sc.ID]
	for _, end := range []string{"2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"} {
		if st.Expected[domain.MustDate(end)] != 1 {
			t.Errorf("period ending %s counted %d times", end, st.Expected[domain.MustDate(end)])
		}
	}
	if st.Unsent[domain.MustDate("2026-03-31")] != 0 || st.Unsent[domain.MustDate("2026-06-30")] != 1 || st.OnTime[domain.MustDate("2026-03-31")] != 0 {
		t.Errorf("counts after writing the returns twice: %+v", st)
	}
}

// TestCreateReturnsOfManyProjectsCountsEach: a yearly schedule of 150
// projects is 150 returns of 150 projects, each moving its project's
// counts as well as the schedule's: the returns go in as many
// transactions as keep each within DynamoDB's 100 items (a return, the
// schedule's counts and each project's counts an item), and every
// project's counts hold its one return.
func TestCreateReturnsOfManyProjectsCountsEach(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2026-05-01T09:00:00Z"))
	pid := s.Build(t).Programme(testkit.ProgrammeBody("Many projects")).ID
	ctx := context.Background()
	sc := domain.Schedule{ID: domain.NewID(), Name: "Y", Frequency: domain.Yearly, FirstPeriodStart: domain.MustDate("2025-04-01"),
		LastPeriodEnd: domain.MustDate("2026-03-31"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: s.Clock.Now(), UpdatedAt: s.Clock.Now()}
	ev := domain.NewAuditEvent(testkit.AdminCaller(), pid, domain.EntitySchedule, sc.ID, domain.ActionCreate, nil, sc, s.Clock.Now())
	if err := s.Store.CreateSchedule(ctx, pid, sc, 0, nil, service.Change{Audit: ev}); err != nil {
		t.Fatal(err)
	}
	projects := make([]domain.Project, 150)
	ids := make([]string, len(projects))
	for i := range projects {
		projects[i].ID = domain.NewID()
		ids[i] = projects[i].ID
	}
	if err := s.Store.CreateReturns(ctx, pid, domain.ExpectedReturns(sc, projects, s.Clock.Now())); err != nil {
		t.Fatalf("150 returns of 150 projects: %v", err)
	}
	end := domain.MustDate("2026-03-31")
	setup, err := s.Store.ReportingSetup(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	if n := setup.Stats[sc.ID].Expected[end]; n != 150 {
		t.Errorf("the schedule counts %d returns, want 150", n)
	}
	figs, err := s.Store.Figures(ctx, map[string]service.FigureKeys{pid: {Projects: ids, ProjectSchedules: []string{sc.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range ids {
		if st := figs[pid].ProjectStats[j][sc.ID]; st.Expected[end] != 1 || st.Unsent[end] != 1 {
			t.Fatalf("project %s's counts %+v, want its one return, not sent", j, st)
		}
	}
}

// TestCorrectionOfAcceptedReturnStored: on DynamoDB, a return accepted
// on approved figures stays accepted (listed as such, counted as such)
// while a correction of them awaits review or is sent back, and keeps
// which correction that is.
func TestCorrectionOfAcceptedReturnStored(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2026-04-05T09:00:00Z"))
	b := s.Build(t)
	pid := b.Programme(testkit.ProgrammeBody("Corrected returns")).ID
	j := b.Project(pid, testkit.ProjectBody("Project")).ID
	ctx := context.Background()
	admin := func() *service.Scope { return s.Svc.Open(ctx, testkit.AdminCaller(), pid) }
	project := func() *service.Scope { return s.Svc.OpenProject(ctx, testkit.AdminCaller(), pid, j) }
	sched, err := admin().CreateSchedule(testkit.Body(map[string]any{"name": "Quarterly", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin().UpdateProgramme(func(int64) bool { return true }, testkit.Body(map[string]any{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
	q1 := func(n int, replaces string) service.Decoder {
		in := map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": n}}
		if replaces != "" {
			in["replaces"] = replaces
		}
		return testkit.Body(in)
	}
	step := func(o domain.Outcome, err error) domain.Outcome {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	first := step(project().SubmitOutcome(q1(3, "")))
	step(project().ReviewOutcome(first.ID, testkit.Body(map[string]any{"decision": "approve"})))
	fix := step(project().SubmitOutcome(q1(30, first.ID)))
	step(project().ReviewOutcome(fix.ID, testkit.Body(map[string]any{"decision": "request-changes", "comment": "Ten times?"})))

	id := domain.ReturnID(sched.ID, j, domain.MustDate("2026-01-01"))
	r, err := admin().Return(id)
	if err != nil || r.Status != domain.ReturnAccepted || r.SubmissionID != first.ID || r.Late ||
		r.Correction == nil || *r.Correction != (domain.ReturnCorrection{SubmissionID: fix.ID, Status: domain.OutcomeChangesRequested}) {
		t.Fatalf("the return: %+v (correction %+v) %v", r, r.Correction, err)
	}
	if ids := returnIDs(listReturns(t, admin, service.ReturnQuery{Status: domain.ReturnAccepted}, 10)); !slices.Equal(ids, []string{id}) {
		t.Errorf("accepted returns: %v", ids)
	}
	if got := listReturns(t, admin, service.ReturnQuery{Status: domain.ReturnChangesRequested}, 10); len(got) != 0 {
		t.Errorf("returns sent back: %v", returnIDs(got))
	}
	setup, err := s.Store.ReportingSetup(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	if st := setup.Stats[sched.ID]; st.Submitted != 0 || st.OnTime[domain.MustDate("2026-03-31")] != 1 {
		t.Errorf("the schedule's counts: %+v", st)
	}
}

// TestCorrectionSentBackListedByIndex: on DynamoDB, an accepted return
// whose newest correction was sent back is stored in its schedule's (and
// project's) correction-sent-back index partitions, so its project lead's
// returns to send and ?correction=changes-requested read it there, not
// among two years of accepted returns; corrected again it goes back to
// the accepted partitions until that correction is sent back too, and
// approved it stays there. Its status is accepted throughout.
func TestCorrectionSentBackListedByIndex(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2024-02-03T09:00:00Z"))
	b := s.Build(t)
	pid := b.Programme(testkit.Merge(testkit.ProgrammeBody("Corrections to correct"), map[string]any{
		"startDate": "2024-01-01", "endDate": "2026-12-31"})).ID
	j := b.Project(pid, testkit.Merge(testkit.ProjectBody("Project"), map[string]any{"startDate": "2024-01-01", "endDate": "2026-12-31"})).ID
	ctx := context.Background()
	admin := func() *service.Scope { return s.Svc.Open(ctx, testkit.AdminCaller(), pid) }
	project := func() *service.Scope { return s.Svc.OpenProject(ctx, testkit.AdminCaller(), pid, j) }
	sched, err := admin().CreateSchedule(testkit.Body(map[string]any{"name": "Monthly", "frequency": "monthly",
		"firstPeriodStart": "2024-01-01", "lastPeriodEnd": "2026-12-31", "dueDays": 10}))
	if err != nil {
		t.Fatal(err)
	}
	step := func(o domain.Outcome, err error) domain.Outcome {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	month := func(m int, n int, replaces string) service.Decoder {
		start := domain.MustDate("2024-01-01").Time().AddDate(0, m, 0)
		in := map[string]any{"periodStart": start.Format("2006-01-02"), "periodEnd": start.AddDate(0, 1, -1).Format("2006-01-02"),
			"counts": map[string]int{"referrals": n}}
		if replaces != "" {
			in["replaces"] = replaces
		}
		return testkit.Body(in)
	}
	// Two years of history, each month sent on time and accepted at once
	// (review off); then review on.
	var first domain.Outcome
	for m := range 24 {
		s.Clock.Set(domain.MustDate("2024-02-03").Time().AddDate(0, m, 0).Format("2006-01-02") + "T09:00:00Z")
		o := step(project().SubmitOutcome(month(m, 1, "")))
		if m == 0 {
			first = o
		}
	}
	if _, err := admin().UpdateProgramme(func(int64) bool { return true }, testkit.Body(map[string]any{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
	s.Clock.Set("2026-02-05T09:00:00Z") // January 2026 open
	id := domain.ReturnID(sched.ID, j, domain.MustDate("2024-01-01"))
	jan := domain.ReturnID(sched.ID, j, domain.MustDate("2026-01-01"))
	lists := func(when string, inPartition string, toSend, corrections []string) {
		t.Helper()
		item, err := s.Plain.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.Table, Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "PROG#" + pid}, "SK": &types.AttributeValueMemberS{Value: "RETURN#" + j + "#" + sched.ID + "#2024-01-01"}}})
		if err != nil {
			t.Fatal(err)
		}
		g1, g2 := item.Item["GSI1PK"].(*types.AttributeValueMemberS).Value, item.Item["GSI2PK"].(*types.AttributeValueMemberS).Value
		if g1 != "RETS#"+pid+"#"+sched.ID+"#"+inPartition || g2 != "RETP#"+pid+"#"+j+"#"+sched.ID+"#"+inPartition ||
			item.Item["state"].(*types.AttributeValueMemberS).Value != "accepted" {
			t.Errorf("%s: stored in %s and %s, state %v; want the %s partitions, state accepted", when, g1, g2, item.Item["state"], inPartition)
		}
		if _, due := item.Item["GSI3PK"]; due {
			t.Errorf("%s: in the notifier's index of returns not sent (%v)", when, item.Item["GSI3PK"])
		}
		var got []domain.Return
		used := s.Count.Measure(func() { got = listReturns(t, project, service.ReturnQuery{ToSend: true, ProjectID: j}, 10) })
		if ids := returnIDs(got); !slices.Equal(ids, toSend) {
			t.Errorf("%s: returns to send %v, want %v", when, ids, toSend)
		}
		// The access read (the programme and the project) and the setup (its sequence,
		// the schedule and its counts), then one Query a list (returns not
		// sent whose period is over, sent back, correction sent back) that
		// reads only what it lists: none of the 23 other accepted returns.
		if want, items := "BatchGetItem×1 Query×1 Query/GSI2×3", 2+3+len(toSend); used.String() != want || used.Items != items {
			t.Errorf("%s: returns to send cost %s and %d items; want %s and %d items", when, used, used.Items, want, items)
		}
		for _, sc := range []func() *service.Scope{admin, project} {
			rs := listReturns(t, sc, service.ReturnQuery{Correction: domain.OutcomeChangesRequested}, 10)
			if ids := returnIDs(rs); !slices.Equal(ids, corrections) {
				t.Errorf("%s: returns whose correction was sent back %v, want %v", when, ids, corrections)
			}
			for _, r := range rs {
				if r.Status != domain.ReturnAccepted || r.SubmissionID != first.ID {
					t.Errorf("%s: listed %+v", when, r)
				}
			}
		}
		if n := len(listReturns(t, admin, service.ReturnQuery{Status: domain.ReturnAccepted}, 10)); n != 24 {
			t.Errorf("%s: %d returns accepted, want 24", when, n)
		}
	}
	lists("two years accepted", "accepted", []string{jan}, nil)

	fix := step(project().SubmitOutcome(month(0, 30, first.ID)))
	lists("a correction awaiting review", "accepted", []string{jan}, nil)
	step(project().ReviewOutcome(fix.ID, testkit.Body(map[string]any{"decision": "request-changes", "comment": "Ten times?"})))
	lists("the correction sent back", "correction-sent-back", []string{id, jan}, []string{id})
	fix2 := step(project().SubmitOutcome(month(0, 4, fix.ID)))
	lists("corrected again", "accepted", []string{jan}, nil)
	step(project().ReviewOutcome(fix2.ID, testkit.Body(map[string]any{"decision": "request-changes", "comment": "Still?"})))
	lists("sent back again", "correction-sent-back", []string{id, jan}, []string{id})
	fix3 := step(project().SubmitOutcome(month(0, 3, fix2.ID)))
	step(project().ReviewOutcome(fix3.ID, testkit.Body(map[string]any{"decision": "approve"})))
	first = fix3 // the return is accepted on it now
	lists("approved", "accepted", []string{jan}, nil)
	if r, err := admin().Return(id); err != nil || r.Status != domain.ReturnAccepted || r.SubmissionID != fix3.ID || r.Correction != nil {
		t.Errorf("approved: %+v %v", r, err)
	}
}
