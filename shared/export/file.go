package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// File is an export ready to download: the JSON API and the web pages both
// serve these, so a download is the same file whichever way it is fetched.
type File struct {
	Name        string
	ContentType string
	Body        []byte
}

// GrantsFile is the grants a caller may read, as a spreadsheet.
func GrantsFile(s GrantSet) (File, error) {
	var buf bytes.Buffer
	if err := GrantsCSV(&buf, s); err != nil {
		return File{}, err
	}
	return File{Name: Slug(s.Programme.Name) + "-grants.csv", ContentType: CSVContentType, Body: buf.Bytes()}, nil
}

// GivingFunderID is the funder a 360Giving package is asked for, by the
// query's funderId: "" when the parameter is left out, for the whole
// package. Given with no value ("?funderId="), it is refused, naming
// funderId: read as left out, a funder's link built with an id that was
// not filled in would download every grant the caller may read as if it
// were that funder's, with the empty parameter in each grant's dataSource.
func GivingFunderID(q url.Values) (string, error) {
	// decode.Blank's rule, written out: export sits below the request
	// decoding (shared/arch), as the service that uses it does.
	if q.Has("funderId") && strings.TrimSpace(q.Get("funderId")) == "" {
		return "", &domain.Error{Code: domain.CodeValidation, Message: "funderId is empty",
			Fields: map[string]string{"funderId": "must not be empty: give the id of one of the programme's funders, or leave funderId out for every grant you may read"}}
	}
	return q.Get("funderId"), nil
}

// ErrNothingToPublish is the cause of GivingFile's refusal of an empty
// package: a not-found whose message is the reason, written for people, so
// a page can show it rather than "page not found".
var ErrNothingToPublish = errors.New("nothing to publish")

// GivingFile is the grants a caller may read as a 360Giving data package:
// every one, or with funderID those of that funder, published by it. A
// grant is published from its award date: one recorded ahead of it is not
// awarded yet, and the Data Quality Tool notes it (PostDatedAwardDates).
// The standard requires at least one grant, so with none to publish the
// answer is not found, saying so, rather than a file that fails validation.
func GivingFile(s GrantSet, cfg GivingConfig, funderID string, now time.Time) (File, error) {
	awarded := s.Grants[:0:0]
	for _, g := range s.Grants {
		if !g.AwardDate.After(domain.UKDate(now)) {
			awarded = append(awarded, g)
		}
	}
	later := len(s.Grants) - len(awarded)
	s.Grants = awarded
	var funder *domain.Funder
	name := Slug(s.Programme.Name) + "-grants-360giving.json"
	if s.Selection != "" {
		name = s.selectionFileName()
	}
	if funderID != "" {
		set, f, err := GivingFunder(s, funderID)
		if err != nil {
			return File{}, err
		}
		s, funder = set, &f
		name = Slug(s.Programme.Name) + "-" + Slug(f.Name) + "-grants-360giving.json"
	}
	if len(s.Grants) == 0 {
		from := ""
		if funder != nil && funder.Name != "" {
			from = " from " + funder.Name
		}
		msg := fmt.Sprintf("there is nothing to publish yet: a 360Giving package needs at least one grant, "+
			"and there are no grants%s in this programme that you may read", from)
		if later > 0 {
			msg = fmt.Sprintf("there is nothing to publish yet: a 360Giving package needs at least one grant, "+
				"and the grants%s in this programme that you may read are published from their award dates, which are still to come", from)
		}
		return File{}, &domain.Error{Code: domain.CodeNotFound, Message: msg, Err: ErrNothingToPublish}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Giving(s, cfg, funder, now)); err != nil {
		return File{}, err
	}
	return File{Name: name, ContentType: "application/json", Body: buf.Bytes()}, nil
}

// RequestURL is the absolute address a request was made to, as the client
// saw it: behind API Gateway and CloudFront the scheme is in
// X-Forwarded-Proto. A 360Giving package names it as its data source when
// the deployment names none.
func RequestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	return u.String()
}

// OutcomeSummaryFile is the open outcome summary, disclosure-controlled for
// publication.
func OutcomeSummaryFile(s OutcomeSet) (File, error) {
	var buf bytes.Buffer
	if err := OutcomeSummaryCSV(&buf, s); err != nil {
		return File{}, err
	}
	return File{Name: Slug(s.Programme.Name) + "-outcomes-summary.csv", ContentType: CSVContentType, Body: buf.Bytes()}, nil
}

// Serve answers 200 with the file to save. The body was built in full
// first, so a failure could still be answered as an error. The file name is
// a slug (ASCII letters, digits, hyphens), safe to quote.
func (f File) Serve(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(f.Body)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(f.Body)
}

// Serving returns a function that serves a built export, or passes on the
// error building it: `return export.Serving(w)(export.GrantsFile(set))`.
func Serving(w http.ResponseWriter) func(File, error) error {
	return func(f File, err error) error {
		if err != nil {
			return err
		}
		f.Serve(w)
		return nil
	}
}
