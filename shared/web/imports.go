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
	"sync"
	"time"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Spreadsheet imports in the browser: an upload page (a multipart form
// with the session's CSRF token), a preview that either lists each bad
// row beside its problems (an NHS.UK error summary linking to them) or
// counts what the file will create, correct and leave unchanged, a
// confirmation, and the result. The first sheet previewed, its cells as
// read and checked (never the file, whose other sheets may hold a client
// list), is kept server-side for an hour (service.PreviewImport, DynamoDB
// items with a TTL, its uploader's only); the confirmation names it, and
// the very cells previewed are imported, checked by their SHA-256. Re-uploading instead
// would ask people to choose the file twice, and a browser cannot carry a
// 4 MiB file in a hidden field within Lambda's 6 MB request limit.

// ImportRequestTimeout bounds the import pages, as the API's import route
// is bounded (httpapi.ImportRequestTimeout): a confirmed import of
// thousands of rows takes longer than other pages' 7 seconds. The web
// function's Lambda timeout (30 s) covers it.
const ImportRequestTimeout = 26 * time.Second

// importTimeout is the import pages' deadline.
func (a *app) importTimeout() time.Duration {
	if a.ImportTimeout > 0 {
		return a.ImportTimeout
	}
	return ImportRequestTimeout
}

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

// errUploadTooLarge is an upload past maxUploadBytes: its form cannot be
// read (nor its CSRF token), so the upload page is shown again saying so,
// changing nothing (importTooLarge).
var errUploadTooLarge = domain.Errorf(domain.CodeTooLarge, "the file is larger than 4 MiB: split it into parts")

// uploadForm reads a multipart form: its fields and its one file (the
// field "file"), at most maxUploadBytes in all, held in memory. A file
// chosen but empty (0 bytes, with a name) is an upload with no data; no
// file chosen is none.
func (a *app) uploadForm(w http.ResponseWriter, r *http.Request) (url.Values, *upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	if err := r.ParseMultipartForm(maxUploadBytes); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, errUploadTooLarge
		}
		return nil, nil, domain.Errorf(domain.CodeValidation, "the form could not be read")
	}
	form := url.Values(r.MultipartForm.Value)
	if err := repeatedHidden(form); err != nil {
		return nil, nil, err
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) > 1 { // one is read: which, a careless reader would choose
		return nil, nil, domain.Errorf(domain.CodeValidation, "the form could not be read: its file field %s; choose one file", decode.ProblemTwice)
	}
	if len(fhs) == 0 || fhs[0].Size == 0 && fhs[0].Filename == "" {
		return form, nil, nil
	}
	if fhs[0].Size == 0 {
		return form, &upload{Name: filepath.Base(fhs[0].Filename)}, nil
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
	// A .txt or .tsv file is text as a CSV file is: Excel saves "Unicode
	// Text" as .txt, tab separated (audit import2 W4: refused as "not an
	// Excel workbook" though the upload page offered it).
	// Anything else that is not CSV is read as a workbook, whose reader
	// says what the file is instead (an old .xls, a password-protected
	// workbook, not a workbook at all) and what to save it as.
	mt := domain.MediaOf(fhs[0].Header.Get("Content-Type"))
	switch ext := strings.ToLower(filepath.Ext(fhs[0].Filename)); {
	case ext == ".csv", ext == ".txt", ext == ".tsv":
		mt = domain.MediaCSV
	case ext == ".xlsx", mt != domain.MediaCSV:
		mt = domain.MediaXLSX
	}
	return form, &upload{Name: filepath.Base(fhs[0].Filename), MediaType: mt, Data: data}, nil
}

// importProblem is one bad cell, shown beside its row.
type importProblem struct {
	Column, Message, Anchor string
	key                     string // its column as the field names it: "periodStart", "E"; "" for the file
}

// importRow is a refused row: its cells as the file has them (a cell the
// guard found personal data in is not shown back) and its problems.
type importRow struct {
	Number   int // 0: the file as a whole
	Cells    []string
	Problems []importProblem
	Anchor   string
	// Where names the row as the problems are listed: "Row 5", or, in a
	// workbook of several sheets, "Sheet 'Q1', row 5".
	Where string
}

// importUpload is the upload page's data.
type importUpload struct {
	Base     string
	Uploaded bool   // a file was sent
	FileName string // its name, "" when it may not be shown (domain.ImportFileName)
	Rows     []importRow
	Header   []string
	Refused  string // the refusal's message
	Forbid   bool   // the refusal is of rows the caller may not write
	// Confirmed says the refusal is of a confirmation: the file was
	// checked, and what is in fundtrack now refuses it (a submission
	// changed since the preview, a period now holding two).
	Confirmed bool
	// Partly says the refused confirmation stored some rows before it
	// stopped (or may have): its message says how many.
	Partly bool
	// Continue, when set, is the staged file a confirmation cut off part
	// way may be confirmed again with, to store the rest.
	Continue string
}

// imports serves the upload page (GET) and the preview of an uploaded
// file (POST).
func (a *app) imports(w http.ResponseWriter, r *http.Request, q *req) error {
	sc := a.scope(r, q)
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	if err := mayImport(n); err != nil {
		return err
	}
	d := &importUpload{Base: base(n)}
	if r.Method != http.MethodPost {
		a.render(w, r, http.StatusOK, "imports", &view{Title: importTitle, Nav: n, Data: d})
		return nil
	}
	if q.File == nil {
		d.refuseFile("No file was uploaded.", "Select a CSV file or Excel workbook")
		a.render(w, r, http.StatusBadRequest, "imports", &view{Title: importTitle, Nav: n, Data: d})
		return nil
	}
	d.Uploaded, d.FileName = true, domain.ImportFileName(q.File.Name) // "" shows as "your file"
	if len(q.File.Data) == 0 {
		// Chosen, but 0 bytes (audit walk3 N1): not "no file was uploaded".
		name := "you chose"
		if d.FileName != "" {
			name = d.FileName
		}
		d.refuseFile("The file "+name+" is empty: nothing was imported.", "The file "+name+" is empty: choose the file with your figures")
		a.render(w, r, http.StatusBadRequest, "imports", &view{Title: importTitle, Nav: n, Data: d})
		return nil
	}
	f := service.ImportFile{MediaType: q.File.MediaType, Data: q.File.Data}
	res, staged, err := sc.PreviewImport(f, q.File.Name)
	var de *domain.Error
	switch {
	case err != nil && errors.As(err, &de) && len(de.Fields) > 0 && (de.Code == domain.CodeValidation || de.Code == domain.CodeForbidden):
		sh, _ := a.Service.ReadSheet(f) // read once already: the cells to show beside the problems
		d.Header, d.Rows = refusedRows(sh, de.Fields)
		d.Refused, d.Forbid = capitalise(de.Message)+".", de.Code == domain.CodeForbidden
	case err != nil && de != nil && (de.Code == domain.CodeUnsupportedMedia || de.Code == domain.CodeTooLarge):
		// Not a file that can be read (an old .xls, a damaged workbook, one
		// too large once unzipped): the reader says why and what to save
		// it as, which sending the same file again would never fix.
		d.refuseFile("The file cannot be read: nothing was imported.", sentence(de.Message))
	case err != nil:
		return err
	default:
		a.render(w, r, http.StatusOK, "import_preview", &view{Title: "Check your import", Nav: n,
			Data: previewData(base(n), res, staged, d.FileName, n.Programme.ReviewOutcomes)})
		return nil
	}
	a.render(w, r, present.Status(err), "imports", &view{Title: importTitle, Nav: n, Data: d})
	return nil
}

const importTitle = "Import figures from a spreadsheet"

// importTooLarge is the upload page refusing a file past 4 MiB (audit
// walk3 N2), as it refuses any other file: with its form and the
// programme in the title, not the error page. It only shows the page:
// the form could not be read, so nothing is done with it.
func (a *app) importTooLarge(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	if err := mayImport(n); err != nil {
		return err
	}
	d := &importUpload{Base: base(n), Uploaded: true}
	d.refuseFile("The file is larger than 4 MiB: nothing was imported.",
		"The file is larger than 4 MiB: split its rows into two or more files and import each")
	a.render(w, r, http.StatusRequestEntityTooLarge, "imports", &view{Title: importTitle, Nav: n, Data: d})
	return nil
}

// previewAdditions bounds the new submissions the preview shows row by
// row: a file's 5,000 rows, notes and all, would make a page of megabytes,
// past what a person reads and near Lambda's 6 MB answer; the rest are
// counted.
const previewAdditions = 500

