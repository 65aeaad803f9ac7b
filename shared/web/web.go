// Package web is fundtrack's web app: server-rendered pages in the style of
// NHS digital services (NHS.UK frontend), served under /app/ by the web
// Lambda function and by the local runner. Every page calls the same
// service methods as the JSON API, with the same caller, so every rule of
// the roles table lives once, in the service; pages only use
// domain.Access to decide which links and forms to show.
//
// Sign-in is a SignIn: Cognito managed login (authorization code + PKCE) in
// AWS, a page of demo users locally (infra/websignin, which only the local
// runner imports). A signed-in person's session is an AES-GCM sealed,
// HttpOnly, SameSite=Lax cookie; every form carries the session's CSRF
// token and every POST is checked against it. A Cognito session trusts the
// groups of its ID token only while that token lasts, then asks Cognito
// again with its refresh token (Refresher, app.recheck).
package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth/cognito"
	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Deps are what the web app needs.
type Deps struct {
	Service  *service.Service
	Sessions *Codec
	SignIn   SignIn
	Logger   *slog.Logger
	Now      func() time.Time
	// RequestID names the request for logs and audit (API Gateway's id in
	// Lambda); nil makes a new id per request.
	RequestID func(*http.Request) string
	// Giving is how the deployment publishes 360Giving data (see
	// export.GivingConfig).
	Giving export.GivingConfig
	// Operator is who runs this deployment, shown in every page's header.
	Operator Operator
	// Static are the static files (package shared/web/static's FS), for
	// the app to serve itself under /app/static/<version>/: locally and
	// in tests.
	Static fs.FS
	// StaticURL is where a deployment serves the static files instead, one
	// version of them ("https://d1234.cloudfront.net/3f2a9c0b1d4e/"): the
	// pages link them there and the app serves none. The web function in
	// AWS takes it from FUNDTRACK_STATIC_URL. It wins over Static.
	StaticURL string
	// Timeout bounds a page's work (RequestTimeout when zero), and
	// ImportTimeout the import pages' (ImportRequestTimeout when zero).
	// Tests shorten them.
	Timeout       time.Duration
	ImportTimeout time.Duration
	// EveryDevice, if set, ends a person's sign-ins at the identity
	// provider too when they sign out on every device (in AWS, Cognito's
	// AdminUserGlobalSignOut); nil ends the app's sessions only.
	EveryDevice EveryDevice
}

// EveryDevice ends every sign-in a person has at the identity provider,
// so none can be renewed: the API clients' as well as the web app's.
type EveryDevice interface {
	SignOutEverywhere(ctx context.Context, subject string) error
}

// Operator is the organisation that runs a deployment.
type Operator struct {
	// Name is shown beside the service name ("" shows the service name alone).
	Name string
	// NHS says the operator is an NHS organisation: only then does the
	// header carry the NHS logo, which the NHS identity guidelines reserve
	// for NHS organisations.
	NHS bool
}

// SignIn is how people prove who they are.
type SignIn interface {
	// Begin answers GET /app/auth/login: a redirect to the identity
	// provider, or a page of its own rendered through ui. next is the
	// /app/ path to return to afterwards.
	Begin(w http.ResponseWriter, r *http.Request, ui UI, next string)
	// Complete answers the return to /app/auth/callback (GET or POST)
	// with the verified person and the path to return to. Any error
	// refuses the sign-in; one wrapping cognito.ErrEmailUnverified says
	// the person must verify their email address first.
	Complete(w http.ResponseWriter, r *http.Request) (SignedIn, error)
	// SignedOut is where the browser goes once the session is cleared
	// (the identity provider's logout, say).
	SignedOut(r *http.Request) string
}

// SignedIn is a completed sign-in, or a Refresher's answer.
type SignedIn struct {
	Identity domain.Identity
	// Next is the /app/ path to return to (Complete only).
	Next string
	// RefreshToken asks a Refresher for the person again; "" from a
	// sign-in that is not one, and from a refresh that keeps the old one.
	RefreshToken string
	// Expires is when the identity provider's word on Identity (its ID
	// token) expires; zero says nothing.
	Expires time.Time
}

// Refresher is a SignIn whose word on a person lasts only as long as its
// ID token (Cognito's: an hour), as the API's bearer tokens do: a session
// it started asks it again, with the refresh token it gave, once that
// word expires, and takes the person's groups from the answer. Someone
// removed from a group, or disabled, loses what it gave them within the
// hour, not at the end of the session.
type Refresher interface {
	// Refresh asks for the person again. An error wrapping
	// ErrRefreshRefused says no (the refresh token is revoked or expired,
	// the person disabled, or the answer does not verify): the session
	// ends. Any other error is a failure of the moment.
	Refresh(ctx context.Context, refreshToken string) (SignedIn, error)
	// Revoke ends a refresh token, on signing out.
	Revoke(ctx context.Context, refreshToken string) error
}

// ErrRefreshRefused is a Refresher's no.
var ErrRefreshRefused = errors.New("the identity provider refused to refresh the sign-in")

// FormTargets is implemented by a SignIn whose pages' forms lead off the
// app: the sign-out form posts to the app, which redirects to the identity
// provider's logout, and browsers hold a form's redirects to the page's
// form-action too. FormOrigins are those origins (scheme://host[:port]),
// the only ones the Content-Security-Policy lets a form reach besides the
// app itself.
type FormTargets interface {
	FormOrigins() []string
}

// UI renders a page in the app's layout, for SignIn implementations.
type UI interface {
	Page(w http.ResponseWriter, r *http.Request, status int, title string, body template.HTML)
}

// Prefix is where the web app lives.
const Prefix = "/app"

// RequestTimeout bounds a page's work, as httpapi.DefaultRequestTimeout
// bounds an API request's: with a write's grace past it
// (service.WriteGrace), within 10 seconds.
const RequestTimeout = 7 * time.Second

// maxFormBytes bounds a form post, like the API's body limit.
const maxFormBytes = 64 << 10

type app struct {
	Deps
	assets *assets
	csp    string // the Content-Security-Policy of every answer
	// pages are parsed on the first page served, not at start-up, which
	// every Lambda cold start would pay for (static assets need no parse).
	pages func() map[string]*template.Template
}

// New returns the web app's handler, serving everything under /app/.
func New(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	a := &app{Deps: d, assets: newAssets(d)}
	if a.assets.Missing {
		d.Logger.Warn("web: NHS.UK frontend assets are missing from shared/web/static: run `make assets` and rebuild")
	}
	var forms []string
	if ft, ok := d.SignIn.(FormTargets); ok {
		forms = ft.FormOrigins()
	}
	a.csp = contentSecurityPolicy(a.assets.origin, forms)
	a.pages = pagesFor(a.assets)
	mux := http.NewServeMux()
	a.routes(mux)
	return a.outer(mux)
}

type ctxKey int

const (
	requestIDKey ctxKey = iota
	sessionKey
)

// requestID is the id of the request being served.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

// outer gives each request its id and security headers, and
// turns a panic into a 500 page that names only the request id.
func (a *app) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := present.RequestID(r, a.RequestID)
		// Every page answers within the API's deadline: past it, database
		// calls give up and the person sees the 503 page.
		timeout := RequestTimeout
		if a.Timeout > 0 {
			timeout = a.Timeout
		}
		if importPage(r) {
			timeout = a.importTimeout()
		}
		ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), requestIDKey, id), timeout)
		defer cancel()
		r = r.WithContext(ctx)
		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", a.csp)
		// The pages carry the session cookie, so browsers must never be
		// talked into plain http for them (a year, as the static files'
		// CloudFront policy says). Not on plain localhost: the local
		// runner and tests serve http there, and a browser that ever saw
		// the header over https on localhost would refuse them.
		if !PlainLocalhost(r) {
			h.Set("Strict-Transport-Security", hstsValue)
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.errorPage(w, r, panicked{value: v, stack: debug.Stack()})
			}
		}()
		// An address with a stray % names no page: the transport hands it
		// on as sent, for this page to say so (decode.Target).
		if decode.Target(r) != nil {
			a.errorPage(w, r, present.ErrBadAddress)
			return
		}
		// An address with an empty segment (//) or a . or .. segment is no
		// page: ServeMux would redirect it to the address it cleans it to,
		// which the app never links to as such (decode.PlainPath).
		if !decode.PlainPath(r) {
			a.errorPage(w, r, domain.NotFound("page"))
			return
		}
		// A codec that fetches its key (the web function's, from Parameter
		// Store) does so here, on the first request that may need it, once
		// per process; static assets never need it.
		if !strings.HasPrefix(r.URL.Path, Prefix+"/static/") {
			if err := a.Sessions.Ready(ctx); err != nil {
				a.Logger.Error("web: the session key is unavailable", "requestId", id, "err", err)
				a.errorPage(w, r, errKeyUnavailable)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// hstsValue is the web pages' Strict-Transport-Security: a year, with
// subdomains, as template.yaml gives the static files.
const hstsValue = "max-age=31536000; includeSubDomains"

// contentSecurityPolicy allows the pages' styles, scripts and images from
// the app itself and from where the static files are served (origin, ""
// when that is the app), and forms to reach the app and the sign-in's
// origins alone (formOrigins, see FormTargets): an injected form could
// otherwise carry what is filled in, and the CSRF token, to any site.
func contentSecurityPolicy(origin string, formOrigins []string) string {
	own := "'self'"
	if origin != "" {
		own += " " + origin
	}
	forms := "'self'"
	for _, o := range formOrigins {
		forms += " " + o
	}
	return "default-src 'self'; img-src " + own + " data:; font-src 'self' https://assets.nhs.uk; " +
		"style-src " + own + "; script-src " + own + "; form-action " + forms + "; frame-ancestors 'none'; base-uri 'none'"
}

// route kinds: public pages need no session; the others redirect to
// sign-in without one.
type handler func(w http.ResponseWriter, r *http.Request, q *req) error

// req is one signed-in request.
type req struct {
	Session Session
	Caller  domain.Caller
	// Form is the posted form, CSRF-checked, on POST.
	Form url.Values
	// File is the file a multipart form uploaded (imports only).
	File *upload
	sc   *service.Scope // see app.scope
	// claim is the form's one-time key, held while a record is made or
	// changed (see saveOnce).
	claim *service.Claim
}

// isAdmin reports whether the caller is an administrator.
func (q *req) isAdmin() bool { return q.Caller.IsAdmin() }

func (a *app) routes(mux *http.ServeMux) {
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.errorPage(w, r, domain.NotFound("page"))
	})
	// The public addresses are registered without a method and answer
	// the others 405 themselves (only), as the pages do: with a method in
	// the pattern, ServeMux handed a PUT of the sign-in page to "/app/"
	// (404), and of /app to its redirect to /app/.
	mux.Handle("/app", a.only(map[string]http.HandlerFunc{
		http.MethodGet: func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/app/", http.StatusFound) },
	}))
	if a.assets.files != nil {
		mux.Handle("/app/static/{version}/{file...}", a.only(map[string]http.HandlerFunc{
			http.MethodGet: func(w http.ResponseWriter, r *http.Request) { a.assets.serve(w, r, notFound) },
		}))
	}
	mux.Handle("/app/auth/login", a.only(map[string]http.HandlerFunc{http.MethodGet: a.login}))
	mux.Handle("/app/auth/callback", a.only(map[string]http.HandlerFunc{http.MethodGet: a.callback, http.MethodPost: a.callback}))
	mux.Handle("/app/auth/logout", a.only(map[string]http.HandlerFunc{http.MethodPost: a.logout}))
	mux.Handle("/app/auth/logout-everywhere", a.only(map[string]http.HandlerFunc{http.MethodPost: a.logoutEverywhere}))
	mux.Handle("/app/auth/signed-out", a.only(map[string]http.HandlerFunc{http.MethodGet: a.signedOut}))

	pages := newRouter(a.pageRoutes(), a.signedIn)
	pages.notFound = notFound
	pages.refuse = a.notAllowed
	mux.Handle("/app/", pages)
	mux.Handle("/", notFound)
}

