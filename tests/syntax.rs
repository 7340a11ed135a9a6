//! The syntax stage (issue 7): trained from a slice of the shared CoreNLP annotation by the same
//! command that trains the committed models, it must beat trivial baselines by far on held-out
//! sentences; the committed models meet floors on dev; any text gives a result, the same on any
//! thread count.

use proptest::prelude::*;
use quotestance::syntax::{conllu, Syntax};
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_quotestance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared(path: &str) -> Option<PathBuf> {
    let p = root().join("../shared").join(path);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} not found", p.display());
        None
    }
}

/// The `key=value` fields of the last line `eval syntax` prints.
fn eval_fields(stdout: &str) -> std::collections::HashMap<String, String> {
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("syntax: "), "last line: {last}");
    last["syntax: ".len()..].split_whitespace().filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn eval(models: &std::path::Path, gold: &std::path::Path) -> std::collections::HashMap<String, String> {
    let out = Command::new(BIN).args(["eval", "syntax"]).arg(gold).arg("--models").arg(models).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eval_fields(&String::from_utf8_lossy(&out.stdout))
}

fn number(fields: &std::collections::HashMap<String, String>, key: &str) -> f64 {
    fields[key].parse().unwrap_or_else(|_| panic!("{key}={}", fields[key]))
}

/// Trivial baselines on a gold file: the share of its most common tag, and the better of
/// "every word hangs on the word before" and "on the word after" (punctuation left out, as
/// the attachment score leaves it out).
fn baselines(gold: &[conllu::CorpusSentence]) -> (f64, f64) {
    let mut tags: std::collections::HashMap<&str, usize> = Default::default();
    let (mut words, mut scored, mut before, mut after) = (0usize, 0usize, 0usize, 0usize);
    for s in gold {
        for (i, w) in s.words.iter().enumerate() {
            *tags.entry(w.tag.as_str()).or_default() += 1;
            words += 1;
            if w.tag.chars().all(|c| c.is_ascii_punctuation()) || matches!(w.tag.as_str(), "-LRB-" | "-RRB-") {
                continue;
            }
            scored += 1;
            before += (w.head == i) as usize; // 1-based head: the word before is i
            after += (w.head == i + 2) as usize;
        }
    }
    let majority = *tags.values().max().unwrap() as f64 / words as f64;
    (majority, before.max(after) as f64 / scored as f64)
}

