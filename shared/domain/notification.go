package domain

import (
	"fmt"
	"strconv"
	"time"
)

// NotificationKind is why a milestone email is sent.
type NotificationKind string

// Notification kinds.
const (
	KindReached NotificationKind = "reached"
	KindMissed  NotificationKind = "missed"
	KindAtRisk  NotificationKind = "at-risk"
	// KindPaymentDue is about a payment that fell due: to the funder's
	// contacts and the programme's leads.
	KindPaymentDue NotificationKind = "payment-due"
)

// NotificationStatus is where a milestone email stands.
type NotificationStatus string

// Notification statuses: pending until every recipient has it or a send
// fails for good.
const (
	NotificationPending NotificationStatus = "pending"
	NotificationSent    NotificationStatus = "sent"
	NotificationFailed  NotificationStatus = "failed"
)

// Notification is one milestone email about one target: at most one ever
// exists for each (target, kind, threshold), which is what makes each
// milestone emailed at most once.
type Notification struct {
	ID          string             `json:"id"`
	TargetID    string             `json:"targetId,omitempty"` // milestones only
	Threshold   int64              `json:"threshold,omitempty"`
	Kind        NotificationKind   `json:"kind"`
	Status      NotificationStatus `json:"status"`
	Recipients  []string           `json:"recipients"`
	Delivered   []string           `json:"delivered,omitempty"`
	Rejected    []string           `json:"rejected,omitempty"` // refused by SES for good; never retried
	Attempts    int64              `json:"attempts"`
	SentAt      *time.Time         `json:"sentAt,omitempty"`
	LastError   string             `json:"lastError,omitempty"`
	FunderIDs   []string           `json:"funderIds,omitempty"`
	CreatedAt   time.Time          `json:"createdAt"`
	ProgrammeID string             `json:"programmeId"`
	// What the email says, fixed when the milestone was first seen so a
	// retry days later reports the same figure and date.
	Figure    int64  `json:"figure"`
	Value     int64  `json:"value,omitempty"` // milestones only, as metric
	Metric    Metric `json:"metric,omitempty"`
	ProjectID string `json:"projectId,omitempty"`
	On        Date   `json:"on"`
	// A payment-due email names the payment, its grant, the amount and
	// why it fell due, fixed when it fell due.
	PaymentID   string `json:"paymentId,omitempty"`
	GrantID     string `json:"grantId,omitempty"`
	GrantTitle  string `json:"grantTitle,omitempty"`
	AmountPence int64  `json:"amountPence,omitempty"`
	Because     string `json:"because,omitempty"`
}

// PaymentNotificationID is the fixed id of the email about a payment
// falling due: each payment falls due at most once, and is emailed at
// most once.
func PaymentNotificationID(paymentID string) string {
	return paymentID + "." + string(KindPaymentDue)
}

// NotificationID is the fixed id of the notification for a milestone.
func NotificationID(targetID string, kind NotificationKind, threshold int64) string {
	return targetID + "." + string(kind) + "." + strconv.FormatInt(threshold, 10)
}

// Milestone is a notification a target calls for now.
type Milestone struct {
	Kind      NotificationKind
	Threshold int64
}

// Milestones lists what a target calls for, given where it stands: one
// "reached" per threshold crossed, "missed" once its deadline has passed
// unreached, "at-risk" once it is projected to fall short.
func (t Target) Milestones(tp TargetProgress) []Milestone {
	var out []Milestone
	for _, th := range t.Thresholds {
		if tp.Current*100 >= th*t.Value {
			out = append(out, Milestone{Kind: KindReached, Threshold: th})
		}
	}
	switch tp.Status {
	case StatusMissed:
		out = append(out, Milestone{Kind: KindMissed, Threshold: 100})
	case StatusAtRisk:
		out = append(out, Milestone{Kind: KindAtRisk, Threshold: 100})
	}
	return out
}

// NextCheck is the next day a target must be looked at even if no figures
// change: its quarter mark (when "at risk" can first apply), then weekly
// until its deadline, then the day after the deadline (for "missed"). A zero
// date means the target needs no more time-driven checks.
func (t Target) NextCheck(periodStart, today Date) Date {
	if !t.StartDate.IsZero() {
		periodStart = t.StartDate
	}
	// Round up, as Evaluate does: the quarter has passed once elapsed*4 >= total.
	quarter := periodStart.AddDays((periodStart.DaysUntil(t.Deadline) + 3) / 4)
	after := t.Deadline.AddDays(1)
	switch {
	case today.Before(quarter):
		return quarter
	case today.Before(after):
		next := today.AddDays(7)
		if next.After(after) {
			return after
		}
		return next
	default:
		return Date{}
	}
}

// Headline is the one-line summary of a notification, used as the subject.
func (n Notification) Headline(programme string) string {
	switch n.Kind {
	case KindPaymentDue:
		return fmt.Sprintf("Payment due: %s for %s (%s)", Pounds(n.AmountPence), n.GrantTitle, programme)
	case KindMissed:
		return fmt.Sprintf("Target missed: %d %s (%s)", n.Value, n.Metric.Phrase(), programme)
	case KindAtRisk:
		return fmt.Sprintf("Target at risk: %d %s (%s)", n.Value, n.Metric.Phrase(), programme)
	}
	if n.Threshold == 100 {
		return fmt.Sprintf("Target reached: %d %s (%s)", n.Value, n.Metric.Phrase(), programme)
	}
	return fmt.Sprintf("%d%% of target reached: %d %s (%s)", n.Threshold, n.Value, n.Metric.Phrase(), programme)
}
