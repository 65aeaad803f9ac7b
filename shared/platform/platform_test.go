package platform_test

import (
	"context"
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
