package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

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
	var removed *removalNote
	// The note says only what a removal did: the link's removed is sealed
	// by the removal for this person and programme, so a crafted link
	// shows no note, whatever text it carries; what became of each contact
	// is read from the funders as they are now.
	var done memberRemoved
	if a.Sessions.Open(memberRemovedName, r.URL.Query().Get("removed"), &done) == nil &&
		done.Programme == n.Programme.ID && done.Subject == q.Caller.Identity.Subject && done.Email != "" {
		removed = contactsNow(names.FunderList, done.Email, done.Off, done.Refused)
		removed.Base = base(n)
	}
	a.render(w, r, http.StatusOK, "members", &view{Title: "Members", Nav: n, Data: map[string]any{"Items": items, "Names": names,
		"Removed": removed}})
	return nil
}

// memberRemoved is what a removal did, sealed into the members page's
// link by the session codec (as importDone is into an import's result):
// who was removed, the funders whose contacts it took them off and those
// whose change it could not make (refused). Only this service can write
// one, for the person who removed and the programme, so a link cannot
// make the page say anything else.
type memberRemoved struct {
	Programme string   `json:"p"`
	Subject   string   `json:"s"`
	Email     string   `json:"e"`
	Off       []string `json:"o,omitempty"`
	Refused   []string `json:"r,omitempty"`
}

// memberRemovedName authenticates a sealed memberRemoved as one.
const memberRemovedName = "fundtrack_member_removed"

// removalNote is what the page after a removal says became of the removed
// person's funder contacts: which funders no longer list them, and which
// still do (and so still email them their figures), each with why, so a
// removal never leaves contacts unchanged unsaid.
type removalNote struct {
	Who       string // the removed person's email
	Self      bool   // they removed themselves: the page speaks to them
	Programme string // the programme left, for the portfolio's note
	// Base is the programme's pages, to link to its funders; "" when
	// the reader may no longer open them (they left).
	Base  string
	Off   []removalFunder // no longer a contact
	Still []removalFunder // still a contact
}

// removalFunder is a funder a removal note names.
type removalFunder struct {
	ID   string `json:"i"`
	Name string `json:"n"`
	// Why a contact stays: stillOnly, stillKept or stillRefused.
	Why string `json:"w,omitempty"`
}

// Why a removed person is still a funder's contact.
const (
	stillOnly    = "only"    // its only contact, which a funder cannot lose
	stillKept    = "kept"    // its box was left unticked
	stillRefused = "refused" // the change was refused or failed
)

// contactsNow is the removal note of email as the funders' contacts are
// now (funders as just read): the funders that still list them, whatever
// a link says, and of those off names (the boxes ticked), the ones that
// no longer do. refused are those whose change the removal could not
// make.
func contactsNow(funders []domain.Funder, email string, off, refused []string) *removalNote {
	note := &removalNote{Who: email}
	for _, f := range funders {
		listed := isContact(f, email)
		if !listed && !slices.Contains(off, f.ID) {
			continue
		}
		note.add(removalFunder{ID: f.ID, Name: f.Name}, !listed, len(f.Contacts) == 1, slices.Contains(refused, f.ID))
	}
	return note
}

