# One command to run the app on its embedded default, one to pass the tests.
#   make run    venv + dependencies + database + demo data, then web, worker and beat
#               together (one command; Ctrl-C stops all three)
#   make test   venv + dependencies + browser, then ruff and the whole pytest suite on
#               PostgreSQL and Redis: DATABASE_URL/REDIS_URL when set, otherwise private
#               throwaway servers (scripts/test-services.sh installs, starts and removes them),
#               in TEST_WORKERS parallel processes (pytest-xdist; tests/parallel.py)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest-xdist processes for `make test` (measured on 2 cores: README, "Tests in parallel");
# TEST_WORKERS=0 runs the suite in this one process. The suite writes bytecode even where
# PYTHONDONTWRITEBYTECODE is set (as on CI's machines): otherwise each of its processes —
# xdist workers, Celery workers, manage.py children — compiles ~200 modules from source
# (1.3 against 1.1 CPU s for a manage.py start; 7 CPU s of collection per xdist worker).
TEST_WORKERS ?= 3

.PHONY: setup run test lint browser office bench clean messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# The project's wording of Django's stock messages (config/locale): the compiled .mo is
# committed with its .po, so only an edit of the .po needs this (and gettext's msgfmt).
messages:
	msgfmt --check -o config/locale/vi/LC_MESSAGES/django.mo config/locale/vi/LC_MESSAGES/django.po

# Debian's Chromium for the Playwright tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's LibreOffice (headless, no GUI), poppler and the Liberation fonts for the test that
# opens every generated document as an office would (tests/documents/). Liberation Serif is
# Times New Roman's metric-compatible substitute where Times itself is not installed; only
# version 2 (fonts-liberation2) has every Vietnamese letter — with version 1 alone (what
# Chromium pulls in) LibreOffice sets ệ, ở… in DejaVu Serif and the test fails.
office:
	@{ command -v soffice && command -v pdffonts && fc-list :lang=vi | grep -q "Liberation Serif"; } \
	  >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils \
	    fonts-liberation2; }

run: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py run_embedded 127.0.0.1:8000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: setup browser office lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	PYTHONDONTWRITEBYTECODE= scripts/test-services.sh \
	  $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
