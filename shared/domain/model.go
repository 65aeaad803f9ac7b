package domain

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on sizes of things people type, so a typo of a few extra zeros is
// refused rather than stored.
const (
	MaxNameLen        = 200
	MaxDescriptionLen = 4000
	MaxAmountPence    = 100_000_000_000_00 // £100bn: no grant in this sector comes near
	MaxContacts       = 20
	MaxRoles          = 50
	CurrencyGBP       = "GBP"
)

// Programme is a funded programme, such as a network of NHS trusts delivering
// employment support, with a lead organisation and member projects.
type Programme struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	LeadOrganisation string `json:"leadOrganisation"`
	Region           string `json:"region,omitempty"`
	StartDate        Date   `json:"startDate"`
	EndDate          Date   `json:"endDate"`
	Description      string `json:"description,omitempty"`
	// ReviewOutcomes makes every submission wait for a lead's approval
	// before its figures count (the reporting cycle's sign-off).
	ReviewOutcomes bool      `json:"reviewOutcomes"`
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"createdAt"`
	CreatedBy      string    `json:"createdBy,omitempty"`
	UpdatedAt      time.Time `json:"updatedAt,omitzero"`
	// OrgID, Postcode and BeneficiaryLocations describe the lead
	// organisation and the people served for 360Giving (see Location).
	OrgID                string     `json:"orgId,omitempty"`
	Postcode             string     `json:"postcode,omitempty"`
	BeneficiaryLocations []Location `json:"beneficiaryLocations,omitempty"`
}

// Input returns the programme's changeable fields.
func (p Programme) Input() ProgrammeInput {
	return ProgrammeInput{Name: p.Name, LeadOrganisation: p.LeadOrganisation, Region: p.Region,
		StartDate: p.StartDate, EndDate: p.EndDate, Description: p.Description,
		OrgID: p.OrgID, Postcode: p.Postcode, BeneficiaryLocations: slices.Clone(p.BeneficiaryLocations)}
}

// ProgrammePatch is the body of PATCH /programmes/{id}: only the fields
// present change.
type ProgrammePatch struct {
	Name                 *string     `json:"name,omitempty"`
	LeadOrganisation     *string     `json:"leadOrganisation,omitempty"`
	Region               *string     `json:"region,omitempty" null:"clears"`
	StartDate            *Date       `json:"startDate,omitempty"`
	EndDate              *Date       `json:"endDate,omitempty"`
	Description          *string     `json:"description,omitempty" null:"clears"`
	OrgID                *string     `json:"orgId,omitempty" null:"clears"`
	Postcode             *string     `json:"postcode,omitempty" null:"clears"`
	BeneficiaryLocations *[]Location `json:"beneficiaryLocations,omitempty" null:"clears"`
	ReviewOutcomes       *bool       `json:"reviewOutcomes,omitempty"`
}

// Apply returns p with the patch's fields replaced, and its input as
// patched, which the caller validates as a whole (a new end date can
// clash with the old start).
func (pt ProgrammePatch) Apply(p Programme) (Programme, ProgrammeInput) {
	in := p.Input()
	set(&in.Name, pt.Name)
	set(&in.LeadOrganisation, pt.LeadOrganisation)
	set(&in.Region, pt.Region)
	set(&in.StartDate, pt.StartDate)
	set(&in.EndDate, pt.EndDate)
	set(&in.Description, pt.Description)
	set(&in.OrgID, pt.OrgID)
	set(&in.Postcode, pt.Postcode)
	set(&in.BeneficiaryLocations, pt.BeneficiaryLocations)
	set(&p.ReviewOutcomes, pt.ReviewOutcomes)
	p.Name, p.LeadOrganisation, p.Region, p.StartDate, p.EndDate, p.Description =
		in.Name, in.LeadOrganisation, in.Region, in.StartDate, in.EndDate, in.Description
	p.OrgID, p.Postcode, p.BeneficiaryLocations = in.OrgID, in.Postcode, in.BeneficiaryLocations
	return p, in
}

// ProgrammeInput is the body of POST /programmes.
type ProgrammeInput struct {
	Name             string `json:"name"`
	LeadOrganisation string `json:"leadOrganisation"`
	Region           string `json:"region"`
	StartDate        Date   `json:"startDate"`
	EndDate          Date   `json:"endDate"`
	Description      string `json:"description"`
	// OrgID is the lead organisation's org-id.guide identifier, Postcode its
	// postcode; BeneficiaryLocations are where the people served live.
	OrgID                string     `json:"orgId"`
	Postcode             string     `json:"postcode"`
	BeneficiaryLocations []Location `json:"beneficiaryLocations"`
}

// Validate checks a programme before it is stored.
func (in ProgrammeInput) Validate() error {
	p := Problems{}
	requiredLine(p, "name", in.Name, MaxNameLen)
	requiredLine(p, "leadOrganisation", in.LeadOrganisation, MaxNameLen)
	optionalLine(p, "region", in.Region, MaxNameLen)
	optionalMultiLine(p, "description", in.Description, MaxDescriptionLen)
	period(p, "startDate", in.StartDate, "endDate", in.EndDate)
	if !in.StartDate.IsZero() && in.EndDate.After(DateOf(in.StartDate.Time().AddDate(MaxProgrammeYears, 0, 0))) {
		p.Add("endDate", fmt.Sprintf("must be within %d years of the start date", MaxProgrammeYears))
	}
	orgID(p, "orgId", in.OrgID)
	postcode(p, "postcode", in.Postcode)
	locations(p, "beneficiaryLocations", in.BeneficiaryLocations)
	return p.Err()
}

// MaxProgrammeYears bounds a programme's dates. Targets lie within them
// (TargetInput.CheckWindow) and are read a year at a time on every
// progress and portfolio read, so this bounds what those cost whatever
// dates are typed; and a period report (at most MaxReportYears) can always
// cover the whole programme.
const MaxProgrammeYears = MaxReportYears

// TextFields lists the programme's free text for the personal-data guard.
func (in ProgrammeInput) TextFields() []TextField {
	return slices.Concat([]TextField{{"name", in.Name}, {"leadOrganisation", in.LeadOrganisation}, {"region", in.Region},
		{"description", in.Description}, {"postcode", in.Postcode}}, locationTexts(in.BeneficiaryLocations), orgIDText("orgId", in.OrgID))
}

// Member is a person (by email) and the roles they hold in one programme.
type Member struct {
	Email     string    `json:"email"`
	Roles     []Role    `json:"roles"`
	UpdatedAt time.Time `json:"updatedAt"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
}

// MemberInput is the body of PUT /programmes/{id}/members/{email}.
type MemberInput struct {
	Roles []Role `json:"roles"`
}

// Validate checks the shape of the roles; that each project and funder exists
// is checked against the store by the service.
func (in MemberInput) Validate() error {
	p := Problems{}
	if len(in.Roles) == 0 {
		p.Add("roles", "at least one role is required")
	}
	if len(in.Roles) > MaxRoles {
		p.Add("roles", "too many roles")
	}
	seen := map[Role]bool{}
	for i, r := range in.Roles {
		f := "roles[" + strconv.Itoa(i) + "]"
		switch r.Role {
		case RoleLead:
			if r.ProjectID != "" {
				p.Add(f+".projectId", "only a project-lead names a project")
			}
			if r.FunderID != "" {
				p.Add(f+".funderId", "only a funder names a funder")
			}
		case RoleProjectLead:
			if !ValidID(r.ProjectID) {
				p.Add(f+".projectId", refProblem(r.ProjectID, "required: the project this person leads"))
			}
			if r.FunderID != "" {
				p.Add(f+".funderId", "only a funder names a funder")
			}
		case RoleFunder:
			if !ValidID(r.FunderID) {
				p.Add(f+".funderId", refProblem(r.FunderID, "required: the funder this person acts for"))
			}
			if r.ProjectID != "" {
				p.Add(f+".projectId", "only a project-lead names a project")
			}
		case "":
			p.Add(f+".role", "required")
		default:
			p.Add(f+".role", `must be "lead", "project-lead" or "funder"`)
		}
		if seen[r] {
			p.Add(f, "duplicate role")
		}
		seen[r] = true
	}
	return p.Err()
}

// TextFields is empty: roles hold names of roles and ids only, and the
// member's email is a staff contact, not text.
func (in MemberInput) TextFields() []TextField { return nil }

