package auth

import (
	"strings"
	"testing"
)

// TestIdentityNamesWhatIsWrong: a token that has an email claim which is
// not an address is refused for that, not as lacking one (the message
// reaches logs and the local runner's answers, read by whoever debugs a
// sign-in).
func TestIdentityNamesWhatIsWrong(t *testing.T) {
	for email, want := range map[string]string{
		"":                             "lacks subject or email",
		"lead":                         "not an email address",
		"Jane Lead <lead@example.org>": "not an email address",
	} {
		_, err := identity("abc", email, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("identity(%q): %v, want it to say %q", email, err, want)
		}
	}
	if id, err := identity("abc", " \u00c9lodie@Example.ORG ", nil); err != nil || id.Email != "\u00e9lodie@example.org" {
		t.Errorf("identity(Élodie@Example.ORG) = %+v, %v", id, err)
	}
}
