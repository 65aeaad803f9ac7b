package cfn_test

// What it takes for the template to deploy, twice, on a new account: every
// named resource carries the stage, every function's logs expire, no
// concurrency is reserved unless asked for, the web session key comes
// from Parameter Store, and the operator's identity reaches the web app.

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/infra/cfn"
	"github.com/fundtrack/fundtrack/shared/notify"
)

// nameProperty is, per resource type, the property that names the resource
// in the account and region (where two stages would collide; a dotted path
// for a name inside a property), and the longest name AWS accepts.
var nameProperty = map[string]struct {
	prop   string
	maxLen int
}{
	"AWS::Serverless::Function":    {"FunctionName", 64},
	"AWS::Lambda::Function":        {"FunctionName", 64},
	"AWS::Serverless::HttpApi":     {"Name", 128},
	"AWS::ApiGatewayV2::Api":       {"Name", 128},
	"AWS::DynamoDB::Table":         {"TableName", 255},
	"AWS::Cognito::UserPool":       {"UserPoolName", 128},
	"AWS::Cognito::UserPoolClient": {"ClientName", 128},
	"AWS::Cognito::UserPoolDomain": {"Domain", 63},
	"AWS::SQS::Queue":              {"QueueName", 80},
	"AWS::SNS::Topic":              {"TopicName", 256},
	"AWS::CloudWatch::Alarm":       {"AlarmName", 255},
	"AWS::Logs::LogGroup":          {"LogGroupName", 512},
	"AWS::Scheduler::Schedule":     {"Name", 64},
	"AWS::IAM::Role":               {"RoleName", 64},
	// S3 bucket names are global, so the account and region follow the stage.
	"AWS::S3::Bucket":                        {"BucketName", 63},
	"AWS::CloudFront::OriginAccessControl":   {"OriginAccessControlConfig.Name", 64},
	"AWS::CloudFront::ResponseHeadersPolicy": {"ResponseHeadersPolicyConfig.Name", 128},
}

// unnamed are the resource types that have no name of their own in the
// account, or whose name lives inside another resource of the stack.
var unnamed = map[string]string{
	"AWS::Cognito::UserPoolGroup":        "a group's name is unique within its user pool, which carries the stage",
	"AWS::Cognito::ManagedLoginBranding": "belongs to the user pool and client",
	"AWS::SNS::Subscription":             "has no name",
	"AWS::Lambda::Permission":            "has no name",
	"AWS::ApiGatewayV2::Stage":           "the $default stage lives inside its API",
	"AWS::S3::BucketPolicy":              "belongs to its bucket",
	"AWS::CloudFront::Distribution":      "has no name: CloudFront gives it an id (its Comment names the stage)",
}

// mustBeNamed are the types the template names itself, with the stage,
// so people find each stage's resources (CloudFormation's generated names
// would carry the stack's name and a random suffix instead).
var mustBeNamed = []string{
	"AWS::Serverless::Function", "AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::SQS::Queue",
	"AWS::SNS::Topic", "AWS::CloudWatch::Alarm", "AWS::Logs::LogGroup", "AWS::Scheduler::Schedule",
	"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolDomain", "AWS::S3::Bucket",
	"AWS::CloudFront::OriginAccessControl", "AWS::CloudFront::ResponseHeadersPolicy",
}

// stageName is a resource's name as a pattern around the stage: the name
// is prefix + <Stage> + suffix.
type stageName struct {
	where, typ     string
	prefix, suffix string
}

var subVarRE = regexp.MustCompile(`\$\{([^}!][^}]*)\}`)

// resolve gives a name (a plain string or an Fn::Sub) with the stage left
// as a marker and the pseudo parameters filled in; ok is false for a name
// built any other way.
func resolve(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	sub, ok := obj(v)["Fn::Sub"].(string)
	if !ok || len(obj(v)) != 1 {
		return "", false
	}
	out := subVarRE.ReplaceAllStringFunc(sub, func(m string) string {
		switch m {
		case "${Stage}":
			return "\x00"
		case "${AWS::AccountId}":
			return "123456789012"
		case "${AWS::Region}":
			return "eu-west-2"
		case "${AWS::Partition}":
			return "aws"
		}
		return "\x01" // anything else: not a name we can compare
	})
	return out, !strings.Contains(out, "\x01")
}

