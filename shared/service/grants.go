package service

import (
	"errors"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// CreateGrant records a grant award (leads and admins).
func (sc *Scope) CreateGrant(body Decoder) (domain.Grant, error) {
	if err := sc.manage("record grants"); err != nil {
		return domain.Grant{}, err
	}
	in, err := decodeValid[domain.GrantInput](body)
	refs := grantRefs(in)
	if err != nil {
		return domain.Grant{}, sc.withRefs(err, refs)
	}
	now := sc.s.now()
	g := domain.Grant{ID: domain.NewID(), FunderID: in.FunderID, ProjectID: in.ProjectID, Title: in.Title,
		Description: in.Description, AmountPence: in.AmountPence, Currency: in.Currency, AwardDate: in.AwardDate,
		StartDate: in.StartDate, EndDate: in.EndDate, Budget: nonEmpty(in.Budget), Version: 1, CreatedAt: now, UpdatedAt: now}
	ch := sc.change(domain.EntityGrant, g.ID, domain.ActionCreate, nil, g)
	return g, storeErr(sc.s.store.CreateGrant(sc.ctx, sc.programmeID, g, ch), "programme", refs)
}

// Grant returns one grant the caller may read; any other is not found.
func (sc *Scope) Grant(id string) (domain.Grant, error) {
	g, _, err := sc.grantRev(id)
	return g, err
}

// GrantWarnings is the advice on a grant: what the 360Giving Data Quality
// Tool would flag once it is published (see domain.GrantWarnings), as of the
// service's clock, so the API's answers and the web's grant page give the
// same advice on the same day. It is not an action of a scope: it reads
// nothing and is about a grant the caller already holds (one they have just
// recorded, changed or read), so it needs no access check of its own.
func (s *Service) GrantWarnings(g domain.Grant) []domain.Warning {
	return domain.GrantWarnings(g, s.now())
}

// grantRev is Grant with the grant's dependents revision (see Guard).
func (sc *Scope) grantRev(id string) (domain.Grant, int64, error) {
	var g domain.Grant
	rev, err := sc.getRev(domain.Ref(domain.EntityGrant, id), &g, "grant")
	if err != nil {
		return domain.Grant{}, 0, err
	}
	if !sc.access.CanReadGrant(g) {
		return domain.Grant{}, 0, domain.NotFound("grant")
	}
	return g, rev, nil
}

// grantFilter is what of the programme's grants the caller may list.
func grantFilter(a domain.Access) GrantFilter {
	if a.CanReadAllGrants() {
		return GrantFilter{}
	}
	return GrantFilter{Funders: a.Funders, Projects: a.Projects}
}

// ListGrants lists the grants the caller may read. Leads, who read every
// grant, are the common case: their list is read beside the access check;
// anyone else's list depends on their roles, so it is read after it.
func (sc *Scope) ListGrants(p Page) ([]domain.Grant, string, error) {
	var items []domain.Grant
	var next string
	var allErr error // the speculative read's own failure, which only leads see
	if err := sc.alongside(func() error {
		items, next, allErr = sc.s.store.ListGrants(sc.ctx, sc.programmeID, GrantFilter{}, p)
		return nil
	}); err != nil {
		return nil, "", err
	}
	if sc.access.CanReadAllGrants() {
		return listErr(items, next, allErr)
	}
	return listErr(sc.s.store.ListGrants(sc.ctx, sc.programmeID, grantFilter(sc.access), p))
}

// UpdateGrant changes a grant if ifMatch accepts its current version (the
// ETag the client read), so no one overwrites a change they have not seen.
func (sc *Scope) UpdateGrant(id string, ifMatch func(version int64) bool, body Decoder) (domain.Grant, error) {
	first, firstRev, err := sc.grantRev(id)
	if err != nil {
		return domain.Grant{}, err
	}
	if !sc.access.CanManage() {
		return domain.Grant{}, forbidden("change grants")
	}
	var patch domain.GrantPatch
	derr := body(&patch)
	return updateLoop(sc.ctx, ifMatch, func(round int) (domain.Grant, error) {
		before, rev := first, firstRev
		if round > 1 {
			if before, rev, err = sc.grantRev(id); err != nil {
				return domain.Grant{}, err
			}
		}
		in := patch.Apply(before.Input())
		refs := grantRefs(in)
		if err := domain.MergeProblems(derr, in.Validate()); err != nil {
			return domain.Grant{}, sc.withRefs(err, refs)
		}
		if err := domain.CheckText(in); err != nil { // personal data, in the grant as it would be stored
			return domain.Grant{}, err
		}
		if !ifMatch(before.Version) {
			return domain.Grant{}, stale()
		}
		// The rules below read the grant's payments or posts after the
		// grant: one paid or set to be paid from it after that read is
		// not in it, so the change is guarded against one (Guard).
		var payments, posts bool
		if in.AwardDate.After(before.AwardDate) {
			if err := sc.paidBefore(id, in.AwardDate); err != nil {
				return domain.Grant{}, err
			}
			payments = true
		}
		if in.ProjectID != before.ProjectID && in.ProjectID != "" {
			if err := sc.postsStayPaid(id, before.ProjectID, in.ProjectID); err != nil {
				return domain.Grant{}, err
			}
			posts = true
		}
		after := before
		after.FunderID, after.ProjectID, after.Title, after.Description = in.FunderID, in.ProjectID, in.Title, in.Description
		after.AmountPence, after.Currency, after.AwardDate, after.StartDate, after.EndDate = in.AmountPence, in.Currency, in.AwardDate, in.StartDate, in.EndDate
		after.Budget = nonEmpty(in.Budget)
		ch, changed := sc.changeOf(domain.EntityGrant, id, before, after)
		if !changed {
			return before, nil
		}
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		ch.Guard = grantGuard(id, rev, payments, posts)
		err := sc.s.store.UpdateGrant(sc.ctx, sc.programmeID, before, after, ch)
		if errors.Is(err, ErrOverCommitted) {
			return domain.Grant{}, &domain.Error{Code: domain.CodeValidation, Message: "the grant's payments add up to more than that",
				Fields: map[string]string{"amountPence": "is less than the payments of this grant that are not cancelled add up to; cancel some first"}}
		}
		return after, storeErr(err, "grant", refs)
	})
}

// grantGuard guards a change of grant id whose rules read its payments
// (an award date moved later) or the posts paid from it (a new project)
// against one written since, with a conflict saying which to look at
// again; nil when neither was read.
func grantGuard(id string, rev int64, payments, posts bool) *Guard {
	var what string
	switch {
	case payments && posts:
		what = "a payment of this grant was marked paid, or a post set to be paid from it, while the grant was being changed: " +
			"look at its payments and the posts paid from it again and retry"
	case payments:
		what = "a payment of this grant was marked paid while its award date was being moved later: " +
			"a payment is never made before its grant is awarded, so look at its payments again and retry"
	case posts:
		what = "a post was set to be paid from this grant while the grant was being given to another project: " +
			"look at the posts paid from it again and retry"
	default:
		return nil
	}
	return &Guard{Ref: domain.Ref(domain.EntityGrant, id), Rev: rev, Err: domain.Errorf(domain.CodeConflict, "%s", what)}
}

// dependsOnGrant is the premise of a write whose rule was checked against
// field of grant g as read (a post paid from it reads its project, a
// payment paid after its award its award date): that field is still as
// read (an edit of the grant's title or anything else is no matter), and
// the write counts as the grant's dependent, so a change of g that read
// its posts or payments before this write lands is refused too (see
// grantGuard). changed is the refusal, saying what changed and the rule.
func dependsOnGrant(g domain.Grant, field, changed string) Premise {
	return Premise{Ref: domain.Ref(domain.EntityGrant, g.ID), Record: g, Fields: []string{field}, Dependent: true,
		Err: domain.Errorf(domain.CodeConflict, "%s", changed)}
}

// paidBefore refuses an award date later than a payment of the grant was
// made: a payment is never made before its grant is awarded (the rule a
// paid date is checked by), so a date that moves past one is a slip. Read
// only when the award date moves later: one Query of the grant's payments.
func (sc *Scope) paidBefore(grantID string, award domain.Date) error {
	payments, err := all(func(p Page) ([]domain.Payment, string, error) {
		return sc.s.store.ListPayments(sc.ctx, sc.programmeID, grantID, p)
	})
	if err != nil {
		return err
	}
	for _, pay := range payments {
		if pay.Status == domain.PaymentPaid && pay.PaidDate.Before(award) {
			return &domain.Error{Code: domain.CodeValidation, Message: "the grant has a payment made before that date",
				Fields: map[string]string{"awardDate": "must not be after a payment of this grant was made (" + pay.PaidDate.String() + ")"}}
		}
	}
	return nil
}

// postsStayPaid refuses to give grant id, now of project from ("" for the
// programme as a whole), to project to while a post of another project is
// paid from it: a post is paid from its own project's grants or the
// programme's (checkPostGrant), and moving the grant would leave such a
// post paid by another project's grant, which its project lead could no
// longer read. Read only when the recipient changes to a project: the
// posts of from, or of every other project for a programme-wide grant.
func (sc *Scope) postsStayPaid(id, from, to string) error {
	projects := []domain.Project{{ID: from}}
	if from == "" {
		var err error
		if projects, err = all(func(p Page) ([]domain.Project, string, error) {
			return sc.s.store.ListProjects(sc.ctx, sc.programmeID, p)
		}); err != nil {
			return err
		}
	}
	var paid []string
	for _, pr := range projects {
		if pr.ID == to {
			continue
		}
		posts, err := all(func(p Page) ([]domain.Post, string, error) {
			return sc.s.store.ListPosts(sc.ctx, sc.programmeID, pr.ID, p)
		})
		if err != nil {
			return err
		}
		var titles []string
		for _, post := range posts {
			if post.GrantID == id {
				titles = append(titles, post.Title)
			}
		}
		if len(titles) == 0 {
			continue
		}
		name := pr.Name
		if name == "" {
			var project domain.Project
			if err := sc.get(domain.Ref(domain.EntityProject, pr.ID), &project, "project"); err != nil {
				return err
			}
			name = project.Name
		}
		paid = append(paid, name+" ("+strings.Join(titles, ", ")+")")
	}
	if len(paid) == 0 {
		return nil
	}
	return &domain.Error{Code: domain.CodeValidation, Message: "posts of another project are paid from this grant",
		Fields: map[string]string{"projectId": "cannot change while posts of " + strings.Join(paid, "; ") +
			" are paid from this grant: move those posts to another grant first"}}
}

// nonEmpty keeps "no budget" one value: an empty list is none.
func nonEmpty(b []domain.BudgetLine) []domain.BudgetLine {
	if len(b) == 0 {
		return nil
	}
	return b
}

func grantRefs(in domain.GrantInput) refFields {
	return refFields{}.add(domain.EntityFunder, in.FunderID, "funderId").add(domain.EntityProject, in.ProjectID, "projectId")
}
