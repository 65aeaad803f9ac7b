package cfn

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// SpecFile is where `npm ci --prefix infra` puts the CloudFormation resource
// specification (the npm package @aws-cdk/aws-service-spec, pinned in
// infra/package.json), relative to the module root.
const SpecFile = "infra/node_modules/@aws-cdk/aws-service-spec/db.json.gz"

// Spec is the CloudFormation resource specification: for every resource
// type, its properties (name, type, required or not) and the attributes
// Fn::GetAtt may read. It is read from @aws-cdk/aws-service-spec's
// database, which the AWS CDK builds from CloudFormation's own registry
// schemas, so it knows every type CloudFormation does.
type Spec struct {
	resources map[string]*specResource // by CloudFormation type
	defs      map[string]*specDef      // property types, by database id
}

type specResource struct {
	Type       string              `json:"cloudFormationType"`
	Properties map[string]specProp `json:"properties"`
	Attributes map[string]specProp `json:"attributes"`
}

type specDef struct {
	ID         string              `json:"$id"`
	Name       string              `json:"name"`
	Properties map[string]specProp `json:"properties"`
}

type specProp struct {
	Type specType `json:"type"`
	// PreviousTypes are shapes the property had before: CloudFormation
	// still accepts them.
	PreviousTypes []specType `json:"previousTypes"`
	Required      bool       `json:"required"`
}

// specType is one type of the database: a primitive (string, integer,
// number, boolean, date-time, json), tag, array or map of an element type,
// a ref to a property type (an object), or a union of types.
type specType struct {
	Type      string     `json:"type"`
	Element   *specType  `json:"element"`
	Types     []specType `json:"types"`
	Reference *struct {
		ID string `json:"$ref"`
	} `json:"reference"`
	AllowedValues []any `json:"allowedValues"`
}

// LoadSpec reads the specification from the package's db.json.gz.
func LoadSpec(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var db struct {
		Schema struct {
			Resource struct {
				Entities []*specResource `json:"entities"`
			} `json:"resource"`
			TypeDefinition struct {
				Entities []*specDef `json:"entities"`
			} `json:"typeDefinition"`
		} `json:"schema"`
	}
	if err := json.NewDecoder(zr).Decode(&db); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &Spec{resources: map[string]*specResource{}, defs: map[string]*specDef{}}
	for _, r := range db.Schema.Resource.Entities {
		s.resources[r.Type] = r
	}
	for _, d := range db.Schema.TypeDefinition.Entities {
		s.defs[d.ID] = d
	}
	// A database this small is not the specification: a broken download or
	// a changed format would otherwise make every check pass.
	if len(s.resources) < 1000 || s.resources["AWS::Lambda::Function"] == nil {
		return nil, fmt.Errorf("%s: only %d resource types, no AWS::Lambda::Function: not the resource specification", path, len(s.resources))
	}
	return s, nil
}

// Has reports whether the specification describes a resource type.
func (s *Spec) Has(typ string) bool { return s.resources[typ] != nil }

// Problem is one way a template departs from the specification.
type Problem struct {
	Path    string // where, e.g. Resources.Table.Properties.KeySchema[0]
	Message string
}

// String is the problem as a test failure shows it: "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Message }

// Coverage says what a Check looked at.
type Coverage struct {
	// Checked are the resources whose properties were checked.
	Checked []string
	// Unchecked are the resources the specification does not describe
	// ("Id (Type)"): AWS SAM's AWS::Serverless::* types, which exist only
	// before the SAM transform, and custom resources.
	Unchecked []string
	// Refs and GetAtts count the Ref and Fn::GetAtt references checked,
	// those inside Fn::Sub strings included.
	Refs, GetAtts int
}

