package cfn_test

// The template against the CloudFormation resource specification
// (@aws-cdk/aws-service-spec, pinned in infra/package.json): the plain
// CloudFormation resources as written, and everything once the AWS SAM
// translator has turned the AWS::Serverless::* resources into what
// CloudFormation deploys (when python3 with samtranslator is installed, as
// it is wherever cfn-lint is).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/infra/cfn"
)

var specCache struct {
	once sync.Once
	spec *cfn.Spec
	err  error
}

// loadSpec reads the specification once per run. Without infra/node_modules
// it skips, unless FUNDTRACK_REQUIRE_ASSETS=1 (`make test`, which runs npm
// ci first) says the npm packages must be there.
func loadSpec(t *testing.T) *cfn.Spec {
	t.Helper()
	path := filepath.Join(repoRoot(t), cfn.SpecFile)
	if _, err := os.Stat(path); err != nil {
		msg := "the CloudFormation resource specification is not installed at " + path +
			" (run `npm ci --prefix infra`; `make test` does): " + err.Error()
		if os.Getenv("FUNDTRACK_REQUIRE_ASSETS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	specCache.once.Do(func() { specCache.spec, specCache.err = cfn.LoadSpec(path) })
	if specCache.err != nil {
		t.Fatal(specCache.err)
	}
	return specCache.spec
}

var builtZip = regexp.MustCompile(`^build/([a-z0-9-]+)\.zip$`)

// translate turns a SAM template into plain CloudFormation with the AWS SAM
// translator, through infra/cfn/testdata/sam_translate.py. skip says why it
// could not run (no python3, no samtranslator).
func translate(tpl map[string]any) (out map[string]any, skip string, err error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil, "python3 is not on PATH, so the SAM translator cannot run", nil
	}
	// What `sam deploy` does before the transform: upload each zip and
	// point CodeUri at it.
	for _, r := range cfn.Resources(tpl) {
		if p := obj(obj(r)["Properties"]); p != nil {
			if uri, ok := p["CodeUri"].(string); ok {
				p["CodeUri"] = builtZip.ReplaceAllString(uri, "s3://fundtrack-artifacts/$1.zip")
			}
		}
	}
	in, err := json.Marshal(tpl)
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(python, filepath.Join("testdata", "sam_translate.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		return nil, "python3 has no samtranslator package (pip install aws-sam-translator; cfn-lint brings it): " +
			strings.TrimSpace(stderr.String()), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("%v\n%s", err, stderr.String())
	}
	dec := json.NewDecoder(&stdout)
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, "", err
	}
	return out, "", nil
}

var samOut struct {
	once sync.Once
	tpl  map[string]any
	skip string
	err  error
}

// translated is template.yaml after the SAM transform, translated once per
// run; it skips when the translator cannot run.
func translated(t *testing.T) map[string]any {
	t.Helper()
	samOut.once.Do(func() { samOut.tpl, samOut.skip, samOut.err = translate(loadTemplate(t)) })
	if samOut.skip != "" {
		t.Skip(samOut.skip)
	}
	if samOut.err != nil {
		t.Fatalf("SAM translation failed: %v", samOut.err)
	}
	return samOut.tpl
}

func reportProblems(t *testing.T, what string, problems []cfn.Problem) {
	t.Helper()
	if len(problems) == 0 {
		return
	}
	var b strings.Builder
	for _, p := range problems {
		b.WriteString("\n  " + p.String())
	}
	t.Errorf("%s departs from the CloudFormation resource specification in %d places:%s", what, len(problems), b.String())
}

// TestTemplateMatchesResourceSpec: the plain CloudFormation resources of
// template.yaml (tables, user pool, queue, topic, alarms, log groups)
// property by property, and every Ref and Fn::GetAtt in the whole template,
// the SAM resources' included.
func TestTemplateMatchesResourceSpec(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	tpl := loadTemplate(t)
	problems, cov := s.Check(tpl)
	reportProblems(t, "template.yaml", problems)
	for _, u := range cov.Unchecked {
		if !strings.Contains(u, "(AWS::Serverless::") {
			t.Errorf("resource %s was not checked: only SAM's resources may be left to the translated template", u)
		}
	}
	for id, r := range cfn.Resources(tpl) {
		typ, _ := obj(r)["Type"].(string)
		if !strings.HasPrefix(typ, "AWS::Serverless::") && !s.Has(typ) {
			t.Errorf("%s: %s is not in the specification", id, typ)
		}
	}
	t.Logf("checked %d resources property by property, %d Refs and %d GetAtts; left to the translated template: %s",
		len(cov.Checked), cov.Refs, cov.GetAtts, strings.Join(cov.Unchecked, ", "))
}

// TestTranslatedTemplateMatchesResourceSpec: every resource CloudFormation
// would create (functions, roles, the HTTP API's routes and integrations,
// permissions, the schedule, …) as the SAM translator writes them.
func TestTranslatedTemplateMatchesResourceSpec(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	tpl := translated(t)
	problems, cov := s.Check(tpl)
	reportProblems(t, "template.yaml after the SAM transform", problems)
	if len(cov.Unchecked) > 0 {
		t.Errorf("resources left unchecked after the transform: %v", cov.Unchecked)
	}
	if len(cov.Checked) != len(cfn.Resources(tpl)) {
		t.Errorf("checked %d of %d resources", len(cov.Checked), len(cfn.Resources(tpl)))
	}
	counts := map[string]int{}
	for _, r := range cfn.Resources(tpl) {
		counts[obj(r)["Type"].(string)]++
	}
	// The transform made what the SAM resources promise.
	for typ, atLeast := range map[string]int{
		"AWS::Lambda::Function": 7, "AWS::IAM::Role": 7, "AWS::ApiGatewayV2::Api": 1,
		"AWS::Scheduler::Schedule": 1, "AWS::Lambda::Permission": 1,
	} {
		if counts[typ] < atLeast {
			t.Errorf("the translated template has %d %s, want at least %d", counts[typ], typ, atLeast)
		}
	}
	t.Logf("checked all %d resources of the translated template (%v), %d Refs and %d GetAtts",
		len(cov.Checked), counts, cov.Refs, cov.GetAtts)
}

// TestSpecCheckCatchesMistakes proves the check bites: each broken copy of
// the template must be reported, at the place that is wrong.
func TestSpecCheckCatchesMistakes(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	props := func(tpl map[string]any, id string) map[string]any {
		p := obj(obj(cfn.Resources(tpl)[id])["Properties"])
		if p == nil {
			t.Fatalf("template.yaml has no resource %s with Properties", id)
		}
		return p
	}
	cases := []struct {
		name    string
		want    string // part of a problem's path and message
		breakIt func(tpl map[string]any)
	}{
		{"unknown property", "NotifierDeadLetterQueue.Properties.MessageRetentionPeriods: unknown property", func(tpl map[string]any) {
			props(tpl, "NotifierDeadLetterQueue")["MessageRetentionPeriods"] = 60
		}},
		{"string for an integer", "MessageRetentionPeriod: \"two weeks\": want an integer", func(tpl map[string]any) {
			props(tpl, "NotifierDeadLetterQueue")["MessageRetentionPeriod"] = "two weeks"
		}},
		{"list for a single value", "ProgrammesLogGroup.Properties.RetentionInDays: a list", func(tpl map[string]any) {
			props(tpl, "ProgrammesLogGroup")["RetentionInDays"] = []any{90}
		}},
		{"value not allowed", "RetentionInDays: \"91\" is not one of", func(tpl map[string]any) {
			props(tpl, "ProgrammesLogGroup")["RetentionInDays"] = 91
		}},
		{"unknown nested property", "Table.Properties.KeySchema[0].AttrName: unknown property", func(tpl map[string]any) {
			obj(list(props(tpl, "Table")["KeySchema"])[0])["AttrName"] = "PK"
		}},
		{"nested value not allowed", "Table.Properties.ContributorInsightsSpecification.Mode: \"ALL_KEYS\" is not one of", func(tpl map[string]any) {
			props(tpl, "Table")["ContributorInsightsSpecification"] = map[string]any{"Enabled": true, "Mode": "ALL_KEYS"}
		}},
		{"nested wrong type", "PointInTimeRecoveryEnabled: \"yes\": want a boolean", func(tpl map[string]any) {
			obj(props(tpl, "Table")["PointInTimeRecoverySpecification"])["PointInTimeRecoveryEnabled"] = "yes"
		}},
		{"object for a list", "AuditTable.Properties.AttributeDefinitions: an object: want a list", func(tpl map[string]any) {
			props(tpl, "AuditTable")["AttributeDefinitions"] = map[string]any{"AttributeName": "PK", "AttributeType": "S"}
		}},
		{"tag without a value", "Table.Properties.Tags[0]: required property Value is missing", func(tpl map[string]any) {
			props(tpl, "Table")["Tags"] = []any{map[string]any{"Key": "team"}}
		}},
		{"required property missing", "AlarmEmailSubscription.Properties: required property Protocol is missing", func(tpl map[string]any) {
			delete(props(tpl, "AlarmEmailSubscription"), "Protocol")
		}},
		{"list parameter for a string", "AlarmTopic.Properties.TopicName: Ref gives a list", func(tpl map[string]any) {
			props(tpl, "AlarmTopic")["TopicName"] = map[string]any{"Ref": "CallbackUrls"}
		}},
		{"string where an object goes", "UserPool.Properties.AdminCreateUserConfig: Fn::Sub gives a single value, but the property takes an object", func(tpl map[string]any) {
			props(tpl, "UserPool")["AdminCreateUserConfig"] = map[string]any{"Fn::Sub": "${Stage}"}
		}},
		{"GetAtt of an attribute the type lacks", "Fn::GetAtt NotifierDeadLetterQueue.Name: AWS::SQS::Queue has no attribute Name", func(tpl map[string]any) {
			obj(list(props(tpl, "NotifierDeadLetterAlarm")["Dimensions"])[0])["Value"] = map[string]any{"Fn::GetAtt": []any{"NotifierDeadLetterQueue", "Name"}}
		}},
		{"GetAtt in a SAM function's Sub", "Resources.GrantsFunction.Properties.Policies", func(tpl map[string]any) {
			stmts := list(obj(list(props(tpl, "GrantsFunction")["Policies"])[0])["Statement"])
			obj(stmts[0])["Resource"] = []any{map[string]any{"Fn::Sub": "${Table.Arnn}/index/*"}}
		}},
		{"GetAtt of no resource", "no resource Tabel", func(tpl map[string]any) {
			props(tpl, "UserPoolClient")["ClientName"] = map[string]any{"Fn::GetAtt": []any{"Tabel", "Arn"}}
		}},
		{"Ref of nothing", "Ref \"Stag\" names no parameter", func(tpl map[string]any) {
			props(tpl, "AlarmTopic")["TopicName"] = map[string]any{"Fn::Sub": "fundtrack-${Stag}-alarms"}
		}},
		{"unknown resource type", "Resources.NotifierDeadLetterQueue.Type: AWS::SQS::Queu is not", func(tpl map[string]any) {
			obj(cfn.Resources(tpl)["NotifierDeadLetterQueue"])["Type"] = "AWS::SQS::Queu"
		}},
		{"unknown condition", "Resources.AlarmEmailSubscription.Condition: condition HasAlarmEmails", func(tpl map[string]any) {
			obj(cfn.Resources(tpl)["AlarmEmailSubscription"])["Condition"] = "HasAlarmEmails"
		}},
		{"unknown resource attribute", "Resources.Table.DeletionPolicies: not a resource attribute", func(tpl map[string]any) {
			obj(cfn.Resources(tpl)["Table"])["DeletionPolicies"] = "Retain"
		}},
		{"parameter allowing what the property does not", "(parameter LogRetentionDays)", func(tpl map[string]any) {
			p := obj(obj(tpl["Parameters"])["LogRetentionDays"])
			p["AllowedValues"] = append(list(p["AllowedValues"]), 45)
		}},
	}
	// The template read once and checked unbroken once; each case breaks a
	// copy of it (reading template.yaml and checking it unbroken again for
	// each, as this did, was the same work twenty times over).
	unbroken := loadTemplate(t)
	if problems, _ := s.Check(deepCopy(unbroken).(map[string]any)); len(problems) != 0 {
		t.Fatalf("the unbroken template already has problems: %v", problems)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tpl := deepCopy(unbroken).(map[string]any)
			tc.breakIt(tpl)
			problems, _ := s.Check(tpl)
			for _, p := range problems {
				if strings.Contains(p.String(), tc.want) {
					return
				}
			}
			t.Errorf("no problem mentions %q; found %v", tc.want, problems)
		})
	}
}

