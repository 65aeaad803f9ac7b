package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/service"
)

// A form turns posted fields into the JSON body the API would take, so the
// service decodes it with the API's own strict decoder and names bad fields
// by the same paths ("amountPence", "counts.referrals"). Fields that cannot
// even be converted (a figure that is not a number, a date that does not
// exist) are field errors too, and are left out of the body.

type kind int

const (
	kText      kind = iota // string; "" is sent as ""
	kOptText               // string; left out when blank
	kClearText             // string; a blank box is sent as "" (clearing a value a record has), a box not sent is left out
	kPounds                // "310,000.00" → pence; required: blank is sent as null, for the service to name
	kInt                   // whole number; required, as kPounds
	kFloat                 // number; required, as kPounds
	kOptInt                // whole number; left out when blank
	kOptFloat              // number; left out when blank
	kDate                  // NHS date input (name-day, -month, -year) or one YYYY-MM-DD field
	kOptDate               // date; left out when blank
	kChecks                // checkboxes: []string of the ticked values
	kIntList               // "50, 100" → [50, 100]; blank is sent as null
	kLines                 // one item per line → []string
	kAreas                 // "E08000032 Bradford" per line → [{geoCode, name}]
	kOptChecks             // checkboxes: []string of the ticked values; left out when none is
	kDays                  // "14, 7" → [14, 7] (days); blank → []
	kBool                  // "true" / "false" (radios); left out when neither
	// kChoice is one of a set of options (a select or radios), sent as
	// kText: a problem with it is worded for the options the page shows
	// ("Select contract"), never the API values the service lists.
	kChoice
	// kOptChoice is an optional select (kChoice), left out when blank,
	// as kOptText: a payment's target, needed only for a milestone.
	kOptChoice
	// kBudgetLines is one amount in pounds per budget category, in inputs
	// named <path>.<category> → [{category, amountPence}] of the filled
	// ones, in category order (a grant's budget, a spend return's lines).
	kBudgetLines
	kPart // one input of a kBudgetLines group: read with the group
	// kConfirm is a checkbox the page asks for and the API never sees (the
	// outcome form's "add these figures to those already sent"): it is
	// left out of the body, and its problems are worded by the page.
	kConfirm
)

// field is one input of a form: its name is the JSON path it fills.
type field struct {
	Path  string
	Kind  kind
	Label string
}

// form is a form's state: what was typed (kept when errors are shown) and
// what is wrong with it.
type form struct {
	Values url.Values
	Errors map[string]string // by JSON path
	Order  []string          // paths in the order of the form, for the summary
	// General holds problems no field shows (a stale version, say).
	General []string
	// refused is the refusal the form is shown again with, whose code
	// gives the page its status (formStatus); nil for problems the page
	// found itself, which are validation_failed.
	refused error
	fields  map[string]field
	// lines is, for each kBudgetLines group, the category of each line the
	// body sent, in order: "lines[1].amountPence" is shown beside the
	// input of lines[1]'s category.
	lines map[string][]domain.BudgetCategory
	// unread marks each kBudgetLines group with a box that was filled in
	// but could not be read (its own problem says why).
	unread map[string]bool
	// first is, for a group of inputs that shows only some of its parts
	// (a spend return's lines: those of the grant's budget), the id of the
	// first it shows, which its problems link to (anchor).
	first map[string]string
}

func newForm(fields []field, values url.Values) *form {
	f := &form{Values: values, Errors: map[string]string{}, fields: map[string]field{}, lines: map[string][]domain.BudgetCategory{},
		unread: map[string]bool{}, first: map[string]string{}}
	if f.Values == nil {
		f.Values = url.Values{}
	}
	for _, fd := range fields {
		f.fields[fd.Path] = fd
		f.Order = append(f.Order, fd.Path)
		if fd.Kind == kBudgetLines {
			for _, c := range domain.BudgetCategories {
				p := fd.Path + "." + string(c)
				f.fields[p] = field{p, kPart, c.Label()}
				f.Order = append(f.Order, p)
			}
		}
	}
	return f
}

// Get is a field's value as typed.
func (f *form) Get(name string) string { return f.Values.Get(name) }

