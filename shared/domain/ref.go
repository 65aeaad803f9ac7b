package domain

// RecordRef names one record of a programme: its kind, its id and, for the
// records that live under a project (posts, cohorts, outcome submissions),
// the project, or under a grant (payments, spend returns), the grant.
// Members are named by email.
//
// The service names the records a request reads or depends on with it, the
// store reports the ones that are missing with it, and an error can point
// at a related record with it (the correction that already replaced a
// submission), so each layer speaks of records without knowing keys, fields
// or URLs.
type RecordRef struct {
	Entity    Entity
	ProjectID string
	GrantID   string
	ID        string
}

// Ref is a RecordRef of a record that is not under a project.
func Ref(e Entity, id string) RecordRef { return RecordRef{Entity: e, ID: id} }

// ProjectRef is a RecordRef of a record under a project.
func ProjectRef(e Entity, projectID, id string) RecordRef {
	return RecordRef{Entity: e, ProjectID: projectID, ID: id}
}

// GrantRef is a RecordRef of a record under a grant.
func GrantRef(e Entity, grantID, id string) RecordRef {
	return RecordRef{Entity: e, GrantID: grantID, ID: id}
}
