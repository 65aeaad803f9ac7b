package functions_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestScheduleEventThroughNotifierHandler feeds events/schedule.json to the
// notifier's Lambda handler as lambda.Start would, wired as
// functions/notifier/main.go wires it (notifierdeps.Lambda over DynamoDB
// Local and a real SES v2 client to the emulator). The scheduler delivering
// the same event twice, one after the other or at the same time, sends each
// milestone email once.
func TestScheduleEventThroughNotifierHandler(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2026-01-31T12:00:00Z"))
	clk, b, inbox := s.Clock, s.Build(t), testkit.NewMailbox(t)
	ctx := t.Context()

	prog := b.Programme(map[string]any{"name": "Making IPS Work",
		"leadOrganisation": "Leicestershire Partnership NHS Trust", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	project := b.Project(prog.ID, map[string]any{"name": "Leicester IPS",
		"leadOrganisation": "Leicestershire Partnership NHS Trust", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	contacts := []string{inbox.Addr("grants", "dwp.example.gov.uk"), inbox.Addr("officer", "dwp.example.gov.uk")}
	funder := b.Funder(prog.ID, map[string]any{"name": "DWP", "orgId": "GB-GOR-D10", "contacts": contacts})
	target := b.Target(prog.ID, map[string]any{"metric": "peopleIntoWork", "value": 60,
		"deadline": "2026-12-31", "projectId": project.ID, "notify": []string{funder.ID}, "thresholds": []int{50, 100}})
	submit := func(n int) {
		t.Helper()
		clk.Add(time.Hour)
		b.Outcome(prog.ID, project.ID, map[string]any{"periodStart": "2026-01-01",
			"periodEnd": "2026-01-31", "counts": map[string]int{"peopleIntoWork": n}})
	}

	n := notifierdeps.Notifier(s.Config(), s.DB, email.SES{Client: testkit.SES(t), From: "fundtrack@example.org"})
	n.Now, n.Logger, n.Lease = clk.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Minute
	handler := lambda.NewHandler(notify.Handler(n))
	payload := loadEvent(t, "schedule.json", nil)
	lctx := lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
		AwsRequestID:       "5f0c9d1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f",
		InvokedFunctionArn: "arn:aws:lambda:eu-west-2:123456789012:function:fundtrack-prod-notifier",
	})
	invoke := func() (notify.Report, error) {
		out, err := handler.Invoke(lctx, payload)
		if err != nil {
			return notify.Report{}, err
		}
		var rep notify.Report
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rep); err != nil {
			t.Errorf("handler answer %s: %v", out, err)
		}
		return rep, nil
	}

	// Half way: the scheduler delivers the event twice at the same time.
	submit(30)
	var wg sync.WaitGroup
	reports := make([]notify.Report, 2)
	errs := make([]error, 2)
	for i := range reports {
		wg.Go(func() { reports[i], errs[i] = invoke() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("invoke: %v", err)
		}
	}
	if reports[0].Emails+reports[1].Emails != 2 || reports[0].Sent+reports[1].Sent != 1 || reports[0].Claimed+reports[1].Claimed != 1 {
		t.Errorf("two deliveries at once: %+v", reports)
	}
	half := "50% of target reached: 60 people into work (Leicester IPS, Making IPS Work)"
	want := map[[2]string]int{{contacts[0], half}: 1, {contacts[1], half}: 1}

	// Reached: the scheduler delivers the event, then again (a retry).
	submit(31)
	clk.Add(time.Minute)
	first, err := invoke()
	if err != nil {
		t.Fatal(err)
	}
	if first.ProgrammesChanged != 1 || first.TargetsRead != 1 || first.Claimed != 1 || first.Emails != 2 || first.Sent != 1 {
		t.Errorf("first delivery: %+v", first)
	}
	second, err := invoke()
	if err != nil {
		t.Fatal(err)
	}
	if second != (notify.Report{}) {
		t.Errorf("second delivery of the same event did something: %+v", second)
	}
	reached := "Target reached: 60 people into work (Leicester IPS, Making IPS Work)"
	want[[2]string{contacts[0], reached}] = 1
	want[[2]string{contacts[1], reached}] = 1

	if got := inbox.Count(t); !maps.Equal(got, want) {
		t.Errorf("emails %v, want %v", got, want)
	}
	items, _, err := s.Svc.Open(ctx, testkit.AdminCaller(), prog.ID).ListNotifications(service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("notifications: %+v", items)
	}
	for _, it := range items {
		if it.TargetID != target.ID || it.Status != domain.NotificationSent || it.Attempts != 1 || !slices.Equal(it.Recipients, contacts) {
			t.Errorf("notification %+v", it)
		}
	}
}
