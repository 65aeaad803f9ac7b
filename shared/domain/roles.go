package domain

import "slices"

// RoleName is one of the roles a member can hold inside a programme.
type RoleName string

// The roles of the SPEC's roles table.
const (
	RoleLead        RoleName = "lead"
	RoleProjectLead RoleName = "project-lead"
	RoleFunder      RoleName = "funder"
)

// Role is one role held by a member: project-lead names its project, funder
// names its funder.
type Role struct {
	Role      RoleName `json:"role"`
	ProjectID string   `json:"projectId,omitempty"`
	FunderID  string   `json:"funderId,omitempty"`
}

// SameRoles reports whether a and b hold the same roles, in any order: a
// membership is a set of roles, however a form or client lists them.
func SameRoles(a, b []Role) bool {
	if len(a) != len(b) {
		return false
	}
	n := map[Role]int{}
	for _, r := range a {
		n[r]++
	}
	for _, r := range b {
		if n[r]--; n[r] < 0 {
			return false
		}
	}
	return true
}

// Access is what one caller may do inside one programme. It is built from the
// caller's identity and membership and answers every question of the SPEC's
// roles table, so handlers and web pages share one copy of each rule.
type Access struct {
	Admin    bool
	Lead     bool
	Projects map[string]bool // projects the caller leads
	Funders  map[string]bool // funders the caller acts for
}

// NewAccess derives the caller's access from their roles in a programme.
func NewAccess(id Identity, roles []Role) Access {
	a := Access{Admin: id.IsAdmin(), Projects: map[string]bool{}, Funders: map[string]bool{}}
	for _, r := range roles {
		switch r.Role {
		case RoleLead:
			a.Lead = true
		case RoleProjectLead:
			a.Projects[r.ProjectID] = true
		case RoleFunder:
			a.Funders[r.FunderID] = true
		}
	}
	return a
}

// IsMember reports whether the caller can see the programme at all; anyone
// else is told it does not exist.
func (a Access) IsMember() bool {
	return a.Admin || a.Lead || len(a.Projects) > 0 || len(a.Funders) > 0
}

// CanManage covers members, funders, projects, targets, grants and the audit trail.
func (a Access) CanManage() bool { return a.Admin || a.Lead }

// CanWriteProject covers posts, cohorts and outcome submissions of a project.
func (a Access) CanWriteProject(projectID string) bool {
	return a.CanManage() || a.Projects[projectID]
}

// CanReadProject covers reading a project's posts, cohorts and outcome
// submissions: leads and funders read every project, a project lead only
// their own.
func (a Access) CanReadProject(projectID string) bool {
	return a.CanWriteProject(projectID) || len(a.Funders) > 0
}

// SeesEveryReturn reports whether the caller reads every project's
// returns: leads, and funders (their statuses and approved figures). A
// project lead reads its own projects' only, and so its return counts are
// theirs alone.
func (a Access) SeesEveryReturn() bool { return a.CanManage() || len(a.Funders) > 0 }

// ReturnProjects are the projects whose returns the caller's return
// counts cover, in order: nil for a caller who sees every return (its
// counts are the schedules' own), else the projects it leads.
func (a Access) ReturnProjects() []string {
	if a.SeesEveryReturn() {
		return nil
	}
	out := make([]string, 0, len(a.Projects))
	for j, ok := range a.Projects {
		if ok {
			out = append(out, j)
		}
	}
	slices.Sort(out)
	return out
}

// CanReadGrant reports whether the caller may read a grant: leads all of them,
// a project lead those of its own project, a funder those it funds.
func (a Access) CanReadGrant(g Grant) bool {
	if a.CanManage() {
		return true
	}
	if g.ProjectID != "" && a.Projects[g.ProjectID] {
		return true
	}
	return a.Funders[g.FunderID]
}

// CanSubmitSpend reports whether the caller may report spend against a
// grant: leads any grant, a project lead those of its own project. Funders
// read spend returns of the grants they fund, and submit none.
func (a Access) CanSubmitSpend(g Grant) bool {
	return a.CanManage() || (g.ProjectID != "" && a.Projects[g.ProjectID])
}

// CanReadAllGrants reports whether the caller sees every grant of the programme.
func (a Access) CanReadAllGrants() bool { return a.CanManage() }

// FundingFunders are the funders whose awards the caller sees in the
// progress answer's funding by funder, or nil when it sees every funder's.
// A member who is only a funder sees its own funder's awards (its funders',
// if it acts for several), as it reads only the grants it funds ("read
// grants … that it funds"; portfolio and report "its own slice"): one
// funder's total of one grant is that grant's amount, and another funder's
// must not be read off the progress page. Admins and leads see every
// funder's. Project leads do too, as before: the SPEC lists "funding by
// funder" in the progress every member reads, and a project lead's narrower
// reading of grants ("of own project") is left as it was (README, "Where
// fundtrack reads the SPEC differently").
func (a Access) FundingFunders() map[string]bool {
	if a.CanManage() || len(a.Projects) > 0 {
		return nil
	}
	return a.Funders
}

// CanReadNotification reports whether the caller may see a notification sent
// on behalf of the given funders: leads all, a funder only its own.
func (a Access) CanReadNotification(funderIDs []string) bool {
	if a.CanManage() {
		return true
	}
	for _, f := range funderIDs {
		if a.Funders[f] {
			return true
		}
	}
	return false
}

// CanReadPaymentNotice reports whether the caller may see n, a payment-due
// email, whose grant's funder is now funderNow ("" when the grant is not
// there): leads all; a funder only one about a payment it may read now,
// of a grant it funds, and only its own: recorded on its behalf (n's
// FunderIDs), or still pending, for a pending one goes to the grant's
// funder as it is when sent (the notifier readdresses it). So a grant
// given to another funder takes its payments' emails out of the former
// funder's list at once, sent or not, whatever the notifier has done with
// them yet: a funder's member never reads another funder's money. An
// email recorded before it named its grant is judged by FunderIDs alone.
func (a Access) CanReadPaymentNotice(n Notification, funderNow string) bool {
	if a.CanManage() {
		return true
	}
	if n.GrantID == "" {
		return a.CanReadNotification(n.FunderIDs)
	}
	if funderNow == "" || !a.Funders[funderNow] {
		return false
	}
	return n.Status == NotificationPending || slices.Contains(n.FunderIDs, funderNow)
}
