# Tuyến — build, run and test.
#
#   make run    build the SPA and the server, serve http://127.0.0.1:8080 with demo data
#   make test   everything CI checks (lint, the SPA's wasm lints included; unit/API tests
#               on SQLite and PostgreSQL, a bounded schemathesis run, e2e over HTTP and
#               in Chromium, crash tests)
#
# Works on a fresh Debian 12 with rustup/cargo, python3, gcc and git: the targets below
# install what else they need (wasm target, wasm-bindgen-cli, libpq-dev, PostgreSQL,
# Chromium + chromedriver) through rustup, cargo and apt-get.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Steps share apt/dpkg and cargo locks and must run in order, even under `make -j`.
.NOTPARALLEL:

export CARGO_TERM_COLOR ?= never
# Where `cargo install` puts wasm-bindgen, even when the shell profile did not add it.
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
ifeq ($(filter $(CARGO_BIN),$(subst :, ,$(PATH))),)
export PATH := $(CARGO_BIN):$(PATH)
endif

CARGO      ?= cargo
TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),target))
DIST       := dist
# `make run` serves the size-optimised SPA; `make test` builds it with the quicker
# `wasm-test` profile (the same code, without whole-program optimisation).
SPA_PROFILE ?= wasm-release
WASM        = $(TARGET_DIR)/wasm32-unknown-unknown/$(SPA_PROFILE)/frontend.wasm
# The main module `spa-dist split` cuts out of $(WASM), for wasm-bindgen.
SPLIT_MAIN  = $(TARGET_DIR)/wasm32-unknown-unknown/$(SPA_PROFILE)/frontend_main.wasm
# wasm-opt from the npm registry's binaryen, installed into the target dir (`make wasm-opt`).
# Debian's binaryen (wasm-opt 108) writes a module that crashes in Chromium.
BINARYEN_VERSION = 132
WASM_OPT = $(TARGET_DIR)/npm/node_modules/.bin/wasm-opt
# The wasm features rustc's wasm32 target emits, which wasm-opt must accept and keep.
WASM_OPT_FLAGS = -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-mutable-globals --enable-reference-types --enable-multivalue
# Exact wasm-bindgen version the SPA links against; the CLI must match it.
WASM_BINDGEN_VERSION = $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/^version = "|"$$/, ""); print; exit }' Cargo.lock)
# The load generator of `make bench` (cargo install --locked; needs Rust >= 1.88).
OHA_VERSION = 1.16.0
# apt-get needs root; use sudo only when not already root.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_INSTALL = $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y

.PHONY: help tools wasm-opt browser postgres-bin libpq loadgen spa build run openapi lint lint-host test test-pg e2e fuzz-api bench bench-spa clean

help:
	@echo "make run       build SPA + server and serve http://127.0.0.1:8080 (demo data)"
	@echo "make test      lint, tests on SQLite and PostgreSQL, end-to-end browser tests"
	@echo "make spa       build the SPA into $(DIST)/"
	@echo "make build     build the release server (target/release/tuyen)"
	@echo "make openapi   regenerate openapi/openapi.json"
	@echo "make lint      rustfmt check and clippy (-D warnings)"
	@echo "make fuzz-api  schemathesis over openapi/openapi.json (the long run; make test runs a short one)"
	@echo "make bench     load figures on SQLite and PostgreSQL into BENCHMARKS.md (release build)"
	@echo "make bench-spa first-screen times of the SPA in Chromium (loopback and a throttled link)"
	@echo "make tools | wasm-opt | browser | postgres-bin | libpq | loadgen   install prerequisites"

## Prerequisites ---------------------------------------------------------------------

tools:
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@want="$(WASM_BINDGEN_VERSION)"; \
	if [ -z "$$want" ]; then echo "wasm-bindgen not found in Cargo.lock" >&2; exit 1; fi; \
	have="$$(wasm-bindgen --version 2>/dev/null | awk '{ print $$2 }' || true)"; \
	if [ "$$have" != "$$want" ]; then \
		echo "Installing wasm-bindgen-cli $$want (found: $${have:-none}); this takes a few minutes"; \
		$(CARGO) install wasm-bindgen-cli --version "$$want"; \
	fi

