# Two commands set everything up on a fresh machine:
#   make demo   runs the lecture's 2-3-1 example (one full step: forward, backprop, update)
#   make test   runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bytecode clean

# After installing, nnstep's own modules are compiled to bytecode once, as pip does for the
# libraries it installs: an editable install leaves none, and where PYTHONDONTWRITEBYTECODE is set
# Python never writes any, so every command would compile nnstep's sources again. (compileall
# writes whatever that variable says; a changed source is compiled again in memory until the
# next `make`.)
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,plot,lint,png]'
	$(BIN)/python -m compileall -q nnstep
	touch $(STAMP)

bytecode: $(STAMP)
	$(BIN)/python -m compileall -q nnstep

demo: bytecode
	$(BIN)/nnstep

test: bytecode
	$(BIN)/python -m pytest -q

# ruff (lint and format) and mypy, configured in pyproject.toml; .ci/run runs this too
lint: $(STAMP)
	$(BIN)/ruff check nnstep tests benchmarks
	$(BIN)/ruff format --check nnstep tests benchmarks
	$(BIN)/mypy

# The speed ratios of the README (benchmarks/bench.py). OpenBLAS's core-type override is lifted
# for this command alone, so that numpy runs the kernel of this processor; PyTorch is measured
# when it is installed in .venv (pip install torch), skipped otherwise.
bench: bytecode
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV)
