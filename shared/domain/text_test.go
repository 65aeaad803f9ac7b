package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// textField is one free-text field of one input type: how to set it on a
// valid input and validate the result, and whether it may span lines.
type textField struct {
	input, path string
	multiLine   bool
	validate    func(s string) error
}

const (
	tfID1 = "01jz8k3m4n5p6q7r8s9t0v1w2x"
	tfID2 = "01jz8k3m4n5p6q7r8s9t0v1w2y"
)

func validProgramme() domain.ProgrammeInput {
	return domain.ProgrammeInput{Name: "Working for Wellness", LeadOrganisation: "Bradford District Care NHS FT",
		Region: "Yorkshire", StartDate: domain.MustDate("2010-10-01"), EndDate: domain.MustDate("2012-03-31"), Description: "IPS."}
}

func validProject() domain.ProjectInput {
	return domain.ProjectInput{Name: "Bradford IPS", LeadOrganisation: "Bradford District Care NHS FT", Area: "Bradford",
		StartDate: domain.MustDate("2010-10-01"), EndDate: domain.MustDate("2012-03-31")}
}

func validGrant() domain.GrantInput {
	return domain.GrantInput{FunderID: tfID1, Title: "IPS expansion", Description: "Two posts.", AmountPence: 31_000_000,
		Currency: "GBP", AwardDate: domain.MustDate("2010-09-01"), StartDate: domain.MustDate("2010-10-01"), EndDate: domain.MustDate("2012-03-31")}
}

func validPost() domain.PostInput {
	return domain.PostInput{Title: "Employment specialist", GrantID: tfID1, FTE: 1, Contract: domain.ContractTemporary,
		StartDate: domain.MustDate("2010-10-01"), Status: domain.PostFilled}
}

func validCohort() domain.CohortInput {
	return domain.CohortInput{Name: "Cohort 1", Places: 4, StartDate: domain.MustDate("2011-09-01"), EndDate: domain.MustDate("2012-06-30")}
}

func validOutcome() domain.OutcomeInput {
	return domain.OutcomeInput{PeriodStart: domain.MustDate("2011-01-01"), PeriodEnd: domain.MustDate("2011-03-31"),
		Counts: map[domain.Metric]int64{domain.MetricReferrals: 12}, Notes: "Two employers joined."}
}

// textFields lists every free-text field of every input type.
func textFields() []textField {
	prog := func(set func(*domain.ProgrammeInput, string)) func(string) error {
		return func(s string) error { in := validProgramme(); set(&in, s); return in.Validate() }
	}
	proj := func(set func(*domain.ProjectInput, string)) func(string) error {
		return func(s string) error { in := validProject(); set(&in, s); return in.Validate() }
	}
	grant := func(set func(*domain.GrantInput, string)) func(string) error {
		return func(s string) error { in := validGrant(); set(&in, s); return in.Validate() }
	}
	return []textField{
		{"programme", "name", false, prog(func(in *domain.ProgrammeInput, s string) { in.Name = s })},
		{"programme", "leadOrganisation", false, prog(func(in *domain.ProgrammeInput, s string) { in.LeadOrganisation = s })},
		{"programme", "region", false, prog(func(in *domain.ProgrammeInput, s string) { in.Region = s })},
		{"programme", "description", true, prog(func(in *domain.ProgrammeInput, s string) { in.Description = s })},
		{"funder", "name", false, func(s string) error {
			return domain.FunderInput{Name: s, Contacts: []string{"a@dwp.example.org"}}.Validate()
		}},
		{"project", "name", false, proj(func(in *domain.ProjectInput, s string) { in.Name = s })},
		{"project", "leadOrganisation", false, proj(func(in *domain.ProjectInput, s string) { in.LeadOrganisation = s })},
		{"project", "area", false, proj(func(in *domain.ProjectInput, s string) { in.Area = s })},
		{"grant", "title", false, grant(func(in *domain.GrantInput, s string) { in.Title = s })},
		{"grant", "description", true, grant(func(in *domain.GrantInput, s string) { in.Description = s })},
		{"post", "title", false, func(s string) error { in := validPost(); in.Title = s; return in.Validate() }},
		{"cohort", "name", false, func(s string) error { in := validCohort(); in.Name = s; return in.Validate() }},
		{"outcome", "notes", true, func(s string) error { in := validOutcome(); in.Notes = s; return in.Validate() }},
	}
}

