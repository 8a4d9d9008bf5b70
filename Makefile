# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv themselves.
VENV    := .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEMO    := build/demo

.PHONY: demo test system-deps yasgui lint bench clean readme

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the tests use: rapper (raptor2-utils) parses the dumps as a third-party parser,
# Apache Jena's shacl is the second SHACL engine and its ARQ the second SPARQL engine (run from the
# jars by the JRE), Chromium and its driver run the browser test of `trialkg serve` (headless, through
# Selenium), Apache httpd (apache2-bin: the server and its modules, no system service) runs the
# w3id.org redirects. Installed when missing and we are root.
# Virtuoso (virtuoso-opensource-7-bin: virtuoso-t and isql-vt, no system service) is the second triple
# store of the loading tests. The OWL API (libowlapi-java) checks that the ontology is in the OWL 2 DL profile.
SYSTEM_PACKAGES := raptor2-utils libapache-jena-java default-jre-headless chromium chromium-driver apache2-bin \
                   virtuoso-opensource-7-bin libowlapi-java
system-deps:
	@missing=""; command -v rapper >/dev/null || missing="yes"; \
	 [ -d /usr/share/java ] && ls /usr/share/java | grep -q '^jena-shacl' || missing="yes"; \
	 command -v chromium >/dev/null && command -v chromedriver >/dev/null || missing="yes"; \
	 [ -x /usr/sbin/apache2 ] && [ -f /usr/lib/apache2/modules/mod_rewrite.so ] || missing="yes"; \
	 command -v virtuoso-t >/dev/null || missing="yes"; \
	 [ -f /usr/share/java/owlapi-distribution.jar ] || missing="yes"; \
	 if [ -n "$$missing" ]; then \
	   if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES)) >/dev/null; \
	   else echo "note: install $(SYSTEM_PACKAGES) (apt) for the third-party parser, SHACL, browser, w3id and Virtuoso tests"; fi; \
	 fi

# YASGUI, the home page's query editor: the built files of the npm package @zazuko/yasgui, pinned by
# version and checksum, copied into the package's static files (git-ignored, never committed; a wheel
# built afterwards carries them). `npm pack` fetches that package's tarball alone: no dependencies, no
# install scripts. Without npm the home page keeps its plain editor and says so.
YASGUI_VERSION   := 4.6.2
YASGUI_INTEGRITY := sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==
YASGUI_DIR       := kg/serve/static/yasgui
YASGUI_TGZ       := build/npm/zazuko-yasgui-$(YASGUI_VERSION).tgz
yasgui:
	@if grep -qs '"version": "$(YASGUI_VERSION)"' $(YASGUI_DIR)/package.json; then exit 0; fi; \
	 if ! command -v npm >/dev/null; then \
	   echo "note: npm is not installed: the home page keeps its plain query editor (install npm, then make yasgui)"; exit 0; fi; \
	 set -e; rm -rf build/npm; mkdir -p build/npm; \
	 npm pack --silent --ignore-scripts --pack-destination build/npm @zazuko/yasgui@$(YASGUI_VERSION) >/dev/null; \
	 $(PYTHON) -c 'import base64, hashlib, sys; d = open(sys.argv[1], "rb").read(); \
	   got = "sha512-" + base64.b64encode(hashlib.sha512(d).digest()).decode(); \
	   sys.exit(0 if got == sys.argv[2] else f"{sys.argv[1]}: checksum {got}, expected {sys.argv[2]}")' \
	   $(YASGUI_TGZ) '$(YASGUI_INTEGRITY)'; \
	 tar -xzf $(YASGUI_TGZ) -C build/npm; \
	 mkdir build/npm/yasgui; \
	 cp build/npm/package/build/yasgui.min.js build/npm/package/build/yasgui.min.css build/npm/package/package.json build/npm/yasgui/; \
	 rm -rf $(YASGUI_DIR); mv build/npm/yasgui $(YASGUI_DIR); \
	 echo "YASGUI $(YASGUI_VERSION) installed in $(YASGUI_DIR)"

demo: $(STAMP) yasgui
	$(BIN)/trialkg build examples --out $(DEMO)
	$(BIN)/trialkg query trial-summary --data $(DEMO)

test: $(STAMP) system-deps yasgui lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench docs
	$(BIN)/ruff format --check kg tests bench docs
	$(BIN)/mypy kg

# The README's console blocks, made again by running their commands (docs/readme.py; tests/test_readme.py
# fails when they are stale).
readme: $(STAMP)
	$(BIN)/cog -r -I docs -p "import readme" README.md

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
	$(BIN)/python bench/bench_scale.py --json build/bench-scale.json

clean:
	rm -rf build $(VENV)
