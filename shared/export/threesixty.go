package export

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The 360Giving Data Standard (https://standard.threesixtygiving.org),
// schema version 1.4, as a JSON data package. Grant and organisation
// identifiers follow its identifier guidance:
//
//   - a grant is "360G-<prefix>-<grant id>", <prefix> being the publisher's
//     360Giving prefix (FUNDTRACK_360_PREFIX, default "fundtrack");
//   - a funder is its org-id.guide identifier (Funder.OrgID) when known,
//     else "360G-<prefix>-org-<funder id>";
//   - a recipient is the lead organisation of the grant's project, or of the
//     programme for a grant to the whole programme. fundtrack keeps no org-id
//     for those, so they are "360G-<prefix>-org-<project id>" and
//     "360G-<prefix>-org-<programme id>": stable, unique to fundtrack's
//     records, but not linkable to other publishers' data (and one
//     organisation leading two projects gets two identifiers). Adding an
//     orgId to projects and programmes would fix both.

// GivingVersion is the 360Giving schema version packages declare (major.minor).
const GivingVersion = "1.4"

// DefaultGivingPrefix is the 360Giving prefix used when none is configured.
const DefaultGivingPrefix = "fundtrack"

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
}

// GivingPublisher is who publishes a package.
type GivingPublisher struct {
	Name string `json:"name"`
}

// GivingGrant is one grant in 360Giving's shape.
type GivingGrant struct {
	ID                    string          `json:"id"`
	Title                 string          `json:"title"`
	Description           string          `json:"description"`
	Currency              string          `json:"currency"`
	AmountAwarded         json.Number     `json:"amountAwarded"` // pounds, e.g. 310000 or 1234.5
	AwardDate             string          `json:"awardDate"`
	PlannedDates          []GivingEvent   `json:"plannedDates,omitempty"`
	RecipientOrganization []GivingOrg     `json:"recipientOrganization"`
	FundingOrganization   []GivingOrg     `json:"fundingOrganization"`
	GrantProgramme        []GivingProgram `json:"grantProgramme"`
	DateModified          string          `json:"dateModified"`
}

// GivingEvent is a period of a grant.
type GivingEvent struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

// GivingOrg is a funding or recipient organisation.
type GivingOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
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
	s := Pounds(pence)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	return json.Number(s)
}

func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Giving builds the 360Giving package of a set of grants, issued now. The
// 360Giving schema requires at least one grant; callers refuse an empty set
// before calling.
func Giving(s GrantSet, prefix string, now time.Time) GivingPackage {
	funders, projects := s.funders(), s.projects()
	p := s.Programme
	programme := []GivingProgram{{Code: p.ID, Title: p.Name}}
	pkg := GivingPackage{
		Grants:      make([]GivingGrant, 0, len(s.Grants)),
		Version:     GivingVersion,
		Title:       p.Name + ": grants",
		Description: "Grants awarded to " + p.Name + ", led by " + p.LeadOrganisation + ", exported from fundtrack.",
		Identifier:  "360G-" + GivingPrefix(prefix) + "-programme-" + p.ID,
		Issued:      dateTime(now),
		Publisher:   GivingPublisher{Name: p.LeadOrganisation},
	}
	var modified time.Time
	for _, g := range s.Grants {
		f, ok := funders[g.FunderID]
		if !ok {
			f = domain.Funder{ID: g.FunderID, Name: g.FunderID}
		}
		funder := GivingOrg{ID: f.OrgID, Name: f.Name}
		if funder.ID == "" {
			funder.ID = GivingOrgID(prefix, f.ID)
		}
		recipient := GivingOrg{ID: GivingOrgID(prefix, p.ID), Name: p.LeadOrganisation}
		if g.ProjectID != "" {
			pr := projects[g.ProjectID]
			recipient = GivingOrg{ID: GivingOrgID(prefix, g.ProjectID), Name: pr.LeadOrganisation}
		}
		description := g.Description
		if strings.TrimSpace(description) == "" {
			description = g.Title // the standard requires one; the title is the best we have
		}
		gg := GivingGrant{
			ID:                    GivingGrantID(prefix, g.ID),
			Title:                 g.Title,
			Description:           description,
			Currency:              g.Currency,
			AmountAwarded:         Amount(g.AmountPence),
			AwardDate:             g.AwardDate.String(),
			RecipientOrganization: []GivingOrg{recipient},
			FundingOrganization:   []GivingOrg{funder},
			GrantProgramme:        programme,
			DateModified:          dateTime(g.UpdatedAt),
		}
		if !g.StartDate.IsZero() || !g.EndDate.IsZero() {
			gg.PlannedDates = []GivingEvent{{StartDate: g.StartDate.String(), EndDate: g.EndDate.String()}}
		}
		pkg.Grants = append(pkg.Grants, gg)
		if g.UpdatedAt.After(modified) {
			modified = g.UpdatedAt
		}
	}
	if !modified.IsZero() {
		pkg.Modified = dateTime(modified)
	}
	return pkg
}
