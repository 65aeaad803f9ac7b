package xlsx_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

// workbook builds a workbook as a person would in Excel: text, numbers and
// real dates (a date-formatted number), on its first sheet, with blank rows.
func workbook(t *testing.T, build func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f, "Sheet1")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func set(t *testing.T, f *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := f.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

func TestReadFirstSheet(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		for i, h := range []string{"Project", "Period start", "Period end", "People into work", "Notes"} {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			set(t, f, s, cell, h)
		}
		set(t, f, s, "A2", "Bradford IPS")
		set(t, f, s, "B2", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
		set(t, f, s, "C2", "30/06/2025")
		set(t, f, s, "D2", 3)
		set(t, f, s, "E2", "=not a formula, text")
		// Row 3 is left blank; row 4 has a formula excelize saves without
		// its result, as programs that write workbooks do.
		set(t, f, s, "A4", "Leeds IPS")
		if err := f.SetCellFormula(s, "D4", "1+2"); err != nil {
			t.Fatal(err)
		}
		// A second sheet is not read.
		f.NewSheet("Other")
		set(t, f, "Other", "A1", "ignored")
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != 3 || sh.Rows[0].Number != 1 || sh.Rows[1].Number != 2 || sh.Rows[2].Number != 4 {
		t.Fatalf("rows %+v", sh.Rows)
	}
	r := sh.Rows[1].Cells
	if r[0].Text != "Bradford IPS" || r[0].Numeric || !r[1].Numeric || r[1].Text != "45748" || r[2].Text != "30/06/2025" || r[2].Numeric ||
		r[3].Text != "3" || !r[3].Numeric || r[4].Text != "=not a formula, text" {
		t.Errorf("row 2 %+v", r)
	}
	// The sheet reads as an import: the date cell as a date.
	f := domain.ReadImport(sh, []domain.Project{{ID: "01hq3v7k8m9n0p1q2r3s4t5v6a", Name: "Bradford IPS"}, {ID: "01hq3v7k8m9n0p1q2r3s4t5v6b", Name: "Leeds IPS"}})
	if f.Rows[0].PeriodStart != domain.MustDate("2025-04-01") || f.Rows[0].Counts[domain.MetricPeopleIntoWork] != 3 {
		t.Errorf("imported row 2: %+v", f.Rows[0])
	}
	// Its cell is refused for what it is, not read as 0 or as missing.
	if msg := f.Problems["rows[4].peopleIntoWork"]; !strings.Contains(msg, "formula with no saved result") {
		t.Errorf("row 4's formula without a result: %v", f.Problems)
	}
}

func TestRead1904Dates(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
		set(t, f, s, "A1", "x")
		set(t, f, s, "B1", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := domain.SerialDate(sh.Rows[0].Cells[1].Text, sh.Date1904)
	if !sh.Date1904 || !ok || d != domain.MustDate("2025-04-01") {
		t.Errorf("1904 workbook: %v %+v → %s", sh.Date1904, sh.Rows[0], d)
	}
}

// addParts writes the named parts into zw, deflated.
func addParts(t *testing.T, zw *zip.Writer, parts map[string][]byte) {
	t.Helper()
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
}

// zipOf writes a zip of the named parts.
func zipOf(t *testing.T, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	addParts(t, zw, parts)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withPart is a real workbook with one part added or replaced.
func withPart(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	parts := goodParts(t)
	parts[name] = body
	return zipOf(t, parts)
}

// goodParts are a real workbook's parts, by name.
func goodParts(t *testing.T) map[string][]byte {
	t.Helper()
	good := workbook(t, func(f *excelize.File, s string) { set(t, f, s, "A1", "Project") })
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		parts[f.Name] = b.Bytes()
	}
	return parts
}

// withZeros is withPart with the part n zero bytes, deflated as
// withPart's zip would hold them. Deflating 64 MiB under -race takes
// seconds, so the stream is built from one deflated, sync-flushed chunk of
// zeros repeated (each chunk's matches reach only into itself, so any
// number of them in a row is a valid stream), closed by an empty final
// block; its CRC-32 is computed over all n bytes.
func withZeros(t *testing.T, name string, n int) []byte {
	t.Helper()
	parts := goodParts(t)
	delete(parts, name)
	const chunk = 1 << 20
	zeros := make([]byte, chunk)
	deflated := func(size int) []byte {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.DefaultCompression)
		fw.Write(zeros[:size])
		if err := fw.Flush(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	whole := deflated(chunk)
	var stream bytes.Buffer
	crc := uint32(0)
	for left := n; left > 0; left -= chunk {
		size := min(left, chunk)
		if size == chunk {
			stream.Write(whole)
		} else {
			stream.Write(deflated(size))
		}
		crc = crc32.Update(crc, crc32.IEEETable, zeros[:size])
	}
	stream.Write([]byte{0x01, 0x00, 0x00, 0xff, 0xff}) // final stored block, empty
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	addParts(t, zw, parts)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(stream.Len()), UncompressedSize64: uint64(n)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(stream.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWithZerosIsWhatItSays: withZeros' part inflates to its n zeros, with
// the CRC-32 and the sizes its header declares, as archive/zip checks.
func TestWithZerosIsWhatItSays(t *testing.T) {
	for _, n := range []int{1, 2<<20 + 5} {
		data := withZeros(t, "xl/sharedStrings.xml", n)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range zr.File {
			if f.Name != "xl/sharedStrings.xml" {
				continue
			}
			found = true
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(rc) // archive/zip checks the CRC-32 and size at EOF
			rc.Close()
			if err != nil || len(body) != n || bytes.IndexFunc(body, func(r rune) bool { return r != 0 }) >= 0 || f.UncompressedSize64 != uint64(n) {
				t.Errorf("%d zeros: read %d bytes (%v), declared %d", n, len(body), err, f.UncompressedSize64)
			}
		}
		if !found {
			t.Errorf("%d zeros: no part", n)
		}
	}
}

func TestRefusesWhatIsNotAWorkbook(t *testing.T) {
	contentTypes := func(main string) []byte {
		return []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="` + main + `"/></Types>`)
	}
	manyParts := map[string][]byte{"[Content_Types].xml": contentTypes("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")}
	for i := range xlsx.MaxParts + 1 {
		manyParts["xl/media/p"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+"-"+time.Duration(i).String()] = []byte("x")
	}
	for name, c := range map[string]struct {
		data []byte
		code domain.Code
		says string
	}{
		"random bytes": {[]byte("Project,Period start\n"), domain.CodeUnsupportedMedia, "not an Excel workbook"},
		"old xls":      {append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), domain.CodeUnsupportedMedia, ".xls"},
		"word document": {zipOf(t, map[string][]byte{"[Content_Types].xml": contentTypes("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")}),
			domain.CodeUnsupportedMedia, "not an Excel workbook"},
		"zip without content types": {zipOf(t, map[string][]byte{"a.txt": []byte("a")}), domain.CodeUnsupportedMedia, "not an Excel workbook"},
		// Told what it is, so people do not go round between the CSV
		// and workbook refusals (audit verify32 #6).
		"OpenDocument spreadsheet": {zipOf(t, map[string][]byte{"mimetype": []byte("application/vnd.oasis.opendocument.spreadsheet"), "content.xml": []byte("<x/>")}),
			domain.CodeUnsupportedMedia, "OpenDocument spreadsheet (.ods)"},
		"macros": {withPart(t, "xl/vbaProject.bin", []byte("macro")), domain.CodeUnsupportedMedia, "macros"},
		"macro-enabled content type": {withPart(t, "[Content_Types].xml", contentTypes("application/vnd.ms-excel.sheet.macroEnabled.main+xml")),
			domain.CodeUnsupportedMedia, "macro-enabled"},
		// 64 MiB of zeros deflate to about 64 kB.
		"zip bomb":       {withZeros(t, "xl/worksheets/sheet1.xml", 64<<20), domain.CodeTooLarge, "uncompressed"},
		"shared strings": {withZeros(t, "xl/sharedStrings.xml", xlsx.MaxSharedStrings+1), domain.CodeTooLarge, "shared strings"},
		"many parts":     {zipOf(t, manyParts), domain.CodeTooLarge, "parts"},
	} {
		t.Run(name, func(t *testing.T) {
			if name == "zip bomb" && len(c.data) > 1<<20 {
				t.Fatalf("the bomb is %d bytes: it should be small", len(c.data))
			}
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := xlsx.Workbooks{}.Read(c.data)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if domain.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("%v, want %s saying %q", err, c.code, c.says)
			}
			// Refused before anything is inflated: nowhere near the part's size.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
				t.Errorf("refusing it allocated %d MB", grew>>20)
			}
		})
	}
}

func TestTemplateReadsBack(t *testing.T) {
	data, err := xlsx.Workbooks{}.Template(domain.ImportHeaders(), []string{"Bradford IPS", "=Leeds", "0123"})
	if err != nil {
		t.Fatal(err)
	}
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != 4 || sh.Rows[0].Cells[0].Text != "Project" || sh.Rows[2].Cells[0].Text != "=Leeds" || sh.Rows[3].Cells[0].Text != "0123" {
		t.Fatalf("template rows %+v", sh.Rows)
	}
	f := domain.ReadImport(sh, []domain.Project{{ID: "01hq3v7k8m9n0p1q2r3s4t5v6a", Name: "Bradford IPS"}})
	// Its rows hold only projects' names: skipped, so the template as
	// downloaded has no rows of figures (and says so), not a problem a row.
	if !strings.Contains(f.Problems["rows"], "no rows of figures") || len(f.Problems) != 1 || len(f.Columns.Metrics) != len(domain.Metrics) {
		t.Errorf("the template's header reads, its name-only rows are skipped: %v", f.Problems)
	}
}

// TestTemplateOpensInExcelize: the hand-written template is a workbook
// excelize opens and reads as written: one sheet, "Figures", its header in
// bold, project names as text (number format 49, "@"), columns B and C
// formatted as dates (14), and the columns' widths.
func TestTemplateOpensInExcelize(t *testing.T) {
	header := domain.ImportHeaders()
	projects := []string{"Bradford IPS", "=Leeds", "0123", "  spaced  ", `<&>"`, "a_x0041_b", "tab\there", "日本"}
	data, err := xlsx.Workbooks{}.Template(header, projects)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if list := f.GetSheetList(); len(list) != 1 || list[0] != "Figures" {
		t.Fatalf("sheets %v", list)
	}
	rows, err := f.GetRows("Figures", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(projects) || !slices.Equal(rows[0], header) {
		t.Fatalf("rows %q", rows)
	}
	for i, p := range projects {
		if len(rows[i+1]) != 1 || rows[i+1][0] != p {
			t.Errorf("row %d: %q, want %q", i+2, rows[i+1], p)
		}
	}
	numFmt := func(style int) (int, bool) {
		s, err := f.GetStyle(style)
		if err != nil {
			t.Fatal(err)
		}
		return s.NumFmt, s.Font != nil && s.Font.Bold
	}
	for i := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		style, err := f.GetCellStyle("Figures", cell)
		if err != nil {
			t.Fatal(err)
		}
		if _, bold := numFmt(style); !bold {
			t.Errorf("%s is not bold", cell)
		}
	}
	for i := range projects {
		style, _ := f.GetCellStyle("Figures", "A"+strconv.Itoa(i+2))
		if n, bold := numFmt(style); n != 49 || bold {
			t.Errorf("A%d: number format %d (bold %v), want 49, text", i+2, n, bold)
		}
	}
	for col, want := range map[string]int{"A": 0, "B": 14, "C": 14, "D": 0, "M": 0} {
		style, err := f.GetColStyle("Figures", col)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := numFmt(style); n != want {
			t.Errorf("column %s: number format %d, want %d", col, n, want)
		}
	}
	for col, want := range map[string]float64{"A": 30, "B": 16, "C": 16, "M": 16} {
		if w, err := f.GetColWidth("Figures", col); err != nil || w != want {
			t.Errorf("column %s: width %v (%v), want %v", col, w, err, want)
		}
	}
	// A date typed into B2 reads as a date.
	if err := f.SetCellValue("Figures", "B2", 45748); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("Figures", "B2"); v == "45748" {
		t.Errorf("B2 shows %q: not formatted as a date", v)
	}
}
