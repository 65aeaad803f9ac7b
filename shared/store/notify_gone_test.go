package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestSettlingANotificationGone: a run that leased a notification, which
// was then withdrawn (a payment-due email, its payment paid or cancelled
// meanwhile), releasing its lease or settling a recipient afterwards finds
// it gone: no error, and nothing of it written back (no stub listed among
// the programme's notifications). In the DynamoDB store and memstore
// alike.
func TestSettlingANotificationGone(t *testing.T) {
	t.Parallel()
	for _, im := range ctImpls {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			for _, settle := range []struct {
				name string
				do   func(c *ct, pid, id string) error
			}{
				{"released, no recipient claimed", func(c *ct, pid, id string) error {
					return c.st.ReleaseNotification(c.ctx, pid, id, "", "stopped before its first send")
				}},
				{"released, a recipient's claim withdrawn", func(c *ct, pid, id string) error {
					return c.st.ReleaseNotification(c.ctx, pid, id, "a@example.org", "throttled")
				}},
				{"delivered", func(c *ct, pid, id string) error { return c.st.MarkDelivered(c.ctx, pid, id, "a@example.org") }},
				{"rejected", func(c *ct, pid, id string) error { return c.st.MarkRejected(c.ctx, pid, id, "a@example.org") }},
			} {
				t.Run(settle.name, func(t *testing.T) {
					t.Parallel()
					c := &ct{T: t, st: im.open(t), ctx: context.Background(),
						who: domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}}
					p := c.programme()
					n, ok, err := c.st.LeaseNotification(c.ctx, p.ID, ctNote(c, p.ID, 10, "a@example.org").ID, time.Now().UTC(), time.Minute)
					if err != nil || !ok {
						t.Fatalf("lease: %v %v", ok, err)
					}
					withdrawn, err := c.st.WithdrawNotification(c.ctx, n, c.change(p.ID, domain.EntityNotification, n.ID, domain.ActionDelete,
						map[string]any{"status": "pending"}, nil).Audit)
					if err != nil || !withdrawn {
						t.Fatalf("withdraw: %v %v", withdrawn, err)
					}
					if err := settle.do(c, p.ID, n.ID); err != nil {
						t.Errorf("settling a notification gone: %v", err)
					}
					if _, there := ctGet[domain.Notification](c, p.ID, domain.Ref(domain.EntityNotification, n.ID)); there {
						t.Error("the notification withdrawn is there again")
					}
					listed := ctAll(c, 100, func(pg service.Page) ([]domain.Notification, string, error) {
						return c.st.ListNotifications(c.ctx, p.ID, nil, pg)
					})
					if slices.ContainsFunc(listed, func(l domain.Notification) bool { return l.ID == n.ID }) {
						t.Error("the notification withdrawn is listed")
					}
				})
			}
		})
	}
}
