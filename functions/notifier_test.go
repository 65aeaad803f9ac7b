package functions_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// notifierClock is the fake time the service and the notifier share.
type notifierClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *notifierClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *notifierClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// notifierBody is a service.Decoder over v.
func notifierBody(t *testing.T, v any) service.Decoder {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return func(dst any) error {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		return dec.Decode(dst)
	}
}

// notifierMail counts, per recipient and subject, the emails the SES
// emulator holds for addresses containing tag.
func notifierMail(t *testing.T, tag string) map[[2]string]int {
	t.Helper()
	resp, err := http.Get(testenv.SESEndpoint() + "/store")
	if err != nil {
		t.Fatalf("SES emulator not reachable at %s: run `make test` or `infra/stack.sh start --test` (%v)", testenv.SESEndpoint(), err)
	}
	defer resp.Body.Close()
	var s struct {
		Emails []struct {
			Destination struct {
				To []string `json:"to"`
			} `json:"destination"`
			Subject string `json:"subject"`
		} `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]int{}
	for _, m := range s.Emails {
		to := strings.Join(m.Destination.To, ",")
		if strings.Contains(to, tag) {
			out[[2]string{to, m.Subject}]++
		}
	}
	return out
}

// TestScheduleEventThroughNotifierHandler feeds events/schedule.json to the
// notifier's Lambda handler as lambda.Start would, wired as
// functions/notifier/main.go wires it (platform.Notifier over DynamoDB
// Local and a real SES v2 client to the emulator). The scheduler delivering
// the same event twice, one after the other or at the same time, sends each
// milestone email once.
func TestScheduleEventThroughNotifierHandler(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	clk := &notifierClock{t: time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)}
	svc := service.New(store.New(client, table), clk.Now)
	admin := domain.Caller{Identity: domain.Identity{Subject: "admin-1", Email: "admin@fundtrack.example.org", Groups: []string{domain.AdminGroup}}}
	ctx := t.Context()
	tag := strings.ToLower(rand.Text()[:12])

	prog, err := svc.CreateProgramme(ctx, admin, notifierBody(t, map[string]any{"name": "Making IPS Work",
		"leadOrganisation": "Leicestershire Partnership NHS Trust", "startDate": "2026-01-01", "endDate": "2027-12-31"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	project, err := svc.Open(ctx, admin, prog.ID).CreateProject(notifierBody(t, map[string]any{"name": "Leicester IPS",
		"leadOrganisation": "Leicestershire Partnership NHS Trust", "startDate": "2026-01-01", "endDate": "2027-12-31"}))
	if err != nil {
		t.Fatal(err)
	}
	contacts := []string{"grants." + tag + "@dwp.example.gov.uk", "officer." + tag + "@dwp.example.gov.uk"}
	funder, err := svc.Open(ctx, admin, prog.ID).CreateFunder(notifierBody(t, map[string]any{"name": "DWP", "orgId": "GB-GOR-D10", "contacts": contacts}))
	if err != nil {
		t.Fatal(err)
	}
	target, err := svc.Open(ctx, admin, prog.ID).CreateTarget(notifierBody(t, map[string]any{"metric": "peopleIntoWork", "value": 60,
		"deadline": "2026-12-31", "projectId": project.ID, "notify": []string{funder.ID}, "thresholds": []int{50, 100}}))
	if err != nil {
		t.Fatal(err)
	}
	submit := func(n int) {
		t.Helper()
		clk.Add(time.Hour)
		if _, err := svc.OpenProject(ctx, admin, prog.ID, project.ID).SubmitOutcome(notifierBody(t, map[string]any{"periodStart": "2026-01-01",
			"periodEnd": "2026-01-31", "counts": map[string]int{"peopleIntoWork": n}})); err != nil {
			t.Fatal(err)
		}
	}

	ses := sesv2.New(sesv2.Options{Region: testenv.Region, BaseEndpoint: aws.String(testenv.SESEndpoint()), Credentials: testenv.Credentials})
	n := notifierdeps.Notifier(platform.Config{Table: table}, client, email.SES{Client: ses, From: "fundtrack@example.org"})
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
	half := "50% of target reached: 60 people into work (Making IPS Work)"
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
	reached := "Target reached: 60 people into work (Making IPS Work)"
	want[[2]string{contacts[0], reached}] = 1
	want[[2]string{contacts[1], reached}] = 1

	if got := notifierMail(t, tag); !maps.Equal(got, want) {
		t.Errorf("emails %v, want %v", got, want)
	}
	items, _, err := svc.Open(ctx, admin, prog.ID).ListNotifications(service.Page{})
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
