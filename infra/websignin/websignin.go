// Package websignin is the web app's sign-in for the local runner: a page
// listing the demo users, each with a button that signs in as them. There
// is no password: anyone who can reach the local runner may be anyone, as
// with the local API tokens. Only infra/runner imports this package, so
// the web Lambda (functions/web) cannot contain it; it signs in through
// Cognito instead.
package websignin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/web"
)

// User is one demo user offered on the page.
type User struct {
	Role   string // as shown: "network lead"
	Email  string
	Groups []string
}

// DemoUsers are the people `make seed` gives roles (admin's works at once).
var DemoUsers = []User{
	{"administrator", "admin@example.org", []string{domain.AdminGroup}},
	{"network lead", "lead@example.org", nil},
	{"project lead", "project.lead@example.org", nil},
	{"funder", "funder@example.org", nil},
}

// Local is the local sign-in. Each page carries a fresh token, sealed in
// the sign-in cookie, that the button must send back: another site cannot
// sign a browser in as someone (login CSRF).
type Local struct {
	Codec *web.Codec
	Users []User // DemoUsers when nil
	// AllowOthers offers a box to sign in as any email address (and
	// administrator or not), for trying roles beyond the demo users.
	AllowOthers bool
	Now         func() time.Time
}

func (l Local) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l Local) users() []User {
	if l.Users != nil {
		return l.Users
	}
	return DemoUsers
}

var page = template.Must(template.New("signin").Parse(`
<p>This is the local development sign-in: choose who to be. In AWS, people sign in through Cognito instead.</p>
<table class="nhsuk-table" data-testid="demo-users">
  <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Demo users</caption>
  <thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
    <th class="nhsuk-table__header" scope="col">Role</th>
    <th class="nhsuk-table__header" scope="col">Email</th>
    <th class="nhsuk-table__header" scope="col"><span class="nhsuk-u-visually-hidden">Sign in</span></th>
  </tr></thead>
  <tbody class="nhsuk-table__body">
  {{range .Users}}
  <tr class="nhsuk-table__row">
    <td class="nhsuk-table__cell">{{.Role}}</td>
    <td class="nhsuk-table__cell">{{.Email}}</td>
    <td class="nhsuk-table__cell">
      <form method="post" action="/app/auth/callback" class="app-inline-form">
        <input type="hidden" name="state" value="{{$.State}}">
        <input type="hidden" name="email" value="{{.Email}}">
        <button class="nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" id="sign-in-{{.Email}}" data-testid="sign-in-{{.Email}}">Sign in<span class="nhsuk-u-visually-hidden"> as {{.Email}}</span></button>
      </form>
    </td>
  </tr>
  {{end}}
  </tbody>
</table>
{{if .Others}}
<h2 class="nhsuk-heading-m">Someone else</h2>
<form method="post" action="/app/auth/callback" novalidate>
  <input type="hidden" name="state" value="{{.State}}">
  <div class="nhsuk-form-group">
    <label class="nhsuk-label" for="other-email">Email address</label>
    <input class="nhsuk-input nhsuk-u-width-two-thirds" id="other-email" name="email" type="email" spellcheck="false" autocomplete="email">
  </div>
  <div class="nhsuk-checkboxes nhsuk-form-group">
    <div class="nhsuk-checkboxes__item">
      <input class="nhsuk-checkboxes__input" id="other-admin" name="admin" type="checkbox" value="yes">
      <label class="nhsuk-label nhsuk-checkboxes__label" for="other-admin">Administrator (group admins)</label>
    </div>
  </div>
  <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" id="sign-in-other">Sign in</button>
</form>
{{end}}`))

// Begin shows the page of demo users.
func (l Local) Begin(w http.ResponseWriter, r *http.Request, ui web.UI, next string) {
	failed := present.Internal()
	p := web.Pending{State: web.RandomToken(), Next: next}
	if err := web.StartPending(w, r, l.Codec, p, l.now()); err != nil {
		ui.Page(w, r, failed.Status, failed.Title, "<p>Try again.</p>")
		return
	}
	var b strings.Builder
	if err := page.Execute(&b, map[string]any{"Users": l.users(), "State": p.State, "Others": l.AllowOthers}); err != nil {
		ui.Page(w, r, failed.Status, failed.Title, "<p>Try again.</p>")
		return
	}
	ui.Page(w, r, http.StatusOK, "Sign in to fundtrack", template.HTML(b.String()))
}

// Complete signs in as the chosen user, if the page's token came back.
// Local is no web.Refresher: there is no one to ask again, so the session
// keeps the groups chosen here for its life.
func (l Local) Complete(w http.ResponseWriter, r *http.Request) (web.SignedIn, error) {
	if r.Method != http.MethodPost {
		return web.SignedIn{}, errors.New("local sign-in is a POST from the sign-in page")
	}
	if err := r.ParseForm(); err != nil {
		return web.SignedIn{}, err
	}
	p, err := web.FinishPending(r, l.Codec, r.PostForm.Get("state"), l.now())
	if err != nil {
		return web.SignedIn{}, err
	}
	email := domain.NormaliseEmail(r.PostForm.Get("email"))
	for _, u := range l.users() {
		if u.Email == email {
			return web.SignedIn{Identity: identity(email, u.Groups), Next: p.Next}, nil
		}
	}
	if !l.AllowOthers {
		return web.SignedIn{}, fmt.Errorf("%q is not a demo user", email)
	}
	if err := domain.ValidateEmail("email", email); err != nil {
		return web.SignedIn{}, err
	}
	var groups []string
	if r.PostForm.Get("admin") != "" {
		groups = []string{domain.AdminGroup}
	}
	return web.SignedIn{Identity: identity(email, groups), Next: p.Next}, nil
}

// identity gives a local user the subject the local API tokens give them,
// so the audit trail names them the same whichever way they came in.
func identity(email string, groups []string) domain.Identity {
	return domain.Identity{Subject: auth.LocalSubject(email), Email: email, Groups: groups}
}

// SignedOut is the app's own signed-out page.
func (l Local) SignedOut(*http.Request) string { return "/app/auth/signed-out" }
