package httpapi_test

// The world of the delivery and progress tests (issue #3), built with the
// package's harness (api_harness_test.go): a programme with funders,
// projects, grants and members whose amounts are the seed documents', a
// second programme, and the progress report as the SPEC names its fields.
// Names start with "dh".

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// Grant amounts of the fixture: X gives 300,000 to A and 300,000 to the
// whole programme, Y 200,000 to B: 800,000 in all, as in the seed documents.
const (
	dhAmountXA = 30_000_000
	dhAmountYB = 20_000_000
	dhAmountXP = 30_000_000
	dhAwarded  = dhAmountXA + dhAmountYB + dhAmountXP
)

// dhWorld is the fixture, made through the service as admin:
//
//	P: funders X, Y; projects A, B; grants X→A, Y→B, X→P (programme-wide);
//	   members lead@ (lead), pl-a@ (project-lead A), pl-b@ (project-lead B),
//	   funder-x@ (funder X).
//	Q: funder Z, project C, grant Z→C; member lead2@ (lead).
type dhWorld struct {
	a             *apiH
	P, X, Y, A, B string
	GXA, GYB, GXP string
	Q, Z, C, GZC  string
}

func dhSetup(t testing.TB, a *apiH) *dhWorld {
	t.Helper()
	b := a.Build(t)
	w := &dhWorld{a: a}
	w.P = b.Programme(testkit.ProgrammeBody("Working for Wellness")).ID
	w.X = b.Funder(w.P, testkit.FunderBody("Department of Health", "grants@x.example.org")).ID
	w.Y = b.Funder(w.P, testkit.FunderBody("DWP", "grants@y.example.org")).ID
	w.A = b.Project(w.P, testkit.ProjectBody("Project A")).ID
	w.B = b.Project(w.P, testkit.ProjectBody("Project B")).ID
	w.GXA = b.Grant(w.P, testkit.GrantBody("X to A", w.X, w.A, dhAmountXA)).ID
	w.GYB = b.Grant(w.P, testkit.GrantBody("Y to B", w.Y, w.B, dhAmountYB)).ID
	w.GXP = b.Grant(w.P, testkit.GrantBody("X to P", w.X, "", dhAmountXP)).ID
	b.Member(w.P, uLead, testkit.RoleLead())
	b.Member(w.P, uPLA, testkit.RoleProjectLead(w.A))
	b.Member(w.P, uPLB, testkit.RoleProjectLead(w.B))
	b.Member(w.P, uFunderX, testkit.RoleFunder(w.X))

	w.Q = b.Programme(testkit.ProgrammeBody("Another network")).ID
	w.Z = b.Funder(w.Q, testkit.FunderBody("Funder Z", "grants@z.example.org")).ID
	w.C = b.Project(w.Q, testkit.ProjectBody("Project C")).ID
	w.GZC = b.Grant(w.Q, testkit.GrantBody("Z to C", w.Z, w.C, 1_000_000)).ID
	b.Member(w.Q, uLead2, testkit.RoleLead())
	return w
}

// pp is a path inside P; prj a path inside one of P's projects.
func (w *dhWorld) pp(rest string) string { return "/programmes/" + w.P + rest }
func (w *dhWorld) prj(project, rest string) string {
	return "/programmes/" + w.P + "/projects/" + project + rest
}

