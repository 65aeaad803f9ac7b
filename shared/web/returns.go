package web

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The reporting cycle's pages: the returns grid (projects × periods of a
// schedule, each cell a status, with "submit" where the caller may), a
// project lead's returns to send, the review queue and a
// submission's review, schedules, and the programme's settings (review
// on or off).

// gridPeriods is how many periods the returns grid shows at once.
const gridPeriods = 6

// gridCell is one return in the grid, or none (a project the schedule
// does not cover).
type gridCell struct {
	Return  *domain.Return
	Submit  string // the form that submits it, for those who may
	Correct bool   // Submit corrects a submission sent back
	Outcome string // its submission's page, for those who may read it
	// Correction leads to the correction of an accepted return's approved
	// figures: its review form for leads while it awaits review (then
	// Review is set), else its page (those who see Return.Correction may
	// read it).
	Correction string
	Review     bool
	// History is the return's history: anyone who reads the return reads
	// it (an operator's repairs of its state; its submissions' own
	// histories are on their pages).
	History string
}

type gridRow struct {
	Project domain.Project
	Cells   []gridCell
}

// returnsPage is what the returns page shows.
type returnsPage struct {
	Schedules []domain.Schedule
	Schedule  *domain.Schedule
	Periods   []domain.Period
	Rows      []gridRow
	Earlier   string
	Later     string
	Due       []dueReturn // a project lead's returns to send or correct
	Statuses  []domain.ReturnStatus
}

// dueReturn is a return a project lead should send, or correct, with its
// project.
type dueReturn struct {
	domain.Return
	Project string
	Submit  string // the form that submits it, or corrects what was sent back
	Correct bool   // Submit corrects a submission sent back
}

// returns is the programme's returns: the grid of one schedule (every
// member sees statuses; funders no more than that) and, for a project
// lead, its returns to send with a link to submit or correct each.
func (a *app) returns(w http.ResponseWriter, r *http.Request, q *req) error {
	sc := a.scope(r, q)
	schedules, err := all(sc.ListSchedules) // beside the access check
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	// The API's filters of the returns list with a value the API refuses
	// (?status=bogus) are refused here as there, naming each, rather than
	// answered with every return as if asked for those. The page filters
	// by schedule only: a good value of another of them is ignored, as a
	// parameter the page does not read is.
	qs := r.URL.Query()
	if err := (service.ReturnQuery{Status: domain.ReturnStatus(qs.Get("status")), ProjectID: qs.Get("projectId"),
		ScheduleID: qs.Get("scheduleId"), Correction: domain.OutcomeStatus(qs.Get("correction")),
		Blank: decode.Blank(qs, "status", "projectId", "scheduleId", "correction")}).Validate(); err != nil {
		return err
	}
	names, err := a.names(r, q)
	if err != nil {
		return err
	}
	d := returnsPage{Schedules: schedules, Statuses: domain.ReturnStatuses}
	if len(n.Access.Projects) > 0 {
		if d.Due, err = a.dueReturns(r, q, n, names); err != nil {
			return err
		}
	}
	if len(schedules) > 0 {
		if err := a.grid(r, q, n, names, &d); err != nil {
			return err
		}
	}
	a.render(w, r, http.StatusOK, "returns", &view{Title: "Returns", Nav: n, Data: map[string]any{"Page": d, "Names": names, "Base": base(n)}})
	return nil
}

