package service_test

// The service's rules besides who may do what (roles_test.go): one answer
// names every bad field, nothing is stored on a refusal, If-Match,
// corrections, the personal-data guard, what funders see of
// notifications, the audit trail, idempotency claims and storage failures.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

func TestValidationNamesEveryBadField(t *testing.T) {
	w := newWorld(t)
	noFunder, noProject, noCohort, noOutcome := domain.NewID(), domain.NewID(), domain.NewID(), domain.NewID()
	outcomeB := must(w.svc.OpenProject(w.ctx, caller(admin), w.P, w.B).SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 1})))).ID
	with := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name   string
		call   func() error
		fields []string
	}{
		{"a programme with every field wrong", func() error {
			_, err := w.svc.CreateProgramme(w.ctx, caller(admin), body(map[string]any{"name": "", "region": "East\x00Midlands",
				"startDate": "2025-06-01", "endDate": "2025-01-01"}), nil)
			return err
		}, []string{"name", "leadOrganisation", "region", "endDate"}},
		{"a project with every field wrong", func() error {
			_, err := w.open(lead).CreateProject(body(map[string]any{"name": " ", "area": strings.Repeat("a", 201), "endDate": "2025-01-01"}))
			return err
		}, []string{"name", "leadOrganisation", "area", "startDate"}},
		{"a funder with every field wrong", func() error {
			_, err := w.open(lead).CreateFunder(body(map[string]any{"name": "", "orgId": "DWP", "contacts": []string{"a@dwp.example", "not an email"}}))
			return err
		}, []string{"name", "orgId", "contacts[1]"}},
		{"a grant with every field wrong, references too", func() error {
			_, err := w.open(lead).CreateGrant(body(map[string]any{"funderId": noFunder, "projectId": noProject, "title": "",
				"amountPence": -5, "currency": "EUR", "startDate": "2026-01-01", "endDate": "2025-01-01"}))
			return err
		}, []string{"funderId", "projectId", "title", "amountPence", "currency", "awardDate", "endDate"}},
		{"a grant whose only fault is its references", func() error {
			_, err := w.open(lead).CreateGrant(body(grantBody(noFunder, noProject, 100)))
			return err
		}, []string{"funderId", "projectId"}},
		{"a grant change to a funder not there and no money", func() error {
			_, err := w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"funderId": noFunder, "amountPence": 0}))
			return err
		}, []string{"funderId", "amountPence"}},
		{"a member with every kind of bad role", func() error {
			_, _, err := w.open(lead).PutMember("new@example.org", body(map[string]any{"roles": []domain.Role{
				{Role: domain.RoleProjectLead, ProjectID: noProject}, {Role: domain.RoleFunder, FunderID: noFunder},
				{Role: "boss"}, {Role: domain.RoleLead, ProjectID: w.A}, {Role: domain.RoleFunder, FunderID: w.X}}}))
			return err
		}, []string{"roles[0].projectId", "roles[1].funderId", "roles[2].role", "roles[3].projectId"}},
		{"a member whose only fault is its references", func() error {
			_, _, err := w.open(lead).PutMember("new@example.org", body(map[string]any{"roles": []domain.Role{
				{Role: domain.RoleLead}, {Role: domain.RoleProjectLead, ProjectID: noProject}, {Role: domain.RoleFunder, FunderID: w.X},
				{Role: domain.RoleFunder, FunderID: noFunder}}}))
			return err
		}, []string{"roles[1].projectId", "roles[3].funderId"}},
		{"a member that is not an email", func() error {
			_, _, err := w.open(lead).PutMember("not an email", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}}))
			return err
		}, []string{"email"}},
		{"a member whose email holds a byte that is not UTF-8", func() error {
			_, _, err := w.open(lead).PutMember("\xffJo@example.org", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}}))
			return err
		}, []string{"email"}},
		{"a target with every field wrong", func() error {
			_, err := w.open(lead).CreateTarget(body(map[string]any{"metric": "jobs", "value": 0, "projectId": noProject,
				"notify": []string{w.X, noFunder, w.X}, "thresholds": []int{0, 50}}))
			return err
		}, []string{"metric", "value", "deadline", "projectId", "notify[1]", "notify[2]", "thresholds[0]"}},
		{"a target whose only fault is its references", func() error {
			_, err := w.open(lead).CreateTarget(body(map[string]any{"metric": "referrals", "value": 10, "deadline": "2026-12-31",
				"projectId": noProject, "notify": []string{noFunder}}))
			return err
		}, []string{"projectId", "notify[0]"}},
		{"a post paid by another project's grant", func() error {
			_, err := w.openA(plOwn).CreatePost(body(postBody(w.GYB)))
			return err
		}, []string{"grantId"}},
		{"a post with every field wrong, its grant too", func() error {
			_, err := w.openA(plOwn).CreatePost(body(map[string]any{"title": "", "grantId": w.GYB, "fte": 2, "contract": "zero-hours", "status": "open"}))
			return err
		}, []string{"title", "grantId", "fte", "contract", "startDate", "status"}},
		{"a post changed to another project's grant and no hours", func() error {
			_, err := w.openA(plOwn).UpdatePost(w.PostA, always, body(map[string]any{"grantId": w.GYB, "fte": 0}))
			return err
		}, []string{"grantId", "fte"}},
		{"a cohort with every field wrong", func() error {
			_, err := w.openA(plOwn).CreateCohort(body(map[string]any{"name": "", "places": 0, "startDate": "2025-09-01", "endDate": "2025-03-01"}))
			return err
		}, []string{"name", "places", "endDate"}},
		{"a cohort change with every field wrong", func() error {
			_, err := w.openA(plOwn).UpdateCohort(w.CohortA, always, body(map[string]any{"name": "", "places": 1001, "endDate": "2024-01-01"}))
			return err
		}, []string{"name", "places", "endDate"}},
		{"a submission with every field wrong, its cohort and the one it corrects too", func() error {
			_, err := w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-06-30", "periodEnd": "2025-04-01",
				"cohortId": noCohort, "replaces": noOutcome, "counts": map[string]int{"referrals": -1, "jobs": 3},
				"measures": []map[string]any{{"name": "Self Confidence", "baselineMean": 0, "latestMean": 2000, "respondents": 0}}}))
			return err
		}, []string{"periodEnd", "cohortId", "replaces", "counts.referrals", "counts.jobs", "measures[0].name",
			"measures[0].baselineMean", "measures[0].latestMean", "measures[0].respondents"}},
		{"a submission for a cohort not there", func() error {
			_, err := w.openA(plOwn).SubmitOutcome(body(with(outcomeBody(map[string]int64{"referrals": 1}), "cohortId", noCohort)))
			return err
		}, []string{"cohortId"}},
		{"a correction of a submission not there", func() error {
			_, err := w.openA(plOwn).SubmitOutcome(body(with(outcomeBody(map[string]int64{"referrals": 1}), "replaces", noOutcome)))
			return err
		}, []string{"replaces"}},
		{"a correction of another project's submission", func() error {
			_, err := w.openA(plOwn).SubmitOutcome(body(with(outcomeBody(map[string]int64{"referrals": 1}), "replaces", outcomeB)))
			return err
		}, []string{"replaces"}},
		{"a target change with every field wrong", func() error {
			_, err := w.open(lead).UpdateTarget(w.TargetA, always, body(map[string]any{"value": -1, "notify": []string{noFunder}, "startDate": "2027-01-01"}))
			return err
		}, []string{"value", "notify[0]", "startDate"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			wantFields(t, c.name, w.unchanged(c.call), c.fields...)
		})
	}
}

// A change based on a version that is no longer current is refused (412)
// and changes nothing, for every kind of record that changes by If-Match.
func TestStaleIfMatchChangesNothing(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		name   string
		update func(ifMatch func(int64) bool, title string) error
	}{
		{"grant", func(m func(int64) bool, title string) error {
			_, err := w.open(lead).UpdateGrant(w.GXA, m, body(map[string]any{"title": title}))
			return err
		}},
		{"post", func(m func(int64) bool, title string) error {
			_, err := w.openA(plOwn).UpdatePost(w.PostA, m, body(map[string]any{"title": title}))
			return err
		}},
		{"cohort", func(m func(int64) bool, title string) error {
			_, err := w.openA(plOwn).UpdateCohort(w.CohortA, m, body(map[string]any{"name": title}))
			return err
		}},
		{"target", func(m func(int64) bool, _ string) error {
			_, err := w.open(lead).UpdateTarget(w.TargetA, m, body(map[string]any{"value": 70}))
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			if err := c.update(version(1), "Changed first"); err != nil {
				t.Fatal(err)
			}
			err := w.unchanged(func() error { return c.update(version(1), "Changed again") })
			wantCode(t, "a change based on version 1 of version 2", err, domain.CodePreconditionFailed)
			if err := c.update(version(2), "Changed at version 2"); err != nil {
				t.Errorf("a change based on the current version: %v", err)
			}
		})
	}
}

// TestUpdateThatChangesNothingWritesNothing: every update (PATCH of each
// kind of record, a member's roles put again) that leaves the record as it
// is writes nothing: no new version (so no one else's ETag goes stale), no
// audit event; it answers the record as stored. A stale If-Match is still
// refused.
func TestUpdateThatChangesNothingWritesNothing(t *testing.T) {
	w := newWorld(t)
	w.addReporting()
	must(w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid", "paidDate": "2025-07-01", "reference": "BACS 1"})))
	twoRoles := []domain.Role{{Role: domain.RoleProjectLead, ProjectID: w.A}, {Role: domain.RoleFunder, FunderID: w.X}}
	if _, _, err := w.open(lead).PutMember("two.roles@example.org", body(map[string]any{"roles": twoRoles})); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		update func(ifMatch func(int64) bool) (any, error)
		read   func() any
	}{
		{"programme", func(m func(int64) bool) (any, error) {
			return w.open(lead).UpdateProgramme(m, body(map[string]any{"name": "Working for Wellness A", "reviewOutcomes": true}))
		}, func() any { return must(w.open(lead).Programme()) }},
		{"funder", func(m func(int64) bool) (any, error) {
			// Contacts are stored lower-cased: typed otherwise they are the same people.
			return w.open(lead).UpdateFunder(w.X, m, body(map[string]any{"name": "DWP", "contacts": []string{"X1@dwp.example", "x2@dwp.example"}}))
		}, func() any { return must(w.open(lead).Funder(w.X)) }},
		{"project", func(m func(int64) bool) (any, error) {
			return w.open(lead).UpdateProject(w.A, m, body(map[string]any{"name": "Bradford IPS", "area": ""}))
		}, func() any { return must(w.open(lead).Project(w.A)) }},
		{"grant", func(m func(int64) bool) (any, error) {
			return w.open(lead).UpdateGrant(w.GXA, m, body(map[string]any{"title": "Employment specialists", "amountPence": 31_000_00,
				"budget": []map[string]any{{"category": "staff", "amountPence": 25_000_00}, {"category": "travel", "amountPence": 6_000_00}}}))
		}, func() any { return must(w.open(lead).Grant(w.GXA)) }},
		{"grant, empty body", func(m func(int64) bool) (any, error) {
			return w.open(lead).UpdateGrant(w.GX, m, body(map[string]any{}))
		}, func() any { return must(w.open(lead).Grant(w.GX)) }},
		{"post", func(m func(int64) bool) (any, error) {
			return w.openA(plOwn).UpdatePost(w.PostA, m, body(map[string]any{"status": "filled", "fte": 1}))
		}, func() any { return must(w.openA(plOwn).Post(w.PostA)) }},
		{"cohort", func(m func(int64) bool) (any, error) {
			return w.openA(plOwn).UpdateCohort(w.CohortA, m, body(map[string]any{"places": 4}))
		}, func() any { return must(w.openA(plOwn).Cohort(w.CohortA)) }},
		{"target", func(m func(int64) bool) (any, error) {
			return w.open(lead).UpdateTarget(w.TargetA, m, body(map[string]any{"value": 60, "notify": []string{w.X}}))
		}, func() any { return must(w.open(lead).Target(w.TargetA)) }},
		{"schedule", func(m func(int64) bool) (any, error) {
			return w.open(lead).UpdateSchedule(w.Schedule, m, body(map[string]any{"name": "Quarterly returns", "lastPeriodEnd": "2025-12-31"}))
		}, func() any { return must(w.open(lead).Schedule(w.Schedule)) }},
		{"payment marked paid again as it is", func(m func(int64) bool) (any, error) {
			return w.open(lead).UpdatePayment(w.GXA, w.PayXA, m, body(map[string]any{"status": "paid", "paidDate": "2025-07-01", "reference": "BACS 1"}))
		}, func() any { return must(w.open(lead).Payment(w.GXA, w.PayXA)) }},
		{"member given the roles they have", func(func(int64) bool) (any, error) {
			m, created, err := w.open(lead).PutMember(" Viewer@Example.org", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleProjectLead, ProjectID: w.B}}}))
			if created {
				t.Error("an existing member was reported new")
			}
			return m, err
		}, func() any { return must(w.open(lead).Member(viewer)) }},
		{"member given their roles in another order", func(func(int64) bool) (any, error) {
			m, _, err := w.open(lead).PutMember("two.roles@example.org", body(map[string]any{"roles": []domain.Role{twoRoles[1], twoRoles[0]}}))
			return m, err
		}, func() any { return must(w.open(lead).Member("two.roles@example.org")) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			stored := c.read()
			before := w.st.Snapshot()
			got, err := c.update(always)
			if err != nil {
				t.Fatal(err)
			}
			if w.st.Snapshot() != before {
				t.Error("a change that changes nothing wrote something (a version, an audit event)")
			}
			if !sameJSON(got, stored) {
				t.Errorf("answered %+v, want the record as stored %+v", got, stored)
			}
			if strings.HasPrefix(c.name, "member given") {
				return // members have no version to check
			}
			var v struct{ Version int64 }
			raw, _ := json.Marshal(stored)
			if json.Unmarshal(raw, &v); v.Version < 1 {
				t.Fatalf("no version in %s", raw)
			}
			err = w.unchanged(func() error { _, err := c.update(version(v.Version + 1)); return err })
			wantCode(t, "the same values on a version that is not current", err, domain.CodePreconditionFailed)
		})
	}
}

// "If-Match: *" accepts whatever version is current, so a change that loses
// a race to another writer is made again on the fresh record; with a
// version, the same race is a 412 and the other writer's change stands.
func TestAnyVersionRetriesALostRace(t *testing.T) {
	for _, c := range []struct {
		name    string
		ifMatch func(int64) bool
		want    domain.Code
	}{{"If-Match: *", always, ""}, {`If-Match: "1"`, version(1), domain.CodePreconditionFailed}} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			raced := false
			w.st.Before = func(op string) error {
				if op == "UpdateGrant" && !raced {
					// Another lead's change lands between this request's
					// read of the grant and its write.
					raced = true
					if _, err := w.open(admin).UpdateGrant(w.GX, always, body(map[string]any{"title": "Renamed meanwhile"})); err != nil {
						t.Errorf("the other writer: %v", err)
					}
				}
				return nil
			}
			got, err := w.open(lead).UpdateGrant(w.GX, c.ifMatch, body(map[string]any{"amountPence": 12_345}))
			w.st.Before = nil
			stored := must(w.open(lead).Grant(w.GX))
			funding := must(w.open(lead).Progress()).Funding
			if !raced {
				t.Fatal("the race never happened")
			}
			if c.want != "" {
				wantCode(t, "losing the race", err, c.want)
				if stored.Version != 2 || stored.Title != "Renamed meanwhile" || stored.AmountPence != 50_000_00 {
					t.Errorf("after the refused change the grant is %+v", stored)
				}
				return
			}
			if err != nil {
				t.Fatalf("with If-Match: * the change was not retried: %v", err)
			}
			if got.Version != 3 || stored.Version != 3 || stored.Title != "Renamed meanwhile" || stored.AmountPence != 12_345 {
				t.Errorf("answered %+v, stored %+v: want version 3 with both changes", got, stored)
			}
			if funding.AwardedPence != 31_000_00+20_000_00+12_345 {
				t.Errorf("awarded %d after the retried change", funding.AwardedPence)
			}
		})
	}
}

