package notify

import (
	"context"
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// A payment is made due, with its email, by the change that fires its
// trigger (service.Release: an approval, a submission counted at once, a
// payment made with its trigger holding already). The notifier makes due
// what no change does: a dated payment once its date has come (found
// through the index of scheduled date payments by due date), and, as the
// safety net, a payment on a target once the target's figure over its
// window, on counted (approved) figures, reaches the threshold, or on a
// return once the return is accepted, that a change left to it (more than
// its transaction held, an import, a change planned too often). The last
// two are looked at when the programme's figures changed, through the
// index of payments waiting on something. Falling due and recording the
// email to the funder's contacts and the programme's leads are one
// transaction conditioned on the payment still being scheduled, whoever
// makes it due, so each payment falls due, and is emailed, at most once
// however runs and changes overlap; and, for a payment on a target, on
// the figures version its decision was read at (currentsAsOf), as the
// API's release is, so figures corrected between the read and the write
// make nothing due on figures no longer counted; once due it stays due whatever the
// figures do after (an email that goes once they have fallen back below
// the threshold says so: postOf). The notifier sends every payment-due email, fixing
// the recipients of those the API recorded (it reads neither funders nor
// members) as it sends them.

// duePayments makes due the dated payments whose date has come.
func (r *run) duePayments(ctx context.Context) error {
	return r.eachShard(ctx, r.duePaymentsShard)
}

func (r *run) duePaymentsShard(ctx context.Context, shard int) error {
	today := domain.UKDate(r.start)
	p := service.Page{Limit: service.MaxLimit}
	for {
		due, next, err := r.Store.DuePayments(ctx, shard, today, p)
		if err != nil {
			return err
		}
		for _, d := range due {
			pd, err := r.load(ctx, d.ProgrammeID)
			if err != nil {
				return err
			}
			if err := r.fallDue(ctx, pd, d.Payment, d.Payment.Due(), domain.TriggerWords{}, nil); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// waitingPayments makes due the payments of a changed programme whose
// target has reached their threshold, or whose return has been accepted.
// targets are the programme's, with their figures (fig: currentsAsOf) as
// this run counted them, and the figures version they were read at, which
// a payment on a target falls due on condition of (fallDue); the returns
// waited on are read by key, a hundred a request. A programme with no
// payment waiting (the count read with its changed marker) costs nothing.
func (r *run) waitingPayments(ctx context.Context, pd *programmeData, d service.DirtyProgramme, targets []domain.Target, fig figures) error {
	if d.PaymentsWaiting <= 0 {
		return nil
	}
	waiting, err := service.All(ctx, r.Store.WaitingPayments, d.ProgrammeID)
	if err != nil {
		return err
	}
	returns, err := r.returnsOf(ctx, d.ProgrammeID, waiting)
	if err != nil {
		return err
	}
	today := domain.UKDate(r.start)
	for _, p := range waiting {
		var words domain.TriggerWords
		var version *int64 // the figures version a payment on a target falls due on
		switch p.Trigger.Kind {
		case domain.TriggerMilestone:
			i := slices.IndexFunc(targets, func(t domain.Target) bool { return t.ID == p.Trigger.TargetID })
			if i < 0 || !p.Trigger.Reached(targets[i], fig.current[targets[i].ID]) {
				continue
			}
			version = fig.version
			if version == nil {
				// Read without a version (more years than one read
				// holds): judged again on its own target's years, read
				// with theirs.
				own, err := r.currentsAsOf(ctx, pd, targets[i:i+1])
				if err != nil {
					return err
				}
				if own.version == nil || !p.Trigger.Reached(targets[i], own.current[targets[i].ID]) {
					continue
				}
				version = own.version
			}
			words.Target = &targets[i]
		case domain.TriggerReturn:
			ret := returns[p.Trigger.ReturnID]
			if !p.Trigger.Accepts(ret) {
				continue
			}
			words.Return = &ret
		default:
			continue
		}
		if err := r.fallDue(ctx, pd, p, today, words, version); err != nil {
			return err
		}
	}
	return nil
}

// returnsOf reads the returns payments wait on, by id.
func (r *run) returnsOf(ctx context.Context, programmeID string, payments []domain.Payment) (map[string]domain.Return, error) {
	out := map[string]domain.Return{}
	var gets []*service.Get
	flush := func() error {
		if len(gets) == 0 {
			return nil
		}
		if err := r.Store.Read(ctx, programmeID, gets...); err != nil {
			return err
		}
		for _, g := range gets {
			if g.Found {
				ret := *g.Into.(*domain.Return)
				out[ret.ID] = ret
			}
		}
		gets = gets[:0]
		return nil
	}
	seen := map[string]bool{}
	for _, p := range payments {
		id := p.Trigger.ReturnID
		if p.Trigger.Kind != domain.TriggerReturn || seen[id] {
			continue
		}
		seen[id] = true
		gets = append(gets, &service.Get{Ref: domain.Ref(domain.EntityReturn, id), Into: &domain.Return{}})
		if len(gets) == 100 { // a BatchGetItem's most
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	return out, flush()
}

// fallDue makes payment p due since since, with its email (at most once:
// see the file comment). words has the target or return that released
// it, if any; fallDue adds its project's name, from the programme's
// projects already read, so the email says whose return or target it was.
// A payment on a target records the target it fell due on (in the same
// write), which may have changed since the payment was made: the grant
// page names it so once the payment is due, whatever becomes of the
// target after. figures, for a payment on a target, is the figures
// version its decision was made on (currentsAsOf): it falls due only
// while no change of the figures, targets or waiting payments came since
// (FallDue). One that came leaves it scheduled, and the programme marked
// changed by it, for the next run to judge on the figures as they then are.
func (r *run) fallDue(ctx context.Context, pd *programmeData, p domain.Payment, since domain.Date, words domain.TriggerWords, figures *int64) error {
	// Dated after p was read, so never before it was created.
	at := r.stamp()
	after, ok := p.FallDue(since, at)
	if !ok {
		return nil
	}
	if words.Target != nil {
		after.Trigger.Record(*words.Target)
	}
	if err := r.details(ctx, pd); err != nil {
		return err
	}
	var g domain.Grant
	get := &service.Get{Ref: domain.Ref(domain.EntityGrant, p.GrantID), Into: &g}
	if err := r.Store.Read(ctx, pd.programme.ID, get); err != nil {
		return err
	}
	if !get.Found {
		r.log().Warn("payment of a grant that is not there", "payment", p.ID, "grant", p.GrantID)
		return nil
	}
	// The email is about the grant's project or, for a grant to the
	// programme as a whole, the project whose return or target released
	// the payment (none for a date): its subject and Project row name it.
	words.Project = pd.projects[p.Trigger.ProjectID(words.Target)].Name
	note := domain.PaymentDueNotice(pd.programme.ID, g, p, since, words, at)
	// To whoever holds the roles now: the funder's contacts and the
	// programme's leads.
	note.Recipients, note.FunderContacts = paymentRecipients(pd, g.FunderID)
	ev := domain.NewAuditEvent(Actor, pd.programme.ID, domain.EntityPayment, p.ID, domain.ActionChange, p, after, at)
	fell, err := r.Store.FallDue(ctx, pd.programme.ID, g, p, after, note, ev, figures)
	if err != nil {
		return err
	}
	if fell {
		r.count(func(rep *Report) { rep.PaymentsDue++; rep.Claimed++ })
	}
	return nil
}

// paymentRecipients are who a payment-due email goes to, as the roles
// stand now: the contacts of the grant's funder (funderID) and the
// programme's leads, with the funder's contacts by funder (what a funder
// is shown of them).
func paymentRecipients(pd *programmeData, funderID string) ([]string, map[string][]string) {
	contacts := pd.funders[funderID].Contacts
	to := append(slices.Clone(contacts), pd.leads...)
	slices.Sort(to)
	var byFunder map[string][]string
	if len(contacts) > 0 {
		byFunder = map[string][]string{funderID: slices.Clone(contacts)}
	}
	return slices.Compact(to), byFunder
}
