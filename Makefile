# The two commands of the README: `make book` and `make test`.
# Both create .venv and install requirements.txt on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))

.PHONY: book test unit notebooks nbval browser benchmark clean workbook

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.oracle: $(STAMP) requirements-oracle.txt
	$(BIN)/pip install -q -r requirements-oracle.txt
	touch $@

## book: build the website into _build/html (executes nothing; outputs are stored)
## (the workbook first: the introduction links its zip)
book: $(STAMP) workbook
	$(BIN)/jupyter-book build . -W -n --keep-going

## workbook: the student edition, skeletons to fill in, into _build/workbook (+ its zip)
workbook: $(STAMP)
	$(BIN)/python tools/workbook.py --out _build/workbook

## test: unit tests (with the PyTorch oracle), re-execute every chapter with nbval,
## then build the website and open every page in headless Chromium
test: unit nbval browser

unit: $(VENV)/.oracle
	DIY_NN_REQUIRE_TORCH=1 $(BIN)/python -m pytest tests

# MATPLOTLIBRC: plt.show() fails on a figure whose titles overlap (diy_nn.figcheck).
nbval: $(STAMP)
	MATPLOTLIBRC=$(CURDIR)/.ci/matplotlibrc $(BIN)/python -m pytest --nbval-lax --nbval-current-env \
		-p no:cacheprovider --nbval-sanitize-with .ci/nbval-sanitize.cfg book

## browser: build the site, serve it on localhost, open every page in headless Chromium
## (tests/browser; Chromium and npm come from apt-get when missing and run as root)
BROWSER_ASSETS := tests/browser/node_modules/.installed

$(VENV)/.test: $(STAMP) requirements-test.txt
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

$(BROWSER_ASSETS): tests/browser/package.json
	.ci/ensure-tools
	tests/browser/fetch-assets

browser: $(VENV)/.test $(BROWSER_ASSETS) book
	.ci/ensure-tools
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser/site_check.py

## notebooks: re-execute every chapter and store its outputs and widget state
notebooks: $(STAMP)
	# MPLBACKEND=Agg (as .ci/run sets it) would keep the figures out of the stored outputs.
	# MATPLOTLIBRC: as in nbval, a figure whose titles overlap fails the run.
	env -u MPLBACKEND MATPLOTLIBRC=$(CURDIR)/.ci/matplotlibrc \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace $(NOTEBOOKS)

## benchmark: diy_nn against PyTorch and a bare NumPy loop, one epoch of an MLP
benchmark: $(VENV)/.oracle
	$(BIN)/python benchmarks/bench_mlp.py
	$(BIN)/python benchmarks/bench_conv1d.py
	$(BIN)/python benchmarks/bench_conv2d.py --memory

clean:
	rm -rf _build
