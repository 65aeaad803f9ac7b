package web_test

// The import pages: a project lead uploads a year of quarterly figures as
// an Excel workbook, sees the one bad cell named beside its row, fixes it,
// previews the counts, confirms, and sends the same file again to find
// nothing to import. Refusals show as pages, never as a 500.

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// submissions counts a project's submissions, read as the lead.
func submissions(t *testing.T, h *webH, pid, project string) int {
	t.Helper()
	items, _, err := h.Svc.OpenProject(t.Context(), caller(uLead), pid, project).ListOutcomes(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// upload posts a multipart form with one file and the browser's CSRF token.
func (b *browser) upload(path, name string, data []byte, csrf string) page {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.h.URL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p := page{Status: resp.StatusCode, Header: resp.Header, Body: string(raw)}
	if m := csrfInput.FindStringSubmatch(p.Body); m != nil {
		b.csrf = m[1]
	}
	return p
}

// yearWorkbook is four quarters of figures for project, in Excel with
// real dates; bad, when set, is typed into the people-into-work cell of
// row 3.
func yearWorkbook(t *testing.T, project, bad string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"Project", "Period start", "Period end", "Referrals", "People into work"} {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(c, h)
	}
	for q := range 4 {
		start := time.Date(2011, time.Month(7+3*q), 1, 0, 0, 0, 0, time.UTC)
		if q == 3 {
			// April to June 2012 is after the programme ends (refused): the
			// programme's first quarter instead, which has no figures yet.
			start = time.Date(2010, time.October, 1, 0, 0, 0, 0, time.UTC)
		}
		set(fmt.Sprintf("A%d", q+2), project)
		set(fmt.Sprintf("B%d", q+2), start)
		set(fmt.Sprintf("C%d", q+2), start.AddDate(0, 3, -1))
		set(fmt.Sprintf("D%d", q+2), 30+q)
		set(fmt.Sprintf("E%d", q+2), 5+q)
	}
	if bad != "" {
		set("E3", bad)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var stagedInput = regexp.MustCompile(`name="staged" value="([^"]+)"`)

func TestImportPagesAsAProjectLead(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	b := h.as(t, uPL)
	base := "/app/programmes/" + f.PID

	// The returns page leads to the upload page.
	if p := b.get(base + "/returns"); !strings.Contains(p.Body, base+"/imports") {
		t.Fatalf("no link to imports on the returns page")
	}
	p := b.get(base + "/imports")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `enctype="multipart/form-data"`) {
		t.Fatalf("upload page: %d", p.Status)
	}
	// The templates name the project lead's own project only.
	tpl := b.get(base + "/imports/template.csv")
	if tpl.Status != http.StatusOK || !strings.Contains(tpl.Body, "Bradford employment service") || strings.Contains(tpl.Body, "Leeds internships") {
		t.Errorf("CSV template: %d\n%s", tpl.Status, tpl.Body)
	}
	if x := b.get(base + "/imports/template.xlsx"); x.Status != http.StatusOK || x.Header.Get("Content-Type") != domain.MediaXLSX {
		t.Errorf("workbook template: %d %s", x.Status, x.Header.Get("Content-Type"))
	}

	// One bad cell: named in the error summary, beside its row.
	p = b.upload(base+"/imports", "figures.xlsx", yearWorkbook(t, "Bradford employment service", "six"), b.csrf)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "nhsuk-error-summary") ||
		!strings.Contains(p.Body, `href="#row-3"`) || !strings.Contains(p.Body, "Row 3, column E (People into work): Must be a whole number of people") ||
		!strings.Contains(p.Body, `id="row-3"`) || !strings.Contains(p.Body, "People into work: six") || !strings.Contains(p.Body, "Period start: 01/10/2011") {
		t.Fatalf("a bad cell: %d\n%s", p.Status, p.Body)
	}
	if got := strings.Count(p.Body, `<tr class="nhsuk-table__row" id="row-`); got != 1 {
		t.Errorf("%d bad rows shown, want 1", got)
	}
	// Its title says so first, as a form's with errors does; the upload
	// page's own does not.
	if !strings.Contains(p.Body, "<title>Error: Import figures from a spreadsheet – Bradford IPS – fundtrack</title>") ||
		strings.Contains(b.get(base+"/imports").Body, "<title>Error:") {
		t.Errorf("the titles of the refused upload and the upload page are not as they should be")
	}

	// Fixed: the preview counts four new submissions; nothing is saved yet.
	good := yearWorkbook(t, "Bradford employment service", "")
	p = b.upload(base+"/imports", "figures.xlsx", good, b.csrf)
	m := stagedInput.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil || !strings.Contains(p.Body, `data-testid="count-created">4<`) {
		t.Fatalf("preview: %d\n%s", p.Status, p.Body)
	}
	before := submissions(t, h, f.PID, f.ProjectA)
	if before != 2 {
		t.Fatalf("%d submissions before confirming, want the fixture's 2", before)
	}
	// Confirmed: imported, shown on the result page.
	p = b.post(base+"/imports/confirm", url.Values{"staged": {m[1]}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", p.Status, p.Body)
	}
	p = b.get(p.Header.Get("Location"))
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="count-created">4<`) || !strings.Contains(p.Body, "figures.xlsx") {
		t.Fatalf("result: %d\n%s", p.Status, p.Body)
	}
	if n := submissions(t, h, f.PID, f.ProjectA); n != 6 {
		t.Errorf("%d submissions after the import, want 6", n)
	}

	// The same file again: nothing to import.
	p = b.upload(base+"/imports", "figures.xlsx", good, b.csrf)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="count-unchanged">4<`) || !strings.Contains(p.Body, "nothing to import") ||
		stagedInput.MatchString(p.Body) {
		t.Errorf("the same file again: %d\n%s", p.Status, p.Body)
	}
	// Confirming the same preview again imports nothing: it shows the
	// result of the import it confirmed.
	p = b.post(base+"/imports/confirm", url.Values{"staged": {m[1]}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("confirm again: %d\n%s", p.Status, p.Body)
	}
	if p = b.get(p.Header.Get("Location")); p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="count-created">4<`) ||
		!strings.Contains(p.Body, `data-testid="count-unchanged">0<`) {
		t.Errorf("confirm again: %d\n%s", p.Status, p.Body)
	}
	if n := submissions(t, h, f.PID, f.ProjectA); n != 6 {
		t.Errorf("%d submissions after confirming again, want 6", n)
	}

	// A correction with a figure left blank: the preview says, row by
	// row, whose figures it replaces (who sent them, and when), and that
	// the blank cell makes the figure sent 0.
	p = b.upload(base+"/imports", "topup.csv", []byte("Project,Period start,Period end,Referrals,People into work\r\n"+
		"Bradford employment service,2011-07-01,2011-09-30,,5\r\n"), b.csrf)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="count-corrected">1<`) ||
		!strings.Contains(p.Body, `data-testid="correction-2">Row 2 (Bradford employment service, July to September 2011) corrects the figures sent by `+uPL+` on `) ||
		!strings.Contains(p.Body, "Referrals 30 → 0 <strong>(blank cell)</strong>") || strings.Contains(p.Body, "People into work 5 →") {
		t.Errorf("a correction's preview: %d\n%s", p.Status, excerpt(p.Body))
	}
}

func TestImportPagesRefuse(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID

	b := h.as(t, uPL)
	b.get(base + "/imports")
	// Another project's rows: 403, each named.
	p := b.upload(base+"/imports", "figures.xlsx", yearWorkbook(t, "Leeds internships", ""), b.csrf)
	if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Row 2, column A (Project): Your role allows you to record figures for your own project only") {
		t.Errorf("another project's rows: %d\n%s", p.Status, p.Body)
	}
	// Personal data is named, never shown back.
	csv := "Project,Period start,Period end,Referrals,Notes\r\nBradford employment service,01/07/2011,30/09/2011,4,Ring Jo on 07700 900123\r\n"
	p = b.upload(base+"/imports", "figures.csv", []byte(csv), b.csrf)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "phone number") || strings.Contains(p.Body, "07700") ||
		!strings.Contains(p.Body, "(hidden: personal data)") {
		t.Errorf("personal data: %d\n%s", p.Status, p.Body)
	}
	// No file; not a workbook; no CSRF token.
	// No file: said in the summary, which comes first, and beside the
	// file box, which the summary links to and which is described by it.
	if p = b.upload(base+"/imports", "", nil, b.csrf); p.Status != http.StatusBadRequest {
		t.Errorf("no file: %d", p.Status)
	} else {
		for _, want := range []string{`<a href="#file">File: Select a CSV file or Excel workbook</a>`,
			`<div class="nhsuk-form-group nhsuk-form-group--error">`,
			`id="file-error" data-testid="error-file"><span class="nhsuk-u-visually-hidden">Error: </span>Select a CSV file or Excel workbook</span>`,
			`aria-describedby="file-hint file-error"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("no file: the page lacks %q\n%s", want, excerpt(p.Body))
			}
		}
		if s, h := strings.Index(p.Body, `data-testid="error-summary"`), strings.Index(p.Body, "<h1"); s < 0 || s > h {
			t.Errorf("no file: the error summary does not come before the heading\n%s", excerpt(p.Body))
		}
	}
	// A file chosen but empty is said to be empty (audit walk3 N1).
	if p = b.upload(base+"/imports", "e.csv", nil, b.csrf); p.Status != http.StatusBadRequest ||
		!strings.Contains(p.Body, "The file e.csv is empty: nothing was imported.") || strings.Contains(p.Body, "No file was uploaded") ||
		!strings.Contains(p.Body, `<a href="#file">File: The file e.csv is empty: choose the file with your figures</a>`) {
		t.Errorf("an empty file: %d\n%s", p.Status, excerpt(p.Body))
	}
	// A file over 4 MiB: the upload page again, its form and the
	// programme in the title, not the error page (audit walk3 N2).
	big := bytes.Repeat([]byte("Bradford employment service,01/07/2011,30/09/2011,4,\r\n"), (domain.MaxImportBytes+200<<10)/52)
	if p = b.upload(base+"/imports", "big.csv", big, b.csrf); p.Status != http.StatusRequestEntityTooLarge ||
		!strings.Contains(p.Body, "<title>Error: Import figures from a spreadsheet") || !strings.Contains(p.Body, `enctype="multipart/form-data"`) ||
		!strings.Contains(p.Body, "The file is larger than 4 MiB: nothing was imported.") || !strings.Contains(p.Body, "Nothing from your file was imported.") {
		t.Errorf("a file over 4 MiB: %d\n%s", p.Status, excerpt(p.Body))
	}
	if p = b.upload(base+"/imports", "figures.xlsx", []byte("not a workbook"), b.csrf); p.Status != http.StatusUnsupportedMediaType {
		t.Errorf("not a workbook: %d\n%s", p.Status, p.Body)
	}
	if p = b.upload(base+"/imports", "figures.csv", []byte(csv), "forged"); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "could not be sent") {
		t.Errorf("no CSRF token: %d", p.Status)
	}
	// Another person's staged file, or none: not found.
	p = b.upload(base+"/imports", "figures.xlsx", yearWorkbook(t, "Bradford employment service", ""), b.csrf)
	staged := stagedInput.FindStringSubmatch(p.Body)[1]
	lead := h.as(t, uLead)
	lead.get(base + "/imports")
	if p = lead.post(base+"/imports/confirm", url.Values{"staged": {staged}}); p.Status != http.StatusNotFound {
		t.Errorf("someone else's file: %d", p.Status)
	}
	// Funders read only; outsiders see nothing.
	if p = h.as(t, uFunder).get(base + "/imports"); p.Status != http.StatusForbidden {
		t.Errorf("funder: %d", p.Status)
	}
	if p = h.as(t, uOutsider).get(base + "/imports"); p.Status != http.StatusNotFound {
		t.Errorf("outsider: %d", p.Status)
	}
}

// TestImportUnreadableFile: a file that is no spreadsheet fundtrack reads
// (an old .xls, a damaged workbook, anything else) comes back to the
// upload page with the reader's reason and what to save it as, as a CSV
// file that is not UTF-8 does, not a page saying to send it again.
func TestImportUnreadableFile(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")
	ole := []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old workbook")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"figures.xls", ole, "The file is an old Excel workbook (.xls) or a password-protected one: save it as an Excel Workbook (.xlsx) without a password, or as CSV UTF-8."},
		{"bad.xlsx", []byte("PK\x03\x04garbage"), "The file is not an Excel workbook (.xlsx): save it as an Excel Workbook (.xlsx) or as CSV UTF-8."},
		{"figures.xlsx", []byte("not a workbook"), "The file is not an Excel workbook (.xlsx): save it as an Excel Workbook (.xlsx) or as CSV UTF-8."},
		{"figures.ods", []byte("not a workbook either"), "The file is not an Excel workbook (.xlsx): save it as an Excel Workbook (.xlsx) or as CSV UTF-8."},
		{"figures.csv", []byte("PK\x03\x04\x14\x00 a workbook named .csv"), "Looks like an Excel workbook (.xlsx), not a CSV file: send it as an Excel workbook (a file named .xlsx"},
		{"utf16.csv", []byte("\xff\xfeP\x00r\x00o"), "Starts as UTF-16 (Unicode) text but is not: in Excel, save it again as &#34;CSV UTF-8 (comma delimited)&#34;"},
		{"unmarked.csv", []byte("P\x00r\x00o\x00j\x00\n"), "Looks like UTF-16 (Unicode) text without a byte order mark but is not: in Excel, save it again as &#34;CSV UTF-8"},
		// In our words, not the reader's (audit N1).
		{"cells.xlsx", testkit.HandWorkbook(t, `<row r="1"><c r="A-5" t="inlineStr"><is><t>project</t></is></c></row>`),
			"Row 1 of its first sheet cannot be read: a cell reference in it is not valid; open it in Excel and save it again as an Excel Workbook (.xlsx), or save it as CSV UTF-8"},
	}
	for _, c := range cases {
		p := b.upload(base+"/imports", c.name, c.data, b.csrf)
		if p.Status != http.StatusUnsupportedMediaType && p.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", c.name, p.Status)
		}
		if !strings.Contains(p.Body, `enctype="multipart/form-data"`) || !strings.Contains(p.Body, `data-testid="error-summary"`) ||
			!strings.Contains(p.Body, "File: "+c.want) || !strings.Contains(p.Body, "Nothing from <strong>"+c.name+"</strong> was imported.") {
			t.Errorf("%s: not the upload page with %q:\n%s", c.name, c.want, p.Body)
		}
		if strings.Contains(p.Body, "coordinates") || strings.Contains(p.Body, "send it again from the form") || strings.Contains(p.Body, "Fix the cells below") ||
			!strings.Contains(p.Body, `<a href="#file">File: `) || strings.Contains(p.Body, `data-testid="bad-rows"`) {
			t.Errorf("%s: the page gives advice that cannot help:\n%s", c.name, p.Body)
		}
	}
	if p := b.upload(base+"/imports", "figures.xls", ole, b.csrf); p.Status != http.StatusUnsupportedMediaType {
		t.Errorf("an old workbook: %d, want 415", p.Status)
	}
	if n := submissions(t, h, f.PID, f.ProjectA); n != 2 {
		t.Errorf("%d submissions, want the fixture's 2", n)
	}
}

// TestImportConfirmExpired: confirming a preview no longer kept (an hour
// gone, or an id never kept) is the upload page saying so and to upload
// the file again, not "page not found … check the web address".
func TestImportConfirmExpired(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")
	p := b.post(base+"/imports/confirm", url.Values{"staged": {domain.NewID()}})
	if p.Status != http.StatusNotFound || !strings.Contains(p.Body, `enctype="multipart/form-data"`) ||
		!strings.Contains(p.Body, "The file you checked is no longer kept: nothing was imported.") ||
		!strings.Contains(p.Body, "A preview is kept for an hour: upload the file again, check it and import it") ||
		strings.Contains(p.Body, "typed the web address") {
		t.Errorf("an expired preview: %d\n%s", p.Status, p.Body)
	}
	// Funders still may not; outsiders still see nothing.
	fu := h.as(t, uFunder)
	fu.get(base)
	if p = fu.post(base+"/imports/confirm", url.Values{"staged": {domain.NewID()}}); p.Status != http.StatusForbidden {
		t.Errorf("a funder confirming: %d", p.Status)
	}
	out := h.as(t, uOutsider)
	out.get("/app/")
	if p = out.post(base+"/imports/confirm", url.Values{"staged": {domain.NewID()}}); p.Status != http.StatusNotFound ||
		strings.Contains(p.Body, "Bradford IPS") {
		t.Errorf("an outsider confirming: %d", p.Status)
	}
}

// TestImportResultOnlyFromAnImport: the result page shows the counts of
// an import the person made, from the confirmation's link only; a link
// typed with counts, tampered with, or opened by someone else shows none,
// and a funder, who may not import, is refused.
func TestImportResultOnlyFromAnImport(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	lead := h.as(t, uLead)
	lead.get(base + "/imports")
	p := lead.upload(base+"/imports", "figures.xlsx", yearWorkbook(t, "Bradford employment service", ""), lead.csrf)
	m := stagedInput.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("preview: %d\n%s", p.Status, p.Body)
	}
	p = lead.post(base+"/imports/confirm", url.Values{"staged": {m[1]}})
	result := p.Header.Get("Location")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(result, base+"/imports/result?") {
		t.Fatalf("confirm: %d %s", p.Status, result)
	}
	if p = lead.get(result); p.Status != http.StatusOK || !strings.Contains(p.Body, "figures.xlsx: 4 rows imported") {
		t.Fatalf("the importer's result: %d\n%s", p.Status, p.Body)
	}

	crafted := base + "/imports/result?rows=500&created=500&file=Q4%20figures.xlsx"
	tampered := strings.Replace(result, "done=", "done=A", 1)
	for who, links := range map[string][]string{uLead: {crafted, tampered}, uPL: {result, crafted}} {
		b := h.as(t, who)
		for _, link := range links {
			if p := b.get(link); p.Status != http.StatusNotFound || strings.Contains(p.Body, "rows imported") {
				t.Errorf("%s opening %s: %d\n%s", who, link, p.Status, p.Body)
			}
		}
	}
	fu := h.as(t, uFunder)
	for _, link := range []string{result, crafted} {
		if p := fu.get(link); p.Status != http.StatusForbidden || strings.Contains(p.Body, "rows imported") {
			t.Errorf("a funder opening %s: %d\n%s", link, p.Status, p.Body)
		}
	}
}

// TestImportHidesPersonalData: the refused rows are shown as the file
// holds them, except personal data: a heading holding a name and phone
// number (its problem named by its column letter), a cell with no
// heading, a date cell holding an NHS number are all hidden, never
// printed back.
func TestImportHidesPersonalData(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")

	csv := "Project,Period start,Period end,People into work,John Smith 07700900123\nBradford employment service,2011-10-01,2011-12-31,3,3\n"
	p := b.upload(base+"/imports", "hdr.csv", []byte(csv), b.csrf)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Row 1, column E: Appears to contain a phone number") ||
		!strings.Contains(p.Body, `id="row-1"`) || !strings.Contains(p.Body, "(hidden: personal data)") {
		t.Errorf("personal data in the header: %d\n%s", p.Status, p.Body)
	}
	for _, echo := range []string{"07700900123", "John Smith"} {
		if strings.Contains(p.Body, echo) {
			t.Errorf("personal data in the header is printed back (%q):\n%s", echo, p.Body)
		}
	}

	csv = "Project,Period start,Period end,Referrals,\nBradford employment service,2011-10-01,2011-12-31,3,Jane Doe 07700 900123\n" +
		"Bradford employment service,943 476 5919,2012-03-31,3,\n"
	p = b.upload(base+"/imports", "cells.csv", []byte(csv), b.csrf)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `id="row-2"`) || !strings.Contains(p.Body, `id="row-3"`) {
		t.Fatalf("personal data in cells: %d\n%s", p.Status, p.Body)
	}
	for _, echo := range []string{"07700 900123", "Jane Doe", "943 476 5919"} {
		if strings.Contains(p.Body, echo) {
			t.Errorf("personal data in a cell is printed back (%q):\n%s", echo, p.Body)
		}
	}
}

// TestImportNumberInDateCell: a number typed into a date cell of a
// workbook shows as that number beside its problem, not as the date it
// would be as a serial (2024 is not 16/07/1905); a real date cell still
// shows as its date.
func TestImportNumberInDateCell(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")
	x := excelize.NewFile()
	defer x.Close()
	for cell, v := range map[string]any{"A1": "Project", "B1": "Period start", "C1": "Period end", "D1": "People into work",
		"A2": "Bradford employment service", "B2": 2024, "C2": time.Date(2011, 12, 31, 0, 0, 0, 0, time.UTC), "D2": 3} {
		if err := x.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	p := b.upload(base+"/imports", "year.xlsx", buf.Bytes(), b.csrf)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Row 2, column B (Period start): Is a number, not a date") ||
		!strings.Contains(p.Body, "Period start: 2024 ") || !strings.Contains(p.Body, "Period end: 31/12/2011") ||
		strings.Contains(p.Body, "1905") {
		t.Errorf("a number in a date cell: %d\n%s", p.Status, p.Body)
	}
}

// TestImportPreviewNamesEveryBadRowWithDatesAsPagesWriteThem: a file
// with a bad cell in one row and a period before the programme in another
// names both on one page, the rule's date written as the forms write it,
// "(1 October 2010)", not "(2010-10-01)"; a format example keeps its ISO
// date, and a cell quoted back is shown as typed.
func TestImportPreviewNamesEveryBadRowWithDatesAsPagesWriteThem(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")
	csv := "Project,Period start,Period end,Cohort,Referrals\r\n" +
		"Bradford employment service,01/10/2010,31/12/2010,,abc\r\n" +
		"Bradford employment service,01/01/2009,31/03/2009,,4\r\n" +
		"Bradford employment service,01/01/2011,31/02/2011,,4\r\n" +
		"Bradford employment service,01/04/2011,30/06/2011,(2011-04-01),4\r\n"
	p := b.upload(base+"/imports", "figures.csv", []byte(csv), b.csrf)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Row 2, column E (Referrals):") ||
		!strings.Contains(p.Body, "Row 3, column C (Period end): Must not be before the programme starts (1 October 2010)") ||
		strings.Contains(p.Body, "(2010-10-01)") ||
		!strings.Contains(p.Body, "Row 4, column C (Period end): Must be a date such as 2025-04-01 or 01/04/2025") ||
		!strings.Contains(p.Body, "No cohort named &#34;(2011-04-01)&#34;") {
		t.Errorf("bad cells and a period: %d\n%s", p.Status, p.Body)
	}
}

// TestImportPagesOfTheSheetAsKept: a file named with personal data is
// previewed and imported as any other, its name never shown (audit
// finding 5: "Every row of Jane Doe 943 476 5919.csv can be imported");
// the preview lists the columns not imported; a file with more bad cells
// than the page names says how many rows have problems and that only
// the first 100 are named (audit finding 4).
func TestImportPagesOfTheSheetAsKept(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")
	const name = "Jane Doe 943 476 5919.csv"
	noName := func(what string, p page) {
		t.Helper()
		if strings.Contains(p.Body, "5919") || strings.Contains(p.Body, "Jane Doe") || !strings.Contains(p.Body, "your file") {
			t.Errorf("%s: the file's name is shown, or not as \"your file\": %d\n%s", what, p.Status, excerpt(p.Body))
		}
	}

	p := b.upload(base+"/imports", name, []byte("Project,Period start,Period end,People into work\nBradford employment service,2011-10-01,2011-12-31,x\n"), b.csrf)
	if p.Status != http.StatusBadRequest {
		t.Fatalf("a bad file: %d", p.Status)
	}
	noName("refused", p)

	csv := "Project,Period start,Period end,People into work,Total,Comments\nBradford employment service,2011-10-01,2011-12-31,3,3,steady\n"
	p = b.upload(base+"/imports", name, []byte(csv), b.csrf)
	m := stagedInput.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil {
		t.Fatalf("preview: %d\n%s", p.Status, excerpt(p.Body))
	}
	noName("preview", p)
	if !regexp.MustCompile(`These columns were not imported: <strong>Total</strong>, <strong>Comments</strong>`).MatchString(p.Body) {
		t.Errorf("the preview does not list the columns not imported:\n%s", excerpt(p.Body))
	}
	c := b.post(base+"/imports/confirm", url.Values{"staged": {m[1]}})
	if c.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", c.Status)
	}
	r := b.get(c.Header.Get("Location"))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "1 row imported from your file") {
		t.Errorf("result: %d\n%s", r.Status, excerpt(r.Body))
	}
	noName("result", r)

	var bad strings.Builder
	bad.WriteString("Project,Period start,Period end,People into work\n")
	for i := range 300 {
		fmt.Fprintf(&bad, "Bradford employment service,2011-10-01,2011-12-31,x%d\n", i)
	}
	p = b.upload(base+"/imports", "bad.csv", []byte(bad.String()), b.csrf)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "The file has problems in 300 rows; only the first 100 problems found are named: nothing was imported") {
		t.Errorf("300 bad cells: %d\n%s", p.Status, excerpt(p.Body))
	}
}

// TestImportUnicodeTextWithoutMark: a file of Excel's "Unicode Text"
// (UTF-16, tab separated) whose byte order mark a tool left out previews
// its rows as any CSV file does, accents and dashes as typed; one whose
// headings are none fundtrack reads says its header read as one column.
func TestImportUnicodeTextWithoutMark(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")
	utf16 := func(s string) []byte {
		var out []byte
		for _, r := range s {
			out = append(out, byte(r), byte(r>>8))
		}
		return out
	}
	p := b.upload(base+"/imports", "figures.txt.csv", utf16("Project\tPeriod start\tPeriod end\tPeople into work\tNotes\r\n"+
		"Bradford employment service\t01/10/2011\t31/12/2011\t4\tCafé open day – £5\r\n"), b.csrf)
	m := stagedInput.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil || !strings.Contains(p.Body, `data-testid="count-created">1<`) {
		t.Fatalf("preview of UTF-16 without a byte order mark: %d\n%s", p.Status, excerpt(p.Body))
	}
	if c := b.post(base+"/imports/confirm", url.Values{"staged": {m[1]}}); c.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", c.Status, excerpt(c.Body))
	}
	items, _, err := h.Svc.OpenProject(t.Context(), caller(uLead), f.PID, f.ProjectA).ListOutcomes(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(items, func(o domain.Outcome) bool { return o.Notes == "Café open day – £5" }); i < 0 || items[i].Counts[domain.MetricPeopleIntoWork] != 4 {
		t.Errorf("the imported submission's notes are not as typed: %+v", items)
	}
	p = b.upload(base+"/imports", "figures.csv", utf16("Projekt\tBeginn\tEnde\tVermittlungen\r\nBradford employment service\t01/10/2011\t31/12/2011\t4\r\n"), b.csrf)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "the header row reads as one column, its headings separated by tabs") {
		t.Errorf("UTF-16, no heading fundtrack reads: %d\n%s", p.Status, excerpt(p.Body))
	}
}

// TestImportProblemsInTheSheetsOrder: a row's problems are listed as a
// person reads the row, column by column from the left, in the error
// summary and beside the row, not by their names' alphabetical order
// (audit-a11y N4: "People into work, Period end, Referrals" for columns
// running Period end, Referrals, People into work); rows come in the
// sheet's order.
func TestImportProblemsInTheSheetsOrder(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")
	csv := "Project,Period start,Period end,Referrals,People into work\r\n" +
		"Bradford employment service,01/10/2010,31/12/2010,4,2\r\n" +
		"Bradford employment service,01/01/2011,31/02/2011,many,some\r\n" +
		"Bradford employment service,01/04/2011,31/06/2011,x,3\r\n"
	p := b.upload(base+"/imports", "figures.csv", []byte(csv), b.csrf)
	if p.Status != http.StatusBadRequest {
		t.Fatalf("bad cells: %d\n%s", p.Status, excerpt(p.Body))
	}
	order := func(what, body string, want ...string) {
		t.Helper()
		rest := body
		for _, w := range want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%s lacks %q after what comes before it in the sheet, want the order %q\n%s", what, w, want, body)
				return
			}
			rest = rest[i+len(w):]
		}
	}
	summary, table, _ := strings.Cut(p.Body, `data-testid="bad-rows"`)
	order("the error summary", summary, "Row 3, column C (Period end):", "Row 3, column D (Referrals):",
		"Row 3, column E (People into work):", "Row 4, column C (Period end):", "Row 4, column D (Referrals):")
	order("the rows with problems", table, "<strong>Column C (Period end)</strong>:", "<strong>Column D (Referrals)</strong>:",
		"<strong>Column E (People into work)</strong>:", `data-testid="row-4"`, "<strong>Column C (Period end)</strong>:",
		"<strong>Column D (Referrals)</strong>:")
}

// TestImportPreviewShowsNewRows: "Check your import" shows, besides what
// the corrections change, each new submission confirming stores, in a
// table with a caption, row by row in the sheet's order, with its
// project, period, cohort, figures (a blank cell as 0) and notes, and
// says how many there are (audit-a11y N6).
func TestImportPreviewShowsNewRows(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	b := h.as(t, uPL)
	b.get(base + "/imports")
	// The fixture sent January to March 2011 (80 referrals, 20 into work):
	// row 2 corrects it; rows 3 and 4 are new.
	csv := "Project,Period start,Period end,Cohort,Referrals,People into work,Notes\r\n" +
		"Bradford employment service,2011-01-01,2011-03-31,,81,20,\r\n" +
		"Bradford employment service,2011-07-01,2011-09-30,,30,,Two employers joined\r\n" +
		"Bradford employment service,2011-04-01,2011-06-30,Cohort 1,12,4,\r\n"
	p := b.upload(base+"/imports", "figures.csv", []byte(csv), b.csrf)
	if p.Status != http.StatusOK || !stagedInput.MatchString(p.Body) {
		t.Fatalf("preview: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{
		// The correction names its project and period (audit walk3 N4).
		`data-testid="correction-2">Row 2 (Bradford employment service, January to March 2011) corrects`,
		`data-testid="additions-count">2 rows add a new submission. An empty figure cell counts as 0.</p>`,
		`<caption class="nhsuk-table__caption" id="additions-caption">New submissions</caption>`,
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the preview lacks %q\n%s", want, excerpt(p.Body))
		}
	}
	_, table, _ := strings.Cut(p.Body, `data-testid="additions"`)
	table, _, _ = strings.Cut(table, "</table>")
	// An empty cohort or notes cell shows as a dash (its words for screen
	// readers: "none"), not the word "None" (audit walk3 N4).
	cells := regexp.MustCompile(`(?s)<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>`)
	hidden := regexp.MustCompile(`<span class="nhsuk-u-visually-hidden">[^<]*</span>|<[^>]*>`)
	var got []string
	for _, m := range cells.FindAllStringSubmatch(table, -1) {
		got = append(got, hidden.ReplaceAllString(m[1], ""))
	}
	want := []string{"Row", "Project", "Period", "Cohort", "Referrals", "People into work", "Notes",
		"3", "Bradford employment service", "July to September 2011", "—", "30", "0", "Two employers joined",
		"4", "Bradford employment service", "April to June 2011", "Cohort 1", "12", "4", "—"}
	if strings.Contains(table, "None") {
		t.Errorf("the new submissions' table says None\n%s", table)
	}
	if !slices.Equal(got, want) {
		t.Errorf("the new submissions' table reads\n%q\nwant\n%q", got, want)
	}
	if strings.Contains(table, `data-testid="addition-2"`) {
		t.Errorf("the correction is listed as a new submission")
	}
}
