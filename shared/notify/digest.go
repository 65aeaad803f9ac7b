package notify

import (
	"context"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Digests: the submissions awaiting review that one run finds pending for
// a programme go to each lead in one email, not one email each (an import
// of 60 rows is one email, not 60). As when one change crosses several
// thresholds of a target, each keeps its own notification, recorded and
// listed, and each is still emailed at most once:
//
//   - the run leases each, oldest first, settles those no longer needed,
//     and picks the oldest left as the carrier of the one email;
//   - it records on the carrier, under the carrier's lease, the ids the
//     email is to stand for (Includes);
//   - it records each of the others sent with no email of its own,
//     CoveredBy the carrier, under both leases (CoverNotification), so
//     once a later run holds the carrier's lease nothing more is covered;
//   - then it sends the carrier as any email goes, a claim per recipient.
//
// A run that dies before covering them all leaves the rest pending. The
// run that takes the carrier over after its lease (resume) covers them
// then, under its own leases, as long as no lead has had the email yet:
// the leads still have one email, standing for what it was to stand for.
// Those it cannot lease (another run has them) go on their own or in
// another digest, and the carrier lists only those whose records say it
// covers them. Once some lead has had the carrier's email (a run died, or
// a send failed in passing, part way through the leads) it covers no
// more: the others get that email, not one listing what the first never
// heard of. So none is listed twice, and none is lost.
//
// Runs overlap (a scheduler delivers its event twice, a run outlasts the
// next one's start), and each finds the same pending list. Were each to
// keep whichever notifications it leased, they would share a programme's
// submissions between them, and each lead would have several emails, each
// looking like the whole list. So a run leases a programme's oldest first,
// the carrier before the others, and one that cannot lease the one it
// would make the carrier leaves the programme's others to the run that has
// it, which covers them (if that run dies, its leases run out and a later
// run takes them, as one email again). A run cannot tell a run that died
// holding the carrier from one still sending it: so a run that starts
// within a dead run's lease (a retry of its event) leaves the programme
// too, and its submissions, those sent since included, wait for the first
// run after the lease (the next scheduled one). Taking them then would
// split the email whenever the holder is in fact alive.

// MaxDigest bounds how many notifications one email stands for: the
// carrier records their ids in one item (DynamoDB's limit is 400 KB; a
// thousand ids are some 45 KB). A programme with more awaiting review in
// one run gets one email for each thousand.
const MaxDigest = 1000

// digests sends the awaiting-review notifications of one shard (in the
// pending index's order, oldest first), one email a programme: one for
// the submissions of those who are no lead (project leads,
// administrators), and one for each lead who sent some
// (domain.Notification.SentBy), which goes to the other leads, so nobody
// is emailed about their own figures. Every run groups them alike, by
// what each notification records, so the digests' leasing (above) holds
// for each group as it does for a programme.
func (r *run) digests(ctx context.Context, awaiting []domain.Notification) error {
	var order []string
	byProgramme := map[string][]domain.Notification{}
	for _, n := range awaiting {
		group := n.ProgrammeID + "\x00" + n.SentBy
		if _, ok := byProgramme[group]; !ok {
			order = append(order, group)
		}
		byProgramme[group] = append(byProgramme[group], n)
	}
	for _, id := range order {
		group := byProgramme[id]
		if len(group) == 1 {
			if err := r.deliver(ctx, group[0]); err != nil {
				return err
			}
			continue
		}
		done := map[string]bool{} // those this run has finished resuming a carrier, in any chunk
		for len(group) > 0 {
			chunk := group[:min(len(group), MaxDigest)]
			group = group[len(chunk):]
			held, err := r.digest(ctx, chunk, done)
			if err != nil {
				return err
			}
			if !held {
				break // another run has the programme's: it covers the rest
			}
		}
	}
	return nil
}

// digestible reports whether a leased notification may go in a digest:
// not one carrying a digest already, and not one some lead has had (a
// retry after a passing failure), which goes on as it started.
func digestible(n domain.Notification) bool {
	return len(n.Includes) == 0 && len(n.Delivered) == 0 && len(n.Rejected) == 0 && len(n.Sending) == 0
}

// digest leases one programme's awaiting-review notifications, oldest
// first, and emails each lead once about the submissions among them still
// awaiting review. held is false when another run has the one this run
// would have made the carrier: this run then leases no more of them (see
// the top of this file). done are those this run has finished already,
// taken over in resuming a carrier (covered, settled or sent), which it
// adds to.
func (r *run) digest(ctx context.Context, chunk []domain.Notification, done map[string]bool) (held bool, err error) {
	var fresh []domain.Notification
	for _, n := range chunk {
		if done[n.ID] {
			// Finished by this run, not held by another: this run is the
			// one carrying the programme's email, and it goes on (leasing
			// it would fail, and pass for another run's holding it).
			continue
		}
		n, ok, err := r.Store.LeaseNotification(ctx, n.ProgrammeID, n.ID, r.stamp(), r.lease())
		if err != nil {
			return false, err
		}
		if !ok {
			if len(fresh) == 0 {
				// Another run is sending it or has sent it: that run
				// carries the programme's email, or did, and leases the
				// rest oldest first too. Leasing on would take some from
				// its email to make a second one.
				return false, nil
			}
			continue // another run is sending it, or it is done
		}
		if len(n.Includes) > 0 {
			took, err := r.resume(ctx, n)
			if err != nil {
				return false, err
			}
			for _, id := range took {
				done[id] = true
			}
			continue
		}
		if !digestible(n) {
			if err := r.sendLeased(ctx, n); err != nil {
				return false, err
			}
			continue
		}
		if settled, err := r.settleUnneeded(ctx, n); err != nil {
			return false, err
		} else if settled {
			continue
		}
		fresh = append(fresh, n)
	}
	return true, r.digestOf(ctx, fresh)
}

// digestOf emails each lead once about fresh, notifications of one
// programme this run has leased, digestible and still needed: the oldest
// carries the email and the others are covered by it.
func (r *run) digestOf(ctx context.Context, fresh []domain.Notification) error {
	if len(fresh) == 0 {
		return nil
	}
	pd, err := r.load(ctx, fresh[0].ProgrammeID)
	if err != nil {
		return err
	}
	if err := r.details(ctx, pd); err != nil {
		return err
	}
	carrier, others := fresh[0], fresh[1:]
	to := r.reportingRecipients(pd, carrier)
	if len(others) == 0 || len(to) == 0 {
		// One alone goes as its own email; with nobody leading the
		// programme, each fails on its own, saying so.
		for _, n := range fresh {
			if err := r.post(ctx, n, nil); err != nil {
				return err
			}
		}
		return nil
	}
	// Fixed (or brought up to the leads as they are now) before the
	// others are covered, so each lists who had it.
	if _, ok, err := r.address(ctx, pd, &carrier); err != nil || !ok {
		return err // !ok: its lease ran out; the rest go when theirs do
	}
	ids := make([]string, len(others))
	for i, n := range others {
		ids[i] = n.ID
	}
	ok, err := r.Store.IncludeNotifications(ctx, carrier.ProgrammeID, carrier.ID, carrier.Attempts, ids)
	if err != nil || !ok {
		return err // !ok: its lease ran out; the rest go when theirs do
	}
	listed := []domain.Notification{carrier}
	carrier.Includes = []string{}
	for _, n := range others {
		covered, err := r.cover(ctx, carrier, n)
		if err != nil {
			return err
		}
		if covered {
			listed = append(listed, n)
			carrier.Includes = append(carrier.Includes, n.ID)
		}
	}
	return r.post(ctx, carrier, listed)
}

// cover records n, leased by this run, sent in carrier's email (which
// includes it, under this run's lease) with none of its own.
func (r *run) cover(ctx context.Context, carrier, n domain.Notification) (bool, error) {
	n.Status, n.CoveredBy, n.Recipients = domain.NotificationSent, carrier.ID, carrier.Recipients
	ev := domain.NewAuditEvent(Actor, n.ProgrammeID, domain.EntityNotification, n.ID, domain.ActionSend, nil, n.SentRecord(), r.stamp())
	covered, err := r.Store.CoverNotification(ctx, n, carrier.Attempts, ev)
	if covered {
		r.count(func(rep *Report) { rep.Covered++ })
	}
	return covered, err
}

// resume sends a digest's carrier an earlier run left pending (it died,
// or a send failed in passing), and reports the notifications it covered
// now. While no lead has had the email, it first covers those its
// includes name that the earlier run left uncovered and pending (it died
// half way), leasing each as the earlier run did, so the email stands for
// what it was recorded to: those it cannot lease another run has, and they
// go with that run. It lists those its includes whose records say it
// covers them, and of those, and itself, only the submissions still
// awaiting review; with none left, it is settled unsent. What it finishes
// with says which it stood for.
func (r *run) resume(ctx context.Context, carrier domain.Notification) (took []string, err error) {
	notes, err := service.ReadNotifications(ctx, r.Store, carrier.ProgrammeID, carrier.Includes)
	if err != nil {
		return nil, err
	}
	var listed []domain.Notification
	reason, err := r.unneeded(ctx, carrier)
	if err != nil {
		return nil, err
	}
	if reason == "" {
		listed = append(listed, carrier)
	}
	// Only while nobody has had it: a lead who has would never hear of one
	// covered now. (This run holds the carrier's lease, so none has it
	// since it was leased.)
	untold := len(carrier.Delivered) == 0 && len(carrier.Rejected) == 0 && len(carrier.Sending) == 0
	carrier.Includes = []string{}
	for _, n := range notes {
		switch {
		case n.CoveredBy == carrier.ID:
			why, err := r.unneeded(ctx, n)
			if err != nil {
				return took, err
			}
			carrier.Includes = append(carrier.Includes, n.ID)
			if why == "" {
				listed = append(listed, n)
			}
		case untold && n.Status == domain.NotificationPending && digestible(n):
			n, ok, err := r.Store.LeaseNotification(ctx, n.ProgrammeID, n.ID, r.stamp(), r.lease())
			if err != nil {
				return took, err
			}
			if !ok {
				continue // another run is sending it, or it is done
			}
			took = append(took, n.ID) // this run's to finish, one way or another
			if !digestible(n) {
				// It changed since it was read: it goes as it started.
				if err := r.sendLeased(ctx, n); err != nil {
					return took, err
				}
				continue
			}
			if settled, err := r.settleUnneeded(ctx, n); err != nil {
				return took, err
			} else if settled {
				continue
			}
			covered, err := r.cover(ctx, carrier, n)
			if err != nil {
				return took, err
			}
			if covered {
				carrier.Includes = append(carrier.Includes, n.ID)
				listed = append(listed, n)
			}
		}
	}
	if len(listed) == 0 {
		if neverSent(carrier) {
			// Nobody had the email those it covers were recorded as sent
			// in: they are withdrawn with it (first, so none is left
			// naming a carrier that is not there), as it is.
			for _, n := range notes {
				if n.CoveredBy != carrier.ID {
					continue
				}
				before := n.WithdrawnRecord(reason)
				ev := domain.NewAuditEvent(Actor, n.ProgrammeID, domain.EntityNotification, n.ID, domain.ActionDelete, before, nil, r.stamp())
				if _, err := r.Store.WithdrawNotification(ctx, n, ev); err != nil {
					return took, err
				}
			}
		}
		return took, r.settle(ctx, carrier, reason)
	}
	return took, r.post(ctx, carrier, listed)
}
