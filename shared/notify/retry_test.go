package notify_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// sdkError is err as the SDK returns it from SendEmail: an OperationError
// around a ResponseError with the HTTP status.
func sdkError(status int, err error) error {
	return &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: &awshttp.ResponseError{
		RequestID: "0d6f1c5e-0000-4000-8000-000000000000",
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: http.Header{}}},
			Err:      err,
		},
	}}
}

func throttled() error {
	return sdkError(429, &types.TooManyRequestsException{Message: aws.String("Maximum sending rate exceeded.")})
}

func rejected() error {
	return sdkError(400, &types.MessageRejected{Message: aws.String("Email address is not verified.")})
}

// reachedWorld is a world whose target has just been reached (61 of 60).
func reachedWorld(e *env) (world, domain.Target) {
	w := e.world()
	tg := e.projectTarget(w, 60, "2026-12-31")
	e.clk.Set("2026-03-02T10:30:00Z")
	e.submit(w.prog.ID, w.project.ID, 61, "")
	return w, tg
}

// TestPassingFailureRetriedNextRun: a throttled or 5xx send is retried on
// the next run, and every contact gets the email once in all.
func TestPassingFailureRetriedNextRun(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		err  error
		want string // in lastError
	}{
		"throttled": {throttled(), "TooManyRequestsException"},
		"http 500":  {sdkError(500, &smithy.GenericAPIError{Code: "InternalFailure", Message: "internal failure"}), "500"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w, tg := reachedWorld(e)
			id := domain.NotificationID(tg.ID, domain.KindReached, 100)
			e.ses.setFail(func(_ string, call int) error {
				if call == 0 {
					return c.err
				}
				return nil
			})

			rep := e.run()
			if rep.Claimed != 1 || rep.Emails != 1 || rep.Retrying != 1 || rep.Sent != 0 || rep.Failed != 0 {
				t.Errorf("first run: %+v", rep)
			}
			n := e.notifications(w.prog.ID)[id]
			if n.Status != domain.NotificationPending || n.Attempts != 1 || !strings.Contains(n.LastError, c.want) || n.SentAt != nil {
				t.Errorf("after the failure: %+v (lastError %q should mention %q)", n, n.LastError, c.want)
			}
			e.expectMail(nil)

			e.clk.Add(5 * time.Minute)
			rep = e.run()
			if rep.Claimed != 0 || rep.Emails != 4 || rep.Sent != 1 || rep.Retrying != 0 {
				t.Errorf("second run: %+v", rep)
			}
			n = e.notifications(w.prog.ID)[id]
			if n.Status != domain.NotificationSent || n.Attempts != 2 || n.SentAt == nil ||
				!n.SentAt.Equal(time.Date(2026, 3, 2, 10, 35, 0, 0, time.UTC)) {
				t.Errorf("after the retry: %+v", n)
			}
			e.expectMail(each(reachedSubject, w.contacts...))

			e.clk.Add(5 * time.Minute)
			if rep := e.run(); rep.Emails != 0 {
				t.Errorf("third run: %+v", rep)
			}
			calls := e.ses.calls()
			if calls[w.contacts[0]] != 2 || calls[w.contacts[1]] != 1 || calls[w.contacts[2]] != 1 || calls[w.contacts[3]] != 1 {
				t.Errorf("SendEmail calls %v: the first contact twice (throttled, then sent), the rest once", calls)
			}
		})
	}
}

// TestPassingFailureMidListKeepsDelivered: a passing failure part way
// through the recipients does not email again those who already have it.
func TestPassingFailureMidListKeepsDelivered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, _ := reachedWorld(e)
	e.ses.setFail(func(to string, call int) error {
		if call == 2 {
			return throttled()
		}
		return nil
	})
	if rep := e.run(); rep.Emails != 3 || rep.Retrying != 1 {
		t.Errorf("first run: %+v", rep)
	}
	e.expectMail(each(reachedSubject, w.contacts[:2]...))
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Emails != 2 || rep.Sent != 1 {
		t.Errorf("second run: %+v", rep)
	}
	e.expectMail(each(reachedSubject, w.contacts...))
}

