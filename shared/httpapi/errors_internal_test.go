package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
)

// TestWriteErrorEveryCode walks every error code through the API's error
// answer: the status is shared/present's, the body names the code, a
// refusal carries its own message and fields, and only failures of ours
// (5xx) hide theirs behind the request id.
func TestWriteErrorEveryCode(t *testing.T) {
	s := &server{Deps: Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	for _, code := range domain.Codes {
		t.Run(string(code), func(t *testing.T) {
			if !present.Known(code) {
				t.Fatalf("shared/present has no presentation for %s", code)
			}
			err := &domain.Error{Code: code, Message: "what happened", Fields: map[string]string{"title": "required"}}
			want := present.Status(err)
			if want < 400 || (want >= 500) != (code == domain.CodeInternal || code == domain.CodeUnavailable) {
				t.Fatalf("present gives %s the status %d", code, want)
			}
			r := httptest.NewRequest(http.MethodPost, "/programmes", nil)
			r = r.WithContext(context.WithValue(r.Context(), requestIDKey, "req-1"))
			w := httptest.NewRecorder()
			s.writeError(w, r, err)
			if w.Code != want {
				t.Errorf("status %d, want %d", w.Code, want)
			}
			var body errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body.String(), err)
			}
			if body.Error.Code != code {
				t.Errorf("code %q, want %q", body.Error.Code, code)
			}
			if want < 500 {
				if body.Error.Message != "what happened" || body.Error.Fields["title"] != "required" {
					t.Errorf("a refusal lost its message or fields: %+v", body.Error)
				}
			} else if strings.Contains(body.Error.Message, "what happened") || body.Error.Fields != nil ||
				!strings.Contains(body.Error.Message, "req-1") {
				t.Errorf("a failure of ours says %+v", body.Error)
			}
			if h := w.Header().Get("WWW-Authenticate"); (h != "") != (want == http.StatusUnauthorized) {
				t.Errorf("WWW-Authenticate %q with status %d", h, want)
			}
			if h := w.Header().Get("Retry-After"); (h != "") != (want == http.StatusServiceUnavailable) {
				t.Errorf("Retry-After %q with status %d", h, want)
			}
		})
	}
	// The web app's own refusals (present.ErrCSRF…), which the API never
	// makes, are in the same table: were one to reach the API, it would
	// answer present's status with its code and message.
	for _, refusal := range present.WebOnly() {
		w := httptest.NewRecorder()
		s.writeError(w, httptest.NewRequest(http.MethodPost, "/programmes", nil), refusal)
		var body errorBody
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("%v: body %q: %v", refusal, w.Body.String(), err)
		}
		p := present.Of(refusal)
		if w.Code != p.Status || p.Status >= 500 || body.Error.Code != domain.ErrorCode(refusal) || body.Error.Message == "" {
			t.Errorf("%v: %d %+v, want %d", refusal, w.Code, body.Error, p.Status)
		}
	}
	// An error that is no domain.Error is ours: 500, code internal.
	w := httptest.NewRecorder()
	s.writeError(w, httptest.NewRequest(http.MethodGet, "/programmes", nil), errors.New("boom"))
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"code":"internal"`) || strings.Contains(w.Body.String(), "boom") {
		t.Errorf("plain error: %d %s", w.Code, w.Body.String())
	}
}
