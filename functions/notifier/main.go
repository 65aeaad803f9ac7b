// Command notifier is the Lambda function EventBridge Scheduler invokes to
// send every notification (shared/notify): milestones, return reminders,
// overdue notices and review emails, and payments falling due.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
)

func main() {
	n, err := notifierdeps.Lambda(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(notify.Handler(n))
}
