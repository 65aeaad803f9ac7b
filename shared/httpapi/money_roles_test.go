package httpapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// moneyRoleCases are the roles table's rows for payments and spend (see
// TestAPIRoles): leads manage payments; a project lead reads its project's
// grants' payments and reports spend on them; a funder reads both for the
// grants it funds; whoever may not read the grant is told it is not there.
func moneyRoleCases() []roleCase {
	const ok, created, forbidden, notFound = 200, 201, 403, 404
	all := func(s int) map[string]int { return byRole(s, s, s, s, s) }
	get := func(path func(f *apiFixture) string) func(*apiFixture, string, string) testkit.Req {
		return func(f *apiFixture, role, _ string) testkit.Req {
			return testkit.Req{Method: "GET", Path: path(f), As: emailOf(role)}
		}
	}
	// freshGrant makes a grant of its own for each role's write, so writes
	// never meet.
	freshGrant := func(funder, project func(f *apiFixture) string) func(*testing.T, *apiH, *apiFixture, string) string {
		return func(t *testing.T, h *apiH, f *apiFixture, role string) string {
			p := ""
			if project != nil {
				p = project(f)
			}
			id, _ := h.Create(t, uAdmin, f.p1("/grants"), testkit.GrantBody(h.Uniq("grant for "+role), funder(f), p, testkit.GrantPence))
			return id
		}
	}
	x, a, y, b := func(f *apiFixture) string { return f.X }, func(f *apiFixture) string { return f.A },
		func(f *apiFixture) string { return f.Y }, func(f *apiFixture) string { return f.B }
	// none checks a refused write left the grant's list empty.
	none := func(list string) func(*testing.T, *apiH, *apiFixture, string, string) {
		return func(t *testing.T, h *apiH, f *apiFixture, _, grant string) {
			if items := testkit.ListAll[apiIDed](t, h, uAdmin, f.p1("/grants/"+grant+list)); len(items) != 0 {
				t.Fatalf("a refused write stored %+v", items)
			}
		}
	}
	// one checks an allowed write stored what it answered, where it said.
	one := func(list string) func(*testing.T, *apiH, *apiFixture, string, string, testkit.Resp) {
		return func(t *testing.T, h *apiH, f *apiFixture, _, grant string, r testkit.Resp) {
			got := testkit.Decode[apiIDed](t, r)
			items := testkit.ListAll[apiIDed](t, h, uAdmin, f.p1("/grants/"+grant+list))
			if len(items) != 1 || items[0].ID != got.ID || r.Header.Get("Location") != f.p1("/grants/"+grant+list+"/"+got.ID) {
				t.Fatalf("stored %+v, answered %s at %s", items, got.ID, r.Header.Get("Location"))
			}
		}
	}
	postTo := func(list string, body map[string]any) func(*apiFixture, string, string) testkit.Req {
		return func(f *apiFixture, role, grant string) testkit.Req {
			return testkit.Req{Method: "POST", Path: f.p1("/grants/" + grant + list), As: emailOf(role), Body: body}
		}
	}
	// Dated years ahead: scheduled (one made after its date is due when made).
	payment := testkit.DatedPaymentBody(500_000, "2027-01-31") // scheduled: the latest a grant ending 2026-01-31 takes
	spend := testkit.SpendBody("2025-04-01", "2025-06-30", "staff", 120_000, "travel", 3_050)
	// A payment of its own grant for each role's PATCH: "grant/payment".
	freshPayment := func(t *testing.T, h *apiH, f *apiFixture, role string) string {
		g := freshGrant(x, a)(t, h, f, role)
		p, _ := h.Create(t, uAdmin, f.p1("/grants/"+g+"/payments"), payment)
		return g + "/" + p
	}
	payPath := func(f *apiFixture, target string) string {
		g, p, _ := strings.Cut(target, "/")
		return f.p1("/grants/" + g + "/payments/" + p)
	}
	listed := func(list string, want func(f *apiFixture) string) func(*testing.T, *apiH, *apiFixture, string, string, testkit.Resp) {
		return func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
			items := testkit.Decode[struct{ Items []apiIDed }](t, r).Items
			if len(items) != 1 || items[0].ID != want(f) {
				t.Fatalf("%s lists %+v, want only %s", list, items, want(f))
			}
		}
	}

	return []roleCase{
		{route: "POST /programmes/{programmeId}/grants/{grantId}/payments", name: "of X to A", write: true,
			want: byRole(created, created, forbidden, forbidden, notFound), setup: freshGrant(x, a),
			req: postTo("/payments", payment), ok: one("/payments"), refused: none("/payments")},
		{route: "POST /programmes/{programmeId}/grants/{grantId}/payments", name: "of Y to B", write: true,
			want: byRole(created, created, notFound, notFound, notFound), setup: freshGrant(y, b),
			req: postTo("/payments", payment), ok: one("/payments"), refused: none("/payments")},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/payments", name: "of X to A", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantXA + "/payments") }),
			ok:  listed("payments", func(f *apiFixture) string { return f.PayXA })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/payments", name: "of Y to B", want: byRole(ok, ok, notFound, notFound, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantYB + "/payments") }),
			ok:  listed("payments", func(f *apiFixture) string { return f.PayYB })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/payments", name: "of another programme's grant", want: all(notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantZC + "/payments") })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/payments/{paymentId}", name: "of X to A", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantXA + "/payments/" + f.PayXA) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, _, _ string, r testkit.Resp) {
				p := testkit.Decode[domain.Payment](t, r)
				if p.ID != f.PayXA || p.GrantID != f.GrantXA || p.AmountPence != 1_000_000 || r.Header.Get("ETag") != `"1"` {
					t.Fatalf("payment %+v, ETag %s", p, r.Header.Get("ETag"))
				}
			}},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/payments/{paymentId}", name: "of Y to B", want: byRole(ok, ok, notFound, notFound, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantYB + "/payments/" + f.PayYB) })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/payments/{paymentId}", name: "under another grant", want: all(notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantXA + "/payments/" + f.PayYB) })},
		{route: "PATCH /programmes/{programmeId}/grants/{grantId}/payments/{paymentId}", name: "paid", write: true,
			want: byRole(ok, ok, forbidden, forbidden, notFound), setup: freshPayment,
			req: func(f *apiFixture, role, target string) testkit.Req {
				return testkit.Req{Method: "PATCH", Path: payPath(f, target), As: emailOf(role), Header: map[string]string{"If-Match": `"1"`},
					Body: map[string]any{"status": "paid", "paidDate": "2025-07-01", "reference": "BACS " + role}}
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, target string, r testkit.Resp) {
				p := testkit.Decode[domain.Payment](t, h.Want(t, ok, testkit.Req{Method: "GET", Path: payPath(f, target), As: uAdmin}))
				if p.Status != domain.PaymentPaid || p.PaidDate.String() != "2025-07-01" || p.Reference != "BACS "+role || p.Version != 2 ||
					r.Header.Get("ETag") != `"2"` {
					t.Fatalf("after PATCH: %+v (ETag %s)", p, r.Header.Get("ETag"))
				}
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, _, target string) {
				p := testkit.Decode[domain.Payment](t, h.Want(t, ok, testkit.Req{Method: "GET", Path: payPath(f, target), As: uAdmin}))
				if p.Status != domain.PaymentScheduled || p.Version != 1 {
					t.Fatalf("a refused PATCH changed the payment: %+v", p)
				}
			}},
		{route: "POST /programmes/{programmeId}/grants/{grantId}/spend", name: "on X to A", write: true,
			want: byRole(created, created, created, forbidden, notFound), setup: freshGrant(x, a),
			req: postTo("/spend", spend), ok: one("/spend"), refused: none("/spend")},
		{route: "POST /programmes/{programmeId}/grants/{grantId}/spend", name: "on X to the programme", write: true,
			want: byRole(created, created, notFound, forbidden, notFound), setup: freshGrant(x, nil),
			req: postTo("/spend", spend), ok: one("/spend"), refused: none("/spend")},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/spend", name: "on X to A", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantXA + "/spend") }),
			ok:  listed("spend", func(f *apiFixture) string { return f.SpendXA })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/spend", name: "on Y to B", want: byRole(ok, ok, notFound, notFound, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantYB + "/spend") })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/spend/{spendId}", name: "on X to A", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantXA + "/spend/" + f.SpendXA) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, _, _ string, r testkit.Resp) {
				s := testkit.Decode[domain.SpendReturn](t, r)
				if s.ID != f.SpendXA || s.TotalPence != 400_000 || s.SubmittedBy != testkit.Admin {
					t.Fatalf("spend return %+v", s)
				}
			}},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/spend/{spendId}", name: "on Y to B", want: byRole(ok, ok, notFound, notFound, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantYB + "/spend/" + f.SpendYB) })},
		{route: "GET /programmes/{programmeId}/payments.csv", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/payments.csv") }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				want := map[string][]string{"admin": {f.PayXA, f.PayYB}, "lead": {f.PayXA, f.PayYB}, "pl-a": {f.PayXA}, "funder-x": {f.PayXA}}[role]
				var got []string
				for _, line := range strings.Split(strings.TrimSpace(string(r.Body)), "\r\n")[1:] {
					id, _, _ := strings.Cut(line, ",")
					got = append(got, id)
				}
				slices.Sort(got)
				if slices.Sort(want); !slices.Equal(got, want) || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
					t.Fatalf("%s's payments.csv lists %v, want %v", role, got, want)
				}
			}},
		{route: "GET /programmes/{programmeId}/grants/{grantId}/payments", name: "not an id", want: all(notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/not-a-grant/payments") })},
	}
}
