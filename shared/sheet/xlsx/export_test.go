package xlsx

// NoResult is the problem of a formula cell without a saved result, for
// the oracle of the differential test.
const NoResult = noResult
