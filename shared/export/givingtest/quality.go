package givingtest

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The 360Giving Data Quality Tool's checks, re-implemented so fundtrack can
// show its packages raise none it can avoid. The tool is CoVE with the
// checks of lib360dataquality (github.com/ThreeSixtyGiving/dataquality,
// lib360dataquality/cove/threesixtygiving.py and check_field_present.py);
// each check here keeps the name of the class it re-implements and that
// class's rule, read from the source rather than its documentation.
//
// Implemented, because they concern fields fundtrack publishes:
//
//	quality (accuracy): ZeroAmountTest, FundingOrgUnrecognisedPrefix,
//	  RecipientOrgUnrecognisedPrefix, RecipientOrgCharityNumber,
//	  RecipientOrgCompanyNumber, OrganizationIdLooksInvalid,
//	  OrganizationIdUnexpectedChars, GrantIdUnexpectedChars,
//	  MoreThanOneFundingOrg, LooksLikeEmail, ImpossibleDates,
//	  PlannedStartDateBeforeEndDate, FarFuturePlannedDates, FarPastDates,
//	  PostDatedAwardDates, MultiFundingNamesForOrgId, MultiFundingOrgIdsForName;
//	usefulness: RecipientOrg360GPrefix, FundingOrg360GPrefix,
//	  NoRecipientOrgCompanyCharityNumber, IncompleteRecipientOrg,
//	  NoGrantProgramme, NoBeneficiaryLocation, TitleDescriptionSame,
//	  TitleLength, NoLastModified, NoDataSource, PlannedDurationNotPresent,
//	  BeneficiaryLocationNameButNoCode, BeneficiaryButNotRecipientGeoData,
//	  RecipientGeoDataButNoBeneficiary;
//	and the field-present checks the 360Giving quality dashboard adds
//	  (datastore): BeneficiaryLocationNameNotPresent,
//	  BeneficiaryLocationCountryCodeNotPresent,
//	  BeneficiaryLocationGeoCodeNotPresent, GrantProgrammeTitleNotPresent.
//
// Out of scope, and why:
//
//	RecipientIndDEI, GeoCodePostcode, RecipientIndWithoutToIndividualsDetails
//	  and IndividualsCodeListsNotPresent concern grants to individuals, which
//	  fundtrack never records (its grants go to organisations; the people
//	  supported appear only as aggregate counts);
//	ActualStartDateBeforeEndDate and FarFutureActualDates concern
//	  actualDates, which fundtrack does not publish (it holds planned dates);
//	ClassificationNotPresent (dashboard only): fundtrack holds no
//	  classification of grants from any published vocabulary, and inventing
//	  one would be worse than none;
//	the tool's spreadsheet checks (row counts, sheet names) concern uploaded
//	  spreadsheets, not JSON packages; schema validation and fields the
//	  schema lacks ("additional fields") are checked against the official
//	  schema by Validate and UnknownFields, which need the schema file.
//
// Notices a package cannot avoid however good fundtrack's data are
// reported as Inherent (see Notice.Inherent), so a test can require none of
// the others.

// QualityChecks names every check QualityNotices runs.
var QualityChecks = []string{
	"ZeroAmountTest", "FundingOrgUnrecognisedPrefix", "RecipientOrgUnrecognisedPrefix", "RecipientOrgCharityNumber",
	"RecipientOrgCompanyNumber", "OrganizationIdLooksInvalid", "OrganizationIdUnexpectedChars", "GrantIdUnexpectedChars",
	"MoreThanOneFundingOrg", "LooksLikeEmail", "ImpossibleDates", "PlannedStartDateBeforeEndDate", "FarFuturePlannedDates",
	"FarPastDates", "PostDatedAwardDates", "MultiFundingNamesForOrgId", "MultiFundingOrgIdsForName",
	"RecipientOrg360GPrefix", "FundingOrg360GPrefix", "NoRecipientOrgCompanyCharityNumber", "IncompleteRecipientOrg",
	"NoGrantProgramme", "NoBeneficiaryLocation", "TitleDescriptionSame", "TitleLength", "NoLastModified", "NoDataSource",
	"PlannedDurationNotPresent", "BeneficiaryLocationNameButNoCode", "BeneficiaryButNotRecipientGeoData",
	"RecipientGeoDataButNoBeneficiary", "BeneficiaryLocationNameNotPresent", "BeneficiaryLocationCountryCodeNotPresent",
	"BeneficiaryLocationGeoCodeNotPresent", "GrantProgrammeTitleNotPresent",
}

