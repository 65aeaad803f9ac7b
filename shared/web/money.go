package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/service"
)

// A grant's money in the pages: its page shows its tranches, its budget
// against spend and its spend returns (grant); leads record tranches
// (paymentNew) and mark them paid or cancel them (paymentChange, where a
// tranche made due, or changed by another lead, meanwhile shows the
// stale-version page); leads and the grant's project lead report spend and correct it
// (spendNew, spendReturn); the payments CSV downloads (paymentsCSV).

// grant is a grant's page, with its money: one round trip for the grant,
// its figures, payments and spend returns (service.GrantAccount).
func (a *app) grant(w http.ResponseWriter, r *http.Request, q *req) error {
	acc, err := a.scope(r, q).GrantAccount(r.PathValue("gid"))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "grants")
	if err != nil {
		return err
	}
	names, err := a.names(r, q)
	if err != nil {
		return err
	}
	// The advice is for whoever can act on it, which is who may change
	// the grant (leads and admins); a funder or project lead cannot, and
	// the grant's record is the same for them with or without it.
	var advice []grantAdvice
	if n.Access.CanManage() {
		advice = grantAdvices(a.Service.GrantWarnings(acc.Grant), base(n)+"/grants/"+acc.Grant.ID+"/edit")
	}
	a.render(w, r, http.StatusOK, "grant", &view{Title: acc.Grant.Title, Nav: n, Data: map[string]any{
		"Grant": acc.Grant, "Advice": advice, "Names": names, "Money": acc.Money, "Payments": paymentRows(acc.Payments, acc.Milestones, names),
		"Spend": acc.Spend, "Bars": budgetBars(acc.Money), "NoBudget": len(acc.Grant.Budget) == 0, "CanSpend": n.Access.CanSubmitSpend(acc.Grant),
		"SpendReplaced": replacedIDs(acc.Spend, func(s domain.SpendReturn) string { return s.Replaces }),
		// "Payment recorded as paid" or "cancelled", only just after this
		// person did so on this grant (flashNote).
		"Paid": paidFlash(a.flashOf(r, q, "paid", acc.Grant.ID)),
	}})
	return nil
}

// paidFlash is what a payment's note on the grant's page says was done
// to one of its payments: "paid" or "cancelled", else "".
func paidFlash(what string) string {
	switch what {
	case string(domain.PaymentPaid), string(domain.PaymentCancelled):
		return what
	}
	return ""
}

// paymentRow is a payment as the grant's page lists it.
type paymentRow struct {
	domain.Payment
	Words string // what makes it due, in words
	// NoLongerMet flags a due milestone tranche whose target no longer
	// meets its threshold on current figures (it stays due all the same):
	// domain.MilestoneNoLongerMetWords, or "".
	NoLongerMet string
}

// paymentRows writes the grant page's payments, each saying what makes
// it fall due as the payments CSV does (domain.Payment.DueWhen): a payment
// on a target still scheduled names the target as it is now (m), one due,
// paid or cancelled the target as it recorded it; and a due one whose
// milestone is no longer met on current figures is flagged, as the CSV
// flags it.
func paymentRows(ps []domain.Payment, m service.MilestonesNow, names *names) []paymentRow {
	rows := make([]paymentRow, len(ps))
	for i, p := range ps {
		rows[i] = paymentRow{Payment: p, Words: p.DueWhen(m.Target(p), names.Projects)}
		if m.NoLongerMet(p) {
			rows[i].NoLongerMet = domain.MilestoneNoLongerMetWords
		}
	}
	return rows
}

// budgetBar is one budget line drawn as a bar: spend against the line,
// the bar full at the line's amount (over it, full and marked over). The
// page shows the same figures in a table, which is what assistive
// technology reads; the bars are hidden from it.
type budgetBar struct {
	domain.BudgetSpend
	Label string
	Width string // of the bar, percent of the line
	Over  bool
	Left  int64 // pence left on the line (negative when over)
}

