#!/usr/bin/env bash
# Runs the checks CI runs (`make test`) or the benchmarks (`make bench`)
# against the TEST local stack (DynamoDB Local 127.0.0.1:8100, SES emulator
# 127.0.0.1:8105). Services this run had to start are stopped again at the
# end, whatever the outcome (set FUNDTRACK_KEEP_STACK=1 to leave them up);
# services that were already up are left alone. The exit code is the checks'.
#
# usage: infra/test.sh [test|bench]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

what="${1:-test}"
case "$what" in test | bench) ;; *)
	echo "usage: infra/test.sh [test|bench]" >&2
	exit 2
	;;
esac

started=()
for s in dynamodb ses; do
	infra/stack.sh status --test "$s" >/dev/null 2>&1 || started+=("$s")
done

lint_pid= lint_out= norace_pid= norace_out=
cleanup() {
	local rc=$?
	trap - EXIT
	if [ -n "$lint_pid" ]; then
		kill "$lint_pid" 2>/dev/null || true
	fi
	if [ -n "$norace_pid" ]; then
		kill "$norace_pid" 2>/dev/null || true
	fi
	rm -f ${lint_out:+"$lint_out"} ${norace_out:+"$norace_out"}
	if [ "${#started[@]}" -gt 0 ] && [ "${FUNDTRACK_KEEP_STACK:-}" != 1 ]; then
		infra/stack.sh stop --test "${started[@]}" || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A test run is short: DynamoDB Local's JVM does better there with the
# client compiler only (C2's optimising compiles cost more CPU than they
# win back) and the serial collector: 63 s of its CPU for the store and
# notifier tests became 29 s (BENCHMARKS.md, 10). A long warm load is the
# other way round (the load benchmark: 152 actions/s with the JVM's
# defaults, 118-146 with these), so make bench keeps the defaults. Either
# applies only to a JVM this run starts; build/bench.txt names the options
# of the one that served the benchmarks.
if [ "$what" = test ]; then
	export DDB_JAVA_OPTS="${DDB_JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
fi
infra/stack.sh start --test

export FUNDTRACK_DYNAMODB_ENDPOINT="${FUNDTRACK_TEST_DYNAMODB_ENDPOINT:-http://127.0.0.1:8100}"
export FUNDTRACK_SES_ENDPOINT="${FUNDTRACK_TEST_SES_ENDPOINT:-http://127.0.0.1:8105}"
# Local credentials and region, so that the AWS SDK never looks for real ones
# (no instance metadata lookups).
export AWS_REGION="${AWS_REGION:-eu-west-2}"
export AWS_ACCESS_KEY_ID="${FUNDTRACK_LOCAL_AWS_KEY:-local}"
export AWS_SECRET_ACCESS_KEY="${FUNDTRACK_LOCAL_AWS_SECRET:-local}"
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_EC2_METADATA_DISABLED=true

# cfnlint_resolve sets cfnlint_script to the cfn-lint script that runs, and
# cfnlint_py to the words of its #! line (the Python that runs it); through
# pyenv's shim (a shell script), the script the shim would run. It fails
# when the script is not a Python script.
cfnlint_resolve() {
	local line
	cfnlint_script="$(command -v cfn-lint)" || return 1
	IFS= read -r line <"$cfnlint_script" || return 1
	if [[ $line != '#!'*python* ]] && command -v pyenv >/dev/null 2>&1; then
		cfnlint_script="$(pyenv which cfn-lint 2>/dev/null)" || return 1
		IFS= read -r line <"$cfnlint_script" || return 1
	fi
	[[ $line == '#!'*python* ]] || return 1
	cfnlint_py="${line#'#!'}"
}

go_files() {
	find . \( -path ./.git -o -path ./.fundtrack -o -path ./build -o -path ./infra/node_modules \) -prune \
		-o -type f -name '*.go' -print
}

case "$what" in
test)
	# The web app's browser tests (shared/web/browsertest) drive Debian's
	# chromium-headless-shell and read the PDF it prints with poppler-utils'
	# pdftotext. If either cannot be installed they fail, saying what to do.
	infra/stack.sh browser || echo "test: could not install chromium-headless-shell or poppler-utils: the browser tests will fail" >&2
	# cfn-lint (one Python process, 9-11 CPU seconds) runs beside gofmt,
	# go vet and go test instead of before them: run alone it held one
	# core while the other stood idle. Its report and verdict come after
	# go test's; either failing fails the run. Its version is read from
	# its package's metadata by the Python that runs it (cfnlint_resolve):
	# `cfn-lint --version` imports all of cfn-lint to print one line, 2.0-2.3
	# CPU seconds, and pyenv's shim costs 0.4 more each time it is run
	# (BENCHMARKS.md, 10). Anything unexpected falls back to asking cfn-lint.
	if command -v cfn-lint >/dev/null 2>&1; then
		lint_out="$(mktemp)"
		(
			lint=(cfn-lint)
			# shellcheck disable=SC2086 # the #! line's words: "/usr/bin/env python3", say
			if cfnlint_resolve && version="$($cfnlint_py -c 'import importlib.metadata as m; print(m.version("cfn-lint"))' 2>/dev/null)" &&
				[ -n "$version" ]; then
				lint=("$cfnlint_script") # its #! line runs it, without the shim
			else
				version="$(cfn-lint --version 2>&1 | sed 's/^cfn-lint //')"
			fi
			echo "cfn-lint $version"
			exec "${lint[@]}" -- template.yaml
		) >"$lint_out" 2>&1 &
		lint_pid=$!
	fi
	echo "== gofmt -l"
	unformatted="$(go_files | xargs -r gofmt -l)"
	if [ -n "$unformatted" ]; then
		echo "gofmt: these files need formatting (run gofmt -w):" >&2
		echo "$unformatted" >&2
		exit 1
	fi
	# Without -trimpath the build cache keys every package on the
	# directory it was built in, so a fresh clone (CI's) compiled and
	# vetted everything again, race-instrumented: 45 s and 110 CPU-seconds
	# of each run on a machine whose cache held all of it (BENCHMARKS.md, 10).
	export GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath"
	echo "== go vet ./..."
	go vet ./...
	# The two longest packages go first and -p is twice the cores. go test
	# starts packages in the order it is given them, and a running test
	# binary holds one of its -p slots: in ./...'s order the browser story
	# (70 s, mostly waiting on Chromium) began last and ran alone, and two
	# slots held by tests that mostly wait left a core idle. This phase took
	# 190 s and takes 162 s, the cores busy 97% of it (BENCHMARKS.md, 10).
	long=(./shared/web/browsertest ./shared/httpapi)
	procs=$((2 * $(nproc)))
	# Packages in which nothing runs concurrently (no goroutine or server
	# in them, their tests or the fundtrack packages they import; no
	# parallel tests) run without the race detector, which had nothing
	# there to find and made them 3-9 times the CPU, and linking a race
	# binary for each of the small ones cost more than running it
	# (BENCHMARKS.md, 10). shared/arch's
	# TestNoRacePackagesRunNothingConcurrently holds each to that. They
	# run in a go test of their own beside the main one, reported after it.
	norace=(./shared/export ./shared/sheet/xlsx ./shared/sheet ./shared/present ./shared/auth ./shared/arch)
	norace_out="$(mktemp)"
	go test -count=1 -timeout 12m "${norace[@]}" >"$norace_out" 2>&1 &
	norace_pid=$!
	# bench holds benchmarks and no tests (make bench runs them; go vet
	# has checked them): linking its race test binary to run nothing cost
	# 2.6 CPU seconds. shared/arch's TestBenchHoldsNoTests keeps it so.
	notests=(./bench)
	mod="$(go list -m)"
	race=()
	while IFS= read -r p; do
		case " ${norace[*]} ${notests[*]} " in *" .${p#"$mod"} "*) continue ;; esac
		race+=("$p")
	done < <(go list ./...)
	echo "== go test -race -count=1 -p $procs -timeout 12m ${long[*]} ./... but ${norace[*]} ${notests[*]}"
	test_rc=0
	go test -race -count=1 -p "$procs" -timeout 12m "${long[@]}" "${race[@]}" || test_rc=$?
	echo "== go test -count=1 -timeout 12m ${norace[*]} (without the race detector)"
	norace_rc=0
	wait "$norace_pid" || norace_rc=$?
	norace_pid=
	cat "$norace_out"
	if [ "$test_rc" = 0 ]; then
		test_rc=$norace_rc
	fi
	# The template must lint clean: any error or warning fails the run.
	echo "== cfn-lint template.yaml"
	lint_rc=0
	if [ -n "$lint_out" ]; then
		wait "$lint_pid" || lint_rc=$?
		lint_pid=
		cat "$lint_out"
		if [ "$lint_rc" = 0 ]; then
			echo "cfn-lint: no errors, no warnings"
		else
			echo "cfn-lint: template.yaml has errors or warnings (exit $lint_rc)" >&2
		fi
	else
		echo "cfn-lint: SKIPPED: cfn-lint is not on PATH (pip install cfn-lint), so template.yaml was not linted" >&2
	fi
	if [ "$test_rc" != 0 ]; then
		exit "$test_rc"
	fi
	exit "$lint_rc"
	;;
