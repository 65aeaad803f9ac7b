package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
)

func (a *app) grants(w http.ResponseWriter, r *http.Request, q *req) error {
	items, next, err := a.scope(r, q).ListGrants(pageOf(r))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "grants")
	if err != nil {
		return err
	}
	names, err := a.names(r, q)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "grants", &view{Title: "Grants", Nav: n,
		Data: map[string]any{"Items": items, "Next": nextURL(r, next), "Names": names}})
	return nil
}

var grantFields = []field{
	{"funderId", kChoice, "Funder"}, {"projectId", kChoice, "Recipient"}, {"title", kText, "Title"},
	{"description", kText, "Description"}, {"amountPence", kPounds, "Amount"}, {"currency", kText, "Currency"},
	{"awardDate", kDate, "Award date"}, {"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"},
	{"budget", kBudgetLines, "Budget"},
}

// grantForm records a grant (…/grants/new) or changes one (…/grants/{gid}/edit).
func (a *app) grantForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, id := a.scope(r, q), r.PathValue("gid")
	return editForm[domain.Grant]{
		Page: "grant_form", Nav: "grants", Fields: grantFields, ID: id, What: "grant",
		Title: titles[domain.Grant](id, "Record a grant", "Change grant"),
		May:   manages("record or change grants"),
		Read:  sc.Grant, Values: setGrantValues, Version: func(g domain.Grant) int64 { return g.Version },
		Prepare: func(f *form) { f.Values.Set("currency", domain.CurrencyGBP) },
		Create:  func(f *form) (domain.Grant, error) { return sc.CreateGrant(f.decoder()) },
		Update: func(f *form, ifMatch func(int64) bool) (domain.Grant, error) {
			return sc.UpdateGrant(id, ifMatch, f.decoder())
		},
		Done: func(n *nav, g domain.Grant) string { return base(n) + "/grants/" + g.ID },
		Data: func(*nav, domain.Grant) (map[string]any, error) {
			names, err := a.names(r, q)
			return map[string]any{"Names": names}, err
		},
	}.serve(a, w, r, q)
}

// grantAdvice is one of the service's 360Giving warnings as the grant's
// page words it: the field named as the grant form labels it, and a link to
// that field on the form.
type grantAdvice struct {
	Text string // "Award date is in the future: …."
	What string // "the award date", for the link's hidden words
	Href string
}

func grantAdvices(ws []domain.Warning, edit string) []grantAdvice {
	f := newForm(grantFields, nil)
	out := make([]grantAdvice, len(ws))
	for i, w := range ws {
		label := f.label(w.Field)
		text := label + " " + w.Message
		if !strings.HasSuffix(text, ".") {
			text += "."
		}
		out[i] = grantAdvice{Text: text, What: "the " + strings.ToLower(label), Href: edit + "#" + f.anchor(w.Field)}
	}
	return out
}

func setGrantValues(v url.Values, g domain.Grant) {
	v.Set("funderId", g.FunderID)
	v.Set("projectId", g.ProjectID)
	v.Set("title", g.Title)
	v.Set("description", g.Description)
	v.Set("amountPence", export.Pounds(g.AmountPence))
	setDate(v, "awardDate", g.AwardDate)
	setDate(v, "startDate", g.StartDate)
	setDate(v, "endDate", g.EndDate)
	for _, l := range g.Budget {
		v.Set("budget."+string(l.Category), export.Pounds(l.AmountPence))
	}
	v.Set("version", strconv.FormatInt(g.Version, 10))
}