// only serves each method of handlers with its handler (GET serving HEAD
// too, as ServeMux's GET patterns do), and any other method with the 405
// page naming them in Allow.
func (a *app) only(handlers map[string]http.HandlerFunc) http.Handler {
	var allow []string
	for m := range handlers {
		allow = append(allow, m)
		if m == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	slices.Sort(allow)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := r.Method
		if m == http.MethodHead {
			m = http.MethodGet
		}
		if h, ok := handlers[m]; ok {
			h(w, r)
			return
		}
		a.notAllowed(w, r, allow)
	})
}

// notAllowed is the 405 page for a method the address does not answer,
// with Allow naming those it does.
func (a *app) notAllowed(w http.ResponseWriter, r *http.Request, allow []string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	a.errorPage(w, r, domain.Errorf(domain.CodeMethodNotAllowed, "%s is not allowed here", r.Method))
}

// session reads a valid session from the request, if there is one.
func (a *app) session(r *http.Request) (Session, bool) {
	var s Session
	if a.Sessions.ReadCookie(r, SessionCookie, &s) != nil || !s.valid(a.Now()) {
		return Session{}, false
	}
	return s, true
}

// signedIn runs a page for a signed-in person. Without a (valid) session a
// GET goes to sign-in and comes back; a POST is refused, since what it
// carried cannot be trusted. A POST must carry the session's CSRF token.
func (a *app) signedIn(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := a.session(r)
		if !ok { // none, expired or tampered
			a.signedOutNow(w, r)
			return
		}
		s, err := a.recheck(w, r, s)
		switch {
		case errors.Is(err, ErrRefreshRefused):
			a.signedOutNow(w, r)
			return
		case err != nil:
			a.errorPage(w, r, err)
			return
		}
		if _, err := decode.Query(r); err != nil { // a query read one way, as in the API
			a.errorPage(w, r, err)
			return
		}
		q := &req{Session: s, Caller: s.Caller(requestID(r))}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey, &s))
		if r.Method == http.MethodPost {
			form, file, err := a.postedForm(w, r)
			if errors.Is(err, errUploadTooLarge) && strings.HasSuffix(r.URL.Path, "/imports") {
				w.Header().Set("Cache-Control", "no-store")
				if err := a.importTooLarge(w, r, q); err != nil {
					a.errorPage(w, r, err)
				}
				return
			}
			if err != nil {
				a.errorPage(w, r, err)
				return
			}
			if !s.CheckCSRF(form.Get("csrf")) {
				a.Logger.Warn("web: CSRF token missing or wrong", "requestId", requestID(r), "path", r.URL.Path)
				a.errorPage(w, r, present.ErrCSRF)
				return
			}
			q.Form, q.File = form, file
		}
		w.Header().Set("Cache-Control", "no-store")
		if err := h(w, r, q); err != nil {
			if errors.Is(err, service.ErrSessionEnded) {
				// Signed out of (from this browser or with another copy of
				// the cookie): signed out here too.
				a.Logger.Warn("web: a session signed out of was used", "requestId", requestID(r), "path", r.URL.Path)
				a.revoke(r, s) // ended here; its refresh token too
				a.signedOutNow(w, r)
				return
			}
			a.errorPage(w, r, err)
		}
	})
}

// refreshTimeout bounds asking the identity provider for a person again,
// within the page's own deadline.
const refreshTimeout = 4 * time.Second

// errSignInUnavailable is a session whose person could not be checked
// again with the identity provider for longer than RefreshGrace.
var errSignInUnavailable = domain.Errorf(domain.CodeUnavailable, "the sign-in service is unavailable")

// due reports whether a session must be checked again with the identity
// provider before it is used: a Refresher's, once Until has passed (a
// cookie of before sessions kept it is due at once).
func (a *app) due(s Session) bool {
	_, ok := a.SignIn.(Refresher)
	return ok && !a.Now().Before(s.Until)
}