#[test]
fn training_on_a_slice_beats_trivial_baselines_on_unseen_sentences() {
    let (Some(train), Some(dev)) = (shared("polnear-train/parses.conllu.gz"), shared("polnear-dev/parses.conllu.gz")) else { return };
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("syntax");
    let out = Command::new(BIN)
        .args(["train", "syntax", "--corpus"])
        .arg(&train)
        .arg("--out")
        .arg(&models)
        .args(["--limit", "1500", "--tagger-epochs", "4", "--entity-epochs", "4", "--parser-epochs", "4", "--threads", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in ["tagger.bin.gz", "entities.bin.gz", "parser.bin.gz"] {
        assert!(models.join(file).is_file(), "{file} not written");
    }
    let gold = conllu::read_file(&dev).unwrap();
    let (majority_tag, adjacent_head) = baselines(&gold);
    let f = eval(&models, &dev);
    let (pos, uas, las) = (number(&f, "pos"), number(&f, "uas"), number(&f, "las"));
    // About 0.13 and 0.35 for the baselines; a twentieth of the corpus is enough for far more.
    assert!(pos > majority_tag + 0.6 && pos > 0.85, "pos {pos} (majority tag {majority_tag})");
    assert!(uas > adjacent_head + 0.3 && uas > 0.65, "uas {uas} (adjacent head {adjacent_head})");
    assert!(las > 0.55 && las <= uas, "las {las}, uas {uas}");
    assert!(number(&f, "person_f1") > 0.5, "person_f1 {}", f["person_f1"]);
}

/// The committed models (retrained by `make train-syntax`) on dev, below the targets
/// where they are not met yet (see README): a guard against a broken model being committed.
#[test]
fn the_committed_models_meet_their_floors_on_dev() {
    let models = root().join("models/syntax");
    if !models.join("tagger.bin.gz").exists() {
        eprintln!("skipped: no committed syntax models");
        return;
    }
    let Some(dev) = shared("polnear-dev/parses.conllu.gz") else { return };
    let f = eval(&models, &dev);
    assert!(number(&f, "pos") >= 0.97, "pos {}", f["pos"]);
    assert!(number(&f, "uas") >= 0.84, "uas {}", f["uas"]);
    assert!(number(&f, "las") >= 0.81, "las {}", f["las"]);
    assert!(number(&f, "ner_f1") >= 0.78, "ner_f1 {}", f["ner_f1"]);
    assert!(number(&f, "person_f1") >= 0.83, "person_f1 {}", f["person_f1"]);
}

/// The committed models, loaded once for all tests of this file.
fn committed() -> Option<&'static Syntax> {
    static MODELS: std::sync::OnceLock<Option<Syntax>> = std::sync::OnceLock::new();
    MODELS
        .get_or_init(|| {
            let models = root().join("models/syntax");
            models.join("tagger.bin.gz").exists().then(|| Syntax::load(&models).unwrap())
        })
        .as_ref()
}

/// Checks the shape of one analysis: a tag per token, entity spans inside the sentence, a head
/// per token inside it (or the root), offsets inside the text.
fn well_formed(text: &str, syntax: &Syntax) {
    let parsed = syntax.analyze_span(text, 0, text.len());
    let n = parsed.tokens.len();
    assert_eq!(parsed.syntax.tags.len(), n);
    for t in &parsed.tokens {
        assert!(t.start <= t.end && t.end <= text.len() && text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
    }
    for e in &parsed.syntax.entities {
        assert!(e.first < e.end && e.end <= n, "entity {e:?} in {n} tokens");
    }
    if let Some(tree) = &parsed.syntax.tree {
        assert_eq!(tree.heads.len(), n);
        assert!(tree.heads.iter().all(|h| h.is_none_or(|h| h < n)));
        // Every token reaches a root: no cycles.
        for i in 0..n {
            let top = tree.ancestors(i).last().unwrap();
            assert!(tree.heads[top].is_none(), "token {i} never reaches a root");
        }
    }
}

#[test]
fn odd_text_empty_text_and_a_5000_token_sentence_give_results() {
    let Some(syntax) = committed() else { return };
    let long = "Lavrov said the talks were useful , and ".repeat(700);
    for text in ["", " ", "\u{feff}", "Привет, мир! Лавров сказал «да».", "中文新闻 报道。", "مرحبا", "\u{200b}\u{0301}x", "🙂🙂 \"\" '' -- ...", &long] {
        well_formed(text, syntax);
    }
    assert!(syntax.analyze_span(&long, 0, long.len()).tokens.len() >= 5000);
}

#[test]
fn the_same_text_gives_the_same_analysis_on_any_thread_count() {
    let Some(syntax) = committed() else { return };
    let Some(dev) = shared("polnear-dev/parses.conllu.gz") else { return };
    let gold = conllu::read_file(&dev).unwrap();
    let sentences: Vec<Vec<&str>> = gold.iter().take(400).map(|s| s.words.iter().map(|w| w.form.as_str()).collect()).collect();
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            use rayon::prelude::*;
            sentences.par_iter().map(|forms| format!("{:?}", syntax.analyze_forms(forms))).collect::<Vec<String>>()
        })
    };
    assert_eq!(on(1), on(2));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn any_unicode_gives_a_well_formed_analysis(text in any::<String>()) {
        if let Some(syntax) = committed() {
            well_formed(&text, syntax);
        }
    }
}

/// `train clusters` rebuilds the committed word clusters from the tone encoder exactly (the
/// models carry a copy of them, so a different table would mean models that cannot be
/// retrained as committed), and the classes it finds group words that behave alike.
#[test]
fn the_word_clusters_are_rebuilt_exactly_from_the_tone_encoder() {
    let encoder = root().join("models/tone/model.safetensors");
    let committed = root().join("models/syntax/clusters.tsv.gz");
    if !encoder.exists() || !committed.exists() {
        eprintln!("skipped: no assembled tone model (make models) or no committed clusters");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clusters.tsv.gz");
    let run = Command::new(BIN)
        .args(["train", "clusters", "--embeddings"])
        .arg(&encoder)
        .arg("--vocab")
        .arg(root().join("models/tone/vocab.txt"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let read = |p: &std::path::Path| quotestance::syntax::clusters::WordClusters::load(p).unwrap().to_text();
    let (rebuilt, expected) = (read(&out), read(&committed));
    assert!(rebuilt == expected, "the rebuilt clusters differ from models/syntax/clusters.tsv.gz (make train-clusters)");
    let classes: std::collections::HashMap<&str, (&str, &str)> = expected
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, (f.next()?, f.next()?)))
        })
        .collect();
    assert!(classes.len() > 20_000, "{} words", classes.len());
    // Coarse classes: reporting verbs together, and apart from country names.
    assert_eq!(classes["said"].1, classes["told"].1);
    assert_ne!(classes["said"].1, classes["germany"].1);
    assert_eq!(classes["germany"].1, classes["france"].1);
}
