package httpapi_test

// The "done when", end to end through HTTP, the notifier and the
// SES emulator: a lead records a grant with a budget and three tranches
// (dated, on a target milestone, on a return being accepted); the project
// lead submits spend and outcomes; each tranche is due as soon as its
// trigger holds (the dated one when made, its date passed; the others with
// the submission that crosses the threshold and accepts the return); the
// notifier emails the funder and the lead once for each; the lead marks
// them paid; progress, the payments CSV and the 360Giving package then
// agree to the penny.

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

func TestMoneyFlow(t *testing.T) {
	t.Parallel()
	mail := testkit.NewMailbox(t)
	s := testkit.New(t, testkit.WithClock("2026-01-15T09:00:00Z"))
	h := &apiH{API: s.API(t), Stack: s}
	lead, pl, funderUser := mail.Addr("lead", "lpt.example.nhs.uk"), mail.Addr("pl", "bdct.example.nhs.uk"), mail.Addr("officer", "dwp.example.gov.uk")
	contact := mail.Addr("grants", "dwp.example.gov.uk")
	run := func() notify.Report {
		t.Helper()
		n := notifierdeps.Notifier(h.Config(), s.DB, email.SES{Client: testkit.SES(t), From: "fundtrack@example.org"})
		n.Logger, n.Now = slog.New(slog.NewTextHandler(io.Discard, nil)), s.Clock.Now
		rep, err := n.Run(t.Context())
		if err != nil {
			t.Fatalf("notifier: %v (%+v)", err, rep)
		}
		return rep
	}

	pid, _ := h.Create(t, uAdmin, "/programmes", map[string]any{"name": "Working for Wellness", "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"startDate": "2025-04-01", "endDate": "2027-03-31", "orgId": "GB-NHS-RT5", "postcode": "LE3 8RA"})
	P := "/programmes/" + pid
	dwp, _ := h.Create(t, uAdmin, P+"/funders", map[string]any{"name": "Department for Work and Pensions", "orgId": "GB-GOR-D10", "contacts": []string{contact}})
	prj, _ := h.Create(t, uAdmin, P+"/projects", map[string]any{"name": "Bradford IPS", "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2025-04-01", "endDate": "2027-03-31", "orgId": "GB-NHS-TAD", "postcode": "BD18 3LD",
		"beneficiaryLocations": []map[string]any{{"geoCode": "E08000032", "name": "Bradford"}}})
	for who, role := range map[string]map[string]string{lead: testkit.RoleLead(), pl: testkit.RoleProjectLead(prj), funderUser: testkit.RoleFunder(dwp)} {
		h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(pid, who), uAdmin, testkit.RolesBody(role)))
	}
	target, _ := h.Create(t, lead, P+"/targets", map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2027-03-31",
		"projectId": prj, "notify": []string{dwp}})

	// The lead records a grant with a budget, and its tranches.
	gid, _ := h.Create(t, lead, P+"/grants", map[string]any{"funderId": dwp, "projectId": prj, "title": "Employment specialists",
		"description": "Two IPS employment specialists for Bradford", "amountPence": 100_000_00, "currency": "GBP",
		"awardDate": "2025-03-01", "startDate": "2025-04-01", "endDate": "2027-03-31",
		"budget": []map[string]any{{"category": "staff", "amountPence": 80_000_00}, {"category": "travel", "amountPence": 5_000_00},
			{"category": "overheads", "amountPence": 15_000_00}}})
	G := P + "/grants/" + gid
	dated, _ := h.Create(t, lead, G+"/payments", map[string]any{"amountPence": 40_000_00, "dueDate": "2026-01-01",
		"trigger": map[string]any{"kind": "date"}, "reference": "PO 2025/041"})
	milestone, _ := h.Create(t, lead, G+"/payments", map[string]any{"amountPence": 35_000_00, "dueDate": "2026-09-30",
		"trigger": map[string]any{"kind": "milestone", "targetId": target, "threshold": 50}})
	// The third is released when the project's return for the last quarter
	// of 2025 is accepted (the programme does not review, so on receipt).
	sched, _ := h.Create(t, lead, P+"/schedules", map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2025-10-01", "lastPeriodEnd": "2027-03-31"})
	q4 := domain.ReturnID(sched, prj, domain.MustDate("2025-10-01"))
	onReturn, _ := h.Create(t, lead, G+"/payments", map[string]any{"amountPence": 20_000_00, "dueDate": "2026-01-31",
		"trigger": map[string]any{"kind": "return", "returnId": q4}})
	// A fourth tranche would take the payments past the award.
	testkit.WantFields(t, h.Do(t, testkit.Request("POST", G+"/payments", lead, map[string]any{"amountPence": 5_000_01, "dueDate": "2027-03-31",
		"trigger": map[string]any{"kind": "date"}})), "amountPence")

	// The project lead submits spend (and corrects it) and outcomes: 31 of
	// 60 people into work crosses the tranche's 50%, and the quarter's
	// figures fill (and, without review, accept) its return.
	first, _ := h.Create(t, pl, G+"/spend", testkit.SpendBody("2025-10-01", "2025-12-31", "staff", 18_000_00, "travel", 900_00))
	fix := testkit.SpendBody("2025-10-01", "2025-12-31", "staff", 18_000_00, "travel", 750_50)
	fix["replaces"] = first
	fixed, _ := h.Create(t, pl, G+"/spend", fix)
	// A correction is the same period's spend; one return reports no more
	// than the whole grant; correcting the return again names its newest
	// correction (here the only one), which is what can be corrected.
	other := testkit.SpendBody("2026-01-01", "2026-03-31", "staff", 18_000_00, "travel", 750_50)
	other["replaces"] = fixed
	testkit.WantFields(t, h.Do(t, testkit.Request("POST", G+"/spend", pl, other)), "periodStart", "periodEnd")
	testkit.WantFields(t, h.Do(t, testkit.Request("POST", G+"/spend", pl, testkit.SpendBody("2026-01-01", "2026-03-31",
		"staff", 9_000_000_000_000))), "lines[0].amountPence")
	fix["lines"] = []map[string]any{{"category": "staff", "amountPence": 1}}
	if e := testkit.WantErr(t, h.Do(t, testkit.Request("POST", G+"/spend", pl, fix)), http.StatusConflict, "conflict"); !strings.Contains(e.Message, fixed) {
		t.Errorf("correcting the spend return again: %q does not name its correction %s", e.Message, fixed)
	}
	h.Create(t, pl, G+"/spend", testkit.SpendBody("2025-04-01", "2025-09-30", "staff", 30_000_00, "overheads", 6_000_00))
	h.Create(t, pl, P+"/projects/"+prj+"/outcomes", map[string]any{"periodStart": "2025-10-01", "periodEnd": "2025-12-31",
		"counts": map[string]int{"referrals": 120, "peopleIntoWork": 31}})

	if r := testkit.Decode[domain.Return](t, h.Want(t, http.StatusOK, testkit.Request("GET", P+"/returns/"+q4, lead, nil))); r.Status != domain.ReturnAccepted {
		t.Fatalf("the quarter's return is %s, want accepted", r.Status)
	}
	// The three tranches are due already, before any run: the dated one
	// since its date, the others since the submission that fired them.
	for id, since := range map[string]string{dated: "2026-01-01", milestone: "2026-01-15", onReturn: "2026-01-15"} {
		p := testkit.Decode[domain.Payment](t, h.Want(t, http.StatusOK, testkit.Request("GET", G+"/payments/"+id, lead, nil)))
		if p.Status != domain.PaymentDue || p.DueSince.String() != since {
			t.Errorf("payment %s before any run: %+v, want due since %s", id, p, since)
		}
	}
	if m := testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request("GET", P+"/progress", lead, nil))).Money; m.DuePence != 95_000_00 {
		t.Errorf("progress before any run: due %d, want £95,000", m.DuePence)
	}
	// The notifier: the funder's contact and the lead get one email each
	// for each tranche, whatever runs overlap; none makes one due again.
	var wg sync.WaitGroup
	var mu sync.Mutex
	due := 0
	for range 3 {
		wg.Go(func() {
			rep := run()
			mu.Lock()
			due += rep.PaymentsDue
			mu.Unlock()
		})
	}
	wg.Wait()
	run()
	if due != 0 {
		t.Errorf("overlapping runs made %d payments due, want none: they were due", due)
	}
	want := map[[2]string]int{}
	for _, to := range []string{contact, lead} {
		want[[2]string{to, "Payment due: £40,000.00 for Employment specialists, on 1 January 2026 (Bradford IPS, Working for Wellness)"}] = 1
		want[[2]string{to, "Payment due: £35,000.00 for Employment specialists, at 50% of the target of 60 people into work (Bradford IPS, Working for Wellness)"}] = 1
		want[[2]string{to, "Payment due: £20,000.00 for Employment specialists, on the return for October to December 2025 (Bradford IPS, Working for Wellness)"}] = 1
	}
	got := mail.Count(t)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%d emails to %s: %q, want %d", got[k], k[0], k[1], n)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok && strings.HasPrefix(k[1], "Payment") {
			t.Errorf("unexpected email to %s: %q", k[0], k[1])
		}
	}
	// The funder sees both notifications, with only its own contact.
	notes := testkit.ListAll[domain.Notification](t, h, funderUser, P+"/notifications")
	seen := 0
	for _, n := range notes {
		if n.Kind == domain.KindPaymentDue {
			seen++
			if len(n.Recipients) != 1 || n.Recipients[0] != contact || n.Status != domain.NotificationSent {
				t.Errorf("the funder's view of %s: %+v", n.ID, n)
			}
		}
	}
	if seen != 3 {
		t.Errorf("the funder sees %d payment emails, want 3", seen)
	}
	// The project lead reads its project's reporting emails, not payments'.
	for _, n := range testkit.ListAll[domain.Notification](t, h, pl, P+"/notifications") {
		if n.Kind == domain.KindPaymentDue {
			t.Errorf("the project lead sees a payment email: %+v", n)
		}
	}

	// The lead marks the tranches paid, each at the version it is at now;
	// the version read before it fell due is stale.
	testkit.WantErr(t, h.Do(t, testkit.Request("PATCH", G+"/payments/"+milestone, lead, map[string]any{"status": "paid", "paidDate": "2026-01-10"},
		"If-Match", `"1"`)), http.StatusPreconditionFailed, "precondition_failed")
	// Paid before the grant was awarded (2025-03-01): a slip, refused.
	testkit.WantFields(t, h.Do(t, testkit.Request("PATCH", G+"/payments/"+dated, lead, map[string]any{"status": "paid", "paidDate": "2025-02-28"},
		"If-Match", "*")), "paidDate")
	for id, paid := range map[string]string{dated: "2026-01-10", milestone: "2026-01-15", onReturn: "2026-01-14"} {
		tag := h.Want(t, http.StatusOK, testkit.Request("GET", G+"/payments/"+id, lead, nil)).Header.Get("ETag")
		p := testkit.Decode[domain.Payment](t, h.Want(t, http.StatusOK, testkit.Request("PATCH", G+"/payments/"+id, lead,
			map[string]any{"status": "paid", "paidDate": paid, "reference": "BACS " + paid}, "If-Match", tag)))
		// The dated one was made due (version 1); the others fell due after.
		version := int64(3)
		if id == dated {
			version = 2
		}
		if p.Status != domain.PaymentPaid || p.DueSince.IsZero() || p.Version != version {
			t.Errorf("paid: %+v", p)
		}
	}

	// Progress, the CSV and 360Giving agree to the penny: £95,000 paid,
	// nothing due, £54,750.50 spent (staff £48,000, travel £750.50,
	// overheads £6,000).
	const paid, spent = 95_000_00, 54_750_50
	for _, who := range []string{lead, funderUser, pl} {
		pr := testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request("GET", P+"/progress", who, nil)))
		m := pr.Money
		if m.AwardedPence != 100_000_00 || m.PaidPence != paid || m.DuePence != 0 || m.SpentPence != spent || len(m.ByGrant) != 1 {
			t.Fatalf("%s's progress money: %+v", who, m)
		}
		b := m.ByGrant[0].Budget
		if len(b) != 3 || b[0] != (domain.BudgetSpend{Category: "staff", AmountPence: 80_000_00, SpentPence: 48_000_00, Budgeted: true}) ||
			b[1] != (domain.BudgetSpend{Category: "travel", AmountPence: 5_000_00, SpentPence: 750_50, Budgeted: true}) ||
			b[2] != (domain.BudgetSpend{Category: "overheads", AmountPence: 15_000_00, SpentPence: 6_000_00, Budgeted: true}) {
			t.Errorf("%s's budget against spend: %+v", who, b)
		}
		// 2025-04-01 to 2027-03-31 is 730 days; 290 have passed on
		// 2026-01-15: £54,750.50 × 730 ÷ 290 = £137,820.224… → £137,820.22.
		if m.ByGrant[0].ProjectedSpendPence != 137_820_22 {
			t.Errorf("projected spend %d", m.ByGrant[0].ProjectedSpendPence)
		}
		// £54,750.50 ÷ 31 people = £1,766.15 (1,766.145… rounds up).
		if c := pr.CostPerPersonIntoWorkSpentPence; (who == lead) != (c != nil) || (c != nil && *c != 1_766_15) {
			t.Errorf("%s's cost per person into work on spend: %v", who, c)
		}
	}
	r := h.Want(t, http.StatusOK, testkit.Request("GET", P+"/payments.csv", funderUser, nil))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("payments CSV: %v %q", err, rows)
	}
	var csvPaid int64
	for _, row := range rows[1:] {
		if row[8] != "paid" || row[2] != "Employment specialists" || row[3] != "Department for Work and Pensions" || row[4] != "Bradford IPS" {
			t.Errorf("CSV row %q", row)
		}
		csvPaid += penceOf(t, row[5])
	}
	if csvPaid != paid {
		t.Errorf("the CSV's payments add up to %d pence, progress says %d", csvPaid, paid)
	}
	// Each row says in words what released the payment, as the grant's page
	// does, with the target or return it waited on by id in its own column.
	if h := rows[0]; h[6] != "Trigger" || h[12] != "Trigger target ID" || h[13] != "Trigger return ID" {
		t.Errorf("the CSV's header: %q", h)
	}
	for i, want := range [][3]string{
		{"On 1 January 2026", "", ""},
		{"When 50% of Bradford IPS's target of 60 people into work is reached", target, ""},
		{"When Bradford IPS's return for October to December 2025 is accepted", "", q4},
	} {
		if row := rows[i+1]; row[6] != want[0] || row[12] != want[1] || row[13] != want[2] {
			t.Errorf("CSV row %d's trigger: %q, %q, %q; want %q", i+1, row[6], row[12], row[13], want)
		}
	}
	var pkg struct {
		Grants []struct {
			AmountDisbursed         json.Number `json:"amountDisbursed"`
			DisbursementTransaction []struct {
				Value           json.Number `json:"value"`
				TransactionDate string      `json:"transactionDate"`
			} `json:"disbursementTransaction"`
		} `json:"grants"`
	}
	if err := json.Unmarshal(h.Want(t, http.StatusOK, testkit.Request("GET", P+"/grants/360giving?funderId="+dwp, funderUser, nil)).Body, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(pkg.Grants) != 1 || penceOf(t, pkg.Grants[0].AmountDisbursed.String()) != paid || len(pkg.Grants[0].DisbursementTransaction) != 3 {
		t.Fatalf("360Giving: %+v", pkg)
	}
	var sum int64
	for _, tr := range pkg.Grants[0].DisbursementTransaction {
		sum += penceOf(t, tr.Value.String())
	}
	if sum != paid || pkg.Grants[0].DisbursementTransaction[0].TransactionDate != "2026-01-10" {
		t.Errorf("360Giving transactions add up to %d: %+v", sum, pkg.Grants[0].DisbursementTransaction)
	}
	// Every change is in the audit trail: payments created and paid by the
	// lead (three each), two made due with the project lead's submission,
	// none by the notifier, three spend returns.
	byEntity := map[string]int{}
	for _, ev := range testkit.ListAll[domain.AuditEvent](t, h, lead, P+"/audit") {
		byEntity[string(ev.Entity)+"/"+ev.ActorEmail]++
	}
	if byEntity["payment/"+lead] != 6 || byEntity["payment/"+pl] != 2 || byEntity["payment/"+notify.Actor.Email] != 0 || byEntity["spend/"+pl] != 3 {
		t.Errorf("audit trail: %v", byEntity)
	}
}

// penceOf reads an amount in pounds ("40000.00", "75000", "750.5") as pence.
func penceOf(t *testing.T, pounds string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(pounds, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("not an amount: %q", pounds)
	}
	return n
}
