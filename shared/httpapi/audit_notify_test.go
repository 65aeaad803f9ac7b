package httpapi_test

// A milestone email recorded and sent by the notifier is in the audit
// trail, said to be by notifier@fundtrack, and in the notification's own
// history.

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

func TestAuditNotifierSend(t *testing.T) {
	t.Parallel()
	mail := testkit.NewMailbox(t) // fails early and clearly if the emulator is down
	h := atNew(t)
	contact := mail.Addr("milestones", "funder.example.org")

	pid, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Working for Wellness"))
	P := "/programmes/" + pid
	funder, _ := h.Create(t, uAdmin, P+"/funders", testkit.FunderBody("Department for Work and Pensions", contact))
	project, _ := h.Create(t, uAdmin, P+"/projects", testkit.ProjectBody("Project A"))
	h.Create(t, uAdmin, P+"/projects/"+project+"/outcomes", testkit.OutcomeBody(map[string]int{"peopleIntoWork": 5}))
	target, _ := h.Create(t, uAdmin, P+"/targets", atTargetBody(5, funder)) // reached as soon as it is set
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(pid, uLead), uAdmin, testkit.RolesBody(testkit.RoleLead())))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(pid, uFunderX), uAdmin, testkit.RolesBody(testkit.RoleFunder(funder))))
	other, _ := h.Create(t, uAdmin, P+"/funders", testkit.FunderBody("Department of Health", mail.Addr("other", "funder.example.org")))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(pid, uFunderY), uAdmin, testkit.RolesBody(testkit.RoleFunder(other))))

	before := h.auditIDs(t)
	n := notifierdeps.Notifier(h.Config(), h.watch, email.SES{Client: testkit.SES(t), From: "fundtrack@example.org"})
	n.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := n.Run(ctx)
	if err != nil {
		t.Fatalf("notifier run: %v (report %+v)", err, rep)
	}
	if rep.Sent != 1 {
		t.Fatalf("notifier report %+v, want one notification sent", rep)
	}
	if sent := mail.Sent(t); len(sent) != 1 || sent[0].To() != contact {
		t.Fatalf("emails: %+v, want one milestone email to %s", sent, contact)
	}

	after := h.auditIDs(t)
	if len(after) != len(before)+2 {
		t.Fatalf("the notifier's run added %d audit events, want 2 (the notification's creation and its send)", len(after)-len(before))
	}
	notes := testkit.ListAll[struct {
		ID        string `json:"id"`
		TargetID  string `json:"targetId"`
		Status    string `json:"status"`
		Threshold int    `json:"threshold"`
	}](t, h.apiH, uAdmin, P+"/notifications")
	if len(notes) != 1 || notes[0].Status != "sent" || notes[0].TargetID != target {
		t.Fatalf("notifications = %+v, want one sent for the target", notes)
	}

	evs := testkit.ListAll[atEvent](t, h.apiH, uLead, P+"/audit?entity=notification")
	if len(evs) != 2 || evs[1].Action != "create" || evs[1].EntityID != notes[0].ID || evs[1].Changes["status"]["after"] != "pending" {
		t.Fatalf("audit?entity=notification = %+v, want the send and, before it, the creation", evs)
	}
	ev := evs[0]
	if !after[ev.ID] || before[ev.ID] {
		t.Errorf("the listed event %s is not the one the run wrote", ev.ID)
	}
	if ev.ActorEmail != "notifier@fundtrack" || ev.ActorSubject != notify.Actor.Subject || ev.Entity != "notification" ||
		ev.Action != "send" || ev.EntityID != notes[0].ID || ev.ProgrammeID != pid {
		t.Errorf("send event = %+v, want notifier@fundtrack sending notification %s", ev, notes[0].ID)
	}
	if ev.Changes["status"]["after"] != "sent" || !slices.Equal(atStrings(ev.Changes["recipients"]["after"]), []string{contact}) ||
		ev.Changes["targetId"]["after"] != target {
		t.Errorf("send event changes = %v, want status sent to %s for target %s", ev.Changes, contact, target)
	}
	if newest := testkit.ListAll[atEvent](t, h.apiH, uAdmin, P+"/audit")[0]; newest.ID != ev.ID {
		t.Errorf("the newest event of the trail is %s %s, want the send", newest.Entity, newest.Action)
	}
	if byUser := testkit.ListAll[atEvent](t, h.apiH, uAdmin, P+"/audit?user=notifier@fundtrack"); len(byUser) != 2 || byUser[0].ID != ev.ID {
		t.Errorf("audit?user=notifier@fundtrack = %v, want the send and the creation", atIDs(byUser))
	}

	// The notification's history, for whoever may read the notification.
	hist := P + "/notifications/" + notes[0].ID + "/history"
	for _, who := range []string{uAdmin, uLead, uFunderX} {
		if got := testkit.ListAll[atEvent](t, h.apiH, who, hist); len(got) != 2 || got[0].ID != ev.ID || got[1].Action != "create" {
			t.Errorf("%s reads the notification's history as %v, want the send and the creation", who, atIDs(got))
		}
	}
	for _, who := range []string{uFunderY, uOutsider} {
		h.Want(t, http.StatusNotFound, testkit.Request("GET", hist, who, nil))
	}

	// Another run sends nothing and records nothing.
	rep, err = n.Run(ctx)
	if err != nil || rep.Sent+rep.Failed+rep.Emails != 0 {
		t.Fatalf("second run: %+v, %v; want nothing sent", rep, err)
	}
	if got := h.auditIDs(t); len(got) != len(after) {
		t.Errorf("a run that sent nothing added %d audit events", len(got)-len(after))
	}
}

func atStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}