// ValidateEmail checks an email address given as a new member's
// identity: one email can be delivered to (emailProblem), naming field.
func ValidateEmail(field, s string) error {
	p := Problems{}
	email(p, field, s)
	return p.Err()
}

// Funder is an organisation that awards grants to the programme.
type Funder struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	OrgID string `json:"orgId,omitempty"`
	// Contacts are nil, and answered null rather than [] (null:"hidden":
	// see present.Answer), for a reader who may not see them; a funder
	// always has at least one.
	Contacts  []string  `json:"contacts" null:"hidden"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// FunderInput is the body of POST /programmes/{id}/funders.
type FunderInput struct {
	Name     string   `json:"name"`
	OrgID    string   `json:"orgId"`
	Contacts []string `json:"contacts"`
}

// Validate checks a funder before it is stored.
func (in FunderInput) Validate() error { return in.validate(nil) }

// ValidateChange checks in as the change of funder f it is. A contact f
// has, kept, is held to the rule it was stored under (EmailOnRecord), so a
// change that leaves it alone (a new name) is not refused for it; one
// added must be an address email can be delivered to, as Validate asks.
func (in FunderInput) ValidateChange(f Funder) error {
	stored := make([]string, len(f.Contacts))
	for i, c := range f.Contacts {
		stored[i] = NormaliseEmail(c)
	}
	return in.validate(stored)
}

// validate checks in, with the funder's stored contacts, normalised.
func (in FunderInput) validate(stored []string) error {
	p := Problems{}
	requiredLine(p, "name", in.Name, MaxNameLen)
	orgID(p, "orgId", in.OrgID)
	if len(in.Contacts) == 0 {
		p.Add("contacts", "at least one contact email is required")
	}
	if len(in.Contacts) > MaxContacts {
		p.Add("contacts", "at most 20 contacts")
	}
	// An address given twice (in any case: addresses are compared as
	// members' are) would be listed, and counted against the limit, twice.
	seen := map[string]bool{}
	for i, c := range in.Contacts {
		field := "contacts[" + strconv.Itoa(i) + "]"
		if !slices.Contains(stored, NormaliseEmail(c)) || !EmailOnRecord(c) {
			email(p, field, c)
		}
		if n := NormaliseEmail(c); n != "" && seen[n] {
			p.Add(field, "appears twice")
		} else {
			seen[n] = true
		}
	}
	return p.Err()
}

// TextFields lists the funder's free text: its name, and an orgId in a
// register whose format fundtrack does not check (orgIDText). Contacts
// are staff addresses in their own field.
func (in FunderInput) TextFields() []TextField {
	return append([]TextField{{"name", in.Name}}, orgIDText("orgId", in.OrgID)...)
}

// Input returns the funder's changeable fields, for applying a patch.
//
// A contact stored twice (funders saved before contacts had to differ)
// is given once, where it first appears: a change that leaves the contacts
// alone is then not refused for the duplicate, and the funder is saved
// without it.
func (f Funder) Input() FunderInput {
	return FunderInput{Name: f.Name, OrgID: f.OrgID, Contacts: firstOfEach(f.Contacts)}
}

// firstOfEach is the contacts without repeats, compared as Validate
// compares them (in any case), each kept where it first appears.
func firstOfEach(contacts []string) []string {
	out := make([]string, 0, len(contacts))
	seen := map[string]bool{}
	for _, c := range contacts {
		if n := NormaliseEmail(c); !seen[n] {
			seen[n] = true
			out = append(out, c)
		}
	}
	return out
}

// FunderPatch is the body of PATCH …/funders/{id}: only the fields present
// change. A funder's contacts change as people move on; the next email
// goes to the contacts as they are then.
type FunderPatch struct {
	Name     *string   `json:"name,omitempty"`
	OrgID    *string   `json:"orgId,omitempty" null:"clears"`
	Contacts *[]string `json:"contacts,omitempty"`
}

// Apply returns in with the patch's fields replaced.
func (pt FunderPatch) Apply(in FunderInput) FunderInput {
	set(&in.Name, pt.Name)
	set(&in.OrgID, pt.OrgID)
	set(&in.Contacts, pt.Contacts)
	return in
}

// Project is one member project of a programme, such as one trust's IPS service.
type Project struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	LeadOrganisation string    `json:"leadOrganisation"`
	Area             string    `json:"area,omitempty"`
	StartDate        Date      `json:"startDate"`
	EndDate          Date      `json:"endDate"`
	Version          int64     `json:"version"`
	CreatedAt        time.Time `json:"createdAt"`
	UpdatedAt        time.Time `json:"updatedAt,omitzero"`
	// OrgID, Postcode and BeneficiaryLocations describe the lead
	// organisation and the people served for 360Giving (see Location).
	OrgID                string     `json:"orgId,omitempty"`
	Postcode             string     `json:"postcode,omitempty"`
	BeneficiaryLocations []Location `json:"beneficiaryLocations,omitempty"`
}

// ProjectInput is the body of POST /programmes/{id}/projects.
type ProjectInput struct {
	Name             string `json:"name"`
	LeadOrganisation string `json:"leadOrganisation"`
	Area             string `json:"area"`
	StartDate        Date   `json:"startDate"`
	EndDate          Date   `json:"endDate"`
	// OrgID is the lead organisation's org-id.guide identifier, Postcode its
	// postcode; BeneficiaryLocations are where the people served live.
	OrgID                string     `json:"orgId"`
	Postcode             string     `json:"postcode"`
	BeneficiaryLocations []Location `json:"beneficiaryLocations"`
}

// Validate checks a project before it is stored.
func (in ProjectInput) Validate() error {
	p := Problems{}
	requiredLine(p, "name", in.Name, MaxNameLen)
	requiredLine(p, "leadOrganisation", in.LeadOrganisation, MaxNameLen)
	optionalLine(p, "area", in.Area, MaxNameLen)
	period(p, "startDate", in.StartDate, "endDate", in.EndDate)
	orgID(p, "orgId", in.OrgID)
	postcode(p, "postcode", in.Postcode)
	locations(p, "beneficiaryLocations", in.BeneficiaryLocations)
	return p.Err()
}

// TextFields lists the project's free text for the personal-data guard.
func (in ProjectInput) TextFields() []TextField {
	return slices.Concat([]TextField{{"name", in.Name}, {"leadOrganisation", in.LeadOrganisation}, {"area", in.Area},
		{"postcode", in.Postcode}}, locationTexts(in.BeneficiaryLocations), orgIDText("orgId", in.OrgID))
}

// Input returns the project's changeable fields, for applying a patch.
func (pr Project) Input() ProjectInput {
	return ProjectInput{Name: pr.Name, LeadOrganisation: pr.LeadOrganisation, Area: pr.Area, StartDate: pr.StartDate,
		EndDate: pr.EndDate, OrgID: pr.OrgID, Postcode: pr.Postcode, BeneficiaryLocations: slices.Clone(pr.BeneficiaryLocations)}
}

// ProjectPatch is the body of PATCH …/projects/{id}: only the fields
// present change (a project's orgId can be added once it is known).
type ProjectPatch struct {
	Name                 *string     `json:"name,omitempty"`
	LeadOrganisation     *string     `json:"leadOrganisation,omitempty"`
	Area                 *string     `json:"area,omitempty" null:"clears"`
	StartDate            *Date       `json:"startDate,omitempty"`
	EndDate              *Date       `json:"endDate,omitempty"`
	OrgID                *string     `json:"orgId,omitempty" null:"clears"`
	Postcode             *string     `json:"postcode,omitempty" null:"clears"`
	BeneficiaryLocations *[]Location `json:"beneficiaryLocations,omitempty" null:"clears"`
}

// Apply returns in with the patch's fields replaced; the result must be
// validated as a whole.
func (pt ProjectPatch) Apply(in ProjectInput) ProjectInput {
	set(&in.Name, pt.Name)
	set(&in.LeadOrganisation, pt.LeadOrganisation)
	set(&in.Area, pt.Area)
	set(&in.StartDate, pt.StartDate)
	set(&in.EndDate, pt.EndDate)
	set(&in.OrgID, pt.OrgID)
	set(&in.Postcode, pt.Postcode)
	set(&in.BeneficiaryLocations, pt.BeneficiaryLocations)
	return in
}

// Grant is one award of money from one funder, to the programme as a whole or
// to one of its projects.
type Grant struct {
	ID          string    `json:"id"`
	FunderID    string    `json:"funderId"`
	ProjectID   string    `json:"projectId,omitempty"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	AmountPence int64     `json:"amountPence"`
	Currency    string    `json:"currency"`
	AwardDate   Date      `json:"awardDate"`
	StartDate   Date      `json:"startDate"`
	EndDate     Date      `json:"endDate"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// Budget is how the amount is meant to be spent, by category; its
	// lines add up to AmountPence. A grant may have none.
	Budget []BudgetLine `json:"budget,omitempty"`
}

// GrantInput is the body of POST /programmes/{id}/grants.
type GrantInput struct {
	FunderID    string `json:"funderId"`
	ProjectID   string `json:"projectId"`
	Title       string `json:"title"`
	Description string `json:"description"`
	AmountPence int64  `json:"amountPence" required:"true"` // missing is "required", not "must be positive"
	Currency    string `json:"currency"`
	AwardDate   Date   `json:"awardDate"`
	StartDate   Date   `json:"startDate"`
	EndDate     Date   `json:"endDate"`
	// Budget, when given, has one line per category it uses, adding up to
	// AmountPence.
	Budget []BudgetLine `json:"budget"`
}

// Validate checks a grant's own fields; that its funder and project exist is
// checked against the store by the service.
func (in GrantInput) Validate() error {
	p := Problems{}
	if !ValidID(in.FunderID) {
		p.Add("funderId", refProblem(in.FunderID, "required: the id of one of the programme's funders"))
	}
	if in.ProjectID != "" && !ValidID(in.ProjectID) {
		// Told as an id of no project of the programme is (the service's
		// answer, another programme's project's included).
		p.Add("projectId", ProblemNotFoundRef)
	}
	requiredLine(p, "title", in.Title, MaxNameLen)
	optionalMultiLine(p, "description", in.Description, MaxDescriptionLen)
	switch {
	case in.AmountPence <= 0:
		p.Add("amountPence", "must be a positive whole number of pence")
	case in.AmountPence > MaxAmountPence:
		p.Add("amountPence", "is implausibly large (over £100bn)")
	}
	if in.Currency != CurrencyGBP {
		p.Add("currency", `must be "GBP"`)
	}
	if in.AwardDate.IsZero() {
		p.Add("awardDate", "required")
	}
	period(p, "startDate", in.StartDate, "endDate", in.EndDate)
	if !in.AwardDate.IsZero() && !in.EndDate.IsZero() && in.AwardDate.After(in.EndDate) {
		p.Add("awardDate", "must not be after the end date")
	}
	budget(p, in.Budget, in.AmountPence)
	return p.Err()
}

// TextFields lists the grant's free text for the personal-data guard.
func (in GrantInput) TextFields() []TextField {
	return []TextField{{"title", in.Title}, {"description", in.Description}}
}

// Input returns the grant's changeable fields, for applying a patch.
func (g Grant) Input() GrantInput {
	return GrantInput{FunderID: g.FunderID, ProjectID: g.ProjectID, Title: g.Title, Description: g.Description,
		AmountPence: g.AmountPence, Currency: g.Currency, AwardDate: g.AwardDate, StartDate: g.StartDate, EndDate: g.EndDate,
		Budget: slices.Clone(g.Budget)}
}

// GrantPatch is the body of PATCH …/grants/{id}: only the fields present change.
// An empty projectId moves the grant to the programme as a whole.
type GrantPatch struct {
	FunderID    *string `json:"funderId,omitempty"`
	ProjectID   *string `json:"projectId,omitempty" null:"clears"`
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty" null:"clears"`
	AmountPence *int64  `json:"amountPence,omitempty"`
	Currency    *string `json:"currency,omitempty"`
	AwardDate   *Date   `json:"awardDate,omitempty"`
	StartDate   *Date   `json:"startDate,omitempty"`
	EndDate     *Date   `json:"endDate,omitempty"`
	// Budget replaces the whole budget; [] removes it. A new amount needs a
	// budget that adds up to it.
	Budget *[]BudgetLine `json:"budget,omitempty" null:"clears"`
}

