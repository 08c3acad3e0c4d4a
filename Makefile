# tongban — the two commands that matter: `make run` and `make test`. Both start from a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export TONGBAN_VAR_DIR ?= $(CURDIR)/var

.PHONY: setup run test test-fast fuzz mutation screenshots assets chromium messages clean

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

messages:  ## recompile tongban/locale/*.po after editing it (needs gettext's msgfmt); commit the .mo
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext)
	for po in tongban/locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "$${po%.po}.mo" "$$po"; done

fuzz: setup  ## schemathesis over the whole OpenAPI as two personas, on a throwaway copy of the demo (docs/testing.md)
	bash scripts/fuzz.sh

$(VENV)/.installed-mutation: $(VENV)/.installed requirements-mutation.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-mutation.txt
	touch $@

MUTATION_CHILDREN ?= 2
mutation: setup $(VENV)/.installed-mutation  ## mutmut over scopes, calendar, clocks and figures; the score per module (docs/testing.md)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) > mutants.log 2>&1 || (tail -c 3000 mutants.log; exit 1)
	$(BIN)/python scripts/mutation_scores.py

clean:
	rm -rf $(VENV) node_modules tongban/static/vendor var mutants mutants.log
