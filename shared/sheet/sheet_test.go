package sheet_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet"
)

func TestReadCSV(t *testing.T) {
	data := "\ufeffProject,Period start,Notes\r\n\r\nBradford IPS,2025-04-01,\"two\r\nlines, one cell\"\r\n,,\r\nLeeds,01/07/2025\r\n"
	sh, err := sheet.ReadCSV([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, r := range sh.Rows {
		nums = append(nums, r.Number)
	}
	// Blank rows are left out and keep their numbers; a quoted cell with a
	// line break is one row, as a spreadsheet shows it.
	if len(sh.Rows) != 3 || nums[0] != 1 || nums[1] != 3 || nums[2] != 5 {
		t.Fatalf("rows %v: %+v", nums, sh.Rows)
	}
	if got := sh.Rows[0].Cells[0].Text; got != "Project" {
		t.Errorf("the byte order mark is kept: %q", got)
	}
	if got := sh.Rows[1].Cells[2].Text; got != "two\r\nlines, one cell" && got != "two\nlines, one cell" {
		t.Errorf("quoted cell %q", got)
	}
	if len(sh.Rows[2].Cells) != 2 || sh.Rows[2].Cells[0].Numeric {
		t.Errorf("a ragged row: %+v", sh.Rows[2])
	}
}

func TestReadCSVRefuses(t *testing.T) {
	for name, c := range map[string]struct{ data, want string }{
		"UTF-8 mark, not UTF-8":  {"\xef\xbb\xbfProject,Notes\nBradford,caf\xe9\n", "CSV UTF-8"},
		"UTF-16 mark, odd bytes": {"\xff\xfeP\x00r", "UTF-16"},
		"UTF-16, lone surrogate": {"\xff\xfeP\x00\x00\xd8", "UTF-16"},
		"a workbook":             {"PK\x03\x04\x14\x00\x06\x00", "looks like an Excel workbook (.xlsx), not a CSV file: send it as an Excel workbook"},
		// Told what they are, not "control characters" or to send them
		// as a workbook, which the workbook reader refuses in turn.
		"an old workbook": {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "looks like an old Excel workbook (.xls)"},
		"an OpenDocument file": {"PK\x03\x04\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x2e\x00\x00\x00\x2e\x00\x00\x00\x08\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
			"looks like an OpenDocument spreadsheet (.ods)"},
		"too wide": {strings.Repeat("a,", sheet.MaxColumns+1) + "\n", "more than 200 columns: fundtrack reads a dozen; delete the columns to the right of the figures"},
		// UTF-8 with a Windows-1252 line pasted in: read either way, some
		// of it would be garbled (audit verify32, finding 1).
		"UTF-8 but one row": {"Project,Notes\r\nBeta,Caf\xc3\xa9 \xe2\x80\x93 ok\r\nBeta,bad \x92 byte\r\n",
			"is UTF-8 text but for row 3, which has characters in another encoding"},
		"UTF-8 but one row, CR": {"Project,Notes\rBeta,bad \x92 byte\rBeta,Caf\xc3\xa9\r", "but for row 2,"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sheet.ReadCSV([]byte(c.data))
			var e *domain.Error
			if err == nil || domain.ErrorCode(err) != domain.CodeValidation {
				t.Fatalf("%v, want validation_failed", err)
			}
			e = err.(*domain.Error)
			if !strings.Contains(e.Fields["file"], c.want) {
				t.Errorf("file: %q, want it to say %q", e.Fields["file"], c.want)
			}
		})
	}
}

// A CSV file in the encodings Excel writes reads as the same text:
// "CSV UTF-8" (with its byte order mark), "Unicode Text" (UTF-16 with a
// byte order mark, either byte order) and UK Excel's "CSV (Comma
// delimited)", Windows-1252, whose curly quotes, dashes, € and £ are not
// UTF-8 (audit import32, finding 9).
func TestReadCSVEncodings(t *testing.T) {
	const text = "Project,Notes\r\nCafé Works,Employer’s open day – £200 travel; €5 “lunch”\r\n"
	utf16 := func(big bool) string { return utf16Of(t, text, big, true) }
	for name, data := range map[string]string{
		"UTF-8":        text,
		"UTF-8 BOM":    "\ufeff" + text,
		"UTF-16 LE":    utf16(false),
		"UTF-16 BE":    utf16(true),
		"Windows-1252": "Project,Notes\r\nCaf\xe9 Works,Employer\x92s open day \x96 \xa3200 travel; \x805 \x93lunch\x94\r\n",
		// Without the byte order mark, as some tools write "Unicode
		// Text" or strip the mark: read by its NUL bytes.
		"UTF-16 LE, no mark": utf16Of(t, text, false, false),
		"UTF-16 BE, no mark": utf16Of(t, text, true, false),
	} {
		t.Run(name, func(t *testing.T) {
			sh, err := sheet.ReadCSV([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if len(sh.Rows) != 2 || sh.Rows[0].Cells[0].Text != "Project" || sh.Rows[1].Cells[0].Text != "Café Works" ||
				sh.Rows[1].Cells[1].Text != "Employer’s open day – £200 travel; €5 “lunch”" {
				t.Errorf("read %+v", sh.Rows)
			}
		})
	}
	// Excel's "Unicode Text" separates by tabs.
	sh, err := sheet.ReadCSV([]byte("\xff\xfeP\x00r\x00o\x00j\x00e\x00c\x00t\x00\t\x00R\x00e\x00f\x00e\x00r\x00r\x00a\x00l\x00s\x00"))
	if err != nil || len(sh.Rows) != 1 || len(sh.Rows[0].Cells) != 2 || sh.Rows[0].Cells[1].Text != "Referrals" {
		t.Errorf("tab-separated UTF-16: %v %+v", err, sh.Rows)
	}
}

// utf16Of is text in UTF-16 (no surrogates), big- or little-endian, with
// its byte order mark or without.
func utf16Of(t *testing.T, text string, big, mark bool) string {
	t.Helper()
	var b []byte
	if mark {
		b = utf16Unit(b, 0xFEFF, big)
	}
	for _, r := range text {
		if r > 0xFFFF {
			t.Fatal("no surrogates in the text")
		}
		b = utf16Unit(b, r, big)
	}
	return string(b)
}

func utf16Unit(b []byte, r rune, big bool) []byte {
	if big {
		return append(b, byte(r>>8), byte(r))
	}
	return append(b, byte(r), byte(r>>8))
}

// TestReadCSVUnicodeTextWithoutMark: Excel's "Unicode Text" (UTF-16,
// tab separated) read without its byte order mark, either byte order, is
// read as the text it is, by its headings' separator. Text with a stray
// NUL or two is not taken for UTF-16 (it is read as it is, its control
// characters for the import to refuse), and a file that looks like UTF-16
// but cannot be is refused saying so.
func TestReadCSVUnicodeTextWithoutMark(t *testing.T) {
	const text = "Project\tPeriod start\tPeriod end\tPeople into work\tNotes\r\nBradford IPS\t01/04/2025\t30/06/2025\t3\tCafé £5, “ok”\r\n"
	for _, big := range []bool{false, true} {
		sh, err := sheet.ReadCSV([]byte(utf16Of(t, text, big, false)))
		if err != nil {
			t.Fatalf("big-endian %v: %v", big, err)
		}
		want := [][]string{{"Project", "Period start", "Period end", "People into work", "Notes"},
			{"Bradford IPS", "01/04/2025", "30/06/2025", "3", "Café £5, “ok”"}}
		if got := cellTexts(sh); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("big-endian %v: read %q, want %q", big, got, want)
		}
	}

	for name, c := range map[string]struct{ data, first string }{
		"a NUL in text":         {"Project,Notes\nBradford,a\x00b\n", "Project"},
		"NULs, not every other": {"Project,Notes\n\x00\x00\x00\x00,x\n", "Project"},
		"one character":         {"P\x00", "P\x00"},
	} {
		sh, err := sheet.ReadCSV([]byte(c.data))
		if err != nil || len(sh.Rows) == 0 || sh.Rows[0].Cells[0].Text != c.first {
			t.Errorf("%s: read as other than it is: %v %+v", name, err, sh.Rows)
		}
	}

	_, err := sheet.ReadCSV([]byte(utf16Of(t, text, false, false) + "\n"))
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation ||
		!strings.Contains(de.Fields["file"], "looks like UTF-16 (Unicode) text without a byte order mark but is not") {
		t.Errorf("UTF-16 with an odd byte: %v", err)
	}
}

func TestReadCSVStopsPastTheRowLimit(t *testing.T) {
	var b strings.Builder
	for range domain.MaxSheetRows + 50 {
		b.WriteString("a,b\n")
	}
	sh, err := sheet.ReadCSV([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != domain.MaxSheetRows+1 {
		t.Errorf("%d rows read, want the titles, the header, the limit and one more", len(sh.Rows))
	}
}

// A quote as people type it reads as Excel and LibreOffice show it: inside
// a cell that does not start with one it is text (5" screen); a quote that
// ends a quoted part early keeps the rest as typed (so "a "big" one" is the
// cell a big" one", as Excel shows it). Only a quoted cell never closed,
// which would swallow the rest of the file, is refused, naming the row and
// column where it starts.
func TestReadCSVQuotesAsSpreadsheetsDo(t *testing.T) {
	sh, err := sheet.ReadCSV([]byte("Project,Notes\nBradford,the 5\" screen\nLeeds,\"a \"big\" one\"\n\"Hull\",\"x\"\"y\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range sh.Rows[1:] {
		got = append(got, r.Cells[1].Text)
	}
	if want := []string{`the 5" screen`, `a big" one"`, `x"y`}; !slices.Equal(got, want) {
		t.Errorf("notes %q, want %q", got, want)
	}
	for name, c := range map[string]struct{ data, field string }{
		"unclosed":             {"Project,Notes\nBradford,\"unclosed\n", "rows[2].B"},
		"unclosed, rows later": {"Project,Notes\r\n\r\nBradford,\"two\r\nlines\"\r\n\"Leeds,ok\r\nHull,ok\r\n", "rows[4].A"},
		"a doubled quote last": {"Project\n\"Brad\"\"\n", "rows[2].A"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sheet.ReadCSV([]byte(c.data))
			var e *domain.Error
			if !errors.As(err, &e) || e.Code != domain.CodeValidation || len(e.Fields) != 1 || !strings.Contains(e.Fields[c.field], "never closed") {
				t.Fatalf("%v, want validation_failed naming %s", err, c.field)
			}
		})
	}
}

// A file Excel saved with semicolons (where a comma is the decimal mark)
// or as tab-delimited text reads by its header's separator: the one under
// which the header reads the most headings fundtrack reads, a comma on a
// tie. A comma in a heading does not make the file comma separated (audit
// L4).
func TestReadCSVSeparator(t *testing.T) {
	for name, c := range map[string]struct {
		data string
		want [][]string
	}{
		"semicolons": {"project;periodStart;periodEnd;peopleIntoWork\r\nAlpha IPS;2025-06-01;2025-06-30;1,5\r\n",
			[][]string{{"project", "periodStart", "periodEnd", "peopleIntoWork"}, {"Alpha IPS", "2025-06-01", "2025-06-30", "1,5"}}},
		"tabs, after a blank line, one heading misspelt": {"\nProject\tPeriod start\tPeple into work\nAlpha IPS\t01/06/2025\t2;3\n",
			[][]string{{"Project", "Period start", "Peple into work"}, {"Alpha IPS", "01/06/2025", "2;3"}}},
		"quoted headings": {"\"project\";\"notes\"\n\"a;b\";c\n", [][]string{{"project", "notes"}, {"a;b", "c"}}},
		"commas":          {"project,notes;x\na;b,c\n", [][]string{{"project", "notes;x"}, {"a;b", "c"}}},
		// One heading read is more than none: before L4 this stayed one column.
		"one heading": {"project;hello\na;b\n", [][]string{{"project", "hello"}, {"a", "b"}}},
		"no heading":  {"hello;world\na;b\n", [][]string{{"hello;world"}, {"a;b"}}},
		"semicolons, a comma in a heading": {"project;periodStart;periodEnd;peopleIntoWork;Site, area\nProj One;2024-04-01;2024-04-30;5;Leeds\n",
			[][]string{{"project", "periodStart", "periodEnd", "peopleIntoWork", "Site, area"}, {"Proj One", "2024-04-01", "2024-04-30", "5", "Leeds"}}},
		"semicolons, a quoted heading with a comma": {"\"Site, area\";project;notes\nLeeds;P;x, y\n",
			[][]string{{"Site, area", "project", "notes"}, {"Leeds", "P", "x, y"}}},
		"tabs, a comma in a heading": {"project\tSite, area\tnotes\r\nP\tLeeds\t1,5\r\n",
			[][]string{{"project", "Site, area", "notes"}, {"P", "Leeds", "1,5"}}},
		"commas, a tie": {"project,notes;referrals\nP,a;b\n", [][]string{{"project", "notes;referrals"}, {"P", "a;b"}}},
	} {
		t.Run(name, func(t *testing.T) {
			sh, err := sheet.ReadCSV([]byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if got := cellTexts(sh); !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Errorf("read %q, want %q", got, c.want)
			}
		})
	}
}

// cellTexts is each row's cells' text.
func cellTexts(sh domain.Sheet) [][]string {
	var got [][]string
	for _, r := range sh.Rows {
		var cells []string
		for _, c := range r.Cells {
			cells = append(cells, c.Text)
		}
		got = append(got, cells)
	}
	return got
}

// csvTexts is each row's number and cells, as "n: a|b|c".
func csvTexts(sh domain.Sheet) []string {
	var got []string
	for i, cells := range cellTexts(sh) {
		got = append(got, strconv.Itoa(sh.Rows[i].Number)+": "+strings.Join(cells, "|"))
	}
	return got
}

// A cell that starts with a quoted part and goes on after it ("x,y" z)
// is the one cell x,y z, as Excel shows it: it never runs on into the rows
// after it, which would lose their figures with no error (audit F1). The
// files are the audit's (/tmp/audtoday i5, i6, i7b, i8).
func TestReadCSVTextAfterAQuotedPart(t *testing.T) {
	const head = "project,periodStart,periodEnd,peopleIntoWork,notes\n"
	for name, c := range map[string]struct {
		data string
		want []string
	}{
		"a later quoted cell (i7b)": {head + "Proj Two,2025-04-01,2025-06-30,3,\"x,y\" z\nProj Two,2025-07-01,2025-09-30,4,\"ok\"\nProj Two,2025-10-01,2025-12-31,5,fine\n",
			[]string{"2: Proj Two|2025-04-01|2025-06-30|3|x,y z", "3: Proj Two|2025-07-01|2025-09-30|4|ok", "4: Proj Two|2025-10-01|2025-12-31|5|fine"}},
		"no later quote (i8)": {head + "P,2025-04-01,2025-06-30,3,\"x,y\" z\nP,2025-07-01,2025-09-30,4,ok\nP,2025-10-01,2025-12-31,5,fine\n",
			[]string{"2: P|2025-04-01|2025-06-30|3|x,y z", "3: P|2025-07-01|2025-09-30|4|ok", "4: P|2025-10-01|2025-12-31|5|fine"}},
		"last row (i6)":        {head + "P,2025-04-01,2025-06-30,3,\"x,y\" z\n", []string{"2: P|2025-04-01|2025-06-30|3|x,y z"}},
		"quotes in text (i5)":  {head + "P,2025-04-01,2025-06-30,3,he said \"fine\" today\n", []string{"2: P|2025-04-01|2025-06-30|3|he said \"fine\" today"}},
		"CRLF, then a quote":   {"a,b\r\n\"x\"\" y\" z \"w\",2\r\n\"q\"\r\n", []string{"1: a|b", "2: x\" y z \"w\"|2", "3: q"}},
		"a quote then a space": {"a,b\r\n\"x\" ,2\r\n", []string{"1: a|b", "2: x |2"}},
		"semicolons":           {"project;notes\n\"x;y\" z;1\nP;2\n", []string{"1: project|notes", "2: x;y z|1", "3: P|2"}},
	} {
		t.Run(name, func(t *testing.T) {
			sh, err := sheet.ReadCSV([]byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if got := csvTexts(sh); len(got) < len(c.want) || !slices.Equal(got[len(got)-len(c.want):], c.want) {
				t.Errorf("read\n%q\nwant the rows after the header\n%q", got, c.want)
			}
		})
	}
}

// Quoted cells holding line breaks, blank rows and CRLF line ends keep the
// rows after them numbered as a spreadsheet numbers them, so that a
// refusal names the row the user sees.
func TestReadCSVRowNumbersAfterLineBreaksInCells(t *testing.T) {
	data := "project,notes,n\r\n" +
		"A,\"one\r\ntwo\r\nthree\",1\r\n" + // row 2, lines 2-4
		"\r\n" + // row 3, blank
		"B,\"x,y\" z,2\r\n" + // row 4
		"\"C\nD\",\"\",3\n" + // row 5, lines 6-7
		"E,5\" screen,4\r\n" // row 6
	sh, err := sheet.ReadCSV([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1: project|notes|n", "2: A|one\ntwo\nthree|1", "4: B|x,y z|2", "5: C\nD||3", "6: E|5\" screen|4"}
	if got := csvTexts(sh); !slices.Equal(got, want) {
		t.Errorf("read\n%q\nwant\n%q", got, want)
	}
	// A quoted cell never closed is named by the row and column where it
	// starts, after such rows.
	_, err = sheet.ReadCSV([]byte(data + "F,6,\"open\r\nG,7\r\n"))
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodeValidation || len(e.Fields) != 1 || !strings.Contains(e.Fields["rows[7].C"], "never closed") {
		t.Fatalf("%v, want validation_failed naming rows[7].C", err)
	}
}

// Excel for Mac's "CSV (Macintosh)" ends lines in a CR alone: each CR, LF
// and CR LF is one line end, so the rows and their numbers are as a
// spreadsheet shows them (audit L3), and a line break inside a quoted cell,
// whichever it is, reads as LF.
func TestReadCSVLineEnds(t *testing.T) {
	for name, c := range map[string]struct {
		data string
		want []string
	}{
		"CR (the audit's cr.csv)": {"project,periodStart,periodEnd,peopleIntoWork,notes\rProj One,2024-04-01,2024-04-30,5,a\rProj One,2024-05-01,2024-05-31,6,b\r",
			[]string{"1: project|periodStart|periodEnd|peopleIntoWork|notes", "2: Proj One|2024-04-01|2024-04-30|5|a", "3: Proj One|2024-05-01|2024-05-31|6|b"}},
		"CR, a blank line, a quoted break, no last line end": {"project;notes\r\rP;\"one\rtwo\"\rQ;x",
			[]string{"1: project|notes", "3: P|one\ntwo", "4: Q|x"}},
		"all three, in cells too": {"a,b\r\nc,\"1\r\n2\n3\r4\"\n\re,f\r",
			[]string{"1: a|b", "2: c|1\n2\n3\n4", "4: e|f"}},
	} {
		t.Run(name, func(t *testing.T) {
			sh, err := sheet.ReadCSV([]byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if got := csvTexts(sh); !slices.Equal(got, c.want) {
				t.Errorf("read\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

// TestReadCSVSepLine: a first line "sep=;" (Excel writes it, and reads it
// as the separator, not a row) names the separator, in any case, whatever
// the header holds; the rows are numbered from the line after it, as Excel
// shows them. A line that only looks like one is a row.
func TestReadCSVSepLine(t *testing.T) {
	for name, c := range map[string]struct {
		data    string
		want    [][]string
		numbers []int
	}{
		"semicolons": {"sep=;\r\nProject;Period start;Notes\r\nAlpha IPS;2025-06-01;a, b\r\n",
			[][]string{{"Project", "Period start", "Notes"}, {"Alpha IPS", "2025-06-01", "a, b"}}, []int{1, 2}},
		"commas over semicolons in the header": {"SEP=,\nProject;x,notes\n\nP;1,n\n",
			[][]string{{"Project;x", "notes"}, {"P;1", "n"}}, []int{1, 3}},
		"a pipe":         {"sep=|\nProject|Notes\nP|a,b;c\n", [][]string{{"Project", "Notes"}, {"P", "a,b;c"}}, []int{1, 2}},
		"tab":            {"sep=\t\nProject\tNotes\nP\tn\n", [][]string{{"Project", "Notes"}, {"P", "n"}}, []int{1, 2}},
		"only the line":  {"sep=;", nil, nil},
		"not a sep line": {"sep=;x\nProject,Notes\n", [][]string{{"sep=;x"}, {"Project", "Notes"}}, []int{1, 2}},
		"a letter":       {"sep=a\nProject,Notes\n", [][]string{{"sep=a"}, {"Project", "Notes"}}, []int{1, 2}},
		"UTF-8 with BOM": {"\ufeffsep=;\nProject;Notes\nP;n\n", [][]string{{"Project", "Notes"}, {"P", "n"}}, []int{1, 2}},
	} {
		t.Run(name, func(t *testing.T) {
			sh, err := sheet.ReadCSV([]byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			var numbers []int
			for _, r := range sh.Rows {
				numbers = append(numbers, r.Number)
			}
			if got := cellTexts(sh); !slices.EqualFunc(got, c.want, slices.Equal) || !slices.Equal(numbers, c.numbers) {
				t.Errorf("read %q numbered %v, want %q numbered %v", got, numbers, c.want, c.numbers)
			}
		})
	}
}

// TestReadCSVSeparatorBelowATitle: the header that decides the separator
// may be below title lines (domain.ImportHeader passes over them), and the
// sheet then imports from it (audit N2). Separated by semicolons, its
// "1,500" could be 1.5 and is refused naming its cell (fix-guard2); 1500
// imports.
func TestReadCSVSeparatorBelowATitle(t *testing.T) {
	for count, want := range map[string]int64{"1500": 1500, "1,500": -1} {
		data := "West Yorkshire IPS figures\n\nQuarter ending June, returns\nProject;Period start;Period end;Referrals\nAlpha IPS;01/04/2025;30/06/2025;" + count + "\n"
		sh, err := sheet.ReadCSV([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		cells := [][]string{{"West Yorkshire IPS figures"}, {"Quarter ending June, returns"},
			{"Project", "Period start", "Period end", "Referrals"}, {"Alpha IPS", "01/04/2025", "30/06/2025", count}}
		if got := cellTexts(sh); !slices.EqualFunc(got, cells, slices.Equal) {
			t.Fatalf("read %q", got)
		}
		f := domain.ReadImport(sh, []domain.Project{{ID: "01hq3v7k8m9n0p1q2r3s4t5v6a", Name: "Alpha IPS"}})
		switch {
		case want < 0:
			if len(f.Problems) != 1 || !strings.Contains(f.Problems["rows[5].referrals"], `not "1,500"`) {
				t.Errorf("%s: problems %v, want rows[5].referrals refused", count, f.Problems)
			}
		case len(f.Problems) != 0 || len(f.Rows) != 1 || f.Rows[0].Row != 5 || f.Rows[0].Counts[domain.MetricReferrals] != want:
			t.Errorf("%s: imported %+v, problems %v", count, f.Rows, f.Problems)
		}
	}
}

// TestReadCSVDecimalComma: a file separated by semicolons, by its header
// or by a "sep=;" line, is one Excel saved where the comma is the decimal
// mark, and the sheet says so (domain.Sheet.DecimalComma), for the import
// to refuse a count such as 1,000 that reads two ways there (fix-guard2).
// One separated by commas or tabs is not.
func TestReadCSVDecimalComma(t *testing.T) {
	for data, want := range map[string]bool{
		"project;periodStart;periodEnd;referrals\nP;2025-06-01;2025-06-30;1,000\n": true,
		"sep=;\nProject;Notes\nP;n\n": true,
		"project,periodStart,periodEnd,referrals\nP,2025-06-01,2025-06-30,\"1,000\"\n":   false,
		"project\tperiodStart\tperiodEnd\treferrals\nP\t2025-06-01\t2025-06-30\t1,000\n": false,
		"sep=,\nProject;x,notes\nP;1,n\n":                                                false,
	} {
		sh, err := sheet.ReadCSV([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if sh.DecimalComma != want {
			t.Errorf("ReadCSV(%q).DecimalComma = %v, want %v", data, sh.DecimalComma, want)
		}
	}
}
