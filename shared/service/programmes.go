package service

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// MayCreateProgramme is CreateProgramme's access check on its own: the
// caller's session still open, and an administrator.
func (s *Service) MayCreateProgramme(ctx context.Context, c domain.Caller) error {
	if err := s.CheckSession(ctx, c); err != nil {
		return err
	}
	if !c.IsAdmin() {
		return domain.Errorf(domain.CodeForbidden, "only administrators may create programmes")
	}
	return nil
}

// CreateProgramme sets up a new programme (admins only).
func (s *Service) CreateProgramme(ctx context.Context, c domain.Caller, body Decoder, claim *Claim) (domain.Programme, error) {
	if err := s.MayCreateProgramme(ctx, c); err != nil {
		return domain.Programme{}, err
	}
	in, err := decodeValid[domain.ProgrammeInput](body)
	if err != nil {
		return domain.Programme{}, err
	}
	now := s.now()
	p := domain.Programme{ID: domain.NewID(), Name: in.Name, LeadOrganisation: in.LeadOrganisation, Region: in.Region,
		StartDate: in.StartDate, EndDate: in.EndDate, Description: in.Description, Version: 1, CreatedAt: now, CreatedBy: c.Email,
		UpdatedAt: now, OrgID: in.OrgID, BeneficiaryLocations: in.BeneficiaryLocations}
	p.Postcode, _ = domain.CanonicalPostcode(in.Postcode) // validated: "" stays ""
	ev := domain.NewAuditEvent(c, p.ID, domain.EntityProgramme, p.ID, domain.ActionCreate, nil, p, now)
	return p, storeErr(s.store.CreateProgramme(ctx, p, Change{Audit: ev, Claim: claim}), "programme", nil)
}

// UpdateProgramme changes a programme (leads and admins), its review
// setting included, if ifMatch accepts its version. Its dates may not
// narrow past a target's window (domain.Programme.CheckTargets) nor a
// reporting schedule's periods (domain.Programme.CheckSchedules).
func (sc *Scope) UpdateProgramme(ifMatch func(int64) bool, body Decoder) (domain.Programme, error) {
	if err := sc.manage("change the programme"); err != nil {
		return domain.Programme{}, err
	}
	first := sc.programme
	var patch domain.ProgrammePatch
	derr := body(&patch)
	return updateLoop(sc.ctx, ifMatch, func(round int) (domain.Programme, error) {
		before, rev := first, sc.progRev
		if round > 1 {
			g := &Get{Ref: domain.Ref(domain.EntityProgramme, sc.programmeID), Into: &before}
			if err := sc.load(g); err != nil {
				return domain.Programme{}, err
			}
			if !g.Found {
				return domain.Programme{}, domain.NotFound("programme")
			}
			rev = g.Rev
		}
		after, in := patch.Apply(before)
		if err := domain.WithText(domain.MergeProblems(derr, in.Validate()), in); err != nil { // with personal data in the text as it would be stored
			return domain.Programme{}, err
		}
		var guard *Guard
		if after.StartDate.After(before.StartDate) || after.EndDate.Before(before.EndDate) {
			// Narrower dates must still hold every target's window: one
			// more Query (a page per 100 targets), only for such an edit.
			// A target set or moved after the programme was read is not
			// in it, so the change is guarded against one (Guard).
			// So must every reporting schedule's periods: its setup is read
			// beside the targets, one round trip for both.
			var setup ReportingSetup
			var targets []domain.Target
			if err := parallel(func() (err error) {
				targets, err = all(sc.listTargets)
				return err
			}, func() (err error) {
				setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID)
				return err
			}); err != nil {
				return domain.Programme{}, err
			}
			if err := domain.MergeProblems(after.CheckTargets(before, targets), after.CheckSchedules(before, setup.Schedules)); err != nil {
				return domain.Programme{}, err
			}
			guard = &Guard{Ref: domain.Ref(domain.EntityProgramme, sc.programmeID), Rev: rev,
				Err: domain.Errorf(domain.CodeConflict, "a target or reporting schedule was set or its dates changed while the programme's dates were being narrowed: "+
					"the targets and schedules must stay within the programme's dates, so look at them again and retry")}
		}
		if !ifMatch(before.Version) {
			return domain.Programme{}, versionRefused()
		}
		after.Postcode, _ = domain.CanonicalPostcode(in.Postcode)
		ch, changed := sc.changeOf(domain.EntityProgramme, sc.programmeID, before, after)
		if !changed {
			return before, nil
		}
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		ch.Guard = guard
		if err := sc.asMember(ch, sc.mayManage("change the programme"), func(ch Change) error {
			return sc.s.store.UpdateProgramme(sc.ctx, before, after, ch)
		}); err != nil {
			return after, storeErr(err, "programme", nil)
		}
		kept := int64(0) // a change without a guard starts the revision again
		if guard != nil {
			kept = guard.Rev
		}
		sc.wrote(&after, kept)
		return after, nil
	})
}

