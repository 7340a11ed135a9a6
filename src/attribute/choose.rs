//! The learned speaker choice: the ranker scores every candidate of a quote (`candidates`,
//! `features`), the best one is resolved to a person (`resolve`), and its calibrated probability
//! becomes the row's `confidence`.
//!
//! The rules' answer is one of the features, so the model learns where the rules are right and
//! where the tree, the punctuation or the layout say otherwise. A roster official is named only
//! above the threshold chosen on the dev split (see the README): a wrong attribution is worse
//! than a missing one.

use super::candidates::CandidateKind;
use super::features::FEATURES;
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
}

impl SpeakerChooser {
    /// Loads `dir/ranker.json.gz`; the threshold is stored in the model's info
    /// (`roster_threshold`).
    pub fn load(dir: &Path) -> Result<SpeakerChooser> {
        let path = dir.join(MODEL_FILE);
        let ranker = Ranker::load(&path).with_context(|| format!("cannot load the speaker model {}", path.display()))?;
        ranker.check_features(FEATURES).with_context(|| format!("{} was trained on other features; retrain it (make train-speaker)", path.display()))?;
        let roster_threshold = ranker.info().get("roster_threshold").and_then(|v| v.as_f64()).unwrap_or(0.5) as f32;
        Ok(SpeakerChooser { ranker, roster_threshold })
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
        let candidates = self.candidates(quotes, index, earlier);
        let features = self.features(quotes, index, &candidates, &rule);
        if let Some(collected) = self.collected.as_mut() {
            collected.push(CollectedQuote { quote: index, candidates, features });
            return rule;
        }
        let chooser = self.chooser.expect("checked above");
        let probs = chooser.probabilities(&features);
        let best = (0..probs.len()).max_by(|&a, &b| probs[a].total_cmp(&probs[b]).then(b.cmp(&a))).expect("nobody is always a candidate");
        let confidence = chooser.confidence(probs[best]);
        let candidate = &candidates[best];
        let chosen = match candidate.kind {
            CandidateKind::Nobody => None,
            CandidateKind::Previous => candidate.previous.as_ref().map(|(_, speaker)| Attribution {
                speaker: Some(speaker.clone()),
                cue: String::new(),
                mention: String::new(),
                method: Method::Continuation,
                confidence,
                mention_start: None,
            }),
            _ if features[best][FEATURES.iter().position(|&f| f == "rule.agrees").expect("feature")] == 1.0 => Some(Attribution { confidence, ..rule.clone() }),
            _ => {
                let m = candidate.mention.expect("mention candidate");
                let cue = self.cue_between(candidate.start, candidate.end, &quotes[index]);
                self.resolved(m, &cue, confidence).map(|a| Attribution { confidence, ..a })
            }
        };
        let Some(chosen) = chosen else { return Attribution::none(Method::None) };
        if confidence < chooser.roster_threshold && self.names_official(chosen.speaker.as_ref()) {
            return Attribution::none(Method::None);
        }
        chosen
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
