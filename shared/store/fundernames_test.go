package store_test

import (
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// ctFunderNames: no two funders of a programme hold one name
// (domain.FunderNameKey: any case or spacing), even created at once: of
// creates racing for a name exactly one lands, the others
// *service.NameTakenError naming a funder. A rename lets its old name go
// and may keep its own name in another case; a project may share a
// funder's name. Over DynamoDB, a funder stored before the name markers
// (its marker deleted here) can still be renamed, and the marker of a
// name another funder took since is not its to let go.
func ctFunderNames(c *ct) {
	p := c.programme()
	newFunder := func(name string) domain.Funder {
		now := time.Now().UTC()
		return domain.Funder{ID: domain.NewID(), Name: name, Contacts: []string{"grants@example.org"}, Version: 1, CreatedAt: now, UpdatedAt: now}
	}
	create := func(f domain.Funder) error {
		return c.st.CreateFunder(c.ctx, p.ID, f, c.change(p.ID, domain.EntityFunder, f.ID, domain.ActionCreate, nil, f))
	}
	const racers = 4
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i, name := range []string{"Department of Health", "department of health", " DEPARTMENT  of Health", "Department\tof Health"} {
		f := newFunder(name)
		ch := c.change(p.ID, domain.EntityFunder, f.ID, domain.ActionCreate, nil, f) // not safe to call at once
		wg.Go(func() { errs[i] = c.st.CreateFunder(c.ctx, p.ID, f, ch) })
	}
	wg.Wait()
	landed := 0
	for _, err := range errs {
		var taken *service.NameTakenError
		switch {
		case err == nil:
			landed++
		case !errors.As(err, &taken) || taken.Entity != domain.EntityFunder:
			c.Errorf("a create that lost the race: %v, want *service.NameTakenError of a funder", err)
		}
	}
	list, _, err := c.st.ListFunders(c.ctx, p.ID, service.Page{Limit: 10})
	c.ok(err)
	if landed != 1 || len(list) != 1 {
		c.Fatalf("%d of %d creates of one name landed, %d funders stored; want exactly one", landed, racers, len(list))
	}
	dh := list[0]
	// A project may be named as a funder is.
	pr := c.newProject("Department of Health")
	c.ok(c.st.CreateProject(c.ctx, p.ID, pr, nil, c.change(p.ID, domain.EntityProject, pr.ID, domain.ActionCreate, nil, pr)))

	rename := func(before domain.Funder, name string) (domain.Funder, error) {
		after := before
		after.Name, after.Version = name, before.Version+1
		return after, c.st.UpdateFunder(c.ctx, p.ID, before, after, c.change(p.ID, domain.EntityFunder, after.ID, domain.ActionChange, before, after))
	}
	dwp := newFunder("DWP")
	c.ok(create(dwp))
	var taken *service.NameTakenError
	if _, err := rename(dwp, "department OF health"); !errors.As(err, &taken) || taken.Entity != domain.EntityFunder {
		c.Errorf("renaming to another's name: %v, want *service.NameTakenError of a funder", err)
	}
	dh, err = rename(dh, "DEPARTMENT OF HEALTH")
	c.ok(err)
	dh, err = rename(dh, "Department of Health and Social Care")
	c.ok(err)
	dwp, err = rename(dwp, "Department of Health") // let go by the rename
	c.ok(err)
	if err := create(newFunder("dwp")); err != nil {
		c.Errorf("a name let go by a rename: %v", err)
	}

	s, ok := c.st.(*store.Store)
	if !ok {
		return
	}
	// DHSC as stored before the markers: no marker.
	if _, err := store.DBOf(s).DeleteItem(c.ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table()),
		Key: store.FunderNameKey(p.ID, "Department of Health and Social Care")}); err != nil {
		c.Fatal(err)
	}
	// Another funder takes its name meanwhile (the create cannot see it).
	other := newFunder("department of health and social care")
	c.ok(create(other))
	dh, err = rename(dh, "DHSC")
	c.ok(err)
	// The other still holds its name; DHSC holds its new one.
	if _, err := rename(dwp, "Department of Health and social care"); !errors.As(err, &taken) {
		c.Errorf("renaming to the name of a funder created after an unmarked one: %v, want *service.NameTakenError", err)
	}
	if _, err := rename(dwp, "dhsc"); !errors.As(err, &taken) {
		c.Errorf("renaming to an unmarked funder's new name: %v, want *service.NameTakenError", err)
	}
}
