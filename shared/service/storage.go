package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// This file is the service's contract with storage: the small interfaces
// it needs, by use, and the errors and request shapes they speak. The
// DynamoDB store (shared/store) implements them; so does the in-memory fake
// the rule tests use (shared/service/memstore). Nothing here knows keys,
// items or field names of the API.

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string
}

// MaxFiguresAsOf bounds the keys and records one FiguresAsOf reads (with
// the version, DynamoDB's 100 items of one transactional read).
const MaxFiguresAsOf = 99

// Default and largest page sizes of the SPEC.
const (
	DefaultLimit = 50
	MaxLimit     = 100
)

// Errors storage returns. The service turns each into the client's
// domain.Error with the right wording and field paths (see storeErr).
var (
	// ErrNotFound: the record asked for is not there.
	ErrNotFound = errors.New("record not found")
	// ErrStale: a versioned change lost to another change of the record.
	ErrStale = errors.New("record changed since it was read")
	// ErrConflict: an unversioned record (a member) changed meanwhile.
	ErrConflict = errors.New("record changed concurrently")
	// ErrClaimTaken: another request with the same idempotency key took
	// the claim over while this one ran, so this change was not made.
	ErrClaimTaken = errors.New("idempotency claim taken over")
	// ErrBadCursor: a cursor that this list did not hand out.
	ErrBadCursor = errors.New("cursor not valid for this list")
	// ErrOverCommitted: the change would leave a grant's payments that are
	// not cancelled adding up to more than its amount (a new payment, or
	// a smaller amount), so it was not made.
	ErrOverCommitted = errors.New("payments would exceed the grant's amount")
	// ErrChanged: something a write was planned on changed before it was
	// made (a return filled meanwhile, a submission reviewed meanwhile, a
	// schedule added): nothing was written, and the service plans the
	// write again from a fresh read.
	ErrChanged = errors.New("records changed while the write was planned")
	// ErrSessionEnded: the web session the request came with was signed
	// out of.
	ErrSessionEnded = errors.New("session ended")
	// ErrNoLongerRecipient: an email's recipient was not claimed because
	// they no longer hold, as the notifier read it, what made them one (a
	// contact taken off the funder, a lead or project lead stepping down,
	// removed from the programme) since it read them: nothing was
	// written, and the notifier reads the programme's people again (see
	// ContactPremise).
	ErrNoLongerRecipient = errors.New("no longer a recipient: the record that made them one changed since it was read")
	// ErrCountsBelowZero: the change would take one of a schedule's
	// counts of returns below zero. The counts no longer match the
	// returns (a bug, or counts left wrong by one), so nothing was
	// written rather than a negative count shown; the counts are put
	// right from the returns (`go run ./infra/recount`). Callers treat it
	// as any internal error.
	ErrCountsBelowZero = errors.New("return counts: the change would take a schedule's count of returns below zero; they no longer match the returns: recount them (go run ./infra/recount)")
)

// AlreadyCorrectedError refuses a second correction of one submission: By
// is the newest correction of its chain (the one that replaced it, or the
// one that replaced that, and so on): the one a caller may correct.
type AlreadyCorrectedError struct {
	Replaced, By domain.RecordRef
	// NewestDecided is, on a refused review of a submission, the decision
	// already made on its newest correction (By): approved, or sent back
	// for changes. A lead then has nothing to review there, where a
	// correction awaiting review ("") is the one to review instead. The
	// service sets it; storage leaves it "".
	NewestDecided domain.OutcomeStatus
}

// Error is for logs: the record and the correction that replaced it.
func (e *AlreadyCorrectedError) Error() string {
	return fmt.Sprintf("%s %s already corrected by %s", e.Replaced.Entity, e.Replaced.ID, e.By.ID)
}

// MissingRefError refuses a write whose references are not records of the
// programme: Refs are the missing ones, as the service named them.
type MissingRefError struct {
	Refs []domain.RecordRef
}

// Error is for logs: the missing references, kind and id.
func (e *MissingRefError) Error() string {
	parts := make([]string, len(e.Refs))
	for i, r := range e.Refs {
		parts[i] = string(r.Entity) + " " + r.ID
	}
	return "missing references: " + strings.Join(parts, ", ")
}

// NameTakenError refuses a project (or a funder: Entity) created or
// renamed with a name another project (funder) of the programme already
// has (compared by domain.ProjectNameKey, domain.FunderNameKey): Name is
// the name the change asked for. Storage keeps one marker a name, so two
// changes racing for one name cannot both land; records stored before the
// markers have none (see CreateProject, CreateFunder).
type NameTakenError struct {
	Name   string
	Entity domain.Entity // domain.EntityProject or domain.EntityFunder
}

// Error is for logs: the name taken.
func (e *NameTakenError) Error() string { return string(e.Entity) + " name taken: " + e.Name }

// Get asks for one record in a read: Into (a pointer to the domain value)
// receives it, and Found says whether it was there. Into may be nil to
// learn only Found and Rev.
type Get struct {
	Ref   domain.RecordRef
	Into  any
	Found bool
	// Rev is the record's dependents revision as read (see Guard): it
	// means something only beside the record's version. It is storage's,
	// never part of the record's API form.
	Rev int64
}

// Claim is the idempotency key held by the request making a change. A
// write given a claim marks it committed in the change's own transaction,
// so a retry can never apply the change twice, even when the first answer
// was lost after the commit.
type Claim struct {
	Scope string // whose key: derived from the caller, so keys never cross callers
	Key   string
	ID    string // this claimant; a takeover gets a new one
}

