package main

// The demo data: the programmes described by the source documents of the
// SPEC (seeds/ beside it), written out here so nothing reads those files at
// run time. Where a document gives a figure it is used as given and the
// comment names the document; where the documents are silent the value is a
// plausible choice and the comment says so.
//
// Source documents:
//   [WfW]  Leicestershire Partnership NHS Trust media release ES/22/12,
//          22 May 2012: "NHS pledge to continue drive helping 'vulnerable'
//          into work" (Working for Wellness in the East Midlands Network,
//          with the Aspiro case study).
//   [DHCFT] Joined Up Care Derbyshire news, 31 May 2019: NHS England and
//          Improvement funding for IPS in Derbyshire.
//   [BDCFT] Bradford District Care NHS Foundation Trust news, May 2016:
//          "Team for making IPS work", IPS Centre of Excellence.
//   [SYB]  South Yorkshire and Bassetlaw ICS news: £1,101,877 for an IPS
//          partnership led by South Yorkshire Housing Association.
//   (The fifth document, a January 2010 DWP slide deck on Work, Recovery and
//   Inclusion, is policy background and gives no programme figures.)

// Identifiers. The organisations' public identifiers are used where a
// public source confirms them; where none did, the field is left empty
// rather than guessed (a grant to a project with no orgId is then published
// under an identifier fundtrack coins for the project's lead organisation,
// which the Data Quality Tool notes). Checked December 2026:
//
//	GB-GOR-D10  Department for Work and Pensions, GB-GOR-D12 Department of
//	            Health (now of Health and Social Care), GB-GOR-PB481 NHS
//	            England: the Government Organisation Register's data
//	            (openregister/government-organisation-data,
//	            data/government-organisation/government-organisation.tsv).
//	GB-NHS-RT5  Leicestershire Partnership NHS Trust, LE3 8RA; RWE University
//	            Hospitals of Leicester, LE1 5WW; RNQ Kettering General
//	            Hospital, NN16 8UZ; RXM Derbyshire Healthcare, DE22 3LZ; RHA
//	            Nottinghamshire Healthcare, NG3 6AA; RP7 Lincolnshire
//	            Partnership, LN1 1FS; RXE Rotherham Doncaster and South
//	            Humber, DN4 8QN; RXG South West Yorkshire Partnership, WF1
//	            3SP: NHS Digital's organisation list with ODS codes and
//	            addresses (NHSDigital/record-a-vaccination-prototype,
//	            app/data/organisations.js).
//	GB-NHS-TAD  Bradford District Care NHS Foundation Trust: the CQC's
//	            provider page (cqc.org.uk/provider/TAD), address New Mill,
//	            Victoria Road, Saltaire BD18 3LA (nhs.uk trust page).
//	GB-NHS-TAH  Sheffield Health and Social Care NHS Foundation Trust (since
//	            renamed Sheffield Health Partnership University NHS FT): two
//	            NHS analysts' code lookups (ODS code TAH, in the South
//	            Yorkshire ICB QF7), not ODS itself; address Fulwood House,
//	            Old Fulwood Road, Sheffield S10 3TH (its annual report).
//	GB-NHS-QF7  South Yorkshire and Bassetlaw ICS: the ODS code of its
//	            footprint (the STP, now NHS South Yorkshire ICB), from the
//	            same two lookups.
//	GB-SHPE-L0078 South Yorkshire Housing Association: the Regulator of
//	            Social Housing's regulatory judgement (gov.uk, June 2023),
//	            registered office 43-47 Wellington Street, Sheffield S1 4HF
//	            (its 2016 financial statements).
//
// Not confirmed, so left without an identifier: the East Midlands Strategic
// Health Authority (abolished 2013; its ODS code could not be found in a
// public source), Aspiro, Leicester City Methodist Church, the Leicestershire
// Citizens Advice Bureau (which bureau is not said), Citizen's Advice
// Sheffield and Joined Up Care Derbyshire (a partnership with no legal
// identity of its own).
//
// Beneficiary locations are ONS codes of the areas each organisation serves,
// as the documents name them.
var (
	eastMidlands     = location{"E12000004", "East Midlands"}
	leicester        = location{"E06000016", "Leicester"}
	leicestershire   = location{"E10000018", "Leicestershire"}
	rutland          = location{"E06000017", "Rutland"}
	northamptonshire = location{"E10000021", "Northamptonshire"}
	derby            = location{"E06000015", "Derby"}
	derbyshireCty    = location{"E10000007", "Derbyshire"}
	nottinghamshire  = location{"E10000024", "Nottinghamshire"}
	lincolnshire     = location{"E10000019", "Lincolnshire"}
	bradfordMD       = location{"E08000032", "Bradford"}
	barnsley         = location{"E08000016", "Barnsley"}
	doncaster        = location{"E08000017", "Doncaster"}
	rotherham        = location{"E08000018", "Rotherham"}
	sheffield        = location{"E08000019", "Sheffield"}
	bassetlaw        = location{"E07000171", "Bassetlaw"}
)

func at(orgID, postcode string, ls ...location) lead {
	return lead{OrgID: orgID, Postcode: postcode, Locations: ls}
}

// Demo users (the local runner prints a token for each).
const (
	adminEmail       = "admin@example.org"        // group admins
	leadEmail        = "lead@example.org"         // lead of all four programmes
	projectLeadEmail = "project.lead@example.org" // project-lead of one project in each
	funderEmail      = "funder@example.org"       // funder role: DWP (WfW) and DH (Bradford)
)

// Metric names (the SPEC's metrics).
const (
	mReferrals       = "referrals"
	mPeopleIntoWork  = "peopleIntoWork"
	mJobStarts       = "jobStarts"
	mInternsEnrolled = "internsEnrolled"
	mInternsComplete = "internsCompleted"
)

// demo is one programme and everything in it. Keys are short slugs, unique
// within their kind in the programme: they tie items together here (a grant
// names its funder's key) and make each POST's Idempotency-Key.
type demo struct {
	Key              string
	Name             string
	LeadOrganisation string
	Region           string
	Start, End       string
	Description      string
	Lead             lead // the lead organisation's identifiers
	Funders          []funder
	Projects         []project
	Grants           []grant
	Members          []member // besides lead@, whom the admin makes lead first
	Targets          []target
	// The reporting cycle, set up once the history above is in: schedules
	// (which fill their returns from the submissions with their exact
	// periods), then review switched on, then submissions that await it.
	Schedules      []schedule
	ReviewOutcomes bool
	AwaitingReview []awaiting
}

// schedule is a reporting schedule; Projects names its projects by key
// (none: every project, including any added later).
type schedule struct {
	Key, Name, Frequency string
	First, Last          string
	DueDays              int64
	Reminders            []int64
	Projects             []string
}

// awaiting is a submission sent after review was switched on: it waits for
// a lead's decision, so it counts in no total yet.
type awaiting struct {
	Project string
	outcome
}

type funder struct {
	Key, Name, OrgID string
	Contacts         []string
}

type project struct {
	Key, Name, LeadOrganisation, Area string
	Start, End                        string
	Lead                              lead
	Posts                             []post
	Cohorts                           []cohort
	Outcomes                          []outcome // submitted in this order
}

// lead is what 360Giving data says about a lead organisation and the people
// it serves: its org-id.guide identifier and postcode (left empty where we
// could not confirm them from a public source; see identifiers below) and
// the ONS codes of the areas served.
type lead struct {
	OrgID, Postcode string
	Locations       []location
}

type location struct {
	GeoCode string `json:"geoCode"`
	Name    string `json:"name"`
}

type grant struct {
	Key, Funder, Project string // Project "" funds the programme as a whole
	Title, Description   string
	AmountPence          int64
	Award, Start, End    string
	// Budget lines (category → pence) adding up to AmountPence; the
	// tranches the grant is paid in; and the spend reported against it
	// (by the project's lead, or the network lead for a programme grant),
	// in this order.
	Budget   map[string]int64
	Tranches []tranche
	Spend    []spendReturn
}

// tranche is one payment of a grant: on a date (Due), on a target
// reaching Threshold percent (Target, by key), or on the return of
// Schedule (by key) for the period starting ReturnStart of the grant's
// project. Paid, when set, is the date it was paid, with Reference.
type tranche struct {
	Key             string
	AmountPence     int64
	Due             string
	Target          string
	Threshold       int64
	Schedule        string
	ReturnStart     string
	Paid, Reference string
}

// spendReturn is spend on a grant over a period, by category; Replaces
// names (by key) an earlier return it corrects.
type spendReturn struct {
	Key        string
	Start, End string
	Lines      map[string]int64
	Notes      string
	Replaces   string
}

type post struct {
	Key, Title, Grant string
	FTE               float64
	Contract          string
	Start, End        string
	Status            string
}

type cohort struct {
	Key, Name  string
	Places     int64
	Start, End string
}

type outcome struct {
	Key        string
	Start, End string
	Cohort     string // key of one of the project's cohorts, or ""
	Counts     map[string]int64
	Measures   []measure
	Notes      string
	Replaces   string // key of an earlier outcome of the same project: a correction
}

type measure struct {
	Name         string  `json:"name"`
	BaselineMean float64 `json:"baselineMean"`
	LatestMean   float64 `json:"latestMean"`
	Respondents  int64   `json:"respondents"`
}

type target struct {
	Key        string
	Metric     string
	Value      int64
	Start      string
	Deadline   string
	Project    string   // project key, or "" for the programme
	Notify     []string // funder keys
	Thresholds []int64
}

type member struct {
	Email string
	Roles []role
}

// role names its project or funder by key.
type role struct {
	Role, Project, Funder string
}

func projectLeadRole(p string) role { return role{Role: "project-lead", Project: p} }
func funderRole(f string) role      { return role{Role: "funder", Funder: f} }

