# The two commands of the README: `make book` and `make test`.
# Both create .venv and install requirements.txt on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))

.PHONY: book test unit notebooks nbval benchmark clean

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.oracle: $(STAMP) requirements-oracle.txt
	$(BIN)/pip install -q -r requirements-oracle.txt
	touch $@

## book: build the website into _build/html (executes nothing; outputs are stored)
book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

## test: unit tests (with the PyTorch oracle), then re-execute every chapter with nbval
test: unit nbval

unit: $(VENV)/.oracle
	DIY_NN_REQUIRE_TORCH=1 $(BIN)/python -m pytest tests

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider \
		--nbval-sanitize-with .ci/nbval-sanitize.cfg book

## notebooks: re-execute every chapter and store its outputs and widget state
notebooks: $(STAMP)
	# MPLBACKEND=Agg (as .ci/run sets it) would keep the figures out of the stored outputs.
	env -u MPLBACKEND $(BIN)/jupyter nbconvert --to notebook --execute --inplace $(NOTEBOOKS)

## benchmark: diy_nn against PyTorch and a bare NumPy loop, one epoch of an MLP
benchmark: $(VENV)/.oracle
	$(BIN)/python benchmarks/bench_mlp.py

clean:
	rm -rf _build
