package web

import (
	"cmp"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Spreadsheet imports in the browser: an upload page (a multipart form
// with the session's CSRF token), a preview that either lists each bad
// row beside its problems (an NHS.UK error summary linking to them) or
// counts what the file will create, correct and leave unchanged, a
// confirmation, and the result. The file previewed is kept server-side
// for an hour (service.PreviewImport, a DynamoDB item with a TTL, its
// uploader's only); the confirmation names it, and the very bytes
// previewed are imported, checked by their SHA-256. Re-uploading instead
// would ask people to choose the file twice, and a browser cannot carry a
// 4 MiB file in a hidden field within Lambda's 6 MB request limit.

// ImportRequestTimeout bounds the import pages, as the API's import route
// is bounded (httpapi.ImportRequestTimeout): a confirmed import of
// thousands of rows takes longer than other pages' 9 seconds. The web
// function's Lambda timeout (30 s) covers it.
const ImportRequestTimeout = 26 * time.Second

// maxUploadBytes bounds an upload's form: the file and a few fields.
const maxUploadBytes = domain.MaxImportBytes + 64<<10

// importPage reports whether r is for one of the import pages.
func importPage(r *http.Request) bool {
	return strings.Contains(r.URL.Path, "/imports")
}

// upload is a file sent with a form.
type upload struct {
	Name, MediaType string
	Data            []byte
}

// uploadForm reads a multipart form: its fields and its one file (the
// field "file"), at most maxUploadBytes in all, held in memory.
func (a *app) uploadForm(w http.ResponseWriter, r *http.Request) (url.Values, *upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	if err := r.ParseMultipartForm(maxUploadBytes); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, domain.Errorf(domain.CodeTooLarge, "the file is larger than 4 MiB: split it into parts")
		}
		return nil, nil, domain.Errorf(domain.CodeValidation, "the form could not be read")
	}
	form := url.Values(r.MultipartForm.Value)
	fhs := r.MultipartForm.File["file"]
	if len(fhs) == 0 || fhs[0].Size == 0 {
		return form, nil, nil
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, nil, domain.Errorf(domain.CodeValidation, "the file could not be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, domain.MaxImportBytes+1))
	if err != nil {
		return nil, nil, domain.Errorf(domain.CodeValidation, "the file could not be read")
	}
	// Browsers name a workbook's type, but not always a CSV file's (some
	// send application/vnd.ms-excel for .csv): the name's extension decides.
	mt := domain.MediaOf(fhs[0].Header.Get("Content-Type"))
	switch strings.ToLower(filepath.Ext(fhs[0].Filename)) {
	case ".csv":
		mt = domain.MediaCSV
	case ".xlsx":
		mt = domain.MediaXLSX
	}
	return form, &upload{Name: filepath.Base(fhs[0].Filename), MediaType: mt, Data: data}, nil
}

// importProblem is one bad cell, shown beside its row.
type importProblem struct {
	Column, Message, Anchor string
}

// importRow is a refused row: its cells as the file has them (a cell the
// guard found personal data in is not shown back) and its problems.
type importRow struct {
	Number   int // 0: the file as a whole
	Cells    []string
	Problems []importProblem
	Anchor   string
}

// importUpload is the upload page's data.
type importUpload struct {
	Base     string
	FileName string
	Rows     []importRow
	Header   []string
	Refused  string // the refusal's message
	Forbid   bool   // the refusal is of rows the caller may not write
}

// imports serves the upload page (GET) and the preview of an uploaded
// file (POST).
func (a *app) imports(w http.ResponseWriter, r *http.Request, q *req) error {
	sc := a.scope(r, q)
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	if !n.Access.CanManage() && len(n.Access.Projects) == 0 {
		return refuse("import figures")
	}
	d := &importUpload{Base: base(n)}
	title := "Import figures from a spreadsheet"
	if r.Method != http.MethodPost {
		a.render(w, r, http.StatusOK, "imports", &view{Title: title, Nav: n, Data: d})
		return nil
	}
	if q.File == nil {
		d.Refused = "Choose a CSV file or an Excel workbook (.xlsx) to upload."
		d.Rows = []importRow{{Anchor: "file", Problems: []importProblem{{Column: "File", Message: "Choose a file", Anchor: "file"}}}}
		a.render(w, r, http.StatusBadRequest, "imports", &view{Title: title, Nav: n, Data: d})
		return nil
	}
	d.FileName = q.File.Name
	f := service.ImportFile{MediaType: q.File.MediaType, Data: q.File.Data}
	res, staged, err := sc.PreviewImport(f, q.File.Name)
	var de *domain.Error
	if err != nil && errors.As(err, &de) && len(de.Fields) > 0 && (de.Code == domain.CodeValidation || de.Code == domain.CodeForbidden) {
		sh, _ := a.Service.ReadSheet(f) // read once already: the cells to show beside the problems
		d.Header, d.Rows = refusedRows(sh, de.Fields)
		d.Refused, d.Forbid = capitalise(de.Message)+".", de.Code == domain.CodeForbidden
		status := http.StatusBadRequest
		if d.Forbid {
			status = http.StatusForbidden
		}
		a.render(w, r, status, "imports", &view{Title: title, Nav: n, Data: d})
		return nil
	}
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "import_preview", &view{Title: "Check your import", Nav: n,
		Data: map[string]any{"Base": base(n), "Result": res, "Staged": staged, "FileName": q.File.Name}})
	return nil
}

var rowField = regexp.MustCompile(`^rows\[(\d+)\]\.(.+)$`)

// refusedRows groups a refusal's problems by row, in row order, each with
// the row's cells; problems with the file as a whole come first.
func refusedRows(sh domain.Sheet, fields map[string]string) ([]string, []importRow) {
	byRow := map[int]*importRow{}
	for field, msg := range fields {
		number, column := 0, "File"
		if m := rowField.FindStringSubmatch(field); m != nil {
			number, _ = strconv.Atoi(m[1])
			column = columnName(m[2])
		}
		row := byRow[number]
		if row == nil {
			row = &importRow{Number: number, Anchor: "row-" + strconv.Itoa(number)}
			byRow[number] = row
		}
		row.Problems = append(row.Problems, importProblem{Column: column, Message: capitalise(msg),
			Anchor: row.Anchor})
	}
	var header []string
	cells := map[int][]string{}
	for i, sr := range sh.Rows {
		var texts []string
		for j, c := range sr.Cells {
			text := c.Text
			// A workbook's date is a number of days: shown as the date it is.
			if c.Numeric && i > 0 && j < len(header) {
				if k := columnKey(header[j]); k == domain.ColPeriodStart || k == domain.ColPeriodEnd {
					if d, ok := domain.SerialDate(c.Text, sh.Date1904); ok {
						text = d.Time().Format("02/01/2006")
					}
				}
			}
			texts = append(texts, text)
		}
		if i == 0 {
			header = texts
		}
		cells[sr.Number] = texts
	}
	var rows []importRow
	for _, row := range byRow {
		slices.SortFunc(row.Problems, func(a, b importProblem) int { return cmp.Compare(a.Column, b.Column) })
		if row.Number > 0 {
			row.Cells = shownCells(cells[row.Number], header, row.Problems)
		}
		rows = append(rows, *row)
	}
	slices.SortFunc(rows, func(a, b importRow) int { return cmp.Compare(a.Number, b.Number) })
	return header, rows
}

// shownCells are a row's cells as shown: a cell named as holding personal
// data is hidden, so the page never repeats it.
func shownCells(cells, header []string, problems []importProblem) []string {
	out := slices.Clone(cells)
	for _, p := range problems {
		if !strings.Contains(p.Message, "ppears to contain") {
			continue
		}
		for i, h := range header {
			if i < len(out) && columnName(columnKey(h)) == p.Column {
				out[i] = "(hidden: personal data)"
			}
		}
	}
	return out
}

// columnKey is the field name a heading reads as.
func columnKey(h string) string {
	switch strings.ToLower(strings.Join(strings.Fields(h), "")) {
	case "project":
		return domain.ColProject
	case "periodstart":
		return domain.ColPeriodStart
	case "periodend":
		return domain.ColPeriodEnd
	case "cohort":
		return domain.ColCohort
	case "notes":
		return domain.ColNotes
	}
	if m, ok := domain.ParseMetric(h); ok {
		return string(m)
	}
	return h
}

// columnName is how the page names a column: metrics by their labels.
func columnName(field string) string {
	switch field {
	case domain.ColProject:
		return "Project"
	case domain.ColPeriodStart:
		return "Period start"
	case domain.ColPeriodEnd:
		return "Period end"
	case domain.ColCohort:
		return "Cohort"
	case domain.ColNotes:
		return "Notes"
	case "metrics":
		return "Metric columns"
	}
	if m := domain.Metric(field); domain.ValidMetric(m) {
		return m.Label()
	}
	if len(field) <= 3 && strings.ToUpper(field) == field {
		return "Column " + field
	}
	return field
}

// importConfirm imports the file a preview kept and shows the result.
func (a *app) importConfirm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc := a.scope(r, q)
	st, err := sc.StagedImport(q.Form.Get("staged"))
	if err != nil {
		return err
	}
	res, err := sc.Import(service.ImportFile{MediaType: st.MediaType, Data: st.Data}, false)
	if err != nil {
		return err
	}
	v := url.Values{}
	for k, n := range map[string]int{"rows": res.Rows, "created": res.Created, "corrected": res.Corrected, "unchanged": res.Unchanged} {
		v.Set(k, strconv.Itoa(n))
	}
	v.Set("file", st.Name)
	return seeOther(w, r, "/app/programmes/"+r.PathValue("pid")+"/imports/result?"+v.Encode())
}

// importResult shows what an import did (from the confirmation's
// redirect, so reloading it imports nothing).
func (a *app) importResult(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	res := domain.ImportResult{}
	for k, into := range map[string]*int{"rows": &res.Rows, "created": &res.Created, "corrected": &res.Corrected, "unchanged": &res.Unchanged} {
		*into, _ = strconv.Atoi(r.URL.Query().Get(k))
	}
	a.render(w, r, http.StatusOK, "import_result", &view{Title: "Import complete", Nav: n,
		Data: map[string]any{"Base": base(n), "Result": res, "FileName": r.URL.Query().Get("file")}})
	return nil
}

// importTemplate downloads the empty sheet to fill in.
func (a *app) importTemplate(mediaType string) handler {
	return func(w http.ResponseWriter, r *http.Request, q *req) error {
		t, err := a.scope(r, q).ImportTemplate(mediaType)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", t.MediaType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+t.Name+`"`)
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(t.Data)
		return err
	}
}
