package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestPortfolioRequestsAt100Programmes: a funder in 100 programmes, each
// with a grant, a target over two years and a reporting schedule, reads
// its portfolio's full page of 100 in three round trips and eight
// requests: its memberships (one Query of its index), the programmes with
// their totals, setups and funding (400 keys: four BatchGetItems sent
// together), then the two years of figures each target needs and each
// schedule's return counts (300 keys: three, together). A project lead in
// each reads the same, its project's counts of each schedule in place of
// the schedule's. Ten years of submissions to some of them change nothing
// of that. The counts are recorded in BENCHMARKS.md.
func TestPortfolioRequestsAt100Programmes(t *testing.T) {
	t.Parallel()
	const programmes = 100
	s := testkit.New(t, testkit.WithClock("2026-06-30T12:00:00Z"))
	rt := &roundTrips{DB: s.DB, wait: 2 * time.Second}
	h := startAPI(t, s, rt, testkit.APIConfig{})
	var readAs func(what, who string) []domain.PortfolioItem
	const dwp = "grants@dwp.example.org"
	const pl = "pl@project.example.org" // project lead of each programme's "Project"
	// Programme 000 is made through the service, but for its DWP grant;
	// the other 99 are copies of it written straight to the table (by
	// BatchWriteItem: making each through the service took thousands of
	// requests), without its audit trail, which nothing here reads (a third
	// of the items). Each then gets its own DWP grant through the service.
	ids := make([]string, programmes)
	projects := make([]string, programmes)
	funders := make([]string, programmes)
	b := s.Build(t)
	// Running since 2016, so ten years of figures (below) fall in it.
	p := b.Programme(testkit.Merge(testkit.ProgrammeBody("Programme 000"), map[string]any{"startDate": "2016-01-01"})).ID
	x := b.Funder(p, testkit.FunderBody("DWP", dwp)).ID
	other := b.Funder(p, testkit.FunderBody("Lottery")).ID
	project := b.Project(p, testkit.ProjectBody("Project")).ID
	b.Project(p, testkit.ProjectBody("Other project"))
	b.Member(p, dwp, testkit.RoleFunder(x))
	b.Member(p, pl, testkit.RoleProjectLead(project))
	b.Grant(p, testkit.GrantBody("Lottery's", other, "", 5000))
	b.Target(p, map[string]any{"metric": "peopleIntoWork", "value": 60, "startDate": "2025-04-01", "deadline": "2026-03-31", "notify": []string{x}})
	if _, err := s.Svc.Open(t.Context(), testkit.AdminCaller(), p).CreateSchedule(testkit.Body(map[string]any{
		"name": "Yearly", "frequency": "yearly", "firstPeriodStart": "2025-04-01", "lastPeriodEnd": "2026-03-31"})); err != nil {
		t.Fatal(err)
	}
	ids[0], projects[0], funders[0] = p, project, x
	for c, fresh := range s.CloneProgrammeData(t, p, programmes-1, func(c int, v string) string {
		if v == "Programme 000" {
			return fmt.Sprintf("Programme %03d", c+1)
		}
		return v
	}) {
		ids[c+1], projects[c+1], funders[c+1] = fresh[p], fresh[project], fresh[x]
	}
	b.InParallel(programmes, 8, func(b *testkit.Builder, i int) {
		b.Grant(ids[i], testkit.GrantBody("DWP's", funders[i], "", int64(1000+i)))
	})

	read := func(what string) []domain.PortfolioItem {
		t.Helper()
		return readAs(what, dwp)
	}
	readAs = func(what, who string) []domain.PortfolioItem {
		t.Helper()
		rt.arm(8)
		var r testkit.Resp
		n := s.Count.Measure(func() {
			r = h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, "/portfolio?limit=100", who, nil))
		})
		rounds := rt.disarm()
		t.Logf("GET /portfolio as %s, %s: %s in %d round trips", who, what, n, rounds)
		// The Query alone, then four BatchGetItems together (on the
		// Query's answer), then three (on the summaries').
		if got := n.String(); got != "BatchGetItem×7 Query/GSI1×1" || rounds != 3 {
			t.Errorf("%s: %s in %d round trips; want BatchGetItem×7 Query/GSI1×1 in 3", what, got, rounds)
		}
		page := testkit.Decode[struct {
			Items      []domain.PortfolioItem
			NextCursor string
		}](t, r)
		if len(page.Items) != programmes || page.NextCursor != "" {
			t.Fatalf("%s: %d items, next %q", what, len(page.Items), page.NextCursor)
		}
		return page.Items
	}
	items := read("no submissions")
	for _, it := range items {
		var i int
		fmt.Sscanf(it.Name, "Programme %03d", &i)
		if it.ProgrammeID != ids[i] || it.AwardedPence != int64(1000+i) || len(it.Targets) != 1 {
			t.Fatalf("line %+v: want programme %d with its DWP grant alone", it, i)
		}
		// The yearly return of each project, due 2026-04-20, is overdue:
		// the funder reads every project's returns' statuses.
		if it.ReturnsOverdue != 2 {
			t.Errorf("line %+v: want both projects' returns overdue", it)
		}
	}
	// A project lead of "Project" in every programme: the same requests,
	// its own project's counts (by key, in place of the schedule's)
	// counting its own overdue return alone.
	for _, it := range readAs("no submissions", pl) {
		if it.ReturnsOverdue != 1 || it.AwardedPence != 0 || len(it.Targets) != 1 {
			t.Errorf("the project lead's line %+v: want its own project's one overdue return", it)
		}
	}

	// Ten years of quarterly figures in three programmes: the same requests,
	// and the targets count their own window only. Each programme's 40 are
	// one import (a few transactions) rather than 40 submissions.
	testkit.Parallel(t, 3, 3, func(t testing.TB, i int) {
		var csv strings.Builder
		csv.WriteString("project,periodStart,periodEnd,peopleIntoWork\n")
		for y := 2016; y < 2026; y++ {
			for _, q := range [][2]string{{"01-01", "03-31"}, {"04-01", "06-30"}, {"07-01", "09-30"}, {"10-01", "12-31"}} {
				fmt.Fprintf(&csv, "Project,%d-%s,%d-%s,1\n", y, q[0], y, q[1])
			}
		}
		res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK,
			importReq(testkit.Admin, "/programmes/"+ids[i]+"/imports", domain.MediaCSV, []byte(csv.String()))))
		if res.Created != 40 {
			t.Fatalf("programme %d: import %+v, want 40 submissions created", i, res)
		}
	})
	for _, it := range read("ten years of figures in three programmes") {
		var i int
		fmt.Sscanf(it.Name, "Programme %03d", &i)
		want := int64(0)
		if i < 3 {
			want = 3 // 2025's last three quarters end in the window
		}
		if it.Targets[0].Current != want || (i < 3 && it.PeopleIntoWork != 40) {
			t.Errorf("programme %d: target at %d, %d into work; want %d", i, it.Targets[0].Current, it.PeopleIntoWork, want)
		}
	}
}
