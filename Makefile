# idjag — one Rust core, compiled to WebAssembly, shipped as the npm package `idjag` (pkg/).
#
#   make setup          install the toolchain pieces (Rust wasm target, pinned wasm-bindgen, npm deps, chromium, redis)
#   make build          cargo (wasm32) -> wasm-bindgen -> wasm-opt -> pkg/wasm + pkg/dist; prints the wasm size
#   make test           setup + build + cargo test + clippy + node --test tests/js/ + types + package (publint, attw) + cross-runtime harnesses
#   make test-runtimes  the cross-runtime harnesses only (tests/runtimes/run-all.sh)
#   make test-package   the packed npm tarball: publint and attw (arethetypeswrong), every entry point
#   make docs           the API reference (TypeDoc, from pkg/*.d.ts) into docs/api/ (git-ignored); not part of make test
#   make test-e2e-runtimes  the end-to-end flow (IdP → ID-JAG → access token → MCP call) under Deno and Bun
#   make test-conformance  the MCP conformance EMA scenario (suite 0.1.16 and 0.2.0-alpha.12)
#   make test-python    the MCP Python SDK (PyPI mcp) against idjag, both ways (tests/python/)
#   make test-toolchains  the packed tarball in a fresh project per toolchain: esbuild, Vite, webpack, Rollup, Next.js,
#                       wrangler, Deno, Bun, Vitest, Jest, Hono, <script type=module>; each product run (tests/toolchains/)
#   make test-browser   the Grant Inspector (www/) in headless Chromium (tests/browser/, Playwright)
#   make fuzz           cargo-afl over the Rust core (fuzz/, scripts/fuzz.sh): each target FUZZ_SECONDS (60)
#   make test-fuzz      every fuzz target for 10 s and the committed regression inputs (part of make test)
#   make bench          build, then bench/run.mjs: idjag vs jose, native, cold start, size, endpoint, memory -> bench/RESULTS.md
#   make demo           setup + build, then the EMA flow end to end (enterprise and partner IdPs, MCP authorization server, MCP
#                       server, SDK client) printed step by step, then the Grant Inspector on
#                       http://127.0.0.1:$(PORT)/ until Ctrl-C (PORT=8787; ONCE=1: flows only, exit status)
#   make clean          remove build outputs (keeps .tools and node_modules; `make distclean` removes those too)
#
# Every target works from a fresh clone and is idempotent.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

.PHONY: setup build test test-rust test-clippy test-js test-types test-package docs test-runtimes test-e2e-runtimes test-conformance test-browser test-python test-toolchains bench demo clean distclean

setup:
	scripts/setup.sh

build: setup
	scripts/build.sh

test: build test-rust test-clippy test-js test-types test-package test-runtimes test-e2e-runtimes test-conformance test-browser test-python test-fuzz test-toolchains
	@echo "[test] all green"

# The native Rust tests (default features and the verifier-only build), then the lints:
# rustfmt, clippy for both feature sets and wasm32, rustdoc with warnings denied (issue 12's CI gates).
test-rust: setup
	cargo test
	cargo test --no-default-features

test-clippy: setup
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --no-default-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --no-default-features
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings

# Node ESM + CJS vectors, the JS layer's unit tests, the jose cross-check suite.
test-js: build
	node --test tests/js/

# The published .d.ts files, compiled against a small usage file.
# Each tsconfig is one consumer setup (tests/types/README.md has the matrix): strict +
# exactOptionalPropertyTypes, no DOM lib, skipLibCheck off, node16/nodenext/bundler resolution.
test-types: build
	@for c in tests/types/tsconfig*.json; do \
	  echo "[test-types] tsc -p $$c"; \
	  node_modules/.bin/tsc --noEmit -p "$$c" || exit 1; \
	done

# The tarball npm would publish, as consumers resolve it. publint: package.json against the
# files. attw: every entry point's types under node10, node16 (CJS and ESM) and bundler
# resolution. Documented exceptions: `idjag/idjag_bg.wasm` and `idjag/idjag_full_bg.wasm` are
# assets (no types to resolve); `idjag/manual` is ESM only by design (CommonJS reaches it with
# import() or require(esm)), so only the cjs-resolves-to-esm rule is lifted for it; the
# `*/embedded` entries (for bundlers) are ESM only too and have no node10 stub: profile esm-only.
test-package: build
	cd pkg && ../node_modules/.bin/publint --strict
	cd pkg && ../node_modules/.bin/attw --pack . --format ascii --exclude-entrypoints idjag_bg.wasm idjag_full_bg.wasm manual embedded server/embedded testing/embedded
	cd pkg && ../node_modules/.bin/attw --pack . --format ascii --entrypoints manual --ignore-rules cjs-resolves-to-esm
	cd pkg && ../node_modules/.bin/attw --pack . --format ascii --entrypoints embedded server/embedded testing/embedded --profile esm-only

# The API reference from the published declarations (typedoc.json) into docs/api/.
docs: setup
	node_modules/.bin/typedoc --options typedoc.json
	@echo "[docs] docs/api/index.html"

# The MCP conformance suite's EMA scenario (auth/cross-app-access-complete-flow in 0.1.16,
# auth/enterprise-managed-authorization in 0.2.0-alpha.12) against examples/conformance-client.mjs
# (idjag's client helpers + the MCP SDK client); offline.
test-conformance: build
	scripts/conformance.sh

# The MCP Python SDK (mcp from PyPI, in .tools/venv) against idjag both ways: its ID-JAG client
# against the demo servers, idjag's client helpers against its authorization server (tests/python/).
test-python: build
	node --test tests/python/

# Chromium, Deno, Bun, workerd, ... (tests/runtimes/, when present).
test-runtimes: build
	@if [[ -f tests/runtimes/run-all.sh ]]; then \
	  bash tests/runtimes/run-all.sh; \
	else \
	  echo "[test-runtimes] tests/runtimes/run-all.sh not present: skipped"; \
	fi

# The end-to-end flow (tests/runtimes/e2e/: the demo IdP, an authorization server and an MCP
# resource served by the runtime itself, idjag's client, then examples/flow.mjs) under Deno and Bun.
test-e2e-runtimes: build
	bash tests/runtimes/e2e/run.sh

# The Grant Inspector page in Chromium: decode, verify, playground variants, discovery, 375 px.
# Screenshots go to tests/browser/artifacts/ (git-ignored).
test-browser: build
	node --test tests/browser/

# The toolchain matrix (issue 13, tests/toolchains/README.md): `npm pack` of pkg/, then per toolchain a
# fresh project installing the tarball, built (niced, one at a time) and run in Chromium, workerd,
# Node, Deno, Bun or `next start`; each verifies jose-minted grants and refuses a tampered one.
# Cases marked expected-to-fail must fail for their stated reason. IDJAG_TOOLCHAINS=a,b: some only.
test-toolchains: build
	node --test tests/toolchains/toolchains.test.mjs

# Coverage-guided fuzzing (fuzz/, its own cargo package; README.md "Fuzzing"). Fails on any crash.
FUZZ_SECONDS ?= 60
.PHONY: fuzz test-fuzz
fuzz:
	FUZZ_SECONDS="$(FUZZ_SECONDS)" scripts/fuzz.sh

test-fuzz:
	FUZZ_SECONDS=10 scripts/fuzz.sh

# Benchmarks (issue 6), not tests: timings only, no assertion. Writes bench/results.json,
# bench/RESULTS.md and bench/chart.svg and prints where each target stands. BENCH_QUICK=1: fewer runs.
bench: build
	node bench/run.mjs

PORT ?= 8787
# The EMA flow end to end (examples/demo.mjs): the demo IdP, the MCP authorization server and
# the MCP server on loopback ports, alice's and bob's flows printed step by step, then the Grant
# Inspector on http://127.0.0.1:$(PORT)/ until Ctrl-C. ONCE=1: the flows only, exit 0 only if
# every expected outcome happened.
demo: build
	PORT="$(PORT)" node examples/demo.mjs $(if $(ONCE),--once,)

clean:
	rm -rf pkg/wasm pkg/wasm.tmp pkg/dist
	cargo clean

distclean: clean
	rm -rf .tools node_modules
