// Command cost prints what fundtrack costs to run for a month in AWS
// eu-west-2 (London), in pounds, for an idle programme, the Working for
// Wellness network and 1,000 such networks: the table of BENCHMARKS.md,
// section 9. `go run ./infra/cost -w` writes it there.
//
// The model is code so that it can be held to what it models:
// cost_test.go runs every modelled action through the real handlers and
// the notifier against DynamoDB Local and fails if the DynamoDB requests,
// read and write units or emails it measures differ from the inputs
// below; it reads the functions' memory sizes, the log retention and the
// notifier's schedule from template.yaml; and it fails if BENCHMARKS.md
// does not show what this command prints.
package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Prices are AWS's list prices in eu-west-2, in US dollars, with the
// always-free allowances that apply to every account. Offers that last
// only 12 months (API Gateway's 1M calls, SES's 3,000 emails) are left
// out: accounts opened since 15 July 2025 no longer get them.
type Prices struct {
	LambdaRequest   float64 // per request
	LambdaGBSecond  float64 // per GB-second, arm64, first 7.5 billion GB-s
	HTTPAPIRequest  float64 // per request, first 300 million
	DynamoWRU       float64 // per write request unit, on demand
	DynamoRRU       float64 // per read request unit, on demand
	DynamoStorageGB float64 // per GB-month
	DynamoPITRGB    float64 // per GB-month of point-in-time recovery
	SESEmail        float64 // per recipient (each email has one)
	SchedulerInvoke float64 // per EventBridge Scheduler invocation
	LogsIngestGB    float64 // CloudWatch Logs, per GB ingested
	LogsStorageGB   float64 // CloudWatch Logs, per GB-month stored
	Alarm           float64 // per standard alarm-month
	XRayTrace       float64 // per trace recorded
	CognitoMAU      float64 // per monthly active user, Essentials plan
	TransferOutGB   float64 // data out to the internet, per GB

	Free Free
}

// Free is the always-free allowance a month, for the whole account.
type Free struct {
	LambdaRequests, LambdaGBSeconds float64
	DynamoStorageGB                 float64
	SchedulerInvocations            float64
	LogsGB                          float64 // ingestion (AWS counts ingestion and storage together; storage is left unfree here)
	Alarms                          float64
	XRayTraces                      float64
	CognitoMAU                      float64
	TransferOutGB                   float64
}

// London is eu-west-2's prices; BENCHMARKS.md, section 9, says where each
// comes from and which could not be confirmed.
var London = Prices{
	LambdaRequest:   0.20 / 1e6,
	LambdaGBSecond:  0.0000133334,
	HTTPAPIRequest:  1.16 / 1e6,
	DynamoWRU:       0.70675 / 1e6,
	DynamoRRU:       0.1415 / 1e6,
	DynamoStorageGB: 0.283,
	DynamoPITRGB:    0.2264,
	SESEmail:        0.10 / 1000,
	SchedulerInvoke: 1.15 / 1e6,
	LogsIngestGB:    0.5985,
	LogsStorageGB:   0.0315,
	Alarm:           0.10,
	XRayTrace:       5.00 / 1e6,
	CognitoMAU:      0.015,
	TransferOutGB:   0.09,
	Free: Free{
		LambdaRequests: 1e6, LambdaGBSeconds: 400_000,
		DynamoStorageGB:      25,
		SchedulerInvocations: 14e6,
		LogsGB:               5,
		Alarms:               10,
		XRayTraces:           100_000,
		CognitoMAU:           10_000,
		TransferOutGB:        100,
	},
}

// GBPPerUSD turns dollars into pounds: the rate of 18 November 2025
// (0.7604), the latest the search could confirm, rounded.
const GBPPerUSD = 0.76

// Function is one Lambda function as the model bills it. CPU times are
// this machine's, from BenchmarkInvoke (BENCHMARKS.md, section 4): the
// mean warm invoke and the cold request (init and first request).
type Function struct {
	MemoryMB  int
	WarmCPUms float64
	ColdCPUms float64
}

// Functions are every function in template.yaml, with the memory it sets
// (cost_test.go reads them from the template).
var Functions = map[string]Function{
	"programmes": {MemoryMB: 128, WarmCPUms: 1.09, ColdCPUms: 4.4},
	"grants":     {MemoryMB: 256, WarmCPUms: 2.34, ColdCPUms: 5.3},
	"delivery":   {MemoryMB: 256, WarmCPUms: 1.51, ColdCPUms: 6.0},
	"progress":   {MemoryMB: 256, WarmCPUms: 1.35, ColdCPUms: 7.7},
	// Section 4 gives reporting's first request as 212 ms at 128 MB,
	// i.e. 7.7 ms here.
	"reporting": {MemoryMB: 256, WarmCPUms: 1.6, ColdCPUms: 7.7},
	"audit":     {MemoryMB: 512, WarmCPUms: 5.28, ColdCPUms: 9.0},
	"web":       {MemoryMB: 512, WarmCPUms: 4.09, ColdCPUms: 14.1},
	// Imports are a few a year per network and are not in the profiles.
	"imports": {MemoryMB: 512, WarmCPUms: 790, ColdCPUms: 790},
	// The notifier's CPU depends on the run: see its actions.
	"notifier": {MemoryMB: 256, WarmCPUms: 0.8, ColdCPUms: 8.3},
	// The fallback answers only paths and methods no route has (404,
	// 405): not in the profiles, and its CPU unmeasured (the
	// programmes function's, a router and an error body, as a bound).
	"fallback": {MemoryMB: 128, WarmCPUms: 1.09, ColdCPUms: 4.4},
}

// Latency and CPU assumptions, none of them measured in AWS.
const (
	// GravitonSlowdown: a Graviton2 core does this work this many times
	// slower than one of this machine's (section 4's allowance).
	GravitonSlowdown = 2.0
	// FullVCPUMB is the memory at which Lambda gives a whole vCPU.
	FullVCPUMB = 1769.0
	// ReadRoundTripMs and WriteRoundTripMs are a DynamoDB round trip in
	// the region, on average (section 4's budget allows 10 ms at p99).
	ReadRoundTripMs  = 5.0
	WriteRoundTripMs = 10.0
	// EmailCPUms is the notifier's CPU to render and send one email,
	// here; EmailSendMs the SES call's wait.
	EmailCPUms  = 2.0
	EmailSendMs = 20.0
	// LogBytesWarm and LogBytesCold are what an invoke writes to
	// CloudWatch Logs: Lambda's JSON platform lines (start and report,
	// with the X-Ray trace id; initStart too when cold) and their
	// 26-byte event overhead. The functions log nothing on success.
	LogBytesWarm = 700.0
	LogBytesCold = 950.0
	// ResponseBytes is what a page or API answer sends out (HTML pages
	// are not compressed by API Gateway).
	ResponseBytes = 25_000.0
	// Alarms in template.yaml: one per function, the dead letters' and
	// the HTTP API's 5xx answers'.
	Alarms = 12
	// XRayReservoirPerSecond and XRaySampleRate are X-Ray's default
	// sampling rule: the first request each second, then 5%.
	XRayReservoirPerSecond = 1.0
	XRaySampleRate         = 0.05
	// SecondsPerMonth is an average month (365.25 / 12 days).
	SecondsPerMonth = 365.25 / 12 * 86400
	// RetentionDays is template.yaml's LogRetentionDays default.
	RetentionDays = 90
)

// Action is one thing the model counts: a web page or API call (one
// invocation of Function), or one notifier run. Requests, RRU, WRU and
// Emails are measured by cost_test.go on the WfW-sized network it
// builds; RoundTrips come from TestRequestsPerRoute (the reads a route
// sends together count once) and, for the notifier, are every request.
type Action struct {
	Name       string
	Function   string
	Route      string  // what is measured, for the table
	Requests   int     // DynamoDB requests
	RRU, WRU   float64 // read and write request units, indexes and a transaction's condition checks included
	RoundTrips int     // sequential DynamoDB round trips
	Writes     int     // of which transactions or writes (slower)
	Emails     int     // emails sent (one recipient each)
	CPUms      float64 // this machine's CPU per invoke; 0: the function's warm mean
}

// Actions are the modelled actions, by name.
var Actions = []Action{
	{Name: "home", Function: "web", Route: "GET /portfolio", Requests: 3, RRU: 10.5, RoundTrips: 3},
	{Name: "dashboard", Function: "web", Route: "GET …/progress", Requests: 9, RRU: 16, RoundTrips: 2},
	{Name: "returns", Function: "web", Route: "GET …/returns?projectId={j}", Requests: 2, RRU: 6, RoundTrips: 1},
	{Name: "review queue", Function: "web", Route: "GET …/outcomes/pending", Requests: 2, RRU: 2.5, RoundTrips: 1},
	{Name: "grants", Function: "web", Route: "GET …/grants (a funder's)", Requests: 3, RRU: 4.5, RoundTrips: 2},
	{Name: "grant", Function: "web", Route: "GET …/grants/{g}/payments", Requests: 2, RRU: 4, RoundTrips: 1},
	{Name: "report", Function: "web", Route: "GET …/report (a quarter)", Requests: 5, RRU: 9, RoundTrips: 2},
	{Name: "submit return", Function: "web", Route: "POST …/projects/{j}/outcomes (fills a return, review on)", Requests: 4, RRU: 6, WRU: 48, RoundTrips: 3, Writes: 1},
	{Name: "approve", Function: "web", Route: "POST …/outcomes/{o}/review", Requests: 6, RRU: 7, WRU: 42, RoundTrips: 4, Writes: 1},
	{Name: "spend return", Function: "web", Route: "POST …/grants/{g}/spend", Requests: 3, RRU: 4, WRU: 16, RoundTrips: 2, Writes: 1},
	{Name: "payment paid", Function: "web", Route: "PATCH …/payments/{id}", Requests: 2, RRU: 5, WRU: 22, RoundTrips: 2, Writes: 1},
	{Name: "payments CSV", Function: "grants", Route: "GET …/payments.csv (a funder's system)", Requests: 6, RRU: 12, RoundTrips: 1},
	{Name: "notifier, quiet", Function: "notifier", Route: "a run with nothing to do", Requests: 48, RRU: 24, RoundTrips: 6, CPUms: 0.8},
	{Name: "notifier, after a return", Function: "notifier", Route: "the run after a return is submitted (review on: the leads are told)",
		Requests: 64, RRU: 33, WRU: 54, RoundTrips: 22, Writes: 11, Emails: 4, CPUms: 0.8 + 1.8},
	{Name: "notifier, after an approval", Function: "notifier", Route: "the run after a return is approved (no milestone)",
		Requests: 58, RRU: 37, WRU: 2, RoundTrips: 16, Writes: 4, CPUms: 0.8 + 1.8},
	{Name: "notifier, reminder day", Function: "notifier", Route: "the run on the day the 20 returns of a quarter are reminded",
		Requests: 220, RRU: 40, WRU: 1149, RoundTrips: 178, Writes: 166, Emails: 40, CPUms: 0.8 + 1.8},
}

// ActionByName returns the action called name; it panics on a name the
// model lacks, which is a bug in the profiles.
func ActionByName(name string) Action {
	i := slices.IndexFunc(Actions, func(a Action) bool { return a.Name == name })
	if i < 0 {
		panic("cost: no action " + name)
	}
	return Actions[i]
}

