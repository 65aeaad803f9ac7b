// Command notify runs one notifier pass against the local stack (DynamoDB
// Local and the SES emulator) and prints what it did: `make notify`.
package main

import (
	"context"
	"encoding/json"
	"log"
	"os"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
)

func main() {
	ctx := context.Background()
	c, err := platform.FromLocalEnv(platform.Local{SES: true})
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := c.AWS(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if c.WebBaseURL == "" {
		c.WebBaseURL = "http://127.0.0.1:8080" // the local runner's web app
	}
	n := notifierdeps.Notifier(c, c.DynamoDB(cfg), notifierdeps.Sender(c, cfg))
	rep, err := n.Run(ctx)
	out, _ := json.MarshalIndent(rep, "", "  ")
	os.Stdout.Write(append(out, '\n'))
	if err != nil {
		log.Fatal(err)
	}
}
