package notify

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
)

// MaxListed bounds the submissions a digest names one by one: past it the
// email says how many more there are and links to the review queue, which
// lists them all. So it stays readable, and under the 102 KB past which
// Gmail cuts a message short.
const MaxListed = 100

// RenderDigest writes the one email telling a programme's leads that
// several submissions await review (listed, each a notification of kind
// awaiting-review): each named by its project and period, linking to its
// review form, in order of project then period, and a link to the review
// queue. Like the email about one, it carries no figures.
func RenderDigest(listed []domain.Notification, p domain.Programme, projects map[string]domain.Project, links Links) email.Message {
	p.Name = email.HeaderText(p.Name)
	programmeID := p.ID
	if programmeID == "" && len(listed) > 0 {
		programmeID = listed[0].ProgrammeID
	}
	name := func(n domain.Notification) string { return email.HeaderText(projects[n.ProjectID].Name) }
	items := slices.Clone(listed)
	slices.SortStableFunc(items, func(a, b domain.Notification) int {
		return cmp.Or(cmp.Compare(name(a), name(b)), a.PeriodStart.Time().Compare(b.PeriodStart.Time()),
			a.PeriodEnd.Time().Compare(b.PeriodEnd.Time()), a.CreatedAt.Compare(b.CreatedAt))
	})
	count := domain.Thousands(int64(len(items)))
	m := mail{
		Headline: fmt.Sprintf("%s submissions awaiting review (%s)", count, p.Name),
		Sentence: fmt.Sprintf("%s submissions have come in and await review. Their figures count only once a lead approves them.", count),
		Rows:     []row{{"Programme", p.Name}},
		Action:   "Review each in fundtrack: approve it, or ask for changes.",
		Footer:   "You receive this because you lead this programme in fundtrack.",
	}
	for _, n := range items[:min(len(items), MaxListed)] {
		text := domain.PeriodText(n.PeriodStart, n.PeriodEnd)
		if project := name(n); project != "" {
			text = project + ": " + text
		}
		it := item{Text: text}
		if n.ProjectID != "" && n.SubmissionID != "" {
			it.Link = links.page(programmeID, "/projects/"+url.PathEscape(n.ProjectID)+"/outcomes/"+url.PathEscape(n.SubmissionID)+"/review")
		}
		m.Items = append(m.Items, it)
	}
	if more := len(items) - MaxListed; more > 0 {
		m.More = fmt.Sprintf("And %s more: the review queue lists them all.", domain.Thousands(int64(more)))
	}
	m.Link, m.LinkText = links.page(programmeID, "/reviews"), "See the review queue"
	m.ProgrammeLink = links.Programme(programmeID)
	return m.message()
}
