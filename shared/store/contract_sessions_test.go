package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestContractSessions: a web session signed out of is refused by the
// access read (whatever the programme, whoever the member) and by the
// lone check; other sessions, and requests with none, are not.
func TestContractSessions(t *testing.T) {
	t.Parallel()
	for _, im := range ctImpls {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			st := im.open(t)
			c := &ct{T: t, st: st, ctx: context.Background(),
				who: domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}}
			p := c.programme()
			gone := service.WebSession{ID: "s-" + domain.NewID(), Subject: "sub-lead", IssuedAt: time.Now()}
			kept := service.WebSession{ID: "s-" + domain.NewID(), Subject: "sub-lead", IssuedAt: time.Now()}
			c.ok(st.EndSession(c.ctx, gone.ID, time.Now(), time.Now().Add(8*time.Hour)))

			for _, s := range []service.WebSession{{}, kept} {
				if _, _, err := st.ReadAccess(c.ctx, p.ID, "lead@example.org", s); err != nil {
					t.Errorf("access with session %q: %v", s.ID, err)
				}
				if ended, err := st.SessionEnded(c.ctx, s); err != nil || ended {
					t.Errorf("session %q: ended %v, %v; want not ended", s.ID, ended, err)
				}
			}
			g := &service.Get{Ref: domain.Ref(domain.EntityProgramme, p.ID), Into: &domain.Programme{}}
			if _, _, err := st.ReadAccess(c.ctx, p.ID, "lead@example.org", gone, g); err != service.ErrSessionEnded {
				t.Errorf("access with the ended session: %v, want ErrSessionEnded", err)
			}
			if _, _, err := st.ReadAccess(c.ctx, domain.NewID(), "", gone); err != service.ErrSessionEnded {
				t.Errorf("an ended session asking for a programme that is not there: %v, want ErrSessionEnded", err)
			}
			if ended, err := st.SessionEnded(c.ctx, gone); err != nil || !ended {
				t.Errorf("the ended session: ended %v, %v", ended, err)
			}
		})
	}
}

// TestContractSignOutEverywhere: a person's sign-out on every device ends
// each of their sessions that started before its instant, a session of
// before sessions kept their start (zero IssuedAt) among them, in the
// access read and the lone check alike; sessions started at or after it,
// another person's and requests with no session go on. An earlier
// sign-out recorded after a later one does not let sessions back in; a
// later one ends the sessions started in between.
func TestContractSignOutEverywhere(t *testing.T) {
	t.Parallel()
	for _, im := range ctImpls {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			st := im.open(t)
			c := &ct{T: t, st: st, ctx: context.Background(),
				who: domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}}
			p := c.programme()
			// The subject is fresh per run: a table may be shared.
			me, other := "sub-"+domain.NewID(), "sub-"+domain.NewID()
			at := time.Now().UTC().Truncate(time.Microsecond).Add(123 * time.Nanosecond) // nanoseconds count
			session := func(subject string, issued time.Time) service.WebSession {
				return service.WebSession{ID: "s-" + domain.NewID(), Subject: subject, IssuedAt: issued}
			}
			state := func(what string, s service.WebSession, wantEnded bool) {
				t.Helper()
				_, _, err := st.ReadAccess(c.ctx, p.ID, "lead@example.org", s)
				if wantEnded && err != service.ErrSessionEnded || !wantEnded && err != nil {
					t.Errorf("access with %s: %v, want ended %v", what, err, wantEnded)
				}
				if ended, err := st.SessionEnded(c.ctx, s); err != nil || ended != wantEnded {
					t.Errorf("the check of %s: ended %v, %v; want %v", what, ended, err, wantEnded)
				}
			}
			earlier, legacy := session(me, at.Add(-time.Nanosecond)), session(me, time.Time{})
			atInstant, later := session(me, at), session(me, at.Add(time.Minute))
			others := session(other, at.Add(-time.Hour))
			noID := service.WebSession{Subject: me} // no session: nothing to check
			state("a session before any sign-out everywhere", earlier, false)
			state("a session of before sessions kept their start", legacy, false)

			c.ok(st.EndSessionsBefore(c.ctx, me, at, at.Add(8*time.Hour)))
			state("a session started a nanosecond before", earlier, true)
			state("a session of before sessions kept their start", legacy, true)
			state("a session started at the instant", atInstant, false)
			state("a session started after", later, false)
			state("another person's session", others, false)
			state("no session", noID, false)

			c.ok(st.EndSessionsBefore(c.ctx, me, at.Add(-time.Hour), at.Add(7*time.Hour)))
			state("a session started before, after an earlier sign-out everywhere arrived late", earlier, true)
			state("a session started at the later instant, after an earlier sign-out everywhere arrived late", atInstant, false)

			c.ok(st.EndSessionsBefore(c.ctx, me, at.Add(2*time.Minute), at.Add(2*time.Minute+8*time.Hour)))
			state("a session started between two sign-outs everywhere", later, true)
			state("another person's session, after two", others, false)
		})
	}
}

// TestSignOutEverywhereRequests: over DynamoDB the sign-out on every
// device is one PutItem of SIGNOUT#<subject> / SIGNOUT whose ttl is an
// hour past until, and checking a session costs what it did before it
// was kept: one BatchGetItem inside a programme (the access read) and one
// outside.
func TestSignOutEverywhereRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	ctx := context.Background()
	p := s.Build(t).Programme(testkit.ProgrammeBody("Signed out everywhere"))
	me := "sub-" + domain.NewID()
	at := time.Now().UTC()
	until := at.Add(8 * time.Hour)
	if n := s.Count.Measure(func() {
		if err := s.Store.EndSessionsBefore(ctx, me, at, until); err != nil {
			t.Fatal(err)
		}
	}).String(); n != "PutItem×1" {
		t.Errorf("a sign-out on every device sent %s, want PutItem×1", n)
	}
	out, err := s.Plain.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "SIGNOUT#" + me},
			"SK": &types.AttributeValueMemberS{Value: "SIGNOUT"}}})
	if err != nil || out.Item == nil {
		t.Fatalf("the sign-out's item: %v, %v", out, err)
	}
	if ttl, ok := out.Item["ttl"].(*types.AttributeValueMemberN); !ok || ttl.Value != strconv.FormatInt(until.Add(time.Hour).Unix(), 10) {
		t.Errorf("the sign-out's ttl is %v, want an hour past until (%d)", out.Item["ttl"], until.Add(time.Hour).Unix())
	}
	old := service.WebSession{ID: "s-" + domain.NewID(), Subject: me, IssuedAt: at.Add(-time.Hour)}
	if n := s.Count.Measure(func() {
		if _, _, err := s.Store.ReadAccess(ctx, p.ID, "", old); err != service.ErrSessionEnded {
			t.Errorf("access with a session signed out everywhere: %v", err)
		}
	}).String(); n != "BatchGetItem×1" {
		t.Errorf("the access read with a session sent %s, want BatchGetItem×1", n)
	}
	if n := s.Count.Measure(func() {
		if ended, err := s.Store.SessionEnded(ctx, old); err != nil || !ended {
			t.Errorf("the check of a session signed out everywhere: %v, %v", ended, err)
		}
	}).String(); n != "BatchGetItem×1" {
		t.Errorf("the lone check sent %s, want BatchGetItem×1", n)
	}
}
