package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// progressOf reads a programme's progress report as email.
func progressOf(t *testing.T, a *testkit.API, email, programmeID string) domain.Progress {
	t.Helper()
	return testkit.Decode[domain.Progress](t, a.Want(t, http.StatusOK,
		testkit.Request(http.MethodGet, "/programmes/"+programmeID+"/progress", email, nil)))
}

func runSeed(t *testing.T, s *seeder) string {
	t.Helper()
	var out bytes.Buffer
	s.out = &out
	err := s.run(context.Background())
	t.Logf("seed output:\n%s", out.String())
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return out.String()
}

// TestSeedTwice seeds the demo data through the API (as a deployment with
// 360Giving settings serves it) and again: the second run finds every
// programme seeded. Then the seeded data as checkSeeded and
// checkGivingPackages read it.
func TestSeedTwice(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	// Its tokens are signed with testkit.Secret.
	a := testkit.NewAPI(t, s.DB, testkit.APIConfig{Config: platform.Config{Table: s.Table, Giving: givingConfig}})
	runSeed(t, newSeeder(a.URL, testkit.Secret, nil))
	second := runSeed(t, newSeeder(a.URL, testkit.Secret, nil))
	if n := strings.Count(second, ": already seeded ("); n != 4 {
		t.Errorf("second run said %q %d times, want 4", "already seeded", n)
	}
	checkSeeded(t, a)
	t.Run("360Giving packages", func(t *testing.T) { checkGivingPackages(t, a) })
}

// TestSeedResumes kills a run part way through Working for Wellness, then
// shows that a rerun more than a day later leaves the half-made programme
// alone, and one within the day finishes it without duplicating anything.
func TestSeedResumes(t *testing.T) {
	t.Parallel()
	a := testkit.New(t).API(t) // its tokens are signed with testkit.Secret

	crashing := newSeeder(a.URL, testkit.Secret, nil)
	crashing.retryWait, crashing.maxWait = time.Millisecond, time.Millisecond
	crashing.client = &http.Client{Transport: &crashAfter{n: 40, rt: http.DefaultTransport}}
	var out bytes.Buffer
	crashing.out = &out
	if err := crashing.run(context.Background()); err == nil {
		t.Fatalf("the crashing run succeeded:\n%s", out.String())
	}

	late := newSeeder(a.URL, testkit.Secret, nil)
	late.now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	if o := runSeed(t, late); !strings.Contains(o, nameWfW+": exists") || !strings.Contains(o, "too long ago") {
		t.Errorf("a run a day later should leave the incomplete programme alone")
	}

	o := runSeed(t, newSeeder(a.URL, testkit.Secret, nil))
	if !strings.Contains(o, nameWfW+": incomplete from an earlier run") || strings.Count(o, ": already seeded (") != 3 {
		t.Errorf("the rerun should resume Working for Wellness and find the rest seeded")
	}
	checkSeeded(t, a)
}

// crashAfter lets n requests through (the n-th reaches the server but its
// answer is lost) and fails every later one, like a seed process that died.
type crashAfter struct {
	n     int64
	count atomic.Int64
	rt    http.RoundTripper
}

func (c *crashAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	k := c.count.Add(1)
	if k > c.n {
		return nil, errors.New("simulated crash")
	}
	res, err := c.rt.RoundTrip(r)
	if k == c.n && err == nil {
		res.Body.Close()
		return nil, errors.New("simulated crash after the server answered")
	}
	return res, err
}

