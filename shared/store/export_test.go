package store

// ItemBytes lets the external tests measure an item as the size test does.
var ItemBytes = itemBytes

// MoneyKey is the key of a grant's money item, for tests that write it as
// data stored by an earlier version would be.
func MoneyKey(programmeID, grantID string) Item {
	return key(pkProgramme(programmeID), skMoney(grantID))
}
