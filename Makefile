# Peyk's developer commands. `make run` and `make test` set up everything they
# need (PostgreSQL and Redis via scripts/services.sh) on a Debian machine with
# Go installed.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO ?= go
PKG ?= ./...
TESTFLAGS ?=
BENCHFLAGS ?=
FUZZTIME ?= 30s
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Where the tests, the benchmarks and `make run` find PostgreSQL and Redis.
# Set them in the environment to use other servers; scripts/services.sh
# starts local ones on these addresses when nothing answers there.
ifeq ($(strip $(PEYK_DATABASE_URL)),)
PEYK_DATABASE_URL := postgres://postgres@127.0.0.1:5432/peyk?sslmode=disable
endif
ifeq ($(strip $(PEYK_REDIS_URL)),)
PEYK_REDIS_URL := redis://127.0.0.1:6379/0
endif
export PEYK_DATABASE_URL PEYK_REDIS_URL GO

# Where the PostgreSQL there refuses a password-free login, `make services`
# starts a private server in .data on another port instead (its
# configuration is never changed) and writes its URL to .data/env. $(ENV)
# exports that URL in the recipes that come after `services`.
ENV = eval "$$(scripts/services.sh env)";

# -race needs cgo; `scripts/services.sh cc` installs gcc as root when missing.
# Expanded when the test recipe runs, after its prerequisites.
RACE = $(if $(filter 1,$(shell $(GO) env CGO_ENABLED)),-race,)

.PHONY: help
help: ## list the targets
	@awk -F ':.*## ' '/^[a-z-]+:.*## / { printf "  make %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

.PHONY: run
run: ## start PostgreSQL and Redis, migrate, serve the demo workspace on :8080 (PEYK_DEMO=0: none)
	@scripts/run.sh

.PHONY: test
test: services cc browser kannel ## run all tests (with -race) against real PostgreSQL and Redis
	$(if $(RACE),,@echo "warning: cgo is off (no C compiler), so the tests run without -race" >&2)
	$(ENV) $(GO) test $(RACE) -count=1 $(TESTFLAGS) $(PKG)

.PHONY: check
check: ## gofmt, go vet and staticcheck
	@unformatted=$$(find . -name '*.go' -not -path './.*' -not -path '*/testdata/*' -exec gofmt -l {} +); \
	if [[ -n $$unformatted ]]; then \
		echo "gofmt: these files need 'gofmt -w':" >&2; echo "$$unformatted" >&2; exit 1; \
	fi
	$(GO) vet $(PKG)
	$(GO) run $(STATICCHECK) $(PKG)

.PHONY: bench
bench: services ## run the benchmarks (BENCHFLAGS='-benchtime 1x' for a quick pass)
	$(ENV) $(GO) test -run '^$$' -bench . $(BENCHFLAGS) $(PKG)

.PHONY: fuzz
fuzz: services ## run every Fuzz test for FUZZTIME (30s) each
	@$(ENV) targets=$$($(GO) test -list '^Fuzz' $(PKG) | awk '/^Fuzz/ { f[n++] = $$1; next } /^ok / { for (i = 0; i < n; i++) print $$2 "\t" f[i]; n = 0 }'); \
	if [[ -z $$targets ]]; then echo "fuzz: no Fuzz tests found"; exit 0; fi; \
	while IFS=$$'\t' read -r pkg name; do \
		echo "fuzz: $$pkg $$name for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$pkg" </dev/null; \
	done <<< "$$targets"

.PHONY: build
build: ## build bin/peyk
	$(GO) build -o bin/peyk ./cmd/peyk

.PHONY: services
services: ## make sure PostgreSQL and Redis answer (start or install them)
	@scripts/services.sh ensure

.PHONY: cc
cc:
	@scripts/services.sh cc

# Chromium for the browser tests (web/browsertest); installed as root when
# missing. Without it they skip, except in CI.
.PHONY: browser
browser:
	@scripts/services.sh browser

# Kannel (bearerbox, smsbox, fakesmsc) for the SMS gateway round trip in
# cmd/peyk; installed as root when missing. Without it that test skips,
# except in CI.
.PHONY: kannel
kannel:
	@scripts/services.sh kannel

.PHONY: screenshots
screenshots: services browser ## refresh docs/screenshots/ from the browser tests
	$(ENV) PEYK_SCREENSHOTS=1 $(GO) test -count=1 ./web/browsertest/

.PHONY: stop
stop: ## stop the PostgreSQL and Redis that `make services` started in .data
	@scripts/services.sh stop

.PHONY: clean
clean: ## remove bin/ (`make stop` first, then `rm -rf .data` drops local data)
	rm -rf bin
