package domain

// MetricCatalogue is the metric catalogue itself, for the test that checks
// it is whole.
var MetricCatalogue = metricCatalogue
