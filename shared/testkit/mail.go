package testkit

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// SES returns an SES v2 client for the test stack's emulator, after
// checking that the emulator answers. It keeps idle connections as the
// notifier's client does (email.HTTPClient), under the emulator's
// keep-alive timeout, so no send goes on a connection it is closing.
func SES(t testing.TB) *sesv2.Client {
	t.Helper()
	sesReachable(t)
	return sesv2.New(sesv2.Options{Region: testenv.Region, BaseEndpoint: aws.String(testenv.SESEndpoint()),
		Credentials: testenv.Credentials, HTTPClient: email.HTTPClient()})
}

var (
	sesOnce sync.Once
	sesErr  error
)

func sesReachable(t testing.TB) {
	t.Helper()
	sesOnce.Do(func() {
		resp, err := (&http.Client{Timeout: 3 * time.Second}).Get(testenv.SESEndpoint() + "/store")
		if err == nil {
			resp.Body.Close()
		}
		sesErr = err
	})
	if sesErr != nil {
		t.Fatalf("SES emulator not reachable at %s: run `make test` or `infra/stack.sh start --test` (%v)", testenv.SESEndpoint(), sesErr)
	}
}

// Mail is one email as the emulator's /store lists it.
type Mail struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
}

// To is the email's To addresses, joined by commas.
func (m Mail) To() string { return strings.Join(m.Destination.To, ",") }

// Mailbox is one test's view of the SES emulator, which every test
// shares: the addresses Addr makes carry the mailbox's tag, and Sent lists
// only mail to such addresses, so parallel tests never see each other's.
type Mailbox struct {
	Tag string
	// Since, when set, is when the mailbox was made: Sent asks the
	// emulator only for mail it took since then (its /store?since=, in
	// whole seconds), not for all it ever took, which every test's Sent
	// would otherwise fetch and decode again.
	Since time.Time
}

// NewMailbox checks that the emulator answers and returns a mailbox with a
// fresh tag.
func NewMailbox(t testing.TB) *Mailbox {
	t.Helper()
	sesReachable(t)
	return &Mailbox{Tag: strings.ToLower(rand.Text()[:12]), Since: time.Now().Add(-time.Second)}
}

// Addr is an address of this mailbox: local.<tag>@domain.
func (m *Mailbox) Addr(local, domain string) string {
	return local + "." + m.Tag + "@" + domain
}

// Sent is every email the emulator holds that names one of this
// mailbox's addresses (in To, Cc or Bcc), oldest first.
func (m *Mailbox) Sent(t testing.TB) []Mail {
	t.Helper()
	url := testenv.SESEndpoint() + "/store"
	if !m.Since.IsZero() {
		url += "?since=" + strconv.FormatInt(m.Since.Unix(), 10)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatalf("read the SES emulator's store: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("read the SES emulator's store: %s", resp.Status)
	}
	var s struct {
		Emails []Mail `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatalf("read the SES emulator's store: %v", err)
	}
	var out []Mail
	for _, e := range s.Emails {
		all := slices.Concat(e.Destination.To, e.Destination.Cc, e.Destination.Bcc)
		if slices.ContainsFunc(all, func(a string) bool { return strings.Contains(a, m.Tag) }) {
			out = append(out, e)
		}
	}
	return out
}

// Count is how many of this mailbox's emails went to each (To, Subject).
func (m *Mailbox) Count(t testing.TB) map[[2]string]int {
	t.Helper()
	out := map[[2]string]int{}
	for _, e := range m.Sent(t) {
		out[[2]string{e.To(), e.Subject}]++
	}
	return out
}
