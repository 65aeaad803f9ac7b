package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Grants are paid in tranches (payments), some on dates and some on
// results, and spent against a budget (spend returns). Money is whole
// pence throughout; nothing here rounds except the spend projection, which
// says so.

// BudgetCategory is one line of a grant's budget, and of a spend return.
type BudgetCategory string

// The budget categories of the SPEC, in the order they are shown.
const (
	CategoryStaff     BudgetCategory = "staff"
	CategoryTraining  BudgetCategory = "training"
	CategoryEquipment BudgetCategory = "equipment"
	CategoryTravel    BudgetCategory = "travel"
	CategoryOverheads BudgetCategory = "overheads"
	CategoryOther     BudgetCategory = "other"
)

// BudgetCategories lists every category in the order they are shown.
var BudgetCategories = []BudgetCategory{CategoryStaff, CategoryTraining, CategoryEquipment, CategoryTravel,
	CategoryOverheads, CategoryOther}

// ValidCategory reports whether c is a budget category.
func ValidCategory(c BudgetCategory) bool { return slices.Contains(BudgetCategories, c) }

// Label is the category as people read it ("Staff").
func (c BudgetCategory) Label() string {
	if c == "" {
		return ""
	}
	return strings.ToUpper(string(c[:1])) + string(c[1:])
}

func categoryList() string {
	s := make([]string, len(BudgetCategories))
	for i, c := range BudgetCategories {
		s[i] = `"` + string(c) + `"`
	}
	return strings.Join(s, ", ")
}

// BudgetLine is an amount for one category: a line of a grant's budget or
// of a spend return.
type BudgetLine struct {
	Category BudgetCategory `json:"category"`
	// AmountPence is required in a body (a spend line's may be 0, so a
	// missing one must not read as 0).
	AmountPence int64 `json:"amountPence" required:"true"`
}

// MaxPeriodDays is the longest period a submission (of outcomes or spend)
// may cover: a year, leap day included.
const MaxPeriodDays = 366

// lines checks budget or spend lines at field (each category once, a known
// one, each amount whole pence from min to MaxAmountPence) and returns
// their sum.
func lines(p Problems, field string, ls []BudgetLine, min int64) int64 {
	seen := map[BudgetCategory]bool{}
	var sum int64
	for i, l := range ls {
		f := field + "[" + strconv.Itoa(i) + "]"
		switch {
		case l.Category == "":
			p.Add(f+".category", "required")
		case !ValidCategory(l.Category):
			p.Add(f+".category", "must be one of "+categoryList())
		case seen[l.Category]:
			p.Add(f+".category", "appears twice; give each category once")
		}
		seen[l.Category] = true
		switch {
		case l.AmountPence < min && min > 0:
			p.Add(f+".amountPence", "must be a positive whole number of pence")
		case l.AmountPence < min:
			p.Add(f+".amountPence", "must not be negative")
		case l.AmountPence > MaxAmountPence:
			p.Add(f+".amountPence", "is implausibly large (over £100bn)")
		default:
			sum += l.AmountPence
		}
	}
	return sum
}

// budget checks a grant's budget: when there is one, its lines add up to
// the grant's amount exactly.
func budget(p Problems, ls []BudgetLine, amountPence int64) {
	if len(ls) == 0 {
		return
	}
	if len(ls) > len(BudgetCategories) {
		p.Add("budget", "has more lines than there are categories")
		return
	}
	before := len(p)
	sum := lines(p, "budget", ls, 1)
	if len(p) == before && amountPence > 0 && sum != amountPence {
		p.Add("budget", fmt.Sprintf("lines add up to %s, not the grant's amount of %s", Pounds(sum), Pounds(amountPence)))
	}
}

// Budgeted reports whether the grant has a budget line for c (a grant
// without a budget takes spend in any category).
func (g Grant) Budgeted(c BudgetCategory) bool {
	return len(g.Budget) == 0 || slices.ContainsFunc(g.Budget, func(l BudgetLine) bool { return l.Category == c })
}

// Pounds writes pence as "£1,234.50", for messages and emails.
func Pounds(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	return fmt.Sprintf("%s£%s.%02d", sign, Thousands(pence/100), pence%100)
}

// Thousands writes a whole number with commas between its thousands
// ("2,500", "-1,234,567"), as messages and emails write counts and
// pounds.
func Thousands(n int64) string {
	if n < 0 {
		return "-" + Thousands(-n)
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