// Has reports whether a checkbox value is ticked.
func (f *form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err is the message shown beside a field.
func (f *form) Err(path string) string { return f.Errors[path] }

// HasErrors reports whether anything is wrong.
func (f *form) HasErrors() bool { return len(f.Errors) > 0 || len(f.General) > 0 }

// summaryItem is one line of the error summary.
type summaryItem struct {
	Text, Href string
}

// Summary lists every problem, in the order of the form, each linking to
// its field.
func (f *form) Summary() []summaryItem {
	var out []summaryItem
	for _, g := range f.General {
		out = append(out, summaryItem{Text: g})
	}
	seen := map[string]bool{}
	for _, p := range f.Order {
		if msg, ok := f.Errors[p]; ok {
			out = append(out, summaryItem{Text: msg, Href: "#" + f.anchor(p)})
			seen[p] = true
		}
	}
	var rest []string
	for p := range f.Errors {
		if !seen[p] {
			rest = append(rest, p)
		}
	}
	sort.Strings(rest)
	for _, p := range rest {
		out = append(out, summaryItem{Text: f.Errors[p], Href: "#" + f.anchor(p)})
	}
	return out
}

// anchor is the id the summary links to: the first input of what is
// wrong, as NHS.UK's error summary pattern has it, never the group around
// it. A date's is its day box; a group of inputs of their own (a budget's
// lines, an outcome's counts: "counts.referrals"...) its first part, or
// the first it shows (first); else the field's own id, which radios and
// checkboxes give their first input (partials.html).
func (f *form) anchor(p string) string {
	if fd, ok := f.fields[p]; ok && (fd.Kind == kDate || fd.Kind == kOptDate) {
		return fieldID(p) + "-day"
	}
	if id, ok := f.first[p]; ok {
		return id
	}
	for _, q := range f.Order {
		if strings.HasPrefix(q, p+".") {
			return f.anchor(q)
		}
	}
	return fieldID(p)
}

// The form patterns compile on first use, not in package init, which
// every cold start of the web function would pay for, form or no form.
var nonID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9]+`) })

// fieldID is the HTML id of the input for a JSON path:
// "counts.referrals" → "f-counts-referrals".
func fieldID(path string) string {
	return "f-" + strings.Trim(nonID().ReplaceAllString(path, "-"), "-")
}

// repeated names each field of one value that the post gave more than
// once (name=A&name=B), reporting whether there was one. A browser never
// sends such a form; a careless reader would take whichever value comes
// first, so it is refused naming the field, as the API refuses a JSON
// object with the same key twice (decode.ProblemTwice), and nothing is
// saved. A date's boxes and a group's amounts are each one value; only
// checkboxes (kChecks, kOptChecks) send several.
func (f *form) repeated() bool {
	found := false
	for _, p := range f.Order {
		var names []string
		switch f.fields[p].Kind {
		case kChecks, kOptChecks, kBudgetLines:
			continue // several values, or none of its own (its parts are fields)
		case kDate, kOptDate:
			names = []string{p, p + "-day", p + "-month", p + "-year"}
		default:
			names = []string{p}
		}
		for _, name := range names {
			if len(f.Values[name]) > 1 {
				if _, own := f.Errors[p]; !own {
					f.Errors[p] = f.label(p) + " " + decode.ProblemTwice + " in the form: send it once"
				}
				found = true
			}
		}
	}
	return found
}

// body converts the posted values into the JSON object the API takes,
// noting every field that cannot be converted.
func (f *form) body() (map[string]any, domain.Problems) {
	out := map[string]any{}
	bad := domain.Problems{}
	for _, p := range f.Order {
		fd := f.fields[p]
		if !utf8.ValidString(strings.Join(f.Values[p], "")) {
			// json.Marshal below would turn such bytes into U+FFFD, and the
			// API's decoder could no longer see that they were not text.
			bad.Add(p, "must be valid UTF-8 text")
			continue
		}
		raw := strings.TrimSpace(f.Values.Get(p))
		var v any
		ok := true
		switch fd.Kind {
		case kText, kChoice:
			v = f.Values.Get(p)
		case kOptText, kOptChoice:
			if raw == "" {
				continue
			}
			v = f.Values.Get(p)
		case kClearText:
			if _, sent := f.Values[p]; !sent {
				continue
			}
			v = f.Values.Get(p)
			if raw == "" {
				v = ""
			}
		case kPounds:
			if raw == "" {
				// Sent as null (v is nil), which the service refuses
				// naming the field, as the API does. Left out, an edit
				// would keep the old value and say it was saved.
				break
			}
			var err error
			if v, err = parsePounds(raw); err != nil {
				bad.Add(p, err.Error())
				ok = false
			}
		case kInt, kOptInt:
			if raw == "" {
				if fd.Kind == kOptInt {
					continue
				}
				break // null, as kPounds
			}
			n, err := parseWhole(raw)
			if err != nil {
				bad.Add(p, "must be a whole number, like 12")
				ok = false
			}
			v = n
		case kFloat, kOptFloat:
			if raw == "" {
				if fd.Kind == kOptFloat {
					continue
				}
				break // null, as kPounds
			}
			n, err := parseDecimal(raw)
			if err != nil {
				bad.Add(p, "must be a number, like 0.5")
				ok = false
			}
			v = n
		case kDate, kOptDate:
			s, present, err := f.date(p)
			if err != nil {
				bad.Add(p, err.Error())
				ok = false
			}
			if !present {
				if fd.Kind == kOptDate {
					continue
				}
				s = "" // the service says it is required
			}
			v = s
		case kChecks:
			vals := []string{}
			for _, x := range f.Values[p] {
				if x = strings.TrimSpace(x); x != "" {
					vals = append(vals, x)
				}
			}
			v = vals
		case kOptChecks:
			var vals []string
			for _, x := range f.Values[p] {
				if x = strings.TrimSpace(x); x != "" {
					vals = append(vals, x)
				}
			}
			if len(vals) == 0 {
				continue
			}
			v = vals
		case kDays:
			ns := []int64{}
			for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
				n, err := wholeOrBound(part)
				if err != nil {
					bad.Add(p, "must be whole numbers of days separated by commas, like 14, 7")
					ok = false
					break
				}
				ns = append(ns, n)
			}
			v = ns
		case kBool:
			switch raw {
			case "":
				continue
			case "true", "false":
				v = raw == "true"
			default:
				bad.Add(p, "must be yes or no")
				ok = false
			}
		case kIntList:
			if raw == "" {
				// null, as kPounds: the API's "not given" when a record is
				// made (a target's milestones default to [100]), refused
				// on an edit, which would otherwise keep the old list.
				break
			}
			var ns []int64
			for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
				n, err := wholeOrBound(strings.TrimSuffix(part, "%"))
				if err != nil {
					bad.Add(p, "must be whole percentages separated by commas, like 50, 100")
					ok = false
					break
				}
				ns = append(ns, n)
			}
			v = ns
		case kLines:
			lines := []string{}
			for _, it := range lineItems(f.Values.Get(p)) {
				lines = append(lines, it.Text)
			}
			v = lines
		case kBudgetLines:
			var ls []map[string]any
			var cats []domain.BudgetCategory
			for _, c := range domain.BudgetCategories {
				in := strings.TrimSpace(f.Values.Get(p + "." + string(c)))
				if in == "" {
					continue
				}
				n, err := parsePounds(in)
				if err != nil {
					// The lines that could be read are still sent, for
					// the service to name what else is wrong with them.
					bad.Add(p+"."+string(c), err.Error())
					f.unread[p] = true
					continue
				}
				ls = append(ls, map[string]any{"category": c, "amountPence": n})
				cats = append(cats, c)
			}
			if ls == nil {
				ls = []map[string]any{} // none: no budget, or a return with no lines
			}
			f.lines[p] = cats
			v = ls
		case kPart, kConfirm:
			continue // read with its group; the page's own
		case kAreas:
			// One area per line: its ONS code, then its name. The API checks
			// both, and its problems ("beneficiaryLocations[1].geoCode") show
			// beside this box.
			locs := []map[string]string{}
			for _, l := range strings.Split(f.Values.Get(p), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					code, name, _ := strings.Cut(l, " ")
					locs = append(locs, map[string]string{"geoCode": strings.TrimRight(code, ",:"),
						"name": strings.TrimSpace(strings.TrimLeft(name, " \t-,:"))})
				}
			}
			v = locs
		}
		if ok {
			setPath(out, p, v)
		}
	}
	return out, bad
}

// date reads a date field: one YYYY-MM-DD input named p, or the NHS date
// input's three boxes p-day, p-month, p-year. present is false when all
// are blank.
func (f *form) date(p string) (string, bool, error) {
	if one := strings.TrimSpace(f.Values.Get(p)); one != "" {
		if _, err := domain.ParseDate(one); err != nil {
			if domain.DateProblem(one) == domain.OutOfYears {
				return "", true, errors.New(domain.OutOfYears)
			}
			return "", true, errors.New("must be a real date in the form YYYY-MM-DD")
		}
		return one, true, nil
	}
	d, m, y := strings.TrimSpace(f.Values.Get(p+"-day")), strings.TrimSpace(f.Values.Get(p+"-month")), strings.TrimSpace(f.Values.Get(p+"-year"))
	if d == "" && m == "" && y == "" {
		return "", false, nil
	}
	di, err1 := strconv.Atoi(d)
	mi, err2 := strconv.Atoi(m)
	yi, err3 := strconv.Atoi(y)
	if err1 != nil || err2 != nil || err3 != nil || len(y) != 4 {
		return "", true, errors.New("must be a real date with a day, month and 4-digit year, like 30 6 2011")
	}
	s := fmt.Sprintf("%04d-%02d-%02d", yi, mi, di)
	if _, err := domain.ParseDate(s); err != nil {
		if domain.DateProblem(s) == domain.OutOfYears {
			return "", true, errors.New(domain.OutOfYears)
		}
		return "", true, errors.New("must be a real date, like 30 6 2011")
	}
	return s, true, nil
}

var poundsPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d+(\.\d{1,2})?$`) })