// Change is what every write carries besides the record: its audit event
// (written in the same transaction), when the request holds one, its
// idempotency claim, the premises its rules were checked against, and
// the guard of the record it changes against dependents written meanwhile.
type Change struct {
	Audit    domain.AuditEvent
	Claim    *Claim
	Premises []Premise
	Guard    *Guard
}

// Premise is a record a change's rule was checked against but that the
// change does not write (the other lead that lets a lead step down): the
// change commits only while that record (or the fields of it the rule
// read: see Fields) is still as read, else it fails with Err and writes
// nothing. Without it a rule checked on a read can be broken by a write
// landing between the read and the change. The record must not be one
// the change itself writes.
type Premise struct {
	Ref domain.RecordRef
	// Version is the version read. Records without versions (members)
	// leave it 0 and are compared by UpdatedAt, as their own writes are.
	Version   int64
	UpdatedAt time.Time
	// Fields, when given, narrow the premise to the fields of Record (the
	// record as read, a domain value) that the rule read, named as the Go
	// fields of its type: the change commits while each of them is still
	// as read, whatever else of the record changed meanwhile, and Version
	// and UpdatedAt are not compared. A rule reading a few fields of a
	// record that is edited for other reasons too names them, so that a
	// rename landing meanwhile refuses nothing. Storage compares each as
	// it stores it (a field it leaves out when empty must still be left
	// out), so the service names no attribute, and storage no field of
	// the API.
	Record any
	Fields []string
	// Err is what the refused change answers: a conflict saying what
	// changed, so the caller can read again and retry.
	Err error
	// Dependent marks the change as one of the record's dependents, whose
	// rule the record's own changes check too (a target within the
	// programme's dates, a post paid from the grant, a payment paid after
	// the grant's award); its premise names the Fields that rule reads.
	// Checking they are still as read covers a change of them landing
	// first; a change of the record planned on a read of its dependents
	// before this one lands would not see it, so the change also moves
	// the record's dependents revision on (Get.Rev), which that change's
	// Guard is conditioned on. The version and the record's API form stay
	// as they are: an edit form open on the record does not go stale
	// because a dependent was written.
	Dependent bool
}

// Guard conditions a change of a record on no dependent of it (see
// Premise.Dependent) having been written since it was read: the change
// of a programme's dates that checked its targets, of a grant's project
// that checked the posts paid from it, of its award date that checked
// its payments. Such a change reads the record and its revision (Get.Rev)
// first, then the dependents its rule checks; a dependent written after
// that read moves the revision on and the change fails with Err, writing
// nothing. The change must write the record; a change that loses to
// another change of the record itself still fails with ErrStale.
//
// The revision: each dependent's write adds 1; a guarded change keeps it;
// any other change of the record starts it again at 0 (its version moves
// on, and a guard is only ever checked beside the version).
type Guard struct {
	Ref domain.RecordRef
	Rev int64
	Err error
}

// Reader reads records of a programme.
type Reader interface {
	// ReadAccess reads the programme, the roles email holds in it (email
	// "" skips the membership), whether the web session was ended (its
	// own sign-out or its person's sign-out on every device; a session
	// with no ID skips both) and each of gets, in one round trip (one
	// per 100 keys, sent together, for more gets than that). An
	// ended session is ErrSessionEnded, whatever else was found; a
	// missing programme is ErrNotFound.
	ReadAccess(ctx context.Context, programmeID, email string, session WebSession, gets ...*Get) (domain.Programme, []domain.Role, error)
	// Read reads each of gets, any number of them: one round trip per
	// 100 (DynamoDB's bound on a BatchGetItem), sent together.
	Read(ctx context.Context, programmeID string, gets ...*Get) error
	// MissingRefs returns those of refs that are not records of the
	// programme (one round trip), so a refused request can name every bad
	// reference at once; each write checks its own references again.
	MissingRefs(ctx context.Context, programmeID string, refs []domain.RecordRef) ([]domain.RecordRef, error)
	// NewestCorrection is the newest correction of the submission
	// (kind domain.EntityOutcome) or spend return (domain.EntitySpend) id:
	// the one that replaced it, or the one that replaced that, and so on;
	// "" when it was never corrected. It follows the correction markers
	// a correction writes with itself: one read a link of the chain (one
	// for a record never corrected), however many records the project or
	// grant holds.
	NewestCorrection(ctx context.Context, programmeID string, kind domain.Entity, id string) (string, error)
	// Ping reads from the table, to say whether it answers.
	Ping(ctx context.Context) error
}

// ProgrammeStore keeps programmes and their members.
type ProgrammeStore interface {
	CreateProgramme(ctx context.Context, p domain.Programme, ch Change) error
	// UpdateProgramme replaces a programme still at before's version.
	UpdateProgramme(ctx context.Context, before, after domain.Programme, ch Change) error
	ListProgrammes(ctx context.Context, p Page) ([]domain.Programme, string, error)
	ListProgrammesOf(ctx context.Context, email string, p Page) ([]domain.Programme, string, error)
	// PutMember creates (before nil) or replaces a member still as before.
	PutMember(ctx context.Context, programmeID string, m domain.Member, before *domain.Member, ch Change) error
	DeleteMember(ctx context.Context, programmeID string, before domain.Member, ch Change) error
	ListMembers(ctx context.Context, programmeID string, p Page) ([]domain.Member, string, error)
}

