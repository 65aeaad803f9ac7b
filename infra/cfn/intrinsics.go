package cfn

import (
	"fmt"
	"regexp"
	"strings"
)

// kind is what an intrinsic function gives: a scalar, a list, or anything.
type kind int

const (
	kindAny kind = iota
	kindScalar
	kindList
)

// intrinsicValue checks that a function's result can be the value of a
// property of type t.
func (c *checker) intrinsicValue(fn string, arg any, t specType, path string) {
	if fn == "Fn::If" {
		args := asList(arg)
		if len(args) != 3 {
			c.errorf(path, "Fn::If needs [condition, value if true, value if false]")
			return
		}
		for i, branch := range args[1:] {
			if f, a, ok := intrinsic(branch); ok && f == "Ref" && a == "AWS::NoValue" {
				continue
			}
			c.value(branch, t, fmt.Sprintf("%s.Fn::If[%d]", path, i+1))
		}
		return
	}
	if fn == "Ref" {
		c.refAllowed(arg, t, path)
	}
	k := c.kindOf(fn, arg)
	want := kindAny
	switch t.Type {
	case "string", "date-time", "integer", "number", "boolean":
		want = kindScalar
	case "array":
		want = kindList
	case "ref", "tag", "map":
		if k != kindAny {
			c.errorf(path, "%s gives a %s, but the property takes an object", fn, kindName(k))
		}
		return
	case "union":
		for _, alt := range t.Types {
			if len(c.try(func() { c.intrinsicValue(fn, arg, alt, path) })) == 0 {
				return
			}
		}
		c.errorf(path, "%s fits none of the property's types", fn)
		return
	}
	if want != kindAny && k != kindAny && k != want {
		c.errorf(path, "%s gives a %s, but the property takes a %s", fn, kindName(k), kindName(want))
	}
}

// refAllowed checks a Ref to a parameter against the values the property
// allows: each of the parameter's AllowedValues, else its Default.
func (c *checker) refAllowed(arg any, t specType, path string) {
	name, _ := arg.(string)
	p := c.params[name]
	if p == nil || len(t.AllowedValues) == 0 {
		return
	}
	values := asList(p["AllowedValues"])
	if len(values) == 0 && p["Default"] != nil {
		values = []any{p["Default"]}
	}
	for _, v := range values {
		c.allowed(fmt.Sprint(v), t, path+" (parameter "+name+")")
	}
}

func kindName(k kind) string {
	switch k {
	case kindScalar:
		return "single value"
	case kindList:
		return "list"
	}
	return "value"
}

func (c *checker) kindOf(fn string, arg any) kind {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		if list, ok := pseudo[name]; ok {
			if list {
				return kindList
			}
			return kindScalar
		}
		if p := c.params[name]; p != nil {
			typ, _ := p["Type"].(string)
			if typ == "CommaDelimitedList" || strings.Contains(typ, "List<") {
				return kindList
			}
			return kindScalar
		}
		return kindScalar // a resource's Ref is its name or id
	case "Fn::GetAtt":
		res, attr := getAttArgs(arg)
		if r := c.spec.resources[c.typeOf(res)]; r != nil {
			if a, ok := r.Attributes[attr]; ok {
				if a.Type.Type == "array" {
					return kindList
				}
				return kindScalar
			}
		}
		return kindAny
	case "Fn::Sub", "Fn::Join", "Fn::Base64", "Fn::ImportValue", "Fn::ToJsonString":
		return kindScalar
	case "Fn::Split", "Fn::GetAZs", "Fn::Cidr":
		return kindList
	}
	return kindAny // Fn::Select, Fn::FindInMap: whatever they pick
}

// typeOf is a resource's type, with SAM's resources taken as the resource
// Fn::GetAtt reaches through them (SAM passes GetAtt on to what it makes).
func (c *checker) typeOf(id string) string {
	typ, _ := c.resources[id]["Type"].(string)
	if t, ok := samGetAttTypes[typ]; ok {
		return t
	}
	return typ
}

var samGetAttTypes = map[string]string{
	"AWS::Serverless::Function":     "AWS::Lambda::Function",
	"AWS::Serverless::HttpApi":      "AWS::ApiGatewayV2::Api",
	"AWS::Serverless::Api":          "AWS::ApiGateway::RestApi",
	"AWS::Serverless::SimpleTable":  "AWS::DynamoDB::Table",
	"AWS::Serverless::LayerVersion": "AWS::Lambda::LayerVersion",
	"AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
}

