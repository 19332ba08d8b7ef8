# trailgate: build, test and try it. Needs only Go; Node is used when present
# (for the SNS/SQS test server in collectors/awstest/fauxqs), headless
# Chromium when present (for the HTML report's browser test).

GO      ?= go

FAUXQS_DIR := collectors/awstest/fauxqs
FAUXQS_LOCK := $(wildcard $(FAUXQS_DIR)/package-lock.json)

.PHONY: all build generate test test-deps test-deps-browser test-deps-fauxqs vet fmt fmt-check demo bench clean

all: build

BIN ?= bin/trailgate

## build: compile bin/trailgate, statically linked (no cgo: no libc to match
## on the machine it runs on, as Go security tools ship)
build: generate
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/trailgate

## generate: compile the embedded Rego rules into analyzer/engine/compiled.bin,
## which the binary decodes at start instead of parsing and compiling them
## (a stale one is never used: the binary compiles the sources then, and
## go test fails until it is regenerated)
generate:
	$(GO) generate ./analyzer/engine

## test: install test dependencies, vet, run Go and Rego tests, check formatting
# (gofmt last, so that go test's summary is printed even when a file needs
# formatting; the target still fails then).
test: test-deps vet
	$(GO) test ./...
	@$(MAKE) --no-print-directory fmt-check

# fauxqs (an SNS/SQS server on loopback) is a Node package; tests that need
# it skip themselves when it is not installed, so a machine with only Go
# still runs everything else. In CI (CI set, as CI services set it, and not
# false or 0) a missing npm or a failing npm ci fails the target instead:
# there a skip would hide a broken install.
IN_CI := $(strip $(filter-out false False FALSE 0,$(CI)))

test-deps: test-deps-browser test-deps-fauxqs

# The HTML report's test (analyzer/report) opens it in headless Chromium:
# Debian's chromium-headless-shell, else its full chromium. In CI a missing
# browser is installed with apt-get (as root, or through sudo), and a
# failed install fails the target; elsewhere the test skips, saying so.
CHROMIUM_BINS := chromium-headless-shell chromium chromium-browser chrome-headless-shell

test-deps-browser:
	@found=; for b in $(CHROMIUM_BINS); do command -v $$b >/dev/null 2>&1 && found=$$b && break; done; \
	if [ -z "$$found" ]; then \
		if [ -n "$(IN_CI)" ]; then \
			sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
			echo "apt-get install chromium-headless-shell (CI=$(CI))"; \
			$$sudo apt-get update -qq && \
			{ $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium-headless-shell || \
			  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } || \
			{ echo "error: installing headless Chromium failed, and CI=$(CI): the HTML report's browser test cannot run" >&2; exit 1; }; \
		else \
			echo "note: no headless Chromium; the HTML report's browser test will be skipped (apt-get install chromium-headless-shell)"; \
		fi; \
	fi

test-deps-fauxqs:
ifneq ($(FAUXQS_LOCK),)
	@if ! command -v npm >/dev/null 2>&1; then \
		if [ -n "$(IN_CI)" ]; then echo "error: npm not found, and CI=$(CI): the fauxqs (SNS/SQS) tests cannot run" >&2; exit 1; fi; \
		echo "note: npm not found; tests that need fauxqs (SNS/SQS) will be skipped"; \
	elif [ ! -f $(FAUXQS_DIR)/node_modules/.package-lock.json ] || \
	     [ $(FAUXQS_DIR)/package-lock.json -nt $(FAUXQS_DIR)/node_modules/.package-lock.json ]; then \
		echo "npm ci --prefix $(FAUXQS_DIR)"; \
		if ! npm ci --prefix $(FAUXQS_DIR) --no-audit --no-fund --loglevel=error; then \
			if [ -n "$(IN_CI)" ]; then echo "error: npm ci failed, and CI=$(CI): the fauxqs (SNS/SQS) tests cannot run" >&2; exit 1; fi; \
			echo "note: npm ci failed; tests that need fauxqs (SNS/SQS) will be skipped"; \
		fi; \
	fi
endif

vet:
	$(GO) vet ./...

## fmt: rewrite Go files in gofmt style
fmt:
	@gofmt -l -w $$(git ls-files -co --exclude-standard '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')

## fmt-check: fail when a Go file is not gofmt-clean
fmt-check:
	@files=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go' 2>/dev/null || find . -name '*.go' -not -path '*/node_modules/*')); \
	if [ -n "$$files" ]; then echo "not gofmt-clean (run make fmt):"; echo "$$files"; exit 1; fi

## demo: check the embedded sample organization. It is broken on purpose,
## so trailgate exits 1 (findings); make succeeds on that and fails on 2 or more.
demo: build
	@$(BIN) demo; rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "(trailgate exited 1: findings, as this sample is broken on purpose)"; exit 0; fi; \
	exit $$rc

## bench: run every benchmark once, with allocations
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
