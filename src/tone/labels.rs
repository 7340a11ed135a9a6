//! Mapping a model's own labels (`id2label`) onto negative / neutral / positive.
//!
//! Names are matched case-insensitively:
//! - `negative`, `neg`, anything containing "negative" (e.g. `very negative`) → negative;
//!   likewise for positive / pos and neutral / neu;
//! - star ratings `1 star` … `5 stars`: 1–2 negative, 3 neutral, 4–5 positive;
//! - generic `LABEL_<n>` names follow the common conventions: with 2 labels 0 = negative,
//!   1 = positive (SST-2); with 3 labels 0 = negative, 1 = neutral, 2 = positive.
//!
//! A class that fits none of these is an error naming it. Models without a neutral class
//! report `p_neutral` as `None`.

use anyhow::{bail, Result};
use std::collections::HashMap;

/// The three tone classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToneLabel {
    Negative,
    Neutral,
    Positive,
}

/// Half-width of the neutral band of `tone_score`: |score| below it is `neutral`. The same band
/// turns human mean ratings into gold classes in `eval-tone` (the VADER convention).
pub const NEUTRAL_BAND: f32 = 0.05;

impl ToneLabel {
    /// The label of a signed score: `positive` from +[`NEUTRAL_BAND`] up, `negative` from
    /// −[`NEUTRAL_BAND`] down, `neutral` in between. This is the one definition of `tone`: the CSV,
    /// `quotestance tone` and `eval-tone` all use it, so the label always agrees with the sign of
    /// `tone_score` (the most probable class would not: a text at 0.45 neutral, 0.40 positive,
    /// 0.15 negative has score +0.25 and is written `positive`).
    pub fn of_score(score: f32) -> ToneLabel {
        if score >= NEUTRAL_BAND {
            ToneLabel::Positive
        } else if score <= -NEUTRAL_BAND {
            ToneLabel::Negative
        } else {
            ToneLabel::Neutral
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ToneLabel::Negative => "negative",
            ToneLabel::Neutral => "neutral",
            ToneLabel::Positive => "positive",
        }
    }
}

impl std::fmt::Display for ToneLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The tone of one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ToneScore {
    /// [`ToneLabel::of_score`] of `score`: agrees with its sign by definition.
    pub label: ToneLabel,
    /// `p_positive − p_negative`, in [-1, 1].
    pub score: f32,
    pub p_negative: f32,
    /// `None` for models without a neutral class (e.g. SST-2 binary models).
    pub p_neutral: Option<f32>,
    pub p_positive: f32,
}

/// For each class index of a model, the tone class it counts towards.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelMap {
    classes: Vec<ToneLabel>,
}

impl LabelMap {
    /// Builds the map from a complete `id2label` (ids 0..n).
    pub fn from_id2label(id2label: &HashMap<i64, String>) -> Result<LabelMap> {
        let n = id2label.len();
        let mut classes = Vec::with_capacity(n);
        for id in 0..n as i64 {
            let Some(name) = id2label.get(&id) else { bail!("id2label has no entry for class {id}") };
            match classify(name, id, n) {
                Some(label) => classes.push(label),
                None => bail!(
                    "cannot map label {name:?} (class {id}) onto negative/neutral/positive; labels are {:?}",
                    (0..n as i64).filter_map(|i| id2label.get(&i)).collect::<Vec<_>>()
                ),
            }
        }
        for needed in [ToneLabel::Negative, ToneLabel::Positive] {
            if !classes.contains(&needed) {
                bail!("the model has no {needed} class (labels map to {classes:?})");
            }
        }
        Ok(LabelMap { classes })
    }

    /// Whether any class maps to neutral.
    pub fn has_neutral(&self) -> bool {
        self.classes.contains(&ToneLabel::Neutral)
    }

    pub fn num_classes(&self) -> usize {
        self.classes.len()
    }

    /// Turns one row of class probabilities into a tone score.
    pub fn score(&self, probs: &[f32]) -> ToneScore {
        let mut p = [0.0f32; 3];
        for (&label, &prob) in self.classes.iter().zip(probs) {
            p[label as usize] += prob;
        }
        let [neg, neu, pos] = p;
        let score = (pos - neg).clamp(-1.0, 1.0);
        ToneScore {
            label: ToneLabel::of_score(score),
            score,
            p_negative: neg,
            p_neutral: self.has_neutral().then_some(neu),
            p_positive: pos,
        }
    }
}

