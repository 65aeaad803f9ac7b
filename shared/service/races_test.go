package service_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// raceCase is one of two writes whose rules each read what the other
// writes: mine reads, theirs lands whole between my read and my write
// (op is my write's store operation), and mine must then be refused with
// a conflict, storing nothing, however the two are ordered.
type raceCase struct {
	name   string
	op     string
	mine   func(w *world) error
	theirs func(w *world) error
	// held checks the rule the two together would have broken still
	// holds after the race.
	held func(t *testing.T, w *world)
	// says, when given, is what the refusal must name as changed.
	says string
	// setup, when given, adds to the world what both writes need.
	setup func(w *world)
}

// runRaces interleaves each case's writes: read A, commit B, commit A.
func runRaces(t *testing.T, cases []raceCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			if c.setup != nil {
				c.setup(w)
			}
			raced, snap := false, ""
			w.st.Before = func(op string) error {
				if op == c.op && !raced {
					raced = true
					if err := c.theirs(w); err != nil {
						t.Errorf("the write that lands first: %v", err)
					}
					snap = w.st.Snapshot()
				}
				return nil
			}
			err := c.mine(w)
			w.st.Before = nil
			if !raced {
				t.Fatal("the race never happened")
			}
			de := wantCode(t, "the write that lands second", err, domain.CodeConflict)
			if !strings.Contains(de.Message, "again and retry") {
				t.Errorf("message %q does not say to look again and retry", de.Message)
			}
			if !strings.Contains(de.Message, c.says) {
				t.Errorf("message %q does not say %q", de.Message, c.says)
			}
			if w.st.Snapshot() != snap {
				t.Error("the refused write changed what is stored")
			}
			c.held(t, w)
		})
	}
}

// narrow and lateTarget: the world's programme runs 2025-01-01 to
// 2027-12-31, so a target's deadline may be as late as 2028-12-31; after
// narrow it may be no later than 2027-12-31, which lateTarget passes.
var (
	narrow     = map[string]any{"endDate": "2026-12-31"}
	lateTarget = map[string]any{"metric": "referrals", "value": 5, "deadline": "2028-06-30", "notify": []string{}}
)

// TestTargetWindowRaces: a target set or moved while the programme's
// dates are narrowed cannot end up outside them. Each checks the other on
// a read; whichever lands second is refused (409) and stores nothing.
func TestTargetWindowRaces(t *testing.T) {
	t.Parallel()
	narrowing := func(w *world) error {
		_, err := w.open(lead).UpdateProgramme(always, body(narrow))
		return err
	}
	held := func(t *testing.T, w *world) {
		p := must(w.open(lead).Programme())
		for _, tg := range mustList(w.open(lead).ListTargets(service.Page{Limit: 100})) {
			if tg.Deadline.After(p.LastTargetDay()) {
				t.Errorf("target %s's deadline %s is past %s, a year after the programme ends (%s)", tg.ID, tg.Deadline, p.LastTargetDay(), p.EndDate)
			}
		}
	}
	runRaces(t, []raceCase{
		{name: "narrowing, a target set meanwhile", op: "UpdateProgramme", mine: narrowing, held: held,
			theirs: func(w *world) error { _, err := w.open(admin).CreateTarget(body(lateTarget)); return err }},
		{name: "narrowing, a target moved meanwhile", op: "UpdateProgramme", mine: narrowing, held: held,
			theirs: func(w *world) error {
				_, err := w.open(admin).UpdateTarget(w.TargetA, always, body(map[string]any{"deadline": "2028-06-30"}))
				return err
			}},
		{name: "setting a target, the dates narrowed meanwhile", op: "CreateTarget", theirs: narrowing, held: held,
			says: "the programme's dates were changed",
			mine: func(w *world) error { _, err := w.open(lead).CreateTarget(body(lateTarget)); return err }},
		{name: "moving a target, the dates narrowed meanwhile", op: "UpdateTarget", theirs: narrowing, held: held,
			says: "the programme's dates were changed",
			mine: func(w *world) error {
				_, err := w.open(lead).UpdateTarget(w.TargetA, version(1), body(map[string]any{"deadline": "2028-06-30"}))
				return err
			}},
	})
}

