package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// prRacingDB runs meanwhile once, just before the next transaction it is
// given: a competing change landing between a request's reads and its
// write.
type prRacingDB struct {
	*dynamodb.Client
	mu        sync.Mutex
	meanwhile func()
}

func (d *prRacingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	d.mu.Lock()
	run := d.meanwhile
	d.meanwhile = nil
	d.mu.Unlock()
	if run != nil {
		run()
	}
	return d.Client.TransactWriteItems(ctx, in, o...)
}

func (d *prRacingDB) race(f func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.meanwhile = f
}

// TestLeadsRemovingEachOtherKeepALead: on DynamoDB, two leads taking the
// lead role from each other at the same moment leave the programme a
// lead. Each removing the other is the lead who remains of their own
// change, which checks their own roles are as read: the second's
// transaction finds them removed, and read again they are no longer a
// member (404), and it writes nothing. Two leads each leaving at the same
// moment each check the other is the lead who remains: the second's
// transaction finds that lead's record changed, a conflict naming them.
func TestLeadsRemovingEachOtherKeepALead(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		own   bool // each removes themselves
		want  domain.Code
		stays string // the lead after the race
	}{
		{"removing each other", false, domain.CodeNotFound, "b@example.org"},
		{"each leaving", true, domain.CodeConflict, "a@example.org"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			client, table := testenv.Table(t)
			db := &prRacingDB{Client: client}
			svc := service.New(store.New(db, table), func() time.Time { return time.Now().UTC() })
			ctx := context.Background()
			as := func(email string, groups ...string) domain.Caller {
				return domain.Caller{Identity: domain.Identity{Subject: "sub-" + email, Email: email, Groups: groups}}
			}
			admin := as("admin@example.org", domain.AdminGroup)
			p, err := svc.CreateProgramme(ctx, admin, testkit.Body(map[string]any{"name": "Working for Wellness",
				"leadOrganisation": "LPT", "startDate": "2025-01-01", "endDate": "2027-12-31"}), nil)
			if err != nil {
				t.Fatal(err)
			}
			const a, b = "a@example.org", "b@example.org"
			lead := testkit.Body(testkit.RolesBody(map[string]string{"role": "lead"}))
			for _, m := range []string{a, b} {
				if _, _, err := svc.Open(ctx, admin, p.ID).PutMember(m, lead); err != nil {
					t.Fatal(err)
				}
			}
			theirsOf, mineOf := a, b
			if c.own {
				theirsOf, mineOf = b, a
			}
			var other error
			db.race(func() {
				other = svc.Open(ctx, as(b), p.ID).DeleteMember(theirsOf)
			})
			err = svc.Open(ctx, as(a), p.ID).DeleteMember(mineOf)
			if other != nil {
				t.Fatalf("the first of the two: %v", other)
			}
			if domain.ErrorCode(err) != c.want || (c.want == domain.CodeConflict && !strings.Contains(err.Error(), b)) {
				t.Fatalf("the second of the two: %v, want %s (a conflict naming %s)", err, c.want, b)
			}
			members, _, err := svc.Open(ctx, admin, p.ID).ListMembers(service.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(members) != 1 || members[0].Email != c.stays {
				t.Errorf("members after the race: %+v, want only %s, still a lead", members, c.stays)
			}
		})
	}
}
