package domain

import (
	"strconv"
	"strings"
)

// digitGroup is one maximal run of digits in normalised text, and how it is
// joined to the run before it.
type digitGroup struct {
	digits     string
	start, end int    // byte offsets in the normalised text
	joined     bool   // joined to the previous group by a short separator
	sep        string // that separator, when joined
	// wide marks a group joined only by a mark beyond the dashes, dots,
	// slashes, brackets, underscores and commas that write dates and
	// figures (a table's |, a time's :, see joins): the checks of dates
	// take it for a number of its own.
	wide bool
	date bool // part of something dated (see markDates)
}

// digitGroups splits normalised text into runs of digits. Two runs are
// joined when only spaces (any number of them: a pasted table pads with
// many) and at most three marks (joinMarks: dashes, dots, slashes,
// brackets, underscores, commas, and the bars, colons, semicolons, plus
// signs, stars, tildes, quotes and backslashes people also put between
// groups: security3 D1) stand between them, so "943 476 5919",
// "943_476_5919", "(0113) 496-0000", "07700    900123", "943|476|5919",
// "943..476..5919" and "01/10/2016" each read as one number written in
// groups. Which joins make a number is for each check to say: a comma
// joins "943,476,5919" but also lists figures ("12, 15, 20") and
// thousands ("£1,234,567"), as a semicolon and a table's bar list them
// ("12; 15; 20", "| 12 | 15 |": listMark). A line break parts two runs
// here; personalKind reads the text again with its lines joined.
func digitGroups(norm string) []digitGroup {
	var gs []digitGroup
	for i := 0; i < len(norm); {
		if !isDigit(norm[i]) {
			i++
			continue
		}
		j := i
		for j < len(norm) && isDigit(norm[j]) {
			j++
		}
		g := digitGroup{digits: norm[i:j], start: i, end: j}
		if n := len(gs); n > 0 {
			if between := norm[gs[n-1].end:i]; joins(between) {
				g.joined, g.sep = true, between
				g.wide = strings.IndexFunc(between, func(r rune) bool { return r != ' ' && !strings.ContainsRune(dateMarks, r) }) >= 0
			}
		}
		gs = append(gs, g)
		i = j
	}
	markDates(gs)
	return gs
}

// joins reports whether what stands between two runs of digits joins them
// (see digitGroups): spaces, and at most three of joinMarks. A line break,
// a letter or any other sign parts them: a currency sign, a percent sign,
// "@", "&", "=" or "<>", which write figures of their own ("£12 £15",
// "12% 15%", "3 + 4 = 7").
func joins(between string) bool {
	marks := 0
	for i := 0; i < len(between); i++ {
		switch c := between[i]; {
		case c == ' ':
		case isJoinMark(c):
			marks++
		default:
			return false
		}
	}
	return marks <= 3
}

const (
	// dateMarks are the marks that join the groups of dates and figures
	// as well as numbers; joinMarks are those and the other marks people
	// put between a number's groups ("943|476|5919", "943:476:5919",
	// "07700;900123", "943+476+5919", "943*476*5919", "943~476~5919",
	// "943'476'5919", "943\476\5919"): neither letters nor signs that
	// write figures of their own (see joins).
	dateMarks = "-./()_,"
	joinMarks = dateMarks + `|:;+*~'"\[]{}`
)

func isJoinMark(c byte) bool { return strings.IndexByte(joinMarks, c) >= 0 }

