package httpapi_test

// A milestone email sent by the notifier is in the audit trail, said to be
// sent by notifier@fundtrack.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// atMailTo lists the subjects of the emails the SES emulator holds for to.
func atMailTo(t *testing.T, to string) []string {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(testenv.SESEndpoint() + "/store")
	if err != nil {
		t.Fatalf("SES emulator not reachable at %s: run `infra/stack.sh start --test` (%v)", testenv.SESEndpoint(), err)
	}
	defer res.Body.Close()
	var store struct {
		Emails []struct {
			Destination struct {
				To []string `json:"to"`
			} `json:"destination"`
			Subject string `json:"subject"`
		} `json:"emails"`
	}
	if err := json.NewDecoder(res.Body).Decode(&store); err != nil {
		t.Fatalf("read the SES emulator's store: %v", err)
	}
	var out []string
	for _, m := range store.Emails {
		if slices.Contains(m.Destination.To, to) {
			out = append(out, m.Subject)
		}
	}
	return out
}

func TestAuditNotifierSend(t *testing.T) {
	t.Parallel()
	atMailTo(t, "nobody@example.org") // fail early and clearly if the emulator is down
	h := atNew(t)
	contact := "milestones." + strings.ToLower(rand.Text()[:10]) + "@funder.example.org"

	pid, _ := h.create(t, uAdmin, "/programmes", programmeBody("Working for Wellness"))
	P := "/programmes/" + pid
	funder, _ := h.create(t, uAdmin, P+"/funders", funderBody("Department for Work and Pensions", contact))
	project, _ := h.create(t, uAdmin, P+"/projects", projectBody("Project A"))
	h.create(t, uAdmin, P+"/projects/"+project+"/outcomes", outcomeBody(map[string]int{"peopleIntoWork": 5}))
	target, _ := h.create(t, uAdmin, P+"/targets", atTargetBody(5, funder)) // reached as soon as it is set
	h.want(t, http.StatusCreated, rq("PUT", memberPath(pid, uLead), uAdmin, rolesBody(roleLead())))

	before := h.auditIDs(t)
	ses := sesv2.New(sesv2.Options{Region: testenv.Region, BaseEndpoint: aws.String(testenv.SESEndpoint()), Credentials: testenv.Credentials})
	n := notifierdeps.Notifier(platform.Config{Table: h.table}, h.db, email.SES{Client: ses, From: "fundtrack@example.org"})
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
	if subjects := atMailTo(t, contact); len(subjects) != 1 {
		t.Fatalf("emails to %s: %v, want one milestone email", contact, subjects)
	}

	after := h.auditIDs(t)
	if len(after) != len(before)+1 {
		t.Fatalf("the notifier's run added %d audit events, want 1", len(after)-len(before))
	}
	notes := listAll[struct {
		ID        string `json:"id"`
		TargetID  string `json:"targetId"`
		Status    string `json:"status"`
		Threshold int    `json:"threshold"`
	}](t, h.apiH, uAdmin, P+"/notifications")
	if len(notes) != 1 || notes[0].Status != "sent" || notes[0].TargetID != target {
		t.Fatalf("notifications = %+v, want one sent for the target", notes)
	}

	evs := listAll[atEvent](t, h.apiH, uLead, P+"/audit?entity=notification")
	if len(evs) != 1 {
		t.Fatalf("audit?entity=notification = %+v, want the one send", evs)
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
	if newest := listAll[atEvent](t, h.apiH, uAdmin, P+"/audit")[0]; newest.ID != ev.ID {
		t.Errorf("the newest event of the trail is %s %s, want the send", newest.Entity, newest.Action)
	}
	if byUser := listAll[atEvent](t, h.apiH, uAdmin, P+"/audit?user=notifier@fundtrack"); len(byUser) != 1 || byUser[0].ID != ev.ID {
		t.Errorf("audit?user=notifier@fundtrack = %v, want the send", atIDs(byUser))
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
