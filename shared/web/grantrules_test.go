package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// grantForm is the grant form for the fixture's GrantX as stored, with
// changes.
func grantForm(f fixture, changes map[string]string) url.Values {
	v := url.Values{"funderId": {f.FunderX}, "projectId": {f.ProjectA}, "title": {"Employment specialists"},
		"amountPence": {"310000.00"}, "awardDate": {"2010-09-01"}, "startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}, "version": {"1"}}
	for k, x := range changes {
		v.Set(k, x)
	}
	return v
}

// wantOnPage checks a page answered status and holds each of wants.
func wantOnPage(t *testing.T, what string, p page, status int, wants ...string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: %d, want %d\n%s", what, p.Status, status, excerpt(p.Body))
	}
	for _, want := range wants {
		if !strings.Contains(p.Body, want) {
			t.Errorf("%s: the page lacks %q\n%s", what, want, excerpt(p.Body))
		}
	}
}

// TestGrantFormKeepsSpend: the grant form refuses dates that narrow past
// a spend return of the grant, beside the Start date and End date boxes,
// each naming the date it may move to (written out, as the pages write
// dates); the grant is unchanged.
func TestGrantFormKeepsSpend(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	h.build.Spend(f.PID, f.GrantX, testkit.SpendBody("2011-01-01", "2011-03-31", "staff", 100_00))
	lead := h.as(t, uLead)
	path := "/app/programmes/" + f.PID + "/grants/" + f.GrantX + "/edit"
	lead.get(path)
	p := lead.post(path, grantForm(f, map[string]string{"startDate": "2011-02-01", "endDate": "2011-02-28"}))
	wantOnPage(t, "dates narrowed past the spend", p, http.StatusBadRequest, `href="#f-startDate-day"`, `href="#f-endDate-day"`,
		"Start date must not be after 1 January 2011, where a spend return of this grant starts",
		"End date must not be before 31 March 2011, where a spend return of this grant ends")
	if g := must(h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).Grant(f.GrantX)); g.Version != 1 {
		t.Errorf("the refused change stored %+v", g)
	}
	p = lead.post(path, grantForm(f, map[string]string{"startDate": "2011-01-01", "endDate": "2011-03-31"}))
	wantOnPage(t, "dates narrowed to the spend", p, http.StatusSeeOther)
}

// TestPaymentFormOffersOwnTargets: the payment form of a project's grant
// offers its project's targets and the programme's, not another
// project's, and says so; one sent anyway is refused beside the Target
// box. A grant to the whole programme is offered every target.
func TestPaymentFormOffersOwnTargets(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	leeds := h.build.Target(f.PID, map[string]any{"metric": "referrals", "value": 12, "deadline": "2012-03-31",
		"projectId": f.ProjectB, "notify": []string{}}).ID
	lead := h.as(t, uLead)
	g := "/app/programmes/" + f.PID + "/grants/"
	p := lead.get(g + f.GrantX + "/payments/new")
	wantOnPage(t, "the form of A's grant", p, http.StatusOK, `value="`+f.TargetID+`"`,
		"A target of the grant's project, or of the whole programme.")
	if strings.Contains(p.Body, `value="`+leeds+`"`) {
		t.Errorf("the form of A's grant offers B's target\n%s", excerpt(p.Body))
	}
	p = lead.post(g+f.GrantX+"/payments/new", url.Values{"amountPence": {"1"}, "trigger.kind": {"milestone"},
		"trigger.targetId": {leeds}, "trigger.threshold": {"50"}})
	wantOnPage(t, "A's grant on B's target", p, http.StatusBadRequest, `href="#f-trigger-targetId"`,
		html.EscapeString("Target must be a target of the grant's project or of the whole programme"))
	if p := lead.get(g + f.GrantY + "/payments/new"); !strings.Contains(p.Body, `value="`+leeds+`"`) {
		t.Errorf("the form of the programme's grant does not offer B's target\n%s", excerpt(p.Body))
	}
}

// TestRecipientKeepsWaitingPayments: the grant form refuses to give the
// programme's grant to project A while a payment of it waits on project
// B's target, beside Recipient and naming the payment; the target form
// refuses to give the programme's target to B while a payment of A's
// grant waits on it, beside Applies to and naming the grant. Neither is
// changed.
func TestRecipientKeepsWaitingPayments(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	leeds := h.build.Target(f.PID, map[string]any{"metric": "referrals", "value": 12, "deadline": "2012-03-31",
		"projectId": f.ProjectB, "notify": []string{}}).ID
	h.build.Payment(f.PID, f.GrantY, testkit.MilestonePaymentBody(5_00, leeds, 50))
	// At 100% of the programme's 60 into work: its 45 do not reach it, so
	// the payment waits (one on 50% would be due when made).
	h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(1_00, f.TargetID, 100))
	lead := h.as(t, uLead)
	sc := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID)

	path := "/app/programmes/" + f.PID + "/grants/" + f.GrantY + "/edit"
	lead.get(path)
	p := lead.post(path, url.Values{"funderId": {f.FunderY}, "projectId": {f.ProjectA}, "title": {"Network coordination"},
		"amountPence": {"50000.00"}, "awardDate": {"2010-09-01"}, "startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}, "version": {"1"}})
	wantOnPage(t, "the programme's grant to A", p, http.StatusBadRequest, `href="#f-projectId"`,
		html.EscapeString("Recipient cannot change while payments of this grant wait on another project's return or target "+
			"(£5.00 when 50% of Leeds internships' target of 12 referrals is reached)"))
	if g := must(sc.Grant(f.GrantY)); g.ProjectID != "" || g.Version != 1 {
		t.Errorf("the refused change stored %+v", g)
	}

	path = "/app/programmes/" + f.PID + "/targets/" + f.TargetID + "/edit"
	lead.get(path)
	p = lead.post(path, url.Values{"metric": {"peopleIntoWork"}, "value": {"60"}, "deadline": {"2012-03-31"}, "projectId": {f.ProjectB},
		"notify": {f.FunderX}, "thresholds": {"100"}, "version": {"1"}})
	wantOnPage(t, "the programme's target to B", p, http.StatusBadRequest, `href="#f-projectId"`,
		html.EscapeString("Applies to cannot change while payments of another project's grants wait on this target (Employment specialists (£1.00))"))
	if tg := must(sc.Target(f.TargetID)); tg.ProjectID != "" || tg.Version != 1 {
		t.Errorf("the refused change stored %+v", tg)
	}
}
