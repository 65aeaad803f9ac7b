package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
)

// The export routes (issue #5). The grant exports belong to the grants
// function and the outcome summary to the progress function; each is
// appended to that function's routes.

func (s *server) exportGrantRoutes() []route {
	return []route{
		{pattern: "GET /programmes/{programmeId}/grants.csv", serve: s.grantsCSV},
		{pattern: "GET /programmes/{programmeId}/grants/360giving", serve: s.grants360},
	}
}

func (s *server) exportProgressRoutes() []route {
	return []route{
		{pattern: "GET /programmes/{programmeId}/outcomes/summary.csv", serve: s.outcomeSummaryCSV},
	}
}

// grantsCSV serves every grant the caller may read as a spreadsheet file.
func (s *server) grantsCSV(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	set, err := s.Service.GrantExport(r.Context(), c, pid(r))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.GrantsCSV(&buf, set); err != nil {
		return err
	}
	download(w, export.CSVContentType, export.Slug(set.Programme.Name)+"-grants.csv", buf.Bytes())
	return nil
}

// grants360 serves the grants the caller may read as a 360Giving data
// package. The standard requires at least one grant, so a caller who may
// read none is told there is nothing to publish rather than handed a file
// that fails validation.
func (s *server) grants360(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	set, err := s.Service.GrantExport(r.Context(), c, pid(r))
	if err != nil {
		return err
	}
	if len(set.Grants) == 0 {
		return domain.Errorf(domain.CodeNotFound, "there are no grants you may read in this programme, and a 360Giving package needs at least one")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(export.Giving(set, s.GivingPrefix, s.Now())); err != nil {
		return err
	}
	download(w, "application/json", export.Slug(set.Programme.Name)+"-grants-360giving.json", buf.Bytes())
	return nil
}

// outcomeSummaryCSV serves the open outcome summary, disclosure-controlled
// for publication, to every member.
func (s *server) outcomeSummaryCSV(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	set, err := s.Service.OutcomeSummary(r.Context(), c, pid(r))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.OutcomeSummaryCSV(&buf, set); err != nil {
		return err
	}
	download(w, export.CSVContentType, export.Slug(set.Programme.Name)+"-outcomes-summary.csv", buf.Bytes())
	return nil
}

// download answers 200 with a file to save. The body is built in full
// first, so a failure is still answered in the SPEC's error shape. The
// file name is a slug (ASCII letters, digits, hyphens), safe to quote.
func download(w http.ResponseWriter, contentType, filename string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
