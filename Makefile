# Developer commands for tyreso-it.
#
#   make run     migrate, load the demo data and run web, Celery worker and beat
#   make test    run the whole test suite (extra pytest arguments: make test ARGS="-k foo")
#   make bench   the scale benchmark on its own PostgreSQL database (docs/performance.md)
#
# Each target creates .venv with Python 3.13 when it is missing and reinstalls
# requirements-dev.lock (the runtime lock and the test tools) only when a lock has changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
ARGS ?=
# An explicit interpreter to build the venv with, e.g. make venv PYTHON=/opt/py313/bin/python3
PYTHON ?=
export PYTHON

PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help venv run demo test lint messages bench

help:
	@echo "make run       start the app with demo data on http://$(HOST):$(PORT)/ (PORT=... to change)"
	@echo "make test      run the tests (ARGS=\"-k name\" passes arguments to pytest)"
	@echo "make lint      ruff check"
	@echo "make messages  update and compile the Swedish translations"
	@echo "make demo      load the demo data only"
	@echo "make venv      create or update .venv from requirements-dev.lock"
	@echo "make bench     benchmark at 100,000 orders on PostgreSQL (tyreso_it_bench; ARGS=\"--orders 10000\")"

venv:
	@scripts/ensure_venv.sh $(VENV)

# Compiled translations; skipped with a warning where gettext is not installed.
%.mo: %.po
	@if command -v msgfmt >/dev/null 2>&1; then \
		msgfmt --check-format -o $@ $< ; \
	else \
		echo "warning: msgfmt (gettext) not found; $@ not compiled" >&2 ; \
	fi

run: venv $(MO_FILES)
	$(PY) scripts/run_dev.py --host $(HOST) --port $(PORT)

demo: venv
	$(PY) scripts/run_dev.py --setup-only

test: venv $(MO_FILES)
	$(PY) -m pytest $(ARGS)

lint: venv
	$(PY) -m ruff check .

# Development commands run with DEBUG on unless told otherwise: with DEBUG off the settings
# need SECRET_KEY, which these commands never use.
messages: venv
	DEBUG=$${DEBUG:-true} $(PY) manage.py makemessages --locale sv --no-obsolete
	DEBUG=$${DEBUG:-true} $(PY) manage.py compilemessages --locale sv

# The benchmark's own PostgreSQL database, made when missing (never point it at real data:
# the benchmark fills it with generated orders). ARGS passes options, e.g.
#   make bench ARGS="--orders 10000"      make bench ARGS="--soak 600"
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tyreso_it_bench
# Sessions and the access cache live in Redis in production; so they do in the benchmark.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/9

bench: venv $(MO_FILES)
	@case "$(BENCH_DATABASE_URL)" in \
		postgres://*|postgresql://*) ;; \
		*) echo "make bench needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…/tyreso_it_bench" >&2; \
		   exit 2 ;; \
	esac
	DJANGO_SETTINGS_MODULE=bench.settings \
		DATABASE_URL="$(BENCH_DATABASE_URL)" REDIS_URL="$(BENCH_REDIS_URL)" \
		SECRET_KEY="$${SECRET_KEY:-bench-only-signing-key-for-generated-data}" \
		$(PY) manage.py bench $(ARGS)
