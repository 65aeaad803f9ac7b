package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Keys of the records: every key of the records table and of the audit
// table is built here, in the order of docs/dynamodb.md's Items table,
// which lists every item and access pattern. Everything of a programme
// lives in its partition PROG#<id>. A prefix ("…#") is what a Query of one
// kind of record begins with; the keys are made from it, so a list and the
// items it lists cannot disagree.

// shardKey is the partition key of shard in the notifier's index named
// base: each such index is spread over Shards keys (shards.go).
func shardKey(base string, shard int) string { return base + "#" + strconv.Itoa(shard) }

// shardKeyOf is the partition key a programme's entries in base take.
func shardKeyOf(base, programmeID string) string { return shardKey(base, ShardOf(programmeID)) }

// Programme.
const (
	prefixProgramme = "PROG#"
	skProgramme     = "PROG"
	allProgrammes   = "PROGRAMMES" // GSI1PK of every programme item
)

func pkProgramme(id string) string { return prefixProgramme + id }

// Member: GSI1 under the person gives their programmes.
const prefixMember = "MEMBER#"

func skMember(email string) string { return prefixMember + email }
func pkUser(email string) string   { return "USER#" + email }

// Funder.
const prefixFunder = "FUNDER#"

func skFunder(id string) string { return prefixFunder + id }

// Funder name marker: one a name (domain.FunderNameKey) a funder of the
// programme holds, so no two funders share one; hashed as a project's
// (skProjectName).
const prefixFunderName = "FNAME#"

func skFunderName(name string) string {
	sum := sha256.Sum256([]byte(domain.FunderNameKey(name)))
	return prefixFunderName + hex.EncodeToString(sum[:])
}

// Project.
const prefixProject = "PROJECT#"

func skProject(id string) string { return prefixProject + id }

// Project name marker: one a name (domain.ProjectNameKey) a project of the
// programme holds, so no two projects share one. Hashed, as a name may be
// longer than a key may.
const prefixProjectName = "PNAME#"

func skProjectName(name string) string {
	sum := sha256.Sum256([]byte(domain.ProjectNameKey(name)))
	return prefixProjectName + hex.EncodeToString(sum[:])
}

// Grant: indexed by funder (GSI1) and by project (GSI2), under the funder's
// and the project's own sort keys, so a funder's or a project's grants are
// one Query.
const prefixGrant = "GRANT#"

func skGrant(id string) string                { return prefixGrant + id }
func pkFunderGrants(funderID string) string   { return skFunder(funderID) }
func pkProjectGrants(projectID string) string { return skProject(projectID) }

// Posts, cohorts and outcomes live under their project, so "this
// project's posts" and "all posts" are both one Query.
const (
	prefixPost    = "POST#"
	prefixCohort  = "COHORT#"
	prefixOutcome = "OUTCOME#"
)

// Post.
func postsOf(projectID string) string    { return prefixPost + projectID + "#" }
func skPost(projectID, id string) string { return postsOf(projectID) + id }

// Cohort.
func cohortsOf(projectID string) string    { return prefixCohort + projectID + "#" }
func skCohort(projectID, id string) string { return cohortsOf(projectID) + id }

// Outcome submission (awaiting review: pkPendingSubs below).
func outcomesOf(projectID string) string    { return prefixOutcome + projectID + "#" }
func skOutcome(projectID, id string) string { return outcomesOf(projectID) + id }

// Correction marker of the outcome submission corrected.
func skSuperseded(outcomeID string) string { return "SUPERSEDED#" + outcomeID }

// Outcome submission by project and exact period (GSI2): what a project
// already sent for one period is one Query of a few entries, however long
// its history. A correction keeps the period of the submission it
// corrects, so a chain of corrections is all under one key.
const periodOutcomes = "OPERIOD#"

func pkPeriodOutcomes(programmeID, projectID string, start, end domain.Date) string {
	return periodOutcomes + programmeID + "#" + projectID + "#" + start.String() + "#" + end.String()
}
func skPeriodOutcome(o domain.Outcome) string { return service.SortTime(o.SubmittedAt) + "#" + o.ID }

// outcomeKeys are a submission item's keys: under its project, in the
// period index, and in the review queue while it awaits review.
func outcomeKeys(programmeID string, o domain.Outcome) keys {
	k := keys{PK: pkProgramme(programmeID), SK: skOutcome(o.ProjectID, o.ID),
		GSI2PK: pkPeriodOutcomes(programmeID, o.ProjectID, o.PeriodStart, o.PeriodEnd), GSI2SK: skPeriodOutcome(o)}
	if o.Status == domain.OutcomePending {
		k.GSI1PK, k.GSI1SK = pkPendingSubs(programmeID), skPendingSub(o)
	}
	return k
}

// Target: in the due index (GSI2, sharded) while time-driven checks remain.
const (
	prefixTarget = "TARGET#"
	dueIndex     = "DUE" // GSI2 on a target: GSI2SK = <next check date>#<programmeId>#<targetId>
)

func skTarget(id string) string { return prefixTarget + id }

