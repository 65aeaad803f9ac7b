package service

import (
	"errors"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// MayCreateGrant is CreateGrant's access check on its own.
func (sc *Scope) MayCreateGrant() error { return sc.manage("record grants") }

// CreateGrant records a grant award (leads and admins).
func (sc *Scope) CreateGrant(body Decoder) (domain.Grant, error) {
	if err := sc.MayCreateGrant(); err != nil {
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
	err = sc.asMember(ch, sc.MayCreateGrant, func(ch Change) error { return sc.s.store.CreateGrant(sc.ctx, sc.programmeID, g, ch) })
	return g, storeErr(err, "programme", refs)
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
		if err := domain.WithText(domain.MergeProblems(derr, in.Validate()), in); err != nil { // with personal data in the text as it would be stored
			return domain.Grant{}, sc.withRefs(err, refs)
		}
		if !ifMatch(before.Version) {
			return domain.Grant{}, versionRefused()
		}
		// The rules below read the grant's payments, posts or spend
		// returns after the grant: one written after that read is not in
		// it, so the change is guarded against one (Guard).
		reads, premises, err := sc.grantDependents(id, before, in)
		if err != nil {
			return domain.Grant{}, err
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
		ch.Guard, ch.Premises = reads.guard(id, rev), premises
		err = sc.asMember(ch, sc.mayManage("change grants"), func(ch Change) error {
			return sc.s.store.UpdateGrant(sc.ctx, sc.programmeID, before, after, ch)
		})
		if errors.Is(err, ErrOverCommitted) {
			return domain.Grant{}, &domain.Error{Code: domain.CodeValidation, Message: "the grant's payments add up to more than that",
				Fields: map[string]string{"amountPence": "is less than the payments of this grant that are not cancelled add up to; cancel some first"}}
		}
		return after, storeErr(err, "grant", refs)
	})
}

// grantReads is what of a grant's dependents a change of it read to
// check its rules: its payments (an award date moved later; a new
// project, for those waiting on results), the posts paid from it (a new
// project) and its spend returns (narrower dates).
type grantReads struct{ paid, waiting, posts, spend bool }

// guard guards a change of grant id whose rules read its dependents
// against one written since, with a conflict saying which to look at
// again; nil when none was read.
func (r grantReads) guard(id string, rev int64) *Guard {
	var what string
	switch r {
	case grantReads{}:
		return nil
	case grantReads{paid: true}:
		what = "a payment of this grant was marked paid while its award date was being moved later: " +
			"a payment is never made before its grant is awarded, so look at its payments again and retry"
	case grantReads{posts: true, waiting: true}:
		what = "a post was set to be paid from this grant, or a payment of it recorded, while the grant was being given to another project: " +
			"look at the posts paid from it and its payments again and retry"
	case grantReads{spend: true}:
		what = "a spend return of this grant was recorded while its dates were being narrowed: " +
			"a spend return lies within its grant's dates, so look at its spend returns again and retry"
	default:
		what = "a payment, post or spend return of this grant was recorded while the grant was being changed: " +
			"look at its payments, the posts paid from it and its spend returns again and retry"
	}
	return &Guard{Ref: domain.Ref(domain.EntityGrant, id), Rev: rev, Err: domain.Errorf(domain.CodeConflict, "%s", what)}
}

// grantDependents checks a change of a grant (before, to in) against
// the records that depend on it, reading them only when the change could
// break a rule between them: its payments when the award date moves
// later or the grant goes to a project, the posts paid from it when it
// goes to a project, its spend returns when its dates narrow. It answers
// what it read (for the guard), the premises of the change (the targets
// that payments of it wait on, as read), and every field refused at once.
func (sc *Scope) grantDependents(id string, before domain.Grant, in domain.GrantInput) (grantReads, []Premise, error) {
	var r grantReads
	r.paid = in.AwardDate.After(before.AwardDate)
	toProject := in.ProjectID != before.ProjectID && in.ProjectID != ""
	r.posts, r.waiting = toProject, toProject
	r.spend = in.StartDate.After(before.StartDate) || in.EndDate.Before(before.EndDate)
	var payments []domain.Payment
	if r.paid || r.waiting {
		var err error
		if payments, err = all(func(p Page) ([]domain.Payment, string, error) {
			return sc.s.store.ListPayments(sc.ctx, sc.programmeID, id, p)
		}); err != nil {
			return r, nil, err
		}
	}
	var problems []error
	var premises []Premise
	if r.paid {
		problems = append(problems, paidBefore(payments, in.AwardDate))
	}
	if toProject {
		problems = append(problems, sc.postsStayPaid(id, before.ProjectID, in.ProjectID))
		var err error
		premises, err = sc.paymentsStayOwn(payments, in.ProjectID)
		problems = append(problems, err)
	}
	if r.spend {
		// One more Query (a page per 100 spend returns), only for such an edit.
		spend, err := all(func(p Page) ([]domain.SpendReturn, string, error) {
			return sc.s.store.ListSpend(sc.ctx, sc.programmeID, id, p)
		})
		if err != nil {
			return r, nil, err
		}
		problems = append(problems, in.CheckSpend(before, spend))
	}
	return r, premises, domain.MergeProblems(problems...)
}

// dependsOnGrant is the premise of a write whose rule was checked against
// fields of grant g as read (a post paid from it, or a payment waiting on
// results, reads its project; a payment paid after its award its award
// date; a spend return its dates): those fields are still as read (an
// edit of the grant's title or anything else is no matter), and the
// write counts as the grant's dependent, so a change of g that read its
// posts, payments or spend returns before this write lands is refused
// too (see grantReads.guard). changed is the refusal, saying what
// changed and the rule.
func dependsOnGrant(g domain.Grant, changed string, fields ...string) Premise {
	return Premise{Ref: domain.Ref(domain.EntityGrant, g.ID), Record: g, Fields: fields, Dependent: true,
		Err: domain.Errorf(domain.CodeConflict, "%s", changed)}
}

// paidBefore refuses an award date later than a payment of the grant was
// made: a payment is never made before its grant is awarded (the rule a
// paid date is checked by), so a date that moves past one is a slip.
// payments are the grant's, read only when the award date moves later.
func paidBefore(payments []domain.Payment, award domain.Date) error {
	for _, pay := range payments {
		if pay.Status == domain.PaymentPaid && pay.PaidDate.Before(award) {
			return &domain.Error{Code: domain.CodeValidation, Message: "the grant has a payment made before that date",
				Fields: map[string]string{"awardDate": "must not be after a payment of this grant was made (" + pay.PaidDate.String() + ")"}}
		}
	}
	return nil
}

// paymentsStayOwn refuses to give a grant to project to while a payment
// of it (payments, the grant's) still scheduled waits on another
// project's results: a return of another project, or a target of another
// project as the target is now. A project's grant is paid on its own
// project's returns and targets, or the programme's (Trigger.CheckGrant,
// which a new payment is held to), and the grant's project lead could
// not read what the payment waits on. Payments due, paid or cancelled
// waited on what was then allowed, and wait on nothing more.
//
// The targets it read (one BatchGetItem, only when such a payment waits
// on one) are the change's premises: each still of the project it was
// read with, so a target given to another project at the same moment
// cannot slip past the rule (UpdateTarget checks the grants from its
// side).
func (sc *Scope) paymentsStayOwn(payments []domain.Payment, to string) ([]Premise, error) {
	targets := map[string]*domain.Target{}
	var gets []*Get
	var waiting []domain.Payment
	for _, p := range payments {
		if p.Status != domain.PaymentScheduled || !p.Trigger.Waits() {
			continue
		}
		waiting = append(waiting, p)
		if id := p.Trigger.TargetID; p.Trigger.Kind == domain.TriggerMilestone && targets[id] == nil {
			targets[id] = &domain.Target{}
			gets = append(gets, &Get{Ref: domain.Ref(domain.EntityTarget, id), Into: targets[id]})
		}
	}
	if len(gets) > 0 {
		if err := sc.load(gets...); err != nil {
			return nil, err
		}
	}
	now := func(p domain.Payment) *domain.Target {
		for _, g := range gets {
			if g.Found && g.Ref.ID == p.Trigger.TargetID && p.Trigger.Kind == domain.TriggerMilestone {
				return g.Into.(*domain.Target)
			}
		}
		return nil
	}
	var other []domain.Payment
	for _, p := range waiting {
		if p.Trigger.OtherProject(to, now(p)) {
			other = append(other, p)
		}
	}
	if len(other) > 0 {
		return nil, sc.waitingElsewhere(other, now)
	}
	var premises []Premise
	for _, g := range gets {
		if g.Found {
			premises = append(premises, Premise{Ref: g.Ref, Record: *g.Into.(*domain.Target), Fields: []string{"ProjectID"},
				Err: domain.Errorf(domain.CodeConflict, "a target a payment of this grant waits on was given to another project "+
					"while the grant was being given to another project: look at the grant's payments again and retry")})
		}
	}
	return premises, nil
}

// waitingElsewhere is the refusal of a grant's new project while
// payments other wait on another project's results, naming each as the
// grant's page does (the first few): the projects' names are read for it
// (one BatchGetItem), on this refusal only.
func (sc *Scope) waitingElsewhere(other []domain.Payment, now func(domain.Payment) *domain.Target) error {
	const shown = 5
	names := map[string]*domain.Project{}
	var gets []*Get
	for i, p := range other {
		if id := p.Trigger.ProjectID(now(p)); i < shown && names[id] == nil && domain.ValidID(id) {
			names[id] = &domain.Project{}
			gets = append(gets, &Get{Ref: domain.Ref(domain.EntityProject, id), Into: names[id]})
		}
	}
	if err := sc.load(gets...); err != nil {
		return err
	}
	var words []string
	for i, p := range other {
		if i == shown {
			words = append(words, "and "+strconv.Itoa(len(other)-shown)+" more")
			break
		}
		tg := p.Trigger.NamedTarget(now(p), false)
		name := ""
		if pr := names[p.Trigger.ProjectID(tg)]; pr != nil {
			name = pr.Name
		}
		words = append(words, domain.Pounds(p.AmountPence)+" "+p.Trigger.Describe(p.Due(), domain.TriggerWords{Target: tg, Project: name}))
	}
	return &domain.Error{Code: domain.CodeValidation, Message: "payments of this grant wait on another project's results",
		Fields: map[string]string{"projectId": "cannot change while payments of this grant wait on another project's return or target (" +
			strings.Join(words, "; ") + "): a project's grant is paid on its own project's results or the programme's, " +
			"so cancel those payments first"}}
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
