//! Training the speaker ranker from PolNeAR's annotated attributions.
//!
//! Each article of the training split goes through the run-time stages (clean, split, quotes,
//! syntax, rules); every quote in running text becomes a group of candidates with features
//! (`attribute::candidates`, `attribute::features`). Its label comes from the annotation: the
//! attribution whose content span holds the quote gives the source span, and the candidate that
//! overlaps the source most is the gold one (the pronoun, where the source is `he`: resolution
//! is a later step). A quote outside every annotated content span is a scare quote, title or
//! term: its gold candidate is "nobody". Quotes whose source no candidate reaches are left out.

use super::ranker::{self as gbdt, Group, RankerConfig};
use crate::attribute::candidates::CandidateKind;
use crate::attribute::features::{FEATURES, RULE_AGREES};
use crate::attribute::ranker::Ranker;
use crate::attribute::choose::aggregate;
use crate::attribute::{Attributor, CollectedQuote, Speaker};
use crate::pipeline::{prepare, Prepared};
use crate::roster::Roster;
use crate::syntax::Syntax;
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// A span as the corpus gives it: character offsets.
#[derive(Debug, Clone, Deserialize)]
struct CharSpan {
    start: usize,
    end: usize,
}

/// One line of `attributions.jsonl`.
#[derive(Debug, Clone, Deserialize)]
struct AttributionLine {
    article: String,
    source: Vec<CharSpan>,
    content: Vec<CharSpan>,
    speaker: Option<String>,
}

/// An annotated attribution (character offsets as read, byte offsets once matched to its text).
#[derive(Debug, Clone)]
pub struct GoldAttribution {
    pub source: Vec<(usize, usize)>,
    pub content: Vec<(usize, usize)>,
    /// The head surname of the source, where it names a person.
    pub speaker: Option<String>,
}

/// The annotated attributions of a split, by article (offsets still in characters).
fn read_attributions(path: &Path) -> Result<HashMap<String, Vec<GoldAttribution>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out: HashMap<String, Vec<GoldAttribution>> = HashMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let a: AttributionLine = serde_json::from_str(line).with_context(|| format!("{}:{}: not an attribution", path.display(), n + 1))?;
        let spans = |v: &[CharSpan]| v.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>();
        out.entry(a.article).or_default().push(GoldAttribution { source: spans(&a.source), content: spans(&a.content), speaker: a.speaker });
    }
    Ok(out)
}

/// Character offsets → byte offsets of `text`.
fn to_bytes(text: &str, spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
    let at = |c: usize| starts[c.min(starts.len() - 1)];
    spans.iter().map(|&(s, e)| (at(s), at(e))).collect()
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// One quote's candidates with the index of the gold one.
#[derive(Debug, Clone)]
pub struct LabelledQuote {
    pub article: String,
    pub group: Group,
    /// Who each candidate resolves to: candidates with equal keys stand for the same speaker.
    pub keys: Vec<String>,
    /// Whether the gold candidate names a person (the cases the `other` score counts).
    pub named: bool,
}

/// The labelled groups of every article of a split (in file-name order, so the result is the
/// same for any thread count).
pub fn collect(split_dir: &Path, syntax: Option<&Syntax>, roster: &Roster, limit: Option<usize>) -> Result<Vec<LabelledQuote>> {
    let gold = read_attributions(&split_dir.join("attributions.jsonl"))?;
    let mut files: Vec<_> = std::fs::read_dir(split_dir.join("articles"))
        .with_context(|| format!("cannot list {}/articles", split_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    if let Some(n) = limit {
        files.truncate(n);
    }
    let per_article: Vec<Result<Vec<LabelledQuote>>> = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let annotations: Vec<GoldAttribution> = gold
                .get(&id)
                .map(|list| list.iter().map(|g| GoldAttribution { source: to_bytes(&text, &g.source), content: to_bytes(&text, &g.content), speaker: g.speaker.clone() }).collect())
                .unwrap_or_default();
            Ok(label_article(&id, &text, &annotations, syntax, roster))
        })
        .collect();
    let mut out = Vec::new();
    for r in per_article {
        out.extend(r?);
    }
    Ok(out)
}

/// The labelled groups of one article.
pub fn label_article(id: &str, text: &str, gold: &[GoldAttribution], syntax: Option<&Syntax>, roster: &Roster) -> Vec<LabelledQuote> {
    let Prepared { paragraphs, sentences, quotes, parsed } = prepare(text, false, syntax);
    let mut attributor = Attributor::new(text, &paragraphs, &sentences, &quotes, roster).with_syntax(parsed);
    attributor.collected = Some(Vec::new());
    attributor.attribute_all(&quotes);
    let collected: Vec<CollectedQuote> = attributor.collected.take().unwrap_or_default();
    let mut out = Vec::new();
    for c in collected {
        let q = quotes[c.quote];
        // The attribution whose content holds most of the quote.
        let holder = gold.iter().max_by_key(|g| g.content.iter().map(|&span| overlap(span, (q.start, q.end))).sum::<usize>());
        let held = holder.filter(|g| 2 * g.content.iter().map(|&span| overlap(span, (q.start, q.end))).sum::<usize>() >= q.end - q.start);
        let nobody = c.candidates.len() - 1;
        let (gold_index, named) = match held {
            None => (Some(nobody), false),
            Some(g) => {
                let best = c
                    .candidates
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| k.mention.is_some() || k.kind == CandidateKind::Phrase)
                    .map(|(i, k)| (i, g.source.iter().map(|&s| overlap(s, (k.start, k.end))).sum::<usize>()))
                    .filter(|&(_, o)| o > 0)
                    .max_by_key(|&(i, o)| (o, std::cmp::Reverse(i)));
                let via_previous = || {
                    let surname = g.speaker.as_deref()?.to_lowercase();
                    c.candidates.iter().position(|k| {
                        k.kind == CandidateKind::Previous && matches!(&k.previous, Some((_, Speaker::Entity(e))) if attributor.entity_surname(*e).to_lowercase() == surname)
                    })
                };
                (best.map(|(i, _)| i).or_else(via_previous), g.speaker.is_some())
            }
        };
        if let Some(gold_index) = gold_index {
            out.push(LabelledQuote { article: id.to_string(), group: Group { rows: c.features, gold: Some(gold_index) }, keys: c.keys, named });
        }
    }
    out
}

/// Sets the features whose names start with one of `prefixes` to NaN (missing), for ablations.
pub fn blank_features(group: &mut Group, prefixes: &[&str]) {
    let blank: Vec<usize> = (0..FEATURES.len()).filter(|&i| prefixes.iter().any(|p| FEATURES[i].starts_with(p))).collect();
    for row in &mut group.rows {
        for &i in &blank {
            row[i] = f32::NAN;
        }
    }
}

/// Settings of a speaker-model training run.
#[derive(Debug, Clone)]
pub struct SpeakerSettings {
    pub ranker: RankerConfig,
    /// Share of training articles held out for early stopping.
    pub validation_share: f64,
    /// Roster rows need this precision on the dev split.
    pub target_precision: f64,
    /// Below this probability the model defers to the rules (chosen on dev: 0.4, 0.5, 0.6
    /// gave named-speaker accuracy 0.928, 0.945, 0.943; none 0.930).
    pub defer_below: f32,
    /// The groups were collected with the syntax stage.
    pub syntax: bool,
}

impl Default for SpeakerSettings {
    fn default() -> Self {
        SpeakerSettings { ranker: RankerConfig::default(), validation_share: 0.1, target_precision: 0.98, defer_below: 0.5, syntax: true }
    }
}

/// What a training run measured.
#[derive(Debug, Clone)]
pub struct SpeakerReport {
    pub train_groups: usize,
    pub dev_groups: usize,
    pub dev_top1: f64,
    pub dev_top1_rules: f64,
    pub ece_before: f64,
    pub ece_after: f64,
    pub roster_threshold: f32,
    pub best_iteration: usize,
    pub reliability: String,
}

/// Share of quotes whose speaker the rules got right (the `rule.agrees` candidate, else nobody).
pub fn rules_top1(quotes: &[LabelledQuote]) -> f64 {
    let right = quotes
        .iter()
        .filter(|q| {
            let pick = q.group.rows.iter().position(|r| r[RULE_AGREES] == 1.0).unwrap_or(q.group.rows.len() - 1);
            q.group.gold.is_some_and(|g| q.keys[g] == q.keys[pick])
        })
        .count();
    right as f64 / quotes.len().max(1) as f64
}