# npm's binaryen for `make spa` (the release profile only).
wasm-opt:
	@if [ "$$($(WASM_OPT) --version 2>/dev/null | awk '{ print $$3 }')" != "$(BINARYEN_VERSION)" ]; then \
		command -v npm >/dev/null || { $(SUDO) apt-get update && $(APT_INSTALL) npm; }; \
		npm install --prefix $(TARGET_DIR)/npm --no-audit --no-fund --no-save binaryen@$(BINARYEN_VERSION); \
	fi

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		$(SUDO) apt-get update && $(APT_INSTALL) chromium chromium-driver; \
	fi

# initdb/pg_ctl for scripts/pg.sh. Debian keeps them in /usr/lib/postgresql/N/bin.
postgres-bin:
	@if ! { command -v initdb && command -v pg_ctl; } >/dev/null 2>&1 \
		&& ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update && $(APT_INSTALL) postgresql; \
	fi

# The server links the system libpq (diesel's PostgreSQL backend).
libpq:
	@if ! dpkg -s libpq-dev >/dev/null 2>&1 && ! pkg-config --exists libpq 2>/dev/null; then \
		$(SUDO) apt-get update && $(APT_INSTALL) libpq-dev pkg-config; \
	fi

# The HTTP load generators of `make bench`: oha from the Cargo registry at OHA_VERSION, and wrk
# (Debian) for the create scenario, which needs a new Idempotency-Key on every request.
loadgen:
	@have="$$(oha --version 2>/dev/null || true)"; \
	if [ "$$have" != "oha $(OHA_VERSION)" ]; then \
		echo "Installing oha $(OHA_VERSION) (found: $${have:-none}); this takes a few minutes"; \
		$(CARGO) install --locked oha --version $(OHA_VERSION); \
	fi
	@if ! command -v wrk >/dev/null 2>&1; then \
		$(SUDO) apt-get update && $(APT_INSTALL) wrk; \
	fi

## Build and run ---------------------------------------------------------------------

