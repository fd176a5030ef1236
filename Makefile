# The two commands in the README: `make run` and `make test`.  Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHON

# Every Python package comes from a hash-locked file (requirements/*.txt, see `make lock`), never
# from whatever the index serves today; OwnWork itself is then installed without dependencies,
# and without build isolation so that its build tools come from the lock as well.
PIP_LOCKED := $(BIN)/python -m pip install -q --require-hashes --no-deps
PIP_SELF := $(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
# Locks name packages and hashes only: no index or download address, whatever pip is set up with.
PIP_COMPILE := $(BIN)/pip-compile -q --allow-unsafe --generate-hashes --no-emit-index-url \
	--no-emit-find-links --strip-extras

.PHONY: run test sysdeps venv dev lint typecheck pytest smoke bench bundle bundle-check clean \
	lock lock-upgrade outdated bundle-windows bundle-windows-check

run: venv
	$(BIN)/ownwork

test: dev lint typecheck pytest bundle-check bundle-windows-check

sysdeps:
	bash tools/sysdeps.sh

$(BIN)/python: | sysdeps
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python
	$(PIP_LOCKED) -r requirements/app.txt
	$(PIP_SELF)

dev: $(BIN)/python
	$(PIP_LOCKED) -r requirements/dev.txt
	$(PIP_SELF)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

# The report lets .ci/run list every skipped test and its reason.
pytest:
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --junitxml=build/pytest-report.xml

smoke: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/ownwork --smoke=listed

# `make bench BENCH_ARGS=--quick`: smoke runs of the server benchmarks (10 s instead of 60).
bench: dev
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

# The installable one-folder bundle in dist/OwnWork/ and, on Linux, its tarball in dist/.
# PyInstaller comes from the same locked set as everything else (requirements/dev.txt).
bundle: dev
	$(BIN)/python packaging/build_bundle.py

# Runs the bundled program from the unpacked tarball: smoke, records, PDF export, size budget.
bundle-check: bundle
	$(BIN)/python packaging/check_bundle.py

# The Windows bundle (dist/windows/OwnWork/) and MSI (dist/OwnWork-<version>-windows-x64.msi),
# built on this Linux machine by PyInstaller on the Windows Python under wine, from the locks
# requirements/app.txt and requirements/windows.txt.
bundle-windows: dev
	$(BIN)/python packaging/windows/build_windows.py

# Installs the MSI under wine and uses the installed program; then upgrades and removes it.
bundle-windows-check: bundle-windows
	$(BIN)/python packaging/windows/check_windows.py

# Re-resolve the locks from pyproject.toml, keeping every pin that still fits (so nothing moves
# unless pyproject.toml changed): the app's runtime set, the developers' set (tests, linters,
# PyInstaller) constrained to the same versions, and the Windows build's extras.
lock: dev
	$(PIP_COMPILE) --all-build-deps -o requirements/app.txt pyproject.toml
	$(PIP_COMPILE) --all-build-deps --extra dev --extra bundle -c requirements/app.txt \
		-o requirements/dev.txt pyproject.toml
	$(PIP_COMPILE) -o requirements/windows.txt requirements/windows.in

# The weekly refresh (see the README): move every pin to the newest release that fits.
lock-upgrade: PIP_COMPILE += --upgrade
lock-upgrade: lock

# Packages in the developers' environment with newer releases than the lock holds.
outdated: dev
	$(BIN)/python -m pip list --outdated

clean:
	rm -rf $(VENV) build dist *.egg-info
