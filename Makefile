# Read the notebooks as a site (`make docs`), work in them (`make lab`), run the experiment (`make experiment`),
# test (`make test`); each installs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install experiment test test-all export readme notebooks results clean bench docs lab

install: $(STAMP)

$(STAMP): settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The main experiment: SENCEBGAN on the bundled NanoTWICE (thesis protocol on a GPU, `quick` on CPU).
experiment: install
	$(BIN)/ebgan-ad experiment

# The notebooks as a static site in _docs/ (open _docs/index.html), from their saved outputs: nothing is executed, nothing fetched.
docs: install
	$(BIN)/python docs/build.py

# JupyterLab on nbs/, with the project's kernel (.venv's python). LAB_ARGS adds options, e.g. LAB_ARGS="--no-browser --port 8899".
# Jupyter refuses root unless told; containers and CI run as root.
lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir=nbs $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Every notebook's embedded tests (cells flagged slow/gpu are skipped), then tests/, each on two processes (pytest-xdist;
# what several tests share, the GPU plan's tiny run and the site, is made once under a lock, tests/conftest.py). One thread per process
# (OMP_NUM_THREADS=1): tiny tensors gain nothing from more, and on a busy machine a second thread that waits for a
# busy core made a tiny fit six times slower (31 s against 5 s).
TEST_ENV := OMP_NUM_THREADS=1 MPLBACKEND=Agg
PYTEST   := $(BIN)/python -m pytest -n 2 --dist loadgroup
test: install
	$(TEST_ENV) $(BIN)/nbdev_test --n_workers 2 --timing
	$(TEST_ENV) $(PYTEST) -q -rs tests

# Also the cells flagged slow and gpu (needs time, and a GPU for the gpu ones).
test-all: install
	$(BIN)/nbdev_test --n_workers 1 --flags "slow gpu"
	$(TEST_ENV) $(PYTEST) -q tests

export: install
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean
	$(BIN)/python .ci/make_readme.py

# Re-execute every notebook in place (slow cells included) so the outputs readers see are current.
notebooks: install
	$(BIN)/python .ci/run_notebooks.py

# Training and scoring throughput on this machine, written to results/bench/<cpu|cuda>.json (`make bench ARGS=--quick`: smoke run).
bench: install
	$(BIN)/ebgan-ad bench $(ARGS)

# Re-tabulate the committed runs in results/ (tables, figures, results/README.md), then refresh README.md.
results: install
	$(BIN)/python .ci/run_notebooks.py 10_results 10a_result_figures
	$(BIN)/python .ci/make_readme.py

readme:
	$(BIN)/python .ci/make_readme.py

clean:
	rm -rf $(VENV) _docs _proc build dist *.egg-info .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
