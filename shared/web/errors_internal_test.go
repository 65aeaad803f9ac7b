package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/web/static"
)

// errorApp is the web app with only what its error page needs.
func errorApp() (*app, *strings.Builder) {
	logs := &strings.Builder{}
	a := &app{Deps: Deps{Logger: slog.New(slog.NewTextHandler(logs, nil))}, assets: newAssets(Deps{Static: static.FS})}
	a.pages = pagesFor(a.assets)
	return a, logs
}

// showError renders err's page for a request under a programme.
func showError(a *app, err error) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/app/programmes/P1/projects/PR1/outcomes/new", nil)
	r.SetPathValue("pid", "P1")
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey, "req-1"))
	w := httptest.NewRecorder()
	a.errorPage(w, r, err)
	return w
}

// TestErrorPageEveryCode walks every error code through the web app's
// error page: shared/present's status and title, its advice, and a 500
// only for a failure of ours.
func TestErrorPageEveryCode(t *testing.T) {
	a, logs := errorApp()
	for _, code := range domain.Codes {
		t.Run(string(code), func(t *testing.T) {
			err := domain.Errorf(code, "what happened")
			p := present.Of(err)
			if !present.Known(code) || p.Code != code || p.Title == "" || p.Advice == "" {
				t.Fatalf("shared/present shows %s as %+v", code, p)
			}
			w := showError(a, err)
			if w.Code != p.Status {
				t.Errorf("status %d, want %d", w.Code, p.Status)
			}
			if (w.Code == http.StatusInternalServerError) != (code == domain.CodeInternal) {
				t.Errorf("%s answered %d", code, w.Code)
			}
			body := w.Body.String()
			if want := `data-testid="error-title">` + template.HTMLEscapeString(p.Title) + "<"; !strings.Contains(body, want) {
				t.Errorf("the page lacks the title %q", p.Title)
			}
			msg := between(body, `data-testid="error-message">`, "</p>")
			switch {
			case p.Told:
				// The service's own words say what happened, then what
				// present adds (ask the lead; nothing was saved).
				if p.Then == "" || msg != template.HTMLEscapeString("What happened. "+p.Then) {
					t.Errorf("%s says %q, want the service's message then %q", code, msg, p.Then)
				}
			case w.Code >= 500:
				if !strings.HasPrefix(msg, template.HTMLEscapeString(p.Advice)) || !strings.Contains(msg, "req-1") ||
					strings.Contains(body, "what happened") {
					t.Errorf("a failure of ours says %q", msg)
				}
			default:
				if msg != template.HTMLEscapeString(p.Advice) {
					t.Errorf("the page says %q, want the advice %q", msg, p.Advice)
				}
			}
			if h := w.Header().Get("Retry-After"); (h != "") != (w.Code == http.StatusServiceUnavailable) {
				t.Errorf("Retry-After %q with status %d", h, w.Code)
			}
		})
	}
	// The web app's own refusals: their own status, title and advice,
	// wrapped or not, and never a failure of ours.
	for _, refusal := range present.WebOnly() {
		t.Run(refusal.Error(), func(t *testing.T) {
			p := present.Of(refusal)
			if p.Code != domain.ErrorCode(refusal) || p.Status < 400 || p.Status >= 500 || p.Title == "" || p.Advice == "" {
				t.Fatalf("shared/present shows %v as %+v", refusal, p)
			}
			for _, err := range []error{refusal, fmt.Errorf("posting: %w", refusal)} {
				w := showError(a, err)
				if w.Code != p.Status || w.Code != present.Status(err) {
					t.Errorf("%v: status %d, want %d", err, w.Code, p.Status)
				}
				body := w.Body.String()
				if want := `data-testid="error-title">` + template.HTMLEscapeString(p.Title) + "<"; !strings.Contains(body, want) {
					t.Errorf("%v: the page lacks the title %q", err, p.Title)
				}
				if msg := between(body, `data-testid="error-message">`, "</p>"); msg != template.HTMLEscapeString(p.Advice) {
					t.Errorf("%v: the page says %q, want the advice %q", err, msg, p.Advice)
				}
			}
		})
	}
	if l := logs.String(); strings.Count(l, "level=ERROR") != 2 {
		t.Errorf("want the two failures of ours (internal, unavailable) logged, and nothing else:\n%s", l)
	}
}

// TestErrorPageWebOnly: the web app's own refusals keep their pages; an
// error that is no domain.Error is a 500 naming only the request id; a
// conflict that points to a newer record links to it.
func TestErrorPageWebOnly(t *testing.T) {
	a, _ := errorApp()
	cases := []struct {
		err    error
		status int
		title  string
	}{
		{present.ErrCSRF, http.StatusForbidden, "Your form could not be sent"},
		{present.ErrSignedOut, http.StatusForbidden, "You have been signed out"},
		{present.ErrSignInFailed, http.StatusForbidden, "Sign-in failed"},
		{errors.New("boom"), http.StatusInternalServerError, "Sorry, there is a problem with the service"},
	}
	for _, c := range cases {
		w := showError(a, c.err)
		if w.Code != c.status || !strings.Contains(w.Body.String(), `data-testid="error-title">`+c.title+"<") {
			t.Errorf("%v: %d, want %d %q", c.err, w.Code, c.status, c.title)
		}
		if strings.Contains(w.Body.String(), "boom") {
			t.Error("the 500 page shows the error")
		}
	}

	corrected := &domain.Error{Code: domain.CodeConflict, Message: "already corrected",
		Related: &domain.RecordRef{Entity: domain.EntityOutcome, ProjectID: "PR1", ID: "O2"}}
	w := showError(a, corrected)
	body := w.Body.String()
	if w.Code != http.StatusConflict || !strings.Contains(body, "This submission has already been corrected") ||
		!strings.Contains(body, `href="/app/programmes/P1/projects/PR1/outcomes/O2">see the correction</a>`) {
		t.Errorf("already corrected: %d\n%s", w.Code, between(body, "<main", "</main>"))
	}
}

