package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/export"
)

// The export routes (issue #5). The grant exports belong to the grants
// function and the outcome summary to the progress function; each is
// appended to that function's routes.

func (s *server) exportGrantRoutes() []route {
	return []route{
		{pattern: "GET /programmes/{programmeId}/grants.csv", serve: s.grantsCSV},
		{pattern: "GET /programmes/{programmeId}/grants/360giving", query: params{"funderId"}, serve: s.grants360},
	}
}

func (s *server) exportProgressRoutes() []route {
	return []route{
		{pattern: "GET /programmes/{programmeId}/outcomes/summary.csv", serve: s.outcomeSummaryCSV},
	}
}

// grantsCSV serves every grant the caller may read as a spreadsheet file.
func (s *server) grantsCSV(w http.ResponseWriter, r *http.Request, c *call) error {
	set, err := s.open(r, c).GrantExport()
	if err != nil {
		return err
	}
	return export.Serving(w)(export.GrantsFile(set))
}

// grants360 serves the grants the caller may read as a 360Giving data
// package: all of them, or with ?funderId= one funder's, for it to publish
// (an empty funderId is 400, once the caller is known to be a member).
func (s *server) grants360(w http.ResponseWriter, r *http.Request, c *call) error {
	q, err := decode.Query(r)
	if err != nil {
		return err
	}
	set, err := s.open(r, c).GrantExport()
	if err != nil {
		return err
	}
	funderID, err := export.GivingFunderID(q)
	if err != nil {
		return err
	}
	cfg := s.Giving.WithDataSource(export.RequestURL(r))
	return export.Serving(w)(export.GivingFile(set, cfg, funderID, s.Now()))
}

// outcomeSummaryCSV serves the open outcome summary, disclosure-controlled
// for publication, to every member.
func (s *server) outcomeSummaryCSV(w http.ResponseWriter, r *http.Request, c *call) error {
	set, err := s.open(r, c).OutcomeSummary()
	if err != nil {
		return err
	}
	return export.Serving(w)(export.OutcomeSummaryFile(set))
}
