package service_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/service/memstore"
)

// TestTargetWindowWithinTheProgramme: a target's window lies within its
// programme's dates (2025-01-01 to 2027-12-31 here), its deadline at most
// a year after the programme ends; anything else is refused naming
// startDate or deadline, and nothing is stored, on create and on PATCH.
func TestTargetWindowWithinTheProgramme(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	target := func(start, deadline string) map[string]any {
		b := map[string]any{"metric": "referrals", "value": 5, "deadline": deadline, "notify": []string{}}
		if start != "" {
			b["startDate"] = start
		}
		return b
	}
	for _, c := range []struct {
		start, deadline string
		fields          []string
	}{
		{"1900-01-01", "2200-12-31", []string{"startDate", "deadline"}}, // the audit's window
		{"2024-12-31", "2025-12-31", []string{"startDate"}},
		{"", "2024-12-31", []string{"deadline"}}, // over before the programme starts
		{"2025-01-01", "2029-01-01", []string{"deadline"}},
		{"", "2101-03-31", []string{"deadline"}},
	} {
		err := w.unchanged(func() error { _, err := sc.CreateTarget(body(target(c.start, c.deadline))); return err })
		wantFields(t, c.start+".."+c.deadline, err, c.fields...)
	}
	var e *domain.Error
	_, err := sc.CreateTarget(body(target("", "2029-01-01")))
	if de := wantCode(t, "a deadline past a year after the end", err, domain.CodeValidation); de != nil {
		e = de
		if got := e.Fields["deadline"]; !strings.Contains(got, "2028-12-31") || !strings.Contains(got, "2027-12-31") {
			t.Errorf("deadline: %q, want the last allowed day and the programme's end", got)
		}
	}
	// The whole programme, and a year beyond it (figures of a period that
	// began by its end), are fine.
	tg := must(sc.CreateTarget(body(target("2025-01-01", "2028-12-31"))))
	must(sc.CreateTarget(body(target("", "2025-01-01"))))
	for _, patch := range []map[string]any{{"deadline": "2200-12-31"}, {"startDate": "1900-01-01"}} {
		err := w.unchanged(func() error { _, err := sc.UpdateTarget(tg.ID, version(1), body(patch)); return err })
		for f := range patch {
			wantFields(t, "PATCH "+f, err, f)
		}
	}
}

// TestProgrammeDatesKeepTheirTargets: a programme's dates may not narrow
// past a target's window (its start later than a target starts, its end
// more than a year before a target's deadline), naming the date and the
// day it may move to; widening them is always fine.
func TestProgrammeDatesKeepTheirTargets(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	// The world's target A counts from the programme's start (2025-01-01)
	// to 2026-12-31; one more from 2025-07-01 to 2028-06-30.
	must(sc.CreateTarget(body(map[string]any{"metric": "referrals", "value": 5, "startDate": "2025-07-01",
		"deadline": "2028-06-30", "notify": []string{}})))
	err := w.unchanged(func() error {
		_, err := sc.UpdateProgramme(always, body(map[string]any{"startDate": "2025-08-01", "endDate": "2027-03-31"}))
		return err
	})
	wantFields(t, "narrower dates", err, "startDate", "endDate")
	var de *domain.Error
	if de = wantCode(t, "narrower dates", err, domain.CodeValidation); de != nil {
		if !strings.Contains(de.Fields["startDate"], "2025-07-01") || !strings.Contains(de.Fields["endDate"], "2027-06-30") {
			t.Errorf("fields %v, want the days each may move to", de.Fields)
		}
	}
	// Up to the limits is fine; so is widening again.
	must(sc.UpdateProgramme(always, body(map[string]any{"startDate": "2025-07-01", "endDate": "2027-06-30"})))
	must(sc.UpdateProgramme(always, body(map[string]any{"startDate": "2024-01-01", "endDate": "2030-12-31"})))
	// A target with no start of its own starts with the programme: the
	// start may not pass its deadline.
	must(sc.UpdateTarget(w.TargetA, version(1), body(map[string]any{"deadline": "2025-03-31"})))
	err = w.unchanged(func() error {
		_, err := sc.UpdateProgramme(always, body(map[string]any{"startDate": "2025-04-01"}))
		return err
	})
	wantFields(t, "a start after a deadline", err, "startDate")
}

// TestProgrammeAtMost25Years: a programme's dates span at most
// MaxProgrammeYears, on create and on PATCH, so its targets' windows (and
// every read of them) stay bounded whatever dates are typed.
func TestProgrammeAtMost25Years(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	in := map[string]any{"name": "Long", "leadOrganisation": "Trust", "startDate": "1900-01-01", "endDate": "2200-12-31"}
	_, err := w.svc.CreateProgramme(w.ctx, caller(admin), body(in), nil)
	wantFields(t, "1900 to 2200", err, "endDate")
	in["endDate"] = "1925-01-01"
	must(w.svc.CreateProgramme(w.ctx, caller(admin), body(in), nil))
	err = w.unchanged(func() error {
		_, err := w.open(lead).UpdateProgramme(always, body(map[string]any{"endDate": "2050-01-02"}))
		return err
	})
	wantFields(t, "PATCH to 26 years", err, "endDate")
}

// countingStore counts the years of figures progress and the portfolio
// ask for.
type countingStore struct {
	*memstore.Store
	mu   sync.Mutex
	keys int
}

func (c *countingStore) Series(ctx context.Context, programmeID string, keys []domain.SeriesKey) (map[domain.SeriesKey]domain.DaySeries, error) {
	c.mu.Lock()
	c.keys += len(keys)
	c.mu.Unlock()
	return c.Store.Series(ctx, programmeID, keys)
}

func (c *countingStore) Figures(ctx context.Context, want map[string]service.FigureKeys) (map[string]service.Figures, error) {
	c.mu.Lock()
	for _, fk := range want {
		c.keys += len(fk.Series)
	}
	c.mu.Unlock()
	return c.Store.Figures(ctx, want)
}

// TestTargetReadsBoundedByTheProgramme: whatever windows a lead types,
// progress and the portfolio read no more years of figures than the
// programme's dates (and the year after) hold, for the programme and each
// project with a target.
func TestTargetReadsBoundedByTheProgramme(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	st := &countingStore{Store: w.st}
	svc := service.New(st, func() time.Time { return clock })
	sc := svc.Open(w.ctx, caller(lead), w.P)
	for _, project := range []string{"", w.A, w.B} {
		for _, window := range [][2]string{{"1900-01-01", "2200-12-31"}, {"2025-01-01", "2028-12-31"}} {
			b := map[string]any{"metric": "referrals", "value": 5, "startDate": window[0], "deadline": window[1], "notify": []string{}}
			if project != "" {
				b["projectId"] = project
			}
			_, _ = sc.CreateTarget(body(b)) // the first is refused
		}
	}
	// 2025 to 2028: four years, for the programme and its two projects.
	const most = 4 * 3
	must(svc.Open(w.ctx, caller(lead), w.P).Progress())
	if st.keys == 0 || st.keys > most {
		t.Errorf("progress read %d years of figures, want at most %d", st.keys, most)
	}
	st.keys = 0
	mustList(svc.Portfolio(w.ctx, caller(lead), service.Page{}))
	if st.keys == 0 || st.keys > most {
		t.Errorf("the portfolio read %d years of figures, want at most %d", st.keys, most)
	}
}
