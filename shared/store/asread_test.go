package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// arWorld is a dpWorld over a store of its own, with project A's project
// lead.
type arWorld struct {
	*dpWorld
	db    *prRacingDB
	st    *store.Store
	table string
	pl    domain.Caller
}

func newARWorld(t *testing.T) *arWorld {
	t.Helper()
	client, table := testenv.Table(t)
	db := &prRacingDB{Client: client}
	st := store.New(db, table)
	w := &arWorld{dpWorld: newDPWorld(t, service.New(st, func() time.Time { return time.Now().UTC() })), db: db, st: st, table: table}
	w.pl = domain.Caller{Identity: domain.Identity{Subject: "sub-pl", Email: "pl-a@example.org"}}
	if _, _, err := w.svc.Open(w.ctx, w.admin, w.pid).PutMember(w.pl.Email,
		testkit.Body(testkit.RolesBody(testkit.RoleProjectLead(w.a)))); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *arWorld) reviewOn(*dpWorld) error {
	_, err := w.open().UpdateProgramme(func(int64) bool { return true }, testkit.Body(map[string]any{"reviewOutcomes": true}))
	return err
}

func (w *arWorld) referrals(t *testing.T) int64 {
	t.Helper()
	tot, err := w.st.Totals(w.ctx, w.pid)
	if err != nil {
		t.Fatal(err)
	}
	return tot.Programme[domain.MetricReferrals]
}

// TestSubmissionWhileReviewSwitchedOnDynamo: on DynamoDB, figures sent
// while a lead switches review on, the switch landing between the
// submission's read of the programme and its transaction, are stored
// pending and count nothing: the transaction's check of the programme's
// review setting refuses it, and it is decided again on the programme
// as it is now, the project lead told nothing of it.
func TestSubmissionWhileReviewSwitchedOnDynamo(t *testing.T) {
	t.Parallel()
	w := newARWorld(t)
	before := w.referrals(t)
	var o domain.Outcome
	_, err := raceAgainst(t, w.db, w.dpWorld, func(*dpWorld) (err error) {
		o, err = w.svc.OpenProject(w.ctx, w.pl, w.pid, w.a).SubmitOutcome(testkit.Body(testkit.OutcomeBody(map[string]int{"referrals": 7})))
		return err
	}, w.reviewOn)
	if err != nil {
		t.Fatalf("the submission: %v", err)
	}
	if o.Status != domain.OutcomePending {
		t.Errorf("answered %s, want pending", o.Status)
	}
	stored, err := w.openA().Outcome(o.ID)
	if err != nil || stored.Status != domain.OutcomePending {
		t.Errorf("stored %+v %v, want pending", stored.Status, err)
	}
	if got := w.referrals(t) - before; got != 0 {
		t.Errorf("referrals counted rose by %d before any review", got)
	}
}

// TestImportWhileReviewSwitchedOnDynamo: the same for an import, whose
// transactions check the programme as its rows were planned on.
func TestImportWhileReviewSwitchedOnDynamo(t *testing.T) {
	t.Parallel()
	w := newARWorld(t)
	before := w.referrals(t)
	var res domain.ImportResult
	_, err := raceAgainst(t, w.db, w.dpWorld, func(*dpWorld) (err error) {
		res, err = w.svc.Open(w.ctx, w.pl, w.pid).Import(service.ImportFile{MediaType: domain.MediaCSV,
			Data: []byte("project,periodStart,periodEnd,referrals\r\nBradford IPS,2025-04-01,2025-06-30,7\r\n")}, false)
		return err
	}, w.reviewOn)
	if err != nil {
		t.Fatalf("the import: %v", err)
	}
	if res.Created != 1 {
		t.Fatalf("import result %+v", res)
	}
	stored, err := w.openA().Outcome(res.Submissions[0])
	if err != nil || stored.Status != domain.OutcomePending {
		t.Errorf("stored %+v %v, want pending", stored.Status, err)
	}
	if got := w.referrals(t) - before; got != 0 {
		t.Errorf("referrals counted rose by %d before any review", got)
	}
}

