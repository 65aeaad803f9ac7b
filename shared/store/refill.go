package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// ReturnFill is the part of a return that the submissions of its period
// and the decisions on them set: what RefillReturns compares and puts
// right.
type ReturnFill struct {
	State        domain.ReturnState       `json:"state"`
	SubmissionID string                   `json:"submissionId,omitempty"`
	SubmittedAt  *time.Time               `json:"submittedAt,omitempty"`
	Late         bool                     `json:"late"`
	Review       *domain.Review           `json:"review,omitempty"`
	Correction   *domain.ReturnCorrection `json:"correction,omitempty"`
}

func fillOf(r domain.Return) ReturnFill {
	return ReturnFill{State: r.State, SubmissionID: r.SubmissionID, SubmittedAt: r.SubmittedAt, Late: r.Late, Review: r.Review, Correction: r.Correction}
}

// same reports whether two fills are one: times compared as instants.
func (f ReturnFill) same(g ReturnFill) bool {
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	review := func(r *domain.Review) *domain.Review {
		if r == nil {
			return nil
		}
		c := *r
		c.At = c.At.UTC()
		return &c
	}
	return f.State == g.State && f.SubmissionID == g.SubmissionID && at(f.SubmittedAt) == at(g.SubmittedAt) && f.Late == g.Late &&
		reflect.DeepEqual(review(f.Review), review(g.Review)) && reflect.DeepEqual(f.Correction, g.Correction)
}

// Refill is one return whose stored state is not the one the submissions
// of its period give it (domain.Return.FilledFrom): what it held, what
// they give it (what it holds now, once put right), and, for one left as
// it is for a person to decide, why.
type Refill struct {
	ReturnID    string      `json:"returnId"`
	ScheduleID  string      `json:"scheduleId"`
	ProjectID   string      `json:"projectId"`
	PeriodStart domain.Date `json:"periodStart"`
	PeriodEnd   domain.Date `json:"periodEnd"`
	Held        ReturnFill  `json:"held"`
	Holds       ReturnFill  `json:"holds"`
	Left        string      `json:"left,omitempty"`
}

// Refilled is what RefillReturns did: the returns it put right (with
// write false, would put right), and those it left as they are for a
// person to decide (each Left saying why).
type Refilled struct {
	Refilled []Refill `json:"refilled"`
	Left     []Refill `json:"left"`
}

// refillPlans bounds the reads of RefillReturns: a return that changed
// between a read and its write is planned again on the next read.
const refillPlans = 5

// RefillReturns puts right a programme's returns whose state is not the
// one the submissions of their periods give them: the returns a
// schedule made part way through the programme, a schedule's last period
// moved later or a project's dates widened made before 2026-12, which
// took the newest submission that stands rather than, as
// domain.Return.FilledFrom does now, the first that filled the period
// followed through its corrections (a second team's figures had taken the
// return over). A return whose state matches is left alone, so a second
// run changes nothing.
//
// It reads every return (the RETURN# prefix's Query pages), then every
// submission (OUTCOME#) and every payment (PAYMENT#), all consistently,
// in that order. A return that differs is left for a person (Left) when
// a payment not cancelled is made on it (waiting on it, due on it or
// paid on it: its state may have made that payment due, or still may),
// or when its submissions would leave it with nothing sent. Any other is
// rewritten whole, with the counts it moves (SCHEDSTAT#<s> and
// RETSTAT#<j>#<s>, as a fill moves them; the notifier's index RDUE as
// returnRecord keeps it) and its audit event (by domain.RepairCaller), in
// one transaction conditioned on:
//
//   - the return's version as read: a submission or decision that wrote
//     it since (one made before it was read was read with it);
//   - its dependents revision (rev) as read, kept: a payment made on it
//     since the payments were read (one made before the return was read
//     moved rev before it, and is among the payments read after it);
//   - each submission of its period still at the status and correctedBy
//     read, each moving its rev on as a generation's premise does (see
//     CreateReturns): a decision, correction or take-over of one landing
//     since, which need not write the return as stored, and a decision
//     planned on a read from before, guarded on that rev, plans again.
//
// A write so refused is planned again on fresh reads, up to five reads in
// all, then left (Left says so); one refused by its schedule's counts
// being below what it takes is left for infra/recount first. Not caught:
// a submission of the period that writes no return as stored and checks
// none of the above, landing between the read and the write (a new one
// beside the return sent), or planned on the return as it was before the
// write and landing after it (a correction of the submission the return
// now follows, which its plan did not see the return hold); a second run
// puts right what either changes.
//
// With write false it only reads, and says what it would put right.
func (s *Store) RefillReturns(ctx context.Context, programmeID string, write bool) (Refilled, error) {
	var out Refilled
	for plan := 1; ; plan++ {
		did, raced, err := s.refillOnce(ctx, programmeID, write)
		out.Refilled = append(out.Refilled, did.Refilled...)
		out.Left = did.Left
		if err != nil || len(raced) == 0 {
			return out, err
		}
		if plan == refillPlans {
			for _, r := range raced {
				r.Left = fmt.Sprintf("changed while it was put right, %d times running: run this again", refillPlans)
				out.Left = append(out.Left, r)
			}
			return out, nil
		}
	}
}