// Profile is a case: how many networks, the people signing in, and what
// each network does in a month.
type Profile struct {
	Name     string
	Networks int
	People   int                // per network, each signing in (a Cognito MAU)
	Sessions float64            // sign-ins per network a month
	Monthly  map[string]float64 // actions per network a month, by action name (the notifier's quiet runs apart)
	// ColdShare is the share of people's invocations that start a new
	// Lambda instance.
	ColdShare float64
	// StoredBytes is one network's items in DynamoDB, indexes included,
	// as DynamoDB bills them (measured by cost_test.go, a year in).
	StoredBytes float64
}

// NotifierRuns is the notifier's runs a month: every 15 minutes
// (template.yaml, checked by cost_test.go).
const NotifierRuns = SecondsPerMonth / (15 * 60)

// WeeksPerMonth is 52.18 weeks / 12.
const WeeksPerMonth = 365.25 / 7 / 12

// StoredBytesPerNetwork is measured by cost_test.go: the WfW network a
// year in (both tables, GSIs and DynamoDB's 100 bytes an item). Its
// tranches recorded paid as soon as they were made due leave no
// payment-due email, only its withdrawal's audit event.
const StoredBytesPerNetwork = 1_919_000

// role is one kind of person in a network and their week.
type role struct {
	people int
	pages  map[string]float64 // pages a week each, by action
}

// wfwRoles: 50 people each signing in once a week. 4 network leads (the
// lead trust's team), 40 people in the 20 projects (two each), 6 at the
// 3 funders (two each). Pages a week are assumptions.
var wfwRoles = []role{
	{people: 4, pages: map[string]float64{"home": 1, "dashboard": 3, "returns": 2, "review queue": 1, "grants": 2, "grant": 3, "report": 0.5}},
	{people: 40, pages: map[string]float64{"home": 1, "dashboard": 1, "returns": 1, "grants": 0.5, "grant": 1}},
	{people: 6, pages: map[string]float64{"home": 1, "dashboard": 2, "grants": 1, "grant": 2, "report": 1}},
}

// WfW is the Working for Wellness network (28 organisations, 20
// projects, 3 funders) with 50 people signing in weekly and quarterly
// returns. Each quarter: 20 returns submitted and approved, one in
// four sent back once for changes (a second submission and review), a
// spend return on each of the 11 grants, and 3 tranches paid; each
// funder's finance system downloads the payments CSV weekly; the
// notifier has one reminder day a quarter.
func WfW() Profile {
	m := map[string]float64{}
	people := 0
	for _, r := range wfwRoles {
		people += r.people
		for a, n := range r.pages {
			m[a] += float64(r.people) * n * WeeksPerMonth
		}
	}
	const returnsPerQuarter = 20 * 1.25 // a quarter sent back and resubmitted
	m["submit return"] += returnsPerQuarter / 3
	m["approve"] += returnsPerQuarter / 3
	m["spend return"] += 11.0 / 3
	m["payment paid"] += 3.0 / 3
	m["payments CSV"] += 3 * WeeksPerMonth
	// Each submission and each approval has the next run find it.
	m["notifier, after a return"] += returnsPerQuarter / 3
	m["notifier, after an approval"] += returnsPerQuarter / 3
	m["notifier, reminder day"] += 1.0 / 3
	return Profile{Name: "Working for Wellness", Networks: 1, People: people, Sessions: float64(people) * WeeksPerMonth,
		Monthly: m, ColdShare: 0, StoredBytes: StoredBytesPerNetwork}
}

// Idle is one programme that nobody uses: the notifier runs, the data
// and the alarms stay.
func Idle() Profile {
	return Profile{Name: "idle programme", Networks: 1, Monthly: map[string]float64{}, StoredBytes: StoredBytesPerNetwork}
}

// Thousand is 1,000 networks like WfW in one deployment: their pages
// share warm instances, so few start cold.
func Thousand() Profile {
	p := WfW()
	p.Name, p.Networks, p.ColdShare = "1,000 networks", 1000, 0.02
	return p
}

// Profiles are the three cases, in the table's order.
func Profiles() []Profile { return []Profile{Idle(), WfW(), Thousand()} }

