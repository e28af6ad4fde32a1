# The two commands of the README: `make book` and `make test`.
# Both create .venv and install requirements.txt on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
# The chapters that take longest to execute (benchmarks/README.md), then the others
SLOWEST := $(addprefix book/,$(addsuffix .ipynb,08_going_further 06_autoencoder 05_multiclass 07_convolution))
LONGEST_FIRST := $(filter $(NOTEBOOKS),$(SLOWEST)) $(filter-out $(SLOWEST),$(NOTEBOOKS))
# The chapters' stored outputs and nbval come from kernels with one thread for NumPy's
# BLAS and for OpenMP (scikit-learn): the number of threads moves a training's last
# digits, and so its results. (benchmarks/chapter_times.py sets the same.)
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

.PHONY: book test unit notebooks nbval browser live benchmark chapter-times clean workbook

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.oracle: $(STAMP) requirements-oracle.txt
	$(BIN)/pip install -q -r requirements-oracle.txt
	touch $@

## book: build the website into _build/html (executes nothing; outputs are stored)
## (the workbook first: the introduction links its zip, which the site then carries)
book: $(STAMP) workbook
	$(BIN)/jupyter-book build . -W -n --keep-going

# The workbook's builder needs nbconvert, NumPy and diy_nn only, not the whole of
# requirements.txt (a teacher who only builds the workbook installs no Jupyter Book).
$(VENV)/.workbook: requirements-workbook.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-workbook.txt
	touch $@

## workbook: the student edition, skeletons to fill in: workbook/NN_x.ipynb (committed:
## Binder and Colab open them) and _build/workbook/diy_nn-workbook.zip (on the website)
workbook: $(VENV)/.workbook
	$(BIN)/python tools/build_workbook.py

## test: unit tests (with the PyTorch oracle), re-execute every chapter with nbval,
## build the website and open every page in headless Chromium, then run two
## chapters live in JupyterLab and Notebook 7
test: unit nbval browser live

unit: $(VENV)/.oracle
	DIY_NN_REQUIRE_TORCH=1 $(BIN)/python -m pytest tests

# MATPLOTLIBRC: plt.show() fails on a figure whose titles overlap (diy_nn.book.figcheck).
# Two chapters at a time (pytest-xdist), each whole in one worker and one kernel
# (--dist loadfile), the longest first so that the two workers end together, with one
# BLAS and OpenMP thread a process: two processes of two BLAS threads each on two cores
# ran 5 times slower than with one (benchmarks/README.md, "The book's own time").
nbval: $(STAMP)
	$(ONE_THREAD) MATPLOTLIBRC=$(CURDIR)/.ci/matplotlibrc $(BIN)/python -m pytest --nbval-lax \
		--nbval-current-env -p no:cacheprovider --nbval-sanitize-with .ci/nbval-sanitize.cfg \
		-n 2 --dist loadfile --no-loadscope-reorder $(LONGEST_FIRST)

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

## live: run chapters 1 and 2 in JupyterLab and Notebook 7 (one local server, headless
## Chromium) as a student does: read them, Run All, move a slider, answer a checker and
## a self-check (tests/live; screenshots in _build/live)
live: $(VENV)/.test
	.ci/ensure-tools
	$(BIN)/python -m pytest -p no:cacheprovider tests/live

## notebooks: re-execute every chapter and store its outputs and widget state
notebooks: $(STAMP)
	# MPLBACKEND=Agg (as .ci/run sets it) would keep the figures out of the stored outputs.
	# MATPLOTLIBRC: as in nbval, a figure whose titles overlap fails the run.
	# No timing metadata: a re-executed cell changes only where its output does.
	# One chapter at a time: two kernels started together can get the same TCP port
	# (conftest.py).
	env -u MPLBACKEND $(ONE_THREAD) MATPLOTLIBRC=$(CURDIR)/.ci/matplotlibrc \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False $(NOTEBOOKS)

## benchmark: diy_nn against PyTorch and a bare NumPy loop (three networks, each library
## in its own fresh process, one table), the memory of chapter 8's network, and where a
## training step's time goes; writes benchmarks/results/ (the book's page on speed shows it)
benchmark: $(VENV)/.oracle
	$(BIN)/python benchmarks/profile_step.py --network conv1d \
		--text benchmarks/results/profile_conv1d.txt --json benchmarks/results/profile_conv1d.json
	# 1 thread: the histories differ by less than two threads' two speeds (below)
	$(BIN)/python benchmarks/process_state.py --network conv1d --threads 1 \
		--text benchmarks/results/process_state.txt --json benchmarks/results/process_state.json
	# 2 threads (the targets): 9 rounds, since on a shared 2-core machine a process's
	# two threads run at one of two speeds (benchmarks/README.md); 1 thread: steadier.
	# The 1-thread run goes first: run.py exits with 1 when a target is missed.
	-$(BIN)/python benchmarks/run.py --threads 1 --rounds 7 --no-old-way \
		--out benchmarks/results/1-thread
	$(BIN)/python benchmarks/run.py --memory --rounds 9 --out benchmarks/results

## chapter-times: execute each chapter in a fresh kernel, write the times into benchmarks/README.md
chapter-times: $(STAMP)
	$(BIN)/python benchmarks/chapter_times.py

clean:
	rm -rf _build
