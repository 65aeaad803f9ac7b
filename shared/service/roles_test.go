package service_test

// The SPEC's roles table ("Authentication and roles") as a table: every
// operation the service offers, tried by every kind of caller, with the
// answer the SPEC gives — allowed, 403 forbidden (a member the role does
// not allow), 404 not found (not there, or not visible to the caller; a
// non-member gets 404 for everything in a programme). Each cell runs in a
// fresh world: a refused call must store nothing, a read must store
// nothing, and an allowed change must store its audit event.

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/service"
)

const (
	ok         = "ok"
	forbidden  = string(domain.CodeForbidden)
	notFound   = string(domain.CodeNotFound)
	validation = string(domain.CodeValidation)
)

// by lists the answers for admin, lead, project-lead of own project,
// project-lead of other project, funder of own funder, funder of other
// funder and non-member, in that order.
func by(answers ...string) map[role]string {
	m := map[role]string{}
	for i, r := range roles {
		m[r] = answers[i]
	}
	return m
}

// The usual rows of the table.
var (
	everyMember = by(ok, ok, ok, ok, ok, ok, notFound)
	leadsOnly   = by(ok, ok, forbidden, forbidden, forbidden, forbidden, notFound)
	// Posts, cohorts, outcome submissions: leads, and a project lead for its
	// own project; funders read only. The project itself is visible to every
	// member, so a write there is forbidden rather than not found.
	projectWrite = by(ok, ok, ok, forbidden, forbidden, forbidden, notFound)
	projectRead  = by(ok, ok, ok, notFound, ok, ok, notFound)
	// A change of one of them is judged as a read of it first: a project
	// lead of another project, who may not see it, is told it is not
	// there, as reading it is; a funder, who reads it, may not change it
	// (audit-surface N2).
	projectRecordWrite = by(ok, ok, ok, notFound, forbidden, forbidden, notFound)
	// And a change of one that is not there is not found, whoever asks.
	nobodyFinds = by(notFound, notFound, notFound, notFound, notFound, notFound, notFound)
	// Grant GXA, funded by X for project A: leads, the project lead of A and
	// funder X read it; anyone else is not shown it.
	grantXARead = by(ok, ok, ok, notFound, ok, notFound, notFound)
	// Payments of GXA: leads manage them; whoever else reads GXA may not,
	// and anyone who may not read GXA is told it is not there.
	grantXAManage = by(ok, ok, forbidden, notFound, forbidden, notFound, notFound)
	// Spend on GXA: leads and A's project lead report it; funder X reads it.
	grantXASpend = by(ok, ok, ok, notFound, forbidden, notFound, notFound)
)

type roleCase struct {
	name  string
	write bool // an allowed call changes something
	want  map[role]string
	run   func(w *world, r role) (any, error)
	check func(t *testing.T, w *world, r role, got any) // of an allowed answer
	// in is the programme an allowed change is audited in, when it is not
	// the world's (a new programme).
	in func(got any) string
}