// parseWhole reads a whole number as typed (domain.TypedNumber: "1,200"
// but not "1,2"), as wholeOrBound does.
func parseWhole(s string) (int64, error) {
	n, ok := domain.TypedNumber(s)
	if !ok {
		return 0, errors.New("not a whole number")
	}
	return wholeOrBound(n)
}

// wholeOrBound is strconv.ParseInt in base 10, except that a whole number
// too long to hold (99999999999999999999) reads as the largest (or,
// negative, the smallest) there is: it is a whole number, and every
// field's own rule then refuses it in its own words ("is implausibly large
// (over 100000 people in one period)"), as it does 999999999, where "must
// be a whole number" would be untrue.
func wholeOrBound(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if errors.Is(err, strconv.ErrRange) {
		return v, nil // ParseInt gives math.MaxInt64 or math.MinInt64
	}
	return v, err
}

// parseDecimal reads a number as typed (domain.TypedNumber): never NaN, an
// infinity or a hexadecimal float, which json.Marshal could not write or
// nobody means.
func parseDecimal(s string) (float64, error) {
	n, ok := domain.TypedNumber(s)
	if !ok {
		return 0, errors.New("not a number")
	}
	return strconv.ParseFloat(n, 64)
}

// parsePounds reads an amount typed in pounds ("£310,000.00", "310 000",
// "310000") as pence. Commas or spaces may only separate thousands: "31,00"
// is not read as £3,100. A minus sign before the amount or after the
// pound sign ("-5", "-£5", "£-5") makes it negative pence: the service then
// says what its rule says of a negative amount ("must not be negative"),
// where "must be an amount in pounds" would not tell the person why.
func parsePounds(s string) (int64, error) {
	s, neg := cutMinus(strings.TrimSpace(s))
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "£"))
	if !neg {
		s, neg = cutMinus(s)
	}
	n, err := parseUnsignedPounds(s)
	if neg {
		n = -n
	}
	return n, err
}

