# One entry point for every task. `make site` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
# Python's bytecode caches (__pycache__/, git-ignored) stay on where the environment turns them off:
# otherwise every build process and every pytest worker compiles the package, the tests and
# pytest's assertion rewrites from source again (about 0.1 CPU s per build, 0.9 s per worker).
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DOCS := docs
# The npm packages (axe-core and vnu-jar for the tests, the editor for the published site). Every
# variable is defined here, before the rules: make expands a rule's prerequisites when it reads it.
NODE_STAMP := node_modules/.installed
# The stamp holds the checksum of the two files npm ci installs from: a lock file that differs from
# the installed one runs npm ci whatever its modification time says (a copy or a restored cache
# that kept older times, a file system with coarse times, a lock changed while npm ci ran).
NODE_SUM := $(shell cat package.json package-lock.json 2>/dev/null | cksum)

.PHONY: help venv site serve schrijven aanmelden check schema test lint typecheck lock clean new node goldens versie linkcheck linkcheck-external bench-pdf wijzigingen \
  venv-properdocs site-properdocs lock-properdocs

help: ## Show the tasks
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-20s %s\n", $$1, $$2}'

SYSTEM_STAMP := $(VENV)/.system-packages
WRITE_SYSTEM_STAMP := $(VENV)/.system-packages-write

# Debian packages (browser, PDF tools) from scripts/system-packages.txt, re-checked when the list
# changes: for the build, its checks and the tests (`make site`, `make test`, `make serve`).
$(SYSTEM_STAMP): scripts/system-packages.txt scripts/install-system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	scripts/install-system-deps.sh
	@touch $@

# What writing needs and nothing more (git; `make schrijven`, `make new`, `make check`).
$(WRITE_SYSTEM_STAMP): scripts/system-packages-write.txt scripts/install-system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	scripts/install-system-deps.sh system-packages-write.txt
	@touch $@

$(STAMP): requirements.lock pyproject.toml $(WRITE_SYSTEM_STAMP)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the locked dependencies

check: $(STAMP) ## Check the front matter of every page (fast), and the links of site/ if it exists
	$(PY) scripts/check_frontmatter.py $(DOCS)
	@if [ -d site ]; then $(PY) -m koppelkansen.check.links site --docs $(DOCS); else echo "Geen site/: linkcontrole overgeslagen (eerst make site)."; fi

# The build checks the front matter itself (the plugin, before anything is rendered), so the check
# is not run twice here.
site: $(STAMP) $(SYSTEM_STAMP) $(NODE_STAMP) ## Check the front matter and build site/ (strict; the editor from node_modules)
	$(PY) -m koppelkansen build --config-file mkdocs.yml --site-dir site

serve: $(STAMP) $(SYSTEM_STAMP) $(NODE_STAMP) ## Live preview on http://127.0.0.1:8000
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

