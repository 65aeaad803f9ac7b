// Command runner serves every fundtrack API function on one local port, the
// way API Gateway would route to them in AWS, over DynamoDB Local. It checks
// tokens itself (the SPEC's local HS256 tokens) since there is no API
// Gateway authorizer here, creates the table from template.yaml, and prints
// a ready-made token for each role.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/fundtrack/fundtrack/infra/runner/serve"
	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	addr := getenv("FUNDTRACK_ADDR", "127.0.0.1:8080")
	mailPage := getenv("FUNDTRACK_SES_ENDPOINT", platform.LocalSESEndpoint)

	c, err := platform.FromLocalEnv(platform.Local{})
	if err != nil {
		return err
	}
	if err := c.Giving.Validate(); err != nil {
		return err
	}
	cfg, err := c.AWS(ctx)
	if err != nil {
		return err
	}
	db := c.DynamoDB(cfg)
	if err := serve.EnsureTables(ctx, db, c.Table); err != nil {
		return err
	}

	local := auth.LocalFromEnv()
	h, err := serve.Handler(c, db, local)
	if err != nil {
		return err
	}

	ln, err := serve.Listen(addr)
	if err != nil {
		return err
	}
	srv := serve.Server(h) // a stray % in a path is the API's or web app's 400, not net/http's plain one
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	os.Setenv("FUNDTRACK_SES_ENDPOINT", mailPage)
	c.SESEndpoint = mailPage
	if c.WebBaseURL == "" {
		c.WebBaseURL = "http://" + addr // emails link to this runner's web app
	}
	go notifyEveryMinute(ctx, notifierdeps.Notifier(c, db, notifierdeps.Sender(c, cfg)))
	go serve.KeepTables(ctx, db, c.Table, 5*time.Second)

	printWelcome(addr, mailPage, local)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// notifyEveryMinute runs the milestone notifier as the scheduler would in
// AWS (there every 15 minutes; here every minute, so a demo is quick).
func notifyEveryMinute(ctx context.Context, n *notify.Notifier) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		if rep, err := n.Run(ctx); err != nil {
			log.Printf("notifier: %v", err)
		} else if rep.Claimed+rep.Sent+rep.Failed+rep.Retrying > 0 {
			log.Printf("notifier: %+v", rep)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// demoUsers are the people `make seed` gives roles; their tokens work as soon
// as the seed has run (admin's at once).
var demoUsers = []struct{ role, email, groups string }{
	{"admin", "admin@example.org", "admins"},
	{"network lead", "lead@example.org", ""},
	{"project lead", "project.lead@example.org", ""},
	{"funder", "funder@example.org", ""},
}

func printWelcome(addr, mailPage string, local auth.Local) {
	fmt.Printf("\nfundtrack is serving on http://%s\n\n", addr)
	fmt.Printf("Web app: http://%s/app/ (sign in as any demo user; `make seed` gives them roles)\n\n", addr)
	fmt.Println("Tokens (valid 12 hours; `make token EMAIL=... GROUPS=...` makes more):")
	for _, u := range demoUsers {
		var groups []string
		if u.groups != "" {
			groups = []string{u.groups}
		}
		tok, err := auth.MintLocal(local.Secret, u.email, "", groups, 12*time.Hour, time.Now())
		if err != nil {
			fmt.Printf("  %s: %v\n", u.role, err)
			continue
		}
		fmt.Printf("  %-13s %-26s %s\n", u.role, u.email, tok)
	}
	fmt.Printf("\nSent mail: %s (the SES emulator's page; JSON at %s/store)\n", mailPage, mailPage)
	fmt.Printf("Try: curl -s http://%s/health\n\n", addr)
}
