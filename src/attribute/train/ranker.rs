//! Training the candidate ranker ([`crate::attribute::ranker::Ranker`]): gradient-boosted
//! regression trees with histogram split finding.
//!
//! Every feature is cut once into at most [`RankerConfig::bins`] quantile bins (values that are
//! not finite get a bin of their own); a tree grows depth-wise, each node summing gradients into
//! per-bin histograms (the larger child's histogram is the parent's minus the smaller child's)
//! and taking the split of best second-order gain, with missing values sent to whichever side
//! gains more. Leaves are Newton steps `−G / (H + λ)`, shrunk by the learning rate.
//!
//! Features are scanned in parallel (rayon), each into its own histogram, and the best split is
//! chosen in feature order, so a model is the same bit for bit whatever the thread count.
//! Sampling uses a fixed-seed generator defined here.
//!
//! Objectives ([`Objective`]), per group (one quote's candidates) with gold row `g`:
//! - `Softmax` (default): the cross-entropy `−log softmax(s)_g`; gradient `p_i − [i = g]`,
//!   diagonal Hessian `p_i (1 − p_i)`.
//! - `Pairwise`: for each other row `j`, the logistic loss of `s_g − s_j`, weighted by the
//!   change in NDCG of swapping `g` and `j` in the current ranking (LambdaRank with one
//!   relevant row).
//! - `Logistic`: each row on its own, label `[i = g]`.
//!
//! A group whose gold is `None` (no candidate is right) contributes nothing under `Softmax` and
//! `Pairwise`, and all-negative rows under `Logistic`. To teach the model to say "no speaker",
//! give the group an explicit "no speaker" row and make it the gold.

use crate::attribute::ranker::{eval_tree, Node, Objective, Ranker};
use anyhow::{ensure, Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// One quote's candidates: a feature row each, and which of them is right (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// One feature vector per candidate, all of the same length.
    pub rows: Vec<Vec<f32>>,
    /// The index of the right candidate in `rows`, or `None` when none is.
    pub gold: Option<usize>,
}

/// Training settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankerConfig {
    /// The most trees (boosting rounds); early stopping may keep fewer.
    pub trees: usize,
    /// The deepest a tree grows (a depth of 6 is at most 64 leaves).
    pub max_depth: usize,
    /// Shrinkage of each tree's leaves.
    pub learning_rate: f32,
    /// The least Hessian sum a child may hold.
    pub min_child_weight: f64,
    /// L2 penalty on leaf values.
    pub lambda: f64,
    /// The least gain a split must bring.
    pub min_split_gain: f64,
    /// The share of groups each tree is grown on (sampled per tree).
    pub subsample: f64,
    /// The share of features each tree may split on (sampled per tree).
    pub colsample: f64,
    /// The most bins a feature is cut into (2 to 255).
    pub bins: usize,
    /// Seed of the sampling.
    pub seed: u64,
    /// What the trees learn.
    pub objective: Objective,
    /// Stop when the validation loss has not improved for this many trees (0: never).
    pub early_stopping_rounds: usize,
}

impl Default for RankerConfig {
    fn default() -> Self {
        RankerConfig {
            trees: 300,
            max_depth: 6,
            learning_rate: 0.1,
            min_child_weight: 1.0,
            lambda: 1.0,
            min_split_gain: 0.0,
            subsample: 0.8,
            colsample: 0.8,
            bins: 64,
            seed: 42,
            objective: Objective::Softmax,
            early_stopping_rounds: 30,
        }
    }
}

/// Losses after one boosting round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Round {
    /// The objective's mean loss on the training groups.
    pub train_loss: f64,
    /// The same on the validation groups (when given).
    pub valid_loss: Option<f64>,
    /// The share of validation groups with a gold whose top-scored row is the gold.
    pub valid_top1: Option<f64>,
}

/// What training did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainReport {
    /// The number of trees kept: the round of least validation loss, or all without validation.
    pub best_iteration: usize,
    /// One entry per round grown (rounds past `best_iteration` included).
    pub history: Vec<Round>,
}

/// Trains on `groups` for `config.trees` rounds, no early stopping.
pub fn train(groups: &[Group], feature_names: &[String], config: &RankerConfig) -> Result<Ranker> {
    train_with_validation(groups, &[], feature_names, config).map(|(r, _)| r)
}

