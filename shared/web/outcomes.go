package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

const measureRows = 3

func outcomeFields() []field {
	fs := []field{{"periodStart", kDate, "Period start"}, {"periodEnd", kDate, "Period end"}, {"cohortId", kChoice, "Cohort"}}
	for _, m := range domain.Metrics {
		fs = append(fs, field{"counts." + string(m), kInt, m.Label()})
	}
	for i := range measureRows {
		p := "measures[" + strconv.Itoa(i) + "]."
		row := " (measure " + strconv.Itoa(i+1) + ")"
		fs = append(fs, field{p + "name", kOptText, "Measure name" + row}, field{p + "baselineMean", kFloat, "Baseline mean" + row},
			field{p + "latestMean", kFloat, "Latest mean" + row}, field{p + "respondents", kInt, "Respondents" + row})
	}
	return append(fs, field{"notes", kText, "Notes"}, field{"replaces", kOptText, "Submission corrected"})
}

// compactMeasures moves filled measure rows up, so row i of the page is
// measures[i] of the body and errors land beside the right boxes.
func compactMeasures(v url.Values) {
	subs := []string{"name", "baselineMean", "latestMean", "respondents"}
	var rows [][]string
	for i := range measureRows {
		row := make([]string, len(subs))
		blank := true
		for j, s := range subs {
			row[j] = v.Get("measures[" + strconv.Itoa(i) + "]." + s)
			blank = blank && strings.TrimSpace(row[j]) == ""
		}
		if !blank {
			rows = append(rows, row)
		}
	}
	for i := range measureRows {
		for j, s := range subs {
			k := "measures[" + strconv.Itoa(i) + "]." + s
			if i < len(rows) {
				v.Set(k, rows[i][j])
			} else {
				v.Del(k)
			}
		}
	}
}

// outcomeNew submits a period's figures, or (?replaces=) corrects an
// earlier submission, starting from its figures. Submissions are never
// changed in place, so the page only creates. Correcting a submission
// that was corrected already is refused with a 409 page linking to the
// correction (see errorPage), from the moment the form is opened.
func (a *app) outcomeNew(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, prid := a.scope(r, q), r.PathValue("prid")
	return editForm[domain.Outcome]{
		Page: "outcome_form", Nav: "projects", Fields: outcomeFields(),
		Title: func(_ domain.Outcome, f *form) string {
			if f.Get("replaces") != "" {
				return "Correct a submission"
			}
			return "Submit outcomes"
		},
		// Every member sees that the project exists; writing to it is the
		// question (as the service answers a POST: 403, not 404).
		May: writesProject(sc, prid, "submit outcomes for this project"),
		Start: func(v url.Values) error {
			old := r.URL.Query().Get("replaces")
			if old == "" {
				// A return's "submit" link names its period.
				for _, k := range []string{"periodStart", "periodEnd"} {
					if d, err := domain.ParseDate(r.URL.Query().Get(k)); err == nil {
						setDate(v, k, d)
					}
				}
				return nil
			}
			// A correction starts from the submission it replaces; one
			// corrected already is the refusal saving would get, linking
			// to the correction, not a form.
			o, err := sc.OutcomeToCorrect(old)
			if err == nil {
				setOutcomeValues(v, o)
			}
			return err
		},
		Prepare: func(f *form) {
			// "counts" names the group's own error ("at least one
			// count"); it is no input of its own.
			f.fields["counts"] = field{"counts", kInt, "Counts"}
			compactMeasures(f.Values)
		},
		Create: func(f *form) (domain.Outcome, error) {
			o, err := sc.SubmitOutcome(f.decoder())
			return o, withText[domain.OutcomeInput](f, err)
		},
		Resent: "A submission is not changed in place: to change its figures, correct the submission you saved, from its page.",
		Done: func(n *nav, o domain.Outcome) string {
			return base(n) + "/projects/" + prid + "/outcomes/" + o.ID + "?submitted=1"
		},
		Data: func(*nav, domain.Outcome) (map[string]any, error) {
			project, err := sc.ThisProject()
			if err != nil {
				return nil, err
			}
			cohorts, err := all(sc.ListCohorts)
			return map[string]any{"Project": project, "Cohorts": cohorts, "MeasureRows": measureRows}, err
		},
	}.serve(a, w, r, q)
}

func setOutcomeValues(v url.Values, o domain.Outcome) {
	setDate(v, "periodStart", o.PeriodStart)
	setDate(v, "periodEnd", o.PeriodEnd)
	v.Set("cohortId", o.CohortID)
	for m, c := range o.Counts {
		v.Set("counts."+string(m), strconv.FormatInt(c, 10))
	}
	for i, m := range o.Measures {
		if i >= measureRows {
			break
		}
		p := "measures[" + strconv.Itoa(i) + "]."
		v.Set(p+"name", m.Name)
		v.Set(p+"baselineMean", strconv.FormatFloat(m.BaselineMean, 'f', -1, 64))
		v.Set(p+"latestMean", strconv.FormatFloat(m.LatestMean, 'f', -1, 64))
		v.Set(p+"respondents", strconv.FormatInt(m.Respondents, 10))
	}
	v.Set("notes", o.Notes)
	v.Set("replaces", o.ID)
}

// outcome is one submission's page.
func (a *app) outcome(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, prid := a.scope(r, q), r.PathValue("prid")
	// The submission rides in the access check, with the project.
	o, err := sc.Outcome(r.PathValue("oid"))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	project, err := sc.ThisProject()
	if err != nil {
		return err
	}
	// The project's submissions the caller may read say whether this one
	// was corrected: it is never changed in place, so only its correction
	// knows. (A funder reads approved ones only, each naming the approved
	// one it took over from: see domain.Outcome.AsApproved.)
	readable, err := all(sc.ListOutcomes)
	if err != nil {
		return err
	}
	correctedBy := ""
	for _, x := range readable {
		if x.Replaces == o.ID {
			correctedBy = x.ID
		}
	}
	a.render(w, r, http.StatusOK, "outcome", &view{Title: "Outcome submission", Nav: n, Data: map[string]any{
		"Outcome": o, "Project": project, "CanWrite": n.Access.CanWriteProject(prid), "CorrectedBy": correctedBy,
		"Submitted": r.URL.Query().Get("submitted") == "1", "Reviewed": r.URL.Query().Get("reviewed") == "1",
		"Base": base(n) + "/projects/" + prid,
	}})
	return nil
}
