package web

import (
	"slices"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestReportPresets: the report's periods are each quarter and financial
// year the programme has run into, newest first, named by their months;
// the default is the latest quarter that is over.
func TestReportPresets(t *testing.T) {
	p := domain.Programme{StartDate: domain.MustDate("2010-05-10"), EndDate: domain.MustDate("2012-03-31")}
	got := reportPresets(p, domain.MustDate("2011-08-15"))
	labels := func(ps []preset) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Label+" "+p.Value())
		}
		return out
	}
	wantQ := []string{
		"July to September 2011 2011-07-01..2011-09-30",
		"April to June 2011 2011-04-01..2011-06-30",
		"January to March 2011 2011-01-01..2011-03-31",
		"October to December 2010 2010-10-01..2010-12-31",
		"July to September 2010 2010-07-01..2010-09-30",
		"April to June 2010 2010-04-01..2010-06-30",
	}
	if q := labels(got.Quarters); !slices.Equal(q, wantQ) {
		t.Errorf("quarters:\n%q\nwant\n%q", q, wantQ)
	}
	wantY := []string{"April 2011 to March 2012 2011-04-01..2012-03-31", "April 2010 to March 2011 2010-04-01..2011-03-31"}
	if y := labels(got.Years); !slices.Equal(y, wantY) {
		t.Errorf("years:\n%q\nwant\n%q", y, wantY)
	}
	if got.Default.Value() != "2011-04-01..2011-06-30" {
		t.Errorf("default %q, want April to June 2011, the latest quarter that is over", got.Default.Label)
	}
	if got.Whole.Label != "The whole programme, 10 May 2010 to 31 March 2012" {
		t.Errorf("whole: %q", got.Whole.Label)
	}
}
