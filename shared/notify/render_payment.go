package notify

import (
	"bytes"
	htmltemplate "html/template"
	texttemplate "text/template"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
)

// paymentView is what a payment-due email says: only the grant, the
// amount and why it fell due (aggregate figures, never people).
type paymentView struct {
	Headline  string
	Sentence  string
	Programme string
	Project   string
	Grant     string
	Amount    string
	Because   string
	On        string
	Footer    string
}

var paymentText = texttemplate.Must(texttemplate.New("text").Parse(`{{.Headline}}

{{.Sentence}}

Programme: {{.Programme}}
{{if .Project}}Project: {{.Project}}
{{end}}Grant: {{.Grant}}
Amount: {{.Amount}}
Due: {{.Because}}
Due since: {{.On}}

{{.Footer}}
`))

var paymentHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Headline}}</title></head>
<body style="font-family: Arial, sans-serif; color: #212b32">
<h1 style="font-size: 24px">{{.Headline}}</h1>
<p>{{.Sentence}}</p>
<table>
<tr><th scope="row" align="left">Programme</th><td>{{.Programme}}</td></tr>
{{if .Project}}<tr><th scope="row" align="left">Project</th><td>{{.Project}}</td></tr>{{end}}
<tr><th scope="row" align="left">Grant</th><td>{{.Grant}}</td></tr>
<tr><th scope="row" align="left">Amount</th><td>{{.Amount}}</td></tr>
<tr><th scope="row" align="left">Due</th><td>{{.Because}}</td></tr>
<tr><th scope="row" align="left">Due since</th><td>{{.On}}</td></tr>
</table>
<p style="color: #4c6272">{{.Footer}}</p>
</body></html>
`))

// renderPayment writes a payment-due email. Names become one line of
// text first (email.HeaderText), as in Render.
func renderPayment(n domain.Notification, p domain.Programme, project domain.Project) email.Message {
	p.Name, project.Name, n.GrantTitle = email.HeaderText(p.Name), email.HeaderText(project.Name), email.HeaderText(n.GrantTitle)
	v := paymentView{Headline: n.Headline(p.Name), Programme: p.Name, Project: project.Name, Grant: n.GrantTitle,
		Amount: domain.Pounds(n.AmountPence), Because: email.HeaderText(n.Because), On: n.On.String(),
		Footer: "You receive this because you are a contact for the funder of this grant, or lead this programme, in fundtrack."}
	v.Sentence = "A payment of " + v.Amount + " of the grant \"" + v.Grant + "\" fell due on " + v.On + ": " + v.Because + "."
	var text, html bytes.Buffer
	paymentText.Execute(&text, v)
	paymentHTML.Execute(&html, v)
	return email.Message{Subject: email.HeaderText(v.Headline), Text: text.String(), HTML: html.String()}
}