// Apply returns in with the patch's fields replaced; the result must be
// validated as a whole, since a new end date can clash with the old start.
func (pt GrantPatch) Apply(in GrantInput) GrantInput {
	set(&in.FunderID, pt.FunderID)
	set(&in.ProjectID, pt.ProjectID)
	set(&in.Title, pt.Title)
	set(&in.Description, pt.Description)
	set(&in.AmountPence, pt.AmountPence)
	set(&in.Currency, pt.Currency)
	set(&in.AwardDate, pt.AwardDate)
	set(&in.StartDate, pt.StartDate)
	set(&in.EndDate, pt.EndDate)
	set(&in.Budget, pt.Budget)
	return in
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// --- shared field checks ---

// Text fields are one line (names, titles, areas, regions, organisations:
// they become headings, table cells, CSV cells and email subjects) or
// multi-line (descriptions, notes, comments). Neither may hold a character
// that makes text read differently from what it holds (see TextProblem).

func requiredLine(p Problems, field, s string, max int) {
	requiredText(p, field, s, max, false)
}

func optionalLine(p Problems, field, s string, max int) {
	optionalText(p, field, s, max, false)
}

func optionalMultiLine(p Problems, field, s string, max int) {
	optionalText(p, field, s, max, true)
}

// requiredText refuses as "required" text with nothing a reader would
// see (HasVisible): white space alone, or Hangul fillers, a braille blank
// and the like, would be a record with a blank name in every page, CSV
// file and email. Text refused for what it holds (TextProblem: a lone
// U+200B, say) says so instead.
func requiredText(p Problems, field, s string, max int, multiLine bool) {
	if strings.TrimSpace(s) == "" {
		p.Add(field, "required")
		return
	}
	if problem := TextProblem(s, multiLine); problem == "" && !HasVisible(s) {
		p.Add(field, "required")
		return
	}
	optionalText(p, field, s, max, multiLine)
}

// optionalText checks text that may be left empty. White space alone
// reads as empty and is taken as it always was; other text with nothing
// visible is refused, since it is not empty but shows as if it were.
func optionalText(p Problems, field, s string, max int, multiLine bool) {
	if problem := TextProblem(s, multiLine); problem != "" {
		p.Add(field, problem)
		return
	}
	if strings.TrimSpace(s) != "" && !HasVisible(s) {
		p.Add(field, BlankProblem)
		return
	}
	if utf8.RuneCountInString(s) > max {
		p.Add(field, "must be at most "+strconv.Itoa(max)+" characters")
	}
}

// BlankProblem is the problem with optional text that holds characters
// but none that shows: leave it empty, or write something a reader sees.
const BlankProblem = "must be left empty or hold something visible: it holds only invisible or blank characters"

// HasVisible reports whether s holds a character a reader would see: one
// that is not blank (IsBlank).
func HasVisible(s string) bool {
	for _, r := range s {
		if !IsBlank(r) {
			return true
		}
	}
	return false
}

// IsBlank reports whether r shows as nothing on its own: Unicode's white
// space (White_Space: spaces of every width, no-break spaces, U+3000,
// line breaks), Unicode's default-ignorable code points
// (Default_Ignorable_Code_Point, isDefaultIgnorable: the Hangul fillers
// U+115F, U+1160, U+3164 and U+FFA0, the combining grapheme joiner U+034F,
// variation selectors, the zero-width and other invisible format
// characters), and the braille pattern blank U+2800, a blank cell that
// fonts draw as a space but Unicode counts as a symbol. These are not
// refused inside visible text, where some of them have a use (a variation
// selector in "❤️", a Hangul filler in an old Hangul syllable, the
// combining grapheme joiner in Hebrew), but text made only of them shows as
// empty, and is taken as empty.
func IsBlank(r rune) bool {
	return unicode.IsSpace(r) || r == braillePatternBlank || isDefaultIgnorable(r)
}

const braillePatternBlank = 0x2800

// isDefaultIgnorable is Unicode's derived property
// Default_Ignorable_Code_Point, which Go's unicode package does not hold,
// built as DerivedCoreProperties.txt defines it from properties it does:
// Other_Default_Ignorable_Code_Point + Cf + Variation_Selector −
// White_Space − U+FFF9..U+FFFB − U+13430..U+1343F − Prepended_Concatenation_Mark.
// (The interlinear annotation marks and Egyptian hieroglyph format
// controls left out are format characters all the same, refused in any
// text by IsInvisible.)
func isDefaultIgnorable(r rune) bool {
	if !unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector) {
		return false
	}
	return !unicode.Is(unicode.White_Space, r) && !(r >= 0xFFF9 && r <= 0xFFFB) && !(r >= 0x13430 && r <= 0x1343F) &&
		!unicode.Is(unicode.Prepended_Concatenation_Mark, r)
}