/// Trains on `groups`, scoring `valid` after each round; with `valid` not empty and
/// `config.early_stopping_rounds > 0`, stops once the validation loss has not improved for that
/// many rounds and keeps the trees up to the best round.
pub fn train_with_validation(groups: &[Group], valid: &[Group], feature_names: &[String], config: &RankerConfig) -> Result<(Ranker, TrainReport)> {
    check_config(config)?;
    let n_features = feature_names.len();
    let train = Layout::new(groups, n_features).context("training groups")?;
    let valid_layout = Layout::new(valid, n_features).context("validation groups")?;
    ensure!(train.rows > 0, "no training rows");
    let data = Binned::new(groups, train.rows, n_features, config.bins);
    let valid_rows: Vec<&[f32]> = valid.iter().flat_map(|g| g.rows.iter().map(Vec::as_slice)).collect();

    let base_score = match config.objective {
        Objective::Logistic => {
            let pos = train.gold.iter().filter(|g| g.is_some()).count() as f64;
            let neg = train.rows as f64 - pos;
            (((pos + 0.5) / (neg + 0.5)).ln()) as f32
        }
        // A shift of all margins changes no softmax or pair: start at 0.
        Objective::Softmax | Objective::Pairwise => 0.0,
    };
    let mut scores = vec![base_score as f64; train.rows];
    let mut valid_scores = vec![base_score as f64; valid_layout.rows];
    let mut gh = vec![[0.0f32; 2]; train.rows];
    let mut rng = SplitMix(config.seed);
    let mut trees: Vec<Vec<Node>> = Vec::new();
    let mut tree_gain: Vec<Vec<f64>> = Vec::new();
    let mut history = Vec::new();
    let (mut best, mut best_loss) = (0usize, f64::INFINITY);
    let early = config.early_stopping_rounds > 0 && valid_layout.gold.iter().any(|g| g.is_some() || config.objective == Objective::Logistic);

    for round in 0..config.trees {
        gradients(config.objective, &train, &scores, &mut gh);
        let rows = sample_rows(&train, config.subsample, &mut rng);
        let features = sample_features(n_features, config.colsample, &mut rng);
        let (tree, gain) = grow(&data, &gh, rows, &features, config);
        // Scores move by the tree's output, read through the bins (the same walk as the
        // thresholds give, without touching the raw values).
        data.add_tree(&tree, &mut scores);
        let float_tree = data.to_nodes(&tree);
        for (s, row) in valid_scores.iter_mut().zip(&valid_rows) {
            *s += eval_tree(&float_tree, 0, row) as f64;
        }
        trees.push(float_tree);
        tree_gain.push(gain);
        let train_loss = loss(config.objective, &train, &scores).0;
        let (valid_loss, valid_top1) = if valid_layout.rows > 0 {
            let (l, t) = loss(config.objective, &valid_layout, &valid_scores);
            (Some(l), Some(t))
        } else {
            (None, None)
        };
        history.push(Round { train_loss, valid_loss, valid_top1 });
        if early {
            let l = valid_loss.unwrap();
            if l < best_loss {
                (best, best_loss) = (round + 1, l);
            } else if round + 1 - best >= config.early_stopping_rounds {
                break;
            }
        } else {
            best = round + 1;
        }
    }
    trees.truncate(best);
    let mut gain = vec![0.0f64; n_features];
    for g in &tree_gain[..best] {
        for (total, x) in gain.iter_mut().zip(g) {
            *total += x;
        }
    }
    let info = serde_json::json!({
        "trainer": "quotestance gbdt",
        "config": config,
        "best_iteration": best,
        "train_groups": groups.len(),
        "train_rows": train.rows,
        "valid_groups": valid.len(),
        "valid_loss": history.get(best.wrapping_sub(1)).and_then(|r: &Round| r.valid_loss),
    });
    let ranker = Ranker::from_trees(feature_names.to_vec(), gain, config.objective, base_score, &trees, info)?;
    Ok((ranker, TrainReport { best_iteration: best, history }))
}

/// Writes `ranker` gzip-compressed to `path`, under a temporary name first so that an
/// interrupted save never leaves a partial model under the real name.
pub fn save(ranker: &Ranker, path: &Path) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, ranker.to_gzip()).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
}

/// The share of groups with a gold whose highest-scored row is the gold (first row on ties).
pub fn top1_accuracy(ranker: &Ranker, groups: &[Group]) -> f64 {
    let (mut right, mut total) = (0usize, 0usize);
    for g in groups {
        let Some(gold) = g.gold else { continue };
        total += 1;
        let p = ranker.rank(&g.rows);
        right += usize::from(argmax(&p) == Some(gold));
    }
    if total == 0 {
        0.0
    } else {
        right as f64 / total as f64
    }
}

fn argmax(v: &[f32]) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for (i, &x) in v.iter().enumerate() {
        if best.is_none_or(|(_, b)| x > b) {
            best = Some((i, x));
        }
    }
    best.map(|b| b.0)
}

fn check_config(c: &RankerConfig) -> Result<()> {
    ensure!(c.max_depth >= 1 && c.max_depth <= 16, "max_depth {} (1 to 16)", c.max_depth);
    ensure!(c.learning_rate > 0.0 && c.learning_rate.is_finite(), "learning_rate {}", c.learning_rate);
    ensure!(c.min_child_weight >= 0.0 && c.lambda >= 0.0 && c.min_split_gain >= 0.0, "negative min_child_weight, lambda or min_split_gain");
    ensure!(c.subsample > 0.0 && c.subsample <= 1.0, "subsample {} (in (0, 1])", c.subsample);
    ensure!(c.colsample > 0.0 && c.colsample <= 1.0, "colsample {} (in (0, 1])", c.colsample);
    ensure!((2..=255).contains(&c.bins), "bins {} (2 to 255)", c.bins);
    Ok(())
}

/// Where each group's rows sit in the flat row order, and its gold.
struct Layout {
    start: Vec<usize>,
    gold: Vec<Option<usize>>,
    rows: usize,
}