// checkSeeded asserts the demo data is there exactly once.
func checkSeeded(t *testing.T, a *testkit.API) {
	t.Helper()
	progs := testkit.ListAll[domain.Programme](t, a, adminEmail, "/programmes")
	ids := map[string]string{}
	for _, p := range progs {
		if _, dup := ids[p.Name]; dup {
			t.Errorf("programme %q exists twice", p.Name)
		}
		ids[p.Name] = p.ID
	}
	for _, name := range []string{nameWfW, nameBradford, nameDerby, nameSYB} {
		if ids[name] == "" {
			t.Fatalf("programme %q missing; have %v", name, ids)
		}
	}
	if len(progs) != 4 {
		t.Errorf("%d programmes, want 4", len(progs))
	}
	progress := func(name string) domain.Progress {
		return progressOf(t, a, adminEmail, ids[name])
	}
	project := func(p domain.Progress, name string) domain.ProjectProgress {
		for _, pp := range p.Projects {
			if pp.Name == name {
				return pp
			}
		}
		t.Fatalf("project %q missing from progress", name)
		return domain.ProjectProgress{}
	}

	// Working for Wellness.
	wfw := progress(nameWfW)
	if wfw.Funding.AwardedPence <= 80_000_000 || wfw.Funding.AwardedPence != 81_000_000 {
		t.Errorf("WfW awarded %d pence, want 81,000,000 (over £800,000)", wfw.Funding.AwardedPence)
	}
	if len(wfw.Funding.ByFunder) != 3 {
		t.Errorf("WfW funders %+v, want 3", wfw.Funding.ByFunder)
	}
	if wfw.Posts.Total != 30 || wfw.Posts.Filled+wfw.Posts.Vacant+wfw.Posts.Ended != 30 {
		t.Errorf("WfW posts %+v, want 30", wfw.Posts)
	}
	if wfw.Cohorts.Count != 2 || wfw.Cohorts.Places != 8 {
		t.Errorf("WfW cohorts %+v, want 2 with 8 places", wfw.Cohorts)
	}
	if got := wfw.Totals[domain.MetricPeopleIntoWork]; got <= 60 {
		t.Errorf("WfW people into work %d, want more than 60", got)
	}
	aspiro := project(wfw, "Aspiro internship programme")
	for m, want := range map[domain.Metric]int64{domain.MetricInternsEnrolled: 8, domain.MetricInternsCompleted: 4, domain.MetricPeopleIntoWork: 3} {
		if aspiro.Totals[m] != want || wfw.Totals[m] < want {
			t.Errorf("Aspiro %s = %d (programme %d), want %d", m, aspiro.Totals[m], wfw.Totals[m], want)
		}
	}
	measures := map[string]domain.MeasureProgress{}
	for _, m := range wfw.Measures {
		measures[m.Name] = m
	}
	if m := measures["self-confidence"]; m.ChangePercent != 130 || m.BaselineMean != 3 || m.LatestMean != 6.9 || m.Respondents != 8 {
		t.Errorf("self-confidence %+v, want 3.0 -> 6.9, +130%%, 8 respondents", m)
	}
	if m := measures["health"]; m.ChangePercent != 106 {
		t.Errorf("health %+v, want +106%%", m)
	}
	if len(wfw.Targets) != 2 {
		t.Errorf("WfW targets %+v, want 2", wfw.Targets)
	}
	for _, tg := range wfw.Targets {
		if tg.Status != domain.StatusReached {
			t.Errorf("WfW target %s %d/%d is %s, want reached", tg.Metric, tg.Current, tg.Value, tg.Status)
		}
	}
	// The 30 posts are all paid by the DWP's grant.
	wfwPath := "/programmes/" + ids[nameWfW]
	var dwp string
	for _, f := range testkit.ListAll[domain.Funder](t, a, adminEmail, wfwPath+"/funders") {
		if f.OrgID == "GB-GOR-D10" {
			dwp = f.ID
			if len(f.Contacts) != 1 || f.Contacts[0] != funderEmail {
				t.Errorf("DWP contacts %v, want [%s]", f.Contacts, funderEmail)
			}
		}
	}
	var dwpGrant string
	grants := testkit.ListAll[domain.Grant](t, a, adminEmail, wfwPath+"/grants")
	for _, g := range grants {
		if g.FunderID == dwp {
			dwpGrant = g.ID
		}
	}
	if len(grants) != 4 || dwpGrant == "" {
		t.Fatalf("WfW grants %+v: want 4, one from the DWP", grants)
	}
	dwpPosts := 0
	projects := testkit.ListAll[domain.Project](t, a, adminEmail, wfwPath+"/projects")
	if len(projects) != 9 {
		t.Errorf("WfW has %d projects, want 9", len(projects))
	}
	for _, p := range projects {
		for _, x := range testkit.ListAll[domain.Post](t, a, adminEmail, wfwPath+"/projects/"+p.ID+"/posts") {
			if x.GrantID == dwpGrant && x.Contract == domain.ContractTemporary {
				dwpPosts++
			}
		}
	}
	if dwpPosts != 30 {
		t.Errorf("%d temporary DWP-funded posts, want 30", dwpPosts)
	}

	// Bradford.
	brad := progress(nameBradford)
	if brad.Totals[domain.MetricReferrals] != 240 || brad.Totals[domain.MetricPeopleIntoWork] != 61 {
		t.Errorf("Bradford totals %v, want referrals 240, peopleIntoWork 61", brad.Totals)
	}
	if len(brad.Targets) != 1 || brad.Targets[0].Value != 60 || brad.Targets[0].Current != 61 || brad.Targets[0].Status != domain.StatusReached {
		t.Errorf("Bradford targets %+v, want 61/60 reached", brad.Targets)
	}
	bradTargets := testkit.ListAll[domain.Target](t, a, adminEmail, "/programmes/"+ids[nameBradford]+"/targets")
	if len(bradTargets) != 1 || len(bradTargets[0].Notify) != 1 {
		t.Errorf("Bradford target should notify its funder: %+v", bradTargets)
	}
	ips := project(brad, "Bradford IPS employment service")
	outcomes := testkit.ListAll[domain.Outcome](t, a, adminEmail, "/programmes/"+ids[nameBradford]+"/projects/"+ips.ProjectID+"/outcomes")
	corrections, pending := 0, 0
	for _, o := range outcomes {
		if o.Replaces != "" {
			corrections++
		}
		if o.Status == domain.OutcomePending {
			pending++
		}
	}
	// Six from the history, and the last quarter awaiting review.
	if len(outcomes) != 7 || corrections != 1 || pending != 1 {
		t.Errorf("Bradford has %d submissions with %d corrections and %d pending, want 7 with 1 and 1", len(outcomes), corrections, pending)
	}

	// Derbyshire: five employment specialists and a service manager.
	derby := progress(nameDerby)
	if derby.Posts.Total != 6 {
		t.Errorf("Derbyshire posts %+v, want 6", derby.Posts)
	}
	titles := map[string]int{}
	dProj := project(derby, "IPS employment specialists in community mental health teams")
	for _, x := range testkit.ListAll[domain.Post](t, a, adminEmail, "/programmes/"+ids[nameDerby]+"/projects/"+dProj.ProjectID+"/posts") {
		titles[x.Title]++
	}
	if titles["IPS employment specialist"] != 5 || titles["IPS service manager"] != 1 {
		t.Errorf("Derbyshire post titles %v", titles)
	}

	// South Yorkshire and Bassetlaw.
	if got := progress(nameSYB).Funding.AwardedPence; got != 110187700 {
		t.Errorf("SY&B awarded %d pence, want 110187700", got)
	}

	// Memberships: what each demo user sees.
	for email, want := range map[string]int{leadEmail: 4, projectLeadEmail: 4, funderEmail: 2} {
		if got := len(testkit.ListAll[domain.Programme](t, a, email, "/programmes")); got != want {
			t.Errorf("%s sees %d programmes, want %d", email, got, want)
		}
	}
	funderView := progressOf(t, a, funderEmail, ids[nameBradford])
	if funderView.Totals[domain.MetricPeopleIntoWork] != 61 || funderView.Pending != nil || funderView.Returns != nil {
		t.Errorf("the funder's view of Bradford: %v, pending %v, returns %v", funderView.Totals, funderView.Pending, funderView.Returns)
	}
	checkReporting(t, a, ids)
	checkMoney(t, a, ids)
}

