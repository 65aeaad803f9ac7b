package notify

import (
	"bytes"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"

	"github.com/fundtrack/fundtrack/shared/email"
)

// mail is what one of the notifier's emails says, whatever its kind: the
// same words go into the plain-text part and the HTML part, so the two
// never disagree. Every field is text (the HTML template escapes it).
type mail struct {
	Headline string
	Sentence string
	Also     string // a second sentence, when there is one
	Rows     []row  // what the email is about: programme, project, period, figures…
	// Items list what a digest is about, one line each with a link to
	// act on it; More says how many it leaves out.
	Items   []item
	More    string
	Comment string // the lead's comment, when changes are asked for
	Action  string // what to do next
	// Link is where to do it in the web app, and LinkText its words; the
	// programme's page is always linked too (ProgrammeLink). Both are ""
	// when the deployment has no web address to give.
	Link, LinkText string
	ProgrammeLink  string
	Footer         string
}

// row is one line of an email's facts.
type row struct{ Label, Value string }

// item is one line of a digest's list: Text, linking to Link (plain
// text when Link is ""). The whole line is the link, so a screen reader
// listing the links hears what each is for.
type item struct{ Text, Link string }

var mailText = texttemplate.Must(texttemplate.New("text").Parse(`{{.Headline}}

{{.Sentence}}
{{- if .Also}}
{{.Also}}{{end}}

{{range .Rows}}{{.Label}}: {{.Value}}
{{end}}{{if .Items}}
{{range .Items}}- {{.Text}}{{if .Link}}: {{.Link}}{{end}}
{{end}}{{if .More}}{{.More}}
{{end}}{{end}}{{if .Comment}}
Comment from the lead:
{{.Comment}}
{{end}}{{if .Action}}
{{.Action}}
{{end}}{{if .Link}}{{.LinkText}}: {{.Link}}
{{end}}{{if and .ProgrammeLink (ne .ProgrammeLink .Link)}}The programme in fundtrack: {{.ProgrammeLink}}
{{end}}
{{.Footer}}
`))

// mailHTML is the HTML part. It is safe in dark mode: the message says it
// supports both colour schemes (meta color-scheme), every colour is given
// explicitly for light mode inline (mail clients drop <style> blocks, and
// some invert what has no colour of its own), and a prefers-color-scheme
// block gives the dark ones for clients that honour it; there are no
// images, so nothing drawn for a white background can vanish on a dark one.
// Colours are NHS.UK's: text #212b32 on #ffffff, secondary text #4c6272,
// links #005eb8, the button #007f3b; in dark mode #f0f4f5 on #1e2327.
var mailHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{{.Headline}}</title>
<style>
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  body, .ft-page { background-color: #121517 !important; color: #f0f4f5 !important; }
  .ft-card { background-color: #1e2327 !important; color: #f0f4f5 !important; border-color: #4c6272 !important; }
  .ft-text, .ft-card h1, .ft-card th, .ft-card td { color: #f0f4f5 !important; }
  .ft-muted { color: #c1ccd2 !important; }
  .ft-link { color: #8ec5ff !important; }
  .ft-button { background-color: #5bd08c !important; color: #0b0c0c !important; }
  .ft-rule { border-color: #4c6272 !important; }
}
</style>
</head>
<body class="ft-page" style="margin:0;padding:0;background-color:#f0f4f5;color:#212b32;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">
<table role="presentation" class="ft-page" width="100%" cellpadding="0" cellspacing="0" style="background-color:#f0f4f5;color:#212b32">
<tr><td style="padding:16px">
<div class="ft-card" style="max-width:600px;margin:0 auto;padding:24px;background-color:#ffffff;color:#212b32;border:1px solid #d8dde0">
<h1 class="ft-text" style="margin:0 0 16px;font-size:24px;line-height:1.25;color:#212b32">{{.Headline}}</h1>
<p class="ft-text" style="margin:0 0 16px;color:#212b32">{{.Sentence}}</p>
{{if .Also}}<p class="ft-text" style="margin:0 0 16px;color:#212b32">{{.Also}}</p>{{end}}
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-collapse:collapse;color:#212b32">
{{range .Rows}}<tr><th scope="row" align="left" class="ft-text ft-rule" style="padding:4px 16px 4px 0;vertical-align:top;color:#212b32;border-bottom:1px solid #d8dde0">{{.Label}}</th><td class="ft-text ft-rule" style="padding:4px 0;color:#212b32;border-bottom:1px solid #d8dde0">{{.Value}}</td></tr>
{{end}}</table>
{{if .Items}}<ul class="ft-text" style="margin:0 0 16px;padding:0 0 0 20px;color:#212b32">
{{range .Items}}<li style="margin:0 0 8px">{{if .Link}}<a class="ft-link" href="{{.Link}}" style="color:#005eb8">{{.Text}}</a>{{else}}{{.Text}}{{end}}</li>
{{end}}</ul>
{{if .More}}<p class="ft-text" style="margin:0 0 16px;color:#212b32">{{.More}}</p>
{{end}}{{end}}{{if .Comment}}<h2 class="ft-text" style="margin:0 0 8px;font-size:19px;color:#212b32">Comment from the lead</h2>
<p class="ft-text" style="margin:0 0 16px;white-space:pre-wrap;color:#212b32">{{.Comment}}</p>
{{end}}{{if .Action}}<p class="ft-text" style="margin:0 0 16px;color:#212b32">{{.Action}}</p>
{{end}}{{if .Link}}<p style="margin:0 0 16px"><a class="ft-button" href="{{.Link}}" style="display:inline-block;padding:8px 16px;background-color:#007f3b;color:#ffffff;font-weight:bold;text-decoration:none">{{.LinkText}}</a></p>
{{end}}{{if and .ProgrammeLink (ne .ProgrammeLink .Link)}}<p style="margin:0 0 16px"><a class="ft-link" href="{{.ProgrammeLink}}" style="color:#005eb8">The programme in fundtrack</a></p>
{{end}}<p class="ft-muted" style="margin:16px 0 0;font-size:14px;color:#4c6272">{{.Footer}}</p>
</div>
</td></tr>
</table>
</body>
</html>
`))

// message renders both parts. Subject is the headline made one line of
// header text (the sender cleans it again, whoever built it).
func (m mail) message() email.Message {
	var text, html bytes.Buffer
	mailText.Execute(&text, m)
	mailHTML.Execute(&html, m)
	return email.Message{Subject: email.HeaderText(m.Headline), Text: text.String(), HTML: html.String()}
}

// Links makes the web app's addresses for emails. Base is where people
// reach the web app ("https://fundtrack.example.org", no /app); when it is
// empty the emails carry no links rather than ones that lead nowhere.
type Links struct {
	Base string
}

// Programme is the programme's page: its dashboard.
func (l Links) Programme(programmeID string) string { return l.page(programmeID, "") }

// page is a page of the programme, rest being its path below it ("" for
// the dashboard, "/returns"…); ids are path-escaped.
func (l Links) page(programmeID, rest string) string {
	base := strings.TrimRight(strings.TrimSpace(l.Base), "/")
	if base == "" || programmeID == "" {
		return ""
	}
	return base + "/app/programmes/" + url.PathEscape(programmeID) + rest
}
