package web

import (
	"net/url"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestMessagesInThePagesWords: the service's problems, worded for API
// clients, read on a page in the page's words: dates as "1 April 2024",
// amounts typed in pounds never in pence, options as offered (not the API
// values), and the label the page shows.
func TestMessagesInThePagesWords(t *testing.T) {
	fields := []field{{"amountPence", kPounds, "Amount"}, {"budget", kBudgetLines, "Budget"}, {"periodEnd", kDate, "Period end"},
		{"metric", kChoice, "Measure"}, {"contract", kChoice, "Contract"}, {"funderId", kChoice, "Funder"}, {"grantId", kChoice, "Paid by grant"},
		{"fte", kFloat, "Full-time equivalent"}, {"places", kInt, "Places"}, {"value", kInt, "Target figure"},
		{"trigger.targetId", kOptChoice, "Target"}, {"trigger.kind", kChoice, "When the payment falls due"}}
	f := newForm(fields, url.Values{"contract": {"casual"}, "grantId": {"01m8xet0bst99wqgnf3j1zq4b6"}, "budget.travel": {"0"},
		"amountPence": {"0"}, "fte": {"2"}, "places": {" "}})
	f.lines["budget"] = []domain.BudgetCategory{"travel"}
	cases := []struct{ path, problem, want string }{
		{"amountPence", "must be a positive whole number of pence", "Amount must be more than £0"},
		{"budget[0].amountPence", "must be a positive whole number of pence", "Budget: travel must be more than £0"},
		{"periodEnd", "must not be before the programme starts (2024-04-01)", "Period end must not be before the programme starts (1 April 2024)"},
		{"metric", "must be one of referrals, peopleIntoWork, jobStarts", "Select measure"},
		{"funderId", "required: the id of one of the programme's funders", "Select funder"},
		{"contract", `must be "temporary" or "permanent"`, "Contract must be one of the options shown"},
		// A choice's own rule, in words already, is kept.
		{"grantId", "must be a grant of this project or of the programme as a whole", "Paid by grant must be a grant of this project or of the programme as a whole"},
		// A record that is not there, whatever was sent (no id, an id of
		// nothing, another programme's), reads as the API words it.
		{"grantId", domain.ProblemNotFoundRef, "Paid by grant not found in this programme or project"},
		// Pence stay pence where the field is not typed in pounds.
		{"fte", "must be a positive whole number of pence", "Full-time equivalent must be a positive whole number of pence"},
		// A number box left empty is not sent: the rule that then refuses
		// the missing value asks for the box to be filled in (audit-web N3).
		{"places", "must be a whole number from 1 to 1000", "Enter places"},
		{"value", "must be a whole number from 1 to 10000000", "Enter target figure"},
		// An optional select asks for a choice, as a required one does.
		{"trigger.targetId", "required for a milestone trigger", "Select target"},
		{"trigger.kind", `must be one of "date", "milestone", "return"`, "Select when the payment falls due"},
	}
	for _, c := range cases {
		p := f.owner(c.path)
		if got := f.message(p, c.problem); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.path, c.problem, got, c.want)
		}
	}
}