// refusedIn checks err is a validation error naming field (and only it).
func refusedIn(err error, field string) error {
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodeValidation {
		return fmt.Errorf("got %v, want %s", err, domain.CodeValidation)
	}
	if len(e.Fields) != 1 || e.Fields[field] == "" {
		return fmt.Errorf("fields %v, want only %q", e.Fields, field)
	}
	return nil
}

// TestTextFieldsRefuseWhatReadsTwoWays: every text field of every input
// refuses control, bidirectional and zero-width characters; one-line
// fields (names, titles, areas, regions, organisations) also refuse line
// breaks and tabs, which multi-line fields (descriptions, notes) keep.
func TestTextFieldsRefuseWhatReadsTwoWays(t *testing.T) {
	t.Parallel()
	everywhere := []string{
		"\x00", "\x07", "\x1b[31m", "\x7f", "\u0085", "\u009b",
		"\u200b", "\u200c", "\u200d", "\u200e", "\u200f",
		"\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
		"\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u061c", "\u2060",
		"\xff", "\xed\xa0\x80", // not UTF-8; an encoded lone surrogate
		// Every other invisible format character (category Cf), and the
		// noncharacters (audit sec31, finding 3).
		"\u180e", "\u2061", "\u2064", "\u206a", "\ufff9", "\ufffb", "\U000e0001", "\U000e0067", "\U000e007f", "\U0001bca0",
		"\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff",
	}
	lineBreaks := []string{"\n", "\r", "\r\n", "\t", "\u2028", "\u2029", "\u00ad"} // and the soft hyphen, kept where lines break
	for _, f := range textFields() {
		// Visible signs that are formally format characters (U+0600, an
		// Arabic number sign) and emoji with a variation selector pass.
		for _, ok := range []string{"Leeds & York — ÉIRE 🚀 «ok» 100%", "\u0600\u0661\u0662 ❤\ufe0f ﷺ \ufffd"} {
			if err := f.validate(ok); err != nil {
				t.Errorf("%s.%s refuses ordinary text %q: %v", f.input, f.path, ok, err)
			}
		}
		for _, bad := range everywhere {
			for _, s := range []string{bad + "Leeds", "Le" + bad + "eds", "Leeds" + bad} {
				if err := refusedIn(f.validate(s), f.path); err != nil {
					t.Errorf("%s.%s = %q: %v", f.input, f.path, s, err)
				}
			}
		}
		for _, br := range lineBreaks {
			s := "Leeds" + br + "Bcc: x@evil.example"
			err := f.validate(s)
			refusable := !f.multiLine || strings.ContainsAny(br, "\u2028\u2029")
			switch {
			case refusable:
				if rerr := refusedIn(err, f.path); rerr != nil {
					t.Errorf("%s.%s = %q (one line: %v): %v", f.input, f.path, s, !f.multiLine, rerr)
				}
			case err != nil:
				t.Errorf("multi-line %s.%s refuses %q: %v", f.input, f.path, s, err)
			}
		}
	}
}

// TestTextProblemNamesTheCharacter: the message says which invisible
// character was found, since the person who typed it cannot see it.
func TestTextProblemNamesTheCharacter(t *testing.T) {
	t.Parallel()
	if got := domain.TextProblem("Lee\u202eds", false); !strings.Contains(got, "U+202E") {
		t.Errorf("TextProblem = %q, want it to name U+202E", got)
	}
	for _, r := range []string{"\u180e", "\ufffe", "\U000e0067"} {
		if got, want := domain.TextProblem("S31"+r+"x", false), fmt.Sprintf("U+%04X", []rune(r)[0]); !strings.Contains(got, want) {
			t.Errorf("TextProblem(%q) = %q, want it to name %s", "S31"+r+"x", got, want)
		}
	}
	if got := domain.TextProblem("Lee\u00adds", false); !strings.Contains(got, "soft hyphen (U+00AD)") {
		t.Errorf("TextProblem(Lee\\u00adds) = %q, want it to name the soft hyphen", got)
	}
	if got := domain.TextProblem("a\nb", true); got != "" {
		t.Errorf("multi-line TextProblem(a\\nb) = %q", got)
	}
	if got := domain.TextProblem("a\nb", false); !strings.Contains(got, "single line") {
		t.Errorf("one-line TextProblem(a\\nb) = %q", got)
	}
}