// previewData is the preview page's data: the counts and corrections of
// res, the first previewAdditions new submissions and how many more there
// are, and the staged file to confirm; review says the programme reviews
// submissions, so the rows will wait for approval.
func previewData(base string, res domain.ImportResult, staged, fileName string, review bool) map[string]any {
	shown := res.Additions[:min(len(res.Additions), previewAdditions)]
	return map[string]any{"Base": base, "Result": res, "Staged": staged, "FileName": fileName, "Review": review,
		"Additions": shown, "MoreAdditions": len(res.Additions) - len(shown), "Notes": importNotes(res.Warnings)}
}

// importNote is a warning of an import's answer, as the preview shows it.
type importNote struct{ Field, Message string }

// importNotes are an import's warnings as sentences of the page, dates
// as the pages write them.
func importNotes(ws []domain.Warning) []importNote {
	out := make([]importNote, len(ws))
	for i, w := range ws {
		field, msg := w.Field, sentence(ruleDates(w.Message))
		if n, col, ok := domain.ParseRowField(field); ok {
			// A row's: named as its problems would be.
			field, msg = "row-"+strconv.Itoa(n)+"-"+col, "Row "+strconv.Itoa(n)+", "+columnName(col)+": "+msg
		}
		out[i] = importNote{Field: field, Message: msg}
	}
	return out
}

// mayImport refuses the import pages to whoever may not import: funders
// read only; leads import, and project leads for their own projects.
func mayImport(n *nav) error {
	if !n.Access.CanManage() && len(n.Access.Projects) == 0 {
		return refuse("import figures")
	}
	return nil
}

// refuseFile is the upload page refusing the file as a whole: refused
// heads the error summary, problem is named beside the file.
func (d *importUpload) refuseFile(refused, problem string) {
	d.Refused = refused
	d.Rows = []importRow{{Anchor: "row-0", Problems: []importProblem{{Column: "File", Message: problem, Anchor: "file"}}}}
}

// FileProblem is what is wrong with the file as a whole, shown beside the
// file box as in the error summary ("" when nothing is, or the problems
// are its rows').
func (d *importUpload) FileProblem() string {
	for _, r := range d.Rows {
		for _, p := range r.Problems {
			if p.Anchor == "file" {
				return p.Message
			}
		}
	}
	return ""
}

// HasErrors reports whether the page shows the upload's problems.
func (d *importUpload) HasErrors() bool { return d.Refused != "" }

// Unread reports whether the refusal is of the file as a whole, with no
// row's cells to fix: the page then has no table of rows, its error
// summary linking to the file box instead.
func (d *importUpload) Unread() bool {
	for _, r := range d.Rows {
		if r.Number > 0 {
			return false
		}
	}
	return true
}

// refusedRows groups a refusal's problems by row, in row order, each with
// the row's cells; problems with the file as a whole come first. The
// header is returned as shown, a heading flagged as personal data hidden
// as a cell would be (the header row names every shown row's cells).
func refusedRows(sh domain.Sheet, fields map[string]string) ([]string, []importRow) {
	byRow := map[int]*importRow{}
	for field, msg := range fields {
		number, key, _ := domain.ParseRowField(field)
		row := byRow[number]
		if row == nil {
			row = &importRow{Number: number, Anchor: "row-" + strconv.Itoa(number)}
			byRow[number] = row
		}
		column := "File"
		if key != "" {
			column = columnName(key)
		}
		anchor := row.Anchor
		if number == 0 {
			anchor = "file" // the file box, to choose another file
		}
		row.Problems = append(row.Problems, importProblem{Column: column, Message: capitalise(ruleDates(msg)),
			Anchor: anchor, key: key})
	}
	var header []string
	cells := map[int][]domain.SheetCell{}
	headerNumber := 0
	headerAt, _ := domain.ImportHeader(sh) // below any title rows
	for i, sr := range sh.Rows {
		if i == headerAt {
			headerNumber = sr.Number
			for _, c := range sr.Cells {
				header = append(header, c.Text)
			}
		}
		cells[sr.Number] = sr.Cells
	}
	var headerProblems []importProblem
	if hr := byRow[headerNumber]; hr != nil && headerNumber > 0 {
		headerProblems = hr.Problems
	}
	var shownHeader []string
	if len(sh.Rows) > 0 {
		shownHeader = shownCells(sh.Rows[headerAt].Cells, header, headerProblems, true, sh.Date1904)
	}
	var rows []importRow
	for _, row := range byRow {
		if row.Number > 0 {
			row.Cells = shownCells(cells[row.Number], header, row.Problems, row.Number == headerNumber, sh.Date1904)
			row.Where = sheetName(sh) + "ow " + strconv.Itoa(row.Number)
			for i, p := range row.Problems {
				row.Problems[i].Column = cellName(p.key, header, shownHeader)
			}
		}
		sortProblems(row.Problems, header)
		rows = append(rows, *row)
	}
	slices.SortFunc(rows, func(a, b importRow) int { return cmp.Compare(a.Number, b.Number) })
	return shownHeader, rows
}

