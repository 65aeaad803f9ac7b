package service

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// What a preview keeps for its confirmation (SPEC: fundtrack holds
// aggregate counts only). An uploaded workbook very often holds, beside
// the figures on its first sheet, the client list they were counted from:
// names, NHS numbers, dates of birth. Only the first sheet is read and
// only its cells pass the personal-data guard, so the preview keeps those
// cells, as the import read them, and never the file: nothing fundtrack
// did not read and check reaches storage (or its backups). The
// confirmation imports these cells, so its result, row numbers in any
// problem included, is the preview's.

// StagedMediaType is the media type of a staged sheet's Data: the sheet's
// rows as JSON (stagedSheet), gzip-compressed.
const StagedMediaType = "application/vnd.fundtrack.sheet+json+gzip"

// Bounds of a staged sheet. A file within MaxImportBytes and MaxImportRows
// is far inside them (a 4 MiB CSV encodes to a few MiB before compression);
// they stop a small workbook that repeats a long text in every cell from
// growing, re-encoded, past what the preview's memory and the store's
// parts (350 kB items, up to 100) hold.
const (
	maxStagedJSON = 64 << 20 // the rows as JSON
	maxStagedData = 8 << 20  // compressed, as stored
)

// stagedSheet is domain.Sheet as JSON, compact: a row's cells are its
// texts, with the indexes of the numeric ones and of merged ranges' copies
// beside them (the import reads a copy in a column with no heading as the
// preview did: ignored). Cells with problems never reach a stage: the
// preview keeps only a clean sheet.
type stagedSheet struct {
	Date1904 bool `json:"date1904,omitempty"`
	// DecimalComma is the file's (domain.Sheet.DecimalComma): the
	// confirmation reads the counts as the preview did.
	DecimalComma bool `json:"decimalComma,omitempty"`
	// Name and Sheets are the workbook's sheet read and how many it has,
	// for a refused confirmation's page to name the sheet (a name kept
	// only if the personal-data guard passes it, as it is shown).
	Name   string      `json:"name,omitempty"`
	Sheets int         `json:"sheets,omitempty"`
	Rows   []stagedRow `json:"rows"`
	// Plan is what the preview showed each row would do: the confirmation
	// stores exactly that, or refuses (checkPreviewed). A stage without
	// one (kept before previews kept their plans) is not imported.
	Plan []PreviewedRow `json:"plan"`
}

// PreviewedRow is what a preview planned for a row: its action, and the
// submission it corrects (its review status and when it was sent then),
// or that already holds its figures.
type PreviewedRow struct {
	Row    int                  `json:"r"`
	Action domain.ImportAction  `json:"a"`
	Base   string               `json:"b,omitempty"`
	Status domain.OutcomeStatus `json:"s,omitempty"`
	SentAt time.Time            `json:"t,omitzero"`
}

// errNoPlan is a staged sheet kept without its preview's plan.
var errNoPlan = errors.New("staged sheet without its preview's plan")

type stagedRow struct {
	Number  int      `json:"n"`
	Cells   []string `json:"c"`
	Numeric []int    `json:"num,omitempty"`
	Merged  []int    `json:"mrg,omitempty"`
}

// errCapped is a capped writer's refusal.
var errCapped = errors.New("staged sheet past its bound")

// stagedLimits are a staged sheet's bounds: its JSON's bytes, and the
// compressed bytes stored.
type stagedLimits struct {
	json, data int
}

// encodeStaged encodes a sheet, and its preview's plan, for StageFile.
func encodeStaged(sh domain.Sheet, plan []PreviewedRow) ([]byte, error) {
	return encodeStagedWithin(sh, plan, stagedLimits{json: maxStagedJSON, data: maxStagedData})
}

// encodeStagedWithin is encodeStaged within lim (its tests' small bounds
// reach the capped writers without compressing tens of MB).
func encodeStagedWithin(sh domain.Sheet, plan []PreviewedRow, lim stagedLimits) ([]byte, error) {
	// A cell's text is at least its own length in JSON (escaping only
	// adds), so a sheet whose texts alone pass the bound is refused before
	// anything is encoded: a small workbook repeating a long text in every
	// cell (about 100 MB of it) cost seconds of gzip to reach the cap.
	if stagedTextPast(sh, lim.json) {
		return nil, errStagedTooLarge()
	}
	var out bytes.Buffer
	// The fastest level: a stage lives an hour, and the default level took
	// three times the CPU on 4 MiB of text (81 ms against 24 ms on the
	// machine in BENCHMARKS.md) for the same size.
	zw, _ := gzip.NewWriterLevel(&capped{w: &out, left: lim.data}, gzip.BestSpeed)
	err := writeStaged(&capped{w: zw, left: lim.json}, sh, plan)
	if err == nil {
		err = zw.Close()
	}
	if errors.Is(err, errCapped) {
		return nil, errStagedTooLarge()
	}
	if err != nil {
		return nil, fmt.Errorf("encode staged sheet: %w", err)
	}
	return out.Bytes(), nil
}

