//! Fitting a [`Calibration`] on held-out rows: raw scores of the top candidate and whether it
//! was right.

use crate::attribute::calibrate::{logit, sigmoid, Calibration, Scale};
use anyhow::{ensure, Result};

fn rows(raw: &[f32], correct: &[bool]) -> Result<Vec<(f64, bool)>> {
    ensure!(raw.len() == correct.len(), "{} scores for {} outcomes", raw.len(), correct.len());
    let rows: Vec<(f64, bool)> = raw.iter().zip(correct).filter(|(x, _)| x.is_finite()).map(|(&x, &c)| (x as f64, c)).collect();
    ensure!(!rows.is_empty(), "no rows with a finite score to calibrate on");
    Ok(rows)
}

/// Platt scaling: fits `sigmoid(a · z + b)` by Newton's method on the log loss, with Platt's
/// smoothed targets (`(N₊ + 1) / (N₊ + 2)` and `1 / (N₋ + 2)`) so that a separable set does
/// not drive `a` to infinity. `z` is the logit of `raw` for [`Scale::Probability`], `raw`
/// itself for [`Scale::Margin`]. Non-finite scores are left out.
pub fn fit_platt(raw: &[f32], correct: &[bool], scale: Scale) -> Result<Calibration> {
    let rows = rows(raw, correct)?;
    let pos = rows.iter().filter(|r| r.1).count() as f64;
    let neg = rows.len() as f64 - pos;
    let (t_pos, t_neg) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let data: Vec<(f64, f64)> = rows
        .iter()
        .map(|&(x, c)| (if scale == Scale::Probability { logit(x) } else { x }, if c { t_pos } else { t_neg }))
        .collect();
    let loss = |a: f64, b: f64| -> f64 {
        data.iter()
            .map(|&(z, t)| {
                let s = a * z + b;
                // log(1 + e^s) − t·s, written to stay finite for large |s|.
                s.max(0.0) + (-s.abs()).exp().ln_1p() - t * s
            })
            .sum()
    };
    let (mut a, mut b) = (0.0, ((pos + 1.0) / (neg + 1.0)).ln());
    let mut current = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
        for &(z, t) in &data {
            let p = sigmoid(a * z + b);
            let w = (p * (1.0 - p)).max(1e-12);
            ga += (p - t) * z;
            gb += p - t;
            haa += w * z * z;
            hab += w * z;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        let (da, db) = if det > 1e-18 { ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det) } else { (ga / haa, gb / hbb) };
        // Backtracking line search: the loss is convex, so a short enough step always helps.
        let mut step = 1.0;
        let mut improved = false;
        while step > 1e-10 {
            let (na, nb) = (a - step * da, b - step * db);
            let l = loss(na, nb);
            if l < current {
                (a, b, improved) = (na, nb, current - l > 1e-12 * current.abs().max(1.0));
                current = l;
                break;
            }
            step /= 2.0;
        }
        if !improved {
            break;
        }
    }
    let cal = Calibration::Platt { scale, a: a as f32, b: b as f32 };
    cal.validate()?;
    Ok(cal)
}

/// Isotonic regression by pool adjacent violators: the non-decreasing step function of `raw`
/// closest to the outcomes in squared error, stored as knots at each block's lowest and highest
/// score (interpolated between blocks). Non-finite scores are left out.
pub fn fit_isotonic(raw: &[f32], correct: &[bool]) -> Result<Calibration> {
    let mut rows = rows(raw, correct)?;
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Blocks of (lowest x, highest x, weight, mean outcome); equal scores start in one block.
    let mut blocks: Vec<(f64, f64, f64, f64)> = Vec::new();
    for (x, c) in rows {
        let y = f64::from(u8::from(c));
        match blocks.last_mut() {
            Some(last) if last.1 == x => {
                last.3 = (last.3 * last.2 + y) / (last.2 + 1.0);
                last.2 += 1.0;
            }
            _ => blocks.push((x, x, 1.0, y)),
        }
        // Pool while the last block breaks the order.
        while blocks.len() > 1 && blocks[blocks.len() - 2].3 >= blocks[blocks.len() - 1].3 {
            let b = blocks.pop().unwrap();
            let a = blocks.last_mut().unwrap();
            a.3 = (a.3 * a.2 + b.3 * b.2) / (a.2 + b.2);
            a.2 += b.2;
            a.1 = b.1;
        }
    }
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for &(lo, hi, _, mean) in &blocks {
        for v in if hi > lo { vec![lo, hi] } else { vec![lo] } {
            let v = v as f32;
            // Scores that differ in f64 but not in f32 keep one knot.
            if x.last().is_none_or(|&l| v > l) {
                x.push(v);
                y.push(mean as f32);
            }
        }
    }
    let cal = Calibration::Isotonic { x, y };
    cal.validate()?;
    Ok(cal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribute::calibrate::expected_calibration_error;

    /// A deterministic stream of uniform numbers in [0, 1).
    fn uniform(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed;
        move || {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Over-confident scores: the true chance of being right is `p²` for a stated `p`.
    fn overconfident(n: usize, seed: u64) -> (Vec<f32>, Vec<bool>) {
        let mut u = uniform(seed);
        (0..n)
            .map(|_| {
                let p = 0.3 + 0.7 * u();
                (p as f32, u() < p * p)
            })
            .unzip()
    }

    #[test]
    fn isotonic_is_monotone_and_pools_violators() {
        let cal = fit_isotonic(&[0.1, 0.2, 0.3, 0.4, 0.5], &[false, true, false, true, true]).unwrap();
        // 0.2 (right) and 0.3 (wrong) violate the order and pool to 0.5.
        let Calibration::Isotonic { x, y } = &cal else { panic!("{cal:?}") };
        assert_eq!(x, &[0.1, 0.2, 0.3, 0.4, 0.5]);
        assert_eq!(y, &[0.0, 0.5, 0.5, 1.0, 1.0]);
        let (raw, ok) = overconfident(5000, 3);
        let cal = fit_isotonic(&raw, &ok).unwrap();
        let mut last = 0.0;
        for i in 0..=1000 {
            let v = cal.apply(i as f32 / 1000.0);
            assert!(v >= last && (0.0..=1.0).contains(&v), "not monotone at {i}: {v} after {last}");
            last = v;
        }
    }

    #[test]
    fn calibration_lowers_the_error_on_held_out_rows() {
        let (raw, ok) = overconfident(5000, 1);
        let (test_raw, test_ok) = overconfident(5000, 2);
        let before = expected_calibration_error(&test_raw, &test_ok, 10);
        assert!(before > 0.1, "the synthetic set is miscalibrated: {before}");
        for cal in [fit_isotonic(&raw, &ok).unwrap(), fit_platt(&raw, &ok, Scale::Probability).unwrap()] {
            let after: Vec<f32> = test_raw.iter().map(|&p| cal.apply(p)).collect();
            let ece = expected_calibration_error(&after, &test_ok, 10);
            assert!(ece < 0.03, "{cal:?}: ECE {before:.3} -> {ece:.3}");
        }
    }

    #[test]
    fn platt_recovers_a_known_sigmoid() {
        // Outcomes drawn from sigmoid(2·m − 1) over margins m: the fit finds a ≈ 2, b ≈ −1.
        let mut u = uniform(9);
        let (raw, ok): (Vec<f32>, Vec<bool>) = (0..20000)
            .map(|_| {
                let m = 6.0 * u() - 3.0;
                (m as f32, u() < sigmoid(2.0 * m - 1.0))
            })
            .unzip();
        let Calibration::Platt { a, b, .. } = fit_platt(&raw, &ok, Scale::Margin).unwrap() else { panic!() };
        assert!((a - 2.0).abs() < 0.15 && (b + 1.0).abs() < 0.1, "a = {a}, b = {b}");
        assert!(fit_platt(&[f32::NAN], &[true], Scale::Margin).is_err());
    }
}
