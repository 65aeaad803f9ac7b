// Package dynamolocal holds what a client of DynamoDB Local needs that a
// client of DynamoDB does not. The local runner and the test kit share it;
// it imports nothing of fundtrack's, so either may.
package dynamolocal

import (
	"net/http"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// IdleConnTimeout is how long a client of DynamoDB Local keeps an idle
// connection: under the 30 s after which DynamoDB Local's server (Jetty)
// closes one. With the SDK's 90 s a client could send a request on a
// connection the server had just closed and, on a busy machine, retry on
// two more, all failing as "use of closed network connection"
// (aws-sdk-go-v2 #2737).
const IdleConnTimeout = 20 * time.Second

// HTTPClient is the SDK's HTTP client with IdleConnTimeout.
func HTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.IdleConnTimeout = IdleConnTimeout
	})
}
