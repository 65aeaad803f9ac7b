package service

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/sheet"
)

// Spreadsheet imports (SPEC, "Spreadsheet import"). The whole file is read
// and checked before anything is written; then each row is planned as the
// API would plan its submission (review, the submission it corrects, the
// returns it fills, the email a pending one calls for) and the rows are
// written in a few large transactions (ImportStore.ImportOutcomes). The
// import is idempotent by content: a row whose figures are already there
// is unchanged, so a file sent twice stores nothing the second time, and
// one cut off half way is finished by sending it again.

// Workbooks reads and writes Excel workbooks. Only the functions that take
// imports (imports, and web for its import pages) are given one
// (WithWorkbooks), so no other links the code behind it: without one, a
// workbook is refused as an unsupported media type.
type Workbooks interface {
	// Read reads a workbook's first sheet, refusing what is not a workbook.
	Read(data []byte) (domain.Sheet, error)
	// Template writes a workbook with the header row and a row per project name.
	Template(header []string, projects []string) ([]byte, error)
}

// WithWorkbooks gives s, in place, a reader and writer of workbooks (the
// functions' wiring does it once, at start).
func (s *Service) WithWorkbooks(w Workbooks) *Service {
	s.workbooks = w
	return s
}

// ImportFile is a spreadsheet as uploaded: its media type (domain.MediaCSV
// or domain.MediaXLSX) and bytes.
type ImportFile struct {
	MediaType string
	Data      []byte
}

// ImportAnswerMargin is how long before its request's deadline an
// import's writes are all answered (at most a quarter of the request's
// time; ImportDeadline): enough to release the import lock and give the
// import's own answer, which says how many rows were stored and how to
// finish. Cut off by the deadline itself, a request got only the generic
// "try again" while the import still held the lock, within a second of
// the function's own timeout. The API's import route and the web app's
// confirmation both keep it.
const ImportAnswerMargin = 3 * time.Second

// ImportStopMargin is how long before its request's deadline an import of
// a request of timeout stops sending writes: its last write, sent just
// before, has WriteGrace to be answered (a quarter of timeout when that is
// less), and then the import ImportAnswerMargin (or a quarter of timeout)
// to answer. With a write's grace of 2 s, an import of 26 s stops writing
// 5 s before its deadline.
func ImportStopMargin(timeout time.Duration) time.Duration {
	return importWriteGrace(timeout) + min(ImportAnswerMargin, timeout/4)
}

// importWriteGrace is the time an import's last write has to be answered.
func importWriteGrace(timeout time.Duration) time.Duration { return min(WriteGrace, timeout/4) }

// ImportDeadline is ctx with its deadline brought forward by
// ImportStopMargin(timeout) (timeout is the request's whole time), and
// its writes bounded to be answered, or given up, by ImportAnswerMargin
// (or a quarter of timeout) before ctx's deadline (writesBy): however
// slowly the database answers, the import's own answer comes before the
// request's deadline. ctx as it is without a deadline.
func ImportDeadline(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	d, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	stop := d.Add(-ImportStopMargin(timeout))
	return context.WithDeadline(writesBy(ctx, stop.Add(importWriteGrace(timeout))), stop)
}

// ImportLease is how long an import holds its programme's import lock:
// longer than any import request lives (the imports function's timeout),
// so a lock is only ever taken over from an import that is dead.
const ImportLease = 90 * time.Second

// StagedTTL is how long an uploaded file waits, in storage, for the web
// app's confirmation after its preview.
const StagedTTL = time.Hour

// StagedFile is what an uploaded file's preview keeps for the
// confirmation that imports it: the first sheet's cells as the preview
// read and checked them, never the file itself (staged.go), so what is
// imported is the very sheet previewed. Only the person who uploaded it
// may import it.
type StagedFile struct {
	ID        string
	Owner     string // the caller's subject
	Name      string // the file's name, to show; "" when it may not be kept (domain.ImportFileName)
	MediaType string // StagedMediaType
	Data      []byte // the sheet, encoded by encodeStaged
	SHA256    string
	Expires   time.Time
}

// ImportBatch is a run of planned submissions to write, in order.
type ImportBatch struct {
	Submissions []Submission
	Changes     []Change // each submission's audit event (Claim unused)
	// Lock is the holder of the programme's import lock: every
	// transaction checks it still holds it.
	Lock string
	// Claim, when the request holds one, is committed with the last
	// transaction, so a retry of an import cut off half way runs again.
	Claim *Claim
	// Answer, when set (with Claim), is saved as the claim's answer by the
	// last transaction itself, so a request that dies after writing the
	// rows leaves its result for a repeat (see ConfirmImport).
	Answer *SavedAnswer
	// Premises are those of every transaction (see Change.Premises): the
	// programme as the rows were planned on.
	Premises []Premise
}

// ImportTemplate is a template for an import: its file name, media type
// and bytes.
type ImportTemplate struct {
	Name, MediaType string
	Data            []byte
}

// ReadSheet reads an uploaded file by its media type, as Import does: the
// web app shows the cells of the rows an import refused beside their
// problems.
func (s *Service) ReadSheet(f ImportFile) (domain.Sheet, error) { return s.readSheet(f) }

// readSheet reads an uploaded file by its media type.
func (s *Service) readSheet(f ImportFile) (domain.Sheet, error) {
	if len(f.Data) > domain.MaxImportBytes {
		if f.MediaType == domain.MediaXLSX { // a workbook's formatting takes room its figures as CSV do not
			return domain.Sheet{}, domain.Errorf(domain.CodeTooLarge, "the file is larger than 4 MiB: split it, or send it as CSV")
		}
		return domain.Sheet{}, domain.Errorf(domain.CodeTooLarge, "the file is larger than 4 MiB: split its rows into two or more files")
	}
	switch f.MediaType {
	case domain.MediaCSV:
		return sheet.ReadCSV(f.Data)
	case domain.MediaXLSX:
		if s.workbooks != nil {
			return s.workbooks.Read(f.Data)
		}
	}
	return domain.Sheet{}, domain.Errorf(domain.CodeUnsupportedMedia,
		"send a CSV file (text/csv) or an Excel workbook (%s)", domain.MediaXLSX)
}

// canImport checks the caller may import at all: leads, and project leads
// (for their own projects, checked row by row). Funders read only.
func (sc *Scope) canImport() error {
	if err := sc.load(); err != nil {
		return err
	}
	if !sc.access.CanManage() && len(sc.access.Projects) == 0 {
		return forbidden("import figures")
	}
	return nil
}

