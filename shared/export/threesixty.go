package export

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The 360Giving Data Standard (https://standard.threesixtygiving.org),
// schema version 1.4, as a JSON data package that a funder can publish as
// it is: it validates against the standard's schema and raises none of the
// 360Giving Data Quality Tool's notices that fundtrack's data can avoid
// (the tests hold it to both; export/givingtest re-implements the tool's
// checks). Identifiers follow the standard's identifier guidance:
//
//   - a grant is "360G-<prefix>-<grant id>", <prefix> being the publisher's
//     registered 360Giving prefix (GivingConfig.Prefix, a deployment
//     parameter);
//   - a funder is its org-id.guide identifier (Funder.OrgID), else
//     "360G-<prefix>-org-<funder id>" (which the tool notes: give the funder
//     an orgId);
//   - a recipient is the organisation fundtrack records as receiving the
//     grant: for a grant to a project, the project's lead organisation, with
//     the project's orgId, else "360G-<prefix>-org-<project id>"; for a grant
//     to the whole programme, the programme's lead organisation, with the
//     programme's orgId, else "360G-<prefix>-org-<programme id>". A project
//     grant is never shown as the programme's: that would publish another
//     organisation (its identifier and postcode) as the recipient, and change
//     a published grant's recipient whenever the programme's orgId is set.
//     The tool's notice about a coined identifier is avoided by giving the
//     project its own orgId;
//   - a charity or company number is given beside the identifier when the
//     identifier is one (GB-CHC, GB-SC, GB-NIC, GB-COH), and the postcode
//     of the organisation named.
//
// Payments: the standard has amountDisbursed ("total amount disbursed
// (paid) to this grantee when this record was last updated", which "should
// equal the sum of all the disbursement transactions") and
// disbursementTransaction (one per payment made: transactionDate, value,
// provider and recipient). So a grant with payments recorded in fundtrack
// carries both: each paid payment as a transaction on its paid date, and
// their sum. Payments scheduled or due are not disbursements and the
// standard has no field for planned tranches, so they are left out; so is
// spend, which the standard does not cover (it describes grants, not what
// recipients spend). A grant with no payments recorded says nothing of
// disbursement, since fundtrack cannot know what was paid outside it.

// GivingVersion is the 360Giving schema version packages declare (major.minor).
const GivingVersion = "1.4"

// DefaultGivingPrefix is the 360Giving prefix used when none is configured:
// fine for trying fundtrack out, but a deployment whose data is published
// sets the prefix 360Giving registered for its publisher.
const DefaultGivingPrefix = "fundtrack"

// DefaultGivingLicense is the licence packages carry when the deployment
// names none: Creative Commons Attribution 4.0, the licence 360Giving
// recommends to publishers.
const DefaultGivingLicense = "https://creativecommons.org/licenses/by/4.0/"

// GivingConfig is how a deployment publishes 360Giving data. Every field is
// a deployment parameter (FUNDTRACK_360_* in the environment).
type GivingConfig struct {
	// Prefix is the publisher's registered 360Giving prefix, with or
	// without its leading "360G-"; "" is DefaultGivingPrefix.
	Prefix string
	// PublisherName and PublisherID (an org-id.guide identifier) name who
	// publishes packages of a whole programme. Empty, the programme's lead
	// organisation does. A package of one funder's grants always names that
	// funder.
	PublisherName string
	PublisherID   string
	// License is the URL of the licence the data is published under; ""
	// is DefaultGivingLicense.
	License string
	// DataSource is the web address each grant names as where its data
	// comes from (the funder's open data page, say); "" is the address the
	// package itself was downloaded from (see WithDataSource), a
	// placeholder only: that address needs a sign-in, so a deployment
	// whose data is published sets its own.
	DataSource string
}

// givingPrefixPattern is compiled on first use, not at every cold start.
var givingPrefixPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$`) })

// Validate checks the configuration, naming the environment variable that
// is wrong, so a deployment with a bad parameter fails at start rather
// than publishing bad data.
func (c GivingConfig) Validate() error {
	var problems []string
	if c.Prefix != "" && !givingPrefixPattern().MatchString(GivingPrefix(c.Prefix)) {
		problems = append(problems, "FUNDTRACK_360_PREFIX must be a 360Giving prefix such as 360G-example (letters, digits, - and _)")
	}
	if c.PublisherID != "" {
		if msg := domain.CheckOrgID(c.PublisherID); msg != "" {
			problems = append(problems, "FUNDTRACK_360_PUBLISHER_ID "+msg)
		}
		if c.PublisherName == "" {
			problems = append(problems, "FUNDTRACK_360_PUBLISHER_ID is set without FUNDTRACK_360_PUBLISHER_NAME")
		}
	}
	for env, v := range map[string]string{"FUNDTRACK_360_LICENSE": c.License, "FUNDTRACK_360_DATA_SOURCE": c.DataSource} {
		if v != "" && !webURL(v) {
			problems = append(problems, env+" must be an http or https URL")
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("360Giving settings: %s", strings.Join(problems, "; "))
	}
	return nil
}

// WithDataSource returns c with DataSource set to fallback when the
// deployment named none. The API passes the address a package was asked
// for, so every grant links to the data it came from.
func (c GivingConfig) WithDataSource(fallback string) GivingConfig {
	if c.DataSource == "" && webURL(fallback) {
		c.DataSource = fallback
	}
	return c
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// GivingPackage is a 360Giving data package.
type GivingPackage struct {
	Grants      []GivingGrant   `json:"grants"`
	Version     string          `json:"version"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Identifier  string          `json:"identifier"`
	Issued      string          `json:"issued"`
	Modified    string          `json:"modified,omitempty"`
	Publisher   GivingPublisher `json:"publisher"`
	License     string          `json:"license"`
}

