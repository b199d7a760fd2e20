#!/usr/bin/env bash
# make load: Tandem's three webhook endpoints under rising open-loop load
# on this machine, beside the raw asynq enqueue rate of the same run;
# first with 1 `tandem serve` + 1 `tandem work`, then with 2 + 2 on the
# same Redis, to show how the figures scale.
#
#   scripts/load.sh
#   STEP=5s RATES=500,1000 NOTIFICATIONS=10 scripts/load.sh
#
# It builds bin/tandem and bin/tandem-load, starts a redis-server of its
# own (no persistence) on a free port, `tandem sandbox` for the workers to
# read and write, then each run's processes, and stops everything it
# started when it exits. Tandem uses Redis database 0; the raw baseline
# uses database 1, which no worker reads (see cmd/tandem-load). Redis is
# flushed between the runs so both start empty. Logs go to a temporary
# directory, kept and named on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

STEP=${STEP:-10s}                                  # how long each rate is held
RATES=${RATES:-250,500,1000,2000,4000,8000,16000}  # requests per second, one step each
MIX=${MIX:-outbound=1,events=1,netsuite=1}         # requests per endpoint, as weights
NOTIFICATIONS=${NOTIFICATIONS:-1}                  # notifications per Outbound Message
CONNECTIONS=${CONNECTIONS:-64}                     # HTTP connections in all; the baseline's goroutines
LOAD_ARGS=${LOAD_ARGS:-}                           # more tandem-load flags (bin/tandem-load -h)

work=$(mktemp -d)
base_pids=() # redis-server and the sandboxes, for both runs
run_pids=()  # the current run's serve and work processes
ok=
cleanup() {
	stop_all "${run_pids[@]}"
	stop_all "${base_pids[@]}"
	if [ -n "$ok" ]; then rm -rf "$work"; else echo "logs kept in $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop_all PID... ends the processes this script started and waits for them.
stop_all() {
	local pid
	for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
	for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

# free_port prints a loopback port nothing listens on and no earlier call gave.
used_ports=" "
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 20000))
		case "$used_ports" in *" $port "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			used_ports+="$port "
			echo "$port"
			return
		fi
	done
}

# wait_until LOG WHAT CMD... retries CMD for up to 30 s; on failure it
# shows LOG and exits.
wait_until() {
	local log=$1 what=$2
	shift 2
	for _ in $(seq 150); do
		if "$@" >/dev/null 2>&1; then return; fi
		sleep 0.2
	done
	echo "$what did not come up; its log ($log):" >&2
	tail -n 30 "$log" >&2
	exit 1
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

echo "building bin/tandem and bin/tandem-load"
go build -o bin/tandem ./cmd/tandem
go build -o bin/tandem-load ./cmd/tandem-load

redis_port=$(free_port)
sandbox_port=$(free_port)
serve_ports=("$(free_port)" "$(free_port)")

redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$work" \
	--logfile "$work/redis.log" &
base_pids+=($!)
wait_until "$work/redis.log" redis-server redis-cli -p "$redis_port" ping

# What every Tandem process shares: JSON logs, quick shutdowns, one
# Outbound Message token (tandem-load reads the same variable).
export TANDEM_LOG_FORMAT=json TANDEM_SHUTDOWN_TIMEOUT=2s
TANDEM_SF_OUTBOUND_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export TANDEM_SF_OUTBOUND_TOKEN
export TANDEM_SANDBOX_ADDR="127.0.0.1:$sandbox_port"
export TANDEM_PUBLIC_URL="http://127.0.0.1:${serve_ports[0]}"

bin/tandem sandbox >"$work/sandbox.log" 2>&1 &
base_pids+=($!)
wait_until "$work/sandbox.log" "tandem sandbox" listening "$sandbox_port"

# run N: N × serve and N × work on database 0, then the load.
run() {
	local n=$1 i log targets=()
	for ((i = 0; i < n; i++)); do
		log="$work/serve-$n-$i.log"
		REDIS_URL="redis://127.0.0.1:$redis_port/0" TANDEM_ADDR="127.0.0.1:${serve_ports[$i]}" \
			bin/tandem serve >"$log" 2>&1 &
		run_pids+=($!)
		targets+=("http://127.0.0.1:${serve_ports[$i]}")
		wait_until "$log" "tandem serve $i" curl -fsS "http://127.0.0.1:${serve_ports[$i]}/readyz"
		log="$work/work-$n-$i.log"
		REDIS_URL="redis://127.0.0.1:$redis_port/0" bin/tandem work >"$log" 2>&1 &
		run_pids+=($!)
		wait_until "$log" "tandem work $i" grep -q '"tandem working"' "$log"
	done
	echo
	echo "== $n × tandem serve + $n × tandem work, one redis-server =="
	# shellcheck disable=SC2086 # LOAD_ARGS is a list of flags
	bin/tandem-load -target "$(IFS=,; echo "${targets[*]}")" -redis-url "redis://127.0.0.1:$redis_port/1" \
		-rates "$RATES" -step "$STEP" -mix "$MIX" -notifications "$NOTIFICATIONS" -connections "$CONNECTIONS" $LOAD_ARGS
	echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
	stop_all "${run_pids[@]}"
	run_pids=()
	redis-cli -p "$redis_port" flushall >/dev/null
}

echo
echo "Tandem ingress load, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -g | awk '/^Mem:/{print $2}') GiB RAM"
echo "software: $(go version | cut -d' ' -f3), redis-server $(redis-server --version | grep -o 'v=[^ ]*' | cut -c3-)"
echo "note: the load generator, redis-server, the sandboxes and every Tandem process share these $(nproc) CPU(s);"
echo "      the generator's own CPU use counts against Tandem's figures (gen cpu); other work on"
echo "      the machine does too: load average at the start $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
run 1
run 2
ok=1
