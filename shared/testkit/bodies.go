package testkit

import (
	"encoding/json"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Valid request bodies, as the API and the service take them. Tests change
// them with Merge.

// ProgrammeBody is a valid programme running 2025 to 2027.
func ProgrammeBody(name string) map[string]any {
	return map[string]any{"name": name, "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"region": "East Midlands", "startDate": "2025-01-01", "endDate": "2027-12-31"}
}

// FunderBody is a valid funder; with no contacts it has one.
func FunderBody(name string, contacts ...string) map[string]any {
	if len(contacts) == 0 {
		contacts = []string{"grants@funder.example.org"}
	}
	return map[string]any{"name": name, "orgId": "GB-GOR-D10", "contacts": contacts}
}

// ProjectBody is a valid project running 2025 and 2026.
func ProjectBody(name string) map[string]any {
	return map[string]any{"name": name, "leadOrganisation": "Bradford District Care NHS FT", "area": "Bradford",
		"startDate": "2025-01-01", "endDate": "2026-12-31"}
}

// GrantBody is a valid grant; projectID "" makes it programme-wide.
func GrantBody(title, funderID, projectID string, pence int64) map[string]any {
	b := map[string]any{"funderId": funderID, "title": title, "amountPence": pence, "currency": "GBP",
		"awardDate": "2025-01-15", "startDate": "2025-02-01", "endDate": "2026-01-31"}
	if projectID != "" {
		b["projectId"] = projectID
	}
	return b
}

// DatedPaymentBody is a tranche that falls due on due (YYYY-MM-DD).
func DatedPaymentBody(pence int64, due string) map[string]any {
	return map[string]any{"amountPence": pence, "dueDate": due, "trigger": map[string]any{"kind": "date"}}
}

// MilestonePaymentBody is a tranche that falls due when the target reaches
// threshold percent of its value.
func MilestonePaymentBody(pence int64, targetID string, threshold int64) map[string]any {
	return map[string]any{"amountPence": pence, "trigger": map[string]any{"kind": "milestone", "targetId": targetID, "threshold": threshold}}
}

// SpendBody is a spend return for a period, from category and pence pairs:
// SpendBody("2025-04-01", "2025-06-30", "staff", 1250000, "travel", 4500).
func SpendBody(start, end string, lines ...any) map[string]any {
	var ls []map[string]any
	for i := 0; i+1 < len(lines); i += 2 {
		ls = append(ls, map[string]any{"category": lines[i], "amountPence": lines[i+1]})
	}
	return map[string]any{"periodStart": start, "periodEnd": end, "lines": ls}
}

// PostBody is a valid post paid by a grant.
func PostBody(grantID, status string) map[string]any {
	return map[string]any{"title": "Employment specialist", "grantId": grantID, "fte": 1, "contract": "temporary",
		"startDate": "2025-02-01", "status": status}
}

// CohortBody is a valid cohort of places.
func CohortBody(places int) map[string]any {
	return map[string]any{"name": "Aspiro cohort 1", "places": places, "startDate": "2025-03-01", "endDate": "2025-08-31"}
}

// OutcomeBody is a valid submission for the second quarter of 2025; extra
// is pairs of field name and value to add.
func OutcomeBody[N int | int64](counts map[string]N, extra ...any) map[string]any {
	b := map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "counts": counts}
	for i := 0; i+1 < len(extra); i += 2 {
		b[extra[i].(string)] = extra[i+1]
	}
	return b
}

// RoleLead is the lead role, as a member's body lists it.
func RoleLead() map[string]string { return map[string]string{"role": "lead"} }

// RoleProjectLead is the project-lead role, for project projectID.
func RoleProjectLead(projectID string) map[string]string {
	return map[string]string{"role": "project-lead", "projectId": projectID}
}

// RoleFunder is the funder role, for funder funderID.
func RoleFunder(funderID string) map[string]string {
	return map[string]string{"role": "funder", "funderId": funderID}
}

// RolesBody is the body of PUT …/members/{email}: the member's roles.
func RolesBody(roles ...map[string]string) map[string]any { return map[string]any{"roles": roles} }

// Merge returns base with the overrides applied; a nil value deletes a key.
func Merge(base map[string]any, over map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// Body is a service.Decoder over v, which decodes it as the API decodes a
// request's JSON body (unknown fields refused).
func Body(v any) service.Decoder {
	raw, err := json.Marshal(v)
	return func(dst any) error {
		if err != nil {
			return err
		}
		return decode.JSON(raw, dst)
	}
}