// stagedTextPast reports whether sh's cell texts together are longer
// than limit bytes.
func stagedTextPast(sh domain.Sheet, limit int) bool {
	n := 0
	for _, r := range sh.Rows {
		for _, c := range r.Cells {
			if n += len(c.Text); n > limit {
				return true
			}
		}
	}
	return false
}

// errStagedTooLarge is the refusal of a sheet past its bounds.
func errStagedTooLarge() error {
	return domain.Errorf(domain.CodeTooLarge,
		"the file's first sheet holds too much text to keep for the import: send its figures alone, or as CSV")
}

// writeStaged writes sh as one stagedSheet a row at a time, so that a
// sheet past its bound is refused when the writing reaches the bound, and
// memory holds one row's JSON, not the whole sheet's (a small workbook
// repeating a long text in every cell would be about 100 MB of it).
func writeStaged(w io.Writer, sh domain.Sheet, plan []PreviewedRow) error {
	head, err := json.Marshal(stagedSheet{Date1904: sh.Date1904, DecimalComma: sh.DecimalComma, Name: domain.ImportFileName(sh.Name), Sheets: sh.Sheets})
	if err != nil {
		return err
	}
	// The head's fields, then the rows written one at a time.
	head = append(bytes.TrimSuffix(head, []byte(`"rows":null,"plan":null}`)), `"rows":[`...)
	if _, err := w.Write(head); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, r := range sh.Rows {
		row := stagedRow{Number: r.Number, Cells: make([]string, len(r.Cells))}
		for j, c := range r.Cells {
			row.Cells[j] = c.Text
			if c.Numeric {
				row.Numeric = append(row.Numeric, j)
			}
			if c.Merged {
				row.Merged = append(row.Merged, j)
			}
		}
		buf.Reset()
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(row); err != nil { // its newline is JSON's whitespace
			return err
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, `],"plan":`); err != nil {
		return err
	}
	if plan == nil {
		plan = []PreviewedRow{}
	}
	b, err := json.Marshal(plan)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	_, err = io.WriteString(w, "}")
	return err
}

// decodeStaged decodes what encodeStaged wrote: the sheet and its
// preview's plan (errNoPlan when it has none).
func decodeStaged(data []byte) (domain.Sheet, []PreviewedRow, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return domain.Sheet{}, nil, fmt.Errorf("decode staged sheet: %w", err)
	}
	var st stagedSheet
	if err := json.NewDecoder(io.LimitReader(zr, maxStagedJSON+1)).Decode(&st); err != nil {
		return domain.Sheet{}, nil, fmt.Errorf("decode staged sheet: %w", err)
	}
	if st.Plan == nil {
		return domain.Sheet{}, nil, errNoPlan
	}
	sh, err := stagedRows(st)
	return sh, st.Plan, err
}

// stagedRows is a staged sheet's rows as the sheet read.
func stagedRows(st stagedSheet) (domain.Sheet, error) {
	sh := domain.Sheet{Date1904: st.Date1904, DecimalComma: st.DecimalComma, Name: st.Name, Sheets: st.Sheets, Rows: make([]domain.SheetRow, len(st.Rows))}
	for i, r := range st.Rows {
		row := domain.SheetRow{Number: r.Number, Cells: make([]domain.SheetCell, len(r.Cells))}
		for j, t := range r.Cells {
			row.Cells[j].Text = t
		}
		for _, j := range r.Numeric {
			if j < 0 || j >= len(row.Cells) {
				return domain.Sheet{}, fmt.Errorf("decode staged sheet: row %d: numeric cell %d of %d", r.Number, j, len(row.Cells))
			}
			row.Cells[j].Numeric = true
		}
		for _, j := range r.Merged {
			if j < 0 || j >= len(row.Cells) {
				return domain.Sheet{}, fmt.Errorf("decode staged sheet: row %d: merged cell %d of %d", r.Number, j, len(row.Cells))
			}
			row.Cells[j].Merged = true
		}
		sh.Rows[i] = row
	}
	return sh, nil
}

// capped writes to w until left bytes are spent, then refuses.
type capped struct {
	w    io.Writer
	left int
}

func (c *capped) Write(p []byte) (int, error) {
	if len(p) > c.left {
		return 0, errCapped
	}
	c.left -= len(p)
	return c.w.Write(p)
}
