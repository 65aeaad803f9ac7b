// Package cfn reads fundtrack's AWS SAM template (template.yaml) so that the
// local stack and the tests build exactly what the deployment defines: the
// table comes from the template's own definition rather than a second copy.
package cfn

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// TemplateFile is the name of the SAM template at the repository root.
const TemplateFile = "template.yaml"

// TableLogicalID is the logical id of the single DynamoDB table in the template.
const TableLogicalID = "Table"

// AuditTableLogicalID is the logical id of the append-only audit table.
const AuditTableLogicalID = "AuditTable"

// shortForms maps each CloudFormation short-form tag to the key of its long
// (JSON) form. !Ref and !Condition are not "Fn::" functions, hence the table.
var shortForms = map[string]string{
	"!Ref":         "Ref",
	"!Condition":   "Condition",
	"!GetAtt":      "Fn::GetAtt",
	"!Sub":         "Fn::Sub",
	"!Join":        "Fn::Join",
	"!If":          "Fn::If",
	"!Equals":      "Fn::Equals",
	"!Not":         "Fn::Not",
	"!And":         "Fn::And",
	"!Or":          "Fn::Or",
	"!Select":      "Fn::Select",
	"!Split":       "Fn::Split",
	"!FindInMap":   "Fn::FindInMap",
	"!ImportValue": "Fn::ImportValue",
	"!Base64":      "Fn::Base64",
	"!Cidr":        "Fn::Cidr",
	"!GetAZs":      "Fn::GetAZs",
}

// Load reads a CloudFormation/SAM template written in YAML and returns it as
// the JSON document CloudFormation sees: short-form tags (!Ref, !GetAtt "A.B",
// !Sub, …) become their long forms ({"Ref": …}, {"Fn::GetAtt": ["A", "B"]},
// {"Fn::Sub": …}), mappings become map[string]any and sequences []any.
func Load(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, fmt.Errorf("%s: not a YAML document", path)
	}
	v, err := convert(doc.Content[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tpl, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: the template is not a mapping", path)
	}
	return tpl, nil
}

// convert turns one YAML node into plain Go values, expanding short-form tags.
func convert(n *yaml.Node) (any, error) {
	if tag := n.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		return convertTagged(n)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return convert(n.Alias)
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := convert(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return convertMapping(n)
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node kind %v", n.Line, n.Kind)
}

// convertMapping converts a mapping, honouring YAML merge keys ("<<") so that
// anchors behave as they do for the CloudFormation parser: explicit keys win.
func convertMapping(n *yaml.Node) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	explicit := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, vn := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			if err := merge(out, explicit, vn); err != nil {
				return nil, err
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: mapping keys must be plain strings", k.Line)
		}
		if explicit[k.Value] {
			return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
		}
		v, err := convert(vn)
		if err != nil {
			return nil, err
		}
		out[k.Value] = v
		explicit[k.Value] = true
	}
	return out, nil
}

// merge copies the keys of a merged mapping (or sequence of mappings) that the
// mapping does not set itself.
func merge(out map[string]any, explicit map[string]bool, n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	var sources []*yaml.Node
	switch n.Kind {
	case yaml.MappingNode:
		sources = []*yaml.Node{n}
	case yaml.SequenceNode:
		sources = n.Content
	default:
		return fmt.Errorf("line %d: merge key needs a mapping", n.Line)
	}
	for _, s := range sources {
		v, err := convert(s)
		if err != nil {
			return err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("line %d: merge key needs a mapping", s.Line)
		}
		for k, v := range m {
			if !explicit[k] {
				out[k] = v
			}
		}
	}
	return nil
}

// convertTagged expands one short-form intrinsic function.
func convertTagged(n *yaml.Node) (any, error) {
	key, ok := shortForms[n.Tag]
	if !ok {
		return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
	}
	if n.Kind == yaml.ScalarNode {
		// A tagged scalar is always a string argument (a logical id, a
		// format string, an export name), never a number or a boolean.
		if n.Tag == "!GetAtt" {
			// "Resource.Attribute"; attributes may contain dots themselves
			// (Outputs.Name), so only the first dot separates.
			res, attr, found := strings.Cut(n.Value, ".")
			if !found || res == "" || attr == "" {
				return nil, fmt.Errorf("line %d: !GetAtt %q is not Resource.Attribute", n.Line, n.Value)
			}
			return map[string]any{key: []any{res, attr}}, nil
		}
		return map[string]any{key: n.Value}, nil
	}
	// Strip the tag and convert the argument as ordinary YAML (it may hold
	// further short forms, as in !Select [0, !GetAZs ""]).
	plain := *n
	plain.Tag = ""
	v, err := convert(&plain)
	if err != nil {
		return nil, err
	}
	return map[string]any{key: v}, nil
}

// FindTemplate walks up from the working directory to the module root (the
// folder holding go.mod) and returns the path of its template.yaml, so tests
// and tools find the template whichever package directory they run in.
func FindTemplate() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			path := filepath.Join(dir, TemplateFile)
			if _, err := os.Stat(path); err != nil {
				return "", fmt.Errorf("module root %s has no %s: %w", dir, TemplateFile, err)
			}
			return path, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}

// Resources returns the template's Resources section (nil when absent).
func Resources(tpl map[string]any) map[string]any {
	r, _ := tpl["Resources"].(map[string]any)
	return r
}
