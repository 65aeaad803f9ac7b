package service_test

import (
	"errors"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestOwnSubmissionReview (audit-reporting2 W1): a decision on figures
// the reviewer sent themselves is refused while the programme has another
// lead, who reviews them; with no other lead it is made, and its review
// says the reviewer sent them. For each role that may review and send
// figures: a lead, a lead who is also the project's lead, and an
// administrator (no member: any lead is another lead). The awaiting-review
// email of such a submission records who sent it, so the notifier emails
// the other leads only (an administrator, being no lead, is not among
// the leads it goes to anyway).
func TestOwnSubmissionReview(t *testing.T) {
	const me, other = "me@example.org", "other-lead@example.org"
	for _, who := range []string{"lead", "lead and project lead", "admin"} {
		for _, otherLead := range []bool{true, false} {
			name := who + ", alone"
			if otherLead {
				name = who + ", with another lead"
			}
			t.Run(name, func(t *testing.T) {
				w, _ := reportingWorld(t)
				setup := w.svc.Open(w.ctx, caller(admin), w.P)
				// A programme of its own: the world's has a lead already.
				pid := must(w.svc.CreateProgramme(w.ctx, caller(admin), body(map[string]any{"name": "Own review " + name,
					"leadOrganisation": "Leeds and York Partnership NHS FT", "startDate": "2025-01-01", "endDate": "2027-12-31"}), nil)).ID
				setup = w.svc.Open(w.ctx, caller(admin), pid)
				j := must(setup.CreateProject(body(projectBody("Leeds IPS")))).ID
				must(setup.UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
				must(setup.CreateSchedule(body(quarterly2026("firstPeriodStart", "2025-01-01", "lastPeriodEnd", "2025-12-31"))))
				sender := caller(admin)
				switch who {
				case "lead":
					must3(setup.PutMember(me, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}})))
					sender = domain.Caller{Identity: domain.Identity{Subject: "sub-me", Email: me}, RequestID: "req-me"}
				case "lead and project lead":
					must3(setup.PutMember(me, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead},
						{Role: domain.RoleProjectLead, ProjectID: j}}})))
					sender = domain.Caller{Identity: domain.Identity{Subject: "sub-me", Email: me}, RequestID: "req-me"}
				}
				if otherLead {
					must3(setup.PutMember(other, body(map[string]any{"roles": []domain.Role{{Role: domain.RoleLead}}})))
				}
				mine := w.svc.OpenProject(w.ctx, sender, pid, j)
				o := must(mine.SubmitOutcome(body(periodBody("2025-04-01", "2025-06-30"))))
				// Its awaiting-review email records who sent it.
				var n domain.Notification
				g := &service.Get{Ref: domain.Ref(domain.EntityNotification, domain.SubmissionNotificationID(o.ID, domain.KindAwaitingReview)), Into: &n}
				wantSentBy := me // an administrator is no lead: the leads are told as of any submission
				if who == "admin" {
					wantSentBy = ""
				}
				if err := w.st.Read(w.ctx, pid, g); err != nil || !g.Found || n.SentBy != wantSentBy {
					t.Errorf("the awaiting-review email: found %v, sent by %q, want %q (%v)", g.Found, n.SentBy, wantSentBy, err)
				}

				c := must(mine.OutcomeToReview(o.ID))
				if !c.Own {
					t.Errorf("the review form does not know its reader sent the figures")
				}
				referrals := func() int64 { return must(w.st.Totals(w.ctx, pid)).Programme[domain.MetricReferrals] }
				if otherLead {
					if err := c.Refusal(); !errors.Is(err, service.ErrOwnSubmission) || domain.ErrorCode(err) != domain.CodeConflict {
						t.Errorf("the review form's refusal: %v, want the own-submission conflict", err)
					}
					for _, d := range []map[string]any{{"decision": "approve"}, {"decision": "request-changes", "comment": "Check these"}} {
						_, err := mine.ReviewOutcome(o.ID, body(d))
						if de := wantCode(t, "a decision on one's own figures", err, domain.CodeConflict); !errors.Is(err, service.ErrOwnSubmission) ||
							de.Message != "you sent these figures yourself, so another lead of the programme must review them "+
								"(figures count for funders only once someone other than whoever entered them has checked them); "+
								"they wait in the review queue of the programme's other leads" {
							t.Errorf("refusal: %v", err)
						}
					}
					if got := must(mine.Outcome(o.ID)); got.Status != domain.OutcomePending || got.Review != nil || referrals() != 0 {
						t.Fatalf("after the refusals: %s, review %+v, %d referrals counted", got.Status, got.Review, referrals())
					}
					// The other lead approves: an ordinary review.
					otherLeads := domain.Caller{Identity: domain.Identity{Subject: "sub-other", Email: other}, RequestID: "req-other"}
					got := must(w.svc.OpenProject(w.ctx, otherLeads, pid, j).ReviewOutcome(o.ID, body(map[string]any{"decision": "approve"})))
					if got.Status != domain.OutcomeApproved || got.Review == nil || got.Review.BySubmitter || referrals() != 1 {
						t.Errorf("approved by the other lead: %+v, %d referrals", got, referrals())
					}
					return
				}
				if err := c.Refusal(); err != nil {
					t.Errorf("the review form's refusal: %v, want none (no other lead)", err)
				}
				got := must(mine.ReviewOutcome(o.ID, body(map[string]any{"decision": "approve"})))
				if got.Status != domain.OutcomeApproved || got.Review == nil || !got.Review.BySubmitter || referrals() != 1 {
					t.Fatalf("approved as the only lead: %+v, %d referrals", got, referrals())
				}
				// Read back, on its return and in its history, it says so.
				if back := must(mine.Outcome(o.ID)); back.Review == nil || !back.Review.BySubmitter {
					t.Errorf("the submission read back: %+v", back.Review)
				}
				rs := mustList(mine.ListReturns(service.ReturnQuery{Status: domain.ReturnAccepted}, service.Page{}))
				if len(rs) != 1 || rs[0].Review == nil || !rs[0].Review.BySubmitter {
					t.Errorf("the accepted return: %+v", rs)
				}
				hist := mustList(mine.History(domain.ProjectRef(domain.EntityOutcome, j, o.ID), service.Page{}))
				if len(hist) == 0 || hist[0].Action != domain.ActionReview || !sameJSON(hist[0].Changes["review"].After,
					map[string]any{"decision": "approve", "by": sender.Email, "at": got.Review.At, "bySubmitter": true}) {
					t.Errorf("the review in the history: %+v", hist)
				}
			})
		}
	}
}

// TestProjectLeadsFiguresReviewedByAnyLead: a project lead's figures are
// no lead's own: any lead decides on them, an ordinary review, and their
// awaiting-review email records no sender (every lead is told, in one
// digest with the other project leads' submissions).
func TestProjectLeadsFiguresReviewedByAnyLead(t *testing.T) {
	w, _ := reportingWorld(t)
	w.addReporting()
	var n domain.Notification
	g := &service.Get{Ref: domain.Ref(domain.EntityNotification, domain.SubmissionNotificationID(w.OutcomeAPending, domain.KindAwaitingReview)), Into: &n}
	if err := w.st.Read(w.ctx, w.P, g); err != nil || !g.Found || n.SentBy != "" {
		t.Errorf("the project lead's awaiting-review email: found %v, sent by %q (%v)", g.Found, n.SentBy, err)
	}
	if c := must(w.openA(lead).OutcomeToReview(w.OutcomeAPending)); c.Own || c.Refusal() != nil {
		t.Errorf("the lead's review form: own %v, refusal %v", c.Own, c.Refusal())
	}
	got := must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"})))
	if got.Review == nil || got.Review.BySubmitter {
		t.Errorf("the lead's review: %+v", got.Review)
	}
}