// recheck is the session to serve the request with. One that is due asks
// the Refresher for its person again, with its refresh token: the answer,
// verified as a sign-in's ID token is, gives the person's email and groups
// from now on, and the cookie is sealed again with them (once per
// Until, not once per request). A no (ErrRefreshRefused: the token
// revoked or expired, the person disabled, another person named) or no
// refresh token ends the session: an error wrapping ErrRefreshRefused.
// Any other failure keeps the groups it had for RefreshGrace past Until,
// then refuses the page as unavailable until the provider answers.
func (a *app) recheck(w http.ResponseWriter, r *http.Request, s Session) (Session, error) {
	if !a.due(s) {
		return s, nil
	}
	rf := a.SignIn.(Refresher)
	now := a.Now()
	if s.RefreshToken == "" {
		a.Logger.Warn("web: a session to check again has no refresh token: signed out", "requestId", requestID(r), "email", s.Email)
		return Session{}, fmt.Errorf("%w: no refresh token", ErrRefreshRefused)
	}
	ctx, cancel := context.WithTimeout(r.Context(), refreshTimeout)
	got, err := rf.Refresh(ctx, s.RefreshToken)
	cancel()
	if err == nil && got.Identity.Subject != s.Subject {
		err = fmt.Errorf("%w: the refreshed token names another subject", ErrRefreshRefused)
	}
	if err == nil && got.Identity.Email == "" {
		err = fmt.Errorf("%w: the refreshed token names no email", ErrRefreshRefused)
	}
	switch {
	case errors.Is(err, ErrRefreshRefused):
		a.Logger.Warn("web: the identity provider refused to refresh a session: signed out", "requestId", requestID(r),
			"email", s.Email, "err", err)
		return Session{}, err
	case err != nil && now.Before(s.Until.Add(RefreshGrace)):
		a.Logger.Warn("web: the identity provider could not refresh a session: served with its groups for now", "requestId", requestID(r),
			"email", s.Email, "until", s.Until.Add(RefreshGrace), "err", err)
		return s, nil
	case err != nil:
		a.Logger.Error("web: the identity provider could not refresh a session past its grace", "requestId", requestID(r),
			"email", s.Email, "err", err)
		return Session{}, errSignInUnavailable
	}
	s.Email, s.Groups = domain.NormaliseEmail(got.Identity.Email), got.Identity.Groups
	if got.RefreshToken != "" {
		s.RefreshToken = got.RefreshToken
	}
	s.Until = identityUntil(got.Expires, now)
	if err := a.Sessions.SetCookie(w, r, SessionCookie, s, s.Expires.Sub(now)); err != nil {
		return Session{}, err
	}
	a.Logger.Info("web: session checked again with the identity provider", "requestId", requestID(r), "email", s.Email,
		"groups", strings.Join(s.Groups, ","))
	return s, nil
}

// revoke ends a session's refresh token with the Refresher, on signing
// out; a failure is logged, not shown: the session is ended here either
// way, and the token would only be usable by someone holding the cookie.
func (a *app) revoke(r *http.Request, s Session) {
	rf, ok := a.SignIn.(Refresher)
	if !ok || s.RefreshToken == "" {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), refreshTimeout)
	defer cancel()
	if err := rf.Revoke(ctx, s.RefreshToken); err != nil {
		a.Logger.Warn("web: the refresh token could not be revoked", "requestId", requestID(r), "email", s.Email, "err", err)
	}
}

// endSignIns ends the person's sign-ins at the identity provider, after
// their sessions here have ended. If it fails the sessions stay ended (the
// promise the page makes); what is left is a refresh token an API client
// holds, which works until it expires, so it is logged as an error for
// someone to follow up.
func (a *app) endSignIns(r *http.Request, s Session) {
	if a.EveryDevice == nil {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), refreshTimeout)
	defer cancel()
	if err := a.EveryDevice.SignOutEverywhere(ctx, s.Subject); err != nil {
		a.Logger.Error("web: the identity provider could not sign the person out everywhere", "requestId", requestID(r), "email", s.Email, "err", err)
	}
}