// Notice is one thing the Data Quality Tool would report: the check (the
// lib360dataquality class name), where (a path in the package, as the tool
// writes it: grants/0/recipientOrganization/0/id), the grant's id, and the
// value it is about.
type Notice struct {
	Check string
	Path  string
	Grant string
	Value string
}

// String is the notice on one line, for a test failure.
func (n Notice) String() string {
	return fmt.Sprintf("%s at %s (grant %s): %q", n.Check, n.Path, n.Grant, n.Value)
}

// Inherent says why a notice cannot be avoided by better data, or "" when it
// can:
//   - NoRecipientOrgCompanyCharityNumber for a recipient identified in a
//     register that issues neither number (an NHS trust, a government
//     department, a housing association): the tool itself says to ignore it
//     for organisations without company or charity numbers;
//   - MoreThanOneFundingOrg for a package holding several funders' grants
//     on purpose: the tool says to ignore it when publishing for several
//     funders, and ?funderId= gives each funder a package of its own.
func (n Notice) Inherent() string {
	switch n.Check {
	case "NoRecipientOrgCompanyCharityNumber":
		prefix, _, ok := domain.SplitOrgID(n.Value)
		if !ok {
			return ""
		}
		if l, ok := domain.UKOrgList(prefix); ok && l.Number == "" {
			return n.Value + " is in the " + l.Name + ", which issues no company or charity number"
		}
	case "MoreThanOneFundingOrg":
		return "the package holds several funders' grants; each funder's own package (?funderId=) holds one"
	}
	return ""
}

// Avoidable returns the notices that are not Inherent.
func Avoidable(ns []Notice) []Notice {
	var out []Notice
	for _, n := range ns {
		if n.Inherent() == "" {
			out = append(out, n)
		}
	}
	return out
}

