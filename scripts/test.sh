#!/usr/bin/env bash
# `go test "$@"` with a Redis for the tests, so that `make test` needs
# nothing already running. The tests use the Redis at TANDEM_TEST_REDIS_ADDR
# (default 127.0.0.1:6379; see internal/testredis). When nothing there
# answers PING, this starts a throwaway redis-server on a free loopback port
# for the run, exports its address as TANDEM_TEST_REDIS_ADDR, and stops it
# and deletes its directory on every way out (a trap on EXIT, INT, TERM).
# Tests that start Redis servers of their own (internal/testredis clusters
# and Sentinels, the chaos suite) are not affected.
#
#	scripts/test.sh -race -count=1 ./...
#	TANDEM_TEST_REDIS_ADDR=127.0.0.1:6390 scripts/test.sh ./internal/testredis/
#
# Needs redis-server only when it starts one (Debian/Ubuntu:
# apt-get install redis-server). GO names the go command (default go).
set -euo pipefail
cd "$(dirname "$0")/.."

addr=${TANDEM_TEST_REDIS_ADDR:-127.0.0.1:6379}

# answers HOST:PORT: a Redis there answers PING (within 3 s) with PONG.
answers() {
	local host=${1%:*} port=${1##*:}
	host=${host#[}
	host=${host%]}
	timeout 3 bash -c '
		exec 3<>"/dev/tcp/$0/$1" || exit 1
		printf "PING\r\n" >&3
		IFS= read -r -t 2 reply <&3 && [[ $reply == +PONG* ]]
	' "$host" "$port" 2>/dev/null
}

# listening PORT: something accepts connections on 127.0.0.1:PORT.
listening() {
	timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

dir=
pid=
stop_redis() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ -n "$dir" ]; then
		rm -rf "$dir"
	fi
}

# start_redis starts redis-server on a free port and sets addr, retrying
# on another port if one was taken meanwhile.
start_redis() {
	if ! command -v redis-server >/dev/null; then
		echo "no Redis answers at $addr and redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)" >&2
		exit 1
	fi
	dir=$(mktemp -d "${TMPDIR:-/tmp}/tandem-test-redis.XXXXXX")
	local try port
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 40000))
		if listening "$port"; then
			continue
		fi
		redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
			--logfile "$dir/redis.log" &
		pid=$!
		local i
		for i in $(seq 100); do # up to 10 s
			if answers "127.0.0.1:$port"; then
				addr=127.0.0.1:$port
				echo "scripts/test.sh: no Redis answered at ${TANDEM_TEST_REDIS_ADDR:-127.0.0.1:6379}; started a throwaway redis-server on $addr (pid $pid)"
				return
			fi
			if ! kill -0 "$pid" 2>/dev/null; then
				break
			fi
			sleep 0.1
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=
		if ! grep -q "Address already in use" "$dir/redis.log" 2>/dev/null; then
			break
		fi
	done
	echo "could not start redis-server; its log:" >&2
	cat "$dir/redis.log" >&2 2>/dev/null || true
	exit 1
}

trap stop_redis EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! answers "$addr"; then
	start_redis
fi
export TANDEM_TEST_REDIS_ADDR=$addr
# Not exec: the EXIT trap must outlive go test to stop the server.
"${GO:-go}" test "$@"
