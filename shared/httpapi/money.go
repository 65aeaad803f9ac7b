package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The money routes: a grant's payments and spend returns, and the
// payments CSV. They belong to the grants function, whose rules they
// follow (payments and spend live under their grant), appended to its
// routes; the binary gains no dependency.

const grantPath = "/programmes/{programmeId}/grants/{grantId}"

func paymentVersion(p domain.Payment) int64 { return p.Version }

func paymentViewVersion(v domain.PaymentView) int64 { return v.Version }

func (s *server) moneyRoutes() []route {
	return []route{
		// A payment is answered as it stands now (domain.PaymentView): a
		// milestone tranche still to be paid says whether its threshold is
		// met now, and one still scheduled names its target as it is now.
		{pattern: "POST " + grantPath + "/payments", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.PaymentView, error) {
			return s.open(r, c).CreatePaymentNow(r.PathValue("grantId"), b)
		}, func(r *http.Request, p domain.PaymentView) string { return here(r) + "/" + p.ID }, paymentViewVersion),
			may: func(r *http.Request, c *call) error { return s.open(r, c).MayCreatePayment(r.PathValue("grantId")) }},
		{pattern: "GET " + grantPath + "/payments", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.PaymentView, string, error) {
			return s.open(r, c).ListPaymentsNow(r.PathValue("grantId"), p)
		})},
		{pattern: "GET " + grantPath + "/payments/{paymentId}", serve: reading(func(r *http.Request, c *call) (domain.PaymentView, error) {
			return s.open(r, c).PaymentNow(r.PathValue("grantId"), r.PathValue("paymentId"))
		}, paymentViewVersion)},
		{pattern: "PATCH " + grantPath + "/payments/{paymentId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Payment, error) {
			return s.open(r, c).UpdatePayment(r.PathValue("grantId"), r.PathValue("paymentId"), m, b)
		}, paymentVersion)},
		{pattern: "POST " + grantPath + "/spend", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.SpendReturn, error) {
			return s.open(r, c).SubmitSpend(r.PathValue("grantId"), b)
		}, func(r *http.Request, sp domain.SpendReturn) string { return here(r) + "/" + sp.ID }, nil),
			may: func(r *http.Request, c *call) error { return s.open(r, c).MaySubmitSpend(r.PathValue("grantId")) }},
		{pattern: "GET " + grantPath + "/spend", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.SpendReturn, string, error) {
			return s.open(r, c).ListSpend(r.PathValue("grantId"), p)
		})},
		{pattern: "GET " + grantPath + "/spend/{spendId}", serve: reading(func(r *http.Request, c *call) (domain.SpendReturn, error) {
			return s.open(r, c).Spend(r.PathValue("grantId"), r.PathValue("spendId"))
		}, nil)},
		{pattern: "GET /programmes/{programmeId}/payments.csv", serve: s.paymentsCSV},
	}
}

// paymentsCSV serves the payments of every grant the caller may read, for
// finance teams.
func (s *server) paymentsCSV(w http.ResponseWriter, r *http.Request, c *call) error {
	set, err := s.open(r, c).PaymentExport()
	if err != nil {
		return err
	}
	return export.Serving(w)(export.PaymentsFile(set))
}
