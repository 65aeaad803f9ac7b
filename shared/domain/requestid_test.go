package domain_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestRequestIDOf: a request goes by the platform's id for it when it has
// one; with none (no platform, or no id from it) by a new id each time.
func TestRequestIDOf(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	platform := func(*http.Request) string { return "apigw-1" }
	if id := domain.RequestIDOf(r, platform); id != "apigw-1" {
		t.Errorf("with the platform's id: %q", id)
	}
	for _, none := range []func(*http.Request) string{nil, func(*http.Request) string { return "" }} {
		a, b := domain.RequestIDOf(r, none), domain.RequestIDOf(r, none)
		if !domain.ValidID(a) || !domain.ValidID(b) || a == b {
			t.Errorf("with no platform id: %q then %q, want two new ids", a, b)
		}
	}
}
