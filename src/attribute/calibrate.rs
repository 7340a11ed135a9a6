//! Calibrated confidence: map the ranker's raw score for its top candidate (a softmax
//! probability or a margin) to the probability that the candidate is right, and measure how
//! well a set of probabilities is calibrated.
//!
//! A [`Calibration`] is fitted on held-out data (`train::calibrate`: Platt scaling or
//! isotonic regression) and applied here. It is saved inside the ranker's file
//! ([`super::ranker::Ranker::set_calibration`]) or in a small JSON file of its own
//! ([`Calibration::save`]):
//!
//! ```json
//! {"format": "quotestance-calibration", "version": 1,
//!  "calibration": {"method": "platt", "scale": "probability", "a": 1.7, "b": -0.4}}
//! ```
//!
//! or `{"method": "isotonic", "x": [...], "y": [...]}` (knots of a non-decreasing
//! piecewise-linear map) or `{"method": "identity"}`.

use anyhow::{ensure, Context, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

const FILE_FORMAT: &str = "quotestance-calibration";
const FILE_VERSION: u32 = 1;
/// Probabilities are clamped this far from 0 and 1 before taking their logit.
const EPS: f64 = 1e-6;

/// How a calibration reads its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// A probability in [0, 1]; Platt scaling works on its logit.
    Probability,
    /// A raw margin (any real number).
    Margin,
}

/// A monotone map from a raw score to a calibrated probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Calibration {
    /// The input unchanged (clamped to [0, 1]).
    Identity,
    /// Platt scaling: `sigmoid(a · z + b)`, `z` the input's logit (probabilities) or the input
    /// itself (margins).
    Platt { scale: Scale, a: f32, b: f32 },
    /// Isotonic regression: linear interpolation between knots `(x[i], y[i])`, `x` strictly
    /// increasing and `y` non-decreasing; flat beyond the first and last knot.
    Isotonic { x: Vec<f32>, y: Vec<f32> },
}

#[derive(Serialize, Deserialize)]
struct CalibrationFile {
    format: String,
    version: u32,
    calibration: Calibration,
}

impl Calibration {
    /// The calibrated probability of `raw`; NaN stays NaN.
    pub fn apply(&self, raw: f32) -> f32 {
        if raw.is_nan() {
            return raw;
        }
        match self {
            Calibration::Identity => raw.clamp(0.0, 1.0),
            Calibration::Platt { scale, a, b } => {
                let z = match scale {
                    Scale::Probability => logit(raw as f64),
                    Scale::Margin => raw as f64,
                };
                sigmoid(*a as f64 * z + *b as f64) as f32
            }
            Calibration::Isotonic { x, y } => {
                let i = x.partition_point(|&k| k <= raw);
                if i == 0 {
                    y[0]
                } else if i == x.len() {
                    y[x.len() - 1]
                } else {
                    let t = (raw - x[i - 1]) / (x[i] - x[i - 1]);
                    y[i - 1] + t * (y[i] - y[i - 1])
                }
            }
        }
    }

    /// Checks the parameters (finite; isotonic knots ordered and in [0, 1]).
    pub fn validate(&self) -> Result<()> {
        match self {
            Calibration::Identity => {}
            Calibration::Platt { a, b, .. } => ensure!(a.is_finite() && b.is_finite(), "Platt parameters a = {a}, b = {b}"),
            Calibration::Isotonic { x, y } => {
                ensure!(!x.is_empty() && x.len() == y.len(), "isotonic knots: {} x and {} y", x.len(), y.len());
                ensure!(x.iter().all(|v| v.is_finite()), "an isotonic knot x that is not finite");
                ensure!(x.windows(2).all(|w| w[0] < w[1]), "isotonic knots x not strictly increasing");
                ensure!(y.iter().all(|v| (0.0..=1.0).contains(v)), "an isotonic knot y outside [0, 1]");
                ensure!(y.windows(2).all(|w| w[0] <= w[1]), "isotonic knots y decreasing");
            }
        }
        Ok(())
    }

    /// Reads a calibration file (see the module documentation); errors name the file.
    pub fn load(path: impl AsRef<Path>) -> Result<Calibration> {
        let path = path.as_ref();
        let text = std::fs::read(path).with_context(|| format!("cannot read the calibration file {}", path.display()))?;
        Calibration::from_json(&text).with_context(|| format!("{} is not a valid calibration file", path.display()))
    }

    /// Parses the contents of a calibration file.
    pub fn from_json(text: &[u8]) -> Result<Calibration> {
        let file: CalibrationFile = serde_json::from_slice(text).context("malformed calibration JSON")?;
        ensure!(file.format == FILE_FORMAT, "format {:?}, expected {FILE_FORMAT:?}", file.format);
        ensure!(file.version == FILE_VERSION, "version {}; this build reads version {FILE_VERSION}", file.version);
        file.calibration.validate()?;
        Ok(file.calibration)
    }

    /// The contents of a calibration file.
    pub fn to_json(&self) -> String {
        let file = CalibrationFile { format: FILE_FORMAT.into(), version: FILE_VERSION, calibration: self.clone() };
        serde_json::to_string_pretty(&file).expect("a calibration serialises") + "\n"
    }

    /// Writes a calibration file, under a temporary name first so that no partial file is left.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, self.to_json()).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
    }
}

pub(crate) fn logit(p: f64) -> f64 {
    let p = p.clamp(EPS, 1.0 - EPS);
    (p / (1.0 - p)).ln()
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One bin of a [`Reliability`] table.
#[derive(Debug, Clone, PartialEq)]
pub struct ReliabilityBin {
    /// The bin covers confidences in `[lo, hi)` (the last bin includes 1).
    pub lo: f64,
    /// The bin's upper bound.
    pub hi: f64,
    /// Rows whose confidence falls in the bin.
    pub count: usize,
    /// Their mean confidence (0 for an empty bin).
    pub mean_confidence: f64,
    /// The share of them that are correct (0 for an empty bin).
    pub accuracy: f64,
}

/// A reliability table: confidence against accuracy in equal-width bins; prints as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Reliability {
    /// The bins, lowest confidence first (empty ones included).
    pub bins: Vec<ReliabilityBin>,
    /// Rows counted (NaN confidences are left out).
    pub total: usize,
    /// Expected calibration error: the count-weighted mean of |accuracy − confidence|.
    pub ece: f64,
}

/// Bins `probs` (clamped to [0, 1]; NaN left out) into `bins` equal-width bins over [0, 1].
/// Panics when `probs` and `correct` differ in length or `bins` is 0.
pub fn reliability_table(probs: &[f32], correct: &[bool], bins: usize) -> Reliability {
    assert_eq!(probs.len(), correct.len(), "{} probabilities for {} outcomes", probs.len(), correct.len());
    assert!(bins > 0, "a reliability table needs at least one bin");
    let mut sums = vec![(0usize, 0.0f64, 0usize); bins];
    for (&p, &ok) in probs.iter().zip(correct) {
        if p.is_nan() {
            continue;
        }
        let p = p.clamp(0.0, 1.0) as f64;
        let b = ((p * bins as f64) as usize).min(bins - 1);
        sums[b].0 += 1;
        sums[b].1 += p;
        sums[b].2 += usize::from(ok);
    }
    let total: usize = sums.iter().map(|s| s.0).sum();
    let mut ece = 0.0;
    let bins: Vec<ReliabilityBin> = sums
        .iter()
        .enumerate()
        .map(|(i, &(count, conf, right))| {
            let (mean_confidence, accuracy) = if count > 0 { (conf / count as f64, right as f64 / count as f64) } else { (0.0, 0.0) };
            if total > 0 {
                ece += count as f64 / total as f64 * (accuracy - mean_confidence).abs();
            }
            ReliabilityBin { lo: i as f64 / bins as f64, hi: (i + 1) as f64 / bins as f64, count, mean_confidence, accuracy }
        })
        .collect();
    Reliability { bins, total, ece }
}

/// Expected calibration error of `probs` against `correct` over `bins` equal-width bins.
pub fn expected_calibration_error(probs: &[f32], correct: &[bool], bins: usize) -> f64 {
    reliability_table(probs, correct, bins).ece
}

impl fmt::Display for Reliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<11} {:>7} {:>10} {:>9} {:>7}", "confidence", "count", "mean conf", "accuracy", "gap")?;
        for b in &self.bins {
            let range = format!("{:.2}-{:.2}", b.lo, b.hi);
            if b.count == 0 {
                writeln!(f, "{range:<11} {:>7} {:>10} {:>9} {:>7}", 0, "-", "-", "-")?;
            } else {
                let gap = b.accuracy - b.mean_confidence;
                writeln!(f, "{range:<11} {:>7} {:>10.3} {:>9.3} {:>+7.3}", b.count, b.mean_confidence, b.accuracy, gap)?;
            }
        }
        write!(f, "ECE {:.4} over {} rows", self.ece, self.total)
    }
}

/// The least support [`threshold_for_precision`] asks of a threshold.
pub const DEFAULT_MIN_SUPPORT: usize = 10;

/// The lowest threshold `t` such that the rows with `prob >= t` are at least
/// [`DEFAULT_MIN_SUPPORT`] and correct at a rate of at least `target`; `None` when no threshold
/// qualifies.
pub fn threshold_for_precision(probs: &[f32], correct: &[bool], target: f64) -> Option<f32> {
    threshold_for_precision_with_support(probs, correct, target, DEFAULT_MIN_SUPPORT)
}

