package present_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
)

// TestRequestID: a request goes by the platform's id for it when it has
// one; with none (no platform, or no id from it) by a new id each time.
func TestRequestID(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	platform := func(*http.Request) string { return "apigw-1" }
	if id := present.RequestID(r, platform); id != "apigw-1" {
		t.Errorf("with the platform's id: %q", id)
	}
	for _, none := range []func(*http.Request) string{nil, func(*http.Request) string { return "" }} {
		a, b := present.RequestID(r, none), present.RequestID(r, none)
		if !domain.ValidID(a) || !domain.ValidID(b) || a == b {
			t.Errorf("with no platform id: %q then %q, want two new ids", a, b)
		}
	}
}
