package httpapi_test

// Money through HTTP: every bad body is 400 naming each field (422 for
// personal data), and stores nothing; payments sent at once never add up to
// more than the award; an idempotent payment is made once.

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

func TestMoneyBadInputs(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	G := f.p1("/grants/" + f.GrantXA)
	payments, spend := G+"/payments", G+"/spend"
	before := func() string {
		return fmt.Sprint(testkit.IDs(t, h, uAdmin, payments), testkit.IDs(t, h, uAdmin, spend),
			string(h.Want(t, http.StatusOK, testkit.Request("GET", payments+"/"+f.PayXA, uAdmin, nil)).Body),
			string(h.Want(t, http.StatusOK, testkit.Request("GET", G, uAdmin, nil)).Body))
	}
	raw := func(method, path, body string, hdr ...string) testkit.Req {
		return testkit.Req{Method: method, Path: path, As: uLead, Body: body, Header: map[string]string{"If-Match": "*"}}
	}
	cases := []struct {
		name   string
		req    testkit.Req
		status int
		fields []string
	}{
		{"a payment with unknown and mistyped fields", raw("POST", payments,
			`{"amountPence": "10", "dueDate": "2025-02-30", "trigger": {"kind": "date", "when": "soon"}, "colour": "red"}`),
			400, []string{"amountPence", "dueDate", "trigger.when", "colour"}},
		// No body is named alone: its fields were not sent to be wrong.
		{"a payment with no body", raw("POST", payments, ``), 400, []string{domain.BodyField}},
		{"a payment with a key twice", raw("POST", payments,
			`{"amountPence": 100, "amountPence": 1, "dueDate": "2025-06-30", "trigger": {"kind": "date"}}`), 400, []string{"amountPence"}},
		{"a payment with pence as a fraction", raw("POST", payments,
			`{"amountPence": 100.5, "dueDate": "2025-06-30", "trigger": {"kind": "date"}}`), 400, []string{"amountPence"}},
		{"a payment with a trigger of null", raw("POST", payments, `{"amountPence": 100, "dueDate": "2025-06-30", "trigger": null}`),
			400, []string{"trigger"}},
		{"a milestone payment of a target not there, and too much", raw("POST", payments,
			`{"amountPence": 99999999, "trigger": {"kind": "milestone", "targetId": "01hq3v7k8m9n0p1q2r3s4t5v6w", "threshold": 50}}`),
			400, []string{"amountPence", "trigger.targetId"}},
		{"a payment with a reference in two directions", raw("POST", payments,
			`{"amountPence": 100, "dueDate": "2025-06-30", "trigger": {"kind": "date"}, "reference": "PO \u202e1"}`), 400, []string{"reference"}},
		{"a payment with an email in its reference", raw("POST", payments,
			`{"amountPence": 100, "dueDate": "2025-06-30", "trigger": {"kind": "date"}, "reference": "ask jo@example.com"}`), 422, []string{"reference"}},
		{"a payment marked paid with no date, an extra field", raw("PATCH", payments+"/"+f.PayXA,
			`{"status": "paid", "amount": 5}`), 400, []string{"paidDate", "amount"}},
		{"a payment marked paid in the future", raw("PATCH", payments+"/"+f.PayXA,
			`{"status": "paid", "paidDate": "2199-01-01"}`), 400, []string{"paidDate"}},
		{"a payment made due by hand", raw("PATCH", payments+"/"+f.PayXA, `{"status": "due"}`), 400, []string{"status"}},
		{"spend with every field wrong", raw("POST", spend,
			`{"periodStart": "2025-13-01", "periodEnd": "2025-06-30", "lines": [{"category": "staff", "amountPence": -1}, {"category": "wages", "amountPence": 1}, {"category": "staff"}], "notes": 7}`),
			// The third line's amount is missing (required), not read as £0.
			400, []string{"periodStart", "lines[0].amountPence", "lines[1].category", "lines[2].category", "lines[2].amountPence", "notes"}},
		{"spend with lines that are not a list", raw("POST", spend,
			`{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "lines": {"staff": 100}}`), 400, []string{"lines"}},
		{"spend outside the grant", raw("POST", spend,
			`{"periodStart": "2024-01-01", "periodEnd": "2026-12-31", "lines": [{"category": "staff", "amountPence": 1}]}`),
			400, []string{"periodStart", "periodEnd"}},
		{"spend correcting one not there", raw("POST", spend,
			`{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "lines": [{"category": "staff", "amountPence": 1}], "replaces": "01hq3v7k8m9n0p1q2r3s4t5v6w"}`),
			400, []string{"replaces"}},
		{"spend with an NHS number in its notes", raw("POST", spend,
			`{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "lines": [{"category": "staff", "amountPence": 1}], "notes": "travel for 943 476 5919"}`),
			422, []string{"notes"}},
		{"a budget that does not add up", raw("PATCH", G, `{"budget": [{"category": "staff", "amountPence": 1}]}`), 400, []string{"budget"}},
		{"a grant smaller than its payments", raw("PATCH", G, `{"amountPence": 999999}`), 400, []string{"amountPence"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			was := before()
			r := h.Do(t, c.req)
			code := map[int]string{400: "validation_failed", 422: "personal_data_detected"}[c.status]
			e := testkit.WantErr(t, r, c.status, code)
			got := []string{}
			for k := range e.Fields {
				got = append(got, k)
			}
			if !sameSet(got, c.fields) {
				t.Errorf("names %v, want %v (%s)", got, c.fields, r.Body)
			}
			if before() != was {
				t.Error("a refused request changed what is stored")
			}
		})
	}
}