// Programme names, also used by the test.
const (
	nameWfW      = "Working for Wellness in the East Midlands Network"
	nameBradford = "Making IPS Work: Bradford District"
	nameDerby    = "Joined Up Care Derbyshire IPS service"
	nameSYB      = "South Yorkshire and Bassetlaw IPS partnership"
)

// demos lists the programmes in the order they are seeded.
func demos() []demo {
	return []demo{workingForWellness(), bradford(), derbyshire(), southYorkshire()}
}

// --- Working for Wellness in the East Midlands Network [WfW] ---

// wfwPost is one of the 30 temporary NHS posts the DWP funded [WfW]. The
// release gives only their number; their spread over the NHS member
// projects, titles, hours, dates and statuses are illustrative: a first round
// of 12-month contracts from October 2010 (ended by the time of the release)
// and a second round from October 2011 to the programme's close in March
// 2012, two of which were never filled.
type wfwPost struct {
	title  string
	fte    float64
	status string // "ended" (first round), "filled" or "vacant" (second round)
}

func wfwPosts(projectKey string, ps ...wfwPost) []post {
	out := make([]post, len(ps))
	for i, p := range ps {
		start, end := "2011-10-01", "2012-03-31"
		if p.status == "ended" {
			start, end = "2010-10-01", "2011-09-30"
		}
		out[i] = post{Key: projectKey + "-" + itoa(i+1), Title: p.title, Grant: "dwp-posts", FTE: p.fte,
			Contract: "temporary", Start: start, End: end, Status: p.status}
	}
	return out
}

// wfwYears is a project's people into work over the network's two funded
// years [WfW: "more than 60 people into work over the last two years"]. The
// release gives only the network's total; each project's share and the
// split between the years are illustrative, adding up to 62 with Aspiro's 3.
func wfwYears(first, second int64) []outcome {
	return []outcome{
		{Key: "2010-11", Start: "2010-04-01", End: "2011-03-31", Counts: map[string]int64{mPeopleIntoWork: first, mJobStarts: first}},
		{Key: "2011-12", Start: "2011-04-01", End: "2012-03-31", Counts: map[string]int64{mPeopleIntoWork: second, mJobStarts: second}},
	}
}

func workingForWellness() demo {
	// Dates [WfW]: set up by the East Midlands SHA in 2009 (month not given:
	// October chosen); funded work over "the last two years"; the formal
	// programme ended at the end of March 2012.
	const start, end = "2009-10-01", "2012-03-31"
	return demo{
		Key:              "wfw",
		Name:             nameWfW,
		LeadOrganisation: "Leicestershire Partnership NHS Trust",
		Region:           "East Midlands",
		Lead:             at("GB-NHS-RT5", "LE3 8RA", eastMidlands),
		Start:            start, End: end,
		Description: "A partnership of the 28 NHS organisations in the East Midlands, led by Leicestershire " +
			"Partnership NHS Trust and set up by the East Midlands Strategic Health Authority in 2009, to promote " +
			"and create employment in the NHS for people with mental health difficulties and/or learning " +
			"disabilities, reduce stigma in the jobs market, influence managers and commissioners, and share what " +
			"it learned. It directly supported more than 20 employment projects across the five counties and " +
			"helped more than 60 people into work. Members continue informally after the formal programme ended " +
			"in March 2012.",
		Funders: []funder{
			// [WfW]: "funding of more than £800,000 from the Department of
			// Health, the East Midlands SHA and Department of Work and
			// Pensions". The SHA (abolished 2013) has no identifier we could
			// confirm, so none is given (see Identifiers).
			{Key: "dh", Name: "Department of Health", OrgID: "GB-GOR-D12", Contacts: []string{"dh.grants@example.org"}},
			{Key: "sha", Name: "East Midlands Strategic Health Authority", Contacts: []string{"em-sha.grants@example.org"}},
			{Key: "dwp", Name: "Department for Work and Pensions", OrgID: "GB-GOR-D10", Contacts: []string{funderEmail}},
		},
		// Projects: [WfW] names Aspiro (Leicester social enterprise, internship
		// programme), University Hospitals of Leicester, Kettering General
		// Hospital, Leicester City Methodist Church and the Citizens Advice
		// Bureau among "more than 20 employment projects, covering each of the
		// five counties". The lead trust's own project and one NHS project in
		// each of Derbyshire, Nottinghamshire and Lincolnshire (run by that
		// county's mental health trust of the time) are illustrative, so that
		// all five counties appear; the other projects are not modelled.
		Projects: []project{
			{
				Key: "aspiro", Name: "Aspiro internship programme", LeadOrganisation: "Aspiro", Area: "Leicester",
				Lead: at("", "", leicester),
				// Dates illustrative; the release (May 2012) says a final cohort
				// of four is still to be recruited under this funding, so the
				// project runs past the network's formal end.
				Start: "2010-10-01", End: "2012-12-31",
				// [WfW]: "So far eight interns have been through the programme,
				// with four graduating and three now in work. Our current tranche
				// of four interns graduate in May": two cohorts of four. Cohort
				// dates are illustrative (six-month internships).
				Cohorts: []cohort{
					{Key: "c1", Name: "Aspiro interns: cohort 1", Places: 4, Start: "2011-05-01", End: "2011-10-31"},
					{Key: "c2", Name: "Aspiro interns: cohort 2", Places: 4, Start: "2011-12-01", End: "2012-05-31"},
				},
				Outcomes: []outcome{
					{Key: "c1-internship", Start: "2011-05-01", End: "2011-10-31", Cohort: "c1",
						Counts: map[string]int64{mInternsEnrolled: 4, mInternsComplete: 4},
						Notes:  "First cohort of four interns: all four graduated."},
					{Key: "c2-internship", Start: "2011-12-01", End: "2012-04-30", Cohort: "c2",
						Counts: map[string]int64{mInternsEnrolled: 4},
						Notes:  "Second cohort of four interns, graduating in May 2012; one already has a job lined up."},
					// [WfW]: three graduates in work; self-confidence scores up
					// 130% and experience-of-health scores up 106% between first
					// appointment and getting a job. The scale and the means are
					// illustrative (chosen to give exactly those changes: 3.0 to
					// 6.9 and 3.5 to 7.21); the 8 respondents are the 8 interns.
					// The period ends with the network's funded years, so the
					// network's target counts it.
					{Key: "into-work", Start: "2011-05-01", End: "2012-03-31",
						Counts: map[string]int64{mPeopleIntoWork: 3, mJobStarts: 3},
						Measures: []measure{
							{Name: "self-confidence", BaselineMean: 3.0, LatestMean: 6.9, Respondents: 8},
							{Name: "health", BaselineMean: 3.5, LatestMean: 7.21, Respondents: 8},
						},
						Notes: "Three of the four graduates now in paid work. Scores compare first appointment with " +
							"getting a job. Across all its services Aspiro has supported 30 people into paid jobs " +
							"and 31 into volunteering roles."},
				},
			},
			{
				Key: "lpt", Name: "NHS employment opportunities in Leicestershire Partnership NHS Trust",
				LeadOrganisation: "Leicestershire Partnership NHS Trust", Area: "Leicester, Leicestershire and Rutland",
				Lead:  at("GB-NHS-RT5", "LE3 8RA", leicester, leicestershire, rutland),
				Start: "2010-04-01", End: end,
				Posts: wfwPosts("lpt",
					wfwPost{"Administrative assistant", 1.0, "ended"}, wfwPost{"Ward housekeeper", 0.8, "ended"},
					wfwPost{"Porter", 1.0, "ended"}, wfwPost{"Estates assistant", 1.0, "filled"},
					wfwPost{"Medical records clerk", 0.6, "filled"}, wfwPost{"Receptionist", 0.8, "filled"},
					wfwPost{"Catering assistant", 0.6, "filled"}, wfwPost{"Peer support worker", 0.6, "filled"},
					wfwPost{"Gardener", 0.8, "filled"}),
				Outcomes: wfwYears(5, 9),
			},
			{
				Key: "uhl", Name: "Work placements at University Hospitals of Leicester",
				LeadOrganisation: "University Hospitals of Leicester NHS Trust", Area: "Leicester",
				Lead:  at("GB-NHS-RWE", "LE1 5WW", leicester),
				Start: "2010-04-01", End: end,
				Posts: wfwPosts("uhl",
					wfwPost{"Porter", 1.0, "ended"}, wfwPost{"Catering assistant", 0.8, "ended"},
					wfwPost{"Administrative assistant", 1.0, "filled"}, wfwPost{"Ward housekeeper", 0.8, "filled"},
					wfwPost{"Stores assistant", 1.0, "filled"}),
				Outcomes: wfwYears(4, 5),
			},
			{
				Key: "kgh", Name: "Work placements at Kettering General Hospital",
				LeadOrganisation: "Kettering General Hospital NHS Foundation Trust", Area: "Northamptonshire",
				Lead:  at("GB-NHS-RNQ", "NN16 8UZ", northamptonshire),
				Start: "2010-04-01", End: end,
				Posts: wfwPosts("kgh",
					wfwPost{"Porter", 1.0, "ended"}, wfwPost{"Administrative assistant", 0.8, "filled"},
					wfwPost{"Catering assistant", 0.6, "filled"}, wfwPost{"Ward housekeeper", 0.8, "filled"},
					wfwPost{"Domestic assistant", 0.6, "vacant"}),
				Outcomes: wfwYears(3, 4),
			},
			{
				Key: "derbys", Name: "NHS employment project in Derbyshire",
				LeadOrganisation: "Derbyshire Healthcare NHS Foundation Trust", Area: "Derbyshire",
				Lead:  at("GB-NHS-RXM", "DE22 3LZ", derby, derbyshireCty),
				Start: "2010-04-01", End: end,
				Posts: wfwPosts("derbys",
					wfwPost{"Administrative assistant", 1.0, "ended"}, wfwPost{"Gardener", 0.6, "ended"},
					wfwPost{"Receptionist", 0.8, "filled"}, wfwPost{"Peer support worker", 0.6, "filled"}),
				Outcomes: wfwYears(3, 5),
			},
			{
				Key: "notts", Name: "NHS employment project in Nottinghamshire",
				LeadOrganisation: "Nottinghamshire Healthcare NHS Trust", Area: "Nottinghamshire",
				Lead:  at("GB-NHS-RHA", "NG3 6AA", nottinghamshire),
				Start: "2010-04-01", End: end,
				Posts: wfwPosts("notts",
					wfwPost{"Administrative assistant", 1.0, "ended"}, wfwPost{"Catering assistant", 0.8, "ended"},
					wfwPost{"Porter", 1.0, "filled"}, wfwPost{"Estates assistant", 0.8, "filled"}),
				Outcomes: wfwYears(3, 5),
			},
			{
				Key: "lincs", Name: "NHS employment project in Lincolnshire",
				LeadOrganisation: "Lincolnshire Partnership NHS Foundation Trust", Area: "Lincolnshire",
				Lead:  at("GB-NHS-RP7", "LN1 1FS", lincolnshire),
				Start: "2010-04-01", End: end,
				Posts: wfwPosts("lincs",
					wfwPost{"Administrative assistant", 0.8, "ended"}, wfwPost{"Receptionist", 0.8, "filled"},
					wfwPost{"Peer support worker", 0.6, "vacant"}),
				Outcomes: wfwYears(2, 4),
			},
			{
				Key: "cab", Name: "Citizens Advice Bureau work placements",
				LeadOrganisation: "Citizens Advice Bureau", Area: "Leicestershire",
				Lead:  at("", "", leicestershire),
				Start: "2010-04-01", End: end,
				Outcomes: wfwYears(2, 2),
			},
			{
				Key: "methodist", Name: "Leicester City Methodist Church work placements",
				LeadOrganisation: "Leicester City Methodist Church", Area: "Leicester",
				Lead:  at("", "", leicester),
				Start: "2010-04-01", End: end,
				Outcomes: wfwYears(1, 2),
			},
		},
		// Grants: [WfW] gives only "more than £800,000" from the three funders.
		// The split is illustrative, £810,000 in all (81,000,000 pence):
		//   Department of Health      £310,000 = £250,000 network projects fund + £60,000 Aspiro internships
		//   East Midlands SHA         £200,000 network set-up and co-ordination
		//   DWP                       £300,000 the 30 temporary NHS posts (£10,000 a post)
		Grants: []grant{
			{Key: "sha-network", Funder: "sha", Title: "Working for Wellness network set-up and co-ordination",
				Description: "Network co-ordination across the 28 NHS organisations of the East Midlands.",
				AmountPence: 200_000_00, Award: "2009-09-15", Start: start, End: end},
			{Key: "dh-projects", Funder: "dh", Title: "Working for Wellness employment projects fund",
				Description: "Funding for member employment projects across the five counties.",
				AmountPence: 250_000_00, Award: "2010-03-15", Start: "2010-04-01", End: end},
			{Key: "dh-aspiro", Funder: "dh", Project: "aspiro", Title: "Aspiro internship programme",
				Description: "Internships in cohorts of four for people with experience of mental ill health or learning disability.",
				AmountPence: 60_000_00, Award: "2010-09-01", Start: "2010-10-01", End: "2012-12-31"},
			{Key: "dwp-posts", Funder: "dwp", Title: "Temporary NHS posts",
				Description: "30 temporary posts in the NHS for people with mental health difficulties and/or learning disabilities.",
				AmountPence: 300_000_00, Award: "2010-06-01", Start: "2010-07-01", End: end,
				// Illustrative ([WfW] gives no budget or payments): the posts'
				// pay and their training, paid in three equal tranches six
				// months apart, each a few days after it fell due; spend
				// reported by year, the first year's corrected once.
				Budget: map[string]int64{"staff": 270_000_00, "training": 15_000_00, "overheads": 15_000_00},
				Tranches: []tranche{
					{Key: "first", AmountPence: 100_000_00, Due: "2010-07-01", Paid: "2010-07-06", Reference: "DWP remittance 2010-07"},
					{Key: "second", AmountPence: 100_000_00, Due: "2011-01-01", Paid: "2011-01-10", Reference: "DWP remittance 2011-01"},
					{Key: "third", AmountPence: 100_000_00, Due: "2011-07-01", Paid: "2011-07-08", Reference: "DWP remittance 2011-07"},
				},
				Spend: []spendReturn{
					{Key: "2010-11", Start: "2010-07-01", End: "2011-03-31",
						Lines: map[string]int64{"staff": 118_500_00, "training": 6_000_00, "overheads": 5_500_00}},
					{Key: "2010-11-fix", Start: "2010-07-01", End: "2011-03-31", Replaces: "2010-11",
						Lines: map[string]int64{"staff": 117_900_00, "training": 6_000_00, "overheads": 5_500_00},
						Notes: "Correction: one post's March pay had been counted twice."},
					{Key: "2011-12", Start: "2011-04-01", End: "2012-03-31",
						Lines: map[string]int64{"staff": 146_000_00, "training": 8_250_00, "overheads": 9_100_00}},
				}},
		},
		Members: []member{
			{Email: projectLeadEmail, Roles: []role{projectLeadRole("aspiro")}},
			{Email: funderEmail, Roles: []role{funderRole("dwp")}},
		},
		Targets: []target{
			// [WfW] reports "more than 60 people into work over the last two
			// years" but no target; 60 over the two funded years is chosen to
			// match, with a half-way milestone.
			{Key: "into-work", Metric: mPeopleIntoWork, Value: 60, Start: "2010-04-01", Deadline: end,
				Notify: []string{"dh", "sha", "dwp"}, Thresholds: []int64{50, 100}},
			// [WfW]: two cohorts of four interns by the May 2012 graduation.
			{Key: "aspiro-interns", Metric: mInternsEnrolled, Value: 8, Start: "2011-05-01", Deadline: "2012-05-31",
				Project: "aspiro", Notify: []string{"dh"}},
		},
		// Illustrative: a yearly return from each of the eight projects that
		// report by year; Aspiro reports by cohort, so it is left out (a
		// schedule for named projects). Every one is filled by the yearly
		// submissions above, late (see Bradford).
		Schedules: []schedule{
			{Key: "yearly", Name: "Yearly returns to the network", Frequency: "yearly",
				First: "2010-04-01", Last: "2012-03-31", DueDays: 30, Reminders: []int64{14, 7},
				Projects: []string{"lpt", "uhl", "kgh", "derbys", "notts", "lincs", "cab", "methodist"}},
		},
	}
}

