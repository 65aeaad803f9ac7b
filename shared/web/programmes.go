package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// programmes is the home page: the person's portfolio, every programme
// they belong to (all, for an administrator) as a card with its headline
// figures, as far as their roles let them see, and its targets' progress
// bars. A page of 50 costs what GET /portfolio costs.
func (a *app) programmes(w http.ResponseWriter, r *http.Request, q *req) error {
	items, next, err := a.Service.Portfolio(r.Context(), q.Caller, pageOf(r))
	if err != nil {
		return err
	}
	cards := make([]portfolioCard, len(items))
	for i, it := range items {
		cards[i] = portfolioCard{PortfolioItem: it, Base: "/app/programmes/" + it.ProgrammeID, Roles: cardRoles(q.isAdmin(), it.Roles),
			OwnReturns: ownReturns(domain.NewAccess(q.Caller.Identity, it.Roles))}
		for _, t := range it.Targets {
			row := targetRow{TargetProgress: domain.TargetProgress{TargetID: t.TargetID, Metric: t.Metric, Value: t.Value,
				Deadline: t.Deadline, ProjectID: t.ProjectID, Current: t.Current, Percent: t.Percent, Status: t.Status},
				Project: t.ProjectName, Bar: barWidth(t.Percent)}
			cards[i].Targets = append(cards[i].Targets, row)
		}
	}
	a.render(w, r, http.StatusOK, "programmes", &view{Title: "Your programmes",
		Data: map[string]any{"Items": cards, "Next": nextURL(r, next), "CanCreate": q.isAdmin(), "Admin": q.isAdmin(),
			"Left": a.leftNoteFor(r, q)}})
	return nil
}

// portfolioCard is one programme on the home page.
type portfolioCard struct {
	domain.PortfolioItem
	Base    string
	Roles   string
	Targets []targetRow
	// OwnReturns says whose returns ReturnsOverdue counts: "" for every
	// project's, else the project lead's own (ownReturns).
	OwnReturns string
}

// cardRoles is what a portfolio card says the person is: roleNames, and
// for an administrator who is also a member "Administrator" before them
// ("Administrator and funder", "Administrator, lead and funder").
func cardRoles(admin bool, roles []domain.Role) string {
	if !admin || len(roles) == 0 {
		return roleNames(roles)
	}
	names := roleNames(roles)
	names = strings.ToLower(names[:1]) + names[1:]
	if strings.Contains(names, " and ") {
		return "Administrator, " + names // "Administrator, lead and funder"
	}
	return "Administrator and " + names
}

// roleNames says what someone is in a programme: "Lead", "Funder and
// project lead".
func roleNames(roles []domain.Role) string {
	seen := map[domain.RoleName]bool{}
	var names []string
	for _, r := range roles {
		if seen[r.Role] {
			continue
		}
		seen[r.Role] = true
		names = append(names, map[domain.RoleName]string{domain.RoleLead: "lead", domain.RoleProjectLead: "project lead",
			domain.RoleFunder: "funder"}[r.Role])
	}
	switch len(names) {
	case 0:
		return "Administrator"
	case 1:
		return capitalise(names[0])
	}
	out := capitalise(names[0])
	for i, n := range names[1:] {
		if i == len(names)-2 {
			out += " and " + n
		} else {
			out += ", " + n
		}
	}
	return out
}

var programmeFields = []field{
	{"name", kText, "Name"}, {"leadOrganisation", kText, "Lead organisation"}, {"region", kText, "Region"},
	{"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"}, {"description", kText, "Description"},
	{"orgId", kText, "Lead organisation's identifier"}, {"postcode", kText, "Postcode"}, {"beneficiaryLocations", kAreas, "Areas served"},
}

// programmeNew creates a programme (administrators).
func (a *app) programmeNew(w http.ResponseWriter, r *http.Request, q *req) error {
	return editForm[domain.Programme]{
		Page: "programme_form", Fields: programmeFields, Title: titles[domain.Programme]("", "Create a programme", ""),
		May: func(*nav) error {
			if !q.isAdmin() {
				return domain.Errorf(domain.CodeForbidden, "only administrators may create programmes")
			}
			return nil
		},
		Create: func(f *form) (domain.Programme, error) {
			return a.Service.CreateProgramme(r.Context(), q.Caller, f.decoder(), q.claim)
		},
		Done: func(_ *nav, p domain.Programme) string { return "/app/programmes/" + p.ID },
	}.serve(a, w, r, q)
}

// programmeChangeFields are the programme settings form's: the programme's
// fields, and whether a lead reviews each submission.
var programmeChangeFields = append(slices.Clone(programmeFields), field{"reviewOutcomes", kBool, "Review of submissions"})

// programmeEdit changes the programme: its details and whether a lead
// reviews each submission before it counts (leads).
func (a *app) programmeEdit(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, id := a.scope(r, q), r.PathValue("pid")
	return editForm[domain.Programme]{
		Page: "programme_settings", Nav: "dashboard", Fields: programmeChangeFields, ID: id, What: "programme",
		Title: titles[domain.Programme](id, "", "Change programme"),
		May:   manages("change the programme"),
		Read:  func(string) (domain.Programme, error) { return sc.Programme() },
		Values: func(v url.Values, p domain.Programme) {
			v.Set("name", p.Name)
			v.Set("leadOrganisation", p.LeadOrganisation)
			v.Set("region", p.Region)
			setDate(v, "startDate", p.StartDate)
			setDate(v, "endDate", p.EndDate)
			v.Set("description", p.Description)
			v.Set("orgId", p.OrgID)
			v.Set("postcode", p.Postcode)
			setAreas(v, "beneficiaryLocations", p.BeneficiaryLocations)
			v.Set("reviewOutcomes", strconv.FormatBool(p.ReviewOutcomes))
		},
		Version: func(p domain.Programme) int64 { return p.Version },
		Update: func(f *form, ifMatch func(int64) bool) (domain.Programme, error) {
			return sc.UpdateProgramme(ifMatch, f.decoder())
		},
		Done: func(n *nav, _ domain.Programme) string { return base(n) },
	}.serve(a, w, r, q)
}
