package service_test

// The world the rule tests run in: a programme built through the service
// itself (as an admin) over the in-memory fake of storage, so every test
// runs in microseconds with no database.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/service/memstore"
)

var _ service.Storer = (*memstore.Store)(nil)

// role is a kind of caller, relative to the world's records: "own" means
// project A or funder X, "other" project B or funder Y.
type role string

const (
	admin       role = "admin"
	lead        role = "lead"
	plOwn       role = "project-lead of own project"
	plOther     role = "project-lead of other project"
	funderOwn   role = "funder of own funder"
	funderOther role = "funder of other funder"
	outsider    role = "non-member"
)

var roles = []role{admin, lead, plOwn, plOther, funderOwn, funderOther, outsider}

var emails = map[role]string{
	admin: "admin@example.org", lead: "lead@example.org", plOwn: "pl-a@example.org", plOther: "pl-b@example.org",
	funderOwn: "funder-x@example.org", funderOther: "funder-y@example.org", outsider: "outsider@example.org",
}

// viewer is a member none of the roles is: the "other member" of member
// actions.
const viewer = "viewer@example.org"

// Contacts of the world's funders: staff addresses, shown only to leads and
// to the funder itself.
var (
	contactsX = []string{"x1@dwp.example", "x2@dwp.example"}
	contactsY = []string{"y1@nhs.example"}
)

func caller(r role) domain.Caller {
	id := domain.Identity{Subject: "sub-" + string(r), Email: emails[r]}
	if r == admin {
		id.Groups = []string{domain.AdminGroup}
	}
	return domain.Caller{Identity: id, RequestID: "req-" + string(r)}
}

// world is one programme with two projects, two funders, their members
// and one of each kind of record, plus a second programme the outsider
// leads.
type world struct {
	t   *testing.T
	ctx context.Context
	st  *memstore.Store
	svc *service.Service

	P, P2          string // programmes
	A, B           string // projects
	X, Y           string // funders
	GXA, GYB, GX   string // grants: X to A, Y to B, X to the programme as a whole
	PostA, CohortA string
	OutcomeA       string // referrals 10, peopleIntoWork 2
	TargetA        string // people into work in project A; notifies X
	NX, NY, NXY    string // notifications on behalf of X, Y, and both
	PayXA          string // a dated payment of GXA, £10,000 on 2026-09-30 (scheduled: after clock)
	SpendXA        string // spend on GXA: staff £5,000, travel £300 in Q2 2025
	// The reporting cycle (addReporting): a quarterly schedule for 2025
	// covering both projects; review switched on afterwards; A's quarter-2
	// return, filled by OutcomeA (approved before review) and now by
	// OutcomeAPending, a correction awaiting review; a reminder about B's
	// quarter-3 return.
	Schedule        string
	ReturnA         string
	OutcomeAPending string // referrals 11, peopleIntoWork 3
	NRemindB        string
	programmeNumber int
}

var clock = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

