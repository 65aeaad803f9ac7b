package domain

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Caller is who is asking and under which request id: everything a change
// needs to say who made it.
type Caller struct {
	Identity
	RequestID string
	// Session is the web session the request came with ("" for the API's
	// bearer tokens): a session signed out of is refused (see
	// service.Service.EndSession).
	Session string
	// SessionIssued is when that session started (signed in): a sign-out
	// on every device ends the person's sessions that started before it.
	// Zero for a session of before sessions kept it, which any such
	// sign-out ends.
	SessionIssued time.Time
}

// Entity names a kind of record in the audit trail and in history paths.
type Entity string

// The audited entities.
const (
	EntityProgramme    Entity = "programme"
	EntityMember       Entity = "member"
	EntityFunder       Entity = "funder"
	EntityProject      Entity = "project"
	EntityGrant        Entity = "grant"
	EntityPost         Entity = "post"
	EntityCohort       Entity = "cohort"
	EntityOutcome      Entity = "outcome"
	EntityTarget       Entity = "target"
	EntityNotification Entity = "notification"
	EntitySchedule     Entity = "schedule"
	// EntityReturn is an audited entity whose events are few: the
	// submissions and reviews that fill a return are each audited as the
	// submission's, so its own history holds only an operator's repairs
	// of its state (store.RefillReturns), each a change by RepairCaller,
	// and a return never repaired has an empty history.
	EntityReturn Entity = "return"
	// A grant's payments and spend returns live under it (see GrantRef).
	EntityPayment Entity = "payment"
	EntitySpend   Entity = "spend"
)

// Action is what happened to a record.
type Action string

// The audited actions.
const (
	ActionCreate  Action = "create"
	ActionChange  Action = "change"
	ActionCorrect Action = "correct"
	ActionDelete  Action = "delete"
	ActionSend    Action = "send"
	ActionReview  Action = "review"
)

// RepairCaller is who the audit trail says made an operator's repair of
// records (infra/refill): a command run against the table, not a person
// signed in.
var RepairCaller = Caller{Identity: Identity{Subject: "fundtrack-repair", Email: "repair@fundtrack"}}

// FieldChange is one field's value before and after a change; a create has
// no before, a delete no after.
type FieldChange struct {
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

// AuditEvent is an immutable record of one change, written in the same
// transaction as the change itself.
type AuditEvent struct {
	ID           string                 `json:"id"`
	ProgrammeID  string                 `json:"programmeId"`
	At           time.Time              `json:"at"`
	ActorEmail   string                 `json:"actorEmail"`
	ActorSubject string                 `json:"actorSubject"`
	Entity       Entity                 `json:"entity"`
	EntityID     string                 `json:"entityId"`
	Action       Action                 `json:"action"`
	Changes      map[string]FieldChange `json:"changes"`
	RequestID    string                 `json:"requestId,omitempty"`
}

// NewAuditEvent describes a change of one record from before to after
// (either may be nil), keeping only the fields whose values differ.
func NewAuditEvent(c Caller, programmeID string, entity Entity, entityID string, action Action, before, after any, at time.Time) AuditEvent {
	return AuditEvent{
		ID: NewID(), ProgrammeID: programmeID, At: at.UTC(),
		ActorEmail: c.Email, ActorSubject: c.Subject,
		Entity: entity, EntityID: entityID, Action: action,
		Changes: Diff(before, after), RequestID: c.RequestID,
	}
}

// bookkeeping fields change on every write and say nothing an auditor needs.
var bookkeeping = map[string]bool{"version": true, "updatedAt": true, "updatedBy": true}

// Diff compares two records field by field through their JSON form, so the
// audit trail shows fields under the names clients know them by.
func Diff(before, after any) map[string]FieldChange {
	b, a := asMap(before), asMap(after)
	out := map[string]FieldChange{}
	for k, bv := range b {
		if bookkeeping[k] {
			continue
		}
		if av, ok := a[k]; !ok || !reflect.DeepEqual(av, bv) {
			out[k] = FieldChange{Before: bv, After: a[k]}
		}
	}
	for k, av := range a {
		if bookkeeping[k] {
			continue
		}
		if _, ok := b[k]; !ok {
			out[k] = FieldChange{After: av}
		}
	}
	return out
}

func asMap(v any) map[string]any {
	if v == nil || (reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil()) {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// auditedEntities lists the entities in the order they are shown.
var auditedEntities = []Entity{EntityProgramme, EntityMember, EntityFunder, EntityProject, EntityGrant,
	EntityPost, EntityCohort, EntityOutcome, EntityTarget, EntityNotification, EntitySchedule, EntityReturn, EntityPayment, EntitySpend}

// AuditedEntities lists the audited entities in the order they are shown
// (a copy: the list is the domain's).
func AuditedEntities() []Entity { return slices.Clone(auditedEntities) }

// ValidEntity reports whether e is an audited entity.
func ValidEntity(e Entity) bool { return slices.Contains(auditedEntities, e) }

// EntityList is the audited entities, comma separated, for error messages.
func EntityList() string {
	s := make([]string, len(auditedEntities))
	for i, e := range auditedEntities {
		s[i] = string(e)
	}
	return strings.Join(s, ", ")
}
