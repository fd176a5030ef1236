# The two commands in the README: `make run` and `make test`.  Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHON

.PHONY: run test sysdeps venv dev lint typecheck pytest smoke bench bundle bundle-check \
	bundle-windows bundle-windows-check clean

run: venv
	$(BIN)/ownwork

test: dev lint typecheck pytest bundle-check bundle-windows-check

sysdeps:
	bash tools/sysdeps.sh

$(BIN)/python: | sysdeps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install -q -e .

dev: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

smoke: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/ownwork --smoke=listed

bench: dev
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py

# The installable one-folder bundle in dist/OwnWork/ and, on Linux, its tarball in dist/.
bundle: $(BIN)/python
	$(BIN)/pip install -q -e '.[bundle]'
	$(BIN)/python packaging/build_bundle.py

# Runs the bundled program from the unpacked tarball: smoke, records, PDF export, size budget.
bundle-check: bundle
	$(BIN)/python packaging/check_bundle.py

# The Windows bundle (dist/windows/OwnWork/) and MSI (dist/OwnWork-<version>-windows-x64.msi),
# built on this Linux machine by PyInstaller on the Windows Python under wine.
bundle-windows: $(BIN)/python
	$(BIN)/pip install -q -e '.[bundle]'
	$(BIN)/python packaging/windows/build_windows.py

# Installs the MSI under wine and uses the installed program; then upgrades and removes it.
bundle-windows-check: bundle-windows
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python packaging/windows/check_windows.py

clean:
	rm -rf $(VENV) build dist *.egg-info