var knownFunctions = map[string]bool{
	"Ref": true, "Fn::GetAtt": true, "Fn::Sub": true, "Fn::Join": true, "Fn::If": true, "Fn::Equals": true,
	"Fn::Not": true, "Fn::And": true, "Fn::Or": true, "Fn::Select": true, "Fn::Split": true,
	"Fn::FindInMap": true, "Fn::ImportValue": true, "Fn::Base64": true, "Fn::Cidr": true, "Fn::GetAZs": true,
	"Fn::Transform": true, "Fn::ToJsonString": true, "Fn::Length": true,
}

// refs checks every reference in v: Ref, Fn::GetAtt, ${…} in Fn::Sub,
// conditions in Fn::If and in condition functions, Fn::FindInMap's map.
// local are the names a surrounding Fn::Sub defines itself.
func (c *checker) refs(v any, path string, local map[string]bool) {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			c.refs(e, fmt.Sprintf("%s[%d]", path, i), local)
		}
		return
	case map[string]any:
	default:
		return
	}
	m := v.(map[string]any)
	fn, arg, ok := intrinsic(m)
	if !ok {
		if cond, isCond := m["Condition"].(string); isCond && len(m) == 1 && strings.HasPrefix(path, "Conditions") {
			c.condition(cond, path)
			return
		}
		for _, k := range sortedKeys(m) {
			c.refs(m[k], path+"."+k, local)
		}
		return
	}
	where := path + "." + fn
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		c.ref(name, where)
		return
	case "Fn::GetAtt":
		res, attr := getAttArgs(arg)
		c.getAtt(res, attr, where)
		return
	case "Fn::Sub":
		var format string
		vars := map[string]bool{}
		switch a := arg.(type) {
		case string:
			format = a
		case []any:
			if len(a) != 2 {
				c.errorf(where, "Fn::Sub takes a string or [string, {variables}]")
				return
			}
			format, _ = a[0].(string)
			for k, val := range asMap(a[1]) {
				vars[k] = true
				c.refs(val, where+"."+k, local)
			}
		}
		for _, m := range subVar.FindAllStringSubmatch(format, -1) {
			name := m[1]
			if strings.HasPrefix(name, "!") || vars[name] || local[name] {
				continue
			}
			if res, attr, dotted := strings.Cut(name, "."); dotted && !strings.HasPrefix(name, "AWS::") {
				c.getAtt(res, attr, where)
			} else {
				c.ref(name, where)
			}
		}
		return
	case "Fn::If":
		args := asList(arg)
		if len(args) > 0 {
			c.condition(args[0], where)
			for i, a := range args[1:] {
				c.refs(a, fmt.Sprintf("%s[%d]", where, i+1), local)
			}
		}
		return
	case "Fn::FindInMap":
		args := asList(arg)
		if len(args) > 0 {
			if name, ok := args[0].(string); ok && !c.mappings[name] {
				c.errorf(where, "mapping %s is not defined", name)
			}
		}
	}
	if !knownFunctions[fn] {
		c.errorf(where, "unknown intrinsic function")
	}
	c.refs(arg, where, local)
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

func (c *checker) ref(name, path string) {
	c.cov.Refs++
	if _, ok := pseudo[name]; ok {
		return
	}
	if c.params[name] == nil && c.resources[name] == nil {
		c.errorf(path, "Ref %q names no parameter, resource or pseudo parameter", name)
	}
}

func (c *checker) getAtt(res, attr, path string) {
	c.cov.GetAtts++
	r := c.resources[res]
	if r == nil {
		c.errorf(path, "Fn::GetAtt %s.%s: no resource %s", res, attr, res)
		return
	}
	spec := c.spec.resources[c.typeOf(res)]
	if spec == nil {
		return // a custom resource: any attribute
	}
	if _, ok := spec.Attributes[attr]; !ok {
		c.errorf(path, "Fn::GetAtt %s.%s: %s has no attribute %s (it has: %s)", res, attr, c.typeOf(res), attr, knownNames(spec.Attributes))
	}
}

// getAttArgs reads Fn::GetAtt's [resource, attribute] (or "resource.attribute").
func getAttArgs(arg any) (string, string) {
	if s, ok := arg.(string); ok {
		res, attr, _ := strings.Cut(s, ".")
		return res, attr
	}
	l := asList(arg)
	if len(l) != 2 {
		return "", ""
	}
	res, _ := l[0].(string)
	attr, _ := l[1].(string)
	return res, attr
}

// intrinsic recognises {"Ref": …} and {"Fn::…": …}.
func intrinsic(v any) (string, any, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", nil, false
	}
	for k, arg := range m {
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, arg, true
		}
	}
	return "", nil, false
}