// TextProblem says what is wrong with s as the text of a field, or "" if
// nothing is: it must be valid UTF-8 and hold no control character (tab,
// CR and LF are allowed only when multiLine), no line or paragraph
// separator in a one-line field, no invisible format character anywhere
// (IsInvisible), no soft hyphen in a one-line field, and no noncharacter.
// An invisible character would let "Leeds" display as something else in a
// page, a CSV file or an email subject, make two names that look the same
// differ, and hide what a name really holds from the people who read it.
// A soft hyphen (U+00AD) is invisible too except where a line breaks at
// it, so it is refused in names, which have no use for it; descriptions
// and notes keep it, as text pasted from documents and web pages carries
// it to mark where a long word may break. A noncharacter (U+FFFE,
// U+FDD0–U+FDEF, the last two code points of every plane) is Unicode's
// own "never in text" and shows as nothing, or a box.
func TextProblem(s string, multiLine bool) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8 text"
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			if !multiLine {
				return "must be a single line (no line breaks)"
			}
			if r > 0x7f { // Unicode separators: a line break only some readers see
				return "must not contain the Unicode line or paragraph separator; use a plain line break"
			}
		case r == '\t':
			if !multiLine {
				return "must not contain tabs"
			}
		case unicode.IsControl(r):
			return "must not contain control characters"
		case IsInvisible(r):
			return fmt.Sprintf("must not contain invisible or text-direction characters (U+%04X)", r)
		case r == softHyphen && !multiLine:
			return "must not contain a soft hyphen (U+00AD), which is invisible in a name"
		case IsNoncharacter(r):
			return fmt.Sprintf("must not contain Unicode noncharacters (U+%04X)", r)
		}
	}
	return ""
}

