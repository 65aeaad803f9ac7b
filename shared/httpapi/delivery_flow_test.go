package httpapi_test

import (
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// dhOutcome is an outcome submission as the API answers it.
type dhOutcome struct {
	ID          string           `json:"id"`
	ProjectID   string           `json:"projectId"`
	PeriodStart string           `json:"periodStart"`
	PeriodEnd   string           `json:"periodEnd"`
	CohortID    string           `json:"cohortId"`
	Counts      map[string]int64 `json:"counts"`
	Measures    []dhMeasure      `json:"measures"`
	Notes       string           `json:"notes"`
	Replaces    string           `json:"replaces"`
	SubmittedAt time.Time        `json:"submittedAt"`
	SubmittedBy string           `json:"submittedBy"`
}

type dhPost struct {
	ID        string  `json:"id"`
	ProjectID string  `json:"projectId"`
	GrantID   string  `json:"grantId"`
	FTE       float64 `json:"fte"`
	Status    string  `json:"status"`
	Version   int64   `json:"version"`
}

type dhCohort struct {
	ID      string `json:"id"`
	Places  int64  `json:"places"`
	Version int64  `json:"version"`
}

// The flows below are rules (which grant pays a post, what a correction
// moves, If-Match) and run over memory (newMemAPI): the running totals
// they read are the store's, held to memory's by shared/store's contract
// test, and TestDeliveryProgressRequestCount takes posts, cohorts and
// outcomes through progress end to end over DynamoDB Local.

// TestDeliveryPostsThroughProgress: posts are paid by a grant of their own
// project or of the whole programme, and their statuses move the post
// counts of the progress report; If-Match guards every change.
func TestDeliveryPostsThroughProgress(t *testing.T) {
	t.Parallel()
	a := newMemAPI(t)
	w := dhSetup(t, a)
	posts := w.prj(w.A, "/posts")

	p := w.progress(t, uFunderX)
	if p.Posts.Total != 0 || p.Cohorts.Count != 0 || p.CostPerPersonIntoWorkPence != nil {
		t.Fatalf("fresh programme progress: posts %+v cohorts %+v cost %v", p.Posts, p.Cohorts, p.CostPerPersonIntoWorkPence)
	}

	// The project's own grant and the programme-wide grant both pay A's posts.
	id1, r := a.Create(t, uPLA, posts, testkit.PostBody(w.GXA, "filled"))
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("create post ETag %q, want \"1\"", r.Header.Get("ETag"))
	}
	created := testkit.Decode[dhPost](t, r)
	if created.GrantID != w.GXA || created.ProjectID != w.A || created.Status != "filled" || created.FTE != 1 || created.Version != 1 {
		t.Errorf("created post %+v", created)
	}
	id2, _ := a.Create(t, uPLA, posts, testkit.PostBody(w.GXP, "vacant"))
	body := testkit.PostBody(w.GXP, "vacant")
	body["fte"] = 0.5
	id3, _ := a.Create(t, uLead, posts, body)

	// Another project's grant, another programme's grant, no such grant: 400 grantId.
	before := w.state(t)
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", posts, uPLA, testkit.PostBody(w.GYB, "filled"))), "grantId")
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", posts, uAdmin, testkit.PostBody(w.GZC, "filled"))), "grantId")
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", posts, uPLA, testkit.PostBody(domain.NewID(), "filled"))), "grantId")
	testkit.SameSnapshot(t, "posts with a grant that does not pay for project A", before, w.state(t))

	p = w.progress(t, uPLB)
	if p.Posts.Total != 3 || p.Posts.Filled != 1 || p.Posts.Vacant != 2 || p.Posts.Ended != 0 {
		t.Fatalf("posts after three creates: %+v", p.Posts)
	}

	// GET answers the post with its ETag; the list has all three, oldest first.
	r = a.Want(t, http.StatusOK, testkit.Request("GET", posts+"/"+id2, uFunderX, nil))
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("GET post ETag %q", r.Header.Get("ETag"))
	}
	list := testkit.ListAll[dhPost](t, a, uFunderX, posts)
	if len(list) != 3 || list[0].ID != id1 || list[1].ID != id2 || list[2].ID != id3 {
		t.Errorf("posts list %+v, want %s %s %s", list, id1, id2, id3)
	}
	if got := testkit.ListAll[dhPost](t, a, uPLB, w.prj(w.B, "/posts")); len(got) != 0 {
		t.Errorf("project B has posts %+v", got)
	}

	// PATCH needs If-Match; a current one moves the totals, a stale one is 412.
	testkit.WantErr(t, a.Do(t, testkit.Request("PATCH", posts+"/"+id2, uPLA, map[string]any{"status": "filled"})), http.StatusPreconditionRequired, "precondition_required")
	r = a.Want(t, http.StatusOK, testkit.Request("PATCH", posts+"/"+id2, uPLA, map[string]any{"status": "filled"}, "If-Match", `"1"`))
	if r.Header.Get("ETag") != `"2"` || testkit.Decode[dhPost](t, r).Status != "filled" {
		t.Errorf("PATCH post: ETag %q body %s", r.Header.Get("ETag"), r.Body)
	}
	p = w.progress(t, uLead)
	if p.Posts.Total != 3 || p.Posts.Filled != 2 || p.Posts.Vacant != 1 || p.Posts.Ended != 0 {
		t.Fatalf("posts after vacant→filled: %+v", p.Posts)
	}
	before = w.state(t)
	testkit.WantErr(t, a.Do(t, testkit.Request("PATCH", posts+"/"+id2, uPLA, map[string]any{"status": "ended"}, "If-Match", `"1"`)), http.StatusPreconditionFailed, "precondition_failed")
	// Moving the post onto a grant of another project is refused too.
	testkit.WantFields(t, a.Do(t, testkit.Request("PATCH", posts+"/"+id2, uPLA, map[string]any{"grantId": w.GYB}, "If-Match", `"2"`)), "grantId")
	testkit.SameSnapshot(t, "stale or invalid PATCH", before, w.state(t))

	a.Want(t, http.StatusOK, testkit.Request("PATCH", posts+"/"+id1, uAdmin, map[string]any{"status": "ended", "endDate": "2025-12-31"}, "If-Match", `"1"`))
	// If-Match compares strongly (RFC 9110): a weak tag never matches.
	testkit.WantErr(t, a.Do(t, testkit.Request("PATCH", posts+"/"+id3, uLead, map[string]any{"status": "filled"}, "If-Match", `W/"1"`)), http.StatusPreconditionFailed, "precondition_failed")
	a.Want(t, http.StatusOK, testkit.Request("PATCH", posts+"/"+id3, uLead, map[string]any{"status": "filled"}, "If-Match", `"1"`))
	// A change that keeps the status leaves the counts alone.
	a.Want(t, http.StatusOK, testkit.Request("PATCH", posts+"/"+id3, uLead, map[string]any{"title": "Service manager"}, "If-Match", `*`))
	p = w.progress(t, uFunderX)
	if p.Posts.Total != 3 || p.Posts.Filled != 2 || p.Posts.Vacant != 0 || p.Posts.Ended != 1 {
		t.Fatalf("posts after changes: %+v", p.Posts)
	}
	if got := testkit.Decode[dhPost](t, a.Want(t, http.StatusOK, testkit.Request("GET", posts+"/"+id3, uPLA, nil))); got.Version != 3 || got.Status != "filled" || got.FTE != 0.5 {
		t.Errorf("post 3 after two PATCHes: %+v", got)
	}
}

