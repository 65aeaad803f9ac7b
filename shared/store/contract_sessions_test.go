package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
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
			gone, kept := "s-"+domain.NewID(), "s-"+domain.NewID()
			c.ok(st.EndSession(c.ctx, gone, time.Now().Add(8*time.Hour)))

			for _, s := range []string{"", kept} {
				if _, _, err := st.ReadAccess(c.ctx, p.ID, "lead@example.org", s); err != nil {
					t.Errorf("access with session %q: %v", s, err)
				}
				if ended, err := st.SessionEnded(c.ctx, s); err != nil || ended {
					t.Errorf("session %q: ended %v, %v; want not ended", s, ended, err)
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
