# idjag — one Rust core, compiled to WebAssembly, shipped as the npm package `idjag` (pkg/).
#
#   make setup          install the toolchain pieces (Rust wasm target, pinned wasm-bindgen, npm deps, chromium, redis)
#   make build          cargo (wasm32) -> wasm-bindgen -> wasm-opt -> pkg/wasm + pkg/dist; prints the wasm size
#   make test           setup + build + cargo test + clippy + node --test tests/js/ + types + cross-runtime harnesses
#   make test-runtimes  the cross-runtime harnesses only (tests/runtimes/run-all.sh)
#   make demo           setup + build + node examples/demo.mjs
#   make clean          remove build outputs (keeps .tools and node_modules; `make distclean` removes those too)
#
# Every target works from a fresh clone and is idempotent.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

.PHONY: setup build test test-rust test-clippy test-js test-types test-runtimes demo clean distclean

setup:
	scripts/setup.sh

build: setup
	scripts/build.sh

test: build test-rust test-clippy test-js test-types test-runtimes
	@echo "[test] all green"

# The native Rust tests and lints (the lead's suites).
test-rust: setup
	cargo test

test-clippy: setup
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings

# Node ESM + CJS vectors, the JS layer's unit tests, the jose cross-check suite.
test-js: build
	node --test tests/js/

# The published .d.ts files, compiled against a small usage file.
test-types: build
	node_modules/.bin/tsc --noEmit -p tests/types/tsconfig.json

# Chromium, Deno, Bun, workerd, ... (tests/runtimes/, when present).
test-runtimes: build
	@if [[ -f tests/runtimes/run-all.sh ]]; then \
	  bash tests/runtimes/run-all.sh; \
	else \
	  echo "[test-runtimes] tests/runtimes/run-all.sh not present: skipped"; \
	fi

demo: build
	node examples/demo.mjs

clean:
	rm -rf pkg/wasm pkg/wasm.tmp pkg/dist
	cargo clean

distclean: clean
	rm -rf .tools node_modules
