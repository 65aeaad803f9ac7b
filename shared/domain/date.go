package domain

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // the UK's zone, where no zoneinfo is installed (Lambda's provided.al2023)
)

// Date is a calendar date with no time or zone, written YYYY-MM-DD.
// Grant periods and deadlines are dates, not instants.
type Date struct {
	t time.Time // always midnight UTC; the zero value is "no date"
}

const dateLayout = "2006-01-02"

// The years fundtrack takes dates from. A date outside them is refused on
// the way in, and so must be any date fundtrack works out from the dates it
// took (a return's due date, say): stored, it could not be read back.
const (
	FirstYear = 1900
	LastYear  = 2200
)

// LastDay is the last date fundtrack takes, 31 December of LastYear.
var LastDay = Date{t: time.Date(LastYear, time.December, 31, 0, 0, 0, 0, time.UTC)}

// ParseDate reads a YYYY-MM-DD date, refusing anything else (including
// impossible days such as 2025-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Format(dateLayout) != s {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	if t.Year() < FirstYear || t.Year() > LastYear {
		return Date{}, fmt.Errorf("%q %s", s, OutOfYears)
	}
	return Date{t: t}, nil
}

// OutOfYears is what is wrong with a real date outside the years
// fundtrack takes, as a 400 names the field.
var OutOfYears = fmt.Sprintf("is outside the years %d-%d", FirstYear, LastYear)

// DateProblem is what a 400 says of a field whose text s ParseDate
// refuses ("" when it takes it): a date in the right form but outside the
// years is told so, not that it is no date.
func DateProblem(s string) string {
	if _, err := ParseDate(s); err == nil {
		return ""
	}
	if t, err := time.Parse(dateLayout, s); err == nil && t.Format(dateLayout) == s {
		return OutOfYears
	}
	return "must be a date in the form YYYY-MM-DD"
}

// MustDate is ParseDate for constants in tests and seed data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the date of t in UTC: for calendar arithmetic on a
// Date's Time (midnight UTC) and on times built from one. For an instant
// (now, when something was sent) use UKDate: people read every date in
// UK terms, and in summer the UTC date lags the UK's from midnight to
// 01:00.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// uk is the zone fundtrack's dates are in (Europe/London: GMT in winter,
// BST in summer). The zone data is compiled in (time/tzdata), so loading
// it fails only on a build broken beyond running. It is loaded on first
// use, not at init: a cold start reads no zone files.
var uk = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("fundtrack: the UK's time zone, Europe/London: " + err.Error())
	}
	return loc
})

// UKDate returns the date in the UK at instant t: "today" for a clock's
// now, and the day something happened. A payment made at 00:30 BST on
// 1 July was made on 1 July, though it is still 30 June in UTC.
func UKDate(t time.Time) Date {
	y, m, d := t.In(uk()).Date()
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// InUK is instant t in UK time (Europe/London: GMT in winter, BST in
// summer), as people read a time: the web's "30 June 2026 00:30 BST". Its
// zone's abbreviation (Format's "MST") is GMT or BST.
func InUK(t time.Time) time.Time { return t.In(uk()) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// Time returns midnight UTC on d.
func (d Date) Time() time.Time { return d.t }

// DaysUntil returns the number of days from d to o (negative if o is earlier).
// It counts in Unix seconds, not a time.Duration: a Duration holds about
// 292 years, less than the 301 from FirstYear to LastYear, so two dates that
// far apart came out 106,751 days apart however far they were.
func (d Date) DaysUntil(o Date) int { return int((o.t.Unix() - d.t.Unix()) / 86400) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// String writes d as YYYY-MM-DD ("" for no date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

// Long writes d as people read a date in the UK, in pages and emails:
// 31 March 2012 ("" for no date).
func (d Date) Long() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("2 January 2006")
}

// DateRange names the days start to end for people by their dates: "1
// April 2025 to 31 March 2026", or a single day by its date ("31 March
// 2026", not "31 March 2026 to 31 March 2026"). With one of the two
// missing (an open-ended post or cohort) it is the other alone.
// PeriodText falls back to it; pages list grants', projects' and
// schedules' dates through it (the template func daterange).
func DateRange(start, end Date) string {
	switch {
	case end.IsZero() || start.t.Equal(end.t):
		return start.Long()
	case start.IsZero():
		return end.Long()
	}
	return start.Long() + " to " + end.Long()
}

// PeriodText names the period start to end for people: a period of whole
// months by its months ("October 2011", "October to December 2011",
// "April 2010 to March 2011"), as returns' periods are, a single day by
// its date ("31 March 2012", not "31 March 2012 to 31 March 2012"), and
// any other by its dates ("1 October 2011 to 30 December 2011"). Pages,
// emails and reports all name periods through it.
func PeriodText(start, end Date) string {
	s, e := start.t, end.t
	if start.IsZero() != end.IsZero() {
		return start.Long() + " to " + end.Long() // a period's date missing shows so
	}
	if !e.After(s) || s.Day() != 1 || e.AddDate(0, 0, 1).Day() != 1 {
		return DateRange(start, end)
	}
	switch {
	case s.Year() == e.Year() && s.Month() == e.Month():
		return e.Format("January 2006")
	case s.Year() == e.Year():
		return s.Format("January") + " to " + e.Format("January 2006")
	default:
		return s.Format("January 2006") + " to " + e.Format("January 2006")
	}
}

// MarshalText writes YYYY-MM-DD (JSON and DynamoDB both use it).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; an empty string is the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
