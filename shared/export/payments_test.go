package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/export/givingtest"
)

// withPayments is a set with payments of its first two grants: a dated
// tranche paid, a milestone tranche due (on its project's target as it was
// when it fell due), a return tranche scheduled with no expected date (on
// Keighley IPS's return, keighley), a cancelled one, and a milestone
// tranche still scheduled on the programme's target; a reference that
// would run as a formula.
func withPayments(s export.GrantSet) export.GrantSet {
	at := time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)
	d := func(s string) *domain.Date { x := domain.MustDate(s); return &x }
	g1, g2 := s.Grants[0].ID, s.Grants[1].ID
	s.Payments = []domain.Payment{
		{ID: "01jpay1000000000000000000a", GrantID: g1, AmountPence: 15_500_000, DueDate: d("2025-03-31"), Trigger: domain.Trigger{Kind: "date"},
			Status: domain.PaymentPaid, DueSince: domain.MustDate("2025-03-31"), PaidDate: domain.MustDate("2025-04-03"),
			Reference: "=cmd|' /C calc'!A0", Version: 3, CreatedAt: at, UpdatedAt: at.Add(48 * time.Hour)},
		{ID: "01jpay2000000000000000000a", GrantID: g1, AmountPence: 7_750_050, DueDate: d("2025-12-31"),
			Trigger: domain.Trigger{Kind: "milestone", TargetID: "01jtarget00000000000000000", Threshold: 50,
				TargetMetric: domain.MetricPeopleIntoWork, TargetValue: 20, TargetProjectID: s.Grants[0].ProjectID},
			Status: domain.PaymentDue, DueSince: domain.MustDate("2025-08-30"), Version: 2, CreatedAt: at, UpdatedAt: at},
		{ID: "01jpay3000000000000000000a", GrantID: g1, AmountPence: 1_000_000, Trigger: domain.Trigger{Kind: "return",
			ReturnID: domain.ReturnID("01jsched000000000000000000", keighley, domain.MustDate("2025-04-01")), PeriodEnd: domain.MustDate("2025-06-30")},
			Status: domain.PaymentScheduled, Version: 1, CreatedAt: at, UpdatedAt: at},
		{ID: "01jpay4000000000000000000a", GrantID: g2, AmountPence: 500, DueDate: d("2025-05-01"), Trigger: domain.Trigger{Kind: "date"},
			Status: domain.PaymentCancelled, Version: 2, CreatedAt: at, UpdatedAt: at},
		{ID: "01jpay5000000000000000000a", GrantID: g1, AmountPence: 1, DueDate: d("2025-02-01"), Trigger: domain.Trigger{Kind: "date"},
			Status: domain.PaymentPaid, PaidDate: domain.MustDate("2025-02-01"), Reference: " -1+1", Version: 2, CreatedAt: at, UpdatedAt: at},
		{ID: "01jpay6000000000000000000a", GrantID: g1, AmountPence: 2_000_000, Trigger: domain.Trigger{Kind: "milestone",
			TargetID: "01jtarget20000000000000000", Threshold: 100, TargetMetric: domain.MetricReferrals, TargetValue: 50},
			Status: domain.PaymentScheduled, Version: 1, CreatedAt: at, UpdatedAt: at},
	}
	return s
}

// keighley is a project whose return a payment of withPayments waits on.
const keighley = "01jkeyghxyp000000000000000"

// withTargets is s with the targets withPayments' payments wait on, as
// they are now (both changed since the payments recorded them), and the
// project Keighley IPS.
func withTargets(s export.GrantSet) export.GrantSet {
	s.Projects = append(s.Projects, domain.Project{ID: keighley, Name: "Keighley IPS"})
	s.Targets = []domain.Target{
		{ID: "01jtarget00000000000000000", Metric: domain.MetricPeopleIntoWork, Value: 25, ProjectID: s.Grants[0].ProjectID},
		{ID: "01jtarget20000000000000000", Metric: domain.MetricReferrals, Value: 60},
	}
	return s
}

