package domain_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestMetricCatalogue checks the catalogue is whole: every metric has every
// wording, no two metrics read alike, and each is found again by its
// label however it is cased or spaced.
func TestMetricCatalogue(t *testing.T) {
	t.Parallel()
	defs := domain.MetricCatalogue
	if len(defs) == 0 {
		t.Fatal("empty catalogue")
	}
	var order []domain.Metric
	seen := map[string]domain.Metric{}
	unique := func(what, s string, m domain.Metric) {
		t.Helper()
		k := what + ":" + strings.ToLower(s)
		if other, ok := seen[k]; ok {
			t.Errorf("%s and %s have the same %s %q", other, m, what, s)
		}
		seen[k] = m
	}
	apiName := regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
	for _, d := range defs {
		m := d.Metric
		order = append(order, m)
		if !apiName.MatchString(string(m)) {
			t.Errorf("%q is not a lowerCamelCase API name", m)
		}
		for what, s := range map[string]string{"label": d.Label, "short label": d.Short, "phrase": d.Phrase, "description": d.Description} {
			if strings.TrimSpace(s) == "" || strings.Join(strings.Fields(s), " ") != s {
				t.Errorf("%s: %s %q is empty or oddly spaced", m, what, s)
			}
		}
		if r := []rune(d.Label); len(r) == 0 || !unicode.IsUpper(r[0]) || strings.HasSuffix(d.Label, ".") {
			t.Errorf("%s: label %q should start with a capital and have no full stop", m, d.Label)
		}
		if r := []rune(d.Short); len(r) == 0 || !unicode.IsUpper(r[0]) || len(r) > len([]rune(d.Label)) || len(r) > 18 {
			t.Errorf("%s: short label %q should start with a capital and be at most 18 characters and no longer than %q", m, d.Short, d.Label)
		}
		if d.Phrase != strings.ToLower(d.Phrase) {
			t.Errorf("%s: phrase %q should be lower case, for running text", m, d.Phrase)
		}
		if r := []rune(d.Description); len(r) == 0 || !unicode.IsUpper(r[0]) || !strings.HasSuffix(d.Description, ".") || strings.Count(d.Description, ". ") > 0 {
			t.Errorf("%s: description %q should be one sentence", m, d.Description)
		}
		unique("label", d.Label, m)
		unique("short label", d.Short, m)
		unique("phrase", d.Phrase, m)
		unique("description", d.Description, m)

		if !domain.ValidMetric(m) {
			t.Errorf("ValidMetric(%s) = false", m)
		}
		if got, ok := domain.MetricInfo(m); !ok || got != d {
			t.Errorf("MetricInfo(%s) = %+v, %v; want %+v", m, got, ok, d)
		}
		if m.Label() != d.Label || m.Short() != d.Short || m.Phrase() != d.Phrase || m.Description() != d.Description {
			t.Errorf("%s: the methods disagree with the catalogue entry %+v", m, d)
		}
		for _, s := range []string{d.Label, strings.ToLower(d.Label), strings.ToUpper(d.Label), d.Phrase,
			"  " + strings.ReplaceAll(d.Label, " ", " \t ") + "\n", strings.ReplaceAll(d.Label, " ", "\u00a0")} {
			if got, ok := domain.MetricByLabel(s); !ok || got != m {
				t.Errorf("MetricByLabel(%q) = %q, %v; want %s", s, got, ok, m)
			}
			if got, ok := domain.ParseMetric(s); !ok || got != m {
				t.Errorf("ParseMetric(%q) = %q, %v; want %s", s, got, ok, m)
			}
		}
		for _, s := range []string{string(m), strings.ToUpper(string(m)), " " + string(m) + " "} {
			if got, ok := domain.ParseMetric(s); !ok || got != m {
				t.Errorf("ParseMetric(%q) = %q, %v; want %s", s, got, ok, m)
			}
		}
	}
	if !slices.Equal(order, domain.Metrics) {
		t.Errorf("Metrics = %v, catalogue order %v", domain.Metrics, order)
	}
}

// TestMetricLookupRefuses checks that lookups answer false rather than guess.
func TestMetricLookupRefuses(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", " ", "people", "people into work now", "peopleintowork ", "Sustained jobs", "into work", "Notes", "project"} {
		if m, ok := domain.MetricByLabel(s); ok {
			t.Errorf("MetricByLabel(%q) = %s, want no metric", s, m)
		}
	}
	for _, s := range []string{"", "people", "people_into_work", "Into work", "periodStart", "notes"} {
		if m, ok := domain.ParseMetric(s); ok {
			t.Errorf("ParseMetric(%q) = %s, want no metric", s, m)
		}
	}
	if _, ok := domain.MetricInfo("somethingElse"); ok || domain.ValidMetric("somethingElse") {
		t.Error("somethingElse is taken for a metric")
	}
	// A value that is not a metric (an unknown key in old data) still shows.
	m := domain.Metric("somethingElse")
	if m.Label() != "somethingElse" || m.Short() != "somethingElse" || m.Phrase() != "somethingElse" {
		t.Errorf("unknown metric reads %q, %q, %q", m.Label(), m.Short(), m.Phrase())
	}
}

// TestMetricWording pins the one wording of each metric, as emails, the
// outcome summary CSV and the web app show it.
func TestMetricWording(t *testing.T) {
	t.Parallel()
	want := map[domain.Metric][3]string{ // label, short label, phrase
		domain.MetricReferrals:            {"Referrals", "Referrals", "referrals"},
		domain.MetricPeopleIntoWork:       {"People into work", "Into work", "people into work"},
		domain.MetricJobStarts:            {"Job starts", "Job starts", "job starts"},
		domain.MetricSustainedJobs13Weeks: {"Jobs sustained for 13 weeks", "Sustained 13 weeks", "jobs sustained for 13 weeks"},
		domain.MetricVolunteeringStarts:   {"Volunteering starts", "Volunteering", "volunteering starts"},
		domain.MetricTrainingStarts:       {"Training starts", "Training", "training starts"},
		domain.MetricInternsEnrolled:      {"Interns enrolled", "Interns enrolled", "interns enrolled"},
		domain.MetricInternsCompleted:     {"Interns completed", "Interns completed", "interns completed"},
	}
	if len(want) != len(domain.Metrics) {
		t.Errorf("%d metrics, %d wordings pinned", len(domain.Metrics), len(want))
	}
	for m, w := range want {
		if got := [3]string{m.Label(), m.Short(), m.Phrase()}; got != w {
			t.Errorf("%s reads %q, want %q", m, got, w)
		}
	}
	if got := domain.MetricPeopleIntoWork.Description(); got != "People starting paid work for the first time in the programme." {
		t.Errorf("peopleIntoWork is described as %q, not as the SPEC defines it", got)
	}
	if got := domain.MetricJobStarts.Description(); !strings.HasPrefix(got, "All paid job starts") {
		t.Errorf("jobStarts is described as %q, not as the SPEC defines it", got)
	}
}