// checkMoney checks the demo grants' money as the funder and the project
// lead see it, against the seed data: each sees only the grants it may
// read; paid, spent and each budget line's spend add up from the tranches
// and spend returns (corrected ones left out); the tranches not yet paid
// are due from the moment they are recorded, their triggers holding
// already (a date passed, a target reached, a return accepted), without
// the notifier (not run here).
func checkMoney(t *testing.T, a *testkit.API, ids map[string]string) {
	t.Helper()
	for _, c := range []struct {
		demo    demo
		email   string
		grants  []string // the grant keys the caller reads
		payable int      // payments the caller lists on the first of them
	}{
		{workingForWellness(), funderEmail, []string{"dwp-posts"}, 3},
		{bradford(), funderEmail, []string{"dh-pilot"}, 3},
		{bradford(), projectLeadEmail, []string{"dh-pilot"}, 3},
	} {
		name := c.demo.Name
		m := progressOf(t, a, c.email, ids[name]).Money
		if len(m.ByGrant) != len(c.grants) {
			t.Errorf("%s as %s: money of %d grants, want %d: %+v", name, c.email, len(m.ByGrant), len(c.grants), m.ByGrant)
			continue
		}
		var paid, spent, due int64
		for i, key := range c.grants {
			g := grantByKey(t, c.demo, key)
			gm := m.ByGrant[i]
			want := seededMoney(g)
			if gm.Title != g.Title || gm.AwardedPence != g.AmountPence || gm.PaidPence != want.PaidPence ||
				gm.SpentPence != want.SpentPence || gm.DuePence != unpaidPence(g) {
				t.Errorf("%s as %s: grant %s money %+v, want paid %d spent %d due %d of %d", name, c.email, key, gm,
					want.PaidPence, want.SpentPence, unpaidPence(g), g.AmountPence)
			}
			// The demo grants ended years ago: spend to date is all of it.
			if gm.ProjectedSpendPence != gm.SpentPence {
				t.Errorf("%s: grant %s projected %d, spent %d; the grant has ended", name, key, gm.ProjectedSpendPence, gm.SpentPence)
			}
			got := map[string][2]int64{}
			for _, b := range gm.Budget {
				got[string(b.Category)] = [2]int64{b.AmountPence, b.SpentPence}
			}
			wantLines := map[string][2]int64{}
			for cat, n := range g.Budget {
				wantLines[cat] = [2]int64{n, want.BySpent[cat]}
			}
			if !maps.Equal(got, wantLines) {
				t.Errorf("%s: grant %s budget against spend %v, want %v", name, key, got, wantLines)
			}
			paid += want.PaidPence
			spent += want.SpentPence
			due += unpaidPence(g)
		}
		if m.PaidPence != paid || m.SpentPence != spent || m.DuePence != due {
			t.Errorf("%s as %s: money %d paid, %d spent, %d due; want %d, %d, %d", name, c.email, m.PaidPence, m.SpentPence, m.DuePence, paid, spent, due)
		}
		payments := testkit.ListAll[domain.Payment](t, a, c.email,
			"/programmes/"+ids[name]+"/grants/"+m.ByGrant[0].GrantID+"/payments")
		status := map[domain.PaymentStatus]int{}
		for _, p := range payments {
			status[p.Status]++
		}
		tranches := grantByKey(t, c.demo, c.grants[0]).Tranches
		var paidN int
		for _, tr := range tranches {
			if tr.Paid != "" {
				paidN++
			}
		}
		if len(payments) != c.payable || status[domain.PaymentPaid] != paidN || status[domain.PaymentDue] != len(tranches)-paidN {
			t.Errorf("%s as %s: payments %v, want %d paid of %d, the others due", name, c.email, status, paidN, len(tranches))
		}
	}
}

