package domain

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// A return made from history (a new schedule, a schedule's last period
// moved later, a project's dates widened) must take the state the live
// rules (Fill, Reviewed) would have given it, had it been expected all
// along: one history, one return state, whenever the return was made.

// liveHistory plays a history of one project's period as the service
// makes it: submissions (new figures, another team's or another cohort's,
// and corrections of what stands), lead's decisions on what awaits
// review, and review switched on and off; each moves a return expected
// from the start (Fill, Reviewed), and the submissions are stored as the
// store keeps them (CorrectedBy for a correction and for a take-over).
type liveHistory struct {
	t        *testing.T
	rnd      *rand.Rand
	clock    time.Time
	review   bool
	outcomes []Outcome // in the order made
	live     Return
	log      []string
	n        int
}

func newLiveHistory(t *testing.T, seed uint64) *liveHistory {
	start := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	return &liveHistory{t: t, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), clock: start, review: true,
		live: Return{ID: "r", ProjectID: "j", PeriodStart: d("2026-04-01"), PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"),
			State: StateExpected, Version: 1}}
}

// tick moves the clock on: every event at a time of its own, as the
// service's clock (to the millisecond) gives them.
func (h *liveHistory) tick() time.Time {
	h.clock = h.clock.Add(time.Duration(1+h.rnd.IntN(3*24*60)) * time.Minute)
	return h.clock
}

func (h *liveHistory) find(id string) *Outcome {
	for i := range h.outcomes {
		if h.outcomes[i].ID == id {
			return &h.outcomes[i]
		}
	}
	return nil
}

// submit stores new figures (old nil) or a correction of old, and fills
// the return, recording a take-over as the service does (takeOvers).
func (h *liveHistory) submit(old *Outcome) {
	h.n++
	cohort := ""
	if h.rnd.IntN(3) == 0 {
		cohort = "c1"
	}
	base := Outcome{ID: fmt.Sprintf("o%02d", h.n), ProjectID: "j", PeriodStart: h.live.PeriodStart, PeriodEnd: h.live.PeriodEnd,
		CohortID: cohort, Counts: map[Metric]int64{MetricReferrals: int64(h.n)}, SubmittedAt: h.tick(), SubmittedBy: "pl@example.org"}
	var oldCopy *Outcome
	if old != nil {
		base.Replaces = old.ID
		c := *old
		oldCopy = &c
	}
	o := NewSubmission(base, oldCopy, h.review)
	before := h.live
	after, ok := h.live.Fill(o)
	if ok {
		h.live = after
	}
	if old != nil {
		old.CorrectedBy = o.ID
	}
	if ok && after.SubmissionID == o.ID {
		if id := before.SentBack(); id != "" && id != o.Replaces {
			if sent := h.find(id); sent != nil && o.TakesOver(*sent) {
				sent.CorrectedBy = o.ID
			}
		}
	}
	h.outcomes = append(h.outcomes, o)
	h.log = append(h.log, fmt.Sprintf("submit %s (replaces %q, cohort %q, %s)", o.ID, o.Replaces, o.CohortID, o.Status))
}

// decide is a lead's decision on y, awaiting review and not corrected.
func (h *liveHistory) decide(y *Outcome) {
	rv := Review{Decision: DecisionApprove, By: "lead@example.org", At: h.tick()}
	st := OutcomeApproved
	if h.rnd.IntN(2) == 0 {
		rv.Decision, rv.Comment, st = DecisionRequestChanges, "check the referrals", OutcomeChangesRequested
	}
	if after, ok := h.live.Reviewed(*y, rv); ok {
		h.live = after
	}
	y.Status, y.Review = st, &rv
	h.log = append(h.log, fmt.Sprintf("%s %s", rv.Decision, y.ID))
}

// step makes one random move the API allows.
func (h *liveHistory) step() {
	current := CurrentSubmissions(h.outcomes)
	var pending []string
	for _, o := range current {
		if o.EffectiveStatus() == OutcomePending {
			pending = append(pending, o.ID)
		}
	}
	switch k := h.rnd.IntN(10); {
	case k < 3 || len(current) == 0:
		h.submit(nil)
	case k < 6:
		h.submit(h.find(current[h.rnd.IntN(len(current))].ID))
	case k < 9 && len(pending) > 0:
		h.decide(h.find(pending[h.rnd.IntN(len(pending))]))
	default:
		h.review = !h.review
		h.log = append(h.log, fmt.Sprintf("review %v", h.review))
	}
}

// compared is what a return's state is made of.
func compared(r Return) string {
	sub := "-"
	if r.SubmittedAt != nil {
		sub = r.SubmittedAt.Format(time.RFC3339)
	}
	return fmt.Sprintf("state=%s submission=%s correction=%+v review=%+v submittedAt=%s late=%v",
		r.State, r.SubmissionID, r.Correction, r.Review, sub, r.Late)
}