// TestRejectedAddressFailsForGood: a rejected address marks the
// notification failed, the other contacts still get it, and later runs
// do not try again.
func TestRejectedAddressFailsForGood(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	bad := w.contacts[1]
	e.ses.setFail(func(to string, _ int) error {
		if to == bad {
			return rejected()
		}
		return nil
	})
	rep := e.run()
	if rep.Emails != 4 || rep.Failed != 1 || rep.Sent != 0 || rep.Retrying != 0 {
		t.Errorf("report %+v", rep)
	}
	good := []string{w.contacts[0], w.contacts[2], w.contacts[3]}
	e.expectMail(each(reachedSubject, good...))
	n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindReached, 100)]
	if n.Status != domain.NotificationFailed || n.Attempts != 1 || !strings.Contains(n.LastError, bad) || len(n.Delivered) != 3 || n.SentAt == nil {
		t.Errorf("notification %+v", n)
	}
	for range 3 {
		e.clk.Add(10 * time.Minute)
		if rep := e.run(); rep.Emails != 0 || rep.Claimed != 0 {
			t.Errorf("later run: %+v", rep)
		}
	}
	if calls := e.ses.calls(); calls[bad] != 1 || len(calls) != 4 {
		t.Errorf("SendEmail calls %v: the rejected address must be tried once only", calls)
	}
	e.expectMail(each(reachedSubject, good...))
}

// TestRejectedAddressNotRetriedAfterPassingFailure: when one contact is
// rejected and a later one is throttled in the same run, the retry on the
// next run must not send to the rejected address again ("one that fails
// for good is marked failed and not retried").
func TestRejectedAddressNotRetriedAfterPassingFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	bad := w.contacts[0] // recipients go in sorted order: the rejected one first
	e.ses.setFail(func(to string, call int) error {
		switch {
		case to == bad:
			return rejected()
		case call == 1:
			return throttled()
		}
		return nil
	})
	e.run()
	e.clk.Add(time.Minute)
	e.run()
	n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindReached, 100)]
	if n.Status != domain.NotificationFailed || !strings.Contains(n.LastError, bad) {
		t.Errorf("notification %+v", n)
	}
	e.expectMail(each(reachedSubject, w.contacts[1:]...))
	if calls := e.ses.calls(); calls[bad] != 1 {
		t.Errorf("the rejected address %s was sent to %d times; a permanent failure must not be retried", bad, calls[bad])
	}
}

// TestPassingFailuresGiveUpAfterDays: a notification that keeps failing
// for passing reasons is retried run after run, however many (more than
// the ten tries it once gave up after), until it has been failing
// GiveUpAfter since it was recorded; then it is marked failed, naming the
// SES error, and left alone.
func TestPassingFailuresGiveUpAfterDays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	e.ses.setFail(func(string, int) error { return throttled() })
	id := domain.NotificationID(tg.ID, domain.KindReached, 100)
	created := e.clk.Now()
	for i := 1; i <= 14; i++ { // every 5 hours: 65 hours
		rep := e.run()
		n := e.notifications(w.prog.ID)[id]
		if n.Status != domain.NotificationPending || n.Attempts != int64(i) || !strings.Contains(n.LastError, "TooManyRequestsException") {
			t.Fatalf("run %d, %v after: %+v (report %+v)", i, e.clk.Now().Sub(created), n, rep)
		}
		e.clk.Add(5 * time.Hour)
	}
	e.clk.Set(created.Add(notify.GiveUpAfter).Format(time.RFC3339))
	if rep := e.run(); rep.Emails != 0 || rep.Failed != 1 {
		t.Errorf("run at the limit: %+v", rep)
	}
	n := e.notifications(w.prog.ID)[id]
	if n.Status != domain.NotificationFailed || len(n.Sending) != 0 || !strings.Contains(n.LastError, "not delivered to "+w.contacts[0]) ||
		!strings.Contains(n.LastError, "3 days") || !strings.Contains(n.LastError, "TooManyRequestsException") {
		t.Errorf("given up: %+v", n)
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("after giving up: %+v", rep)
	}
	e.expectMail(nil)
}