// stageNames lists every explicitly named resource of tpl (and the name of
// every SAM ScheduleV2 event, which becomes a schedule), with problems:
// a name without the stage, a type this test does not know, a name too
// long for the longest stage.
func stageNames(tpl map[string]any) ([]stageName, []string) {
	var names []stageName
	var problems []string
	add := func(where, typ string, v any, maxLen int) {
		s, ok := resolve(v)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: name %v is not a string or an Fn::Sub of the stage and pseudo parameters", where, v))
			return
		}
		prefix, suffix, found := strings.Cut(s, "\x00")
		if !found || strings.Contains(suffix, "\x00") {
			problems = append(problems, fmt.Sprintf("%s: name %q does not carry ${Stage} (once): two stages would collide", where, strings.ReplaceAll(s, "\x00", "${Stage}")))
			return
		}
		// The longest stage the Stage parameter allows.
		if n := len(prefix) + 16 + len(suffix); n > maxLen {
			problems = append(problems, fmt.Sprintf("%s: name %s${Stage}%s is %d characters with a 16-character stage; %s allows %d", where, prefix, suffix, n, typ, maxLen))
		}
		names = append(names, stageName{where: where, typ: typ, prefix: prefix, suffix: suffix})
	}
	ids := make([]string, 0, len(cfn.Resources(tpl)))
	for id := range cfn.Resources(tpl) {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		res := obj(cfn.Resources(tpl)[id])
		typ, _ := res["Type"].(string)
		props := obj(res["Properties"])
		np, named := nameProperty[typ]
		if _, ok := unnamed[typ]; !ok && !named {
			problems = append(problems, fmt.Sprintf("%s: this test does not know how %s is named: add it to nameProperty or unnamed", id, typ))
			continue
		}
		if named {
			if v, ok := property(props, np.prop); ok {
				add(id+"."+np.prop, typ, v, np.maxLen)
			} else if slices.Contains(mustBeNamed, typ) {
				problems = append(problems, fmt.Sprintf("%s: %s has no %s: name it fundtrack-${Stage}-…", id, typ, np.prop))
			}
		}
		for ev, e := range obj(props["Events"]) {
			e := obj(e)
			if e["Type"] != "ScheduleV2" && e["Type"] != "Schedule" {
				continue
			}
			where := id + ".Events." + ev + ".Name"
			if v, ok := obj(e["Properties"])["Name"]; ok {
				add(where, "AWS::Scheduler::Schedule", v, 64)
			} else {
				problems = append(problems, where+": no Name, so SAM names the schedule "+id+ev+" in every stage")
			}
		}
	}
	return names, problems
}

// property is the value at a dotted path of properties.
func property(props map[string]any, path string) (any, bool) {
	first, rest, nested := strings.Cut(path, ".")
	v, ok := props[first]
	if !ok || !nested {
		return v, ok
	}
	return property(obj(v), rest)
}

