# Quick start: `make demo` and `make test` each set up .venv on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench,spark]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@echo "== A wire copy: an agency story and a paper that reprints it"
	$(BIN)/storylens compare demo/articles.jsonl#harbor-fire-en-cpa demo/articles.jsonl#harbor-fire-en-lakeshore
	@echo "== One story through two wires: a quote reworded between them"
	$(BIN)/storylens compare demo/articles.jsonl#teval-spill-en-riverside demo/articles.jsonl#teval-spill-en-valley-echo
	@echo "== Across languages: English and German reports of one transfer"
	$(BIN)/storylens compare demo/articles.jsonl#mansour-transfer-en-pitchside demo/articles.jsonl#mansour-transfer-de-sportecho
	@echo "== A hard case compare still gets wrong: inflation figures, then the rate decision two weeks later"
	@echo "   (one outlet, the same actors; two events: compare calls them one story, the engine below keeps them apart, as two steps of one thread)"
	$(BIN)/storylens compare demo/articles.jsonl#valdoria-inflation-en-meridian demo/articles.jsonl#valdoria-rate-en-meridian

	@echo "== The story engine: ingest the whole corpus into a fresh store, list its stories"
	@rm -f demo.db demo.db-wal demo.db-shm demo.db.hnsw demo.db.hnsw.json demo.db.hnsw.npz demo.db.hnsw.*.tmp
	$(BIN)/storylens ingest demo/articles.jsonl --db demo.db
	$(BIN)/storylens stories --db demo.db
	@echo "== Two weeks later: the port chief resigns after the fire. A new story, and the fire's thread"
	$(BIN)/storylens ingest demo/follow-ups.jsonl --db demo.db
	$(BIN)/storylens threads --db demo.db
	$(BIN)/storylens thread $$($(BIN)/storylens stories --db demo.db --json | $(BIN)/python -c "import json,sys; print(next(s['thread_id'] for s in json.load(sys.stdin) if 'Marchetti' in s['title']))") --db demo.db

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache demo.db demo.db-wal demo.db-shm demo.db.hnsw demo.db.hnsw.json demo.db.hnsw.npz demo.db.hnsw.*.tmp
