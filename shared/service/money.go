package service

import (
	"errors"
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
)

// Payments and spend returns live under their grant, and follow its
// rules: whoever may not read a grant is told it is not there, and so are
// its payments and spend returns. Leads manage payments; a project lead
// reports spend on its own project's grants; a funder reads both for the
// grants it funds (the SPEC's roles table).

// moneyGrant reads a grant for a money action, with gets in the same
// request (the access check's, when access is not known yet). A grant the
// caller may not read is not found.
func (sc *Scope) moneyGrant(grantID string, gets ...*Get) (domain.Grant, error) {
	var g domain.Grant
	if !domain.ValidID(grantID) {
		if err := sc.load(); err != nil {
			return g, err
		}
		return g, domain.NotFound("grant")
	}
	gg := &Get{Ref: domain.Ref(domain.EntityGrant, grantID), Into: &g}
	if err := sc.load(append([]*Get{gg}, gets...)...); err != nil {
		return g, err
	}
	if !gg.Found || !sc.access.CanReadGrant(g) {
		return domain.Grant{}, domain.NotFound("grant")
	}
	return g, nil
}

// underGrant reads a grant and one record under it (a payment, a spend
// return) in one request, with more (records of the same ids: read only
// when the ids are valid): the record is not found unless its grant may
// be read and it is there.
func (sc *Scope) underGrant(e domain.Entity, grantID, id string, into any, what string, more ...*Get) (domain.Grant, error) {
	var gets []*Get
	rec := &Get{Ref: domain.GrantRef(e, grantID, id), Into: into}
	if domain.ValidID(id) && domain.ValidID(grantID) {
		gets = append(append(gets, rec), more...)
	}
	g, err := sc.moneyGrant(grantID, gets...)
	if err != nil {
		return g, err
	}
	if !rec.Found {
		return g, domain.NotFound(what)
	}
	return g, nil
}

// listUnderGrant reads a page of a grant's records beside the access
// check and the grant (one round trip), dropped unless the caller may read
// the grant.
func listUnderGrant[T any](sc *Scope, grantID string, list func() ([]T, string, error)) ([]T, string, error) {
	if !domain.ValidID(grantID) {
		_, err := sc.moneyGrant(grantID)
		return nil, "", err
	}
	var (
		items   []T
		next    string
		readErr error // the page's own failure, which only a reader of the grant sees
		g       domain.Grant
	)
	gg := &Get{Ref: domain.Ref(domain.EntityGrant, grantID), Into: &g}
	if err := sc.alongside(func() error {
		items, next, readErr = list()
		return nil
	}, gg); err != nil {
		return nil, "", err
	}
	if !gg.Found || !sc.access.CanReadGrant(g) {
		return nil, "", domain.NotFound("grant")
	}
	return listErr(items, next, readErr)
}

// overCommitted is the refusal of a payment that would take its grant's
// payments past its amount.
func overCommitted(g domain.Grant) error {
	return &domain.Error{Code: domain.CodeValidation, Message: "the grant's payments would add up to more than its amount",
		Fields: map[string]string{"amountPence": "would bring the payments of this grant that are not cancelled to more than its amount of " +
			domain.Pounds(g.AmountPence)}}
}

// MayCreatePayment is CreatePayment's access check on its own.
func (sc *Scope) MayCreatePayment(grantID string) error {
	_, err := sc.paymentGrant(grantID)
	return err
}

// paymentGrant is the grant a payment is made on, read with gets once
// the caller may manage its payments: CreatePayment's access check.
func (sc *Scope) paymentGrant(grantID string, gets ...*Get) (domain.Grant, error) {
	g, err := sc.moneyGrant(grantID, gets...)
	if err != nil {
		return domain.Grant{}, err
	}
	if !sc.access.CanManage() {
		return domain.Grant{}, forbidden("manage payments")
	}
	return g, nil
}

// CreatePayment records a tranche of a grant (leads and admins). Its
// target, for a milestone trigger, must be one of the programme's; its
// return, for a return trigger, one of the programme's returns (of the
// grant's project, for a project's grant). One whose trigger holds
// already (its date has come; its return is accepted; its target's
// threshold is reached) is stored due, with its email (dueAtOnce).
//
// A return trigger records its return's period end (Trigger.PeriodEnd),
// so that pages name the period without reading the return, and a
// milestone trigger its target's metric, value and project
// (Trigger.Record), so that the payment's history says what it was made
// for whatever becomes of the target: the body is read first, for the
// return or target to be read with the grant in the access check's
// request, and what it holds is judged only once the caller may manage
// the grant's payments.
func (sc *Scope) CreatePayment(grantID string, body Decoder) (domain.Payment, error) {
	p, _, _, err := sc.createPayment(grantID, body)
	return p, err
}