// refillOnce is one read of RefillReturns and the writes planned on it;
// raced are the returns whose write was refused as changed since.
func (s *Store) refillOnce(ctx context.Context, programmeID string, write bool) (Refilled, []Refill, error) {
	everything := service.Page{Limit: 1 << 30}
	var returns []domain.Return
	// The returns first, then what they are checked against (see above).
	if _, err := s.listChildren(ctx, programmeID, prefixReturn, everything, func(item Item) error {
		r, err := decodeReturn(item)
		if err == nil {
			returns = append(returns, r)
		}
		return err
	}); err != nil {
		return Refilled{}, nil, fmt.Errorf("refill returns of %s: %w", programmeID, err)
	}
	var outcomes []domain.Outcome
	if _, err := s.listChildren(ctx, programmeID, prefixOutcome, everything, func(item Item) error { return appendDecoded(item, &outcomes) }); err != nil {
		return Refilled{}, nil, fmt.Errorf("refill returns of %s: %w", programmeID, err)
	}
	var payments []domain.Payment
	if _, err := s.listChildren(ctx, programmeID, prefixPayment, everything, func(item Item) error { return appendDecoded(item, &payments) }); err != nil {
		return Refilled{}, nil, fmt.Errorf("refill returns of %s: %w", programmeID, err)
	}
	byProject := map[string][]domain.Outcome{}
	for _, o := range outcomes {
		byProject[o.ProjectID] = append(byProject[o.ProjectID], o)
	}
	paidOn := map[string][]domain.Payment{}
	for _, p := range payments {
		if p.Trigger.Kind == domain.TriggerReturn && p.Status != domain.PaymentCancelled {
			paidOn[p.Trigger.ReturnID] = append(paidOn[p.Trigger.ReturnID], p)
		}
	}

	var out Refilled
	var raced []Refill
	for _, r := range returns {
		want, _ := unfilled(r).FilledFrom(byProject[r.ProjectID])
		if fillOf(r).same(fillOf(want)) {
			continue
		}
		rf := Refill{ReturnID: r.ID, ScheduleID: r.ScheduleID, ProjectID: r.ProjectID, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd,
			Held: fillOf(r), Holds: fillOf(want)}
		period := slices.DeleteFunc(slices.Clone(byProject[r.ProjectID]), func(o domain.Outcome) bool {
			return o.PeriodStart != r.PeriodStart || o.PeriodEnd != r.PeriodEnd
		})
		switch {
		case len(paidOn[r.ID]) > 0:
			p := paidOn[r.ID][0]
			rf.Left = fmt.Sprintf("payment %s of grant %s (%s) is made on this return, and %d in all: a person decides whether its state may change",
				p.ID, p.GrantID, p.Status, len(paidOn[r.ID]))
		case !want.Sent():
			// A return once sent is never made unsent: the notifier's
			// index would have it back, and its emails with it.
			rf.Left = "the submissions of its period leave it with nothing sent: a person decides"
		case len(period)+refillItems > maxTxItems:
			rf.Left = fmt.Sprintf("its period has %d submissions, more than one transaction can be conditioned on", len(period))
		}
		if rf.Left != "" {
			out.Left = append(out.Left, rf)
			continue
		}
		if !write {
			out.Refilled = append(out.Refilled, rf)
			continue
		}
		err := s.refillReturn(ctx, programmeID, r, want, period)
		switch {
		case err == nil:
			out.Refilled = append(out.Refilled, rf)
		case errors.Is(err, service.ErrChanged):
			raced = append(raced, rf)
		case errors.Is(err, service.ErrCountsBelowZero):
			rf.Left = "its schedule's counts hold less than it takes from them: run infra/recount, then this again"
			out.Left = append(out.Left, rf)
		default:
			return out, raced, fmt.Errorf("refill return %s: %w", r.ID, err)
		}
	}
	return out, raced, nil
}

// refillItems are the items of a refill's transaction besides its
// submissions' premises: the return, its schedule's and its project's
// counts, and its audit event.
const refillItems = 4

// unfilled is r as first expected, before anything was sent for it.
func unfilled(r domain.Return) domain.Return {
	r.State, r.SubmissionID, r.SubmittedAt, r.Late, r.Review, r.Correction = domain.StateExpected, "", nil, false, nil, nil
	return r
}

// refillReturn rewrites r as want, planned on the submissions of its
// period as read (see RefillReturns): service.ErrChanged when r, its
// dependents revision or one of them changed since.
func (s *Store) refillReturn(ctx context.Context, programmeID string, r, want domain.Return, period []domain.Outcome) error {
	t := &tx{}
	for _, o := range period {
		s.premise(t, programmeID, service.Premise{Ref: domain.ProjectRef(domain.EntityOutcome, o.ProjectID, o.ID), Record: o,
			Fields: []string{"Status", "CorrectedBy"}, Dependent: true, Err: service.ErrChanged})
	}
	stats := map[statsKey]domain.StatsDelta{}
	before := r
	if err := s.returnWrites(t, programmeID, []service.ReturnWrite{{Before: &before, After: want}}, stats); err != nil {
		return err
	}
	for _, u := range s.statsUpdates(programmeID, stats) {
		t.add(u, service.ErrCountsBelowZero)
	}
	after := want
	after.Version = r.Version + 1
	ch := service.Change{
		Audit: domain.NewAuditEvent(domain.RepairCaller, programmeID, domain.EntityReturn, r.ID, domain.ActionChange, toItem(r), toItem(after), time.Now()),
		Guard: &service.Guard{Ref: domain.Ref(domain.EntityReturn, r.ID), Rev: r.Rev, Err: service.ErrChanged},
	}
	return s.write(ctx, ch, t)
}