// collisions finds two names of one kind that are equal for two different
// stages (or the same stage): "fundtrack-${Stage}" and
// "fundtrack-${Stage}-audit" collide for the stages "x-audit" and "x".
func collisions(names []stageName) []string {
	legal := regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`) // the Stage parameter's AllowedPattern
	var out []string
	for i, a := range names {
		for _, b := range names[i:] {
			if a.typ != b.typ && !(strings.HasSuffix(a.typ, "Function") && strings.HasSuffix(b.typ, "Function")) {
				continue
			}
			for _, s1 := range []string{"a", "prod"} {
				full := a.prefix + s1 + a.suffix
				if !strings.HasPrefix(full, b.prefix) || !strings.HasSuffix(full, b.suffix) || len(full) < len(b.prefix)+len(b.suffix) {
					continue
				}
				s2 := full[len(b.prefix) : len(full)-len(b.suffix)]
				if !legal.MatchString(s2) || (a.where == b.where && s1 == s2) {
					continue
				}
				out = append(out, fmt.Sprintf("%s in stage %q and %s in stage %q are both named %q", a.where, s1, b.where, s2, full))
			}
		}
	}
	return out
}

func TestNamedResourcesCarryTheStage(t *testing.T) {
	check := func(t *testing.T, what string, tpl map[string]any) {
		names, problems := stageNames(tpl)
		problems = append(problems, collisions(names)...)
		for _, p := range problems {
			t.Errorf("%s: %s", what, p)
		}
		if len(names) < 20 {
			t.Errorf("%s: only %d stage-named resources: the name check is not seeing them", what, len(names))
		}
		if len(problems) == 0 {
			t.Logf("%s: %d named resources, each fundtrack-…${Stage}…, no two alike for any two stages", what, len(names))
		}
	}
	check(t, "template.yaml", loadTemplate(t))

	// The check bites: a name without the stage, a schedule left to SAM's
	// naming, and names that two stages would share.
	broken := loadTemplate(t)
	res := cfn.Resources(broken)
	obj(obj(res["NotifierDeadLetterQueue"])["Properties"])["QueueName"] = "fundtrack-notifier-dead-letters"
	delete(obj(obj(obj(obj(obj(res["NotifierFunction"])["Properties"])["Events"])["Every15Minutes"])["Properties"]), "Name")
	obj(obj(res["Table"])["Properties"])["TableName"] = map[string]any{"Fn::Sub": "fundtrack-${Stage}"}
	delete(obj(obj(res["AlarmTopic"])["Properties"]), "TopicName")
	obj(obj(obj(res["AssetsOriginAccessControl"])["Properties"])["OriginAccessControlConfig"])["Name"] = "fundtrack-assets"
	names, problems := stageNames(broken)
	problems = append(problems, collisions(names)...)
	for _, want := range []string{
		`NotifierDeadLetterQueue.QueueName: name "fundtrack-notifier-dead-letters" does not carry ${Stage}`,
		"NotifierFunction.Events.Every15Minutes.Name: no Name",
		`AuditTable.TableName in stage "a" and Table.TableName in stage "a-audit" are both named "fundtrack-a-audit"`,
		"AlarmTopic: AWS::SNS::Topic has no TopicName",
		`AssetsOriginAccessControl.OriginAccessControlConfig.Name: name "fundtrack-assets" does not carry ${Stage}`,
	} {
		found := slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) })
		if !found {
			t.Errorf("the broken template's problems do not include %q: %v", want, problems)
		}
	}
}

// TestTranslatedNamesCarryTheStage: after the SAM transform too, where the
// schedule SAM makes is named from the event's Name.
func TestTranslatedNamesCarryTheStage(t *testing.T) {
	t.Parallel()
	tpl := translated(t)
	names, problems := stageNames(tpl)
	problems = append(problems, collisions(names)...)
	for _, p := range problems {
		t.Error(p)
	}
	schedules := 0
	for _, n := range names {
		if n.typ == "AWS::Scheduler::Schedule" {
			schedules++
		}
	}
	if schedules != 1 {
		t.Errorf("%d stage-named schedules after the transform, want 1", schedules)
	}
}

// TestEveryFunctionHasALogGroupWithRetention: each function's logs go to
// a log group of the template's, named as Lambda names it, whose retention
// is the LogRetentionDays parameter (90 days unless set).
func TestEveryFunctionHasALogGroupWithRetention(t *testing.T) {
	tpl := loadTemplate(t)
	param := obj(obj(tpl["Parameters"])["LogRetentionDays"])
	if param["Type"] != "Number" || param["Default"] != 90 {
		t.Errorf("LogRetentionDays is %v, want a Number defaulting to 90", param)
	}
	used := map[string]string{}
	for _, fn := range functions(t, tpl) {
		logging := obj(setting(tpl, fn, "LoggingConfig"))
		if g := obj(obj(tpl["Globals"])["Function"]); obj(g["LoggingConfig"])["LogFormat"] != "JSON" {
			t.Errorf("Globals.Function.LoggingConfig.LogFormat is %v, want JSON", obj(g["LoggingConfig"])["LogFormat"])
		}
		ref, _ := obj(logging["LogGroup"])["Ref"].(string)
		group := obj(cfn.Resources(tpl)[ref])
		if ref == "" || group["Type"] != "AWS::Logs::LogGroup" {
			t.Errorf("%s: LoggingConfig.LogGroup is %v, want !Ref to an AWS::Logs::LogGroup", fn.id, logging["LogGroup"])
			continue
		}
		if other, ok := used[ref]; ok {
			t.Errorf("%s and %s share the log group %s", fn.id, other, ref)
		}
		used[ref] = fn.id
		props := obj(group["Properties"])
		if got := props["RetentionInDays"]; !reflect.DeepEqual(got, map[string]any{"Ref": "LogRetentionDays"}) {
			t.Errorf("%s: RetentionInDays is %v, want !Ref LogRetentionDays", ref, got)
		}
		fnName, ok1 := resolve(fn.props["FunctionName"])
		groupName, ok2 := resolve(props["LogGroupName"])
		if !ok1 || !ok2 || groupName != "/aws/lambda/"+fnName {
			t.Errorf("%s: log group %v, want /aws/lambda/ + the function's name %v", ref, props["LogGroupName"], fn.props["FunctionName"])
		}
		if want := "fundtrack-\x00-" + fn.name; fnName != want {
			t.Errorf("%s: FunctionName %v, want fundtrack-${Stage}-%s", fn.id, fn.props["FunctionName"], fn.name)
		}
	}
	for id := range resourcesOfType(tpl, "AWS::Logs::LogGroup") {
		if _, ok := used[id]; !ok {
			t.Errorf("log group %s belongs to no function", id)
		}
	}
}

// TestTranslatedFunctionsLogToTheirGroups: SAM merges the function's
// LoggingConfig with Globals' (it does not replace it), so each deployed
// function logs JSON into its own group.
func TestTranslatedFunctionsLogToTheirGroups(t *testing.T) {
	t.Parallel()
	tpl := translated(t)
	fns := resourcesOfType(tpl, "AWS::Lambda::Function")
	if len(fns) == 0 {
		t.Fatal("no AWS::Lambda::Function after the transform")
	}
	for id, fn := range fns {
		lc := obj(obj(fn["Properties"])["LoggingConfig"])
		if lc["LogFormat"] != "JSON" || !reflect.DeepEqual(lc["LogGroup"], map[string]any{"Ref": strings.TrimSuffix(id, "Function") + "LogGroup"}) {
			t.Errorf("%s: LoggingConfig %v, want JSON into !Ref %sLogGroup", id, lc, strings.TrimSuffix(id, "Function"))
		}
	}
}

// TestNoConcurrencyIsReservedByDefault: a new account's concurrency quota
// can be 10, and any reservation is then refused, so the template reserves
// none unless NotifierReservedConcurrency asks for it. The notifier's
// at-most-once emails rest on its DynamoDB claims (shared/notify,
// TestConcurrentRunsSendOnce), not on a reservation.
func TestNoConcurrencyIsReservedByDefault(t *testing.T) {
	tpl := loadTemplate(t)
	param := obj(obj(tpl["Parameters"])["NotifierReservedConcurrency"])
	if param["Type"] != "Number" || param["Default"] != 0 {
		t.Fatalf("NotifierReservedConcurrency is %v, want a Number defaulting to 0", param)
	}
	want := map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "NotifierReservedConcurrency"}, 0}}}}
	if got := obj(tpl["Conditions"])["ReservesNotifierConcurrency"]; !reflect.DeepEqual(got, want) {
		t.Errorf("condition ReservesNotifierConcurrency is %v, want %v", got, want)
	}
	conditional := map[string]any{"Fn::If": []any{"ReservesNotifierConcurrency",
		map[string]any{"Ref": "NotifierReservedConcurrency"}, map[string]any{"Ref": "AWS::NoValue"}}}
	for _, fn := range functions(t, tpl) {
		got, set := fn.props["ReservedConcurrentExecutions"]
		switch {
		case fn.name == "notifier" && !reflect.DeepEqual(got, conditional):
			t.Errorf("%s: ReservedConcurrentExecutions is %v, want %v", fn.id, got, conditional)
		case fn.name != "notifier" && set:
			t.Errorf("%s: reserves concurrency (%v): a new account refuses it", fn.id, got)
		}
	}
	if _, set := obj(obj(tpl["Globals"])["Function"])["ReservedConcurrentExecutions"]; set {
		t.Error("Globals reserve concurrency for every function")
	}
}

// TestWebSessionKeyFromParameterStore: the web function gets the name of
// a SecureString parameter, never the key itself, and may read that one
// parameter and nothing else; no other function may read parameters or
// secrets or decrypt anything.
func TestWebSessionKeyFromParameterStore(t *testing.T) {
	tpl := loadTemplate(t)
	for name := range obj(tpl["Parameters"]) {
		if strings.Contains(strings.ToLower(name), "sessionkey") {
			t.Errorf("parameter %s: the session key must not pass through the template", name)
		}
	}
	paramName := map[string]any{"Fn::Sub": "/fundtrack/${Stage}/session-key"}
	paramARN := map[string]any{"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/fundtrack/${Stage}/session-key"}
	var web *function
	for _, fn := range functions(t, tpl) {
		env := obj(obj(setting(tpl, fn, "Environment"))["Variables"])
		if _, ok := env["FUNDTRACK_SESSION_KEY"]; ok {
			t.Errorf("%s: FUNDTRACK_SESSION_KEY in the environment: the key belongs in Parameter Store", fn.id)
		}
		var secretActions []string
		for _, pol := range list(fn.props["Policies"]) {
			for _, st := range list(obj(pol)["Statement"]) {
				st := obj(st)
				for _, a := range list(st["Action"]) {
					action := strings.ToLower(fmt.Sprint(a))
					if !strings.HasPrefix(action, "ssm:") && !strings.HasPrefix(action, "kms:") && !strings.HasPrefix(action, "secretsmanager:") {
						continue
					}
					secretActions = append(secretActions, fmt.Sprint(a))
					switch action {
					case "ssm:getparameter":
						if !reflect.DeepEqual(list(st["Resource"]), []any{paramARN}) {
							t.Errorf("%s: ssm:GetParameter on %v, want only the session key's parameter %v", fn.id, st["Resource"], paramARN)
						}
					case "kms:decrypt":
						cond := obj(obj(st["Condition"])["StringEquals"])
						if !reflect.DeepEqual(cond["kms:ViaService"], map[string]any{"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}) ||
							!reflect.DeepEqual(cond["kms:EncryptionContext:PARAMETER_ARN"], paramARN) {
							t.Errorf("%s: kms:Decrypt with condition %v: want it only through SSM, for the session key's parameter", fn.id, st["Condition"])
						}
					default:
						t.Errorf("%s: %s is not needed to read the session key", fn.id, a)
					}
				}
			}
		}
		if servesPages(fn.name) {
			if fn.name == webFunction {
				web = &fn
			}
			if !reflect.DeepEqual(env["FUNDTRACK_SESSION_KEY_PARAM"], paramName) {
				t.Errorf("%s: FUNDTRACK_SESSION_KEY_PARAM is %v, want %v", fn.id, env["FUNDTRACK_SESSION_KEY_PARAM"], paramName)
			}
			if !slices.Contains(secretActions, "ssm:GetParameter") {
				t.Errorf("%s: may not read its session key (no ssm:GetParameter)", fn.id)
			}
		} else if len(secretActions) > 0 {
			t.Errorf("%s: %v: only the functions serving web pages read the session key", fn.id, secretActions)
		}
	}
	if web == nil {
		t.Fatal("no web function")
	}
}

// TestOperatorReachesTheWebApp: OperatorName and OperatorIsNHS ("false"
// unless the operator is an NHS organisation) become the web function's
// FUNDTRACK_OPERATOR_NAME and FUNDTRACK_OPERATOR_IS_NHS.
func TestOperatorReachesTheWebApp(t *testing.T) {
	tpl := loadTemplate(t)
	params := obj(tpl["Parameters"])
	name, isNHS := obj(params["OperatorName"]), obj(params["OperatorIsNHS"])
	if name["Type"] != "String" || name["Default"] != nil || name["MinLength"] != 1 {
		t.Errorf("OperatorName is %v, want a required String (no default, MinLength 1)", name)
	}
	if isNHS["Type"] != "String" || isNHS["Default"] != "false" || !reflect.DeepEqual(isNHS["AllowedValues"], []any{"true", "false"}) {
		t.Errorf("OperatorIsNHS is %v, want \"true\" or \"false\", default \"false\"", isNHS)
	}
	for _, fn := range functions(t, tpl) {
		env := obj(obj(setting(tpl, fn, "Environment"))["Variables"])
		_, has := env["FUNDTRACK_OPERATOR_NAME"]
		if !servesPages(fn.name) {
			if has {
				t.Errorf("%s: only the web app shows the operator", fn.id)
			}
			continue
		}
		for k, want := range map[string]string{"FUNDTRACK_OPERATOR_NAME": "OperatorName", "FUNDTRACK_OPERATOR_IS_NHS": "OperatorIsNHS"} {
			if got := env[k]; !reflect.DeepEqual(got, map[string]any{"Ref": want}) {
				t.Errorf("%s: %s is %v, want !Ref %s", fn.id, k, got, want)
			}
		}
	}
}

// TestWebStaticFilesFromTheCDN: the web pages link their static files at
// the stage's CloudFront distribution, under the AssetsVersion `make
// deploy` uploaded; the bucket behind it is private, read by that
// distribution alone (origin access control) and only over TLS.
func TestWebStaticFilesFromTheCDN(t *testing.T) {
	tpl := loadTemplate(t)
	res := cfn.Resources(tpl)
	version := obj(obj(tpl["Parameters"])["AssetsVersion"])
	if version["Type"] != "String" || version["Default"] != nil || version["AllowedPattern"] != "^[0-9a-f]{12}$" {
		t.Errorf("AssetsVersion is %v, want a required 12-hex-digit String", version)
	}
	var found bool
	for _, fn := range functions(t, tpl) {
		env := obj(obj(setting(tpl, fn, "Environment"))["Variables"])
		got, has := env["FUNDTRACK_STATIC_URL"]
		if !servesPages(fn.name) {
			if has {
				t.Errorf("%s: only the web app links static files", fn.id)
			}
			continue
		}
		found = true
		want := map[string]any{"Fn::Sub": "https://${AssetsDistribution.DomainName}/${AssetsVersion}/"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: FUNDTRACK_STATIC_URL is %v, want %v", fn.id, got, want)
		}
	}
	if !found {
		t.Fatal("no web function")
	}

	bucket := obj(obj(res["AssetsBucket"])["Properties"])
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if obj(bucket["PublicAccessBlockConfiguration"])[k] != true {
			t.Errorf("AssetsBucket: %s is not set: the bucket must stay private", k)
		}
	}
	dist := obj(obj(obj(res["AssetsDistribution"])["Properties"])["DistributionConfig"])
	origins, _ := dist["Origins"].([]any)
	if len(origins) != 1 || !reflect.DeepEqual(obj(origins[0])["OriginAccessControlId"], map[string]any{"Fn::GetAtt": []any{"AssetsOriginAccessControl", "Id"}}) ||
		!reflect.DeepEqual(obj(origins[0])["DomainName"], map[string]any{"Fn::GetAtt": []any{"AssetsBucket", "RegionalDomainName"}}) {
		t.Errorf("AssetsDistribution origins %v: want the bucket, through AssetsOriginAccessControl", origins)
	}
	behaviour := obj(dist["DefaultCacheBehavior"])
	if behaviour["ViewerProtocolPolicy"] == "allow-all" || behaviour["Compress"] != true ||
		!reflect.DeepEqual(behaviour["AllowedMethods"], []any{"GET", "HEAD"}) {
		t.Errorf("AssetsDistribution default behaviour %v: want HTTPS, compression, GET and HEAD only", behaviour)
	}
	policy := obj(obj(obj(res["AssetsBucketPolicy"])["Properties"])["PolicyDocument"])
	var reads, tlsOnly bool
	for _, st := range policy["Statement"].([]any) {
		st := obj(st)
		switch st["Effect"] {
		case "Allow":
			cond := obj(obj(st["Condition"])["StringEquals"])["AWS:SourceArn"]
			reads = st["Action"] == "s3:GetObject" && reflect.DeepEqual(obj(st["Principal"])["Service"], "cloudfront.amazonaws.com") &&
				reflect.DeepEqual(cond, map[string]any{"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${AssetsDistribution}"})
			if !reads {
				t.Errorf("AssetsBucketPolicy allows %v: want s3:GetObject for this stage's distribution only", st)
			}
		case "Deny":
			tlsOnly = obj(obj(st["Condition"])["Bool"])["aws:SecureTransport"] == "false"
		}
	}
	if !reads || !tlsOnly {
		t.Errorf("AssetsBucketPolicy: distribution reads %v, TLS only %v", reads, tlsOnly)
	}
}