// signedOutNow answers a request that has no session it may use: a GET
// goes to sign-in and comes back; a POST is refused, since what it carried
// cannot be trusted. A cookie it came with is cleared.
func (a *app) signedOutNow(w http.ResponseWriter, r *http.Request) {
	// A session checked again (recheck) before the service said it had
	// ended was sealed again: it is cleared instead, not set.
	h := w.Header()
	h["Set-Cookie"] = slices.DeleteFunc(h["Set-Cookie"], func(c string) bool { return strings.HasPrefix(c, SessionCookie+"=") })
	if len(h["Set-Cookie"]) == 0 {
		delete(h, "Set-Cookie")
	}
	if _, err := r.Cookie(SessionCookie); err == nil {
		ClearCookie(w, r, SessionCookie)
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, "/app/auth/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
		return
	}
	a.errorPage(w, r, present.ErrSignedOut)
}

// postedForm reads an urlencoded form of at most 64 KiB, or, on the
// import upload page, a multipart form with its one file.
func (a *app) postedForm(w http.ResponseWriter, r *http.Request) (url.Values, *upload, error) {
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/form-data") && importPage(r) {
		return a.uploadForm(w, r)
	}
	if !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, nil, domain.Errorf(domain.CodeUnsupportedMedia, "send the form as application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, domain.Errorf(domain.CodeTooLarge, "the form is larger than %d KiB: shorten what you typed", maxFormBytes>>10)
		}
		return nil, nil, domain.Errorf(domain.CodeValidation, "the form could not be read")
	}
	if err := repeatedHidden(r.PostForm); err != nil {
		return nil, nil, err
	}
	return r.PostForm, nil, nil
}

// hiddenFields are the fields of one value every form may carry that no
// one types: its CSRF token, its one-time key, the version an edit was
// opened at and an import's staged file. One given twice is refused
// before anything reads it, naming it (a field a person types is named on
// its form instead: form.repeated).
var hiddenFields = []string{"csrf", formKeyField, "version", "staged"}

func repeatedHidden(form url.Values) error {
	for _, name := range hiddenFields {
		if len(form[name]) > 1 {
			return domain.Errorf(domain.CodeValidation, "the form could not be read: its %s field %s", name, decode.ProblemTwice)
		}
	}
	return nil
}

// errKeyUnavailable is a page that needs the session key before Parameter
// Store has answered: 503, so the person tries again.
var errKeyUnavailable = domain.Errorf(domain.CodeUnavailable, "the session key is unavailable")

// ---------------------------------------------------------------- sign-in

// safeNext keeps only a path inside the app, so a sign-in link cannot send
// people to another site, or out of the app, afterwards: anything else is
// the app's home. The path is cleaned first, as http.Redirect and the
// browser would resolve it, so dot segments cannot climb out of /app/
// (/app/../health) or into the sign-in pages (/app/../app/auth/…). What a
// browser would read differently from the server is refused outright:
// backslashes (read as slashes), control characters (tabs and line breaks
// are dropped, joining what they split), a leading // (another host),
// percent-encoded dots, slashes and backslashes in the path (a browser
// resolves %2e%2e as ..), and a fragment (never in a request's own
// address, and http.Redirect would clean dot segments after it as path).
// The query string is kept as it came.
func safeNext(next string) string {
	const home = "/app/"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\#") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return home
	}
	p, rest := next, ""
	if i := strings.IndexByte(next, '?'); i >= 0 {
		p, rest = next[:i], next[i:]
	}
	lower := strings.ToLower(p)
	if strings.Contains(lower, "%2e") || strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
		return home
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/" // a trailing slash names another page (/app/ is not /app)
	}
	if !strings.HasPrefix(clean, home) || strings.HasPrefix(clean, "/app/auth/") {
		return home
	}
	return clean + rest
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	next := safeNext(r.URL.Query().Get("next"))
	if s, ok := a.session(r); ok && !a.due(s) {
		http.Redirect(w, r, next, http.StatusFound)
		return
	}
	a.SignIn.Begin(w, r, a, next)
}