func roleCases() []roleCase {
	grantIDs := func(gs []domain.Grant) []string {
		var out []string
		for _, g := range gs {
			out = append(out, g.ID)
		}
		slices.Sort(out)
		return out
	}
	// grantsFor is what each role may read of the world's grants.
	grantsFor := func(w *world, r role) []string {
		ids := map[role][]string{admin: {w.GXA, w.GYB, w.GX}, lead: {w.GXA, w.GYB, w.GX}, plOwn: {w.GXA}, plOther: {w.GYB},
			funderOwn: {w.GXA, w.GX}, funderOther: {w.GYB}}[r]
		slices.Sort(ids)
		return ids
	}
	// contactsShown is what r sees of funder f's contacts: leads and the
	// funder itself see them, other members do not.
	contactsShown := func(w *world, r role, f string) []string {
		switch {
		case r == admin || r == lead, r == funderOwn && f == w.X:
			return map[string][]string{w.X: contactsX, w.Y: contactsY}[f]
		case r == funderOther && f == w.Y:
			return contactsY
		}
		return nil
	}
	checkFunders := func(t *testing.T, w *world, r role, fs []domain.Funder) {
		if len(fs) == 0 {
			t.Fatal("no funders")
		}
		for _, f := range fs {
			if !slices.Equal(f.Contacts, contactsShown(w, r, f.ID)) {
				t.Errorf("funder %s shows contacts %v, want %v", f.Name, f.Contacts, contactsShown(w, r, f.ID))
			}
		}
	}
	list := func(items any, _ string, err error) (any, error) { return items, err }
	page := service.Page{Limit: service.MaxLimit}

	return []roleCase{
		{name: "CreateProgramme", write: true, want: by(ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden),
			run: func(w *world, r role) (any, error) {
				return w.svc.CreateProgramme(w.ctx, caller(r), body(map[string]any{"name": "New", "leadOrganisation": "Trust",
					"startDate": "2025-01-01", "endDate": "2025-12-31"}), nil)
			},
			in: func(got any) string { return got.(domain.Programme).ID }},
		// Each action's access check on its own (May…, asked before an
		// Idempotency-Key replay) answers as the action does, role by role.
		{name: "MayCreateProgramme", want: by(ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden),
			run: func(w *world, r role) (any, error) { return nil, w.svc.MayCreateProgramme(w.ctx, caller(r)) }},
		{name: "ListProgrammes", want: by(ok, ok, ok, ok, ok, ok, ok),
			run: func(w *world, r role) (any, error) { return list(w.svc.ListProgrammes(w.ctx, caller(r), page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				var ids []string
				for _, p := range got.([]domain.Programme) {
					ids = append(ids, p.ID)
				}
				want := map[role][]string{admin: sortedIDs(w.P, w.P2), outsider: {w.P2}}[r]
				if want == nil {
					want = []string{w.P}
				}
				if !slices.Equal(ids, want) { // oldest first: ids sort by creation
					t.Errorf("programmes %v, want %v", ids, want)
				}
			}},

		{name: "Access", want: everyMember,
			run: func(w *world, r role) (any, error) {
				_, a, err := w.open(r).Access()
				return a, err
			},
			check: func(t *testing.T, w *world, r role, got any) {
				a := got.(domain.Access)
				if a.CanManage() != (r == admin || r == lead) || a.Projects[w.A] != (r == plOwn) || a.Funders[w.X] != (r == funderOwn) {
					t.Errorf("access %+v", a)
				}
			}},
		{name: "Programme", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).Programme() },
			check: func(t *testing.T, w *world, _ role, got any) {
				if got.(domain.Programme).ID != w.P {
					t.Errorf("programme %+v", got)
				}
			}},

		{name: "PutMember new", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				m, _, err := w.open(r).PutMember("new@example.org", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}}))
				return m, err
			}},
		{name: "PutMember existing", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				m, _, err := w.open(r).PutMember(viewer, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}}))
				return m, err
			}},
		{name: "AddMember new", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).AddMember("new@example.org", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}}))
			}},
		// Whether someone is a member is for leads to learn: anyone else is
		// refused before it is looked at.
		{name: "AddMember existing", want: by(validation, validation, forbidden, forbidden, forbidden, forbidden, notFound),
			run: func(w *world, r role) (any, error) {
				return w.open(r).AddMember(viewer, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleFunder, FunderID: w.X}}}))
			}},
		{name: "DeleteMember", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) { return nil, w.open(r).DeleteMember(viewer) }},
		// Whether someone is a member is not for a project lead or funder to
		// learn: removing a person who is not there is forbidden to them,
		// exactly as removing one who is.
		{name: "DeleteMember of nobody", want: by(notFound, notFound, forbidden, forbidden, forbidden, forbidden, notFound),
			run: func(w *world, r role) (any, error) { return nil, w.open(r).DeleteMember("nobody@example.org") }},
		{name: "Member, another", want: by(ok, ok, notFound, notFound, notFound, notFound, notFound),
			run: func(w *world, r role) (any, error) { return w.open(r).Member(viewer) }},
		{name: "Member, oneself", want: by(notFound, ok, ok, ok, ok, ok, notFound), // an admin holds no membership
			run: func(w *world, r role) (any, error) { return w.open(r).Member(emails[r]) },
			check: func(t *testing.T, w *world, r role, got any) {
				if m := got.(domain.Member); m.Email != emails[r] || len(m.Roles) != 1 {
					t.Errorf("member %+v", m)
				}
			}},
		{name: "ListMembers", want: leadsOnly,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListMembers(page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				if n := len(got.([]domain.Member)); n != 6 {
					t.Errorf("%d members, want 6", n)
				}
			}},

		{name: "CreateFunder", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CreateFunder(body(map[string]any{"name": "Lottery", "contacts": []string{"a@tnlcf.example"}}))
			}},
		{name: "MayCreateFunder", want: leadsOnly,
			run: func(w *world, r role) (any, error) { return nil, w.open(r).MayCreateFunder() }},
		{name: "Funder", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).Funder(w.X) },
			check: func(t *testing.T, w *world, r role, got any) {
				checkFunders(t, w, r, []domain.Funder{got.(domain.Funder)})
			}},
		{name: "ListFunders", want: everyMember,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListFunders(page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				checkFunders(t, w, r, got.([]domain.Funder))
			}},
		{name: "CreateProject", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CreateProject(body(projectBody("Wakefield IPS")))
			}},
		{name: "MayCreateProject", want: leadsOnly,
			run: func(w *world, r role) (any, error) { return nil, w.open(r).MayCreateProject() }},
		{name: "Project", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).Project(w.A) }},
		{name: "ListProjects", want: everyMember,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListProjects(page)) }},
		{name: "UpdateFunder", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).UpdateFunder(w.X, func(int64) bool { return true }, body(map[string]any{"contacts": []string{"new@dwp.example"}}))
			}},
		{name: "RemoveContact", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				f, _, err := w.open(r).RemoveContact(w.X, contactsX[1])
				return f, err
			}},
		{name: "UpdateProject", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).UpdateProject(w.A, func(int64) bool { return true }, body(map[string]any{"orgId": "GB-NHS-TAD"}))
			}},
		{name: "ThisProject", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.openA(r).ThisProject() }},

		{name: "CreateGrant", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) { return w.open(r).CreateGrant(body(grantBody(w.Y, w.A, 100))) }},
		{name: "MayCreateGrant", want: leadsOnly,
			run: func(w *world, r role) (any, error) { return nil, w.open(r).MayCreateGrant() }},
		{name: "Grant to own project from own funder", want: grantXARead,
			run: func(w *world, r role) (any, error) { return w.open(r).Grant(w.GXA) }},
		{name: "Grant to the whole programme", want: by(ok, ok, notFound, notFound, ok, notFound, notFound),
			run: func(w *world, r role) (any, error) { return w.open(r).Grant(w.GX) }},
		{name: "ListGrants", want: everyMember,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListGrants(page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				if g := grantIDs(got.([]domain.Grant)); !slices.Equal(g, grantsFor(w, r)) {
					t.Errorf("grants %v, want %v", g, grantsFor(w, r))
				}
			}},
		{name: "UpdateGrant", write: true, want: by(ok, ok, forbidden, notFound, forbidden, notFound, notFound),
			run: func(w *world, r role) (any, error) {
				return w.open(r).UpdateGrant(w.GXA, version(1), body(map[string]any{"title": "Renamed"}))
			}},
		{name: "GrantExport", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).GrantExport() },
			check: func(t *testing.T, w *world, r role, got any) {
				set := got.(export.GrantSet)
				if g := grantIDs(set.Grants); !slices.Equal(g, grantsFor(w, r)) {
					t.Errorf("exported grants %v, want %v", g, grantsFor(w, r))
				}
				checkFunders(t, w, r, set.Funders)
			}},

		{name: "CreatePayment", write: true, want: grantXAManage,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CreatePayment(w.GXA, body(paymentBody(1_000_00, "2026-03-31")))
			}},
		{name: "CreatePayment on a target", write: true, want: grantXAManage,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CreatePayment(w.GXA, body(map[string]any{"amountPence": 1_000_00,
					"trigger": map[string]any{"kind": "milestone", "targetId": w.TargetA, "threshold": 50}}))
			}},
		{name: "CreatePayment on a return", write: true, want: grantXAManage,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CreatePayment(w.GXA, body(map[string]any{"amountPence": 1_000_00,
					"trigger": map[string]any{"kind": "return", "returnId": w.ReturnA}}))
			}},
		{name: "CreatePaymentNow on a target", write: true, want: grantXAManage,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CreatePaymentNow(w.GXA, body(map[string]any{"amountPence": 1_000_00,
					"trigger": map[string]any{"kind": "milestone", "targetId": w.TargetA, "threshold": 50}}))
			}},
		{name: "MayCreatePayment", want: grantXAManage,
			run: func(w *world, r role) (any, error) { return nil, w.open(r).MayCreatePayment(w.GXA) }},
		{name: "Payment", want: grantXARead,
			run: func(w *world, r role) (any, error) { return w.open(r).Payment(w.GXA, w.PayXA) }},
		{name: "ListPayments", want: grantXARead,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListPayments(w.GXA, page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				if ps := got.([]domain.Payment); len(ps) != 1 || ps[0].ID != w.PayXA {
					t.Errorf("payments %+v, want %s", ps, w.PayXA)
				}
			}},
		{name: "ListPayments of another project's grant", want: by(ok, ok, notFound, ok, notFound, ok, notFound),
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListPayments(w.GYB, page)) }},
		{name: "PaymentNoLongerMet", want: grantXARead,
			run: func(w *world, r role) (any, error) {
				g := must(w.open(admin).Grant(w.GXA))
				p := must(w.open(admin).Payment(w.GXA, w.PayXA))
				return w.open(r).PaymentNoLongerMet(g, p)
			}},
		{name: "PaymentNow", want: grantXARead,
			run: func(w *world, r role) (any, error) { return w.open(r).PaymentNow(w.GXA, w.PayXA) }},
		{name: "ListPaymentsNow", want: grantXARead,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListPaymentsNow(w.GXA, page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				if ps := got.([]domain.PaymentView); len(ps) != 1 || ps[0].ID != w.PayXA {
					t.Errorf("payments %+v, want %s", ps, w.PayXA)
				}
			}},
		{name: "ListPaymentsNow of another project's grant", want: by(ok, ok, notFound, ok, notFound, ok, notFound),
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListPaymentsNow(w.GYB, page)) }},
		{name: "UpdatePayment", write: true, want: grantXAManage,
			run: func(w *world, r role) (any, error) {
				return w.open(r).UpdatePayment(w.GXA, w.PayXA, version(1), body(map[string]any{"status": "paid", "paidDate": "2025-07-02"}))
			}},
		{name: "SubmitSpend", write: true, want: grantXASpend,
			run: func(w *world, r role) (any, error) {
				in := spendBody(1_00, 0) // a quarter the world has no spend for
				in["periodStart"], in["periodEnd"] = "2025-07-01", "2025-09-30"
				return w.open(r).SubmitSpend(w.GXA, body(in))
			}},
		{name: "SubmitSpend correcting", write: true, want: grantXASpend,
			run: func(w *world, r role) (any, error) {
				in := spendBody(4_900_00, 300_00)
				in["replaces"] = w.SpendXA
				return w.open(r).SubmitSpend(w.GXA, body(in))
			}},
		// A grant to the whole programme: no project lead reports on it.
		{name: "SubmitSpend on the programme's grant", write: true, want: by(ok, ok, notFound, notFound, forbidden, notFound, notFound),
			run: func(w *world, r role) (any, error) {
				return w.open(r).SubmitSpend(w.GX, body(map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30",
					"lines": []map[string]any{{"category": "equipment", "amountPence": 1_00}}}))
			}},
		{name: "MaySubmitSpend", want: grantXASpend,
			run: func(w *world, r role) (any, error) { return nil, w.open(r).MaySubmitSpend(w.GXA) }},
		{name: "MaySubmitSpend on the programme's grant", want: by(ok, ok, notFound, notFound, forbidden, notFound, notFound),
			run: func(w *world, r role) (any, error) { return nil, w.open(r).MaySubmitSpend(w.GX) }},
		// The correction form's read answers as the correction would.
		{name: "SpendToCorrect", want: grantXASpend,
			run: func(w *world, r role) (any, error) { return w.open(r).SpendToCorrect(w.GXA, w.SpendXA) }},
		{name: "Spend", want: grantXARead,
			run: func(w *world, r role) (any, error) { return w.open(r).Spend(w.GXA, w.SpendXA) }},
		{name: "ListSpend", want: grantXARead,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListSpend(w.GXA, page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				if ss := got.([]domain.SpendReturn); len(ss) != 1 || ss[0].ID != w.SpendXA {
					t.Errorf("spend returns %+v, want %s", ss, w.SpendXA)
				}
			}},
		{name: "GrantAccount", want: grantXARead,
			run: func(w *world, r role) (any, error) { return w.open(r).GrantAccount(w.GXA) },
			check: func(t *testing.T, w *world, r role, got any) {
				acc := got.(service.GrantAccount)
				if acc.Grant.ID != w.GXA || len(acc.Payments) != 1 || len(acc.Spend) != 1 || acc.Money.SpentPence != 5_300_00 ||
					len(acc.Money.Budget) != 2 || acc.Money.Budget[0].SpentPence != 5_000_00 {
					t.Errorf("GXA's account: %+v", acc)
				}
			}},
		{name: "GrantAccount of the programme's grant", want: by(ok, ok, notFound, notFound, ok, notFound, notFound),
			run: func(w *world, r role) (any, error) { return w.open(r).GrantAccount(w.GX) }},
		{name: "GrantFigures", want: grantXARead,
			run: func(w *world, r role) (any, error) {
				g, m, err := w.open(r).GrantFigures(w.GXA)
				return [2]any{g, m}, err
			},
			check: func(t *testing.T, w *world, r role, got any) {
				g, m := got.([2]any)[0].(domain.Grant), got.([2]any)[1].(domain.GrantMoneyProgress)
				if g.ID != w.GXA || m.GrantID != w.GXA || m.SpentPence != 5_300_00 || m.AwardedPence != 31_000_00 {
					t.Errorf("GXA's figures: %+v %+v", g, m)
				}
			}},
		{name: "GrantFigures of the programme's grant", want: by(ok, ok, notFound, notFound, ok, notFound, notFound),
			run: func(w *world, r role) (any, error) {
				_, m, err := w.open(r).GrantFigures(w.GX)
				return m, err
			}},
		{name: "PaymentExport", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).PaymentExport() },
			check: func(t *testing.T, w *world, r role, got any) {
				set := got.(export.GrantSet)
				if g := grantIDs(set.Grants); !slices.Equal(g, grantsFor(w, r)) {
					t.Errorf("exported grants %v, want %v", g, grantsFor(w, r))
				}
				var want []string
				if slices.Contains(grantsFor(w, r), w.GXA) {
					want = []string{w.PayXA}
				}
				if got := ids(set.Payments, func(p domain.Payment) string { return p.ID }); !slices.Equal(got, want) {
					t.Errorf("exported payments %v, want %v", got, want)
				}
			}},

		{name: "CreatePost", write: true, want: projectWrite,
			run: func(w *world, r role) (any, error) { return w.openA(r).CreatePost(body(postBody(w.GX))) }},
		{name: "MayRecord", want: projectWrite,
			run: func(w *world, r role) (any, error) { return nil, w.openA(r).MayRecord() }},
		{name: "Post", want: projectRead,
			run: func(w *world, r role) (any, error) { return w.openA(r).Post(w.PostA) }},
		{name: "ListPosts", want: projectRead,
			run: func(w *world, r role) (any, error) { return list(w.openA(r).ListPosts(page)) }},
		{name: "UpdatePost", write: true, want: projectRecordWrite,
			run: func(w *world, r role) (any, error) {
				return w.openA(r).UpdatePost(w.PostA, always, body(map[string]any{"status": "ended", "endDate": "2025-12-31"}))
			}},
		{name: "UpdatePost of nothing", want: nobodyFinds,
			run: func(w *world, r role) (any, error) {
				return w.openA(r).UpdatePost(domain.NewID(), always, body(map[string]any{"status": "ended", "endDate": "2025-12-31"}))
			}},
		{name: "PostGrants", want: projectWrite,
			run: func(w *world, r role) (any, error) { return w.openA(r).PostGrants() },
			check: func(t *testing.T, w *world, r role, got any) {
				var ids []string
				for _, g := range got.([]service.GrantOption) {
					ids = append(ids, g.ID)
				}
				slices.Sort(ids)
				if want := sortedIDs(w.GXA, w.GX); !slices.Equal(ids, want) {
					t.Errorf("grants a post of A may be paid from: %v, want %v", ids, want)
				}
			}},
		{name: "CreateCohort", write: true, want: projectWrite,
			run: func(w *world, r role) (any, error) { return w.openA(r).CreateCohort(body(cohortBody())) }},
		{name: "Cohort", want: projectRead,
			run: func(w *world, r role) (any, error) { return w.openA(r).Cohort(w.CohortA) }},
		{name: "ListCohorts", want: projectRead,
			run: func(w *world, r role) (any, error) { return list(w.openA(r).ListCohorts(page)) }},
		{name: "UpdateCohort", write: true, want: projectRecordWrite,
			run: func(w *world, r role) (any, error) {
				return w.openA(r).UpdateCohort(w.CohortA, version(1), body(map[string]any{"places": 6}))
			}},
		{name: "UpdateCohort of nothing", want: nobodyFinds,
			run: func(w *world, r role) (any, error) {
				return w.openA(r).UpdateCohort(domain.NewID(), version(1), body(map[string]any{"places": 6}))
			}},
		{name: "SubmitOutcome", write: true, want: projectWrite,
			run: func(w *world, r role) (any, error) {
				return w.openA(r).SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 3})))
			}},
		{name: "SubmitOutcome correcting", write: true, want: projectWrite,
			run: func(w *world, r role) (any, error) {
				in := outcomeBody(map[string]int64{"referrals": 3})
				in["replaces"] = w.OutcomeAPending // the newest of OutcomeA's corrections
				return w.openA(r).SubmitOutcome(body(in))
			}},
		{name: "SubmitOutcomeChecked", write: true, want: projectWrite,
			run: func(w *world, r role) (any, error) {
				// OutcomeA's period: added to its figures, as the form's
				// confirmation says.
				return w.openA(r).SubmitOutcomeChecked(body(outcomeBody(map[string]int64{"referrals": 3})), true)
			}},
		{name: "SentForPeriod", want: projectWrite,
			run: func(w *world, r role) (any, error) {
				return w.openA(r).SentForPeriod(domain.MustDate("2025-04-01"), domain.MustDate("2025-06-30"), "")
			}},
		{name: "OutcomeToCorrect", want: projectRecordWrite,
			run: func(w *world, r role) (any, error) { return w.openA(r).OutcomeToCorrect(w.OutcomeAPending) }},
		{name: "Outcome", want: projectRead,
			run: func(w *world, r role) (any, error) { return w.openA(r).Outcome(w.OutcomeA) }},
		{name: "ListOutcomes", want: projectRead,
			run: func(w *world, r role) (any, error) { return list(w.openA(r).ListOutcomes(page)) }},

		// Imports: each row a submission, so a project lead imports its own
		// project's rows only; funders read only.
		{name: "Import", write: true, want: projectWrite,
			run: func(w *world, r role) (any, error) {
				return w.open(r).Import(csv(importHeader, "Bradford IPS,2025-10-01,2025-12-31,4,1,"), false)
			}},
		{name: "Import dry run", want: projectWrite,
			run: func(w *world, r role) (any, error) {
				return w.open(r).Import(csv(importHeader, "Bradford IPS,2025-10-01,2025-12-31,4,1,"), true)
			}},
		{name: "MayImport", want: projectWrite,
			run: func(w *world, r role) (any, error) {
				return nil, w.open(r).MayImport(csv(importHeader, "Bradford IPS,2025-10-01,2025-12-31,4,1,"))
			}},
		{name: "PreviewImport", want: projectWrite,
			run: func(w *world, r role) (any, error) {
				_, id, err := w.open(r).PreviewImport(csv(importHeader, "Bradford IPS,2025-10-01,2025-12-31,4,1,"), "f.csv")
				return id, err
			}},
		// A file kept for its preview is its uploader's alone.
		{name: "StagedImport of the lead's file", want: by(notFound, ok, notFound, notFound, forbidden, forbidden, notFound),
			run: func(w *world, r role) (any, error) {
				_, id, err := w.open(lead).PreviewImport(csv(importHeader, "Leeds IPS,2025-10-01,2025-12-31,4,1,"), "f.csv")
				if err != nil {
					return nil, err
				}
				return w.open(r).StagedImport(id)
			}},
		{name: "ConfirmImport of the lead's file", write: true, want: by(notFound, ok, notFound, notFound, forbidden, forbidden, notFound),
			run: func(w *world, r role) (any, error) {
				_, id, err := w.open(lead).PreviewImport(csv(importHeader, "Leeds IPS,2025-10-01,2025-12-31,4,1,"), "f.csv")
				if err != nil {
					return nil, err
				}
				_, res, err := w.open(r).ConfirmImport(id)
				return res, err
			}},
		{name: "ConfirmImport of one's own file", write: true, want: projectWrite,
			run: func(w *world, r role) (any, error) {
				_, id, err := w.open(r).PreviewImport(csv(importHeader, "Bradford IPS,2025-10-01,2025-12-31,4,1,"), "f.csv")
				if err != nil {
					return nil, err
				}
				_, res, err := w.open(r).ConfirmImport(id)
				return res, err
			}},
		{name: "ImportTemplate", want: by(ok, ok, ok, ok, forbidden, forbidden, notFound),
			run: func(w *world, r role) (any, error) { return w.open(r).ImportTemplate(domain.MediaCSV) },
			check: func(t *testing.T, w *world, r role, got any) {
				data := string(got.(service.ImportTemplate).Data)
				want := map[role][]string{plOwn: {"Bradford IPS"}, plOther: {"Leeds IPS"}}[r]
				if want == nil {
					want = []string{"Bradford IPS", "Leeds IPS"}
				}
				if lines := strings.Split(strings.TrimSpace(data), "\r\n"); len(lines) != 1+len(want) || !strings.Contains(lines[0], "People into work") {
					t.Errorf("template:\n%s", data)
				}
				for _, name := range want {
					if !strings.Contains(data, "\r\n"+name+",") {
						t.Errorf("template lacks %s:\n%s", name, data)
					}
				}
			}},

		{name: "CreateTarget", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CreateTarget(body(map[string]any{"metric": "referrals", "value": 240, "deadline": "2026-06-30", "notify": []string{}}))
			}},
		{name: "MayCreateTarget", want: leadsOnly,
			run: func(w *world, r role) (any, error) { return nil, w.open(r).MayCreateTarget() }},
		{name: "Target", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).Target(w.TargetA) }},
		{name: "ListTargets", want: everyMember,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListTargets(page)) }},
		{name: "UpdateTarget", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).UpdateTarget(w.TargetA, version(1), body(map[string]any{"value": 80}))
			}},

		// Leads read every notification, a funder the milestones sent on
		// its behalf, a project lead its own project's returns' emails (the
		// awaiting-review email of A's pending submission, a reminder about
		// B's return).
		{name: "ListNotifications", want: everyMember,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListNotifications(page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				var ids []string
				for _, n := range got.([]domain.Notification) {
					ids = append(ids, n.ID)
					if r == plOther && n.ID == w.NRemindB && !slices.Equal(n.Recipients, []string{emails[plOther]}) {
						t.Errorf("a project lead sees recipients %v, want only itself", n.Recipients)
					}
				}
				review := domain.SubmissionNotificationID(w.OutcomeAPending, domain.KindAwaitingReview)
				all := []string{w.NX, w.NY, w.NXY, w.NRemindB, review}
				want := map[role][]string{admin: all, lead: all, plOwn: {review}, plOther: {w.NRemindB},
					funderOwn: {w.NX, w.NXY}, funderOther: {w.NY, w.NXY}}[r]
				if slices.Sort(ids); !slices.Equal(ids, sortedIDs(want...)) {
					t.Errorf("notifications %v, want %v", ids, sortedIDs(want...))
				}
			}},
		{name: "NoticesNoLongerMet", want: everyMember,
			run: func(w *world, r role) (any, error) {
				notes, _ := must2(w.open(admin).ListNotifications(page))
				return w.open(r).NoticesNoLongerMet(notes)
			}},
		{name: "Notification", want: by(ok, ok, notFound, notFound, ok, notFound, notFound),
			run: func(w *world, r role) (any, error) { return w.open(r).Notification(w.NX) }},
		{name: "Notification about a return", want: by(ok, ok, notFound, ok, notFound, notFound, notFound),
			run: func(w *world, r role) (any, error) { return w.open(r).Notification(w.NRemindB) }},

		{name: "UpdateProgramme", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).UpdateProgramme(version(2), body(map[string]any{"reviewOutcomes": false, "region": "Yorkshire"}))
			},
			check: func(t *testing.T, w *world, r role, got any) {
				if p := got.(domain.Programme); p.ReviewOutcomes || p.Region != "Yorkshire" || p.Version != 3 {
					t.Errorf("programme after the change: %+v", p)
				}
			}},
		{name: "CreateSchedule", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CreateSchedule(body(map[string]any{"name": "Monthly", "frequency": "monthly",
					"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-06-30", "projectIds": []string{w.B}}))
			}},
		{name: "MayCreateSchedule", want: leadsOnly,
			run: func(w *world, r role) (any, error) { return nil, w.open(r).MayCreateSchedule() }},
		{name: "Schedule", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).Schedule(w.Schedule) }},
		{name: "ListSchedules", want: everyMember,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListSchedules(page)) }},
		{name: "UpdateSchedule", write: true, want: leadsOnly,
			run: func(w *world, r role) (any, error) {
				return w.open(r).UpdateSchedule(w.Schedule, version(1), body(map[string]any{"name": "Quarters", "reminders": []int64{14, 7}}))
			}},
		{name: "Return of own project", want: projectRead,
			run: func(w *world, r role) (any, error) { return w.open(r).Return(w.ReturnA) },
			check: func(t *testing.T, w *world, r role, got any) {
				// Accepted on the approved figures, which still count while
				// their correction awaits review; only funders do not see
				// the correction.
				ret := got.(domain.Return)
				funder := r == funderOwn || r == funderOther
				if ret.Status != domain.ReturnAccepted || ret.SubmissionID != w.OutcomeA || (ret.Correction == nil) != funder ||
					(!funder && *ret.Correction != domain.ReturnCorrection{SubmissionID: w.OutcomeAPending, Status: domain.OutcomePending}) {
					t.Errorf("A's Q2 return as %s: %+v (correction %+v)", r, ret, ret.Correction)
				}
			}},
		{name: "ListReturns", want: everyMember,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListReturns(service.ReturnQuery{}, page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				byProject := map[string]int{}
				for _, ret := range got.([]domain.Return) {
					byProject[ret.ProjectID]++
				}
				want := map[string]int{w.A: 4, w.B: 4}
				switch r {
				case plOwn:
					want = map[string]int{w.A: 4}
				case plOther:
					want = map[string]int{w.B: 4}
				}
				if !sameJSON(byProject, want) {
					t.Errorf("returns by project %v, want %v", byProject, want)
				}
			}},
		{name: "ListReturns of own project accepted", want: projectRead,
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).ListReturns(service.ReturnQuery{ProjectID: w.A, Status: domain.ReturnAccepted}, page))
			},
			check: func(t *testing.T, w *world, r role, got any) {
				if rs := got.([]domain.Return); len(rs) != 1 || rs[0].ID != w.ReturnA {
					t.Errorf("A's accepted returns: %+v", rs)
				}
			}},
		// A pending submission is not there for a funder, who reads
		// approved figures only: asking to review it is 404, as reading it
		// is, never a 403 that tells it exists (security3 N2). One they
		// may read (approved) is theirs to see but not to review: 403.
		{name: "ReviewOutcome", write: true, want: by(ok, ok, forbidden, notFound, notFound, notFound, notFound),
			run: func(w *world, r role) (any, error) {
				return w.openA(r).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"}))
			}},
		{name: "MayReviewOutcome", want: by(ok, ok, forbidden, notFound, notFound, notFound, notFound),
			run: func(w *world, r role) (any, error) { return nil, w.openA(r).MayReviewOutcome(w.OutcomeAPending) }},
		{name: "OutcomeToReview", want: by(ok, ok, forbidden, notFound, notFound, notFound, notFound),
			run: func(w *world, r role) (any, error) { return w.openA(r).OutcomeToReview(w.OutcomeAPending) }},
		{name: "MayReviewOutcome of an approved submission", want: by(ok, ok, forbidden, notFound, forbidden, forbidden, notFound),
			run: func(w *world, r role) (any, error) { return nil, w.openA(r).MayReviewOutcome(w.OutcomeA) }},
		{name: "OutcomeToReview of an approved submission", want: by(ok, ok, forbidden, notFound, forbidden, forbidden, notFound),
			run: func(w *world, r role) (any, error) { return w.openA(r).OutcomeToReview(w.OutcomeA) }},
		{name: "ListPendingOutcomes", want: leadsOnly,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListPendingOutcomes(page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				if os := got.([]domain.Outcome); len(os) != 1 || os[0].ID != w.OutcomeAPending {
					t.Errorf("pending: %+v", os)
				}
			}},
		// Every member may ask; each is told the cohorts of the projects
		// whose records they read only (not project A's, for B's lead).
		{name: "CohortsOf", want: everyMember,
			run: func(w *world, r role) (any, error) {
				return w.open(r).CohortsOf([]domain.Outcome{{ID: "x", ProjectID: w.A, CohortID: w.CohortA}})
			},
			check: func(t *testing.T, w *world, r role, got any) {
				if cs := got.(map[string]domain.Cohort); (r == plOther) != (len(cs) == 0) || (r != plOther && cs[w.CohortA].ID != w.CohortA) {
					t.Errorf("cohorts: %+v", cs)
				}
			}},
		// Funders read approved figures only: a submission awaiting review
		// is not there for them.
		{name: "Outcome awaiting review", want: by(ok, ok, ok, notFound, notFound, notFound, notFound),
			run: func(w *world, r role) (any, error) { return w.openA(r).Outcome(w.OutcomeAPending) }},
		{name: "History of a schedule", want: everyMember,
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).History(domain.Ref(domain.EntitySchedule, w.Schedule), page))
			}},

		{name: "ListAudit", want: leadsOnly,
			run: func(w *world, r role) (any, error) { return list(w.open(r).ListAudit(service.AuditFilter{}, page)) }},
		{name: "History of the programme", want: everyMember,
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).History(domain.Ref(domain.EntityProgramme, w.P), page))
			}},
		{name: "History of a grant", want: grantXARead,
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).History(domain.Ref(domain.EntityGrant, w.GXA), page))
			}},
		{name: "History of a payment", want: grantXARead,
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).History(domain.GrantRef(domain.EntityPayment, w.GXA, w.PayXA), page))
			}},
		{name: "History of a spend return", want: grantXARead,
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).History(domain.GrantRef(domain.EntitySpend, w.GXA, w.SpendXA), page))
			}},
		{name: "History of a post", want: projectRead,
			run: func(w *world, r role) (any, error) {
				return list(w.openA(r).History(domain.ProjectRef(domain.EntityPost, w.A, w.PostA), page))
			}},
		{name: "History of another member", want: by(ok, ok, notFound, notFound, notFound, notFound, notFound),
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).History(domain.Ref(domain.EntityMember, viewer), page))
			}},
		{name: "History of a funder", want: everyMember,
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).History(domain.Ref(domain.EntityFunder, w.X), page))
			},
			check: func(t *testing.T, w *world, r role, got any) {
				events := got.([]domain.AuditEvent)
				_, shown := events[len(events)-1].Changes["contacts"]
				if shown != (contactsShown(w, r, w.X) != nil) {
					t.Errorf("the funder's history shows its contacts: %v", shown)
				}
			}},
		{name: "History of a target", want: everyMember,
			run: func(w *world, r role) (any, error) {
				return list(w.open(r).History(domain.Ref(domain.EntityTarget, w.TargetA), page))
			}},

		{name: "Progress", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).Progress() },
			check: func(t *testing.T, w *world, r role, got any) {
				// Money over the grants the caller may read, and nothing of the others.
				m := got.(domain.Progress).Money
				var g []string
				for _, gm := range m.ByGrant {
					g = append(g, gm.GrantID)
				}
				if slices.Sort(g); !slices.Equal(g, grantsFor(w, r)) {
					t.Errorf("money of grants %v, want %v", g, grantsFor(w, r))
				}
				spent := int64(0)
				if slices.Contains(grantsFor(w, r), w.GXA) {
					spent = 5_300_00
				}
				if m.SpentPence != spent {
					t.Errorf("spent %d, want %d", m.SpentPence, spent)
				}
				if cost := got.(domain.Progress).CostPerPersonIntoWorkSpentPence; (cost != nil) != (r == admin || r == lead) {
					t.Errorf("cost per person on spend shown: %v", cost)
				}
				pr := got.(domain.Progress)
				funder := r == funderOwn || r == funderOther
				if (pr.Pending == nil) != funder || (pr.Returns == nil) != funder {
					t.Fatalf("progress as %s: pending %v, returns %v", r, pr.Pending, pr.Returns)
				}
				// The correction of A's figures awaits review, its return
				// stays accepted. B's project lead sees no pending figures:
				// they are another project's.
				n, referrals := int64(1), int64(11)
				if r == plOther {
					n, referrals = 0, 0
				}
				if !funder && (pr.Pending.Submissions != n || pr.Pending.Totals[domain.MetricReferrals] != referrals || pr.Returns.Submitted != 0) {
					t.Errorf("pending %+v, returns %+v", pr.Pending, pr.Returns)
				}
				// The approved figures stay counted until the correction is approved.
				if pr.Totals[domain.MetricReferrals] != 10 {
					t.Errorf("referrals counted %d, want the approved 10", pr.Totals[domain.MetricReferrals])
				}
			}},
		// A period report: every member, each seeing the counted
		// (approved) figures; a non-member learns nothing, not even that
		// its dates were wrong.
		{name: "Report", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).Report("2025-04-01", "2025-06-30") },
			check: func(t *testing.T, w *world, r role, got any) {
				rep := got.(domain.Report)
				if rep.Totals[domain.MetricReferrals] != 10 || rep.Totals[domain.MetricPeopleIntoWork] != 2 {
					t.Errorf("report totals %v, want the approved 10 referrals and 2 into work", rep.Totals)
				}
				// The first quarter's returns fall due on 2025-04-20: one a
				// project, neither sent. A project lead counts its own
				// project's alone, as it lists them.
				due := int64(2)
				if r == plOwn || r == plOther {
					due = 1
				}
				if rep.Returns.Due != due || rep.Returns.Received != 0 || len(rep.Targets) != 1 || rep.Targets[0].Current != 2 {
					t.Errorf("report returns %+v, targets %+v", rep.Returns, rep.Targets)
				}
			}},
		{name: "Report with reversed dates", want: by(validation, validation, validation, validation, validation, validation, notFound),
			run: func(w *world, r role) (any, error) { return w.open(r).Report("2025-06-30", "2025-04-01") }},
		// A portfolio: the programmes each person belongs to (every one,
		// for an administrator), each with the money of the grants they
		// may read.
		{name: "Portfolio", want: by(ok, ok, ok, ok, ok, ok, ok),
			run: func(w *world, r role) (any, error) { return list(w.svc.Portfolio(w.ctx, caller(r), page)) },
			check: func(t *testing.T, w *world, r role, got any) {
				items := got.([]domain.PortfolioItem)
				var ids []string
				for _, it := range items {
					ids = append(ids, it.ProgrammeID)
				}
				want := map[role][]string{admin: sortedIDs(w.P, w.P2), outsider: {w.P2}}[r]
				if want == nil {
					want = []string{w.P}
				}
				if !slices.Equal(ids, want) {
					t.Fatalf("portfolio %v, want %v", ids, want)
				}
				awarded := map[role]int64{admin: 101_000_00, lead: 101_000_00, plOwn: 31_000_00, plOther: 20_000_00,
					funderOwn: 81_000_00, funderOther: 20_000_00, outsider: 0}[r]
				it := items[slices.Index(ids, want[0])]
				if r == admin {
					it = items[slices.Index(ids, w.P)]
				}
				if it.AwardedPence != awarded {
					t.Errorf("awarded %d, want %d", it.AwardedPence, awarded)
				}
				if r == outsider {
					return
				}
				if (r == admin) != (len(it.Roles) == 0) {
					t.Errorf("roles %+v", it.Roles)
				}
				// Five returns are past due with nothing sent: A's first and
				// third quarters, B's first three. A project lead counts its
				// own project's alone.
				overdue := map[role]int64{plOwn: 2, plOther: 3}[r]
				if overdue == 0 {
					overdue = 5
				}
				if it.PeopleIntoWork != 2 || it.ReturnsOverdue != overdue || len(it.Targets) != 1 || it.Targets[0].Current != 2 {
					t.Errorf("portfolio line %+v", it)
				}
			}},
		{name: "OutcomeSummary", want: everyMember,
			run: func(w *world, r role) (any, error) { return w.open(r).OutcomeSummary() }},
	}
}

