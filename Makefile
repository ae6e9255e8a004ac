# Quick start: `make demo` and `make test` each set up .venv on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/storylens compare demo/articles.jsonl#port-fire-en-harbour-gazette demo/articles.jsonl#port-fire-en-tideline-daily
	$(BIN)/storylens compare demo/articles.jsonl#port-fire-en-harbour-gazette demo/articles.jsonl#port-fire-de-rheinblick

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
