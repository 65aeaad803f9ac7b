package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NameRecord is a project or a funder as BackfillNameMarkers read it.
// Marked, in a clash, says it holds the marker of that name.
type NameRecord struct {
	Entity domain.Entity `json:"entity"`
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Marked bool          `json:"marked,omitempty"`
}

// NameClash is two or more projects (or funders) of a programme whose
// names are one as compared (Key: domain.ProjectNameKey,
// domain.FunderNameKey), all stored before the name markers, or one since
// (it holds the marker). The back-fill marks none of them; a person
// renames all but one, and the next back-fill marks the one left.
type NameClash struct {
	Entity  domain.Entity `json:"entity"`
	Key     string        `json:"key"`
	Records []NameRecord  `json:"records"`
}

// NameBackfill is what BackfillNameMarkers did to a programme: the
// records it gave the marker of their name (asked only to look: would
// give), and the clashes it left alone.
type NameBackfill struct {
	Marked  []NameRecord `json:"marked"`
	Clashes []NameClash  `json:"clashes"`
}

// nameKind is a kind of record whose names are held by markers.
type nameKind struct {
	entity  domain.Entity
	prefix  string // of the records' sort keys
	markers string // of their markers' sort keys
	idAttr  string // the marker's attribute naming its holder
	sk      func(id string) string
	marker  func(id, name string) nameMarker
	key     func(name string) string
}

var nameKinds = []nameKind{
	{entity: domain.EntityProject, prefix: prefixProject, markers: prefixProjectName, idAttr: "projectId", sk: skProject,
		marker: func(id, name string) nameMarker { return projectNameMarker(domain.Project{ID: id, Name: name}) },
		key:    domain.ProjectNameKey},
	{entity: domain.EntityFunder, prefix: prefixFunder, markers: prefixFunderName, idAttr: "funderId", sk: skFunder,
		marker: func(id, name string) nameMarker { return funderName(domain.Funder{ID: id, Name: name}) },
		key:    domain.FunderNameKey},
}

// errBackfillRaced is a marker the back-fill could not write as planned:
// the record's name moved, or another record took the name, since they
// were read. The back-fill reads them again.
var errBackfillRaced = errors.New("a name moved while its marker was back-filled")

// BackfillNameMarkers gives each project and funder of a programme stored
// before the name markers (PNAME#, FNAME#: see skProjectName) the marker
// of its name, so that a new record can no longer take that name. Records
// that share a name already get none, and are answered as clashes.
//
// Per kind, it reads the markers first (Query of the PNAME# or FNAME#
// prefix), then the records (PROJECT#, FUNDER#), and puts each missing
// marker in a transaction of its own with a ConditionCheck that the
// record still has the name read: attribute_not_exists on the marker,
// and on the record name = the name as read. So it runs beside users'
// creates and renames: a record renamed since it was read fails the
// check, and no marker is ever written for a name it no longer has (its
// rename holds the new one); a record created since with the same name
// holds the marker, and the put fails. Either failure reads both again
// (up to five times), which then finds the record marked or the clash.
// A record already holding its marker is left alone, so running it again
// writes nothing. Cost: the four prefixes' Query pages, and
// TransactWriteItems×1 (a Put and a ConditionCheck) per marker written.
//
// With write false it only reads, and says what it would mark.
func (s *Store) BackfillNameMarkers(ctx context.Context, programmeID string, write bool) (NameBackfill, error) {
	out := NameBackfill{Marked: []NameRecord{}, Clashes: []NameClash{}}
	if _, err := s.Programme(ctx, programmeID); err != nil {
		return out, err
	}
	for _, k := range nameKinds {
		for attempt := 1; ; attempt++ {
			marked, clashes, err := s.backfillOnce(ctx, programmeID, k, write)
			out.Marked = append(out.Marked, marked...)
			if err == nil {
				out.Clashes = append(out.Clashes, clashes...)
				break
			}
			if !errors.Is(err, errBackfillRaced) || attempt == 5 {
				return out, fmt.Errorf("back-fill %s name markers of %s: %w", k.entity, programmeID, err)
			}
		}
	}
	return out, nil
}

// heldName is a marker as read: the record holding it, and the name.
type heldName struct{ id, name string }

// readName is a record as read, with its name as stored.
type readName struct {
	NameRecord
	stored types.AttributeValue
}

func (s *Store) backfillOnce(ctx context.Context, programmeID string, k nameKind, write bool) ([]NameRecord, []NameClash, error) {
	pk := pkProgramme(programmeID)
	everything := service.Page{Limit: 1 << 30}
	held := map[string]heldName{} // by marker sort key
	if _, err := s.list(ctx, query{pkAttr: "PK", skAttr: "SK", pk: pk, prefix: k.markers}, everything, func(item Item) error {
		held[skAttr(item)] = heldName{id: attrS(item[k.idAttr]), name: attrS(item["name"])}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	byMarker := map[string][]readName{}
	markerOf := map[string]string{} // record id → its name's marker
	var order []string              // markers, in the order of their records
	if _, err := s.list(ctx, query{pkAttr: "PK", skAttr: "SK", pk: pk, prefix: k.prefix}, everything, func(item Item) error {
		name, ok := item["name"].(*types.AttributeValueMemberS)
		if !ok {
			return nil // no name: nothing to hold
		}
		r := readName{NameRecord: NameRecord{Entity: k.entity, ID: attrS(item["id"]), Name: name.Value}, stored: name}
		sk := k.marker(r.ID, r.Name).sk
		if byMarker[sk] == nil {
			order = append(order, sk)
		}
		byMarker[sk] = append(byMarker[sk], r)
		markerOf[r.ID] = sk
		return nil
	}); err != nil {
		return nil, nil, err
	}

	var marked []NameRecord
	var clashes []NameClash
	for _, sk := range order {
		records := byMarker[sk]
		h, isHeld := held[sk]
		if len(records) == 1 && isHeld && h.id == records[0].ID {
			continue // marked already
		}
		if len(records) == 1 && !isHeld {
			if write {
				if err := s.backfillMarker(ctx, programmeID, k, records[0]); err != nil {
					return marked, nil, err
				}
			}
			marked = append(marked, records[0].NameRecord)
			continue
		}
		if len(records) == 1 && markerOf[h.id] != "" && markerOf[h.id] != sk {
			// Its holder was renamed between the two reads: read again.
			return marked, nil, errBackfillRaced
		}
		c := NameClash{Entity: k.entity, Key: k.key(records[0].Name)}
		holderRead := false
		for _, r := range records {
			r.Marked = isHeld && h.id == r.ID
			holderRead = holderRead || r.Marked
			c.Records = append(c.Records, r.NameRecord)
		}
		if isHeld && !holderRead {
			c.Records = append(c.Records, NameRecord{Entity: k.entity, ID: h.id, Name: h.name, Marked: true})
		}
		clashes = append(clashes, c)
	}
	return marked, clashes, nil
}

// backfillMarker puts the marker of r's name, on the conditions that no
// record holds it and that r still has the name read.
func (s *Store) backfillMarker(ctx context.Context, programmeID string, k nameKind, r readName) error {
	put, err := s.markerPut(programmeID, k.marker(r.ID, r.Name))
	if err != nil {
		return err
	}
	t := (&tx{}).add(put, errBackfillRaced)
	t.add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &s.table,
		Key: key(pkProgramme(programmeID), k.sk(r.ID)), ConditionExpression: aws.String("#name = :name"),
		ExpressionAttributeNames:  map[string]string{"#name": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":name": r.stored}}}, errBackfillRaced)
	return s.transact(ctx, t)
}