// Check compares a template (as Load returns it, or as JSON) with the
// specification:
//   - every resource type exists, and its attributes (DependsOn, Condition,
//     DeletionPolicy, …) are known and point at what exists;
//   - every property name exists on its resource or property type, at any
//     depth; every required property is there; every value has the
//     property's type (a string, an integer, a list of tags, an object of
//     the right property type, …) and, when the specification lists the
//     allowed values, one of them;
//   - every Ref names a parameter, a resource or a pseudo parameter; every
//     Fn::GetAtt (and every ${Resource.Attribute} in Fn::Sub) names a
//     resource and an attribute its type has; every condition used exists;
//   - an intrinsic function in a property gives the right kind of value (a
//     list where a list is needed: a Ref to a CommaDelimitedList parameter,
//     Fn::Split, …; never a string where an object is needed).
//
// AWS::Serverless::* resources are not in the specification: their
// references are checked, their properties are not (Coverage.Unchecked
// lists them). Translate the template with the SAM translator first to
// check what they become.
func (s *Spec) Check(tpl map[string]any) ([]Problem, Coverage) {
	c := &checker{spec: s, tpl: tpl}
	c.run()
	sort.Slice(c.problems, func(i, j int) bool { return c.problems[i].Path < c.problems[j].Path })
	sort.Strings(c.cov.Checked)
	sort.Strings(c.cov.Unchecked)
	return c.problems, c.cov
}

type checker struct {
	spec       *Spec
	tpl        map[string]any
	params     map[string]map[string]any
	resources  map[string]map[string]any
	conditions map[string]bool
	mappings   map[string]bool
	problems   []Problem
	cov        Coverage
}

