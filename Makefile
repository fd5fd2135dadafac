# Everything a newcomer needs: `make run` (dry run on the sample content) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench check preview clean i18n

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot run

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

check: $(STAMP)
	$(BIN)/python -m bot check

# The bot's own words: extract them from bot/ into the template, then bring every catalogue up
# to date (new messages appear untranslated; tests/i18n fails until they are translated).
LOCALES := bot/i18n/locales
i18n: $(STAMP)
	$(BIN)/pybabel -q extract -F bot/i18n/babel.cfg -k n_:1,2 -c TRANSLATORS: \
		--sort-by-file --add-location=file --no-wrap --project=assoc-announce-bot --version=0.1.0 \
		--header-comment="# The bot's own words. English is the source language; run make i18n." \
		-o $(LOCALES)/bot.pot bot
	for lang in km ja; do \
		$(BIN)/pybabel -q update -i $(LOCALES)/bot.pot -d $(LOCALES) -D bot -l $$lang \
			--no-wrap --no-fuzzy-matching --ignore-obsolete --init-missing || exit 1; \
	done

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
