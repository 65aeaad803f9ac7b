package web

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

func (a *app) members(w http.ResponseWriter, r *http.Request, q *req) error {
	items, err := all(a.scope(r, q).ListMembers)
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "members")
	if err != nil {
		return err
	}
	names, err := a.names(r, q)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "members", &view{Title: "Members", Nav: n, Data: map[string]any{"Items": items, "Names": names}})
	return nil
}

var memberFields = []field{{"email", kText, "Email address"}, {"roles", kText, "Roles"}}

// memberForm gives a person their roles: the form's boxes become the API's
// {roles: [...]} body. A member has no version: the roles sent replace
// theirs, as PUT …/members/{email} does.
func (a *app) memberForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, email := a.scope(r, q), r.PathValue("email")
	put := func(f *form) (domain.Member, error) {
		m, _, err := sc.PutMember(f.Get("email"), memberBody(f))
		return m, err
	}
	return editForm[domain.Member]{
		Page: "member_form", Nav: "members", Fields: memberFields, ID: email,
		Title: func(current domain.Member, _ *form) string {
			if email != "" {
				return "Change roles of " + current.Email
			}
			return "Add a member"
		},
		May:  manages("manage members"),
		Read: sc.Member, Values: setMemberValues,
		Create: put,
		Update: func(f *form, _ func(int64) bool) (domain.Member, error) {
			f.Values.Set("email", email)
			return put(f)
		},
		Done: func(n *nav, m domain.Member) string { return base(n) + "/members?saved=" + url.QueryEscape(m.Email) },
		Data: func(_ *nav, current domain.Member) (map[string]any, error) {
			names, err := a.names(r, q)
			return map[string]any{"Names": names, "Email": current.Email}, err
		},
	}.serve(a, w, r, q)
}

// setMemberValues ticks a member's roles.
func setMemberValues(v url.Values, m domain.Member) {
	v.Set("email", m.Email)
	for _, r := range m.Roles {
		switch r.Role {
		case domain.RoleLead:
			v.Set("lead", "yes")
		case domain.RoleProjectLead:
			v.Add("projectLead", r.ProjectID)
		case domain.RoleFunder:
			v.Add("funder", r.FunderID)
		}
	}
}

// memberBody is the {roles: [...]} body of the form's ticked boxes.
func memberBody(f *form) service.Decoder {
	roles := []map[string]string{}
	if f.Get("lead") != "" {
		roles = append(roles, map[string]string{"role": string(domain.RoleLead)})
	}
	for _, id := range f.Values["projectLead"] {
		roles = append(roles, map[string]string{"role": string(domain.RoleProjectLead), "projectId": id})
	}
	for _, id := range f.Values["funder"] {
		roles = append(roles, map[string]string{"role": string(domain.RoleFunder), "funderId": id})
	}
	return func(v any) error {
		raw, _ := json.Marshal(map[string]any{"roles": roles})
		return decode.JSON(raw, v)
	}
}

func (a *app) memberRemove(w http.ResponseWriter, r *http.Request, q *req) error {
	if err := a.scope(r, q).DeleteMember(r.PathValue("email")); err != nil {
		return err
	}
	n, err := a.open(r, q, "members")
	if err != nil {
		return err
	}
	return seeOther(w, r, base(n)+"/members")
}
