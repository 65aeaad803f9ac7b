package platform_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/platform"
)

// TestGivingSettingsFromEnv: the FUNDTRACK_360_* parameters reach the
// configuration, and one that would publish bad data stops the API at
// start, naming it.
func TestGivingSettingsFromEnv(t *testing.T) {
	t.Setenv("FUNDTRACK_TABLE", "fundtrack-test")
	t.Setenv("FUNDTRACK_DYNAMODB_ENDPOINT", "http://127.0.0.1:1") // never dialled: building clients only
	t.Setenv("FUNDTRACK_360_PREFIX", "360G-example")
	t.Setenv("FUNDTRACK_360_PUBLISHER_NAME", "Example Trust")
	t.Setenv("FUNDTRACK_360_PUBLISHER_ID", "GB-CHC-1090095")
	t.Setenv("FUNDTRACK_360_LICENSE", "https://creativecommons.org/publicdomain/zero/1.0/")
	t.Setenv("FUNDTRACK_360_DATA_SOURCE", "https://example.org/open-data")
	c, err := platform.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	g := c.Giving
	if g.Prefix != "360G-example" || g.PublisherName != "Example Trust" || g.PublisherID != "GB-CHC-1090095" ||
		g.License != "https://creativecommons.org/publicdomain/zero/1.0/" || g.DataSource != "https://example.org/open-data" {
		t.Fatalf("settings read: %+v", g)
	}
	d, err := platform.LambdaAPI(context.Background(), nil)
	if err != nil || d.Giving != g {
		t.Fatalf("API deps: %+v, %v", d.Giving, err)
	}

	t.Setenv("FUNDTRACK_360_PUBLISHER_ID", "GB-GOR-DWP")
	if _, err := platform.FromEnv(); err != nil {
		t.Errorf("FromEnv (as the notifier uses it) refused a bad 360Giving setting: %v", err)
	}
	if _, err := platform.LambdaAPI(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "FUNDTRACK_360_PUBLISHER_ID") {
		t.Errorf("the API started with a bad publisher id: %v", err)
	}
}

// TestFromLocalEnv: the commands in infra/ run against the local stack
// unless the environment says otherwise. An unset variable gets the local
// default, and so does one set empty unless the command keeps it empty
// (recount, pointed at AWS so); one set is kept; the SES emulator only
// for a command that asks for it. The environment is set too, for what
// the command builds later.
func TestFromLocalEnv(t *testing.T) {
	vars := []string{"FUNDTRACK_TABLE", "FUNDTRACK_DYNAMODB_ENDPOINT", "FUNDTRACK_SES_ENDPOINT"}
	unset := func() {
		for _, v := range vars {
			t.Setenv(v, "") // restored after the test
			os.Unsetenv(v)
		}
	}
	config := func(l platform.Local) platform.Config {
		t.Helper()
		c, err := platform.FromLocalEnv(l)
		if err != nil {
			t.Fatal(err)
		}
		if os.Getenv("FUNDTRACK_TABLE") != c.Table || os.Getenv("FUNDTRACK_DYNAMODB_ENDPOINT") != c.DynamoDBEndpoint ||
			os.Getenv("FUNDTRACK_SES_ENDPOINT") != c.SESEndpoint {
			t.Errorf("the environment does not say what the configuration does: %+v", c)
		}
		return c
	}

	unset()
	if c := config(platform.Local{}); c.Table != "fundtrack" || c.DynamoDBEndpoint != "http://127.0.0.1:8000" || c.SESEndpoint != "" {
		t.Errorf("nothing set: %+v", c)
	}
	unset()
	if c := config(platform.Local{SES: true}); c.Table != "fundtrack" || c.DynamoDBEndpoint != "http://127.0.0.1:8000" ||
		c.SESEndpoint != "http://127.0.0.1:8005" {
		t.Errorf("nothing set, with SES: %+v", c)
	}

	for _, v := range vars {
		t.Setenv(v, "")
	}
	if c := config(platform.Local{SES: true}); c.Table != "fundtrack" || c.DynamoDBEndpoint != "http://127.0.0.1:8000" ||
		c.SESEndpoint != "http://127.0.0.1:8005" {
		t.Errorf("set empty: %+v", c)
	}
	t.Setenv("FUNDTRACK_TABLE", "fundtrack-prod")
	t.Setenv("FUNDTRACK_DYNAMODB_ENDPOINT", "")
	if c := config(platform.Local{KeepEmpty: true}); c.Table != "fundtrack-prod" || c.DynamoDBEndpoint != "" {
		t.Errorf("the endpoint set empty, kept so: %+v", c)
	}

	t.Setenv("FUNDTRACK_TABLE", "mine")
	t.Setenv("FUNDTRACK_DYNAMODB_ENDPOINT", "http://127.0.0.1:8100")
	t.Setenv("FUNDTRACK_SES_ENDPOINT", "http://127.0.0.1:8105")
	for _, l := range []platform.Local{{}, {SES: true}, {KeepEmpty: true}} {
		if c := config(l); c.Table != "mine" || c.DynamoDBEndpoint != "http://127.0.0.1:8100" || c.SESEndpoint != "http://127.0.0.1:8105" {
			t.Errorf("all set, %+v: %+v", l, c)
		}
	}
}