// CreatePaymentNow is CreatePayment, answering the payment as the API
// does (domain.PaymentView) at no cost more: a milestone tranche says
// whether its threshold is met now from the figures dueAtOnce read to
// tell whether it is due already (left out when it read none).
func (sc *Scope) CreatePaymentNow(grantID string, body Decoder) (domain.PaymentView, error) {
	p, target, current, err := sc.createPayment(grantID, body)
	if err != nil {
		return domain.PaymentView{}, err
	}
	return p.ViewNow(target, current, target != nil && current >= 0), nil
}

// createPayment is CreatePayment, answering besides the payment the
// target it waits on as read (nil for another trigger) and that target's
// figure now as dueAtOnce read it (-1 when it read none).
func (sc *Scope) createPayment(grantID string, body Decoder) (domain.Payment, *domain.Target, int64, error) {
	in, err := decodeValid[domain.PaymentInput](body)
	var (
		ret        domain.Return
		target     domain.Target
		project    domain.Project
		rg, tg, pg *Get
		gets       []*Get
	)
	if t := in.Trigger; t != nil && t.Kind == domain.TriggerReturn {
		if _, projectID, _, ok := domain.ParseReturnID(t.ReturnID); ok {
			rg = &Get{Ref: domain.Ref(domain.EntityReturn, t.ReturnID), Into: &ret}
			// Its project's name, for the email should the return be
			// accepted already.
			pg = &Get{Ref: domain.Ref(domain.EntityProject, projectID), Into: &project}
			gets = append(gets, rg, pg)
		}
	}
	if t := in.Trigger; t != nil && t.Kind == domain.TriggerMilestone && domain.ValidID(t.TargetID) {
		tg = &Get{Ref: domain.Ref(domain.EntityTarget, t.TargetID), Into: &target}
		gets = append(gets, tg)
	}
	g, gerr := sc.paymentGrant(grantID, gets...)
	if gerr != nil {
		return domain.Payment{}, nil, -1, gerr
	}
	if err == nil || domain.ErrorCode(err) == domain.CodeValidation {
		// One answer names every bad field: these too.
		if in.AmountPence > g.AmountPence {
			err = domain.MergeProblems(err, &domain.Error{Code: domain.CodeValidation, Message: "the payment is more than the grant",
				Fields: map[string]string{"amountPence": "is more than the grant's amount of " + domain.Pounds(g.AmountPence)}})
		}
		err = domain.MergeProblems(err, in.CheckDueDate(g))
		// A return not there is not found (withRefs, or the write's
		// condition on it), as one that is no id is: whose project its id
		// names is judged only of a return the programme has, so an id of
		// nothing is told one thing whatever it names.
		if t := in.Trigger; t != nil && (t.Kind != domain.TriggerReturn || rg != nil && rg.Found) {
			var now *domain.Target // a target not there is refused by the write's condition on it
			if tg != nil && tg.Found {
				now = &target
			}
			err = domain.MergeProblems(err, t.CheckGrant(g, now))
		}
	}
	refs := paymentRefs(in)
	if err != nil {
		return domain.Payment{}, nil, -1, sc.withRefs(err, refs)
	}
	now := sc.s.now()
	p := domain.Payment{ID: domain.NewID(), GrantID: g.ID, AmountPence: in.AmountPence, Trigger: *in.Trigger,
		Status: domain.PaymentScheduled, Reference: in.Reference, Version: 1, CreatedAt: now, UpdatedAt: now}
	if rg != nil && rg.Found && ret.ID == p.Trigger.ReturnID {
		// A return not there is refused by the write's condition on it.
		p.Trigger.PeriodEnd = ret.PeriodEnd
	}
	if tg != nil && tg.Found {
		// A target not there is refused by the write's condition on it.
		p.Trigger.Record(target)
	}
	if !in.DueDate.IsZero() {
		due := in.DueDate
		p.DueDate = &due
	}
	scheduled := p
	var words domain.TriggerWords
	if rg != nil && rg.Found && ret.ID == p.Trigger.ReturnID {
		words.Return = &ret
		if pg.Found {
			words.Project = project.Name
		}
	}
	var nowTarget *domain.Target
	if tg != nil && tg.Found {
		nowTarget = &target
	}
	due, current, err := sc.dueAtOnce(&p, g, nowTarget, words)
	if err != nil {
		return domain.Payment{}, nil, -1, err
	}
	may := sc.mayManage("manage payments")
	ch := sc.change(domain.EntityPayment, p.ID, domain.ActionCreate, nil, p)
	ch.Premises = resultsPremises(g, p, tg, rg)
	err = sc.asMember(ch, may, func(ch Change) error { return sc.s.store.CreatePayment(sc.ctx, sc.programmeID, g, p, due, ch) })
	if errors.Is(err, ErrChanged) && due != nil && due.Figures != nil {
		// The figures moved since the target was judged reached: it is
		// made waiting instead, which marks them changed for the notifier
		// to judge again.
		p, due, current = scheduled, nil, -1
		ch = sc.change(domain.EntityPayment, p.ID, domain.ActionCreate, nil, p)
		ch.Premises = resultsPremises(g, p, tg, rg)
		err = sc.asMember(ch, may, func(ch Change) error { return sc.s.store.CreatePayment(sc.ctx, sc.programmeID, g, p, nil, ch) })
	}
	if errors.Is(err, ErrOverCommitted) {
		return domain.Payment{}, nil, -1, overCommitted(g)
	}
	return p, nowTarget, current, storeErr(err, "grant", refs)
}

