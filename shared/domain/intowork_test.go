package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestIntoWorkNotBeyondJobStarts: everyone starting paid work for the
// first time in a period has a paid job start in it (SPEC, Metrics), so a
// submission giving both counts is refused, naming
// counts.peopleIntoWork, when it has more people into work than job
// starts (audit-c W2: 9 into work from 2 job starts was accepted). Only
// people into work, job starts of 0 (a blank cell of an imported sheet,
// SPEC: "an empty metric cell means 0") or as many job starts as people
// into work pass.
func TestIntoWorkNotBeyondJobStarts(t *testing.T) {
	const field = "counts.peopleIntoWork"
	cases := []struct {
		name        string
		into, jobs  int64
		intoGiven   bool
		jobsGiven   bool
		wantRefused bool
	}{
		{"both given, more into work", 9, 2, true, true, true},
		{"both given, one more into work", 3, 2, true, true, true},
		{"both given, equal", 2, 2, true, true, false},
		{"both given, fewer into work", 1, 2, true, true, false},
		{"only people into work", 9, 0, true, false, false},
		{"only job starts", 0, 2, false, true, false},
		{"job starts given as 0", 9, 0, true, true, false},
		{"people into work 0", 0, 2, true, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			counts := map[domain.Metric]int64{domain.MetricReferrals: 20}
			if c.intoGiven {
				counts[domain.MetricPeopleIntoWork] = c.into
			}
			if c.jobsGiven {
				counts[domain.MetricJobStarts] = c.jobs
			}
			in := domain.OutcomeInput{PeriodStart: domain.MustDate("2026-04-01"), PeriodEnd: domain.MustDate("2026-06-30"), Counts: counts}
			err := in.Validate()
			if !c.wantRefused {
				if err != nil {
					t.Fatalf("%v: refused: %v", counts, err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeValidation {
				t.Fatalf("%v: %v, want validation_failed", counts, err)
			}
			msg := de.Fields[field]
			if !strings.HasPrefix(msg, "cannot be more than the job starts (") || !strings.Contains(msg, "in the same submission") {
				t.Errorf("%s: %q, want it to say it cannot be more than the job starts in the same submission", field, msg)
			}
			if len(de.Fields) != 1 {
				t.Errorf("fields %v, want only %s", de.Fields, field)
			}
		})
	}
}

// TestIntoWorkBeyondJobStartsWords: the refusal gives both figures, and a
// count already refused for its own value (past MaxCount) keeps that
// problem rather than this one.
func TestIntoWorkBeyondJobStartsWords(t *testing.T) {
	in := domain.OutcomeInput{PeriodStart: domain.MustDate("2026-04-01"), PeriodEnd: domain.MustDate("2026-06-30"),
		Counts: map[domain.Metric]int64{domain.MetricPeopleIntoWork: 9, domain.MetricJobStarts: 2}}
	var de *domain.Error
	if !errors.As(in.Validate(), &de) {
		t.Fatal("9 into work from 2 job starts accepted")
	}
	want := "cannot be more than the job starts (2) in the same submission: everyone starting paid work for the first time " +
		"also has a paid job start, so 9 people into work need at least 9 job starts"
	if got := de.Fields["counts.peopleIntoWork"]; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	in.Counts[domain.MetricPeopleIntoWork] = domain.MaxCount + 1
	de = nil
	if !errors.As(in.Validate(), &de) || !strings.HasPrefix(de.Fields["counts.peopleIntoWork"], "is implausibly large") {
		t.Errorf("past MaxCount: %v, want is implausibly large", de)
	}
}
