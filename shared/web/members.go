package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"

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
	data := map[string]any{"Items": items, "Names": names}
	// The banner says only what a removal did: the link's removed is
	// sealed by the removal for this person and programme, so a crafted
	// link shows no banner, whatever text it carries.
	var done memberRemoved
	if a.Sessions.Open(memberRemovedName, r.URL.Query().Get("removed"), &done) == nil &&
		done.Programme == n.Programme.ID && done.Subject == q.Caller.Identity.Subject && done.Email != "" {
		data["Removed"], data["StillContact"] = done.Email, stillContact(names.FunderList, done.StillContact)
	}
	a.render(w, r, http.StatusOK, "members", &view{Title: "Members", Nav: n, Data: data})
	return nil
}

// memberRemoved is what a removal did, sealed into the members page's
// link by the session codec (as importDone is into an import's result):
// who was removed and the funders whose contacts still hold them. Only
// this service can write one, for the person who removed and the
// programme, so a link cannot make the page say anything else.
type memberRemoved struct {
	Programme    string   `json:"p"`
	Subject      string   `json:"s"`
	Email        string   `json:"e"`
	StillContact []string `json:"c,omitempty"`
}

// memberRemovedName authenticates a sealed memberRemoved as one.
const memberRemovedName = "fundtrack_member_removed"

// stillContact are the funders named by the members page's stillContact
// (whose contacts a removal could not change), known ones only.
func stillContact(funders []domain.Funder, ids []string) []domain.Funder {
	var out []domain.Funder
	for _, f := range funders {
		if slices.Contains(ids, f.ID) {
			out = append(out, f)
		}
	}
	return out
}

var memberFields = []field{{"email", kText, "Email address"}, {"roles", kText, "Roles"}}

// memberForm gives a person their roles: the form's boxes become the API's
// {roles: [...]} body. A member has no version: the roles sent replace
// theirs, as PUT …/members/{email} does, on "Change roles", which shows
// the roles they hold. "Add a member" only adds: someone who is a member
// already is refused beside the email box with a link to their "Change
// roles" page, so no one's roles are replaced from a page that did not
// show them.
func (a *app) memberForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, email := a.scope(r, q), r.PathValue("email")
	data := map[string]any{}
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
		Create: func(f *form) (domain.Member, error) {
			m, err := sc.AddMember(f.Get("email"), memberBody(f))
			var de *domain.Error
			if errors.As(err, &de) && de.Fields["email"] == service.ProblemAlreadyMember {
				data["Existing"] = domain.NormaliseEmail(f.Get("email"))
			}
			return m, err
		},
		Update: func(f *form, _ func(int64) bool) (domain.Member, error) {
			m, _, err := sc.PutMember(email, memberBody(f))
			return m, err
		},
		Done: func(n *nav, m domain.Member) string {
			// A lead who gave up their own lead role may no longer see the
			// members: they go on to the programme's dashboard.
			if m.Email == q.Caller.Email && !q.isAdmin() && !slices.ContainsFunc(m.Roles, isLead) {
				return base(n)
			}
			return base(n) + "/members?saved=" + url.QueryEscape(m.Email)
		},
		Data: func(_ *nav, current domain.Member) (map[string]any, error) {
			names, err := a.names(r, q)
			data["Names"], data["Email"] = names, current.Email
			return data, err
		},
	}.serve(a, w, r, q)
}

func isLead(r domain.Role) bool { return r.Role == domain.RoleLead }

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

// memberRemove asks before it removes a member (GET: what they would lose,
// and a button), then removes them (POST). Someone who removed themselves
// may no longer see the programme, so they go on to their portfolio; the
// service refuses to remove the programme's only lead (the page says so).
func (a *app) memberRemove(w http.ResponseWriter, r *http.Request, q *req) error {
	sc := a.scope(r, q)
	m, err := sc.Member(r.PathValue("email"))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "members")
	if err != nil {
		return err
	}
	if !n.Access.CanManage() {
		return refuse("remove members")
	}
	self := m.Email == q.Caller.Email
	if q.Form == nil {
		names, err := a.names(r, q)
		if err != nil {
			return err
		}
		title := "Remove " + m.Email + " from " + n.Programme.Name + "?"
		if self {
			title = "Remove yourself from " + n.Programme.Name + "?"
		}
		a.render(w, r, http.StatusOK, "member_remove", &view{Title: title, Nav: n,
			Data: map[string]any{"Member": m, "Names": names, "Self": self && !q.isAdmin(), "Contacts": contactOf(names.FunderList, m.Email)}})
		return nil
	}
	// Two steps, the membership first: its refusals (the only lead) leave
	// everything as it was. Each funder's contacts are then changed as
	// they are at that moment, each in its own write and audit event; one
	// refused (the person became its only contact meanwhile) or failing
	// is said on the members page, with the membership already gone.
	if err := sc.DeleteMember(m.Email); err != nil {
		return err
	}
	var kept []string
	for _, fid := range q.Form["offContacts"] {
		if _, _, err := sc.RemoveContact(fid, m.Email); err != nil {
			if domain.ErrorCode(err) != domain.CodeConflict && domain.ErrorCode(err) != domain.CodeNotFound {
				a.Logger.Error("web: member removed, contacts not changed", "requestId", requestID(r), "funderId", fid, "err", err)
			}
			kept = append(kept, fid)
		}
	}
	if self && !q.isAdmin() {
		return seeOther(w, r, "/app/")
	}
	done, err := a.Sessions.Seal(memberRemovedName, memberRemoved{Programme: n.Programme.ID, Subject: q.Caller.Identity.Subject,
		Email: m.Email, StillContact: kept})
	if err != nil {
		return err
	}
	return seeOther(w, r, base(n)+"/members?"+url.Values{"removed": {done}}.Encode())
}

// contactOf are the funders whose contacts hold email: removing a member
// does not change them, so the removal page says the person would still
// get those funders' emails, and offers to take them off. A funder whose
// only contact they are cannot lose them (it needs one), which the page
// says instead.
func contactOf(funders []domain.Funder, email string) []contactRow {
	var out []contactRow
	for _, f := range funders {
		for _, c := range f.Contacts {
			if domain.NormaliseEmail(c) == email {
				out = append(out, contactRow{Funder: f, Only: len(f.Contacts) == 1})
				break
			}
		}
	}
	return out
}

// contactRow is a funder the member to be removed is a contact of.
type contactRow struct {
	Funder domain.Funder
	Only   bool // their only contact, which cannot be taken off
}