func (a *app) callback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}
	got, err := a.SignIn.Complete(w, r)
	ClearCookie(w, r, AuthCookie)
	if err != nil {
		a.Logger.Warn("web: sign-in refused", "requestId", requestID(r), "err", err)
		if errors.Is(err, cognito.ErrEmailUnverified) {
			a.errorPage(w, r, present.ErrUnverified)
			return
		}
		a.errorPage(w, r, present.ErrSignInFailed)
		return
	}
	if got.Identity.Email == "" || got.Identity.Subject == "" {
		a.errorPage(w, r, present.ErrSignInFailed)
		return
	}
	now := a.Now()
	s := NewSession(got.Identity, now)
	if _, ok := a.SignIn.(Refresher); ok {
		s.RefreshToken, s.Until = got.RefreshToken, identityUntil(got.Expires, now)
	}
	if err := a.Sessions.SetCookie(w, r, SessionCookie, s, SessionLifetime); err != nil {
		a.errorPage(w, r, err)
		return
	}
	a.Logger.Info("web: signed in", "requestId", requestID(r), "email", s.Email)
	http.Redirect(w, r, safeNext(got.Next), http.StatusSeeOther)
}

// logout ends the session (a POST carrying the session's CSRF token, so
// no other site can sign people out) and hands over to the sign-in's
// own sign-out. The session is ended in the service, not only cleared
// from this browser, so a copy of its cookie stops working too; if that
// cannot be recorded the person is told and stays signed in, to try again.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s, ok := a.session(r)
	if ok {
		if err := a.checkSignOutForm(w, r, s); err != nil {
			a.errorPage(w, r, err)
			return
		}
		if err := a.Service.EndSession(r.Context(), s.Caller(requestID(r)), s.Expires); err != nil {
			a.errorPage(w, r, err)
			return
		}
		a.revoke(r, s)
		a.Logger.Info("web: signed out", "requestId", requestID(r), "email", s.Email)
	}
	ClearCookie(w, r, SessionCookie)
	http.Redirect(w, r, a.SignIn.SignedOut(r), http.StatusSeeOther)
}

// logoutEverywhere signs the person out on every device (a POST carrying
// the session's CSRF token): each of their sessions that started before
// now, on any computer, is refused from the next request on, this one
// among them, which then signs out as logout does. It is recorded by the
// verified identity's subject, as the session holds it, never by anything
// the form says. Without a session it may use (none, or one already
// signed out of) it is refused as signed out: a copy of a cookie its
// person ended must not end their new sessions. If it cannot be recorded
// the person is told and stays signed in, to try again. Then the identity
// provider ends the person's sign-ins there (EveryDevice), so the API
// clients' refresh tokens stop working too.
func (a *app) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s, ok := a.session(r)
	if !ok {
		a.signedOutNow(w, r)
		return
	}
	if err := a.checkSignOutForm(w, r, s); err != nil {
		a.errorPage(w, r, err)
		return
	}
	now := a.Now()
	if err := a.Service.EndEverySession(r.Context(), s.Caller(requestID(r)), now, now.Add(SessionLifetime)); err != nil {
		if errors.Is(err, service.ErrSessionEnded) {
			a.Logger.Warn("web: a session signed out of asked to sign out everywhere", "requestId", requestID(r))
			a.signedOutNow(w, r)
			return
		}
		a.errorPage(w, r, err)
		return
	}
	a.revoke(r, s)
	a.endSignIns(r, s)
	a.Logger.Info("web: signed out on every device", "requestId", requestID(r), "email", s.Email)
	ClearCookie(w, r, SessionCookie)
	http.Redirect(w, r, a.SignIn.SignedOut(r), http.StatusSeeOther)
}

// checkSignOutForm reads a sign-out form and checks it carries the
// session's CSRF token, so no other site can sign people out.
func (a *app) checkSignOutForm(w http.ResponseWriter, r *http.Request, s Session) error {
	form, _, err := a.postedForm(w, r)
	if err != nil {
		return err
	}
	if !s.CheckCSRF(form.Get("csrf")) {
		a.Logger.Warn("web: CSRF token missing or wrong", "requestId", requestID(r), "path", r.URL.Path)
		return present.ErrCSRF
	}
	return nil
}

func (a *app) signedOut(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, http.StatusOK, "signedout", &view{Title: "You have signed out"})
}
