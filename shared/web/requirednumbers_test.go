package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestRequiredNumberLeftBlank: a required number, amount or figure emptied
// on an edit form and saved is refused as the API refuses it sent as null
// (400, naming the field): the page is shown again with the error summary
// asking for it, what else was typed is kept, and nothing is saved; the
// record keeps its old value and version. Emptied, it was once left out of
// the change, so the old value stayed and the page went on as if saved
// (audit-b B1). The create forms refuse it blank in the same words. A
// target's milestones are asked for too, as the API refuses them null on
// a change; a new target's take their default.
func TestRequiredNumberLeftBlank(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	ctx := context.Background()
	admin := caller(uAdmin, domain.AdminGroup)
	prog, projA := h.Svc.Open(ctx, admin, f.PID), h.Svc.OpenProject(ctx, admin, f.PID, f.ProjectA)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	trail := func() int {
		events, next, err := prog.ListAudit(service.AuditFilter{}, service.Page{Limit: service.MaxLimit})
		if err != nil || next != "" {
			t.Fatalf("audit trail: %v (next %q)", err, next)
		}
		return len(events)
	}
	cases := []struct {
		what, path string
		// create fills in a new record's form (nil: an edit, sent as the
		// page shows it).
		create url.Values
		// number is emptied, and text changed to typed, in the same post.
		number, text, typed string
		want                string // the summary's line for number
		// stored reads back the record's number and text (edits).
		stored func() string
		was    string
	}{
		{what: "cohort", path: pa + "/cohorts/" + f.CohortA + "/edit", number: "places", text: "name", typed: "Cohort one",
			want: "Enter places", was: "4 Cohort 1", stored: func() string {
				c := must(projA.Cohort(f.CohortA))
				return fmt.Sprint(c.Places, " ", c.Name, " v", c.Version)
			}},
		{what: "post", path: pa + "/posts/" + f.PostA + "/edit", number: "fte", text: "title", typed: "Senior specialist",
			want: "Enter full-time equivalent", was: "1 Employment specialist", stored: func() string {
				x := must(projA.Post(f.PostA))
				return fmt.Sprint(x.FTE, " ", x.Title, " v", x.Version)
			}},
		{what: "target", path: p + "/targets/" + f.TargetID + "/edit", number: "value", text: "thresholds", typed: "50, 100",
			want: "Enter target figure", was: "60 [100]", stored: func() string {
				x := must(prog.Target(f.TargetID))
				return fmt.Sprint(x.Value, " ", x.Thresholds, " v", x.Version)
			}},
		// A target's milestones default to 100% when it is set, but a
		// PATCH may not send them as null: emptied, they are asked for.
		{what: "target milestones", path: p + "/targets/" + f.TargetID + "/edit", number: "thresholds", text: "value", typed: "65",
			want: "Enter milestones", was: "60 [100]", stored: func() string {
				x := must(prog.Target(f.TargetID))
				return fmt.Sprint(x.Value, " ", x.Thresholds, " v", x.Version)
			}},
		{what: "grant", path: p + "/grants/" + f.GrantX + "/edit", number: "amountPence", text: "title", typed: "Employment specialists (two)",
			want: "Enter amount", was: "31000000 Employment specialists", stored: func() string {
				x := must(prog.Grant(f.GrantX))
				return fmt.Sprint(x.AmountPence, " ", x.Title, " v", x.Version)
			}},

		// Create forms, every other box filled in.
		{what: "new cohort", path: pa + "/cohorts/new", create: url.Values{"name": {"Cohort 2"}, "places": {""},
			"startDate": {"2011-07-01"}, "endDate": {"2011-12-31"}}, number: "places", text: "name", typed: "Cohort two", want: "Enter places"},
		{what: "new post", path: pa + "/posts/new", create: url.Values{"title": {"Specialist"}, "grantId": {f.GrantX}, "fte": {""},
			"contract": {"temporary"}, "startDate": {"2010-10-01"}, "status": {"filled"}}, number: "fte", text: "title", typed: "Specialist two",
			want: "Enter full-time equivalent"},
		{what: "new target", path: p + "/targets/new", create: url.Values{"metric": {"jobStarts"}, "value": {""}, "deadline": {"2012-03-31"},
			"notify": {f.FunderX}, "thresholds": {"100"}}, number: "value", text: "thresholds", typed: "50, 100", want: "Enter target figure"},
		{what: "new grant", path: p + "/grants/new", create: url.Values{"funderId": {f.FunderY}, "projectId": {f.ProjectB},
			"title": {"Internships"}, "amountPence": {""}, "awardDate": {"2010-09-01"}, "startDate": {"2010-10-01"},
			"endDate": {"2012-03-31"}}, number: "amountPence", text: "title", typed: "Internships two", want: "Enter amount"},
		{what: "new payment", path: p + "/grants/" + f.GrantX + "/payments/new", create: url.Values{"amountPence": {""},
			"trigger.kind": {"date"}, "dueDate": {"2011-01-01"}}, number: "amountPence", text: "reference", typed: "PO 12", want: "Enter amount"},
	}
	lead := h.as(t, uLead)
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			pg := lead.get(c.path)
			if pg.Status != http.StatusOK {
				t.Fatalf("form: %d\n%s", pg.Status, excerpt(pg.Body))
			}
			form := formValues(pg.Body) // with its version, or a new record's key
			for k, v := range c.create {
				form[k] = v
			}
			form = with(form, c.number, "", c.text, c.typed)
			if _, ok := formValues(pg.Body)[c.number]; !ok {
				t.Fatalf("the form has no %s box", c.number)
			}
			var was string
			if c.stored != nil {
				was = c.stored()
				if !strings.HasPrefix(was, c.was+" v") {
					t.Fatalf("before: %s, want %s", was, c.was)
				}
			}
			before := trail()

			pg = lead.post(c.path, form)
			if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "nhsuk-error-summary") ||
				!strings.Contains(pg.Body, `<a href="#f-`+strings.ReplaceAll(c.number, ".", "-")+`">`+c.want+`</a>`) {
				t.Fatalf("blank %s: %d, want 400 with %q in the error summary\n%s", c.number, pg.Status, c.want, excerpt(pg.Body))
			}
			shown := formValues(pg.Body)
			if shown.Get(c.number) != "" || shown.Get(c.text) != c.typed {
				t.Errorf("shown again with %s %q and %s %q, want them as typed (%q, %q)",
					c.number, shown.Get(c.number), c.text, shown.Get(c.text), "", c.typed)
			}
			if n := trail() - before; n != 0 {
				t.Errorf("the refused form wrote %d audit events", n)
			}
			if c.stored != nil {
				if now := c.stored(); now != was {
					t.Errorf("after the refused save: %s, want %s", now, was)
				}
			}
		})
	}

	// Left blank on a new target, the milestones take the API's default.
	t.Run("new target, no milestones", func(t *testing.T) {
		path := p + "/targets/new"
		form := with(formValues(lead.get(path).Body), "metric", "jobStarts", "value", "40", "deadline", "2012-03-31",
			"notify", f.FunderX, "thresholds", "")
		if pg := lead.post(path, form); pg.Status != http.StatusSeeOther {
			t.Fatalf("new target with no milestones: %d\n%s", pg.Status, excerpt(pg.Body))
		}
		ts, _, err := prog.ListTargets(service.Page{Limit: service.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		var made []string
		for _, x := range ts {
			if x.Metric == domain.MetricJobStarts {
				made = append(made, fmt.Sprint(x.Thresholds))
			}
		}
		if fmt.Sprint(made) != "[[100]]" {
			t.Errorf("the job starts targets' milestones: %v, want one target's, [100]", made)
		}
	})
}