// TestRefusedVersionIsNotRetried: a change whose If-Match does not accept
// the record's version is 412 on its first try, for every kind of record
// that changes by If-Match, whatever the matcher says of versions no
// record has. A matcher that accepted the probe -1 (what If-Match: "-1"
// once made) was taken for "*", and its stale change was read and tried
// sixteen times, with pauses, before the 412 (audit-surface W1).
func TestRefusedVersionIsNotRetried(t *testing.T) {
	w := newWorld(t)
	w.addReporting()
	for _, c := range []struct {
		name   string
		update func(ifMatch func(int64) bool) error
	}{
		{"programme", func(m func(int64) bool) error {
			_, err := w.open(lead).UpdateProgramme(m, body(map[string]any{"name": "Renamed"}))
			return err
		}},
		{"funder", func(m func(int64) bool) error {
			_, err := w.open(lead).UpdateFunder(w.X, m, body(map[string]any{"name": "Renamed"}))
			return err
		}},
		{"project", func(m func(int64) bool) error {
			_, err := w.open(lead).UpdateProject(w.A, m, body(map[string]any{"name": "Renamed"}))
			return err
		}},
		{"grant", func(m func(int64) bool) error {
			_, err := w.open(lead).UpdateGrant(w.GXA, m, body(map[string]any{"title": "Renamed"}))
			return err
		}},
		{"post", func(m func(int64) bool) error {
			_, err := w.openA(plOwn).UpdatePost(w.PostA, m, body(map[string]any{"title": "Renamed"}))
			return err
		}},
		{"cohort", func(m func(int64) bool) error {
			_, err := w.openA(plOwn).UpdateCohort(w.CohortA, m, body(map[string]any{"name": "Renamed"}))
			return err
		}},
		{"target", func(m func(int64) bool) error {
			_, err := w.open(lead).UpdateTarget(w.TargetA, m, body(map[string]any{"value": 70}))
			return err
		}},
		{"schedule", func(m func(int64) bool) error {
			_, err := w.open(lead).UpdateSchedule(w.Schedule, m, body(map[string]any{"name": "Renamed"}))
			return err
		}},
		{"payment", func(m func(int64) bool) error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, m, body(map[string]any{"status": "cancelled"}))
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			asked := 0 // about versions a record can have
			minusOne := func(v int64) bool {
				if v >= 0 {
					asked++
				}
				return v == -1
			}
			err := w.unchanged(func() error { return c.update(minusOne) })
			wantCode(t, "a change based on version -1", err, domain.CodePreconditionFailed)
			if asked != 1 {
				t.Errorf("the record's version was checked %d times, want once: the stale change was tried again", asked)
			}
		})
	}
}

func TestCorrections(t *testing.T) {
	w := newWorld(t)
	correct := func(r role, replaces string, counts map[string]int64) (domain.Outcome, error) {
		in := outcomeBody(counts)
		in["replaces"] = replaces
		return w.openA(r).SubmitOutcome(body(in))
	}
	progress := func() domain.Progress { return must(w.open(lead).Progress()) }
	if got := progress().Totals[domain.MetricReferrals]; got != 10 {
		t.Fatalf("referrals before the correction: %d", got)
	}

	fix, err := correct(plOwn, w.OutcomeA, map[string]int64{"referrals": 7})
	if err != nil {
		t.Fatal(err)
	}
	if fix.Replaces != w.OutcomeA {
		t.Errorf("the correction replaces %q", fix.Replaces)
	}
	pr := progress()
	if pr.Totals[domain.MetricReferrals] != 7 || pr.Totals[domain.MetricPeopleIntoWork] != 0 {
		t.Errorf("programme totals after the correction: %v", pr.Totals)
	}
	if pr.Targets[0].Current != 0 {
		t.Errorf("the target still counts the replaced submission: %+v", pr.Targets[0])
	}
	ev := newEvents(nil, mustList(w.openA(plOwn).History(domain.ProjectRef(domain.EntityOutcome, w.A, fix.ID), service.Page{})))
	if len(ev) != 1 || ev[0].Action != domain.ActionCorrect || ev[0].Changes["counts"].Before == nil || ev[0].Changes["counts"].After == nil {
		t.Errorf("the correction's audit event: %+v", ev)
	}

	// The same submission corrected again: refused, pointing to the newer one.
	err = w.unchanged(func() error { _, err := correct(lead, w.OutcomeA, map[string]int64{"referrals": 1}); return err })
	de := wantCode(t, "a second correction", err, domain.CodeConflict)
	if want := domain.ProjectRef(domain.EntityOutcome, w.A, fix.ID); de.Related == nil || *de.Related != want {
		t.Errorf("the refusal points to %v, want %v", de.Related, want)
	}
	if !strings.Contains(de.Message, fix.ID) {
		t.Errorf("the message does not name the correction: %q", de.Message)
	}

	// The newest one can be corrected.
	fix2, err := correct(plOwn, fix.ID, map[string]int64{"referrals": 1})
	if err != nil {
		t.Fatalf("correcting the correction: %v", err)
	}
	if got := progress().Totals[domain.MetricReferrals]; got != 1 {
		t.Errorf("referrals after correcting the correction: %d, want 1", got)
	}

	// Any older one of the chain corrected again: refused, pointing to the
	// newest (the one that can be corrected), not the next one.
	for _, older := range []string{w.OutcomeA, fix.ID} {
		err = w.unchanged(func() error { _, err := correct(lead, older, map[string]int64{"referrals": 2}); return err })
		de := wantCode(t, "correcting "+older+" again", err, domain.CodeConflict)
		if want := domain.ProjectRef(domain.EntityOutcome, w.A, fix2.ID); de.Related == nil || *de.Related != want {
			t.Errorf("correcting %s again points to %v, want the newest %v", older, de.Related, want)
		}
		if !strings.Contains(de.Message, fix2.ID) {
			t.Errorf("correcting %s again: the message does not name the newest correction: %q", older, de.Message)
		}
	}
}

// TestFiguresForPeriodsThatCanHaveThem: new figures are for a period that
// has begun and that overlaps the programme's dates (2025–2027 in the
// world, whose today is 2026-01-15); others are refused naming the field,
// and nothing is counted.
func TestFiguresForPeriodsThatCanHaveThem(t *testing.T) {
	w := newWorld(t)
	submit := func(start, end string) error {
		in := outcomeBody(map[string]int64{"referrals": 1})
		in["periodStart"], in["periodEnd"] = start, end
		_, err := w.openA(plOwn).SubmitOutcome(body(in))
		return err
	}
	for _, c := range []struct {
		name, start, end, field string
	}{
		{"a period years ahead", "2030-04-01", "2030-06-30", "periodStart"},
		{"a period starting tomorrow", "2026-01-16", "2026-03-31", "periodStart"},
		{"a period before the programme", "1999-04-01", "1999-06-30", "periodEnd"},
		{"a period ending the day before the programme starts", "2024-10-01", "2024-12-31", "periodEnd"},
	} {
		wantFields(t, c.name, w.unchanged(func() error { return submit(c.start, c.end) }), c.field)
	}
	// A period under way, and one straddling the programme's start, are fine.
	for _, p := range [][2]string{{"2026-01-01", "2026-03-31"}, {"2024-12-01", "2025-01-31"}, {"2026-01-15", "2026-01-15"}} {
		if err := submit(p[0], p[1]); err != nil {
			t.Errorf("%s to %s: %v", p[0], p[1], err)
		}
	}
	if got := must(w.open(lead).Progress()).Totals[domain.MetricReferrals]; got != 13 {
		t.Errorf("referrals %d, want the world's 10 and the three allowed", got)
	}
}