var (
	qualityEmail    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[\w.-]+@[\w.-]+\.[\w.-]+`) })
	qualityCompany  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\w{8}$`) })
	qualityDatePart = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`) })
)

// qualityCharityNumber is lib360dataquality's check_charity_number: 6 or 7
// characters that parse as an integer.
func qualityCharityNumber(s string) bool {
	if len(s) != 6 && len(s) != 7 {
		return false
	}
	_, err := strconv.Atoi(s)
	return err == nil
}

// QualityNotices runs the checks on a package as decoded from JSON
// (encoding/json into any), as of now: some checks compare dates with the
// day they run, as the tool does.
func QualityNotices(pkg map[string]any, now time.Time) []Notice {
	grants, _ := pkg["grants"].([]any)
	var out []Notice
	add := func(check string, i int, g map[string]any, path, value string) {
		id, _ := g["id"].(string)
		out = append(out, Notice{Check: check, Path: fmt.Sprintf("grants/%d%s", i, path), Grant: id, Value: value})
	}
	fundingIDs := map[string]bool{}
	namesOfID, idsOfName := map[string]string{}, map[string]string{}
	var firstFunders []Notice
	for i, x := range grants {
		g, _ := x.(map[string]any)
		if g == nil {
			continue
		}
		title, _ := g["title"].(string)
		description, _ := g["description"].(string)
		id, _ := g["id"].(string)

		// Grants.
		if a, ok := g["amountAwarded"].(float64); ok && a == 0 {
			add("ZeroAmountTest", i, g, "/amountAwarded", "0")
		}
		if strings.Contains(id, "\n") {
			add("GrantIdUnexpectedChars", i, g, "/id", id)
		}
		if gp := objects(g["grantProgramme"]); len(gp) == 0 {
			add("NoGrantProgramme", i, g, "/id", id)
		} else if t, _ := gp[0]["title"].(string); t == "" {
			add("GrantProgrammeTitleNotPresent", i, g, "/id", id)
		}
		if title != "" && description != "" && title == description {
			add("TitleDescriptionSame", i, g, "/description", description)
		}
		if utf8.RuneCountInString(title) > 140 { // Python's len counts code points
			add("TitleLength", i, g, "/title", title)
		}
		if s, _ := g["dateModified"].(string); s == "" {
			add("NoLastModified", i, g, "/id", id)
		}
		if s, _ := g["dataSource"].(string); s == "" {
			add("NoDataSource", i, g, "/id", id)
		}
		for _, kv := range flatten(g, "") {
			if !strings.Contains(kv.path, "email") && qualityEmail().MatchString(kv.value) {
				add("LooksLikeEmail", i, g, kv.path, kv.value)
			}
		}

		// Dates.
		award, awardOK, awardBad := qualityDate(g["awardDate"])
		pd := objects(g["plannedDates"])
		var start, end time.Time
		var startOK, endOK, startBad, endBad bool
		if len(pd) > 0 {
			start, startOK, startBad = qualityDate(pd[0]["startDate"])
			end, endOK, endBad = qualityDate(pd[0]["endDate"])
		}
		switch {
		case awardBad:
			add("ImpossibleDates", i, g, "/awardDate", fmt.Sprint(g["awardDate"]))
		case startBad:
			add("ImpossibleDates", i, g, "/plannedDates/0/startDate", fmt.Sprint(pd[0]["startDate"]))
		case endBad:
			add("ImpossibleDates", i, g, "/plannedDates/0/endDate", fmt.Sprint(pd[0]["endDate"]))
		}
		if startOK && endOK && start.After(end) {
			add("PlannedStartDateBeforeEndDate", i, g, "/plannedDates/0/startDate", start.Format(time.DateOnly))
		}
		if (startOK && start.After(now.AddDate(12, 0, 0))) || (endOK && end.After(now.AddDate(12, 0, 0))) {
			add("FarFuturePlannedDates", i, g, "/plannedDates/0", id)
		}
		past := now.AddDate(-25, 0, 0)
		if (awardOK && award.Before(past)) || (startOK && start.Before(past)) || (endOK && end.Before(past)) {
			add("FarPastDates", i, g, "/awardDate", id)
		}
		if awardOK && award.After(now) {
			add("PostDatedAwardDates", i, g, "/awardDate", award.Format(time.DateOnly))
		}
		if len(pd) == 0 || (pd[0]["duration"] == nil && (!present(pd[0]["startDate"]) || !present(pd[0]["endDate"]))) {
			add("PlannedDurationNotPresent", i, g, "/id", id)
		}

		// Organisations.
		recipients := objects(g["recipientOrganization"])
		for j, o := range recipients {
			rid, _ := o["id"].(string)
			p := fmt.Sprintf("/recipientOrganization/%d", j)
			if strings.HasPrefix(strings.ToLower(rid), "360g") {
				add("RecipientOrg360GPrefix", i, g, p+"/id", rid)
			}
			if !recognisedPrefix(rid) {
				add("RecipientOrgUnrecognisedPrefix", i, g, p+"/id", rid)
			}
			if cn, ok := o["charityNumber"]; ok {
				s := fmt.Sprint(cn)
				if len(s) >= 2 && isAlpha(s[:2]) {
					s = s[2:]
				}
				if !qualityCharityNumber(s) {
					add("RecipientOrgCharityNumber", i, g, p+"/charityNumber", fmt.Sprint(cn))
				}
			}
			if cn, ok := o["companyNumber"].(string); ok && !qualityCompany().MatchString(cn) {
				add("RecipientOrgCompanyNumber", i, g, p+"/companyNumber", cn)
			}
			if !present(o["companyNumber"]) && !present(o["charityNumber"]) {
				add("NoRecipientOrgCompanyCharityNumber", i, g, p+"/id", rid)
			}
			hasGeo := false
			for _, l := range objects(o["location"]) {
				hasGeo = hasGeo || present(l["geoCode"])
			}
			if !present(o["postalCode"]) && !hasGeo {
				add("IncompleteRecipientOrg", i, g, p+"/id", rid)
			}
		}
		funders := objects(g["fundingOrganization"])
		for j, o := range funders {
			fid, _ := o["id"].(string)
			name, _ := o["name"].(string)
			p := fmt.Sprintf("/fundingOrganization/%d", j)
			if strings.HasPrefix(strings.ToLower(fid), "360g") {
				add("FundingOrg360GPrefix", i, g, p+"/id", fid)
			}
			if !recognisedPrefix(fid) {
				add("FundingOrgUnrecognisedPrefix", i, g, p+"/id", fid)
			}
			if fid != "" && !fundingIDs[fid] {
				fundingIDs[fid] = true
				firstFunders = append(firstFunders, Notice{Check: "MoreThanOneFundingOrg", Path: fmt.Sprintf("grants/%d%s/id", i, p), Grant: id, Value: fid})
			}
			if n, ok := namesOfID[fid]; ok && n != name {
				add("MultiFundingNamesForOrgId", i, g, p+"/name", name)
			} else if !ok {
				namesOfID[fid] = name
			}
			if x, ok := idsOfName[name]; ok && x != fid {
				add("MultiFundingOrgIdsForName", i, g, p+"/id", fid)
			} else if !ok {
				idsOfName[name] = fid
			}
		}
		for _, field := range []string{"fundingOrganization", "recipientOrganization"} {
			orgs := funders
			if field == "recipientOrganization" {
				orgs = recipients
			}
			for j, o := range orgs {
				s, _ := o["id"].(string)
				if strings.Contains(s, "\n") {
					add("OrganizationIdUnexpectedChars", i, g, fmt.Sprintf("/%s/%d/id", field, j), s)
				}
				u := strings.ToUpper(s)
				if (strings.HasPrefix(u, "GB-CHC-") && !qualityCharityNumber(s[7:])) ||
					(strings.HasPrefix(u, "GB-COH-") && !qualityCompany().MatchString(s[7:])) {
					add("OrganizationIdLooksInvalid", i, g, fmt.Sprintf("/%s/%d/id", field, j), s)
				}
			}
		}

		// Locations.
		bl := objects(g["beneficiaryLocation"])
		if len(bl) == 0 {
			add("NoBeneficiaryLocation", i, g, "/id", id)
		} else {
			if !present(bl[0]["name"]) {
				add("BeneficiaryLocationNameNotPresent", i, g, "/id", id)
			}
			if !present(bl[0]["countryCode"]) {
				add("BeneficiaryLocationCountryCodeNotPresent", i, g, "/id", id)
			}
			if !present(bl[0]["geoCode"]) {
				add("BeneficiaryLocationGeoCodeNotPresent", i, g, "/id", id)
			}
		}
		for j, l := range bl {
			if present(l["name"]) && !present(l["geoCode"]) {
				add("BeneficiaryLocationNameButNoCode", i, g, fmt.Sprintf("/beneficiaryLocation/%d/name", j), fmt.Sprint(l["name"]))
			}
		}
		if _, individual := g["recipientIndividual"]; !individual && len(recipients) > 0 {
			recLoc := len(objects(recipients[0]["location"]))
			if len(bl) > 0 && !present(recipients[0]["postalCode"]) && recLoc == 0 {
				add("BeneficiaryButNotRecipientGeoData", i, g, "/recipientOrganization/0/id", id)
			}
			if recLoc > 0 && len(bl) == 0 {
				add("RecipientGeoDataButNoBeneficiary", i, g, "/recipientOrganization/0/location", id)
			}
		}
	}
	if len(fundingIDs) > 1 {
		out = append(out, firstFunders...)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Check < out[b].Check })
	return out
}

// qualityDate reads a date as the tool does: the part before any "T" as
// YYYY-MM-DD. ok is a real date; bad is text that names a day that does not
// exist (the tool's ImpossibleDates: 2025-02-30), as opposed to text that is
// no date at all, which the schema reports.
func qualityDate(v any) (t time.Time, ok, bad bool) {
	s, _ := v.(string)
	if s == "" {
		return time.Time{}, false, false
	}
	s, _, _ = strings.Cut(s, "T")
	t, err := time.Parse(time.DateOnly, s)
	if err == nil {
		return t, true, false
	}
	// Python's strptime calls a month of 13 a mismatch with the format, and
	// only a day past the month's end (or a 29 February) out of range.
	if !qualityDatePart().MatchString(s) {
		return time.Time{}, false, false
	}
	m, _ := strconv.Atoi(s[5:7])
	return time.Time{}, false, m >= 1 && m <= 12
}

func present(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	}
	return true
}

func isAlpha(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// recognisedPrefix is the tool's prefix test: the identifier starts, in any
// case, with the code of a list on org-id.guide, or with 360G.
func recognisedPrefix(id string) bool {
	u := strings.ToUpper(id)
	if strings.HasPrefix(u, "360G") {
		return true
	}
	for _, c := range domain.OrgListCodes() {
		if strings.HasPrefix(u, c) {
			return true
		}
	}
	return false
}

func objects(v any) []map[string]any {
	xs, _ := v.([]any)
	out := make([]map[string]any, 0, len(xs))
	for _, x := range xs {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

type keyValue struct{ path, value string }

// flatten lists a grant's text values by path, as the tool's flatten_dict.
func flatten(v any, path string) []keyValue {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []keyValue
		for _, k := range keys {
			out = append(out, flatten(x[k], path+"/"+k)...)
		}
		return out
	case []any:
		var out []keyValue
		for i, e := range x {
			out = append(out, flatten(e, path+"/"+strconv.Itoa(i))...)
		}
		return out
	case string:
		return []keyValue{{path, x}}
	}
	return nil
}
