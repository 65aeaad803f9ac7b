package store

import (
	"github.com/fundtrack/fundtrack/shared/domain"
)

// Keys of the records. docs/dynamodb.md lists every item and access
// pattern; everything of a programme lives in its partition PROG#<id>.
const (
	allProgrammes = "PROGRAMMES" // GSI1PK of every programme item
	skProgramme   = "PROG"
	skTotals      = "TOTALS"
)

func pkProgramme(id string) string { return "PROG#" + id }
func pkUser(email string) string   { return "USER#" + email }
func skMember(email string) string { return "MEMBER#" + email }
func skFunder(id string) string    { return "FUNDER#" + id }
func skProject(id string) string   { return "PROJECT#" + id }
func skGrant(id string) string     { return "GRANT#" + id }
func skTarget(id string) string    { return "TARGET#" + id }

// Posts, cohorts and outcomes live under their project, so "this
// project's posts" and "all posts" are both one Query.
func skPost(projectID, id string) string    { return "POST#" + projectID + "#" + id }
func skCohort(projectID, id string) string  { return "COHORT#" + projectID + "#" + id }
func skOutcome(projectID, id string) string { return "OUTCOME#" + projectID + "#" + id }
func skSuperseded(outcomeID string) string  { return "SUPERSEDED#" + outcomeID }
func skNotification(id string) string       { return "NOTIF#" + id }

// The reporting cycle (docs/dynamodb.md, "Returns"). The setup item, the
// schedules and their counts share the prefix "SCHED", so one Query reads
// all three.
const skSetup = "SCHED"

func skSchedule(id string) string      { return "SCHED#" + id }
func skScheduleStats(id string) string { return "SCHEDSTAT#" + id }
func skGeneration(id string) string    { return "RETGEN#" + id }

// A return lives under its project, so a project's returns are one Query;
// its id names its key (domain.ReturnID), so a submission reads the
// returns it fills by key.
func skReturn(projectID, scheduleID string, periodStart domain.Date) string {
	return "RETURN#" + projectID + "#" + scheduleID + "#" + periodStart.String()
}

// skReturnID is the sort key of the return with that id.
func skReturnID(id string) (string, bool) {
	s, j, ps, ok := domain.ParseReturnID(id)
	if !ok {
		return "", false
	}
	return skReturn(j, s, ps), true
}

// skOfRef is the sort key of the record ref names, in its programme's
// partition.
func skOfRef(ref domain.RecordRef) (string, bool) {
	switch ref.Entity {
	case domain.EntityProgramme:
		return skProgramme, true
	case domain.EntityMember:
		return skMember(ref.ID), true
	case domain.EntityFunder:
		return skFunder(ref.ID), true
	case domain.EntityProject:
		return skProject(ref.ID), true
	case domain.EntityGrant:
		return skGrant(ref.ID), true
	case domain.EntityTarget:
		return skTarget(ref.ID), true
	case domain.EntityNotification:
		return skNotification(ref.ID), true
	case domain.EntityPost:
		return skPost(ref.ProjectID, ref.ID), true
	case domain.EntityCohort:
		return skCohort(ref.ProjectID, ref.ID), true
	case domain.EntityOutcome:
		return skOutcome(ref.ProjectID, ref.ID), true
	case domain.EntityPayment:
		return skPayment(ref.GrantID, ref.ID), true
	case domain.EntitySpend:
		return skSpend(ref.GrantID, ref.ID), true
	case domain.EntitySchedule:
		return skSchedule(ref.ID), true
	case domain.EntityReturn:
		return skReturnID(ref.ID)
	}
	return "", false
}