// TestCorrectionKeepsItsPeriod: a correction is the same period's figures.
// One for another period would move the figures out of their period while
// the return they filled stayed accepted: refused, naming the period's
// fields, and nothing is stored.
func TestCorrectionKeepsItsPeriod(t *testing.T) {
	w := newWorld(t)
	w.addReporting()
	for _, c := range []struct {
		name, start, end string
		fields           []string
	}{
		{"another quarter", "2025-07-01", "2025-09-30", []string{"periodStart", "periodEnd"}},
		{"a later start", "2025-05-01", "2025-06-30", []string{"periodStart"}},
		{"a longer period", "2025-04-01", "2025-07-31", []string{"periodEnd"}},
	} {
		for _, replaces := range []string{w.OutcomeAPending, w.OutcomeA} { // the newest, and one corrected already
			in := outcomeBody(map[string]int64{"referrals": 11, "peopleIntoWork": 3})
			in["periodStart"], in["periodEnd"], in["replaces"] = c.start, c.end, replaces
			err := w.unchanged(func() error { _, err := w.openA(plOwn).SubmitOutcome(body(in)); return err })
			if replaces == w.OutcomeA {
				// Its period is wrong whoever corrected it first: the
				// period is named before the conflict.
				wantFields(t, c.name+" correcting an old one", err, c.fields...)
				continue
			}
			wantFields(t, c.name, err, c.fields...)
		}
	}
	// The return stays accepted on the approved figures, its correction
	// still the one awaiting review.
	if r := must(w.open(lead).Return(w.ReturnA)); r.SubmissionID != w.OutcomeA || r.Correction == nil || r.Correction.SubmissionID != w.OutcomeAPending {
		t.Errorf("the quarter's return holds %s (correction %+v), want %s corrected by %s", r.SubmissionID, r.Correction, w.OutcomeA, w.OutcomeAPending)
	}

	// Spend returns alike.
	in := spendBody(4_000_00, 350_00)
	in["periodStart"], in["periodEnd"], in["replaces"] = "2025-07-01", "2025-09-30", w.SpendXA
	err := w.unchanged(func() error { _, err := w.open(plOwn).SubmitSpend(w.GXA, body(in)); return err })
	wantFields(t, "a spend correction for another quarter", err, "periodStart", "periodEnd")
	// The same period's is a correction as before.
	in["periodStart"], in["periodEnd"] = "2025-04-01", "2025-06-30"
	must(w.open(plOwn).SubmitSpend(w.GXA, body(in)))
}

// Notes holding personal data of the people supported are refused (422,
// naming the field, never echoing the data) and nothing is stored.
func TestPersonalDataInNotes(t *testing.T) {
	w := newWorld(t)
	submit := func(notes string) (domain.Outcome, error) {
		in := outcomeBody(map[string]int64{"referrals": 4})
		in["notes"] = notes
		return w.openA(plOwn).SubmitOutcome(body(in))
	}
	for _, c := range []struct{ notes, secret string }{
		{"Started work: NHS no 943 476 5919, at the garden centre", "943 476 5919"},
		{"Contact j.smith@example.com about her job start", "j.smith@example.com"},
		{"Call back on 07700 900123", "07700 900123"},
		{"Her number is +44 7700 900123", "+44 7700 900123"},
	} {
		t.Run(c.secret, func(t *testing.T) {
			w.t = t
			err := w.unchanged(func() error { _, err := submit(c.notes); return err })
			de := wantCode(t, "notes with personal data", err, domain.CodePersonalData)
			if len(de.Fields) != 1 || de.Fields["notes"] == "" {
				t.Errorf("fields %v, want notes alone", de.Fields)
			}
			if strings.Contains(de.Error(), c.secret) {
				t.Errorf("the refusal repeats the personal data: %v", de)
			}
		})
	}
	w.t = t
	clean := "Three people started work at the hospital trust in week 2; 12 referrals from 5 GP surgeries."
	o, err := submit(clean)
	if err != nil || o.Notes != clean {
		t.Fatalf("aggregate notes refused: %v %q", err, o.Notes)
	}
	if got := must(w.openA(plOwn).Outcome(o.ID)); got.Notes != clean {
		t.Errorf("stored notes %q", got.Notes)
	}
}

// A funder sees only the notifications sent on its behalf, and among their
// recipients only its own contacts; leads see everything.
func TestNotificationsAFunderSees(t *testing.T) {
	w := newWorld(t)
	byID := func(ns []domain.Notification) map[string]domain.Notification {
		m := map[string]domain.Notification{}
		for _, n := range ns {
			m[n.ID] = n
		}
		return m
	}
	all := byID(mustList(w.open(lead).ListNotifications(service.Page{})))
	if len(all) != 3 || !slices.Equal(all[w.NXY].Recipients, append(slices.Clone(contactsX), contactsY...)) || all[w.NXY].LastError != "x2@dwp.example: mailbox full" {
		t.Errorf("a lead's notifications: %+v", all)
	}
	for _, c := range []struct {
		who      role
		own, not string
		contacts []string
	}{{funderOwn, w.NX, w.NY, contactsX}, {funderOther, w.NY, w.NX, contactsY}} {
		t.Run(string(c.who), func(t *testing.T) {
			// Pages are filled past the notifications the funder may not see.
			var got []domain.Notification
			p := service.Page{Limit: 1}
			for {
				items, next, err := w.open(c.who).ListNotifications(p)
				if err != nil {
					t.Fatal(err)
				}
				if len(items) != 1 {
					t.Fatalf("a page of %d notifications, want 1", len(items))
				}
				got = append(got, items...)
				if next == "" {
					break
				}
				p.Cursor = next
			}
			seen := byID(got)
			if len(seen) != 2 || seen[c.own].ID == "" || seen[w.NXY].ID == "" {
				t.Fatalf("sees %v, want %s and %s", slices.Sorted(maps.Keys(seen)), c.own, w.NXY)
			}
			shared := seen[w.NXY]
			if !slices.Equal(shared.Recipients, c.contacts) || !slices.Equal(shared.Delivered, c.contacts[:1]) {
				t.Errorf("the shared notification shows recipients %v, delivered %v; want only its own contacts %v", shared.Recipients, shared.Delivered, c.contacts)
			}
			if strings.Contains(shared.LastError, "@") {
				t.Errorf("the last error names someone else's contact: %q", shared.LastError)
			}
			one, err := w.open(c.who).Notification(w.NXY)
			if err != nil || !slices.Equal(one.Recipients, c.contacts) {
				t.Errorf("one notification: %v %v", one.Recipients, err)
			}
			_, err = w.open(c.who).Notification(c.not)
			wantCode(t, "another funder's notification", err, domain.CodeNotFound)
		})
	}
}

