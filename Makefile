# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv themselves.
VENV    := .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEMO    := build/demo

.PHONY: demo test system-deps lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the tests use: rapper (raptor2-utils) parses the dumps as a third-party parser,
# Apache Jena's shacl is the second SHACL engine, Chromium and its driver run the browser test of
# `trialkg serve` (headless, through Selenium). Installed when missing and we are root.
SYSTEM_PACKAGES := raptor2-utils libapache-jena-java default-jre-headless chromium chromium-driver
system-deps:
	@missing=""; command -v rapper >/dev/null || missing="yes"; \
	 [ -d /usr/share/java ] && ls /usr/share/java | grep -q '^jena-shacl' || missing="yes"; \
	 command -v chromium >/dev/null && command -v chromedriver >/dev/null || missing="yes"; \
	 if [ -n "$$missing" ]; then \
	   if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES)) >/dev/null; \
	   else echo "note: install $(SYSTEM_PACKAGES) (apt) for the third-party parser, SHACL and browser tests"; fi; \
	 fi

demo: $(STAMP)
	$(BIN)/trialkg build examples --out $(DEMO)
	$(BIN)/trialkg query trial-summary --data $(DEMO)

test: $(STAMP) system-deps lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench
	$(BIN)/ruff format --check kg tests bench
	$(BIN)/mypy kg

# The benchmarks, each reporting ratios against a baseline run in the same command (see bench/*.py).
BENCH_RELEASE := build/bench-release
CORPUS        ?= ../shared/corpus
$(BENCH_RELEASE)/void.ttl: $(STAMP)
	$(BIN)/trialkg build $(CORPUS)/ctgov-json $(CORPUS)/ctgov-xml ../shared/seeds --out $(BENCH_RELEASE) --quiet

bench: $(BENCH_RELEASE)/void.ttl
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_incremental.py
	$(BIN)/python bench/bench_queries.py --release $(BENCH_RELEASE)
	$(BIN)/python bench/bench_load.py --release $(BENCH_RELEASE)
	$(BIN)/python bench/bench_analyze.py --release $(BENCH_RELEASE)
	$(BIN)/python bench/bench_validate.py --release $(BENCH_RELEASE)
	$(BIN)/python bench/bench_update.py --studies 5000
	$(BIN)/python bench/bench_serve.py --release $(BENCH_RELEASE)

clean:
	rm -rf build $(VENV)
