# The two commands of the README, plus helpers. Everything installs what it needs.
.PHONY: demo test install lint format typecheck postgres fonts chromium i18n bench-search bench-export bench-pages test-meilisearch

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

# Debian's Chromium for the browser tests (tests/web); the CJK font above renders their text.
chromium:
	scripts/ensure-chromium.sh

test: install postgres fonts chromium
	scripts/run-tests.sh

lint: install
	uv run --locked ruff check src tests migrations scripts/i18n.py scripts/bench_pages.py
	uv run --locked ruff format --check src tests migrations scripts/i18n.py scripts/bench_pages.py

# mypy --strict on the web pages and the service code they added (see [tool.mypy]).
typecheck: install
	uv run --locked mypy

# Web-page messages: extract them, merge into the catalogs, check zh-CN is complete.
i18n: install
	uv run --locked python scripts/i18n.py update
	uv run --locked python scripts/i18n.py check

format: install
	uv run --locked ruff format src tests migrations
	uv run --locked ruff check --fix src tests migrations

bench-search: install
	uv run --locked python scripts/bench_search.py --patents $(or $(PATENTS),100000)

bench-export: install
	uv run --locked python scripts/bench_export.py

# Server-side p50/p99 of the catalogue and patent pages at 100k patents (docs/performance.md).
bench-pages: install
	uv run --locked python scripts/bench_pages.py --patents $(or $(PATENTS),100000)

# The search contract suite against a real Meilisearch: MEILISEARCH_URL=http://127.0.0.1:7700 make test-meilisearch
test-meilisearch: install
	@test -n "$(MEILISEARCH_URL)" || (echo "set MEILISEARCH_URL (see docs/operations.md)"; exit 2)
	MEILISEARCH_URL=$(MEILISEARCH_URL) MEILISEARCH_API_KEY=$(MEILISEARCH_API_KEY) uv run --locked pytest tests/search -q -p no:cacheprovider
