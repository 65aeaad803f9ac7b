package httpapi_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// apiPayment is a payment as the API answers it, the fields this file
// looks at, with milestoneMetNow kept apart from false when absent.
type apiPayment struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Trigger struct {
		Kind        string `json:"kind"`
		TargetValue int64  `json:"targetValue"`
	} `json:"trigger"`
	MilestoneMetNow *bool `json:"milestoneMetNow"`
}

func metWord(p apiPayment) string {
	switch {
	case p.MilestoneMetNow == nil:
		return "absent"
	case *p.MilestoneMetNow:
		return "true"
	}
	return "false"
}

// TestMilestoneMetNowOverDynamoDB: the payment's representation over
// DynamoDB Local. A milestone tranche falls due when its target crosses
// the threshold and stays due when an approved correction takes the
// figure back below it; the API answers milestoneMetNow (false then) for
// each milestone tranche still to be paid, in the POST's answer, the GET
// and the list, and leaves it out for a dated one and a paid one. A
// scheduled tranche's trigger.targetValue is the target's value now (what
// it will fall due on), a due one's the value it fell due on; the
// payments CSV flags the due tranche whose milestone is no longer met.
func TestMilestoneMetNowOverDynamoDB(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := &apiH{API: s.API(t), Stack: s}
	f := s.Build(t).Fixture("Milestone met now") // a programme target of 60 into work; 24 counted (A's two quarters of 12)
	G := f.Path("/grants/" + f.GrantXA)
	decode := func(r testkit.Resp) apiPayment {
		t.Helper()
		var p apiPayment
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatalf("%v: %s", err, r.Body)
		}
		return p
	}
	get := func(id string) apiPayment {
		t.Helper()
		return decode(h.Want(t, http.StatusOK, testkit.Request("GET", G+"/payments/"+id, uLead, nil)))
	}

	due := decode(h.Want(t, http.StatusCreated, testkit.Request("POST", G+"/payments", uLead, testkit.MilestonePaymentBody(40_000, f.Target, 40))))
	waiting := decode(h.Want(t, http.StatusCreated, testkit.Request("POST", G+"/payments", uLead, testkit.MilestonePaymentBody(50_000, f.Target, 50))))
	dated := decode(h.Want(t, http.StatusCreated, testkit.Request("POST", G+"/payments", uLead, testkit.DatedPaymentBody(10_000, "2026-06-30"))))
	if due.Status != "due" || metWord(due) != "true" || waiting.Status != "scheduled" || metWord(waiting) != "false" || metWord(dated) != "absent" {
		t.Fatalf("as made: %+v (met %s), %+v (met %s), %+v (met %s)", due, metWord(due), waiting, metWord(waiting), dated, metWord(dated))
	}

	// A's second quarter corrected from 12 to 0 into work: 12 of 60, 20%.
	h.Want(t, http.StatusCreated, testkit.Request("POST", f.ProjectPath(f.A, "/outcomes"), uPLA, testkit.OutcomeBody(
		map[string]int{"referrals": 40, "peopleIntoWork": 0}, "periodStart", "2025-07-01", "periodEnd", "2025-09-30", "replaces", f.Outcomes[1])))
	if p := get(due.ID); p.Status != "due" || metWord(p) != "false" || p.Trigger.TargetValue != 60 {
		t.Errorf("the tranche due on 40%%, after the correction to 20%%: %+v, met now %s; want due, false", p, metWord(p))
	}
	if p := get(waiting.ID); p.Status != "scheduled" || metWord(p) != "false" {
		t.Errorf("the tranche waiting on 50%%: %+v, met now %s", p, metWord(p))
	}
	if p := get(dated.ID); metWord(p) != "absent" {
		t.Errorf("the dated tranche: met now %s, want absent", metWord(p))
	}

	// The target lowered to 30: 12 of 30 is 40%. The scheduled tranche is
	// answered on the value it waits on now (30); the due one keeps the
	// value it fell due on (60), and its milestone is met again.
	tp := f.Path("/targets/" + f.Target)
	etag := h.Want(t, http.StatusOK, testkit.Request("GET", tp, uLead, nil)).Header.Get("ETag")
	h.Want(t, http.StatusOK, testkit.Request("PATCH", tp, uLead, map[string]any{"value": 30}, "If-Match", etag))
	var list struct {
		Items []apiPayment `json:"items"`
	}
	if err := json.Unmarshal(h.Want(t, http.StatusOK, testkit.Request("GET", G+"/payments", uLead, nil)).Body, &list); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status, met string
		value       int64
	}{due.ID: {"due", "true", 60}, waiting.ID: {"scheduled", "false", 30}, dated.ID: {dated.Status, "absent", 0}}
	if len(list.Items) != len(want) {
		t.Fatalf("listed %+v", list.Items)
	}
	for _, p := range list.Items {
		if w := want[p.ID]; p.Status != w.status || metWord(p) != w.met || p.Trigger.TargetValue != w.value {
			t.Errorf("listed %s: %s, met now %s, target value %d; want %s, %s, %d", p.ID, p.Status, metWord(p), p.Trigger.TargetValue, w.status, w.met, w.value)
		}
	}

	// Back to 60: the CSV flags the due tranche, as the grant page does.
	etag = h.Want(t, http.StatusOK, testkit.Request("GET", tp, uLead, nil)).Header.Get("ETag")
	h.Want(t, http.StatusOK, testkit.Request("PATCH", tp, uLead, map[string]any{"value": 60}, "If-Match", etag))
	r := h.Want(t, http.StatusOK, testkit.Request("GET", f.Path("/payments.csv"), uFunderX, nil))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := len(rows[0]) - 1
	cells := map[string]string{}
	for _, row := range rows[1:] {
		cells[row[0]] = row[last]
	}
	if rows[0][last] != "Milestone on current figures" || cells[due.ID] != "No longer met: stays due until paid or cancelled" ||
		cells[waiting.ID] != "Not met yet" || cells[dated.ID] != "" {
		t.Errorf("the CSV's last column: %q, by payment %q", rows[0][last], cells)
	}

	// Paid, it is no longer judged; the PATCH's answer says nothing of it.
	etag = h.Want(t, http.StatusOK, testkit.Request("GET", G+"/payments/"+due.ID, uLead, nil)).Header.Get("ETag")
	paid := decode(h.Want(t, http.StatusOK, testkit.Request("PATCH", G+"/payments/"+due.ID, uLead,
		map[string]any{"status": "paid", "paidDate": "2025-10-01"}, "If-Match", etag)))
	if paid.Status != "paid" || metWord(paid) != "absent" || metWord(get(due.ID)) != "absent" {
		t.Errorf("paid: %+v, met now %s", paid, metWord(paid))
	}
}