// MayImport is Import's access check on its own, for a replay of a saved
// answer to f: the caller may import, and may record figures for the
// project of every row of f, so an answer holding other projects'
// submissions and corrections is not handed to a caller who may no longer
// write them (refused as Import refuses a file whose only fault is such
// rows). A caller who manages the programme may write every project's
// rows: nothing more is read; a project lead's check lists the projects,
// as Import does, to tell which each row names.
func (sc *Scope) MayImport(f ImportFile) error {
	sh, err := sc.importableSheet(f)
	if err != nil {
		return err
	}
	return sc.mayImportSheet(sh)
}

// mayImportSheet is MayImport's check of a sheet read (a file sent, or the
// sheet a preview kept), the caller's access to import at all known.
func (sc *Scope) mayImportSheet(sh domain.Sheet) error {
	if sc.access.CanManage() {
		return nil
	}
	projects, err := all(func(p Page) ([]domain.Project, string, error) {
		return sc.s.store.ListProjects(sc.ctx, sc.programmeID, p)
	})
	if err != nil {
		return storeErr(err, "", nil)
	}
	if refused := sc.refusedRows(domain.ReadImport(sh, projects)); len(refused) > 0 {
		return rowsForbidden(refused)
	}
	return nil
}

// Import reads a file of figures and, unless dryRun, stores each row as a
// submission by the caller. Any bad row refuses the whole file (400,
// naming rows[N].column: a bad cell, personal data, a period the rules
// refuse figures for), every bad row in one answer; a row for a project
// the caller may not record figures for refuses it too (named with the
// others, or 403 when it is the only fault).
func (sc *Scope) Import(f ImportFile, dryRun bool) (domain.ImportResult, error) {
	sh, err := sc.importableSheet(f)
	if err != nil {
		return domain.ImportResult{}, err
	}
	return sc.importSheet(sh, dryRun)
}

// importableSheet is f's first sheet, read once the caller may import.
func (sc *Scope) importableSheet(f ImportFile) (domain.Sheet, error) {
	if err := sc.canImport(); err != nil {
		return domain.Sheet{}, err
	}
	return sc.s.readSheet(f)
}

// importSheet is Import of a sheet already read.
func (sc *Scope) importSheet(sh domain.Sheet, dryRun bool) (domain.ImportResult, error) {
	res, _, _, err := sc.importSheetPlanned(sh, dryRun)
	return res, err
}

// importSheetPlanned is importSheet, also giving the file read and the
// plan it was imported (or, with dryRun, would be imported) by.
func (sc *Scope) importSheetPlanned(sh domain.Sheet, dryRun bool) (domain.ImportResult, domain.ImportFile, importPlan, error) {
	file, setup, refused, err := sc.readImport(sh)
	if err != nil {
		return domain.ImportResult{}, file, importPlan{}, err
	}
	if len(file.Problems) > 0 || len(refused) > 0 {
		return domain.ImportResult{}, file, importPlan{}, sc.refuseImport(file, refused)
	}
	plan, err := sc.planImport(file, setup)
	if err != nil {
		return domain.ImportResult{}, file, importPlan{}, err
	}
	if err := sc.checkPreviewed(file, plan, nil); err != nil {
		return domain.ImportResult{}, file, importPlan{}, err
	}
	res := plan.result(dryRun)
	if dryRun {
		res.Additions, res.Columns = plan.additions(file), file.Columns
		return res, file, plan, nil
	}
	if len(plan.writes()) == 0 {
		return res, file, plan, nil
	}
	res, err = sc.writeImport(file, setup, plan)
	return res, file, plan, err
}

// previewedPlan is what a preview's plan says each row of file does, to
// keep for its confirmation.
func previewedPlan(file domain.ImportFile, plan importPlan) []PreviewedRow {
	out := make([]PreviewedRow, len(plan.rows))
	for i, r := range plan.rows {
		out[i] = PreviewedRow{Row: file.Rows[i].Row, Action: r.action}
		if r.base != nil {
			out[i].Base, out[i].SentAt = r.base.ID, r.base.SubmittedAt
			if r.action == domain.ImportCorrect {
				out[i].Status = r.base.Status
			}
		}
	}
	return out
}