// TestDeliveryCohortsThroughProgress: cohorts and their places are counted,
// and a change of places moves the places total by the difference.
func TestDeliveryCohortsThroughProgress(t *testing.T) {
	t.Parallel()
	a := newMemAPI(t)
	w := dhSetup(t, a)

	ca, r := a.Create(t, uPLA, w.prj(w.A, "/cohorts"), testkit.CohortBody(4))
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("create cohort ETag %q", r.Header.Get("ETag"))
	}
	cb, _ := a.Create(t, uPLB, w.prj(w.B, "/cohorts"), testkit.CohortBody(4))
	p := w.progress(t, uFunderX)
	if p.Cohorts.Count != 2 || p.Cohorts.Places != 8 {
		t.Fatalf("cohorts %+v, want 2 with 8 places", p.Cohorts)
	}
	r = a.Want(t, http.StatusOK, testkit.Request("PATCH", w.prj(w.A, "/cohorts/"+ca), uPLA, map[string]any{"places": 6}, "If-Match", `"1"`))
	if r.Header.Get("ETag") != `"2"` || testkit.Decode[dhCohort](t, r).Places != 6 {
		t.Errorf("PATCH cohort: ETag %q, %s", r.Header.Get("ETag"), r.Body)
	}
	p = w.progress(t, uPLB)
	if p.Cohorts.Count != 2 || p.Cohorts.Places != 10 {
		t.Fatalf("cohorts after 4→6 places: %+v", p.Cohorts)
	}
	before := w.state(t)
	testkit.WantErr(t, a.Do(t, testkit.Request("PATCH", w.prj(w.A, "/cohorts/"+ca), uPLA, map[string]any{"places": 2}, "If-Match", `"1"`)), http.StatusPreconditionFailed, "precondition_failed")
	testkit.WantErr(t, a.Do(t, testkit.Request("PATCH", w.prj(w.A, "/cohorts/"+ca), uPLA, map[string]any{"places": 2})), http.StatusPreconditionRequired, "precondition_required")
	testkit.SameSnapshot(t, "stale cohort PATCH", before, w.state(t))
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.prj(w.B, "/cohorts/"+cb), uLead, map[string]any{"places": 1}, "If-Match", `"1"`))
	p = w.progress(t, uLead)
	if p.Cohorts.Count != 2 || p.Cohorts.Places != 7 {
		t.Fatalf("cohorts after 4→1 places: %+v", p.Cohorts)
	}
	if got := testkit.ListAll[dhCohort](t, a, uFunderX, w.prj(w.A, "/cohorts")); len(got) != 1 || got[0].ID != ca || got[0].Places != 6 || got[0].Version != 2 {
		t.Errorf("cohorts of A: %+v", got)
	}
	if got := testkit.Decode[dhCohort](t, a.Want(t, http.StatusOK, testkit.Request("GET", w.prj(w.B, "/cohorts/"+cb), uPLB, nil))); got.Places != 1 {
		t.Errorf("cohort B: %+v", got)
	}
}