impl Layout {
    fn new(groups: &[Group], n_features: usize) -> Result<Layout> {
        let mut start = Vec::with_capacity(groups.len() + 1);
        let mut rows = 0;
        for (i, g) in groups.iter().enumerate() {
            if let Some(gold) = g.gold {
                ensure!(gold < g.rows.len(), "group {i}: gold row {gold} of {}", g.rows.len());
            }
            for (j, r) in g.rows.iter().enumerate() {
                ensure!(r.len() == n_features, "group {i} row {j}: {} values for {n_features} features", r.len());
            }
            start.push(rows);
            rows += g.rows.len();
        }
        start.push(rows);
        Ok(Layout { start, gold: groups.iter().map(|g| g.gold).collect(), rows })
    }

    fn group(&self, g: usize) -> std::ops::Range<usize> {
        self.start[g]..self.start[g + 1]
    }
}

/// Fills `gh` with the gradient and Hessian of the objective at `scores`.
fn gradients(objective: Objective, layout: &Layout, scores: &[f64], gh: &mut [[f32; 2]]) {
    for (g, &gold) in layout.gold.iter().enumerate() {
        let range = layout.group(g);
        let s = &scores[range.clone()];
        let out = &mut gh[range];
        out.fill([0.0, 0.0]);
        match (objective, gold) {
            (Objective::Logistic, _) => {
                for (i, (o, &x)) in out.iter_mut().zip(s).enumerate() {
                    let p = sigmoid(x);
                    let y = f64::from(u8::from(gold == Some(i)));
                    *o = [(p - y) as f32, (p * (1.0 - p)).max(1e-16) as f32];
                }
            }
            (_, None) => {}
            (Objective::Softmax, Some(gold)) => {
                let p = softmax64(s);
                for (i, (o, &p)) in out.iter_mut().zip(&p).enumerate() {
                    let y = f64::from(u8::from(i == gold));
                    *o = [(p - y) as f32, (p * (1.0 - p)).max(1e-16) as f32];
                }
            }
            (Objective::Pairwise, Some(gold)) => {
                let n = s.len();
                // Current rank of each row (0 = top; ties by row order).
                let mut order: Vec<usize> = (0..n).collect();
                order.sort_by(|&a, &b| s[b].total_cmp(&s[a]).then(a.cmp(&b)));
                let mut rank = vec![0usize; n];
                for (r, &i) in order.iter().enumerate() {
                    rank[i] = r;
                }
                let discount = |r: usize| 1.0 / ((r + 2) as f64).log2();
                let (mut g_gold, mut h_gold) = (0.0f64, 0.0f64);
                for j in 0..n {
                    if j == gold {
                        continue;
                    }
                    let weight = (discount(rank[gold]) - discount(rank[j])).abs().max(1e-3);
                    let rho = sigmoid(-(s[gold] - s[j]));
                    let h = (rho * (1.0 - rho)).max(1e-16) * weight;
                    g_gold -= rho * weight;
                    h_gold += h;
                    out[j][0] += (rho * weight) as f32;
                    out[j][1] += h as f32;
                }
                out[gold] = [g_gold as f32, h_gold.max(1e-16) as f32];
            }
        }
    }
}

