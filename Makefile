# The two commands of the README, plus helpers. Everything installs what it needs.
.PHONY: demo test install lint format postgres fonts bench-search bench-relevance bench-export test-meilisearch

SEED_PATENTS ?= 2000
export PATH := $(HOME)/.local/bin:$(PATH)

install:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	uv sync --locked

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
	uv run --locked ruff check src tests migrations
	uv run --locked ruff format --check src tests migrations

format: install
	uv run --locked ruff format src tests migrations
	uv run --locked ruff check --fix src tests migrations

bench-search: install
	uv run --locked python scripts/bench_search.py --patents $(or $(PATENTS),100000)

# Relevance on the judged set (tests/search/relevance/): embedded, Meilisearch settings (against
# the fake server, or MEILISEARCH_URL), and a character-bigram BM25 baseline, per category.
bench-relevance: install
	uv run --locked python scripts/bench_relevance.py

bench-export: install
	uv run --locked python scripts/bench_export.py

# The search contract suite against a real Meilisearch: MEILISEARCH_URL=http://127.0.0.1:7700 make test-meilisearch
test-meilisearch: install
	@test -n "$(MEILISEARCH_URL)" || (echo "set MEILISEARCH_URL (see docs/operations.md)"; exit 2)
	MEILISEARCH_URL=$(MEILISEARCH_URL) MEILISEARCH_API_KEY=$(MEILISEARCH_API_KEY) uv run --locked pytest tests/search -q -p no:cacheprovider