// TestEmailsRefuseInvisibleCharacters: net/mail accepts bidi and zero-width
// characters in an address; contacts and members must not hold them.
func TestEmailsRefuseInvisibleCharacters(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"jo\u202e@example.org", "jo@exa\u200bmple.org", "\ufeffjo@example.org"} {
		if err := refusedIn(domain.ValidateEmail("email", s), "email"); err != nil {
			t.Errorf("ValidateEmail(%q): %v", s, err)
		}
		in := domain.FunderInput{Name: "DWP", Contacts: []string{s}}
		if err := refusedIn(in.Validate(), "contacts[0]"); err != nil {
			t.Errorf("contacts %q: %v", s, err)
		}
	}
	// An internationalised address is an address (one stored before
	// addresses had to be deliverable is still read, and its person signs
	// in), but not one SES delivers to: see TestEmailsAreDeliverable.
	if !domain.EmailOnRecord("jöns@exämple.de") {
		t.Errorf("an internationalised address is not taken as one on record")
	}
}

// TestNormaliseEmailKeepsBadBytes: an address with bytes that are not
// UTF-8 is not turned into a valid-looking one (each bad byte U+FFFD), so
// validation after normalising refuses it and two such addresses never
// read as one member.
func TestNormaliseEmailKeepsBadBytes(t *testing.T) {
	t.Parallel()
	ff, fe := domain.NormaliseEmail(" \xffJo@example.org"), domain.NormaliseEmail("\xfeJo@example.org")
	if ff == fe {
		t.Errorf("two different bad addresses normalise to one: %q", ff)
	}
	for _, s := range []string{ff, fe} {
		if err := refusedIn(domain.ValidateEmail("email", s), "email"); err != nil {
			t.Errorf("ValidateEmail(%q) after normalising: %v", s, err)
		}
	}
	if got := domain.NormaliseEmail("  Jo.Bloggs@Example.ORG "); got != "jo.bloggs@example.org" {
		t.Errorf("NormaliseEmail of a good address = %q", got)
	}
}

// TestNormaliseEmailFoldsASCIIOnly: case is folded for ASCII letters
// alone. Unicode's rules fold the dotted capital I (U+0130) and the Kelvin
// sign (U+212A) to ASCII "i" and "k", which made other mailboxes read as
// members "lizzie@…" and "kay@…".
func TestNormaliseEmailFoldsCaseButNotOntoASCII(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		" Lizzie.Lead@Example.ORG\t":   "lizzie.lead@example.org",
		"l\u0130zz\u0130e@example.org": "l\u0130zz\u0130e@example.org",
		"\u212aay@example.org":         "\u212aay@example.org",
		"J\u00d6NS@EX\u00c4MPLE.DE":    "j\u00f6ns@ex\u00e4mple.de",
		"\u00c9lodie@example.org":      "\u00e9lodie@example.org",
		"a\xff\xfeB@example.org":       "a\xff\xfeb@example.org",
		"\u0130@example.org":           "\u0130@example.org",
		// NFC: an accent typed as a combining mark is the precomposed letter.
		"E\u0301MILE@example.org": "\u00e9mile@example.org",
		"e\u0301lodie@x":          "\u00e9lodie@x",
		// The Greek final sigma folds as the capital does.
		"\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3@example.org": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c3@example.org",
		"\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2@example.org": "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c3@example.org",
		// NFC would make the Kelvin sign K and the Greek question mark ";":
		// they stay out of normalising, and what follows them is still folded.
		"\u212aA\u0301Y@example.org": "\u212a\u00e1y@example.org",
		"a\u037e@example.org":        "a\u037e@example.org",
		// I and a combining dot is the dotted capital I, which stays.
		"LI\u0307ZZIE@example.org": "l\u0130zzie@example.org",
	} {
		if got := domain.NormaliseEmail(in); got != want {
			t.Errorf("NormaliseEmail(%q) = %q, want %q", in, got, want)
		}
	}
	for _, s := range []string{"l\u0130zz\u0130e@example.org", "\u212aay@example.org", "lI\u0307zzie@example.org", "a\u037e@example.org"} {
		if got := domain.NormaliseEmail(s); !strings.ContainsFunc(got, func(r rune) bool { return r > 0x7f }) {
			t.Errorf("%q became the ASCII address %q", s, got)
		}
	}
	// The look-alikes stay distinct from the ASCII addresses they fold onto.
	for alike, ascii := range map[string]string{"l\u0130zzie@example.org": "lizzie@example.org", "\u212aay@example.org": "kay@example.org",
		"\u212aAY@example.org": "KAY@example.org"} {
		if domain.NormaliseEmail(alike) == domain.NormaliseEmail(ascii) {
			t.Errorf("%q and %q read as one address", alike, ascii)
		}
	}
	// One address however its accents and case were typed.
	for _, same := range [][]string{
		{"e\u0301lodie@x", "\u00e9lodie@x", "\u00c9lodie@x", "E\u0301LODIE@x"},
		{"\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3@x", "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2@x"},
	} {
		for _, s := range same[1:] {
			if a, b := domain.NormaliseEmail(same[0]), domain.NormaliseEmail(s); a != b {
				t.Errorf("%q is %q but %q is %q: want one address", same[0], a, s, b)
			}
		}
	}
}

