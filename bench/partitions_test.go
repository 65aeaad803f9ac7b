package bench_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
)

// BenchmarkPartitions simulates the notifier's index keys at internet
// scale (BENCHMARKS.md, section 8): 100,000 programmes, each the size of
// the Working for Wellness network, with real programme ids and the
// store's own spread (store.ShardOf). For each key it counts the index
// writes a second of its busiest moment puts on one partition key, with
// the key whole and spread over store.Shards, against DynamoDB's limit of
// 1,000 write units a second per partition. Every write here is of an
// index entry under 1 KB (the changed marker, a target, a return, a
// notification, a payment), so a write is one write unit.
//
// Two kinds of moment:
//   - people's writes (DIRTY): the busiest hour of a quarter-end
//     deadline day, each write at a random second of the hour, and the
//     hottest second taken;
//   - the notifier's own writes (DUE, RDUE, PENDING, PAYDUE): the day after
//     a deadline every programme has work at once, and the rate is what
//     the notifier must write to finish it within the hour; a shard's rate
//     is its share of the work, as the programmes fell.
//
// The per-programme counts are the profile in BENCHMARKS.md section 8; the
// index writes per event follow the store's code (docs/dynamodb.md).
func BenchmarkPartitions(b *testing.B) {
	n := 100_000
	if v := os.Getenv("FUNDTRACK_BENCH_PROGRAMMES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("FUNDTRACK_BENCH_PROGRAMMES=%q: want a whole number of programmes", v)
		}
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = domain.NewID()
	}
	for _, m := range partitionMoments {
		b.Run(m.key, func(b *testing.B) {
			var whole, hottest float64
			for range b.N {
				whole, hottest = m.simulate(ids)
			}
			b.ReportMetric(whole, "writes/s_one_key")
			b.ReportMetric(hottest, "writes/s_hottest_shard")
			b.ReportMetric(whole/1000*100, "%limit_one_key")
			b.ReportMetric(hottest/1000*100, "%limit_sharded")
		})
	}
}

// partitionMoment is one index key's busiest moment.
type partitionMoment struct {
	key string
	// perProgramme is how many events each programme has in the moment,
	// and writes how many index writes on the key each event makes.
	perProgramme, writes float64
	// random: events land at random seconds of the hour (people); else
	// the notifier spreads them evenly over the hour it has.
	random bool
}

// partitionMoments: the profile (per programme, WfW-sized: 20 projects,
// 10 targets, 25 grants with 4 dated tranches each, quarterly returns).
var partitionMoments = []partitionMoment{
	// Deadline day's busiest hour (a quarter of the day's writes; the day
	// has 40% of the quarter's): 22 submissions, 22 reviews, 25 spend
	// returns, 10 payment changes, 9 import transactions a quarter mark
	// the programme changed (one marker write each: 88 × 0.4 × 0.25 = 8.8),
	// and 4 notifier runs clear it (one delete each).
	{key: "DIRTY", perProgramme: 8.8 + 4, writes: 1, random: true},
	// The day after a shared deadline: all 10 targets are due their
	// "missed" check; each is moved on (index entry deleted and put).
	{key: "DUE", perProgramme: 10, writes: 2},
	// The quarter's 20 returns are due their overdue look at once; each
	// is moved on or out (2 writes at most).
	{key: "RDUE", perProgramme: 20, writes: 2},
	// Their 20 overdue notices and up to 10 missed-target emails, each
	// put pending and taken out when sent.
	{key: "PENDING", perProgramme: 30, writes: 2},
	// A quarter-day's dated tranches: one of each grant's four falls due
	// (taken out of the index).
	{key: "PAYDUE", perProgramme: 25, writes: 1},
}

// simulate returns the writes a second the moment puts on the whole key and
// on its hottest shard.
func (m partitionMoment) simulate(ids []string) (whole, hottest float64) {
	const hour = 3600
	rng := rand.New(rand.NewPCG(1, 2))
	if !m.random {
		perShard := make([]float64, store.Shards)
		for _, id := range ids {
			perShard[store.ShardOf(id)] += m.perProgramme * m.writes
		}
		var total float64
		for _, w := range perShard {
			total += w
			hottest = max(hottest, w/hour)
		}
		return total / hour, hottest
	}
	// People: each programme's events at random seconds of the hour; the
	// whole key's and each shard's hottest second.
	all := make([]float64, hour)
	shards := make([][]float64, store.Shards)
	for s := range shards {
		shards[s] = make([]float64, hour)
	}
	for _, id := range ids {
		s := store.ShardOf(id)
		events := int(m.perProgramme)
		if rng.Float64() < m.perProgramme-float64(events) {
			events++
		}
		for range events {
			sec := rng.IntN(hour)
			all[sec] += m.writes
			shards[s][sec] += m.writes
		}
	}
	for sec := range hour {
		whole = max(whole, all[sec])
		for s := range shards {
			hottest = max(hottest, shards[s][sec])
		}
	}
	return whole, hottest
}

// String is the moment as the benchmark names it, for messages.
func (m partitionMoment) String() string {
	return fmt.Sprintf("%s (%.1f events × %.0f writes a programme)", m.key, m.perProgramme, m.writes)
}
