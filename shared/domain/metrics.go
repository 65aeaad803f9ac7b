package domain

import (
	"strings"
)

// Metric is a count of people kept per period. Counts are added up over
// submissions; a correction replaces a submission's counts.
type Metric string

// The metrics of the SPEC, in the order they are shown.
const (
	MetricReferrals            Metric = "referrals"
	MetricPeopleIntoWork       Metric = "peopleIntoWork"
	MetricJobStarts            Metric = "jobStarts"
	MetricSustainedJobs13Weeks Metric = "sustainedJobs13Weeks"
	MetricVolunteeringStarts   Metric = "volunteeringStarts"
	MetricTrainingStarts       Metric = "trainingStarts"
	MetricInternsEnrolled      Metric = "internsEnrolled"
	MetricInternsCompleted     Metric = "internsCompleted"
)

// MetricDef is everything people read about a metric. Emails, CSV
// files, the web app, spreadsheet imports and the OpenAPI document all take
// their wording from here, so a metric is added or reworded in one place.
type MetricDef struct {
	Metric      Metric // the API name, as in JSON bodies: "peopleIntoWork"
	Label       string // a heading or column: "People into work"
	Short       string // a narrow table column or chart legend: "Into work"
	Phrase      string // running text, lower case: "a target of 60 people into work"
	Description string // one sentence saying what is counted
}

// metricCatalogue lists every metric in display order.
var metricCatalogue = []MetricDef{
	{MetricReferrals, "Referrals", "Referrals", "referrals",
		"People referred to the programme's employment support."},
	{MetricPeopleIntoWork, "People into work", "Into work", "people into work",
		"People starting paid work for the first time in the programme."},
	{MetricJobStarts, "Job starts", "Job starts", "job starts",
		"All paid job starts, including a person's second or later job."},
	{MetricSustainedJobs13Weeks, "Jobs sustained for 13 weeks", "Sustained 13 weeks", "jobs sustained for 13 weeks",
		"People who have kept a paid job for 13 weeks."},
	{MetricVolunteeringStarts, "Volunteering starts", "Volunteering", "volunteering starts",
		"People starting a volunteering placement."},
	{MetricTrainingStarts, "Training starts", "Training", "training starts",
		"People starting training, such as a course or a qualification."},
	{MetricInternsEnrolled, "Interns enrolled", "Interns enrolled", "interns enrolled",
		"People enrolled as interns, such as in a supported internship cohort."},
	{MetricInternsCompleted, "Interns completed", "Interns completed", "interns completed",
		"Interns who completed their internship."},
}

// Metrics lists every metric in display order.
var Metrics = func() []Metric {
	ms := make([]Metric, len(metricCatalogue))
	for i, d := range metricCatalogue {
		ms[i] = d.Metric
	}
	return ms
}()

// metricByName and metricByLabel index the catalogue: by API name, and by
// label folded with metricKey.
var metricByName, metricByLabel = func() (map[Metric]int, map[string]Metric) {
	byName, byLabel := map[Metric]int{}, map[string]Metric{}
	for i, d := range metricCatalogue {
		byName[d.Metric] = i
		byLabel[metricKey(d.Label)] = d.Metric
	}
	return byName, byLabel
}()

// MetricInfo returns the catalogue entry of m, if m is a metric.
func MetricInfo(m Metric) (MetricDef, bool) {
	i, ok := metricByName[m]
	if !ok {
		return MetricDef{}, false
	}
	return metricCatalogue[i], true
}

// ValidMetric reports whether m is one of Metrics.
func ValidMetric(m Metric) bool {
	_, ok := metricByName[m]
	return ok
}

// info is m's entry, or one that shows the bare name for a value that is
// not a metric (such as an unknown key in stored data).
func (m Metric) info() MetricDef {
	if d, ok := MetricInfo(m); ok {
		return d
	}
	s := string(m)
	return MetricDef{Metric: m, Label: s, Short: s, Phrase: s, Description: s}
}

// Label is how m is headed in a table, form or CSV file: "People into work".
func (m Metric) Label() string { return m.info().Label }

// Short is m's label for a narrow column or a chart legend: "Into work".
func (m Metric) Short() string { return m.info().Short }

// Phrase is how m reads in running text: "60 people into work".
func (m Metric) Phrase() string { return m.info().Phrase }

// Description says in one sentence what m counts.
func (m Metric) Description() string { return m.info().Description }

// MetricByLabel finds the metric with the label s, ignoring case and
// runs of white space: "People into work", " people  INTO work".
func MetricByLabel(s string) (Metric, bool) {
	m, ok := metricByLabel[metricKey(s)]
	return m, ok
}

// ParseMetric reads a metric as a person may write it, say in a
// spreadsheet's header: its API name in any case ("peopleIntoWork",
// "PeopleIntoWork") or its label (as MetricByLabel).
func ParseMetric(s string) (Metric, bool) {
	k := metricKey(s)
	for _, d := range metricCatalogue {
		if strings.EqualFold(string(d.Metric), k) {
			return d.Metric, true
		}
	}
	return MetricByLabel(s)
}

// ProjectNameKey is the form a project's name is matched by: an import
// finds a row's project by it, and no two projects of a programme may
// share it, so a name that matches is always one project.
func ProjectNameKey(name string) string { return metricKey(name) }

// FunderNameKey is the form a funder's name is compared by: no two
// funders of a programme may share it, as funders are told apart by name
// wherever they are shown (grants.csv, payments.csv, progress's funding by
// funder, the web app's pages).
func FunderNameKey(name string) string { return metricKey(name) }

// metricKey folds a label for lookup: lower case, white space trimmed and
// each run of it (tabs, no-break spaces…) made one space.
func metricKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func metricList() string {
	s := make([]string, len(Metrics))
	for i, m := range Metrics {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}
