# The two commands of the README, plus helpers. Everything installs what it needs.
.PHONY: demo test install lint format postgres fonts

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