// A digest's email, sent to the leads, lists submissions of every
// project: whoever does not manage the programme sees, of the ones it
// stood for (includes), only those it may read itself, in the list, one
// notification and its history alike; not other projects' submission
// ids, nor how many there were. Leads see all.
func TestNotificationIncludesEachRoleSees(t *testing.T) {
	w := newWorld(t)
	note := func(project string) domain.Notification {
		return domain.Notification{ID: domain.SubmissionNotificationID(domain.NewID(), domain.KindAwaitingReview), ProgrammeID: w.P,
			Kind: domain.KindAwaitingReview, ProjectID: project, Status: domain.NotificationPending, CreatedAt: clock,
			PeriodStart: domain.MustDate("2025-04-01"), PeriodEnd: domain.MustDate("2025-06-30"), On: domain.MustDate("2025-07-02")}
	}
	// One email for A's submission, listing another of A's and one of
	// B's; another for A's, listing one of B's alone.
	digest := func(carrier domain.Notification, others ...domain.Notification) {
		t.Helper()
		for _, n := range append([]domain.Notification{carrier}, others...) {
			if ok, err := w.st.ClaimNotification(w.ctx, n); err != nil || !ok {
				t.Fatalf("claim %s: %v %v", n.ID, ok, err)
			}
		}
		for _, n := range others {
			carrier.Includes = append(carrier.Includes, n.ID)
		}
		carrier.Status, carrier.Delivered = domain.NotificationSent, []string{emails[lead]}
		ev := domain.NewAuditEvent(domain.NotifierCaller, w.P, domain.EntityNotification, carrier.ID, domain.ActionSend, nil,
			map[string]any{"status": carrier.Status, "recipients": carrier.Delivered, "includes": carrier.Includes}, clock)
		if err := w.st.FinishNotification(w.ctx, carrier, ev); err != nil {
			t.Fatal(err)
		}
	}
	ca, a2, b1 := note(w.A), note(w.A), note(w.B)
	ca3, b2 := note(w.A), note(w.B)
	digest(ca, a2, b1)
	digest(ca3, b2)
	all := map[string][]string{ca.ID: {a2.ID, b1.ID}, ca3.ID: {b2.ID}}
	mine := map[string][]string{ca.ID: {a2.ID}, ca3.ID: nil}
	for _, c := range []struct {
		who  role
		sees map[string][]string // each carrier it may read, with the includes it sees
	}{{admin, all}, {lead, all}, {plOwn, mine}, {plOther, nil}, {funderOwn, nil}, {funderOther, nil}} {
		t.Run(string(c.who), func(t *testing.T) {
			listed := map[string][]string{}
			for _, n := range mustList(w.open(c.who).ListNotifications(service.Page{})) {
				if _, ok := all[n.ID]; ok {
					listed[n.ID] = n.Includes
				}
			}
			if !maps.EqualFunc(listed, c.sees, slices.Equal) {
				t.Errorf("the list shows carriers with includes %v, want %v", listed, c.sees)
			}
			for id := range all {
				want, reads := c.sees[id]
				one, err := w.open(c.who).Notification(id)
				if !reads {
					wantCode(t, "a carrier of another project", err, domain.CodeNotFound)
					continue
				}
				if err != nil || !slices.Equal(one.Includes, want) {
					t.Errorf("notification %s: includes %v (%v), want %v", id, one.Includes, err, want)
				}
				hist := mustList(w.open(c.who).History(domain.Ref(domain.EntityNotification, id), service.Page{}))
				var got []any
				sends := 0
				for _, ev := range hist {
					if ev.Action != domain.ActionSend {
						continue
					}
					sends++
					ch, ok := ev.Changes["includes"]
					if !ok {
						if want != nil {
							t.Errorf("history of %s: no includes, want %v", id, want)
						}
						continue
					}
					got, _ = ch.After.([]any)
					if want == nil || ch.Before != nil || fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("history of %s: includes %+v, want %v", id, ch, want)
					}
				}
				if sends != 1 {
					t.Errorf("history of %s: %d send events, want 1", id, sends)
				}
			}
		})
	}
}

// A notification a digest covered names the one whose email carried it
// (coveredBy). Whoever does not manage the programme is shown that id only
// when it may read that notification itself, in the list, one
// notification and its history alike: a project lead whose submission went
// in an email carried by another project's is told only that it went in
// the leads' one email (Covered), not the other project's notification.
// Leads see all.
func TestNotificationCoveredByEachRoleSees(t *testing.T) {
	w := newWorld(t)
	note := func(project string) domain.Notification {
		return domain.Notification{ID: domain.SubmissionNotificationID(domain.NewID(), domain.KindAwaitingReview), ProgrammeID: w.P,
			Kind: domain.KindAwaitingReview, ProjectID: project, Status: domain.NotificationSent, CreatedAt: clock,
			PeriodStart: domain.MustDate("2025-04-01"), PeriodEnd: domain.MustDate("2025-06-30"), On: domain.MustDate("2025-07-02"),
			Recipients: []string{emails[lead]}}
	}
	// B's submission carried the email that listed one of A's; A's
	// carried one listing another of A's and one of B's.
	cb, a1 := note(w.B), note(w.A)
	ca, a2, b2 := note(w.A), note(w.A), note(w.B)
	for carrier, others := range map[*domain.Notification][]*domain.Notification{&cb: {&a1}, &ca: {&a2, &b2}} {
		carrier.Attempts, carrier.Delivered = 1, carrier.Recipients
		for _, n := range others {
			carrier.Includes = append(carrier.Includes, n.ID)
			n.CoveredBy = carrier.ID
		}
	}
	for _, n := range []domain.Notification{cb, a1, ca, a2, b2} {
		if ok, err := w.st.ClaimNotification(w.ctx, n); err != nil || !ok {
			t.Fatalf("claim %s: %v %v", n.ID, ok, err)
		}
	}
	all := map[string]string{a1.ID: cb.ID, a2.ID: ca.ID, b2.ID: ca.ID}
	for _, c := range []struct {
		who  role
		sees map[string]string // each covered one it may read, with the coveredBy it is shown
	}{{admin, all}, {lead, all}, {plOwn, map[string]string{a1.ID: "", a2.ID: ca.ID}}, {plOther, map[string]string{b2.ID: ""}},
		{funderOwn, map[string]string{}}, {funderOther, map[string]string{}}} {
		t.Run(string(c.who), func(t *testing.T) {
			listed := map[string]string{}
			for _, n := range mustList(w.open(c.who).ListNotifications(service.Page{})) {
				if _, ok := all[n.ID]; ok {
					listed[n.ID] = n.CoveredBy
					if !n.Covered() {
						t.Errorf("the list shows %s as not covered by any email", n.ID)
					}
				}
			}
			if !maps.Equal(listed, c.sees) {
				t.Errorf("the list shows covered ones with coveredBy %v, want %v", listed, c.sees)
			}
			for id := range all {
				want, reads := c.sees[id]
				one, err := w.open(c.who).Notification(id)
				if !reads {
					wantCode(t, "another project's notification", err, domain.CodeNotFound)
					continue
				}
				if err != nil || one.CoveredBy != want || !one.Covered() {
					t.Errorf("notification %s: coveredBy %q, covered %v (%v), want %q", id, one.CoveredBy, one.Covered(), err, want)
				}
				for _, ev := range mustList(w.open(c.who).History(domain.Ref(domain.EntityNotification, id), service.Page{})) {
					if ch, ok := ev.Changes["coveredBy"]; ok && (want == "" || ch.After != want) {
						t.Errorf("history of %s: coveredBy %+v, want %q", id, ch, want)
					} else if !ok && want != "" {
						t.Errorf("history of %s: %s event without coveredBy, want %q", id, ev.Action, want)
					}
				}
			}
		})
	}
}