// TestSubmissionToProgrammeWithoutReviewSetting: a programme stored
// before it had a review setting (no reviewOutcomes attribute) reads as
// not reviewing, and the check of it in a submission's transaction holds:
// the figures are stored, counted.
func TestSubmissionToProgrammeWithoutReviewSetting(t *testing.T) {
	t.Parallel()
	w := newARWorld(t)
	if _, err := w.db.Client.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: aws.String(w.table),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "PROG#" + w.pid},
			"SK": &types.AttributeValueMemberS{Value: "PROG"}},
		UpdateExpression: aws.String("REMOVE reviewOutcomes")}); err != nil {
		t.Fatal(err)
	}
	before := w.referrals(t)
	o, err := w.svc.OpenProject(w.ctx, w.pl, w.pid, w.a).SubmitOutcome(testkit.Body(testkit.OutcomeBody(map[string]int{"referrals": 7})))
	if err != nil || o.Status != domain.OutcomeApproved {
		t.Fatalf("the submission: %+v %v, want approved", o.Status, err)
	}
	if got := w.referrals(t) - before; got != 7 {
		t.Errorf("referrals counted rose by %d, want 7", got)
	}
}

// TestRemovedMemberWritesNothingDynamo: on DynamoDB, a project lead
// removed while their figures are in flight, the removal landing between
// the request's access read and its transaction, stores nothing: the
// transaction's check of MEMBER#<email> refuses it, and read again they
// are not a member (404). A lead removed while reviewing decides nothing.
// A member whose roles grew meanwhile is still allowed: the check (on
// the roles as read) refuses the first transaction, the second lands.
func TestRemovedMemberWritesNothingDynamo(t *testing.T) {
	t.Parallel()
	send := func(w *arWorld) (domain.Outcome, error) {
		return w.svc.OpenProject(w.ctx, w.pl, w.pid, w.a).SubmitOutcome(testkit.Body(testkit.OutcomeBody(map[string]int{"referrals": 7})))
	}
	t.Run("figures sent", func(t *testing.T) {
		t.Parallel()
		w := newARWorld(t)
		before := w.referrals(t)
		events, err := raceAgainst(t, w.db, w.dpWorld, func(*dpWorld) error { _, err := send(w); return err },
			func(*dpWorld) error { return w.svc.Open(w.ctx, w.admin, w.pid).DeleteMember(w.pl.Email) })
		if domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("figures of a member removed meanwhile: %v, want 404", err)
		}
		if got := w.referrals(t) - before; got != 0 {
			t.Errorf("referrals counted rose by %d", got)
		}
		if n := auditCount(t, w.dpWorld); n != events+1 { // the removal's
			t.Errorf("%d changes after the race, want %d: the removal's only", n, events+1)
		}
	})
	t.Run("a review", func(t *testing.T) {
		t.Parallel()
		w := newARWorld(t)
		if err := w.reviewOn(nil); err != nil {
			t.Fatal(err)
		}
		o, err := send(w)
		if err != nil {
			t.Fatal(err)
		}
		_, err = raceAgainst(t, w.db, w.dpWorld, func(*dpWorld) error {
			_, err := w.openA().ReviewOutcome(o.ID, testkit.Body(map[string]any{"decision": "approve"}))
			return err
		}, func(*dpWorld) error { return w.svc.Open(w.ctx, w.admin, w.pid).DeleteMember(w.lead.Email) })
		if domain.ErrorCode(err) != domain.CodeNotFound {
			t.Fatalf("a review by a lead removed meanwhile: %v, want 404", err)
		}
		got, err := w.svc.OpenProject(w.ctx, w.admin, w.pid, w.a).Outcome(o.ID)
		if err != nil || got.Status != domain.OutcomePending {
			t.Errorf("the submission after the race: %+v %v, want still pending", got.Status, err)
		}
	})
	t.Run("a role added", func(t *testing.T) {
		t.Parallel()
		w := newARWorld(t)
		funders, _, err := w.open().ListFunders(service.Page{Limit: 1})
		if err != nil || len(funders) != 1 {
			t.Fatalf("funders %v %v", funders, err)
		}
		var o domain.Outcome
		_, err = raceAgainst(t, w.db, w.dpWorld, func(*dpWorld) (err error) { o, err = send(w); return err },
			func(*dpWorld) error {
				_, _, err := w.svc.Open(w.ctx, w.admin, w.pid).PutMember(w.pl.Email,
					testkit.Body(testkit.RolesBody(testkit.RoleProjectLead(w.a), testkit.RoleFunder(funders[0].ID))))
				return err
			})
		if err != nil {
			t.Fatalf("figures of a member given another role meanwhile: %v", err)
		}
		if _, err := w.openA().Outcome(o.ID); err != nil {
			t.Errorf("the figures stored: %v", err)
		}
	})
}