// TestFilledFromAgreesWithFill: on random histories, a return made after
// them (FilledFrom, given the submissions in any order) has the state the
// return expected all along has, after each step: its submission, status,
// correction under way, review, first sending and lateness.
func TestFilledFromAgreesWithFill(t *testing.T) {
	for seed := range uint64(400) {
		h := newLiveHistory(t, seed)
		steps := 1 + h.rnd.IntN(14)
		for range steps {
			h.step()
			stored := slices.Clone(h.outcomes)
			h.rnd.Shuffle(len(stored), func(i, j int) { stored[i], stored[j] = stored[j], stored[i] })
			// Another project's and another period's figures are not its.
			stored = append(stored, Outcome{ID: "zz", ProjectID: "k", PeriodStart: h.live.PeriodStart, PeriodEnd: h.live.PeriodEnd, SubmittedAt: h.clock},
				Outcome{ID: "zy", ProjectID: "j", PeriodStart: d("2026-05-01"), PeriodEnd: h.live.PeriodEnd, SubmittedAt: h.clock})
			fresh := Return{ID: "r", ProjectID: "j", PeriodStart: h.live.PeriodStart, PeriodEnd: h.live.PeriodEnd, DueDate: h.live.DueDate,
				State: StateExpected, Version: 1}
			got, follows := fresh.FilledFrom(stored)
			if compared(got) != compared(h.live) {
				t.Fatalf("seed %d: after\n  %s\nmade from history: %s\nexpected all along: %s", seed, strings.Join(h.log, "\n  "),
					compared(got), compared(h.live))
			}
			want := h.live.SubmissionID
			if h.live.Correction != nil {
				want = h.live.Correction.SubmissionID
			}
			if follows == nil || follows.ID != want {
				t.Fatalf("seed %d: after\n  %s\nfilled from %+v, want %s", seed, strings.Join(h.log, "\n  "), follows, want)
			}
			if !reflect.DeepEqual(fresh.FillFromHistory(stored), got) {
				t.Fatalf("seed %d: FillFromHistory and FilledFrom differ", seed)
			}
		}
	}
}

// TestFilledFromKeepsTheFirst: the audit's cases. Approved figures, then a
// second team's awaiting review: the return stays accepted on the
// approved ones, as the returns expected then stayed. A submission
// awaiting review, then a second team's approved: the return awaits review
// of the first. And the second team's figures sent back leave it as it is.
func TestFilledFromKeepsTheFirst(t *testing.T) {
	at := func(s string) time.Time { return d(s).Time().Add(9 * time.Hour) }
	r := Return{ProjectID: "j", PeriodStart: d("2026-10-01"), PeriodEnd: d("2026-10-31"), DueDate: d("2026-11-05"), State: StateExpected}
	approve := func(s string) *Review { return &Review{Decision: DecisionApprove, By: "lead@example.org", At: at(s)} }
	g := Outcome{ID: "g", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: at("2026-11-02"),
		Status: OutcomeApproved, Review: approve("2026-11-03")}
	x := Outcome{ID: "x", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: at("2026-11-04"),
		Status: OutcomePending, Notes: "second team"}
	got, follows := r.FilledFrom([]Outcome{x, g})
	if got.State != StateAccepted || got.SubmissionID != "g" || got.Review == nil || got.Correction != nil || follows == nil || follows.ID != "g" {
		t.Errorf("approved, then a second team's: %s (follows %+v), want accepted on g", compared(got), follows)
	}
	x.Status, x.Review = OutcomeChangesRequested, &Review{Decision: DecisionRequestChanges, By: "lead@example.org", At: at("2026-11-06"), Comment: "no"}
	if got, _ := r.FilledFrom([]Outcome{x, g}); got.State != StateAccepted || got.SubmissionID != "g" {
		t.Errorf("the second team's sent back: %s, want accepted on g", compared(got))
	}
	// The other way round: g2 awaits review, x2 (approved) came after.
	g2 := Outcome{ID: "g2", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: at("2026-11-02"), Status: OutcomePending}
	x2 := Outcome{ID: "x2", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: at("2026-11-03"),
		Status: OutcomeApproved, Review: approve("2026-11-04")}
	if got, follows := r.FilledFrom([]Outcome{x2, g2}); got.State != StateSubmitted || got.SubmissionID != "g2" || follows == nil || follows.ID != "g2" {
		t.Errorf("awaiting review, then a second team's approved: %s, want submitted on g2", compared(got))
	}
	// g2 sent back before x2 came: x2 filled the return then.
	g2.Status, g2.Review = OutcomeChangesRequested, &Review{Decision: DecisionRequestChanges, By: "lead@example.org", At: at("2026-11-02"), Comment: "no"}
	if got, _ := r.FilledFrom([]Outcome{x2, g2}); got.State != StateAccepted || got.SubmissionID != "x2" {
		t.Errorf("sent back, then new figures approved: %s, want accepted on x2", compared(got))
	}
	// All at one millisecond (the service's clock): the correction after
	// what it corrects, a decision after its submission and before a
	// correction of it, whatever the ids.
	same := at("2026-11-02")
	a := Outcome{ID: "m", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: same, Status: OutcomeApproved,
		Review: &Review{Decision: DecisionApprove, At: same}, CorrectedBy: "b"}
	b := Outcome{ID: "b", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: same, Status: OutcomePending,
		Replaces: "m", ReplacesApproved: "m"}
	if got, _ := r.FilledFrom([]Outcome{b, a}); got.State != StateAccepted || got.SubmissionID != "m" || got.Review == nil ||
		got.Correction == nil || got.Correction.SubmissionID != "b" {
		t.Errorf("a correction of approved figures in the same millisecond: %s, want accepted on m (its review), correction b", compared(got))
	}
}
