package platform

import "os"

// The local stack's table and emulators (make run, infra/stack.sh), which
// the commands in infra/ that run against it use when the environment
// names none.
const (
	LocalTable            = "fundtrack"
	LocalDynamoDBEndpoint = "http://127.0.0.1:8000" // DynamoDB Local
	LocalSESEndpoint      = "http://127.0.0.1:8005" // the SES emulator
)

// Local says which of the local stack's defaults a command takes
// (FromLocalEnv).
type Local struct {
	// SES is the SES emulator's endpoint too, for a command that sends
	// mail (infra/notify).
	SES bool
	// KeepEmpty keeps a variable set empty as it is, where otherwise it
	// gets its default as an unset one does: a command that may run
	// against AWS itself (infra/recount) is pointed there by
	// FUNDTRACK_DYNAMODB_ENDPOINT set empty.
	KeepEmpty bool
}

// FromLocalEnv is FromEnv for a command in infra/ run against the local
// stack by default: it first sets in the environment, where it names
// none, FUNDTRACK_TABLE (LocalTable), FUNDTRACK_DYNAMODB_ENDPOINT
// (LocalDynamoDBEndpoint) and, with l.SES, FUNDTRACK_SES_ENDPOINT
// (LocalSESEndpoint), so that what the command builds later reads the
// same. A variable set to anything else is kept.
func FromLocalEnv(l Local) (Config, error) {
	defaults := [][2]string{{"FUNDTRACK_TABLE", LocalTable}, {"FUNDTRACK_DYNAMODB_ENDPOINT", LocalDynamoDBEndpoint}}
	if l.SES {
		defaults = append(defaults, [2]string{"FUNDTRACK_SES_ENDPOINT", LocalSESEndpoint})
	}
	for _, d := range defaults {
		if v, set := os.LookupEnv(d[0]); !set || v == "" && !l.KeepEmpty {
			os.Setenv(d[0], d[1])
		}
	}
	return FromEnv()
}
