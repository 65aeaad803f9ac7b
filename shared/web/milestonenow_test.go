package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// fallenBack is the fixture's three milestone tranches of grant X on the
// programme's target of 60 into work (45 counted, 20 and 25): on 70%
// (42: due), on 40% (24: due) and on 90% (54: scheduled); and fallBack
// corrects the second quarter from 25 to 10 into work (30 of 60, 50%), so
// the first's milestone is no longer met while it stays due, and the
// second's still holds.
type fallenBack struct {
	f                  fixture
	fell, holds, waits domain.Payment
}

func milestoneTranches(t *testing.T, h *webH) fallenBack {
	t.Helper()
	f := h.fixture(t)
	fb := fallenBack{f: f,
		fell:  h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(300_00, f.TargetID, 70)),
		holds: h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(200_00, f.TargetID, 40)),
		waits: h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(100_00, f.TargetID, 90)),
	}
	if fb.fell.Status != domain.PaymentDue || fb.holds.Status != domain.PaymentDue || fb.waits.Status != domain.PaymentScheduled {
		t.Fatalf("the tranches: %s, %s, %s", fb.fell.Status, fb.holds.Status, fb.waits.Status)
	}
	return fb
}

func (fb fallenBack) fallBack(t *testing.T, h *webH) {
	t.Helper()
	var q2 string
	for _, o := range outcomesOf(t, h, fb.f) {
		if o.PeriodStart == domain.MustDate("2011-04-01") {
			q2 = o.ID
		}
	}
	h.build.Outcome(fb.f.PID, fb.f.ProjectA, map[string]any{"periodStart": "2011-04-01", "periodEnd": "2011-06-30",
		"counts": map[string]int{"referrals": 90, "peopleIntoWork": 10}, "replaces": q2})
}

// notMetFlag marks the flag of a milestone no longer met, wherever a page
// shows it; flaggedSo says whether part has the flag, in its words.
const notMetFlag = `data-testid="payment-milestone-not-met"`

func flaggedSo(part string) bool {
	return strings.Contains(part, notMetFlag) && strings.Contains(part, html.EscapeString(domain.MilestoneNoLongerMetWords)) &&
		strings.Contains(part, "It stays due until it is recorded paid or cancelled.")
}

// TestGrantPageFlagsAMilestoneNoLongerMet: a milestone tranche that fell
// due stays due when the figures are corrected below its threshold after,
// and the grant's page says so beside its status, to every role that
// reads the grant; a tranche still scheduled, and one whose milestone
// still holds, carry no such flag.
func TestGrantPageFlagsAMilestoneNoLongerMet(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	fb := milestoneTranches(t, h)
	g := "/app/programmes/" + fb.f.PID + "/grants/" + fb.f.GrantX
	row := func(body, id string) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<tr class="nhsuk-table__row" data-testid="payment-` + id + `">.*?</tr>`).FindString(body)
		if m == "" {
			t.Fatalf("no row for payment %s\n%s", id, excerpt(body))
		}
		return m
	}
	if pg := h.as(t, uLead).get(g); strings.Contains(pg.Body, notMetFlag) {
		t.Errorf("the page flags a milestone while the figures reach every due tranche's:\n%s", excerpt(pg.Body))
	}

	fb.fallBack(t, h)
	for _, who := range []string{uLead, uPL, uFunder} {
		pg := h.as(t, who).get(g)
		r := row(pg.Body, fb.fell.ID)
		if !flaggedSo(r) || !strings.Contains(r, ">Due</strong>") {
			t.Errorf("as %s, the row of the tranche on 70%% lacks the flag, or is no longer due:\n%s", who, r)
		}
		for _, id := range []string{fb.holds.ID, fb.waits.ID} {
			if r := row(pg.Body, id); strings.Contains(r, notMetFlag) {
				t.Errorf("as %s, payment %s is flagged:\n%s", who, id, r)
			}
		}
	}
}

// TestNotificationsAndPaymentChangeFlagAMilestoneNoLongerMet: the same
// flag, in the same words, on the notifications page, beside the
// payment-due email of the tranche whose milestone fell back (to the lead
// and to the grant's funder, who list it), and on the page where a lead
// records that tranche paid or cancels it; not beside the email of the
// tranche whose milestone still holds, nor on its page, and on neither
// page before the figures fell back.
func TestNotificationsAndPaymentChangeFlagAMilestoneNoLongerMet(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	fb := milestoneTranches(t, h)
	base := "/app/programmes/" + fb.f.PID
	change := func(p domain.Payment) string {
		return base + "/grants/" + fb.f.GrantX + "/payments/" + p.ID + "/change"
	}
	// emailRow is the notifications page's row of p's payment-due email
	// (its History link names the email).
	emailRow := func(who, body string, p domain.Payment) string {
		t.Helper()
		for _, row := range strings.Split(body, "</tr>") {
			if strings.Contains(row, "id="+domain.PaymentNotificationID(p.ID)+`"`) && strings.Contains(row, `data-testid="notification-payment"`) {
				return row
			}
		}
		t.Fatalf("as %s, no row for the email of payment %s\n%s", who, p.ID, excerpt(body))
		return ""
	}
	look := func(when string, fellFlagged bool) {
		t.Helper()
		for _, who := range []string{uLead, uFunder} {
			body := h.as(t, who).get(base + "/notifications").Body
			if r := emailRow(who, body, fb.fell); flaggedSo(r) != fellFlagged {
				t.Errorf("%s, as %s, the email of the tranche on 70%% flagged: %v, want %v\n%s", when, who, flaggedSo(r), fellFlagged, r)
			}
			if r := emailRow(who, body, fb.holds); strings.Contains(r, notMetFlag) {
				t.Errorf("%s, as %s, the email of the tranche on 40%% is flagged:\n%s", when, who, r)
			}
		}
		pg := h.as(t, uLead).get(change(fb.fell))
		if pg.Status != http.StatusOK || flaggedSo(pg.Body) != fellFlagged {
			t.Errorf("%s, the change page of the tranche on 70%% (%d) flagged: %v, want %v\n%s", when, pg.Status, flaggedSo(pg.Body), fellFlagged, excerpt(pg.Body))
		}
		if pg := h.as(t, uLead).get(change(fb.holds)); pg.Status != http.StatusOK || strings.Contains(pg.Body, notMetFlag) {
			t.Errorf("%s, the change page of the tranche on 40%% (%d) is flagged:\n%s", when, pg.Status, excerpt(pg.Body))
		}
	}
	look("before the correction", false)
	fb.fallBack(t, h)
	look("after the correction", true)
}