// --- Making IPS Work, Bradford District [BDCFT] ---

func bradford() demo {
	// [BDCFT]: service launched April 2015; "originally set to run for a
	// total of 18 months" (to the end of September 2016).
	const start, end = "2015-04-01", "2016-09-30"
	q := func(referrals, intoWork, jobStarts int64) map[string]int64 {
		return map[string]int64{mReferrals: referrals, mPeopleIntoWork: intoWork, mJobStarts: jobStarts}
	}
	return demo{
		Key:              "bradford",
		Name:             nameBradford,
		LeadOrganisation: "Bradford District Care NHS Foundation Trust",
		Region:           "Yorkshire and the Humber",
		Lead:             at("GB-NHS-TAD", "BD18 3LA", bradfordMD),
		Start:            start, End: end,
		Description: "Bradford's pilot of Making IPS Work, the Centre for Mental Health project funded by the " +
			"Department of Health to extend Individual Placement and Support (IPS) to more of England; six pilot " +
			"areas aim to help 340 people into work over three years. Bradford's target was 60 people into paid " +
			"work in 18 months; by May 2016 it had helped 61 from over 240 referrals, was named an IPS Centre of " +
			"Excellence, and the service continues across the District.",
		Funders: []funder{
			// [BDCFT]: "a project funded by the Department of Health".
			{Key: "dh", Name: "Department of Health", OrgID: "GB-GOR-D12", Contacts: []string{funderEmail}},
		},
		Projects: []project{{
			Key: "ips", Name: "Bradford IPS employment service",
			LeadOrganisation: "Bradford District Care NHS Foundation Trust", Area: "Bradford District",
			Lead:  at("GB-NHS-TAD", "BD18 3LA", bradfordMD),
			Start: start, End: end,
			// [BDCFT]: 61 people into paid work and over 240 referrals by May
			// 2016. The quarterly split is illustrative, as are job starts
			// (not given: a few people started a second job). The third
			// quarter is first sent with referrals mis-keyed as 65 and then
			// corrected to 55, to show corrections (replaces).
			// Totals: referrals 35+50+55+60+40 = 240; into work 4+11+14+18+14 = 61.
			Outcomes: []outcome{
				{Key: "2015-q1", Start: "2015-04-01", End: "2015-06-30", Counts: q(35, 4, 4)},
				{Key: "2015-q2", Start: "2015-07-01", End: "2015-09-30", Counts: q(50, 11, 12)},
				{Key: "2015-q3", Start: "2015-10-01", End: "2015-12-31", Counts: q(65, 14, 15)},
				{Key: "2015-q3-fix", Start: "2015-10-01", End: "2015-12-31", Counts: q(55, 14, 15), Replaces: "2015-q3",
					Notes: "Correction: referrals for October to December were over-counted (65 keyed instead of 55)."},
				{Key: "2016-q4", Start: "2016-01-01", End: "2016-03-31", Counts: q(60, 18, 19)},
				{Key: "2016-04", Start: "2016-04-01", End: "2016-04-30", Counts: q(40, 14, 14),
					Notes: "Target of 60 people into paid work exceeded; named an IPS Centre of Excellence in May 2016."},
			},
		}},
		// The amount is not given in [BDCFT]; £250,000 over the 18 months is
		// illustrative (a small IPS team).
		Grants: []grant{
			{Key: "dh-pilot", Funder: "dh", Project: "ips", Title: "Making IPS Work pilot site: Bradford",
				Description: "Department of Health funding through Centre for Mental Health's Making IPS Work project.",
				AmountPence: 250_000_00, Award: "2015-03-01", Start: start, End: end,
				// Illustrative: a first tranche at the start, paid; payment by
				// results on reaching the target of 60 into work (reached, so
				// it is due once recorded); a tranche on the January to
				// March 2016 return being accepted (it was); £25,000 held
				// back. Spend by quarter, from the project lead.
				Budget: map[string]int64{"staff": 200_000_00, "travel": 10_000_00, "training": 15_000_00, "overheads": 25_000_00},
				Tranches: []tranche{
					{Key: "start", AmountPence: 100_000_00, Due: "2015-04-01", Paid: "2015-04-14", Reference: "DH grant payment 1"},
					{Key: "sixty-into-work", AmountPence: 75_000_00, Due: "2016-09-30", Target: "into-work", Threshold: 100},
					{Key: "q4-return", AmountPence: 50_000_00, Due: "2016-04-30", Schedule: "quarterly", ReturnStart: "2016-01-01"},
				},
				Spend: []spendReturn{
					{Key: "2015-q1", Start: "2015-04-01", End: "2015-06-30",
						Lines: map[string]int64{"staff": 30_000_00, "travel": 1_200_00, "training": 4_000_00, "overheads": 4_000_00}},
					{Key: "2015-q2", Start: "2015-07-01", End: "2015-09-30",
						Lines: map[string]int64{"staff": 34_500_00, "travel": 1_650_00, "training": 2_000_00, "overheads": 4_100_00}},
					{Key: "2015-q3", Start: "2015-10-01", End: "2015-12-31",
						Lines: map[string]int64{"staff": 35_000_00, "travel": 1_800_00, "training": 1_500_00, "overheads": 4_100_00}},
					{Key: "2016-q4", Start: "2016-01-01", End: "2016-03-31",
						Lines: map[string]int64{"staff": 36_000_00, "travel": 1_700_00, "training": 2_500_00, "overheads": 4_200_00}},
				}},
		},
		Members: []member{
			{Email: projectLeadEmail, Roles: []role{projectLeadRole("ips")}},
			{Email: funderEmail, Roles: []role{funderRole("dh")}},
		},
		Targets: []target{
			// [BDCFT]: "the target set of supporting 60 people into paid work
			// during the entire length of the programme" (18 months).
			{Key: "into-work", Metric: mPeopleIntoWork, Value: 60, Start: start, Deadline: end,
				Notify: []string{"dh"}, Thresholds: []int64{50, 100}},
		},
		// The reporting cycle is illustrative ([BDCFT] says nothing of
		// returns): quarterly returns to the Department of Health over the
		// 18 months, due 20 days after each quarter. The four quarters to
		// March 2016 are filled by the submissions above (accepted, and late,
		// since the seed sends them years after their due dates); April to
		// June 2016 was sent as April alone, which fills no quarterly return,
		// so it stays overdue; July to September 2016 is sent once the lead
		// has switched review on, and waits in the review queue (late too).
		// Returns due this long ago are shown overdue but never emailed.
		Schedules: []schedule{
			{Key: "quarterly", Name: "Quarterly returns to the Department of Health", Frequency: "quarterly",
				First: start, Last: end, DueDays: 20, Reminders: []int64{7}},
		},
		ReviewOutcomes: true,
		AwaitingReview: []awaiting{
			{Project: "ips", outcome: outcome{Key: "2016-q6", Start: "2016-07-01", End: "2016-09-30", Counts: q(38, 9, 9),
				Notes: "The pilot's last quarter, sent after it closed."}},
		},
	}
}

// --- IPS in Derbyshire [DHCFT] ---

func derbyshire() demo {
	// [DHCFT], 31 May 2019: funding "between now and April 2021"; the
	// service "is due to be launched this summer".
	const start, end = "2019-06-01", "2021-03-31"
	specialist := func(n int) post {
		// Posts: five employment specialists and their service manager,
		// employed by Derbyshire Healthcare [DHCFT]. Full-time, fixed-term to
		// the end of the funding, filled from August 2019: illustrative.
		return post{Key: "es-" + itoa(n), Title: "IPS employment specialist", Grant: "nhsei-ips", FTE: 1.0,
			Contract: "temporary", Start: "2019-08-01", End: end, Status: "filled"}
	}
	return demo{
		Key:              "derbyshire",
		Name:             nameDerby,
		LeadOrganisation: "Joined Up Care Derbyshire",
		Region:           "Derby and Derbyshire",
		Lead:             at("", "", derby, derbyshireCty),
		Start:            start, End: end,
		Description: "Individual Placement and Support for people receiving care from community mental health " +
			"teams for a severe mental illness, funded by NHS England and Improvement and awarded to Joined Up " +
			"Care Derbyshire. A county-wide IPS Mental Health Steering Group brings together health, social care, " +
			"the Department for Work and Pensions and employment organisations.",
		Funders: []funder{
			// [DHCFT]: "awarded by NHS England and Improvement", the two bodies'
			// joint working name in 2019; the IPS money was NHS England's (the
			// Long Term Plan's), so its register key identifies the funder.
			{Key: "nhsei", Name: "NHS England and NHS Improvement", OrgID: "GB-GOR-PB481", Contacts: []string{"nhsei.ips@example.org"}},
		},
		Projects: []project{{
			Key: "cmht", Name: "IPS employment specialists in community mental health teams",
			LeadOrganisation: "Derbyshire Healthcare NHS Foundation Trust", Area: "Derby and Derbyshire",
			Lead:  at("GB-NHS-RXM", "DE22 3LZ", derby, derbyshireCty),
			Start: start, End: end,
			Posts: []post{
				{Key: "manager", Title: "IPS service manager", Grant: "nhsei-ips", FTE: 1.0,
					Contract: "temporary", Start: "2019-07-01", End: end, Status: "filled"},
				specialist(1), specialist(2), specialist(3), specialist(4), specialist(5),
			},
		}},
		// [DHCFT]: "almost half a million pounds"; £495,000 is chosen.
		Grants: []grant{
			{Key: "nhsei-ips", Funder: "nhsei", Project: "cmht", Title: "Individual Placement and Support in Derbyshire",
				Description: "NHS England and Improvement investment in IPS services, to April 2021.",
				AmountPence: 495_000_00, Award: "2019-05-31", Start: start, End: end},
		},
		Members: []member{
			{Email: projectLeadEmail, Roles: []role{projectLeadRole("cmht")}},
		},
	}
}