// TestReturnPaymentPeriodEnd: a payment on a return answers, and keeps,
// its return's period end, which fundtrack reads from the return; a body
// that gives one (right, wrong or not a date) is refused naming
// trigger.periodEnd, and nothing is stored.
func TestReturnPaymentPeriodEnd(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	sched, _ := h.Create(t, uLead, f.p1("/schedules"), map[string]any{"name": "Quarterly", "frequency": "quarterly",
		"firstPeriodStart": "2025-04-01", "lastPeriodEnd": "2025-12-31"})
	q2 := domain.ReturnID(sched, f.A, domain.MustDate("2025-04-01"))
	payments := f.p1("/grants/" + f.GrantXA + "/payments")
	was := fmt.Sprint(testkit.IDs(t, h, uAdmin, payments))
	for _, end := range []any{"2025-06-30", "2031-01-31", "June", 20250630} {
		r := h.Do(t, testkit.Request("POST", payments, uLead, map[string]any{"amountPence": 100,
			"trigger": map[string]any{"kind": "return", "returnId": q2, "periodEnd": end}}))
		e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
		if len(e.Fields) != 1 || e.Fields["trigger.periodEnd"] == "" {
			t.Errorf("a period end of %v: names %v, want trigger.periodEnd only", end, e.Fields)
		}
	}
	if now := fmt.Sprint(testkit.IDs(t, h, uAdmin, payments)); now != was {
		t.Errorf("refused payments were stored: %s, was %s", now, was)
	}
	id, r := h.Create(t, uLead, payments, map[string]any{"amountPence": 100, "trigger": map[string]any{"kind": "return", "returnId": q2}})
	if tr := testkit.Decode[domain.Payment](t, r).Trigger; tr.PeriodEnd != domain.MustDate("2025-06-30") {
		t.Errorf("the answer's trigger %+v: want the return's period end 2025-06-30", tr)
	}
	got := h.Want(t, http.StatusOK, testkit.Request("GET", payments+"/"+id, uAdmin, nil))
	if !strings.Contains(string(got.Body), `"periodEnd":"2025-06-30"`) {
		t.Errorf("the stored payment lacks its return's period end: %s", got.Body)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// TestConcurrentPaymentsThroughTheAPI: twelve leads' requests for £5,000
// each at once against a £31,000 grant: six get in, the rest are told
// they would exceed the award, and what is stored adds up.
func TestConcurrentPaymentsThroughTheAPI(t *testing.T) {
	t.Parallel()
	h := newAPI(t)
	f := h.fixture(t)
	G := f.p1("/grants/" + f.GrantXP) // £31,000, no payments yet
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range 12 {
		wg.Go(func() {
			r := h.Do(t, testkit.Request("POST", G+"/payments", uLead, testkit.DatedPaymentBody(5_000_00, "2026-01-31"),
				"Idempotency-Key", fmt.Sprintf("tranche %d", i)))
			mu.Lock()
			statuses[r.Status]++
			mu.Unlock()
			if r.Status == http.StatusBadRequest && !strings.Contains(string(r.Body), "amountPence") {
				t.Errorf("a refusal that does not name amountPence: %s", r.Body)
			}
		})
	}
	wg.Wait()
	var sum int64
	for _, p := range testkit.ListAll[domain.Payment](t, h, uAdmin, G+"/payments") {
		sum += p.AmountPence
	}
	if statuses[http.StatusCreated] != 6 || statuses[http.StatusBadRequest] != 6 || sum != 30_000_00 {
		t.Errorf("answers %v, stored £%d: want 6 made (£30,000) and 6 refused", statuses, sum/100)
	}
}

// TestSpendForTheSameDaysAtOnceThroughTheAPI: eight spend returns sent at
// once for periods that all hold 15 August 2025: one is stored; each other is
// refused as a conflict naming a return for days it reports, whatever the
// interleaving (a write that lost the race is planned again on a fresh
// read of the grant's returns); the grant's spend is the one return's.
func TestSpendForTheSameDaysAtOnceThroughTheAPI(t *testing.T) {
	t.Parallel()
	h := newAPI(t)
	f := h.fixture(t)
	G := f.p1("/grants/" + f.GrantXA) // spend for April to June 2025 only (£4,000)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range 8 {
		wg.Go(func() {
			from := domain.MustDate("2025-08-01").AddDays(i).String()
			r := h.Do(t, testkit.Request("POST", G+"/spend", uPLA, testkit.SpendBody(from, "2025-08-31", "staff", 1_000_00)))
			mu.Lock()
			statuses[r.Status]++
			mu.Unlock()
			if r.Status == http.StatusConflict && !strings.Contains(string(r.Body), "is already reported") {
				t.Errorf("a refusal that does not say the days are reported already: %s", r.Body)
			}
		})
	}
	wg.Wait()
	stored := testkit.ListAll[domain.SpendReturn](t, h, uAdmin, G+"/spend")
	if statuses[http.StatusCreated] != 1 || statuses[http.StatusConflict] != 7 || len(stored) != 2 {
		t.Errorf("answers %v, %d returns stored: want one made and 7 refused", statuses, len(stored))
	}
	var spent int64
	for _, g := range testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request("GET", f.p1("/progress"), uAdmin, nil))).Money.ByGrant {
		if g.GrantID == f.GrantXA {
			spent = g.SpentPence
		}
	}
	if spent != 4_000_00+1_000_00 {
		t.Errorf("the grant's spend is %d, want 5,000.00 (the fixture's 4,000.00 and one return's)", spent)
	}
}