// listMark reports whether a separator's kind (sepKind) lists figures as
// well as joining a number's groups: a comma, a semicolon or a table's bar.
func listMark(kind string) bool { return kind == "," || kind == ";" || kind == "|" }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// markDates marks groups that make dates (01/10/2016, 1.10.16, 2016-10-01)
// and months (10/2016), with the same separator between the parts: ten
// digits of a date range such as "01/10/2016-31/03/17" must not read as an
// NHS or phone number. A date starts its run of groups joined by that
// separator, or follows another date ("2016-10-01–2017-03-31"), so the
// middle of "94-12-05-16-21" is not one.
func markDates(gs []digitGroup) {
	num := func(g digitGroup, minLen, maxLen, lo, hi int) bool {
		n, err := strconv.Atoi(g.digits)
		return err == nil && len(g.digits) >= minLen && len(g.digits) <= maxLen && n >= lo && n <= hi
	}
	datey := func(sep string) bool { s := strings.TrimSpace(sep); return s == "/" || s == "-" || s == "." }
	year4 := func(g digitGroup) bool { return num(g, 4, 4, 1900, 2099) }
	// starts reports whether a date with separator sep may start at group i.
	starts := func(i int, sep string) bool {
		return i == 0 || !gs[i].joined || gs[i].sep != sep || gs[i-1].date
	}
	// colon reports whether group i is joined to the one before by a colon.
	colon := func(i int) bool { return gs[i].joined && sepKind(gs[i].sep) == ":" }
	for i := range gs {
		// A time of day (09:30, 9:30:15), as a timetable lists them
		// ("08:00 10:30 12:00"): its groups write no number, as a date's
		// do not. A colon joins "943:476:5919" all the same.
		if i+1 < len(gs) && colon(i+1) && (i == 0 || !colon(i) || gs[i-1].date) && num(gs[i], 1, 2, 0, 23) && num(gs[i+1], 2, 2, 0, 59) {
			gs[i].date, gs[i+1].date = true, true
			if i+2 < len(gs) && colon(i+2) && num(gs[i+2], 2, 2, 0, 59) {
				gs[i+2].date = true
			}
		}
		if i+2 < len(gs) && gs[i+1].joined && gs[i+2].joined && gs[i+1].sep == gs[i+2].sep && datey(gs[i+1].sep) && starts(i, gs[i+1].sep) {
			a, b, c := gs[i], gs[i+1], gs[i+2]
			dmy := num(a, 1, 2, 1, 31) && num(b, 1, 2, 1, 12) && (year4(c) || len(c.digits) == 2)
			ymd := year4(a) && num(b, 1, 2, 1, 12) && num(c, 1, 2, 1, 31)
			if dmy || ymd {
				gs[i].date, gs[i+1].date, gs[i+2].date = true, true, true
			}
		}
		if i+1 < len(gs) && gs[i+1].joined && datey(gs[i+1].sep) && strings.TrimSpace(gs[i+1].sep) != "." && starts(i, gs[i+1].sep) &&
			num(gs[i], 1, 2, 1, 12) && year4(gs[i+1]) {
			gs[i].date, gs[i+1].date = true, true
		}
	}
}

// sepKind is the kind of a separator between groups of digits: " " for
// spaces and brackets alone ("(943) 476 5919" is spaced), else the one
// mark it holds, once or repeated ("943..476..5919", "943 -- 476 -- 5919"
// are dotted and dashed); "" if it holds two different marks, which
// nobody puts inside a number.
func sepKind(sep string) string {
	marks := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '(', ')', '[', ']', '{', '}':
			return -1
		}
		return r
	}, sep)
	switch {
	case marks == "":
		return " "
	case strings.Count(marks, marks[:1]) == len(marks):
		return marks[:1]
	}
	return ""
}

// containsNHSNumber finds ten digits with a valid modulus 11 check digit,
// written as one run (9434765919) or as consecutive groups joined by the
// same kind of separator however they are grouped (943 476 5919, 9434 765
// 919, 94-34-76-59-19, 943.476.5919, 943_476_5919, (943) 476 5919, 943
// 476    5919), or grouped 3-3-4 with mixed separators (943-476 5919). A
// comma joins groups only in that 3-3-4 layout (943,476,5919): otherwise
// commas list figures ("4, 5, 5, 3, …") or mark thousands (9,434,765,919),
// and neither is an NHS number; nor is "£100,000 (2012)", whose 3-3-4
// mixes a comma with another separator. A group is never split, so a valid
// number inside a longer one (19434765919) is not one, while one next to
// another number (1234567890 9434765919) still is. Written in groups of one or two
// digits (9 4 3 4 7 6 5 9 1 9, 94 34 76 59 19) it must be the whole of its
// list (standsAlone), so ten digits in the middle of "Likert 0 1 2 3 4 5 6
// 7 8 9 10" or of twelve months' referrals "12 15 18 20 22 19 17 …" are
// figures, not a number. Left alone: dates, and amounts
// after a currency sign written as amounts are (£9434765919, £1 311 475
// 000; not £ 943 476 5919), and ten digits tied to more by a bare dash,
// dot, slash or underscore (partOfLonger), and a Belgian enterprise number
// after its org-id.guide code (BE-BCE_KBO-0403170701: belgianOrgID), which
// is held to its own register's check digits instead. About one in eleven
// arbitrary ten-digit numbers passes the check digit, so such a reference
// number is refused too: nothing tells it from an NHS number.
func containsNHSNumber(norm string, gs []digitGroup) bool {
	for i := range gs {
		if belgianOrgID(norm, gs[i]) {
			continue
		}
		money := !gs[i].joined && afterCurrency(norm, gs[i])
		layout := isThreeThreeFour(gs[i:min(i+3, len(gs))])
		commas := layout && listMark(sepKind(gs[i+1].sep)) && sepKind(gs[i+2].sep) == sepKind(gs[i+1].sep)
		digits, kind, short := "", "", false
		for j := i; j < len(gs) && len(digits) < 10; j++ {
			g := gs[j]
			if j > i {
				k := sepKind(g.sep)
				if !g.joined || k == "" {
					break
				}
				if kind == "" {
					kind = k
				}
				if listMark(k) && !commas || k != kind && !(j-i <= 2 && layout) {
					break
				}
			}
			if g.date {
				break
			}
			digits += g.digits
			short = short || len(g.digits) <= 2
			if len(digits) == 10 && ValidNHSNumber(digits) && !partOfLonger(gs, i, j) && !(money && amountShaped(gs[i:j+1])) &&
				(!short || standsAlone(gs, i, j, kind)) {
				return true
			}
		}
	}
	return false
}

