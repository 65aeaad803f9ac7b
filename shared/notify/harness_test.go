package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// faultySES wraps the real SES v2 client (pointed at the emulator): every
// call is recorded, and fail may answer a call with an error instead of
// passing it on. It sits above the SDK, so its errors never meet the
// SDK's retryer: env.faults, under the SDK, injects faults that do.
type faultySES struct {
	real email.SESAPI
	mu   sync.Mutex
	to   []string                        // recipient of every call, in order
	fail func(to string, call int) error // call counts from 0 over all calls
}

func (f *faultySES) SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	to := strings.Join(in.Destination.ToAddresses, ",")
	f.mu.Lock()
	call := len(f.to)
	f.to = append(f.to, to)
	fail := f.fail
	f.mu.Unlock()
	if fail != nil {
		if err := fail(to, call); err != nil {
			return nil, err
		}
	}
	return f.real.SendEmail(ctx, in, opts...)
}

// calls counts the SendEmail calls made for each recipient.
func (f *faultySES) calls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for _, to := range f.to {
		out[to]++
	}
	return out
}

func (f *faultySES) setFail(fn func(to string, call int) error) {
	f.mu.Lock()
	f.fail = fn
	f.mu.Unlock()
}

const mailFrom = "fundtrack@example.org"

// sender is who the emails come from, as people see it: fundtrack, by
// name. webBase is where the test's web app would be.
const (
	sender  = "fundtrack <" + mailFrom + ">"
	webBase = "https://fundtrack.example.org"
)

// env is one test's world: a testkit stack (its own table, a service on a
// fake clock, the store the notifier uses), and the SES emulator behind a
// fault-injecting wrapper. Every email address the test makes is its
// mailbox's, so its mail can be told apart in the emulator all tests share.
type env struct {
	t     testing.TB
	st    *store.Store
	svc   *service.Service
	clk   *testkit.Clock
	count *testkit.Counter // the DynamoDB requests of the service and the notifier
	ses   *faultySES
	// faults sits under the SDK, in front of the emulator: a fault there
	// meets the real client's retryer and error parsing.
	faults *testkit.SESFaults
	inbox  *testkit.Mailbox
	log    *slog.Logger // the notifiers' log, in the test's output (testLogger)
}

// newEnv makes a test's world; optFns adjust its DynamoDB client.
func newEnv(t *testing.T, optFns ...func(*dynamodb.Options)) *env {
	t.Helper()
	inbox := testkit.NewMailbox(t)
	s := testkit.New(t, testkit.WithClock("2026-01-05T09:00:00Z"), testkit.WithDBOptions(optFns...))
	faults := &testkit.SESFaults{}
	return &env{t: t, st: s.Store, svc: s.Svc, clk: s.Clock, count: s.Count, inbox: inbox,
		ses: &faultySES{real: testkit.SESWithFaults(t, faults)}, faults: faults, log: testLogger(t)}
}

// testLogger is a notifier's logger for t: what the notifier logs (each
// run's report, an email SES did not take or whose outcome is not known,
// and why) goes to the test's output, shown when the test fails (or with
// -v), so a failure says what the notifier saw. Lines logged after the
// test has ended are dropped: its output may not be written then.
func testLogger(t testing.TB) *slog.Logger {
	w := &testOutput{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, nil))
}

// testOutput writes to a test's output until the test ends.
type testOutput struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testOutput) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Output().Write(p) //nolint:errcheck // the test's output does not fail
	}
	return len(p), nil
}

// inGoroutine is a copy of e whose helpers may be called from a goroutine
// other than the test's: a failure is reported and ends that goroutine only.
func (e *env) inGoroutine() *env {
	c := *e
	c.t = testkit.InGoroutine(e.t)
	return &c
}

// notifier is a notifier over the test's table, emulator and clock. Its
// lease is short so tests can step past it with the clock.
func (e *env) notifier() *notify.Notifier {
	return &notify.Notifier{Store: e.st, Email: email.SES{Client: e.ses, From: mailFrom, Name: email.SenderName}, Now: e.clk.Now,
		Links:  notify.Links{Base: webBase},
		Logger: e.log, Lease: time.Minute}
}

// run makes one notifier pass and fails the test if it errs.
func (e *env) run() notify.Report {
	e.t.Helper()
	rep, err := runSafely(e.t.Context(), e.notifier())
	if err != nil {
		e.t.Fatalf("notifier run: %v (report %+v)", err, rep)
	}
	return rep
}

// runsAtOnce runs n notifiers (each made by mk) at once, as overlapping
// scheduler deliveries would, fails the test on any run's error, and
// returns their reports added up field by field.
func runsAtOnce(t *testing.T, n int, mk func() *notify.Notifier) notify.Report {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var total notify.Report
	for i := range n {
		wg.Go(func() {
			rep, err := runSafely(t.Context(), mk())
			if err != nil {
				t.Errorf("run %d of %d at once: %v", i+1, n, err)
			}
			mu.Lock()
			defer mu.Unlock()
			sum, one := reflect.ValueOf(&total).Elem(), reflect.ValueOf(rep)
			for f := range sum.NumField() {
				sum.Field(f).SetInt(sum.Field(f).Int() + one.Field(f).Int())
			}
		})
	}
	wg.Wait()
	return total
}

