# mmadmd: `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
WHEEL_CACHE ?= $(HOME)/.cache/mmadmd/wheels
PYTEST_ARGS ?= -n 2 --durations=15
# STACK=pinned (default): the verified stack, requirements/constraints.txt,
# in .venv. STACK=min: the lower bounds of requirements/runtime.txt,
# requirements/constraints-min.txt, in .venv-min (`make test STACK=min`
# runs the unit tests there; docs/installation.md).
STACK ?= pinned
ifeq ($(STACK),pinned)
VENV ?= .venv
CONSTRAINTS := requirements/constraints.txt
else ifeq ($(STACK),min)
VENV ?= .venv-min
CONSTRAINTS := requirements/constraints-min.txt
PYTEST_ARGS += -m "not e2e"
else
$(error STACK=$(STACK): use STACK=pinned (the default) or STACK=min)
endif
PY := $(VENV)/bin/python
# Re-run set-up when any of these change.
SETUP_INPUTS := tools/setup_env.sh setup.py $(CONSTRAINTS) \
	$(addprefix requirements/,runtime.txt rotated.txt tests.txt optional.txt)
STAMP := $(VENV)/.mmadmd-stamp

export PYTHON VENV WHEEL_CACHE CONSTRAINTS

.PHONY: install demo demo-rotated test test-fast benchmark benchmark-cost docs clean-venv help

help:
	@echo "make demo     set up (once), then distill a detector on built-in data"
	@echo "make demo-rotated  the same with DOTA-layout scenes and rotated RetinaNet"
	@echo "make test     set up (once), then run the test suite"
	@echo "make test-fast  the unit tests only (no training, no subprocess tools)"
	@echo "make benchmark       mini accuracy benchmark vs PKD/CWD/MGD/FBKD/FitNet/FGD (~2 h, resumable)"
	@echo "make benchmark-cost  train-step time and memory of each KD method"
	@echo "make docs     the documentation with the API reference, in docs/_build/html"
	@echo "make install  set up $(VENV) only (PYTHON=... to pick the interpreter)"
	@echo "make test STACK=min  the unit tests on the lowest supported versions (.venv-min)"

install: $(STAMP)

$(STAMP): $(SETUP_INPUTS)
	bash tools/setup_env.sh
	@touch $@

test: $(STAMP)
	$(PY) -m pytest tests $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest tests $(PYTEST_ARGS) -m "not e2e"

demo: $(STAMP)
	$(PY) tools/demo.py --dataset dior --work-dir work_dirs/demo

demo-rotated: $(STAMP)
	$(PY) tools/demo.py --dataset dota --work-dir work_dirs/demo-rotated

benchmark: $(STAMP)
	$(PY) tools/analysis/mini_benchmark.py --work-dir work_dirs/mini_benchmark

benchmark-cost: $(STAMP)
	$(PY) tools/analysis/benchmark_kd_cost.py --out work_dirs/benchmark_kd_cost

# Warnings are errors: a broken docstring or link fails (as in tests/test_docs.py).
docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

clean-venv:
	rm -rf $(VENV)