func newWorld(t *testing.T) *world {
	t.Helper()
	st := memstore.New()
	w := &world{t: t, ctx: context.Background(), st: st, svc: service.New(st, func() time.Time { return clock })}
	w.P = w.programme()
	w.P2 = w.programme()
	sc := w.open(admin)
	w.A = must(sc.CreateProject(body(projectBody("Bradford IPS")))).ID
	w.B = must(sc.CreateProject(body(projectBody("Leeds IPS")))).ID
	w.X = must(sc.CreateFunder(body(map[string]any{"name": "DWP", "orgId": "GB-GOR-D10", "contacts": contactsX}))).ID
	w.Y = must(sc.CreateFunder(body(map[string]any{"name": "NHS England", "contacts": contactsY}))).ID
	for r, roles := range map[role][]domain.Role{
		lead:        {{Role: domain.RoleLead}},
		plOwn:       {{Role: domain.RoleProjectLead, ProjectID: w.A}},
		plOther:     {{Role: domain.RoleProjectLead, ProjectID: w.B}},
		funderOwn:   {{Role: domain.RoleFunder, FunderID: w.X}},
		funderOther: {{Role: domain.RoleFunder, FunderID: w.Y}},
	} {
		must3(sc.PutMember(emails[r], body(map[string]any{"roles": roles})))
	}
	must3(sc.PutMember(viewer, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleProjectLead, ProjectID: w.B}}})))
	must3(w.svc.Open(w.ctx, caller(admin), w.P2).PutMember(emails[outsider], body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}})))

	gxa := grantBody(w.X, w.A, 31_000_00)
	gxa["budget"] = []map[string]any{{"category": "staff", "amountPence": 25_000_00}, {"category": "travel", "amountPence": 6_000_00}}
	w.GXA = must(sc.CreateGrant(body(gxa))).ID
	w.GYB = must(sc.CreateGrant(body(grantBody(w.Y, w.B, 20_000_00)))).ID
	w.GX = must(sc.CreateGrant(body(grantBody(w.X, "", 50_000_00)))).ID
	pa := w.openA(admin)
	w.PostA = must(pa.CreatePost(body(postBody(w.GXA)))).ID
	w.CohortA = must(pa.CreateCohort(body(cohortBody()))).ID
	w.OutcomeA = must(pa.SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 10, "peopleIntoWork": 2})))).ID
	w.TargetA = must(sc.CreateTarget(body(map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31",
		"projectId": w.A, "notify": []string{w.X}}))).ID
	w.PayXA = must(sc.CreatePayment(w.GXA, body(paymentBody(10_000_00, "2026-09-30")))).ID
	w.SpendXA = must(sc.SubmitSpend(w.GXA, body(spendBody(5_000_00, 300_00)))).ID

	// Notifications, as the notifier makes them: one on behalf of each
	// funder and one on behalf of both.
	w.NX = w.notification(50, []string{w.X}, contactsX, contactsX, "")
	w.NY = w.notification(75, []string{w.Y}, contactsY, nil, "")
	w.NXY = w.notification(100, []string{w.X, w.Y}, append(slices.Clone(contactsX), contactsY...),
		[]string{contactsX[0], contactsY[0]}, "x2@dwp.example: mailbox full")
	return w
}