// grid fills the grid of the schedule the page asks for (?schedule=, else
// the first), a window of periods around today (?at= moves it).
func (a *app) grid(r *http.Request, q *req, n *nav, names *names, d *returnsPage) error {
	s := d.Schedules[0]
	if id := r.URL.Query().Get("schedule"); id != "" {
		i := slices.IndexFunc(d.Schedules, func(x domain.Schedule) bool { return x.ID == id })
		if i < 0 {
			return domain.NotFound("schedule")
		}
		s = d.Schedules[i]
	}
	d.Schedule = &s
	periods := s.Periods()
	today := domain.UKDate(a.Now())
	// Start the window so the period running today is near its right end,
	// the recent ones (the returns people chase) on its left.
	at := slices.IndexFunc(periods, func(p domain.Period) bool { return !p.End.Before(today) })
	if at < 0 {
		at = len(periods)
	}
	first := max(0, at-gridPeriods+2)
	if v := r.URL.Query().Get("at"); v != "" {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(periods) {
			return &domain.Error{Code: domain.CodeValidation, Message: "there is no such period", Fields: map[string]string{"at": "not a period of this schedule"}}
		}
		first = i
	}
	first = min(first, max(0, len(periods)-gridPeriods))
	d.Periods = periods[first:min(len(periods), first+gridPeriods)]
	link := func(i int) string {
		v := url.Values{"schedule": {s.ID}, "at": {strconv.Itoa(i)}}
		return "?" + v.Encode()
	}
	if first > 0 {
		d.Earlier = link(max(0, first-gridPeriods))
	}
	if first+gridPeriods < len(periods) {
		d.Later = link(first + gridPeriods)
	}
	if len(d.Periods) == 0 {
		return nil
	}
	rs, err := all(func(p service.Page) ([]domain.Return, string, error) {
		return a.scope(r, q).ListReturns(service.ReturnQuery{ScheduleID: s.ID, From: d.Periods[0].End,
			To: d.Periods[len(d.Periods)-1].End.AddDays(1)}, p)
	})
	if err != nil {
		return err
	}
	byKey := map[string]domain.Return{}
	for _, ret := range rs {
		byKey[ret.ProjectID+"#"+ret.PeriodStart.String()] = ret
	}
	for _, pr := range names.ProjectList {
		if !s.Covers(pr.ID) || !n.Access.CanReadProject(pr.ID) {
			continue
		}
		row := gridRow{Project: pr}
		for _, p := range d.Periods {
			var cell gridCell
			if ret, ok := byKey[pr.ID+"#"+p.Start.String()]; ok {
				cell = a.returnLinks(n, ret)
				cell.Return = &ret
			}
			row.Cells = append(row.Cells, cell)
		}
		d.Rows = append(d.Rows, row)
	}
	return nil
}

// returnLinks are where a return's cell leads: to submit it, for those who
// write to its project while it awaits figures and its period has begun
// (figures for a period not begun are refused); to correct it, when
// changes were asked for, on it or on the correction of its approved
// figures; to its submission, for those who may read that (a funder once
// it is accepted); to the correction of its approved figures under way,
// for leads to review it while it awaits review.
func (a *app) returnLinks(n *nav, ret domain.Return) gridCell {
	c := gridCell{History: base(n) + "/history?" + url.Values{"entity": {string(domain.EntityReturn)}, "id": {ret.ID}}.Encode()}
	project := base(n) + "/projects/" + ret.ProjectID
	if ret.SubmissionID != "" {
		c.Outcome = project + "/outcomes/" + ret.SubmissionID
	}
	if fix := ret.Correction; fix != nil {
		c.Correction = project + "/outcomes/" + fix.SubmissionID
		if fix.Status == domain.OutcomePending && n.Access.CanManage() {
			c.Correction, c.Review = c.Correction+"/review", true
		}
	}
	if !n.Access.CanWriteProject(ret.ProjectID) {
		return c
	}
	switch ret.Status {
	case domain.ReturnOpen, domain.ReturnOverdue, domain.ReturnUpcoming:
		if ret.PeriodStart.After(a.today()) {
			break
		}
		v := url.Values{"periodStart": {ret.PeriodStart.String()}, "periodEnd": {ret.PeriodEnd.String()}}
		c.Submit = project + "/outcomes/new?" + v.Encode()
	case domain.ReturnChangesRequested:
		c.Submit, c.Correct = project+"/outcomes/new?replaces="+ret.SubmissionID, true
	case domain.ReturnAccepted:
		if ret.CorrectionSentBack() {
			c.Submit, c.Correct = project+"/outcomes/new?replaces="+ret.Correction.SubmissionID, true
		}
	}
	return c
}

// dueReturns are what a project lead has to send, oldest due first:
// returns overdue, sent back for changes, or open, and accepted returns
// whose correction was sent back (to correct that correction); one read
// of their index lists a project (service.ReturnQuery.ToSend).
func (a *app) dueReturns(r *http.Request, q *req, n *nav, names *names) ([]dueReturn, error) {
	var out []dueReturn
	for _, id := range slices.Sorted(maps.Keys(n.Access.Projects)) {
		rs, err := all(func(p service.Page) ([]domain.Return, string, error) {
			return a.scope(r, q).ListReturns(service.ReturnQuery{ToSend: true, ProjectID: id}, p)
		})
		if err != nil {
			return nil, err
		}
		for _, ret := range rs {
			links := a.returnLinks(n, ret)
			out = append(out, dueReturn{Return: ret, Project: names.Projects[ret.ProjectID], Submit: links.Submit, Correct: links.Correct})
		}
	}
	slices.SortStableFunc(out, func(x, y dueReturn) int { return x.DueDate.Time().Compare(y.DueDate.Time()) })
	return out, nil
}

// reviews is the review queue: submissions awaiting a lead's decision,
// oldest first (leads).
func (a *app) reviews(w http.ResponseWriter, r *http.Request, q *req) error {
	items, next, err := a.scope(r, q).ListPendingOutcomes(pageOf(r))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	names, err := a.names(r, q)
	if err != nil {
		return err
	}
	// Two cohorts' submissions for one period would otherwise look alike.
	cohorts, err := a.scope(r, q).CohortsOf(items)
	if err != nil {
		return err
	}
	// A lead's own submissions are listed as theirs: another lead reviews
	// them (service.ErrOwnSubmission).
	own := map[string]bool{}
	for _, o := range items {
		own[o.ID] = o.SentBy(q.Caller.Email)
	}
	a.render(w, r, http.StatusOK, "reviews", &view{Title: "Submissions to review", Nav: n,
		Data: map[string]any{"Items": items, "Next": nextURL(r, next), "Names": names, "Cohorts": cohorts, "Base": base(n), "Own": own}})
	return nil
}

var reviewFields = []field{{"decision", kChoice, "Decision"}, {"comment", kOptText, "Comment"}}

// reviewForm is a lead's decision on one submission: approve it, or ask
// for changes (with a comment the project's leads are emailed). A
// correction shows the approved figures it would replace, which keep
// counting until it is approved.
func (a *app) reviewForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, prid, oid := a.scope(r, q), r.PathValue("prid"), r.PathValue("oid")
	// A refusal to decide (decided already) links to the submission.
	decided := func(err error) error {
		if domain.ErrorCode(err) != domain.CodeConflict {
			return err
		}
		lead := "It stays as it was decided —"
		switch {
		case errors.Is(err, service.ErrOwnSubmission):
			lead = "It waits for another lead's review —"
		case errors.Is(err, service.ErrNotForReview):
			lead = "It counts as it was sent —"
		}
		return seeAlso{err, relatedLink{Lead: lead, Text: "see the submission",
			Href: recordURL(r.PathValue("pid"), domain.ProjectRef(domain.EntityOutcome, prid, oid)), After: true}}
	}
	return editForm[domain.Outcome]{
		Page: "review_form", Nav: "returns", Fields: reviewFields,
		Title: titles[domain.Outcome]("", "Review a submission", ""),
		// The service's own check of a decision (ReviewOutcome's), asked
		// before the form is shown or a decision is saved, or a decision
		// sent again gets the answer saved for it: a project lead of
		// another project is not shown the submission (404, as from the
		// API), nor is a funder one not approved (they read approved
		// figures only); its own project's lead, and a funder an approved
		// one, may not decide (403).
		// A lead may review every submission there is: the page's own read
		// of it (OutcomeToReview, or the decision's) finds one not there,
		// so the check costs a lead no read of its own.
		May: func(n *nav) error {
			if n.Access.CanManage() {
				return nil
			}
			return sc.MayReviewOutcome(oid)
		},
		RefuseFirst: true,
		Resent:      "A decision cannot be changed once it is made.",
		Create: func(f *form) (domain.Outcome, error) {
			o, err := sc.ReviewOutcome(oid, f.decoder())
			return o, decided(err)
		},
		Done: func(n *nav, o domain.Outcome) string {
			return a.flashLink(q, base(n)+"/projects/"+prid+"/outcomes/"+o.ID, "reviewed", "reviewed", o.ID, "")
		},
		Data: func(n *nav, _ domain.Outcome) (map[string]any, error) {
			c, err := sc.OutcomeToReview(oid)
			if err != nil {
				return nil, err
			}
			if q.Form == nil {
				// Opened (from an email, say) once the submission was
				// decided or corrected: the refusal a decision would get,
				// now, rather than a form whose only result is that. A
				// post is left to the service: a repeat of a decision
				// saved goes on to the submission (saveOnce).
				if err := c.Refusal(); err != nil {
					return nil, decided(err)
				}
			}
			project, err := sc.ThisProject()
			return map[string]any{"Outcome": c.Outcome, "Counted": c.Counted, "Alongside": c.Alongside, "Cohort": c.Cohort,
				"MeasureChanges": measureChanges(c.Counted, c.Outcome), "Project": project, "Base": base(n) + "/projects/" + prid,
				"Own": c.Own}, err
		},
	}.serve(a, w, r, q)
}