// TestDeliveryOutcomesThroughProgress walks the seed documents' figures
// (240 referrals, 61 into work, 64 job starts, 8 interns, 4 completed,
// self-confidence 3.0 → 6.9) through submissions of two projects, a
// correction, a refused second correction and cross-project replaces, and
// checks every part of the progress report after each step.
func TestDeliveryOutcomesThroughProgress(t *testing.T) {
	t.Parallel()
	a := newMemAPI(t)
	w := dhSetup(t, a)
	outA, outB := w.prj(w.A, "/outcomes"), w.prj(w.B, "/outcomes")
	cohortB, _ := a.Create(t, uPLB, w.prj(w.B, "/cohorts"), testkit.CohortBody(8))

	// Targets, with dates around today so each status shows up.
	today := domain.UKDate(time.Now())
	// Every submission covers a period ending 40 days ago: inside the
	// windows of the people-into-work, job-starts and interns targets, and
	// before the referrals target's window opened 10 days ago, so that
	// target counts none of them.
	from, to := today.AddDays(-60).String(), today.AddDays(-40).String()
	target := func(body map[string]any) string {
		id, _ := a.Create(t, uLead, w.pp("/targets"), body)
		return id
	}
	tInto := target(map[string]any{"metric": "peopleIntoWork", "value": 60, "startDate": today.AddDays(-100).String(),
		"deadline": today.AddDays(100).String(), "notify": []string{w.X, w.Y}})
	tJobsA := target(map[string]any{"metric": "jobStarts", "value": 100, "projectId": w.A,
		"startDate": today.AddDays(-100).String(), "deadline": today.AddDays(100).String(), "notify": []string{w.X}})
	tRefs := target(map[string]any{"metric": "referrals", "value": 300, "startDate": today.AddDays(-10).String(),
		"deadline": today.AddDays(290).String(), "notify": []string{}, "thresholds": []int{50, 100}})
	tInternsB := target(map[string]any{"metric": "internsCompleted", "value": 10, "projectId": w.B,
		"startDate": today.AddDays(-400).String(), "deadline": today.AddDays(-30).String(), "notify": []string{w.Y}})

	// Nothing submitted yet.
	p := w.progress(t, uFunderX)
	dhEqualTotals(t, "empty totals", p.Totals, nil)
	if p.CostPerPersonIntoWorkPence != nil || len(p.Measures) != 0 {
		t.Fatalf("empty progress: cost %v measures %+v", p.CostPerPersonIntoWorkPence, p.Measures)
	}
	// Funding: funder X sees its own awards only (the grant to A and the
	// programme's), never Y's; a lead sees every funder's.
	if p.Funding.AwardedPence != dhAmountXA+dhAmountXP || len(p.Funding.ByFunder) != 1 || p.Funding.ByFunder[0].FunderID != w.X ||
		p.Funding.ByFunder[0].AwardedPence != dhAmountXA+dhAmountXP {
		t.Errorf("funder X's funding %+v, want its own %d only", p.Funding, dhAmountXA+dhAmountXP)
	}
	p = w.progress(t, uLead)
	if p.Funding.AwardedPence != dhAwarded {
		t.Errorf("awardedPence %d, want %d", p.Funding.AwardedPence, dhAwarded)
	}
	byFunder := map[string]int64{}
	for _, f := range p.Funding.ByFunder {
		byFunder[f.FunderID] = f.AwardedPence
		if f.Name == "" {
			t.Errorf("funder %s has no name in progress", f.FunderID)
		}
	}
	if len(p.Funding.ByFunder) != 2 || byFunder[w.X] != dhAmountXA+dhAmountXP || byFunder[w.Y] != dhAmountYB {
		t.Errorf("funding by funder %+v, want X %d and Y %d", p.Funding.ByFunder, dhAmountXA+dhAmountXP, dhAmountYB)
	}

	// Project A: 120 referrals, 30 into work, 32 job starts; self-confidence
	// 2.5 → 6.0 over 4 respondents.
	oA, r := a.Create(t, uPLA, outA, map[string]any{"periodStart": from, "periodEnd": to,
		"counts":   map[string]int64{"referrals": 120, "peopleIntoWork": 30, "jobStarts": 32},
		"measures": []any{map[string]any{"name": "self-confidence", "baselineMean": 2.5, "latestMean": 6.0, "respondents": 4}},
		"notes":    "61 people, 240 referrals, 2011"})
	if r.Header.Get("ETag") != "" {
		t.Errorf("an outcome is immutable but was answered with ETag %q", r.Header.Get("ETag"))
	}
	got := testkit.Decode[dhOutcome](t, r)
	if got.ProjectID != w.A || got.Counts["referrals"] != 120 || got.SubmittedBy != uPLA || got.SubmittedAt.IsZero() || got.Replaces != "" {
		t.Errorf("created outcome %+v", got)
	}
	// Project B: 120 referrals, 31 into work, 32 job starts, 8 interns
	// enrolled and 4 completed in its cohort; self-confidence 3.5 → 7.8 over
	// 4 respondents and health 2.0 → 4.12 over 5.
	oB, _ := a.Create(t, uPLB, outB, map[string]any{"periodStart": from, "periodEnd": to, "cohortId": cohortB,
		"counts": map[string]int64{"referrals": 120, "peopleIntoWork": 31, "jobStarts": 32, "internsEnrolled": 8, "internsCompleted": 4},
		"measures": []any{
			map[string]any{"name": "self-confidence", "baselineMean": 3.5, "latestMean": 7.8, "respondents": 4},
			map[string]any{"name": "health", "baselineMean": 2.0, "latestMean": 4.12, "respondents": 5},
		}})

	p = w.progress(t, uPLA)
	dhEqualTotals(t, "programme totals", p.Totals, map[string]int64{"referrals": 240, "peopleIntoWork": 61, "jobStarts": 64,
		"internsEnrolled": 8, "internsCompleted": 4})
	dhEqualTotals(t, "project A totals", p.project(t, w.A), map[string]int64{"referrals": 120, "peopleIntoWork": 30, "jobStarts": 32})
	dhEqualTotals(t, "project B totals", p.project(t, w.B), map[string]int64{"referrals": 120, "peopleIntoWork": 31, "jobStarts": 32,
		"internsEnrolled": 8, "internsCompleted": 4})
	if len(p.Projects) != 2 {
		t.Errorf("progress projects %+v, want A and B only", p.Projects)
	}
	wantCost := int64(math.Round(float64(dhAwarded) / 61)) // 1311475, the SPEC's example
	if p.CostPerPersonIntoWorkPence == nil || *p.CostPerPersonIntoWorkPence != wantCost || wantCost != 1311475 {
		t.Errorf("costPerPersonIntoWorkPence %v, want %d", p.CostPerPersonIntoWorkPence, wantCost)
	}
	dhWantMeasures(t, p.Measures, []dhMeasure{
		{Name: "health", BaselineMean: 2.0, LatestMean: 4.12, ChangePercent: 106.0, Respondents: 5},
		{Name: "self-confidence", BaselineMean: 3.0, LatestMean: 6.9, ChangePercent: 130.0, Respondents: 8},
	})
	asOf, err := time.Parse(time.RFC3339, p.AsOf)
	if err != nil || time.Since(asOf) > time.Minute || asOf.Location() != time.UTC {
		t.Errorf("asOf %q is not a current RFC 3339 UTC time (%v)", p.AsOf, err)
	}
	day := domain.UKDate(asOf)
	wantTarget := func(p dhProgress, id, metric string, value, current int64, project string, start, deadline domain.Date, status string) {
		t.Helper()
		tg := p.target(t, id)
		total, elapsed := start.DaysUntil(deadline), start.DaysUntil(day)
		projected := current
		if !day.After(deadline) && elapsed > 0 {
			projected = int64(math.Round(float64(current) * float64(total) / float64(elapsed)))
		}
		percent := math.Round(float64(current)*100/float64(value)*10) / 10
		if tg.Metric != metric || tg.Value != value || tg.Current != current || tg.Percent != percent || tg.Status != status ||
			tg.ProjectedAtDeadline != projected || tg.Deadline != deadline.String() {
			t.Errorf("target %s: %+v, want current %d percent %.1f status %s projected %d", metric, tg, current, percent, status, projected)
		}
		if (project == "") != (tg.ProjectID == nil) || (tg.ProjectID != nil && *tg.ProjectID != project) {
			t.Errorf("target %s projectId %v, want %q", metric, tg.ProjectID, project)
		}
	}
	checkTargets := func(p dhProgress, into, jobsA, refs, internsB int64, intoStatus, jobsStatus string) {
		t.Helper()
		if len(p.Targets) != 4 {
			t.Fatalf("progress has %d targets, want 4", len(p.Targets))
		}
		wantTarget(p, tInto, "peopleIntoWork", 60, into, "", today.AddDays(-100), today.AddDays(100), intoStatus)
		wantTarget(p, tJobsA, "jobStarts", 100, jobsA, w.A, today.AddDays(-100), today.AddDays(100), jobsStatus)
		wantTarget(p, tRefs, "referrals", 300, refs, "", today.AddDays(-10), today.AddDays(290), "on-track")
		wantTarget(p, tInternsB, "internsCompleted", 10, internsB, w.B, today.AddDays(-400), today.AddDays(-30), "missed")
	}
	checkTargets(p, 61, 32, 0, 4, "reached", "at-risk")

	// Reading submissions: list, one, as every reader.
	for _, as := range []string{uPLA, uLead, uAdmin, uFunderX} {
		l := testkit.ListAll[dhOutcome](t, a, as, outA)
		if len(l) != 1 || l[0].ID != oA || l[0].Notes != "61 people, 240 referrals, 2011" {
			t.Errorf("outcomes of A as %s: %+v", as, l)
		}
	}
	one := testkit.Decode[dhOutcome](t, a.Want(t, http.StatusOK, testkit.Request("GET", outB+"/"+oB, uFunderX, nil)))
	if one.CohortID != cohortB || one.Counts["internsEnrolled"] != 8 || len(one.Measures) != 2 || one.PeriodEnd != to {
		t.Errorf("outcome B: %+v", one)
	}
	a.Want(t, http.StatusNotFound, testkit.Request("GET", outA+"/"+oB, uAdmin, nil)) // B's submission is not under A

	// A correction of A's submission: totals count the new figures instead.
	cA, r := a.Create(t, uPLA, outA, map[string]any{"periodStart": from, "periodEnd": to, "replaces": oA,
		"counts":   map[string]int64{"referrals": 110, "peopleIntoWork": 29, "jobStarts": 30, "trainingStarts": 2},
		"measures": []any{map[string]any{"name": "self-confidence", "baselineMean": 2.5, "latestMean": 5.0, "respondents": 4}}})
	if got := testkit.Decode[dhOutcome](t, r); got.Replaces != oA {
		t.Errorf("correction answers replaces %q, want %q", got.Replaces, oA)
	}
	// Funder X is given no cost per person into work: the programme's
	// awards, Y's among them, would follow from it.
	if p = w.progress(t, uFunderX); p.CostPerPersonIntoWorkPence != nil {
		t.Errorf("funder X's cost per person into work %v, want none", *p.CostPerPersonIntoWorkPence)
	}
	p = w.progress(t, uLead)
	dhEqualTotals(t, "programme totals after correction", p.Totals, map[string]int64{"referrals": 230, "peopleIntoWork": 60,
		"jobStarts": 62, "trainingStarts": 2, "internsEnrolled": 8, "internsCompleted": 4})
	dhEqualTotals(t, "project A totals after correction", p.project(t, w.A), map[string]int64{"referrals": 110, "peopleIntoWork": 29,
		"jobStarts": 30, "trainingStarts": 2})
	dhEqualTotals(t, "project B totals after correction", p.project(t, w.B), map[string]int64{"referrals": 120, "peopleIntoWork": 31,
		"jobStarts": 32, "internsEnrolled": 8, "internsCompleted": 4})
	if c := p.CostPerPersonIntoWorkPence; c == nil || *c != int64(math.Round(float64(dhAwarded)/60)) {
		t.Errorf("cost after correction %v, want %d", c, int64(math.Round(float64(dhAwarded)/60)))
	}
	// self-confidence: baseline (10+14)/8 = 3.0, latest (20+31.2)/8 = 6.4.
	dhWantMeasures(t, p.Measures, []dhMeasure{
		{Name: "health", BaselineMean: 2.0, LatestMean: 4.12, ChangePercent: 106.0, Respondents: 5},
		{Name: "self-confidence", BaselineMean: 3.0, LatestMean: 6.4, ChangePercent: 113.3, Respondents: 8},
	})
	checkTargets(p, 60, 30, 0, 4, "reached", "at-risk")
	if l := testkit.ListAll[dhOutcome](t, a, uLead, outA); len(l) != 2 || l[0].ID != oA || l[1].ID != cA || l[1].Replaces != oA {
		t.Errorf("outcomes of A after correction: %+v (submissions are immutable; both stay)", l)
	}
	if old := testkit.Decode[dhOutcome](t, a.Want(t, http.StatusOK, testkit.Request("GET", outA+"/"+oA, uPLA, nil))); old.Counts["referrals"] != 120 {
		t.Errorf("the corrected submission changed: %+v", old)
	}

	// Correcting the same submission again: 409, nothing changes.
	before := w.state(t)
	testkit.WantErr(t, a.Do(t, testkit.Request("POST", outA, uPLA, map[string]any{"periodStart": from, "periodEnd": to, "replaces": oA,
		"counts": map[string]int64{"referrals": 1}})), http.StatusConflict, "conflict")
	// replaces naming another project's submission, another programme's, or nothing: 400 replaces.
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", outB, uPLB, map[string]any{"periodStart": from, "periodEnd": to, "replaces": oA,
		"counts": map[string]int64{"referrals": 1}})), "replaces")
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", outB, uLead, map[string]any{"periodStart": from, "periodEnd": to, "replaces": cA,
		"counts": map[string]int64{"referrals": 1}})), "replaces")
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", outA, uAdmin, map[string]any{"periodStart": from, "periodEnd": to, "replaces": domain.NewID(),
		"counts": map[string]int64{"referrals": 1}})), "replaces")
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", outA, uAdmin, map[string]any{"periodStart": from, "periodEnd": to, "replaces": "not-an-id",
		"counts": map[string]int64{"referrals": 1}})), "replaces")
	testkit.SameSnapshot(t, "refused corrections", before, w.state(t))

	// The correction itself can be corrected (by the lead), dropping the
	// measure: it leaves the report once no respondents remain.
	cA2, _ := a.Create(t, uLead, outA, map[string]any{"periodStart": from, "periodEnd": to, "replaces": cA,
		"counts": map[string]int64{"referrals": 100, "peopleIntoWork": 25, "jobStarts": 25}})
	p = w.progress(t, uPLB)
	dhEqualTotals(t, "programme totals after second correction", p.Totals, map[string]int64{"referrals": 220, "peopleIntoWork": 56,
		"jobStarts": 57, "internsEnrolled": 8, "internsCompleted": 4})
	dhEqualTotals(t, "project A totals after second correction", p.project(t, w.A), map[string]int64{"referrals": 100, "peopleIntoWork": 25, "jobStarts": 25})
	dhWantMeasures(t, p.Measures, []dhMeasure{
		{Name: "health", BaselineMean: 2.0, LatestMean: 4.12, ChangePercent: 106.0, Respondents: 5},
		{Name: "self-confidence", BaselineMean: 3.5, LatestMean: 7.8, ChangePercent: 122.9, Respondents: 4},
	})
	checkTargets(p, 56, 25, 0, 4, "on-track", "at-risk") // 56 by half time projects 112
	// The older correction is now superseded as well. Correcting any older
	// one of the chain names the newest, which can be corrected; the next
	// one would only be refused in turn.
	for _, older := range []string{cA, oA} {
		e := testkit.WantErr(t, a.Do(t, testkit.Request("POST", outA, uPLA, map[string]any{"periodStart": from, "periodEnd": to, "replaces": older,
			"counts": map[string]int64{"referrals": 1}})), http.StatusConflict, "conflict")
		if !strings.Contains(e.Message, cA2) {
			t.Errorf("correcting %s again: %q does not name the newest correction %s", older, e.Message, cA2)
		}
	}
	// A correction is the same period's figures: another period is 400.
	testkit.WantFields(t, a.Do(t, testkit.Request("POST", outA, uPLA, map[string]any{"periodStart": from, "periodEnd": today.AddDays(-1).String(),
		"replaces": cA2, "counts": map[string]int64{"referrals": 1}})), "periodEnd")
}

func dhWantMeasures(t testing.TB, got, want []dhMeasure) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("measures %+v, want %+v", got, want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("measure %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
