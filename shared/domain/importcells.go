package domain

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reading an import's cells: text through the personal-data guard, projects
// by name or id, dates (text or a workbook's serial numbers) and counts read
// one way only.
// quoteCell quotes a cell for a message, shortened: only cells the
// personal-data guard passed are ever quoted.
func quoteCell(s string) string {
	return strconv.Quote(shorten(s))
}

// shorten cuts a cell to 60 characters for a message.
func shorten(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:57]) + "…"
	}
	return s
}

// guarded says what is wrong with a text cell, or "": not text (control
// or invisible characters, a line break in a one-line column), or the
// personal data of the people supported, which a message must never echo.
func guarded(s string, multiLine bool) string {
	if problem := TextProblem(s, multiLine); problem != "" {
		return problem
	}
	if kind := personalKind(s); kind != "" {
		return personalProblem(kind)
	}
	return ""
}

// cellKind names the kind of personal data of the people supported an
// imported cell holds, or "": its text's (personalKind), or a phone number
// a spreadsheet stored as a number (spreadsheetPhone), in a workbook's
// number cell or in a text cell that holds the number alone, as a CSV
// saved from a spreadsheet writes it: Excel keeps 07700900123 typed into
// a cell as the number 7700900123 and saves that into the CSV, where every
// cell is text (fix-guard). A cell is a count, a date, a project, a cohort
// or a note, and none is ten digits starting with 7 alone; in a note's
// words, without a phone cue, such digits are as often a reference and
// pass ("ref 7700900123").
func cellKind(c SheetCell) string {
	if kind := personalKind(c.Text); kind != "" {
		return kind
	}
	if spreadsheetPhone(c.Text) {
		return kindPhone
	}
	return ""
}

// spreadsheetPhone reports whether a workbook's number (a cell stored as
// a number: its text is the number as stored, "7700900123", or in
// exponent form) is a UK phone number as Excel stores one typed into a
// cell (third security audit, W2): 07700900123 becomes the number
// 7700900123, ten digits starting with 7, and +447700900123 (or
// +441134960000) the number 447700900123, 44 and a UK number's national
// digits. No count, date or amount a programme imports looks so: counts
// stop at 100,000 and dates are serial numbers of five digits. Text with
// more than the number in it is read as written (personalKind).
func spreadsheetPhone(stored string) bool {
	s := strings.TrimSpace(stored)
	if strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != math.Trunc(f) || f < 0 || f >= 1e13 {
			return false
		}
		s = strconv.FormatFloat(f, 'f', 0, 64)
	}
	switch {
	case len(s) == 10 && s[0] == '7':
		return true
	case len(s) == 12 && strings.HasPrefix(s, "44") && s[2] != '0':
		return validUKLength("0" + s[2:])
	}
	return false
}

// personalProblem is the problem with a cell holding personal data of the
// kind named: it says what was found, never the data.
func personalProblem(kind string) string {
	return foundProblem(kind) + ": " + personalMessage
}

func importText(p Problems, field, s string, multiLine bool, max int) string {
	s = strings.TrimSpace(s)
	if problem := guarded(s, multiLine); problem != "" {
		p.Add(field, problem)
		return ""
	}
	if s != "" && !HasVisible(s) { // as optionalText: shows as empty but is not
		p.Add(field, BlankProblem)
		return ""
	}
	if utf8.RuneCountInString(s) > max {
		p.Add(field, "must be at most "+strconv.Itoa(max)+" characters")
	}
	return s
}

// projectNames are a programme's projects as an import finds them: by
// name (ProjectNameKey), by a looser key (looseName), by id, and by name
// to suggest the nearest.
type projectNames struct {
	byName, byLoose map[string][]string
	byID            map[string]bool
	names           map[string]string // each project's name, by id
	near            map[string]string // nearest's answers, by loose name: a file repeats its names
}