// Every change writes one audit event, naming who made it and the fields
// that changed with their values before and after.
func TestAuditEventPerChange(t *testing.T) {
	w := newWorld(t)
	type fc = domain.FieldChange
	cases := []struct {
		name   string
		by     role
		entity domain.Entity
		action domain.Action
		change func() (string, error) // the record's id
		fields map[string]fc          // some of the changes the event must hold
	}{
		{"a member added", lead, domain.EntityMember, domain.ActionCreate, func() (string, error) {
			m, _, err := w.open(lead).PutMember("new@example.org", body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}}))
			return m.Email, err
		}, map[string]fc{"email": {After: "new@example.org"}}},
		{"a member's roles changed", lead, domain.EntityMember, domain.ActionChange, func() (string, error) {
			m, _, err := w.open(lead).PutMember(viewer, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}}))
			return m.Email, err
		}, map[string]fc{"roles": {Before: []any{map[string]any{"role": "project-lead", "projectId": w.B}}, After: []any{map[string]any{"role": "lead"}}}}},
		{"a member removed", lead, domain.EntityMember, domain.ActionDelete, func() (string, error) {
			return "new@example.org", w.open(lead).DeleteMember("new@example.org")
		}, map[string]fc{"email": {Before: "new@example.org"}}},
		{"a funder", lead, domain.EntityFunder, domain.ActionCreate, func() (string, error) {
			f, err := w.open(lead).CreateFunder(body(map[string]any{"name": "Lottery", "contacts": []string{"a@tnlcf.example"}}))
			return f.ID, err
		}, map[string]fc{"name": {After: "Lottery"}}},
		{"a project", lead, domain.EntityProject, domain.ActionCreate, func() (string, error) {
			p, err := w.open(lead).CreateProject(body(projectBody("Wakefield IPS")))
			return p.ID, err
		}, map[string]fc{"name": {After: "Wakefield IPS"}}},
		{"a grant", lead, domain.EntityGrant, domain.ActionCreate, func() (string, error) {
			g, err := w.open(lead).CreateGrant(body(grantBody(w.Y, w.A, 700)))
			return g.ID, err
		}, map[string]fc{"amountPence": {After: 700.0}, "funderId": {After: w.Y}}},
		{"a grant changed", lead, domain.EntityGrant, domain.ActionChange, func() (string, error) {
			g, err := w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"title": "Renamed"}))
			return g.ID, err
		}, map[string]fc{"title": {Before: "Employment specialists", After: "Renamed"}}},
		{"a post", plOwn, domain.EntityPost, domain.ActionCreate, func() (string, error) {
			p, err := w.openA(plOwn).CreatePost(body(postBody(w.GX)))
			return p.ID, err
		}, map[string]fc{"grantId": {After: w.GX}}},
		{"a post changed", plOwn, domain.EntityPost, domain.ActionChange, func() (string, error) {
			p, err := w.openA(plOwn).UpdatePost(w.PostA, always, body(map[string]any{"status": "vacant"}))
			return p.ID, err
		}, map[string]fc{"status": {Before: "filled", After: "vacant"}}},
		{"a cohort", plOwn, domain.EntityCohort, domain.ActionCreate, func() (string, error) {
			c, err := w.openA(plOwn).CreateCohort(body(cohortBody()))
			return c.ID, err
		}, map[string]fc{"places": {After: 4.0}}},
		{"a cohort changed", plOwn, domain.EntityCohort, domain.ActionChange, func() (string, error) {
			c, err := w.openA(plOwn).UpdateCohort(w.CohortA, always, body(map[string]any{"places": 6}))
			return c.ID, err
		}, map[string]fc{"places": {Before: 4.0, After: 6.0}}},
		{"a submission", plOwn, domain.EntityOutcome, domain.ActionCreate, func() (string, error) {
			o, err := w.openA(plOwn).SubmitOutcome(body(outcomeBody(map[string]int64{"jobStarts": 2})))
			return o.ID, err
		}, map[string]fc{"counts": {After: map[string]any{"jobStarts": 2.0}}}},
		{"a target", lead, domain.EntityTarget, domain.ActionCreate, func() (string, error) {
			tg, err := w.open(lead).CreateTarget(body(map[string]any{"metric": "referrals", "value": 240, "deadline": "2026-06-30", "notify": []string{}}))
			return tg.ID, err
		}, map[string]fc{"value": {After: 240.0}}},
		{"a target changed", lead, domain.EntityTarget, domain.ActionChange, func() (string, error) {
			tg, err := w.open(lead).UpdateTarget(w.TargetA, always, body(map[string]any{"value": 80}))
			return tg.ID, err
		}, map[string]fc{"value": {Before: 60.0, After: 80.0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			before := w.auditTrail(w.P)
			id, err := c.change()
			if err != nil {
				t.Fatal(err)
			}
			events := newEvents(before, w.auditTrail(w.P))
			if len(events) != 1 {
				t.Fatalf("%d events, want 1", len(events))
			}
			ev := events[0]
			if ev.ActorEmail != emails[c.by] || ev.ActorSubject != caller(c.by).Subject || ev.RequestID != caller(c.by).RequestID || ev.Entity != c.entity || ev.EntityID != id || ev.Action != c.action ||
				ev.ProgrammeID != w.P || !ev.At.Equal(clock) {
				t.Errorf("event %+v, want %s %s %s by its caller at %v", ev, c.action, c.entity, id, clock)
			}
			for f, want := range c.fields {
				if got, ok := ev.Changes[f]; !ok || !sameJSON(got, want) {
					t.Errorf("change of %s: %+v, want %+v", f, got, want)
				}
			}
			for _, f := range []string{"version", "updatedAt"} {
				if _, ok := ev.Changes[f]; ok {
					t.Errorf("the event records bookkeeping field %s", f)
				}
			}
		})
	}
	t.Run("a programme", func(t *testing.T) {
		p := must(w.svc.CreateProgramme(w.ctx, caller(admin), body(map[string]any{"name": "Aspiro", "leadOrganisation": "Aspiro",
			"startDate": "2025-01-01", "endDate": "2025-12-31"}), nil))
		w.t = t
		events := w.auditTrail(p.ID)
		if len(events) != 1 || events[0].Action != domain.ActionCreate || events[0].EntityID != p.ID || events[0].ActorEmail != emails[admin] ||
			!sameJSON(events[0].Changes["name"], domain.FieldChange{After: "Aspiro"}) {
			t.Errorf("the new programme's audit trail: %+v", events)
		}
	})
}

// A record's history lists its changes newest first.
func TestHistoryNewestFirst(t *testing.T) {
	w := newWorld(t)
	for _, title := range []string{"Second", "Third"} {
		// Event ids order by the millisecond they were made in: let one pass,
		// so "newest" has one answer.
		time.Sleep(2 * time.Millisecond)
		must(w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"title": title})))
	}
	events := mustList(w.open(funderOwn).History(domain.Ref(domain.EntityGrant, w.GXA), service.Page{}))
	var titles []any
	for _, ev := range events {
		titles = append(titles, ev.Changes["title"].After)
	}
	if want := []any{"Third", "Second", "Employment specialists"}; !slices.Equal(titles, want) {
		t.Errorf("history %v, want %v", titles, want)
	}
}

// A change made under an idempotency claim commits the claim in the same
// write: a retry can then never make the change twice.
func TestIdempotencyClaimCommitsWithTheChange(t *testing.T) {
	w := newWorld(t)
	idem := w.svc.Idempotency()
	lease := 30 * time.Second
	claim := func(r role, key string) service.Claim { return service.ClaimFor(caller(r), key) }
	begin := func(c service.Claim, hash string, at time.Time) (*service.SavedAnswer, error) {
		return idem.Begin(w.ctx, c, hash, at, lease)
	}

	c := claim(lead, "q3 grant")
	if saved, err := begin(c, "h", clock); saved != nil || err != nil {
		t.Fatalf("first claim: %v %v", saved, err)
	}
	g := must(w.open(lead).WithClaim(&c).CreateGrant(body(grantBody(w.Y, w.A, 100))))
	_, err := begin(claim(lead, "q3 grant"), "h", clock.Add(time.Second))
	wantCode(t, "a retry while the first runs", err, domain.CodeRequestInProgress)
	if err := idem.Abandon(w.ctx, c); err != nil {
		t.Fatal(err)
	}
	_, err = begin(claim(lead, "q3 grant"), "h", clock.Add(time.Hour))
	wantCode(t, "a retry after the change was made and its answer lost", err, domain.CodeConflict)
	_, err = begin(claim(lead, "q3 grant"), "other", clock.Add(time.Hour))
	wantCode(t, "the key with another request", err, domain.CodeIdempotencyKeyReused)
	if saved, err := begin(claim(plOwn, "q3 grant"), "h", clock); saved != nil || err != nil {
		t.Errorf("another caller's same key: %v %v", saved, err)
	}
	answer := service.SavedAnswer{Status: 201, Body: []byte(`{"id":"` + g.ID + `"}`)}
	if err := idem.Complete(w.ctx, c, answer); err != nil {
		t.Fatal(err)
	}
	if saved, err := begin(claim(lead, "q3 grant"), "h", clock.Add(time.Hour)); err != nil || saved == nil || string(saved.Body) != string(answer.Body) {
		t.Errorf("the replay: %v %v", saved, err)
	}
	// Roles are by email: a token of another email that shares the lead's
	// subject is another caller, whose key is its own.
	sameSub := caller(lead)
	sameSub.Email = emails[outsider]
	if saved, err := begin(service.ClaimFor(sameSub, "q3 grant"), "h", clock.Add(time.Hour)); saved != nil || err != nil {
		t.Errorf("another email with the same subject and key: %v %v, want a fresh claim", saved, err)
	}

	// A refused change leaves the claim uncommitted: released, the key is free.
	c2 := claim(lead, "bad grant")
	must(begin(c2, "h", clock))
	_, err = w.open(lead).WithClaim(&c2).CreateGrant(body(grantBody(w.Y, w.A, -1)))
	wantCode(t, "a bad grant", err, domain.CodeValidation)
	if err := idem.Abandon(w.ctx, c2); err != nil {
		t.Fatal(err)
	}
	if saved, err := begin(claim(lead, "bad grant"), "h", clock.Add(time.Second)); saved != nil || err != nil {
		t.Errorf("the key after a refused change was released: %v %v", saved, err)
	}

	// A claimant whose lease ran out and was taken over cannot change
	// anything.
	slow := claim(lead, "slow")
	must(begin(slow, "h", clock))
	if saved, err := begin(claim(lead, "slow"), "h", clock.Add(time.Minute)); saved != nil || err != nil {
		t.Fatalf("takeover: %v %v", saved, err)
	}
	err = w.unchanged(func() error {
		_, err := w.open(lead).WithClaim(&slow).CreateGrant(body(grantBody(w.Y, w.A, 100)))
		return err
	})
	wantCode(t, "a change under a claim taken over", err, domain.CodeRequestInProgress)

	// Creating a programme commits its claim too.
	pc := claim(admin, "new programme")
	must(begin(pc, "h", clock))
	must(w.svc.CreateProgramme(w.ctx, caller(admin), body(map[string]any{"name": "Aspiro", "leadOrganisation": "Aspiro",
		"startDate": "2025-01-01", "endDate": "2025-12-31"}), &pc))
	_, err = begin(claim(admin, "new programme"), "h", clock.Add(time.Hour))
	wantCode(t, "a retry of a programme made", err, domain.CodeConflict)
}