func sortedIDs(ids ...string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

// TestRolesTableCoversEveryAction: every operation a Scope offers has a
// row in the roles table, so a new one cannot skip the question of who may
// use it.
func TestRolesTableCoversEveryAction(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range roleCases() {
		name, _, _ := strings.Cut(c.name, " ")
		covered[strings.TrimSuffix(name, ",")] = true
	}
	// Opening a scope and naming its claim are not actions.
	skip := map[string]bool{"WithClaim": true}
	st := reflect.TypeFor[*service.Scope]()
	for i := range st.NumMethod() {
		if m := st.Method(i).Name; !covered[m] && !skip[m] {
			t.Errorf("Scope.%s has no row in the roles table", m)
		}
	}
}

func TestRolesTable(t *testing.T) {
	world := newWorld(t)
	world.addReporting()
	// Every cell starts from a clone of world, so what it holds and its
	// audit trail before the action are world's, read once (each read
	// again per cell was a third of the test's CPU under -race).
	before, beforeAudit := world.st.Snapshot(), world.auditTrail(world.P)
	if world.clone(t).st.Snapshot() != before {
		t.Fatal("a clone of the world does not hold what the world holds")
	}
	cells := 0
	for _, c := range roleCases() {
		for _, r := range roles {
			cells++
			want, ok := c.want[r]
			if !ok {
				t.Fatalf("%s: no answer given for %s", c.name, r)
			}
			t.Run(c.name+"/"+string(r), func(t *testing.T) {
				w := world.clone(t)
				var audit []domain.AuditEvent
				if c.write {
					audit = beforeAudit
				}
				got, err := c.run(w, r)
				if code(err) != want {
					t.Fatalf("%s by %s: %s (%v), want %s", c.name, r, code(err), err, want)
				}
				changed := w.st.Snapshot() != before
				switch {
				case err != nil && changed:
					t.Errorf("refused, yet something was stored")
				case err == nil && !c.write && changed:
					t.Errorf("a read stored something")
				case err == nil && c.write:
					in := w.P
					if c.in != nil {
						in, audit = c.in(got), nil
					}
					events := newEvents(audit, w.auditTrail(in))
					if len(events) != 1 {
						t.Errorf("an allowed change wrote %d audit events, want 1", len(events))
					} else if ev := events[0]; ev.ActorEmail != emails[r] || ev.RequestID != caller(r).RequestID {
						t.Errorf("the audit event names %s (%s), want %s", ev.ActorEmail, ev.RequestID, emails[r])
					}
				}
				if err == nil && c.check != nil {
					c.check(t, w, r, got)
				}
			})
		}
	}
	t.Logf("%d actions × %d roles = %d cells", len(roleCases()), len(roles), cells)
}

// auditTrail is a programme's audit trail, newest first, read straight
// from storage.
func (w *world) auditTrail(programmeID string) []domain.AuditEvent {
	w.t.Helper()
	var out []domain.AuditEvent
	p := service.Page{Limit: service.MaxLimit}
	for {
		items, next, err := w.st.ListAudit(w.ctx, programmeID, service.AuditFilter{}, p)
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		p.Cursor = next
	}
}

// newEvents are the events of after that are not in before.
func newEvents(before, after []domain.AuditEvent) []domain.AuditEvent {
	var out []domain.AuditEvent
	for _, ev := range after {
		if !slices.ContainsFunc(before, func(b domain.AuditEvent) bool { return b.ID == ev.ID }) {
			out = append(out, ev)
		}
	}
	return out
}

func ids[T any](items []T, id func(T) string) []string {
	var out []string
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}