bench)
	mkdir -p build
	# The machine, for BENCHMARKS.md; the load says how busy it was.
	{
		echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
		echo "# memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
		echo "# go: $(go version)"
		echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "# dynamodb local: $(tr '\0' ' ' <"/proc/$(cat .fundtrack/test/dynamodb.pid 2>/dev/null || echo 0)/cmdline" 2>/dev/null | sed 's/ -Djava.library.path=[^ ]*//' || echo '?')"
	} | tee build/bench.txt
	# Cold starts: 9 alternated runs of each function and hello (one per
	# iteration), as the independent harness measured them.
	echo "== go test -run '^\$' -bench ColdStart -benchtime 9x -count=1 ./bench/ (also in build/bench.txt)"
	go test -run '^$' -bench ColdStart -benchtime 9x -count=1 -timeout 30m ./bench/ | tee -a build/bench.txt
	echo "== go test -run '^\$' -bench . -skip ColdStart -benchmem -count=1 -timeout 30m ./... (also in build/bench.txt)"
	go test -run '^$' -bench . -skip ColdStart -benchmem -count=1 -timeout 30m ./... | tee -a build/bench.txt
	# What a month costs, from the model whose inputs infra/cost's test
	# keeps equal to the measured requests and units (BENCHMARKS.md, 9).
	echo "== go run ./infra/cost (also in build/bench.txt)"
	go run ./infra/cost | tee -a build/bench.txt
	echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a build/bench.txt
	;;
esac