// TestThrottlingStopsTheRun: SES throttling stops the run's sending at
// once: the other pending notifications are neither leased nor tried
// (their attempts untouched), and the next run sends them all.
func TestThrottlingStopsTheRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	tgs := []domain.Target{e.projectTarget(w, 60, "2026-12-31"), e.projectTarget(w, 50, "2026-12-31"), e.projectTarget(w, 40, "2026-12-31")}
	e.clk.Set("2026-03-02T10:30:00Z")
	e.submit(w.prog.ID, w.project.ID, 61, "")
	e.faults.Decide(func(string, int) testkit.SESFault {
		return testkit.SESFault{Status: 429, Code: "TooManyRequestsException"}
	})
	rep := e.run()
	if rep.Claimed != 3 || rep.Emails != 1 || rep.Retrying != 1 || rep.StoppedSending != 1 {
		t.Errorf("throttled run: %+v", rep)
	}
	if n := len(e.faults.Requests()); n != 1 || e.faults.Requests()[w.contacts[0]] != 1 {
		t.Errorf("SendEmail requests %v: one, then the run stops", e.faults.Requests())
	}
	tried := 0
	for _, tg := range tgs {
		n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindReached, 100)]
		if n.Status != domain.NotificationPending || len(n.Sending) != 0 {
			t.Errorf("%s: %+v", n.ID, n)
		}
		tried += int(n.Attempts)
	}
	if tried != 1 {
		t.Errorf("%d attempts spent, want the throttled one's only", tried)
	}
	e.faults.Decide(nil)
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Sent != 3 || rep.Emails != 12 || rep.StoppedSending != 0 {
		t.Errorf("next run: %+v", rep)
	}
}

// TestAccountErrorIsPassing: an SES error of the account, not of the
// address (sending paused, the account suspended, the sending domain not
// verified, a configuration set not found), answered by the real client
// through the emulator's front, fails nothing for good: the run stops
// sending, the notification stays pending with lastError naming the SES
// error, and once sending is resumed the next run delivers it to all.
func TestAccountErrorIsPassing(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"SendingPausedException", "AccountSuspendedException", "MailFromDomainNotVerifiedException", "NotFoundException"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w, tg := reachedWorld(e)
			id := domain.NotificationID(tg.ID, domain.KindReached, 100)
			e.faults.Decide(func(string, int) testkit.SESFault { return testkit.SESFault{Code: code} })
			rep := e.run()
			if rep.Emails != 1 || rep.Retrying != 1 || rep.Failed != 0 || rep.StoppedSending != 1 {
				t.Errorf("paused run: %+v", rep)
			}
			n := e.notifications(w.prog.ID)[id]
			if n.Status != domain.NotificationPending || len(n.Rejected) != 0 || len(n.Sending) != 0 || !strings.Contains(n.LastError, code) {
				t.Errorf("after %s: %+v", code, n)
			}
			e.faults.Decide(nil)
			e.clk.Add(time.Minute)
			if rep := e.run(); rep.Sent != 1 || rep.Emails != 4 {
				t.Errorf("resumed: %+v", rep)
			}
			e.expectMail(each(reachedSubject, w.contacts...))
		})
	}
}

// TestDroppedAfterSendingIsNotResent: a connection lost after the
// request went (SES took the email; its answer never came) is neither
// resent by the SDK's retryer nor retried by a later run: the contact has
// exactly one email, and the notification is failed, saying it is not
// known to be delivered. The other contacts get theirs.
func TestDroppedAfterSendingIsNotResent(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]testkit.SESFault{
		"connection reset":      {Drop: true},
		"timeout after sending": {Drop: true, Err: context.DeadlineExceeded},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w, tg := reachedWorld(e)
			lost := w.contacts[1]
			e.faults.Decide(func(to string, _ int) testkit.SESFault {
				if to == lost {
					return fault
				}
				return testkit.SESFault{}
			})
			rep := e.run()
			if rep.Emails != 4 || rep.Failed != 1 || rep.Retrying != 0 {
				t.Errorf("run: %+v", rep)
			}
			for range 2 {
				e.clk.Add(10 * time.Minute)
				if rep := e.run(); rep.Emails != 0 {
					t.Errorf("later run: %+v", rep)
				}
			}
			if n := e.faults.Requests()[lost]; n != 1 {
				t.Errorf("%d SendEmail requests to %s, want exactly 1", n, lost)
			}
			e.expectMail(each(reachedSubject, w.contacts...)) // the lost answer's email went: once
			n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindReached, 100)]
			if n.Status != domain.NotificationFailed || !slices.Equal(n.Sending, []string{lost}) || len(n.Delivered) != 3 ||
				!strings.Contains(n.LastError, "not known to be delivered to "+lost) || n.SentAt == nil {
				t.Errorf("notification %+v", n)
			}
		})
	}
}