func newProjectNames(projects []Project) projectNames {
	n := projectNames{byName: map[string][]string{}, byLoose: map[string][]string{}, byID: map[string]bool{}, names: map[string]string{},
		near: map[string]string{}}
	for _, p := range projects {
		n.byName[ProjectNameKey(p.Name)] = append(n.byName[ProjectNameKey(p.Name)], p.ID)
		n.byLoose[looseName(p.Name)] = append(n.byLoose[looseName(p.Name)], p.ID)
		n.byID[p.ID] = true
		n.names[p.ID] = p.Name
	}
	return n
}

// looseName is a project's name for a looser lookup than ProjectNameKey:
// typographic quotes and dashes as typed on a keyboard, "&" as "and",
// punctuation but apostrophes and hyphens dropped (audit import2 N6: a
// press release's "Citizen’s Advice Sheffield" typed in Excel as
// "Citizen's Advice Sheffield", or "… & Social Care" for "… and Social
// Care", named no project).
func looseName(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "‛", "'", "′", "'", "`", "'", "–", "-", "—", "-", "‐", "-", "‑", "-",
		"&", " and ", "+", " and ").Replace(s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '\'', r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// nearest is the name of the one project whose loose name is within a
// few edits of s's, for a name that matched none: "did you mean …?".
func (n projectNames) nearest(s string) string {
	k := looseName(s)
	if near, ok := n.near[k]; ok {
		return near
	}
	near := n.nearestTo(k)
	n.near[k] = near
	return near
}

func (n projectNames) nearestTo(k string) string {
	best, bestD, ties := "", min(4, len([]rune(k))/4+1), 0
	for _, id := range slices.Sorted(maps.Keys(n.names)) {
		d := editDistance(k, looseName(n.names[id]), bestD+1)
		switch {
		case d < bestD:
			best, bestD, ties = n.names[id], d, 0
		case d == bestD && best != "":
			ties++
		}
	}
	if ties > 0 {
		return ""
	}
	return best
}

// importProject finds a row's project by id, else by name (any case and
// spacing), else by its loose name (looseName) when that names one
// project.
func importProject(p Problems, row int, s string, projects projectNames) string {
	byName, byID := projects.byName, projects.byID
	field := RowField(row, ColProject)
	if TextProblem(s, false) == "" && !HasVisible(s) {
		s = "" // nothing a reader sees (Hangul fillers, say): required, as a blank cell is
	}
	s = importText(p, field, s, false, MaxNameLen)
	ids := byName[ProjectNameKey(s)]
	if bare, ok := strings.CutPrefix(s, "'"); ok && len(ids) == 0 {
		// A name starting with a formula character comes back from our
		// own CSV template with the apostrophe that kept it text.
		ids = byName[ProjectNameKey(bare)]
	}
	switch {
	case s == "":
		if _, bad := p[field]; !bad {
			p.Add(field, "required: the project's name or id")
		}
		return ""
	case byID[s]:
		return s
	case len(ids) == 1:
		return ids[0]
	case len(ids) > 1:
		// The ids are shown nowhere else a user would find them.
		p.Add(field, "more than one project is named "+quoteCell(s)+": give the project's id instead, one of "+strings.Join(slices.Sorted(slices.Values(ids)), ", "))
		return ""
	}
	if loose := projects.byLoose[looseName(s)]; len(loose) == 1 && looseName(s) != "" {
		return loose[0]
	}
	if near := projects.nearest(s); near != "" && guarded(near, false) == "" {
		p.Add(field, "no project named "+quoteCell(s)+" in this programme: did you mean "+quoteCell(near)+"?")
	} else {
		p.Add(field, "no project named "+quoteCell(s)+" in this programme")
	}
	return ""
}

var earliestSerialDate = Date{t: time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)}

