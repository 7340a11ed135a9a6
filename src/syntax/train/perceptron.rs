//! The averaged perceptron (Collins 2002) used to train all three syntax models, with the lazy
//! averaging of Daumé (2006): each weight remembers when it last changed, so an update costs
//! only the features it touches.

use crate::syntax::weights::Weights;
use rustc_hash::FxHashMap;

#[derive(Clone, Copy)]
struct Entry {
    class: u8,
    weight: f32,
    /// Sum of this weight over all steps up to `stamp`.
    total: f64,
    stamp: u32,
}

/// A feature's weights, and how often the feature took part in an update.
#[derive(Default)]
struct Row {
    entries: Vec<Entry>,
    updates: u32,
}

/// Weights being trained: sparse rows per feature key, with their running sums.
pub struct AveragedPerceptron {
    rows: FxHashMap<u64, Row>,
    classes: usize,
    /// Training instances seen so far (the clock of the averaging).
    step: u32,
}

impl AveragedPerceptron {
    pub fn new(classes: usize) -> AveragedPerceptron {
        assert!(classes <= 256, "at most 256 classes");
        AveragedPerceptron { rows: FxHashMap::default(), classes, step: 1 }
    }

    pub fn classes(&self) -> usize {
        self.classes
    }

    /// The current (not averaged) scores of every class for `features`.
    pub fn scores(&self, features: &[u64], scores: &mut [f32]) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in features {
            if let Some(row) = self.rows.get(f) {
                for e in &row.entries {
                    scores[e.class as usize] += e.weight;
                }
            }
        }
    }

    /// Moves the weights of `features` towards `gold` and away from `predicted`.
    pub fn update(&mut self, features: &[u64], gold: usize, predicted: usize) {
        if gold == predicted {
            return;
        }
        for &f in features {
            let row = self.rows.entry(f).or_default();
            row.updates = row.updates.saturating_add(1);
            for (class, delta) in [(gold, 1.0), (predicted, -1.0)] {
                Self::change(&mut row.entries, self.step, class, delta);
            }
        }
    }

    /// Adds `delta` to the weight of `class` for each of `features`: one side of a structured
    /// update, where the gold and the predicted labels sit on different features.
    pub fn add(&mut self, features: &[u64], class: usize, delta: f32) {
        for &f in features {
            let row = self.rows.entry(f).or_default();
            row.updates = row.updates.saturating_add(1);
            Self::change(&mut row.entries, self.step, class, delta);
        }
    }

    fn change(row: &mut Vec<Entry>, step: u32, class: usize, delta: f32) {
        let entry = match row.iter_mut().position(|e| e.class as usize == class) {
            Some(i) => &mut row[i],
            None => {
                row.push(Entry { class: class as u8, weight: 0.0, total: 0.0, stamp: step });
                row.last_mut().expect("just pushed")
            }
        };
        entry.total += entry.weight as f64 * (step - entry.stamp) as f64;
        entry.stamp = step;
        entry.weight += delta;
    }

    /// Advances the clock by one training instance.
    pub fn tick(&mut self) {
        self.step += 1;
    }

    /// The averaged weights, dropping those smaller than `min_weight` in magnitude and the
    /// features updated fewer than `min_updates` times (rare features: they make the model
    /// larger and slower and hardly ever help on new text).
    pub fn average(&self, min_weight: f32, min_updates: u32) -> Weights {
        let step = self.step;
        let rows = self.rows.iter().filter(|(_, row)| row.updates >= min_updates).map(|(&key, row)| {
            let mut averaged: Vec<(u8, f32)> = row
                .entries
                .iter()
                .map(|e| (e.class, ((e.total + e.weight as f64 * (step - e.stamp) as f64) / step as f64) as f32))
                .filter(|(_, w)| w.abs() >= min_weight)
                .collect();
            averaged.sort_unstable_by_key(|(c, _)| *c);
            (key, averaged)
        });
        Weights::from_rows(rows)
    }

    /// Number of features with a row.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_problem_and_averages() {
        // Feature 1 means class 0, feature 2 means class 1.
        let data = [(vec![1u64, 3], 0usize), (vec![2, 3], 1), (vec![1, 3], 0), (vec![2], 1)];
        let mut p = AveragedPerceptron::new(2);
        let mut scores = [0.0f32; 2];
        for _ in 0..5 {
            for (features, gold) in &data {
                p.scores(features, &mut scores);
                let predicted = if scores[1] > scores[0] { 1 } else { 0 };
                p.update(features, *gold, predicted);
                p.tick();
            }
        }
        let w = p.average(0.0, 1);
        for (features, gold) in &data {
            let mut s = [0.0f32; 2];
            w.add_scores(features, &mut s);
            let predicted = if s[1] > s[0] { 1 } else { 0 };
            assert_eq!(predicted, *gold);
        }
    }
}
