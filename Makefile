# The two commands of the README, plus helpers. Everything installs what it needs.
.PHONY: demo test install lint typecheck format postgres fonts wrk bench bench-smoke bench-bulk bench-search bench-export test-meilisearch

SEED_PATENTS ?= 2000
export PATH := $(HOME)/.local/bin:$(PATH)

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (as on the build machines) nothing
# caches compiled modules, and every command and worker process recompiled its imports (~1.5 s).
install:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	uv sync --locked --compile-bytecode

demo: install fonts
	uv run --locked openlicense db upgrade
	uv run --locked openlicense seed --patents $(SEED_PATENTS)
	uv run --locked openlicense search reindex
	uv run --locked openlicense serve

postgres:
	scripts/ensure-postgres.sh

fonts:
	scripts/ensure-fonts.sh

test: install postgres fonts
	scripts/run-tests.sh

lint: install
	uv run --locked ruff check src tests migrations scripts
	uv run --locked ruff format --check src tests migrations scripts
	uv run --locked mypy

typecheck: install
	uv run --locked mypy

format: install
	uv run --locked ruff format src tests migrations
	uv run --locked ruff check --fix src tests migrations

wrk:
	@command -v wrk >/dev/null 2>&1 || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null || (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk); }

# The request path against a bare Litestar handler (issue 10): SQLite and PostgreSQL, 2k/20k/100k
# patents, wrk in interleaved rounds; results in var/bench/ (`scripts/bench.py --markdown`).
bench: install postgres fonts wrk
	uv run --locked python scripts/bench.py $(if $(SIZES),--sizes $(SIZES),) $(BENCH_ARGS)

# A few minutes: 2k patents, one short round of each, both databases (for CI).
bench-smoke: install postgres fonts wrk
	uv run --locked python scripts/bench.py --smoke $(BENCH_ARGS)

# Seed, import and index N patents through the openlicense command (medians of 3 rounds).
bench-bulk: install postgres
	uv run --locked python scripts/bench_bulk.py --patents $(or $(PATENTS),100000) --repeat $(or $(REPEAT),3)

bench-search: install
	uv run --locked python scripts/bench_search.py --patents $(or $(PATENTS),100000)

bench-export: install
	uv run --locked python scripts/bench_export.py

# The search contract suite against a real Meilisearch: MEILISEARCH_URL=http://127.0.0.1:7700 make test-meilisearch
test-meilisearch: install
	@test -n "$(MEILISEARCH_URL)" || (echo "set MEILISEARCH_URL (see docs/operations.md)"; exit 2)
	MEILISEARCH_URL=$(MEILISEARCH_URL) MEILISEARCH_API_KEY=$(MEILISEARCH_API_KEY) uv run --locked pytest tests/search -q -p no:cacheprovider
