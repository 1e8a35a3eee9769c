# wws-batch: two commands on a fresh machine with python3, pip and make.
#   make demo   create .venv, install, score data/sample into out/demo.duckdb, print the summary
#   make test   install the dev extras into .venv if needed and run the whole suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
DEMO_DB := out/demo.duckdb
# a fixed peildatum keeps the demo reproducible (the CLI default is today)
DEMO_PEILDATUM := 2026-07-01
N ?= 100000
MIX ?= 0.0

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

demo: $(STAMP)
	mkdir -p out
	rm -f $(DEMO_DB)
	$(BIN)/wws score data/sample --db $(DEMO_DB) --peildatum $(DEMO_PEILDATUM)
	@echo
	$(BIN)/wws explain EX-D-20002000126 --db $(DEMO_DB)

test: $(DEV_STAMP)
	# the report tests open the HTML in a real browser: Debian's chromium (root, as CI runs)
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || echo "chromium not installed: browser tests will say so"
	$(BIN)/python -m pytest

bench: $(DEV_STAMP)
	$(BIN)/python -m bench --n $(N) --mix $(MIX) $(if $(SIZES),--sizes $(SIZES))

lint: $(DEV_STAMP)
	$(BIN)/ruff check pipeline schemas tests bench

clean:
	rm -rf out .pytest_cache .hypothesis
