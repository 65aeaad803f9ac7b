package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Identity is the verified caller: taken from the API Gateway JWT authorizer
// in AWS, or from a locally verified token, never from a request header.
type Identity struct {
	Subject string
	Email   string
	Groups  []string
}

// AdminGroup is the Cognito group whose members may do anything.
const AdminGroup = "admins"

// IsAdmin reports whether the caller is in the admins group.
func (id Identity) IsAdmin() bool {
	for _, g := range id.Groups {
		if g == AdminGroup {
			return true
		}
	}
	return false
}

// EmailVerifiedClaim is the ID token claim saying the identity provider
// has verified that the person holds the mailbox of the email claim.
// Roles are granted to addresses, so an email not verified is no identity:
// it is whatever the account's holder typed.
const EmailVerifiedClaim = "email_verified"

// EmailVerified reports whether an email_verified claim says true: a JSON
// boolean in Cognito's ID tokens, the string "true" once API Gateway's JWT
// authorizer has flattened the claims to strings.
func EmailVerified(claim any) bool {
	return claim == true || claim == "true"
}

// NormaliseEmail trims an email and folds it so memberships match however
// the address was typed: in Unicode NFC, so an accent typed as a combining
// mark ("e\u0301lodie@…") is the precomposed letter ("élodie@…"), and in
// lower case ("Élodie@…" is "élodie@…"), the Greek final sigma ς as σ (a
// capital Σ lowers to σ wherever it stands). A character that would fold
// onto ASCII though it is not ASCII itself is left as it is, and out of
// normalising: Unicode lowers the dotted capital I U+0130 to "i", and NFC
// makes the Kelvin sign U+212A "K", so a different mailbox, "lİzzie@…" or
// "\u212aay@…", would otherwise read as the member "lizzie@…" or "kay@…".
// Bytes that are not UTF-8 are left as they are, for validation to refuse.
func NormaliseEmail(s string) string {
	s = strings.TrimSpace(s)
	// Run by run between the characters left as they are, copying bad
	// bytes: strings.Map would make each bad byte U+FFFD, so two different
	// bad addresses would read as one.
	b := make([]byte, 0, len(s))
	run := 0 // start of the run not yet normalised
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r >= utf8.RuneSelf && foldsOntoASCII(r) {
			b = append(foldEmailRun(b, s[run:i]), s[i:i+size]...)
			run = i + size
		}
		i += size
	}
	return string(foldEmailRun(b, s[run:]))
}

// foldEmailRun appends run (valid UTF-8, with no character foldsOntoASCII
// reports) to b, in NFC and folded to lower case.
func foldEmailRun(b []byte, run string) []byte {
	for _, r := range norm.NFC.String(run) {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r == 'ς':
			r = 'σ'
		case r >= utf8.RuneSelf:
			// NFC may compose I and a combining dot into U+0130: it
			// stays, as typed precomposed.
			if l := unicode.ToLower(r); l >= utf8.RuneSelf {
				r = l
			}
		}
		b = utf8.AppendRune(b, r)
	}
	return b
}

// foldsOntoASCII reports whether a character that is not ASCII lowers to
// ASCII or has an ASCII character in its NFC form (U+0130 İ, the Kelvin
// sign U+212A, the Greek question mark U+037E ";").
func foldsOntoASCII(r rune) bool {
	if unicode.ToLower(r) < utf8.RuneSelf {
		return true
	}
	for _, c := range norm.NFC.String(string(r)) {
		if c < utf8.RuneSelf {
			return true
		}
	}
	return false
}
