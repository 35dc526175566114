# xborder — two commands: `make demo` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
LOCK   := requirements.lock

.PHONY: demo test test-fast lint typecheck install install-dev lock clean bench docs-data-model

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "xborder needs Python 3.11 or newer (found %s)" % sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Default install (what a user needs for `xborder demo`, the report and the web app).
$(VENV)/.installed: $(BIN)/python pyproject.toml $(LOCK)
	$(PIP) install -q -c $(LOCK) -e ".[web]"
	@touch $@

# Development install: tests, linters, and the distributed engines the tests exercise (Dask, Spark, Ray).
$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -q -c $(LOCK) -e ".[web,dev,dask,spark,ray]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	@# The PDF report needs Chromium and a CJK font; install them when missing and we are root (Debian).
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	  || echo "warning: could not install chromium; the demo report will have HTML and Excel but no PDF"; fi
	$(BIN)/xborder demo

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q --durations=25

test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -m "not slow and not scale and not browser"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

bench: $(VENV)/.installed-dev
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

docs-data-model: $(VENV)/.installed
	$(BIN)/python -m xborder.warehouse.docs > docs/data-model.md

# Regenerate the lock file from a fresh resolution of pyproject.toml (maintainers only).
lock:
	rm -rf /tmp/xborder-lock-venv && $(PYTHON) -m venv /tmp/xborder-lock-venv
	/tmp/xborder-lock-venv/bin/python -m pip install -q -e ".[web,dev,dask,spark,ray,nlp]"
	/tmp/xborder-lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > $(LOCK)

clean:
	rm -rf $(VENV) build dist *.egg-info xborder.duckdb xborder-report
