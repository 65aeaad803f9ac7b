package web

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
)

//go:embed templates
var templateFS embed.FS

// view is what every page template gets.
type view struct {
	Title string
	// Session is the signed-in person (nil on public pages).
	Session *Session
	// Nav is the programme's navigation, on programme pages.
	Nav *nav
	// Form is the page's form state (values, errors), if it has a form.
	Form *form
	// Data is the page's own data.
	Data any
	// Set by render.
	Assets    *assets
	RequestID string
	Operator  Operator
	// Error page.
	Status  int
	Message string
	Related *relatedLink
	Body    template.HTML
}

// HasErrors reports whether the page shows problems to fix, its form's or
// those its data holds (an import's rows): its title then begins "Error:",
// as NHS.UK's error pattern has it, so a screen reader says so first.
func (v *view) HasErrors() bool {
	if v.Form != nil && v.Form.HasErrors() {
		return true
	}
	d, ok := v.Data.(interface{ HasErrors() bool })
	return ok && d.HasErrors()
}

// PageTitle is the page's <title> (less the "Error: " HasErrors adds):
// "Page – Programme – fundtrack" on a programme's pages, so that the tabs
// and history of someone in several programmes tell them apart (a title
// that names the programme already, the dashboard's or the report's, is
// not given it twice); "Page – fundtrack" elsewhere.
func (v *view) PageTitle() string {
	if v.Nav != nil && v.Nav.Programme.Name != "" && !strings.Contains(v.Title, v.Nav.Programme.Name) {
		return v.Title + " – " + v.Nav.Programme.Name + " – fundtrack"
	}
	return v.Title + " – fundtrack"
}

// CSRF is the token every form of the page carries.
func (v *view) CSRF() string {
	if v.Session == nil {
		return ""
	}
	return v.Session.CSRF
}

// nav is the programme navigation: only the sections the person may use.
type nav struct {
	Programme domain.Programme
	Access    domain.Access
	Current   string
}

// Links lists the sections of the programme the caller may open.
func (n *nav) Links() []navLink {
	base := "/app/programmes/" + n.Programme.ID
	links := []navLink{{Key: "dashboard", Text: "Dashboard", Href: base}, {Key: "grants", Text: "Grants", Href: base + "/grants"},
		{Key: "projects", Text: "Projects", Href: base + "/projects"}, {Key: "targets", Text: "Targets", Href: base + "/targets"}}
	// The review queue and the schedules are reached from the returns page:
	// one more link in the header would push the lead's last ones under
	// the header's "More" menu at common widths.
	links = append(links, navLink{Key: "returns", Text: "Returns", Href: base + "/returns"},
		navLink{Key: "notifications", Text: "Notifications", Href: base + "/notifications"})
	if n.Access.CanManage() {
		links = append(links, navLink{Key: "funders", Text: "Funders", Href: base + "/funders"}, navLink{Key: "members", Text: "Members", Href: base + "/members"},
			navLink{Key: "audit", Text: "Audit trail", Href: base + "/audit"})
	}
	for i := range links {
		links[i].Current = links[i].Key == n.Current
	}
	return links
}

type navLink struct {
	Key, Text, Href string
	Current         bool
}

// parsedPages holds each asset prefix's parsed pages (prefix → func() map).
var parsedPages sync.Map

// pagesFor gives the pages for as, parsed on first use and then shared by
// every app whose assets live under the same prefix: where its assets are
// is all a page takes from its app, and parsing and cloning some sixty
// templates per app cost each web test about as much CPU as its requests.
func pagesFor(as *assets) func() map[string]*template.Template {
	f, _ := parsedPages.LoadOrStore(as.prefix, sync.OnceValue(func() map[string]*template.Template {
		return parseTemplates(as.prefix)
	}))
	return f.(func() map[string]*template.Template)
}