// belgianOrgID reports whether g is a Belgian enterprise number (ten
// digits with its register's check digits: ValidBelgianEnterpriseNumber)
// right after its org-id.guide code, "BE-BCE_KBO-", as an orgId is written
// in a note: a register's number, read by that register's rule (see
// OtherOrgLists), not an NHS number, which one in eleven would pass for,
// nor a UK phone number (0106271022, 0801665903).
func belgianOrgID(norm string, g digitGroup) bool {
	const code = "BE-BCE_KBO-"
	return g.start >= len(code) && strings.EqualFold(norm[g.start-len(code):g.start], code) &&
		ValidBelgianEnterpriseNumber(g.digits)
}

// partOfLonger reports whether groups i to j are tied to a group beyond
// them by a bare dash, dot, slash or underscore: then they are part of one
// longer identifier (ISBN 978-0-9571234-1-8, 2016-9434765919,
// GA_2016_9434765919), not a number of their own. Spaces leave them apart:
// "1234567890 9434765919" is two.
func partOfLonger(gs []digitGroup, i, j int) bool {
	bare := func(g digitGroup) bool {
		return g.joined && (g.sep == "-" || g.sep == "." || g.sep == "/" || g.sep == "_")
	}
	return bare(gs[i]) || (j+1 < len(gs) && bare(gs[j+1]))
}

// isThreeThreeFour reports whether three groups are 3, 3 and 4 digits long
// and joined: the NHS's own layout, recognised whatever the separators.
func isThreeThreeFour(gs []digitGroup) bool {
	return len(gs) == 3 && len(gs[0].digits) == 3 && len(gs[1].digits) == 3 && len(gs[2].digits) == 4 &&
		gs[1].joined && gs[2].joined && sepKind(gs[1].sep) != "" && sepKind(gs[2].sep) != ""
}

// amountShaped reports whether groups read as an amount: one run of digits,
// or thousands (1 311 475 000: one to three digits, then threes).
func amountShaped(gs []digitGroup) bool {
	if len(gs) == 1 {
		return true
	}
	if len(gs[0].digits) > 3 {
		return false
	}
	for _, g := range gs[1:] {
		if len(g.digits) != 3 {
			return false
		}
	}
	return true
}

// afterCurrency reports whether g comes right after a currency sign: the
// number is money ("£1 311 475 000").
func afterCurrency(norm string, g digitGroup) bool {
	before := strings.TrimRight(norm[:g.start], " ")
	return strings.HasSuffix(before, "£") || strings.HasSuffix(before, "$") || strings.HasSuffix(before, "€")
}

// ValidNHSNumber reports whether ten digits carry a valid modulus 11 check digit.
func ValidNHSNumber(digits string) bool {
	if len(digits) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && int(digits[9]-'0') == check
}

