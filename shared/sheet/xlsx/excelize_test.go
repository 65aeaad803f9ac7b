package xlsx_test

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

// excelizeRead is Workbooks.Read as it was with excelize (before the
// package read workbooks itself), kept as the oracle the differential test
// holds the reader to.
func excelizeRead(data []byte) (domain.Sheet, error) {
	return excelizeReadFirst(data, nil)
}

// excelizeReadFirst is excelizeRead that also sets *first (when not nil)
// to the name of the workbook's first sheet, when excelize opened it.
func excelizeReadFirst(data []byte, first *string) (domain.Sheet, error) {
	if err := xlsx.Check(data); err != nil {
		return domain.Sheet{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: xlsx.MaxUnzipped, UnzipXMLSizeLimit: xlsx.MaxUnzipped,
	})
	if err != nil {
		return domain.Sheet{}, &domain.Error{Code: domain.CodeUnsupportedMedia, Message: "the workbook cannot be opened (" + oraclePlain(err) + ")"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return domain.Sheet{}, sheet.FileProblem("the workbook has no sheet")
	}
	if first != nil {
		*first = sheets[0]
	}
	props, perr := f.GetWorkbookProps()
	sh := domain.Sheet{Date1904: perr == nil && props.Date1904 != nil && *props.Date1904}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return domain.Sheet{}, sheet.FileProblem("its first sheet cannot be read (" + oraclePlain(err) + ")")
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return domain.Sheet{}, sheet.FileProblem("row " + strconv.Itoa(n) + " of its first sheet cannot be read (" + oraclePlain(err) + ")")
		}
		if len(cols) > sheet.MaxColumns {
			return domain.Sheet{}, sheet.FileProblem("row " + strconv.Itoa(n) + " has more than " + strconv.Itoa(sheet.MaxColumns) + " columns")
		}
		row := domain.SheetRow{Number: n}
		empty := true
		for _, v := range cols {
			row.Cells = append(row.Cells, domain.SheetCell{Text: v, Numeric: oracleNumber.MatchString(v)})
			empty = empty && strings.TrimSpace(v) == ""
		}
		if empty {
			continue
		}
		sh.Rows = append(sh.Rows, row)
		if len(sh.Rows) > domain.MaxImportRows+1 {
			return sh, nil
		}
	}
	if err := rows.Error(); err != nil {
		return domain.Sheet{}, sheet.FileProblem("its first sheet cannot be read (" + oraclePlain(err) + ")")
	}
	return sh, nil
}

var oracleNumber = regexp.MustCompile(`^-?\d+(\.\d+)?([Ee][+-]?\d+)?$`)

func oraclePlain(err error) string {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return err.Error()
}
