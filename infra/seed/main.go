// Command seed loads the programmes of the SPEC's source documents into a
// running fundtrack API as demo data (`make seed`). Everything goes through
// the HTTP API, as the people in the demo would do it: the admin creates each
// programme and makes lead@example.org its lead; the lead adds funders,
// projects, grants, members and targets; the project lead records posts,
// cohorts and outcomes of their own project (the lead does the others');
// then the lead sets up reporting schedules (filled from that history),
// switches review on where the data says so, and the project lead sends a
// return that awaits review.
//
// Safe to run twice: a programme whose name already exists is left alone
// ("already seeded"). Every POST carries an Idempotency-Key made from the seed
// item, so a run that died half way and is retried within 24 hours picks up
// where it stopped without duplicating anything; an incomplete programme
// older than that is reported and left alone.
//
// Environment: FUNDTRACK_API (default http://127.0.0.1:8080) and
// FUNDTRACK_LOCAL_JWT_SECRET (default: the local runner's default secret).
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
)

const defaultAPI = "http://127.0.0.1:8080"

// keyPrefix starts every Idempotency-Key the seed sends; bump the version if
// the demo data changes, so old keys are never replayed for new bodies.
const keyPrefix = "fundtrack-seed/v2/"

// resumeWindow is how old an incomplete programme may be for a rerun to
// finish it: idempotency keys live 24 hours, and this leaves room for the
// run itself.
const resumeWindow = 23 * time.Hour

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	api := os.Getenv("FUNDTRACK_API")
	if api == "" {
		api = defaultAPI
	}
	if err := Run(ctx, api, auth.LocalSecretFromEnv(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

// Run seeds the API at baseURL, minting local tokens with secret, and
// writes what it did to out.
func Run(ctx context.Context, baseURL, secret string, out io.Writer) error {
	return newSeeder(baseURL, secret, out).run(ctx)
}

type seeder struct {
	base   string
	secret []byte
	out    io.Writer
	client *http.Client
	now    func() time.Time
	tokens map[string]string
	// retryWait is the first pause before retrying a busy or unavailable
	// answer; it doubles up to maxWait, for at most retryFor in all.
	retryWait, maxWait, retryFor time.Duration
}

func newSeeder(baseURL, secret string, out io.Writer) *seeder {
	return &seeder{
		base: strings.TrimRight(baseURL, "/"), secret: []byte(secret), out: out,
		client: &http.Client{Timeout: 30 * time.Second}, now: time.Now, tokens: map[string]string{},
		retryWait: 250 * time.Millisecond, maxWait: 4 * time.Second, retryFor: 45 * time.Second,
	}
}

// result is what happened to one programme.
type result struct {
	name, id, state string
	progress        *domain.Progress
}

func (s *seeder) run(ctx context.Context) error {
	existing, err := s.listProgrammes(ctx)
	if err != nil {
		return err
	}
	var results []result
	var problems []string
	for _, d := range demos() {
		r, err := s.seedProgramme(ctx, d, existing[d.Name])
		if err != nil {
			return fmt.Errorf("%s: %w", d.Name, err)
		}
		if r.state == "incomplete" {
			problems = append(problems, d.Name)
		}
		results = append(results, r)
	}
	s.summary(results)
	if len(problems) > 0 {
		fmt.Fprintf(s.out, "\n%d programme(s) exist but are incomplete from an earlier run older than a day; "+
			"they were left alone (start from a clean stack to reseed them).\n", len(problems))
	}
	return nil
}

// listProgrammes returns every programme by name, as the admin sees them.
func (s *seeder) listProgrammes(ctx context.Context) (map[string][]domain.Programme, error) {
	byName := map[string][]domain.Programme{}
	cursor := ""
	for {
		path := "/programmes?limit=100"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Items      []domain.Programme `json:"items"`
			NextCursor string             `json:"nextCursor"`
		}
		if err := s.call(ctx, adminEmail, http.MethodGet, path, "", nil, &page); err != nil {
			return nil, fmt.Errorf("list programmes: %w", err)
		}
		for _, p := range page.Items {
			byName[p.Name] = append(byName[p.Name], p)
		}
		if page.NextCursor == "" {
			return byName, nil
		}
		cursor = page.NextCursor
	}
}

// seedProgramme creates d, or leaves it alone when it exists, or finishes it
// when an earlier run died part way through less than a day ago.
func (s *seeder) seedProgramme(ctx context.Context, d demo, existing []domain.Programme) (result, error) {
	r := result{name: d.Name}
	if len(existing) > 0 {
		p := existing[0]
		r.id = p.ID
		prog, err := s.progress(ctx, p.ID)
		if err != nil {
			return r, err
		}
		r.progress = &prog
		if len(existing) > 1 {
			fmt.Fprintf(s.out, "%s: %d programmes have this name; checking the oldest listed\n", d.Name, len(existing))
		}
		// A programme showing at least the seed's figures is complete (its
		// users may well have added more since).
		diff := d.expected().shortfall(prog)
		if diff == "" {
			if diff, err = s.reportingShortfall(ctx, p.ID, d); err != nil {
				return r, err
			}
		}
		switch {
		case diff == "":
			r.state = "already seeded"
			fmt.Fprintf(s.out, "%s: already seeded (%s)\n", d.Name, p.ID)
			return r, nil
		case !d.madeBySeed(p):
			r.state = "incomplete"
			fmt.Fprintf(s.out, "%s: exists (%s) but was not made by this seed (%s): left alone\n", d.Name, p.ID, diff)
			return r, nil
		case s.now().Sub(p.CreatedAt) > resumeWindow:
			r.state = "incomplete"
			fmt.Fprintf(s.out, "%s: exists (%s) but is incomplete (%s); created %s, too long ago to resume safely: left alone\n",
				d.Name, p.ID, diff, p.CreatedAt.Format(time.RFC3339))
			return r, nil
		}
		fmt.Fprintf(s.out, "%s: incomplete from an earlier run (%s); resuming\n", d.Name, p.ID)
		r.state = "resumed"
	} else {
		r.state = "created"
	}
	id, err := s.create(ctx, d)
	if err != nil {
		return r, err
	}
	if r.id != "" && id != r.id {
		return r, fmt.Errorf("resuming %s created another programme %s: its idempotency key had expired", r.id, id)
	}
	r.id = id
	prog, err := s.progress(ctx, id)
	if err != nil {
		return r, err
	}
	r.progress = &prog
	if diff := d.expected().differences(prog); diff != "" {
		if r.state == "created" {
			return r, fmt.Errorf("seeded %s, but its progress differs from the seed data: %s", id, diff)
		}
		// Resumed: every item is there, but someone has changed figures since.
		fmt.Fprintf(s.out, "%s: note: figures have changed since seeding (%s)\n", d.Name, diff)
	}
	gap, err := s.reportingShortfall(ctx, id, d)
	if err != nil {
		return r, err
	}
	if gap != "" {
		return r, fmt.Errorf("seeded %s, but its reporting differs from the seed data: %s", id, gap)
	}
	if r.state == "created" {
		fmt.Fprintf(s.out, "%s: created (%s)\n", d.Name, id)
	} else {
		fmt.Fprintf(s.out, "%s: completed (%s)\n", d.Name, id)
	}
	return r, nil
}

// madeBySeed reports whether p looks like d as this seed creates it, so a
// rerun never "resumes" (and so duplicates) a programme someone else made.
func (d demo) madeBySeed(p domain.Programme) bool {
	return p.CreatedBy == adminEmail && p.LeadOrganisation == d.LeadOrganisation && p.Region == d.Region &&
		p.StartDate.String() == d.Start && p.EndDate.String() == d.End && p.Description == d.Description
}

// create sends every item of d. Replaying it for the same d within a day
// answers each POST from its Idempotency-Key, so nothing is created twice.
func (s *seeder) create(ctx context.Context, d demo) (string, error) {
	key := func(parts ...string) string { return keyPrefix + d.Key + "/" + strings.Join(parts, "/") }
	var created struct {
		ID string `json:"id"`
	}
	post := func(as, path, k string, body any) (string, error) {
		created.ID = ""
		if err := s.call(ctx, as, http.MethodPost, path, k, body, &created); err != nil {
			return "", err
		}
		if created.ID == "" {
			return "", fmt.Errorf("POST %s answered without an id", path)
		}
		return created.ID, nil
	}

	pid, err := post(adminEmail, "/programmes", key("programme"), programmeBody{
		Name: d.Name, LeadOrganisation: d.LeadOrganisation, Region: d.Region,
		StartDate: d.Start, EndDate: d.End, Description: d.Description,
		OrgID: d.Lead.OrgID, Postcode: d.Lead.Postcode, BeneficiaryLocations: d.Lead.Locations})
	if err != nil {
		return "", err
	}
	base := "/programmes/" + pid
	if err := s.putMember(ctx, adminEmail, base, leadEmail, []roleBody{{Role: "lead"}}); err != nil {
		return pid, err
	}

	funders := map[string]string{}
	for _, f := range d.Funders {
		if funders[f.Key], err = post(leadEmail, base+"/funders", key("funder", f.Key),
			funderBody{Name: f.Name, OrgID: f.OrgID, Contacts: f.Contacts}); err != nil {
			return pid, err
		}
	}
	projects := map[string]string{}
	for _, p := range d.Projects {
		if projects[p.Key], err = post(leadEmail, base+"/projects", key("project", p.Key), projectBody{
			Name: p.Name, LeadOrganisation: p.LeadOrganisation, Area: p.Area, StartDate: p.Start, EndDate: p.End,
			OrgID: p.Lead.OrgID, Postcode: p.Lead.Postcode, BeneficiaryLocations: p.Lead.Locations}); err != nil {
			return pid, err
		}
	}
	lookup := func(kind string, ids map[string]string, k string) (string, error) {
		if k == "" {
			return "", nil
		}
		if id, ok := ids[k]; ok {
			return id, nil
		}
		return "", fmt.Errorf("seed data: no %s %q", kind, k)
	}
	grants := map[string]string{}
	for _, g := range d.Grants {
		fid, err := lookup("funder", funders, g.Funder)
		if err != nil {
			return pid, err
		}
		prj, err := lookup("project", projects, g.Project)
		if err != nil {
			return pid, err
		}
		if grants[g.Key], err = post(leadEmail, base+"/grants", key("grant", g.Key), grantBody{
			FunderID: fid, ProjectID: prj, Title: g.Title, Description: g.Description, AmountPence: g.AmountPence,
			Currency: domain.CurrencyGBP, AwardDate: g.Award, StartDate: g.Start, EndDate: g.End,
			Budget: budgetLines(g.Budget)}); err != nil {
			return pid, err
		}
	}

	// Members, and who records each project's figures.
	recorder := map[string]string{}
	for _, m := range d.Members {
		var roles []roleBody
		for _, r := range m.Roles {
			rb := roleBody{Role: r.Role}
			if rb.ProjectID, err = lookup("project", projects, r.Project); err != nil {
				return pid, err
			}
			if rb.FunderID, err = lookup("funder", funders, r.Funder); err != nil {
				return pid, err
			}
			if r.Role == "project-lead" {
				recorder[r.Project] = m.Email
			}
			roles = append(roles, rb)
		}
		if err := s.putMember(ctx, leadEmail, base, m.Email, roles); err != nil {
			return pid, err
		}
	}

	for _, p := range d.Projects {
		as := recorder[p.Key]
		if as == "" {
			as = leadEmail
		}
		ppath := base + "/projects/" + projects[p.Key]
		for _, x := range p.Posts {
			gid, err := lookup("grant", grants, x.Grant)
			if err != nil {
				return pid, err
			}
			if _, err := post(as, ppath+"/posts", key("post", p.Key, x.Key), postBody{Title: x.Title, GrantID: gid,
				FTE: x.FTE, Contract: x.Contract, StartDate: x.Start, EndDate: x.End, Status: x.Status}); err != nil {
				return pid, err
			}
		}
		cohorts := map[string]string{}
		for _, c := range p.Cohorts {
			if cohorts[c.Key], err = post(as, ppath+"/cohorts", key("cohort", p.Key, c.Key),
				cohortBody{Name: c.Name, Places: c.Places, StartDate: c.Start, EndDate: c.End}); err != nil {
				return pid, err
			}
		}
		outcomes := map[string]string{}
		for _, o := range p.Outcomes {
			cid, err := lookup("cohort", cohorts, o.Cohort)
			if err != nil {
				return pid, err
			}
			replaces, err := lookup("outcome", outcomes, o.Replaces)
			if err != nil {
				return pid, err
			}
			if outcomes[o.Key], err = post(as, ppath+"/outcomes", key("outcome", p.Key, o.Key), outcomeBody{
				PeriodStart: o.Start, PeriodEnd: o.End, CohortID: cid, Counts: o.Counts, Measures: o.Measures,
				Notes: o.Notes, Replaces: replaces}); err != nil {
				return pid, err
			}
		}
	}

	targets := map[string]string{}
	for _, t := range d.Targets {
		prj, err := lookup("project", projects, t.Project)
		if err != nil {
			return pid, err
		}
		notify := []string{}
		for _, f := range t.Notify {
			fid, err := lookup("funder", funders, f)
			if err != nil {
				return pid, err
			}
			notify = append(notify, fid)
		}
		if targets[t.Key], err = post(leadEmail, base+"/targets", key("target", t.Key), targetBody{Metric: t.Metric, Value: t.Value,
			Deadline: t.Deadline, StartDate: t.Start, ProjectID: prj, Notify: notify, Thresholds: t.Thresholds}); err != nil {
			return pid, err
		}
	}

	// The reporting cycle: schedules after the history, so their returns
	// are filled from it; then review on, and what awaits it.
	schedules := map[string]string{}
	for _, sc := range d.Schedules {
		ids := []string{}
		for _, k := range sc.Projects {
			id, err := lookup("project", projects, k)
			if err != nil {
				return pid, err
			}
			ids = append(ids, id)
		}
		if schedules[sc.Key], err = post(leadEmail, base+"/schedules", key("schedule", sc.Key), scheduleBody{Name: sc.Name,
			Frequency: sc.Frequency, FirstPeriodStart: sc.First, LastPeriodEnd: sc.Last, DueDays: sc.DueDays,
			Reminders: sc.Reminders, ProjectIDs: ids}); err != nil {
			return pid, err
		}
	}
	if d.ReviewOutcomes {
		if err := s.reviewOn(ctx, base); err != nil {
			return pid, err
		}
	}
	for _, a := range d.AwaitingReview {
		prj, err := lookup("project", projects, a.Project)
		if err != nil {
			return pid, err
		}
		as := recorder[a.Project]
		if as == "" {
			as = leadEmail
		}
		if _, err := post(as, base+"/projects/"+prj+"/outcomes", key("outcome", a.Project, a.Key), outcomeBody{
			PeriodStart: a.Start, PeriodEnd: a.End, Counts: a.Counts, Notes: a.Notes}); err != nil {
			return pid, err
		}
	}

	// Money, once the targets and returns tranches wait on exist: each
	// grant's tranches (marking paid those the funder has paid), then the
	// spend reported on it.
	for _, g := range d.Grants {
		gbase := base + "/grants/" + grants[g.Key]
		for _, tr := range g.Tranches {
			body := paymentBody{AmountPence: tr.AmountPence, DueDate: tr.Due, Trigger: triggerBody{Kind: string(domain.TriggerDate)}}
			switch {
			case tr.Target != "":
				tid, err := lookup("target", targets, tr.Target)
				if err != nil {
					return pid, err
				}
				body.Trigger = triggerBody{Kind: string(domain.TriggerMilestone), TargetID: tid, Threshold: tr.Threshold}
			case tr.Schedule != "":
				sid, err := lookup("schedule", schedules, tr.Schedule)
				if err != nil {
					return pid, err
				}
				start, err := domain.ParseDate(tr.ReturnStart)
				if err != nil {
					return pid, fmt.Errorf("seed data: tranche %s: %w", tr.Key, err)
				}
				body.Trigger = triggerBody{Kind: string(domain.TriggerReturn), ReturnID: domain.ReturnID(sid, projects[g.Project], start)}
			}
			id, err := post(leadEmail, gbase+"/payments", key("payment", g.Key, tr.Key), body)
			if err != nil {
				return pid, err
			}
			if tr.Paid != "" {
				if err := s.markPaid(ctx, gbase+"/payments/"+id, tr.Paid, tr.Reference); err != nil {
					return pid, err
				}
			}
		}
		as := recorder[g.Project]
		if as == "" {
			as = leadEmail
		}
		spends := map[string]string{}
		for _, sp := range g.Spend {
			replaces, err := lookup("spend return", spends, sp.Replaces)
			if err != nil {
				return pid, err
			}
			if spends[sp.Key], err = post(as, gbase+"/spend", key("spend", g.Key, sp.Key), spendBody{PeriodStart: sp.Start,
				PeriodEnd: sp.End, Lines: budgetLines(sp.Lines), Notes: sp.Notes, Replaces: replaces}); err != nil {
				return pid, err
			}
		}
	}
	return pid, nil
}

// markPaid records a payment as paid on the version read, as the lead's
// form does; a rerun finds it paid and leaves it.
func (s *seeder) markPaid(ctx context.Context, path, paid, reference string) error {
	var p domain.Payment
	if err := s.call(ctx, leadEmail, http.MethodGet, path, "", nil, &p); err != nil {
		return err
	}
	if p.Status == domain.PaymentPaid {
		return nil
	}
	hdr := http.Header{}
	hdr.Set("If-Match", `"`+strconv.FormatInt(p.Version, 10)+`"`)
	return s.do(ctx, leadEmail, http.MethodPatch, path, hdr,
		map[string]any{"status": domain.PaymentPaid, "paidDate": paid, "reference": reference}, nil)
}

// budgetLines are a grant's budget or a spend return's lines, in the
// categories' order.
func budgetLines(m map[string]int64) []lineBody {
	var out []lineBody
	for _, c := range domain.BudgetCategories {
		if n, ok := m[string(c)]; ok {
			out = append(out, lineBody{Category: string(c), AmountPence: n})
		}
	}
	return out
}

// reviewOn switches review on with PATCH and If-Match, as the lead's form
// does; a rerun finds it on and leaves it.
func (s *seeder) reviewOn(ctx context.Context, base string) error {
	var p domain.Programme
	if err := s.call(ctx, leadEmail, http.MethodGet, base, "", nil, &p); err != nil {
		return err
	}
	if p.ReviewOutcomes {
		return nil
	}
	return s.do(ctx, leadEmail, http.MethodPatch, base, http.Header{"If-Match": {`"` + strconv.FormatInt(p.Version, 10) + `"`}},
		map[string]bool{"reviewOutcomes": true}, nil)
}

// sentReturns is how many returns the seed's submissions send under each
// schedule (by name): those whose period is exactly one of the schedule's,
// from a project it covers.
func (d demo) sentReturns() map[string]int {
	type key struct{ project, start, end string }
	sent := map[key]bool{}
	for _, p := range d.Projects {
		for _, o := range p.Outcomes {
			sent[key{p.Key, o.Start, o.End}] = true
		}
	}
	for _, a := range d.AwaitingReview {
		sent[key{a.Project, a.Start, a.End}] = true
	}
	out := map[string]int{}
	for _, sc := range d.Schedules {
		first, _ := domain.ParseDate(sc.First)
		last, _ := domain.ParseDate(sc.Last)
		out[sc.Name] = 0
		for _, p := range d.Projects {
			if len(sc.Projects) > 0 && !slices.Contains(sc.Projects, p.Key) {
				continue
			}
			for _, per := range domain.PeriodsOf(domain.Frequency(sc.Frequency), first, last) {
				if sent[key{p.Key, per.Start.String(), per.End.String()}] {
					out[sc.Name]++
				}
			}
		}
	}
	return out
}

// reportingShortfall says what of d's reporting cycle is missing from the
// programme ("" when nothing): a schedule, or fewer returns sent under it
// than the seed sends (a lead may have decided on them since: any state
// but not sent counts).
func (s *seeder) reportingShortfall(ctx context.Context, pid string, d demo) (string, error) {
	if len(d.Schedules) == 0 {
		return "", nil
	}
	base := "/programmes/" + pid
	schedules, err := listAll[domain.Schedule](ctx, s, base+"/schedules")
	if err != nil {
		return "", err
	}
	var missing []string
	for name, want := range d.sentReturns() {
		id := ""
		for _, sc := range schedules {
			if sc.Name == name {
				id = sc.ID
			}
		}
		if id == "" {
			missing = append(missing, "no schedule "+strconv.Quote(name))
			continue
		}
		returns, err := listAll[domain.Return](ctx, s, base+"/returns?scheduleId="+url.QueryEscape(id))
		if err != nil {
			return "", err
		}
		got := 0
		for _, r := range returns {
			switch r.Status {
			case domain.ReturnSubmitted, domain.ReturnChangesRequested, domain.ReturnAccepted:
				got++
			}
		}
		if got < want {
			missing = append(missing, fmt.Sprintf("%d returns sent under %q, want %d", got, name, want))
		}
	}
	slices.Sort(missing)
	return strings.Join(missing, "; "), nil
}

// listAll reads every page of a list as the lead.
func listAll[T any](ctx context.Context, s *seeder, path string) ([]T, error) {
	var all []T
	cursor := ""
	for {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		p := path + sep + "limit=100"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Items      []T    `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		if err := s.call(ctx, leadEmail, http.MethodGet, p, "", nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all, nil
		}
		cursor = page.NextCursor
	}
}

func (s *seeder) putMember(ctx context.Context, as, base, email string, roles []roleBody) error {
	return s.call(ctx, as, http.MethodPut, base+"/members/"+url.PathEscape(email), "", memberBody{Roles: roles}, nil)
}

func (s *seeder) progress(ctx context.Context, id string) (domain.Progress, error) {
	var p domain.Progress
	err := s.call(ctx, adminEmail, http.MethodGet, "/programmes/"+id+"/progress", "", nil, &p)
	return p, err
}

// --- request bodies (optional fields left out when empty) ---

type programmeBody struct {
	Name             string `json:"name"`
	LeadOrganisation string `json:"leadOrganisation"`
	Region           string `json:"region,omitempty"`
	StartDate        string `json:"startDate"`
	EndDate          string `json:"endDate"`
	Description      string `json:"description,omitempty"`
	// The lead organisation's identifier and postcode, and where the people
	// served live, for 360Giving.
	OrgID                string     `json:"orgId,omitempty"`
	Postcode             string     `json:"postcode,omitempty"`
	BeneficiaryLocations []location `json:"beneficiaryLocations,omitempty"`
}

type roleBody struct {
	Role      string `json:"role"`
	ProjectID string `json:"projectId,omitempty"`
	FunderID  string `json:"funderId,omitempty"`
}

type memberBody struct {
	Roles []roleBody `json:"roles"`
}

type funderBody struct {
	Name     string   `json:"name"`
	OrgID    string   `json:"orgId,omitempty"`
	Contacts []string `json:"contacts"`
}

type projectBody struct {
	Name             string `json:"name"`
	LeadOrganisation string `json:"leadOrganisation"`
	Area             string `json:"area,omitempty"`
	StartDate        string `json:"startDate"`
	EndDate          string `json:"endDate"`
	// As in programmeBody.
	OrgID                string     `json:"orgId,omitempty"`
	Postcode             string     `json:"postcode,omitempty"`
	BeneficiaryLocations []location `json:"beneficiaryLocations,omitempty"`
}

type grantBody struct {
	FunderID    string     `json:"funderId"`
	ProjectID   string     `json:"projectId,omitempty"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	AmountPence int64      `json:"amountPence"`
	Currency    string     `json:"currency"`
	AwardDate   string     `json:"awardDate"`
	StartDate   string     `json:"startDate"`
	EndDate     string     `json:"endDate"`
	Budget      []lineBody `json:"budget,omitempty"`
}

type lineBody struct {
	Category    string `json:"category"`
	AmountPence int64  `json:"amountPence"`
}

type paymentBody struct {
	AmountPence int64       `json:"amountPence"`
	DueDate     string      `json:"dueDate,omitempty"`
	Trigger     triggerBody `json:"trigger"`
}

type triggerBody struct {
	Kind      string `json:"kind"`
	TargetID  string `json:"targetId,omitempty"`
	Threshold int64  `json:"threshold,omitempty"`
	ReturnID  string `json:"returnId,omitempty"`
}

type spendBody struct {
	PeriodStart string     `json:"periodStart"`
	PeriodEnd   string     `json:"periodEnd"`
	Lines       []lineBody `json:"lines"`
	Notes       string     `json:"notes,omitempty"`
	Replaces    string     `json:"replaces,omitempty"`
}

type postBody struct {
	Title     string  `json:"title"`
	GrantID   string  `json:"grantId"`
	FTE       float64 `json:"fte"`
	Contract  string  `json:"contract"`
	StartDate string  `json:"startDate"`
	EndDate   string  `json:"endDate,omitempty"`
	Status    string  `json:"status"`
}

type cohortBody struct {
	Name      string `json:"name"`
	Places    int64  `json:"places"`
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
}

type outcomeBody struct {
	PeriodStart string           `json:"periodStart"`
	PeriodEnd   string           `json:"periodEnd"`
	CohortID    string           `json:"cohortId,omitempty"`
	Counts      map[string]int64 `json:"counts"`
	Measures    []measure        `json:"measures,omitempty"`
	Notes       string           `json:"notes,omitempty"`
	Replaces    string           `json:"replaces,omitempty"`
}

type scheduleBody struct {
	Name             string   `json:"name"`
	Frequency        string   `json:"frequency"`
	FirstPeriodStart string   `json:"firstPeriodStart"`
	LastPeriodEnd    string   `json:"lastPeriodEnd"`
	DueDays          int64    `json:"dueDays"`
	Reminders        []int64  `json:"reminders"`
	ProjectIDs       []string `json:"projectIds,omitempty"`
}

type targetBody struct {
	Metric     string   `json:"metric"`
	Value      int64    `json:"value"`
	Deadline   string   `json:"deadline"`
	StartDate  string   `json:"startDate,omitempty"`
	ProjectID  string   `json:"projectId,omitempty"`
	Notify     []string `json:"notify"`
	Thresholds []int64  `json:"thresholds,omitempty"`
}

func itoa(n int) string { return strconv.Itoa(n) }
