package web

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/service"
)

// relatedLink is the record a refusal points to instead, on its page:
// "This submission has already been corrected — see the correction".
type relatedLink struct {
	Lead, Text, Href string
	// After puts the link after the page's message: where the link is
	// the consequence ("it stays as it was decided") of what the message
	// says happened (decided already), cause comes first.
	After bool
}

// seeAlso is a refusal with a link, on its page, to the record it is
// about, where the service's error names none: a submission already
// decided, whose review form can only be refused.
type seeAlso struct {
	error
	link relatedLink
}

func (e seeAlso) Unwrap() error { return e.error }

// panicked is a page's panic, recovered: a failure of ours (500) whose
// log line carries the stack where it happened.
type panicked struct {
	value any
	stack []byte
}

func (p panicked) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// errorPage shows a refusal or failure as an NHS-style page: what happened
// and what to do, never a stack trace. Its status, title and advice are
// shared/present's for the error's code, the same the API answers with.
// Failures that are ours say only the request id; their detail goes to
// the log.
func (a *app) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	v := errorView(r, err)
	if v.Status >= 500 {
		attrs := []any{"requestId", requestID(r), "method", r.Method, "path", r.URL.Path, "status", v.Status, "err", err}
		if p := (panicked{}); errors.As(err, &p) {
			attrs = append(attrs, "stack", string(p.stack))
		}
		a.Logger.Error("web: request failed", attrs...)
		if v.Status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
	}
	a.render(w, r, v.Status, "error", v)
}

// errorView is the error page for err: shared/present's wording for it
// (its code's, or a web-only refusal's own), with the service's own
// message where present says it is written for people.
func errorView(r *http.Request, err error) *view {
	p := present.Of(err)
	v := &view{Status: p.Status, Title: p.Title, Message: p.Advice}
	var de *domain.Error
	errors.As(err, &de)
	var fc formChanged
	switch {
	case errors.As(err, &fc):
		// A form sent again changed, knowing the page of what it saved.
		if fc.saved != "" {
			v.Related = &relatedLink{Lead: "The form was saved as it was first sent —", Text: "see what was saved", Href: fc.saved}
			v.Message = "The changes you made after saving it were not saved. " + cmp.Or(fc.advice, "Change the record there, or open the form again to add another.")
		}
		return v
	case slices.ContainsFunc(present.WebOnly(), func(o error) bool { return errors.Is(err, o) }):
		return v // the web app's own refusals (present.ErrCSRF…) say all there is to say
	case errors.Is(err, domain.ErrMaybeSaved):
		// The API's words speak of an Idempotency-Key: present's speak to
		// a person.
		v.Message = p.Advice + " If the problem continues, quote this reference: " + requestID(r) + "."
	case p.Status >= 500 && de != nil && de.Public:
		v.Message = capitalise(de.Message) + ". If the problem continues, quote this reference: " + requestID(r) + "."
	case p.Status >= 500:
		v.Message = p.Advice + " If the problem continues, quote this reference: " + requestID(r) + "."
	case p.Code == domain.CodeConflict && errors.As(err, new(*service.SpendReportedError)):
		// Not a record changed meanwhile: days already reported, whose
		// return is the one to correct.
		var sr *service.SpendReportedError
		errors.As(err, &sr)
		v.Title = "Spend for these dates is already reported"
		v.Related = &relatedLink{Lead: "Spend for " + domain.PeriodText(sr.Reported.PeriodStart, sr.Reported.PeriodEnd) + " is already reported —",
			Text: "correct that return", Href: recordURL(r.PathValue("pid"), domain.Ref(domain.EntityGrant, sr.Reported.GrantID)) +
				"/spend/new?replaces=" + sr.Reported.ID}
		v.Message = "A new return cannot cover days another return already covers, or that money would be counted twice. " +
			"To change what was spent then, correct that return. To report other dates, go back and change the period. Nothing was saved."
	case errors.Is(err, export.ErrNothingToPublish) && de != nil:
		// Not a wrong address or missing access: the programme has no
		// grant the caller may publish yet, as the API's message says.
		v.Title = "There is nothing to publish yet"
		v.Message = sentence(de.Message) + " The package can be downloaded once a grant you may read has been awarded."
		v.Related = &relatedLink{Lead: "See what there is on", Text: "the grants page", Href: "/app/programmes/" + r.PathValue("pid") + "/grants"}
	case p.Code == domain.CodeConflict && de != nil && de.Related != nil:
		v.Title = "This has already been changed"
		v.Related, v.Message = related(r, *de.Related, newestDecided(err))
	case p.Code == domain.CodeValidation && (r.Method == http.MethodGet || r.Method == http.MethodHead) && de != nil && len(de.Fields) > 0:
		// A page's address it cannot read as asked (a cursor no list gave,
		// a filter it has not, a period the schedule lacks): no form to
		// show the problems beside, so the page says each of them.
		v.Message = "The web address asks for something this page cannot show: " + addressProblems(de.Fields) +
			". Go back and use the page's links and filters."
	case p.Told && de != nil && de.Message != "":
		// The service's own words say what happened and what to do: what
		// the role does not allow, an import still running, a payment
		// already paid. The code's advice would only guess.
		v.Message = sentence(de.Message) + " " + p.Then
	}
	if sa := (seeAlso{}); p.Status < 500 && v.Related == nil && errors.As(err, &sa) {
		v.Related = &sa.link
	}
	return v
}

