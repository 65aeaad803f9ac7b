package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func (a *app) targets(w http.ResponseWriter, r *http.Request, q *req) error {
	items, err := all(a.scope(r, q).ListTargets)
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "targets")
	if err != nil {
		return err
	}
	names, err := a.names(r, q)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "targets", &view{Title: "Targets", Nav: n, Data: map[string]any{"Items": items, "Names": names}})
	return nil
}

var targetFields = []field{
	{"metric", kChoice, "Measure"}, {"value", kInt, "Target figure"}, {"deadline", kDate, "Deadline"},
	{"startDate", kDate, "Count from"}, {"projectId", kChoice, "Applies to"}, {"notify", kChecks, "Funders to email"},
	{"thresholds", kIntList, "Milestones"},
}

// targetForm sets a target or changes one.
func (a *app) targetForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, id := a.scope(r, q), r.PathValue("tid")
	return editForm[domain.Target]{
		Page: "target_form", Nav: "targets", Fields: targetFields, ID: id, What: "target",
		Title: titles[domain.Target](id, "Set a target", "Change target"),
		May:   manages("set targets"),
		Read:  sc.Target, Values: setTargetValues, Version: func(t domain.Target) int64 { return t.Version },
		Start:  func(v url.Values) error { v.Set("thresholds", "100"); return nil },
		Create: func(f *form) (domain.Target, error) { return sc.CreateTarget(f.decoder()) },
		Update: func(f *form, ifMatch func(int64) bool) (domain.Target, error) {
			return sc.UpdateTarget(id, ifMatch, f.decoder())
		},
		Done: func(n *nav, _ domain.Target) string { return base(n) + "/targets" },
		Data: func(*nav, domain.Target) (map[string]any, error) {
			names, err := a.names(r, q)
			return map[string]any{"Names": names}, err
		},
	}.serve(a, w, r, q)
}

func setTargetValues(v url.Values, t domain.Target) {
	v.Set("metric", string(t.Metric))
	v.Set("value", strconv.FormatInt(t.Value, 10))
	setDate(v, "deadline", t.Deadline)
	setDate(v, "startDate", t.StartDate)
	v.Set("projectId", t.ProjectID)
	v["notify"] = append([]string(nil), t.Notify...)
	var th []string
	for _, x := range t.Thresholds {
		th = append(th, strconv.FormatInt(x, 10))
	}
	v.Set("thresholds", strings.Join(th, ", "))
	v.Set("version", strconv.FormatInt(t.Version, 10))
}
