package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Service runs fundtrack's operations against storage.
type Service struct {
	store     Storer
	now       func() time.Time
	workbooks Workbooks // nil unless WithWorkbooks: see imports.go
	log       *slog.Logger
}

// New returns a service over st. now may be nil (wall clock). It logs to
// slog's default logger until WithLogger says otherwise.
func New(st Storer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: func() time.Time { return now().UTC().Truncate(time.Millisecond) }, log: slog.Default()}
}

// WithLogger sets, on s, where the service reports the follow-up writes
// it could not make (see leftOver): the functions' wiring does it once,
// at start.
func (s *Service) WithLogger(l *slog.Logger) *Service {
	s.log = l
	return s
}

// leftOver logs a follow-up write that failed after the change it follows
// was stored: the answer stands, and a later notifier run or an expiring
// lease finishes the work, so the log is the only trace of why it came
// late (an import lock left held refuses imports until its lease ends).
func (sc *Scope) leftOver(what string, err error) {
	if err != nil {
		sc.s.log.Warn("service: "+what+" failed; left to a later run", "programme", sc.programmeID, "requestId", sc.caller.RequestID, "err", err)
	}
}

// Health says whether storage answers: nil, or service_unavailable.
func (s *Service) Health(ctx context.Context) error {
	if err := s.store.Ping(ctx); err != nil {
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the database does not answer", Err: err}
	}
	return nil
}

// Decoder fills v from the request's input (a JSON body, a form). Scopes
// call it only after the caller's access is checked, so a non-member
// learns nothing from a validation error.
type Decoder func(v any) error

// Scope is one caller inside one programme (and perhaps one of its
// projects) for one request. Opening it reads nothing: the first operation
// reads the programme and the caller's membership together with its own
// records (one BatchGetItem for a single record; the access read beside
// the Query for a list) and checks access on the answer. Later operations
// reuse what that read found. A Scope is for one request; its methods are
// safe to call from the request's goroutines.
type Scope struct {
	s           *Service
	ctx         context.Context
	caller      domain.Caller
	programmeID string
	projectID   string // "" unless opened with OpenProject
	claim       *Claim
	// resultWithRows: an import saves its result as the claim's answer
	// with its last rows (see ConfirmImport); resultSaved records that it
	// did, so the answer is not saved a second time.
	resultWithRows, resultSaved bool
	// previewed, for a confirmation, is what its preview planned for each
	// row, by row number: the import refuses a row whose plan has changed
	// since (see checkPreviewed).
	previewed map[int]PreviewedRow

	mu        sync.Mutex
	loaded    bool
	err       error
	programme domain.Programme
	progRev   int64 // the programme's dependents revision, read with it (Get.Rev)
	access    domain.Access
	// roles are the caller's roles as the access read found them, and
	// member says it read them (not for an administrator): a write's
	// premise (asRead).
	roles   []domain.Role
	member  bool
	project domain.Project
	hasProj bool // the project exists in the programme
}

// Open returns the caller's scope in a programme.
func (s *Service) Open(ctx context.Context, c domain.Caller, programmeID string) *Scope {
	return &Scope{s: s, ctx: ctx, caller: c, programmeID: programmeID}
}

// OpenProject returns the caller's scope in one project of a programme:
// the project is read with the access check.
func (s *Service) OpenProject(ctx context.Context, c domain.Caller, programmeID, projectID string) *Scope {
	return &Scope{s: s, ctx: ctx, caller: c, programmeID: programmeID, projectID: projectID}
}

// WithClaim makes every change of the scope commit the request's
// idempotency claim in its own transaction (see Claim).
func (sc *Scope) WithClaim(c *Claim) *Scope {
	sc.claim = c
	return sc
}

// Access returns the programme and what the caller may do in it (for pages
// that show or hide actions); a non-member gets not-found.
func (sc *Scope) Access() (domain.Programme, domain.Access, error) {
	if err := sc.load(); err != nil {
		return domain.Programme{}, domain.Access{}, err
	}
	return sc.programme, sc.access, nil
}

