package web

import "net/http"

// notifications lists the emails (milestones, payments due) and their
// delivery: all to leads, a funder's own to the funder.
func (a *app) notifications(w http.ResponseWriter, r *http.Request, q *req) error {
	items, next, err := a.scope(r, q).ListNotifications(pageOf(r))
	if err != nil {
		return err
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
		Data: map[string]any{"Items": items, "Next": nextURL(r, next), "Names": names}})
	return nil
}