/// Share of quotes whose speaker the ranker gets right (probabilities summed per speaker).
pub fn model_top1(ranker: &Ranker, quotes: &[LabelledQuote]) -> f64 {
    let (_, correct, _) = top_probabilities(ranker, quotes);
    correct.iter().filter(|&&c| c).count() as f64 / quotes.len().max(1) as f64
}

/// Whether a training article is held out from fitting (for early stopping and an end-to-end
/// check on text the model has not seen): a stable hash of its id.
pub fn held_out(id: &str, share: f64) -> bool {
    (crate::syntax::features::hash_str(id) % 1000) as f64 / 1000.0 < share
}

/// Trains the ranker on `train` (a share of its articles held out for early stopping),
/// calibrates it on `dev` and chooses the roster threshold there.
pub fn train(train: &[LabelledQuote], dev: &[LabelledQuote], settings: &SpeakerSettings) -> Result<(Ranker, SpeakerReport)> {
    // Hold out whole articles, chosen by a stable hash of the id.
    let held_out = |id: &str| held_out(id, settings.validation_share);
    let fit: Vec<Group> = train.iter().filter(|q| !held_out(&q.article)).map(|q| q.group.clone()).collect();
    let valid: Vec<Group> = train.iter().filter(|q| held_out(&q.article)).map(|q| q.group.clone()).collect();
    let names: Vec<String> = FEATURES.iter().map(|s| s.to_string()).collect();
    let (mut ranker, report) = gbdt::train_with_validation(&fit, &valid, &names, &settings.ranker)?;
    let (probs, correct, someone) = top_probabilities(&ranker, dev);
    let ece_before = crate::attribute::calibrate::expected_calibration_error(&probs, &correct, 10);
    let calibration = super::calibrate::fit_isotonic(&probs, &correct)?;
    let calibrated: Vec<f32> = probs.iter().map(|&p| calibration.apply(p)).collect();
    let ece_after = crate::attribute::calibrate::expected_calibration_error(&calibrated, &correct, 10);
    let reliability = format!("{}", crate::attribute::calibrate::reliability_table(&calibrated, &correct, 10));
    // The threshold: among quotes given to a named person, the lowest confidence at which the
    // dev split's precision is at least the target.
    let named: Vec<usize> = (0..dev.len()).filter(|&i| dev[i].named && someone[i]).collect();
    let named_probs: Vec<f32> = named.iter().map(|&i| calibrated[i]).collect();
    let named_correct: Vec<bool> = named.iter().map(|&i| correct[i]).collect();
    let roster_threshold = crate::attribute::calibrate::threshold_for_precision_with_support(&named_probs, &named_correct, settings.target_precision, 30).unwrap_or(0.9);
    ranker.set_calibration(Some(calibration));
    let dev_top1 = model_top1(&ranker, dev);
    ranker.set_info(serde_json::json!({
        "roster_threshold": roster_threshold,
        "defer_below": settings.defer_below,
        "syntax": settings.syntax,
        "trained_on": "polnear-train attributions",
        "calibrated_on": "polnear-dev",
        "dev_top1": dev_top1,
        "best_iteration": report.best_iteration,
    }));
    let report = SpeakerReport {
        train_groups: fit.len() + valid.len(),
        dev_groups: dev.len(),
        dev_top1,
        dev_top1_rules: rules_top1(dev),
        ece_before,
        ece_after,
        roster_threshold,
        best_iteration: report.best_iteration,
        reliability,
    };
    Ok((ranker, report))
}

/// Per quote: the winning speaker's probability, whether it is the gold speaker, and whether
/// it is someone rather than nobody.
fn top_probabilities(ranker: &Ranker, quotes: &[LabelledQuote]) -> (Vec<f32>, Vec<bool>, Vec<bool>) {
    let (mut probs, mut correct, mut someone) = (Vec::new(), Vec::new(), Vec::new());
    for q in quotes {
        let p = ranker.rank(&q.group.rows);
        let (best, total) = aggregate(&p, &q.keys);
        probs.push(total);
        correct.push(q.group.gold.is_some_and(|g| q.keys[g] == q.keys[best]));
        someone.push(q.keys[best] != "nobody");
    }
    (probs, correct, someone)
}