// deepCopy copies a template as cfn.Load gives it: its mappings and lists
// anew, each scalar as it is.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}

// TestTranslatedSpecCheckCatchesMistakes: what SAM passes through to the
// resources it makes is checked only after the transform (SAM's schema
// takes LoggingConfig as it comes), and the check bites there too.
func TestTranslatedSpecCheckCatchesMistakes(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	tpl := loadTemplate(t)
	logging := obj(obj(obj(cfn.Resources(tpl)["ProgrammesFunction"])["Properties"])["LoggingConfig"])
	logging["LogGroupName"] = logging["LogGroup"]
	delete(logging, "LogGroup")
	// Of the copy, only that function and its log group, without its
	// routes: SAM passes LoggingConfig through whatever else the template
	// holds, and the HTTP API's routes are most of a translation's work
	// (4.3 CPU seconds of python for the whole template, 1.7 for this).
	res := cfn.Resources(tpl)
	delete(obj(obj(res["ProgrammesFunction"])["Properties"]), "Events")
	for id := range res {
		if id != "ProgrammesFunction" && id != "ProgrammesLogGroup" {
			delete(res, id)
		}
	}
	delete(tpl, "Outputs")
	// The broken copy is translated while the template itself is (a
	// translation is seconds of python), and read once that is done.
	var out map[string]any
	var skip string
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		out, skip, err = translate(tpl)
	}()
	defer func() { <-done }()
	translated(t) // skips with the reason when the translator cannot run
	<-done
	if skip != "" || err != nil {
		t.Fatalf("translating the broken copy: %s %v", skip, err)
	}
	problems, _ := s.Check(out)
	for _, p := range problems {
		if strings.Contains(p.String(), "Resources.ProgrammesFunction.Properties.LoggingConfig.LogGroupName: unknown property") {
			return
		}
	}
	t.Errorf("LoggingConfig.LogGroupName (it is LogGroup) went unseen after the transform; found %v", problems)
}
