package web

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/export"
)

// The downloads call the same service exports as the API's routes.

func (a *app) grantsCSV(w http.ResponseWriter, r *http.Request, q *req) error {
	set, err := a.scope(r, q).GrantExport()
	if err != nil {
		return err
	}
	return export.Serving(w)(export.GrantsFile(set))
}

func (a *app) grants360(w http.ResponseWriter, r *http.Request, q *req) error {
	set, err := a.scope(r, q).GrantExport()
	if err != nil {
		return err
	}
	funderID, err := export.GivingFunderID(r.URL.Query())
	if err != nil {
		return err
	}
	return export.Serving(w)(export.GivingFile(set, a.Giving.WithDataSource(export.RequestURL(r)), funderID, a.Now()))
}

func (a *app) outcomeSummaryCSV(w http.ResponseWriter, r *http.Request, q *req) error {
	set, err := a.scope(r, q).OutcomeSummary()
	if err != nil {
		return err
	}
	return export.Serving(w)(export.OutcomeSummaryFile(set))
}