// TestPaymentsCSVExact: each payment's row, with its trigger in words as
// the grant's page writes it (a payment due named by the target it fell
// due on, one scheduled by its target as it is now) and the target or
// return it waits on by id in the last columns.
func TestPaymentsCSVExact(t *testing.T) {
	var buf bytes.Buffer
	if err := export.PaymentsCSV(&buf, withTargets(withPayments(fixtureSet()))); err != nil {
		t.Fatal(err)
	}
	ret := "01jsched000000000000000000-" + keighley + "-20250401"
	want := "\ufeff" +
		"Payment ID,Grant ID,Grant title,Funder,Recipient project,Amount (£),Trigger,Due date,Status,Due since,Paid date,Reference,Trigger target ID,Trigger return ID,Milestone on current figures\r\n" +
		"01jpay1000000000000000000a,01jgrant100000000000000000,Employment specialists,Department of Health,IPS Bradford,155000.00,On 31 March 2025,2025-03-31,paid,2025-03-31,2025-04-03,'=cmd|' /C calc'!A0,,,\r\n" +
		"01jpay2000000000000000000a,01jgrant100000000000000000,Employment specialists,Department of Health,IPS Bradford,77500.50,When 50% of IPS Bradford's target of 20 people into work is reached,2025-12-31,due,2025-08-30,,,01jtarget00000000000000000,,\r\n" +
		"01jpay3000000000000000000a,01jgrant100000000000000000,Employment specialists,Department of Health,IPS Bradford,10000.00,When Keighley IPS's return for April to June 2025 is accepted,,scheduled,,,,," + ret + ",\r\n" +
		`01jpay4000000000000000000a,01jgrant200000000000000000,"'=HYPERLINK(""http://evil.example"",""£ click"")","Local Trust, Bradford",Aspiro,5.00,On 1 May 2025,2025-05-01,cancelled,,,,,,` + "\r\n" +
		"01jpay5000000000000000000a,01jgrant100000000000000000,Employment specialists,Department of Health,IPS Bradford,0.01,On 1 February 2025,2025-02-01,paid,,2025-02-01,' -1+1,,,\r\n" +
		"01jpay6000000000000000000a,01jgrant100000000000000000,Employment specialists,Department of Health,IPS Bradford,20000.00,When 100% of the programme's target of 60 referrals is reached,,scheduled,,,,01jtarget20000000000000000,,\r\n"
	if got := buf.String(); got != want {
		t.Fatalf("payments CSV:\n got %q\nwant %q", got, want)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 || rows[2][5] != "77500.50" || rows[1][11] != "'=cmd|' /C calc'!A0" || rows[3][13] != ret {
		t.Fatalf("parsed rows: %q", rows)
	}
}

// TestPaymentsCSVMilestoneNow: the last column says, for each milestone
// tranche still to be paid, whether its target (as it is now) meets its
// threshold on the current figures (Currents): a due tranche whose figures
// were corrected down after it fell due is flagged, and stays due; a
// scheduled one is "Not met yet" or, a moment before it falls due, "Met".
// A tranche paid, cancelled, on a date or a return, or whose target's
// figure was not read, says nothing there.
func TestPaymentsCSVMilestoneNow(t *testing.T) {
	for _, c := range []struct {
		name            string
		currents        map[string]int64
		onTarget, onTwo string // the due tranche's cell (50% of 25), the scheduled one's (100% of 60)
	}{
		{"corrected below the due tranche's threshold", map[string]int64{"01jtarget00000000000000000": 12, "01jtarget20000000000000000": 59},
			"No longer met: stays due until paid or cancelled", "Not met yet"},
		{"both met", map[string]int64{"01jtarget00000000000000000": 13, "01jtarget20000000000000000": 60}, "Met", "Met"},
		{"one figure read", map[string]int64{"01jtarget20000000000000000": 0}, "", "Not met yet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := withTargets(withPayments(fixtureSet()))
			s.Currents = c.currents
			var buf bytes.Buffer
			if err := export.PaymentsCSV(&buf, s); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			last := len(export.PaymentsCSVHeader) - 1
			if rows[0][last] != "Milestone on current figures" {
				t.Fatalf("header %q", rows[0])
			}
			want := map[string]string{"01jpay2000000000000000000a": c.onTarget, "01jpay6000000000000000000a": c.onTwo}
			for _, row := range rows[1:] {
				if len(row) != len(export.PaymentsCSVHeader) {
					t.Fatalf("row of %d cells: %q", len(row), row)
				}
				if got := row[last]; got != want[row[0]] {
					t.Errorf("payment %s (%s): %q, want %q", row[0], row[8], got, want[row[0]])
				}
				if row[0] == "01jpay2000000000000000000a" && row[8] != "due" {
					t.Errorf("the due tranche is %s", row[8])
				}
			}
		})
	}
}

