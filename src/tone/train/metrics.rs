//! Agreement of tone scores with human ratings: Pearson r on the signed score, and 3-class
//! accuracy / macro F1 / weighted F1 where the gold mean rating is turned into a class with a
//! ±0.05 neutral band (the VADER convention) and the model's class is the `tone` label exactly
//! as the CSV writes it ([`ToneLabel::of_score`], the same band on `tone_score`).

use super::data::class_of_score;
use crate::tone::labels::ToneLabel;

/// The neutral band used for both gold ratings and model scores.
pub use crate::tone::labels::NEUTRAL_BAND;

/// Figures for one set of scores against the gold mean ratings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ToneMetrics {
    pub n: usize,
    pub pearson_r: f64,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
}

impl std::fmt::Display for ToneMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "n={} r={:.3} acc={:.3} macroF1={:.3} weightedF1={:.3}",
            self.n, self.pearson_r, self.accuracy, self.macro_f1, self.weighted_f1
        )
    }
}

/// Compares model scores in [-1, 1] with gold mean ratings (any scale; only the sign band and
/// the linear correlation matter). Panics if the slices differ in length.
pub fn tone_metrics(scores: &[f32], gold: &[f32]) -> ToneMetrics {
    assert_eq!(scores.len(), gold.len(), "one score per gold rating");
    let predicted: Vec<u8> = scores.iter().map(|&s| ToneLabel::of_score(s) as u8).collect();
    let truth: Vec<u8> = gold.iter().map(|&g| class_of_score(g, NEUTRAL_BAND)).collect();
    let (accuracy, macro_f1, weighted_f1) = classification(&truth, &predicted, 3);
    ToneMetrics { n: scores.len(), pearson_r: pearson(scores, gold), accuracy, macro_f1, weighted_f1 }
}

/// Pearson correlation; 0 when either side has no variance.
pub fn pearson(x: &[f32], y: &[f32]) -> f64 {
    let n = x.len() as f64;
    if x.is_empty() {
        return 0.0;
    }
    let mx = x.iter().map(|&v| v as f64).sum::<f64>() / n;
    let my = y.iter().map(|&v| v as f64).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let (dx, dy) = (a as f64 - mx, b as f64 - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Accuracy, macro F1 and support-weighted F1 over `k` classes. A class with no predictions
/// and no gold items is left out of the macro average (as scikit-learn does for absent labels
/// when they are not requested); one with gold items but no correct prediction counts as F1 0.
pub fn classification(truth: &[u8], predicted: &[u8], k: usize) -> (f64, f64, f64) {
    let n = truth.len();
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let mut tp = vec![0usize; k];
    let mut n_pred = vec![0usize; k];
    let mut n_true = vec![0usize; k];
    for (&t, &p) in truth.iter().zip(predicted) {
        n_true[t as usize] += 1;
        n_pred[p as usize] += 1;
        if t == p {
            tp[t as usize] += 1;
        }
    }
    let f1 = |c: usize| {
        let denom = n_pred[c] + n_true[c];
        if denom == 0 { 0.0 } else { 2.0 * tp[c] as f64 / denom as f64 }
    };
    let present: Vec<usize> = (0..k).filter(|&c| n_pred[c] + n_true[c] > 0).collect();
    let macro_f1 = present.iter().map(|&c| f1(c)).sum::<f64>() / present.len() as f64;
    let weighted_f1 = (0..k).map(|c| f1(c) * n_true[c] as f64).sum::<f64>() / n as f64;
    let accuracy = tp.iter().sum::<usize>() as f64 / n as f64;
    (accuracy, macro_f1, weighted_f1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_of_linear_relation_is_one() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [-2.0, 0.0, 2.0, 4.0];
        assert!((pearson(&x, &y) - 1.0).abs() < 1e-12);
        assert!((pearson(&x, &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&x, &[1.0; 4]), 0.0);
    }

    #[test]
    fn f1_matches_a_hand_computed_confusion() {
        // truth:     0 0 0 1 2 2
        // predicted: 0 0 2 1 2 0
        let (acc, macro_f1, weighted) = classification(&[0, 0, 0, 1, 2, 2], &[0, 0, 2, 1, 2, 0], 3);
        // class 0: tp 2, pred 3, true 3 → 2/3; class 1: 1; class 2: tp 1, pred 2, true 2 → 1/2
        assert!((acc - 4.0 / 6.0).abs() < 1e-12);
        assert!((macro_f1 - (2.0 / 3.0 + 1.0 + 0.5) / 3.0).abs() < 1e-12);
        assert!((weighted - (2.0 / 3.0 * 3.0 + 1.0 + 0.5 * 2.0) / 6.0).abs() < 1e-12);
    }

    #[test]
    fn scores_are_banded_before_classification() {
        let m = tone_metrics(&[0.5, -0.5, 0.01], &[2.0, -1.0, 0.0]);
        assert_eq!(m.accuracy, 1.0);
        assert_eq!(m.weighted_f1, 1.0);
        let m = tone_metrics(&[0.04, -0.5, 0.5], &[2.0, -1.0, 0.0]);
        assert!((m.accuracy - 1.0 / 3.0).abs() < 1e-12);
    }
}
