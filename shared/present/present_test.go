package present_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
)

// TestOneTable: every error code and every web-only refusal has one
// presentation, with a status, a title and advice; a web-only refusal is
// found anywhere in an error's chain and keeps its code; anything that is
// no domain.Error is a failure of ours.
func TestOneTable(t *testing.T) {
	for _, code := range domain.Codes {
		p := present.Of(domain.Errorf(code, "what happened"))
		if !present.Known(code) || p.Code != code || p.Status < 400 || p.Title == "" || p.Advice == "" {
			t.Errorf("%s is shown as %+v", code, p)
		}
	}
	refusals := present.WebOnly()
	if len(refusals) != 8 {
		t.Errorf("%d web-only refusals, want the 8 the web app makes", len(refusals))
	}
	seen := map[string]bool{}
	for _, err := range refusals {
		p := present.Of(fmt.Errorf("a page: %w", err))
		if p.Code != domain.ErrorCode(err) || p.Status < 400 || p.Status >= 500 || p.Title == "" || p.Advice == "" {
			t.Errorf("%v is shown as %+v", err, p)
		}
		if seen[p.Advice] {
			t.Errorf("%v: advice given twice: %q", err, p.Advice)
		}
		seen[p.Advice] = true
		if p == present.Of(&domain.Error{Code: p.Code}) {
			t.Errorf("%v is shown as its code is, not as its own", err)
		}
	}
	for _, err := range []error{nil, errors.New("boom")} {
		if p := present.Of(err); p != present.Internal() || p.Status != http.StatusInternalServerError ||
			p.Title != "Sorry, there is a problem with the service" {
			t.Errorf("%v is shown as %+v", err, p)
		}
	}
	// A browser is never asked for credentials.
	if s := present.Status(present.ErrSignedOut); s != http.StatusForbidden {
		t.Errorf("signed out answers %d", s)
	}
}