// Service lines of the table, in order.
const (
	LineLambdaRequests = "Lambda requests"
	LineLambdaDuration = "Lambda duration (GB-s, arm64)"
	LineHTTPAPI        = "API Gateway HTTP API requests"
	LineDynamoWrites   = "DynamoDB writes (WRU)"
	LineDynamoReads    = "DynamoDB reads (RRU)"
	LineDynamoStorage  = "DynamoDB storage"
	LineDynamoPITR     = "DynamoDB point-in-time recovery"
	LineSES            = "SES emails"
	LineScheduler      = "EventBridge Scheduler"
	LineLogsIngest     = "CloudWatch Logs ingestion"
	LineLogsStorage    = "CloudWatch Logs storage"
	LineAlarms         = "CloudWatch alarms"
	LineXRay           = "X-Ray traces"
	LineCognito        = "Cognito (Essentials MAU)"
	LineTransfer       = "Data transfer out"
)

// Lines is every service line, in the table's order.
var Lines = []string{LineLambdaRequests, LineLambdaDuration, LineHTTPAPI, LineDynamoWrites, LineDynamoReads,
	LineDynamoStorage, LineDynamoPITR, LineSES, LineScheduler, LineLogsIngest, LineLogsStorage, LineAlarms,
	LineXRay, LineCognito, LineTransfer}

// Usage is a month's quantities, by line, before pricing.
type Usage map[string]float64

// Bill is one case's month: the quantity, the list cost and the cost
// after the always-free allowance, by line, in dollars.
type Bill struct {
	Profile   Profile
	Usage     Usage
	List      map[string]float64
	AfterFree map[string]float64
}

// BilledMs is what Lambda bills for one invoke of a at its function's
// memory: its CPU here stretched to the memory's share of a Graviton2
// vCPU, plus its DynamoDB and SES waits, rounded up to the millisecond.
func BilledMs(a Action, cold bool) float64 {
	f := Functions[a.Function]
	cpu := a.CPUms
	if cpu == 0 {
		cpu = f.WarmCPUms
	}
	cpu += EmailCPUms * float64(a.Emails)
	if cold {
		cpu += f.ColdCPUms - f.WarmCPUms
	}
	share := math.Min(1, float64(f.MemoryMB)/FullVCPUMB)
	waits := ReadRoundTripMs*float64(a.RoundTrips-a.Writes) + WriteRoundTripMs*float64(a.Writes) + EmailSendMs*float64(a.Emails)
	return math.Ceil(cpu*GravitonSlowdown/share + waits)
}

