# Two entry points for a fresh machine: `make demo` and `make test`. No root needed:
# pip brings libespeak-ng (espeakng-loader) and ffmpeg (imageio-ffmpeg).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,natural]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/audio-guide build back_pain -o output/back_pain.mp3

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint: $(STAMP)
	$(BIN)/ruff check audio_guide tests
	$(BIN)/mypy audio_guide

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_render.py

clean:
	rm -rf $(VENV) output/*.mp3 output/*.json