// parseTemplates reads every page template with the layout and partials,
// their assets linked under prefix.
func parseTemplates(prefix string) map[string]*template.Template {
	funcs := template.FuncMap{
		"asset":        (&assets{prefix: prefix}).URL,
		"money":        domain.Pounds,
		"count":        countText,
		"date":         domain.Date.Long,
		"period":       domain.PeriodText,
		"daterange":    domain.DateRange, // "X to Y", one day as "X"
		"datetime":     datetimeText,
		"metric":       domain.Metric.Label,
		"metricShort":  domain.Metric.Short,
		"metricPhrase": domain.Metric.Phrase,
		"metrics":      func() []domain.Metric { return domain.Metrics },
		"categories":   func() []domain.BudgetCategory { return domain.BudgetCategories },
		"pct":          func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + "%" },
		"barWidth":     barWidth,
		"statusTag":    statusTag,
		"paymentTag":   paymentTag,
		"statusText":   statusText,
		"emailKind":    emailKind,
		"fieldID":      fieldID,
		"pathEscape":   url.PathEscape, // no queryEscape: html/template escapes a query's values itself, so "@" went out as %2540
		"join":         strings.Join,
		"dict":         dict,
		"add":          func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i
			}
			return s
		},
		"itoa":       strconv.Itoa,
		"i64":        func(n int64) string { return strconv.FormatInt(n, 10) },
		"fte":        func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
		"eventField": eventField,
		"eventValue": eventValue,
		"capitalise": capitalise,
		"roleText":   roleText,
		"ownReturns": ownReturns,
		"list":       func(s ...string) []string { return s },
	}
	base := template.Must(template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	pages := map[string]*template.Template{}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, name := range names {
		n := strings.TrimSuffix(path.Base(name), ".html")
		if n == "layout" || n == "partials" {
			continue
		}
		pages[n] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, name))
	}
	return pages
}