// containsPhoneNumber finds a UK phone number: national (0…), international
// (+44…, +44 (0)…, +44 0…, 0044…) with any separators between its groups,
// and between the + and the 44 (+ 44…, +-44…, +(44)…: see afterPlus).
// National numbers are 11 digits (02, 03, 05, 07, 09), or 10 or 11 (01,
// 08); 04 and 06 are not in use. Groups are never split, so a longer run
// of digits is not a phone number. Left alone: dates (01/10/2016); commas
// between groups shorter than three digits, which list figures ("0, 12,
// 15, 20"); and single digits in a list. A number with single-digit groups
// (0 7 7 0 0 9 0 0 1 2 3, +44 7 7 0 0 …) is one only when one kind of
// separator joins all its groups and it is the whole of its list
// (standsAlone): "0 1 2 1 3 2 0 1 2 2 1 3" (job starts by month) holds
// eleven such digits starting 01, but is a list of twelve, and "0.1 0.2
// 0.3" mixes dots and spaces.
//
// After a phone cue (phoneCueBefore: "mob", "tel", "phone", "call" …), a
// number without its 0 or its + is one too, as a spreadsheet leaves it
// (Excel reads 07700900123 typed into a cell as the number 7700900123,
// and +447700900123 as 447700900123) and people copy it on: "mob
// 7700900123", "mob 7700 900123", "tel 447700900123" (third security
// audit, W2). Without a cue such digits are as often a reference. A
// Belgian enterprise number after its register's code (belgianOrgID) is
// none, though a fifth of them start 01 or 08 and are ten digits long.
func containsPhoneNumber(norm string, gs []digitGroup) bool {
	for i := range gs {
		if belgianOrgID(norm, gs[i]) {
			continue // BE-BCE_KBO-0801665903: no 0800 number
		}
		plus := afterPlus(norm, gs[i])
		d := gs[i].digits
		cued := false
		if !(plus && strings.HasPrefix(d, "44")) && !strings.HasPrefix(d, "0") {
			if cued = phoneCueBefore(norm, gs, i); !cued {
				continue
			}
		}
		digits, kind := "", ""
		uniform, single := true, false
		for j := i; j < len(gs) && len(digits) <= 14; j++ {
			g := gs[j]
			if (j > i && !g.joined) || g.date {
				break
			}
			if j > i {
				if strings.ContainsAny(g.sep, ",;|") && (len(gs[j-1].digits) < 3 || len(g.digits) < 3) {
					break
				}
				k := sepKind(g.sep)
				if j == i+1 {
					kind = k
				}
				uniform = uniform && k != "" && k == kind
			}
			if len(g.digits) < 2 && !bracketedZero(norm, g) && !trunkZero(gs, i, j, plus) {
				single = true
			}
			digits += g.digits
			national, ok := ukNational(digits, plus)
			if cued {
				national, ok = "0"+strings.TrimPrefix(digits, "44"), true
				if !strings.HasPrefix(digits, "44") {
					national = "0" + digits
				}
			}
			if !ok || !validUKLength(national) {
				continue
			}
			if single && uniform && standsAlone(gs, i, j, kind) || !single && j-i < 6 {
				return true
			}
		}
	}
	return false
}

// containsNINumber finds a National Insurance number: two letters, six
// digits and a letter A to D (AB123456C), as HMRC writes it or spaced in
// pairs (AB 12 34 56 C), in any case (ab123456c, Ab 12 34 56 c: a note
// typed in a hurry does not keep HMRC's capitals); or its pairs set apart
// by dashes or dots instead (AB-12-34-56-C, AB.12.34.56.C: third security
// audit, W1), but those only after an NI cue ("NI: AB-12-34-56-C"): HMRC
// never writes a number so, and a code of two letters, pairs and a letter
// joined by dashes is how programmes write their own references
// ("GR-12-34-56-A", a grant's; fix-guard). Nor is one that is part of a
// longer code, tied by a dash, dot, slash or underscore to a letter or
// digit before its prefix or after its last letter ("PRJ-AB123456C",
// "AB-12-34-56-A-01", "AB123456C/2026"), unless an NI cue stands right
// before it. The prefix must be one
// HMRC issues: no D, F, I, Q, U or V in it, no O second, and not BG, GB,
// KN, NK, NT, TN or ZZ; so a Scottish or Northern Irish company number
// (SC123456, NI123456) is not one, nor is any run of six digits without
// both letters around it. A prefix in capitals wants its final letter in
// capitals when a space parts them ("OC123456 a partnership" is a
// company); otherwise the final letter may be in either case. Not all in capitals and set apart
// from its digits by a space, the prefix must be no everyday word
// (niWordPrefixes: "on 12 34 56 b", "at 12 34 56 a" are figures in a
// sentence), and the digits spaced in pairs with the final letter, or
// after an NI cue. Without its final letter (people drop it) it is one
// only after "NI", "NINO" or "National Insurance" ("NI no: AB123456"):
// two letters and six digits alone are as often a company's or a
// grant's reference (OC123456).
func containsNINumber(norm string, gs []digitGroup) bool {
	for i, g := range gs {
		end, spaced, pairs := g.end, false, false
		sep := byte(' ') // what parts the pairs, and the letters from them
		switch {
		case len(g.digits) == 6:
		case len(g.digits) == 2 && i+2 < len(gs) && len(gs[i+1].digits) == 2 && len(gs[i+2].digits) == 2 &&
			gs[i+1].sep == gs[i+2].sep && (gs[i+1].sep == " " || gs[i+1].sep == "-" || gs[i+1].sep == "."):
			end, spaced, pairs = gs[i+2].end, true, true
			sep = gs[i+1].sep[0]
		default:
			continue
		}
		p := g.start
		if p > 0 && (norm[p-1] == ' ' || norm[p-1] == sep) {
			p--
			spaced = true
		}
		if p < 2 || !niPrefix(norm[p-2], norm[p-1]) || afterWordChar(norm, p-2) {
			continue
		}
		upper := isLetter(norm[p-2]) && isLetter(norm[p-1])
		k := end
		if k < len(norm) && (norm[k] == ' ' || norm[k] == sep) {
			k++
		}
		suffix := k < len(norm) && (norm[k] >= 'A' && norm[k] <= 'D' || (!upper || k == end) && norm[k] >= 'a' && norm[k] <= 'd') &&
			(k+1 >= len(norm) || !letterAt(norm, k+1) && !isDigit(norm[k+1]))
		cue := niCueBefore(norm, p-2)
		if spaced && !upper && !cue && (niWordPrefixes[strings.ToLower(norm[p-2:p])] || !pairs || !suffix) {
			continue // "on 12 34 56 b": figures after a word
		}
		if !cue && (sep != ' ' || codeTie(norm, p-2, -1) || suffix && codeTie(norm, k+1, 1)) {
			continue // "GR-12-34-56-A", "PRJ-AB123456C": a reference, not HMRC's number
		}
		if suffix || cue {
			return true
		}
	}
	return false
}

