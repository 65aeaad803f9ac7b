package domain

import (
	"strconv"
	"time"
)

// Limits on figures, so a slipped key is refused rather than counted.
const (
	MaxCount       = 100_000 // people in one period for one project
	MaxPlaces      = 1_000
	MinFTE         = 0.01
	MaxFTE         = 1.0
	MinMeanScore   = 0.01
	MaxMeasures    = 20
	MaxNotesLen    = 2000
	MaxRespondents = 100_000
	MaxMeanScore   = 1_000
)

// limitText writes a limit as a message names it: 0.01, 1, 1000.
func limitText(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// PostContract and PostStatus are the allowed values of a post's fields.
type (
	PostContract string
	PostStatus   string
)

// Post contracts and statuses.
const (
	ContractTemporary PostContract = "temporary"
	ContractPermanent PostContract = "permanent"
	PostVacant        PostStatus   = "vacant"
	PostFilled        PostStatus   = "filled"
	PostEnded         PostStatus   = "ended"
)

// Post is a job funded by a grant, such as an employment specialist.
type Post struct {
	ID        string       `json:"id"`
	ProjectID string       `json:"projectId"`
	Title     string       `json:"title"`
	GrantID   string       `json:"grantId"`
	FTE       float64      `json:"fte"`
	Contract  PostContract `json:"contract"`
	StartDate Date         `json:"startDate"`
	EndDate   Date         `json:"endDate,omitzero"`
	Status    PostStatus   `json:"status"`
	Version   int64        `json:"version"`
	CreatedAt time.Time    `json:"createdAt"`
	UpdatedAt time.Time    `json:"updatedAt"`
}

// PostInput is the body of POST …/posts.
type PostInput struct {
	Title     string       `json:"title"`
	GrantID   string       `json:"grantId"`
	FTE       float64      `json:"fte"`
	Contract  PostContract `json:"contract"`
	StartDate Date         `json:"startDate"`
	EndDate   Date         `json:"endDate"`
	Status    PostStatus   `json:"status"`
}

// Validate checks a post's own fields; its grant is checked by the service.
func (in PostInput) Validate() error {
	p := Problems{}
	requiredLine(p, "title", in.Title, MaxNameLen)
	if !ValidID(in.GrantID) {
		p.Add("grantId", refProblem(in.GrantID, "required: the id of the grant that pays for this post"))
	}
	if !(in.FTE >= MinFTE && in.FTE <= MaxFTE) {
		p.Add("fte", "must be from "+limitText(MinFTE)+" to "+limitText(MaxFTE)+" (full time)")
	}
	if in.Contract != ContractTemporary && in.Contract != ContractPermanent {
		p.Add("contract", `must be "temporary" or "permanent"`)
	}
	if in.StartDate.IsZero() {
		p.Add("startDate", "required")
	}
	if !in.EndDate.IsZero() && !in.StartDate.IsZero() && in.EndDate.Before(in.StartDate) {
		p.Add("endDate", "must not be before the start date")
	}
	switch in.Status {
	case PostVacant, PostFilled, PostEnded:
	default:
		p.Add("status", `must be "vacant", "filled" or "ended"`)
	}
	return p.Err()
}

// TextFields lists the post's free text: its title.
func (in PostInput) TextFields() []TextField {
	return []TextField{{"title", in.Title}}
}

// Input returns the post's changeable fields.
func (x Post) Input() PostInput {
	return PostInput{Title: x.Title, GrantID: x.GrantID, FTE: x.FTE, Contract: x.Contract, StartDate: x.StartDate, EndDate: x.EndDate, Status: x.Status}
}

// PostPatch is the body of PATCH …/posts/{id}; only present fields change.
type PostPatch struct {
	Title     *string       `json:"title,omitempty"`
	GrantID   *string       `json:"grantId,omitempty"`
	FTE       *float64      `json:"fte,omitempty"`
	Contract  *PostContract `json:"contract,omitempty"`
	StartDate *Date         `json:"startDate,omitempty"`
	EndDate   *Date         `json:"endDate,omitempty" null:"clears"`
	Status    *PostStatus   `json:"status,omitempty"`
}

// Apply returns in with the patch's fields replaced.
func (pt PostPatch) Apply(in PostInput) PostInput {
	set(&in.Title, pt.Title)
	set(&in.GrantID, pt.GrantID)
	set(&in.FTE, pt.FTE)
	set(&in.Contract, pt.Contract)
	set(&in.StartDate, pt.StartDate)
	set(&in.EndDate, pt.EndDate)
	set(&in.Status, pt.Status)
	return in
}

// Cohort is a group of interns who start together (Aspiro's cohorts of four).
type Cohort struct {
	ID        string    `json:"id"`
	ProjectID string    `json:"projectId"`
	Name      string    `json:"name"`
	Places    int64     `json:"places"`
	StartDate Date      `json:"startDate"`
	EndDate   Date      `json:"endDate"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// CohortInput is the body of POST …/cohorts.
type CohortInput struct {
	Name      string `json:"name"`
	Places    int64  `json:"places"`
	StartDate Date   `json:"startDate"`
	EndDate   Date   `json:"endDate"`
}

// Validate checks a cohort.
func (in CohortInput) Validate() error {
	p := Problems{}
	requiredLine(p, "name", in.Name, MaxNameLen)
	if in.Places < 1 || in.Places > MaxPlaces {
		p.Add("places", "must be a whole number from 1 to "+strconv.Itoa(MaxPlaces))
	}
	period(p, "startDate", in.StartDate, "endDate", in.EndDate)
	return p.Err()
}

// TextFields lists the cohort's free text: its name.
func (in CohortInput) TextFields() []TextField {
	return []TextField{{"name", in.Name}}
}

// Input returns the cohort's changeable fields.
func (c Cohort) Input() CohortInput {
	return CohortInput{Name: c.Name, Places: c.Places, StartDate: c.StartDate, EndDate: c.EndDate}
}

// CohortPatch is the body of PATCH …/cohorts/{id}.
type CohortPatch struct {
	Name      *string `json:"name,omitempty"`
	Places    *int64  `json:"places,omitempty"`
	StartDate *Date   `json:"startDate,omitempty"`
	EndDate   *Date   `json:"endDate,omitempty"`
}

// Apply returns in with the patch's fields replaced.
func (pt CohortPatch) Apply(in CohortInput) CohortInput {
	set(&in.Name, pt.Name)
	set(&in.Places, pt.Places)
	set(&in.StartDate, pt.StartDate)
	set(&in.EndDate, pt.EndDate)
	return in
}

// Measure is a wellbeing score averaged over respondents, at the start
// (baseline) and most recently, such as a self-confidence scale.
type Measure struct {
	Name         string  `json:"name"`
	BaselineMean float64 `json:"baselineMean"`
	// LatestMean may be 0, so a body must send it (required: a missing
	// one is refused by the decoder, not read as 0).
	LatestMean  float64 `json:"latestMean" required:"true"`
	Respondents int64   `json:"respondents"`
}

// measureName keeps measure names to short slugs: they become parts of
// attribute names in the totals item.
var measureName = lazyRegexp(`^[a-z][a-z0-9-]{0,39}$`)

// Outcome is one immutable submission of counts for a period. A correction
// is a new Outcome naming the one it Replaces.
type Outcome struct {
	ID          string           `json:"id"`
	ProjectID   string           `json:"projectId"`
	PeriodStart Date             `json:"periodStart"`
	PeriodEnd   Date             `json:"periodEnd"`
	CohortID    string           `json:"cohortId,omitempty"`
	Counts      map[Metric]int64 `json:"counts"`
	Measures    []Measure        `json:"measures,omitempty"`
	Notes       string           `json:"notes,omitempty"`
	Replaces    string           `json:"replaces,omitempty"`
	SubmittedAt time.Time        `json:"submittedAt"`
	SubmittedBy string           `json:"submittedBy"`
	// Status is where the submission stands in review (see review.go).
	Status OutcomeStatus `json:"status"`
	// Review is a lead's decision on it, once made.
	Review *Review `json:"review,omitempty"`
	// ReplacesApproved is, for a correction awaiting review, the approved
	// submission whose figures still count until it is approved.
	ReplacesApproved string `json:"replacesApproved,omitempty"`
	// CorrectedBy is the submission that replaced it: its correction, or
	// the new submission that filled its return once it was sent back for
	// changes (TakesOver). "" while nothing has; recorded by the store in
	// the correction's transaction. Its Status stays what it was when
	// replaced ("pending" for one corrected before review), as the
	// submission is never changed in place: CorrectedBy is what says it is
	// out of the review queue and no longer the one to correct.
	CorrectedBy string `json:"correctedBy,omitempty"`
}

// OutcomeInput is the body of POST …/outcomes.
type OutcomeInput struct {
	PeriodStart Date             `json:"periodStart"`
	PeriodEnd   Date             `json:"periodEnd"`
	CohortID    string           `json:"cohortId"`
	Counts      map[Metric]int64 `json:"counts"`
	Measures    []Measure        `json:"measures"`
	Notes       string           `json:"notes"`
	Replaces    string           `json:"replaces"`
}

// Validate checks a submission's figures. Personal data in its text is a
// separate check (CheckText) with its own error code.
func (in OutcomeInput) Validate() error {
	p := Problems{}
	period(p, "periodStart", in.PeriodStart, "periodEnd", in.PeriodEnd)
	if !in.PeriodStart.IsZero() && !in.PeriodEnd.IsZero() && in.PeriodStart.DaysUntil(in.PeriodEnd) > 366 {
		p.Add("periodEnd", "a period is at most a year; submit longer spans as several periods")
	}
	// An id that could never be one is told as one of no cohort or
	// submission of the project is (the service's answer, another
	// project's or programme's included): one wording, which says nothing
	// of records elsewhere.
	if in.CohortID != "" && !ValidID(in.CohortID) {
		p.Add("cohortId", ProblemNotFoundRef)
	}
	if in.Replaces != "" && !ValidID(in.Replaces) {
		p.Add("replaces", ProblemNotFoundRef)
	}
	if len(in.Counts) == 0 {
		p.Add("counts", "at least one count is required, e.g. {\"referrals\": 12}")
	}
	for m, n := range in.Counts {
		f := "counts." + string(m)
		switch {
		case !ValidMetric(m):
			p.Add(f, "is not a metric; use one of "+metricList())
		case n < 0:
			p.Add(f, "must not be negative")
		case n > MaxCount:
			p.Add(f, "is implausibly large (over "+strconv.Itoa(MaxCount)+" people in one period)")
		}
	}
	if into, starts, ok := IntoWorkBeyondJobStarts(in.Counts); ok {
		p.Add("counts."+string(MetricPeopleIntoWork), intoWorkProblem(into, starts, ""))
	}
	if len(in.Measures) > MaxMeasures {
		p.Add("measures", "at most "+strconv.Itoa(MaxMeasures)+" measures")
	}
	seen := map[string]bool{}
	for i, m := range in.Measures {
		f := "measures[" + strconv.Itoa(i) + "]"
		if !measureName().MatchString(m.Name) {
			p.Add(f+".name", "must be a short lower-case name such as self-confidence")
		} else if seen[m.Name] {
			p.Add(f+".name", "appears twice")
		}
		seen[m.Name] = true
		if m.BaselineMean < MinMeanScore || m.BaselineMean > MaxMeanScore {
			p.Add(f+".baselineMean", "must be from "+limitText(MinMeanScore)+" to "+limitText(MaxMeanScore))
		}
		if (m.LatestMean != 0 && m.LatestMean < MinMeanScore) || m.LatestMean < 0 || m.LatestMean > MaxMeanScore {
			p.Add(f+".latestMean", "must be 0 or from "+limitText(MinMeanScore)+" to "+limitText(MaxMeanScore))
		}
		if m.Respondents < 1 || m.Respondents > MaxRespondents {
			p.Add(f+".respondents", "must be a whole number from 1 to "+strconv.Itoa(MaxRespondents))
		}
	}
	optionalMultiLine(p, "notes", in.Notes, MaxNotesLen)
	return p.Err()
}

// IntoWorkBeyondJobStarts reports whether counts, one submission's
// figures as they will be stored, count more people into work than job
// starts, giving both. Everyone starting paid work for the first time in a
// period has a paid job start in it (SPEC, Metrics), so that cannot be.
// Job starts not given, or given as 0, are read as not reported: a
// project may count only people into work, and an imported sheet's blank
// cell is stored as 0 (and 0 or no key count the same everywhere).
func IntoWorkBeyondJobStarts(counts map[Metric]int64) (into, starts int64, beyond bool) {
	into, starts = counts[MetricPeopleIntoWork], counts[MetricJobStarts]
	return into, starts, starts > 0 && into > starts
}

// intoWorkProblem words IntoWorkBeyondJobStarts's refusal, of the people
// into work; kept, when not "", says where the job starts were taken from
// (", kept from the submission it corrects").
func intoWorkProblem(into, starts int64, kept string) string {
	return "cannot be more than the job starts (" + strconv.FormatInt(starts, 10) + kept + ") in the same submission: " +
		"everyone starting paid work for the first time also has a paid job start, so " + strconv.FormatInt(into, 10) +
		" people into work need at least " + strconv.FormatInt(into, 10) + " job starts"
}

// TextFields lists the submission's free text: each measure's name and
// the notes.
func (in OutcomeInput) TextFields() []TextField {
	out := make([]TextField, 0, len(in.Measures)+1)
	for i, m := range in.Measures {
		out = append(out, TextField{"measures[" + strconv.Itoa(i) + "].name", m.Name})
	}
	return append(out, TextField{"notes", in.Notes})
}

// CheckPeriod checks the period of o, a submission about to be stored on
// day today in programme prog, correcting old (nil for new figures).
//
// A correction is the same period's figures: one for another period would
// leave the return its old figures filled accepted while none of them
// count, so it keeps old's period exactly. New figures are for a period
// that has begun (counts of people already supported, never a forecast)
// and that overlaps the programme's dates. A correction is not held to
// that second rule, so figures stored before it, or before the programme's
// dates moved, can still be put right.
func (o Outcome) CheckPeriod(old *Outcome, prog Programme, today Date) error {
	p := Problems{}
	if old != nil {
		samePeriod(p, o.PeriodStart, o.PeriodEnd, old.PeriodStart, old.PeriodEnd, "submission")
	} else {
		figuresPeriod(p, o.PeriodStart, o.PeriodEnd, prog, today)
	}
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: CodeValidation, Message: "the period of the figures is not one they can be recorded for", Fields: p}
}

// samePeriod checks that a correction keeps the period (start to end) of
// the record it corrects (a "submission" or a "spend return": what).
func samePeriod(p Problems, start, end, oldStart, oldEnd Date, what string) {
	problem := "must be the period of the " + what + " it corrects (" + oldStart.String() + " to " + oldEnd.String() +
		"): a correction is the same period's figures; another period's are sent as new figures, not as a correction"
	if start != oldStart {
		p.Add("periodStart", problem)
	}
	if end != oldEnd {
		p.Add("periodEnd", problem)
	}
}

// figuresPeriod checks the period of new figures against the programme's
// dates and today (see Outcome.CheckPeriod). Dates not given are Validate's.
func figuresPeriod(p Problems, start, end Date, prog Programme, today Date) {
	if start.IsZero() || end.IsZero() {
		return
	}
	switch {
	case start.After(today):
		p.Add("periodStart", "must not be after today ("+today.String()+"): figures are recorded for a period once it has begun")
	case !prog.EndDate.IsZero() && start.After(prog.EndDate):
		p.Add("periodStart", "must not be after the programme ends ("+prog.EndDate.String()+")")
	}
	if !prog.StartDate.IsZero() && end.Before(prog.StartDate) {
		p.Add("periodEnd", "must not be before the programme starts ("+prog.StartDate.String()+")")
	}
}