// addReporting adds the reporting cycle's records (see world), for the
// roles table.
func (w *world) addReporting() {
	t := w.t
	sc := w.open(admin)
	w.Schedule = must(sc.CreateSchedule(body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31"}))).ID
	w.ReturnA = domain.ReturnID(w.Schedule, w.A, domain.MustDate("2025-04-01"))
	must(sc.UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	in := outcomeBody(map[string]int64{"referrals": 11, "peopleIntoWork": 3})
	in["replaces"] = w.OutcomeA
	w.OutcomeAPending = must(w.openA(plOwn).SubmitOutcome(body(in))).ID // a new request (review is on), sent by A's project lead: any lead may decide on it
	remindB := domain.Notification{ID: domain.ReturnNotificationID(domain.ReturnID(w.Schedule, w.B, domain.MustDate("2025-07-01")),
		domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 7}), ProgrammeID: w.P, Kind: domain.KindReminder,
		Status: domain.NotificationPending, Recipients: []string{emails[plOther], viewer}, ProjectID: w.B, CreatedAt: clock}
	if ok, err := w.st.ClaimNotification(w.ctx, remindB); err != nil || !ok {
		t.Fatalf("reminder: %v %v", ok, err)
	}
	w.NRemindB = remindB.ID
}

func (w *world) programme() string {
	w.programmeNumber++
	in := map[string]any{"name": "Working for Wellness " + string(rune('A'-1+w.programmeNumber)), "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"startDate": "2025-01-01", "endDate": "2027-12-31"}
	return must(w.svc.CreateProgramme(w.ctx, caller(admin), body(in), nil)).ID
}

func (w *world) notification(threshold int64, funders, recipients, delivered []string, lastError string) string {
	w.t.Helper()
	n := domain.Notification{ID: domain.NotificationID(w.TargetA, domain.KindReached, threshold), ProgrammeID: w.P, TargetID: w.TargetA,
		Threshold: threshold, Kind: domain.KindReached, Status: domain.NotificationPending, Recipients: recipients, Delivered: delivered,
		LastError: lastError, FunderIDs: funders, CreatedAt: clock, Metric: domain.MetricPeopleIntoWork, Value: 60, Figure: 30}
	if ok, err := w.st.ClaimNotification(w.ctx, n); err != nil || !ok {
		w.t.Fatalf("notification %s: %v %v", n.ID, ok, err)
	}
	return n.ID
}

// clone is a copy of the world with storage of its own.
func (w *world) clone(t *testing.T) *world {
	c := *w
	c.t, c.st = t, w.st.Clone()
	c.svc = service.New(c.st, func() time.Time { return clock })
	return &c
}

// open is r's scope in the world's programme; openA in its project A.
func (w *world) open(r role) *service.Scope { return w.svc.Open(w.ctx, caller(r), w.P) }

func (w *world) openA(r role) *service.Scope { return w.svc.OpenProject(w.ctx, caller(r), w.P, w.A) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func must3[T any](v T, _ bool, err error) T { return must(v, err) }

func mustList[T any](v T, _ string, err error) T { return must(v, err) }

// sameJSON reports whether a and b are the same value in JSON.
func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// body is the service.Decoder of a JSON request body, decoded strictly (an
// unknown field is refused) as the API does.
func body(v any) service.Decoder {
	raw, merr := json.Marshal(v)
	return func(into any) error {
		if merr != nil {
			return merr
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(into); err != nil {
			return &domain.Error{Code: domain.CodeValidation, Message: "the body is not valid", Fields: map[string]string{domain.BodyField: err.Error()}}
		}
		return nil
	}
}

func projectBody(name string) map[string]any {
	return map[string]any{"name": name, "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2025-01-01", "endDate": "2026-12-31"}
}

func grantBody(funder, project string, pence int64) map[string]any {
	g := map[string]any{"funderId": funder, "title": "Employment specialists", "amountPence": pence, "currency": "GBP",
		"awardDate": "2025-01-01", "startDate": "2025-01-01", "endDate": "2026-12-31"}
	if project != "" {
		g["projectId"] = project
	}
	return g
}

func postBody(grant string) map[string]any {
	return map[string]any{"title": "Employment specialist", "grantId": grant, "fte": 1, "contract": "temporary",
		"startDate": "2025-02-01", "status": "filled"}
}

func cohortBody() map[string]any {
	return map[string]any{"name": "Aspiro cohort 1", "places": 4, "startDate": "2025-03-01", "endDate": "2025-08-31"}
}

func outcomeBody(counts map[string]int64) map[string]any {
	return map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "counts": counts}
}

// paymentBody is a dated payment.
func paymentBody(pence int64, due string) map[string]any {
	return map[string]any{"amountPence": pence, "dueDate": due, "trigger": map[string]any{"kind": "date"}}
}

// spendBody is a spend return for Q2 2025 on staff and travel.
func spendBody(staff, travel int64) map[string]any {
	return map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30",
		"lines": []map[string]any{{"category": "staff", "amountPence": staff}, {"category": "travel", "amountPence": travel}}}
}

// always and version are If-Match answers: "*" and one ETag.
func always(int64) bool { return true }

func version(v int64) func(int64) bool { return func(got int64) bool { return got == v } }

// code is how a call was answered: "ok" or the error's code.
func code(err error) string {
	if err == nil {
		return "ok"
	}
	return string(domain.ErrorCode(err))
}

// wantCode checks err has code want (an error that is not a
// *domain.Error is internal) and returns the *domain.Error, if any.
func wantCode(t *testing.T, what string, err error, want domain.Code) *domain.Error {
	t.Helper()
	if err == nil || domain.ErrorCode(err) != want {
		t.Fatalf("%s: %v, want %s", what, err, want)
	}
	var de *domain.Error
	errors.As(err, &de)
	return de
}

// wantFields checks a validation error names exactly fields.
func wantFields(t *testing.T, what string, err error, fields ...string) {
	t.Helper()
	de := wantCode(t, what, err, domain.CodeValidation)
	var got []string
	for f := range de.Fields {
		got = append(got, f)
	}
	slices.Sort(got)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Errorf("%s names %v, want %v (%v)", what, got, fields, de.Fields)
	}
}

// unchanged runs a call that must be refused and checks it stored nothing.
func (w *world) unchanged(refused func() error) error {
	w.t.Helper()
	before := w.st.Snapshot()
	err := refused()
	if err == nil {
		w.t.Fatal("the call was not refused")
	}
	if w.st.Snapshot() != before {
		w.t.Errorf("a refused call (%v) changed what is stored", err)
	}
	return err
}