// render writes a page. A template failure is a 500 (logged), never a
// half-written page.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	if v.Session == nil {
		if s, ok := r.Context().Value(sessionKey).(*Session); ok {
			v.Session = s
		}
	}
	v.Assets = a.assets
	v.RequestID = requestID(r)
	v.Operator = a.Operator
	t, ok := a.pages()[page]
	if !ok {
		panic("web: no template " + page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		a.Logger.Error("web: render", "requestId", v.RequestID, "page", page, "err", err)
		failed := present.Internal()
		if page == "error" {
			http.Error(w, failed.Title+". Request id "+v.RequestID, failed.Status)
			return
		}
		a.render(w, r, failed.Status, "error", &view{Title: failed.Title, Status: failed.Status})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Page renders a page of a SignIn implementation in the app's layout.
func (a *app) Page(w http.ResponseWriter, r *http.Request, status int, title string, body template.HTML) {
	a.render(w, r, status, "plain", &view{Title: title, Body: body})
}

// ---------------------------------------------------------------- formatting

// datetimeText is an instant as pages show it: in UK time, with its zone
// (GMT or BST), as every date is a UK date ("4 December 2026 15:07 GMT",
// "30 June 2026 00:30 BST"): a return due 30 June sent at 00:30 BST on
// 1 July is late, and its page says it was sent on 1 July. The zone's
// rules are compiled in (domain.InUK).
func datetimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return domain.InUK(t).Format("2 January 2006 15:04 MST")
}

// countText is a count of people, figures or rows as pages show it, its
// thousands grouped ("1,999 of 2,000"), as emails (domain.Thousands) and
// money are: the NHS and GOV.UK styles write numbers over 999 with commas.
// Form values, CSV, JSON and the API keep plain digits. It takes any whole
// number type, as templates pass int64 counts and int lengths alike; any
// other value fails the page's render rather than print something wrong.
func countText(n any) (string, error) {
	switch v := n.(type) {
	case int64:
		return domain.Thousands(v), nil
	case int:
		return domain.Thousands(int64(v)), nil
	case int32:
		return domain.Thousands(int64(v)), nil
	}
	return "", fmt.Errorf("count: %T is not a whole number", n)
}

// barWidth is a percentage for a progress bar, 0-100.
func barWidth(pct float64) string {
	return strconv.FormatFloat(math.Max(0, math.Min(100, pct)), 'f', 1, 64)
}

// statusTag is the NHS tag colour of a target or notification status.
func statusTag(s string) string {
	if t := returnStatusTag(s); t != "" {
		return t
	}
	switch s {
	case "reached", "sent", "filled":
		return "nhsuk-tag--green"
	case "on-track", "pending":
		return "nhsuk-tag--blue"
	case "at-risk", "vacant":
		return "nhsuk-tag--yellow"
	case "missed", "failed":
		return "nhsuk-tag--red"
	default:
		return "nhsuk-tag--grey"
	}
}

// paymentTag is the NHS tag colour of a payment's status: what needs doing
// (due) stands out.
func paymentTag(s string) string {
	switch s {
	case "paid":
		return "nhsuk-tag--green"
	case "due":
		return "nhsuk-tag--orange"
	case "scheduled":
		return "nhsuk-tag--blue"
	}
	return "nhsuk-tag--grey"
}

func statusText(s string) string {
	switch s {
	case "on-track":
		return "On track"
	case "at-risk":
		return "At risk"
	case "changes-requested":
		return "Changes requested"
	case "awaiting-review":
		return "Awaiting review"
	}
	return capitalise(s)
}

// emailKind names a notification's kind as its email, for a sentence:
// "the at-risk email", "the payment due email".
func emailKind(kind string) string {
	switch domain.NotificationKind(kind) {
	case domain.KindReached:
		return "milestone reached"
	case domain.KindMissed:
		return "target missed"
	case domain.KindAtRisk:
		return "target at risk"
	case domain.KindOverdue:
		return "return overdue"
	case domain.KindPaymentDue:
		return "payment due"
	}
	return strings.ToLower(statusText(kind)) // "reminder", "awaiting review", "changes requested"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ownReturns says whose returns a caller's return counts cover, where a
// page shows them: "" for every project's (leads and funders read every
// return), else "your project's" ("your projects'" for a project lead of
// several), whose counts are its own alone (domain.Access.ReturnStatsSeen).
func ownReturns(a domain.Access) string {
	switch n := len(a.ReturnProjects()); {
	case a.SeesEveryReturn():
		return ""
	case n > 1:
		return "your projects'"
	default:
		return "your project's"
	}
}

// changeField writes an audited field's name for people: "amountPence"
// is "Amount", "grantId" "Grant", "periodStart" "Period start".
func changeField(name string) string {
	if name == "fte" {
		return "FTE"
	}
	if n := strings.TrimSuffix(name, "Pence"); n != "" {
		name = n
	}
	if n := strings.TrimSuffix(name, "Id"); n != "" {
		name = n
	}
	var b strings.Builder
	for i, r := range name {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return capitalise(b.String())
}

// returnFields are the audited fields of a return in the returns grid's
// words, where changeField's would not say them so ("State" for its
// status, "Submitted at" for when it was sent).
var returnFields = map[string]string{
	"state": "Status", "submissionId": "Submission", "submittedAt": "Sent on", "late": "Late", "review": "Review",
	"correction": "Correction", "dueDate": "Due date",
}

// eventField writes the name of a field an event of entity e changed:
// a return's in the grid's words, any other's as changeField does.
func eventField(e domain.Entity, name string) string {
	if l, ok := returnFields[name]; ok && e == domain.EntityReturn {
		return l
	}
	return changeField(name)
}

// eventValue writes one value of a field an event of entity e changed:
// a return's status and its correction in the returns grid's words
// ("Changes requested", "Awaiting review"), any other record's status as
// its tag says it ("Filled", "Changes requested", "Due"), anything else
// as changeValue does.
func eventValue(n *recordNames, e domain.Entity, field string, v any) string {
	if s, ok := v.(string); ok && s != "" && field == "status" && e != domain.EntityReturn {
		return statusText(s)
	}
	if e == domain.EntityReturn {
		switch x := v.(type) {
		case string:
			if field == "state" {
				if words, ok := returnStateText(domain.ReturnState(x)); ok {
					return words
				}
			}
		case map[string]any:
			if field == "correction" {
				if words, ok := correctionText(x); ok {
					return words
				}
			}
		}
	}
	return changeValue(n, field, v)
}

// returnStateText is a return's recorded state as the returns grid tags
// it; a return with nothing sent, which the grid tags by the calendar
// (upcoming, open or overdue), is "Not sent".
func returnStateText(s domain.ReturnState) (string, bool) {
	switch s {
	case domain.StateExpected:
		return "Not sent", true
	case domain.StateSubmitted, domain.StateChangesRequested, domain.StateAccepted:
		return statusText(string(s)), true
	}
	return "", false
}

// correctionText is a return's recorded correction as the grid writes it
// beside the return: "Awaiting review", "Sent back".
func correctionText(m map[string]any) (string, bool) {
	switch s, _ := m["status"].(string); domain.OutcomeStatus(s) {
	case domain.OutcomePending:
		return "Awaiting review", true
	case domain.OutcomeChangesRequested:
		return "Sent back", true
	}
	return "", false
}

// changeValue writes one audited value of field for the history tables
// as the rest of the pages write it: pence as pounds, whole numbers with
// their thousands grouped (a target's value, a cohort's places: "2,000",
// as the count func does), milestones as percentages, a schedule's days
// and reminders, metrics and areas in words, dates and times written out,
// lists as lists, budget or spend lines, counts by metric and wellbeing
// measures, roles, payment triggers and reviews in words, the programme's
// review setting as its settings page says it; projects, funders, grants
// and cohorts by name where n knows them (nil n: by id); anything else as
// the JSON it was recorded as.
func changeValue(n *recordNames, field string, v any) string {
	if words, ok := fieldWords(field, v); ok {
		return words
	}
	switch field {
	case "roles":
		if xs, ok := v.([]any); ok {
			if roles, ok := recordList(xs, "; ", n.role); ok {
				return roles
			}
		}
	case "trigger":
		if t, ok := v.(map[string]any); ok {
			if words, ok := trigger(n, t); ok {
				return words
			}
		}
	case "review":
		if rv, ok := v.(map[string]any); ok {
			if words, ok := review(rv); ok {
				return words
			}
		}
	case "withdrawn":
		if xs, ok := v.([]any); ok {
			if len(xs) == 0 {
				return "none"
			}
			if words, ok := recordList(xs, "; ", withdrawal); ok {
				return words
			}
		}
	}
	switch x := v.(type) {
	case nil:
		return "–"
	case string:
		if name := n.of(field, x); name != "" {
			return name
		}
		if d, err := domain.ParseDate(x); err == nil {
			return d.Long()
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return datetimeText(t)
		}
		return x
	case float64:
		if p, ok := pence(x); ok && strings.HasSuffix(field, "Pence") {
			return domain.Pounds(p)
		}
		return number(x)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case []any:
		if names, ok := n.list(field, x); ok {
			return names
		}
		if words, ok := wordList(x); ok {
			return words
		}
		if lines, ok := recordList(x, ", ", budgetLine); ok {
			return lines
		}
		if measures, ok := recordList(x, "; ", measure); ok {
			return measures
		}
	case map[string]any:
		if counts, ok := metricCounts(x); ok {
			return counts
		}
	}
	b, _ := jsonCompact(v)
	return b
}

// Words of the programme's review setting, as its settings page's radios
// say them.
const (
	reviewOn  = "A lead approves each submission before it counts"
	reviewOff = "Submissions count as soon as they are sent"
)

// fieldWords writes a value of the audited fields whose numbers, flags
// and records the pages write in words of their own (see changeValue), or
// reports false for any other field, or a value not as such a field
// records it (which changeValue then writes as any other).
func fieldWords(field string, v any) (string, bool) {
	switch field {
	case "reviewOutcomes": // the programme's
		if on, ok := v.(bool); ok {
			if on {
				return reviewOn, true
			}
			return reviewOff, true
		}
	case "thresholds", "covers": // a target's milestones; those a milestone email also told of
		if xs, ok := v.([]any); ok {
			return wholeList(xs, func(w int64) string { return domain.Thousands(w) + "%" }, "")
		}
	case "threshold": // a milestone email's
		if w, ok := whole(v); ok {
			return domain.Thousands(w) + "%", true
		}
	case "dueDays": // a schedule's, as its page says it
		if w, ok := whole(v); ok {
			return days(w) + " after each period ends", true
		}
	case "reminders": // a schedule's, as the schedules page says them
		if xs, ok := v.([]any); ok {
			unit := " days before"
			if len(xs) == 1 && xs[0] == float64(1) {
				unit = " day before"
			}
			return wholeList(xs, domain.Thousands, unit)
		}
	case "reminderDays": // a reminder email's
		if w, ok := whole(v); ok {
			return days(w) + " before", true
		}
	case "metric", "targetMetric":
		if m, ok := v.(string); ok && domain.ValidMetric(domain.Metric(m)) {
			return domain.Metric(m).Label(), true
		}
	case "beneficiaryLocations": // a programme's or project's areas
		if xs, ok := v.([]any); ok {
			if len(xs) == 0 {
				return "none", true
			}
			return recordList(xs, ", ", location)
		}
	}
	return "", false
}

// number writes a recorded number: a whole one with its thousands grouped
// ("2,000"), as the pages' count func writes counts; any other as it is
// ("0.5").
func number(x float64) string {
	if w, ok := pence(x); ok {
		return domain.Thousands(w)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// whole reads a recorded whole number (JSON's float64).
func whole(v any) (int64, bool) {
	x, ok := v.(float64)
	if !ok {
		return 0, false
	}
	return pence(x)
}

// wholeList writes a recorded list of whole numbers, each as one writes
// it, then unit: "25%, 50%", "14, 7 days before"; an empty one as "none".
func wholeList(xs []any, one func(int64) string, unit string) (string, bool) {
	if len(xs) == 0 {
		return "none", true
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		w, ok := whole(x)
		if !ok {
			return "", false
		}
		parts[i] = one(w)
	}
	return strings.Join(parts, ", ") + unit, true
}

// days writes a number of days: "1 day", "14 days".
func days(n int64) string {
	if n == 1 {
		return "1 day"
	}
	return domain.Thousands(n) + " days"
}

// location writes a recorded area: its name, then its code, "Leeds
// (E08000035)".
func location(l map[string]any) (string, bool) {
	code, okc := l["geoCode"].(string)
	name, okn := l["name"].(string)
	if len(l) != 2 || !okc || !okn {
		return "", false
	}
	if name == "" {
		return code, true
	}
	return name + " (" + code + ")", true
}

// recordNames are the names of the records a page's audit events name by
// id, as far as the page knows them: the projects, funders, grants and
// cohorts its reader may read. Nil names nothing.
type recordNames struct {
	Projects, Funders, Grants, Cohorts map[string]string
	// Targets are the targets payment triggers wait on, by id: a
	// milestone trigger is written as the grant page writes it ("when 50%
	// of North IPS's target of 20 referrals is reached"), not by the
	// target's id.
	Targets map[string]domain.Target
	// Returns are the returns the page's events change (and the one whose
	// history it is), by id, each named by its project and period.
	Returns map[string]returnName
	// Base is the programme's pages' path ("/app/programmes/<id>"), for
	// links to the records events name.
	Base string
}

// Link is the page of the record a value v of field of ev names, where
// there is one to link: a return's submission, on its project's page of
// it ("" for anything else, or with no names).
func (n *recordNames) Link(ev domain.AuditEvent, field string, v any) string {
	id, _ := v.(string)
	_, project, _, ok := domain.ParseReturnID(ev.EntityID)
	if n == nil || n.Base == "" || !ok || ev.Entity != domain.EntityReturn || field != "submissionId" || !domain.ValidID(id) {
		return ""
	}
	return n.Base + "/projects/" + project + "/outcomes/" + id
}

// returnName is a return as people know it: whose it is and its period,
// as the returns grid shows it ("Bradford pilot", "April to June 2027").
type returnName struct {
	Project string // "" where the page does not know the project
	Period  string
}

// newReturnName names the return of project (its name, "" if unknown)
// for the period starting on start of a schedule of frequency f: its
// months as the grid heads it, or, its schedule unknown, "the period
// from 1 April 2027" (as a payment trigger names a return's period it
// did not record).
func newReturnName(project string, f domain.Frequency, start domain.Date) returnName {
	period := "the period from " + start.Long()
	if months := f.Months(); months > 0 {
		period = domain.PeriodText(start, domain.DateOf(start.Time().AddDate(0, months, -1)))
	}
	return returnName{Project: project, Period: period}
}

// String is the return in the history's What column: "Bradford pilot,
// April to June 2027".
func (r returnName) String() string {
	if r.Project == "" {
		return r.Period
	}
	return r.Project + ", " + r.Period
}

// Whose is the return in a sentence, as the grid's links name it:
// "Bradford pilot's return for April to June 2027", "the return for …"
// where the project is not known.
func (r returnName) Whose() string {
	if r.Project == "" {
		return "the return for " + r.Period
	}
	return r.Project + "'s return for " + r.Period
}

// namedFields are the audited fields that hold the id of a record of a
// kind recordNames knows, or a list of them.
var namedFields = map[string]domain.Entity{
	"projectId": domain.EntityProject, "projectIds": domain.EntityProject,
	"funderId": domain.EntityFunder, "funderIds": domain.EntityFunder, "notify": domain.EntityFunder,
	"grantId": domain.EntityGrant, "cohortId": domain.EntityCohort,
}

// names is the map of the records of kind e.
func (n *recordNames) names(e domain.Entity) map[string]string {
	if n == nil {
		return nil
	}
	switch e {
	case domain.EntityProject:
		return n.Projects
	case domain.EntityFunder:
		return n.Funders
	case domain.EntityGrant:
		return n.Grants
	case domain.EntityCohort:
		return n.Cohorts
	}
	return nil
}

// of is the name of the record id that field holds ("" if unknown).
func (n *recordNames) of(field, id string) string {
	if e, ok := namedFields[field]; ok {
		return n.names(e)[id]
	}
	return ""
}

// list writes a recorded list of ids of the records field holds, each by
// its name where known.
func (n *recordNames) list(field string, xs []any) (string, bool) {
	e, ok := namedFields[field]
	if !ok || len(xs) == 0 {
		return "", false
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		id, isID := x.(string)
		if !isID {
			return "", false
		}
		parts[i] = cmp.Or(n.names(e)[id], id)
	}
	return strings.Join(parts, ", "), true
}

// Record is the name of the record ev changed, if the page knows it.
func (n *recordNames) Record(ev domain.AuditEvent) string {
	if ev.Entity == domain.EntityReturn {
		if r, ok := n.returnOf(ev.EntityID); ok {
			return r.String()
		}
		return ""
	}
	return n.names(ev.Entity)[ev.EntityID]
}

// returnOf is the name of return id, if the page knows it.
func (n *recordNames) returnOf(id string) (returnName, bool) {
	if n == nil {
		return returnName{}, false
	}
	r, ok := n.Returns[id]
	return r, ok
}

// role writes a recorded role in the members page's words (roleText).
func (n *recordNames) role(r map[string]any) (string, bool) {
	name, _ := r["role"].(string)
	project, _ := r["projectId"].(string)
	funder, _ := r["funderId"].(string)
	role := domain.Role{Role: domain.RoleName(name), ProjectID: project, FunderID: funder}
	var ok bool
	switch role.Role {
	case domain.RoleLead:
		ok = len(r) == 1
	case domain.RoleProjectLead:
		ok = project != "" && len(r) == 2
	case domain.RoleFunder:
		ok = funder != "" && len(r) == 2
	}
	if !ok {
		return "", false
	}
	return roleText(role, n.names(domain.EntityProject), n.names(domain.EntityFunder)), true
}

// roleText is a role in words, naming its project or funder from the maps
// where they hold it (else by id): "Network lead", "Project lead of Leeds
// internships", "Acts for funder DWP". The members page and the audit
// trail both write roles with it.
func roleText(r domain.Role, projects, funders map[string]string) string {
	switch r.Role {
	case domain.RoleLead:
		return "Network lead"
	case domain.RoleProjectLead:
		return "Project lead of " + cmp.Or(projects[r.ProjectID], r.ProjectID)
	}
	return "Acts for funder " + cmp.Or(funders[r.FunderID], r.FunderID)
}

// trigger writes a recorded payment trigger: what makes the payment fall
// due ("On its due date", "When 50% of North IPS's target of 20 referrals
// is reached", the target as the trigger recorded it when the payment was
// made (or, in the event of its falling due, the target it fell due on),
// so a later change to the target does not rewrite the event (as n knows
// it now for payments made before that was recorded), "When Leeds
// internships' return for November 2026 is accepted", the return's
// project named where n knows it, and its period as Trigger.Describe
// names it from what the trigger recorded, as the grant page does).
func trigger(n *recordNames, m map[string]any) (string, bool) {
	raw, err := json.Marshal(m)
	var t domain.Trigger
	if err != nil || json.Unmarshal(raw, &t) != nil || !slices.Contains(domain.TriggerKinds, t.Kind) {
		return "", false
	}
	if t.Kind == domain.TriggerDate {
		return "On its due date", true // the date is a field of its own
	}
	var now *domain.Target
	if n != nil {
		if tg, ok := n.Targets[t.TargetID]; ok && t.Kind == domain.TriggerMilestone {
			now = &tg
		}
	}
	target := t.NamedTarget(now, true)
	words := domain.TriggerWords{Target: target, AsRecorded: true, Project: n.names(domain.EntityProject)[t.ProjectID(target)]}
	return capitalise(t.Describe(domain.Date{}, words)), true
}

// review writes a recorded review of a submission: "Approved by
// lead@example.org, 3 December 2026 05:44 GMT", with the comment if any.
func review(m map[string]any) (string, bool) {
	decision, _ := m["decision"].(string)
	by, _ := m["by"].(string)
	at, _ := m["at"].(string)
	comment, _ := m["comment"].(string)
	var words string
	switch domain.ReviewDecision(decision) {
	case domain.DecisionApprove:
		words = "Approved"
	case domain.DecisionRequestChanges:
		words = "Changes requested"
	default:
		return "", false
	}
	if by != "" {
		words += " by " + by
	}
	if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
		words += ", " + datetimeText(t)
	}
	if comment != "" {
		words += ": “" + comment + "”"
	}
	return words, true
}

// wordList writes a recorded list of strings or numbers (addresses,
// reminder days) as a list.
func wordList(xs []any) (string, bool) {
	if len(xs) == 0 {
		return "none", true
	}
	words := make([]string, len(xs))
	for i, e := range xs {
		switch w := e.(type) {
		case string:
			words[i] = w
		case float64:
			words[i] = number(w)
		default:
			return "", false
		}
	}
	return strings.Join(words, ", "), true
}

// recordList writes xs, a recorded list of objects, one by one with one,
// or reports false when any of them is not what one writes.
func recordList(xs []any, sep string, one func(map[string]any) (string, bool)) (string, bool) {
	parts := make([]string, len(xs))
	for i, e := range xs {
		m, _ := e.(map[string]any)
		part, ok := one(m)
		if !ok {
			return "", false
		}
		parts[i] = part
	}
	return strings.Join(parts, sep), len(parts) > 0
}

// withdrawal writes a recipient withdrawn from a pending email, as
// recorded: "ann@dwp.example (no longer a contact of the funder)".
func withdrawal(w map[string]any) (string, bool) {
	email, oke := w["email"].(string)
	reason, okr := w["reason"].(string)
	if !oke || !okr {
		return "", false
	}
	return email + " (" + domain.WithdrawnReason(reason).Words() + ")", true
}

// budgetLine writes a recorded budget or spend line: "Staff £300,000.00".
func budgetLine(line map[string]any) (string, bool) {
	c, okc := line["category"].(string)
	amount, oka := line["amountPence"].(float64)
	p, okp := pence(amount)
	if len(line) != 2 || !okc || !oka || !okp {
		return "", false
	}
	return domain.BudgetCategory(c).Label() + " " + domain.Pounds(p), true
}

// measure writes a recorded wellbeing measure: "health 3.5 → 7.21 (8
// respondents)".
func measure(m map[string]any) (string, bool) {
	name, okn := m["name"].(string)
	base, okb := m["baselineMean"].(float64)
	latest, okl := m["latestMean"].(float64)
	n, okr := m["respondents"].(float64)
	if len(m) != 4 || !okn || !okb || !okl || !okr {
		return "", false
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	return fmt.Sprintf("%s %s → %s (%s respondents)", name, num(base), num(latest), number(n)), true
}

// pence reads a recorded number of pence (JSON's float64), if it is a
// whole number an int64 holds exactly.
func pence(x float64) (int64, bool) {
	if x != math.Trunc(x) || math.Abs(x) >= 1<<53 {
		return 0, false
	}
	return int64(x), true
}

// metricCounts writes recorded counts by metric in the catalogue's order:
// "Referrals 12, People into work 3".
func metricCounts(m map[string]any) (string, bool) {
	var parts []string
	for _, metric := range domain.Metrics {
		if n, ok := m[string(metric)]; ok {
			f, isNum := n.(float64)
			if !isNum {
				return "", false
			}
			parts = append(parts, metric.Label()+" "+number(f))
		}
	}
	return strings.Join(parts, ", "), len(parts) == len(m) && len(parts) > 0
}

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}