// Programme returns the programme the caller belongs to.
func (sc *Scope) Programme() (domain.Programme, error) {
	p, _, err := sc.Access()
	return p, err
}

// load checks the caller's access, reading gets in the same round trip.
// Once access is known, gets are read on their own. The access check is
// read once: a caller that comes while it is being read waits for its
// answer (single flight). A read after it holds no lock, so calls of the
// request's goroutines are read at the same time, not one after another:
// a read touches only its own gets. Any number of gets may be read at
// once: the store sends a request per 100, together.
func (sc *Scope) load(gets ...*Get) error {
	sc.mu.Lock()
	if sc.loaded {
		err := sc.err
		sc.mu.Unlock()
		if err != nil || len(gets) == 0 {
			return err
		}
		return storeErr(sc.s.store.Read(sc.ctx, sc.programmeID, gets...), "record", nil)
	}
	defer sc.mu.Unlock()
	sc.loaded = true
	sc.err = sc.check(gets)
	return sc.err
}

func (sc *Scope) check(gets []*Get) error {
	if !domain.ValidID(sc.programmeID) {
		return domain.NotFound("programme")
	}
	email := sc.caller.Email
	if sc.caller.IsAdmin() {
		email = "" // admins need no membership; skip reading it
	}
	var proj *Get
	if sc.projectID != "" && domain.ValidID(sc.projectID) {
		proj = &Get{Ref: domain.Ref(domain.EntityProject, sc.projectID), Into: &sc.project}
		gets = append(gets, proj)
	}
	// The programme's dependents revision rides on its own read (the same
	// item: no more request), for a change of its dates to be guarded by.
	prog := &Get{Ref: domain.Ref(domain.EntityProgramme, sc.programmeID)}
	gets = append(gets, prog)
	p, roles, err := sc.s.store.ReadAccess(sc.ctx, sc.programmeID, email, SessionOf(sc.caller), gets...)
	if err != nil {
		return storeErr(err, "programme", nil)
	}
	a := domain.NewAccess(sc.caller.Identity, roles)
	if !a.IsMember() {
		for _, g := range gets { // nothing read may leak to a non-member
			g.Found = false
		}
		return domain.NotFound("programme")
	}
	sc.programme, sc.progRev, sc.access = p, prog.Rev, a
	sc.roles, sc.member = roles, email != ""
	sc.hasProj = proj != nil && proj.Found
	return nil
}

// wrote keeps the scope's programme as its own write left it (p nil: a
// dependent of it was written, moving its revision rev on), so a later
// operation of the same scope is planned on that, not on what it read
// before, and is not refused as if someone else had changed it.
func (sc *Scope) wrote(p *domain.Programme, rev int64) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if p == nil {
		sc.progRev += rev
		return
	}
	sc.programme, sc.progRev = *p, rev
}

// errReadAgain refuses a write planned on what the scope's access read
// found (the programme's settings, the caller's roles: asRead) when that
// changed before the write landed: an ErrChanged, planned again once the
// access is read again (reread).
var errReadAgain = fmt.Errorf("%w: the programme or the caller's roles as the request read them", ErrChanged)

// asRead are the premises of a write planned on what the scope's access
// read found: the fields of the programme its rules read (named as
// domain.Programme's Go fields: its review setting, its dates; none, no
// premise on the programme) and the caller's membership, which let them
// make it (their roles as read: a member removed, or whose roles changed,
// meanwhile refuses it; an administrator's access is their group's, and
// has none). The write commits only while they are still so, else it
// fails with errReadAgain and the request plans it again on a fresh read
// (reread), where a caller removed is not found. ConditionChecks in the
// write's own transaction: no request more.
func (sc *Scope) asRead(fields ...string) []Premise {
	var out []Premise
	if len(fields) > 0 {
		out = append(out, Premise{Ref: domain.Ref(domain.EntityProgramme, sc.programmeID), Record: sc.programme,
			Fields: fields, Err: errReadAgain})
	}
	if sc.member {
		out = append(out, Premise{Ref: domain.Ref(domain.EntityMember, sc.caller.Email),
			Record: domain.Member{Email: sc.caller.Email, Roles: sc.roles}, Fields: []string{"Roles"}, Err: errReadAgain})
	}
	return out
}