// GivingPublisher is who publishes a package. The 1.4 package schema has no
// field for the publisher's 360Giving prefix (the registry holds it), so it
// appears in the grant and package identifiers only; a field of our own
// would be reported by the Data Quality Tool as one the standard lacks.
type GivingPublisher struct {
	Name       string `json:"name"`
	Identifier string `json:"identifier,omitempty"`
}

// GivingGrant is one grant in 360Giving's shape.
type GivingGrant struct {
	ID                    string           `json:"id"`
	Title                 string           `json:"title"`
	Description           string           `json:"description"`
	Currency              string           `json:"currency"`
	AmountAwarded         json.Number      `json:"amountAwarded"` // pounds, e.g. 310000 or 1234.5
	AmountDisbursed       *json.Number     `json:"amountDisbursed,omitempty"`
	AwardDate             string           `json:"awardDate"`
	PlannedDates          []GivingEvent    `json:"plannedDates,omitempty"`
	RecipientOrganization []GivingOrg      `json:"recipientOrganization"`
	FundingOrganization   []GivingOrg      `json:"fundingOrganization"`
	BeneficiaryLocation   []GivingLocation `json:"beneficiaryLocation,omitempty"`
	GrantProgramme        []GivingProgram  `json:"grantProgramme"`
	// DisbursementTransaction is each payment made, oldest first.
	DisbursementTransaction []GivingTransaction `json:"disbursementTransaction,omitempty"`
	DateModified            string              `json:"dateModified"`
	DataSource              string              `json:"dataSource,omitempty"`
}

// GivingTransaction is one payment of a grant to its recipient.
type GivingTransaction struct {
	ID              string      `json:"id"`
	TransactionDate string      `json:"transactionDate"`
	Currency        string      `json:"currency"`
	Value           json.Number `json:"value"`
	Description     string      `json:"description,omitempty"`
	Provider        string      `json:"provider"`
	Recipient       string      `json:"recipient"`
	DateModified    string      `json:"dateModified"`
}

// GivingEvent is a period of a grant.
type GivingEvent struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