// OrganisationStore keeps a programme's funders and projects.
type OrganisationStore interface {
	// CreateFunder stores a funder. A name another funder created since
	// the name markers has (domain.FunderNameKey) is a *NameTakenError;
	// one of a funder stored before them is not seen.
	CreateFunder(ctx context.Context, programmeID string, f domain.Funder, ch Change) error
	// UpdateFunder replaces a funder still at before's version; a new
	// name is held as CreateFunder holds it (*NameTakenError), and the old
	// one freed.
	UpdateFunder(ctx context.Context, programmeID string, before, after domain.Funder, ch Change) error
	ListFunders(ctx context.Context, programmeID string, p Page) ([]domain.Funder, string, error)
	// CreateProject stores a project; gen, when not nil, marks the returns
	// its schedules now expect of it as still to be written (see
	// Generation), in the same transaction. A name another project
	// created since the name markers has (domain.ProjectNameKey) is a
	// *NameTakenError; one of a project stored before them is not seen.
	CreateProject(ctx context.Context, programmeID string, pr domain.Project, gen *Generation, ch Change) error
	// UpdateProject replaces a project still at before's version; a new
	// name is held as CreateProject holds it (*NameTakenError), and the
	// old one freed. rc, when not nil, is what new dates do to the
	// project's returns, in the same transaction (see ProjectReturns).
	UpdateProject(ctx context.Context, programmeID string, before, after domain.Project, rc *ProjectReturns, ch Change) error
	ListProjects(ctx context.Context, programmeID string, p Page) ([]domain.Project, string, error)
}

// GrantFilter narrows a grant list to what a caller may read. The zero
// value lists every grant of the programme.
type GrantFilter struct {
	Funders  map[string]bool
	Projects map[string]bool
}

// GrantStore keeps grant awards and the funding totals they move.
type GrantStore interface {
	CreateGrant(ctx context.Context, programmeID string, g domain.Grant, ch Change) error
	// UpdateGrant replaces a grant still at before's version; a smaller
	// amount than its payments not cancelled add up to is ErrOverCommitted.
	UpdateGrant(ctx context.Context, programmeID string, before, after domain.Grant, ch Change) error
	ListGrants(ctx context.Context, programmeID string, f GrantFilter, p Page) ([]domain.Grant, string, error)
}

// DeliveryStore keeps what projects record: posts, cohorts and outcome
// submissions, with the totals each moves.
type DeliveryStore interface {
	CreatePost(ctx context.Context, programmeID string, p domain.Post, ch Change) error
	UpdatePost(ctx context.Context, programmeID string, before, after domain.Post, ch Change) error
	ListPosts(ctx context.Context, programmeID, projectID string, p Page) ([]domain.Post, string, error)
	CreateCohort(ctx context.Context, programmeID string, c domain.Cohort, ch Change) error
	UpdateCohort(ctx context.Context, programmeID string, before, after domain.Cohort, ch Change) error
	ListCohorts(ctx context.Context, programmeID, projectID string, p Page) ([]domain.Cohort, string, error)
	// CreateOutcome stores a submission and everything it moves (see
	// Submission). A correction of a submission corrected already is
	// refused with *AlreadyCorrectedError; anything else the write was
	// planned on that changed meanwhile, with ErrChanged.
	CreateOutcome(ctx context.Context, programmeID string, sub Submission, ch Change) error
	ListOutcomes(ctx context.Context, programmeID, projectID string, f OutcomeFilter, p Page) ([]domain.Outcome, string, error)
	// ListPeriodOutcomes lists the submissions of a project for exactly
	// the period start to end, corrections included, newest first: at most
	// limit of them, the newest. It reads those submissions only, however
	// long the project's history, and may miss one stored a moment ago (it
	// reads an index, which DynamoDB keeps eventually consistent).
	ListPeriodOutcomes(ctx context.Context, programmeID, projectID string, start, end domain.Date, limit int) ([]domain.Outcome, error)
}

// OutcomeFilter narrows a project's submissions: funders read approved
// ones only.
type OutcomeFilter struct {
	ApprovedOnly bool
}

// ReturnWrite is one return a change writes: Before is the return as read
// (nil: it is not written yet, and this write creates it), After what it
// becomes. Each is conditioned on Before still being so.
type ReturnWrite struct {
	Before *domain.Return
	After  domain.Return
}

// Submission is everything storing one outcome submission writes in its
// transaction.
type Submission struct {
	Outcome domain.Outcome
	// Old is the submission it corrects, as read: the write is refused
	// (ErrChanged) if its status changed meanwhile.
	Old *domain.Outcome
	// TakesOver are the submissions sent back for changes whose returns
	// it fills as their project's answer (domain.Outcome.TakesOver), as
	// read: each is marked corrected by it as a corrected Old is, so a
	// later correction of one is refused (AlreadyCorrectedError); the
	// write is refused (ErrChanged) if one was corrected, or its status
	// changed, meanwhile.
	TakesOver []domain.Outcome
	// Figures is how the counted and pending figures move.
	Figures domain.FigureChange
	// Returns are the returns it fills.
	Returns []ReturnWrite
	// Planned are the premises of the returns of Returns it writes itself
	// (one not written yet, Before nil: its project's dates widened, or its
	// schedule made or lengthened, a moment ago), as a generation's returns
	// carry them (plannedOn): a dependent's premise on the project's dates
	// and on each such return's schedule's last period as read, so that a
	// narrowing of either planned on a read of the returns from before the
	// write is refused by its guard and plans again, finding the return.
	Planned []Premise
	// Seq is the reporting setup's sequence as read, checked unchanged so
	// a schedule added meanwhile is not missed (ErrChanged).
	Seq int64
	// Notify is the email to the leads about a submission awaiting
	// review, recorded with it so it goes exactly when it should.
	Notify *domain.Notification
	// Release is the payments it makes due: those its counted figures
	// take over a threshold, or on a return it accepts.
	Release Release
}

