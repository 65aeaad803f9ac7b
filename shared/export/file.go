package export

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
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

// GivingFile is the grants a caller may read as a 360Giving data package.
// The standard requires at least one grant, so a caller who may read none
// is told there is nothing to publish rather than handed a file that fails
// validation.
func GivingFile(s GrantSet, prefix string, now time.Time) (File, error) {
	if len(s.Grants) == 0 {
		return File{}, domain.Errorf(domain.CodeNotFound, "there are no grants you may read in this programme, and a 360Giving package needs at least one")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(Giving(s, prefix, now)); err != nil {
		return File{}, err
	}
	return File{Name: Slug(s.Programme.Name) + "-grants-360giving.json", ContentType: "application/json", Body: buf.Bytes()}, nil
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
