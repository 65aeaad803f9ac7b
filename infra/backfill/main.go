// Command backfill gives the projects and funders stored before the name
// markers the marker of their name (store.BackfillNameMarkers), so a new
// project or funder can no longer take an old one's name. It prints, per
// programme, what it marked and the clashes: records that share a name
// already, which it leaves unmarked (rename all but one, then run it
// again). Running it again writes nothing; it is safe beside users'
// creates and renames. `make deploy` runs it after the stack update.
//
//	go run ./infra/backfill [-n] [-programme <id>…]
//
// Without -programme, every programme. With -n it only reads, and prints
// what it would mark. A programme named that is not there is reported so,
// with an error, and the run exits 1 once the others are done.
//
// Against the local stack by default (FUNDTRACK_TABLE fundtrack,
// FUNDTRACK_DYNAMODB_ENDPOINT http://127.0.0.1:8000); with
// FUNDTRACK_DYNAMODB_ENDPOINT set empty, against DynamoDB itself, with the
// environment's AWS credentials and region and the stage's FUNDTRACK_TABLE.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/fundtrack/fundtrack/infra/internal/repair"
	"github.com/fundtrack/fundtrack/shared/service"
)

func main() {
	var ids repair.Programmes
	flag.Var(&ids, "programme", "a programme's id (repeat for several; none: every programme)")
	dry := flag.Bool("n", false, "only read: say what would be marked, and write nothing")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: backfill [-n] [-programme <id>…]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx := context.Background()
	st, err := repair.Store(ctx)
	if err != nil {
		log.Fatal(err)
	}
	all := len(ids) == 0
	if all {
		for page := (service.Page{Limit: 100}); ; {
			progs, next, err := st.ListProgrammes(ctx, page)
			if err != nil {
				log.Fatal(err)
			}
			for _, p := range progs {
				ids = append(ids, p.ID)
			}
			if next == "" {
				break
			}
			page.Cursor = next
		}
	}
	failed, marked, clashes := false, 0, 0
	for _, id := range ids {
		if !all { // a programme named, perhaps mistyped: said so, as recount and refill do
			if err := repair.Exists(ctx, st, id); err != nil {
				failed = repair.Report(id, *dry, nil, err) || failed
				continue
			}
		}
		did, err := st.BackfillNameMarkers(ctx, id, !*dry)
		marked, clashes = marked+len(did.Marked), clashes+len(did.Clashes)
		// Over every programme, only those with something to say are printed.
		if !all || err != nil || len(did.Marked) > 0 || len(did.Clashes) > 0 {
			failed = repair.Report(id, *dry, map[string]any{"marked": did.Marked, "clashes": did.Clashes}, err) || failed
		}
		for _, cl := range did.Clashes {
			var names []string
			for _, r := range cl.Records {
				held := ""
				if r.Marked {
					held = ", holds the name"
				}
				names = append(names, fmt.Sprintf("%q (%s%s)", r.Name, r.ID, held))
			}
			log.Printf("programme %s: %ss %s share a name: rename all but one, then run this again", id, cl.Entity, strings.Join(names, ", "))
		}
	}
	verb := "marked"
	if *dry {
		verb = "would mark"
	}
	log.Printf("backfill: %d programmes, %s %d names, %d clashes", len(ids), verb, marked, clashes)
	if failed {
		os.Exit(1)
	}
}