// OutcomeReview is everything a lead's decision on a submission writes.
type OutcomeReview struct {
	Before, After domain.Outcome
	Figures       domain.FigureChange
	Returns       []ReturnWrite
	Notify        *domain.Notification
	// Release is the payments an approval makes due (see Submission).
	Release Release
}

// Falling is a payment that falls due in the transaction of the change
// that fires its trigger (see Release).
type Falling struct {
	Grant domain.Grant
	// Before is the payment as read, scheduled: it falls due only while
	// it is still so (its version and status), else the change is
	// refused with ErrChanged, to be planned again on a fresh read.
	Before domain.Payment
	// After is the payment due.
	After domain.Payment
	// Note is its payment-due email, recorded pending with it (its fixed
	// id makes each payment's email exist at most once, whoever made the
	// payment due); the notifier sends it.
	Note domain.Notification
	// Audit is the event of the payment's change.
	Audit domain.AuditEvent
}

// Release is what a change writes, in its own transaction, for the
// payments whose trigger it fires: an approval (or, without review, a
// submission) whose counted figures take a target over a payment's
// threshold, or that accepts a payment's return. So a payment is due as
// soon as its trigger holds, not at the notifier's next run; the notifier
// remains for dated payments whose date comes later and for anything a
// change leaves to it (docs/dynamodb.md, "Payments falling due with their
// trigger").
type Release struct {
	Falling []Falling
	// Figures, when not nil, is the programme's figures version
	// (FiguresAsOf) the milestone decisions were made on: the change
	// commits only while no other change of the figures, targets or
	// waiting payments came since, else ErrChanged.
	Figures *int64
	// Later says the change may fire triggers it does not make due
	// itself (more payments than it read, or than one transaction holds):
	// the programme's figures are marked changed, so the notifier looks.
	// Storage sets it too for any of Falling it cannot fit.
	Later bool
}

// DueAtOnce is what storing a payment that is due when it is made (its
// date has come, its return is accepted, its target's threshold is
// reached) writes with it.
type DueAtOnce struct {
	// Note is its payment-due email, recorded pending.
	Note domain.Notification
	// Figures, for a payment on a target, is the figures version the
	// decision was made on (see Release.Figures).
	Figures *int64
}

// PaymentEmail is what marking a due payment paid, or cancelling it, does
// to its payment-due email, read pending with the payment. Note is the
// email as read. With Withdraw (the email had gone to nobody: nobody has
// it, refused it or is being sent it), the change deletes the email, on
// the condition that it is still pending and so whatever lease a
// notifier run holds on it, and records Withdraw, the audit event of its
// deletion: the notifier's claim of a recipient is conditioned on the
// email being there and pending, so none can be sent after. Without, the
// email had gone to someone (it goes to all, or a notifier run settles
// the rest with notNeeded), and the change is conditioned on its not
// being pending and unsent to anyone (a passing failure can make it so
// again by withdrawing its only claim). Either refused is ErrChanged.
//
// With Finish (the email had gone to some, delivered or refused, and
// nobody is being sent it now), the change finishes it as Finish says
// (domain.Notification.SettledUnneeded: sent, or failed when nobody has
// it, notNeeded the reason) with FinishEvent, its audit event, on the
// condition that it is pending, nobody is being sent it and its delivered
// and refused are as read: so it reads settled at once, not pending until
// a notifier run settles it, and a run holding its lease can claim nobody
// more. Refused, that too is ErrChanged.
type PaymentEmail struct {
	Note        domain.Notification
	Withdraw    *domain.AuditEvent
	Finish      *domain.Notification
	FinishEvent *domain.AuditEvent
}

// ReportingSetup is a programme's reporting schedules with their return
// counts (every project's: a project's own are read with Figures), and a
// sequence number that changes whenever schedules are added or extended.
type ReportingSetup struct {
	Seq       int64
	Schedules []domain.Schedule
	Stats     map[string]domain.ReturnStats
}

// Generation is returns still to write: those schedule ScheduleID ("":
// each of the programme's) expects of project ProjectID ("": each it
// covers). A schedule expects a return of every project for every period,
// often more than one transaction holds, so they are written after the
// change that calls for them; the change records the generation in its
// own transaction and it is cleared once every return is written. One a
// failure leaves behind is finished by the notifier.
type Generation struct {
	ID          string
	ProgrammeID string
	ScheduleID  string
	ProjectID   string
	StartedAt   time.Time
	// Ran, for a project's generation after its dates widened, is the
	// project with the dates it ran before (its StartDate and EndDate):
	// the returns of periods it ran during then are written already, so
	// only the others are written (domain.Project.RunsDuring).
	Ran *domain.Project
}

// ProjectReturns is what a change of a project's dates does to its
// returns, which a schedule expects only for the periods the project
// runs during (domain.Schedule.ReturnFor). The setup's sequence moves on
// from Seq (ErrChanged if it moved meanwhile), so a submission planned on
// the project's old dates plans again; Gen, when not nil, is the returns
// newly covered periods call for (written after, as a new project's
// are); Removed are returns, nothing sent for them, of the periods the
// project no longer runs during, each deleted (and so out of the
// notifier's index) while still at the version read with nothing sent
// (else ErrChanged), its counts taken back, as UpdateSchedule removes
// those of periods a schedule no longer has.
type ProjectReturns struct {
	Seq     int64
	Gen     *Generation
	Removed []domain.Return
}

// ReturnRange is one part of a list of returns: those of a schedule in a
// list (domain.ReturnList: a state, or the accepted returns whose
// correction was sent back) whose periods end in [From, To) (either zero
// for no bound).
type ReturnRange struct {
	ScheduleID string
	List       domain.ReturnList
	From, To   domain.Date
}

// StartRange is one part of a list of a project's returns read from the
// table's own keys: those of a schedule, in every list, whose periods
// start in [From, To) (either zero for no bound).
type StartRange struct {
	ScheduleID string
	From, To   domain.Date
}

// ReturnFilter narrows a list of returns. With no ranges it is every
// return of the programme (of ProjectIDs, when given); with ranges, the
// returns in any of them (of ProjectIDs, when given). The store reads each
// part from an index in one request a page, whatever the history. With
// Starts instead (ProjectIDs then required), the returns of ProjectIDs in
// any of those: each part is read from the table's keys, consistently, in
// one request a page, so a return written just before is in the list,
// which an index (eventually consistent) may not show yet.
type ReturnFilter struct {
	ProjectIDs []string
	Ranges     []ReturnRange
	Starts     []StartRange
}

// ReportingStore keeps schedules, their returns and the review of
// submissions.
type ReportingStore interface {
	ReportingSetup(ctx context.Context, programmeID string) (ReportingSetup, error)
	// CreateSchedule stores a schedule with gen, moving the setup's
	// sequence on from seq (ErrChanged if it moved meanwhile).
	CreateSchedule(ctx context.Context, programmeID string, s domain.Schedule, seq int64, gen *Generation, ch Change) error
	// UpdateSchedule replaces a schedule still at before's version; gen,
	// when not nil, is the returns its new periods call for. removed are
	// returns, nothing sent for them, of the periods it no longer has
	// (its last period moved earlier): each is deleted (and so leaves the
	// notifier's index) in the same transaction, its counts taken back,
	// while it is still at the version read with nothing sent (else
	// ErrChanged).
	UpdateSchedule(ctx context.Context, programmeID string, before, after domain.Schedule, seq int64, gen *Generation, removed []domain.Return, ch Change) error
	ListSchedules(ctx context.Context, programmeID string, p Page) ([]domain.Schedule, string, error)
	// CreateReturns writes those of returns not written yet, with their
	// schedules' counts; any written meanwhile are left as they are.
	// planned are the premises the returns were planned on: a dependent's
	// premise (Premise.Dependent) on each project's dates and each
	// schedule's last period as read. Each write of returns carries those
	// of its returns' projects and schedules, so it is refused (their
	// Err) once one of them changed, and a change of one planned on a
	// read of its returns from before the write (a project's dates or a
	// schedule's last period narrowed, guarded on the record's revision:
	// Guard) is refused in turn. Returns written by an earlier write stay.
	// So too for the submission a return was filled from (its status as
	// read): a review landing first refuses the write, and a review
	// planned on a read of the returns before it (a return not written
	// yet is left alone) is refused by its guard on the submission's
	// revision (ReviewOutcome). Which premises a return carries is
	// PremisesOf.
	CreateReturns(ctx context.Context, programmeID string, returns []domain.Return, planned ...Premise) error
	// FinishGeneration clears a generation once its returns are written.
	FinishGeneration(ctx context.Context, programmeID, genID string) error
	ListReturns(ctx context.Context, programmeID string, f ReturnFilter, p Page) ([]domain.Return, string, error)
	// RecheckReturns has the notifier look again on day on at the
	// schedule's returns not yet sent whose periods end in [from, to),
	// of projectIDs only when not nil (their reminders changed, or their
	// projects have someone to tell now).
	RecheckReturns(ctx context.Context, programmeID, scheduleID string, projectIDs []string, from, to, on domain.Date) error
	// ReviewOutcome records a lead's decision: refused with ErrChanged if
	// the submission is no longer as read, with *AlreadyCorrectedError if
	// it was corrected meanwhile.
	ReviewOutcome(ctx context.Context, programmeID string, rv OutcomeReview, ch Change) error
	// ListPendingOutcomes lists the programme's submissions awaiting
	// review, oldest first.
	ListPendingOutcomes(ctx context.Context, programmeID string, p Page) ([]domain.Outcome, string, error)
}

