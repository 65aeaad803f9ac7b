package xlsx_test

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

// BenchmarkRead reads a workbook of 5,000 rows of figures (as
// bench/import_test.go builds it: names, two dates, three counts, a note
// in one row of ten) with the reader and, for comparison, with excelize as
// the package read it before.
func BenchmarkRead(b *testing.B) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	sw.SetRow("A1", []any{"Project", "Period start", "Period end", "Referrals", "People into work", "Job starts", "Notes"})
	start := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range domain.MaxImportRows {
		note := ""
		if i%10 == 0 {
			note = "a note on row " + strconv.Itoa(i+2)
		}
		axis, _ := excelize.CoordinatesToCellName(1, i+2)
		d := start.AddDate(0, i%100, 0)
		if err := sw.SetRow(axis, []any{"Project " + strconv.Itoa(i%50), excelize.Cell{StyleID: date, Value: d},
			excelize.Cell{StyleID: date, Value: d.AddDate(0, 1, -1)}, 5 + i%9, i % 4, 1 + i%3, note}); err != nil {
			b.Fatal(err)
		}
	}
	sw.Flush()
	var buf bytes.Buffer
	f.WriteTo(&buf)
	data := buf.Bytes()
	b.Logf("workbook of %d kB", len(data)>>10)
	for name, read := range map[string]func([]byte) (domain.Sheet, error){"stdlib": xlsx.Workbooks{}.Read, "excelize": excelizeRead} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if sh, err := read(data); err != nil || len(sh.Rows) != domain.MaxImportRows+1 {
					b.Fatal(err, len(sh.Rows))
				}
			}
		})
	}
}