// asMember sends a write the caller makes as a member of the programme
// (send, given ch with the caller's membership, as the access read found
// it, among its premises: asRead), so that a member removed, or whose
// roles changed, between that read and the write writes nothing. Refused
// so (errReadAgain), the access is read again (reread): a caller removed
// is not found (404), as any request of theirs now is; one whose roles no
// longer allow the write (may) is forbidden (403); one still allowed has
// the same write sent again on their roles as they are now, told nothing
// of it (its plan rests on the caller's roles only through may). An
// administrator's access is their group's: their write has no such
// premise and is sent once. A ConditionCheck of MEMBER#<email> in the
// write's own transaction: no request more.
//
// A change that writes the caller's own member item (their own roles)
// must not be sent so: its own condition on that item, as read, is its
// premise (a transaction names an item once).
func (sc *Scope) asMember(ch Change, may func() error, send func(Change) error) error {
	own := slices.Clip(ch.Premises)
	for plan := 1; ; plan++ {
		ch.Premises = append(own, sc.asRead()...)
		err := send(ch)
		if !errors.Is(err, errReadAgain) {
			return err
		}
		if plan >= maxPlans {
			return &domain.Error{Code: domain.CodeConflict, Err: err,
				Message: "your roles in this programme kept changing while this was being saved: look at them again and retry"}
		}
		if err := sc.reread(); err != nil {
			return err
		}
		if err := may(); err != nil {
			return err
		}
	}
}

// wroteOwn keeps the caller's membership as the scope's own write left it
// (m nil: removed), as wrote does the programme, so that a later write of
// the same request is premised on that, not on what the access read
// found, and is not refused as if someone else had changed it. Their
// roles changed, it is held to the new ones; removed (a lead leaving, who
// then takes themselves off funders' contacts), it is made on the access
// the request read, with no member item left to check.
func (sc *Scope) wroteOwn(m *domain.Member) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if m == nil {
		sc.member = false
		return
	}
	sc.roles = m.Roles
}

// mayManage is the access check of a write for leads (and admins) only,
// for asMember to ask again: what is what the refusal says they may not do.
func (sc *Scope) mayManage(what string) func() error {
	return func() error { return sc.manage(what) }
}

// reread reads the programme and the caller's membership again, as the
// scope's first operation did (one round trip), after a write planned on
// them was refused (errReadAgain). Its answer replaces what the scope
// knew: a caller who is no longer a member is not found, as any request
// of theirs now is; the write's own access check is the caller's to run
// again on it.
func (sc *Scope) reread() error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.loaded, sc.err = true, sc.check(nil)
	return sc.err
}

// alongside runs read beside the access check when access is not known
// yet, so a list costs one round trip; its result is dropped if access
// fails. The read must not depend on the caller's roles. gets ride in the
// access check (the grant whose payments a list shows, say).
func (sc *Scope) alongside(read func() error, gets ...*Get) error {
	sc.mu.Lock()
	known := sc.loaded
	sc.mu.Unlock()
	if known {
		if err := sc.load(gets...); err != nil {
			return err
		}
		return read()
	}
	var readErr error
	done := make(chan struct{})
	go func() { defer close(done); readErr = read() }()
	err := sc.load(gets...)
	<-done
	if err != nil {
		return err
	}
	return readErr
}

// get reads one record of the programme (with the access check when it is
// not known yet), as not-found when it is not there.
func (sc *Scope) get(ref domain.RecordRef, into any, what string) error {
	_, err := sc.getRev(ref, into, what)
	return err
}

