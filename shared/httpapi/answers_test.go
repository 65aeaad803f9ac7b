package httpapi_test

// No answer holds null where openapi.json promises an array or an object.
// Go writes a nil slice or map as null, and a client that reads "targets"
// or "totals" and iterates breaks on it; present.Answer, which writeJSON
// applies to every answer, fills them. These tests hold that for the
// whole set, however many fields there are or will be:
//
//   - TestAnswersNeverNull builds every answer type from zero-valued and
//     one-element domain values, at every depth, writes it through
//     writeJSON (and each collection through writeList) and walks the JSON
//     together with its schema in openapi.json: no null where the schema
//     does not allow one, no required array or object left out. A new
//     answer schema without a case here fails the test.
//   - TestAnswerFieldsMatchTheDocument walks each answer's Go type with its
//     schema: a list, object or pointer field the API always answers is
//     required there, one it may leave out is not, and one it may answer
//     null (null:"hidden", or a pointer) is nullable there, and no other.
//   - TestEmptyProgrammeAnswersOverDynamoDB reads an empty programme's
//     answers, stored and read back by DynamoDB Local, with the same walk.

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// --- openapi.json's schemas, as plain JSON

type anSchema = map[string]any

type anDoc struct{ schemas map[string]any }

func anLoad(t testing.TB) anDoc {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	return anDoc{schemas: doc.Components.Schemas}
}

// named is components.schemas[name].
func (d anDoc) named(t testing.TB, name string) anSchema {
	t.Helper()
	s, ok := d.schemas[name].(anSchema)
	if !ok {
		t.Fatalf("openapi.json has no schema %s", name)
	}
	return s
}

// resolve follows $ref to the schema it names.
func (d anDoc) resolve(s anSchema) anSchema {
	for s != nil {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		s, _ = d.schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(anSchema)
	}
	return s
}

func anList(v any) []anSchema {
	var out []anSchema
	for _, x := range oaSlice(v) {
		if s, ok := x.(anSchema); ok {
			out = append(out, s)
		}
	}
	return out
}

// kinds are the JSON types s may be, through $ref and composition.
func (d anDoc) kinds(s anSchema) []string {
	s = d.resolve(s)
	var out []string
	switch t := s["type"].(type) {
	case string:
		out = append(out, t)
	case []any:
		out = append(out, oaStrings(t)...)
	}
	for _, k := range []string{"allOf", "oneOf", "anyOf"} {
		for _, sub := range anList(s[k]) {
			out = append(out, d.kinds(sub)...)
		}
	}
	return out
}

// container reports whether s describes an array or an object.
func (d anDoc) container(s anSchema) bool {
	k := d.kinds(s)
	return slices.Contains(k, "array") || slices.Contains(k, "object")
}

// nullable reports whether JSON null matches s.
func (d anDoc) nullable(s anSchema) bool {
	s = d.resolve(s)
	if t, ok := s["type"]; ok {
		return t == "null" || slices.Contains(oaStrings(t), "null")
	}
	if e, ok := s["enum"]; ok {
		return slices.Contains(oaSlice(e), nil)
	}
	if all := anList(s["allOf"]); len(all) > 0 {
		for _, sub := range all {
			if !d.nullable(sub) {
				return false
			}
		}
		return true
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts := anList(s[k]); len(alts) > 0 {
			return slices.ContainsFunc(alts, d.nullable)
		}
	}
	// No type at all (an audit change's before and after): any value.
	_, props := s["properties"]
	_, items := s["items"]
	return !props && !items
}

// property is the schema of property name of s and whether s requires
// it, through allOf; inOneOf says it was found only in an alternative,
// where whether it is required depends on the alternative.
func (d anDoc) property(s anSchema, name string) (ps anSchema, required, inOneOf, found bool) {
	s = d.resolve(s)
	props, _ := s["properties"].(anSchema)
	if p, ok := props[name].(anSchema); ok {
		ps, found = p, true
	}
	if slices.Contains(oaStrings(s["required"]), name) {
		required = true
	}
	for _, sub := range anList(s["allOf"]) {
		p, r, o, f := d.property(sub, name)
		if f && !found {
			ps, found, inOneOf = p, true, o
		}
		required = required || r
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		for _, sub := range anList(s[k]) {
			if p, _, _, f := d.property(sub, name); f && !found {
				ps, found, inOneOf = p, true, true
			}
		}
	}
	return ps, required, inOneOf, found
}

