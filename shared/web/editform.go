package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/service"
)

// editForm is one create/edit page of a record of type T. Every such page
// runs the same flow (serve):
//
//  1. read the record being changed, if any: the page's first data call,
//     so it rides in the scope's access check;
//  2. the programme navigation (free by then), and whether the caller's
//     role may use the form at all;
//  3. what the page shows beside the form (Data);
//  4. GET: the form, from the record or a new one's starting values,
//     with a one-time key; POST: create or update (with the version the
//     form was opened at), once per key (saveOnce); saved, the browser
//     goes on with a GET, and so does a repeat of the post; the record
//     changed since (412), nothing is saved and the form is shown again
//     with the current values, the current version and the stale message
//     (the resent message when the form was saved, then sent again
//     changed); field problems are shown beside their fields; any other
//     refusal is its own error page.
type editForm[T any] struct {
	// Page is the template; Nav the programme navigation's section ("" for
	// a page outside any programme: creating one).
	Page, Nav string
	Fields    []field
	// ID is the record being changed, from the path; "" creates one.
	ID string
	// What names the record in the stale message ("grant").
	What string
	// Title heads the page.
	Title func(current T, f *form) string

	// May refuses a caller whose role cannot use the form (n is nil
	// outside a programme). The service refuses the POST by its own
	// rules; this decides only what is shown.
	May func(n *nav) error
	// RefuseFirst checks May before reading the record, for a form whose
	// refusal does not depend on the record (a spend return on a grant
	// the caller may not report on, a review). Without it the record is
	// read first, so one the caller may not see, or that is not there, is
	// not found (404), as reading it is, and only one they read but may
	// not change is refused (403): a post's or cohort's, as the service
	// answers its change (audit-surface N2).
	RefuseFirst bool

	// Read reads the record being changed; Values shows it in the form;
	// Version is its version, carried by an edit (nil: the record has
	// none, and there is no stale check).
	Read    func(id string) (T, error)
	Values  func(v url.Values, current T)
	Version func(T) int64
	// Start fills a new record's form when first shown (optional).
	Start func(v url.Values) error
	// Prepare readies a posted form before it is saved (optional).
	Prepare func(f *form)
	// Create saves a new record; Update changes the record ID, if the
	// form's version still matches (nil for pages that only create).
	Create func(f *form) (T, error)
	Update func(f *form, ifMatch func(int64) bool) (T, error)
	// Done is where the browser goes once the record is saved.
	Done func(n *nav, saved T) string
	// Resent is what the page refusing a create form sent again changed
	// (saved, then changed and sent again: the back button) advises,
	// beside its link to what was saved, for a record that is never
	// changed in place ("To change its figures, correct the submission
	// you saved"). "" keeps the advice for records that can be changed
	// there or added again.
	Resent string
	// Data is what the page shows beside the form (optional); "Edit" is
	// added to it.
	Data func(n *nav, current T) (map[string]any, error)
}