/// [`threshold_for_precision`] with a chosen least support (at least 1). Candidate thresholds
/// are the probabilities themselves; NaN rows are left out. Precision need not rise with the
/// threshold, so this is the lowest qualifying threshold, not the start of a qualifying range.
pub fn threshold_for_precision_with_support(probs: &[f32], correct: &[bool], target: f64, min_support: usize) -> Option<f32> {
    assert_eq!(probs.len(), correct.len(), "{} probabilities for {} outcomes", probs.len(), correct.len());
    let mut rows: Vec<(f32, bool)> = probs.iter().copied().zip(correct.iter().copied()).filter(|(p, _)| !p.is_nan()).collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut n, mut right, mut best) = (0usize, 0usize, None);
    let mut i = 0;
    while i < rows.len() {
        // All rows tied at this value are in or out together.
        let t = rows[i].0;
        while i < rows.len() && rows[i].0 == t {
            n += 1;
            right += usize::from(rows[i].1);
            i += 1;
        }
        if n >= min_support.max(1) && right as f64 >= target * n as f64 {
            best = Some(t);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_each_method() {
        assert_eq!(Calibration::Identity.apply(1.5), 1.0);
        let platt = Calibration::Platt { scale: Scale::Probability, a: 1.0, b: 0.0 };
        assert!((platt.apply(0.3) - 0.3).abs() < 1e-6, "a = 1, b = 0 is the identity on probabilities");
        let margin = Calibration::Platt { scale: Scale::Margin, a: 2.0, b: 1.0 };
        assert!((margin.apply(0.0) - sigmoid(1.0) as f32).abs() < 1e-7);
        let iso = Calibration::Isotonic { x: vec![0.2, 0.4, 0.8], y: vec![0.1, 0.5, 0.9] };
        for (x, want) in [(0.0, 0.1), (0.2, 0.1), (0.3, 0.3), (0.6, 0.7), (1.0, 0.9)] {
            assert!((iso.apply(x) - want).abs() < 1e-6, "isotonic({x}) = {}, not {want}", iso.apply(x));
        }
        assert!(iso.apply(f32::NAN).is_nan());
    }

    #[test]
    fn files_round_trip_and_bad_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cal.json");
        let iso = Calibration::Isotonic { x: vec![0.2, 0.4], y: vec![0.1, 0.5] };
        iso.save(&path).unwrap();
        assert_eq!(Calibration::load(&path).unwrap(), iso);
        std::fs::write(&path, r#"{"format":"quotestance-calibration","version":1,"calibration":{"method":"isotonic","x":[0.4,0.2],"y":[0.1,0.5]}}"#).unwrap();
        let msg = format!("{:#}", Calibration::load(&path).unwrap_err());
        assert!(msg.contains("cal.json") && msg.contains("not strictly increasing"), "{msg}");
        std::fs::write(&path, r#"{"format":"quotestance-calibration","version":9,"calibration":{"method":"identity"}}"#).unwrap();
        assert!(format!("{:#}", Calibration::load(&path).unwrap_err()).contains("version 9"));
    }

    #[test]
    fn reliability_by_hand() {
        // Bin 0.0-0.5: 0.2 (wrong), 0.4 (right): confidence 0.3, accuracy 0.5.
        // Bin 0.5-1.0: 0.9 (right), 1.0 (right): confidence 0.95, accuracy 1.
        let t = reliability_table(&[0.2, 0.4, 0.9, 1.0, f32::NAN], &[false, true, true, true, true], 2);
        assert_eq!(t.total, 4);
        assert_eq!((t.bins[0].count, t.bins[1].count), (2, 2));
        assert!((t.bins[0].mean_confidence - 0.3).abs() < 1e-7 && (t.bins[1].accuracy - 1.0).abs() < 1e-12);
        assert!((t.ece - (0.5 * 0.2 + 0.5 * 0.05)).abs() < 1e-6, "{}", t.ece);
        let shown = t.to_string();
        assert!(shown.contains("0.50-1.00") && shown.contains("ECE 0.1250 over 4 rows"), "{shown}");
    }

    #[test]
    fn threshold_by_hand() {
        // Sorted down: 0.9 ✓, 0.8 ✓, 0.7 ✗, 0.6 ✓, 0.5 ✓, 0.4 ✗.
        // Precision at ≥ 0.9: 1/1, ≥ 0.8: 2/2, ≥ 0.7: 2/3, ≥ 0.6: 3/4, ≥ 0.5: 4/5, ≥ 0.4: 4/6.
        let p = [0.5, 0.9, 0.4, 0.7, 0.8, 0.6];
        let ok = [true, true, false, false, true, true];
        assert_eq!(threshold_for_precision_with_support(&p, &ok, 0.75, 1), Some(0.5));
        assert_eq!(threshold_for_precision_with_support(&p, &ok, 0.9, 1), Some(0.8));
        assert_eq!(threshold_for_precision_with_support(&p, &ok, 0.9, 3), None, "only 2 rows reach 0.9 precision");
        assert_eq!(threshold_for_precision_with_support(&p, &ok, 0.5, 1), Some(0.4));
        assert_eq!(threshold_for_precision(&p, &ok, 0.5), None, "six rows are under the default support");
        // Ties move together: at ≥ 0.7 both 0.7 rows count (1 of 2 right).
        assert_eq!(threshold_for_precision_with_support(&[0.9, 0.7, 0.7], &[true, true, false], 0.7, 1), Some(0.9));
    }
}