/// The objective's mean loss over groups (rows for `Logistic`) and the top-1 accuracy over
/// groups with a gold.
fn loss(objective: Objective, layout: &Layout, scores: &[f64]) -> (f64, f64) {
    let (mut total, mut count, mut right, mut golds) = (0.0f64, 0usize, 0usize, 0usize);
    for (g, &gold) in layout.gold.iter().enumerate() {
        let s = &scores[layout.group(g)];
        if let Some(gold) = gold {
            golds += 1;
            let top = (0..s.len()).fold(0, |b, i| if s[i] > s[b] { i } else { b });
            right += usize::from(top == gold);
        }
        match (objective, gold) {
            (Objective::Logistic, _) => {
                for (i, &x) in s.iter().enumerate() {
                    let y = gold == Some(i);
                    // log(1 + e^x) − y·x
                    total += x.max(0.0) + (-x.abs()).exp().ln_1p() - if y { x } else { 0.0 };
                    count += 1;
                }
            }
            (_, None) => {}
            (Objective::Softmax, Some(gold)) => {
                let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let lse = max + s.iter().map(|&x| (x - max).exp()).sum::<f64>().ln();
                total += lse - s[gold];
                count += 1;
            }
            (Objective::Pairwise, Some(gold)) => {
                if s.len() > 1 {
                    let pairs: f64 = (0..s.len()).filter(|&j| j != gold).map(|j| (-(s[gold] - s[j])).exp().ln_1p()).sum();
                    total += pairs / (s.len() - 1) as f64;
                }
                count += 1;
            }
        }
    }
    let mean = if count > 0 { total / count as f64 } else { 0.0 };
    let top1 = if golds > 0 { right as f64 / golds as f64 } else { 0.0 };
    (mean, top1)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn softmax64(s: &[f64]) -> Vec<f64> {
    let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = s.iter().map(|&x| (x - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.into_iter().map(|x| x / sum).collect()
}

/// A small deterministic generator (SplitMix64): the same stream on every platform.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
}

/// The rows of a random share of the groups (whole groups; all rows at 1.0), ascending.
fn sample_rows(layout: &Layout, share: f64, rng: &mut SplitMix) -> Vec<u32> {
    let mut rows = Vec::with_capacity(layout.rows);
    for g in 0..layout.gold.len() {
        if share >= 1.0 || rng.unit() < share {
            rows.extend(layout.group(g).map(|i| i as u32));
        }
    }
    if rows.is_empty() {
        rows.extend(0..layout.rows as u32);
    }
    rows
}

/// A random share of the features (at least one), ascending.
fn sample_features(n: usize, share: f64, rng: &mut SplitMix) -> Vec<usize> {
    let mut all: Vec<usize> = (0..n).collect();
    let k = ((share * n as f64).ceil() as usize).clamp(1.min(n), n);
    for i in 0..k {
        let j = i + rng.below(n - i);
        all.swap(i, j);
    }
    all.truncate(k);
    all.sort_unstable();
    all
}

/// The training rows cut into bins.
struct Binned {
    rows: usize,
    n_features: usize,
    /// Per feature, the cut points: bin `b` holds `cuts[b - 1] <= x < cuts[b]`.
    cuts: Vec<Vec<f32>>,
    /// Row-major bin codes (a row's codes side by side, so that a node's rows are read a cache
    /// line each); code `cuts.len() + 1` (one past the last bin) is "missing".
    codes: Vec<u8>,
    /// The same codes column-major, for splitting a node's rows and walking all rows through
    /// a tree (one feature at a time, in row order).
    columns: Vec<u8>,
    /// Where each feature's bins start in a flat histogram (its missing bin last), and the
    /// histogram's length at the end.
    offsets: Vec<usize>,
}

impl Binned {
    fn new(groups: &[Group], rows: usize, n_features: usize, max_bins: usize) -> Binned {
        let columns: Vec<(Vec<f32>, Vec<u8>)> = (0..n_features)
            .into_par_iter()
            .map(|f| {
                let values: Vec<f32> = groups.iter().flat_map(|g| g.rows.iter().map(move |r| r[f])).collect();
                let cuts = quantile_cuts(&values, max_bins);
                let missing = (cuts.len() + 1) as u8;
                let codes = values
                    .iter()
                    .map(|&x| if x.is_finite() { cuts.partition_point(|&c| c <= x) as u8 } else { missing })
                    .collect();
                (cuts, codes)
            })
            .collect();
        let mut codes = vec![0u8; rows * n_features];
        for (f, (_, col)) in columns.iter().enumerate() {
            for (i, &c) in col.iter().enumerate() {
                codes[i * n_features + f] = c;
            }
        }
        let mut by_column = Vec::with_capacity(rows * n_features);
        for (_, col) in &columns {
            by_column.extend_from_slice(col);
        }
        let cuts: Vec<Vec<f32>> = columns.into_iter().map(|c| c.0).collect();
        let mut offsets = Vec::with_capacity(n_features + 1);
        let mut at = 0;
        for c in &cuts {
            offsets.push(at);
            at += c.len() + 2;
        }
        offsets.push(at);
        Binned { rows, n_features, cuts, codes, columns: by_column, offsets }
    }

    fn column(&self, f: usize) -> &[u8] {
        &self.columns[f * self.rows..(f + 1) * self.rows]
    }

    /// Bins of feature `f`, not counting the missing one.
    fn bins(&self, f: usize) -> usize {
        self.cuts[f].len() + 1
    }

    /// Feature `f`'s slice of a flat histogram.
    fn slice<'h>(&self, hist: &'h [[f64; 2]], f: usize) -> &'h [[f64; 2]] {
        &hist[self.offsets[f]..self.offsets[f + 1]]
    }

    /// Adds a training tree's output to every training row's score, read through the bins one
    /// level at a time (so each step reads one column in row order).
    fn add_tree(&self, tree: &[TrainNode], scores: &mut [f64]) {
        let mut at = vec![0u32; self.rows];
        loop {
            let mut moved = false;
            for (i, a) in at.iter_mut().enumerate() {
                if let TrainNode::Split { feature, bin, default_left, left } = tree[*a as usize] {
                    let code = self.columns[feature * self.rows + i] as usize;
                    let go_left = if code == self.bins(feature) { default_left } else { code <= bin };
                    *a = (left + usize::from(!go_left)) as u32;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        for (s, &a) in scores.iter_mut().zip(&at) {
            let TrainNode::Leaf(v) = tree[a as usize] else { unreachable!("every walk ends at a leaf") };
            *s += v as f64;
        }
    }

    /// The tree with bins turned into thresholds: `code <= b` is `x < cuts[b]`; a split after
    /// the last bin (present against missing) has the threshold +∞.
    fn to_nodes(&self, tree: &[TrainNode]) -> Vec<Node> {
        tree.iter()
            .map(|n| match *n {
                TrainNode::Leaf(v) => Node::leaf(v),
                TrainNode::Split { feature, bin, default_left, left } => {
                    let threshold = self.cuts[feature].get(bin).copied().unwrap_or(f32::INFINITY);
                    Node::split(feature, threshold, default_left, left as u32)
                }
            })
            .collect()
    }
}

/// Up to `max_bins − 1` cut points: midpoints between neighbouring distinct values when there
/// are few of them, else values at evenly spaced quantiles.
fn quantile_cuts(values: &[f32], max_bins: usize) -> Vec<f32> {
    let mut v: Vec<f32> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f32::total_cmp);
    let mut distinct = v.clone();
    distinct.dedup();
    if distinct.len() <= max_bins {
        return distinct
            .windows(2)
            .map(|w| {
                let mid = w[0] + (w[1] - w[0]) / 2.0;
                // Neighbouring floats have no midpoint between them: cut at the upper one.
                if mid > w[0] && mid.is_finite() {
                    mid
                } else {
                    w[1]
                }
            })
            .collect();
    }
    let mut cuts: Vec<f32> = (1..max_bins).map(|k| v[k * v.len() / max_bins]).collect();
    cuts.dedup();
    // A cut at the smallest value leaves its bin empty.
    cuts.retain(|&c| c > v[0]);
    cuts
}

#[derive(Debug, Clone, Copy)]
enum TrainNode {
    Leaf(f32),
    /// `code <= bin` goes left; missing goes left when `default_left`. Children at `left`, `left + 1`.
    Split { feature: usize, bin: usize, default_left: bool, left: usize },
}

/// Per-bin sums of gradient and Hessian, all features in one flat array ([`Binned::offsets`]).
type Histogram = Vec<[f64; 2]>;

#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    bin: usize,
    default_left: bool,
}

/// A node waiting to be split.
struct Pending {
    at: usize,
    depth: usize,
    rows: Vec<u32>,
    hist: Histogram,
}

/// Rows per unit of parallel work. The chunks are fixed, not sized by the thread count, and
/// their sums are added in order: the histogram is the same bit for bit on any thread count.
const CHUNK: usize = 16_384;

fn build_histogram(data: &Binned, gh: &[[f32; 2]], rows: &[u32], features: &[usize]) -> Histogram {
    let len = *data.offsets.last().unwrap();
    let offsets: Vec<usize> = features.iter().map(|&f| data.offsets[f]).collect();
    let fill = |chunk: &[u32]| {
        let mut h = vec![[0.0f64; 2]; len];
        for &i in chunk {
            let i = i as usize;
            let [g, hs] = gh[i];
            let (g, hs) = (g as f64, hs as f64);
            let codes = &data.codes[i * data.n_features..(i + 1) * data.n_features];
            for (&f, &off) in features.iter().zip(&offsets) {
                let slot = &mut h[off + codes[f] as usize];
                slot[0] += g;
                slot[1] += hs;
            }
        }
        h
    };
    if rows.len() <= CHUNK {
        return fill(rows);
    }
    let parts: Vec<Histogram> = rows.par_chunks(CHUNK).map(fill).collect();
    let mut parts = parts.into_iter();
    let mut total = parts.next().unwrap();
    for p in parts {
        for (t, x) in total.iter_mut().zip(&p) {
            t[0] += x[0];
            t[1] += x[1];
        }
    }
    total
}

/// The best split of one feature's histogram, if any beats `min_split_gain`.
fn best_split(h: &[[f64; 2]], feature: usize, config: &RankerConfig) -> Option<Split> {
    let nb = h.len() - 1;
    let (mut g, mut hs) = (0.0, 0.0);
    for b in h {
        g += b[0];
        hs += b[1];
    }
    let [gm, hm] = h[nb];
    let lambda = config.lambda;
    let parent = g * g / (hs + lambda);
    let min_child = config.min_child_weight.max(1e-12);
    let mut best: Option<Split> = None;
    let mut consider = |gl: f64, hl: f64, bin: usize, default_left: bool| {
        let (gr, hr) = (g - gl, hs - hl);
        if hl < min_child || hr < min_child {
            return;
        }
        let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent;
        if gain > config.min_split_gain.max(1e-12) && best.is_none_or(|b| gain > b.gain) {
            best = Some(Split { gain, feature, bin, default_left });
        }
    };
    let (mut gl, mut hl) = (0.0, 0.0);
    for (b, slot) in h[..nb].iter().enumerate() {
        gl += slot[0];
        hl += slot[1];
        if b + 1 < nb {
            consider(gl, hl, b, false);
        }
        if hm > 0.0 {
            // The last bin with missing right splits present from missing.
            if b + 1 == nb {
                consider(gl, hl, b, false);
            } else {
                consider(gl + gm, hl + hm, b, true);
            }
        }
    }
    best
}

/// Grows one tree on `rows` over `features`; returns its nodes and the gain per feature.
fn grow(data: &Binned, gh: &[[f32; 2]], rows: Vec<u32>, features: &[usize], config: &RankerConfig) -> (Vec<TrainNode>, Vec<f64>) {
    let mut gain = vec![0.0f64; data.cuts.len()];
    let mut tree = vec![TrainNode::Leaf(0.0)];
    let leaf = |rows: &[u32]| {
        let (mut g, mut h) = (0.0f64, 0.0f64);
        for &i in rows {
            g += gh[i as usize][0] as f64;
            h += gh[i as usize][1] as f64;
        }
        TrainNode::Leaf((-g / (h + config.lambda) * config.learning_rate as f64) as f32)
    };
    tree[0] = leaf(&rows);
    if features.is_empty() {
        return (tree, gain);
    }
    let hist = build_histogram(data, gh, &rows, features);
    let mut queue = std::collections::VecDeque::from([Pending { at: 0, depth: 0, rows, hist }]);
    while let Some(node) = queue.pop_front() {
        if node.depth >= config.max_depth || node.rows.len() < 2 {
            continue;
        }
        // Best split over features, in feature order: the same whatever the thread count.
        let splits: Vec<Option<Split>> = features.par_iter().map(|&f| best_split(data.slice(&node.hist, f), f, config)).collect();
        let mut best: Option<(usize, Split)> = None;
        for (k, s) in splits.into_iter().enumerate() {
            if let Some(s) = s {
                if best.is_none_or(|(_, b)| s.gain > b.gain) {
                    best = Some((k, s));
                }
            }
        }
        let Some((_, split)) = best else { continue };
        gain[split.feature] += split.gain;
        let missing = data.bins(split.feature);
        let col = data.column(split.feature);
        let (mut left_rows, mut right_rows) = (Vec::with_capacity(node.rows.len()), Vec::with_capacity(node.rows.len()));
        for &i in &node.rows {
            let code = col[i as usize] as usize;
            if (code == missing && split.default_left) || (code != missing && code <= split.bin) {
                left_rows.push(i);
            } else {
                right_rows.push(i);
            }
        }
        drop(node.rows);
        let left = tree.len();
        tree.push(leaf(&left_rows));
        tree.push(leaf(&right_rows));
        tree[node.at] = TrainNode::Split { feature: split.feature, bin: split.bin, default_left: split.default_left, left };
        if node.depth + 1 >= config.max_depth {
            continue;
        }
        // Histogram of the smaller child by scanning, the larger by subtraction.
        let left_small = left_rows.len() <= right_rows.len();
        let small = build_histogram(data, gh, if left_small { &left_rows } else { &right_rows }, features);
        let large: Histogram = node.hist.iter().zip(&small).map(|(p, s)| [p[0] - s[0], p[1] - s[1]]).collect();
        let (lh, rh) = if left_small { (small, large) } else { (large, small) };
        queue.push_back(Pending { at: left, depth: node.depth + 1, rows: left_rows, hist: lh });
        queue.push_back(Pending { at: left + 1, depth: node.depth + 1, rows: right_rows, hist: rh });
    }
    (tree, gain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("f{i}")).collect()
    }

    /// Groups of 2 to 7 candidates with `n` uniform features in [−1, 1]; the gold is the row of
    /// highest `x0 · x1`, which no linear score can find (it is zero on average along each axis).
    fn interaction(groups: usize, n: usize, seed: u64) -> Vec<Group> {
        let mut rng = SplitMix(seed);
        (0..groups)
            .map(|_| {
                let k = 2 + rng.below(6);
                let rows: Vec<Vec<f32>> = (0..k).map(|_| (0..n).map(|_| (rng.unit() * 2.0 - 1.0) as f32).collect()).collect();
                let u: Vec<f32> = rows.iter().map(|r| r[0] * r[1]).collect();
                Group { gold: argmax(&u), rows }
            })
            .collect()
    }

    /// Top-1 of a linear softmax model fitted by full-batch gradient descent.
    fn linear_baseline(train: &[Group], test: &[Group]) -> f64 {
        let n = train[0].rows[0].len();
        let mut w = vec![0.0f64; n + 1];
        let score = |w: &[f64], r: &[f32]| w[n] + r.iter().zip(w).map(|(&x, w)| x as f64 * w).sum::<f64>();
        for _ in 0..300 {
            let mut grad = vec![0.0f64; n + 1];
            for g in train {
                let p = softmax64(&g.rows.iter().map(|r| score(&w, r)).collect::<Vec<_>>());
                for (i, (r, p)) in g.rows.iter().zip(&p).enumerate() {
                    let d = p - f64::from(u8::from(g.gold == Some(i)));
                    for (gr, &x) in grad.iter_mut().zip(r) {
                        *gr += d * x as f64;
                    }
                }
            }
            for (w, g) in w.iter_mut().zip(&grad) {
                *w -= 1.0 * g / train.len() as f64;
            }
        }
        let right = test
            .iter()
            .filter(|g| {
                let s: Vec<f32> = g.rows.iter().map(|r| score(&w, r) as f32).collect();
                argmax(&s) == g.gold
            })
            .count();
        right as f64 / test.len() as f64
    }

    fn quick() -> RankerConfig {
        RankerConfig { trees: 200, max_depth: 5, learning_rate: 0.2, early_stopping_rounds: 0, ..RankerConfig::default() }
    }

    #[test]
    fn learns_an_interaction_no_linear_score_can() {
        let train_groups = interaction(3000, 6, 1);
        let test = interaction(1000, 6, 2);
        let ranker = train(&train_groups, &names(6), &quick()).unwrap();
        let trees = top1_accuracy(&ranker, &test);
        let linear = linear_baseline(&train_groups, &test);
        assert!(trees > 0.95, "trees reach only {trees:.3} top-1");
        println!("trees {trees:.3}, linear {linear:.3}");
        assert!(linear < 0.5, "the linear baseline reaches {linear:.3}: the problem is too easy");
        // The two informative features carry nearly all the gain.
        let imp = ranker.importance();
        let top: Vec<&str> = imp[..2].iter().map(|i| i.name.as_str()).collect();
        assert!(top.contains(&"f0") && top.contains(&"f1"), "{imp:?}");
        assert!(imp[0].share + imp[1].share > 0.8, "{imp:?}");
    }

    #[test]
    fn pairwise_and_logistic_objectives_learn_it_too() {
        let train_groups = interaction(3000, 4, 3);
        let test = interaction(1000, 4, 4);
        for objective in [Objective::Pairwise, Objective::Logistic] {
            let config = RankerConfig { objective, ..quick() };
            let ranker = train(&train_groups, &names(4), &config).unwrap();
            assert_eq!(ranker.objective(), objective);
            let acc = top1_accuracy(&ranker, &test);
            // Pointwise rows cannot see their rivals, so they rank less well.
            let floor = if objective == Objective::Logistic { 0.75 } else { 0.93 };
            println!("{objective:?}: top-1 {acc:.3}");
            assert!(acc > floor, "{objective:?}: top-1 {acc:.3}");
        }
    }

    #[test]
    fn the_same_model_for_any_thread_count() {
        // Enough rows that the root's histogram is summed from several chunks.
        let groups = interaction(8000, 10, 5);
        assert!(groups.iter().map(|g| g.rows.len()).sum::<usize>() > 2 * CHUNK);
        let config = RankerConfig { trees: 30, subsample: 0.9, colsample: 0.6, ..quick() };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| train(&groups, &names(10), &config).unwrap().to_bytes())
        };
        let one = run(1);
        assert_eq!(one, run(3));
        assert_eq!(one, run(1), "and the same on a second run");
        let other_seed = train(&groups, &names(10), &RankerConfig { seed: 7, ..config.clone() }).unwrap().to_bytes();
        assert_ne!(one, other_seed, "the seed drives the sampling");
    }

    #[test]
    fn saved_models_score_the_same_as_training_did() {
        let groups = interaction(1000, 5, 6);
        let test = interaction(200, 5, 7);
        let config = RankerConfig { trees: 60, ..quick() };
        let (ranker, report) = train_with_validation(&groups, &test, &names(5), &RankerConfig { early_stopping_rounds: 0, ..config }).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ranker.bin.gz");
        save(&ranker, &path).unwrap();
        let back = Ranker::load(&path).unwrap();
        assert_eq!(back, ranker);
        // Rows walked side by side score as rows walked alone, missing values included.
        let mut rows: Vec<Vec<f32>> = test.iter().flat_map(|g| g.rows.clone()).collect();
        for (i, r) in rows.iter_mut().enumerate().step_by(3) {
            r[i % 5] = f32::NAN;
        }
        let batch = back.scores(&rows);
        for (r, &b) in rows.iter().zip(&batch) {
            assert_eq!(back.score(r).to_bits(), ranker.score(r).to_bits());
            assert_eq!(back.score(r).to_bits(), b.to_bits());
        }
        // Training scored its rows through the bins and the validation rows through thresholds;
        // the saved model's thresholds give the same losses.
        let layout = Layout::new(&groups, 5).unwrap();
        let margins: Vec<f64> = groups.iter().flat_map(|g| g.rows.iter().map(|r| back.score(r) as f64)).collect();
        let last = report.history.last().unwrap();
        assert!((loss(Objective::Softmax, &layout, &margins).0 - last.train_loss).abs() < 1e-4, "{last:?}");
        assert!((top1_accuracy(&back, &test) - last.valid_top1.unwrap()).abs() < 1e-9);
    }

    #[test]
    fn missing_values_take_a_learned_direction() {
        // The gold row is the one whose f0 is missing; the other rows have f0 in [−1, 1].
        let mut rng = SplitMix(8);
        let mut make = |n: usize| -> Vec<Group> {
            (0..n)
                .map(|_| {
                    let k = 2 + rng.below(5);
                    let gold = rng.below(k);
                    let rows = (0..k)
                        .map(|i| vec![if i == gold { f32::NAN } else { (rng.unit() * 2.0 - 1.0) as f32 }, rng.unit() as f32])
                        .collect();
                    Group { rows, gold: Some(gold) }
                })
                .collect()
        };
        let (train_groups, test) = (make(500), make(200));
        let ranker = train(&train_groups, &names(2), &RankerConfig { trees: 20, ..quick() }).unwrap();
        assert_eq!(top1_accuracy(&ranker, &test), 1.0);
        let p = ranker.rank(&[vec![0.3, 0.5], vec![f32::INFINITY, 0.5], vec![-0.9, 0.1]]);
        assert!(p[1] > 0.9, "an infinite value reads as missing: {p:?}");
        assert!(ranker.importance()[0].name == "f0");
    }

    #[test]
    fn early_stopping_keeps_the_best_round() {
        // Half the golds are random: the signal is learnt early, then the trees fit noise.
        let mut noisy = interaction(600, 6, 9);
        let mut rng = SplitMix(10);
        for g in &mut noisy {
            if rng.unit() < 0.5 {
                g.gold = Some(rng.below(g.rows.len()));
            }
        }
        let valid = interaction(300, 6, 11);
        let config = RankerConfig { trees: 300, max_depth: 6, learning_rate: 0.5, min_child_weight: 0.1, early_stopping_rounds: 10, subsample: 1.0, colsample: 1.0, ..RankerConfig::default() };
        let (ranker, report) = train_with_validation(&noisy, &valid, &names(6), &config).unwrap();
        let best = report.best_iteration;
        assert!((1..300).contains(&best) && report.history.len() == best + 10, "best {best} of {} rounds", report.history.len());
        assert_eq!(ranker.n_trees(), best);
        let losses: Vec<f64> = report.history.iter().map(|r| r.valid_loss.unwrap()).collect();
        let min = losses.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(losses[best - 1], min);
        assert_eq!(ranker.info()["best_iteration"], best);
    }

    #[test]
    fn bad_groups_are_refused_with_their_place() {
        let mut groups = interaction(10, 3, 12);
        groups[4].rows[1].pop();
        let msg = format!("{:#}", train(&groups, &names(3), &quick()).unwrap_err());
        assert!(msg.contains("group 4 row 1: 2 values for 3 features"), "{msg}");
        let mut groups = interaction(10, 3, 12);
        groups[2].gold = Some(9);
        assert!(format!("{:#}", train(&groups, &names(3), &quick()).unwrap_err()).contains("group 2: gold row 9"));
        assert!(train(&groups, &names(3), &RankerConfig { bins: 1, ..quick() }).is_err());
    }

    #[test]
    fn cuts_follow_the_data() {
        assert_eq!(quantile_cuts(&[1.0, 0.0, 1.0, f32::NAN], 64), vec![0.5]);
        assert!(quantile_cuts(&[3.0; 10], 64).is_empty());
        let many: Vec<f32> = (0..1000).map(|i| i as f32).collect();
        let cuts = quantile_cuts(&many, 8);
        assert_eq!(cuts, vec![125.0, 250.0, 375.0, 500.0, 625.0, 750.0, 875.0]);
    }

    /// Training time on 100,000 rows × 80 features (the size of the attribution training set):
    /// `cargo test --release --lib bench_training -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_training_100k_rows_80_features() {
        let mut rng = SplitMix(13);
        let make = |rng: &mut SplitMix, n: usize| -> Vec<Group> {
            (0..n)
                .map(|_| {
                    let rows: Vec<Vec<f32>> = (0..6).map(|_| (0..80).map(|_| rng.unit() as f32).collect()).collect();
                    let u: Vec<f32> = rows.iter().map(|r| r[0] * r[1] + (r[2] - 0.5).abs() + 0.3 * r[3] + 0.1 * rng.unit() as f32).collect();
                    Group { gold: argmax(&u), rows }
                })
                .collect()
        };
        let train_groups = make(&mut rng, 16_667);
        let valid = make(&mut rng, 2_000);
        // CPU seconds of this process (user + system), from /proc: on a shared machine the wall
        // time says more about the neighbours than about the code.
        let cpu = || -> f64 {
            let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
            let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
            let ticks = |k: usize| fields.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            (ticks(11) + ticks(12)) / 100.0
        };
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let config = RankerConfig { early_stopping_rounds: 0, ..RankerConfig::default() };
            let (start, cpu0) = (std::time::Instant::now(), cpu());
            let (ranker, _) = pool.install(|| train_with_validation(&train_groups, &valid, &names(80), &config).unwrap());
            let (wall, cpu_s) = (start.elapsed().as_secs_f64(), cpu() - cpu0);
            let rows: Vec<&Vec<f32>> = valid.iter().flat_map(|g| &g.rows).collect();
            let (t, cpu1) = (std::time::Instant::now(), cpu());
            let mut sum = 0.0f32;
            for _ in 0..10 {
                for r in &rows {
                    sum += ranker.score(r);
                }
            }
            let n = (rows.len() * 10) as f64;
            let score_ns = t.elapsed().as_secs_f64() * 1e9 / n;
            let score_cpu_ns = (cpu() - cpu1) * 1e9 / n;
            let (t, cpu1) = (std::time::Instant::now(), cpu());
            for _ in 0..10 {
                for g in &valid {
                    sum += ranker.rank(&g.rows)[0];
                }
            }
            let rank_ns = t.elapsed().as_secs_f64() * 1e9 / n;
            let rank_cpu_ns = (cpu() - cpu1) * 1e9 / n;
            println!(
                "{threads} thread(s): {} rows x 80 features, {} trees of depth {}: {wall:.2} s wall, {cpu_s:.2} s CPU ({:.1} ms CPU a tree); validation top-1 {:.3}; score() {score_ns:.0} ns wall, {score_cpu_ns:.0} ns CPU a row; rank() of groups of 6 {rank_ns:.0} ns wall, {rank_cpu_ns:.0} ns CPU a row (sum {sum:.1})",
                train_groups.len() * 6,
                ranker.n_trees(),
                config.max_depth,
                cpu_s * 1e3 / ranker.n_trees() as f64,
                top1_accuracy(&ranker, &valid),
            );
        }
    }
}
