package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Warning is advice about a record that was stored all the same: something
// valid that will make it less useful once published, which the person
// entering it can still fix. Warnings go back in the answer that stored the
// record and are never stored themselves.
type Warning struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// MaxGivingTitleLen is the longest title 360Giving recommends ("under 140
// characters so that people can quickly understand the purpose of the
// grant"); the Data Quality Tool flags longer ones.
const MaxGivingTitleLen = 140

// GrantWarnings lists what in a grant the 360Giving Data Quality Tool would
// flag once it is published, as of now, and that only the person recording it
// can fix: a title over 140 characters (TitleLength), an award date in the
// future (PostDatedAwardDates) and a description that only repeats the title
// (TitleDescriptionSame). None is refused: a long title can be right, and a
// grant may be recorded before it is formally awarded.
func GrantWarnings(g Grant, now time.Time) []Warning {
	var w []Warning
	if n := utf8.RuneCountInString(g.Title); n > MaxGivingTitleLen {
		w = append(w, Warning{Field: "title", Message: "is " + strconv.Itoa(n) + " characters long: 360Giving recommends titles under " +
			strconv.Itoa(MaxGivingTitleLen) + " so people can quickly see what the grant is for; put the detail in the description"})
	}
	// The tool compares the award date with the moment it runs, so a date
	// after today (in UTC, as the tool's clock runs) is in the future.
	if today := UKDate(now); !g.AwardDate.IsZero() && g.AwardDate.After(today) {
		w = append(w, Warning{Field: "awardDate", Message: "is in the future: the award date is when the decision to award was made, " +
			"so the 360Giving export leaves the grant out until that date; correct the date if the grant is already awarded"})
	}
	if d := strings.TrimSpace(g.Description); d != "" && d == strings.TrimSpace(g.Title) {
		w = append(w, Warning{Field: "description", Message: "is the same as the title: describe what the grant pays for, " +
			"so people reading the published data learn more than the title tells them"})
	}
	return w
}
