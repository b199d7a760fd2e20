# Tandem. `make run` starts everything; `make test` runs every test.
GO       ?= go
BIN      := bin/tandem
PKGS     := ./...
FUZZTIME ?= 20s

# Node packages for the third-party client conformance tests and the
# SuiteScript unit tests (every directory with a package-lock.json).
NPM_DIRS := $(patsubst %/package-lock.json,%,$(shell git ls-files '*package-lock.json' 2>/dev/null))

.PHONY: all build run test deps vet fmt-check bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/tandem

# Everything in one process: HTTP, workers, embedded Redis and both
# sandboxes unless REDIS_URL / credentials are set.
run: build
	$(BIN) run

# Every test, with the race detector. Tests use the Redis at
# TANDEM_TEST_REDIS_ADDR (default 127.0.0.1:6379), one database each.
test: vet fmt-check deps
	$(GO) test -race -count=1 -timeout 20m $(PKGS)
	cd deploy/netsuite && npx jest --ci

deps:
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
	$(GO) test -run='^$$' -bench=. -benchtime=1x -count=1 ./cmd/tandem/ 2>&1 | grep -E '^(Benchmark|ok|FAIL|---)|/op' || true
	$(GO) test -run='^$$' -bench=. -count=1 ./connectors/throttle/ ./handlers/ 2>&1 | grep -E '^(Benchmark|ok|FAIL)' || true
	$(GO) test -run='^$$' -bench=BenchmarkF1Mapping -cpu 1 -count=1 ./mapping/ 2>&1 | grep -E '^(Benchmark|ok|FAIL)' || true

# Each fuzz target for FUZZTIME.
fuzz:
	@for spec in $$($(GO) test -list '^Fuzz' $(PKGS) 2>/dev/null | awk '/^Fuzz/{f=f" "$$1} /^ok/{for(i=split(f,a," ");i>0;i--) print $$2"#"a[i]; f=""}'); do \
		pkg=$${spec%%#*}; fn=$${spec##*#}; \
		echo "== $$pkg $$fn"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	done

clean:
	rm -rf bin