// TestGrantProjectRaces: a grant given to another project while a post
// of its old project is set to be paid from it cannot leave that post
// paid from another project's grant. The world's GX is the programme's,
// so a post of project A may be paid from it until it goes to project B.
func TestGrantProjectRaces(t *testing.T) {
	t.Parallel()
	moving := func(w *world) error {
		_, err := w.open(lead).UpdateGrant(w.GX, always, body(map[string]any{"projectId": w.B}))
		return err
	}
	held := func(t *testing.T, w *world) {
		g := must(w.open(lead).Grant(w.GX))
		for _, p := range mustList(w.openA(lead).ListPosts(service.Page{Limit: 100})) {
			if p.GrantID == g.ID && g.ProjectID != "" && g.ProjectID != w.A {
				t.Errorf("post %q of project A is paid from grant %s of project %s", p.Title, g.ID, g.ProjectID)
			}
		}
	}
	runRaces(t, []raceCase{
		{name: "moving the grant, a post paid from it meanwhile", op: "UpdateGrant", mine: moving, held: held,
			theirs: func(w *world) error { _, err := w.openA(admin).CreatePost(body(postBody(w.GX))); return err }},
		{name: "moving the grant, a post moved onto it meanwhile", op: "UpdateGrant", mine: moving, held: held,
			theirs: func(w *world) error {
				_, err := w.openA(admin).UpdatePost(w.PostA, always, body(map[string]any{"grantId": w.GX}))
				return err
			}},
		{name: "a post paid from the grant, the grant moved meanwhile", op: "CreatePost", theirs: moving, held: held,
			says: "the grant's project was changed",
			mine: func(w *world) error { _, err := w.openA(lead).CreatePost(body(postBody(w.GX))); return err }},
		{name: "a post moved onto the grant, the grant moved meanwhile", op: "UpdatePost", theirs: moving, held: held,
			says: "the grant's project was changed",
			mine: func(w *world) error {
				_, err := w.openA(lead).UpdatePost(w.PostA, version(1), body(map[string]any{"grantId": w.GX}))
				return err
			}},
	})
}

// TestAwardDateRaces: a payment marked paid while its grant's award date
// moves later cannot be left paid before the grant was awarded. The
// world's GXA was awarded on 2025-01-01; its payment PayXA is scheduled.
func TestAwardDateRaces(t *testing.T) {
	t.Parallel()
	later := func(w *world) error {
		_, err := w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"awardDate": "2025-07-01"}))
		return err
	}
	paying := func(w *world) error {
		_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, version(1), body(map[string]any{"status": "paid", "paidDate": "2025-06-01"}))
		return err
	}
	held := func(t *testing.T, w *world) {
		g := must(w.open(lead).Grant(w.GXA))
		for _, p := range mustList(w.open(lead).ListPayments(w.GXA, service.Page{Limit: 100})) {
			if p.Status == domain.PaymentPaid && p.PaidDate.Before(g.AwardDate) {
				t.Errorf("payment %s paid on %s, before the grant was awarded (%s)", p.ID, p.PaidDate, g.AwardDate)
			}
		}
	}
	runRaces(t, []raceCase{
		{name: "moving the award date later, a payment paid meanwhile", op: "UpdateGrant", mine: later, theirs: paying, held: held},
		{name: "paying, the award date moved later meanwhile", op: "UpdatePayment", mine: paying, theirs: later, held: held,
			says: "the grant's award date was changed"},
	})
}

// TestDependentsWithoutRaceStillWrite: the guards refuse only a write
// that raced. One after the other, in one scope, each of these writes is
// allowed (the dependent's write moves the record's revision, and the
// record's own change after it reads that), and an edit that does not
// touch the rule (a grant's title, a target's value) is never refused
// for a dependent written meanwhile.
func TestDependentsWithoutRaceStillWrite(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	must(sc.CreateTarget(body(map[string]any{"metric": "referrals", "value": 5, "deadline": "2026-06-30", "notify": []string{}})))
	must(sc.UpdateProgramme(always, body(narrow)))
	must(sc.UpdateTarget(w.TargetA, always, body(map[string]any{"deadline": "2027-06-30"})))
	must(sc.UpdateProgramme(always, body(map[string]any{"endDate": "2026-09-30"})))
	must(w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid", "paidDate": "2025-06-01"})))
	must(w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"awardDate": "2025-05-01"})))

	raced := false
	w.st.Before = func(op string) error {
		if op == "UpdateGrant" && !raced {
			raced = true
			must(w.openA(admin).CreatePost(body(postBody(w.GX))))
		}
		return nil
	}
	if _, err := w.open(lead).UpdateGrant(w.GX, always, body(map[string]any{"title": "Co-ordination"})); err != nil {
		t.Errorf("a grant's title changed while a post was paid from it: %v", err)
	}
	w.st.Before = nil
	if !raced {
		t.Fatal("the race never happened")
	}
}