// getRev is get that also answers the record's dependents revision, for
// a change to be guarded by (see Guard).
func (sc *Scope) getRev(ref domain.RecordRef, into any, what string) (int64, error) {
	if !domain.ValidID(ref.ID) || (ref.ProjectID != "" && !domain.ValidID(ref.ProjectID)) {
		if err := sc.load(); err != nil {
			return 0, err
		}
		return 0, domain.NotFound(what)
	}
	g := &Get{Ref: ref, Into: into}
	if err := sc.load(g); err != nil {
		return 0, err
	}
	if !g.Found {
		return 0, domain.NotFound(what)
	}
	return g.Rev, nil
}

// change is the Change a write of this scope carries.
func (sc *Scope) change(entity domain.Entity, id string, action domain.Action, before, after any) Change {
	ev := domain.NewAuditEvent(sc.caller, sc.programmeID, entity, id, action, before, after, sc.s.now())
	return Change{Audit: ev, Claim: sc.claim}
}

// changeOf is the Change an update of before to after writes, and false
// when the update changes nothing: the audit trail's own comparison finds
// no field changed (versions and times aside). Such an update writes
// nothing and answers the record as it is, so a save that changes nothing
// neither fills the trail with empty events nor moves the version on,
// which would make every other client's ETag stale for no reason.
func (sc *Scope) changeOf(entity domain.Entity, id string, before, after any) (Change, bool) {
	ch := sc.change(entity, id, domain.ActionChange, before, after)
	return ch, len(ch.Audit.Changes) > 0
}

func forbidden(what string) error {
	return domain.Errorf(domain.CodeForbidden, "your role in this programme does not allow you to %s", what)
}

// manage opens the scope for an action of the roles table's "manage" rows.
func (sc *Scope) manage(what string) error {
	if err := sc.load(); err != nil {
		return err
	}
	if !sc.access.CanManage() {
		return forbidden(what)
	}
	return nil
}

// decodeValid decodes and validates an input, then runs the personal-data
// guard over all its free text (422 naming each field; with other bad
// fields, 400 naming them and these together: domain.WithText). Every input type
// must list its text (domain.TextFielder), so a new one cannot skip the guard.
func decodeValid[T interface {
	Validate() error
	domain.TextFielder
}](body Decoder) (T, error) {
	var in T
	if err := body(&in); err != nil {
		// Still check the rules and the text, so one answer names every
		// bad field (domain.WithText).
		return in, domain.WithText(domain.MergeProblems(err, in.Validate()), in)
	}
	return in, domain.WithText(in.Validate(), in)
}

// updateLoop runs one optimistic update: read, apply, check If-Match,
// write conditioned on the version read. With "If-Match: *" the client
// accepts any version, so losing a race to another writer is retried on
// the fresh record, after a short random pause, instead of answering 412.
// Each round some writer wins, so maxChangeAttempts covers that many
// racing writers.
//
// A record whose version ifMatch refuses (versionRefused) is answered 412
// at once, whatever ifMatch says of other versions: a version the client
// named that is not the record's is stale now and stays stale, so reading
// the record again could only cost time (a matcher taken for "*" because
// it accepted the probe -1 once made a stale "-1" sixteen reads).
func updateLoop[T any](ctx context.Context, ifMatch func(version int64) bool, attempt func(round int) (T, error)) (T, error) {
	anyVersion := ifMatch(-1) // only "*" matches a version that cannot exist
	for i := 1; ; i++ {
		v, err := attempt(i)
		if !anyVersion || i >= maxChangeAttempts || domain.ErrorCode(err) != domain.CodePreconditionFailed || errors.Is(err, errVersionRefused) {
			return v, err
		}
		if err := Pause(ctx, time.Duration(rand.N(10*i)+1)*time.Millisecond); err != nil {
			return v, storeErr(err, "", nil)
		}
	}
}