// MoneyStore keeps a grant's payments and spend returns, with the grant's
// money figures (domain.GrantMoney) each moves, in the same change.
type MoneyStore interface {
	// CreatePayment stores a payment of grant g, refused with
	// ErrOverCommitted when g's payments that are not cancelled would then
	// add up to more than g's amount. That is checked on a running figure
	// in the same change, so payments made at the same moment cannot
	// together exceed it. A payment waiting on a target or return marks
	// the programme's figures changed, for the notifier to look at. A
	// payment stored due (due not nil) is stored with its email; one on a
	// target is refused with ErrChanged if the figures moved since
	// due.Figures.
	CreatePayment(ctx context.Context, programmeID string, g domain.Grant, p domain.Payment, due *DueAtOnce, ch Change) error
	// PaymentsWaitingOn lists up to limit of the programme's scheduled
	// payments waiting on a trigger of kind (milestone or return) on id
	// ("": on any of that kind), from their index: one request, however
	// many the programme has. more says some were left out. An index, it
	// may miss a payment made a moment ago, or list one no longer waiting:
	// a change reads each again by its key before it relies on it.
	PaymentsWaitingOn(ctx context.Context, programmeID string, kind domain.TriggerKind, id string, limit int) (ps []domain.Payment, more bool, err error)
	// ReleasePayments writes rel alone, in one transaction: the payments
	// fired by a change whose own writes are stored already (an import,
	// written over many transactions), each with its email and audit
	// event, conditioned as a change's own release is (ErrChanged).
	ReleasePayments(ctx context.Context, programmeID string, rel Release) error
	// UpdatePayment replaces a payment of g still at before's version.
	// With email (a due payment marked paid or cancelled while its
	// payment-due email was pending, as read with it), the same change
	// withdraws that email or checks it is still going: see PaymentEmail.
	// Either refused is ErrChanged: the email moved on since it was read.
	UpdatePayment(ctx context.Context, programmeID string, g domain.Grant, before, after domain.Payment, email *PaymentEmail, ch Change) error
	// ListPayments lists a grant's payments (every payment of the
	// programme when grantID is ""), oldest first.
	ListPayments(ctx context.Context, programmeID, grantID string, p Page) ([]domain.Payment, string, error)
	// CreateSpend stores a spend return; with old (the return it replaces)
	// it is a correction, refused with *AlreadyCorrectedError if old was
	// corrected already. seen is how many spend returns of the grant
	// (corrections included) the write was planned on: it is refused with
	// ErrChanged if the grant has any other by then, so a rule checked
	// against the grant's returns (no two count the same days) holds
	// against a return stored at the same moment.
	CreateSpend(ctx context.Context, programmeID string, s domain.SpendReturn, old *domain.SpendReturn, seen int, ch Change) error
	// ListSpend lists a grant's spend returns, corrections included,
	// oldest first.
	ListSpend(ctx context.Context, programmeID, grantID string, p Page) ([]domain.SpendReturn, string, error)
	// Money reads the running money figures of the programme's grants, by
	// grant id (a grant with none yet is missing).
	Money(ctx context.Context, programmeID string) (map[string]domain.GrantMoney, error)
	// GrantMoney reads one grant's (zero when it has none yet).
	GrantMoney(ctx context.Context, programmeID, grantID string) (domain.GrantMoney, error)
}

// TargetStore keeps targets; due is a target's next time-driven check.
type TargetStore interface {
	CreateTarget(ctx context.Context, programmeID string, t domain.Target, due domain.Date, ch Change) error
	// UpdateTarget replaces a target still at before's version, making due
	// with it the payments rel says its change fires (see Release).
	UpdateTarget(ctx context.Context, programmeID string, before, after domain.Target, due domain.Date, rel Release, ch Change) error
	// ListTargets lists a programme's targets, each with the day it sits
	// in the notifier's due index as read (domain.Target.DueOn; zero when
	// not there).
	ListTargets(ctx context.Context, programmeID string, p Page) ([]domain.Target, string, error)
}

// TotalsStore reads a programme's running figures.
type TotalsStore interface {
	Totals(ctx context.Context, programmeID string) (domain.Totals, error)
	// Series reads years of figures by the day periods ended, for the
	// targets' windows (a missing year is an empty series).
	Series(ctx context.Context, programmeID string, keys []domain.SeriesKey) (map[domain.SeriesKey]domain.DaySeries, error)
	// FiguresAsOf reads the years of figures keys name, and each of gets,
	// with the programme's figures version (its count of changes to its
	// figures, targets or waiting payments), all as of one moment, in one
	// request: a decision made on them holds while the version is
	// unchanged (Release.Figures). At most MaxFiguresAsOf keys and gets
	// together.
	FiguresAsOf(ctx context.Context, programmeID string, keys []domain.SeriesKey, gets ...*Get) (map[domain.SeriesKey]domain.DaySeries, int64, error)
}

// ReportStore reads what a period report needs beyond the running figures.
type ReportStore interface {
	// PeriodSeries reads the years of figures keys name (a missing year is
	// an empty series) with, from the programme's own years among them,
	// the wellbeing measures' sums by the day periods ended: one
	// BatchGetItem per 100 keys.
	PeriodSeries(ctx context.Context, programmeID string, keys []domain.SeriesKey) (map[domain.SeriesKey]domain.DaySeries, domain.DayMeasures, error)
	// PeriodMoney reads the money paid (by the date paid) and spent (by
	// the end of each spend return's period) in the period, by funder and
	// project.
	PeriodMoney(ctx context.Context, programmeID string, p domain.Period) (paid, spent map[domain.FundingKey]int64, err error)
}

// Membership is a programme a person belongs to, with their roles in it.
type Membership struct {
	ProgrammeID string
	Roles       []domain.Role
}

// FigureKeys asks for one programme's figures: years of its daily series,
// its schedules' return counts (every project's), and for each of
// Projects its own return counts of each of ProjectSchedules (a project
// lead's: domain.Access.ReturnStatsSeen).
type FigureKeys struct {
	Series           []domain.SeriesKey
	Schedules        []string
	Projects         []string
	ProjectSchedules []string
}

// Figures are one programme's figures as FigureKeys asked for them: every
// key asked for is there, empty when nothing is kept under it.
// ProjectStats are by project, then schedule.
type Figures struct {
	Series       map[domain.SeriesKey]domain.DaySeries
	Stats        map[string]domain.ReturnStats
	ProjectStats map[string]map[string]domain.ReturnStats
}

