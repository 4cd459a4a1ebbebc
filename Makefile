# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run   - creates .venv, installs the app (and Qt's system libraries when missing), runs it
#   make test  - the same with the dev tools, then ruff, mypy and the whole test suite offscreen
# Installs come from requirements/constraints.txt (a lock made by `make lock`), so a fresh
# install gets the versions that were tested.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install -q --disable-pip-version-check -c requirements/constraints.txt

APP_STAMP  := $(VENV)/.stamp-app
DEV_STAMP  := $(VENV)/.stamp-dev
PKG_STAMP  := $(VENV)/.stamp-packaging

.PHONY: run test lint typecheck bench package sysdeps lock screenshots clean

$(BIN)/python:
	@bash scripts/sysdeps.sh venv
	$(PYTHON) -m venv $(VENV)

$(APP_STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(PIP) -e .
	@touch $@

# The packaging extra is part of the dev set so `make test` also builds and self-tests the bundle.
$(DEV_STAMP): $(APP_STAMP)
	$(PIP) -e '.[dev,packaging]'
	@touch $@

$(PKG_STAMP): $(APP_STAMP)
	$(PIP) -e '.[packaging]'
	@touch $@

sysdeps:
	@bash scripts/sysdeps.sh qt

## run: open the app (without a display: run the offline demo headless and print the video's path)
run: $(APP_STAMP) sysdeps
	$(BIN)/grok-spicy launch

## test: ruff, mypy and the whole pytest suite (Qt offscreen)
test: $(DEV_STAMP) sysdeps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

## bench: the benchmark suite -> bench/results.md and bench/results.json
bench: $(DEV_STAMP) $(PKG_STAMP) sysdeps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

## package: PyInstaller one-folder bundle + Linux tarball in dist/
package: $(PKG_STAMP) sysdeps
	bash packaging/build_linux.sh

## screenshots: README screenshots from a finished offline project (needs Xvfb)
screenshots: $(APP_STAMP) sysdeps
	@bash scripts/sysdeps.sh xvfb
	bash scripts/screenshots.sh

## lock: refresh requirements/constraints.txt deliberately (uv, from pyproject.toml)
lock: $(BIN)/python
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra packaging --python-version 3.11 -o requirements/constraints.txt

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache
