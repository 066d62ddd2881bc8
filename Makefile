# The two commands: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RUNTIME_DEBS := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation fonts-noto-core fonts-noto-cjk libreoffice-writer-nogui
TEST_DEBS := chromium poppler-utils
PG_VERSION := $(shell ls /etc/postgresql 2>/dev/null | head -n 1)

.PHONY: run test lint system-packages test-system-packages python-packages test-python-packages assets services clean

run: system-packages python-packages assets
	bin/run

test: test-system-packages test-python-packages assets services lint
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest

lint: test-python-packages
	$(VENV)/bin/ruff check .

# Debian packages WeasyPrint needs at run time (pip installs none of them), and Chromium for tests.
system-packages:
	@$(call apt_install,$(RUNTIME_DEBS))

test-system-packages:
	@$(call apt_install,$(RUNTIME_DEBS) $(TEST_DEBS))

define apt_install
missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  echo "Installing Debian packages:$$missing"; \
  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
fi
endef

$(VENV)/bin/python: | system-packages
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

python-packages: $(VENV)/.runtime-installed
$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

test-python-packages: $(VENV)/.dev-installed
$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend compiled with the partnership's font stack; its JS copied; no fonts, crown or crest.
assets: static/build/kcsp.css static/govuk/govuk-frontend.min.js static/vendor/turndown.browser.es.js \
	static/vendor/pdfjs/pdf.min.mjs
static/build/kcsp.css: static_src/kcsp.scss node_modules/.package-lock.json
	mkdir -p static/build
	npm run -s build:css
static/govuk/govuk-frontend.min.js: node_modules/.package-lock.json
	mkdir -p static/govuk
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@
# Turndown (HTML to Markdown) and its GFM tables plugin, for pasting Word lists and tables into papers.
static/vendor/turndown.browser.es.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/turndown/lib/turndown.browser.es.js $@
	cp node_modules/turndown-plugin-gfm/lib/turndown-plugin-gfm.browser.es.js static/vendor/
# PDF.js (library, worker, viewer components and their stylesheet with its images) for the pack reader.
static/vendor/pdfjs/pdf.min.mjs: node_modules/.package-lock.json
	mkdir -p static/vendor/pdfjs
	cp node_modules/pdfjs-dist/build/pdf.min.mjs node_modules/pdfjs-dist/build/pdf.worker.min.mjs static/vendor/pdfjs/
	cp node_modules/pdfjs-dist/web/pdf_viewer.mjs node_modules/pdfjs-dist/web/pdf_viewer.css static/vendor/pdfjs/
	cp -r node_modules/pdfjs-dist/web/images static/vendor/pdfjs/

# This machine kind runs PostgreSQL and Redis on 127.0.0.1; start them if they are down.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || $(SUDO) pg_ctlcluster --skip-systemctl-redirect $(PG_VERSION) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; pg_isready -h 127.0.0.1 -p 5432
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || $(SUDO) redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; redis-cli -h 127.0.0.1 -p 6379 ping

clean:
	rm -rf $(VENV) node_modules static/build static/govuk static/vendor staticfiles var
