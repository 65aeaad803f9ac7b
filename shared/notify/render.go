package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
)

// view is what both email bodies say.
type view struct {
	Headline  string
	Sentence  string
	Programme string
	Project   string
	Figure    int64
	Value     int64
	Metric    string
	Percent   string
	On        string
	Footer    string
}

var textBody = texttemplate.Must(texttemplate.New("text").Parse(`{{.Headline}}

{{.Sentence}}

Programme: {{.Programme}}
{{if .Project}}Project: {{.Project}}
{{end}}Figure: {{.Figure}} {{.Metric}} against a target of {{.Value}} ({{.Percent}})
Date: {{.On}}

{{.Footer}}
`))

var htmlBody = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Headline}}</title></head>
<body style="font-family: Arial, sans-serif; color: #212b32">
<h1 style="font-size: 24px">{{.Headline}}</h1>
<p>{{.Sentence}}</p>
<table>
<tr><th scope="row" align="left">Programme</th><td>{{.Programme}}</td></tr>
{{if .Project}}<tr><th scope="row" align="left">Project</th><td>{{.Project}}</td></tr>{{end}}
<tr><th scope="row" align="left">Figure</th><td>{{.Figure}} {{.Metric}} against a target of {{.Value}} ({{.Percent}})</td></tr>
<tr><th scope="row" align="left">Date</th><td>{{.On}}</td></tr>
</table>
<p style="color: #4c6272">{{.Footer}}</p>
</body></html>
`))

// Render writes a notification's email (To is left for the sender to fill).
func Render(n domain.Notification, p domain.Programme, project domain.Project) email.Message {
	switch {
	case n.Kind == domain.KindPaymentDue:
		return renderPayment(n, p, project)
	case n.Kind.Reporting():
		return renderReturn(n, p, project)
	}
	// Names go into the subject and into lines of the plain text: each is
	// made one line of text first (email.HeaderText), so a name stored with
	// a line break can neither add a header nor fake a line of the body.
	p.Name, project.Name = email.HeaderText(p.Name), email.HeaderText(project.Name)
	v := view{Headline: n.Headline(p.Name), Programme: p.Name, Project: project.Name, Figure: n.Figure, Value: n.Value,
		Metric: n.Metric.Phrase(), On: n.On.String(), Percent: fmt.Sprintf("%.1f%%", float64(n.Figure)*100/float64(n.Value))}
	v.Footer = "You receive this because you are a contact for a funder of this programme in fundtrack."
	if n.Kind == domain.KindAtRisk { // at-risk emails go to the programme's leads
		v.Footer = "You receive this because you lead this programme in fundtrack."
	}
	where := p.Name
	if project.Name != "" {
		where = project.Name + " (" + p.Name + ")"
	}
	switch n.Kind {
	case domain.KindReached:
		v.Sentence = fmt.Sprintf("%s has reached %d%% of its target of %d %s: %d as of %s.", where, n.Threshold, n.Value, v.Metric, n.Figure, v.On)
	case domain.KindMissed:
		v.Sentence = fmt.Sprintf("%s did not reach its target of %d %s by the deadline: %d as of %s.", where, n.Value, v.Metric, n.Figure, v.On)
	case domain.KindAtRisk:
		v.Sentence = fmt.Sprintf("%s is projected to fall short of its target of %d %s: %d so far, as of %s.", where, n.Value, v.Metric, n.Figure, v.On)
	}
	var text, html bytes.Buffer
	textBody.Execute(&text, v)
	htmlBody.Execute(&html, v)
	return email.Message{Subject: email.HeaderText(v.Headline), Text: text.String(), HTML: html.String()}
}