func (c *checker) errorf(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// try runs f and returns the problems it found, leaving them out of the
// report: for unions and previous types, where one alternative must fit.
func (c *checker) try(f func()) []Problem {
	saved := c.problems
	c.problems = nil
	f()
	found := c.problems
	c.problems = saved
	return found
}

var templateSections = map[string]bool{
	"AWSTemplateFormatVersion": true, "Description": true, "Metadata": true, "Parameters": true,
	"Rules": true, "Mappings": true, "Conditions": true, "Transform": true, "Resources": true,
	"Outputs": true, "Globals": true,
}

var resourceKeys = map[string]bool{
	"Type": true, "Properties": true, "DependsOn": true, "Condition": true, "DeletionPolicy": true,
	"UpdateReplacePolicy": true, "Metadata": true, "CreationPolicy": true, "UpdatePolicy": true,
	// SAM resources only.
	"IgnoreGlobals": true, "Connectors": true,
}

var (
	deletionPolicies      = []string{"Delete", "Retain", "RetainExceptOnCreate", "Snapshot"}
	updateReplacePolicies = []string{"Delete", "Retain", "Snapshot"}
)

// pseudo are the pseudo parameters; true for those that are lists.
var pseudo = map[string]bool{
	"AWS::AccountId": false, "AWS::NotificationARNs": true, "AWS::NoValue": false, "AWS::Partition": false,
	"AWS::Region": false, "AWS::StackId": false, "AWS::StackName": false, "AWS::URLSuffix": false,
}

func (c *checker) run() {
	c.params = map[string]map[string]any{}
	for k, v := range asMap(c.tpl["Parameters"]) {
		c.params[k] = asMap(v)
	}
	c.resources = map[string]map[string]any{}
	for k, v := range Resources(c.tpl) {
		c.resources[k] = asMap(v)
	}
	c.conditions = map[string]bool{}
	for k := range asMap(c.tpl["Conditions"]) {
		c.conditions[k] = true
	}
	c.mappings = map[string]bool{}
	for k := range asMap(c.tpl["Mappings"]) {
		c.mappings[k] = true
	}
	for k := range c.tpl {
		if !templateSections[k] {
			c.errorf(k, "not a template section")
		}
	}
	if _, sam := c.tpl["Globals"]; sam && !strings.Contains(fmt.Sprint(c.tpl["Transform"]), "AWS::Serverless") {
		c.errorf("Globals", "only a template with the AWS::Serverless transform may have Globals")
	}
	if len(c.resources) == 0 {
		c.errorf("Resources", "the template has no resources")
	}

	for _, id := range sortedKeys(c.resources) {
		c.resource(id, c.resources[id])
	}
	for _, name := range sortedKeys(asMap(c.tpl["Conditions"])) {
		c.refs(asMap(c.tpl["Conditions"])[name], "Conditions."+name, nil)
	}
	for _, name := range sortedKeys(asMap(c.tpl["Outputs"])) {
		out := asMap(asMap(c.tpl["Outputs"])[name])
		path := "Outputs." + name
		if _, ok := out["Value"]; !ok {
			c.errorf(path, "an output needs a Value")
		}
		for k := range out {
			if !slices.Contains([]string{"Value", "Description", "Export", "Condition"}, k) {
				c.errorf(path+"."+k, "not an output attribute")
			}
		}
		c.condition(out["Condition"], path+".Condition")
		c.refs(out, path, nil)
	}
}

func (c *checker) condition(v any, path string) {
	if v == nil {
		return
	}
	name, ok := v.(string)
	if !ok || !c.conditions[name] {
		c.errorf(path, "condition %v is not defined in Conditions", v)
	}
}

func (c *checker) resource(id string, res map[string]any) {
	path := "Resources." + id
	typ, _ := res["Type"].(string)
	if typ == "" {
		c.errorf(path+".Type", "every resource needs a Type")
		return
	}
	for k := range res {
		if !resourceKeys[k] {
			c.errorf(path+"."+k, "not a resource attribute")
		}
	}
	c.condition(res["Condition"], path+".Condition")
	deps := res["DependsOn"]
	if s, ok := deps.(string); ok {
		deps = []any{s}
	}
	for _, d := range asList(deps) {
		if name, _ := d.(string); c.resources[name] == nil {
			c.errorf(path+".DependsOn", "depends on %v, which is not a resource", d)
		}
	}
	if p, ok := res["DeletionPolicy"].(string); ok && !slices.Contains(deletionPolicies, p) {
		c.errorf(path+".DeletionPolicy", "%q is not one of %v", p, deletionPolicies)
	}
	if p, ok := res["UpdateReplacePolicy"].(string); ok && !slices.Contains(updateReplacePolicies, p) {
		c.errorf(path+".UpdateReplacePolicy", "%q is not one of %v", p, updateReplacePolicies)
	}
	c.refs(res, path, nil)

	// The database also describes a few AWS::Serverless::* types, from an
	// old SAM specification that misses what SAM has since gained
	// (LoggingConfig, ScheduleV2 events, …): SAM's own schema and the
	// translated template are the checks for those.
	spec := c.spec.resources[typ]
	if strings.HasPrefix(typ, "AWS::Serverless::") {
		spec = nil
	}
	switch {
	case spec != nil:
		c.cov.Checked = append(c.cov.Checked, id)
		props, isMap := res["Properties"].(map[string]any)
		if res["Properties"] != nil && !isMap {
			c.errorf(path+".Properties", "must be an object")
			return
		}
		c.object(props, spec.Properties, path+".Properties")
	case strings.HasPrefix(typ, "AWS::Serverless::") || strings.HasPrefix(typ, "Custom::"):
		c.cov.Unchecked = append(c.cov.Unchecked, id+" ("+typ+")")
	default:
		c.errorf(path+".Type", "%s is not a CloudFormation resource type", typ)
	}
}

// object checks an object's keys and values against properties.
func (c *checker) object(v map[string]any, props map[string]specProp, path string) {
	for _, name := range sortedKeys(props) {
		if _, ok := v[name]; !ok && props[name].Required {
			c.errorf(path, "required property %s is missing", name)
		}
	}
	for _, k := range sortedKeys(v) {
		p, ok := props[k]
		if !ok {
			c.errorf(path+"."+k, "unknown property (known: %s)", knownNames(props))
			continue
		}
		c.property(v[k], p, path+"."+k)
	}
}

func knownNames(props map[string]specProp) string {
	names := sortedKeys(props)
	if len(names) > 25 {
		names = append(names[:25], "…")
	}
	return strings.Join(names, ", ")
}

func (c *checker) property(v any, p specProp, path string) {
	if len(p.PreviousTypes) == 0 {
		c.value(v, p.Type, path)
		return
	}
	first := c.try(func() { c.value(v, p.Type, path) })
	if len(first) == 0 {
		return
	}
	for _, t := range p.PreviousTypes {
		if len(c.try(func() { c.value(v, t, path) })) == 0 {
			return
		}
	}
	c.problems = append(c.problems, first...)
}

// value checks one value against a type.
func (c *checker) value(v any, t specType, path string) {
	if fn, arg, ok := intrinsic(v); ok {
		c.intrinsicValue(fn, arg, t, path)
		return
	}
	switch t.Type {
	case "string", "date-time":
		switch x := v.(type) {
		case string:
			c.allowed(x, t, path)
		case int, int64, float64, json.Number:
			// CloudFormation passes numbers to string properties as text.
		default:
			c.errorf(path, "%s: want a string", describe(v))
		}
	case "integer":
		if !isInteger(v) {
			c.errorf(path, "%s: want an integer", describe(v))
			return
		}
		c.allowed(fmt.Sprint(v), t, path)
	case "number":
		if !isNumber(v) {
			c.errorf(path, "%s: want a number", describe(v))
		}
	case "boolean":
		switch x := v.(type) {
		case bool:
		case string:
			if x != "true" && x != "false" {
				c.errorf(path, "%q: want a boolean", x)
			}
		default:
			c.errorf(path, "%s: want a boolean", describe(v))
		}
	case "json":
		// Any JSON: an object, a list or a string holding JSON.
	case "tag":
		m, ok := v.(map[string]any)
		if !ok {
			c.errorf(path, "%s: want a tag {Key, Value}", describe(v))
			return
		}
		c.object(m, map[string]specProp{
			"Key":   {Type: specType{Type: "string"}, Required: true},
			"Value": {Type: specType{Type: "string"}, Required: true},
		}, path)
	case "array":
		l, ok := v.([]any)
		if !ok {
			c.errorf(path, "%s: want a list", describe(v))
			return
		}
		for i, e := range l {
			c.value(e, *t.Element, fmt.Sprintf("%s[%d]", path, i))
		}
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			c.errorf(path, "%s: want an object (a map)", describe(v))
			return
		}
		for _, k := range sortedKeys(m) {
			c.value(m[k], *t.Element, path+"."+k)
		}
	case "ref":
		def := c.spec.defs[t.Reference.ID]
		if def == nil {
			c.errorf(path, "the specification's type %s is missing", t.Reference.ID)
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			c.errorf(path, "%s: want an object (%s)", describe(v), def.Name)
			return
		}
		c.object(m, def.Properties, path)
	case "union":
		// Many properties are "a list of X, or any JSON" in the registry
		// schemas. Any JSON would accept everything, so a value shaped like
		// one of the structured alternatives (a list, an object, a single
		// value) must be that alternative; JSON takes only the rest.
		var best []Problem
		shaped, anyJSON := false, false
		for _, alt := range t.Types {
			if alt.Type == "json" {
				anyJSON = true
				continue
			}
			if !sameShape(v, alt) {
				continue
			}
			found := c.try(func() { c.value(v, alt, path) })
			if len(found) == 0 {
				return
			}
			if !shaped || len(found) < len(best) {
				best = found
			}
			shaped = true
		}
		switch {
		case shaped:
			c.problems = append(c.problems, best...)
		case !anyJSON:
			c.errorf(path, "%s fits none of the property's types", describe(v))
		}
	default:
		c.errorf(path, "the specification's type %q is not understood by this check", t.Type)
	}
}