// --- South Yorkshire and Bassetlaw IPS partnership [SYB] ---

func southYorkshire() demo {
	// [SYB] is undated; it cites the NHS Long Term Plan (2019) and says "over
	// the next two years": April 2019 to March 2021 is chosen.
	const start, end = "2019-04-01", "2021-03-31"
	proj := func(key, name, leadOrg, area string, l lead) project {
		return project{Key: key, Name: name, LeadOrganisation: leadOrg, Area: area, Start: start, End: end, Lead: l}
	}
	return demo{
		Key:              "syb",
		Name:             nameSYB,
		LeadOrganisation: "South Yorkshire Housing Association",
		Region:           "South Yorkshire and Bassetlaw",
		Lead:             at("GB-SHPE-L0078", "S1 4HF", barnsley, doncaster, rotherham, sheffield, bassetlaw),
		Start:            start, End: end,
		Description: "A public and voluntary sector partnership led by South Yorkshire Housing Association to " +
			"increase the number of IPS employment specialists in NHS secondary mental health services, with " +
			"fast-track benefits and debt advice from Citizens Advice Sheffield. It aims to help between 500 and " +
			"600 people with severe mental illness over two years.",
		Funders: []funder{
			{Key: "ics", Name: "South Yorkshire and Bassetlaw Integrated Care System", OrgID: "GB-NHS-QF7", Contacts: []string{"syb-ics@example.org"}},
		},
		// [SYB] names the partners; one project each, by area.
		Projects: []project{
			proj("sheffield", "IPS in Sheffield", "Sheffield Health and Social Care NHS Foundation Trust", "Sheffield",
				at("GB-NHS-TAH", "S10 3TH", sheffield)),
			proj("rdash", "IPS in Rotherham and Doncaster", "Rotherham, Doncaster and South Humber NHS Foundation Trust", "Rotherham and Doncaster",
				at("GB-NHS-RXE", "DN4 8QN", rotherham, doncaster)),
			proj("barnsley", "IPS in Barnsley", "South West Yorkshire Partnership NHS Foundation Trust", "Barnsley",
				at("GB-NHS-RXG", "WF1 3SP", barnsley)),
			proj("bassetlaw", "IPS in Bassetlaw", "Nottinghamshire Healthcare NHS Foundation Trust", "Bassetlaw",
				at("GB-NHS-RHA", "NG3 6AA", bassetlaw)),
			proj("advice", "Fast-track benefits and debt advice", "Citizen's Advice Sheffield", "Sheffield", at("", "", sheffield)),
		},
		// [SYB]: "awarded £1,101,877 in funding" to the partnership.
		Grants: []grant{
			{Key: "ics-ips", Funder: "ics", Title: "IPS employment specialists in secondary mental health services",
				Description: "South Yorkshire and Bassetlaw ICS funding for the IPS partnership.",
				AmountPence: 110_187_700, Award: "2019-03-01", Start: start, End: end},
		},
		Members: []member{
			{Email: projectLeadEmail, Roles: []role{projectLeadRole("sheffield")}},
		},
		// No targets: [SYB]'s aim (500-600 people helped) has no outcome
		// figures against it, and a target with none would only report "missed".
	}
}
