# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WEEK ?= next
SOLVE_SECONDS ?= 60

.PHONY: demo test install browser lint

$(BIN)/reformer: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/reformer

# A Debian package installed with apt-get, through sudo unless run as root.
apt_install = if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(1); \
	else sudo apt-get update -qq && sudo apt-get install -y -qq $(1); fi

# Debian's Chromium for the Playwright browser tests (Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(call apt_install,chromium); }

# axe-core for the browser tests' accessibility checks, as package-lock.json pins it; again
# only when node_modules is missing or older than the lock file.
node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(call apt_install,npm); }
	npm ci --no-audit --no-fund
	touch $@

demo: install
	$(BIN)/reformer db upgrade
	$(BIN)/reformer demo --week $(WEEK)
	$(BIN)/reformer solve --week $(WEEK) --publish --time-limit $(SOLVE_SECONDS)
	$(BIN)/reformer serve --host 127.0.0.1 --port 5000

test: install browser node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports
