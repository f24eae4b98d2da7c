# Tenant Front Door. `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-unit test-postgres test-browser lint format bench catalogues clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: create the environment if missing, migrate, add demo data, serve on 127.0.0.1:8000
run: $(STAMP)
	mkdir -p var
	DEMO_DATA=$${DEMO_DATA:-true} $(BIN)/frontdoor serve --migrate --host 127.0.0.1 --port 8000

## test: the whole suite (SQLite; browser tests need Chromium)
test: $(STAMP)
	$(BIN)/pytest -q

## test-postgres: the database tests again on PostgreSQL
test-postgres: $(STAMP)
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m database

## test-browser: only the Chromium tests
test-browser: $(STAMP)
	$(BIN)/pytest -q -m browser

## lint: ruff, mypy and the import contracts (layers, no cycles), all clean
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy conversations bot backend tests bench

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: every benchmark and one table of the goals (needs wrk; PostgreSQL at PG_URL)
bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y -qq wrk
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL-$(PG_URL)} $(BIN)/python -m bench

## catalogues: extract every tenant's and signer's text into locales/messages.pot and merge it into
## each language's messages.po (new texts arrive untranslated; tests/unit/test_catalogues.py fails
## until each has its translation)
catalogues: $(STAMP)
	$(BIN)/pybabel extract --mapping-file babel.cfg --no-location --sort-output \
		--project "Tenant Front Door" --copyright-holder "Tenant Front Door" \
		--msgid-bugs-address "" --output-file locales/messages.pot .
	for po in locales/*/LC_MESSAGES/messages.po; do \
		$(BIN)/pybabel update --input-file locales/messages.pot --output-file $$po \
			--locale $$(basename $$(dirname $$(dirname $$po))) --no-wrap --ignore-obsolete; \
	done

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache .mypy_cache .ruff_cache