const softHyphen = 0x00AD

// IsInvisible reports whether r is an invisible format character: any of
// Unicode's general category Cf, which are the bidirectional controls
// (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, U+061C), the zero-width
// ones (U+200B–U+200D, U+2060, U+FEFF, U+180E), the invisible operators
// (U+2061–U+2064), the interlinear annotation marks (U+FFF9–U+FFFB) and
// the tag characters (U+E0001, U+E0020–U+E007F, which can carry hidden
// text; the flags of England, Scotland and Wales are written with them, as
// family emoji are with U+200D, which the SPEC refuses), and a few more.
// Left out: the soft hyphen (see TextProblem) and the prepended
// concatenation marks (U+0600–U+0605, U+06DD, U+070F, U+0890, U+0891,
// U+08E2, U+110BD, U+110CD), which are visible signs written before
// numbers in Arabic, Syriac and Kaithi text.
func IsInvisible(r rune) bool {
	if r < 0xAD || !unicode.Is(unicode.Cf, r) {
		return false
	}
	switch {
	case r == softHyphen, r >= 0x0600 && r <= 0x0605, r == 0x06DD, r == 0x070F, r == 0x0890, r == 0x0891, r == 0x08E2,
		r == 0x110BD, r == 0x110CD:
		return false
	}
	return true
}