func budgetBars(m domain.GrantMoneyProgress) []budgetBar {
	out := make([]budgetBar, 0, len(m.Budget))
	for _, b := range m.Budget {
		bar := budgetBar{BudgetSpend: b, Label: b.Category.Label(), Left: b.AmountPence - b.SpentPence, Over: b.SpentPence > b.AmountPence}
		pct := 100.0
		if b.AmountPence > 0 {
			pct = float64(b.SpentPence) * 100 / float64(b.AmountPence)
		}
		bar.Width = barWidth(pct)
		out = append(out, bar)
	}
	return out
}

var paymentFields = []field{
	{"amountPence", kPounds, "Amount"}, {"trigger.kind", kChoice, "When the payment falls due"}, {"dueDate", kOptDate, "Due date"},
	{"trigger.targetId", kOptChoice, "Target"}, {"trigger.threshold", kOptInt, "Share of the target"},
	{"trigger.returnId", kOptChoice, "Return"}, {"reference", kOptText, "Reference"},
}

// paymentNew records a tranche of a grant (leads).
func (a *app) paymentNew(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, gid := a.scope(r, q), r.PathValue("gid")
	return editForm[domain.Payment]{
		Page: "payment_form", Nav: "grants", Fields: paymentFields, What: "payment",
		Title: titles[domain.Payment]("", "Record a payment", ""),
		// A grant the caller may not read is not found, whatever their
		// role, as the API answers (and the change form, which reads the
		// payment first): readable first, then the role.
		May: func(n *nav) error {
			if _, err := sc.Grant(gid); err != nil {
				return err
			}
			return manages("record payments")(n)
		},
		// A payment is only ever marked paid or cancelled, so "change the
		// record there" would send the lead looking for a form there is not.
		Resent: "A payment is not changed once recorded: to change its amount or date, cancel it and record another, from the grant page.",
		Start: func(v url.Values) error {
			v.Set("trigger.kind", string(domain.TriggerDate))
			v.Set("trigger.threshold", "100")
			return nil
		},
		Prepare: func(f *form) {
			// The target's boxes belong to a milestone payment only, the
			// return's to a return payment: left filled in when another
			// kind is chosen, they are not sent.
			if f.Get("trigger.kind") != string(domain.TriggerMilestone) {
				f.Values.Del("trigger.targetId")
				f.Values.Del("trigger.threshold")
			}
			if f.Get("trigger.kind") != string(domain.TriggerReturn) {
				f.Values.Del("trigger.returnId")
			}
		},
		Create: func(f *form) (domain.Payment, error) { return sc.CreatePayment(gid, f.decoder()) },
		Done:   func(n *nav, p domain.Payment) string { return base(n) + "/grants/" + gid + "#payments" },
		Data: func(*nav, domain.Payment) (map[string]any, error) {
			g, err := sc.Grant(gid)
			if err != nil {
				return nil, err
			}
			listed, err := all(sc.ListTargets)
			if err != nil {
				return nil, err
			}
			// The targets it may wait on: of the grant's project or the
			// whole programme, or any for a grant to the whole programme
			// (domain.Trigger.CheckGrant).
			var targets []domain.Target
			for _, t := range listed {
				if !(domain.Trigger{Kind: domain.TriggerMilestone, TargetID: t.ID}).OtherProject(g.ProjectID, &t) {
					targets = append(targets, t)
				}
			}
			// The returns it may wait on: of the grant's project, or of any
			// project for a grant to the whole programme (a page of them).
			returns, _, err := sc.ListReturns(service.ReturnQuery{ProjectID: g.ProjectID}, service.Page{Limit: service.MaxLimit})
			if err != nil {
				return nil, err
			}
			names, err := a.names(r, q)
			return map[string]any{"Grant": g, "Targets": targets, "Returns": returns, "Names": names}, err
		},
	}.serve(a, w, r, q)
}

var paymentChangeFields = []field{
	{"status", kChoice, "What happened"}, {"paidDate", kOptDate, "Date paid"}, {"reference", kClearText, "Reference"},
}

