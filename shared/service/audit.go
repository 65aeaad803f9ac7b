package service

import (
	"reflect"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// ListAudit lists the programme's audit trail, newest first (leads and
// admins).
// The page is read beside the access check and dropped unless the caller
// may read it.
func (sc *Scope) ListAudit(f AuditFilter, p Page) ([]domain.AuditEvent, string, error) {
	bad := domain.Problems{}
	for _, name := range f.Blank {
		switch name {
		case "entity":
			bad.Add(name, "must not be empty: one of "+domain.EntityList()+", or leave entity out for changes of every kind of record")
		case "user":
			bad.Add(name, "must not be empty: a person's email address, or leave user out for changes by everyone")
		}
	}
	if f.Entity != "" && !domain.ValidEntity(f.Entity) {
		bad.Add("entity", "must be one of "+domain.EntityList())
	}
	if err := bad.Err(); err != nil {
		if err := sc.manage("read the audit trail"); err != nil {
			return nil, "", err // who may not read the trail learns nothing of its filters
		}
		return nil, "", err
	}
	f.Email = domain.NormaliseEmail(f.Email)
	var items []domain.AuditEvent
	var next string
	var pageErr error
	if err := sc.alongside(func() error {
		items, next, pageErr = sc.s.store.ListAudit(sc.ctx, sc.programmeID, f, p)
		return nil
	}); err != nil {
		return nil, "", err
	}
	if err := sc.manage("read the audit trail"); err != nil {
		return nil, "", err
	}
	return listErr(items, next, pageErr)
}

// History lists one record's changes, newest first, to anyone who may read
// the record itself: reading it first applies exactly the record's own
// rules. Records under a project need a scope opened on that project;
// those under a grant name it (ref.GrantID).
func (sc *Scope) History(ref domain.RecordRef, p Page) ([]domain.AuditEvent, string, error) {
	var err error
	id := ref.ID
	hideContacts := false
	hideReplaced := false          // a correction's event holds the submission it replaced
	var asApproved *domain.Outcome // a funder's submission, as the funder reads it (AsApproved)
	hideReview := false            // the leads' review of a submission, read by a funder
	var visible map[string]bool    // a notification's recipients the caller may see; nil: all
	var included map[string]bool   // the notifications its digest stood for the caller may see; nil: all
	hideCarrier := false           // the notification whose email it went in, when the caller may not read that one
	asFunder := false              // a return, read by a funder (Return.View)
	switch ref.Entity {
	case domain.EntityProgramme:
		_, err = sc.Programme()
		if err == nil && ref.ID != "" && ref.ID != sc.programmeID {
			err = domain.NotFound("record") // an id names the programme itself or nothing
		}
		id = sc.programmeID
	case domain.EntityMember:
		var m domain.Member
		m, err = sc.Member(ref.ID)
		id = m.Email
	case domain.EntityFunder:
		var f domain.Funder
		f, err = sc.Funder(ref.ID)
		hideContacts = f.Contacts == nil // the same rule as the funder itself: see funderView
	case domain.EntityProject:
		_, err = sc.Project(ref.ID)
	case domain.EntityGrant:
		_, err = sc.Grant(ref.ID)
	case domain.EntityPost:
		_, err = sc.Post(ref.ID)
	case domain.EntityCohort:
		_, err = sc.Cohort(ref.ID)
	case domain.EntityOutcome:
		var o domain.Outcome
		o, err = sc.storedOutcome(ref.ID)
		hideReview = sc.funderOnly(sc.projectID)
		hideReplaced = hideReview && o.ReplacesUnapproved()
		if hideReview {
			a := o.AsApproved()
			asApproved = &a
		}
	case domain.EntityTarget:
		_, err = sc.Target(ref.ID)
	case domain.EntityPayment:
		_, err = sc.Payment(ref.GrantID, ref.ID)
	case domain.EntitySpend:
		_, err = sc.Spend(ref.GrantID, ref.ID)
	case domain.EntitySchedule:
		_, err = sc.Schedule(ref.ID)
	case domain.EntityReturn:
		// Read as GET …/returns/{id} reads it: a project lead's own
		// project's only, every return to leads and funders.
		var r domain.Return
		r, err = sc.Return(ref.ID)
		asFunder = err == nil && sc.funderOnly(r.ProjectID)
	case domain.EntityNotification:
		var n domain.Notification
		n, err = sc.Notification(ref.ID)
		if !sc.access.CanManage() {
			// The events name recipients: only those the notification
			// itself shows this caller (its own contacts, or itself).
			visible = map[string]bool{}
			for _, list := range [][]string{n.Recipients, n.Delivered, n.Rejected, n.Sending} {
				for _, e := range list {
					visible[e] = true
				}
			}
			for _, w := range n.Withdrawn {
				visible[w.Email] = true
			}
			// And a digest's, the notifications it stood for: only
			// those the notification itself shows (its own projects').
			included = map[string]bool{}
			for _, id := range n.Includes {
				included[id] = true
			}
			// And the one whose email it went in, only if the
			// notification itself names it.
			hideCarrier = n.Covered() && n.CoveredBy == ""
		}
	default:
		err = domain.NotFound("record")
	}
	if err != nil {
		return nil, "", err
	}
	events, next, err := sc.s.store.History(sc.ctx, sc.programmeID, domain.RecordRef{Entity: ref.Entity, ID: id}, p)
	if err != nil {
		return nil, "", storeErr(err, "", nil)
	}
	for i, ev := range events {
		if hideReview {
			// The same rule as the submission itself (Outcome.AsApproved):
			// a funder reads its status, not the leads' review of it,
			// neither its comment nor who decided.
			delete(ev.Changes, "review")
			if ev.Action == domain.ActionReview {
				events[i].ActorEmail, events[i].ActorSubject = "", ""
			}
		}
		if visible != nil {
			for _, field := range []string{"recipients", "withdrawn"} {
				c, ok := ev.Changes[field]
				if !ok {
					continue
				}
				c = domain.FieldChange{Before: onlyVisible(c.Before, visible), After: onlyVisible(c.After, visible)}
				if ev.Action == domain.ActionChange && isEmptyList(c.Before) && isEmptyList(c.After) ||
					ev.Action == domain.ActionChange && reflect.DeepEqual(c.Before, c.After) {
					// Recipients brought up to date (the notifier's
					// change) among addresses the caller may not see
					// only: "– → none" would read as none at all.
					delete(ev.Changes, field)
				} else {
					ev.Changes[field] = c
				}
			}
		}
		if included != nil {
			if c, ok := ev.Changes["includes"]; ok {
				c = domain.FieldChange{Before: onlyVisible(c.Before, included), After: onlyVisible(c.After, included)}
				if isEmptyList(c.Before) && isEmptyList(c.After) {
					// None it may see: "Includes: – → –" would read as
					// none at all.
					delete(ev.Changes, "includes")
				} else {
					ev.Changes["includes"] = c
				}
			}
		}
		if hideCarrier {
			delete(ev.Changes, "coveredBy")
		}
		if hideContacts {
			delete(ev.Changes, "contacts")
		}
		if asFunder {
			funderReturnChanges(ev.Changes)
		}
		if hideReplaced && ev.Action == domain.ActionCorrect {
			// Funders never see figures not approved, nor the review that
			// sent them back: the correction's event keeps only what it
			// made, as a create's would.
			for k, c := range ev.Changes {
				if c.After == nil {
					delete(ev.Changes, k)
				} else {
					ev.Changes[k] = domain.FieldChange{After: c.After}
				}
			}
		}
		if asApproved != nil && ev.Action == domain.ActionCorrect {
			// The submission it replaced, as the record itself names it
			// for a funder: the approved one it took over from, never a
			// correction that was not approved.
			funderReplaces(ev.Changes, *asApproved)
		}
	}
	return events, next, nil
}

// funderReplaces sets, in the changes of a correction's event of o (as a
// funder reads it, AsApproved), the submission it replaced to the one o
// names: the approved one it took over from. Before the correction, the
// submission it replaced named, for a funder, the approved one that one
// took over from in turn (its replacesApproved, when it was a
// correction of one never approved): so does the event.
func funderReplaces(changes map[string]domain.FieldChange, o domain.Outcome) {
	c, ok := changes["replaces"]
	if !ok {
		return
	}
	if c.Before != nil {
		// The replaced one as a funder read it (AsApproved): its status,
		// replaces and replacesApproved before the correction are the
		// event's befores, or, where the event holds none, unchanged.
		status, approved := "unchanged", o.ReplacesApproved
		if st, ok := changes["status"]; ok {
			status, _ = st.Before.(string)
		}
		if ra, ok := changes["replacesApproved"]; ok {
			approved, _ = ra.Before.(string)
		}
		if status != "" && c.Before != approved { // it corrected one never approved
			c.Before = nil
			if approved != "" {
				c.Before = approved
			}
		}
	}
	c.After = nil
	if o.Replaces != "" {
		c.After = o.Replaces
	}
	if c.Before == nil && c.After == nil {
		delete(changes, "replaces")
		return
	}
	changes["replaces"] = c
}

// funderReturnChanges keeps, of the changes of a return's event, what a
// funder reads of the return (the same rule as domain.Return.View): its
// state and when it was sent, never the leads' review nor a correction
// under way, and the submission only on a side where the return is
// accepted. A side's state is the event's, or, where the event leaves
// the state as it was, unknown: its submission is then left out too.
func funderReturnChanges(changes map[string]domain.FieldChange) {
	delete(changes, "review")
	delete(changes, "correction")
	c, ok := changes["submissionId"]
	if !ok {
		return
	}
	st := changes["state"]
	if st.Before != string(domain.StateAccepted) {
		c.Before = nil
	}
	if st.After != string(domain.StateAccepted) {
		c.After = nil
	}
	if c.Before == nil && c.After == nil {
		delete(changes, "submissionId")
		return
	}
	changes["submissionId"] = c
}

// isEmptyList says whether v, a value as an audit event holds it, is no
// list or an empty one.
func isEmptyList(v any) bool {
	list, _ := v.([]any)
	return len(list) == 0
}

// onlyVisible keeps, of a list of addresses as an audit event holds it
// (or of records naming one as their email: recipients withdrawn), those
// in visible.
func onlyVisible(v any, visible map[string]bool) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := []any{}
	for _, e := range list {
		s, ok := e.(string)
		if m, isRecord := e.(map[string]any); isRecord {
			s, ok = m["email"].(string)
		}
		if ok && visible[s] {
			out = append(out, e)
		}
	}
	return out
}
