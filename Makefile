# Two commands on a fresh machine: `make leaflets` builds every default leaflet
# into out/, `make test` runs the tests. Both create .venv and install what is
# needed from requirements.lock (exact versions, checked by hash); they need
# only Python 3.11 or newer, make and the Pango and HarfBuzz-subset libraries.
#
# Choose the Python with PYTHON, e.g. `make PYTHON=python3.13 test`: a name on
# PATH, a path, or a version installed with pyenv. When the Python changes,
# .venv is made again from scratch.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock

# The interpreter PYTHON names: on PATH, else in pyenv's versions (whose shims
# refuse versions that are not selected). Its identity says when to remake .venv.
PYTHON_EXE := $(or $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null),\
	$(lastword $(wildcard $(shell pyenv root 2>/dev/null)/versions/*/bin/$(PYTHON))),$(PYTHON))
PYTHON_ID := $(shell $(PYTHON_EXE) -c 'import sys; print(sys.version.split()[0], sys.base_prefix)' 2>/dev/null)

.PHONY: leaflets test lint check list bench lock clean FORCE

leaflets: $(STAMP)
	$(BIN)/leaflets build

test: $(STAMP)
	$(BIN)/python -m pytest

# Both run, so one run shows every finding; fails if either finds anything.
lint: $(STAMP)
	@status=0; $(BIN)/ruff check . || status=1; $(BIN)/mypy || status=1; exit $$status

check: $(STAMP)
	$(BIN)/leaflets check

list: $(STAMP)
	$(BIN)/leaflets list

bench: $(STAMP)
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
# pyproject.toml needs something (extras included) that the lock lacks.
$(STAMP): pyproject.toml $(LOCK) $(VENV)/.created
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(BIN)/python scripts/check_lock.py
	@touch $@

# Regenerate the lock from pyproject.toml: every dependency and extra pinned, with
# the hashes of every file of each release (wheels for every Python and platform),
# one file for all Pythons from 3.11 (--universal), resolved from PyPI alone
# (--no-config ignores local uv settings). Pins already in the lock are kept;
# `make lock LOCK_FLAGS=--upgrade` moves everything to the newest versions.
LOCK_FLAGS ?=
lock: $(VENV)/.created
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
		--generate-hashes --no-config --index-url https://pypi.org/simple --emit-index-annotation \
		--custom-compile-command "make lock" --quiet $(LOCK_FLAGS) -o $(LOCK)

clean:
	rm -rf out $(VENV) *.egg-info
