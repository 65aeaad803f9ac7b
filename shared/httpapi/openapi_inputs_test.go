package httpapi_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
)

// oaValidator is a decoded input that checks its own fields.
type oaValidator interface{ Validate() error }

// oaInputs are the request bodies of the POSTs and PUTs that create
// records: each OpenAPI schema named …Input with the domain type its
// service decodes, and samples beside the schema's examples (for schemas
// with none, or a property required only in some cases).
var oaInputs = map[string]struct {
	decoder func() oaValidator
	samples []map[string]any
}{
	"ProgrammeInput": {decoder: func() oaValidator { return new(domain.ProgrammeInput) }},
	"MemberInput":    {decoder: func() oaValidator { return new(domain.MemberInput) }},
	"FunderInput":    {decoder: func() oaValidator { return new(domain.FunderInput) }},
	"ProjectInput": {decoder: func() oaValidator { return new(domain.ProjectInput) },
		samples: []map[string]any{{"name": "Leicester IPS", "leadOrganisation": "LPT", "startDate": "2009-04-01", "endDate": "2012-03-31"}}},
	"GrantInput": {decoder: func() oaValidator { return new(domain.GrantInput) }},
	"PostInput": {decoder: func() oaValidator { return new(domain.PostInput) },
		samples: []map[string]any{{"title": "Employment specialist", "grantId": "01hq3v7k8m9n0p1q2r3s4t5v6w", "fte": 1,
			"contract": "permanent", "startDate": "2009-06-01", "status": "filled"}}},
	"CohortInput": {decoder: func() oaValidator { return new(domain.CohortInput) },
		samples: []map[string]any{{"name": "Spring 2010", "places": 12, "startDate": "2010-03-01", "endDate": "2010-06-30"}}},
	"OutcomeInput":  {decoder: func() oaValidator { return new(domain.OutcomeInput) }},
	"TargetInput":   {decoder: func() oaValidator { return new(domain.TargetInput) }},
	"ScheduleInput": {decoder: func() oaValidator { return new(domain.ScheduleInput) }},
	// The example requests changes, which needs a comment; an approval does not.
	"ReviewInput": {decoder: func() oaValidator { return new(domain.ReviewInput) },
		samples: []map[string]any{{"decision": "approve"}}},
	"PaymentInput": {decoder: func() oaValidator { return new(domain.PaymentInput) }},
	"SpendInput":   {decoder: func() oaValidator { return new(domain.SpendInput) }},
}

// oaRefused decodes body as the service does (decode.JSON, then the
// input's Validate, one answer naming every field) and returns the fields
// named, or nil when the body is accepted.
func oaRefused(t *testing.T, newInput func() oaValidator, body map[string]any) map[string]string {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	in := newInput()
	err = domain.MergeProblems(decode.JSON(data, in), in.Validate())
	if err == nil {
		return nil
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation || len(de.Fields) == 0 {
		t.Fatalf("%s: not a validation error naming fields: %v", data, err)
	}
	return de.Fields
}

// oaNames reports whether any of fields is the property or lies inside it.
func oaNames(fields map[string]string, prop string) bool {
	for f := range fields {
		if f == prop || strings.HasPrefix(f, prop+".") || strings.HasPrefix(f, prop+"[") {
			return true
		}
	}
	return false
}

// TestOpenAPIInputsMatchDecoders: each create body's schema is never
// looser than the API. Its examples are accepted; a required property
// left out is refused, naming it; a property it lets a client leave out is
// accepted without it, and one whose schema admits null is accepted as
// null (each in at least one sample, since some are required only in some
// cases, as dueDate is for a date trigger). A client generated from the
// document then never builds a body the API refuses for a reason the
// document hid, as notify left out or dueDate: null were. The document
// may be stricter than the decoders (a list sent as null reads as empty
// there, which no client needs to be told).
func TestOpenAPIInputsMatchDecoders(t *testing.T) {
	t.Parallel()
	schemas := oaLoad(t).Components.Schemas
	for name := range schemas {
		if _, ok := oaInputs[name]; strings.HasSuffix(name, "Input") && !ok {
			t.Errorf("schema %s: add it and the domain type it decodes into to oaInputs", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(oaInputs)) {
		in := oaInputs[name]
		t.Run(name, func(t *testing.T) {
			ref := schemas[name]
			if ref == nil {
				t.Fatalf("openapi.json has no schema %s", name)
			}
			s := ref.Value
			var samples []map[string]any
			for _, ex := range s.Examples {
				m, ok := ex.(map[string]any)
				if !ok {
					t.Fatalf("example %v is not an object", ex)
				}
				samples = append(samples, m)
			}
			samples = append(samples, in.samples...)
			if len(samples) == 0 {
				t.Fatal("no example in openapi.json and no sample here")
			}
			for _, sample := range samples {
				if fields := oaRefused(t, in.decoder, sample); fields != nil {
					t.Fatalf("the sample %v is refused: %v", sample, fields)
				}
			}
			with := func(sample map[string]any, prop string, v any, drop bool) map[string]any {
				out := maps.Clone(sample)
				if drop {
					delete(out, prop)
				} else {
					out[prop] = v
				}
				return out
			}
			for _, prop := range slices.Sorted(maps.Keys(s.Properties)) {
				required := slices.Contains(s.Required, prop)
				nullable := s.Properties[prop].Value.VisitJSON(nil, openapi3.MultiErrors()) == nil
				var omitOK, nullOK bool
				for _, sample := range samples {
					omitted := oaRefused(t, in.decoder, with(sample, prop, nil, true))
					if required && !oaNames(omitted, prop) {
						t.Errorf("%s is required in openapi.json, but leaving it out of %v is not refused naming it (%v)", prop, sample, omitted)
					}
					omitOK = omitOK || omitted == nil
					nullOK = nullOK || oaRefused(t, in.decoder, with(sample, prop, nil, false)) == nil
				}
				if !required && !omitOK {
					t.Errorf("%s is optional in openapi.json, but every sample is refused without it: mark it required or say why", prop)
				}
				if nullable && !nullOK {
					t.Errorf("openapi.json allows %s: null, but the API refuses it: take null out of its schema", prop)
				}
			}
		})
	}
}

// TestOpenAPINumberBoundsMatchDecoders: at and around each bound of a
// number the API limits (domain.MinFTE, MinMeanScore, MaxMeanScore…),
// the schema and the API agree: a value the document admits is accepted,
// one it refuses is refused naming the field. So fte, baselineMean and
// latestMean between 0 and 0.01, which the document once admitted and
// the API refused, are refused by both.
func TestOpenAPINumberBoundsMatchDecoders(t *testing.T) {
	t.Parallel()
	schemas := oaLoad(t).Components.Schemas
	post := func(fte any) map[string]any {
		return map[string]any{"title": "Employment specialist", "grantId": "01hq3v7k8m9n0p1q2r3s4t5v6w", "fte": fte,
			"contract": "permanent", "startDate": "2009-06-01", "status": "filled"}
	}
	outcome := func(baseline, latest any) map[string]any {
		return map[string]any{"periodStart": "2011-04-01", "periodEnd": "2011-06-30", "counts": map[string]any{"referrals": 40.0},
			"measures": []any{map[string]any{"name": "self-confidence", "baselineMean": baseline, "latestMean": latest, "respondents": 8.0}}}
	}
	edges := []float64{-1, 0, 0.005, 0.0099, 0.01, 0.5, 1, 1.001, 999.99, 1000, 1000.01}
	for _, c := range []struct {
		schema, field string
		decoder       func() oaValidator
		body          func(v float64) map[string]any
	}{
		{"PostInput", "fte", oaInputs["PostInput"].decoder, func(v float64) map[string]any { return post(v) }},
		{"OutcomeInput", "measures[0].baselineMean", oaInputs["OutcomeInput"].decoder, func(v float64) map[string]any { return outcome(v, 6.9) }},
		{"OutcomeInput", "measures[0].latestMean", oaInputs["OutcomeInput"].decoder, func(v float64) map[string]any { return outcome(3.0, v) }},
	} {
		for _, v := range edges {
			body := c.body(v)
			documented := schemas[c.schema].Value.VisitJSON(body, openapi3.MultiErrors()) == nil
			accepted := !oaNames(oaRefused(t, c.decoder, body), c.field)
			if documented != accepted {
				t.Errorf("%s %s = %v: the document admits it %v, the API accepts it %v", c.schema, c.field, v, documented, accepted)
			}
		}
	}
	// A post's fte is limited alike wherever the document gives it.
	want := schemas["PostInput"].Value.Properties["fte"].Value
	for _, name := range []string{"PostPatch", "Post"} {
		got := schemas[name].Value.Properties["fte"].Value
		if got.Min == nil || *got.Min != *want.Min || got.ExclusiveMin != want.ExclusiveMin || got.Max == nil || *got.Max != *want.Max {
			t.Errorf("%s.fte is not limited as PostInput.fte is", name)
		}
	}
}