// Storage failures that are nobody's fault are 503 and store nothing;
// anything else is an internal error, never shown as the client's fault.
func TestStorageFailures(t *testing.T) {
	unavailable := errors.Join(service.ErrUnavailable, errors.New("throttled"))
	cases := []struct {
		name string
		op   string
		err  error
		call func(w *world) error
		want domain.Code
	}{
		{"the write", "CreateGrant", unavailable, func(w *world) error {
			_, err := w.open(lead).CreateGrant(body(grantBody(w.Y, w.A, 100)))
			return err
		}, domain.CodeUnavailable},
		{"a submission's write times out", "CreateOutcome", context.DeadlineExceeded, func(w *world) error {
			_, err := w.openA(plOwn).SubmitOutcome(body(outcomeBody(map[string]int64{"referrals": 1})))
			return err
		}, domain.CodeUnavailable},
		{"the access read", "ReadAccess", unavailable, func(w *world) error { _, err := w.open(lead).Progress(); return err }, domain.CodeUnavailable},
		{"a list read beside the access read", "ListFunders", unavailable, func(w *world) error {
			_, _, err := w.open(funderOwn).ListFunders(service.Page{})
			return err
		}, domain.CodeUnavailable},
		{"the totals", "Totals", unavailable, func(w *world) error { _, err := w.open(plOwn).Progress(); return err }, domain.CodeUnavailable},
		{"the references check of a refused request", "MissingRefs", unavailable, func(w *world) error {
			_, err := w.open(lead).CreateGrant(body(grantBody(domain.NewID(), "", -1)))
			return err
		}, domain.CodeUnavailable},
		{"reading the submission to correct", "Read", unavailable, func(w *world) error {
			in := outcomeBody(map[string]int64{"referrals": 1})
			in["replaces"] = w.OutcomeA
			_, err := w.openA(plOwn).SubmitOutcome(body(in))
			return err
		}, domain.CodeUnavailable},
		{"a changed grant's write", "UpdateGrant", context.DeadlineExceeded, func(w *world) error {
			_, err := w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"title": "Renamed"}))
			return err
		}, domain.CodeUnavailable},
		{"a funder's own contacts", "Read", unavailable, func(w *world) error {
			_, _, err := w.open(funderOwn).ListNotifications(service.Page{})
			return err
		}, domain.CodeUnavailable},
		{"an idempotency claim", "BeginIdempotent", unavailable, func(w *world) error {
			_, err := w.svc.Idempotency().Begin(w.ctx, service.ClaimFor(caller(lead), "k"), "h", clock, time.Minute)
			return err
		}, domain.CodeUnavailable},
		{"a payment's write", "CreatePayment", unavailable, func(w *world) error {
			_, err := w.open(lead).CreatePayment(w.GXA, body(paymentBody(100, "2026-01-01")))
			return err
		}, domain.CodeUnavailable},
		{"a payment's change times out", "UpdatePayment", context.DeadlineExceeded, func(w *world) error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "cancelled"}))
			return err
		}, domain.CodeUnavailable},
		{"a spend return's write", "CreateSpend", unavailable, func(w *world) error {
			in := spendBody(1, 1) // a quarter the world has no spend for
			in["periodStart"], in["periodEnd"] = "2025-07-01", "2025-09-30"
			_, err := w.open(plOwn).SubmitSpend(w.GXA, body(in))
			return err
		}, domain.CodeUnavailable},
		{"the money figures", "Money", unavailable, func(w *world) error { _, err := w.open(funderOwn).Progress(); return err }, domain.CodeUnavailable},
		{"a list of payments", "ListPayments", unavailable, func(w *world) error {
			_, _, err := w.open(plOwn).ListPayments(w.GXA, service.Page{})
			return err
		}, domain.CodeUnavailable},
		{"an unknown failure", "CreateGrant", errors.New("marshal: unsupported value"), func(w *world) error {
			_, err := w.open(lead).CreateGrant(body(grantBody(w.Y, w.A, 100)))
			return err
		}, domain.CodeInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.st.Fail(c.op, c.err)
			err := w.unchanged(func() error { return c.call(w) })
			wantCode(t, c.name+" failing", err, c.want)
			// The fault was spent by the operation named: the call now works.
			if err := c.call(w); err != nil && c.op != "MissingRefs" {
				t.Errorf("the call again, storage well: %v", err)
			}
		})
	}
}

// A cursor from another list is a bad request, not a page of this one.
func TestForeignCursor(t *testing.T) {
	w := newWorld(t)
	_, cursor, err := w.open(lead).ListProjects(service.Page{Limit: 1})
	if err != nil || cursor == "" {
		t.Fatalf("a first page of projects: %q %v", cursor, err)
	}
	_, _, err = w.open(lead).ListFunders(service.Page{Limit: 1, Cursor: cursor})
	wantFields(t, "a projects cursor on funders", err, "cursor")
	_, _, err = w.svc.Open(w.ctx, caller(admin), w.P2).ListProjects(service.Page{Limit: 1, Cursor: cursor})
	wantFields(t, "another programme's cursor", err, "cursor")
}

// Progress is read from the figures kept on write (as a lead reads it:
// every funder's awards; a funder's are TestProgressFundingByRole's).
func TestProgressFromRunningTotals(t *testing.T) {
	w := newWorld(t)
	pr := must(w.open(lead).Progress())
	funding := map[string]int64{}
	for _, f := range pr.Funding.ByFunder {
		funding[f.FunderID] = f.AwardedPence
	}
	if pr.Funding.AwardedPence != 101_000_00 || funding[w.X] != 81_000_00 || funding[w.Y] != 20_000_00 {
		t.Errorf("funding %+v", pr.Funding)
	}
	if pr.Posts != (domain.PostCounts{Total: 1, Filled: 1}) || pr.Cohorts != (domain.CohortCounts{Count: 1, Places: 4}) {
		t.Errorf("posts %+v, cohorts %+v", pr.Posts, pr.Cohorts)
	}
	if pr.Totals[domain.MetricReferrals] != 10 || pr.Totals[domain.MetricPeopleIntoWork] != 2 || len(pr.Targets) != 1 || pr.Targets[0].Current != 2 {
		t.Errorf("totals %v, targets %+v", pr.Totals, pr.Targets)
	}
	for _, p := range pr.Projects {
		if want := map[string]int64{w.A: 10, w.B: 0}[p.ProjectID]; p.Totals[domain.MetricReferrals] != want {
			t.Errorf("project %s referrals %d, want %d", p.Name, p.Totals[domain.MetricReferrals], want)
		}
	}
	if pr.CostPerPersonIntoWorkPence == nil || *pr.CostPerPersonIntoWorkPence != 101_000_00/2 {
		t.Errorf("cost per person into work %v", pr.CostPerPersonIntoWorkPence)
	}
}