// nulls walks the JSON value v with its schema s and names every null
// the schema does not allow and every required array or object left out.
func (d anDoc) nulls(s anSchema, v any, path string) []string {
	s = d.resolve(s)
	if v == nil {
		if d.nullable(s) {
			return nil
		}
		return []string{fmt.Sprintf("%s: null, where openapi.json says %v", path, d.kinds(s))}
	}
	var out []string
	for _, sub := range anList(s["allOf"]) {
		out = append(out, d.nulls(sub, v, path)...)
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		alts := anList(s[k])
		var best []string
		for i, alt := range alts {
			p := d.nulls(alt, v, path)
			if i == 0 || len(p) < len(best) {
				best = p
			}
		}
		out = append(out, best...)
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(anSchema)
		for _, name := range oaStrings(s["required"]) {
			if _, ok := v[name]; !ok && props[name] != nil && d.container(props[name].(anSchema)) {
				out = append(out, fmt.Sprintf("%s.%s: left out, where openapi.json requires %v", path, name, d.kinds(props[name].(anSchema))))
			}
		}
		for k, x := range v {
			if ps, ok := props[k].(anSchema); ok {
				out = append(out, d.nulls(ps, x, path+"."+k)...)
			} else if ap, ok := s["additionalProperties"].(anSchema); ok {
				out = append(out, d.nulls(ap, x, fmt.Sprintf("%s[%q]", path, k))...)
			}
		}
	case []any:
		if items, ok := s["items"].(anSchema); ok {
			for i, x := range v {
				out = append(out, d.nulls(items, x, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return out
}

// --- the answers

// populated is a value of type t whose lists and objects hold one
// zero-valued element, and whose pointers point at a zero value, down to
// depth lists, objects and pointers deep, and are nil below. Depth 0 is
// the zero value; each depth leaves nil lists one level further in.
func populated(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	if depth == 0 {
		return v
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		p.Elem().Set(populated(t.Elem(), depth-1))
		return p
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return v
		}
		s := reflect.MakeSlice(t, 1, 1)
		s.Index(0).Set(populated(t.Elem(), depth-1))
		return s
	case reflect.Map:
		m := reflect.MakeMap(t)
		m.SetMapIndex(reflect.Zero(t.Key()), populated(t.Elem(), depth-1))
		return m
	case reflect.Struct:
		for i := range t.NumField() {
			if f := v.Field(i); f.CanSet() {
				f.Set(populated(t.Field(i).Type, depth))
			}
		}
	}
	return v
}

// anDepth is deep enough for every answer: lists of objects holding lists
// of objects holding lists (an import's corrections' counts, progress's
// money by grant's budget) and one level more.
const anDepth = 4

// anCase is one answer type, the schema that describes it and, when it is
// also answered as a collection, that collection's schema.
type anCase struct {
	schema, list string
	typ          reflect.Type
	write        func(w http.ResponseWriter, v reflect.Value)
	writeList    func(w http.ResponseWriter, items []reflect.Value)
}

func answerOf[T any](schema, list string) anCase {
	return anCase{schema: schema, list: list, typ: reflect.TypeFor[T](),
		write: func(w http.ResponseWriter, v reflect.Value) { httpapi.WriteJSON(w, http.StatusOK, v.Interface().(T)) },
		writeList: func(w http.ResponseWriter, items []reflect.Value) {
			var typed []T // nil when there are none, as a service may return
			for _, v := range items {
				typed = append(typed, v.Interface().(T))
			}
			httpapi.WriteList(w, typed, "")
		}}
}

// anCases is every JSON answer of the API and its schema in openapi.json.
var anCases = []anCase{
	answerOf[domain.Programme]("Programme", "ProgrammeList"),
	answerOf[domain.PortfolioItem]("PortfolioItem", "PortfolioList"),
	answerOf[domain.Member]("Member", "MemberList"),
	answerOf[domain.Funder]("Funder", "FunderList"),
	answerOf[domain.Project]("Project", "ProjectList"),
	answerOf[domain.Grant]("Grant", "GrantList"),
	answerOf[httpapi.GrantAnswer]("GrantWithWarnings", ""),
	answerOf[domain.Post]("Post", "PostList"),
	answerOf[domain.Cohort]("Cohort", "CohortList"),
	answerOf[domain.Outcome]("Outcome", "OutcomeList"),
	answerOf[domain.Target]("Target", "TargetList"),
	answerOf[domain.Progress]("Progress", ""),
	answerOf[domain.Report]("Report", ""),
	answerOf[domain.Notification]("Notification", "NotificationList"),
	answerOf[domain.AuditEvent]("AuditEvent", "AuditEventList"),
	answerOf[domain.Schedule]("Schedule", "ScheduleList"),
	answerOf[domain.Return]("Return", "ReturnList"),
	answerOf[domain.PaymentView]("Payment", "PaymentList"),
	answerOf[domain.SpendReturn]("SpendReturn", "SpendReturnList"),
	answerOf[domain.ImportResult]("ImportResult", ""),
	answerOf[map[string]string]("Health", ""),
	answerOf[httpapi.ErrorBody]("Error", ""),
}

// anNotOurs are answers described in openapi.json that no writeJSON
// writes: API Gateway's own 401, the document itself (served as its
// bytes), and the 360Giving package (written by the export package,
// checked by TestGivingPackageNeverNull).
var anNotOurs = []string{"AuthorizerUnauthorized", "Giving360Package"}

// anAnswered lists the schemas openapi.json gives JSON answers: every
// operation's, and the shared error answers'.
func anAnswered(t *testing.T) map[string]bool {
	t.Helper()
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var answer func(raw json.RawMessage)
	answer = func(raw json.RawMessage) {
		var r struct {
			Content map[string]struct {
				Schema anSchema `json:"schema"`
			} `json:"content"`
		}
		json.Unmarshal(raw, &r)
		if s := r.Content["application/json"].Schema; s != nil {
			var refs func(s anSchema)
			refs = func(s anSchema) {
				if ref, ok := s["$ref"].(string); ok {
					out[strings.TrimPrefix(ref, "#/components/schemas/")] = true
				}
				for _, sub := range anList(s["allOf"]) {
					refs(sub)
				}
			}
			refs(s)
		}
	}
	for _, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if method == "parameters" || json.Unmarshal(raw, &op) != nil {
				continue
			}
			for _, r := range op.Responses {
				answer(r)
			}
		}
	}
	for _, r := range doc.Components.Responses {
		answer(r)
	}
	return out
}

// TestAnswerCasesCoverTheDocument: every schema openapi.json answers with
// has a case in anCases (a collection, its items' case), so a new answer
// is walked from the start.
func TestAnswerCasesCoverTheDocument(t *testing.T) {
	t.Parallel()
	d := anLoad(t)
	covered := map[string]bool{}
	for _, c := range anCases {
		covered[c.schema] = true
		if c.list != "" {
			covered[c.list] = true
			items, _ := d.named(t, c.list)["properties"].(anSchema)["items"].(anSchema)
			if ref, _ := items["items"].(anSchema)["$ref"].(string); ref != "#/components/schemas/"+c.schema {
				t.Errorf("%s's items are %v, not %s", c.list, items["items"], c.schema)
			}
		}
	}
	for _, name := range anNotOurs {
		covered[name] = true
	}
	answered := anAnswered(t)
	if len(answered) < 20 {
		t.Fatalf("found only %d answer schemas in openapi.json: %v", len(answered), answered)
	}
	for name := range answered {
		if !covered[name] {
			t.Errorf("openapi.json answers with %s, which has no case in anCases: add one", name)
		}
	}
}

// TestAnswersNeverNull writes every answer type, from its zero value and
// from values holding one zero-valued element at each depth, through
// writeJSON and writeList, and walks each JSON answer with its schema.
func TestAnswersNeverNull(t *testing.T) {
	t.Parallel()
	d := anLoad(t)
	for _, c := range anCases {
		t.Run(c.schema, func(t *testing.T) {
			t.Parallel()
			// Each problem once, with the first answer that shows it: the
			// deeper values repeat the shallower ones' nulls.
			found := map[string]string{}
			walk := func(schema string, write func(w http.ResponseWriter)) {
				rec := httptest.NewRecorder()
				write(rec)
				var v any
				if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
					t.Fatalf("%v: %s", err, rec.Body)
				}
				for _, msg := range d.nulls(d.named(t, schema), v, schema) {
					if _, ok := found[msg]; !ok {
						found[msg] = oaShort(rec.Body.Bytes())
					}
				}
			}
			if c.list != "" {
				walk(c.list, func(w http.ResponseWriter) { c.writeList(w, nil) })
			}
			for depth := range anDepth + 1 {
				v := populated(c.typ, depth)
				walk(c.schema, func(w http.ResponseWriter) { c.write(w, v) })
				if c.list != "" {
					walk(c.list, func(w http.ResponseWriter) { c.writeList(w, []reflect.Value{v}) })
				}
			}
			msgs := slices.Sorted(maps.Keys(found))
			for _, msg := range msgs {
				t.Errorf("%s\n  answer: %s", msg, found[msg])
			}
		})
	}
}

// TestGivingPackageNeverNull walks 360Giving packages built by the
// export from zero-valued records (a grant of the programme; one of a
// project, paid a tranche, for one funder) with their schema.
func TestGivingPackageNeverNull(t *testing.T) {
	t.Parallel()
	d := anLoad(t)
	paid := domain.Payment{GrantID: "g", Status: domain.PaymentPaid, AmountPence: 100}
	for name, c := range map[string]struct {
		set    export.GrantSet
		funder string
	}{
		"a zero grant": {set: export.GrantSet{Grants: []domain.Grant{{}}}},
		"a project's grant, paid, for its funder": {funder: "f", set: export.GrantSet{
			Grants: []domain.Grant{{ID: "g", FunderID: "f", ProjectID: "p"}}, Funders: []domain.Funder{{ID: "f"}},
			Projects: []domain.Project{{ID: "p"}}, Payments: []domain.Payment{paid}}},
	} {
		f, err := export.GivingFile(c.set, export.GivingConfig{}, c.funder, time.Now())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var v any
		if err := json.Unmarshal(f.Body, &v); err != nil {
			t.Fatal(err)
		}
		for _, msg := range d.nulls(d.named(t, "Giving360Package"), v, "Giving360Package") {
			t.Errorf("%s: %s", name, msg)
		}
	}
}

// TestAnswerFieldsMatchTheDocument walks each answer's Go type with its
// schema, so what openapi.json says of each list, object and pointer
// field is what the answer does: always there (required) or left out when
// empty (omitempty, omitzero: not required); null only where it may be
// (null:"hidden", a pointer: nullable), never elsewhere.
func TestAnswerFieldsMatchTheDocument(t *testing.T) {
	t.Parallel()
	d := anLoad(t)
	seen := map[reflect.Type]bool{}
	var check func(t *testing.T, typ reflect.Type, s anSchema, path string)
	check = func(t *testing.T, typ reflect.Type, s anSchema, path string) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Slice:
			if items, ok := d.resolve(s)["items"].(anSchema); ok {
				check(t, typ.Elem(), items, path+"[]")
			}
		case reflect.Map:
			if ap, ok := d.resolve(s)["additionalProperties"].(anSchema); ok {
				check(t, typ.Elem(), ap, path+"{}")
			}
		case reflect.Struct:
			if seen[typ] {
				return
			}
			seen[typ] = true
			for _, f := range anFields(typ) {
				name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "" {
					name = f.Name
				}
				ft := f.Type
				list := ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8 || ft.Kind() == reflect.Map
				pointer := ft.Kind() == reflect.Pointer
				ps, required, inOneOf, found := d.property(s, name)
				at := path + "." + name
				if !found {
					if list || pointer {
						t.Errorf("%s: %s is answered, but openapi.json does not describe it", at, ft)
					}
					continue
				}
				if list || pointer {
					omitted := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
					switch {
					case inOneOf:
					case omitted && required:
						t.Errorf("%s: left out when empty (%s), but openapi.json requires it", at, opts)
					case !omitted && !required:
						t.Errorf("%s: always answered, but openapi.json does not require it", at)
					}
					hidden := f.Tag.Get("null") == "hidden"
					mayBeNull := !omitted && (pointer || hidden)
					switch {
					case mayBeNull && !d.nullable(ps):
						t.Errorf("%s: answered null when nil, but openapi.json does not allow null", at)
					case list && !hidden && d.nullable(ps):
						t.Errorf("%s: never null (present.Answer fills it), but openapi.json allows null: tag it null:\"hidden\" if null is meant", at)
					}
				}
				check(t, ft, ps, at)
			}
		}
	}
	for _, c := range anCases {
		t.Run(c.schema, func(t *testing.T) {
			check(t, c.typ, d.named(t, c.schema), c.schema)
		})
	}
}