// serve runs the flow for one request.
func (ef editForm[T]) serve(a *app, w http.ResponseWriter, r *http.Request, q *req) error {
	editing := ef.ID != ""
	var (
		n       *nav
		current T
		err     error
	)
	read := func() error {
		if editing {
			current, err = ef.Read(ef.ID)
		}
		return err
	}
	if !ef.RefuseFirst {
		if err := read(); err != nil {
			return err
		}
	}
	if ef.Nav != "" {
		if n, err = a.open(r, q, ef.Nav); err != nil {
			return err
		}
	} else if q.Form == nil {
		// A page outside any programme reads nothing that would check the
		// session on the way (its POST's service call checks it).
		if err := a.Service.CheckSession(r.Context(), q.Caller); err != nil {
			return err
		}
	}
	if err := ef.May(n); err != nil {
		return err
	}
	if ef.RefuseFirst {
		if err := read(); err != nil {
			return err
		}
	}
	f := newForm(ef.Fields, q.Form)
	switch {
	case q.Form == nil && editing:
		ef.Values(f.Values, current)
	case q.Form == nil:
		if ef.Start != nil {
			if err := ef.Start(f.Values); err != nil {
				return err
			}
		}
	default:
		if ef.Prepare != nil {
			ef.Prepare(f)
		}
		if f.repeated() {
			break // shown again naming the field; nothing is saved
		}
		var match func(int64) bool // nil for a record with no version (a member's roles)
		if editing && ef.Version != nil {
			if match, err = versionMatch(q.Form); err != nil {
				return err
			}
		}
		var to string
		to, err = a.saveOnce(r, q, func() (string, error) {
			var (
				saved T
				err   error
			)
			if editing {
				saved, err = ef.Update(f, match)
			} else {
				saved, err = ef.Create(f)
			}
			if err != nil {
				return "", err
			}
			return ef.Done(n, saved), nil
		})
		if fc := (formChanged{}); !editing && ef.Resent != "" && errors.As(err, &fc) {
			fc.advice = ef.Resent
			err = fc
		}
		switch {
		case err == nil:
			return seeOther(w, r, to)
		case editing && (ef.Version != nil && domain.ErrorCode(err) == domain.CodePreconditionFailed || errors.Is(err, present.ErrFormChanged)):
			// Nothing of this post was saved: the form is shown again with
			// the record as it is now, and a new key, for the changes to be
			// made again on it.
			message := staleMessage(ef.What)
			if errors.Is(err, present.ErrFormChanged) {
				message = resentMessage(ef.What)
			}
			refused := err
			if current, err = ef.Read(ef.ID); err != nil {
				return err
			}
			f = newForm(ef.Fields, url.Values{})
			ef.Values(f.Values, current)
			f.Values.Set(formKeyField, randomToken())
			f.General = append(f.General, message)
			// The page answers the refusal's status: 412 for a record changed
			// since, as the API answers a stale If-Match; 409 for the form
			// sent again changed, as that refusal's own page.
			f.refuse(refused)
		case !f.fail(err):
			return err
		}
	}
	if q.Form == nil {
		// Every form carries a key of its own (see saveOnce), kept when
		// it is shown again with its errors: a record sent twice is saved
		// once, and an edit's repeat is not taken for someone else's change.
		f.Values.Set(formKeyField, randomToken())
	}
	// What the page shows beside the form is read only now that it is
	// shown: a post saved goes elsewhere without it.
	data := map[string]any{}
	if ef.Data != nil {
		if data, err = ef.Data(n, current); err != nil {
			return err
		}
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Edit"] = editing
	// An edit carries the version it was based on: the record's, unless
	// the form is shown again with the version it was posted with.
	if editing && ef.Version != nil && (!f.HasErrors() || f.Get("version") == "") {
		f.Values.Set("version", strconv.FormatInt(ef.Version(current), 10))
	}
	return a.showForm(w, r, ef.Page, &view{Title: ef.Title(current, f), Nav: n, Form: f, Data: data})
}

// titles is a page title for creating and for editing.
func titles[T any](id, create, edit string) func(T, *form) string {
	return func(T, *form) string {
		if id != "" {
			return edit
		}
		return create
	}
}

// manages refuses a caller who may not manage the programme.
func manages(what string) func(*nav) error {
	return func(n *nav) error {
		if !n.Access.CanManage() {
			return refuse(what)
		}
		return nil
	}
}

// writesProject refuses a caller who may not write to the scope's project
// prid. Every member may see whether the project exists: one that does
// not is not found, whoever asks.
func writesProject(sc *service.Scope, prid, what string) func(*nav) error {
	return func(n *nav) error {
		if _, err := sc.ThisProject(); err != nil {
			return err
		}
		if !n.Access.CanWriteProject(prid) {
			return refuse(what)
		}
		return nil
	}
}

// showForm renders a form page: 200 when first shown; shown again with its
// problems, the status of the refusal that found them (form.status).
func (a *app) showForm(w http.ResponseWriter, r *http.Request, page string, v *view) error {
	status := http.StatusOK
	if v.Form != nil {
		status = v.Form.status()
	}
	a.render(w, r, status, page, v)
	return nil
}

func staleMessage(what string) string {
	return "This " + what + " was changed by someone else after you opened it. Your changes have not been saved. " +
		"The current details are shown below: make your changes again."
}

// resentMessage answers an edit form sent again with other values after
// it was saved (the back button): the person's own first save changed the
// record, not someone else.
func resentMessage(what string) string {
	return "You already saved this form. The changes you made after saving it have not been saved. " +
		"The current details of this " + what + " are shown below: make your changes again."
}

// versionMatch is the If-Match of an edit form: the version it was opened
// at, from its version field, as the page wrote it (decode.Version). A
// field missing, or holding anything else ("-1", "abc"), is no version
// of the record the person saw: the post is refused (400) before anything
// is saved, as the API refuses such an If-Match, rather than compared
// with the record's (a "-1" was taken for any version, and the change
// tried again and again: audit-surface W1).
func versionMatch(form url.Values) (func(int64) bool, error) {
	v, ok := decode.Version(form.Get("version"))
	if !ok {
		return nil, domain.Errorf(domain.CodeValidation,
			"the form could not be read: its version field is missing or holds no version of this record; open the page again and make your changes there")
	}
	return func(current int64) bool { return v == current }, nil
}

// setDate fills an NHS date input's three boxes.
func setDate(v url.Values, name string, d domain.Date) {
	if d.IsZero() {
		return
	}
	t := d.Time()
	v.Set(name+"-day", strconv.Itoa(t.Day()))
	v.Set(name+"-month", strconv.Itoa(int(t.Month())))
	v.Set(name+"-year", strconv.Itoa(t.Year()))
}

// setAreas fills an areas box (kAreas): one area a line, its ONS code
// then its name, as the form reads it back.
func setAreas(v url.Values, name string, locs []domain.Location) {
	lines := make([]string, len(locs))
	for i, l := range locs {
		lines[i] = l.GeoCode + " " + l.Name
	}
	v.Set(name, strings.Join(lines, "\n"))
}