func TestTypedNumber(t *testing.T) {
	good := map[string]string{"0": "0", "12": "12", "-3": "-3", "+4": "+4", "1,000": "1000", "310,000.50": "310000.50", "0.5": "0.5",
		".5": ".5", "1234567": "1234567", "12,345,678.9": "12345678.9"}
	for in, want := range good {
		if got, ok := domain.TypedNumber(in); !ok || got != want {
			t.Errorf("TypedNumber(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", " 1", "1 ", "31,00", "1,5", "1,0000", ",100", "100,", "1,,000", "NaN", "Inf", "-Inf", "infinity",
		"0x1p-1", "0x10", "1e3", "1_000", "1.", "1.2.3", "--1", "١٢", "１２"} {
		if got, ok := domain.TypedNumber(in); ok {
			t.Errorf("TypedNumber(%q) = %q, want refused", in, got)
		}
	}
}

// TestFunderContactsGivenTwice: a contact given twice, in any case, is
// refused at its second place; different addresses pass.
func TestFunderContactsGivenTwice(t *testing.T) {
	t.Parallel()
	in := domain.FunderInput{Name: "DWP", Contacts: []string{"a@example.org", "b@example.org", "A@Example.ORG"}}
	if err := refusedIn(in.Validate(), "contacts[2]"); err != nil {
		t.Error(err)
	}
	var e *domain.Error
	if !errors.As(in.Validate(), &e) || len(e.Fields) != 1 || e.Fields["contacts[2]"] != "appears twice" {
		t.Errorf("got %v, want contacts[2] only: appears twice", e)
	}
	in.Contacts = in.Contacts[:2]
	if err := in.Validate(); err != nil {
		t.Errorf("two different contacts: %v", err)
	}
}

// TestEmailsAreAtADomainName: a contact or member address at an IP address
// (a domain literal "[127.0.0.1]", which net/mail takes, or a bare dotted
// IPv4 address) or at a name with no dot is refused naming the field, as
// no email to it would be delivered (audit-security N2); ordinary and
// internationalised addresses pass.
func TestEmailsAreAtADomainName(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"a@[127.0.0.1]", "a@[10.0.0.1]", "a@[IPv6:::1]", "a@127.0.0.1", "a@example.123", "a@localhost"} {
		if err := refusedIn(domain.ValidateEmail("email", s), "email"); err != nil {
			t.Errorf("ValidateEmail(%q): %v", s, err)
		}
		in := domain.FunderInput{Name: "DWP", Contacts: []string{"b@example.org", s}}
		err := in.Validate()
		if rerr := refusedIn(err, "contacts[1]"); rerr != nil {
			t.Errorf("contacts %q: %v", s, rerr)
			continue
		}
		var e *domain.Error
		if errors.As(err, &e); !strings.Contains(e.Fields["contacts[1]"], "name@example.org") {
			t.Errorf("contacts %q: %q, want it to show an address", s, e.Fields["contacts[1]"])
		}
	}
	for _, s := range []string{"a@example.org", "a.b+c@dwp.gov.uk", "jo@1st.example", "a@xn--bcher-kva.example"} {
		if err := domain.ValidateEmail("email", s); err != nil {
			t.Errorf("ValidateEmail(%q): %v", s, err)
		}
	}
}

// TestEmailsAreDeliverable: a member's or funder contact's address must be
// one SES delivers to, as no email to any other could arrive, nor could
// anyone sign in at it: its domain a DNS host name (labels of letters A to
// Z, digits and hyphens, neither starting nor ending with one, a top-level
// domain of letters or xn--), the part before the @ 7-bit ASCII and at most
// 64 characters. net/mail takes any atom as a domain, so addresses pasted
// with what surrounded them passed (audit-surface W2). Each is refused
// naming its field; an address stored before the rule is still one on
// record (EmailOnRecord), so its member is read and its person signs in.
func TestEmailsAreDeliverable(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 63)
	for _, s := range []string{"x@example.org/", "'jane@gmail.com'", "x@exa!mple.org", "x@-example.org", "x@example-.org",
		"x@example.org=", "x@ex*ample.org", "x@example.o{rg}", "x@exam?ple.org", "x@example.org~", "x@example_org.uk",
		"x@example.org.", "x@example.c", "x@example.c0m", "x@example.-org", "x@exämple.de", "jöns@example.de",
		"x@" + long + "a.example", strings.Repeat("a", 65) + "@example.org", "x@example.xn--", "x@ex&mple.org",
		"x@" + strings.Repeat(long+".", 4) + "org"} {
		if err := refusedIn(domain.ValidateEmail("email", s), "email"); err != nil {
			t.Errorf("ValidateEmail(%q): %v", s, err)
		}
		in := domain.FunderInput{Name: "DWP", Contacts: []string{"a@example.org", "b@example.org", s}}
		err := in.Validate()
		if rerr := refusedIn(err, "contacts[2]"); rerr != nil {
			t.Errorf("contacts %q: %v", s, rerr)
			continue
		}
		var e *domain.Error
		if errors.As(err, &e); !strings.Contains(e.Fields["contacts[2]"], "name@example.org") {
			t.Errorf("contacts %q: %q, want it to show an address", s, e.Fields["contacts[2]"])
		}
	}
	for _, s := range []string{"a@example.org", "A.B+c@DWP.GOV.UK", "o'brien@example.org", "jo@1st.example", "a@ex-am-ple.org",
		"a@xn--bcher-kva.example", "a@example.xn--p1ai", "a@x.co.uk", "a!b#c$d%e&f*g=h?i^j_k`l{m|n}o~p@example.org",
		strings.Repeat("a", 64) + "@example.org", "x@" + long + ".example"} {
		if err := domain.ValidateEmail("email", s); err != nil {
			t.Errorf("ValidateEmail(%q): %v", s, err)
		}
	}
	// Stored before the rule: still on record.
	for _, s := range []string{"x@example.org/", "'jane@gmail.com'", "x@example_org.uk", "jöns@exämple.de"} {
		if !domain.EmailOnRecord(s) {
			t.Errorf("EmailOnRecord(%q) = false: a member stored at it could no longer be read", s)
		}
	}
	for _, s := range []string{"", "not an email", "a@[127.0.0.1]", "a@localhost", "jo\u202e@example.org"} {
		if domain.EmailOnRecord(s) {
			t.Errorf("EmailOnRecord(%q) = true", s)
		}
	}
}