// codeTie reports whether the text at i (the first byte of a code, dir
// -1; or the byte after its last, dir 1) is tied to a letter or digit
// beyond it by a dash, dot, slash or underscore, making it part of a
// longer code ("PRJ-AB123456C", "AB123456C-01"). A full stop that ends a
// sentence ("… AB123456C. Next") ties nothing: a space or the end follows it.
func codeTie(norm string, i, dir int) bool {
	mark, next := i-1, i-2
	if dir > 0 {
		mark, next = i, i+1
	}
	if mark < 0 || next < 0 || next >= len(norm) || strings.IndexByte("-./_", norm[mark]) < 0 {
		return false
	}
	return isDigit(norm[next]) || letterAt(norm, next)
}

// niWordPrefixes, lower-cased, are the prefixes HMRC issues that are also
// everyday words or abbreviations: typed in lower case (or capitalised)
// before digits set apart by a space, they start a phrase, not a National
// Insurance number ("on 12 34 56 b", "by 12 34 56 a", "am 12 34 56 c").
var niWordPrefixes = wordSet("on at by as or an am be he we me my ok eg re pm hr mr ms ma mp pa pc ta te ha hm " +
	"ah eh er oh yr wk mo")

// niPrefix reports whether two ASCII letters, in any case, make a prefix
// HMRC issues (see containsNINumber).
func niPrefix(a, b byte) bool {
	if a >= 'a' && a <= 'z' {
		a -= 'a' - 'A'
	}
	if b >= 'a' && b <= 'z' {
		b -= 'a' - 'A'
	}
	if !isLetter(a) || !isLetter(b) {
		return false
	}
	if strings.IndexByte("DFIQUV", a) >= 0 || strings.IndexByte("DFIQUVO", b) >= 0 {
		return false
	}
	switch string([]byte{a, b}) {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	return true
}

// niCueBefore reports whether "NI", "NINO" or "National Insurance", with
// "no", "number" or "num" and a colon or not, ends just before i.
func niCueBefore(norm string, i int) bool {
	for n := 0; n < 3; n++ {
		for i > 0 && strings.IndexByte(" :.#-", norm[i-1]) >= 0 {
			i--
		}
		w, k := wordBeforeAt(norm, i)
		switch w {
		case "ni", "nino":
			return true
		case "insurance":
			// Only National Insurance: "public liability insurance no.
			// PL123456" is a policy, the programme's own.
			return wordBefore(norm, k) == "national"
		case "no", "number", "num":
			i = k
		default:
			return false
		}
	}
	return false
}

// afterPlus reports whether the + of an international number stands before
// g: right before it ("+44 7700 900123") or apart from it by what joins two
// groups of a number (see joins: spaces, and at most three dashes, dots,
// slashes, brackets, underscores or commas), as people type it after the
// + as they do between the other groups ("+ 44 7700 900123", "+-44…",
// "+.44.7700…", "+(44) 7700…"). A + after a figure or before a word ("2+
// people", "+5 on last quarter", "+£300") starts no UK number: only
// "44" and the rest of a UK number's length after it make one (see
// containsPhoneNumber).
func afterPlus(norm string, g digitGroup) bool {
	for p := g.start - 1; p >= 0; p-- {
		if norm[p] == '+' {
			return joins(norm[p+1 : g.start])
		}
		if norm[p] != ' ' && !isJoinMark(norm[p]) {
			return false
		}
	}
	return false
}

// phoneCueBefore reports whether a phone cue stands right before group i,
// which starts its number: "mob", "mobile", "tel", "telephone", "phone",
// "ph", "cell", "call", "ring", "text", "txt", "sms" or "whatsapp", with
// "no", "number", "num", "nr" or "on" and a colon, full stop, dash or # or
// not ("mob 7700900123", "Tel. no: 447700900123", "call on 7700 900123").
func phoneCueBefore(norm string, gs []digitGroup, i int) bool {
	if i > 0 && gs[i].joined || afterWordChar(norm, gs[i].start) {
		return false
	}
	at := gs[i].start
	for n := 0; n < 3; n++ {
		for at > 0 && strings.IndexByte(" :.-#", norm[at-1]) >= 0 {
			at--
		}
		w, k := wordBeforeAt(norm, at)
		switch {
		case phoneCues[w]:
			return true
		case w == "no" || w == "number" || w == "num" || w == "nr" || w == "on":
			at = k
		default:
			return false
		}
	}
	return false
}

// phoneCues, lower-cased, are the words that give a phone number after them.
var phoneCues = wordSet("mob mobile tel telephone phone ph cell call ring text txt sms whatsapp")

// bracketedZero reports whether g is the "(0)" of "+44 (0)20 …".
func bracketedZero(norm string, g digitGroup) bool {
	return g.digits == "0" && g.start > 0 && norm[g.start-1] == '(' && g.end < len(norm) && norm[g.end] == ')'
}

// trunkZero reports whether group j is the national 0 written on its own
// right after the country code, as in "+44 0 7700 900123".
func trunkZero(gs []digitGroup, i, j int, plus bool) bool {
	return j == i+1 && gs[j].digits == "0" && (plus && gs[i].digits == "44" || gs[i].digits == "0044")
}

// standsAlone reports whether groups i to j, joined by separators of kind,
// are the whole of their list: no group of one or two digits is joined to
// them by the same kind just before or after. Short groups one after
// another are a list of figures ("12 15 18 20 22 19 …", "0 1 2 1 3 …"),
// and digits written in them are one number only when they are the whole
// list; a longer neighbour ("ref 1234567890 9 4 3 …") is a number of its own.
func standsAlone(gs []digitGroup, i, j int, kind string) bool {
	listed := func(k int) bool { return gs[k].joined && sepKind(gs[k].sep) == kind }
	if listed(i) && len(gs[i-1].digits) <= 2 {
		return false
	}
	return j+1 >= len(gs) || !listed(j+1) || len(gs[j+1].digits) > 2
}

// ukNational turns the digits of a UK number in any of its written forms
// into the national form starting with 0.
func ukNational(digits string, plus bool) (string, bool) {
	switch {
	case plus && strings.HasPrefix(digits, "44"):
		digits = digits[2:]
	case strings.HasPrefix(digits, "0044"):
		digits = digits[4:]
	case strings.HasPrefix(digits, "0"):
		return digits, true
	default:
		return "", false
	}
	return "0" + strings.TrimPrefix(digits, "0"), true // +44 (0)20 … drops the 0
}

func validUKLength(national string) bool {
	if len(national) < 10 || national[0] != '0' {
		return false
	}
	switch national[1] {
	case '1', '8':
		return len(national) == 10 || len(national) == 11
	case '2', '3', '5', '7', '9':
		return len(national) == 11
	}
	return false
}

// russianPersonalNumber names a Russian number that identifies a person,
// written in free text after its cue, or "" (fix-guard5): a person's INN
// (ИНН, twelve digits with both its check digits: russianPersonalINN)
// after "INN", "ИНН", "TIN" or "taxpayer" (kindPersonalINN), or an
// individual entrepreneur's OGRNIP (ОГРНИП, fifteen digits starting 3
// with its check digit: russianOGRNIP) after "OGRNIP", "ОГРНИП", "OGRN"
// or "ОГРН" (kindOGRNIP); "no.", "number", "ID", "№", a colon or a dash
// may stand between (russianCueBefore), and "RU-INN-" or "RU-OGRN-", an
// orgId's code, is such a cue too; or with the cue after it as its label
// ("500100732259 (ИНН)": russianCueAfter, fix-guard6). The number is one run of digits, or
// groups joined by spaces or by dashes alone that are the whole number
// ("ИНН 7707-083893-24").
//
// Only after a cue: twelve digits pass both of the INN's check digits
// about once in a hundred, and a UK programme's notes hold twelve-digit
// numbers far more often than a Russian's INN (property UPRNs, e-Referral
// booking numbers, barcodes, purchase orders), which would then be
// refused with nothing to tell them apart, as ten-digit references are
// for the NHS number, the guard's own case; fifteen digits starting 3
// pass the OGRNIP's check one time in ten, and a phone's IMEI is fifteen
// digits, most starting 35. An INN or OGRNIP is written with its name:
// forms, invoices and registers print "ИНН" and "ОГРНИП" before it.
// A legal entity's INN (ten digits) and OGRN (thirteen) name an
// organisation and are left alone here, as by every other rule but the
// NHS number's and the phone number's, which read ten digits as they do
// any reference.
func russianPersonalNumber(norm string, gs []digitGroup) string {
	for i := range gs {
		cue := ""
		digits, sep := "", ""
		for j := i; j < len(gs) && len(digits) < 15; j++ {
			if j > i {
				k := sepKind(gs[j].sep)
				if !gs[j].joined || k != " " && k != "-" || sep != "" && k != sep {
					break
				}
				sep = k
			}
			digits += gs[j].digits
			if len(digits) != 12 && len(digits) != 15 {
				continue
			}
			// The whole number: one run tied to nothing more by a bare
			// mark ("500100732259-01" is part of a longer code), or groups
			// with no more of their kind after them.
			whole := !partOfLonger(gs, i, j)
			if j > i && j+1 < len(gs) && gs[j+1].joined && sepKind(gs[j+1].sep) == sep {
				whole = false
			}
			if !whole {
				continue
			}
			want, kind := "", ""
			switch {
			case len(digits) == 12 && russianPersonalINN(digits):
				want, kind = "inn", kindPersonalINN
			case len(digits) == 15 && russianOGRNIP(digits):
				want, kind = "ogrn", kindOGRNIP
			default:
				continue
			}
			if cue == "" {
				cue = russianCueBefore(norm, gs[i].start)
			}
			// The cue before the number, or else one after it that labels
			// it ("500100732259 (ИНН)", "ОГРН 500100732259 INN").
			if cue == want || russianCueAfter(norm, gs[j].end) == want {
				return kind
			}
		}
	}
	return ""
}

// russianCueBefore is the cue that ends just before i, a Russian number's
// start: "inn" after "INN" or "TIN" (in capitals: "Premier Inn", "tin"
// are words; in small letters only as a label, with a colon, "#", "№",
// "=" or "no", "number", "ID" and the like before the number: "inn:
// 500100732259", "inn no. 500100732259"; fix-guard9), "ИНН" or
// "taxpayer"; "ogrn" after "OGRNIP", "ОГРНИП", "OGRN" or "ОГРН", in any
// case; with "no", "number", "num", "nr", "ID", "identification", "№",
// "#" and marks (":", ".", "-", "=", and a comma or brackets: "INN,
// 500100732259", "ИНН (500100732259)", "Taxpayer Identification Number
// (TIN) 500100732259"; fix-guard9) or not between, and "IP" ("ИП", an
// entrepreneur's: "ОГРН ИП", "ИНН (ИП)"), or "физлица" ("ИНН физлица",
// "ИНН физ. лица": an individual's). "inn" too after "ИНН/КПП", an
// invoice's heading (a person has no KPP, so their INN stands alone under
// it), and after "tax" with "ID", "number" or "no" (not after "council":
// "Tax ID 500100732259"; fix-guard10). "-" when none is there. A cue in
// small letters after an article is the word ("at the inn: 500100732259
// was the booking").
func russianCueBefore(norm string, i int) string {
	labelled := false // a mark or word that makes a cue in small letters a label
	named := false    // "ID", "number" or "no" read: "tax" before them is a label
	for n := 0; n < 4; n++ {
		for {
			if i > 0 && strings.IndexByte(" :.#-=,()", norm[i-1]) >= 0 {
				labelled = labelled || strings.IndexByte(":#=", norm[i-1]) >= 0
				i--
			} else if strings.HasSuffix(norm[:i], "№") {
				labelled = true
				i -= len("№")
			} else {
				break
			}
		}
		w, k := wordBeforeAt(norm, i)
		switch w {
		case "inn", "tin":
			if cue := strings.TrimRight(norm[k:i], " "); cue == strings.ToUpper(w) ||
				labelled && cue == w && !articles[wordBefore(norm, k)] {
				return "inn" // not "at the inn: 500100732259 was the booking"
			}
			return "-"
		case "инн", "taxpayer":
			return "inn"
		case "ogrnip", "огрнип", "ogrn", "огрн":
			return "ogrn"
		case "no", "number", "num", "nr", "id", "identification":
			labelled, named = true, true
			i = k
		case "ip", "ип", "физлица", "лица", "физического", "физ":
			i = k // an entrepreneur's, an individual's: "ИНН ИП", "ИНН физлица", "ИНН физ. лица"
		case "кпп":
			// "ИНН/КПП", the heading of an invoice's column: an
			// organisation's INN and its KPP, or a person's INN alone.
			if j := strings.TrimRight(norm[:k], " "); strings.HasSuffix(j, "/") {
				if w, _ := wordBeforeAt(norm, len(strings.TrimRight(j[:len(j)-1], " "))); w == "инн" || w == "inn" {
					return "inn"
				}
			}
			return "-"
		case "tax":
			// "Tax ID", "tax number", "Tax identification no.": a
			// taxpayer's number, as "TIN" is; not a council tax account's.
			if named && wordBefore(norm, k) != "council" {
				return "inn"
			}
			return "-"
		default:
			return "-"
		}
	}
	return "-"
}

// russianCueAfter is the cue written after a Russian number that ends at
// end, as a label is (fix-guard6): "inn" or "ogrn" for the words
// russianCueBefore reads ("INN" and "TIN" in capitals, or in small letters
// in brackets of their own: "500100732259 (inn)", not "(the inn)"), "IP"
// (ИП) after it or not ("(ИНН ИП)"), and "no.", "number", "#" or "№"
// after it or not ("500100732259 (INN no.)"; fix-guard9), and an owner
// who is a person after that or not ("(INN of the sole trader)":
// russianOwnerAfter, fix-guard10), or "-". Read as a date of birth's label after it is
// (dateBeforeLabel): labelBefore reads back from the cue to the number
// over spaces, at most two of "( [ - : =" and at most three small words
// ("500100732259 (ИНН)", "500100732259 INN", "304500116000157 -
// OGRNIP", "500100732259 is her INN"), and a comma or semicolon may part
// them as it parts an apposition ("500100732259, INN", "304500116000157;
// OGRNIP"; fix-guard9); the cue must end its clause (labelEnds). So a cue
// that starts the next number's label or anything else is none
// ("100023336909 INN 7707083893", "100023336909 (INN 7707083893)",
// "UPRN 100023336909, INN 7707083893", "100023336909 INN pending"), nor
// "innings" or "Inn".
func russianCueAfter(norm string, end int) string {
	i := end
	// Three small words and the cue, "client's" two words here.
	for n := 0; n < 6; n++ {
		s, e := nextWordAt(norm, i)
		if s < 0 {
			return "-"
		}
		i = e
		cue, small := "", false
		switch w := strings.ToLower(norm[s:e]); w {
		case "inn", "tin":
			if norm[s:e] == strings.ToUpper(w) {
				cue = "inn"
			} else if norm[s:e] == w {
				cue, small = "inn", true
			}
		case "инн", "taxpayer":
			cue = "inn"
		case "ogrnip", "огрнип", "ogrn", "огрн":
			cue = "ogrn"
		}
		if cue == "" {
			continue // a small word between, or none: labelBefore says
		}
		if ip, k := wordAfter(norm, e); ip == "ip" || ip == "ип" {
			e = k // an entrepreneur's: "(ОГРН ИП)", "(ИНН ИП)"
		}
		e = russianOwnerAfter(norm, russianNumberWordAfter(norm, e))
		at, bracket := labelBefore(norm, s, false)
		// In small letters only in brackets of its own: "500100732259
		// (the inn)" is a booking at one.
		if small && (!bracket || wordBefore(norm, s) != "") {
			return "-"
		}
		if at != end && !apposition(norm, end, at) || !labelEnds(norm, e, bracket) {
			return "-"
		}
		return cue
	}
	return "-"
}

// russianNumberWordAfter is where "no", "number", "num", "nr", "#" or "№"
// after a cue that ends at i ends ("INN no.", "ИНН №"), or i when none
// follows: a label may name the number so.
func russianNumberWordAfter(norm string, i int) int {
	j := i
	for j < len(norm) && norm[j] == ' ' {
		j++
	}
	if strings.HasPrefix(norm[j:], "№") {
		return j + len("№")
	}
	if j < len(norm) && norm[j] == '#' {
		return j + 1
	}
	if w, k := wordAfter(norm, i); w == "no" || w == "number" || w == "num" || w == "nr" {
		return k
	}
	return i
}

// russianOwnerAfter is where "of the sole trader", "of an individual",
// "of the (individual) entrepreneur" or "of the self-employed" after a
// cue that ends at i ends ("500100732259 (INN of the sole trader)"), or i
// when none follows: a label may name whose number it is, and these are
// words for a person. Any other owner ("INN of the supplier") ends no
// label, as before.
func russianOwnerAfter(norm string, i int) int {
	w, k := wordAfter(norm, i)
	if w != "of" {
		return i
	}
	if w, e := wordAfter(norm, k); articles[w] {
		k = e
	}
	w, k = wordAfter(norm, k)
	switch w {
	case "sole":
		if t, e := wordAfter(norm, k); t == "trader" || t == "proprietor" {
			return e
		}
	case "individual":
		if t, e := wordAfter(norm, k); t == "entrepreneur" {
			return e
		}
		return k
	case "entrepreneur", "person":
		return k
	case "self":
		if k < len(norm) && norm[k] == '-' {
			if t, e := wordAfter(norm, k+1); t == "employed" {
				return e
			}
		}
	}
	return i
}

// apposition reports whether only spaces and one comma or semicolon stand
// between a number that ends at end and its label's marks and words,
// which start at at: "500100732259, INN", "304500116000157; (OGRNIP)".
func apposition(norm string, end, at int) bool {
	for end < len(norm) && norm[end] == ' ' {
		end++
	}
	return end < len(norm) && (norm[end] == ',' || norm[end] == ';') && at == end+1
}

// articles, lower-cased, before a word make it a noun, not a label: "the
// inn".
var articles = wordSet("a an the this that our their its")
