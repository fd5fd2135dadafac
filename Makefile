# Everything a newcomer needs: `make run` (dry run on the sample content) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench check preview clean i18n system-deps

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

# Debian packages for `preview --png`: headless Chromium and fonts for Latin, Khmer, Japanese
# and emoji. Installs them with apt-get as root (or through sudo); otherwise prints the command.
SYSTEM_PACKAGES := chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
APT_INSTALL := apt-get install -y -q --no-install-recommends $(SYSTEM_PACKAGES)

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then echo "system-deps: $(SYSTEM_PACKAGES) already installed"; exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "system-deps: no apt-get here; install Chromium and the Noto fonts (Sans, Khmer, CJK JP, Color Emoji) with your package manager"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "system-deps: not root; run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive $(APT_INSTALL)"; exit 0; fi; \
	$$sudo apt-get update -q && $$sudo env DEBIAN_FRONTEND=noninteractive $(APT_INSTALL)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
