package domain

// OutcomeStatus is where a submission stands in review.
type OutcomeStatus string

// Submission statuses. Without review every submission is approved at
// once; with it (a programme's reviewOutcomes) each starts pending and
// counts only once a lead approves it.
const (
	OutcomePending          OutcomeStatus = "pending"
	OutcomeApproved         OutcomeStatus = "approved"
	OutcomeChangesRequested OutcomeStatus = "changes-requested"
)

// EffectiveStatus is the submission's status; submissions recorded before
// review existed carry none and were counted at once: approved.
func (o Outcome) EffectiveStatus() OutcomeStatus {
	if o.Status == "" {
		return OutcomeApproved
	}
	return o.Status
}

// SentBy reports whether the person with address email sent o: a
// decision of theirs on it would be a review of their own figures. SPEC,
// reporting cycle: "each project sends its figures …, the network lead
// checks them, and only then do funders see them": figures approved by
// whoever entered them have been checked by nobody else. So while the
// programme has another lead, a decision on one's own submission is
// refused (that lead reviews it); the programme's only lead (or an
// administrator of a programme with no lead) may still decide, or the
// figures could never count, and the review records that the reviewer
// sent them (Review.BySubmitter), for everyone who reads it.
func (o Outcome) SentBy(email string) bool {
	return email != "" && NormaliseEmail(o.SubmittedBy) == NormaliseEmail(email)
}

// Counted reports whether the submission's figures are in the totals
// while it is the newest of its corrections: only approved ones are.
func (o Outcome) Counted() bool { return o.EffectiveStatus() == OutcomeApproved }

// AsApproved is the submission as one who reads approved figures only
// (a funder) sees it: its status and figures, without the leads' review
// of it or the id of its correction (CorrectedBy), whose comment and reviewer are the leads' word to the project
// (Return.View keeps it from funders the same way). A correction of a
// submission that was never approved (sent back, or corrected before
// review) names instead the approved submission it took over from, or
// none: the one it replaced is not theirs to read, and without the link
// the approved figures it superseded would look current beside it.
// Submissions recorded before review existed carry no status and only
// ever replaced counted ones.
func (o Outcome) AsApproved() Outcome {
	o.Review = nil
	// Its correction may await review or have been sent back: not theirs
	// to know of. They follow a correction's replaces instead.
	o.CorrectedBy = ""
	if o.ReplacesUnapproved() {
		o.Replaces = o.ReplacesApproved
	}
	return o
}

// ReplacesUnapproved reports whether o corrects a submission that was
// never approved: a correction of an approved one takes over from it.
func (o Outcome) ReplacesUnapproved() bool {
	return o.Status != "" && o.Replaces != o.ReplacesApproved
}

// NewSubmission settles a new submission's status and, for a correction,
// which approved submission it takes over from once it counts: with review,
// a correction leaves the approved figures counted until it is approved
// itself, so it remembers which they are (old's, when old is approved, else
// those old was waiting to take over from).
func NewSubmission(o Outcome, old *Outcome, review bool) Outcome {
	o.Status = OutcomeApproved
	if review {
		o.Status = OutcomePending
	}
	o.ReplacesApproved = ""
	if old != nil {
		if old.Counted() {
			o.ReplacesApproved = old.ID
		} else {
			o.ReplacesApproved = old.ReplacesApproved
		}
	}
	return o
}

// TakesOver reports whether o, a new submission filling a return that
// was sent back on sent (the return held sent, changes requested), is the
// project's answer to that request: the same project, period and cohort,
// and not already sent's correction (which replaces it anyway). The
// return moves on to o, so sent is done with as if o had corrected it: a
// later correction of sent is refused as of a submission corrected already
// (else sent's correction and o would both await approval for one return,
// and approving both would count the period twice). Another cohort's
// figures for the period are not an answer to sent: a project with
// cohorts sends one submission a period for each.
func (o Outcome) TakesOver(sent Outcome) bool {
	return sent.ID != o.ID && sent.ID != o.Replaces && sent.EffectiveStatus() == OutcomeChangesRequested &&
		sent.ProjectID == o.ProjectID && sent.CohortID == o.CohortID &&
		sent.PeriodStart == o.PeriodStart && sent.PeriodEnd == o.PeriodEnd
}