// TestFunderKeepsContactsStoredBeforeTheRule: a funder's contact stored
// before addresses had to be deliverable does not stop a change that
// keeps it (a new name, another contact added); a contact added is held
// to the rule.
func TestFunderKeepsContactsStoredBeforeTheRule(t *testing.T) {
	t.Parallel()
	f := domain.Funder{Name: "DWP", Contacts: []string{"grants@dwp.example.org", "x@example.org/"}}
	in := f.Input()
	in.Name = "Department for Work and Pensions"
	if err := in.ValidateChange(f); err != nil {
		t.Errorf("renaming a funder with a contact stored before the rule: %v", err)
	}
	if err := refusedIn(in.Validate(), "contacts[1]"); err != nil {
		t.Errorf("the same funder as a new one: %v", err)
	}
	in.Contacts = []string{"X@Example.ORG/", "grants@dwp.example.org", "new@dwp.example.org"}
	if err := in.ValidateChange(f); err != nil {
		t.Errorf("the same contacts, one added, in another order and case: %v", err)
	}
	in.Contacts = append(in.Contacts, "y@example.org/")
	if err := refusedIn(in.ValidateChange(f), "contacts[3]"); err != nil {
		t.Errorf("a contact added that email cannot be delivered to: %v", err)
	}
}