// TestErrorPageSaysWhatHappened: a refusal whose message the service
// words for people shows that message, not a guess from its code. Each
// conflict here is one the web reaches (an import still running, a paid
// payment, a decided submission, a record changed at the same moment):
// none is "someone has already made this change".
func TestErrorPageSaysWhatHappened(t *testing.T) {
	a, _ := errorApp()
	cases := []struct {
		err  error
		want string
	}{
		{domain.Errorf(domain.CodeConflict, "another import into this programme is still running: wait for it to finish, then send this file again"),
			"Another import into this programme is still running: wait for it to finish, then send this file again. Nothing was saved."},
		{domain.Errorf(domain.CodeConflict, "this payment has been paid, so it cannot be cancelled"),
			"This payment has been paid, so it cannot be cancelled. Nothing was saved."},
		{domain.Errorf(domain.CodeConflict, "this submission has already been approved; only a submission awaiting review can be reviewed"),
			"This submission has already been approved; only a submission awaiting review can be reviewed. Nothing was saved."},
		{domain.Errorf(domain.CodeTooLarge, "the file is larger than 4 MiB: split it into parts"),
			"The file is larger than 4 MiB: split it into parts. Nothing was saved."},
		{domain.Errorf(domain.CodeForbidden, "your role in this programme does not allow you to import figures."),
			"Your role in this programme does not allow you to import figures. Ask the programme&#39;s lead if you think you should be able to."},
	}
	for _, c := range cases {
		w := showError(a, c.err)
		body := w.Body.String()
		if msg := between(body, `data-testid="error-message">`, "</p>"); msg != c.want {
			t.Errorf("%v: the page says %q, want %q", c.err, msg, c.want)
		}
		if strings.Contains(body, "already made this change") || strings.Contains(body, "already been changed") {
			t.Errorf("%v: the page guesses someone changed the record:\n%s", c.err, between(body, "<main", "</main>"))
		}
	}
	// A conflict with no message keeps the code's advice.
	w := showError(a, &domain.Error{Code: domain.CodeConflict})
	if msg := between(w.Body.String(), `data-testid="error-message">`, "</p>"); msg != template.HTMLEscapeString(present.Of(&domain.Error{Code: domain.CodeConflict}).Advice) {
		t.Errorf("a conflict without a message says %q", msg)
	}
	// A message for API clients (a stale If-Match) is not shown.
	w = showError(a, domain.Errorf(domain.CodePreconditionFailed, "the record has changed since you read it (If-Match is stale)"))
	if strings.Contains(w.Body.String(), "If-Match") {
		t.Error("the page shows an API client's message")
	}
}

func between(s, from, to string) string {
	_, s, _ = strings.Cut(s, from)
	s, _, _ = strings.Cut(s, to)
	return s
}

// TestFormStatusEveryCode walks every error code through a form shown
// again with the refusal (form.fail, then showForm): a refusal the form
// takes (one naming fields, whatever its code; a validation or personal
// data one naming none) answers shared/present's status for its code, the
// status of its error page and of the API; any other is not the form's,
// and goes to the error page. Problems the page finds itself are
// validation_failed, and the web's own refusal of a form sent again
// changed answers its own page's status.
func TestFormStatusEveryCode(t *testing.T) {
	a, _ := errorApp()
	show := func(f *form) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/app/programmes/P1/funders/new", nil)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, "req-1"))
		w := httptest.NewRecorder()
		if err := a.showForm(w, r, "funder_form", &view{Title: "Add a funder", Form: f, Data: map[string]any{"Edit": false}}); err != nil {
			t.Fatal(err)
		}
		return w
	}
	for _, code := range domain.Codes {
		for _, fields := range []map[string]string{{"name": "is wrong"}, nil} {
			err := &domain.Error{Code: code, Message: "what happened", Fields: fields}
			f := newForm(funderFields, url.Values{"name": {"DWP"}})
			taken := f.fail(err)
			if want := len(fields) > 0 || code == domain.CodeValidation || code == domain.CodePersonalData; taken != want {
				t.Errorf("%s with fields %v: taken by the form %v, want %v", code, fields, taken, want)
			}
			if !taken {
				continue
			}
			w := show(f)
			if want := present.Of(err).Status; w.Code != want || w.Code != errorView(httptest.NewRequest(http.MethodGet, "/", nil), err).Status {
				t.Errorf("%s with fields %v: the form answers %d, want %d, its error page's", code, fields, w.Code, want)
			}
			if !strings.Contains(w.Body.String(), `data-testid="error-summary"`) || !strings.Contains(w.Body.String(), `data-testid="funder-form"`) {
				t.Errorf("%s with fields %v: not the form with its problems:\n%s", code, fields, between(w.Body.String(), "<main", "</main>"))
			}
		}
	}

	f := newForm(funderFields, url.Values{})
	if w := show(f); w.Code != http.StatusOK {
		t.Errorf("a form with nothing wrong answers %d", w.Code)
	}
	f.Errors["name"] = "Enter the name"
	if w := show(f); w.Code != present.Status(domain.Errorf(domain.CodeValidation, "")) {
		t.Errorf("a problem the page found answers %d", w.Code)
	}
	f = newForm(funderFields, url.Values{})
	f.General = append(f.General, resentMessage("funder"))
	f.refuse(formChanged{})
	if w := show(f); w.Code != http.StatusConflict || w.Code != present.Status(present.ErrFormChanged) {
		t.Errorf("a form sent again changed answers %d", w.Code)
	}
}
