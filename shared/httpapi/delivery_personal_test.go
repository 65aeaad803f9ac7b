package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestDeliveryPersonalData: notes that hold an NHS number, an email address
// or a phone number are refused with 422 personal_data_detected naming
// notes, without echoing the data, and nothing is stored; ordinary notes
// full of numbers are accepted and kept as written.
func TestDeliveryPersonalData(t *testing.T) {
	t.Parallel()
	a := newMemAPI(t)
	w := dhSetup(t, a)
	outA := w.prj(w.A, "/outcomes")

	refused := []struct{ name, notes string }{
		{"NHS number grouped by spaces", "Client 943 476 5919 started work"},
		{"NHS number as ten digits", "ref 9434765919"},
		{"NHS number grouped by hyphens", "943-476-5919 moved to Leeds"},
		{"NHS number alone", "4010232137"},
		{"NHS number after a full stop", "Started work.9434765919"},
		{"email address", "contact jo.bloggs@example.org for the case notes"},
		{"email address with plus", "j+ips@nhs.net"},
		{"mobile number", "call 07700 900123 on Monday"},
		{"mobile number, international", "+44 7700 900123"},
		{"mobile number, no spaces", "07700900123"},
		{"London number", "office 020 7946 0018"},
		{"London number, international with (0)", "+44 (0)20 7946 0018"},
	}
	for _, c := range refused {
		t.Run("refused/"+c.name, func(t *testing.T) {
			before := w.state(t)
			body := testkit.OutcomeBody(map[string]int64{"referrals": 3})
			body["notes"] = c.notes
			e := testkit.WantErr(t, a.Do(t, testkit.Request("POST", outA, uPLA, body)), http.StatusUnprocessableEntity, "personal_data_detected")
			if len(e.Fields) != 1 || e.Fields["notes"] == "" {
				t.Errorf("fields %v, want notes only", e.Fields)
			}
			raw := string(a.Do(t, testkit.Request("POST", outA, uPLA, body)).Body)
			for _, part := range strings.Fields(c.notes) {
				if len(part) >= 6 && strings.ContainsAny(part, "0123456789@") && strings.Contains(raw, part) {
					t.Errorf("the answer echoes the personal data %q: %s", part, raw)
				}
			}
			// The same holds for an admin.
			testkit.WantErr(t, a.Do(t, testkit.Request("POST", outA, uAdmin, body)), http.StatusUnprocessableEntity, "personal_data_detected")
			testkit.SameSnapshot(t, c.name, before, w.state(t))
		})
	}

	accepted := []struct{ name, notes string }{
		{"figures and a year", "61 people, 240 referrals, 2011"},
		{"NHS-like number with a bad check digit", "ref 9434765918"},
		{"ten digits with check digit 10", "batch 1234567890"},
		{"money and percentages", "£800,000 from three funders; self-confidence up 130%, health up 106%"},
		{"dates", "period 01/04/2011 to 31/03/2012, reported 2012-04-15"},
		{"counts", "8 interns so far, 4 graduated, 3 in work; 30 temporary posts"},
		{"an at sign but no address", "met @ the job centre"},
		{"eleven digits", "case 94347659190"},
		{"empty notes", ""},
	}
	for _, c := range accepted {
		t.Run("accepted/"+c.name, func(t *testing.T) {
			body := testkit.OutcomeBody(map[string]int64{"referrals": 1})
			body["notes"] = c.notes
			id, r := a.Create(t, uPLA, outA, body)
			if got := testkit.Decode[dhOutcome](t, r); got.Notes != c.notes {
				t.Errorf("notes answered as %q, want %q", got.Notes, c.notes)
			}
			if got := testkit.Decode[dhOutcome](t, a.Want(t, http.StatusOK, testkit.Request("GET", outA+"/"+id, uFunderX, nil))); got.Notes != c.notes {
				t.Errorf("notes stored as %q, want %q", got.Notes, c.notes)
			}
		})
	}
	if n := w.progress(t, uAdmin).Totals["referrals"]; n != int64(len(accepted)) {
		t.Errorf("referrals %d, want %d: only accepted submissions count", n, len(accepted))
	}
	if n := len(testkit.ListAll[struct{}](t, a, uAdmin, outA)); n != len(accepted) {
		t.Errorf("%d submissions stored, want %d", n, len(accepted))
	}
}