// add names funder f under Off when the removal took the person off its
// contacts, else under Still with why they are on them still: its only
// contact, the change refused, or the box left unticked.
func (n *removalNote) add(f removalFunder, off, only, refused bool) {
	switch {
	case off:
		n.Off = append(n.Off, f)
		return
	case only:
		f.Why = stillOnly
	case refused:
		f.Why = stillRefused
	default:
		f.Why = stillKept
	}
	n.Still = append(n.Still, f)
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
// and a button, with the funders whose contacts they are on ticked to take
// them off), then removes them (POST). The next page says what became of
// their contacts, those taken off and those still on (and why): the
// members page, or for someone who removed themselves, who may no longer
// see the programme, their portfolio (leftNote). The service refuses to
// remove the programme's only lead (the page says so).
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
		contacts := contactOf(names.FunderList, m.Email)
		// Ticked: a person leaving the network should usually stop getting
		// the funders' emails, and the page shows the boxes to untick.
		offered := slices.ContainsFunc(contacts, func(c contactRow) bool { return !c.Only })
		a.render(w, r, http.StatusOK, "member_remove", &view{Title: title, Nav: n,
			Data: map[string]any{"Member": m, "Names": names, "Self": self && !q.isAdmin(), "Contacts": contacts, "Offered": offered}})
		return nil
	}
	// Self-removal is told on the portfolio, where the funders can no
	// longer be read: what they are a contact of is read now.
	leaving := self && !q.isAdmin()
	var was []contactRow
	if leaving {
		funders, err := all(sc.ListFunders)
		if err != nil {
			return err
		}
		was = contactOf(funders, m.Email)
	}
	// Two steps, the membership first: its refusals (the only lead) leave
	// everything as it was. Each funder's contacts are then changed as
	// they are at that moment, each in its own write and audit event; one
	// refused (the person became its only contact meanwhile) or failing
	// is said on the next page, with the membership already gone.
	if err := sc.DeleteMember(m.Email); err != nil {
		return err
	}
	var off, refused []string
	for _, fid := range q.Form["offContacts"] {
		if _, _, err := sc.RemoveContact(fid, m.Email); err != nil {
			if domain.ErrorCode(err) != domain.CodeConflict && domain.ErrorCode(err) != domain.CodeNotFound {
				a.Logger.Error("web: member removed, contacts not changed", "requestId", requestID(r), "funderId", fid, "err", err)
			}
			refused = append(refused, fid)
			continue
		}
		off = append(off, fid)
	}
	if leaving {
		var left removalNote
		for _, c := range was {
			// Names shortened: the note rides in the link.
			left.add(removalFunder{ID: c.Funder.ID, Name: shortName(c.Funder.Name)},
				slices.Contains(off, c.Funder.ID), c.Only, slices.Contains(refused, c.Funder.ID))
		}
		note := leftNote{Programme: n.Programme.Name, Subject: q.Caller.Identity.Subject, At: a.Now(), Off: left.Off, Still: left.Still}
		sealed, err := a.Sessions.Seal(leftNoteName, note)
		if err != nil {
			return err
		}
		return seeOther(w, r, "/app/?"+url.Values{"left": {sealed}}.Encode())
	}
	done, err := a.Sessions.Seal(memberRemovedName, memberRemoved{Programme: n.Programme.ID, Subject: q.Caller.Identity.Subject,
		Email: m.Email, Off: off, Refused: refused})
	if err != nil {
		return err
	}
	return seeOther(w, r, base(n)+"/members?"+url.Values{"removed": {done}}.Encode())
}

// leftNote is what became of a person who removed themselves from a
// programme, sealed into the link to their portfolio by the session codec
// (as importDone is): they may no longer read the programme or its
// funders, and only this service can write one, for them.
type leftNote struct {
	Programme string          `json:"p"`
	Subject   string          `json:"s"`
	At        time.Time       `json:"t"`
	Off       []removalFunder `json:"o,omitempty"`
	Still     []removalFunder `json:"k,omitempty"`
}

// leftNoteName authenticates a sealed leftNote as one.
const leftNoteName = "fundtrack_left"

// leftNoteFor is the note a portfolio link carries for the person
// signed in, nil for none (or not theirs, or more than an hour old, so a
// bookmark of the link says nothing; or dated more than a minute ahead,
// past any clock skew between the app's instances).
func (a *app) leftNoteFor(r *http.Request, q *req) *removalNote {
	text := r.URL.Query().Get("left")
	var note leftNote
	if text == "" || a.Sessions.Open(leftNoteName, text, &note) != nil || note.Subject != q.Caller.Identity.Subject ||
		a.Now().Sub(note.At) > time.Hour || a.Now().Before(note.At.Add(-time.Minute)) {
		return nil
	}
	return &removalNote{Who: q.Caller.Email, Self: true, Programme: note.Programme, Off: note.Off, Still: note.Still}
}

// contactOf are the funders whose contacts hold email: removing a member
// does not change them, so the removal page says the person would still
// get those funders' emails, and offers to take them off. A funder whose
// only contact they are cannot lose them (it needs one), which the page
// says instead.
func contactOf(funders []domain.Funder, email string) []contactRow {
	var out []contactRow
	for _, f := range funders {
		if isContact(f, email) {
			out = append(out, contactRow{Funder: f, Only: len(f.Contacts) == 1})
		}
	}
	return out
}

// isContact reports whether email (normalised) is one of f's contacts.
func isContact(f domain.Funder, email string) bool {
	return slices.ContainsFunc(f.Contacts, func(c string) bool { return domain.NormaliseEmail(c) == email })
}

// contactRow is a funder the member to be removed is a contact of.
type contactRow struct {
	Funder domain.Funder
	Only   bool // their only contact, which cannot be taken off
}