func TestPaymentsCSVEmpty(t *testing.T) {
	f, err := export.PaymentsFile(export.GrantSet{Programme: domain.Programme{Name: "Working for Wellness"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffPayment ID,Grant ID,Grant title,Funder,Recipient project,Amount (£),Trigger,Due date,Status,Due since,Paid date,Reference,Trigger target ID,Trigger return ID,Milestone on current figures\r\n"
	if string(f.Body) != want || f.Name != "working-for-wellness-payments.csv" || f.ContentType != export.CSVContentType {
		t.Fatalf("an empty payments file: %s %s %q", f.Name, f.ContentType, f.Body)
	}
}

// TestGivingDisbursements: what was paid appears where the standard has
// fields for it (amountDisbursed, disbursementTransaction), adding up to
// the penny, and the package stays valid and clean.
func TestGivingDisbursements(t *testing.T) {
	s := withPayments(cleanGivingSet())
	raw := givingJSON(t, s, givingConfig, nil)
	if err := givingtest.Validate(t, raw); err != nil {
		t.Fatalf("the package with payments fails the 360Giving schema: %v\n%s", err, raw)
	}
	if extra := givingtest.UnknownFields(t, decode(t, raw)); len(extra) > 0 {
		t.Errorf("fields the 360Giving schema lacks: %v", extra)
	}
	if a := givingtest.Avoidable(givingtest.QualityNotices(decode(t, raw), givingNow)); len(a) > 0 {
		t.Errorf("avoidable notices with payments: %v", a)
	}
	var pkg export.GivingPackage
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	g1, g2, g3 := pkg.Grants[0], pkg.Grants[1], pkg.Grants[2]
	// Grant 1: two payments made (£0.01 on 1 February, £155,000 on 3 April), oldest first.
	if g1.AmountDisbursed == nil || *g1.AmountDisbursed != "155000.01" || len(g1.DisbursementTransaction) != 2 {
		t.Fatalf("grant 1: disbursed %v, %d transactions", g1.AmountDisbursed, len(g1.DisbursementTransaction))
	}
	first, second := g1.DisbursementTransaction[0], g1.DisbursementTransaction[1]
	if first.TransactionDate != "2025-02-01" || first.Value != "0.01" || second.TransactionDate != "2025-04-03" || second.Value != "155000" {
		t.Errorf("grant 1's transactions: %+v", g1.DisbursementTransaction)
	}
	if second.ID != "360G-ftk-payment-01jpay1000000000000000000a" || second.Currency != "GBP" ||
		second.Provider != g1.FundingOrganization[0].ID || second.Recipient != g1.RecipientOrganization[0].ID ||
		strings.Contains(second.Description, "cmd") {
		t.Errorf("a transaction: %+v", second)
	}
	// Its record changed when its last payment did.
	if g1.DateModified != "2025-09-03T08:00:00Z" || pkg.Modified != "2025-09-03T08:00:00Z" {
		t.Errorf("modified: grant %s, package %s", g1.DateModified, pkg.Modified)
	}
	// Grant 2's only payment was cancelled: nothing recorded of disbursement.
	if g2.AmountDisbursed != nil || len(g2.DisbursementTransaction) != 0 {
		t.Errorf("grant 2: %+v %+v", g2.AmountDisbursed, g2.DisbursementTransaction)
	}
	if g3.AmountDisbursed != nil {
		t.Errorf("a grant without payments says %s was disbursed", *g3.AmountDisbursed)
	}
	// A grant whose tranches are all still to come has disbursed nothing, and says so.
	only := cleanGivingSet()
	only.Payments = []domain.Payment{withPayments(cleanGivingSet()).Payments[2]}
	var pkg2 export.GivingPackage
	if err := json.Unmarshal(givingJSON(t, only, givingConfig, nil), &pkg2); err != nil {
		t.Fatal(err)
	}
	if d := pkg2.Grants[0].AmountDisbursed; d == nil || *d != "0" {
		t.Errorf("a grant with a tranche to come: disbursed %v, want 0", d)
	}
	// A funder's package carries its grants' payments too.
	set, f, err := export.GivingFunder(s, s.Funders[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	fraw := givingJSON(t, set, givingConfig, &f)
	if err := givingtest.Validate(t, fraw); err != nil || !strings.Contains(string(fraw), `"amountDisbursed": 155000.01`) && !strings.Contains(string(fraw), `"amountDisbursed":155000.01`) {
		t.Errorf("the funder's package: %v %s", err, fraw)
	}
}
