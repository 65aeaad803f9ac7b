package service

import (
	"context"
	"fmt"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
)

// CreateProgramme sets up a new programme (admins only).
func (s *Service) CreateProgramme(ctx context.Context, c domain.Caller, body Decoder) (domain.Programme, error) {
	if !c.IsAdmin() {
		return domain.Programme{}, domain.Errorf(domain.CodeForbidden, "only administrators may create programmes")
	}
	in, err := decodeValid[domain.ProgrammeInput](body)
	if err != nil {
		return domain.Programme{}, err
	}
	now := s.now()
	p := domain.Programme{ID: domain.NewID(), Name: in.Name, LeadOrganisation: in.LeadOrganisation, Region: in.Region,
		StartDate: in.StartDate, EndDate: in.EndDate, Description: in.Description, CreatedAt: now, CreatedBy: c.Email,
		OrgID: in.OrgID, BeneficiaryLocations: in.BeneficiaryLocations}
	p.Postcode, _ = domain.CanonicalPostcode(in.Postcode) // validated: "" stays ""
	ev := domain.NewAuditEvent(c, p.ID, domain.EntityProgramme, p.ID, domain.ActionCreate, nil, p, now)
	return p, s.store.CreateProgramme(ctx, p, ev)
}

// ListProgrammes lists the programmes the caller belongs to (all, for admins).
func (s *Service) ListProgrammes(ctx context.Context, c domain.Caller, p Page) ([]domain.Programme, string, error) {
	if c.IsAdmin() {
		return s.store.ListProgrammes(ctx, p)
	}
	return s.store.ListProgrammesOf(ctx, c.Email, p)
}

// Programme returns a programme the caller belongs to.
func (s *Service) Programme(ctx context.Context, c domain.Caller, programmeID string) (domain.Programme, error) {
	sc, err := s.open(ctx, c, programmeID)
	return sc.programme, err
}

// Access returns what the caller may do in a programme (for pages that show
// or hide actions); a non-member gets not-found.
func (s *Service) Access(ctx context.Context, c domain.Caller, programmeID string) (domain.Programme, domain.Access, error) {
	sc, err := s.open(ctx, c, programmeID)
	return sc.programme, sc.access, err
}

// PutMember gives a person (by email) their roles in a programme, replacing
// any they had. It reports whether the member is new.
func (s *Service) PutMember(ctx context.Context, c domain.Caller, programmeID, email string, body Decoder) (domain.Member, bool, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Member{}, false, err
	}
	if !sc.access.CanManage() {
		return domain.Member{}, false, forbidden("manage members")
	}
	email = domain.NormaliseEmail(email)
	if err := domain.ValidateEmail("email", email); err != nil {
		return domain.Member{}, false, err
	}
	in, err := decodeValid[domain.MemberInput](body)
	if err != nil {
		var refs []store.Ref
		for i, r := range in.Roles {
			switch r.Role {
			case domain.RoleProjectLead:
				refs = append(refs, store.Ref{Field: fmt.Sprintf("roles[%d].projectId", i), Kind: domain.EntityProject, ID: r.ProjectID})
			case domain.RoleFunder:
				refs = append(refs, store.Ref{Field: fmt.Sprintf("roles[%d].funderId", i), Kind: domain.EntityFunder, ID: r.FunderID})
			}
		}
		return domain.Member{}, false, s.withRefs(ctx, programmeID, err, refs...)
	}
	var before *domain.Member
	old, err := s.store.Member(ctx, programmeID, email)
	switch {
	case err == nil:
		before = &old
	case domain.ErrorCode(err) != domain.CodeNotFound:
		return domain.Member{}, false, err
	}
	m := domain.Member{Email: email, Roles: in.Roles, UpdatedAt: s.now(), UpdatedBy: c.Email}
	action := domain.ActionCreate
	if before != nil {
		action = domain.ActionChange
	}
	ev := sc.audit(s, domain.EntityMember, email, action, before, m)
	if err := s.store.PutMember(ctx, programmeID, m, before, ev); err != nil {
		return domain.Member{}, false, err
	}
	return m, before == nil, nil
}

// DeleteMember removes a person's roles in a programme.
func (s *Service) DeleteMember(ctx context.Context, c domain.Caller, programmeID, email string) error {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return err
	}
	if !sc.access.CanManage() {
		return forbidden("manage members")
	}
	before, err := s.store.Member(ctx, programmeID, domain.NormaliseEmail(email))
	if err != nil {
		return err
	}
	ev := sc.audit(s, domain.EntityMember, before.Email, domain.ActionDelete, before, nil)
	return s.store.DeleteMember(ctx, programmeID, before, ev)
}