// IsNoncharacter reports whether r is one of Unicode's 66 noncharacters:
// U+FDD0–U+FDEF and the last two code points of each plane (U+FFFE,
// U+FFFF, U+1FFFE, …, U+10FFFF), which are never to appear in text.
func IsNoncharacter(r rune) bool {
	return r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE && r <= unicode.MaxRune
}

// period checks a start and an end date. An end before the start names
// the start in words ("must not be before the start date"), not by its
// field's name: the message reads well in an API answer, an import's row
// errors and beside a form's field ("End date must not be …") alike.
func period(p Problems, startField string, start Date, endField string, end Date) {
	if start.IsZero() {
		p.Add(startField, "required")
	}
	if end.IsZero() {
		p.Add(endField, "required")
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		p.Add(endField, "must not be before the "+fieldWords(startField))
	}
}

// fieldWords writes a field's name in words: "periodStart" is "period
// start".
func fieldWords(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsUpper(r) {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// email checks an address given for a member or a funder contact
// (ValidateEmail): one email can be delivered to.
func email(p Problems, field, s string) {
	if msg := emailProblem(s, true); msg != "" {
		p.Add(field, msg)
	}
}

// problemEmail is what an address that is no address is told.
const problemEmail = "must be an email address such as name@example.org"

// emailProblem is what is wrong with s as an email address, or "".
// net/mail reads it first: one address, nothing but the address (no
// display name), at most 254 characters, with no character that makes it
// read as another (TextProblem), at a domain name, not an IP address.
//
// deliverable asks more, what SES delivers to (fundtrack emails members
// and funder contacts through it), since an address it refuses is one a
// person can never be reached at nor, for want of an account at it, sign
// in as: the part before the @ in 7-bit ASCII (SES supports no SMTPUTF8),
// at most 64 characters (RFC 5321); the domain a DNS host name (hostName).
// net/mail takes any RFC 5322 atom as a domain, "/", "'", "!", "{" and
// "_" included, so "x@example.org/" and "'jane@gmail.com'", pasted with
// what surrounded them, passed (audit-surface W2). Without deliverable
// it is the rule addresses were stored under before, which those already
// stored still meet: EmailOnRecord.
func emailProblem(s string, deliverable bool) string {
	if s == "" {
		return "required"
	}
	a, err := mail.ParseAddress(s)
	// net/mail takes UTF-8 in addresses, bidi and zero-width characters
	// included, so an address can look like another: refused like in text.
	at := strings.LastIndexByte(s, '@')
	local, host := s[:max(at, 0)], s[at+1:]
	switch {
	case err != nil || a.Address != s || a.Name != "" || len(s) > 254 || TextProblem(s, false) != "":
		return problemEmail
	case ipDomain(host):
		return "must be an email address at a domain name such as name@example.org, not at an IP address"
	case !strings.Contains(host, "."):
		return problemEmail
	case !deliverable:
		return ""
	case strings.IndexFunc(local, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0:
		return problemEmail + ", with only letters A to Z, digits and punctuation before the @: email cannot be delivered to accented or other letters there"
	case len(local) > 64:
		return problemEmail + ", with at most 64 characters before the @"
	case !hostName(host):
		return problemEmail + ": what follows the @ must be a domain name, such as example.org: letters A to Z, digits and hyphens, " +
			"in parts separated by dots (a domain with accented letters in its xn-- form)"
	}
	return ""
}

// hostName reports whether s is a DNS host name email can be delivered
// to: at most 253 characters; at least two labels separated by dots, each
// 1 to 63 letters A to Z, digits and hyphens, neither starting nor ending
// with a hyphen (RFC 1123); the last, the top-level domain, letters only
// or an internationalised one in its ASCII form ("xn--…").
func hostName(s string) bool {
	labels := strings.Split(s, ".")
	if len(s) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' ||
			strings.IndexFunc(l, func(r rune) bool { return !asciiLetterOrDigit(r) && r != '-' }) >= 0 {
			return false
		}
	}
	tld := labels[len(labels)-1]
	return strings.HasPrefix(strings.ToLower(tld), "xn--") ||
		len(tld) >= 2 && strings.IndexFunc(tld, func(r rune) bool { return r >= utf8.RuneSelf || !asciiLetter[r] }) < 0
}

func asciiLetterOrDigit(r rune) bool {
	return r < utf8.RuneSelf && asciiLetter[r] || r >= '0' && r <= '9'
}

// EmailOnRecord reports whether s could be an address fundtrack holds: one
// ValidateEmail takes, or one it took when the address was stored, before
// addresses had to be deliverable (emailProblem). An address that is not
// names no member, so reading one costs no read of a member; one that is
// is read, so a member stored at it can still be read, changed and
// removed, and a person whose verified address it is can still sign in.
func EmailOnRecord(s string) bool { return emailProblem(s, false) == "" }

// ipDomain reports whether an address's domain (net/mail has read it)
// is an IP address: a domain literal ("[127.0.0.1]"), which net/mail
// takes, or a dotted IPv4 address without the brackets, whose last part,
// all digits, is no top-level domain. Neither is a person's address that
// SES would deliver to: an email to it would only fail.
func ipDomain(domain string) bool {
	if strings.HasPrefix(domain, "[") {
		return true
	}
	last := domain[strings.LastIndexByte(domain, '.')+1:]
	return last != "" && strings.Trim(last, "0123456789") == ""
}
