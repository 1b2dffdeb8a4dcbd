# Paradiplomacy compendium. `make help` lists the targets.
# Reviewers: `make all` (raw data -> book) and `make test`. Authors: `make lab` (JupyterLab on the project kernel).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV        := .venv
PY          := $(VENV)/bin/python
UV          := $(VENV)/bin/uv
UV_VERSION  := 0.13.8
STAMP       := $(VENV)/.installed
DEV_STAMP   := $(VENV)/.installed-dev
KERNEL      := $(VENV)/share/jupyter/kernels/paradiplomacy/kernel.json
# Python writes compiled modules (__pycache__, ignored by git, by the book and by the runner's tracing), so that
# kernels, test workers and subprocesses reuse them instead of compiling the package again, and pytest its rewritten
# test modules: collecting the tests took 13.5 s of CPU without them, 8.2 s with them, in each pytest-xdist worker.
unexport PYTHONDONTWRITEBYTECODE
# One BLAS thread per process (override from the environment): the models' matrices are small (a thousand rows by a
# few dozen columns), where OpenBLAS's threads cost more than they save, and far more on a busy machine: the SVD of a
# 1,013 x 32 design takes 0.8 ms on one thread and 19 ms on two when the cores are shared. Results are the same.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: help setup all run book pdf tex publishing questionnaires verify faults privacy test test-fast lint bench crawl lab dev lock clean clean-all browser

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

setup: $(STAMP) $(KERNEL) ## Create the virtual environment from the lock file and its Jupyter kernel (done by every target that needs it)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), f"Python 3.11 is required, found {sys.version.split()[0]}: set PYTHON_BOOT=/path/to/python3.11"'
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) --compile-bytecode -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --compile-bytecode --no-deps -e .
	@touch $@

# The project kernel (analysis/runner/lab.py): the venv's Python under the name JupyterLab and papermill look up.
$(KERNEL): $(STAMP)
	$(PY) -m analysis.runner.lab kernel

all: setup ## Raw data to built book: acquire, run changed notebooks in order, build the book
	$(PY) -m analysis.runner.pipeline
	$(PY) -m analysis.runner.book

run: setup ## Run the notebooks that need it (NB="20 30" to choose, FORCE=1 to force)
	$(PY) -m analysis.runner.pipeline $(NB) $(if $(FORCE),--force)

book: setup ## Build the HTML book from the executed notebooks (strict: warnings fail)
	$(PY) -m analysis.runner.book $(if $(FORCE),--force)

questionnaires: setup ## Write the LimeSurvey (.lss) and Qualtrics (.qsf) questionnaires from the codebooks to build/questionnaires
	$(PY) -m analysis.collect.questionnaire

pdf: setup tex ## Run the notebooks that need it, then build the book as PDF through LaTeX (book/_build/pdf/book.pdf, vector figures)
	$(PY) -m analysis.runner.pipeline
	$(PY) -m analysis.runner.pdf $(if $(FORCE),--force)

# Debian TeX Live for make pdf (pdflatex route, toolchain.md section 6) and the CJK package for Chinese place names.
TEX_PACKAGES := latexmk texlive-latex-extra texlive-fonts-recommended tex-gyre latex-cjk-chinese latex-cjk-chinese-arphic-gbsn00lp