// TestSenderDeadlineBeforeSendingIsPassing: a deadline reached before
// the request went (nothing sent: here the call fails before the SDK
// sends anything) and a refused connection are passing, retried like
// throttling. A timeout once the request went is not (see
// TestDroppedAfterSendingIsNotResent): this test once retried any
// timeout, which could send an email twice.
func TestSenderDeadlineBeforeSendingIsPassing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, _ := reachedWorld(e)
	e.ses.setFail(func(_ string, call int) error {
		if call == 0 {
			return &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: context.DeadlineExceeded}
		}
		return nil
	})
	if rep := e.run(); rep.Retrying != 1 {
		t.Errorf("first run: %+v", rep)
	}
	e.faults.Decide(func(_ string, call int) testkit.SESFault { return testkit.SESFault{Refuse: call == 0} })
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Retrying != 1 || rep.Sent != 0 {
		t.Errorf("refused run: %+v", rep)
	}
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Sent != 1 {
		t.Errorf("third run: %+v", rep)
	}
	e.expectMail(each(reachedSubject, w.contacts...))
}

// TestDeadlineStopsSending: a run near its deadline (the Lambda
// function's timeout) starts no send it might not finish: with less than
// the margin left it leases nothing; when a slow send brings the deadline
// within the margin, it claims no more recipients and gives the lease
// back, so no email is cut off in flight, and the next run sends the
// rest.
func TestDeadlineStopsSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	id := domain.NotificationID(tg.ID, domain.KindReached, 100)
	// Generous times, so a loaded machine does not change what happens.
	n := e.notifier()
	n.Margin = time.Minute
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(30*time.Second))
	rep, err := n.Run(ctx)
	cancel()
	if err != nil || rep.Claimed != 1 || rep.Emails != 0 || rep.StoppedSending != 1 {
		t.Errorf("run within the margin: %+v, %v", rep, err)
	}
	if note := e.notifications(w.prog.ID)[id]; note.Status != domain.NotificationPending || note.Attempts != 0 {
		t.Errorf("left for the next run: %+v", note)
	}

	n.Margin = 5 * time.Second
	deadline := time.Now().Add(15 * time.Second)
	e.faults.Decide(func(to string, _ int) testkit.SESFault {
		if to == w.contacts[0] {
			// From more than the margin left to less (and within SendTimeout).
			return testkit.SESFault{Delay: time.Until(deadline) - n.Margin + 500*time.Millisecond}
		}
		return testkit.SESFault{}
	})
	ctx, cancel = context.WithDeadline(t.Context(), deadline)
	rep, err = n.Run(ctx)
	cancel()
	if err != nil || rep.Emails != 1 || rep.StoppedSending != 1 || rep.Sent+rep.Failed != 0 {
		t.Errorf("run the slow send took near its deadline: %+v, %v", rep, err)
	}
	note := e.notifications(w.prog.ID)[id]
	if note.Status != domain.NotificationPending || !slices.Equal(note.Delivered, w.contacts[:1]) || len(note.Sending) != 0 {
		t.Errorf("after stopping: %+v", note)
	}
	e.expectMail(each(reachedSubject, w.contacts[0]))

	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Emails != 3 || rep.Sent != 1 {
		t.Errorf("next run: %+v", rep)
	}
	e.expectMail(each(reachedSubject, w.contacts...))
}

// TestOnlyRecipientRejected: a target telling one funder whose one contact
// is rejected: nothing is delivered, the notification is failed (no sentAt)
// and the run carries on.
func TestOnlyRecipientRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	solo := e.funder(w.prog.ID, "Leeds Community Foundation", e.addr("bounces", "lcf.example.org"))
	tg := e.target(w.prog.ID, obj{"metric": "peopleIntoWork", "value": 10, "deadline": "2026-12-31", "notify": []string{solo.ID}})
	e.ses.setFail(func(string, int) error { return rejected() })
	e.clk.Set("2026-03-02T10:30:00Z")
	e.submit(w.prog.ID, w.project.ID, 12, "")
	rep := e.run()
	if rep.Failed != 1 || rep.Emails != 1 {
		t.Errorf("report %+v", rep)
	}
	n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindReached, 100)]
	if n.Status != domain.NotificationFailed || n.SentAt != nil || len(n.Delivered) != 0 || !strings.Contains(n.LastError, solo.Contacts[0]) {
		t.Errorf("notification %+v", n)
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("later run: %+v", rep)
	}
	e.expectMail(nil)
}