// GivingOrg is a funding or recipient organisation.
type GivingOrg struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	CharityNumber string `json:"charityNumber,omitempty"`
	CompanyNumber string `json:"companyNumber,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
}

// GivingLocation is a place the people a grant serves live in.
type GivingLocation struct {
	Name        string `json:"name"`
	GeoCode     string `json:"geoCode,omitempty"`
	GeoCodeType string `json:"geoCodeType,omitempty"`
	CountryCode string `json:"countryCode"`
}

// GivingProgram is the programme a grant was awarded under.
type GivingProgram struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// GivingPrefix is the configured prefix made ready for identifiers: spaces
// and a leading "360G-" (which the identifiers add themselves) are dropped;
// an empty one is DefaultGivingPrefix.
func GivingPrefix(p string) string {
	p = strings.TrimSpace(p)
	if len(p) >= 5 && strings.EqualFold(p[:5], "360G-") {
		p = p[5:]
	}
	if p == "" {
		return DefaultGivingPrefix
	}
	return p
}

// GivingGrantID is a grant's 360Giving identifier.
func GivingGrantID(prefix, grantID string) string {
	return "360G-" + GivingPrefix(prefix) + "-" + grantID
}

// GivingOrgID is the identifier fundtrack coins for an organisation it
// knows no org-id for, from the id of the record naming it.
func GivingOrgID(prefix, recordID string) string {
	return "360G-" + GivingPrefix(prefix) + "-org-" + recordID
}

// Amount is an amount in pence as a JSON number of pounds, exact (decimal
// digits, no floating point) and without trailing zeros: 31000000 pence is
// 310000, 123450 is 1234.5.
func Amount(pence int64) json.Number {
	s := PoundsPlain(pence)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	return json.Number(s)
}

func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// org is a 360Giving organisation for an identifier fundtrack holds (or,
// when id is "", one it coins from the record's id).
func org(prefix, id, recordID, name, postcode string) GivingOrg {
	o := GivingOrg{ID: id, Name: name, PostalCode: postcode}
	if o.ID == "" {
		o.ID = GivingOrgID(prefix, recordID)
	}
	switch field, number := domain.OrgIDNumber(id); field {
	case "charityNumber":
		o.CharityNumber = number
	case "companyNumber":
		o.CompanyNumber = number
	}
	return o
}

// recipient is who a grant is shown as received by (see the package
// comment): the project's lead organisation for a grant to a project, the
// programme's for a grant to the whole programme.
func recipient(prefix string, p domain.Programme, pr *domain.Project) GivingOrg {
	if pr != nil {
		return org(prefix, pr.OrgID, pr.ID, pr.LeadOrganisation, pr.Postcode)
	}
	return org(prefix, p.OrgID, p.ID, p.LeadOrganisation, p.Postcode)
}

// beneficiaries are where the people a grant serves live. For a grant to a
// project, the project's place wins: its locations, else the area it names
// in words; only a project that names no place falls back to the
// programme's (its members serve parts of them), which would otherwise
// publish a Cardiff project as serving the East Midlands. A name without
// a code is still published, since it tells a reader something, though
// the tool asks for the code too.
func beneficiaries(p domain.Programme, pr *domain.Project) []GivingLocation {
	switch {
	case pr != nil && len(pr.BeneficiaryLocations) > 0:
		return locations(pr.BeneficiaryLocations)
	case pr != nil && pr.Area != "":
		return []GivingLocation{{Name: pr.Area, CountryCode: "GB"}}
	case len(p.BeneficiaryLocations) > 0:
		return locations(p.BeneficiaryLocations)
	case p.Region != "":
		return []GivingLocation{{Name: p.Region, CountryCode: "GB"}}
	}
	return nil
}

func locations(ls []domain.Location) []GivingLocation {
	out := make([]GivingLocation, 0, len(ls))
	for _, l := range ls {
		out = append(out, GivingLocation{Name: l.Name, GeoCode: l.GeoCode, GeoCodeType: domain.GeoCodeType(l.GeoCode), CountryCode: "GB"})
	}
	return out
}

// GivingFunder narrows s to the grants of one funder, for that funder to
// publish. An id that is no funder of the programme is not found; a funder
// with no grants gives an empty set, which GivingFile refuses.
func GivingFunder(s GrantSet, funderID string) (GrantSet, domain.Funder, error) {
	var f domain.Funder
	found := false
	for _, x := range s.Funders {
		if x.ID == funderID {
			f, found = x, true
		}
	}
	var grants []domain.Grant
	for _, g := range s.Grants {
		if g.FunderID == funderID {
			grants = append(grants, g)
		}
	}
	if !found && len(s.Grants) > 0 {
		// With grants in view the set holds every funder of the programme, so
		// this one is not among them. (With none, the set holds no funders,
		// and the answer is that there is nothing to publish.)
		return GrantSet{}, domain.Funder{}, domain.NotFound("funder")
	}
	s.Grants = grants
	return s, f, nil
}

// selectionPublisher is who publishes a package of a selection, when one
// organisation does: the selection of someone who acts for one funder
// only is that funder's own grants, published by it, as with funderId;
// that of someone who leads one project only is the grants its lead
// organisation received, published by it. Anyone else's (several funders,
// or a funder who also leads a project) has no one organisation behind
// it, and is published as a whole programme's package is.
func (s GrantSet) selectionPublisher() (GivingPublisher, bool) {
	switch {
	case len(s.SelectedFunders) == 1 && len(s.SelectedProjects) == 0:
		if f, ok := s.funders()[s.SelectedFunders[0]]; ok {
			return GivingPublisher{Name: f.Name, Identifier: f.OrgID}, true
		}
	case len(s.SelectedProjects) == 1 && len(s.SelectedFunders) == 0:
		if pr, ok := s.projects()[s.SelectedProjects[0]]; ok && pr.LeadOrganisation != "" {
			return GivingPublisher{Name: pr.LeadOrganisation, Identifier: pr.OrgID}, true
		}
	}
	return GivingPublisher{}, false
}

// selectionFileName is the file name of a package of a selection: never
// the whole programme's nor a funder's package's, and naming whose
// selection it is when one funder's or one project's.
func (s GrantSet) selectionFileName() string {
	who := ""
	switch {
	case len(s.SelectedFunders) == 1 && len(s.SelectedProjects) == 0:
		if f, ok := s.funders()[s.SelectedFunders[0]]; ok {
			who = "-" + Slug(f.Name)
		}
	case len(s.SelectedProjects) == 1 && len(s.SelectedFunders) == 0:
		if pr, ok := s.projects()[s.SelectedProjects[0]]; ok {
			who = "-" + Slug(pr.Name)
		}
	}
	return Slug(s.Programme.Name) + who + "-selected-grants-360giving.json"
}

// Giving builds the 360Giving package of a set of grants, issued now. With
// a funder, the package is that funder's, published by it; without one it
// holds every grant in the set, published by the configured publisher (or
// the programme's lead organisation). The 360Giving schema requires at
// least one grant; callers refuse an empty set before calling.
func Giving(s GrantSet, cfg GivingConfig, funder *domain.Funder, now time.Time) GivingPackage {
	funders, projects := s.funders(), s.projects()
	p := s.Programme
	prefix := cfg.Prefix
	programme := []GivingProgram{{Code: p.ID, Title: p.Name}}
	pkg := GivingPackage{
		Grants:      make([]GivingGrant, 0, len(s.Grants)),
		Version:     GivingVersion,
		Title:       p.Name + ": grants",
		Description: "Grants awarded to " + p.Name + ", led by " + p.LeadOrganisation + ", exported from fundtrack.",
		Identifier:  "360G-" + GivingPrefix(prefix) + "-programme-" + p.ID,
		Issued:      dateTime(now),
		Publisher:   GivingPublisher{Name: p.LeadOrganisation, Identifier: p.OrgID},
		License:     cfg.License,
	}
	if pkg.License == "" {
		pkg.License = DefaultGivingLicense
	}
	switch {
	case funder != nil:
		pkg.Title = p.Name + ": grants from " + funder.Name
		pkg.Description = "Grants from " + funder.Name + " to " + p.Name + ", led by " + p.LeadOrganisation + ", exported from fundtrack."
		pkg.Identifier += "-funder-" + funder.ID
		pkg.Publisher = GivingPublisher{Name: funder.Name, Identifier: funder.OrgID}
	case s.Selection != "":
		// Only the grants the caller may read: not the programme's
		// package, so not under its identifier, nor titled as it. A funder
		// publishes its own with funderId.
		pkg.Title = p.Name + ": selected grants"
		pkg.Description = "Those grants awarded to " + p.Name + ", led by " + p.LeadOrganisation +
			", that the person who exported them may read in fundtrack, not every grant of the programme. A funder's own grants, to publish, are its package (funderId)."
		pkg.Identifier += "-selection-" + s.Selection
		if pub, ok := s.selectionPublisher(); ok {
			pkg.Publisher = pub
		} else if cfg.PublisherName != "" {
			pkg.Publisher = GivingPublisher{Name: cfg.PublisherName, Identifier: cfg.PublisherID}
		}
	case cfg.PublisherName != "":
		pkg.Publisher = GivingPublisher{Name: cfg.PublisherName, Identifier: cfg.PublisherID}
	}
	var modified time.Time
	payments := map[string][]domain.Payment{}
	for _, pay := range s.Payments {
		payments[pay.GrantID] = append(payments[pay.GrantID], pay)
	}
	for _, g := range s.Grants {
		f, ok := funders[g.FunderID]
		if !ok {
			f = domain.Funder{ID: g.FunderID, Name: g.FunderID}
		}
		var pr *domain.Project
		if g.ProjectID != "" {
			x, ok := projects[g.ProjectID]
			if !ok {
				x = domain.Project{ID: g.ProjectID, LeadOrganisation: p.LeadOrganisation}
			}
			pr = &x
		}
		rec := recipient(prefix, p, pr)
		gg := GivingGrant{
			ID:                    GivingGrantID(prefix, g.ID),
			Title:                 g.Title,
			Description:           grantDescription(g, f, rec, p, pr),
			Currency:              g.Currency,
			AmountAwarded:         Amount(g.AmountPence),
			AwardDate:             g.AwardDate.String(),
			RecipientOrganization: []GivingOrg{rec},
			FundingOrganization:   []GivingOrg{org(prefix, f.OrgID, f.ID, f.Name, "")},
			BeneficiaryLocation:   beneficiaries(p, pr),
			GrantProgramme:        programme,
			DateModified:          dateTime(g.UpdatedAt),
			DataSource:            cfg.DataSource,
		}
		if !g.StartDate.IsZero() || !g.EndDate.IsZero() {
			gg.PlannedDates = []GivingEvent{{StartDate: g.StartDate.String(), EndDate: g.EndDate.String()}}
		}
		changed := disbursements(&gg, prefix, g, payments[g.ID])
		if g.UpdatedAt.After(changed) {
			changed = g.UpdatedAt
		}
		gg.DateModified = dateTime(changed)
		pkg.Grants = append(pkg.Grants, gg)
		if changed.After(modified) {
			modified = changed
		}
	}
	if !modified.IsZero() {
		pkg.Modified = dateTime(modified)
	}
	return pkg
}

// disbursements adds to gg what was paid of its grant g: the sum and a
// transaction per payment made (see the package comment), and returns
// when its payments last changed (zero with none).
func disbursements(gg *GivingGrant, prefix string, g domain.Grant, payments []domain.Payment) time.Time {
	var changed time.Time
	var paid int64
	recorded := false
	for _, p := range payments {
		if p.UpdatedAt.After(changed) {
			changed = p.UpdatedAt
		}
		if p.Status == domain.PaymentCancelled {
			continue
		}
		recorded = true
		if p.Status != domain.PaymentPaid {
			continue
		}
		paid += p.AmountPence
		gg.DisbursementTransaction = append(gg.DisbursementTransaction, GivingTransaction{
			ID: "360G-" + GivingPrefix(prefix) + "-payment-" + p.ID, TransactionDate: p.PaidDate.String(), Currency: g.Currency,
			Value: Amount(p.AmountPence), Description: "Payment of a tranche of the grant (" + TriggerWords(p.Trigger) + ")",
			Provider: gg.FundingOrganization[0].ID, Recipient: gg.RecipientOrganization[0].ID, DateModified: dateTime(p.UpdatedAt)})
	}
	slices.SortStableFunc(gg.DisbursementTransaction, func(a, b GivingTransaction) int {
		return strings.Compare(a.TransactionDate, b.TransactionDate)
	})
	if recorded {
		n := Amount(paid)
		gg.AmountDisbursed = &n
	}
	return changed
}

// TriggerWords says what made a payment due, for a reader of the data.
func TriggerWords(t domain.Trigger) string {
	switch t.Kind {
	case domain.TriggerMilestone:
		return "payment by results: " + strconv.FormatInt(t.Threshold, 10) + "% of a target reached"
	case domain.TriggerReturn:
		return "on a report being accepted"
	}
	return "on a date"
}

// grantDescription is the grant's description. The standard requires one,
// and one that only repeats the title tells a reader nothing more (the tool
// notes it), so a grant without a better one is described from its record:
// who gave it, to whom, for what, under which programme.
func grantDescription(g domain.Grant, f domain.Funder, rec GivingOrg, p domain.Programme, pr *domain.Project) string {
	if d := strings.TrimSpace(g.Description); d != "" && d != strings.TrimSpace(g.Title) {
		return g.Description
	}
	d := "Grant from " + f.Name + " to " + rec.Name
	if pr != nil && pr.Name != "" {
		d += " for " + pr.Name
	}
	return d + ", part of the programme " + p.Name + "."
}