// schedules lists the programme's reporting schedules.
func (a *app) schedules(w http.ResponseWriter, r *http.Request, q *req) error {
	items, err := all(a.scope(r, q).ListSchedules)
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	names, err := a.names(r, q)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "schedules", &view{Title: "Reporting schedules", Nav: n,
		Data: map[string]any{"Items": items, "Names": names, "Base": base(n)}})
	return nil
}

var scheduleFields = []field{
	{"name", kText, "Name"}, {"frequency", kChoice, "How often"}, {"firstPeriodStart", kDate, "First period starts"},
	{"lastPeriodEnd", kDate, "Last period ends"}, {"dueDays", kOptInt, "Days to send each return"},
	{"reminders", kDays, "Reminders"}, {"projectIds", kOptChecks, "Projects"},
}

// A schedule's frequency, first period, due days and projects lay out its
// returns, so a change offers only what may change.
var scheduleChangeFields = []field{{"name", kText, "Name"}, {"lastPeriodEnd", kDate, "Last period ends"}, {"reminders", kDays, "Reminders"}}

// scheduleForm sets up a schedule, or changes one (leads).
func (a *app) scheduleForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, id := a.scope(r, q), r.PathValue("sid")
	fields := scheduleFields
	if id != "" {
		fields = scheduleChangeFields
	}
	return editForm[domain.Schedule]{
		Page: "schedule_form", Nav: "returns", Fields: fields, ID: id, What: "schedule",
		Title: titles[domain.Schedule](id, "Set up a reporting schedule", "Change schedule"),
		May:   manages("manage reporting schedules"),
		Read:  sc.Schedule, Values: setScheduleValues, Version: func(s domain.Schedule) int64 { return s.Version },
		Start: func(v url.Values) error {
			v.Set("frequency", string(domain.Quarterly))
			v.Set("dueDays", strconv.Itoa(domain.DefaultDueDays))
			v.Set("reminders", "7")
			return nil
		},
		Create: func(f *form) (domain.Schedule, error) { return sc.CreateSchedule(f.decoder()) },
		Update: func(f *form, ifMatch func(int64) bool) (domain.Schedule, error) {
			return sc.UpdateSchedule(id, ifMatch, f.decoder())
		},
		Done: func(n *nav, s domain.Schedule) string { return base(n) + "/returns?schedule=" + s.ID },
		Data: func(n *nav, s domain.Schedule) (map[string]any, error) {
			names, err := a.names(r, q)
			return map[string]any{"Names": names, "Schedule": s, "Frequencies": []domain.Frequency{domain.Monthly, domain.Quarterly,
				domain.HalfYearly, domain.Yearly}, "Base": base(n)}, err
		},
	}.serve(a, w, r, q)
}

func setScheduleValues(v url.Values, s domain.Schedule) {
	v.Set("name", s.Name)
	setDate(v, "lastPeriodEnd", s.LastPeriodEnd)
	days := make([]string, len(s.Reminders))
	for i, n := range s.Reminders {
		days[i] = strconv.FormatInt(n, 10)
	}
	v.Set("reminders", strings.Join(days, ", "))
}

// returnStatusTag is the tag colour of a return's or submission's status.
func returnStatusTag(s string) string {
	switch s {
	case "upcoming":
		return "nhsuk-tag--grey"
	case "open":
		return "nhsuk-tag--blue"
	case "overdue":
		return "nhsuk-tag--red"
	case "submitted":
		return "nhsuk-tag--purple"
	case "changes-requested":
		return "nhsuk-tag--orange"
	case "accepted", "approved":
		return "nhsuk-tag--green"
	}
	return ""
}