// FigureChange is how a change of submissions moves the figures: what
// enters the counted totals (Count) and leaves them (Uncount), and what
// enters and leaves the pending figures. Each is a submission whose
// counts move as a whole.
type FigureChange struct {
	Count, Uncount []Outcome
	Pend, Unpend   []Outcome
}

// Submitting is the figure change of storing o (settled by NewSubmission),
// correcting old when old is not nil. counted is the approved submission
// o takes over from (o.ReplacesApproved, read), needed when o counts at
// once.
func Submitting(o Outcome, old, counted *Outcome) FigureChange {
	var fc FigureChange
	if old != nil && old.EffectiveStatus() == OutcomePending {
		fc.Unpend = append(fc.Unpend, *old) // old no longer awaits review
	}
	if o.Status == OutcomePending {
		fc.Pend = append(fc.Pend, o)
		return fc
	}
	fc.Count = append(fc.Count, o)
	if counted != nil {
		fc.Uncount = append(fc.Uncount, *counted)
	}
	return fc
}

// Reviewing is the figure change of a lead's decision on the pending
// submission o: approving swaps o in for the approved submission it takes
// over from (counted, nil when none); requesting changes counts nothing.
func Reviewing(o Outcome, d ReviewDecision, counted *Outcome) FigureChange {
	fc := FigureChange{Unpend: []Outcome{o}}
	if d == DecisionApprove {
		fc.Count = []Outcome{o}
		if counted != nil {
			fc.Uncount = []Outcome{*counted}
		}
	}
	return fc
}

// PendingFigures are the figures of submissions awaiting review, for
// leads and project leads in the progress report.
type PendingFigures struct {
	Totals      map[Metric]int64 `json:"totals"`
	Submissions int64            `json:"submissions"`
}

// PeriodEntry is a submission for one project and exact period that
// counts now (Counted) or awaits review.
type PeriodEntry struct {
	Outcome Outcome
	Counted bool
}

// Alongside is what else counts now, or awaits review, for exactly y's
// project, period and cohort (or, for y without a cohort, without one),
// from period (the submissions of that project and period, corrections
// included, newest first): for each correction chain but y's own, the
// approved submission whose figures count and the one awaiting review,
// newest first. Approving y adds its figures to theirs, where a correction
// only replaces its own chain's. (A correction keeps its period, so a
// chain's submissions are all in period.) Another cohort's figures, or the
// project's general ones, are not sent twice with y's: a project with
// cohorts sends one submission for each. Each chain is read from its
// newest submission (chainHeads), taken over or not: one taken over (by
// new figures for its return once sent back for changes: TakesOver)
// counts nothing itself and awaits no review, but the approved figures it
// would have replaced (ReplacesApproved) still count.
func Alongside(y Outcome, period []Outcome) []PeriodEntry {
	byID := make(map[string]Outcome, len(period))
	for _, o := range period {
		byID[o.ID] = o
	}
	var out []PeriodEntry
	// Each entry is compared, not its chain: a correction may move figures
	// to another cohort, leaving those it replaces counted meanwhile.
	add := func(e PeriodEntry) {
		if e.Outcome.CohortID == y.CohortID {
			out = append(out, e)
		}
	}
	for _, h := range chainHeads(period) {
		if h.ID == y.ID {
			continue
		}
		switch {
		case h.Counted():
			add(PeriodEntry{Outcome: h, Counted: true})
			continue
		case h.EffectiveStatus() == OutcomePending:
			add(PeriodEntry{Outcome: h})
		}
		// A correction awaiting review, or sent back, leaves the approved
		// figures it would replace counted meanwhile.
		if a, ok := byID[h.ReplacesApproved]; ok && h.ReplacesApproved != "" {
			add(PeriodEntry{Outcome: a, Counted: true})
		}
	}
	return out
}
