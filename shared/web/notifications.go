package web

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// notifications lists the emails (milestones, payments due) and their
// delivery: all to leads, a funder's own to the funder. A payment-due
// email of a milestone tranche still due whose milestone is no longer met
// on current figures is flagged as the grant's page flags the tranche
// (service.Scope.NoticesNoLongerMet: its payment, target and figures are
// read, only when the page lists a payment-due email).
func (a *app) notifications(w http.ResponseWriter, r *http.Request, q *req) error {
	sc := a.scope(r, q)
	items, next, err := sc.ListNotifications(pageOf(r))
	if err != nil {
		return err
	}
	flagged, err := sc.NoticesNoLongerMet(items)
	if err != nil {
		return err
	}
	noLongerMet := map[string]string{} // by notification id: domain.MilestoneNoLongerMetWords
	for id := range flagged {
		noLongerMet[id] = domain.MilestoneNoLongerMetWords
	}
	n, err := a.open(r, q, "notifications")
	if err != nil {
		return err
	}
	names, err := a.names(r, q)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "notifications", &view{Title: "Notifications", Nav: n,
		Data: map[string]any{"Items": items, "Next": nextURL(r, next), "Names": names, "NoLongerMet": noLongerMet}})
	return nil
}