// PortfolioStore reads many programmes at once, for a portfolio: each
// method is one request per 100 records, whatever the programmes hold.
type PortfolioStore interface {
	// Memberships lists the programmes email belongs to with its roles
	// in each (one Query a page).
	Memberships(ctx context.Context, email string, p Page) ([]Membership, string, error)
	// MemberRoles reads email's roles in each of the programmes ids, by
	// key (one request per 100): an administrator's page of programmes
	// comes without them. A programme email is no member of is left out.
	MemberRoles(ctx context.Context, email string, ids []string) (map[string][]domain.Role, error)
	// Summaries reads each programme with its running figures, its
	// targets and its schedules (no return counts: see Figures), by id; a
	// programme not there is left out.
	Summaries(ctx context.Context, ids []string) (map[string]domain.ProgrammeSummary, error)
	// Figures reads what want asks of each programme, by programme id.
	Figures(ctx context.Context, want map[string]FigureKeys) (map[string]Figures, error)
}

// NotificationStore lists a programme's notifications; keep, when not nil,
// chooses the ones the caller may see (pages are filled past the others).
type NotificationStore interface {
	ListNotifications(ctx context.Context, programmeID string, keep func(domain.Notification) bool, p Page) ([]domain.Notification, string, error)
}

// AuditFilter narrows the audit trail to one kind of record or one person.
type AuditFilter struct {
	Entity domain.Entity
	Email  string
	// Blank names the filters a request gave with no value (the API's
	// "?entity=" or "?user="): ListAudit refuses them, naming each, to a
	// caller who may read the trail, rather than list every change as if
	// that were the filter's answer. The store never sees one set.
	Blank []string
}

// AuditStore reads the audit trail, newest first.
type AuditStore interface {
	ListAudit(ctx context.Context, programmeID string, f AuditFilter, p Page) ([]domain.AuditEvent, string, error)
	History(ctx context.Context, programmeID string, ref domain.RecordRef, p Page) ([]domain.AuditEvent, string, error)
}

// SavedAnswer is the first answer to an idempotent request, replayed to
// every repeat of it.
type SavedAnswer struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    []byte            `json:"body"`
}

// Errors of the idempotency contract (see IdempotencyStore).
var (
	// ErrKeyReused: the key was used with a different request.
	ErrKeyReused = errors.New("idempotency key used with another request")
	// ErrInProgress: the first request with the key is still running.
	ErrInProgress = errors.New("idempotent request in progress")
	// ErrAnswerLost: the first request's change was committed but its
	// answer never saved (it died in between).
	ErrAnswerLost = errors.New("idempotent request applied, answer lost")
)

// IdempotencyStore keeps claims on idempotency keys and the answers to
// replay.
type IdempotencyStore interface {
	// BeginIdempotent claims c's key for a request whose content hashes to
	// hash. It returns (nil, nil) to go ahead, the saved answer of an
	// earlier identical request, or ErrKeyReused, ErrInProgress or
	// ErrAnswerLost. With ErrKeyReused it also returns the earlier
	// request's saved answer, if it has one: a key is its caller's own
	// (Claim.Scope), so that answer is theirs, and the web's form keys
	// use it to point at what the form saved.
	BeginIdempotent(ctx context.Context, c Claim, hash string, now time.Time, lease time.Duration) (*SavedAnswer, error)
	// CompleteIdempotent saves the answer for replay.
	CompleteIdempotent(ctx context.Context, c Claim, a SavedAnswer) error
	// AbandonIdempotent releases a claim whose request changed nothing.
	AbandonIdempotent(ctx context.Context, c Claim) error
}

// ImportStore keeps what spreadsheet imports need beyond submissions.
type ImportStore interface {
	// ImportOutcomes writes b's submissions in order, in as few
	// transactions as DynamoDB's limits allow: each all or nothing, with
	// the figures, returns and emails its submissions move (merged where
	// several touch one item), their audit events, and a check that b.Lock
	// still holds the programme's import lock (else ErrConflict). It
	// returns how many submissions were written (always a prefix) with the
	// error that stopped it: ErrChanged or *AlreadyCorrectedError when a
	// submission was planned on something that changed, as CreateOutcome.
	ImportOutcomes(ctx context.Context, programmeID string, b ImportBatch) (int, error)
	// LockImports takes the programme's import lock for holder until
	// now+lease, if it is free or its holder's lease ran out; else
	// ErrConflict.
	LockImports(ctx context.Context, programmeID, holder string, now time.Time, lease time.Duration) error
	// UnlockImports releases holder's lock (nothing if another holds it).
	UnlockImports(ctx context.Context, programmeID, holder string) error
	// StageFile keeps an uploaded file until f.Expires.
	StageFile(ctx context.Context, programmeID string, f StagedFile) error
	// StagedFile reads a kept file, or ErrNotFound.
	StagedFile(ctx context.Context, programmeID, id string) (StagedFile, error)
}

// Storer is everything the service needs from storage.
type Storer interface {
	Reader
	ProgrammeStore
	OrganisationStore
	GrantStore
	DeliveryStore
	TargetStore
	TotalsStore
	ReportStore
	PortfolioStore
	NotificationStore
	AuditStore
	IdempotencyStore
	MoneyStore
	ReportingStore
	ImportStore
	SessionStore
}

