# Two entry points (see README): `make report` (main job) and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install report validate test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[calibrate,ensemble,test]'
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/cytonet kb lint
	$(BIN)/cytonet report --out report

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
