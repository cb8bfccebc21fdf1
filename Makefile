# Two entry points (see README): `make report` (main job) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install report validate test lint bench serve screenshots clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[calibrate,ensemble,interop,logical,network,serve,test]'
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/cytonet kb lint
	mkdir -p report/sensitivity report/screen
	$(BIN)/cytonet sensitivity examples/il11_invasion.yaml --readout phenotype:invasion \
		--coverage 0.68 --out report/sensitivity | tee report/sensitivity/summary.txt
	$(BIN)/cytonet screen examples/il11_glucose.yaml --readout phenotype:invasion \
		--out report/screen | tee report/screen/summary.txt
	$(BIN)/cytonet report --out report --ensemble 20 --jitter 0.3 \
		--analysis report/sensitivity --analysis report/screen

# the web explorer on http://127.0.0.1:8765 (docs/explorer.md)
serve: $(STAMP)
	$(BIN)/cytonet serve

# 1400 px screenshots of the report and the explorer under report/screenshots/, each checked
# (needs /usr/bin/chromium; a report from `make report`, else a quick one without ensemble)
screenshots: $(STAMP)
	test -f report/index.html || $(BIN)/cytonet report --out report
	$(BIN)/python tests/web/screenshots.py --report report/index.html --out report/screenshots

validate: $(STAMP)
	$(BIN)/cytonet validate

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/overhead.py

clean:
	rm -rf $(VENV) report build *.egg-info src/*.egg-info
