# One command to set up and run the main job, one to set up and run the tests.
# Both create .venv on first use (and again when pyproject.toml changes): `make demo` installs
# only what the demo uses (the base package), `make test` adds the dev, web and spark extras.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint bench clean browser realdata crosslang-data

# --no-compile: Python compiles the modules a run imports on first use, instead of pip compiling
# every module of every dependency up front.
$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile -e .
	touch $@

$(VENV)/.installed: $(VENV)/.base
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: $(VENV)/.base  ## analyze the bundled examples/ corpus into out/
	rm -f out/variorum.db out/variorum.db-wal out/variorum.db-shm
	$(BIN)/variorum analyze examples/ -o out/
	@echo "run variorum as $(BIN)/variorum (or after: . $(BIN)/activate), e.g. $(BIN)/variorum families --db out/variorum.db"

# Browser tests drive Debian's chromium through Playwright (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@chromium --version 2>/dev/null

# The real development corpus (tests/real_corpus.py) is built from these Debian packages.
REALDATA_PACKAGES = $(shell grep -v '^\s*\#' tests/realdata/packages.txt | sed 's/\#.*//')
realdata:
	@missing=$$(for p in $(REALDATA_PACKAGES); do \
		dpkg-query -W -f='$${db:Status-Abbrev}' $$p 2>/dev/null | grep -q '^ii' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; fi

# The cross-language evaluation set is rendered from Debian's translated manual pages.
crosslang-data:
	@PKGS=$$(sed 's/#.*//' tests/crosslang/packages.txt | xargs); \
	MISSING=$$(for p in $$PKGS; do dpkg-query -W -f '$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	[ -z "$$MISSING" ] || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$MISSING >/dev/null; }

test: $(VENV)/.installed browser realdata crosslang-data  ## lint, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2 --dist loadgroup

lint: $(VENV)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(VENV)/.installed  ## scale benchmark (by hand, not in CI)
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
