package web

import (
	"cmp"
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
	whole := r.URL.Query().Get("cursor") == "" && next == ""
	a.render(w, r, http.StatusOK, "grants", &view{Title: "Grants", Nav: n,
		Data: map[string]any{"Items": items, "Next": nextURL(r, next), "Names": names,
			"Giving": a.givingLinks(n, names, items, whole)}})
	return nil
}

// givingLink is a 360Giving package the grants page offers, named by whose
// package it is.
type givingLink struct {
	Href, Text, ID string
}

// givingLinks are the 360Giving packages the caller may publish, as the
// SPEC's export gives them: a lead or administrator gets the whole
// programme's package, published by the deployment's publisher (else the
// programme's lead organisation), and each funder's; a funder gets the
// package of each funder it acts for, published by that funder, since the
// package without funderId would hold only its grants under the
// programme's name. A project lead, who publishes nothing, keeps the
// package of the grants it can see. When the page holds every grant the
// caller may read (one page, no cursor), a package with nothing awarded
// by today is not offered: its download would only say there is nothing
// to publish yet. A longer list is not read again for this.
func (a *app) givingLinks(n *nav, ns *names, items []domain.Grant, whole bool) []givingLink {
	today := domain.UKDate(a.Now())
	awarded := map[string]bool{} // funder id → has a grant to publish
	some := false
	for _, g := range items {
		if !g.AwardDate.After(today) {
			awarded[g.FunderID], some = true, true
		}
	}
	has := func(funderID string) bool { return !whole || awarded[funderID] }
	href := base(n) + "/grants/360giving"
	var out []givingLink
	funder := func(f domain.Funder) {
		if has(f.ID) {
			out = append(out, givingLink{Href: href + "?funderId=" + url.QueryEscape(f.ID), ID: "download-grants-360giving-" + f.ID,
				Text: "Grants from " + f.Name + ", for " + f.Name + " to publish (360Giving data standard, JSON)"})
		}
	}
	acc := n.Access
	if acc.CanReadAllGrants() {
		if !whole || some {
			publisher := cmp.Or(a.Giving.PublisherName, n.Programme.LeadOrganisation)
			out = append(out, givingLink{Href: href, ID: "download-grants-360giving",
				Text: "Every grant in the programme, for " + publisher + " to publish (360Giving data standard, JSON)"})
		}
		for _, f := range ns.FunderList {
			funder(f)
		}
		return out
	}
	for _, f := range ns.FunderList {
		if acc.Funders[f.ID] {
			funder(f)
		}
	}
	if len(acc.Projects) > 0 && (!whole || some) {
		out = append(out, givingLink{Href: href, ID: "download-grants-360giving",
			Text: "Grants you can see, in the 360Giving data standard (JSON)"})
	}
	return out
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
	v.Set("amountPence", export.PoundsPlain(g.AmountPence))
	setDate(v, "awardDate", g.AwardDate)
	setDate(v, "startDate", g.StartDate)
	setDate(v, "endDate", g.EndDate)
	for _, l := range g.Budget {
		v.Set("budget."+string(l.Category), export.PoundsPlain(l.AmountPence))
	}
	v.Set("version", strconv.FormatInt(g.Version, 10))
}