# The SPA into $(DIST). rustc links the wasm keeping its relocations (`--emit-relocs`), which
# `spa-dist split` needs to cut it at the `#[wasm_split]` points (src/app/lazy_pages.rs):
# the main module, one chunk per lazily loaded page group (and chunks of code the groups
# share) and the JavaScript that loads them. wasm-bindgen then runs on the main module,
# keeping the linker's exports the chunks import; wasm-opt -Oz on every piece (release
# profile; the test build skips it, 1–2 minutes on 2 cores); then tools/spa-dist:
# content-hashed names (cached a year by browsers), index.html rewritten to them, brotli and
# gzip copies (the test build compresses at lower levels). Prints raw, gzip and brotli sizes,
# per file and for the first screen (everything but the lazy chunks).
spa: tools $(if $(filter wasm-release,$(SPA_PROFILE)),wasm-opt)
	$(CARGO) rustc -p frontend --bin frontend --target wasm32-unknown-unknown --profile $(SPA_PROFILE) \
		-- -C link-arg=--emit-relocs
	rm -rf $(DIST)
	mkdir -p $(DIST)
	$(CARGO) run -q -p spa-dist -- split $(WASM) $(SPLIT_MAIN) $(DIST)
	wasm-bindgen --target web --no-typescript --remove-name-section --keep-lld-exports \
		--out-dir $(DIST) --out-name frontend $(SPLIT_MAIN)
	$(if $(filter wasm-release,$(SPA_PROFILE)),for wasm in $(DIST)/*.wasm; do \
		$(WASM_OPT) $(WASM_OPT_FLAGS) -o $$wasm $$wasm; done)
	cp frontend/index.html frontend/style.css frontend/boot.js $(DIST)/
	$(CARGO) run -q -p spa-dist -- $(if $(filter wasm-release,$(SPA_PROFILE)),,--fast) $(DIST)

build: libpq
	$(CARGO) build --release -p backend

run: spa build
	$(TARGET_DIR)/release/tuyen serve --demo --static-dir $(DIST)

openapi: libpq
	mkdir -p openapi
	$(CARGO) run -q -p backend --bin tuyen -- openapi > openapi/openapi.json.tmp
	mv openapi/openapi.json.tmp openapi/openapi.json

## Checks ----------------------------------------------------------------------------

# The host crates' lints, then the SPA's for wasm32 (a second check of its dependencies
# for that target: a few minutes on a cold machine). `make test` runs both.
lint: lint-host
	$(CARGO) clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Formatting and the host crates' lints only (shared, backend, e2e, testkit): the quick pass.
lint-host: tools libpq
	$(CARGO) fmt --all --check
	$(CARGO) clippy -p shared -p backend -p e2e -p testkit -p spa-dist --all-targets -- -D warnings

# The backend tests again on a throwaway PostgreSQL cluster, removed even when they fail.
# The test harness creates one database per test from this admin URL.
test-pg: postgres-bin libpq
	@url="$$(scripts/pg.sh start)"; \
	trap 'scripts/pg.sh stop' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "PostgreSQL test cluster: $$url"; \
	TUYEN_TEST_PG_URL="$$url" TUYEN_REQUIRE_PG=1 $(CARGO) test -p backend

# Contract fuzzing with schemathesis (installed from PyPI into target/schemathesis-venv)
# against a fresh debug server with the demo data; see scripts/fuzz-api.sh.
fuzz-api: libpq
	$(CARGO) build -p backend
	TUYEN_BIN=$(TARGET_DIR)/debug/tuyen scripts/fuzz-api.sh full

# End-to-end: the debug server binary and the built SPA, over HTTP and in headless Chromium
# (the crash test's PostgreSQL half runs when TUYEN_TEST_PG_URL names a cluster).
# TUYEN_REQUIRE_E2E: a missing server binary fails the run here instead of skipping the
# tests, as a plain `cargo test` does.
e2e: browser libpq spa
	$(CARGO) build -p backend
	TUYEN_REQUIRE_E2E=1 TUYEN_BIN=$(TARGET_DIR)/debug/tuyen TUYEN_DIST=$(abspath $(DIST)) \
		$(CARGO) test -p e2e

# The contract with CI (.ci/run). Steps run in this order; any failure fails `make test`.
test: tools browser postgres-bin libpq
	$(MAKE) --no-print-directory lint
	$(CARGO) test -p shared --features openapi,solver
	$(CARGO) test -p frontend
	env -u TUYEN_TEST_PG_URL $(CARGO) test -p backend
	@# The server binary the backend's integration tests built: a separate `cargo build`
	@# would compile much of the tree again without the dev-dependencies' features.
	TUYEN_BIN=$(TARGET_DIR)/debug/tuyen scripts/fuzz-api.sh quick
	$(MAKE) --no-print-directory spa SPA_PROFILE=wasm-test
	@# The backend tests and the end-to-end tests on one throwaway PostgreSQL cluster.
	@url="$$(scripts/pg.sh start)"; \
	trap 'scripts/pg.sh stop' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "PostgreSQL test cluster: $$url"; \
	TUYEN_TEST_PG_URL="$$url" TUYEN_REQUIRE_PG=1 $(CARGO) test -p backend; \
	TUYEN_TEST_PG_URL="$$url" TUYEN_REQUIRE_PG=1 TUYEN_REQUIRE_E2E=1 \
		TUYEN_BIN=$(TARGET_DIR)/debug/tuyen TUYEN_DIST=$(abspath $(DIST)) $(CARGO) test -p e2e

## Benchmarks ------------------------------------------------------------------------

# Load figures of the release server on SQLite and on a throwaway PostgreSQL (default
# durability), with 100 000 referrals, over loopback; writes BENCHMARKS.md. About ten
# minutes on 2 cores after the release build and the first oha install; see
# scripts/bench/run.sh for the scenarios and for COUNT, RUNS, DURATION, CONNECTIONS.
bench: loadgen postgres-bin libpq
	@started=$$(date +%s); \
	$(CARGO) build --release -p backend; \
	BENCH_STARTED=$$started TUYEN_BIN=$(TARGET_DIR)/release/tuyen scripts/bench/run.sh

# The SPA's first screen in headless Chromium (e2e/tests/e2e/spa_size.rs): the brotli
# bytes index.html loads, the time to the sign-in form (cold cache) and to the signed-in
# home page (warm cache), on loopback and on a link throttled through the DevTools
# protocol to 1.6 Mbit/s and 150 ms. Prints the figures (BENCHMARKS.md, "SPA").
bench-spa: browser libpq spa
	$(CARGO) build -p backend
	TUYEN_REQUIRE_E2E=1 TUYEN_BENCH_SPA=1 TUYEN_BIN=$(TARGET_DIR)/debug/tuyen \
		TUYEN_DIST=$(abspath $(DIST)) $(CARGO) test -p e2e spa_size -- --nocapture

clean:
	rm -rf $(DIST)
	$(CARGO) clean