// sortProblems orders a row's problems as a person reads the row, by the
// sheet's columns from left to right (the NHS.UK error summary lists
// problems in the order of the fields), problems that name no column of
// the sheet first, as the file's own come before its rows'.
func sortProblems(problems []importProblem, header []string) {
	at := func(p importProblem) int {
		if cols := problemColumns(p.key, header); len(cols) > 0 {
			return cols[0]
		}
		return -1
	}
	slices.SortStableFunc(problems, func(a, b importProblem) int {
		return cmp.Or(cmp.Compare(at(a), at(b)), cmp.Compare(a.Column, b.Column))
	})
}

// sheetName begins a row's name ("R" or "Sheet 'Q1', r", to go before
// "ow 5"): a workbook of several sheets names the sheet read, which the
// user may not have been looking at (audit import2 W2). A name the guard
// refuses is not shown.
func sheetName(sh domain.Sheet) string {
	if sh.Name == "" || sh.Sheets < 2 || domain.ImportFileName(sh.Name) == "" {
		return "R"
	}
	return "Sheet '" + sh.Name + "', r"
}

// cellName names the column a problem's key names, as the spreadsheet
// shows it: its letter, and its heading as the sheet writes it ("column D
// (People into work)"); a column the header lacks by its label
// ("Project"), and one with no heading by its letter alone.
func cellName(key string, header, shown []string) string {
	if key == "metrics" {
		return "Metric columns"
	}
	at := problemColumns(key, header)
	if len(at) != 1 {
		return columnName(key)
	}
	name := "column " + domain.ColumnLetter(at[0])
	if at[0] < len(shown) {
		if h := strings.Join(strings.Fields(shown[at[0]]), " "); h != "" && h != hiddenCell {
			name += " (" + h + ")"
		}
	}
	return name
}

// ruleDates writes the dates a rule names in brackets, "(2026-01-01)" or
// "(2026-01-01 to 2026-03-31)", as the pages (and the forms' messages,
// form.message) write them: "(1 January 2026)". The API's problems keep
// ISO dates for its clients. Only bracketed dates outside quoted cells are
// rewritten: an example of a date's format ("such as 2025-04-01") tells
// people what to type, and a cell quoted back is shown as it was typed.
func ruleDates(msg string) string {
	var b strings.Builder
	last := 0
	for _, q := range quotedCell().FindAllStringIndex(msg, -1) {
		b.WriteString(bracketedDates().ReplaceAllStringFunc(msg[last:q[0]], longDates))
		b.WriteString(msg[q[0]:q[1]])
		last = q[1]
	}
	b.WriteString(bracketedDates().ReplaceAllStringFunc(msg[last:], longDates))
	return b.String()
}

// longDates writes each ISO date in s as "1 January 2026".
func longDates(s string) string {
	return isoDate().ReplaceAllStringFunc(s, func(iso string) string {
		if d, err := domain.ParseDate(iso); err == nil {
			return d.Long()
		}
		return iso
	})
}

var (
	// quotedCell finds a cell quoted back in a problem (Go's quoting).
	quotedCell = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"(?:[^"\\]|\\.)*"`) })
	// bracketedDates finds a date, or a period, in brackets.
	bracketedDates = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\(\d{4}-\d{2}-\d{2}(?: to \d{4}-\d{2}-\d{2})?\)`)
	})
)

// hiddenCell stands for a cell the page does not repeat.
const hiddenCell = "(hidden: personal data)"

// shownCells are a row's cells as shown. A cell holding personal data is
// hidden, so the page never repeats it: one a problem flags as such, by
// whatever key the problem names its column (a heading's field name, or
// a column letter for a heading fundtrack does not read or a cell with
// no heading), and any the guard finds personal data in besides. A
// workbook's date is a number of days, shown as the date it is, unless
// the import refused it as a number rather than a date: then it is shown
// as the number the cell holds (2024 typed into a date cell, not
// 16/07/1905).
func shownCells(cells []domain.SheetCell, header []string, problems []importProblem, isHeader, date1904 bool) []string {
	out := make([]string, len(cells))
	hidden := make([]bool, len(cells))
	notDate := make([]bool, len(cells))
	for _, p := range problems {
		msg := strings.ToLower(p.Message)
		for _, i := range problemColumns(p.key, header) {
			if i >= len(cells) {
				continue
			}
			if strings.Contains(msg, "appears to contain") {
				hidden[i] = true
			}
			if strings.Contains(msg, "not a date") {
				notDate[i] = true
			}
		}
	}
	for i, c := range cells {
		text := c.Text
		if !isHeader && c.Format != "" && !notDate[i] {
			text = domain.FormattedCell(c, date1904) // as the user sees it: 05/03/2026, not 46086
		} else if !isHeader && c.Numeric && !notDate[i] && i < len(header) {
			if k := columnKey(header[i]); k == domain.ColPeriodStart || k == domain.ColPeriodEnd {
				if d, ok := domain.SerialDate(c.Text, date1904); ok {
					text = d.Time().Format("02/01/2006")
				}
			}
		}
		if hidden[i] || domain.CheckPersonalData("cell", c.Text) != nil {
			text = hiddenCell
		}
		out[i] = text
	}
	return out
}

// columnLetter matches a column's spreadsheet name (A … ZZZ), the key of a
// problem with a column that has no heading fundtrack reads; a heading's
// field name is never upper case.
var columnLetter = regexp.MustCompile(`^[A-Z]{1,3}$`)

// problemColumns are the indexes of the columns a problem's key names: a
// column letter, or the field name its heading reads as ("" names none).
func problemColumns(key string, header []string) []int {
	if columnLetter.MatchString(key) {
		i := 0
		for _, r := range key {
			i = i*26 + int(r-'A'+1)
		}
		return []int{i - 1}
	}
	var out []int
	for i, h := range header {
		if key != "" && columnKey(h) == key {
			out = append(out, i)
		}
	}
	return out
}

// columnKey is the field name a heading reads as.
func columnKey(h string) string {
	if name, ok := domain.ImportColumn(h); ok {
		return name
	}
	return h
}

// columnName is how the page names a column: metrics by their labels.
func columnName(field string) string {
	if field == "metrics" {
		return "Metric columns"
	}
	if label, ok := domain.ImportColumnLabel(field); ok {
		return label
	}
	if len(field) <= 3 && strings.ToUpper(field) == field {
		return "Column " + field
	}
	return field
}

// importConfirm imports the file a preview kept and shows the result.
func (a *app) importConfirm(w http.ResponseWriter, r *http.Request, q *req) error {
	// It stops writing service.ImportStopMargin before the page's
	// deadline, as the API's import does: time for its last write to be
	// answered (service.WriteGrace), then to release the import lock and
	// show what was stored, rather than run into the function's own
	// timeout (audit import2 W1).
	ctx, cancel := service.ImportDeadline(r.Context(), a.importTimeout())
	defer cancel()
	r = r.WithContext(ctx)
	sc := a.scope(r, q)
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	// Once per preview: a repeat of the confirmation (a double click, the
	// form sent again) shows the result of the import the first ran.
	st, res, err := sc.ConfirmImport(q.Form.Get("staged"))
	if domain.ErrorCode(err) == domain.CodeNotFound {
		// Expired (a preview is kept for an hour), or never this person's:
		// the way on is to upload the file again, on this page.
		d := &importUpload{Base: base(n)}
		d.refuseFile("The file you checked is no longer kept: nothing was imported.",
			"A preview is kept for an hour: upload the file again, check it and import it")
		a.render(w, r, present.Status(err), "imports", &view{Title: importTitle, Nav: n, Data: d})
		return nil
	}
	var de *domain.Error
	if err != nil && errors.As(err, &de) && len(de.Fields) > 0 && present.Status(err) < 500 {
		// Refused rows (a submission changed since the preview, a period
		// that now holds two): the upload page names each beside its
		// cells, as the preview names bad cells, with the file box to
		// upload it again (audit import2 D4: a page that named none).
		d := &importUpload{Base: base(n), Uploaded: true, FileName: st.Name, Confirmed: true, Partly: errors.Is(err, service.ErrPartlyImported)}
		sh, _ := st.Sheet()
		d.Header, d.Rows = refusedRows(sh, de.Fields)
		d.Refused, d.Forbid = capitalise(de.Message)+".", de.Code == domain.CodeForbidden
		if errors.Is(err, service.ErrPreviewChanged) {
			// About the row as a whole, not its Period start cell, which
			// the API's key names (audit walk3 N3): "Row 2: …".
			for i := range d.Rows {
				for j := range d.Rows[i].Problems {
					if d.Rows[i].Number > 0 {
						d.Rows[i].Problems[j].Column = ""
					}
				}
			}
		}
		a.render(w, r, present.Status(err), "imports", &view{Title: importTitle, Nav: n, Data: d})
		return nil
	}
	if err != nil && errors.As(err, &de) && errors.Is(err, service.ErrPartlyImported) {
		// Cut off part way (out of time, the database throttling): what
		// was stored is said, and confirming again stores the rest, the
		// rows stored already being unchanged by it.
		d := &importUpload{Base: base(n), Uploaded: true, FileName: st.Name, Confirmed: true, Partly: true, Continue: st.ID}
		d.Refused = capitalise(de.Message) + "."
		d.Rows = []importRow{{Anchor: "row-0", Problems: []importProblem{{Column: "Import",
			Message: "Choose Continue the import to store the rest", Anchor: "continue"}}}}
		status := present.Status(err)
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		a.render(w, r, status, "imports", &view{Title: importTitle, Nav: n, Data: d})
		return nil
	}
	if err != nil {
		return err
	}
	done, err := a.Sessions.Seal(importDoneName, importDone{Programme: n.Programme.ID, Subject: q.Caller.Identity.Subject,
		File: shortName(st.Name), Rows: res.Rows, Created: res.Created, Corrected: res.Corrected, Unchanged: res.Unchanged})
	if err != nil {
		return err
	}
	return seeOther(w, r, base(n)+"/imports/result?"+url.Values{"done": {done}}.Encode())
}

// importDone is what a confirmed import did, sealed into the result page's
// link by the session codec: only this service can write one, for the
// person who imported and the programme imported into, so a crafted link
// cannot show anyone counts of an import that never happened.
type importDone struct {
	Programme string `json:"p"`
	Subject   string `json:"s"`
	File      string `json:"f"`
	Rows      int    `json:"r"`
	Created   int    `json:"c"`
	Corrected int    `json:"x"`
	Unchanged int    `json:"u"`
}

// importDoneName authenticates a sealed importDone as one (a session
// cookie's text cannot pass for it).
const importDoneName = "fundtrack_import_done"

// shortName bounds a file's name kept in a link.
func shortName(s string) string {
	if r := []rune(s); len(r) > 120 {
		return string(r[:117]) + "…"
	}
	return s
}

// importResult shows what an import did (from the confirmation's
// redirect, so reloading it imports nothing), to the person who imported
// only; any other link to it is not found.
func (a *app) importResult(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "returns")
	if err != nil {
		return err
	}
	if err := mayImport(n); err != nil {
		return err
	}
	var done importDone
	if a.Sessions.Open(importDoneName, r.URL.Query().Get("done"), &done) != nil ||
		done.Programme != n.Programme.ID || done.Subject != q.Caller.Identity.Subject {
		return domain.NotFound("import result")
	}
	res := domain.ImportResult{Rows: done.Rows, Created: done.Created, Corrected: done.Corrected, Unchanged: done.Unchanged}
	a.render(w, r, http.StatusOK, "import_result", &view{Title: "Import complete", Nav: n,
		Data: map[string]any{"Base": base(n), "Result": res, "FileName": done.File}})
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
