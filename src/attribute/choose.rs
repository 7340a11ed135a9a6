//! The learned speaker choice: the ranker scores every candidate of a quote (`candidates`,
//! `features`), the best one is resolved to a person (`resolve`), and its calibrated probability
//! becomes the row's `confidence`.
//!
//! Candidates that resolve to the same person (`he` twice, `Lavrov` and `the minister`) pool
//! their probabilities. Where the model is unsure (below `defer_below`, chosen on dev) and the
//! rules found a speaker, the rules' answer stands.
//!
//! The rules' answer is one of the features, so the model learns where the rules are right and
//! where the tree, the punctuation or the layout say otherwise. A roster official is named only
//! above the threshold chosen on the dev split (see the README): a wrong attribution is worse
//! than a missing one.

use super::candidates::{Candidate, CandidateKind};
use super::features::{FEATURES, RULE_AGREES};
use super::ranker::Ranker;
use super::{Attribution, Attributor, CollectedQuote, Method, Speaker};
use crate::quote::Quote;
use anyhow::{Context, Result};
use std::path::Path;

/// File name of the speaker model inside its folder (`models/speaker`).
pub const MODEL_FILE: &str = "ranker.json.gz";
/// The default speaker model folder.
pub const SPEAKER_MODEL_DIR: &str = "models/speaker";

/// The trained ranker with its calibration and the roster threshold.
pub struct SpeakerChooser {
    pub ranker: Ranker,
    /// Calibrated probability below which a roster official is not named.
    pub roster_threshold: f32,
    /// Below this probability the model defers to the rules' answer, where there is one.
    pub defer_below: f32,
    /// Trained with the syntax stage's trees (else its tree features are always missing).
    pub uses_syntax: bool,
}

impl SpeakerChooser {
    /// Loads `dir/ranker.json.gz`; the threshold is stored in the model's info
    /// (`roster_threshold`).
    pub fn load(dir: &Path) -> Result<SpeakerChooser> {
        let path = dir.join(MODEL_FILE);
        let ranker = Ranker::load(&path).with_context(|| format!("cannot load the speaker model {}", path.display()))?;
        ranker.check_features(FEATURES).with_context(|| format!("{} was trained on other features; retrain it (make train-speaker)", path.display()))?;
        let roster_threshold = ranker.info().get("roster_threshold").and_then(|v| v.as_f64()).unwrap_or(0.5) as f32;
        let defer_below = ranker.info().get("defer_below").and_then(|v| v.as_f64()).unwrap_or(0.0) as f32;
        let uses_syntax = ranker.info().get("syntax").and_then(|v| v.as_bool()).unwrap_or(true);
        Ok(SpeakerChooser { ranker, roster_threshold, defer_below, uses_syntax })
    }

    /// Probability that each candidate is the speaker (they sum to one), calibrated for the best.
    pub fn probabilities(&self, features: &[Vec<f32>]) -> Vec<f32> {
        self.ranker.rank(features)
    }

    /// The calibrated probability that the best candidate is right.
    pub fn confidence(&self, best: f32) -> f32 {
        match self.ranker.calibration() {
            Some(c) => c.apply(best),
            None => best,
        }
    }
}

impl Attributor<'_> {
    /// The final attribution of body quote `index`, given the rules' `rule`.
    pub(super) fn choose(&mut self, quotes: &[Quote], index: usize, earlier: &[Attribution], rule: Attribution) -> Attribution {
        if self.chooser.is_none() && self.collected.is_none() {
            return rule;
        }
        let training = self.collected.is_some();
        let max_mentions = if training { super::candidates::MAX_MENTIONS_TRAINING } else { super::candidates::MAX_MENTIONS };
        let candidates = self.candidates(quotes, index, earlier, max_mentions);
        let features = self.features(quotes, index, &candidates, &rule);
        if training {
            let all = vec![1.0; candidates.len()];
            let speakers = self.candidate_speakers(quotes, index, &candidates, &features, &rule, &all);
            let keys = speakers.iter().enumerate().map(|(i, a)| speaker_key(i, &candidates[i], a.as_ref())).collect();
            self.collected.as_mut().expect("checked").push(CollectedQuote { quote: index, candidates, features, keys });
            return rule;
        }
        let chooser = self.chooser.expect("checked above");
        let probs = chooser.probabilities(&features);
        let speakers = self.candidate_speakers(quotes, index, &candidates, &features, &rule, &probs);
        let keys: Vec<String> = speakers.iter().enumerate().map(|(i, a)| speaker_key(i, &candidates[i], a.as_ref())).collect();
        let (best, total) = aggregate(&probs, &keys);
        let confidence = chooser.confidence(total);
        if std::env::var_os("QUOTESTANCE_TRACE_SPEAKERS").is_some() {
            // A debugging aid: every candidate with its probability, on stderr.
            let q = quotes[index];
            eprintln!("quote {:?} (rules: {:?} {:?})", &self.text[q.start..q.end.min(q.start + 60)], rule.method, rule.mention);
            for ((c, p), k) in candidates.iter().zip(&probs).zip(&keys) {
                eprintln!("  {:.3} {:?} {:?} -> {k}", p, c.kind, &self.text[c.start..c.end]);
            }
        }
        // An unsure model defers to the rules where they found someone.
        if total < chooser.defer_below && rule.speaker.is_some() {
            return rule;
        }
        let Some(chosen) = speakers[best].clone() else { return Attribution::none(Method::None) };
        if confidence < chooser.roster_threshold && self.names_official(chosen.speaker.as_ref()) {
            return Attribution::none(Method::None);
        }
        Attribution { confidence, ..chosen }
    }

    /// Each candidate resolved to a speaker (`None` for nobody and for mentions that do not
    /// resolve). Candidates with a probability under 1% are not resolved (they cannot win).
    fn candidate_speakers(&mut self, quotes: &[Quote], index: usize, candidates: &[Candidate], features: &[Vec<f32>], rule: &Attribution, probs: &[f32]) -> Vec<Option<Attribution>> {
        (0..candidates.len())
            .map(|i| {
                let candidate = &candidates[i];
                if probs[i] < 0.01 {
                    return None;
                }
                match candidate.kind {
                    // An unnamed source: the quote is theirs, and nobody named gets it.
                    CandidateKind::Nobody | CandidateKind::Phrase => None,
                    CandidateKind::Previous => candidate.previous.as_ref().map(|(_, speaker)| Attribution {
                        speaker: Some(speaker.clone()),
                        cue: String::new(),
                        mention: String::new(),
                        method: Method::Continuation,
                        confidence: 0.0,
                        mention_start: None,
                        reported_by: None,
                        kind: None,
                    }),
                    _ if features[i][RULE_AGREES] == 1.0 && rule.speaker.is_some() => Some(rule.clone()),
                    _ => {
                        let m = candidate.mention.expect("mention candidate");
                        let cue = self.cue_between(candidate.start, candidate.end, &quotes[index]);
                        self.resolved(m, &cue, 0.0)
                    }
                }
            })
            .collect()
    }

    /// The first reporting verb between a mention and the quote, as the cue.
    fn cue_between(&self, start: usize, end: usize, q: &Quote) -> String {
        let (from, to) = if end <= q.open { (end, q.open) } else { (q.close, start.max(q.close)) };
        let (first, last) = (self.token_at_or_after(from), self.token_at_or_after(to));
        (first..last).find(|&k| self.is_reporting_verb_at(k)).map(|k| self.token_text(k).to_string()).unwrap_or_default()
    }

    /// Whether the speaker is a roster official.
    fn names_official(&self, speaker: Option<&Speaker>) -> bool {
        speaker.is_some_and(|s| self.speaker_name(s).id.is_some())
    }
}

/// A key that is the same for candidates that stand for the same speaker: the entity, the
/// organisation's name; a unique key for nobody and for mentions that do not resolve.
pub(crate) fn speaker_key(i: usize, candidate: &Candidate, speaker: Option<&Attribution>) -> String {
    match speaker.and_then(|a| a.speaker.as_ref()) {
        Some(Speaker::Entity(e)) => format!("entity:{e}"),
        Some(Speaker::Joint(list)) => format!("joint:{list:?}"),
        Some(Speaker::Org(name)) => format!("org:{}", name.to_lowercase()),
        Some(Speaker::Named(name, _)) => format!("named:{name}"),
        None if candidate.kind == CandidateKind::Nobody => "nobody".to_string(),
        None => format!("unresolved:{i}"),
    }
}

/// The winning speaker: probabilities summed over candidates with the same key. Returns the
/// index of the most probable candidate of the winning key and the key's total probability.
pub(crate) fn aggregate(probs: &[f32], keys: &[String]) -> (usize, f32) {
    let mut totals: Vec<(usize, f32)> = Vec::new();
    for i in 0..probs.len() {
        match (0..i).find(|&j| keys[j] == keys[i]) {
            Some(j) => {
                let slot = totals.iter_mut().find(|(k, _)| keys[*k] == keys[j]).expect("seen");
                slot.1 += probs[i];
                if probs[i] > probs[slot.0] {
                    slot.0 = i;
                }
            }
            None => totals.push((i, probs[i])),
        }
    }
    totals.into_iter().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0))).expect("at least one candidate")
}
