# referral-graph: `make run` serves the product, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test check lint format fonts catalogues demo seed bench bench-load neo4j neo4j-stop clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN) catalogues  ## serve the API on HOST:PORT (127.0.0.1:8000), seeding an empty store
	$(VENV)/bin/referral-graph serve

demo: $(STAMP_RUN) catalogues
	$(VENV)/bin/referral-graph demo

seed: $(STAMP_RUN)
	$(VENV)/bin/referral-graph seed

check: $(STAMP_DEV)  ## ruff check, ruff format --check, mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP_DEV)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: check catalogues  ## every test (Neo4j tests skip unless Neo4j answers; REQUIRE_NEO4J=1 fails them)
	$(PY) -m pytest

catalogues: $(STAMP_RUN)  ## compile the gettext catalogues (api/web/locale/*.po) to .mo with Babel
	$(PY) -c "from api.web.i18n.catalogue import build; build()"

fonts: $(STAMP_DEV)  ## cut the Khmer fonts to the glyphs the app's texts use (api/web/fonts.py)
	$(PY) -m api.web.fonts

bench: $(STAMP_DEV)
	$(PY) -m benchmarks.run

bench-load: $(STAMP_DEV)  ## 70% reads / 30% writes at 16, 64, 256 clients vs the /health ceiling
	$(PY) -m benchmarks.load

neo4j:  ## start a real Neo4j 5.26 on 127.0.0.1:7687 and wait until Bolt answers
	PYTHON=$(abspath $(PY)) tools/neo4j/neo4j.sh start

neo4j-stop:
	tools/neo4j/neo4j.sh stop

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
