package domain

import (
	"strconv"
	"strings"
)

// Where an organisation is and where the people it serves live: the two
// kinds of location 360Giving asks for. An organisation's location is its
// postcode (recipientOrganization.postalCode). The people a project serves
// are described by beneficiary locations: ONS geography codes with their
// names. fundtrack does not derive those from the free-text area or the
// postcode, because neither fixes them: "Leicester, Leicestershire and
// Rutland" names three local authorities, and a trust's headquarters
// postcode says nothing about the districts its service covers. So the lead
// gives them, as the codes the standard asks for.

// MaxLocations is how many beneficiary locations a project or programme may
// list. 360Giving's list of geography code types has no entity for a
// country (E92, W92, S92, N92: E92000001 England is refused, naming the
// field), so a national programme lists the country's parts, each of
// which fit: England's 9 regions (E12), Wales's 22 unitary authorities
// (W06), Scotland's 14 health boards (S08) or Northern Ireland's 18
// constituencies (N06).
const MaxLocations = 25

// countryHint says what to give instead of a country's code, by its
// nation's letter.
var countryHint = map[byte]string{
	'E': "England's 9 regions, like E12000004 for the East Midlands",
	'W': "Wales's 22 unitary authorities, like W06000015 for Cardiff",
	'S': "Scotland's 14 health boards, like S08000031 for Greater Glasgow and Clyde",
	'N': "Northern Ireland's 18 constituencies, like N06000001 for Belfast East",
}

// Location is a place the people a project or programme serves live in: an
// ONS geography code (GSS code, such as E08000032 for Bradford) and its name.
type Location struct {
	GeoCode string `json:"geoCode"`
	Name    string `json:"name"`
}

// geoCodeTypes maps the entity part of a GSS code (its first three
// characters) to the 360Giving geoCodeType code, as the standard's codelist
// (codelists/geoCodeType.csv) pairs them. Only these entities may be given:
// a code of another kind would reach the data without a type the standard
// knows.
var geoCodeTypes = map[string]string{
	"E00": "OA", "E01": "LSOA", "E02": "MSOA", "E04": "PAR", "E05": "WD", "E06": "UA", "E07": "NMD",
	"E08": "MD", "E09": "LONB", "E10": "CTY", "E12": "RGN/GOR", "E14": "WPC", "E15": "EER",
	"E21": "CANNET", "E22": "CSP", "E23": "PFA", "E25": "PUA", "E26": "NPARK", "E28": "REGD",
	"E29": "REGSD", "E30": "TTWA", "E31": "FRA", "E32": "LAC", "E33": "WZ", "E36": "CMWD", "E37": "LEP",
	"E38": "CCG", "E39": "NHSAT", "E41": "CMLAD", "E42": "CMCTY",
	"N00": "SA", "N06": "WPC",
	"S00": "OA", "S01": "DZ", "S02": "IG", "S03": "CHP", "S05": "ROA - CPP", "S06": "ROA - Local",
	"S08": "HB", "S12": "CA", "S13": "WD", "S14": "WPC", "S16": "SPC", "S22": "TTWA",
	"W00": "OA", "W01": "LSOA", "W02": "MSOA", "W03": "USOA", "W04": "COM", "W05": "WD", "W06": "UA",
	"W07": "WPC", "W09": "NAWC", "W14": "CDRP", "W20": "REGD", "W21": "REGSD", "W22": "TTWA",
	"W30": "AgricSmall", "W33": "CFA", "W35": "WZ", "W39": "CMWD", "W40": "CMLAD", "W41": "CMCTY",
}

var gssPattern = lazyRegexp(`^[ENSW][0-9]{8}$`)

// GeoCodeType is the 360Giving geoCodeType of a GSS code ("MD" for a
// metropolitan district), or "" when the code is not one it lists.
func GeoCodeType(code string) string {
	if !gssPattern().MatchString(code) {
		return ""
	}
	return geoCodeTypes[code[:3]]
}

// locations checks an optional list of beneficiary locations.
func locations(p Problems, field string, ls []Location) {
	if len(ls) > MaxLocations {
		p.Add(field, "at most "+strconv.Itoa(MaxLocations)+" locations")
		return
	}
	seen := map[string]bool{}
	for i, l := range ls {
		f := field + "[" + strconv.Itoa(i) + "]"
		switch {
		case l.GeoCode == "":
			p.Add(f+".geoCode", "required: the ONS code of the area, like E08000032 for Bradford")
		case gssPattern().MatchString(l.GeoCode) && l.GeoCode[1:3] == "92":
			p.Add(f+".geoCode", "is a country's code, and 360Giving's list of geography code types has no countries: "+
				"list its parts instead, such as "+countryHint[l.GeoCode[0]])
		case GeoCodeType(l.GeoCode) == "":
			p.Add(f+".geoCode", "must be an ONS geography code (9 characters, like E08000032 for Bradford) "+
				"of a kind 360Giving lists: a ward, local authority, county, region, parliamentary constituency and so on")
		case seen[l.GeoCode]:
			p.Add(f+".geoCode", "is listed twice")
		}
		seen[l.GeoCode] = true
		requiredLine(p, f+".name", l.Name, MaxNameLen)
		if strings.ContainsAny(l.Name, "\r\n") {
			p.Add(f+".name", "must be one line")
		}
	}
}

// postcodePattern is the shape of a UK postcode (outward code, inward
// code), after CanonicalPostcode has upper-cased it and removed spaces.
var postcodePattern = lazyRegexp(`^([A-Z]{1,2}[0-9][A-Z0-9]?|GIR)([0-9][A-Z]{2})$`)

// CanonicalPostcode returns a UK postcode in its usual form ("LE3 8RA" for
// "le38ra"), and whether s is one.
func CanonicalPostcode(s string) (string, bool) {
	compact := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	m := postcodePattern().FindStringSubmatch(compact)
	if m == nil || (m[1] == "GIR" && m[2] != "0AA") {
		return "", false
	}
	return m[1] + " " + m[2], true
}

// postcode checks an optional postcode field. It is one line of text as
// typed: CanonicalPostcode takes out any Unicode space, and that includes
// line breaks, tabs and U+0085 (a control character), which no other
// field takes.
func postcode(p Problems, field, s string) {
	if s == "" {
		return
	}
	if problem := TextProblem(s, false); problem != "" {
		p.Add(field, problem)
		return
	}
	if _, ok := CanonicalPostcode(s); !ok || len(s) > 10 {
		p.Add(field, "must be a UK postcode, like LE3 8RA")
	}
}

// locationTexts are the free text of beneficiary locations, for the
// personal-data guard: an area's name is typed by a person.
func locationTexts(ls []Location) []TextField {
	out := make([]TextField, 0, 2*len(ls))
	for i, l := range ls {
		f := "beneficiaryLocations[" + strconv.Itoa(i) + "]"
		out = append(out, TextField{f + ".geoCode", l.GeoCode}, TextField{f + ".name", l.Name})
	}
	return out
}