// dueKey is where a target sits in the due index.
func dueKey(programmeID, targetID string, next domain.Date) string {
	return next.String() + "#" + programmeID + "#" + targetID
}

// parseDueKey splits a sort key of the notifier's due indexes (dueKey,
// returnDueKey, skPayDue: <day>#<programmeId>#<id>) into its programme
// and record ids, reporting whether it is one; with marked, as the
// returns' index has them, a recheck's mark may follow (recheckDueKey).
// The day is only checked to be one: the Query's key condition has
// already compared it.
func parseDueKey(k string, marked bool) (programmeID, id string, ok bool) {
	parts := strings.Split(k, "#")
	if len(parts) == 4 && marked && parts[3] != "" {
		parts = parts[:3]
	}
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	if _, err := time.Parse(time.DateOnly, parts[0]); err != nil {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// A year of figures by day (series.go).
const prefixSeries = "SERIES#"

func skSeries(k domain.SeriesKey) string { return prefixSeries + k.String() }

// Totals.
const skTotals = "TOTALS"

// Changed marker (changed.go): in its shard of the DIRTY index (GSI1, GSI1SK
// the programme id) while the programme's figures changed.
const (
	skChanged  = "CHANGED"
	dirtyIndex = "DIRTY"
)

// Money by funder and project (the funding item, grants.go).
const skFunding = "FUNDING"

// A month of money paid and spent by day (portfolio.go).
const prefixMoneySeries = "MSERIES#"

func skMoneySeries(month string) string { return prefixMoneySeries + month }

// Outcome submission awaiting review: the programme's review queue (GSI1),
// in the order they were submitted.
const pendingSubs = "PENDSUB#"

func pkPendingSubs(programmeID string) string { return pendingSubs + programmeID }
func skPendingSub(o domain.Outcome) string    { return service.SortTime(o.SubmittedAt) + "#" + o.ID }

// Notification: in its shard of the PENDING index (GSI1) while pending.
const (
	prefixNotification = "NOTIF#"
	pendingIndex       = "PENDING"
)

func skNotification(id string) string { return prefixNotification + id }
func skPendingNotification(n domain.Notification) string {
	return service.SortTime(n.CreatedAt) + "#" + n.ProgrammeID + "#" + n.ID
}

// The reporting cycle (docs/dynamodb.md, "Returns"). The setup item, the
// schedules and their counts share the prefix "SCHED", so one Query reads
// all three.
const (
	skSetup             = "SCHED"
	prefixSchedule      = "SCHED#"
	prefixScheduleStats = "SCHEDSTAT#"
)

// Schedule.
func skSchedule(id string) string { return prefixSchedule + id }

// Schedule's return counts.
func skScheduleStats(id string) string { return prefixScheduleStats + id }

// A project's return counts of one schedule: apart from the "SCHED"
// prefix, so the setup's Query does not read every project's; read by
// key, for a project lead.
const prefixProjectStats = "RETSTAT#"

func skProjectStats(projectID, scheduleID string) string {
	return prefixProjectStats + projectID + "#" + scheduleID
}

// Return. A return lives under its project, so a project's returns are one
// Query; its id names its key (domain.ReturnID), so a submission reads the
// returns it fills by key.
const (
	prefixReturn = "RETURN#"
	returnsDue   = "RDUE" // GSI3 on a return the notifier must look at
)

func returnsOf(projectID string) string { return prefixReturn + projectID + "#" }
func skReturn(projectID, scheduleID string, periodStart domain.Date) string {
	return returnsOf(projectID) + scheduleID + "#" + periodStart.String()
}

// skReturnID is the sort key of the return with that id.
func skReturnID(id string) (string, bool) {
	s, j, ps, ok := domain.ParseReturnID(id)
	if !ok {
		return "", false
	}
	return skReturn(j, s, ps), true
}

// A return's index partitions, by schedule and list (GSI1) and by
// project, schedule and list (GSI2), each sorted by period end
// (docs/dynamodb.md, "Returns": why each status is then one range). The
// list is the return's state, or correction-sent-back for an accepted
// return whose correction was sent back (domain.ReturnList).
func returnPartition(programmeID, scheduleID string, list domain.ReturnList) string {
	return "RETS#" + programmeID + "#" + scheduleID + "#" + string(list)
}

func projectReturnPartition(programmeID, projectID, scheduleID string, list domain.ReturnList) string {
	return "RETP#" + programmeID + "#" + projectID + "#" + scheduleID + "#" + string(list)
}

func skReturnByEnd(r domain.Return) string        { return r.PeriodEnd.String() + "#" + r.ProjectID }
func skProjectReturnByEnd(r domain.Return) string { return r.PeriodEnd.String() }

// returnDueKey is where a return sits in the RDUE index (GSI3).
func returnDueKey(programmeID, returnID string, next domain.Date) string {
	return next.String() + "#" + programmeID + "#" + returnID
}

// recheckDueKey is where a recheck puts a return in the RDUE index for
// day on: returnDueKey with a mark of its own after it, so a run that
// read the return before (at returnDueKey for the same day, before the
// change that calls for the recheck) finds it moved and leaves it for
// the next run rather than moving it on.
func recheckDueKey(programmeID, returnID string, on domain.Date) string {
	return returnDueKey(programmeID, returnID, on) + "#" + domain.NewID()
}

// Returns still to write: a generation, in its shard of the RETGEN index
// (GSI1) until it is done.
const genIndex = "RETGEN"

func skGeneration(id string) string { return "RETGEN#" + id }
func skGenerationIndex(g service.Generation) string {
	return service.SortTime(g.StartedAt) + "#" + g.ProgrammeID + "#" + g.ID
}

// Payment (tranche), under its grant. A scheduled date payment is in its
// shard of the PAYDUE index (GSI2) by due date; a scheduled payment waiting
// on a target or return in its programme's PAYWAIT partition (GSI1), by
// what it waits on: T#<target>#… or R#<return>#…, so the change that
// accepts a return reads that return's payments alone, and one that counts
// figures the payments on targets alone.
const (
	prefixPayment = "PAYMENT#"
	payDueIndex   = "PAYDUE"
)

func paymentsOf(grantID string) string    { return prefixPayment + grantID + "#" }
func skPayment(grantID, id string) string { return paymentsOf(grantID) + id }
func skPayDue(programmeID string, p domain.Payment) string {
	return p.DueDate.String() + "#" + programmeID + "#" + p.ID
}
func pkPayWait(programmeID string) string { return "PAYWAIT#" + programmeID }
func skPayWait(p domain.Payment) string {
	return payWaitPrefix(p.Trigger.Kind, triggerID(p.Trigger)) + p.GrantID + "#" + p.ID
}

// payWaitPrefix is where payments waiting on kind's trigger id sit in their
// programme's PAYWAIT partition: with id "", every payment waiting on a
// trigger of that kind.
func payWaitPrefix(kind domain.TriggerKind, id string) string {
	p := "R#"
	if kind == domain.TriggerMilestone {
		p = "T#"
	}
	if id == "" {
		return p
	}
	return p + id + "#"
}

// triggerID is the target or return a trigger waits on.
func triggerID(t domain.Trigger) string {
	if t.Kind == domain.TriggerMilestone {
		return t.TargetID
	}
	return t.ReturnID
}

// Spend return, under its grant.
const prefixSpend = "SPEND#"

func spendsOf(grantID string) string    { return prefixSpend + grantID + "#" }
func skSpend(grantID, id string) string { return spendsOf(grantID) + id }

// Spend correction marker of the spend return corrected.
func skSpendFixed(id string) string { return "SPENDFIX#" + id }

// A grant's money figures.
const prefixMoney = "MONEY#"

func skMoney(grantID string) string { return prefixMoney + grantID }

// Audit event (the audit table): by person (GSI1) and by record (GSI2).
const prefixAudit = "AUDIT#"

func skAudit(id string) string { return prefixAudit + id }
func pkAuditBy(programmeID, email string) string {
	return "AUDITBY#" + programmeID + "#" + email
}

// historyKey names one record's history: ids of members (emails) repeat
// across programmes, so the programme is part of it.
func historyKey(programmeID string, e domain.Entity, id string) string {
	return "HIST#" + programmeID + "#" + string(e) + "#" + id
}

// Import lock.
const skImportLock = "IMPORTLOCK"

// File staged for the web app's import confirmation: the item naming its
// parts, and the parts (under the item size limit each).
func skStaged(id string) string            { return "STAGED#" + id }
func skStagedPart(id string, n int) string { return skStaged(id) + "#" + strconv.Itoa(n) }

// idemKey is where an idempotency claim lives. The caller's scope and the
// key are hashed together, each prefixed with its length, so no choice of
// key or scope can land on another caller's item ("abc" + "x#y" and
// "abc#x" + "y" differ), and any bytes a key holds stay out of the table's
// key syntax.
func idemKey(c service.Claim) Item { return key(pkIdem(c), "IDEM") }

func pkIdem(c service.Claim) string {
	h := sha256.New()
	for _, part := range []string{c.Scope, c.Key} {
		h.Write([]byte(strconv.Itoa(len(part)) + ":" + part))
	}
	return "IDEM#" + hex.EncodeToString(h.Sum(nil))
}

// skAnswerPart is part n of an answer too large for its idempotency
// record, beside it in its partition: under the id of the claim that
// saved it, so parts a claimant taken over wrote are never read as the
// holder's.
func skAnswerPart(claimID string, n int) string { return "ANSWER#" + claimID + "#" + strconv.Itoa(n) }

// Ended web session, in a partition of its own. Its SK is unlike any of a
// programme partition's, so it is told apart in a batch read by SK.
const skSession = "SESSION"

func pkSession(id string) string { return "SESSION#" + id }

// A person's sign-out on every device, in a partition of its own by the
// verified identity's subject. Its SK is unlike any of a programme
// partition's and unlike the ended session's, so it too is told apart in
// a batch read by SK.
const skSignOut = "SIGNOUT"

func pkSignOut(subject string) string { return "SIGNOUT#" + subject }

// healthKey is the key the health check reads: no item is ever there.
const healthKey = "HEALTH"

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