// cutMinus takes a leading minus sign (a hyphen or U+2212) off s.
func cutMinus(s string) (string, bool) {
	for _, m := range []string{"-", "\u2212"} {
		if rest, ok := strings.CutPrefix(s, m); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return s, false
}

// parseUnsignedPounds is parsePounds after the sign and pound sign.
func parseUnsignedPounds(s string) (int64, error) {
	bad := errors.New("must be an amount in pounds, like 310,000.00")
	s, ok := domain.TypedNumber(strings.ReplaceAll(s, " ", ","))
	if !ok || !poundsPattern().MatchString(s) || len(s) > 16 {
		return 0, bad
	}
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, bad
	}
	return n, nil
}

// setPath sets a value at a JSON path such as "counts.referrals" or
// "measures[1].name", making the maps and lists on the way.
func setPath(m map[string]any, p string, v any) {
	head, rest, nested := strings.Cut(p, ".")
	name, idx, isList := listStep(head)
	if isList {
		list, _ := m[name].([]any)
		for len(list) <= idx {
			list = append(list, map[string]any{})
		}
		if nested {
			child, _ := list[idx].(map[string]any)
			if child == nil {
				child = map[string]any{}
			}
			setPath(child, rest, v)
			list[idx] = child
		} else {
			list[idx] = v
		}
		m[name] = list
		return
	}
	if !nested {
		m[head] = v
		return
	}
	child, _ := m[head].(map[string]any)
	if child == nil {
		child = map[string]any{}
		m[head] = child
	}
	setPath(child, rest, v)
}

var listStepPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\w+)\[(\d+)\]$`) })

func listStep(s string) (string, int, bool) {
	m := listStepPattern().FindStringSubmatch(s)
	if m == nil {
		return s, 0, false
	}
	n, _ := strconv.Atoi(m[2])
	return m[1], n, true
}

// decoder is the service.Decoder of a posted form: its body, decoded by
// the API's decoder, with the conversion problems first (they win).
func (f *form) decoder() service.Decoder {
	data, bad := f.body()
	return func(v any) error {
		raw, err := json.Marshal(data)
		if err != nil {
			return err
		}
		return domain.MergeProblems(bad.Err(), decode.JSON(raw, v))
	}
}

// fail records the service's answer to the form. It reports false for an
// error that is not about the form's fields (refused, not found, broken),
// which the caller passes on to the error page.
func (f *form) fail(err error) bool {
	var de *domain.Error
	if !errors.As(err, &de) {
		return false
	}
	if len(de.Fields) > 0 || de.Code == domain.CodeValidation || de.Code == domain.CodePersonalData {
		f.refuse(err)
	}
	switch {
	case len(de.Fields) > 0:
		items := map[string][]itemProblem{}
		for p, msg := range de.Fields {
			if f.unread[p] {
				// A problem of a group of amounts as a whole ("at least one
				// line is required", what they add up to) is about the
				// boxes that could be read; with one that could not, it
				// would misreport what was typed, and that box's own
				// problem says what to put right.
				continue
			}
			o := f.owner(p)
			if name, n, ok := listStep(p); ok && name == o && f.fields[o].Kind == kLines {
				if its := lineItems(f.Get(o)); n < len(its) {
					items[o] = append(items[o], itemProblem{its[n], msg})
					continue
				}
			}
			if _, dup := f.Errors[o]; !dup {
				f.Errors[o] = f.message(o, msg)
			}
		}
		for o, ps := range items {
			if _, dup := f.Errors[o]; !dup {
				f.Errors[o] = f.itemsMessage(o, ps)
			}
		}
		return true
	case de.Code == domain.CodeValidation || de.Code == domain.CodePersonalData:
		f.General = append(f.General, capitalise(de.Message))
		return true
	}
	return false
}

// refuse notes err as the refusal the form is shown again with: the first
// one noted gives the page its status.
func (f *form) refuse(err error) {
	if f.refused == nil {
		f.refused = err
	}
}

// status is the HTTP status of the form's page: 200 with nothing wrong;
// shown again with its problems, the status of the refusal that found
// them (shared/present's table: 400 validation_failed, 422
// personal_data_detected, 412 for a record changed since the form was
// opened), as the API answers the same refusal; 400 validation_failed for
// problems the page found itself (a date that is no date, a field sent
// twice).
func (f *form) status() int {
	switch {
	case !f.HasErrors():
		return http.StatusOK
	case f.refused == nil:
		return present.Status(domain.Errorf(domain.CodeValidation, "form"))
	}
	return present.Status(f.refused)
}

// owner is the form field a problem belongs to: "contacts[1]" is shown
// beside the contacts box.
func (f *form) owner(p string) string {
	if _, ok := f.fields[p]; ok {
		return p
	}
	if i := strings.IndexByte(p, '['); i > 0 {
		// A line of a budget group: the input of its category.
		if name, n, ok := listStep(strings.SplitN(p, ".", 2)[0]); ok && n < len(f.lines[name]) {
			return name + "." + string(f.lines[name][n])
		}
		if _, ok := f.fields[p[:i]]; ok {
			return p[:i]
		}
	}
	return p
}

// message words a field problem for the page: "Enter the title",
// "Amount must be an amount in pounds, like 310,000.00". The service words
// its problems for API clients, so the words the page would get wrong are
// put the page's way here, once for every form: dates as the pages write
// them, amounts in pounds where people type pounds, and options (see
// kChoice) as the page offers them.
func (f *form) message(p, msg string) string {
	label := f.label(p)
	if f.fields[p].Kind == kConfirm {
		return msg
	}
	if strings.HasPrefix(msg, "at least") {
		msg, _, _ = strings.Cut(msg, ", e.g.")
		return capitalise(msg)
	}
	kind := f.fields[p].Kind
	blank := strings.TrimSpace(f.Get(p)) == ""
	if (kind == kChoice || kind == kOptChoice) && (blank || strings.Contains(msg, `"`) || strings.HasPrefix(msg, "must be one of")) {
		if blank {
			return "Select " + lowerFirst(label)
		}
		return label + " must be one of the options shown"
	}
	// A number box left empty is sent as null, or not at all: what the
	// service says of the missing value ("must not be null", "must be a
	// whole number from 1 to 1000") is, on the page, that the box needs
	// filling in.
	numeric := kind == kInt || kind == kOptInt || kind == kFloat || kind == kOptFloat || kind == kPounds || kind == kIntList
	if msg == "required" || strings.HasPrefix(msg, "required:") || numeric && blank {
		return "Enter " + lowerFirst(label)
	}
	if strings.HasPrefix(msg, "another ") {
		// A sentence of its own ("another project of this programme is
		// already named …"), not something wrong with the label's box.
		return capitalise(msg)
	}
	if kind == kPounds || kind == kPart {
		msg = strings.ReplaceAll(msg, "a positive whole number of pence", "more than £0")
	}
	return label + " " + longDates(msg)
}