// anFields are the fields JSON writes of struct type typ, with embedded
// structs' fields promoted.
func anFields(typ reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Tag.Get("json") == "-" || f.Tag.Get("api") == "-" {
			// api:"-": stored, but never answered (its type's MarshalJSON
			// leaves it out: domain.Schedule.RemindersFrom).
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
			out = append(out, anFields(f.Type)...)
			continue
		}
		if f.IsExported() {
			out = append(out, f)
		}
	}
	return out
}

// TestEmptyProgrammeAnswersOverDynamoDB reads the answers of a programme
// with nothing in it yet, and of one with only its funders, projects,
// members, a target notifying no one and a schedule with no reminders,
// as DynamoDB Local stores and returns them, as each role, every answer
// validated against openapi.json and walked for nulls.
func TestEmptyProgrammeAnswersOverDynamoDB(t *testing.T) {
	t.Parallel()
	d := anLoad(t)
	a := startAPI(t, testkit.New(t), nil, testkit.APIConfig{Transport: oaNewTransport(t)})
	read := func(as, path, schema string) map[string]any {
		t.Helper()
		r := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path, as, nil))
		var v map[string]any
		if err := json.Unmarshal(r.Body, &v); err != nil {
			t.Fatal(err)
		}
		for _, msg := range d.nulls(d.named(t, schema), v, schema) {
			t.Errorf("GET %s as %s: %s\n  answer: %s", path, as, msg, oaShort(r.Body))
		}
		return v
	}
	items := func(v map[string]any, key string) int {
		t.Helper()
		list, ok := v[key].([]any)
		if !ok {
			t.Errorf("%s is %v, want a list", key, v[key])
		}
		return len(list)
	}

	// Nothing in it: the administrator who made it is no member.
	empty, _ := a.Create(t, uAdmin, "/programmes", map[string]any{"name": "Nothing yet", "leadOrganisation": "Trust",
		"startDate": "2020-04-01", "endDate": "2022-03-31"})
	pe := "/programmes/" + empty
	progress := read(uAdmin, pe+"/progress", "Progress")
	for _, key := range []string{"projects", "targets", "measures", "monthly"} {
		if n := items(progress, key); n != 0 {
			t.Errorf("an empty programme's progress has %d %s", n, key)
		}
	}
	if n := items(progress["funding"].(map[string]any), "byFunder"); n != 0 {
		t.Errorf("an empty programme's funding by funder has %d", n)
	}
	if n := items(progress["money"].(map[string]any), "byGrant"); n != 0 {
		t.Errorf("an empty programme's money by grant has %d", n)
	}
	report := read(uAdmin, pe+"/report?from=2020-04-01&to=2020-06-30", "Report")
	if items(report, "targets") != 0 || items(report, "measures") != 0 || items(report, "byMonth") != 3 {
		t.Errorf("an empty programme's report: %v", report)
	}
	portfolio := read(uAdmin, "/portfolio", "PortfolioList")
	if items(portfolio, "items") != 1 {
		t.Fatalf("the administrator's portfolio: %v", portfolio)
	}
	if line := portfolio["items"].([]any)[0].(map[string]any); items(line, "roles") != 0 || items(line, "targets") != 0 {
		t.Errorf("the administrator's portfolio line of an empty programme: %v", line)
	}
	for list, schema := range map[string]string{"/funders": "FunderList", "/projects": "ProjectList", "/grants": "GrantList",
		"/targets": "TargetList", "/schedules": "ScheduleList", "/returns": "ReturnList", "/notifications": "NotificationList",
		"/outcomes/pending": "OutcomeList", "/members": "MemberList", "/audit": "AuditEventList"} {
		if v := read(uAdmin, pe+list, schema); list != "/audit" && items(v, "items") != 0 {
			t.Errorf("GET %s of an empty programme: %v", list, v)
		}
	}

	// Funders, projects and members, and nothing else.
	p, _ := a.Create(t, uAdmin, "/programmes", map[string]any{"name": "Set up only", "leadOrganisation": "Trust",
		"startDate": "2020-04-01", "endDate": "2022-03-31"})
	pp := "/programmes/" + p
	fx, _ := a.Create(t, uAdmin, pp+"/funders", map[string]any{"name": "Funder X", "contacts": []string{"x@example.org"}})
	fy, _ := a.Create(t, uAdmin, pp+"/funders", map[string]any{"name": "Funder Y", "contacts": []string{"y@example.org"}})
	prj, _ := a.Create(t, uAdmin, pp+"/projects", map[string]any{"name": "Leicester IPS", "leadOrganisation": "LPT",
		"startDate": "2020-04-01", "endDate": "2022-03-31"})
	a.PutMember(t, p, uLead, map[string]string{"role": "lead"})
	a.PutMember(t, p, uPLA, map[string]string{"role": "project-lead", "projectId": prj})
	a.PutMember(t, p, uFunderX, map[string]string{"role": "funder", "funderId": fx})
	tid, _ := a.Create(t, uLead, pp+"/targets", map[string]any{"metric": "peopleIntoWork", "value": 10, "deadline": "2022-03-31", "notify": []string{}})
	sid, _ := a.Create(t, uLead, pp+"/schedules", map[string]any{"name": "Quarterly", "frequency": "quarterly",
		"firstPeriodStart": "2020-04-01", "lastPeriodEnd": "2021-03-31", "reminders": []int{}})
	if tg := read(uFunderX, pp+"/targets/"+tid, "Target"); items(tg, "notify") != 0 {
		t.Errorf("a target notifying no one: %v", tg)
	}
	if s := read(uLead, pp+"/schedules/"+sid, "Schedule"); items(s, "reminders") != 0 {
		t.Errorf("a schedule with no reminders: %v", s)
	}
	// Funder Y's contacts are hidden from funder X: null, as documented.
	if f := read(uFunderX, pp+"/funders/"+fy, "Funder"); f["contacts"] != nil {
		t.Errorf("funder X reads funder Y's contacts: %v", f["contacts"])
	}
	for _, as := range []string{uAdmin, uLead, uPLA, uFunderX} {
		read(as, pp+"/progress", "Progress")
		read(as, pp+"/report?from=2020-04-01&to=2021-03-31", "Report")
		read(as, "/portfolio", "PortfolioList")
		read(as, pp+"/returns", "ReturnList")
	}
	read(uLead, pp+"/audit", "AuditEventList")
	read(uLead, pp+"/targets/"+tid+"/history", "AuditEventList")
	read(uPLA, pp+"/projects/"+prj+"/outcomes", "OutcomeList")
	read(uPLA, pp+"/projects/"+prj+"/posts", "PostList")
	read(uPLA, pp+"/projects/"+prj+"/cohorts", "CohortList")

	// An import's dry run: nothing corrected, no column ignored, nothing
	// stored.
	r := a.Want(t, http.StatusOK, testkit.Req{Method: http.MethodPost, Path: pp + "/imports?dryRun=true", As: uPLA,
		Body:   "Project,Period start,Period end,Referrals\r\nLeicester IPS,2020-04-01,2020-06-30,5\r\n",
		Header: map[string]string{"Content-Type": "text/csv"}})
	var res map[string]any
	json.Unmarshal(r.Body, &res)
	for _, msg := range d.nulls(d.named(t, "ImportResult"), res, "ImportResult") {
		t.Errorf("an import's dry run: %s\n  answer: %s", msg, r)
	}
	if items(res, "submissions") != 0 || items(res, "ignoredColumns") != 0 || items(res, "corrections") != 0 {
		t.Errorf("an import's dry run: %s", r)
	}
}