// TestEveryFunctionChoosesItsMemory: each function sets its own memory
// size, chosen by measurement (BENCHMARKS.md, section 4), rather than
// inheriting one from Globals by default: Lambda's CPU follows memory, so
// the size is each function's latency as much as its cost.
func TestEveryFunctionChoosesItsMemory(t *testing.T) {
	tpl := loadTemplate(t)
	fns := functions(t, tpl)
	if len(fns) < 7 {
		t.Fatalf("%d functions", len(fns))
	}
	for _, fn := range fns {
		mb, ok := fn.props["MemorySize"].(int)
		if !ok {
			t.Errorf("%s: no MemorySize of its own (%v): measure it with `go test ./bench -bench Invoke`", fn.id, fn.props["MemorySize"])
			continue
		}
		if mb < 128 || mb > 10240 {
			t.Errorf("%s: MemorySize %d is outside Lambda's 128-10,240 MB", fn.id, mb)
		}
	}
}

// TestNotifierLeaseOutlastsItsTimeout: a run holds an email's lease while
// it sends; if the function's timeout were longer than the lease, a run
// still alive could be overtaken mid-send and the email go twice.
func TestNotifierLeaseOutlastsItsTimeout(t *testing.T) {
	tpl := loadTemplate(t)
	for _, fn := range functions(t, tpl) {
		if fn.id != "NotifierFunction" {
			continue
		}
		secs, ok := fn.props["Timeout"].(int)
		if !ok {
			t.Fatalf("NotifierFunction: no Timeout of its own (%v)", fn.props["Timeout"])
		}
		if timeout := time.Duration(secs) * time.Second; timeout >= notify.DefaultLease {
			t.Errorf("NotifierFunction: Timeout %v is not shorter than notify.DefaultLease %v", timeout, notify.DefaultLease)
		}
		return
	}
	t.Fatal("no NotifierFunction in template.yaml")
}