// lineItem is one item of a box of lines (kLines), with the line of the
// box it is on, counted from 1.
type lineItem struct {
	Text string
	Line int
}

// lineItems are the items of a box of lines as the form sends them: one a
// line or separated by commas, blank ones left out. A problem the service
// names by the item's index ("contacts[2]") is about lineItems(…)[2].
func lineItems(raw string) []lineItem {
	var out []lineItem
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\r", "\n")
	for i, line := range strings.Split(raw, "\n") {
		for t := range strings.SplitSeq(line, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, lineItem{t, i + 1})
			}
		}
	}
	return out
}

// itemProblem is a problem with one item of a box of lines.
type itemProblem struct {
	item lineItem
	msg  string
}

// itemsMessage words the problems with items of box p, which the page
// shows beside the whole box: each names the item and its line, as the
// person typed it, since with many lines "Contact emails appears twice"
// leaves them to hunt for it: "Contact emails: ONE@example.org (line 3)
// appears twice".
func (f *form) itemsMessage(p string, ps []itemProblem) string {
	slices.SortFunc(ps, func(a, b itemProblem) int { return a.item.Line - b.item.Line })
	parts := make([]string, len(ps))
	for i, x := range ps {
		parts[i] = x.item.Text + " (line " + strconv.Itoa(x.item.Line) + ") " + longDates(x.msg)
	}
	return f.label(p) + ": " + strings.Join(parts, "; ")
}

// isoDate finds the dates a problem names ("(2024-04-01)"), which pages
// write as "1 April 2024".
var isoDate = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`) })

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func (f *form) label(p string) string {
	if fd, ok := f.fields[p]; ok && fd.Kind == kPart {
		group, _, _ := strings.Cut(p, ".")
		return f.fields[group].Label + ": " + strings.ToLower(fd.Label)
	}
	if fd, ok := f.fields[p]; ok && fd.Label != "" {
		return fd.Label
	}
	if m, ok := strings.CutPrefix(p, "counts."); ok {
		return domain.Metric(m).Label()
	}
	return capitalise(p)
}

// jsonCompact writes v as compact JSON text.
func jsonCompact(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// withText adds to a refusal of a form's fields (400) the problems the
// personal-data guard finds in its free text, read as T, the API's body,
// names them: a person with both kinds of mistake (an amount mistyped,
// and an email address in the notes) then puts both right in one go,
// rather than learning of the second only once the first is fixed. The
// service does so itself for the problems of an input's own checks
// (domain.WithText); this covers the refusals made after those (a period
// already sent, a spend return's rules against its grant), and is a no-op
// where the service has named the text already. A field with a problem of
// its own keeps it.
func withText[T domain.TextFielder](f *form, err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation {
		return err
	}
	var in T
	_ = f.decoder()(&in) // what could be read: the problems are err's already
	var pd *domain.Error
	if !errors.As(domain.CheckText(in), &pd) {
		return err
	}
	both := *de
	both.Fields = maps.Clone(de.Fields)
	if both.Fields == nil {
		both.Fields = map[string]string{}
	}
	for p, msg := range pd.Fields {
		if _, own := both.Fields[p]; !own {
			both.Fields[p] = msg
		}
	}
	return &both
}
