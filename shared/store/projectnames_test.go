package store_test

import (
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// ctProjectNames: no two projects of a programme hold one name as an
// import matches it (domain.ProjectNameKey), even created at once: of two
// creates racing for a name exactly one lands, the other
// *service.NameTakenError. A rename lets its old name go and may keep its
// own name in another case. Over DynamoDB, a project stored before the
// name markers (its marker deleted here) can still be renamed, and the
// marker of a name another project took since is not its to let go.
func ctProjectNames(c *ct) {
	p := c.programme()
	newProject := func(name string) domain.Project {
		pr := c.newProject(name)
		pr.Version = 1
		return pr
	}
	const racers = 4
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i, name := range []string{"Derby Pathways", "derby pathways", " DERBY  Pathways", "Derby\tPathways"} {
		pr := newProject(name)
		ch := c.change(p.ID, domain.EntityProject, pr.ID, domain.ActionCreate, nil, pr) // not safe to call at once
		wg.Go(func() { errs[i] = c.st.CreateProject(c.ctx, p.ID, pr, nil, ch) })
	}
	wg.Wait()
	landed := 0
	for _, err := range errs {
		var taken *service.NameTakenError
		switch {
		case err == nil:
			landed++
		case !errors.As(err, &taken):
			c.Errorf("a create that lost the race: %v, want *service.NameTakenError", err)
		}
	}
	list, _, err := c.st.ListProjects(c.ctx, p.ID, service.Page{Limit: 10})
	c.ok(err)
	if landed != 1 || len(list) != 1 {
		c.Fatalf("%d of %d creates of one name landed, %d projects stored; want exactly one", landed, racers, len(list))
	}
	derby := list[0]

	rename := func(before domain.Project, name string) (domain.Project, error) {
		after := before
		after.Name, after.Version = name, before.Version+1
		return after, c.st.UpdateProject(c.ctx, p.ID, before, after, nil, c.change(p.ID, domain.EntityProject, after.ID, domain.ActionChange, before, after))
	}
	leeds := newProject("Leeds IPS")
	c.ok(c.st.CreateProject(c.ctx, p.ID, leeds, nil, c.change(p.ID, domain.EntityProject, leeds.ID, domain.ActionCreate, nil, leeds)))
	var taken *service.NameTakenError
	if _, err := rename(leeds, "derby PATHWAYS"); !errors.As(err, &taken) {
		c.Errorf("renaming to another's name: %v, want *service.NameTakenError", err)
	}
	derby, err = rename(derby, "DERBY PATHWAYS")
	c.ok(err)
	derby, err = rename(derby, "Derby Works")
	c.ok(err)
	leeds, err = rename(leeds, "Derby Pathways") // let go by the rename
	c.ok(err)

	s, ok := c.st.(*store.Store)
	if !ok {
		return
	}
	// Derby Works as stored before the markers: no marker.
	if _, err := store.DBOf(s).DeleteItem(c.ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table()),
		Key: store.ProjectNameKey(p.ID, "Derby Works")}); err != nil {
		c.Fatal(err)
	}
	// Another project takes its name meanwhile (the create cannot see it).
	york := newProject("derby works")
	c.ok(c.st.CreateProject(c.ctx, p.ID, york, nil, c.change(p.ID, domain.EntityProject, york.ID, domain.ActionCreate, nil, york)))
	derby, err = rename(derby, "Derby Futures")
	c.ok(err)
	// York still holds its name; Derby holds its new one.
	if _, err := rename(leeds, "Derby works"); !errors.As(err, &taken) {
		c.Errorf("renaming to the name of a project created after an unmarked one: %v, want *service.NameTakenError", err)
	}
	if _, err := rename(leeds, "derby futures"); !errors.As(err, &taken) {
		c.Errorf("renaming to an unmarked project's new name: %v, want *service.NameTakenError", err)
	}
}