// TestOnlyTheWebSignsPeopleOutAtCognito: "Sign out on every device" ends
// the person's sign-ins at the user pool (webdeps.CognitoSignOut), so the
// web function may call AdminUserGlobalSignOut on its own pool: that one
// action, on that one pool. No other function may call Cognito at all.
func TestOnlyTheWebSignsPeopleOutAtCognito(t *testing.T) {
	tpl := loadTemplate(t)
	pool := map[string]any{"Fn::GetAtt": []any{"UserPool", "Arn"}}
	granted := false
	for _, fn := range functions(t, tpl) {
		for _, pol := range list(fn.props["Policies"]) {
			for _, st := range list(obj(pol)["Statement"]) {
				st := obj(st)
				for _, a := range list(st["Action"]) {
					action := fmt.Sprint(a)
					if !strings.HasPrefix(strings.ToLower(action), "cognito-idp:") {
						continue
					}
					switch {
					case fn.name != webFunction:
						t.Errorf("%s: %s: only the web function calls Cognito", fn.id, action)
					case action != "cognito-idp:AdminUserGlobalSignOut":
						t.Errorf("%s: %s is not needed to sign people out everywhere", fn.id, action)
					case !reflect.DeepEqual(list(st["Resource"]), []any{pool}):
						t.Errorf("%s: %s on %v, want only the user pool %v", fn.id, action, st["Resource"], pool)
					default:
						granted = true
					}
				}
			}
		}
	}
	if !granted {
		t.Error("the web function may not sign people out at the user pool (no cognito-idp:AdminUserGlobalSignOut on UserPool)")
	}
}