// Member returns one member: leads see anyone, others only themselves.
func (s *Service) Member(ctx context.Context, c domain.Caller, programmeID, email string) (domain.Member, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Member{}, err
	}
	email = domain.NormaliseEmail(email)
	if !sc.access.CanManage() && email != c.Email {
		return domain.Member{}, domain.NotFound("member")
	}
	return s.store.Member(ctx, programmeID, email)
}

// ListMembers lists a programme's members (leads and admins).
func (s *Service) ListMembers(ctx context.Context, c domain.Caller, programmeID string, p Page) ([]domain.Member, string, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return nil, "", err
	}
	if !sc.access.CanManage() {
		return nil, "", forbidden("see the member list")
	}
	return s.store.ListMembers(ctx, programmeID, p)
}

// CreateFunder adds a funder to a programme.
func (s *Service) CreateFunder(ctx context.Context, c domain.Caller, programmeID string, body Decoder) (domain.Funder, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Funder{}, err
	}
	if !sc.access.CanManage() {
		return domain.Funder{}, forbidden("manage funders")
	}
	in, err := decodeValid[domain.FunderInput](body)
	if err != nil {
		return domain.Funder{}, err
	}
	contacts := make([]string, len(in.Contacts))
	for i, e := range in.Contacts {
		contacts[i] = domain.NormaliseEmail(e)
	}
	f := domain.Funder{ID: domain.NewID(), Name: in.Name, OrgID: in.OrgID, Contacts: contacts, CreatedAt: s.now()}
	return f, s.store.CreateFunder(ctx, programmeID, f, sc.audit(s, domain.EntityFunder, f.ID, domain.ActionCreate, nil, f))
}

// funderView hides a funder's contact emails from members who neither manage
// the programme nor act for that funder: they are staff's personal details.
func funderView(a domain.Access, f domain.Funder) domain.Funder {
	if !a.CanManage() && !a.Funders[f.ID] {
		f.Contacts = nil
	}
	return f
}

// Funder returns one funder of a programme.
func (s *Service) Funder(ctx context.Context, c domain.Caller, programmeID, id string) (domain.Funder, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Funder{}, err
	}
	if !domain.ValidID(id) {
		return domain.Funder{}, domain.NotFound("funder")
	}
	f, err := s.store.Funder(ctx, programmeID, id)
	return funderView(sc.access, f), err
}

// ListFunders lists a programme's funders.
func (s *Service) ListFunders(ctx context.Context, c domain.Caller, programmeID string, p Page) ([]domain.Funder, string, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return nil, "", err
	}
	fs, next, err := s.store.ListFunders(ctx, programmeID, p)
	for i := range fs {
		fs[i] = funderView(sc.access, fs[i])
	}
	return fs, next, err
}

// CreateProject adds a project to a programme.
func (s *Service) CreateProject(ctx context.Context, c domain.Caller, programmeID string, body Decoder) (domain.Project, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Project{}, err
	}
	if !sc.access.CanManage() {
		return domain.Project{}, forbidden("manage projects")
	}
	in, err := decodeValid[domain.ProjectInput](body)
	if err != nil {
		return domain.Project{}, err
	}
	pr := domain.Project{ID: domain.NewID(), Name: in.Name, LeadOrganisation: in.LeadOrganisation, Area: in.Area,
		StartDate: in.StartDate, EndDate: in.EndDate, CreatedAt: s.now(), OrgID: in.OrgID, BeneficiaryLocations: in.BeneficiaryLocations}
	pr.Postcode, _ = domain.CanonicalPostcode(in.Postcode) // validated: "" stays ""
	return pr, s.store.CreateProject(ctx, programmeID, pr, sc.audit(s, domain.EntityProject, pr.ID, domain.ActionCreate, nil, pr))
}

// Project returns one project of a programme.
func (s *Service) Project(ctx context.Context, c domain.Caller, programmeID, id string) (domain.Project, error) {
	if _, err := s.open(ctx, c, programmeID); err != nil {
		return domain.Project{}, err
	}
	if !domain.ValidID(id) {
		return domain.Project{}, domain.NotFound("project")
	}
	return s.store.Project(ctx, programmeID, id)
}

// ListProjects lists a programme's projects.
func (s *Service) ListProjects(ctx context.Context, c domain.Caller, programmeID string, p Page) ([]domain.Project, string, error) {
	if _, err := s.open(ctx, c, programmeID); err != nil {
		return nil, "", err
	}
	return s.store.ListProjects(ctx, programmeID, p)
}
