# Two commands set everything up on a fresh machine:
#   make demo   runs the lecture's 2-3-1 example (one full step: forward, backprop, update)
#   make test   runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,plot,lint,png]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/nnstep

test: $(STAMP)
	$(BIN)/python -m pytest -q

# ruff (lint and format) and mypy, configured in pyproject.toml; .ci/run runs this too
lint: $(STAMP)
	$(BIN)/ruff check nnstep tests benchmarks
	$(BIN)/ruff format --check nnstep tests benchmarks
	$(BIN)/mypy

# The speed ratios of the README (benchmarks/bench.py). OpenBLAS's core-type override is lifted
# for this command alone, so that numpy runs the kernel of this processor; PyTorch is measured
# when it is installed in .venv (pip install torch), skipped otherwise.
bench: $(STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV)
