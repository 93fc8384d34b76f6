# Jejaring. The two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
VENDOR := src/jejaring/web/static/vendor
STAMP := $(VENV)/.installed

.PHONY: run test install assets bytecode lint typecheck pytest clean lock

run: install bytecode
	$(VENV)/bin/jejaring serve

test: install bytecode
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

install: $(STAMP) $(VENDOR)/.installed

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $(STAMP)

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/
	cp node_modules/world-atlas/countries-110m.json $(VENDOR)/
	touch $@

assets: $(VENDOR)/.installed

# Bytecode of the project's own modules, written ahead: where PYTHONDONTWRITEBYTECODE is set (as on the CI
# machines), Python never caches it and every process compiled ~2,500 modules again (4 s of each command's 5 s).
bytecode:
	$(PY) -m compileall -q -j 0 src tests benchmarks

# Re-resolve the pinned Python dependencies after editing pyproject.toml.
lock:
	$(UV) pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 -q

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