// dueAtOnce makes p, a new payment of g, due when its trigger holds
// already, and returns what storing it so writes with it (nil when it is
// stored scheduled): a dated payment whose date has come is due since
// that date; one on a return accepted already (words.Return, as read)
// since today; one on a target (target, as read) whose figure over its
// window, on counted figures, has reached its threshold since today, the
// figures read as of one moment with the version the write is then
// conditioned on (one more request, for a payment on a target alone).
// words names the return and its project, as far as they were read. It
// answers too the target's figure it read (-1 when it read none), which
// the API's answer says the threshold is met on or not.
func (sc *Scope) dueAtOnce(p *domain.Payment, g domain.Grant, target *domain.Target, words domain.TriggerWords) (*DueAtOnce, int64, error) {
	now := sc.s.now()
	today := domain.UKDate(now)
	var since domain.Date
	var figures *int64
	current := int64(-1) // the target's figure, once read
	switch p.Trigger.Kind {
	case domain.TriggerDate:
		if !p.DueOnItsDate(today) {
			return nil, current, nil
		}
		since = *p.DueDate
	case domain.TriggerReturn:
		if !p.FallsDue(nil, 0, words.Return) {
			return nil, current, nil
		}
		since = today
	case domain.TriggerMilestone:
		if target == nil {
			return nil, current, nil
		}
		keys := domain.SeriesKeys([]domain.Target{*target}, sc.programme.StartDate)
		var gets []*Get
		var project domain.Project
		if target.ProjectID != "" {
			gets = append(gets, &Get{Ref: domain.Ref(domain.EntityProject, target.ProjectID), Into: &project})
		}
		if len(keys)+len(gets) > MaxFiguresAsOf {
			return nil, current, nil // a window of more years than one read holds: the notifier's
		}
		series, version, err := sc.s.store.FiguresAsOf(sc.ctx, sc.programmeID, keys, gets...)
		if err != nil {
			return nil, current, storeErr(err, "", nil)
		}
		current = target.Current(sc.programme.StartDate, series)
		if !p.FallsDue(target, current, nil) {
			return nil, current, nil
		}
		since, figures, words.Target = today, &version, target
		if len(gets) > 0 && gets[0].Found {
			words.Project = project.Name
		}
	default:
		return nil, current, nil
	}
	*p, _ = p.FallDue(since, now)
	// Made due, not changed: it is new, at its first version.
	p.Version, p.UpdatedAt = 1, p.CreatedAt
	return &DueAtOnce{Note: domain.PaymentDueNotice(sc.programmeID, g, *p, since, words, now), Figures: figures}, current, nil
}

// resultsPremises are the premises of new payment p of grant g waiting on
// results, whose trigger was checked (Trigger.CheckGrant) against the
// grant's project and its target's (tg, the target's read, when it has
// one) as read: each still as read, and the payment counts as a
// dependent of both, so a change of the grant's or the target's project
// that read the payments before this one lands is refused too (see
// grantReads.guard, UpdateTarget). Without them a payment and a new
// project landing at the same moment could leave a project's grant paid
// on another project's results. A payment on a return (rg, its read) is
// likewise the return's dependent, so it and the return's removal
// cannot both land.
func resultsPremises(g domain.Grant, p domain.Payment, tg, rg *Get) []Premise {
	if !p.Trigger.Waits() {
		return nil
	}
	premises := []Premise{dependsOnGrant(g, "the grant's project was changed while the payment was being saved: "+
		"a project's grant is paid on its own project's results or the programme's, so look at the grant again and retry", "ProjectID")}
	if tg != nil && tg.Found {
		premises = append(premises, Premise{Ref: tg.Ref, Record: *tg.Into.(*domain.Target), Fields: []string{"ProjectID"}, Dependent: true,
			Err: domain.Errorf(domain.CodeConflict, "the target was given to another project while the payment was being saved: "+
				"a project's grant is paid on its own project's targets or the programme's, so look at the target again and retry")})
	}
	if rg != nil && rg.Found && p.Trigger.Kind == domain.TriggerReturn {
		// A payment on a return is its dependent: removing the return
		// (its schedule's last period moved earlier) reads the payments
		// on it and is conditioned on the revision this moves on, so the
		// two cannot both land; a return removed first fails this as one
		// not there (as a return never there is refused).
		premises = append(premises, Premise{Ref: rg.Ref, Record: *rg.Into.(*domain.Return), Fields: []string{"ScheduleID"}, Dependent: true,
			Err: &MissingRefError{Refs: []domain.RecordRef{rg.Ref}}})
	}
	return premises
}

func paymentRefs(in domain.PaymentInput) refFields {
	var refs refFields
	switch {
	case in.Trigger == nil:
	case in.Trigger.Kind == domain.TriggerMilestone:
		refs = refs.add(domain.EntityTarget, in.Trigger.TargetID, "trigger.targetId")
	case in.Trigger.Kind == domain.TriggerReturn:
		if _, _, _, ok := domain.ParseReturnID(in.Trigger.ReturnID); ok {
			refs = refs.add(domain.EntityReturn, in.Trigger.ReturnID, "trigger.returnId")
		}
	}
	return refs
}

// Payment returns one payment of a grant the caller may read.
func (sc *Scope) Payment(grantID, id string) (domain.Payment, error) {
	var p domain.Payment
	_, err := sc.underGrant(domain.EntityPayment, grantID, id, &p, "payment")
	return p, err
}

// ListPayments lists a grant's payments, oldest first.
func (sc *Scope) ListPayments(grantID string, p Page) ([]domain.Payment, string, error) {
	return listUnderGrant(sc, grantID, func() ([]domain.Payment, string, error) {
		return sc.s.store.ListPayments(sc.ctx, sc.programmeID, grantID, p)
	})
}

// UpdatePayment marks a payment paid (with the date it was paid, and
// perhaps a reference) or cancels it, if ifMatch accepts its version:
// the notifier may have made it due meanwhile, and a lead must see that
// before changing it. Leads and admins only.
//
// A due payment's email (payment-due: "leads record it once it is paid")
// is read with it, in the same request. Marked paid or cancelled before
// that email went to anyone, the change withdraws it (PaymentEmail):
// deleted in the same transaction, with an audit event saying why, so it
// is gone from the notifications at once and no notifier run can claim a
// recipient of it after, whatever it read before. One some had already
// goes on, and the change is conditioned on that. An email that moved on
// meanwhile (a run claimed, or gave back, a recipient) is no business of
// the lead's: the change is planned again on a fresh read, not refused.
func (sc *Scope) UpdatePayment(grantID, id string, ifMatch func(int64) bool, body Decoder) (domain.Payment, error) {
	var first domain.Payment
	var firstEmail domain.Notification
	g, emailFound, err := sc.paymentAndEmail(grantID, id, &first, &firstEmail)
	if err != nil {
		return domain.Payment{}, err
	}
	if !sc.access.CanManage() {
		return domain.Payment{}, forbidden("change payments")
	}
	var change domain.PaymentChange
	derr := body(&change)
	return updateLoop(sc.ctx, ifMatch, func(round int) (domain.Payment, error) {
		before, note := first, firstEmail
		for plan := 1; ; plan++ {
			if round > 1 || plan > 1 {
				before, note = domain.Payment{}, domain.Notification{}
				if g, emailFound, err = sc.paymentAndEmail(grantID, id, &before, &note); err != nil {
					return domain.Payment{}, err
				}
			}
			now := sc.s.now()
			if err := domain.WithText(domain.MergeProblems(derr, change.Validate(domain.UKDate(now)), change.CheckGrant(g)), change); err != nil { // with personal data in the text as it would be stored
				return domain.Payment{}, err
			}
			if !ifMatch(before.Version) {
				return domain.Payment{}, versionRefused()
			}
			after, err := change.Apply(before)
			if err != nil {
				return domain.Payment{}, err
			}
			ch, changed := sc.changeOf(domain.EntityPayment, id, before, after)
			if !changed {
				return before, nil
			}
			after.Version, after.UpdatedAt = before.Version+1, now
			if after.Status == domain.PaymentPaid && (before.Status != domain.PaymentPaid || moved(before.PaidDate, after.PaidDate)) {
				// The paid date was checked against the award date as read; a
				// change of the award date that read the payments before this
				// one lands is refused too (see grantGuard).
				ch.Premises = []Premise{dependsOnGrant(g, "the grant's award date was changed while the payment was being saved: "+
					"a payment is never made before its grant is awarded, so look at the grant's award date again and retry", "AwardDate")}
			}
			var email *PaymentEmail
			if emailFound {
				email = sc.paymentEmail(before, after, note)
			}
			err = sc.asMember(ch, sc.mayManage("change payments"), func(ch Change) error {
				return sc.s.store.UpdatePayment(sc.ctx, sc.programmeID, g, before, after, email, ch)
			})
			if errors.Is(err, ErrChanged) && plan < maxPlans {
				continue // its email moved on meanwhile: read both again
			}
			return after, storeErr(err, "payment", nil)
		}
	})
}