serve-pdf: $(STAMP) $(SYSTEM_STAMP) $(NODE_STAMP) ## Live preview with the PDFs, re-typeset after every save (docs-dev/pdf.md)
	KOPPELKANSEN_PDF=1 $(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

schema: $(STAMP) ## Update the editor schema from docs/schema/vocabulary.yml
	$(PY) -m koppelkansen schema $(DOCS)

# The values reach the program through the environment, never through the shell line: a title with
# backticks, quotes or $(...) is kept as text. $(value ...) stops make from expanding them too.
# Make exports command-line variables to every recipe, expanding them first (a $(shell ...) in a
# value would run): `unexport` keeps the raw names out, only the KK_... copies reach the program.
NEW_VARS := TYPE TITEL CASUS RONDE DATUM SOORT THEMAS ORGANISATIES MAP
$(foreach var,$(NEW_VARS),$(eval new: export KK_NEW_$(var) := $$(value $(var))))
unexport $(NEW_VARS)

new: $(STAMP) ## New page: make new TYPE=sessie CASUS=haven-stad TITEL="..." [SOORT= RONDE= DATUM= MAP=]
	$(PY) -m koppelkansen nieuw "$$KK_NEW_TYPE" --titel "$$KK_NEW_TITEL" \
	  $${KK_NEW_CASUS:+--casus "$$KK_NEW_CASUS"} $${KK_NEW_RONDE:+--ronde "$$KK_NEW_RONDE"} \
	  $${KK_NEW_DATUM:+--datum "$$KK_NEW_DATUM"} $${KK_NEW_SOORT:+--soort "$$KK_NEW_SOORT"} \
	  $${KK_NEW_THEMAS:+--themas "$$KK_NEW_THEMAS"} \
	  $${KK_NEW_ORGANISATIES:+--organisaties "$$KK_NEW_ORGANISATIES"} \
	  $${KK_NEW_MAP:+--map "$$KK_NEW_MAP"} --docs $(DOCS)

# As for `make new`: the values reach the program unexpanded through KK_VERSIE_... in the
# environment, never through the shell line; the raw names are not exported.
VERSIE_VARS := NAAM DATUM OVERLEG
$(foreach var,$(VERSIE_VARS),$(eval versie: export KK_VERSIE_$(var) := $$(value $(var))))
unexport $(VERSIE_VARS)

versie: $(STAMP) ## Make a version (git tag): make versie NAAM="..." DATUM=2018-10-31 [OVERLEG=directieoverleg/2018-10-31]
	$(PY) -m koppelkansen versie --naam "$$KK_VERSIE_NAAM" --datum "$$KK_VERSIE_DATUM" \
	  --overleg "$$KK_VERSIE_OVERLEG" --docs $(DOCS)

# As for `make new`: SINDS reaches the program unexpanded as KK_SINDS; the raw name is not exported.
$(eval wijzigingen: export KK_SINDS := $$(value SINDS))
unexport SINDS

# The change site of a proposal has no browser editor, so it needs no npm packages.
wijzigingen: $(STAMP) ## Change page and PDF of the working tree against a ref: make wijzigingen SINDS=main
	$(PY) -m koppelkansen wijzigingen --sinds "$$KK_SINDS" --docs $(DOCS) --site-dir site-wijzigingen

# axe-core and vnu-jar for the quality gates, and the browser editor (decap-cms, decap-server),
# exactly as package-lock.json pins them.
# npm's own lines (hundreds of English deprecation warnings) go to a log; on failure its end is shown.
NPM_LOG := .cache/npm-ci.log
ifneq ($(NODE_SUM),$(shell cat $(NODE_STAMP) 2>/dev/null))
.PHONY: $(NODE_STAMP)
endif
$(NODE_STAMP): package.json package-lock.json
	@mkdir -p $(dir $(NPM_LOG))
	@echo "npm-pakketten installeren (een paar minuten; verslag in $(NPM_LOG))"
	@npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >$(NPM_LOG) 2>&1 || \
	  { tail -n 20 $(NPM_LOG) >&2; echo "npm ci is mislukt; het hele verslag staat in $(NPM_LOG)." >&2; exit 1; }
	@echo '$(NODE_SUM)' > $@

node: $(NODE_STAMP) ## Install the npm packages (test tools, the editor) from package-lock.json

# The editor against this checkout (docs-dev/editor.md): koppelkansen/editor/local.py starts the
# guarded editor server (decap-server's git mode, writes only pages and media below docs/, for
# the editor's page only) and the live preview, both on 127.0.0.1, and prints the address last.
# Only Python, Node and git: no browser, Java or PDF tools (those are for `make site`/`make test`).
EDITOR_PORT ?= 8081
SITE_PORT ?= 8000
schrijven: $(STAMP) $(NODE_STAMP) ## Write in the browser: the editor on http://127.0.0.1:8000/plannen/admin/ and the live site beside it
	@$(PY) -m koppelkansen.editor.local --site-port $(SITE_PORT) --editor-port $(EDITOR_PORT)

# The editor's OAuth provider for GitHub sign-in (koppelkansen/editor/oauth.py; the same as
# deploy/aanmelden/Containerfile). Its settings come from the environment only (docs-dev/editor.md).
aanmelden: $(STAMP) ## The OAuth provider for the editor's GitHub sign-in on 127.0.0.1:8090 (settings: docs-dev/editor.md)
	$(PY) -m koppelkansen.editor.oauth

# The published editor's sign-in, tried on this computer: the site built for a stand-in for GitHub,
# the stand-in and the real OAuth provider, all on 127.0.0.1 (koppelkansen/editor/trial.py).
proef-aanmelden: $(STAMP) $(NODE_STAMP) ## Try the published editor's sign-in against a stand-in for GitHub, on this computer (Ctrl+C stops it)
	@$(PY) -m koppelkansen.editor.trial

linkcheck: site ## Build site/ and check every internal link, anchor and PDF link in it
	$(PY) -m koppelkansen.check.links site --docs $(DOCS)

linkcheck-external: site ## Also fetch the external links (timeouts, retries, per-host rate limit, cache)
	$(PY) -m koppelkansen.check.links site --docs $(DOCS) --external

lint: $(STAMP) ## Lint and formatting check (ruff)
	$(VENV)/bin/ruff check koppelkansen scripts tests
	$(VENV)/bin/ruff format --check koppelkansen scripts tests

typecheck: $(STAMP) ## Type check the package (mypy, settings in pyproject.toml)
	$(VENV)/bin/mypy

PYTEST_WORKERS ?= 2
# pytest-golden warns on every run that the assertion pass hook is off; it is off on purpose (it
# slows every assert), and `make goldens` turns it on for the run that writes expected lists.
QUIET_GOLDEN := PYTHONWARNINGS=ignore::Warning:pytest_golden.plugin
test: lint typecheck $(SYSTEM_STAMP) $(NODE_STAMP) ## Lint, types, then the whole test suite (on PYTEST_WORKERS=2 workers)
	$(QUIET_GOLDEN) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder

goldens: $(STAMP) $(SYSTEM_STAMP) ## Write the `expected` lists of the front-matter check's golden cases (tests/golden/check/)
	$(PY) -m pytest -o enable_assertion_pass_hook=true --update-goldens tests/test_check_golden.py::test_check_messages_match_the_golden_cases

bench-pdf: $(STAMP) $(SYSTEM_STAMP) ## Benchmark: the PDF bundle of a 200-page corpus (wall time, peak memory)
	$(PY) -m scripts.bench.pdf_bundle --pages 200

# --- ProperDocs: the maintained drop-in fork of MkDocs 1.x (docs-dev/properdocs.md) ---------------
PD_VENV := .venv-properdocs
PD_PY := $(PD_VENV)/bin/python
PD_STAMP := $(PD_VENV)/.installed

$(PD_STAMP): requirements-properdocs.lock pyproject.toml $(SYSTEM_STAMP)
	@test -x $(PD_PY) || $(PYTHON) -m venv $(PD_VENV)
	$(PD_PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-properdocs.lock
	$(PD_PY) -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	@touch $(PD_STAMP)

venv-properdocs: $(PD_STAMP) ## Create .venv-properdocs: ProperDocs instead of MkDocs (requirements-properdocs.lock)

site-properdocs: $(PD_STAMP) $(NODE_STAMP) ## Build site-properdocs/ and the PDFs with ProperDocs, then check its links
	@if $(PD_PY) -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("mkdocs") is None)'; then \
	  echo "$(PD_VENV) bevat mkdocs; deze build moet zonder MkDocs draaien." >&2; exit 1; fi
	$(PD_PY) -m koppelkansen build --engine properdocs --config-file mkdocs.yml --site-dir site-properdocs
	$(PD_PY) -m koppelkansen.check.links site-properdocs --docs $(DOCS)

lock-properdocs: ## Re-resolve requirements-properdocs.lock from requirements-properdocs.in (needs the network)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip compile requirements-properdocs.in --override requirements-properdocs.overrides \
	  --generate-hashes --python-version 3.11 --quiet -o requirements-properdocs.lock

lock: ## Re-resolve requirements.lock from pyproject.toml, and the OAuth provider's container lock (needs the network)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --generate-hashes --python-version 3.11 --quiet -o requirements.lock
	$(VENV)/bin/uv pip compile deploy/aanmelden/requirements.in --generate-hashes --python-version 3.11 --quiet -o deploy/aanmelden/requirements.lock

clean: ## Remove build output and the virtual environment
	rm -rf site .site.building .site.old .cache $(VENV) .pytest_cache site-properdocs $(PD_VENV) site-wijzigingen

.PHONY: bench bench-all bench-quick serve-pdf
bench: $(STAMP) $(SYSTEM_STAMP) $(NODE_STAMP) ## The issue-11 and issue-22 figures (~16 min; one section: BENCH_ARGS="--only scale"); writes bench/results.md
	$(PY) -m scripts.bench.run $(BENCH_ARGS)

bench-all: $(STAMP) $(SYSTEM_STAMP) $(NODE_STAMP) ## Also the WeasyPrint peers, the check and 1,000/10,000-page scaling (slow: ~1 h)
	$(PY) -m scripts.bench.run --all $(BENCH_ARGS)

bench-quick: $(STAMP) $(SYSTEM_STAMP) $(NODE_STAMP) ## The benchmarks on small corpora, one run each (for development)
	$(PY) -m scripts.bench.run --quick --output .bench/results-quick.md $(BENCH_ARGS)
