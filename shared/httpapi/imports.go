package httpapi

import (
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// ImportRequestTimeout bounds an import request: 5,000 rows are written in
// about a hundred transactions one after another, more than the other
// routes' 7 seconds allow. It stays under API Gateway's 30-second
// integration limit, so the client always gets fundtrack's answer (an
// import cut off by it says how to finish), and the imports function's
// 30-second Lambda timeout leaves it a few seconds to give it.
const ImportRequestTimeout = 26 * time.Second

// NewImportsHandler serves spreadsheet imports and their templates (the
// "imports" Lambda function). Of the API functions only this one is given
// a reader of Excel workbooks (service.WithWorkbooks), so only it links
// sheet/xlsx; the web function's import pages have one too.
func NewImportsHandler(d Deps) http.Handler {
	if d.RequestTimeout <= 0 {
		d.RequestTimeout = ImportRequestTimeout
	}
	return newHandler(d, (*server).importsRoutes)
}

const importsPath = "/programmes/{programmeId}/imports"

func (s *server) importsRoutes() []route {
	return []route{
		{pattern: "POST " + importsPath, files: &fileBody{Media: []string{domain.MediaCSV, domain.MediaText, domain.MediaTSV, domain.MediaXLSX},
			Max: domain.MaxImportBytes, Refuse: "send the spreadsheet as text/csv (or text/plain, as Excel's Unicode Text) or " + domain.MediaXLSX},
			query: params{"dryRun"}, serve: s.importFile, may: s.mayImport},
		{pattern: "GET " + importsPath + "/template.csv", serve: s.importTemplate(domain.MediaCSV)},
		{pattern: "GET " + importsPath + "/template.xlsx", serve: s.importTemplate(domain.MediaXLSX)},
	}
}

// importFile answers 200 with what the import did (or, with ?dryRun=true,
// would do).
func (s *server) importFile(w http.ResponseWriter, r *http.Request, c *call) error {
	q, err := decode.Query(r)
	if err != nil {
		return err
	}
	dryRun, err := importDryRun(q)
	if err != nil {
		// A non-member learns nothing, not even that the parameter is
		// wrong: the access check speaks first, as on every route.
		if _, _, aerr := s.open(r, c).Access(); aerr != nil {
			return aerr
		}
		return err
	}
	// It stops writing service.ImportStopMargin before the deadline, for
	// its last write to be answered (service.WriteGrace), then to
	// release the import lock and send its own 503, saying how many rows
	// were stored and to send the same file again: cut off by the
	// deadline itself, the client got only the generic "try again" while
	// the import still held the lock, so a retry a second later was
	// refused 409.
	ctx, cancel := service.ImportDeadline(r.Context(), s.RequestTimeout)
	defer cancel()
	r = r.WithContext(ctx)
	data, err := io.ReadAll(r.Body) // read and bounded by the middleware already
	if err != nil {
		return domain.Errorf(domain.CodeValidation, "could not read the request body")
	}
	f := service.ImportFile{MediaType: domain.MediaOf(r.Header.Get("Content-Type")), Data: data}
	res, err := s.open(r, c).Import(f, dryRun)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// mayImport is an import's access check, over the file sent (read and
// bounded by the middleware already).
func (s *server) mayImport(r *http.Request, c *call) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return domain.Errorf(domain.CodeValidation, "could not read the request body")
	}
	return s.open(r, c).MayImport(service.ImportFile{MediaType: domain.MediaOf(r.Header.Get("Content-Type")), Data: data})
}

// importDryRun reads an import's dryRun parameter, which must be there and
// exactly "true" or "false" (SPEC: ?dryRun=true|false): it is the switch
// between checking a file and storing it, so one left out, left empty or
// misspelt ("dryrun", "dry_run") is refused, naming it, rather than taken
// for false and the file stored. A misspelling is a parameter the route
// does not take, refused before this is read (queryParams), saying so.
func importDryRun(q url.Values) (bool, error) {
	v, ok := q["dryRun"]
	switch {
	case ok && v[0] == "true":
		return true, nil
	case ok && v[0] == "false":
		return false, nil
	}
	problem := `must be "true" (check the file, storing nothing) or "false" (import it)`
	if !ok {
		problem = "required: send dryRun=true to check the file, storing nothing, or dryRun=false to import it"
	}
	return false, &domain.Error{Code: domain.CodeValidation, Message: "dryRun is not valid: nothing was imported",
		Fields: map[string]string{"dryRun": problem}}
}

func (s *server) importTemplate(mediaType string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		t, err := s.open(r, c).ImportTemplate(mediaType)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", t.MediaType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+t.Name+`"`)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		w.Write(t.Data)
		return nil
	}
}
