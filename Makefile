# trailgate: build, test and try it. Needs only Go; Node is used when present
# (for the SNS/SQS test server in collectors/awstest/fauxqs).

GO      ?= go

FAUXQS_DIR := collectors/awstest/fauxqs
FAUXQS_LOCK := $(wildcard $(FAUXQS_DIR)/package-lock.json)

.PHONY: all build test test-deps vet fmt fmt-check demo bench clean

all: build

BIN ?= bin/trailgate

## build: compile bin/trailgate, statically linked (no cgo: no libc to match
## on the machine it runs on, as Go security tools ship)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/trailgate

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

test-deps:
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

## demo: check the embedded sample organization (broken on purpose: exits 1)
demo:
	$(GO) run ./cmd/trailgate demo

## bench: run every benchmark once, with allocations
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
