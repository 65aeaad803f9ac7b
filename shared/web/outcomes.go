package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

const measureRows = 3

func outcomeFields() []field {
	fs := []field{{"periodStart", kDate, "Period start"}, {"periodEnd", kDate, "Period end"}, {"cohortId", kChoice, "Cohort"}}
	for _, m := range domain.Metrics {
		fs = append(fs, field{"counts." + string(m), kOptInt, m.Label()})
	}
	for i := range measureRows {
		p := "measures[" + strconv.Itoa(i) + "]."
		row := " (measure " + strconv.Itoa(i+1) + ")"
		fs = append(fs, field{p + "name", kOptText, "Measure name" + row}, field{p + "baselineMean", kOptFloat, "Baseline mean" + row},
			field{p + "latestMean", kOptFloat, "Latest mean" + row}, field{p + "respondents", kOptInt, "Respondents" + row})
	}
	return append(fs, field{"notes", kText, "Notes"}, field{addToSent, kConfirm, "Add these figures to those already sent"},
		field{"replaces", kOptText, "Submission corrected"})
}

// addToSent is the outcome form's confirmation that its figures are to be
// added to those already sent for the period (service.SubmitOutcomeChecked).
const addToSent = "addToSent"

// periodSent is what the outcome form says of figures sent already for
// its period and cohort (or for no cohort): who sent them and when, newest
// first, and the correction form of the newest, which is what a person
// back on the form (the browser's back button, an old email's link)
// almost always wants. Another cohort's figures for the period are not
// these: a project with cohorts sends one submission for each.
type periodSent struct {
	For     string   // "April 2026", or "Cohort 1 for April 2026"
	Lines   []string // "You sent the figures for April 2026 on 3 December 2026"
	Correct string   // the correction form of the newest submission
	// General is true for figures for no cohort of a project that has
	// cohorts: the page says that figures for one of them are not these.
	General bool
}

// sentFor words sent (current submissions of one period and cohort,
// newest first, at least one) for the person who is caller, naming their
// cohort from cohorts (the project's).
func sentFor(sent []domain.Outcome, cohorts []domain.Cohort, caller domain.Caller, project string) *periodSent {
	o := sent[0]
	ps := &periodSent{For: domain.PeriodText(o.PeriodStart, o.PeriodEnd), Correct: project + "/outcomes/new?replaces=" + o.ID,
		General: o.CohortID == "" && len(cohorts) > 0}
	if o.CohortID != "" {
		name := "its cohort" // not listed: never so while a submission names it
		for _, c := range cohorts {
			if c.ID == o.CohortID {
				name = c.Name
			}
		}
		ps.For = name + " for " + ps.For
	}
	what := "the figures"
	if len(sent) > 1 {
		what = "figures"
	}
	for _, x := range sent {
		who := x.SubmittedBy
		if strings.EqualFold(who, caller.Email) {
			who = "You"
		}
		ps.Lines = append(ps.Lines, who+" sent "+what+" for "+ps.For+" on "+domain.UKDate(x.SubmittedAt).Long())
	}
	return ps
}

// refusal is the form's answer to figures sent without the confirmation
// for a period that has figures: the confirmation's problem, naming what
// was sent, beside whatever else is wrong with them (problems).
func (ps *periodSent) refusal(problems error) error {
	fields := map[string]string{addToSent: ps.Lines[0] + ". Correct those figures, or select the box to add these figures to them"}
	var de *domain.Error
	if errors.As(problems, &de) {
		for p, msg := range de.Fields {
			fields[p] = msg
		}
	}
	return &domain.Error{Code: domain.CodeValidation, Message: "figures for " + ps.For + " were sent already", Fields: fields}
}

// formPeriod is the period a form's values name, if they name a whole one.
func formPeriod(v url.Values) (domain.Date, domain.Date, bool) {
	f := newForm(outcomeFields()[:2], v)
	var ds [2]domain.Date
	for i, p := range []string{"periodStart", "periodEnd"} {
		s, present, err := f.date(p)
		if err != nil || !present {
			return domain.Date{}, domain.Date{}, false
		}
		if ds[i], err = domain.ParseDate(s); err != nil {
			return domain.Date{}, domain.Date{}, false
		}
	}
	return ds[0], ds[1], !ds[1].Before(ds[0])
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
//
// New figures for a project and exact period that already has figures
// (opened from a return's link after it was sent, or with the period typed
// in) are not what the page offers first: it says what was sent and
// links to its correction, and saves new figures for that period only
// with the person's confirmation that they add to those.
func (a *app) outcomeNew(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, prid := a.scope(r, q), r.PathValue("prid")
	project := "/app/programmes/" + r.PathValue("pid") + "/projects/" + prid
	// The project's cohorts, read once whoever asks first: the page lists
	// them and a notice of figures sent for one names it.
	var cohorts []domain.Cohort
	cohortsRead := false
	listCohorts := func() ([]domain.Cohort, error) {
		if cohortsRead {
			return cohorts, nil
		}
		var err error
		cohorts, err = all(sc.ListCohorts)
		cohortsRead = err == nil
		return cohorts, err
	}
	var sent []domain.Outcome // what was sent for the form's period and cohort, once read
	read := false
	readSent := func(v url.Values) (err error) {
		start, end, ok := formPeriod(v)
		if read || !ok || v.Get("replaces") != "" {
			return nil
		}
		read = true
		sent, err = sc.SentForPeriod(start, end, v.Get("cohortId"))
		return err
	}
	notice := func() (*periodSent, error) {
		if len(sent) == 0 {
			return nil, nil
		}
		cs, err := listCohorts()
		if err != nil {
			return nil, err
		}
		return sentFor(sent, cs, q.Caller, project), nil
	}
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
				// A return's "submit" link names its period, which may
				// have been sent since. No cohort is chosen yet: what is
				// said is of the project's general figures, and a cohort
				// chosen is checked when the figures are sent.
				for _, k := range []string{"periodStart", "periodEnd"} {
					if d, err := domain.ParseDate(r.URL.Query().Get(k)); err == nil {
						setDate(v, k, d)
					}
				}
				return readSent(v)
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
			f.fields["counts"] = field{"counts", kOptInt, "Counts"}
			compactMeasures(f.Values)
		},
		Create: func(f *form) (domain.Outcome, error) {
			o, err := sc.SubmitOutcomeChecked(f.decoder(), f.Get(addToSent) == "yes")
			if ps := (*service.PeriodSentError)(nil); errors.As(err, &ps) {
				read, sent = true, ps.Sent
				said, err := notice()
				if err != nil {
					return o, err
				}
				return o, withText[domain.OutcomeInput](f, said.refusal(ps.Problems))
			}
			return o, withText[domain.OutcomeInput](f, err)
		},
		Resent: "A submission is not changed in place: to change its figures, correct the submission you saved, from its page.",
		Done: func(n *nav, o domain.Outcome) string {
			return a.flashLink(q, base(n)+"/projects/"+prid+"/outcomes/"+o.ID, "submitted", "submitted", o.ID, "")
		},
		Data: func(*nav, domain.Outcome) (map[string]any, error) {
			project, err := sc.ThisProject()
			if err != nil {
				return nil, err
			}
			if q.Form != nil {
				// Shown again with its errors: what its period and
				// cohort have, if the post did not find it out.
				if err := readSent(q.Form); err != nil {
					return nil, err
				}
			}
			cohorts, err := listCohorts()
			if err != nil {
				return nil, err
			}
			said, err := notice()
			return map[string]any{"Project": project, "Cohorts": cohorts, "MeasureRows": measureRows, "Sent": said}, err
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

// replacement is what became of a submission a later one replaced: its
// correction, or new figures that filled its return once it was sent back
// for changes and so took it over (domain.Outcome.CorrectedBy).
type replacement struct {
	// Newest is the newest submission of its chain among those read (the
	// one nothing among them replaced), with its effective status; when
	// the one that replaced it was not read (a page of the project's list
	// ends between them), only its ID.
	Newest domain.Outcome
	// Read reports whether Newest was read, so that its status is known.
	Read bool
	// TakenOver is true when new figures for its return replaced it, not
	// its correction: what they became says nothing of its own figures,
	// which never counted.
	TakenOver bool
}

// replacements maps each of outcomes that a later submission replaced to
// what became of it. The one that replaced a submission is the one its
// correctedBy names, or for one stored before correctedBy was recorded,
// its correction among outcomes: approved, the submission's figures were
// replaced ("Corrected"); otherwise they still count, and the correction
// awaits review or was sent back. The project page and a submission's
// page say it in the same words.
func replacements(outcomes []domain.Outcome) map[string]replacement {
	byID := make(map[string]domain.Outcome, len(outcomes))
	next := map[string]string{} // a submission's id → the one that replaced it
	for _, o := range outcomes {
		byID[o.ID] = o
		if o.Replaces != "" {
			next[o.Replaces] = o.ID
		}
	}
	for _, o := range outcomes {
		if o.CorrectedBy != "" {
			next[o.ID] = o.CorrectedBy
		}
	}
	out := make(map[string]replacement, len(next))
	for id, by := range next {
		if _, ok := byID[id]; !ok {
			continue // a correction of a submission not read
		}
		first, read := byID[by]
		r := replacement{TakenOver: read && first.Replaces != id}
		newest := by
		seen := map[string]bool{id: true}
		for n, ok := next[newest]; ok && !seen[n]; n, ok = next[newest] {
			seen[newest] = true
			newest = n
		}
		if n, ok := byID[newest]; ok {
			n.Status = n.EffectiveStatus()
			r.Newest, r.Read = n, true
		} else {
			r.Newest = domain.Outcome{ID: newest}
		}
		out[id] = r
	}
	return out
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
	// It says "Corrected" only once the correction is approved (at once,
	// without review): until then the figures approved before still
	// count, and the page says the correction awaits review (or was sent
	// back), in the project page's words.
	readable, err := all(sc.ListOutcomes)
	if err != nil {
		return err
	}
	// New figures that took it over once it was sent back replace it as
	// a correction would: correctedBy names them (see replacements).
	var replaced *replacement
	if c, ok := replacements(readable)[o.ID]; ok {
		replaced = &c
	} else if o.CorrectedBy != "" { // not among those read: what it says
		replaced = &replacement{Newest: domain.Outcome{ID: o.CorrectedBy}}
	}
	// A cohort's submission names it: a project with cohorts has one for
	// each a period, alike but for it.
	var cohort *domain.Cohort
	if o.CohortID != "" {
		c, err := sc.Cohort(o.CohortID)
		if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
			return err
		}
		if err == nil {
			cohort = &c
		}
	}
	a.render(w, r, http.StatusOK, "outcome", &view{Title: "Outcome submission", Nav: n, Data: map[string]any{
		"Outcome": o, "Project": project, "Cohort": cohort, "CanWrite": n.Access.CanWriteProject(prid), "Replaced": replaced,
		// Banners only just after this person submitted or decided it (flashNote).
		"Submitted": a.flashOf(r, q, "submitted", o.ID) == "submitted", "Reviewed": a.flashOf(r, q, "reviewed", o.ID) == "reviewed",
		"Base": base(n) + "/projects/" + prid,
	}})
	return nil
}
