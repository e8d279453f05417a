# The two commands of the README, plus helpers. Everything installs what it needs.
.PHONY: demo test fuzz load load-fault coverage install lint typecheck format postgres fonts chromium i18n wrk bench bench-smoke bench-bulk bench-search bench-relevance bench-export bench-pages test-meilisearch

SEED_PATENTS ?= 2000
# uv from PATH, ~/.local/bin, or a private venv in .tools/ (installed on first use; PEP 668-safe).
UV := $(shell scripts/ensure-uv.sh)

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (as on the build machines) nothing
# caches compiled modules, and every command and worker process recompiled its imports (~1.5 s).
install:
	$(UV) sync --locked --compile-bytecode
	@echo "The CLI: .venv/bin/openlicense (or add $$(dirname $(UV)) to PATH and use: uv run openlicense)"

demo: install fonts
	$(UV) run --locked openlicense db upgrade
	$(UV) run --locked openlicense seed --patents $(SEED_PATENTS)
	$(UV) run --locked openlicense search reindex
	$(UV) run --locked openlicense notifications remind
	# The development mail sink (var/mail/*.eml; `openlicense mail list`) beside the server.
	$(UV) run --locked openlicense mail sink & SINK=$$!; \
	OPENLICENSE_MAIL__SMTP_HOST=127.0.0.1 $(UV) run --locked openlicense serve; \
	kill $$SINK

postgres:
	scripts/ensure-postgres.sh

fonts:
	scripts/ensure-fonts.sh

# Debian's Chromium for the browser tests (tests/web); the CJK font above renders their text.
chromium:
	scripts/ensure-chromium.sh

test: install postgres fonts chromium wrk
	scripts/run-tests.sh
	$(UV) run --locked python scripts/fuzz.py --examples 7
	$(UV) run --locked python scripts/bench.py --smoke

# schemathesis over the OpenAPI spec of a real server, fixed seed, one token per role: 0 server
# errors, 0 undocumented status codes, 0 response-schema violations (≈ 2,400 cases at 7; CI runs
# it as part of `make test`). More: make fuzz FUZZ_EXAMPLES=50
FUZZ_EXAMPLES ?= 7
fuzz: install
	$(UV) run --locked python scripts/fuzz.py --examples $(FUZZ_EXAMPLES)

# 8 writers + 8 readers for 60 s on SQLite and PostgreSQL: 5xx count, read p99, and asserts that
# every acknowledged write is in the database and the ledger. `make load-fault` restarts
# PostgreSQL mid-run (only on a machine nothing else uses).
load: install postgres
	$(UV) run --locked python scripts/load.py

load-fault: install postgres
	$(UV) run --locked python scripts/load.py --fault

# Line and branch coverage of the suite, greenlet-aware (async SQLAlchemy code counts).
coverage: install postgres fonts chromium
	$(UV) run --locked coverage erase
	$(UV) run --locked coverage run -m pytest -q
	$(UV) run --locked coverage combine
	$(UV) run --locked coverage report

lint: install
	$(UV) run --locked ruff check src tests migrations scripts
	$(UV) run --locked ruff format --check src tests migrations scripts
	$(UV) run --locked mypy

typecheck: install
	$(UV) run --locked mypy

# Web-page messages: extract them, merge into the catalogs, check zh-CN is complete.
i18n: install
	$(UV) run --locked python scripts/i18n.py update
	$(UV) run --locked python scripts/i18n.py check

format: install
	$(UV) run --locked ruff format src tests migrations
	$(UV) run --locked ruff check --fix src tests migrations

wrk:
	@command -v wrk >/dev/null 2>&1 || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null || (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk); }

# The request path against a bare Litestar handler (issue 10): SQLite and PostgreSQL, 2k/20k/100k
# patents, wrk in interleaved rounds; results in var/bench/ (`scripts/bench.py --markdown`).
bench: install postgres fonts wrk
	$(UV) run --locked python scripts/bench.py $(if $(SIZES),--sizes $(SIZES),) $(BENCH_ARGS)

# A few minutes: 2k patents, one short round of each, both databases (for CI).
bench-smoke: install postgres fonts wrk
	$(UV) run --locked python scripts/bench.py --smoke $(BENCH_ARGS)

# Seed, import and index N patents through the openlicense command (medians of 3 rounds).
bench-bulk: install postgres
	$(UV) run --locked python scripts/bench_bulk.py --patents $(or $(PATENTS),100000) --repeat $(or $(REPEAT),3)

bench-search: install
	$(UV) run --locked python scripts/bench_search.py --patents $(or $(PATENTS),100000)

# Relevance on the judged set (tests/search/relevance/): embedded, Meilisearch settings (against
# the fake server, or MEILISEARCH_URL), and a character-bigram BM25 baseline, per category.
bench-relevance: install
	$(UV) run --locked python scripts/bench_relevance.py

bench-export: install
	$(UV) run --locked python scripts/bench_export.py

# Server-side p50/p99 of the catalogue and patent pages at 100k patents (docs/performance.md).
bench-pages: install
	$(UV) run --locked python scripts/bench_pages.py --patents $(or $(PATENTS),100000)

# The search contract suite against a real Meilisearch: MEILISEARCH_URL=http://127.0.0.1:7700 make test-meilisearch
test-meilisearch: install
	@test -n "$(MEILISEARCH_URL)" || (echo "set MEILISEARCH_URL (see docs/operations.md)"; exit 2)
	MEILISEARCH_URL=$(MEILISEARCH_URL) MEILISEARCH_API_KEY=$(MEILISEARCH_API_KEY) $(UV) run --locked pytest tests/search -q -p no:cacheprovider