// paymentAndEmail reads a payment of a grant the caller may read (into
// p) and its payment-due email (into note; found says it is there), with
// the grant, in one request.
func (sc *Scope) paymentAndEmail(grantID, id string, p *domain.Payment, note *domain.Notification) (domain.Grant, bool, error) {
	ng := &Get{Ref: domain.Ref(domain.EntityNotification, domain.PaymentNotificationID(id)), Into: note}
	g, err := sc.underGrant(domain.EntityPayment, grantID, id, p, "payment", ng)
	return g, ng.Found, err
}

// paymentEmail is what a change of a payment from before to after does to
// its payment-due email, note as read (see PaymentEmail): nil unless the
// payment was due, is now paid or cancelled, and its email is pending.
func (sc *Scope) paymentEmail(before, after domain.Payment, note domain.Notification) *PaymentEmail {
	reason := after.Status.SettledReason()
	if before.Status != domain.PaymentDue || reason == "" || note.Status != domain.NotificationPending {
		return nil
	}
	e := &PaymentEmail{Note: note}
	switch {
	case len(note.Sending) > 0:
		// A run is sending it (or stopped while it was): it goes on to
		// all, and that run, or the next, finishes it.
	case len(note.Delivered) == 0 && len(note.Rejected) == 0:
		ev := domain.NewAuditEvent(sc.caller, sc.programmeID, domain.EntityNotification, note.ID, domain.ActionDelete,
			note.WithdrawnRecord(reason), nil, sc.s.now())
		e.Withdraw = &ev
	default:
		// Some had it (a retry waits after a passing failure): settled
		// now, as the next run would.
		now := sc.s.now()
		done := note.SettledUnneeded(reason, now)
		ev := domain.NewAuditEvent(sc.caller, sc.programmeID, domain.EntityNotification, note.ID, domain.ActionSend,
			nil, done.SentRecord(), now)
		e.Finish, e.FinishEvent = &done, &ev
	}
	return e
}

// MaySubmitSpend is SubmitSpend's access check on its own: the grant
// read with the access check, without the grant's returns SubmitSpend
// lists beside it.
func (sc *Scope) MaySubmitSpend(grantID string) error {
	g, err := sc.moneyGrant(grantID)
	if err != nil {
		return err
	}
	return sc.spendAllowed(g)
}

// spendAllowed refuses a spend return on g, a grant the caller may read,
// unless the caller may report its spend.
func (sc *Scope) spendAllowed(g domain.Grant) error {
	if !sc.access.CanSubmitSpend(g) {
		return forbidden("report spend on this grant")
	}
	return nil
}

// SubmitSpend records what was spent on a grant over a period, by budget
// line, or (with replaces) corrects an earlier spend return of the grant:
// leads, and the project lead of a project's grant. Notes holding personal
// data of the people supported are refused and nothing is stored.
//
// A new return for days a return of the grant that still counts already
// reports is refused (409, naming that return: domain.SpendInput's
// ReportedAlready), or the same money would count twice in every figure
// built on spend. The grant's returns are read beside the access check,
// and the write is conditioned on the grant still having as many as were
// read: two returns for the same days sent at the same moment cannot both
// pass on a read that holds neither, as the one written second is planned
// again on a fresh read, and refused.
func (sc *Scope) SubmitSpend(grantID string, body Decoder) (domain.SpendReturn, error) {
	g, reported, err := sc.grantSpend(grantID)
	if err != nil {
		return domain.SpendReturn{}, err
	}
	if err := sc.spendAllowed(g); err != nil {
		return domain.SpendReturn{}, err
	}
	in, err := decodeValid[domain.SpendInput](body)
	if err != nil {
		if domain.ErrorCode(err) != domain.CodeValidation {
			return domain.SpendReturn{}, err
		}
		// One answer names every bad field: against the grant too, and a
		// replaced return that is not there.
		err = domain.MergeProblems(err, in.CheckGrant(g))
		if in.Replaces == "" {
			err = domain.MergeProblems(err, in.CheckBegun(domain.UKDate(sc.s.now())))
		}
		if domain.ValidID(in.Replaces) {
			err = sc.withRefs(err, refFields{{ref: domain.GrantRef(domain.EntitySpend, g.ID, in.Replaces), field: "replaces",
				problem: domain.ProblemNotGrantSpend}})
		}
		return domain.SpendReturn{}, err
	}
	var old *domain.SpendReturn
	if in.Replaces != "" {
		// The return it corrects is one of the grant's, read already.
		i := slices.IndexFunc(reported, func(s domain.SpendReturn) bool { return s.ID == in.Replaces })
		if i < 0 {
			return domain.SpendReturn{}, domain.MergeProblems(in.CheckGrant(g), &domain.Error{Code: domain.CodeValidation,
				Message: "there is no such spend return to correct", Fields: map[string]string{"replaces": domain.ProblemNotGrantSpend}})
		}
		o := reported[i]
		old = &o
	}
	err = in.CheckGrant(g)
	if old != nil {
		err = domain.MergeProblems(err, in.CheckCorrects(*old))
	} else {
		err = domain.MergeProblems(err, in.CheckBegun(domain.UKDate(sc.s.now())))
	}
	if err != nil {
		return domain.SpendReturn{}, err
	}
	s := domain.SpendReturn{ID: domain.NewID(), GrantID: g.ID, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd,
		Lines: in.Lines, TotalPence: domain.Total(in.Lines), Notes: in.Notes, Replaces: in.Replaces,
		SubmittedAt: sc.s.now(), SubmittedBy: sc.caller.Email}
	action := domain.ActionCreate
	if old != nil {
		action = domain.ActionCorrect
	}
	ch := sc.change(domain.EntitySpend, s.ID, action, old, s)
	ch.Premises = append(ch.Premises, withinGrant(g))
	refs := refFields{}.add(domain.EntityGrant, g.ID, "grantId")
	if old != nil {
		refs = append(refs, refField{ref: domain.GrantRef(domain.EntitySpend, g.ID, old.ID), field: "replaces", problem: domain.ProblemNotGrantSpend})
	}
	for plan := 1; ; plan++ {
		if r, ok := in.ReportedAlready(reported); ok {
			return domain.SpendReturn{}, reportedAlready(r)
		}
		err := sc.asMember(ch, func() error { return sc.spendAllowed(g) }, func(ch Change) error {
			return sc.s.store.CreateSpend(sc.ctx, sc.programmeID, s, old, len(reported), ch)
		})
		if !errors.Is(err, ErrChanged) || plan >= maxPlans {
			return s, storeErr(err, "grant", refs)
		}
		// Another return of the grant was stored meanwhile: look again.
		if reported, err = all(func(p Page) ([]domain.SpendReturn, string, error) {
			return sc.s.store.ListSpend(sc.ctx, sc.programmeID, g.ID, p)
		}); err != nil {
			return domain.SpendReturn{}, err
		}
	}
}

// grantSpend reads a grant the caller may read with every spend return of
// it, corrections included: the returns beside the access check, in one
// round trip, dropped unless the caller may read the grant.
func (sc *Scope) grantSpend(grantID string) (domain.Grant, []domain.SpendReturn, error) {
	if !domain.ValidID(grantID) {
		g, err := sc.moneyGrant(grantID)
		return g, nil, err
	}
	var (
		g        domain.Grant
		reported []domain.SpendReturn
		readErr  error // the list's own failure, which only a reader of the grant sees
	)
	gg := &Get{Ref: domain.Ref(domain.EntityGrant, grantID), Into: &g}
	if err := sc.alongside(func() error {
		reported, readErr = all(func(p Page) ([]domain.SpendReturn, string, error) {
			return sc.s.store.ListSpend(sc.ctx, sc.programmeID, grantID, p)
		})
		return nil
	}, gg); err != nil {
		return domain.Grant{}, nil, err
	}
	if !gg.Found || !sc.access.CanReadGrant(g) {
		return domain.Grant{}, nil, domain.NotFound("grant")
	}
	return g, reported, readErr
}

// SpendReportedError is the cause of the refusal of a new spend return
// for days that Reported, a return of the grant that still counts,
// already reports: the web page links to correcting it.
type SpendReportedError struct {
	Reported domain.SpendReturn
}

// Error is for logs: the days and the return that reports them.
func (e *SpendReportedError) Error() string {
	return "spend for " + e.Reported.PeriodStart.String() + " to " + e.Reported.PeriodEnd.String() + " already reported by " + e.Reported.ID
}