// unpaidPence is what the seed data's tranches of g not yet paid add up to.
func unpaidPence(g grant) int64 {
	var n int64
	for _, tr := range g.Tranches {
		if tr.Paid == "" {
			n += tr.AmountPence
		}
	}
	return n
}

// seeded is a grant's money as the seed data has it.
type seeded struct {
	PaidPence, SpentPence int64
	BySpent               map[string]int64
}

func seededMoney(g grant) seeded {
	out := seeded{BySpent: map[string]int64{}}
	for _, tr := range g.Tranches {
		if tr.Paid != "" {
			out.PaidPence += tr.AmountPence
		}
	}
	corrected := map[string]bool{}
	for _, sp := range g.Spend {
		corrected[sp.Replaces] = true
	}
	for _, sp := range g.Spend {
		if corrected[sp.Key] {
			continue
		}
		for cat, n := range sp.Lines {
			out.SpentPence += n
			out.BySpent[cat] += n
		}
	}
	return out
}

func grantByKey(t *testing.T, d demo, key string) grant {
	t.Helper()
	for _, g := range d.Grants {
		if g.Key == key {
			return g
		}
	}
	t.Fatalf("%s has no grant %q", d.Name, key)
	return grant{}
}

// checkReporting checks the reporting cycle: Bradford's quarterly returns
// are a mix of accepted (late), overdue and awaiting review; Working for
// Wellness's yearly returns cover the eight projects named, all accepted.
func checkReporting(t *testing.T, a *testkit.API, ids map[string]string) {
	t.Helper()
	bradPath := "/programmes/" + ids[nameBradford]
	if p := testkit.Decode[domain.Programme](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, bradPath, leadEmail, nil))); !p.ReviewOutcomes {
		t.Errorf("Bradford's review is off")
	}
	schedules := testkit.ListAll[domain.Schedule](t, a, leadEmail, bradPath+"/schedules")
	if len(schedules) != 1 || schedules[0].Frequency != domain.Quarterly || schedules[0].DueDays != 20 {
		t.Fatalf("Bradford's schedules: %+v", schedules)
	}
	got := map[string]string{}
	for _, r := range testkit.ListAll[domain.Return](t, a, leadEmail, bradPath+"/returns?scheduleId="+schedules[0].ID) {
		got[r.PeriodStart.String()] = fmt.Sprintf("%s late=%v", r.Status, r.Late)
	}
	want := map[string]string{
		"2015-04-01": "accepted late=true", "2015-07-01": "accepted late=true", "2015-10-01": "accepted late=true",
		"2016-01-01": "accepted late=true", "2016-04-01": "overdue late=false", "2016-07-01": "submitted late=true",
	}
	if !maps.Equal(got, want) {
		t.Errorf("Bradford's returns: %v, want %v", got, want)
	}
	lead := progressOf(t, a, leadEmail, ids[nameBradford])
	if rc := lead.Returns; rc == nil || rc.Overdue != 1 || rc.Submitted != 1 || rc.Due != 0 || rc.OnTimePercent == nil || *rc.OnTimePercent != 0 {
		t.Errorf("Bradford's returns for the lead: %+v", rc)
	}
	if pd := lead.Pending; pd == nil || pd.Submissions != 1 || pd.Totals[domain.MetricPeopleIntoWork] != 9 || lead.Totals[domain.MetricPeopleIntoWork] != 61 {
		t.Errorf("Bradford's pending figures for the lead: %+v, totals %v", pd, lead.Totals)
	}
	queue := testkit.ListAll[domain.Outcome](t, a, leadEmail, bradPath+"/outcomes/pending")
	if len(queue) != 1 || queue[0].PeriodStart.String() != "2016-07-01" || queue[0].Status != domain.OutcomePending {
		t.Errorf("Bradford's review queue: %+v", queue)
	}

	wfwPath := "/programmes/" + ids[nameWfW]
	schedules = testkit.ListAll[domain.Schedule](t, a, leadEmail, wfwPath+"/schedules")
	if len(schedules) != 1 || len(schedules[0].ProjectIDs) != 8 {
		t.Fatalf("WfW's schedules: %+v", schedules)
	}
	returns := testkit.ListAll[domain.Return](t, a, leadEmail, wfwPath+"/returns")
	projects := map[string]bool{}
	for _, r := range returns {
		projects[r.ProjectID] = true
		if r.Status != domain.ReturnAccepted || r.SubmissionID == "" {
			t.Errorf("WfW return %s is %s", r.ID, r.Status)
		}
	}
	if len(returns) != 16 || len(projects) != 8 {
		t.Errorf("WfW has %d returns from %d projects, want 16 from 8", len(returns), len(projects))
	}
}