var dayMonthYear = lazyRegexp(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

// importDate reads a date as YYYY-MM-DD, DD/MM/YYYY (the UK's order), or a
// workbook's date (a number of days).
func importDate(p Problems, field string, c SheetCell, date1904 bool) Date {
	s := strings.TrimSpace(c.Text)
	if s == "" {
		p.Add(field, "required: a date such as 2025-04-01 or 01/04/2025")
		return Date{}
	}
	if c.Numeric {
		// No programme reports on periods before 1950: a smaller number is
		// a count or a year typed into a date cell, not a date.
		d, ok := SerialDate(s, date1904)
		if !ok || d.Before(earliestSerialDate) {
			p.Add(field, "is a number, not a date: type a date such as 01/04/2025, or format the cell as a date")
			return Date{}
		}
		return d
	}
	// Spreadsheets writing dates as text often add midnight.
	for _, midnight := range []string{" 00:00:00", "T00:00:00", " 00:00"} {
		s = strings.TrimSuffix(s, midnight)
	}
	if d, err := ParseDate(s); err == nil {
		return d
	}
	if m := dayMonthYear().FindStringSubmatch(s); m != nil {
		if d, err := ParseDate(m[3] + "-" + pad2(m[2]) + "-" + pad2(m[1])); err == nil {
			return d
		}
	}
	if excelError().MatchString(s) {
		p.Add(field, formulaError(s))
		return Date{}
	}
	p.Add(field, "must be a date such as 2025-04-01 or 01/04/2025 (day, month, year)")
	return Date{}
}

// excelError is one of the errors a spreadsheet shows in a cell whose
// formula it could not work out (#REF!, #DIV/0!, #N/A…), as a workbook
// saves it and a CSV file writes it.
var excelError = lazyRegexp(`^#(NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!)$`)

// formulaError is the problem with a cell showing a spreadsheet's error
// (audit import2 N5: told only to write it in digits, which says nothing
// of the formula behind it).
func formulaError(s string) string {
	return "shows the error " + s + ", from a formula the spreadsheet could not work out (such as one referring to a deleted cell): " +
		"correct the formula, or type the figure"
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// SerialDate reads a spreadsheet's serial date: days since 1899-12-30
// (Excel's 1900 system, which counts a 29 February 1900 that never was,
// so serials before 61 are a day off) or since 1904-01-01. A time of day
// (a fraction) is dropped.
func SerialDate(s string, date1904 bool) (Date, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 1 || f > 2_958_465 { // 9999-12-31
		return Date{}, false
	}
	days := int(math.Floor(f))
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days < 61:
		base = base.AddDate(0, 0, 1)
	}
	d, err := ParseDate(base.AddDate(0, 0, days).Format(dateLayout))
	return d, err == nil
}

var (
	// typedWhole is a count typed as text: digits, perhaps grouped in
	// thousands by commas, perhaps with the ".0" or ".00" a spreadsheet
	// writes for a number shown with decimals (1,200.00), perhaps with a
	// minus sign (refused as negative). Nothing else: an exponent (1e3 is
	// 1000), a plus sign or digits grouped by points are not how people
	// write a number of people, and 1.000 is 1 in the UK and 1000 in much
	// of Europe (audit N1).
	typedWhole = lazyRegexp(`^(-?)(\d+|\d{1,3}(?:,\d{3})+)(?:\.0{1,2})?$`)
	// pointGrouped is a number that may be grouped in thousands by a
	// point, or have three decimals (1.000, 12.500): it can be read two
	// ways.
	pointGrouped = lazyRegexp(`^\d{1,3}\.\d{3}$`)
	// commaGrouped is the same with a comma (1,000, 12,500): in a file
	// whose decimal mark is the comma (Sheet.DecimalComma) it can be read
	// two ways too. With more groups (1,000,000) or a decimal point after
	// (1,000.00) the commas can only be thousands.
	commaGrouped = lazyRegexp(`^-?\d{1,3},\d{3}$`)
	// typedFraction is a number with a decimal part that is not 0: not whole.
	typedFraction = lazyRegexp(`^-?(\d+|\d{1,3}(?:,\d{3})+)?\.\d*[1-9]\d*$`)
	// decimal is a number in decimal notation, as a workbook stores it:
	// strconv.ParseFloat also reads hexadecimal ("0x1p4" is 16),
	// infinities and NaN, which no one means as a count.
	decimal = lazyRegexp(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)
)

// countDigits is the advice with a count refused for how it is written;
// countDigitsAlone, in a file whose decimal mark is the comma, where
// commas between thousands read two ways.
const (
	countDigits      = "write it in digits alone (such as 1200) or with commas between thousands (1,200)"
	countDigitsAlone = "write it in digits alone (such as 1200)"
)

// importCount reads a count: a whole number of people, an empty cell
// being 0. A workbook's number is the double it stores; text must be
// written as typedWhole says. A number cell whose text is not a number as
// stored (decimal) is read as that text: a reader handing over what such
// a cell shows ("1,000" under a #,##0 format, "0,000" under 0,000) gives
// what the cell is worth, commas grouping thousands, and the .xlsx reader
// marks a cell whose stored value is not a number as text anyway
// (FuzzReadImport/bug-grouped-number-cell).
//
// In a file separated by semicolons (decimalComma: Sheet.DecimalComma),
// the comma is the decimal mark where Excel saved it so, and "1,000" is
// one there as well as a thousand: a count of one comma and three digits
// is refused, naming both readings, rather than read as a thousand
// (fix-guard2). "1,000,000" and "1,000.00" can only be thousands, and are
// read so; the advice in such a file leaves commas out.
func importCount(p Problems, field string, c SheetCell, decimalComma bool) int64 {
	s := strings.TrimSpace(c.Text)
	if s == "" {
		return 0
	}
	advice := countDigits
	if decimalComma {
		advice = countDigitsAlone
	}
	var n int64
	switch m := typedWhole().FindStringSubmatch(s); {
	case c.Numeric && decimal().MatchString(s):
		var whole bool
		if n, whole = storedCount(s); !whole {
			p.Add(field, "must be a whole number of people")
			return 0
		}
	case decimalComma && !c.Numeric && commaGrouped().MatchString(s):
		sign, digits := "", s
		if strings.HasPrefix(s, "-") {
			sign, digits = "-", s[1:]
		}
		whole, frac, _ := strings.Cut(digits, ",")
		point := strings.TrimSuffix(strings.TrimRight(whole+"."+frac, "0"), ".")
		p.Add(field, "must be a whole number of people, not "+quoteCell(s)+": in a file separated by semicolons the comma may be a decimal mark ("+
			sign+point+") or group thousands ("+sign+whole+frac+"); write it in digits alone, such as "+sign+whole+frac)
		return 0
	case m != nil:
		v, err := strconv.ParseInt(strings.ReplaceAll(m[2], ",", ""), 10, 64)
		switch {
		case err != nil: // past int64: digits alone, so far too many
			n = MaxCount + 1
		case v == 0:
			n = 0 // -0 is 0
		default:
			n = v
		}
		if m[1] == "-" && n != 0 {
			n = -1
		}
	case pointGrouped().MatchString(s):
		p.Add(field, "must be a whole number of people, not "+quoteCell(s)+", which could be read as "+
			strings.TrimRight(strings.TrimRight(s, "0"), ".")+" or as "+strings.ReplaceAll(s, ".", "")+": "+advice)
		return 0
	case typedFraction().MatchString(s):
		p.Add(field, "must be a whole number of people, not "+quoteCell(s))
		return 0
	case excelError().MatchString(s):
		p.Add(field, formulaError(s))
		return 0
	default:
		if problem := guarded(s, false); problem != "" {
			p.Add(field, problem)
		} else {
			p.Add(field, "must be a whole number of people, not "+quoteCell(s)+": "+advice)
		}
		return 0
	}
	switch {
	case n < 0:
		p.Add(field, "must not be negative")
	case n > MaxCount:
		p.Add(field, "is implausibly large (over 100000 people in one period)")
	}
	return n
}

// storedCount reads a workbook's number, a double: the cell holds the
// double its text rounds to, so 4.0000000000000001 stored is 4. A whole
// number out of range comes back as -1 or MaxCount+1.
func storedCount(s string) (int64, bool) {
	f, _ := strconv.ParseFloat(s, 64) // decimal: only a range error, giving ±Inf
	switch {
	case math.IsInf(f, 0):
		return clampCount(f > 0), true
	case f != math.Trunc(f):
		return 0, false
	case f < 0 || f > MaxCount:
		return clampCount(f > 0), true
	}
	return int64(f), true
}

// clampCount is a whole number out of a count's range, as importCount
// reports it.
func clampCount(positive bool) int64 {
	if positive {
		return MaxCount + 1
	}
	return -1
}