// TestDependentsRaceUnrelatedEdits: a dependent's write (a target set or
// moved, a post paid from a grant, a payment marked paid) is refused only
// when what its rule read changed meanwhile. An edit of the rest of the
// record (the programme's name, the grant's title or description) landing
// between its read and its write refuses nothing: both are stored.
func TestDependentsRaceUnrelatedEdits(t *testing.T) {
	t.Parallel()
	rename := func(w *world) error {
		_, err := w.open(admin).UpdateProgramme(always, body(map[string]any{"name": "Working for Wellness (renamed)"}))
		return err
	}
	renamed := func(t *testing.T, w *world) {
		if p := must(w.open(lead).Programme()); p.Name != "Working for Wellness (renamed)" {
			t.Errorf("programme named %q after the race, want the rename", p.Name)
		}
	}
	editGrant := func(id func(*world) string, edit map[string]any) func(w *world) error {
		return func(w *world) error {
			_, err := w.open(admin).UpdateGrant(id(w), always, body(edit))
			return err
		}
	}
	edited := func(id func(*world) string, field, want string) func(t *testing.T, w *world) {
		return func(t *testing.T, w *world) {
			g := must(w.open(lead).Grant(id(w)))
			if got := map[string]string{"title": g.Title, "description": g.Description}[field]; got != want {
				t.Errorf("grant's %s %q after the race, want %q", field, got, want)
			}
		}
	}
	gx := func(w *world) string { return w.GX }
	gxa := func(w *world) string { return w.GXA }
	for _, c := range []struct {
		name   string
		op     string
		mine   func(w *world) error
		theirs func(w *world) error
		held   func(t *testing.T, w *world)
	}{
		{name: "setting a target, the programme renamed meanwhile", op: "CreateTarget", theirs: rename, held: renamed,
			mine: func(w *world) error { _, err := w.open(lead).CreateTarget(body(lateTarget)); return err }},
		{name: "moving a target, the programme renamed meanwhile", op: "UpdateTarget", theirs: rename, held: renamed,
			mine: func(w *world) error {
				_, err := w.open(lead).UpdateTarget(w.TargetA, version(1), body(map[string]any{"deadline": "2028-06-30"}))
				return err
			}},
		{name: "a post paid from the grant, its description edited meanwhile", op: "CreatePost",
			theirs: editGrant(gx, map[string]any{"description": "Co-ordinators across the region"}),
			held:   edited(gx, "description", "Co-ordinators across the region"),
			mine:   func(w *world) error { _, err := w.openA(lead).CreatePost(body(postBody(w.GX))); return err }},
		{name: "a post moved onto the grant, its title edited meanwhile", op: "UpdatePost",
			theirs: editGrant(gx, map[string]any{"title": "Regional co-ordination"}),
			held:   edited(gx, "title", "Regional co-ordination"),
			mine: func(w *world) error {
				_, err := w.openA(lead).UpdatePost(w.PostA, version(1), body(map[string]any{"grantId": w.GX}))
				return err
			}},
		{name: "paying, the grant's title edited meanwhile", op: "UpdatePayment",
			theirs: editGrant(gxa, map[string]any{"title": "Employment specialists, Bradford"}),
			held:   edited(gxa, "title", "Employment specialists, Bradford"),
			mine: func(w *world) error {
				_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, version(1), body(map[string]any{"status": "paid", "paidDate": "2025-06-01"}))
				return err
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			raced := false
			w.st.Before = func(op string) error {
				if op == c.op && !raced {
					raced = true
					if err := c.theirs(w); err != nil {
						t.Errorf("the edit that lands first: %v", err)
					}
				}
				return nil
			}
			err := c.mine(w)
			w.st.Before = nil
			if !raced {
				t.Fatal("the race never happened")
			}
			if err != nil {
				t.Errorf("the dependent's write, after an unrelated edit of what it depends on: %v", err)
			}
			c.held(t, w)
		})
	}
}
