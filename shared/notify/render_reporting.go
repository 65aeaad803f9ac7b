package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
)

// returnView is what a reporting-cycle email says: which return or
// submission, what to do, and the lead's comment when changes are asked for.
type returnView struct {
	Headline  string
	Sentence  string
	Programme string
	Project   string
	Period    string
	Due       string
	Comment   string
	Action    string
	Footer    string
}

var returnText = texttemplate.Must(texttemplate.New("text").Parse(`{{.Headline}}

{{.Sentence}}

Programme: {{.Programme}}
{{if .Project}}Project: {{.Project}}
{{end}}Period: {{.Period}}
{{if .Due}}Due: {{.Due}}
{{end}}{{if .Comment}}
Comment from the lead:
{{.Comment}}
{{end}}
{{.Action}}

{{.Footer}}
`))

var returnHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Headline}}</title></head>
<body style="font-family: Arial, sans-serif; color: #212b32">
<h1 style="font-size: 24px">{{.Headline}}</h1>
<p>{{.Sentence}}</p>
<table>
<tr><th scope="row" align="left">Programme</th><td>{{.Programme}}</td></tr>
{{if .Project}}<tr><th scope="row" align="left">Project</th><td>{{.Project}}</td></tr>{{end}}
<tr><th scope="row" align="left">Period</th><td>{{.Period}}</td></tr>
{{if .Due}}<tr><th scope="row" align="left">Due</th><td>{{.Due}}</td></tr>{{end}}
</table>
{{if .Comment}}<h2 style="font-size: 19px">Comment from the lead</h2>
<p style="white-space: pre-wrap">{{.Comment}}</p>{{end}}
<p>{{.Action}}</p>
<p style="color: #4c6272">{{.Footer}}</p>
</body></html>
`))

// renderReturn writes a reporting-cycle email: a reminder or overdue
// notice to the project's leads, a submission awaiting review to the
// programme's leads, or changes requested (with the lead's comment) to the
// project's leads. Only dates, names and the comment (which passed the
// personal-data guard) appear: no figures.
func renderReturn(n domain.Notification, p domain.Programme, project domain.Project) email.Message {
	p.Name, project.Name = email.HeaderText(p.Name), email.HeaderText(project.Name)
	v := returnView{Headline: n.Headline(p.Name), Programme: p.Name, Project: project.Name,
		Period: n.PeriodStart.String() + " to " + n.PeriodEnd.String(), Comment: strings.TrimSpace(n.Comment)}
	if !n.DueDate.IsZero() {
		v.Due = n.DueDate.String()
	}
	who := project.Name
	if who == "" {
		who = "Your project"
	}
	v.Footer = "You receive this because you lead this project in fundtrack."
	switch n.Kind {
	case domain.KindReminder:
		v.Sentence = fmt.Sprintf("%s's return for %s is due on %s, and nothing has been submitted for it yet.", who, v.Period, v.Due)
		v.Action = "Submit the period's figures in fundtrack before the due date."
	case domain.KindOverdue:
		v.Sentence = fmt.Sprintf("%s's return for %s was due on %s and has not been submitted.", who, v.Period, v.Due)
		v.Action = "Submit the period's figures in fundtrack as soon as you can."
	case domain.KindAwaitingReview:
		v.Sentence = fmt.Sprintf("%s has submitted figures for %s. They count only once a lead approves them.", who, v.Period)
		v.Action = "Review the submission in fundtrack: approve it, or ask for changes."
		v.Footer = "You receive this because you lead this programme in fundtrack."
	case domain.KindChangesRequested:
		v.Sentence = fmt.Sprintf("A lead has asked for changes to %s's submission for %s. Its figures are not counted.", who, v.Period)
		v.Action = "Correct the submission in fundtrack; it will be reviewed again."
	}
	var text, html bytes.Buffer
	returnText.Execute(&text, v)
	returnHTML.Execute(&html, v)
	return email.Message{Subject: strings.TrimSpace(v.Headline), Text: text.String(), HTML: html.String()}
}