// paymentChange marks a tranche paid, or cancels it (leads), on the
// version the lead opened: if it fell due (an approval fired it, or the
// notifier on its date) or another lead changed it meanwhile, nothing is
// saved and the form is shown again as
// the tranche now is, saying so. It offers only what can be saved: a
// tranche scheduled or due is paid or cancelled; one paid has its date or
// reference corrected (it cannot be cancelled, so that is not offered);
// one cancelled cannot be changed, and its page says so, with no form. A
// change the payment's state refuses all the same (sent from a page opened
// before another lead paid or cancelled it) is the 409 page, linking back
// to the grant's payments.
func (a *app) paymentChange(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, gid, id := a.scope(r, q), r.PathValue("gid"), r.PathValue("payid")
	back := recordURL(r.PathValue("pid"), domain.GrantRef(domain.EntityPayment, gid, id))
	return editForm[domain.Payment]{
		Page: "payment_change", Nav: "grants", Fields: paymentChangeFields, ID: id, What: "payment",
		Title: func(p domain.Payment, _ *form) string {
			switch p.Status {
			case domain.PaymentPaid:
				return "Correct the payment"
			case domain.PaymentCancelled:
				return "This payment was cancelled"
			}
			return "Record a payment made, or cancel it"
		},
		May:  manages("change payments"),
		Read: func(id string) (domain.Payment, error) { return sc.Payment(gid, id) },
		Values: func(v url.Values, p domain.Payment) {
			v.Set("status", string(domain.PaymentPaid))
			setDate(v, "paidDate", p.PaidDate)
			v.Set("reference", p.Reference)
			v.Set("version", strconv.FormatInt(p.Version, 10))
		},
		Version: func(p domain.Payment) int64 { return p.Version },
		Prepare: func(f *form) {
			// A cancellation takes no date or reference: boxes left filled
			// in for a payment are not sent with one.
			if f.Get("status") == string(domain.PaymentCancelled) {
				for _, k := range []string{"paidDate", "paidDate-day", "paidDate-month", "paidDate-year", "reference"} {
					f.Values.Del(k)
				}
			}
		},
		Update: func(f *form, ifMatch func(int64) bool) (domain.Payment, error) {
			p, err := sc.UpdatePayment(gid, id, ifMatch, f.decoder())
			if domain.ErrorCode(err) == domain.CodeConflict {
				// Paid already, or cancelled: the refusal's page leads back
				// to the grant, where the payment is as it now stands.
				err = seeAlso{err, relatedLink{Lead: "The payment stays as it is —", Text: "see the grant's payments", Href: back}}
			}
			return p, err
		},
		Done: func(n *nav, p domain.Payment) string {
			return a.flashLink(q, base(n)+"/grants/"+gid, "paid", string(p.Status), gid, "#payments")
		},
		Data: func(_ *nav, p domain.Payment) (map[string]any, error) {
			g, err := sc.Grant(gid)
			if err != nil {
				return nil, err
			}
			// A due tranche whose milestone is no longer met is flagged as
			// on the grant's page: the lead deciding to pay or cancel it
			// sees why it may not be owed.
			var noLongerMet string
			if flag, err := sc.PaymentNoLongerMet(g, p); err != nil {
				return nil, err
			} else if flag {
				noLongerMet = domain.MilestoneNoLongerMetWords
			}
			return map[string]any{"Grant": g, "Payment": p, "Statuses": []string{"paid", "cancelled"},
				"Paid": p.Status == domain.PaymentPaid, "Cancelled": p.Status == domain.PaymentCancelled, "NoLongerMet": noLongerMet}, nil
		},
	}.serve(a, w, r, q)
}

var spendFields = []field{
	{"periodStart", kDate, "Period start"}, {"periodEnd", kDate, "Period end"}, {"lines", kBudgetLines, "Spend"},
	{"notes", kText, "Notes"}, {"replaces", kOptText, "Spend return corrected"},
}