// runSafely runs n, turning a panic into an error so one failing test
// does not take the whole package's tests down with it.
func runSafely(ctx context.Context, n *notify.Notifier) (rep notify.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			var frames []string // only fundtrack's own frames: the rest is noise
			for _, l := range strings.Split(string(debug.Stack()), "\n") {
				if strings.Contains(l, "fundtrack/shared/") && !strings.Contains(l, "_test") {
					frames = append(frames, strings.TrimSpace(l))
				}
			}
			err = fmt.Errorf("notifier panicked: %v\n\t%s", p, strings.Join(frames, "\n\t"))
		}
	}()
	return n.Run(ctx)
}

// addr is a unique address for this test.
func (e *env) addr(local, domainPart string) string { return e.inbox.Addr(local, domainPart) }

// build makes records through the service as the administrator.
func (e *env) build() *testkit.Builder { return testkit.NewBuilder(e.t, e.svc) }

type obj = map[string]any

func (e *env) programme(name, start, end string) domain.Programme {
	e.t.Helper()
	return e.build().Programme(obj{"name": name, "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": start, "endDate": end})
}

func (e *env) project(programmeID, name string) domain.Project {
	e.t.Helper()
	return e.build().Project(programmeID, obj{"name": name, "leadOrganisation": "Aspiro",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
}

func (e *env) funder(programmeID, name string, contacts ...string) domain.Funder {
	e.t.Helper()
	return e.build().Funder(programmeID, obj{"name": name, "contacts": contacts})
}

func (e *env) member(programmeID, who string, roles ...map[string]string) {
	e.t.Helper()
	e.build().Member(programmeID, who, roles...)
}

func (e *env) target(programmeID string, in obj) domain.Target {
	e.t.Helper()
	return e.build().Target(programmeID, in)
}

// submit records n people into work for a project (correcting replaces when given).
func (e *env) submit(programmeID, projectID string, n int64, replaces string) domain.Outcome {
	e.t.Helper()
	in := obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "counts": obj{"peopleIntoWork": n, "referrals": 4 * n}}
	if replaces != "" {
		in["replaces"] = replaces
	}
	return e.build().Outcome(programmeID, projectID, in)
}

// notifications lists a programme's notifications as an admin sees them, by id.
func (e *env) notifications(programmeID string) map[string]domain.Notification {
	e.t.Helper()
	items, _, err := e.svc.Open(e.t.Context(), testkit.AdminCaller(), programmeID).ListNotifications(service.Page{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]domain.Notification{}
	for _, n := range items {
		out[n.ID] = n
	}
	return out
}

// mail is every email the emulator holds for this test's addresses.
func (e *env) mail() []testkit.Mail {
	e.t.Helper()
	return e.inbox.Sent(e.t)
}

// expectMail checks the emulator holds exactly want: each (recipient,
// subject) once and nothing else of this test's.
func (e *env) expectMail(want map[[2]string]int) {
	e.t.Helper()
	got := e.inbox.Count(e.t)
	for k, n := range want {
		if got[k] != n {
			e.t.Errorf("%d emails to %s with subject %q, want %d", got[k], k[0], k[1], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			e.t.Errorf("unexpected: %d emails to %s with subject %q", n, k[0], k[1])
		}
	}
}

// each is want for one subject to several recipients once each.
func each(subject string, to ...string) map[[2]string]int {
	out := map[[2]string]int{}
	for _, a := range to {
		out[[2]string{a, subject}] = 1
	}
	return out
}

func merge(ms ...map[[2]string]int) map[[2]string]int {
	out := map[[2]string]int{}
	for _, m := range ms {
		for k, v := range m {
			out[k] += v
		}
	}
	return out
}

// world is a programme with one project, two funders of two contacts each
// and a lead: what most tests start from.
type world struct {
	prog     domain.Programme
	project  domain.Project
	dwp, doh domain.Funder
	contacts []string // the four funder contacts, sorted
	lead     string
}

func (e *env) world() world {
	e.t.Helper()
	w := world{prog: e.programme("Working for Wellness", "2026-01-01", "2027-12-31")}
	w.project = e.project(w.prog.ID, "Bradford IPS")
	w.dwp = e.funder(w.prog.ID, "Department for Work and Pensions", e.addr("grants", "dwp.example.gov.uk"), e.addr("officer", "dwp.example.gov.uk"))
	w.doh = e.funder(w.prog.ID, "Department of Health", e.addr("commissioning", "dh.example.gov.uk"), e.addr("finance", "dh.example.gov.uk"))
	w.contacts = slices.Concat(w.dwp.Contacts, w.doh.Contacts)
	slices.Sort(w.contacts)
	w.lead = e.addr("network.lead", "lpt.example.nhs.uk")
	e.member(w.prog.ID, w.lead, testkit.RoleLead())
	return w
}

// projectTarget sets a target of value people into work for the world's
// project, telling both funders.
func (e *env) projectTarget(w world, value int64, deadline string, thresholds ...int64) domain.Target {
	in := obj{"metric": "peopleIntoWork", "value": value, "deadline": deadline, "projectId": w.project.ID,
		"notify": []string{w.dwp.ID, w.doh.ID}}
	if thresholds != nil {
		in["thresholds"] = thresholds
	}
	return e.target(w.prog.ID, in)
}
