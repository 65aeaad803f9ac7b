package store

// ItemBytes lets the external tests measure an item as the size test does.
var ItemBytes = itemBytes

// MoneyKey is the key of a grant's money item, for tests that write it as
// data stored by an earlier version would be.
func MoneyKey(programmeID, grantID string) Item {
	return key(pkProgramme(programmeID), skMoney(grantID))
}

// ProjectNameKey is the key of the marker of a project's name, for tests
// that delete it as a project stored before the markers has none.
func ProjectNameKey(programmeID, name string) Item {
	return key(pkProgramme(programmeID), skProjectName(name))
}

// FunderNameKey is the key of the marker of a funder's name, for tests
// that delete it as a funder stored before the markers has none.
func FunderNameKey(programmeID, name string) Item {
	return key(pkProgramme(programmeID), skFunderName(name))
}

// DBOf is the client a store sends its requests with.
func DBOf(s *Store) DB { return s.db }