// The progress answer, with the SPEC's field names.
type dhProgress struct {
	ProgrammeID string `json:"programmeId"`
	AsOf        string `json:"asOf"`
	Funding     struct {
		AwardedPence int64 `json:"awardedPence"`
		ByFunder     []struct {
			FunderID     string `json:"funderId"`
			Name         string `json:"name"`
			AwardedPence int64  `json:"awardedPence"`
		} `json:"byFunder"`
	} `json:"funding"`
	Posts struct {
		Total  int64 `json:"total"`
		Vacant int64 `json:"vacant"`
		Filled int64 `json:"filled"`
		Ended  int64 `json:"ended"`
	} `json:"posts"`
	Cohorts struct {
		Count  int64 `json:"count"`
		Places int64 `json:"places"`
	} `json:"cohorts"`
	Totals   map[string]int64 `json:"totals"`
	Projects []struct {
		ProjectID string           `json:"projectId"`
		Name      string           `json:"name"`
		Totals    map[string]int64 `json:"totals"`
	} `json:"projects"`
	Targets                    []dhTargetProgress `json:"targets"`
	CostPerPersonIntoWorkPence *int64             `json:"costPerPersonIntoWorkPence"`
	Measures                   []dhMeasure        `json:"measures"`
}

type dhTargetProgress struct {
	TargetID            string  `json:"targetId"`
	Metric              string  `json:"metric"`
	Value               int64   `json:"value"`
	Deadline            string  `json:"deadline"`
	ProjectID           *string `json:"projectId"`
	Current             int64   `json:"current"`
	Percent             float64 `json:"percent"`
	Status              string  `json:"status"`
	ProjectedAtDeadline int64   `json:"projectedAtDeadline"`
}

type dhMeasure struct {
	Name          string  `json:"name"`
	BaselineMean  float64 `json:"baselineMean"`
	LatestMean    float64 `json:"latestMean"`
	ChangePercent float64 `json:"changePercent"`
	Respondents   int64   `json:"respondents"`
}

// progress reads P's progress as the given user, checking every metric is
// present in the programme totals and in each project's.
func (w *dhWorld) progress(t testing.TB, as string) dhProgress {
	t.Helper()
	r := w.a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/progress"), as, nil))
	p := testkit.Decode[dhProgress](t, r)
	if p.ProgrammeID != w.P {
		t.Fatalf("progress programmeId %q, want %q", p.ProgrammeID, w.P)
	}
	check := func(what string, m map[string]int64) {
		for _, metric := range domain.Metrics {
			if _, ok := m[string(metric)]; !ok {
				t.Fatalf("%s lacks metric %s: %s", what, metric, r.Body)
			}
		}
	}
	check("totals", p.Totals)
	for _, pr := range p.Projects {
		check("project "+pr.Name+" totals", pr.Totals)
	}
	return p
}

// project returns one project's totals from a progress answer.
func (p dhProgress) project(t testing.TB, id string) map[string]int64 {
	t.Helper()
	for _, pr := range p.Projects {
		if pr.ProjectID == id {
			return pr.Totals
		}
	}
	t.Fatalf("progress has no project %s", id)
	return nil
}

func (p dhProgress) target(t testing.TB, id string) dhTargetProgress {
	t.Helper()
	for _, tg := range p.Targets {
		if tg.TargetID == id {
			return tg
		}
	}
	t.Fatalf("progress has no target %s", id)
	return dhTargetProgress{}
}

// dhMetrics is a full totals map: every metric, zero unless given.
func dhMetrics(kv map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for _, m := range domain.Metrics {
		out[string(m)] = kv[string(m)]
	}
	return out
}

func dhEqualTotals(t testing.TB, what string, got, want map[string]int64) {
	t.Helper()
	w := dhMetrics(want)
	for k, v := range w {
		if got[k] != v {
			t.Errorf("%s: %s = %d, want %d (all: %v)", what, k, got[k], v, got)
		}
	}
	for k := range got {
		if _, ok := w[k]; !ok {
			t.Errorf("%s: unexpected metric %s", what, k)
		}
	}
}

// state is P's progress (without asOf) and every item of both tables: what
// a refused request must leave as it was.
func (w *dhWorld) state(t testing.TB) []string {
	t.Helper()
	r := w.a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/progress"), uAdmin, nil))
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "asOf")
	raw, _ := json.Marshal(m)
	return append([]string{"progress " + string(raw)}, w.a.Snapshot(t)...)
}