// addressProblems lists the problems with a page's query parameters, by
// name: "cursor: not a cursor this list handed out; status: is not …".
func addressProblems(fields map[string]string) string {
	parts := make([]string, 0, len(fields))
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, name+": "+strings.TrimSuffix(fields[name], "."))
	}
	return strings.Join(parts, "; ")
}

// sentence is a service's message as a sentence of a page: capitalised,
// with a full stop.
func sentence(msg string) string {
	msg = capitalise(strings.TrimSpace(msg))
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

// newestDecided is the decision already made on the newest correction a
// refused review names ("" when it awaits review, or err is no such
// refusal).
func newestDecided(err error) domain.OutcomeStatus {
	if ac := (*service.AlreadyCorrectedError)(nil); errors.As(err, &ac) {
		return ac.NewestDecided
	}
	return ""
}

// related is the link to the record a conflict points to, and what to do.
// decided is the decision already made on it, for a submission's
// correction: a lead is then not asked to review it.
func related(r *http.Request, ref domain.RecordRef, decided domain.OutcomeStatus) (*relatedLink, string) {
	href := recordURL(r.PathValue("pid"), ref)
	if ref.Entity == domain.EntityOutcome {
		advice := "To change the figures again, correct the newest submission. Nothing was saved."
		switch {
		case !strings.HasSuffix(r.URL.Path, "/review"): // a project lead correcting, not a lead deciding
		case decided == domain.OutcomeApproved:
			advice = "The correction has been approved already: nothing awaits a decision. Nothing was saved."
		case decided == domain.OutcomeChangesRequested:
			advice = "The correction has been sent back for changes already: nothing awaits a decision until the project corrects it. Nothing was saved."
		default:
			advice = "Review the correction instead: its figures are the ones awaiting a decision. Nothing was saved."
		}
		return &relatedLink{Lead: "This submission has already been corrected —", Text: "see the correction", Href: href}, advice
	}
	if ref.Entity == domain.EntitySpend {
		return &relatedLink{Lead: "This spend return has already been corrected —", Text: "see the correction", Href: href},
			"To change the spend again, correct the newest return. Nothing was saved."
	}
	return &relatedLink{Lead: "Someone has already changed this —", Text: "see it as it is now", Href: href},
		"Make your change there if it is still needed. Nothing was saved."
}

// recordURL is the page of a record of programme pid.
func recordURL(pid string, ref domain.RecordRef) string {
	b := "/app/programmes/" + pid
	switch ref.Entity {
	case domain.EntityGrant:
		return b + "/grants/" + ref.ID
	case domain.EntityPayment:
		return b + "/grants/" + ref.GrantID + "#payments"
	case domain.EntitySpend:
		return b + "/grants/" + ref.GrantID + "/spend/" + ref.ID
	case domain.EntityOutcome:
		return b + "/projects/" + ref.ProjectID + "/outcomes/" + ref.ID
	case domain.EntityPost, domain.EntityCohort, domain.EntityProject:
		if ref.ProjectID != "" {
			return b + "/projects/" + ref.ProjectID
		}
		return b + "/projects/" + ref.ID
	case domain.EntityTarget:
		return b + "/targets"
	case domain.EntityMember:
		return b + "/members"
	case domain.EntityFunder:
		return b + "/funders"
	case domain.EntitySchedule:
		return b + "/schedules"
	case domain.EntityReturn:
		if schedule, _, _, ok := domain.ParseReturnID(ref.ID); ok {
			return b + "/returns?" + url.Values{"schedule": {schedule}}.Encode()
		}
		return b + "/returns"
	case domain.EntityNotification:
		return b + "/notifications"
	}
	return b
}
