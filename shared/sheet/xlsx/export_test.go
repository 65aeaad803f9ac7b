package xlsx

// NoResult is the problem of a formula cell without a saved result, for
// the oracle of the differential test.
const NoResult = noResult

// Check is check without the zip, for the oracle, which refuses what the
// reader refuses before excelize opens the rest.
func Check(data []byte) error {
	_, err := check(data)
	return err
}
