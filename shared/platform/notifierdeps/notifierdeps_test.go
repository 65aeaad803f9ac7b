package notifierdeps_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
)

// TestSESClient: the notifier's SES client never retries, keeps idle
// connections only email.IdleConnTimeout (email.HTTPClient: no send goes
// on a connection SES may be closing) and goes to the emulator when one
// is configured.
func TestSESClient(t *testing.T) {
	t.Parallel()
	o := notifierdeps.SES(platform.Config{SESEndpoint: "http://127.0.0.1:8105"}, aws.Config{Region: "eu-west-2"}).Options()
	if _, ok := o.Retryer.(aws.NopRetryer); !ok || o.RetryMaxAttempts != 0 {
		t.Errorf("retryer %T, max attempts %d: want no retries", o.Retryer, o.RetryMaxAttempts)
	}
	hc, ok := o.HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		t.Fatalf("HTTP client %T, want email.HTTPClient's", o.HTTPClient)
	}
	if idle := hc.GetTransport().IdleConnTimeout; idle != email.IdleConnTimeout {
		t.Errorf("idle connections kept %v, want %v", idle, email.IdleConnTimeout)
	}
	if aws.ToString(o.BaseEndpoint) != "http://127.0.0.1:8105" {
		t.Errorf("endpoint %q", aws.ToString(o.BaseEndpoint))
	}
}