// Month works out a profile's usage and bill.
func Month(p Profile, pr Prices) Bill {
	u := Usage{}
	invocations := 0.0
	invoke := func(a Action, n, coldShare float64, viaAPI bool) {
		f := Functions[a.Function]
		gb := float64(f.MemoryMB) / 1024
		u[LineLambdaRequests] += n
		u[LineLambdaDuration] += n * gb * ((1-coldShare)*BilledMs(a, false) + coldShare*BilledMs(a, true)) / 1000
		if viaAPI {
			u[LineHTTPAPI] += n
			u[LineTransfer] += n * ResponseBytes / 1e9
		}
		u[LineDynamoWrites] += n * a.WRU
		u[LineDynamoReads] += n * a.RRU
		u[LineSES] += n * float64(a.Emails)
		u[LineLogsIngest] += n * ((1-coldShare)*LogBytesWarm + coldShare*LogBytesCold) / 1e9
		invocations += n
	}
	nets := float64(p.Networks)
	// One deployment, one notifier: its quiet runs are the runs that
	// find nothing; a run that finds work is modelled as its action, in
	// place of a quiet one. Nothing keeps it warm between runs.
	busy := 0.0
	names := make([]string, 0, len(p.Monthly))
	for name := range p.Monthly {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		a := ActionByName(name)
		n := p.Monthly[name] * nets
		if a.Function == "notifier" {
			busy += n
			invoke(a, n, 1, false)
			continue
		}
		cold := p.ColdShare
		if p.ColdShare == 0 && p.Sessions > 0 {
			// Alone, a network's sessions rarely overlap: each session's
			// first page starts an instance.
			cold = math.Min(1, p.Sessions/totalPages(p))
		}
		invoke(a, n, cold, true)
	}
	quiet := math.Max(0, NotifierRuns-busy)
	invoke(ActionByName("notifier, quiet"), quiet, 1, false)
	u[LineScheduler] += NotifierRuns
	// The sign-in callback is one page more a session, reading nothing.
	if p.Sessions > 0 {
		s := p.Sessions * nets
		invoke(Action{Name: "sign-in", Function: "web", RoundTrips: 0}, s, 0, true)
	}
	u[LineCognito] = float64(p.People) * nets
	u[LineDynamoStorage] = p.StoredBytes * nets / 1e9
	u[LineDynamoPITR] = u[LineDynamoStorage]
	// Kept RetentionDays: what is stored is that many days of ingestion.
	u[LineLogsStorage] = u[LineLogsIngest] * RetentionDays / (SecondsPerMonth / 86400)
	u[LineAlarms] = Alarms
	reservoir := XRayReservoirPerSecond * SecondsPerMonth
	u[LineXRay] = math.Min(invocations, reservoir) + XRaySampleRate*math.Max(0, invocations-reservoir)

	price := map[string]float64{
		LineLambdaRequests: pr.LambdaRequest, LineLambdaDuration: pr.LambdaGBSecond, LineHTTPAPI: pr.HTTPAPIRequest,
		LineDynamoWrites: pr.DynamoWRU, LineDynamoReads: pr.DynamoRRU, LineDynamoStorage: pr.DynamoStorageGB,
		LineDynamoPITR: pr.DynamoPITRGB, LineSES: pr.SESEmail, LineScheduler: pr.SchedulerInvoke,
		LineLogsIngest: pr.LogsIngestGB, LineLogsStorage: pr.LogsStorageGB, LineAlarms: pr.Alarm,
		LineXRay: pr.XRayTrace, LineCognito: pr.CognitoMAU, LineTransfer: pr.TransferOutGB,
	}
	free := map[string]float64{
		LineLambdaRequests: pr.Free.LambdaRequests, LineLambdaDuration: pr.Free.LambdaGBSeconds,
		LineDynamoStorage: pr.Free.DynamoStorageGB, LineScheduler: pr.Free.SchedulerInvocations,
		LineLogsIngest: pr.Free.LogsGB, LineAlarms: pr.Free.Alarms, LineXRay: pr.Free.XRayTraces,
		LineCognito: pr.Free.CognitoMAU, LineTransfer: pr.Free.TransferOutGB,
	}
	b := Bill{Profile: p, Usage: u, List: map[string]float64{}, AfterFree: map[string]float64{}}
	for _, l := range Lines {
		b.List[l] = u[l] * price[l]
		b.AfterFree[l] = math.Max(0, u[l]-free[l]) * price[l]
	}
	return b
}

// totalPages is the people-facing invocations of a network a month.
func totalPages(p Profile) float64 {
	n := 0.0
	for name, k := range p.Monthly {
		if ActionByName(name).Function != "notifier" {
			n += k
		}
	}
	return n
}

// Total is the sum of a bill's lines.
func Total(m map[string]float64) float64 {
	t := 0.0
	for _, v := range m {
		t += v
	}
	return t
}

// Pounds formats dollars as pounds: "£1,234.56", or pence below a penny
// ("0.42p"), or "£0" for nothing.
func Pounds(usd float64) string {
	gbp := usd * GBPPerUSD
	switch {
	case gbp == 0:
		return "£0"
	case gbp < 0.01:
		return fmt.Sprintf("%.2fp", gbp*100)
	}
	whole := fmt.Sprintf("%.2f", gbp)
	intPart, frac, _ := strings.Cut(whole, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return "£" + b.String() + "." + frac
}