// ListProgrammes lists the programmes the caller belongs to (all, for admins).
func (s *Service) ListProgrammes(ctx context.Context, c domain.Caller, p Page) ([]domain.Programme, string, error) {
	var items []domain.Programme
	var next string
	err := s.besideSession(ctx, c, func() (err error) {
		if c.IsAdmin() {
			items, next, err = listErr(s.store.ListProgrammes(ctx, p))
		} else {
			items, next, err = listErr(s.store.ListProgrammesOf(ctx, c.Email, p))
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// PutMember gives a person (by email) their roles in the programme,
// replacing any they had. It reports whether the member is new.
func (sc *Scope) PutMember(email string, body Decoder) (domain.Member, bool, error) {
	return sc.putMember(email, body, false)
}

// AddMember gives a person who is not yet a member their roles. Someone
// who already is one is refused (400 naming email) rather than given
// these roles in place of theirs: replacing a member's roles is
// PutMember's, from a page that shows the roles they hold.
func (sc *Scope) AddMember(email string, body Decoder) (domain.Member, error) {
	m, _, err := sc.putMember(email, body, true)
	return m, err
}

// ProblemAlreadyMember is the problem AddMember names email with: the person
// is a member already.
const ProblemAlreadyMember = "belongs to someone who is already a member of this programme: change their roles instead"

func (sc *Scope) putMember(email string, body Decoder, onlyNew bool) (domain.Member, bool, error) {
	email = domain.NormaliseEmail(email)
	var old domain.Member
	found, err := sc.loadMember(email, &old)
	if err != nil {
		return domain.Member{}, false, err
	}
	if !sc.access.CanManage() {
		return domain.Member{}, false, forbidden("manage members")
	}
	// A new member's address must be one email can be delivered to; a
	// member stored at an address that rule came after keeps it, and
	// their roles can still be changed.
	if !found {
		if err := domain.ValidateEmail("email", email); err != nil {
			return domain.Member{}, false, err
		}
	}
	in, err := decodeValid[domain.MemberInput](body)
	refs := memberRefs(in)
	if err != nil {
		return domain.Member{}, false, sc.withRefs(err, refs)
	}
	if found && onlyNew {
		return domain.Member{}, false, &domain.Error{Code: domain.CodeValidation, Message: "the person is already a member",
			Fields: map[string]string{"email": ProblemAlreadyMember}}
	}
	var before *domain.Member
	var premises []Premise
	if found {
		before = &old
		if premises, err = sc.keepsALead(old, in.Roles); err != nil {
			return domain.Member{}, false, err
		}
	}
	m := domain.Member{Email: email, Roles: in.Roles, UpdatedAt: sc.s.now(), UpdatedBy: sc.caller.Email}
	if found && domain.SameRoles(old.Roles, in.Roles) {
		m.Roles = old.Roles // the same roles listed in another order change nothing
	}
	ch := sc.change(domain.EntityMember, email, domain.ActionCreate, nil, m)
	if before != nil {
		var changed bool
		if ch, changed = sc.changeOf(domain.EntityMember, email, before, m); !changed {
			return old, false, nil
		}
	}
	ch.Premises = premises
	if err := sc.asCaller(email, &m, ch, sc.mayManage("manage members"), func(ch Change) error {
		return sc.s.store.PutMember(sc.ctx, sc.programmeID, m, before, ch)
	}); err != nil {
		return domain.Member{}, false, storeErr(err, "member", refs)
	}
	sc.recheckNewlyLed(before, m)
	return m, before == nil, nil
}

// recheckNewlyLed puts the returns of the projects m is newly made
// project lead of back in line for the notifier's next run: one looked at
// while its project had nobody to tell waits for the next day
// (domain.Return.NextCheckUntold), and a reminder due today would by then
// be lost. Only the returns whose reminder or overdue email may still go
// today are put back: those due in the next MaxReminderDays days or at
// most OverdueEmailWindow days ago. Best effort, as after a schedule's
// reminders change: the reporting setup's Query, then for each schedule
// covering such a project one Query of those projects' returns and an
// UpdateItem a return.
func (sc *Scope) recheckNewlyLed(before *domain.Member, m domain.Member) {
	var projects []string
	for _, r := range m.Roles {
		if r.Role != domain.RoleProjectLead || slices.Contains(projects, r.ProjectID) {
			continue
		}
		if before != nil && slices.ContainsFunc(before.Roles, func(o domain.Role) bool {
			return o.Role == domain.RoleProjectLead && o.ProjectID == r.ProjectID
		}) {
			continue
		}
		projects = append(projects, r.ProjectID)
	}
	if len(projects) == 0 {
		return
	}
	sc.leftOver("rechecking returns for a new project lead", func() error {
		setup, err := sc.s.store.ReportingSetup(sc.ctx, sc.programmeID)
		if err != nil {
			return err
		}
		today := sc.today()
		var errs []error
		for _, s := range setup.Schedules {
			var covered []string
			for _, id := range projects {
				if s.Covers(id) {
					covered = append(covered, id)
				}
			}
			if len(covered) == 0 {
				continue
			}
			errs = append(errs, sc.s.store.RecheckReturns(sc.ctx, sc.programmeID, s.ID, covered,
				today.AddDays(-domain.OverdueEmailWindow-int(s.DueDays)), today.AddDays(domain.MaxReminderDays+1-int(s.DueDays)), today))
		}
		return errors.Join(errs...)
	}())
}

func memberRefs(in domain.MemberInput) refFields {
	var refs refFields
	for i, r := range in.Roles {
		switch r.Role {
		case domain.RoleProjectLead:
			refs = refs.add(domain.EntityProject, r.ProjectID, fmt.Sprintf("roles[%d].projectId", i))
		case domain.RoleFunder:
			refs = refs.add(domain.EntityFunder, r.FunderID, fmt.Sprintf("roles[%d].funderId", i))
		}
	}
	return refs
}

// DeleteMember removes a person's roles in the programme. The role is
// checked before the record, so someone who may not manage members learns
// nothing of who is one (as with Member and PutMember).
func (sc *Scope) DeleteMember(email string) error {
	var before domain.Member
	found, err := sc.loadMember(domain.NormaliseEmail(email), &before)
	if err != nil {
		return err
	}
	if !sc.access.CanManage() {
		return forbidden("manage members")
	}
	if !found {
		return domain.NotFound("member")
	}
	premises, err := sc.keepsALead(before, nil)
	if err != nil {
		return err
	}
	ch := sc.change(domain.EntityMember, before.Email, domain.ActionDelete, before, nil)
	ch.Premises = premises
	return storeErr(sc.asCaller(before.Email, nil, ch, sc.mayManage("manage members"), func(ch Change) error {
		return sc.s.store.DeleteMember(sc.ctx, sc.programmeID, before, ch)
	}), "member", nil)
}

// asCaller is asMember for a change of member email's roles to m (nil:
// removed): a lead's change of their own roles (or their leaving) writes
// their own member item, conditioned on it as read, which is then its
// premise, and the scope keeps what it wrote (wroteOwn); any other
// carries the caller's membership as asMember does, so a lead removed,
// or no longer a lead, meanwhile changes nobody's roles (404, 403).
func (sc *Scope) asCaller(email string, m *domain.Member, ch Change, may func() error, send func(Change) error) error {
	if email != domain.NormaliseEmail(sc.caller.Email) || sc.caller.IsAdmin() {
		return sc.asMember(ch, may, send)
	}
	err := send(ch)
	if err == nil {
		sc.wroteOwn(m)
	}
	return err
}

// keepsALead refuses to take the lead role from m (giving them roles, nil
// when removing them) when no other member is a lead: a programme left
// without a lead has no one to manage its members, funders, grants and
// targets but an administrator. An administrator may still do it (handing
// a programme back to be set up again, say); for anyone else it is a
// slip, or a lead removing themselves. A lead changing someone else's
// roles is the lead who remains, held to their own roles as read by the
// change (asCaller): a lead removed, or no longer a lead, before it lands
// changes nothing (404, 403). The members are read only when a lead's own
// lead role is going.
//
// The lead that remains is then the change's premise: two leads giving up
// the role at the same moment would each see the other as the one
// remaining, so the change commits only while that lead's record is as
// read, and the later of the two is refused (409) and may retry.
func (sc *Scope) keepsALead(m domain.Member, roles []domain.Role) ([]Premise, error) {
	if sc.caller.IsAdmin() || !hasLead(m.Roles) || hasLead(roles) {
		return nil, nil
	}
	if m.Email != domain.NormaliseEmail(sc.caller.Email) && hasLead(sc.roles) {
		// The caller is the lead who remains: the change is held to
		// their roles as read, so they are a lead still when it lands
		// (asCaller), and no one else's record needs reading.
		return nil, nil
	}
	members, err := all(func(p Page) ([]domain.Member, string, error) {
		return sc.s.store.ListMembers(sc.ctx, sc.programmeID, p)
	})
	if err != nil {
		return nil, err
	}
	for _, other := range members {
		if other.Email != m.Email && hasLead(other.Roles) {
			return []Premise{{Ref: domain.Ref(domain.EntityMember, other.Email), UpdatedAt: other.UpdatedAt,
				Err: domain.Errorf(domain.CodeConflict, "the roles of %s, the lead who would remain, changed at the same time: "+
					"the programme must keep a lead, so look at its members again and retry", other.Email)}}, nil
		}
	}
	if roles == nil {
		return nil, domain.Errorf(domain.CodeConflict, "the programme's only lead, %s, cannot be removed: make someone else a lead first", m.Email)
	}
	return nil, &domain.Error{Code: domain.CodeValidation, Message: "the programme's only lead cannot give up the lead role",
		Fields: map[string]string{"roles": "must include lead: " + m.Email + " is the programme's only lead; make someone else a lead first"}}
}

func hasLead(roles []domain.Role) bool {
	return slices.ContainsFunc(roles, func(r domain.Role) bool { return r.Role == domain.RoleLead })
}

func (sc *Scope) memberRecord(email string) (domain.Member, error) {
	var m domain.Member
	found, err := sc.loadMember(domain.NormaliseEmail(email), &m)
	if err != nil {
		return m, err
	}
	if !found {
		return m, domain.NotFound("member")
	}
	return m, nil
}

// loadMember checks access with the member's record riding along, as get
// does for records named by id. A member is named by an email address:
// what is not one, nor was when members were stored (EmailOnRecord),
// names no member, so only access is read (an over-long one would also
// make a key DynamoDB refuses, a 500 instead of a 404).
func (sc *Scope) loadMember(email string, into *domain.Member) (bool, error) {
	if !domain.EmailOnRecord(email) {
		return false, sc.load()
	}
	g := &Get{Ref: domain.Ref(domain.EntityMember, email), Into: into}
	err := sc.load(g)
	return g.Found, err
}

// Member returns one member: leads see anyone, others only themselves.
func (sc *Scope) Member(email string) (domain.Member, error) {
	m, err := sc.memberRecord(email)
	if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
		return m, err
	}
	if !sc.access.CanManage() && domain.NormaliseEmail(email) != sc.caller.Email {
		return domain.Member{}, domain.NotFound("member")
	}
	return m, err
}

// ListMembers lists the programme's members (leads and admins).
func (sc *Scope) ListMembers(p Page) ([]domain.Member, string, error) {
	var items []domain.Member
	var next string
	err := sc.alongside(func() (err error) {
		items, next, err = sc.s.store.ListMembers(sc.ctx, sc.programmeID, p)
		return err
	})
	if err == nil && !sc.access.CanManage() {
		return nil, "", forbidden("see the member list")
	}
	return listErr(items, next, err)
}

// MayCreateFunder is CreateFunder's access check on its own.
func (sc *Scope) MayCreateFunder() error { return sc.manage("manage funders") }

// CreateFunder adds a funder to the programme.
func (sc *Scope) CreateFunder(body Decoder) (domain.Funder, error) {
	if err := sc.MayCreateFunder(); err != nil {
		return domain.Funder{}, err
	}
	in, err := decodeValid[domain.FunderInput](body)
	if err != nil {
		return domain.Funder{}, err
	}
	contacts := normaliseContacts(in.Contacts)
	now := sc.s.now()
	f := domain.Funder{ID: domain.NewID(), Name: in.Name, OrgID: in.OrgID, Contacts: contacts, Version: 1, CreatedAt: now, UpdatedAt: now}
	ch := sc.change(domain.EntityFunder, f.ID, domain.ActionCreate, nil, f)
	err = sc.asMember(ch, sc.MayCreateFunder, func(ch Change) error { return sc.s.store.CreateFunder(sc.ctx, sc.programmeID, f, ch) })
	return f, storeErr(err, "programme", nil)
}

// funderView hides a funder's contact emails from members who neither
// manage the programme nor act for that funder: they are staff's personal
// details.
func funderView(a domain.Access, f domain.Funder) domain.Funder {
	if !a.CanManage() && !a.Funders[f.ID] {
		f.Contacts = nil
	}
	return f
}

// Funder returns one funder of the programme.
func (sc *Scope) Funder(id string) (domain.Funder, error) {
	var f domain.Funder
	if err := sc.get(domain.Ref(domain.EntityFunder, id), &f, "funder"); err != nil {
		return domain.Funder{}, err
	}
	return funderView(sc.access, f), nil
}

// ListFunders lists the programme's funders.
func (sc *Scope) ListFunders(p Page) ([]domain.Funder, string, error) {
	var items []domain.Funder
	var next string
	err := sc.alongside(func() (err error) {
		items, next, err = sc.s.store.ListFunders(sc.ctx, sc.programmeID, p)
		return err
	})
	for i := range items {
		items[i] = funderView(sc.access, items[i])
	}
	return listErr(items, next, err)
}

// MayCreateProject is CreateProject's access check on its own.
func (sc *Scope) MayCreateProject() error { return sc.manage("manage projects") }

// CreateProject adds a project to the programme, and the returns the
// schedules that cover every project now expect of it.
func (sc *Scope) CreateProject(body Decoder) (domain.Project, error) {
	var setup ReportingSetup
	if err := sc.beside(func() (err error) {
		setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID)
		return err
	}, sc.MayCreateProject); err != nil {
		return domain.Project{}, err
	}
	in, err := decodeValid[domain.ProjectInput](body)
	if err != nil {
		return domain.Project{}, err
	}
	now := sc.s.now()
	pr := domain.Project{ID: domain.NewID(), Name: in.Name, LeadOrganisation: in.LeadOrganisation, Area: in.Area,
		StartDate: in.StartDate, EndDate: in.EndDate, Version: 1, CreatedAt: now, UpdatedAt: now, OrgID: in.OrgID, BeneficiaryLocations: in.BeneficiaryLocations}
	pr.Postcode, _ = domain.CanonicalPostcode(in.Postcode) // validated: "" stays ""
	gen := generationFor(setup, sc.programmeID, pr, now)
	ch := sc.change(domain.EntityProject, pr.ID, domain.ActionCreate, nil, pr)
	if err := sc.asMember(ch, sc.MayCreateProject, func(ch Change) error {
		return sc.s.store.CreateProject(sc.ctx, sc.programmeID, pr, gen, ch)
	}); err != nil {
		return domain.Project{}, storeErr(err, "programme", nil)
	}
	if gen != nil {
		// Should this fail, the notifier finishes the generation: the
		// project stands either way.
		sc.leftOver("writing the returns of a new project", sc.s.CompleteGeneration(sc.ctx, *gen))
	}
	return pr, nil
}

// Project returns one project of the programme.
func (sc *Scope) Project(id string) (domain.Project, error) {
	var pr domain.Project
	return pr, sc.get(domain.Ref(domain.EntityProject, id), &pr, "project")
}

// ListProjects lists the programme's projects.
func (sc *Scope) ListProjects(p Page) ([]domain.Project, string, error) {
	var items []domain.Project
	var next string
	err := sc.alongside(func() (err error) {
		items, next, err = sc.s.store.ListProjects(sc.ctx, sc.programmeID, p)
		return err
	})
	return listErr(items, next, err)
}

// normaliseContacts lower-cases and trims contact addresses, so a funder's
// contacts match members however they were typed.
func normaliseContacts(in []string) []string {
	out := make([]string, len(in))
	for i, e := range in {
		out[i] = domain.NormaliseEmail(e)
	}
	return out
}

// UpdateFunder changes a funder (its name, org-id or contacts) if ifMatch
// accepts its version (leads and admins). Milestone emails go to the
// contacts as they are when each is sent.
func (sc *Scope) UpdateFunder(id string, ifMatch func(int64) bool, body Decoder) (domain.Funder, error) {
	var first domain.Funder
	if err := sc.get(domain.Ref(domain.EntityFunder, id), &first, "funder"); err != nil {
		return domain.Funder{}, err
	}
	if !sc.access.CanManage() {
		return domain.Funder{}, forbidden("manage funders")
	}
	var patch domain.FunderPatch
	derr := body(&patch)
	return updateLoop(sc.ctx, ifMatch, func(round int) (domain.Funder, error) {
		before := first
		if round > 1 {
			if err := sc.get(domain.Ref(domain.EntityFunder, id), &before, "funder"); err != nil {
				return domain.Funder{}, err
			}
		}
		in := patch.Apply(before.Input())
		if err := domain.WithText(domain.MergeProblems(derr, in.ValidateChange(before)), in); err != nil { // with personal data in the text as it would be stored
			return domain.Funder{}, err
		}
		if !ifMatch(before.Version) {
			return domain.Funder{}, versionRefused()
		}
		after := before
		after.Name, after.OrgID, after.Contacts = in.Name, in.OrgID, normaliseContacts(in.Contacts)
		ch, changed := sc.changeOf(domain.EntityFunder, id, before, after)
		if !changed {
			return before, nil
		}
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		err := sc.asMember(ch, sc.mayManage("manage funders"), func(ch Change) error {
			return sc.s.store.UpdateFunder(sc.ctx, sc.programmeID, before, after, ch)
		})
		return after, storeErr(err, "funder", nil)
	})
}

// RemoveContact takes email off funder id's contacts (leads and admins),
// so that it no longer gets the funder's milestone and payment emails: the
// second step of removing a member who acts for the funder, whose access
// ends with the membership while its contacts stay as they are. Each try
// takes the address out of the contacts as they are then, so a change made
// meanwhile is kept; it is recorded in the audit trail as any change to the
// funder. An address not among the contacts is no change (removed is
// false). A funder needs a contact, so its only one is refused (409),
// naming the funder: add another contact first.
func (sc *Scope) RemoveContact(id, email string) (f domain.Funder, removed bool, err error) {
	email = domain.NormaliseEmail(email)
	var first domain.Funder
	if err := sc.get(domain.Ref(domain.EntityFunder, id), &first, "funder"); err != nil {
		return domain.Funder{}, false, err
	}
	if !sc.access.CanManage() {
		return domain.Funder{}, false, forbidden("manage funders")
	}
	f, err = updateLoop(sc.ctx, func(int64) bool { return true }, func(round int) (domain.Funder, error) {
		before := first
		if round > 1 {
			if err := sc.get(domain.Ref(domain.EntityFunder, id), &before, "funder"); err != nil {
				return domain.Funder{}, err
			}
		}
		var kept []string
		for _, c := range before.Contacts {
			if domain.NormaliseEmail(c) != email {
				kept = append(kept, c)
			}
		}
		removed = len(kept) < len(before.Contacts)
		if !removed {
			return before, nil
		}
		if len(kept) == 0 {
			return domain.Funder{}, domain.Errorf(domain.CodeConflict,
				"%s is the only contact of %s, and a funder needs one: add another contact to the funder first", email, before.Name)
		}
		after := before
		after.Contacts = normaliseContacts(kept)
		ch, _ := sc.changeOf(domain.EntityFunder, id, before, after)
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		err := sc.asMember(ch, sc.mayManage("manage funders"), func(ch Change) error {
			return sc.s.store.UpdateFunder(sc.ctx, sc.programmeID, before, after, ch)
		})
		return after, storeErr(err, "funder", nil)
	})
	return f, removed && err == nil, err
}

// UpdateProject changes a project (its names, dates, org-id, postcode or
// areas served) if ifMatch accepts its version (leads and admins).
func (sc *Scope) UpdateProject(id string, ifMatch func(int64) bool, body Decoder) (domain.Project, error) {
	var first domain.Project
	ref := domain.Ref(domain.EntityProject, id)
	firstRev, err := sc.getRev(ref, &first, "project")
	if err != nil {
		return domain.Project{}, err
	}
	if !sc.access.CanManage() {
		return domain.Project{}, forbidden("manage projects")
	}
	var patch domain.ProjectPatch
	derr := body(&patch)
	var gen *Generation
	pr, err := updateLoop(sc.ctx, ifMatch, func(round int) (domain.Project, error) {
		gen = nil
		before, rev := first, firstRev
		if round > 1 {
			var err error
			if rev, err = sc.getRev(ref, &before, "project"); err != nil {
				return domain.Project{}, err
			}
		}
		in := patch.Apply(before.Input())
		if err := domain.WithText(domain.MergeProblems(derr, in.Validate()), in); err != nil { // with personal data in the text as it would be stored
			return domain.Project{}, err
		}
		if !ifMatch(before.Version) {
			return domain.Project{}, versionRefused()
		}
		after := before
		after.Name, after.LeadOrganisation, after.Area = in.Name, in.LeadOrganisation, in.Area
		after.StartDate, after.EndDate, after.OrgID, after.BeneficiaryLocations = in.StartDate, in.EndDate, in.OrgID, in.BeneficiaryLocations
		after.Postcode, _ = domain.CanonicalPostcode(in.Postcode) // validated: "" stays ""
		ch, changed := sc.changeOf(domain.EntityProject, id, before, after)
		if !changed {
			return before, nil
		}
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		dated := before.StartDate != after.StartDate || before.EndDate != after.EndDate
		for plan := 1; ; plan++ {
			if plan > 1 && dated {
				// The project's revision as it is now: returns written
				// since the last read moved it on (projectDatesGuard).
				var cur domain.Project
				var err error
				if rev, err = sc.getRev(ref, &cur, "project"); err != nil {
					return domain.Project{}, err
				}
				if cur.Version != before.Version {
					return domain.Project{}, stale()
				}
			}
			// New dates move the project's returns (projectReturns). A
			// schedule added, a return to remove filled, or returns
			// written for the project (a generation's) meanwhile is no
			// change to the project: plan again (a return filled is
			// then refused as sent).
			rc, err := sc.projectReturns(before, after)
			if err != nil {
				return domain.Project{}, err
			}
			if dated {
				ch.Guard = projectDatesGuard(id, rev)
			}
			err = sc.asMember(ch, sc.mayManage("manage projects"), func(ch Change) error {
				return sc.s.store.UpdateProject(sc.ctx, sc.programmeID, before, after, rc, ch)
			})
			if errors.Is(err, ErrChanged) && plan >= maxPlans {
				return domain.Project{}, domain.Errorf(domain.CodeConflict, "the project's returns kept changing while its dates were being changed: "+
					"look at its returns again and retry")
			}
			if !errors.Is(err, ErrChanged) {
				if err == nil && rc != nil && rc.Gen != nil {
					gen = rc.Gen
				}
				return after, storeErr(err, "project", nil)
			}
		}
	})
	if err != nil {
		return domain.Project{}, err
	}
	if gen != nil {
		// Should this fail, the notifier finishes the generation: the
		// change stands either way.
		sc.leftOver("writing the returns of a project's new dates", sc.s.CompleteGeneration(sc.ctx, *gen))
	}
	return pr, nil
}
