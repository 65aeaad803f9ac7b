package service

import (
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// A milestone tranche falls due when its target crosses the threshold on
// counted figures, and stays due until it is paid or cancelled, whatever
// the figures do after (domain.Payment.FallDue). What they say now is
// read beside it, where a payment is shown, and never written to it: the
// API answers whether each milestone tranche still to be paid has its
// threshold met now (domain.PaymentView), and the grant's page and the
// payments CSV flag a due tranche whose milestone is no longer met. A
// tranche still scheduled is shown waiting on its target as it is now.

// MilestonesNow is how the targets some payments wait on stand now.
type MilestonesNow struct {
	// Targets are, by id, the targets of the milestone tranches that
	// needed one (needsTarget), as they are now; one not there is missing.
	Targets map[string]domain.Target
	// Currents are, by target id, the figure of each target an open
	// milestone tranche waits on (domain.Payment.OpenMilestone) over its
	// window, on counted figures, now.
	Currents map[string]int64
}

// needsTarget reports whether showing p needs its target as it is now: an
// open milestone tranche (to judge it, and a scheduled one waits on it),
// or one that recorded no target (made before targets were recorded),
// which is described by the target as it is now.
func needsTarget(p domain.Payment) bool {
	return p.Trigger.Kind == domain.TriggerMilestone && (p.OpenMilestone() || p.Trigger.TargetMetric == "")
}

// Target is the target p waits on as it is now: nil when p is not a
// milestone tranche, or its target was not read or is not there.
func (m MilestonesNow) Target(p domain.Payment) *domain.Target {
	if p.Trigger.Kind != domain.TriggerMilestone {
		return nil
	}
	if t, ok := m.Targets[p.Trigger.TargetID]; ok {
		return &t
	}
	return nil
}

// judged is p's target as it is now (Target) and that target's figure
// now, ok false when either was not read.
func (m MilestonesNow) judged(p domain.Payment) (*domain.Target, int64, bool) {
	t := m.Target(p)
	if t == nil {
		return nil, 0, false
	}
	current, ok := m.Currents[t.ID]
	return t, current, ok
}

// View is p as the API answers it (domain.Payment.ViewNow).
func (m MilestonesNow) View(p domain.Payment) domain.PaymentView {
	t, current, ok := m.judged(p)
	return p.ViewNow(t, current, ok)
}

// NoLongerMet reports whether p fell due on a milestone its target no
// longer meets now (domain.Payment.MilestoneNoLongerMet).
func (m MilestonesNow) NoLongerMet(p domain.Payment) bool {
	t, current, ok := m.judged(p)
	return ok && p.MilestoneNoLongerMet(t, current)
}

// milestonesNow reads how the targets payments wait on stand now: the
// targets of those that need one (needsTarget), by key in one request;
// then the years of figures the windows of those an open milestone
// tranche waits on cover, in one more. Nothing is read when no payment
// needs a target: a dated or return payment, or a milestone tranche paid
// or cancelled (which keeps the target it recorded), costs nothing.
func (sc *Scope) milestonesNow(payments []domain.Payment) (MilestonesNow, error) {
	return sc.milestones(payments, func(ids []string) ([]domain.Target, error) {
		var gets []*Get
		for _, id := range ids {
			if domain.ValidID(id) {
				gets = append(gets, &Get{Ref: domain.Ref(domain.EntityTarget, id), Into: &domain.Target{}})
			}
		}
		if err := sc.load(gets...); err != nil {
			return nil, err
		}
		var targets []domain.Target
		for _, g := range gets {
			if g.Found {
				targets = append(targets, *g.Into.(*domain.Target))
			}
		}
		return targets, nil
	})
}

// milestonesAmong is milestonesNow for a caller that has read the
// programme's targets already (targets): only the years of figures are
// read, when an open milestone tranche waits on one of them.
func (sc *Scope) milestonesAmong(payments []domain.Payment, targets []domain.Target) (MilestonesNow, error) {
	return sc.milestones(payments, func([]string) ([]domain.Target, error) { return targets, nil })
}

// milestones is milestonesNow with the targets of ids read by read (which
// may answer others too).
func (sc *Scope) milestones(payments []domain.Payment, read func(ids []string) ([]domain.Target, error)) (MilestonesNow, error) {
	m := MilestonesNow{Targets: map[string]domain.Target{}, Currents: map[string]int64{}}
	open := map[string]bool{}
	var ids []string
	for _, p := range payments {
		if !needsTarget(p) {
			continue
		}
		if !slices.Contains(ids, p.Trigger.TargetID) {
			ids = append(ids, p.Trigger.TargetID)
		}
		if p.OpenMilestone() {
			open[p.Trigger.TargetID] = true
		}
	}
	if len(ids) == 0 {
		return m, nil
	}
	targets, err := read(ids)
	if err != nil {
		return MilestonesNow{}, err
	}
	var judge []domain.Target
	for _, t := range targets {
		if !slices.Contains(ids, t.ID) {
			continue
		}
		m.Targets[t.ID] = t
		if open[t.ID] {
			judge = append(judge, t)
		}
	}
	if len(judge) == 0 {
		return m, nil
	}
	series, err := sc.targetSeries(judge)
	if err != nil {
		return MilestonesNow{}, err
	}
	m.Currents = domain.Currents(judge, sc.programme.StartDate, series)
	return m, nil
}

// PaymentNow is one payment of a grant the caller may read, as the API
// answers it (domain.PaymentView): a payment on a date or a return, or a
// milestone tranche paid or cancelled, costs what Payment does; a
// milestone tranche still to be paid reads its target (one request) and
// the target's years of figures (one more) to say whether its threshold
// is met now.
func (sc *Scope) PaymentNow(grantID, id string) (domain.PaymentView, error) {
	p, err := sc.Payment(grantID, id)
	if err != nil {
		return domain.PaymentView{}, err
	}
	m, err := sc.milestonesNow([]domain.Payment{p})
	if err != nil {
		return domain.PaymentView{}, err
	}
	return m.View(p), nil
}

// ListPaymentsNow is ListPayments, each payment as the API answers it
// (PaymentNow): when any on the page is a milestone tranche still to be
// paid, the targets they wait on are read by key (one request) and their
// years of figures (one more), whatever the page holds.
func (sc *Scope) ListPaymentsNow(grantID string, page Page) ([]domain.PaymentView, string, error) {
	payments, next, err := sc.ListPayments(grantID, page)
	if err != nil {
		return nil, "", err
	}
	m, err := sc.milestonesNow(payments)
	if err != nil {
		return nil, "", err
	}
	views := make([]domain.PaymentView, len(payments))
	for i, p := range payments {
		views[i] = m.View(p)
	}
	return views, next, nil
}

// PaymentNoLongerMet reports whether p, a payment of grant g the caller
// has read (Grant, Payment), fell due on a milestone its target no longer
// meets now, as the grant's page judges its tranches
// (MilestonesNow.NoLongerMet): for a milestone tranche still to be paid,
// its target is read (one request) and the target's years of figures (one
// more); any other payment reads nothing. The page that marks a payment
// paid or cancels it flags it so. A grant the caller may not read, or a
// payment not of g, is not found: the answer would tell of its target.
func (sc *Scope) PaymentNoLongerMet(g domain.Grant, p domain.Payment) (bool, error) {
	if err := sc.load(); err != nil {
		return false, err
	}
	if p.GrantID != g.ID || !sc.access.CanReadGrant(g) {
		return false, domain.NotFound("payment")
	}
	m, err := sc.milestonesNow([]domain.Payment{p})
	if err != nil {
		return false, err
	}
	return m.NoLongerMet(p), nil
}

// NoticesNoLongerMet says which of notes (notifications the caller has
// listed) are payment-due emails of a milestone tranche still due whose
// milestone is no longer met now, as the grant's page judges it
// (MilestonesNow.NoLongerMet), by notification id: the notifications page
// flags them. Their payments are read by key with their grants (one
// request, a payment of a grant the caller may not read left unjudged),
// then, when any is a milestone tranche still to be paid, the targets
// (one request) and their years of figures (one more). Nothing is read
// when notes hold no payment-due email.
func (sc *Scope) NoticesNoLongerMet(notes []domain.Notification) (map[string]bool, error) {
	// Access first, whatever notes hold: a non-member is not found, not
	// told nothing is flagged (free once the list has read it).
	if err := sc.load(); err != nil {
		return nil, err
	}
	type pair struct{ grant, payment *Get }
	pairs := map[string]pair{} // by notification id
	var gets []*Get
	for _, n := range notes {
		if n.Kind != domain.KindPaymentDue || !domain.ValidID(n.GrantID) || !domain.ValidID(n.PaymentID) {
			continue
		}
		pr := pair{grant: &Get{Ref: domain.Ref(domain.EntityGrant, n.GrantID), Into: &domain.Grant{}},
			payment: &Get{Ref: domain.GrantRef(domain.EntityPayment, n.GrantID, n.PaymentID), Into: &domain.Payment{}}}
		pairs[n.ID] = pr
		gets = append(gets, pr.grant, pr.payment)
	}
	out := map[string]bool{}
	if len(gets) == 0 {
		return out, nil
	}
	if err := sc.load(gets...); err != nil {
		return nil, err
	}
	readable := map[string]domain.Payment{} // by notification id
	var payments []domain.Payment
	for id, pr := range pairs {
		if !pr.grant.Found || !pr.payment.Found || !sc.access.CanReadGrant(*pr.grant.Into.(*domain.Grant)) {
			continue
		}
		p := *pr.payment.Into.(*domain.Payment)
		readable[id] = p
		payments = append(payments, p)
	}
	m, err := sc.milestonesNow(payments)
	if err != nil {
		return nil, err
	}
	for id, p := range readable {
		if m.NoLongerMet(p) {
			out[id] = true
		}
	}
	return out, nil
}
