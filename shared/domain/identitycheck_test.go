package domain_test

import (
	"errors"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestNewIdentity: the one rule of which address a token's caller has,
// used by the API's authenticators and the web's sign-in.
func TestNewIdentity(t *testing.T) {
	for _, c := range []struct {
		sub, email string
		want       error
	}{
		{"", "lead@example.org", domain.ErrNoSubjectOrEmail},
		{" \t", "lead@example.org", domain.ErrNoSubjectOrEmail},
		{"abc", "", domain.ErrNoSubjectOrEmail},
		{"abc", "  ", domain.ErrNoSubjectOrEmail},
		{"abc", "lead", domain.ErrEmailNotAddress},
		{"abc", "Jane Lead <lead@example.org>", domain.ErrEmailNotAddress},
	} {
		if _, err := domain.NewIdentity(c.sub, c.email, nil); !errors.Is(err, c.want) {
			t.Errorf("NewIdentity(%q, %q): %v, want %v", c.sub, c.email, err, c.want)
		}
	}
	id, err := domain.NewIdentity(" abc ", " \u00c9lodie@Example.ORG ", []string{"admins"})
	if err != nil || id.Subject != "abc" || id.Email != "\u00e9lodie@example.org" || !id.IsAdmin() {
		t.Errorf("NewIdentity(Élodie@Example.ORG) = %+v, %v", id, err)
	}
}