// sameShape reports whether v is a list, an object or a single value as t is.
func sameShape(v any, t specType) bool {
	switch v.(type) {
	case []any:
		return t.Type == "array"
	case map[string]any:
		return t.Type == "ref" || t.Type == "map" || t.Type == "tag"
	}
	return t.Type != "array" && t.Type != "ref" && t.Type != "map" && t.Type != "tag"
}

func (c *checker) allowed(s string, t specType, path string) {
	if len(t.AllowedValues) == 0 {
		return
	}
	for _, a := range t.AllowedValues {
		if fmt.Sprint(a) == s {
			return
		}
	}
	c.errorf(path, "%q is not one of %v", s, t.AllowedValues)
}

func isInteger(v any) bool {
	switch x := v.(type) {
	case int, int64:
		return true
	case float64:
		return x == math.Trunc(x)
	case json.Number:
		_, err := strconv.ParseInt(string(x), 10, 64)
		return err == nil
	case string:
		_, err := strconv.ParseInt(x, 10, 64)
		return err == nil
	}
	return false
}

func isNumber(v any) bool {
	switch x := v.(type) {
	case int, int64, float64, json.Number:
		return true
	case string:
		_, err := strconv.ParseFloat(x, 64)
		return err == nil
	}
	return false
}

func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case nil:
		return "null"
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

func asList(v any) []any { l, _ := v.([]any); return l }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