/// The tone class of one label name, or `None` if it is not recognised.
fn classify(name: &str, id: i64, n: usize) -> Option<ToneLabel> {
    let name = name.trim().to_ascii_lowercase();
    match name.as_str() {
        "negative" | "neg" => return Some(ToneLabel::Negative),
        "neutral" | "neu" => return Some(ToneLabel::Neutral),
        "positive" | "pos" => return Some(ToneLabel::Positive),
        _ => {}
    }
    if let Some(generic) = name.strip_prefix("label_").and_then(|d| d.parse::<i64>().ok()) {
        // Only trust LABEL_<n> when it agrees with the class position.
        return match (n, generic == id, generic) {
            (2, true, 0) | (3, true, 0) => Some(ToneLabel::Negative),
            (3, true, 1) => Some(ToneLabel::Neutral),
            (2, true, 1) | (3, true, 2) => Some(ToneLabel::Positive),
            _ => None,
        };
    }
    if let Some(stars) = name.strip_suffix(" stars").or_else(|| name.strip_suffix(" star")) {
        return match stars.trim().parse::<u8>().ok()? {
            1 | 2 => Some(ToneLabel::Negative),
            3 => Some(ToneLabel::Neutral),
            4 | 5 => Some(ToneLabel::Positive),
            _ => None,
        };
    }
    if name.contains("negative") {
        Some(ToneLabel::Negative)
    } else if name.contains("positive") {
        Some(ToneLabel::Positive)
    } else if name.contains("neutral") {
        Some(ToneLabel::Neutral)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(labels: &[&str]) -> Result<LabelMap> {
        LabelMap::from_id2label(&labels.iter().enumerate().map(|(i, l)| (i as i64, l.to_string())).collect())
    }

    #[test]
    fn three_label_model_in_any_order_and_case() {
        let m = map(&["Positive", "NEGATIVE", "neutral"]).unwrap();
        let s = m.score(&[0.7, 0.1, 0.2]);
        assert_eq!(s.label, ToneLabel::Positive);
        assert!((s.score - 0.6).abs() < 1e-6);
        assert_eq!(s.p_neutral, Some(0.2));
        // Neutral the most probable class, but clearly more positive than negative: the label
        // follows the score, not the arg-max.
        let s = m.score(&[0.35, 0.15, 0.5]);
        assert!((s.score - 0.2).abs() < 1e-6);
        assert_eq!(s.label, ToneLabel::Positive);
        assert_eq!(m.score(&[0.26, 0.24, 0.5]).label, ToneLabel::Neutral);
    }

    #[test]
    fn label_and_score_agree_by_definition() {
        assert_eq!(ToneLabel::of_score(0.05), ToneLabel::Positive);
        assert_eq!(ToneLabel::of_score(0.0499), ToneLabel::Neutral);
        assert_eq!(ToneLabel::of_score(-0.0499), ToneLabel::Neutral);
        assert_eq!(ToneLabel::of_score(-0.05), ToneLabel::Negative);
        let m = map(&["negative", "neutral", "positive"]).unwrap();
        // A grid over the probability simplex: the label is always the band of the score.
        for i in 0..=20 {
            for j in 0..=(20 - i) {
                let (neg, neu) = (i as f32 / 20.0, j as f32 / 20.0);
                let s = m.score(&[neg, neu, 1.0 - neg - neu]);
                let expected = if s.score >= NEUTRAL_BAND { ToneLabel::Positive } else if s.score <= -NEUTRAL_BAND { ToneLabel::Negative } else { ToneLabel::Neutral };
                assert_eq!(s.label, expected, "{s:?}");
            }
        }
    }

    #[test]
    fn two_label_sst2_model_has_no_neutral() {
        for labels in [["NEGATIVE", "POSITIVE"], ["LABEL_0", "LABEL_1"], ["neg", "pos"]] {
            let m = map(&labels).unwrap();
            assert!(!m.has_neutral());
            let s = m.score(&[0.9, 0.1]);
            assert_eq!(s.label, ToneLabel::Negative);
            assert_eq!(s.p_neutral, None);
            assert!((s.score + 0.8).abs() < 1e-6);
        }
    }

    #[test]
    fn generic_three_labels_and_star_ratings() {
        let m = map(&["LABEL_0", "LABEL_1", "LABEL_2"]).unwrap();
        assert_eq!(m.score(&[0.1, 0.8, 0.1]).label, ToneLabel::Neutral);
        let stars = map(&["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]).unwrap();
        let s = stars.score(&[0.1, 0.1, 0.2, 0.3, 0.3]);
        assert!((s.p_negative - 0.2).abs() < 1e-6 && (s.p_positive - 0.6).abs() < 1e-6);
        assert_eq!(s.label, ToneLabel::Positive);
    }

    #[test]
    fn unknown_or_incomplete_labels_are_errors() {
        let err = map(&["joy", "anger"]).unwrap_err().to_string();
        assert!(err.contains("joy"), "{err}");
        assert!(map(&["neutral", "positive"]).is_err());
        assert!(map(&["LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3"]).is_err());
    }
}