// SessionStore keeps the web sessions people signed out of, and the
// instants people signed out on every device, until each would have
// expired anyway.
type SessionStore interface {
	// EndSession records that session was signed out of at at (the
	// service's clock); the record expires at until, when the session's
	// cookie would have.
	EndSession(ctx context.Context, session string, at, until time.Time) error
	// EndSessionsBefore records that every web session of the person
	// subject (the verified identity's subject) that started before
	// before is ended: a sign-out on every device. The record expires at
	// until, when the last such session's cookie would have. A record of
	// a later instant is kept: an earlier one never replaces it.
	EndSessionsBefore(ctx context.Context, subject string, before, until time.Time) error
	// SessionEnded reports whether session was ended, by its own sign-out
	// or its person's on every device (WebSession.EndedBy), in one
	// request: for requests that read nothing of a programme, where
	// ReadAccess cannot carry the check.
	SessionEnded(ctx context.Context, session WebSession) (bool, error)
}

// WebSession is what a web request's session check reads by: the
// session's ID (its own sign-out's record), its person's subject (their
// sign-out on every device) and when it started. The zero WebSession (the
// API's bearer tokens) checks nothing.
type WebSession struct {
	ID       string
	Subject  string
	IssuedAt time.Time
}

// SessionOf is the web session c came with (zero for the API's callers).
func SessionOf(c domain.Caller) WebSession {
	if c.Session == "" {
		return WebSession{}
	}
	return WebSession{ID: c.Session, Subject: c.Subject, IssuedAt: c.SessionIssued}
}

// EndedBy reports whether a sign-out on every device at before ends the
// session: it does when the session started before then. A session
// minted before sessions kept their start has the zero IssuedAt, so any
// such sign-out ends it; one started at or after the instant (a sign-in
// after signing out everywhere) goes on.
func (w WebSession) EndedBy(before time.Time) bool { return w.IssuedAt.Before(before) }

// PremisesOf indexes the premises returns were planned on (see
// ReportingStore.CreateReturns) by the returns they concern: those of
// a return's schedule and of its project, and that of the submission it
// was filled from (a premise on a domain.Outcome of its project and
// exact period).
func PremisesOf(planned []Premise) func(domain.Return) []Premise {
	byRef := map[domain.RecordRef]Premise{}
	byPeriod := map[string]Premise{}
	for _, pr := range planned {
		if o, ok := pr.Record.(domain.Outcome); ok && pr.Ref.Entity == domain.EntityOutcome {
			byPeriod[o.ProjectID+"#"+o.PeriodStart.String()+"#"+o.PeriodEnd.String()] = pr
			continue
		}
		byRef[pr.Ref] = pr
	}
	return func(r domain.Return) []Premise {
		var out []Premise
		for _, ref := range []domain.RecordRef{domain.Ref(domain.EntitySchedule, r.ScheduleID), domain.Ref(domain.EntityProject, r.ProjectID)} {
			if pr, ok := byRef[ref]; ok {
				out = append(out, pr)
			}
		}
		if pr, ok := byPeriod[r.ProjectID+"#"+r.PeriodStart.String()+"#"+r.PeriodEnd.String()]; ok {
			out = append(out, pr)
		}
		return out
	}
}

// ContactPremise and MemberPremise are the premises an email's recipient
// is claimed on (the notifier's send claim, notify.Delivery): the record
// that makes them a recipient is still as the notifier read it, else the
// claim fails with ErrNoLongerRecipient and writes nothing. For a
// funder's contact it is the funder, with its contacts as read (a
// contact taken off it, or the funder gone, fails it); for a lead or a
// project lead, their member item, with their roles as read (a role
// taken away, or the member removed, fails it). Any change of those
// fields fails it, not only one that takes the address off: the notifier
// then reads the people again, finds them still there, and claims again
// on the new read.
func ContactPremise(f domain.Funder) Premise {
	return Premise{Ref: domain.Ref(domain.EntityFunder, f.ID), Record: f, Fields: []string{"Contacts"}, Err: ErrNoLongerRecipient}
}

// MemberPremise: see ContactPremise.
func MemberPremise(m domain.Member) Premise {
	return Premise{Ref: domain.Ref(domain.EntityMember, m.Email), Record: m, Fields: []string{"Roles"}, Err: ErrNoLongerRecipient}
}

// GrantFunderPremise is the premise every recipient of a payment-due
// email is claimed on besides their own (ContactPremise, MemberPremise):
// the payment's grant is still funded by funderID, the funder the email
// is addressed for as the notifier read the grant. A grant given to
// another funder after that read fails it with ErrNoLongerRecipient and
// writes nothing, so no contact of the former funder is claimed (and so
// emailed) on a read of the grant that no longer holds: the notifier
// reads the grant again and readdresses the email to its funder now.
func GrantFunderPremise(grantID, funderID string) Premise {
	return Premise{Ref: domain.Ref(domain.EntityGrant, grantID), Record: domain.Grant{ID: grantID, FunderID: funderID},
		Fields: []string{"FunderID"}, Err: ErrNoLongerRecipient}
}

// TargetNotifyPremise is the premise a target's "reached" or "missed"
// email is claimed on (the notifier's ClaimNotification(s)): the target
// is still there and its notify list is still t.Notify, the funders the
// email is addressed for as the notifier read the target. A funder taken
// off the list (or put on it, or the target removed) after that read
// fails it with ErrNoLongerRecipient and writes nothing, so no email is
// recorded for funders the target no longer names: the notifier reads
// the target again and addresses the email to its list then. Only Notify
// is compared: a target renamed or retimed meanwhile refuses nothing.
func TargetNotifyPremise(t domain.Target) Premise {
	return Premise{Ref: domain.Ref(domain.EntityTarget, t.ID), Record: domain.Target{ID: t.ID, Notify: t.Notify},
		Fields: []string{"Notify"}, Err: ErrNoLongerRecipient}
}