// checkPreviewed refuses, for a confirmation, the rows of plan (those of
// only, by index, or all when nil) whose plan is not what the preview
// showed (sc.previewed): a row the preview showed as new or unchanged that
// would now correct figures, or one correcting a submission that has since
// been corrected or reviewed. Storing it would store what no one checked
// (audit import2 D3: a project lead's correction, made after the preview,
// was silently corrected again). A row now unchanged, whatever the preview
// showed, stores nothing, and its figures are the file's: it passes. The
// refusal is a conflict naming each row, keyed rows[N].periodStart.
func (sc *Scope) checkPreviewed(file domain.ImportFile, plan importPlan, only []int) error {
	if sc.previewed == nil {
		return nil
	}
	rows := only
	if rows == nil {
		rows = make([]int, len(plan.rows))
		for i := range rows {
			rows[i] = i
		}
	}
	problems := domain.Problems{}
	for _, i := range rows {
		r, row := plan.rows[i], file.Rows[i]
		was, ok := sc.previewed[row.Row]
		if !ok {
			problems.Add(domain.RowField(row.Row, domain.ColPeriodStart), "was not in the file previewed: preview the file again")
			continue
		}
		if problem := previewChanged(was, r); problem != "" {
			problems.Add(domain.RowField(row.Row, domain.ColPeriodStart), problem)
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return &domain.Error{Code: domain.CodeConflict, Fields: problems, Err: ErrPreviewChanged,
		Message: "figures in fundtrack changed after your preview, so the rows named would no longer do what it showed: " +
			"nothing was imported; upload the file again to see what it would do now"}
}

// ErrPreviewChanged marks checkPreviewed's refusal: each row named (keyed
// by its Period start, for the API) no longer does what the preview showed.
var ErrPreviewChanged = errors.New("the figures changed after the preview")

// previewChanged is the problem with a row planned as r whose preview
// planned was, or "" when r stores what the preview showed.
func previewChanged(was PreviewedRow, r plannedRow) string {
	if r.action == domain.ImportUnchanged {
		return ""
	}
	sent := func(o *domain.Outcome) string { return domain.UKDate(o.SubmittedAt).Long() }
	switch {
	case was.Action == domain.ImportCreate && r.action == domain.ImportCreate:
		return ""
	case was.Action == domain.ImportCorrect && r.action == domain.ImportCorrect && r.base != nil && r.base.ID == was.Base && r.base.Status == was.Status:
		return ""
	case was.Action == domain.ImportCorrect && r.base != nil && r.base.ID == was.Base:
		return "the figures this row corrects (sent on " + domain.UKDate(was.SentAt).Long() + ") were reviewed after your preview (" +
			string(r.base.Status) + " now): preview the file again to see what this row would change"
	case was.Action == domain.ImportCorrect && r.base != nil:
		return "the figures this row corrects (sent on " + domain.UKDate(was.SentAt).Long() + ") were corrected after your preview, on " +
			sent(r.base) + ": this row would now correct that correction, which you have not seen; preview the file again to see what it would change"
	case was.Action == domain.ImportCreate && r.base != nil:
		return "no figures had been sent for this project and period when you previewed the file; figures were sent since, on " +
			sent(r.base) + ", and this row would now correct them: preview the file again to see what it would change"
	case was.Action == domain.ImportUnchanged && r.base != nil:
		return "this row's figures were already in fundtrack when you previewed the file; they were changed since, on " +
			sent(r.base) + ", and this row would now change them back: preview the file again to see what it would change"
	}
	return "what this row would do has changed since your preview: preview the file again to see what it would do now"
}

// readImport reads the programme's projects and reporting setup, then the
// sheet's rows against them and the cohorts they name, and applies the
// roles table row by row: refused names the rows of projects the caller
// may not record figures for. Its error is only a failure to read.
func (sc *Scope) readImport(sh domain.Sheet) (domain.ImportFile, ReportingSetup, domain.Problems, error) {
	var projects []domain.Project
	var setup ReportingSetup
	err := parallel(
		func() (err error) {
			projects, err = all(func(p Page) ([]domain.Project, string, error) {
				return sc.s.store.ListProjects(sc.ctx, sc.programmeID, p)
			})
			return err
		},
		func() (err error) { setup, err = sc.setup(); return err })
	if err != nil {
		return domain.ImportFile{}, setup, nil, err
	}
	file := domain.ReadImport(sh, projects)
	withCohorts := map[string]bool{}
	for _, r := range file.Rows {
		if r.CohortText != "" && r.ProjectID != "" {
			withCohorts[r.ProjectID] = true
		}
	}
	cohorts := map[string][]domain.Cohort{}
	var mu sync.Mutex
	err = eachParallel(slices.Sorted(maps.Keys(withCohorts)), func(pid string) error {
		cs, err := all(func(p Page) ([]domain.Cohort, string, error) {
			return sc.s.store.ListCohorts(sc.ctx, sc.programmeID, pid, p)
		})
		mu.Lock()
		cohorts[pid] = cs
		mu.Unlock()
		return err
	})
	if err != nil {
		return file, setup, nil, err
	}
	file.ResolveCohorts(cohorts)
	file.CheckOverlaps()
	return file, setup, sc.refusedRows(file), nil
}

// refusedRows names the rows of file for projects the caller may not
// record figures for: the roles table, row by row.
func (sc *Scope) refusedRows(file domain.ImportFile) domain.Problems {
	refused := domain.Problems{}
	for _, r := range file.Rows {
		if r.ProjectID != "" && !sc.access.CanWriteProject(r.ProjectID) {
			refused.Add(domain.RowField(r.Row, domain.ColProject), "your role allows you to record figures for your own project only")
		}
	}
	return refused
}

// mayWriteRows checks, once the caller's access was read again in the
// middle of an import, that the caller may still import and record
// figures for the project of each of the rows todo (indexes into
// file.Rows) not yet written.
func (sc *Scope) mayWriteRows(file domain.ImportFile, todo []int) error {
	if err := sc.canImport(); err != nil {
		return err
	}
	rows := domain.ImportFile{}
	for _, i := range todo {
		rows.Rows = append(rows.Rows, file.Rows[i])
	}
	if refused := sc.refusedRows(rows); len(refused) > 0 {
		return rowsForbidden(refused)
	}
	return nil
}

// rowsForbidden is the refusal of a file whose only fault is refused,
// rows of projects the caller may not record figures for.
func rowsForbidden(refused domain.Problems) error {
	return &domain.Error{Code: domain.CodeForbidden, Fields: refused,
		Message: "your role in this programme does not allow you to record figures for the projects of the rows named: nothing was imported"}
}

// refuseImport is the answer to a file with bad rows (file.Problems) or
// rows the caller may not write (refused): one answer naming every bad
// row. The rows read without a problem are held to the period rules as
// planImport would hold them, so a row whose period cannot have figures
// is named with the bad cells rather than only once they are put right.
// They are checked even once the answer names as many problems as it
// can, so that it can say how many rows have problems (the reads are
// those planning the file makes).
// A file whose only fault is rows of others' projects is forbidden (403);
// any other is invalid (400), those rows named with the rest.
func (sc *Scope) refuseImport(file domain.ImportFile, refused domain.Problems) error {
	cells := len(file.Problems) > 0
	file.AddProblems(refused)
	periods, err := sc.periodProblems(file, file.SoundRows())
	if err != nil {
		return err
	}
	for _, own := range periods {
		file.AddProblems(own)
	}
	cells = cells || len(periods) > 0
	if !cells {
		return rowsForbidden(refused)
	}
	return file.Err()
}

// periodProblems are the problems of the rows (indexes into file.Rows)
// whose periods the API would refuse figures for, each row's own, in the
// rows' order: each row planned against its project's submissions
// (importHistory), as replan plans it. A list, not one Problems, which
// would stop at MaxProblems: ImportFile.AddProblems counts every row.
func (sc *Scope) periodProblems(file domain.ImportFile, rows []int) ([]domain.Problems, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	current, _, err := sc.importHistory(file, rows)
	if err != nil {
		return nil, err
	}
	today := domain.UKDate(sc.s.now())
	var periods []domain.Problems
	for _, i := range rows {
		row := file.Rows[i]
		if field, problem := domain.HeldTwice(row, current[row.ProjectID]); problem != "" {
			periods = append(periods, domain.Problems{field: problem})
			continue
		}
		action, in, old := domain.PlanRow(row, file.Columns, current[row.ProjectID])
		if action == domain.ImportCreate {
			if field, problem := domain.OverlapProblem(row, current[row.ProjectID]); problem != "" {
				periods = append(periods, domain.Problems{field: problem})
				continue
			}
		}
		if action != domain.ImportUnchanged {
			if own := sc.rowPeriodProblems(row, in, old, today); own != nil {
				periods = append(periods, own)
			}
		}
		if action == domain.ImportCorrect {
			if field, problem := domain.KeptCountsProblem(row, file.Columns, in); problem != "" {
				periods = append(periods, domain.Problems{field: problem})
			}
		}
	}
	return periods, nil
}

// rowPeriodProblems are the problems, keyed by row, the API's period rule
// (Outcome.CheckPeriod) finds with a row's figures in, correcting old (nil
// for new figures); nil when it finds none.
func (sc *Scope) rowPeriodProblems(row domain.ImportRow, in domain.OutcomeInput, old *domain.Outcome, today domain.Date) domain.Problems {
	o := domain.Outcome{ProjectID: row.ProjectID, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd}
	var verr *domain.Error
	if !errors.As(o.CheckPeriod(old, sc.programme, today), &verr) {
		return nil
	}
	own := domain.Problems{}
	for field, problem := range verr.Fields {
		own[domain.RowField(row.Row, field)] = problem
	}
	return own
}

// importPlan is what each row of a file does.
type importPlan struct {
	rows    []plannedRow
	ignored []string         // the headings of the columns not imported
	notes   []domain.Warning // what of the sheet was not read (domain.SheetNotes)
}

type plannedRow struct {
	action domain.ImportAction
	id     string          // the submission holding the row's figures once written
	base   *domain.Outcome // the submission it corrects, or that holds its figures already
	sub    *Submission     // to write; nil when unchanged
	change Change
	// correction is what a corrected row changes, for the answer.
	correction *domain.ImportCorrection
	// warning is what the answer says of the row's new figures, if
	// anything: the return they do not fill (domain.NoReturnWarning).
	warning *domain.Warning
}

func (p importPlan) result(dryRun bool) domain.ImportResult {
	res := domain.ImportResult{Rows: len(p.rows), Submissions: []string{}, DryRun: dryRun,
		IgnoredColumns: append([]string{}, p.ignored...), Corrections: []domain.ImportCorrection{},
		Warnings: append([]domain.Warning{}, p.notes...)}
	for _, r := range p.rows {
		if r.correction != nil {
			res.Corrections = append(res.Corrections, *r.correction)
		}
		if r.warning != nil {
			res.Warnings = append(res.Warnings, *r.warning)
		}
		switch r.action {
		case domain.ImportCreate:
			res.Created++
		case domain.ImportCorrect:
			res.Corrected++
		default:
			res.Unchanged++
		}
		if !dryRun {
			res.Submissions = append(res.Submissions, r.id)
		}
	}
	return res
}

// additions are what the rows of file planned as new submissions store,
// in the sheet's order.
func (p importPlan) additions(file domain.ImportFile) []domain.ImportAddition {
	out := []domain.ImportAddition{}
	for i, r := range p.rows {
		if r.action == domain.ImportCreate {
			out = append(out, domain.Addition(file.Rows[i]))
		}
	}
	return out
}

// writes are the indexes of the rows that write a submission.
func (p importPlan) writes() []int {
	var out []int
	for i, r := range p.rows {
		if r.sub != nil {
			out = append(out, i)
		}
	}
	return out
}

// planImport decides what each row does against the submissions there
// now (read per project, every correction chain with it) and plans each
// write as SubmitOutcome plans its one: its review status, the approved
// figures it takes over from, the returns it fills (rows of one return
// chained in the file's order) and the email a pending one calls for.
func (sc *Scope) planImport(file domain.ImportFile, setup ReportingSetup) (importPlan, error) {
	return sc.replan(file, setup, nil, nil)
}

// replan plans the rows of file; only, when not nil, limits it to those
// rows (by index), the others keeping their plan in prev.
func (sc *Scope) replan(file domain.ImportFile, setup ReportingSetup, only []int, prev *importPlan) (importPlan, error) {
	todo := only
	if todo == nil {
		todo = make([]int, len(file.Rows))
		for i := range todo {
			todo[i] = i
		}
	}
	current, byID, err := sc.importHistory(file, todo)
	if err != nil {
		return importPlan{}, err
	}
	plan := importPlan{rows: make([]plannedRow, len(file.Rows)), ignored: file.Columns.Ignored, notes: file.Notes}
	if prev != nil {
		copy(plan.rows, prev.rows)
	}
	now := sc.s.now()
	var subs []*Submission
	var subRows []int // the index in file.Rows of each of subs
	// The rows whose periods the API would refuse, or that hold two
	// submissions, counted past the problems an answer names; and those
	// whose figures would contradict each other once a correction keeps
	// those the sheet has no column for (domain.KeptCountsProblem).
	periods, figures := file.Blank(), file.Blank()
	for _, i := range todo {
		row := file.Rows[i]
		if field, problem := domain.HeldTwice(row, current[row.ProjectID]); problem != "" {
			periods.AddProblems(domain.Problems{field: problem})
			continue
		}
		action, in, old := domain.PlanRow(row, file.Columns, current[row.ProjectID])
		if action == domain.ImportUnchanged {
			plan.rows[i] = plannedRow{action: action, id: old.ID, base: old}
			continue
		}
		if action == domain.ImportCreate {
			// New figures for a period sharing days with another's would
			// count the same people twice.
			if field, problem := domain.OverlapProblem(row, current[row.ProjectID]); problem != "" {
				periods.AddProblems(domain.Problems{field: problem})
				continue
			}
		}
		if own := sc.rowPeriodProblems(row, in, old, domain.UKDate(now)); own != nil {
			periods.AddProblems(own)
			continue
		}
		if action == domain.ImportCorrect {
			if field, problem := domain.KeptCountsProblem(row, file.Columns, in); problem != "" {
				figures.AddProblems(domain.Problems{field: problem})
				continue
			}
		}
		base := domain.Outcome{ID: domain.NewID(), ProjectID: row.ProjectID, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd,
			CohortID: in.CohortID, Counts: in.Counts, Measures: in.Measures, Notes: in.Notes, Replaces: in.Replaces,
			SubmittedAt: now, SubmittedBy: sc.caller.Email}
		o := domain.NewSubmission(base, old, sc.programme.ReviewOutcomes)
		var counted *domain.Outcome
		if o.Status == domain.OutcomeApproved && o.ReplacesApproved != "" {
			c, ok := byID[o.ReplacesApproved]
			if !ok {
				return importPlan{}, fmt.Errorf("submission %s is missing", o.ReplacesApproved)
			}
			counted = &c
		}
		sub := &Submission{Outcome: o, Old: old, Figures: domain.Submitting(o, old, counted), Seq: setup.Seq}
		action2, before := domain.ActionCreate, any(nil)
		if old != nil {
			action2, before = domain.ActionCorrect, old
		}
		ch := sc.change(domain.EntityOutcome, o.ID, action2, before, o)
		ch.Claim = nil // an import commits its claim once, with its last transaction
		plan.rows[i] = plannedRow{action: action, id: o.ID, base: old, sub: sub, change: ch}
		if old != nil {
			c := domain.Correction(row, in, *old)
			plan.rows[i].correction = &c
		}
		subs = append(subs, sub)
		subRows = append(subRows, i)
	}
	if len(figures.Problems) > 0 {
		// One answer naming every row: the figures' problems are the
		// file's own (ImportFile.Err), the periods' named with them.
		figures.AddProblems(periods.Problems)
		return importPlan{}, figures.Err()
	}
	if err := periods.PeriodsErr(); err != nil {
		return importPlan{}, err
	}
	if err := sc.importFills(setup, subs); err != nil {
		return importPlan{}, err
	}
	// New figures that fill no return, with a word on why: outside the
	// project's dates, or a few days off a return's period (a typo).
	for k, sub := range subs {
		i := subRows[k]
		plan.rows[i].warning = nil
		if sub.Old != nil || len(sub.Returns) > 0 {
			continue
		}
		if w, ok := domain.NoReturnWarning(file.Rows[i], setup.Schedules); ok {
			plan.rows[i].warning = &w
		}
	}
	// A row's new figures filling a return sent back take over the
	// submission sent back, as the API's do (takeOvers): read from the
	// history, no request more.
	find := func(id string) (domain.Outcome, bool, error) { o, ok := byID[id]; return o, ok, nil }
	for _, sub := range subs {
		if sub.TakesOver, err = sc.takeOvers(sub.Outcome, sub.Returns, find); err != nil {
			return importPlan{}, err
		}
	}
	return plan, nil
}

// importHistory reads the submissions of the projects of the rows todo
// (indexes into file.Rows), every correction chain with them: each
// project's current submissions (domain.CurrentSubmissions), and every
// submission by id.
func (sc *Scope) importHistory(file domain.ImportFile, todo []int) (map[string][]domain.Outcome, map[string]domain.Outcome, error) {
	projects := map[string]bool{}
	for _, i := range todo {
		projects[file.Rows[i].ProjectID] = true
	}
	history := map[string][]domain.Outcome{}
	var mu sync.Mutex
	err := eachParallel(slices.Sorted(maps.Keys(projects)), func(pid string) error {
		os, err := Every(historyPage, func(p Page) ([]domain.Outcome, string, error) {
			return sc.s.store.ListOutcomes(sc.ctx, sc.programmeID, pid, OutcomeFilter{}, p)
		})
		mu.Lock()
		history[pid] = os
		mu.Unlock()
		if err != nil {
			return storeErr(err, "", nil)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	current := map[string][]domain.Outcome{}
	byID := map[string]domain.Outcome{}
	for pid, os := range history {
		current[pid] = domain.CurrentSubmissions(os)
		for _, o := range os {
			byID[o.ID] = o
		}
	}
	return current, byID, nil
}

// importFills plans the returns the submissions fill, reading every return
// they may fill at once, with the rows' projects (a BatchGetItem per 100),
// each then passed from row to row in order, as it would be if each were
// submitted on its own. A return not written yet is written when its
// schedule expects it of the project as read here, premised on what it was
// planned on (see fills).
func (sc *Scope) importFills(setup ReportingSetup, subs []*Submission) error {
	type slot struct {
		cur      domain.Return
		found    bool
		schedule domain.Schedule
	}
	slots := map[string]*slot{}
	var gets []*Get
	projects := map[string]*Get{}
	perSub := make([][]string, len(subs))
	for i, sub := range subs {
		o := sub.Outcome
		for _, s := range setup.Schedules {
			if !s.Covers(o.ProjectID) {
				continue
			}
			if _, ok := s.PeriodOf(o.PeriodStart, o.PeriodEnd); !ok {
				continue
			}
			id := domain.ReturnID(s.ID, o.ProjectID, o.PeriodStart)
			perSub[i] = append(perSub[i], id)
			if slots[id] == nil {
				slots[id] = &slot{schedule: s}
				gets = append(gets, &Get{Ref: domain.Ref(domain.EntityReturn, id), Into: &domain.Return{}})
			}
			if projects[o.ProjectID] == nil {
				projects[o.ProjectID] = &Get{Ref: domain.Ref(domain.EntityProject, o.ProjectID), Into: &domain.Project{}}
			}
		}
	}
	if err := sc.load(); err != nil {
		return err
	}
	if len(gets) > 0 {
		all := slices.Clone(gets)
		for _, id := range slices.Sorted(maps.Keys(projects)) {
			all = append(all, projects[id])
		}
		if err := sc.load(all...); err != nil {
			return err
		}
	}
	for _, g := range gets {
		if g.Found {
			s := slots[g.Ref.ID]
			s.cur, s.found = *g.Into.(*domain.Return), true
		}
	}
	now := sc.s.now()
	expected := func(s *slot, o domain.Outcome) bool {
		if s.found || s.cur.ID != "" {
			return true
		}
		pr := domain.Project{ID: o.ProjectID}
		if g := projects[o.ProjectID]; g != nil && g.Found {
			pr = *g.Into.(*domain.Project)
		}
		e, ok := s.schedule.ReturnFor(pr, o.PeriodStart, o.PeriodEnd, now)
		s.cur = e
		return ok
	}
	for i, sub := range subs {
		o := sub.Outcome
		var ws []ReturnWrite
		var schedules []domain.Schedule
		for _, id := range perSub[i] {
			s := slots[id]
			schedules = append(schedules, s.schedule)
			if !expected(s, o) {
				continue
			}
			after, ok := s.cur.Fill(o)
			if !ok {
				continue
			}
			var before *domain.Return
			if s.found {
				b := s.cur
				before = &b
				after.Version = b.Version + 1
			} else {
				after.Version = 1
			}
			ws = append(ws, ReturnWrite{Before: before, After: after})
			s.cur, s.found = after, true // the next row filling it finds it so
		}
		var project *domain.Project
		if g := projects[o.ProjectID]; g != nil && g.Found {
			project = g.Into.(*domain.Project)
		}
		sub.Returns, sub.Planned = ws, createdOn(schedules, project, ws)
		if o.Status == domain.OutcomePending {
			n := sc.submissionNotice(o, domain.KindAwaitingReview, ws)
			sub.Notify = &n
		}
	}
	return nil
}

// writeImport takes the programme's import lock, plans the rows again
// under it and writes them. When a transaction finds something it was planned on changed (a
// submission corrected or reviewed meanwhile, a return filled, a schedule
// added), the rows not yet written are planned again from a fresh read and
// the import goes on. A failure that stops it leaves what was written
// counted once, and the answer says to send the file again to finish.
func (sc *Scope) writeImport(file domain.ImportFile, setup ReportingSetup, plan importPlan) (domain.ImportResult, error) {
	lock := domain.NewID()
	if err := sc.s.store.LockImports(sc.ctx, sc.programmeID, lock, sc.s.now(), ImportLease); err != nil {
		if errors.Is(err, ErrConflict) {
			return domain.ImportResult{}, domain.Errorf(domain.CodeConflict,
				"another import into this programme is still running: wait for it to finish, then send this file again")
		}
		return domain.ImportResult{}, storeErr(err, "programme", nil)
	}
	defer func() {
		// Released even when the request's time ran out: ctx may be done.
		sc.leftOver("releasing the import lock", sc.s.store.UnlockImports(context.WithoutCancel(sc.ctx), sc.programmeID, lock))
	}()
	// The rows to write are planned again from what is there now that the
	// lock is held: the plan made before it predates any import that held
	// the lock meanwhile, and one of the same file (sent twice at once)
	// has written those rows, which this plan would create a second time,
	// counting their figures twice. No transaction checks that a row's
	// project and period still has no submission, so only the lock can.
	// (The setup need not be read again: every transaction checks it.)
	plan, err := sc.replan(file, setup, plan.writes(), &plan)
	if err != nil {
		return domain.ImportResult{}, err
	}
	if err := sc.checkPreviewed(file, plan, plan.writes()); err != nil {
		return domain.ImportResult{}, err
	}
	written := map[int]bool{}
	todo := plan.writes()
	if len(todo) == 0 {
		return plan.result(false), nil
	}
	// Written grouped by project and in period order, whatever the file's
	// order: a transaction then touches few projects' checks and series
	// items, so more rows fit in each (twice as many for a file sorted by
	// month). Rows of one project and period keep the file's order.
	slices.SortStableFunc(todo, func(a, b int) int {
		ra, rb := file.Rows[a], file.Rows[b]
		return cmp.Or(cmp.Compare(ra.ProjectID, rb.ProjectID), ra.PeriodEnd.Time().Compare(rb.PeriodEnd.Time()))
	})
	// stop answers an import cut off after writing some rows, having made
	// due what those rows fire (as a finished import does: the rows are
	// stored, and their figures count) while the request still has time;
	// the notifier's next run is left only what it cannot. written is the
	// rows of plan, the last plan any was written by.
	stop := func(err error, plan importPlan, total int) error {
		if len(written) > 0 && sc.ctx.Err() == nil {
			sc.releaseImport(plan, written)
		}
		return sc.cutOff(err, len(written), total, false)
	}
	for round := 1; ; round++ {
		// Each transaction checks the programme is still as the rows were
		// planned on (review, dates), as SubmitOutcome's does: a change of
		// it landing between two of them refuses the next, and the rows
		// left are planned again on it.
		b := ImportBatch{Lock: lock, Claim: sc.claim, Premises: sc.asRead(submissionReads...)}
		if sc.claim != nil && sc.resultWithRows {
			// What this batch answers once it is all written.
			a, err := importAnswer(plan.result(false))
			if err != nil {
				return domain.ImportResult{}, stop(err, plan, len(written)+len(todo))
			}
			b.Answer = &a
		}
		for _, i := range todo {
			b.Submissions = append(b.Submissions, *plan.rows[i].sub)
			b.Changes = append(b.Changes, plan.rows[i].change)
		}
		n, err := sc.s.store.ImportOutcomes(sc.ctx, sc.programmeID, b)
		for _, i := range todo[:n] {
			written[i] = true
		}
		todo = todo[n:]
		if err == nil {
			sc.resultSaved = b.Answer != nil
			sc.releaseImport(plan, written)
			return plan.result(false), nil
		}
		var corrected *AlreadyCorrectedError
		if round < maxPlans && (errors.Is(err, ErrChanged) || errors.As(err, &corrected)) {
			if serr := sc.planAgain(err, &setup, func() error { return sc.mayWriteRows(file, todo) }); serr != nil {
				if code := domain.ErrorCode(serr); code == domain.CodeNotFound || code == domain.CodeForbidden {
					// The caller may no longer write the rows left (removed
					// from the programme, or its roles changed meanwhile):
					// refused as any request of theirs now is, not asked to
					// send the file again. The rows stored landed first and
					// stay; the notifier makes due what they fire.
					return domain.ImportResult{}, serr
				}
				return domain.ImportResult{}, stop(serr, plan, len(plan.writes()))
			}
			next, err := sc.replan(file, setup, todo, &plan)
			if err == nil {
				// Rows written already stay; the rest are held to the preview.
				err = sc.checkPreviewed(file, next, todo)
			}
			if err != nil {
				return domain.ImportResult{}, stop(err, plan, len(plan.writes()))
			}
			plan = next
			todo = slices.DeleteFunc(slices.Clone(todo), func(i int) bool { return plan.rows[i].sub == nil })
			if len(todo) == 0 {
				// Nothing left to write: what was written fires its payments.
				sc.releaseImport(plan, written)
				return plan.result(false), nil
			}
			continue
		}
		// A transaction whose answer the deadline cut off, or the
		// database never gave (domain.ErrMaybeSaved), may have been
		// committed all the same: its rows are then stored, though not
		// counted in written.
		unsure := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || sc.ctx.Err() != nil ||
			errors.Is(err, domain.ErrMaybeSaved)
		if len(written) > 0 && sc.ctx.Err() == nil {
			sc.releaseImport(plan, written)
		}
		return domain.ImportResult{}, sc.cutOff(err, len(written), len(written)+len(todo), unsure)
	}
}

// releaseImport makes due, once an import is written, the payments its
// rows fire: those on targets its counted figures (without review) take
// over their thresholds, and on the returns it accepts, as an approval
// makes due those its own figures fire (planRelease), in one transaction
// of their own (ReleasePayments): the rows are written many transactions
// apart, so the figures are judged as stored, after the last. What reads
// it needs are bounded as an approval's: one Query of the payments
// waiting on targets, one of those waiting on returns (not one a return:
// a file may accept hundreds), one read of at most maxRelease by key, one
// of the figures. Those it leaves (more than it reads, or planned again
// too often) the notifier makes due: every counted row marked the
// programme's figures changed. A failure here leaves the import as
// written, and the payments to the notifier's next run.
func (sc *Scope) releaseImport(plan importPlan, written map[int]bool) {
	rc := releaseCase{written: true, anyReturn: true}
	for _, i := range slices.Sorted(maps.Keys(written)) {
		sub := plan.rows[i].sub
		if sub == nil {
			continue
		}
		rc.fc.Count = append(rc.fc.Count, sub.Figures.Count...)
		rc.fc.Uncount = append(rc.fc.Uncount, sub.Figures.Uncount...)
		rc.ws = append(rc.ws, sub.Returns...)
	}
	for try := 1; try <= releaseTries; try++ {
		rel, err := sc.planReleaseOf(rc)
		if err != nil || (len(rel.Falling) == 0 && !rel.Later) {
			sc.leftOver("making due the payments the import fires", err)
			return
		}
		err = sc.s.store.ReleasePayments(sc.ctx, sc.programmeID, rel)
		if !errors.Is(err, ErrChanged) {
			sc.leftOver("making due the payments the import fires", err)
			return
		}
	}
}

// ErrPartlyImported marks the refusal of an import that stopped after
// storing some of its rows (cutOff): its message says how many.
var ErrPartlyImported = errors.New("the import stopped after storing some of its rows")

// cutOff is the answer to an import stopped after writing some rows (or,
// unsure, perhaps some: its last transaction's answer was cut off): the
// storage error's own code, and a message saying how to finish it. An
// import stopped before writing anything, sure of it, answers the error
// alone (nothing was saved).
func (sc *Scope) cutOff(err error, written, total int, unsure bool) error {
	err = storeErr(err, "programme", nil)
	var de *domain.Error
	if (written == 0 && !unsure) || !errors.As(err, &de) {
		return err
	}
	outOfTime := errors.Is(err, context.DeadlineExceeded) || errors.Is(sc.ctx.Err(), context.DeadlineExceeded)
	// A write the database never answered, its time not run out (the
	// connection dropped): the API's words for it (domain.MaybeSavedMessage)
	// speak of an Idempotency-Key, where sending the file again is the way.
	unanswered := !outOfTime && errors.Is(err, domain.ErrMaybeSaved)
	if written == 0 {
		// Never "nothing was saved": the transaction may have been
		// committed by the database after the request stopped waiting.
		why := "the import ran out of time for one request while storing its first rows"
		if unanswered {
			why = "the database did not answer the import while it stored its first rows"
		}
		return &domain.Error{Code: de.Code, Err: fmt.Errorf("%w: %w", ErrPartlyImported, err), Public: true, Fields: de.Fields, Message: why +
			", so some of its " + strconv.Itoa(total) + " new or corrected rows may have been stored: send the same file again to finish it; " +
			"any rows already stored are unchanged by it, so none counts twice"}
	}
	if errors.Is(err, ErrPreviewChanged) {
		return &domain.Error{Code: de.Code, Err: fmt.Errorf("%w: %w", ErrPartlyImported, err), Public: true, Fields: de.Fields, Message: "the import stopped after storing " +
			strconv.Itoa(written) + " of its " + strconv.Itoa(total) + " new or corrected rows: figures in fundtrack changed while it ran, " +
			"so the rows named would no longer do what the preview showed; upload the file again to see what the rest would do " +
			"(the rows already stored show as unchanged)"}
	}
	why := de.Message
	switch {
	case outOfTime:
		// Not the database's fault, and waiting will not help: the
		// request's time ran out, and the next send starts where this
		// one stopped.
		why = "it ran out of time for one request"
	case unanswered:
		why = "the database did not answer one of its writes"
	}
	// "At least": a transaction cut off by the deadline may still have
	// been committed by the database.
	return &domain.Error{Code: de.Code, Err: fmt.Errorf("%w: %w", ErrPartlyImported, err), Public: true, Fields: de.Fields, Message: "the import stopped after storing at least " +
		strconv.Itoa(written) + " of its " + strconv.Itoa(total) + " new or corrected rows (" + why +
		"): send the same file again to finish it; the rows already stored are unchanged by it, so none counts twice"}
}

// PreviewImport checks a file as Import does with dryRun and, when it is
// clean, keeps its first sheet's cells for StagedImport to import: the
// web app's preview, whose confirmation imports the very sheet previewed.
// It returns the counts and the staged file's id ("" when the file has
// problems, which are the error).
func (sc *Scope) PreviewImport(f ImportFile, name string) (domain.ImportResult, string, error) {
	sh, err := sc.importableSheet(f)
	if err != nil {
		return domain.ImportResult{}, "", err
	}
	res, file, plan, err := sc.importSheetPlanned(sh, true)
	if err != nil {
		return res, "", err
	}
	data, err := encodeStaged(sh, previewedPlan(file, plan)) // the checked cells, not the file (staged.go)
	if err != nil {
		return res, "", err
	}
	sum := sha256.Sum256(data)
	st := StagedFile{ID: domain.NewID(), Owner: sc.caller.Subject, Name: domain.ImportFileName(name), MediaType: StagedMediaType, Data: data,
		SHA256: hex.EncodeToString(sum[:]), Expires: sc.s.now().Add(StagedTTL)}
	if err := sc.s.store.StageFile(sc.ctx, sc.programmeID, st); err != nil {
		return res, "", storeErr(err, "programme", nil)
	}
	return res, st.ID, nil
}

// StagedImport returns a file PreviewImport kept, for its owner only;
// anyone else, or a file expired, is not found.
func (sc *Scope) StagedImport(id string) (StagedFile, error) {
	if err := sc.canImport(); err != nil {
		return StagedFile{}, err
	}
	if !domain.ValidID(id) {
		return StagedFile{}, domain.NotFound("uploaded file")
	}
	st, err := sc.s.store.StagedFile(sc.ctx, sc.programmeID, id)
	// A file staged whole, before previews kept only its sheet, is not
	// imported: uploaded again, its sheet is.
	if errors.Is(err, ErrNotFound) || (err == nil && (st.Owner != sc.caller.Subject || !st.Expires.After(sc.s.now()) ||
		st.MediaType != StagedMediaType)) {
		return StagedFile{}, domain.NotFound("uploaded file (it is kept for an hour: upload it again)")
	}
	if err != nil {
		return StagedFile{}, storeErr(err, "", nil)
	}
	sum := sha256.Sum256(st.Data)
	if hex.EncodeToString(sum[:]) != st.SHA256 {
		return StagedFile{}, fmt.Errorf("staged file %s does not match its hash", id)
	}
	return st, nil
}

// Sheet is the sheet a preview kept, as it was read: the web app shows
// the cells of the rows a confirmation refused beside their problems.
func (st StagedFile) Sheet() (domain.Sheet, error) {
	sh, _, err := decodeStaged(st.Data)
	return sh, err
}

// confirmWait bounds how long a repeat of a confirmation waits for the
// first to finish: 30 seconds, longer than an import request can last (26
// seconds, web.ImportRequestTimeout, within the imports and web functions'
// 30-second Lambda timeout), so the repeat's own request deadline ends the
// wait first. confirmPoll is how often it looks.
const (
	confirmWait = 30 * time.Second
	confirmPoll = 100 * time.Millisecond
)

// ConfirmImport imports a file PreviewImport kept, once per preview, under
// the idempotency contract the API's Idempotency-Key uses (RunOnce): the
// preview's id is the key (the caller's own), its SHA-256 the request. The
// first confirmation imports the file, saving its result as the claim's
// answer in the transaction of its last rows, so a confirmation that dies
// right after them still leaves its result; every repeat (a double click, a browser
// sending the form again, a reload) gets that result back, waiting for
// the first if it is still running, rather than importing again, which
// would find every row unchanged, or being refused because the first
// holds the import lock. A confirmation refused, or cut off half way,
// releases the key, so confirming again runs (and finishes) the import.
func (sc *Scope) ConfirmImport(id string) (StagedFile, domain.ImportResult, error) {
	st, err := sc.StagedImport(id)
	if err != nil {
		return st, domain.ImportResult{}, err
	}
	sh, previewed, err := decodeStaged(st.Data)
	if errors.Is(err, errNoPlan) {
		// Kept before previews kept their plans: uploaded again, it is.
		return st, domain.ImportResult{}, domain.NotFound("uploaded file (it is kept for an hour: upload it again)")
	}
	if err != nil {
		return st, domain.ImportResult{}, err
	}
	// What the preview showed is what is stored, or nothing is.
	sc.previewed = map[int]PreviewedRow{}
	for _, r := range previewed {
		sc.previewed[r.Row] = r
	}
	defer func() { sc.previewed = nil }()
	var (
		res      domain.ImportResult
		ran      bool  // this confirmation imported the file: res is its result
		released error // a failed import's key not released: the caller hears of it
	)
	saved, err := sc.s.Idempotency().RunOnce(sc.ctx, Once{
		Claim: ClaimFor(sc.caller, "import "+sc.programmeID+" "+st.ID), Hash: st.SHA256,
		Lease: ImportLease, Wait: confirmWait, Poll: confirmPoll,
		Log:   func(err error) { released = errors.Join(released, err) },
		Saved: func() bool { return sc.resultSaved },
	}, func(c *Claim) (SavedAnswer, error) {
		prev := sc.claim
		sc.WithClaim(c)
		sc.resultWithRows, sc.resultSaved = true, false
		defer func() { sc.WithClaim(prev); sc.resultWithRows = false }()
		var err error
		if res, err = sc.importSheet(sh, false); err != nil {
			return SavedAnswer{}, err
		}
		ran = true
		if sc.resultSaved {
			// Saved with the last rows; ConfirmImport answers with res.
			return SavedAnswer{}, nil
		}
		return importAnswer(res)
	})
	switch {
	case errors.Is(err, ErrInProgress):
		return st, res, domain.Errorf(domain.CodeRequestInProgress,
			"this file is still being imported: see your returns in a minute for its figures")
	case errors.Is(err, ErrAnswerLost):
		// Imported, but its result was lost (the request died between
		// the two): importing again stores nothing and counts the rows
		// as they now stand.
		res, err := sc.importSheet(sh, false)
		return st, res, err
	case err != nil && released != nil:
		return st, res, errors.Join(err, released)
	case err != nil:
		return st, res, err
	}
	if ran {
		return st, res, nil
	}
	// The answer is the first confirmation's, saved. It tells of the
	// rows' projects' submissions: it is given back only while the caller
	// may still import every row (MayImport), so a project lead moved to
	// another project gets the refusal a new confirmation would (403), not
	// the first one's result. StagedImport asked the rest (a funder now:
	// 403; no longer a member: 404).
	if err := sc.mayImportSheet(sh); err != nil {
		return st, domain.ImportResult{}, err
	}
	res = domain.ImportResult{}
	if err := json.Unmarshal(saved.Body, &res); err != nil {
		return st, res, fmt.Errorf("saved result of importing %s: %w", st.ID, err)
	}
	return st, res, nil
}

// importAnswer is a confirmation's answer, saved for its repeats.
func importAnswer(res domain.ImportResult) (SavedAnswer, error) {
	body, err := json.Marshal(res)
	return SavedAnswer{Status: http.StatusOK, Body: body}, err
}

// ImportTemplate is the empty sheet of an import, as CSV or as a workbook
// (mediaType), with the headers and a row for each project the caller may
// submit figures for.
func (sc *Scope) ImportTemplate(mediaType string) (ImportTemplate, error) {
	if err := sc.canImport(); err != nil {
		return ImportTemplate{}, err
	}
	projects, err := all(func(p Page) ([]domain.Project, string, error) {
		return sc.s.store.ListProjects(sc.ctx, sc.programmeID, p)
	})
	if err != nil {
		return ImportTemplate{}, err
	}
	var names []string
	for _, p := range projects {
		if sc.access.CanWriteProject(p.ID) {
			names = append(names, p.Name)
		}
	}
	switch mediaType {
	case domain.MediaCSV:
		rows := make([][]string, len(names))
		for i, n := range names {
			rows[i] = make([]string, len(domain.ImportHeaders())) // a full row: every column there to fill
			rows[i][0] = export.Text(n)
		}
		var buf bytes.Buffer
		err := export.WriteCSV(&buf, domain.ImportHeaders(), rows)
		return ImportTemplate{Name: "figures-template.csv", MediaType: export.CSVContentType, Data: buf.Bytes()}, err
	case domain.MediaXLSX:
		if sc.s.workbooks == nil {
			break
		}
		data, err := sc.s.workbooks.Template(domain.ImportHeaders(), names)
		return ImportTemplate{Name: "figures-template.xlsx", MediaType: domain.MediaXLSX, Data: data}, err
	}
	return ImportTemplate{}, domain.Errorf(domain.CodeNotFound, "no template of that kind")
}

// historyPage is the page size of an import's reads of submissions: as
// many as a Query returns (1 MB, about 2,000 submissions), so a project's
// whole history is usually one request.
const historyPage = 2000