// reportedAlready refuses a new spend return for days r already reports.
func reportedAlready(r domain.SpendReturn) error {
	ref := domain.GrantRef(domain.EntitySpend, r.GrantID, r.ID)
	return &domain.Error{Code: domain.CodeConflict, Related: &ref, Err: &SpendReportedError{Reported: r},
		Message: "spend for " + domain.PeriodText(r.PeriodStart, r.PeriodEnd) + " is already reported (spend return " + r.ID +
			"): correct that return instead (replaces), or report a period it does not cover"}
}

// withinGrant is the premise of a spend return whose period was checked
// against grant g's dates as read (SpendInput.CheckGrant): they are still
// as read, and the return counts as the grant's dependent, so a
// narrowing of the dates that read the spend returns before this one
// lands is refused too (grantReads.guard). Else a return and narrower
// dates landing at the same moment could leave the return outside its
// grant for good (a correction keeps its period).
func withinGrant(g domain.Grant) Premise {
	return dependsOnGrant(g, "the grant's dates were changed while the spend return was being saved: "+
		"a spend return lies within its grant's dates, so look at the grant's dates again and retry", "StartDate", "EndDate")
}

// Spend returns one spend return of a grant the caller may read.
func (sc *Scope) Spend(grantID, id string) (domain.SpendReturn, error) {
	var s domain.SpendReturn
	_, err := sc.underGrant(domain.EntitySpend, grantID, id, &s, "spend return")
	return s, err
}

// ListSpend lists a grant's spend returns, corrections included.
func (sc *Scope) ListSpend(grantID string, p Page) ([]domain.SpendReturn, string, error) {
	return listUnderGrant(sc, grantID, func() ([]domain.SpendReturn, string, error) {
		return sc.s.store.ListSpend(sc.ctx, sc.programmeID, grantID, p)
	})
}

// PaymentExport gathers the payments CSV: every payment of the grants the
// caller may read (by ListGrants' rules), with those grants and the
// programme's funders, projects and targets to name them and what they
// wait on (every member may read targets). None of the reads depends on
// the caller's roles, so all five lists (one Query per 100 each) go out
// beside the access check, in one round trip, and what the caller may not
// read is dropped once access is known. When a milestone tranche the
// caller may read is still to be paid, the years of figures its target's
// window covers are read after (one BatchGetItem more, a second round
// trip), so the CSV says whether its threshold is met now.
func (sc *Scope) PaymentExport() (export.GrantSet, error) {
	var (
		grants   []domain.Grant
		payments []domain.Payment
		set      export.GrantSet
	)
	err := sc.alongside(func() error {
		return parallel(
			func() (err error) { grants, err = all(sc.listGrants); return err },
			func() (err error) { payments, err = all(sc.listPayments); return err },
			func() (err error) { set.Funders, err = all(sc.listFunders); return err },
			func() (err error) { set.Projects, err = all(sc.listProjects); return err },
			func() (err error) { set.Targets, err = all(sc.listTargets); return err },
		)
	})
	if err != nil {
		return export.GrantSet{}, err
	}
	set.Programme = sc.programme
	readable := map[string]bool{}
	for _, g := range grants {
		if sc.access.CanReadGrant(g) {
			set.Grants = append(set.Grants, g)
			readable[g.ID] = true
		}
	}
	for _, p := range payments {
		if readable[p.GrantID] {
			set.Payments = append(set.Payments, p)
		}
	}
	for i := range set.Funders {
		set.Funders[i] = funderView(sc.access, set.Funders[i])
	}
	m, err := sc.milestonesAmong(set.Payments, set.Targets)
	if err != nil {
		return export.GrantSet{}, err
	}
	set.Currents = m.Currents
	return set, nil
}

// namesAndPayments adds to set the programme's funders (as the caller may
// see them) and projects, and the payments of set's grants: three reads
// sent together.
func (sc *Scope) namesAndPayments(set *export.GrantSet) error {
	var payments []domain.Payment
	if err := parallel(
		func() (err error) { set.Funders, err = all(sc.listFunders); return err },
		func() (err error) { set.Projects, err = all(sc.listProjects); return err },
		func() (err error) { payments, err = all(sc.listPayments); return err },
	); err != nil {
		return err
	}
	for i := range set.Funders {
		set.Funders[i] = funderView(sc.access, set.Funders[i])
	}
	in := map[string]bool{}
	for _, g := range set.Grants {
		in[g.ID] = true
	}
	for _, p := range payments {
		if in[p.GrantID] {
			set.Payments = append(set.Payments, p)
		}
	}
	return nil
}

// GrantAccount is a grant with its money: its figures (budget against
// spend, the projection), its payments and its spend returns, oldest
// first, and how the targets its milestone tranches wait on stand now.
type GrantAccount struct {
	Grant      domain.Grant
	Money      domain.GrantMoneyProgress
	Payments   []domain.Payment
	Spend      []domain.SpendReturn
	Milestones MilestonesNow
}