// TestPaymentIdempotent: the same POST with the same key makes one payment
// and answers the same 201 again (over memory: concurrent repeats over
// DynamoDB Local are TestAPIIdempotency's).
func TestPaymentIdempotent(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	G := f.p1("/grants/" + f.GrantXP)
	body := testkit.DatedPaymentBody(1_000_00, "2026-03-31")
	first := h.Want(t, http.StatusCreated, testkit.Request("POST", G+"/payments", uLead, body, "Idempotency-Key", "q1 tranche"))
	again := h.Want(t, http.StatusCreated, testkit.Request("POST", G+"/payments", uLead, body, "Idempotency-Key", "q1 tranche"))
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
		t.Errorf("replay: %v %s", again.Header, again.Body)
	}
	testkit.WantErr(t, h.Do(t, testkit.Request("POST", G+"/payments", uLead, testkit.DatedPaymentBody(2, "2026-03-31"),
		"Idempotency-Key", "q1 tranche")), http.StatusUnprocessableEntity, "idempotency_key_reused")
	if n := len(testkit.IDs(t, h, uAdmin, G+"/payments")); n != 1 {
		t.Errorf("%d payments stored, want 1", n)
	}
}

// TestReadOnlyTriggerFieldsWhateverSent: the fields of a payment's trigger
// that fundtrack records (a return's period end, a milestone's target as it
// was) are refused with the same "leave it out", naming the field alone,
// whatever is sent for them: a value, null, "", or not even the field's
// type. Answering null with "must not be null", or a bad date with "must
// be a date", told the client a value was wanted. Nothing is stored; a
// milestone payment made without them records its target's.
func TestReadOnlyTriggerFieldsWhateverSent(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	target, _ := h.Create(t, uLead, f.p1("/targets"), map[string]any{"metric": "referrals", "value": 40, "deadline": "2026-12-31",
		"projectId": f.A, "notify": []string{}})
	payments := f.p1("/grants/" + f.GrantXA + "/payments")
	was := fmt.Sprint(testkit.IDs(t, h, uAdmin, payments))
	const fromReturn, fromTarget = "is recorded by fundtrack from the return: leave it out", "is recorded by fundtrack from the target: leave it out"
	sent := []any{nil, "", "not a date", "2025-06-30", 20250630, "referrals", 40, f.A, map[string]any{}, []any{}, true}
	for _, c := range []struct {
		field, want string
		trigger     map[string]any
	}{
		{"periodEnd", fromReturn, map[string]any{"kind": "date"}},
		{"targetMetric", fromTarget, map[string]any{"kind": "milestone", "targetId": target, "threshold": 50}},
		{"targetValue", fromTarget, map[string]any{"kind": "milestone", "targetId": target, "threshold": 50}},
		{"targetProjectId", fromTarget, map[string]any{"kind": "milestone", "targetId": target, "threshold": 50}},
	} {
		for _, v := range sent {
			tr := maps.Clone(c.trigger)
			tr[c.field] = v
			r := h.Do(t, testkit.Request("POST", payments, uLead, map[string]any{"amountPence": 100, "dueDate": "2026-12-31", "trigger": tr}))
			e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
			if len(e.Fields) != 1 || e.Fields["trigger."+c.field] != c.want {
				t.Errorf("trigger.%s sent as %#v: fields %v, want trigger.%s: %q alone", c.field, v, e.Fields, c.field, c.want)
			}
		}
	}
	if now := fmt.Sprint(testkit.IDs(t, h, uAdmin, payments)); now != was {
		t.Errorf("refused payments were stored: %s, was %s", now, was)
	}
	_, r := h.Create(t, uLead, payments, map[string]any{"amountPence": 100, "trigger": map[string]any{"kind": "milestone", "targetId": target, "threshold": 50}})
	if tr := testkit.Decode[domain.Payment](t, r).Trigger; tr.TargetMetric != domain.MetricReferrals || tr.TargetValue != 40 || tr.TargetProjectID != f.A {
		t.Errorf("a milestone payment's trigger %+v: want its target recorded (referrals, 40, project %s)", tr, f.A)
	}
}
