# tongban — the two commands that matter: `make run` and `make test`. Both start from a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export TONGBAN_VAR_DIR ?= $(CURDIR)/var

.PHONY: setup run test test-fast fuzz screenshots assets chromium clean

setup: $(VENV)/.installed tongban/static/vendor/.built
	$(BIN)/tongban collectstatic --noinput -v0
	$(BIN)/tongban migrate --noinput -v0
	$(BIN)/tongban demo

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

tongban/static/vendor/.built: node_modules/.package-lock.json scripts/build-assets.mjs
	node scripts/build-assets.mjs
	touch $@

assets: tongban/static/vendor/.built

run: setup
	$(BIN)/tongban serve --addr 127.0.0.1:8000

chromium:
	bash scripts/ensure-chromium.sh

test: setup chromium
	$(BIN)/pytest -q

screenshots: setup chromium  ## refresh the README's pictures from the browser tests
	TONGBAN_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/pytest -q -m browser

test-fast: setup
	$(BIN)/pytest -q -m "not browser"

fuzz: setup  ## schemathesis over the whole OpenAPI as two personas, on a throwaway copy of the demo (docs/testing.md)
	bash scripts/fuzz.sh

clean:
	rm -rf $(VENV) node_modules tongban/static/vendor var
