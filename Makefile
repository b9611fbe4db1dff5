# `make run` and `make test` do all set-up on a fresh Debian machine.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim chromium fonts-wqy-zenhei fonts-noto-cjk

.PHONY: setup system run test lint bench translations clean

setup: system $(STAMP) translations

system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

translations: $(STAMP)
	@if ls grader/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(BIN)/pybabel compile -d grader/translations; fi

run: setup
	$(BIN)/grader db upgrade
	$(BIN)/grader demo
	$(BIN)/grader serve --host $${HOST:-127.0.0.1} --port $${PORT:-5000}

test: setup
	$(BIN)/pytest -n 2 --dist loadfile  # one file a worker: module fixtures stay whole

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: setup
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache
