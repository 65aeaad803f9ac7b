// Package bench holds fundtrack's benchmarks, run by `make bench` (in the
// external test package bench_test): cold starts of the built Lambda
// functions, API latency and DynamoDB requests per call, the notifier,
// imports, partitions at scale and a load of concurrent clients.
// BENCHMARKS.md records and explains the results. Its commands (hello,
// hellodb, apiconfig) are the cold-start benchmark's baselines and what-ifs.
package bench
