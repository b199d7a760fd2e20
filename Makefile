# Tandem. `make run` starts everything; `make test` runs every test. Neither
# needs anything already running (prerequisites: README, "Two commands").
GO       ?= go
BIN      := bin/tandem
PKGS     := ./...
FUZZTIME ?= 20s

# Node packages for the third-party client conformance tests and the
# SuiteScript unit tests (every directory with a package-lock.json).
NPM_DIRS := $(patsubst %/package-lock.json,%,$(shell git ls-files '*package-lock.json' 2>/dev/null))

.PHONY: all build run test chaos deps vet fmt-check bench fuzz load clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/tandem

# Everything in one process: HTTP, workers, embedded Redis and both
# sandboxes unless REDIS_URL / credentials are set.
run: build
	$(BIN) run

# Every test, with the race detector. Tests use the Redis at
# TANDEM_TEST_REDIS_ADDR (default 127.0.0.1:6379), one database each; when
# none answers there, scripts/test.sh starts a throwaway redis-server on a
# free port for the run and stops it afterwards, so nothing need be running.
test: vet fmt-check deps
	GO='$(GO)' scripts/test.sh -race -count=1 -timeout 20m $(PKGS)
	cd deploy/netsuite && npx jest --ci

# The chaos suite at full size: Tandem's processes against both sandboxes
# and a redis-server of its own, CHAOS_CHANGES changes under injected
# faults, worker kills and Redis and serve restarts; prints the report.
# (`make test` runs it with a few hundred changes.)
CHAOS_CHANGES ?= 10000
chaos:
	$(GO) test -count=1 -v -run '^TestChaos$$' -timeout 60m ./cmd/tandem/ -chaos.changes=$(CHAOS_CHANGES)

# Debian's chromium for the headless-browser test of the admin chart page
# (handlers, TestBookingsChartInBrowser), when it is missing; as root, or
# through sudo.
deps:
	@if [ ! -x /usr/bin/chromium ] && [ -z "$$CHROMIUM" ]; then \
		echo "installing Debian's chromium"; \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium || exit 1; \
	fi
	@for d in $(NPM_DIRS); do \
		echo "npm ci in $$d"; \
		(cd $$d && npm ci --no-audit --no-fund --loglevel=error) || exit 1; \
	done

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Benchmarks print their figures; nothing here asserts on time.
bench:
	scripts/bench.sh

# The webhook endpoints under rising load: 1 serve + 1 work, then 2 + 2,
# on a redis-server of its own. STEP, RATES, MIX, NOTIFICATIONS tune it.
load:
	scripts/load.sh

# Every fuzz target for FUZZTIME; crashes become regression seeds.
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin
