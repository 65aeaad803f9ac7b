package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// reviewDB is whenDB that can also run something just before the next
// transaction recording a review of a submission (an update setting its
// review), after the review read the submission and its returns.
type reviewDB struct {
	*whenDB
	mu           sync.Mutex
	beforeReview func()
}

func (d *reviewDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	d.mu.Lock()
	var run func()
	if d.beforeReview != nil && slicesAny(in, func(u string) bool { return strings.Contains(u, "review = :review") }) {
		run, d.beforeReview = d.beforeReview, nil
	}
	d.mu.Unlock()
	if run != nil {
		run()
	}
	return d.whenDB.TransactWriteItems(ctx, in, o...)
}

// slicesAny reports whether an update of the transaction has an update
// expression f accepts.
func slicesAny(in *dynamodb.TransactWriteItemsInput, f func(string) bool) bool {
	for _, it := range in.TransactItems {
		if it.Update != nil && it.Update.UpdateExpression != nil && f(*it.Update.UpdateExpression) {
			return true
		}
	}
	return false
}

// TestReviewWhileNewSchedulesReturnsAreWritten: on DynamoDB, a lead's
// decision on a submission awaiting review, made while a new schedule's
// returns are being written (the audit's D1), ends on the new schedule's
// return for the submission's period whichever way the two interleave:
// accepted when approved, changes-requested when sent back, never left
// at submitted. The generation's return filled from the submission is
// written only while the submission's status is as read (a dependent's
// premise moving its revision), and the review is guarded on that
// revision as read before it read the returns.
func TestReviewWhileNewSchedulesReturnsAreWritten(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	for _, c := range []struct {
		decision string
		want     domain.ReturnStatus
	}{{"approve", domain.ReturnAccepted}, {"request-changes", domain.ReturnChangesRequested}} {
		// setup is a programme reviewing submissions, with one awaiting
		// review for February 2025, which no schedule has a period for.
		setup := func(t *testing.T) (*reviewDB, *datesWorld, domain.Outcome, func() error) {
			db := &reviewDB{whenDB: &whenDB{Client: client}}
			w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
			if _, err := w.open().UpdateProgramme(func(int64) bool { return true }, testkit.Body(map[string]any{"reviewOutcomes": true})); err != nil {
				t.Fatal(err)
			}
			o, err := w.svc.OpenProject(w.ctx, w.lead, w.pid, w.j).SubmitOutcome(testkit.Body(map[string]any{
				"periodStart": "2025-02-01", "periodEnd": "2025-02-28", "counts": map[string]int{"referrals": 4}}))
			if err != nil || o.Status != domain.OutcomePending {
				t.Fatalf("the submission: %+v, %v", o, err)
			}
			in := map[string]any{"decision": c.decision}
			if c.decision == "request-changes" {
				in["comment"] = "Four referrals in February: which service?"
			}
			review := func() error {
				_, err := w.svc.OpenProject(w.ctx, w.lead, w.pid, w.j).ReviewOutcome(o.ID, testkit.Body(in))
				return err
			}
			return db, w, o, review
		}
		newSchedule := func(w *datesWorld) (domain.Schedule, error) {
			return w.open().CreateSchedule(testkit.Body(map[string]any{"name": "Monthly returns", "frequency": "monthly",
				"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31"}))
		}
		// check: the new schedule's February return holds the decision,
		// and nothing is counted as awaiting review.
		check := func(t *testing.T, w *datesWorld, sch domain.Schedule, o domain.Outcome) {
			t.Helper()
			r, err := w.open().Return(domain.ReturnID(sch.ID, w.j, domain.MustDate("2025-02-01")))
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != c.want || r.SubmissionID != o.ID {
				t.Errorf("February's return of the new schedule: %s on %q, want %s on the submission %s", r.Status, r.SubmissionID, c.want, o.ID)
			}
			pr, err := w.open().Progress()
			if err != nil {
				t.Fatal(err)
			}
			if pr.Returns == nil || pr.Returns.Submitted != 0 {
				t.Errorf("counts %+v, want none awaiting review", pr.Returns)
			}
			if gs := w.pendingGenerations(t); len(gs) != 0 {
				t.Errorf("generations left: %+v", gs)
			}
		}

		t.Run(c.decision+" lands while the returns are being written", func(t *testing.T) {
			t.Parallel()
			db, w, o, review := setup(t)
			var reviewed error
			ran := false
			db.when("RETURN#", func() { ran, reviewed = true, review() })
			sch, err := newSchedule(w)
			if err != nil {
				t.Fatalf("the new schedule: %v", err)
			}
			if !ran || reviewed != nil {
				t.Fatalf("the review meanwhile: ran %v, %v", ran, reviewed)
			}
			check(t, w, sch, o)
		})

		t.Run("the returns land while "+c.decision+" is planned", func(t *testing.T) {
			t.Parallel()
			db, w, o, review := setup(t)
			// The new schedule's returns are not written with it (the
			// request died), so its generation waits for the notifier.
			db.failNext("RETURN#", errors.New("injected: connection lost"))
			sch, err := newSchedule(w)
			if err != nil {
				t.Fatalf("the new schedule: %v", err)
			}
			gs := w.pendingGenerations(t)
			if len(gs) != 1 {
				t.Fatalf("%d generations pending, want the new schedule's", len(gs))
			}
			// The notifier finishes it after the review read the
			// submission and its returns, before the review's transaction.
			var finished error
			ran := false
			db.mu.Lock()
			db.beforeReview = func() { ran, finished = true, w.svc.CompleteGeneration(w.ctx, gs[0]) }
			db.mu.Unlock()
			if err := review(); err != nil {
				t.Fatalf("the review: %v", err)
			}
			if !ran || finished != nil {
				t.Fatalf("the generation meanwhile: ran %v, %v", ran, finished)
			}
			check(t, w, sch, o)
		})
	}
}
