package web

import "github.com/fundtrack/fundtrack/shared/domain"

// measureChange is one wellbeing measure of a correction under review,
// as the approved submission it corrects counts it now (Counted) and as
// the correction would (Corrected); nil where one of them has no such
// measure.
type measureChange struct {
	Name               string
	Counted, Corrected *domain.Measure
}

// measureChanges are the wellbeing measures a correction's review compares
// (the review form's table, beside the counts): the correction's in its
// order, then those only the counted submission has, which approving it
// would drop. None when there is no counted submission (not a
// correction of approved figures) or neither has a measure.
func measureChanges(counted *domain.Outcome, correction domain.Outcome) []measureChange {
	if counted == nil {
		return nil
	}
	var out []measureChange
	at := map[string]int{}
	for _, m := range correction.Measures {
		at[m.Name] = len(out)
		out = append(out, measureChange{Name: m.Name, Corrected: &m})
	}
	for _, m := range counted.Measures {
		if i, ok := at[m.Name]; ok {
			out[i].Counted = &m
			continue
		}
		out = append(out, measureChange{Name: m.Name, Counted: &m})
	}
	return out
}
