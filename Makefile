# Two commands on a fresh machine: `make leaflets` builds every default leaflet
# into out/, `make test` runs the tests. Both create .venv and install what is
# needed (exact versions, checked by hash): `make leaflets` only what building
# needs (requirements.lock), `make test`, `make lint` and `make docs` the tools
# as well (requirements-dev.lock). They need only Python 3.11 or newer, make and
# the Pango and HarfBuzz-subset libraries.
#
# Choose the Python with PYTHON, e.g. `make PYTHON=python3.13 test`: a name on
# PATH, a path, or a version installed with pyenv. When the Python changes,
# .venv is made again from scratch.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

# The interpreter PYTHON names: on PATH, else in pyenv's versions (whose shims
# refuse versions that are not selected). Its identity says when to remake .venv.
PYTHON_EXE := $(or $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null),\
	$(lastword $(wildcard $(shell pyenv root 2>/dev/null)/versions/*/bin/$(PYTHON))),$(PYTHON))
PYTHON_ID := $(shell $(PYTHON_EXE) -c 'import sys; print(sys.version.split()[0], sys.base_prefix)' 2>/dev/null)

.PHONY: leaflets test lint docs check list bench lock clean FORCE

leaflets: $(STAMP)
	$(BIN)/leaflets build

# In parallel on every core (pytest-xdist, configured in pyproject.toml).
test: $(DEV_STAMP)
	$(BIN)/python -m pytest

# Both run, so one run shows every finding; fails if either finds anything.
lint: $(DEV_STAMP)
	@status=0; $(BIN)/ruff check . || status=1; $(BIN)/mypy || status=1; \
		$(BIN)/lint-imports || status=1; exit $$status

# The documentation site (docs/, mkdocs.yml) into site/; any warning fails.
docs: $(DEV_STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

check: $(STAMP)
	$(BIN)/leaflets check

list: $(STAMP)
	$(BIN)/leaflets list

bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py

# Records which Python .venv is for; rewritten (so what follows reruns) only when it changes.
$(VENV)/.python: FORCE
	@test -n "$(PYTHON_ID)" || { echo "error: cannot run the Python '$(PYTHON)'; install it or pass PYTHON=/path/to/python3" >&2; exit 2; }
	@mkdir -p $(VENV)
	@echo "$(PYTHON_ID)" | cmp -s - $@ || echo "$(PYTHON_ID)" > $@

# An empty virtual environment for that Python (made again when the Python changes).
$(VENV)/.created: $(VENV)/.python
	@$(PYTHON_EXE) scripts/check_system.py
	@if test -x $(BIN)/python && test "$$($(BIN)/python -c 'import sys; print(sys.version.split()[0], sys.base_prefix)')" != "$(PYTHON_ID)"; then \
		echo "The Python is now $(PYTHON_ID): making $(VENV) again"; \
		find $(VENV) -mindepth 1 -maxdepth 1 ! -name .python -exec rm -rf {} +; \
	fi
	@test -x $(BIN)/python || $(PYTHON_EXE) -m venv $(VENV)
	@touch $@

# The locked dependencies (--require-hashes: exactly those files, nothing unpinned),
# then the project itself without dependencies; check_lock.py stops here if
# pyproject.toml needs something that the lock lacks. The dev lock holds the
# runtime pins too (the same versions) plus the test, lint and docs tools.
$(STAMP): pyproject.toml $(LOCK) $(VENV)/.created
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(BIN)/python scripts/check_lock.py
	@touch $@

$(DEV_STAMP): $(STAMP) $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	@$(BIN)/python scripts/check_lock.py --extras
	@touch $@

# Regenerate the locks from pyproject.toml: requirements.lock holds what building
# needs, requirements-dev.lock that plus every extra (its runtime pins constrained
# to requirements.lock's, so both install into one .venv). Each is pinned with
# the hashes of every file of each release (wheels for every Python and platform),
# one file for all Pythons from 3.11 (--universal), resolved from PyPI alone
# (--no-config ignores local uv settings). Pins already in the lock are kept;
# `make lock LOCK_FLAGS=--upgrade` moves everything to the newest versions.
LOCK_FLAGS ?=
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
		--generate-hashes --no-config --index-url https://pypi.org/simple --emit-index-annotation \
		--custom-compile-command "make lock" --quiet $(LOCK_FLAGS)
lock: $(VENV)/.created
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(UV_COMPILE) -o $(LOCK)
	$(UV_COMPILE) --all-extras --constraint $(LOCK) -o $(DEV_LOCK)

clean:
	rm -rf out site $(VENV) *.egg-info
