# Two commands on a fresh machine: `make leaflets` builds every default leaflet
# into out/, `make test` runs the tests. Both create .venv and install what is
# needed; they need only python3, make and the Pango and HarfBuzz-subset libraries.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: leaflets test check list bench clean

leaflets: $(STAMP)
	$(BIN)/leaflets build

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/leaflets check

list: $(STAMP)
	$(BIN)/leaflets list

bench: $(STAMP)
	$(BIN)/python bench/run.py

$(STAMP): pyproject.toml
	@$(PYTHON) scripts/check_system.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf out $(VENV) *.egg-info