// WriteGrace is how long past its request's deadline a write already sent
// to the database may take to answer. A write cut off in flight may still
// have been made, and the caller would then be told it failed (SPEC: an
// error changes nothing): so storage sends a write on a context detached
// from the request's cancellation (Sending), bounded on its own by the
// request's deadline plus WriteGrace, and sends none once the deadline
// has passed. The API waits for a handler whose write was sent (it cannot
// outlast WriteGrace), and answers what happened: the change, or, when
// the database gave no answer at all, that it may have been saved
// (domain.ErrMaybeSaved). The request deadlines (httpapi.DefaultRequestTimeout,
// web.RequestTimeout, 7 s) plus WriteGrace and time to answer fit the
// functions' 10-second Lambda timeout (template.yaml).
const WriteGrace = 2 * time.Second

// Sending is the context for sending one write on behalf of ctx: ctx's
// values, not its cancellation, with ctx's deadline plus WriteGrace, or
// the bound writesBy gave ctx when that is sooner. If ctx has already
// ended it answers ctx's error and nothing may be sent. A write sent is
// recorded for TrackWrites.
func Sending(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if sent, ok := ctx.Value(sentKey{}).(*atomic.Bool); ok {
		sent.Store(true)
	}
	dl, ok := ctx.Deadline()
	if !ok {
		return ctx, func() {}, nil
	}
	until := dl.Add(WriteGrace)
	if by, ok := ctx.Value(writesByKey{}).(time.Time); ok && by.Before(until) {
		until = by
	}
	sctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), until)
	return sctx, cancel, nil
}

type writesByKey struct{}

// writesBy bounds the writes Sending lets go on ctx, or on a context made
// from it, to be answered by t at the latest, when that is sooner than
// their deadline plus WriteGrace: an action of many writes that must
// answer for itself before its request's deadline (ImportDeadline).
func writesBy(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, writesByKey{}, t)
}

type sentKey struct{}

// TrackWrites marks ctx so that a write Sending lets go on it, or on a
// context made from it, is recorded: sent reports whether one was. The
// API's deadline asks it of a handler still at work after the deadline:
// with a write sent, the outcome is not known, and the answer says so.
func TrackWrites(ctx context.Context) (_ context.Context, sent func() bool) {
	var b atomic.Bool
	return context.WithValue(ctx, sentKey{}, &b), b.Load
}

// Unanswered marks err, a write's failure after Sending let it go, as
// one whose outcome is unknown (domain.ErrMaybeSaved) when the database
// gave no answer: answered is whether it did (an error of its own, such
// as a cancelled transaction or a failed condition, is an answer: nothing
// was made).
func Unanswered(err error, answered bool) error {
	if err == nil || answered {
		return err
	}
	return fmt.Errorf("%w: %w", domain.ErrMaybeSaved, err)
}

// Pause waits d, or until ctx ends (then it answers ctx's error): the one
// wait between tries that the service, its stores and the web app share,
// so that no retry outlives the request that asked for it.
func Pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

const maxChangeAttempts = 16

// validRef reports whether ref could name a record: only such refs are
// looked up. A return's id is made from what it is (domain.ReturnID).
func validRef(ref domain.RecordRef) bool {
	if ref.ProjectID != "" && !domain.ValidID(ref.ProjectID) {
		return false
	}
	if ref.Entity == domain.EntityReturn {
		_, _, _, ok := domain.ParseReturnID(ref.ID)
		return ok
	}
	return domain.ValidID(ref.ID)
}

// withRefs adds to a validation error any of refs that are not records of
// the programme, so one answer names every bad field; other errors, and no
// error, pass through (the write's own transaction checks references then).
func (sc *Scope) withRefs(err error, refs refFields) error {
	if domain.ErrorCode(err) != domain.CodeValidation || len(refs) == 0 {
		return err
	}
	var valid []domain.RecordRef
	for _, r := range refs {
		if validRef(r.ref) {
			valid = append(valid, r.ref)
		}
	}
	if len(valid) == 0 {
		return err
	}
	missing, merr := sc.s.store.MissingRefs(sc.ctx, sc.programmeID, valid)
	if merr != nil {
		return storeErr(merr, "", nil)
	}
	if len(missing) == 0 {
		return err
	}
	return domain.MergeProblems(err, storeErr(&MissingRefError{Refs: missing}, "", refs))
}