// A funder's progress shows its own funder's awards only (the roles table:
// it reads the grants "that it funds"; portfolio and report "its own
// slice"): byFunder lists only it, awardedPence is its awards, and the cost
// per person into work, from which the programme's total (and so the other
// funder's awards) would follow, is null. Funder Y's one grant is £20,000:
// funder X must not read that off the page, nor Y X's £81,000. Admins,
// leads and project leads see every funder's, as before; a member who is
// a project lead and a funder too reads as a project lead. Within each
// answer, funding and money agree on what the caller may see.
func TestProgressFundingByRole(t *testing.T) {
	w := newWorld(t)
	sc := w.open(admin)
	both := "pl-and-funder@example.org"
	must3(sc.PutMember(both, body(map[string]any{"roles": []domain.Role{
		{Role: domain.RoleProjectLead, ProjectID: w.A}, {Role: domain.RoleFunder, FunderID: w.Y}}})))
	progressOf := func(c domain.Caller) domain.Progress {
		t.Helper()
		return must(w.svc.Open(w.ctx, c, w.P).Progress())
	}
	every := map[string]int64{w.X: 81_000_00, w.Y: 20_000_00}
	for _, c := range []struct {
		who     string
		caller  domain.Caller
		funders map[string]int64
		awarded int64
		cost    bool // the cost per person into work is given
		money   int64
	}{
		{"an admin", caller(admin), every, 101_000_00, true, 101_000_00},
		{"a lead", caller(lead), every, 101_000_00, true, 101_000_00},
		{"a project lead", caller(plOwn), every, 101_000_00, true, 31_000_00},
		{"another project's lead", caller(plOther), every, 101_000_00, true, 20_000_00},
		{"a project lead who is a funder too", domain.Caller{Identity: domain.Identity{Subject: "sub-both", Email: both}},
			every, 101_000_00, true, 31_000_00 + 20_000_00},
		{"funder X", caller(funderOwn), map[string]int64{w.X: 81_000_00}, 81_000_00, false, 81_000_00},
		{"funder Y", caller(funderOther), map[string]int64{w.Y: 20_000_00}, 20_000_00, false, 20_000_00},
	} {
		pr := progressOf(c.caller)
		got := map[string]int64{}
		for _, f := range pr.Funding.ByFunder {
			got[f.FunderID] = f.AwardedPence
		}
		if !maps.Equal(got, c.funders) || pr.Funding.AwardedPence != c.awarded {
			t.Errorf("%s: funding %+v, want by funder %v and %d in all", c.who, pr.Funding, c.funders, c.awarded)
		}
		if (pr.CostPerPersonIntoWorkPence != nil) != c.cost {
			t.Errorf("%s: cost per person into work %v, want given %v", c.who, pr.CostPerPersonIntoWorkPence, c.cost)
		}
		if pr.OwnFunding == c.cost {
			t.Errorf("%s: own funding %v", c.who, pr.OwnFunding)
		}
		if pr.Money.AwardedPence != c.money {
			t.Errorf("%s: money awarded %d, want %d", c.who, pr.Money.AwardedPence, c.money)
		}
		if !c.cost && pr.Money.AwardedPence != pr.Funding.AwardedPence {
			t.Errorf("%s: funding %d and money %d disagree", c.who, pr.Funding.AwardedPence, pr.Money.AwardedPence)
		}
	}
}

// A funder sees the contacts each notification was emailed to for it, as
// recorded when it was made: replacing a contact later neither hides the
// person who had the email nor shows the new one, and an address that
// had the email for another funder stays hidden even once it is one of
// this funder's contacts too.
func TestNotificationRecipientsAsEmailed(t *testing.T) {
	w := newWorld(t)
	n := domain.Notification{ID: domain.NotificationID(w.TargetA, domain.KindReached, 25), ProgrammeID: w.P, TargetID: w.TargetA,
		Threshold: 25, Kind: domain.KindReached, Status: domain.NotificationSent, FunderIDs: []string{w.X, w.Y},
		FunderContacts: map[string][]string{w.X: contactsX, w.Y: contactsY},
		Recipients:     append(slices.Clone(contactsX), contactsY...), Delivered: append(slices.Clone(contactsX), contactsY...),
		CreatedAt: clock, Metric: domain.MetricPeopleIntoWork, Value: 60, Figure: 15}
	if ok, err := w.st.ClaimNotification(w.ctx, n); err != nil || !ok {
		t.Fatal(ok, err)
	}
	// x2 moves on; y1 becomes one of the DWP's contacts as well.
	must(w.open(lead).UpdateFunder(w.X, always, body(map[string]any{"contacts": []string{contactsX[0], "x3@dwp.example", contactsY[0]}})))
	got, err := w.open(funderOwn).Notification(n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Recipients, contactsX) || !slices.Equal(got.Delivered, contactsX) {
		t.Errorf("the DWP sees recipients %v, delivered %v; want those it was emailed to, %v", got.Recipients, got.Delivered, contactsX)
	}
	if len(got.FunderContacts) != 1 || !slices.Equal(got.FunderContacts[w.X], contactsX) {
		t.Errorf("the DWP sees funderContacts %v, want only its own", got.FunderContacts)
	}
	items := mustList(w.open(funderOther).ListNotifications(service.Page{Limit: 100}))
	for _, it := range items {
		if it.ID == n.ID && (!slices.Equal(it.Recipients, contactsY) || len(it.FunderContacts) != 1) {
			t.Errorf("the other funder sees %v (%v), want %v", it.Recipients, it.FunderContacts, contactsY)
		}
	}
}

// TestOtherProjectsRecordsNotFoundInWords: a project lead asking for
// another project's records gets 404, as for anything it may not see, but
// not "project not found" for a project it has just read; a project that
// does not exist is still "project not found".
func TestOtherProjectsRecordsNotFoundInWords(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if _, err := w.open(plOther).Project(w.A); err != nil {
		t.Fatalf("the other project lead reads project A itself: %v", err)
	}
	_, _, err := w.openA(plOther).ListPosts(service.Page{})
	wantCode(t, "another project's posts", err, domain.CodeNotFound)
	if msg := err.Error(); strings.Contains(msg, "project not found") || !strings.Contains(msg, "not visible to you") {
		t.Errorf("another project's posts: %q, want it to say the records are not visible", msg)
	}
	_, err = w.openA(plOther).Post(w.PostA)
	if domain.ErrorCode(err) != domain.CodeNotFound || !strings.Contains(err.Error(), "not visible to you") {
		t.Errorf("another project's post: %v", err)
	}
	_, _, err = w.open(plOther).ListReturns(service.ReturnQuery{ProjectID: w.A}, service.Page{})
	if domain.ErrorCode(err) != domain.CodeNotFound || !strings.Contains(err.Error(), "not visible to you") {
		t.Errorf("another project's returns: %v", err)
	}
	_, _, err = w.svc.OpenProject(w.ctx, caller(plOther), w.P, domain.NewID()).ListPosts(service.Page{})
	if domain.ErrorCode(err) != domain.CodeNotFound || !strings.Contains(err.Error(), "project not found") {
		t.Errorf("a project that does not exist: %v, want project not found", err)
	}
}

// TestGrantWarningsByTheServiceClock: the 360Giving advice on a grant is
// dated by the service's clock (15 January 2026 here), not the machine's,
// so the API's answer and the web's grant page agree with every other rule
// the service dates: an award in June 2026 is in the future, one on the
// clock's day is not.
func TestGrantWarningsByTheServiceClock(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	later := grantBody(w.X, w.A, 100)
	later["awardDate"] = "2026-06-01"
	g := must(sc.CreateGrant(body(later)))
	if ws := w.svc.GrantWarnings(g); len(ws) != 1 || ws[0].Field != "awardDate" {
		t.Errorf("a grant awarded after the service's today: warnings %+v, want one on awardDate", ws)
	}
	today := grantBody(w.X, w.A, 100)
	today["awardDate"] = "2026-01-15"
	if ws := w.svc.GrantWarnings(must(sc.CreateGrant(body(today)))); len(ws) != 0 {
		t.Errorf("a grant awarded on the service's today: warnings %+v, want none", ws)
	}
}