tex: ## Make sure pdflatex, latexmk and CJKutf8 are there for make pdf (apt-get as root; about 2 minutes and 370 MB once)
	@{ command -v latexmk && command -v pdflatex && kpsewhich CJKutf8.sty; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian TeX Live for make pdf"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; \
	  else echo "make pdf needs TeX Live: install it (e.g. 'sudo apt-get install $(TEX_PACKAGES)')"; exit 1; fi; }

publishing: setup ## Check CITATION.cff, .zenodo.json, the licences and binder/; regenerate their generated parts from sources.yaml
	$(PY) -m analysis.runner.publishing --write

verify: setup ## Hash everything afresh: raw files against their declarations, outputs against the runner's records, stale chapters, the book
	$(PY) -m analysis.runner.verify

faults: setup ## The reviewer's fault catalogue: bad exports, seeds, crawls, interview projects (BUILD=1 adds tampered, read-only and killed builds); prints its table
	$(PY) -m analysis.runner.faults $(if $(BUILD),--build)

privacy: setup ## Scan data/processed, build/ and the built books for planted personal markers, e-mails and phone numbers
	$(PY) -m analysis.runner.privacy

# pytest-xdist: one worker per core (TEST_WORKERS=0 runs in one process, TEST_WORKERS=N on N workers); --dist loadgroup
# keeps the groups of tests/conftest.py on one worker each (the users of the notebook build, a module-scoped fixture's
# users). analysis/runner/bench.py (make bench WHAT=tests) times the same commands; make test lists its 15 slowest steps.
TEST_WORKERS ?= auto
PYTEST      := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

test: setup browser ## Unit tests, notebook checks (one under nbval), book build and a headless Chromium look, on all cores
	$(PYTEST) --durations=15

lint: $(STAMP) ## ruff: fix what can be fixed, then format the whole tree (make test checks both)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test-fast: setup ## Unit tests only (no notebooks, no book), on all cores
	$(PYTEST) -m "not slow"

browser: ## Make sure headless Chromium is there for the book test (apt-get as root)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian chromium for the book screenshot test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "make test needs Chromium: install it (e.g. 'sudo apt-get install chromium')"; exit 1; fi; }

bench: setup browser ## Benchmarks: rebuilds, runner overhead, test durations (build/bench.json; WHAT=tests, WHAT=rebuild or WHAT=crawl for one part)
	$(PY) -m analysis.runner.bench $(if $(WHAT),--only $(WHAT))

crawl: setup ## Crawl the team's seeds (data/raw/crawl/seeds.csv) into a new data/raw/crawl/<id>/ (RESUME=<id> continues one); without seeds, a SYNTHETIC demo on the local test web with a kill -9 halfway
	$(PY) -m analysis.runner.crawl $(if $(RESUME),--resume $(RESUME))

lab: setup $(DEV_STAMP) ## JupyterLab for authors on the project kernel: figures, tables and glued numbers show in the notebooks
	$(PY) -m analysis.runner.lab

dev: setup $(DEV_STAMP) ## Install the authors' environment (requirements-dev.lock: JupyterLab, jupyterlab-myst) without starting it

$(DEV_STAMP): requirements-dev.lock $(STAMP)
	$(UV) pip install --quiet --python $(PY) --compile-bytecode -r requirements-dev.lock
	@touch $@

lock: $(STAMP) ## Re-resolve requirements.txt into requirements.lock and requirements-dev.txt into requirements-dev.lock (commit all four)
	{ echo "# Full lock of the environment (Python 3.11), generated by 'make lock' from requirements.txt."; \
	  $(UV) pip compile --quiet --python $(PY) --no-header --no-annotate requirements.txt; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	{ echo "# Full lock of the authors' environment (requirements.lock plus JupyterLab), generated by 'make lock' from requirements-dev.txt."; \
	  $(UV) pip compile --quiet --python $(PY) --no-header --no-annotate -c requirements.lock requirements-dev.txt; } > requirements-dev.lock.new
	mv requirements-dev.lock.new requirements-dev.lock

clean: ## Remove everything the pipeline built (processed data, executed notebooks, book); keeps raw data and the venv
	rm -rf build book/_build data/processed

# The acquired public sources: the folders the registry declares (never the team's drop-in folders).
PUBLIC_SOURCES = $(shell sed -n 's/^- name: *//p' analysis/reference/sources.yaml)

clean-all: clean ## Also remove the acquired public sources, their MANIFEST and the venv (never data/raw/survey, crawl, frame)
	rm -rf $(addprefix data/raw/,$(PUBLIC_SOURCES)) data/MANIFEST data/raw/MANIFEST $(VENV)
