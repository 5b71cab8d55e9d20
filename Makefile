# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo serve test test-fast lint bench messages browser leaflet clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) messages leaflet

# Leaflet for the sales-point map, from the npm registry at set-up; never committed.
LEAFLET := leaflet@1.9.4
LEAFLET_DIR := nongsan/places/static/vendor/leaflet
leaflet: $(LEAFLET_DIR)/leaflet.js
$(LEAFLET_DIR)/leaflet.js:
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	npm install --no-save --no-audit --no-fund --prefix build/npm $(LEAFLET)
	mkdir -p $(LEAFLET_DIR)
	cp -r build/npm/node_modules/leaflet/dist/. $(LEAFLET_DIR)/

# Translations are compiled from the committed .po files; msgfmt comes from Debian's gettext.
messages: $(STAMP)
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --ignore=.venv -v 0

# Debian's Chromium drives the end-to-end tests; Playwright never downloads a browser of its own.
browser:
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)

demo: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py geo_load
	$(PY) manage.py demo_seed
	-$(PY) manage.py portal_screenshots
	$(PY) manage.py demo_accounts
	$(PY) manage.py runserver 127.0.0.1:8000

serve: install
	$(PY) manage.py runserver 127.0.0.1:8000

test: install browser
	$(PY) -m pytest -n 2 -q

test-fast: install
	$(PY) -m pytest -n 2 -q -m "not e2e"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy nongsan/*/services.py nongsan/*/selectors.py nongsan/core
	$(VENV)/bin/lint-imports

bench: install
	$(PY) -m nongsan.bench

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles build $(LEAFLET_DIR)
