package web

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// audit is the programme's audit trail (leads), filtered by record kind
// and person. A filter or cursor that is not one is the 400 page saying
// so, as on every list page: an empty trail would read as no changes.
// (The filter form's "All" sends entity= and an empty user box user=,
// read as no filter.)
func (a *app) audit(w http.ResponseWriter, r *http.Request, q *req) error {
	qs := r.URL.Query()
	filter := service.AuditFilter{Entity: domain.Entity(qs.Get("entity")), Email: qs.Get("user")}
	items, next, err := a.scope(r, q).ListAudit(filter, pageOf(r))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "audit")
	if err != nil {
		return err
	}
	names, err := a.recordNames(r, q, items, "", domain.RecordRef{})
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "audit", &view{Title: "Audit trail", Nav: n, Data: map[string]any{
		"Items": items, "Names": names, "Next": nextURL(r, next), "Entity": string(filter.Entity), "User": filter.Email,
		"Entities": domain.AuditedEntities(),
	}})
	return nil
}

// history shows one record's changes to anyone who may read the record.
// A record of a project is read through a scope opened on the project,
// which serves the page's navigation too.
func (a *app) history(w http.ResponseWriter, r *http.Request, q *req) error {
	qs := r.URL.Query()
	ref := domain.RecordRef{Entity: domain.Entity(qs.Get("entity")), ID: qs.Get("id"), ProjectID: qs.Get("project"), GrantID: qs.Get("grant")}
	if qs.Has("id") && ref.ID == "" {
		return domain.NotFound("record") // an id given empty names no record, not the programme's
	}
	project := ref.ProjectID
	if _, owner, _, ok := domain.ParseReturnID(ref.ID); ok && ref.Entity == domain.EntityReturn && project == "" {
		// A return is read through its project's scope too: the page
		// names the return by its project, which then rides in the
		// access read (no list of projects to read).
		project = owner
	}
	if project != "" {
		q.sc = a.Service.OpenProject(r.Context(), q.Caller, r.PathValue("pid"), project)
	}
	items, next, err := a.scope(r, q).History(ref, pageOf(r))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "")
	if err != nil {
		return err
	}
	names, err := a.recordNames(r, q, items, project, ref)
	if err != nil {
		return err
	}
	title := "History of this " + string(ref.Entity)
	if ret, ok := names.returnOf(ref.ID); ok && ref.Entity == domain.EntityReturn {
		title = "History of " + ret.Whose()
	}
	a.render(w, r, http.StatusOK, "history", &view{Title: title, Nav: n, Data: map[string]any{
		"Items": items, "Names": names, "Next": nextURL(r, next), "Ref": ref, "Back": recordURL(n.Programme.ID, ref),
	}})
	return nil
}

// recordNames names the projects, funders, grants and cohorts that events
// name by id, the targets their payment triggers wait on, and the returns
// they change (and subject, the record whose history it is, if a return:
// the page's title names it, events or none), reading only the lists of
// the kinds they name (one list each, never a read per event), and only
// what the caller may read. A return is named by its project and period
// (its id holds its project, schedule and period start; its schedule's
// frequency, its period's end).
// Cohorts are named where the scope is the project's (projectID): the
// history of a record of one project; a project named by a record of that
// project costs nothing, the scope having read it.
func (a *app) recordNames(r *http.Request, q *req, events []domain.AuditEvent, projectID string, subject domain.RecordRef) (*recordNames, error) {
	ids := map[domain.Entity]map[string]bool{}
	targets := map[string]bool{} // those payment triggers wait on
	returns := map[string]bool{} // the returns named, by id
	add := func(e domain.Entity, id string) {
		if e == "" || id == "" {
			return
		}
		if ids[e] == nil {
			ids[e] = map[string]bool{}
		}
		ids[e][id] = true
	}
	addReturn := func(e domain.Entity, id string) {
		if _, project, _, ok := domain.ParseReturnID(id); ok && e == domain.EntityReturn {
			returns[id] = true
			add(domain.EntityProject, project)
		}
	}
	addReturn(subject.Entity, subject.ID)
	for _, ev := range events {
		add(ev.Entity, ev.EntityID)
		addReturn(ev.Entity, ev.EntityID)
		for field, c := range ev.Changes {
			for _, v := range []any{c.Before, c.After} {
				switch x := v.(type) {
				case string:
					add(namedFields[field], x)
				case map[string]any:
					// A payment on a return is written naming the
					// return's project, which its id holds; one on a
					// target, the target (and its project: below).
					if id, _ := x["returnId"].(string); field == "trigger" {
						_, project, _, _ := domain.ParseReturnID(id)
						add(domain.EntityProject, project)
					}
					if id, _ := x["targetId"].(string); field == "trigger" && id != "" {
						targets[id] = true
					}
				case []any:
					for _, e := range x {
						id, _ := e.(string)
						add(namedFields[field], id)
						if role, ok := e.(map[string]any); ok && field == "roles" {
							id, _ = role["projectId"].(string)
							add(domain.EntityProject, id)
							id, _ = role["funderId"].(string)
							add(domain.EntityFunder, id)
						}
					}
				}
			}
		}
	}
	sc := a.scope(r, q)
	out := &recordNames{Projects: map[string]string{}, Funders: map[string]string{}, Grants: map[string]string{}, Cohorts: map[string]string{},
		Targets: map[string]domain.Target{}, Returns: map[string]returnName{}, Base: "/app/programmes/" + r.PathValue("pid")}
	if len(targets) > 0 {
		// The programme's targets, once for the page: a milestone
		// trigger names its target's metric, value and project.
		ts, err := all(sc.ListTargets)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if targets[t.ID] {
				out.Targets[t.ID] = t
				add(domain.EntityProject, t.ProjectID)
			}
		}
	}
	frequency := map[string]domain.Frequency{} // of the schedules of the returns named
	if len(returns) > 0 {
		ss, err := all(sc.ListSchedules)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			frequency[s.ID] = s.Frequency
		}
	}
	if projects := ids[domain.EntityProject]; len(projects) == 1 && projects[projectID] {
		p, err := sc.ThisProject()
		if err != nil {
			return nil, err
		}
		out.Projects[p.ID] = p.Name
	} else if len(projects) > 0 {
		ps, err := all(sc.ListProjects)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out.Projects[p.ID] = p.Name
		}
	}
	if len(ids[domain.EntityFunder]) > 0 {
		fs, err := all(sc.ListFunders)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			out.Funders[f.ID] = f.Name
		}
	}
	if len(ids[domain.EntityGrant]) > 0 {
		gs, err := all(sc.ListGrants)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			out.Grants[g.ID] = g.Title
		}
	}
	if len(ids[domain.EntityCohort]) > 0 && projectID != "" {
		cs, err := all(sc.ListCohorts)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out.Cohorts[c.ID] = c.Name
		}
	}
	for id := range returns {
		schedule, project, start, _ := domain.ParseReturnID(id)
		out.Returns[id] = newReturnName(out.Projects[project], frequency[schedule], start)
	}
	return out, nil
}