// GrantAccount reads a grant the caller may read with its money, for the
// grant's page: the grant rides in the access check, and its figures,
// payments and spend returns are read beside it, in one round trip. When
// a milestone tranche of it is still to be paid, its target is read (one
// request: the targets of all of them by key) and then the target's years
// of figures (one more), to name what a scheduled one waits on and to
// flag a due one whose milestone is no longer met (milestonesNow).
func (sc *Scope) GrantAccount(grantID string) (GrantAccount, error) {
	if !domain.ValidID(grantID) {
		_, err := sc.moneyGrant(grantID)
		return GrantAccount{}, err
	}
	var (
		acc     GrantAccount
		figures domain.GrantMoney
		readErr error // the reads' own failure, which only a reader of the grant sees
	)
	gg := &Get{Ref: domain.Ref(domain.EntityGrant, grantID), Into: &acc.Grant}
	if err := sc.alongside(func() error {
		readErr = parallel(
			func() (err error) {
				figures, err = sc.s.store.GrantMoney(sc.ctx, sc.programmeID, grantID)
				return err
			},
			func() (err error) {
				acc.Payments, err = all(func(p Page) ([]domain.Payment, string, error) {
					return sc.s.store.ListPayments(sc.ctx, sc.programmeID, grantID, p)
				})
				return err
			},
			func() (err error) {
				acc.Spend, err = all(func(p Page) ([]domain.SpendReturn, string, error) {
					return sc.s.store.ListSpend(sc.ctx, sc.programmeID, grantID, p)
				})
				return err
			},
		)
		return nil
	}, gg); err != nil {
		return GrantAccount{}, err
	}
	if !gg.Found || !sc.access.CanReadGrant(acc.Grant) {
		return GrantAccount{}, domain.NotFound("grant")
	}
	if readErr != nil {
		return GrantAccount{}, readErr
	}
	acc.Money = domain.BuildMoney([]domain.Grant{acc.Grant}, map[string]domain.GrantMoney{grantID: figures}, domain.UKDate(sc.s.now())).ByGrant[0]
	m, err := sc.milestonesNow(acc.Payments)
	if err != nil {
		return GrantAccount{}, err
	}
	acc.Milestones = m
	return acc, nil
}

// GrantFigures reads a grant the caller may read with its money figures
// (spend against its amount and budget), for the page that confirms spend
// was reported: the grant rides in the access check when it is not known
// yet, and its figures, one item, are read beside it.
func (sc *Scope) GrantFigures(grantID string) (domain.Grant, domain.GrantMoneyProgress, error) {
	if !domain.ValidID(grantID) {
		g, err := sc.moneyGrant(grantID)
		return g, domain.GrantMoneyProgress{}, err
	}
	var (
		g       domain.Grant
		figures domain.GrantMoney
		readErr error // the read's own failure, which only a reader of the grant sees
	)
	gg := &Get{Ref: domain.Ref(domain.EntityGrant, grantID), Into: &g}
	if err := sc.alongside(func() error {
		figures, readErr = sc.s.store.GrantMoney(sc.ctx, sc.programmeID, grantID)
		return nil
	}, gg); err != nil {
		return domain.Grant{}, domain.GrantMoneyProgress{}, err
	}
	if !gg.Found || !sc.access.CanReadGrant(g) {
		return domain.Grant{}, domain.GrantMoneyProgress{}, domain.NotFound("grant")
	}
	if readErr != nil {
		return domain.Grant{}, domain.GrantMoneyProgress{}, storeErr(readErr, "", nil)
	}
	return g, domain.BuildMoney([]domain.Grant{g}, map[string]domain.GrantMoney{grantID: figures}, domain.UKDate(sc.s.now())).ByGrant[0], nil
}

// money is the money part of progress: the grants the caller may read,
// from their running figures. The programme's cost per person into work on
// spend is for callers who read every grant only (see domain.Progress).
func (sc *Scope) money(pr *domain.Progress, t domain.Totals, grants []domain.Grant, figures map[string]domain.GrantMoney) {
	var visible []domain.Grant
	for _, g := range grants {
		if sc.access.CanReadGrant(g) {
			visible = append(visible, g)
		}
	}
	pr.Money = domain.BuildMoney(visible, figures, domain.UKDate(pr.AsOf))
	if sc.access.CanReadAllGrants() {
		pr.CostPerPersonIntoWorkSpentPence = domain.CostPerPersonSpent(pr.Money.SpentPence, t.Programme[domain.MetricPeopleIntoWork])
	}
}