// spendNew reports spend on a grant, or (?replaces=) corrects a spend
// return, starting from its figures. Spend returns are never changed in
// place; correcting one already corrected is the 409 page linking to the
// correction.
func (a *app) spendNew(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, gid := a.scope(r, q), r.PathValue("gid")
	var g domain.Grant
	return editForm[domain.SpendReturn]{
		Page: "spend_form", Nav: "grants", Fields: spendFields, What: "spend return",
		Title: func(_ domain.SpendReturn, f *form) string {
			if f.Get("replaces") != "" {
				return "Correct a spend return"
			}
			return "Report spend"
		},
		RefuseFirst: true,
		May: func(n *nav) error {
			var err error
			if g, err = sc.Grant(gid); err != nil {
				return err // a grant the caller may not read is not there
			}
			if !n.Access.CanSubmitSpend(g) {
				return refuse("report spend on this grant")
			}
			return nil
		},
		Start: func(v url.Values) error {
			old := r.URL.Query().Get("replaces")
			if old == "" {
				return nil
			}
			// One corrected already is the 409 page, not a form.
			s, err := sc.SpendToCorrect(gid, old)
			if err == nil {
				setSpendValues(v, s)
			}
			return err
		},
		Prepare: func(f *form) {
			// "lines" names the group's own errors ("at least one line"),
			// which link to the first box the form shows: the grant's
			// budget's first line, or one filled in (spend_form.html).
			f.fields["lines"] = field{"lines", kBudgetLines, "Spend"}
			for _, c := range domain.BudgetCategories {
				if g.Budgeted(c) || f.Get("lines."+string(c)) != "" {
					f.first["lines"] = fieldID("lines." + string(c))
					break
				}
			}
		},
		Create: func(f *form) (domain.SpendReturn, error) {
			s, err := sc.SubmitSpend(gid, f.decoder())
			return s, withText[domain.SpendInput](f, err)
		},
		Resent: "A spend return is not changed in place: to change the spend, correct the return you saved, from its page.",
		Done: func(n *nav, s domain.SpendReturn) string {
			return a.flashLink(q, base(n)+"/grants/"+gid+"/spend/"+s.ID, "reported", "reported", s.ID, "")
		},
		Data: func(*nav, domain.SpendReturn) (map[string]any, error) {
			// A box for each line of the grant's budget (every category
			// when it has none); a box for another category shows only
			// when it was filled in, beside what is wrong with it.
			budgeted := map[domain.BudgetCategory]bool{}
			for _, c := range domain.BudgetCategories {
				budgeted[c] = g.Budgeted(c)
			}
			return map[string]any{"Grant": g, "Budgeted": budgeted}, nil
		},
	}.serve(a, w, r, q)
}

func setSpendValues(v url.Values, s domain.SpendReturn) {
	setDate(v, "periodStart", s.PeriodStart)
	setDate(v, "periodEnd", s.PeriodEnd)
	for _, l := range s.Lines {
		v.Set("lines."+string(l.Category), export.PoundsPlain(l.AmountPence))
	}
	v.Set("notes", s.Notes)
	v.Set("replaces", s.ID)
}

// spendReturn is one spend return's page. Just reported by the person
// reading it (a sealed note in ?reported=, flashNote), it
// says so, and also when the grant's spend now adds up to more than its
// amount: returns may overspend a grant, but the person reporting is the
// one to notice a slip that puts it there (the grant's figures are read
// for it, beside the grant).
func (a *app) spendReturn(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, gid := a.scope(r, q), r.PathValue("gid")
	reported := a.flashOf(r, q, "reported", r.PathValue("sid")) == "reported"
	var (
		g       domain.Grant
		figures domain.GrantMoneyProgress
		err     error
	)
	if reported {
		if g, figures, err = sc.GrantFigures(gid); err != nil {
			return err
		}
	}
	s, err := sc.Spend(gid, r.PathValue("sid"))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "grants")
	if err != nil {
		return err
	}
	if !reported {
		if g, err = sc.Grant(gid); err != nil {
			return err
		}
	}
	data := map[string]any{"Spend": s, "Grant": g, "CanSpend": n.Access.CanSubmitSpend(g), "Reported": reported}
	if reported && figures.SpentPence > g.AmountPence {
		data["OverSpent"] = figures.SpentPence
	}
	a.render(w, r, http.StatusOK, "spend", &view{Title: "Spend return", Nav: n, Data: data})
	return nil
}

func (a *app) paymentsCSV(w http.ResponseWriter, r *http.Request, q *req) error {
	set, err := a.scope(r, q).PaymentExport()
	if err != nil {
		return err
	}
	return export.Serving(w)(export.PaymentsFile(set))
}
