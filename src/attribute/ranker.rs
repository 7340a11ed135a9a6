//! A learned ranker over the candidate speakers of one quote: small gradient-boosted regression
//! trees over dense `f32` feature vectors (run time only; training is in `train::ranker`).
//!
//! Each candidate of a quote (a person, a pronoun, a role phrase, "no speaker", …) is one row of
//! features; [`Ranker::score`] gives the row's margin (the sum of its tree leaves) and
//! [`Ranker::rank`] turns the margins of one quote's rows into a softmax distribution. The
//! feature names are stored in the model so that a caller can check it builds the vectors the
//! model was trained on ([`Ranker::check_features`]).
//!
//! A split sends a row left when `x < threshold`; a value that is not finite (NaN, ±∞: a
//! feature that does not apply) takes the split's learned default direction instead.
//!
//! In memory all trees are one flat array of 12-byte nodes, children side by side (the right
//! child is `left + 1`), and a leaf is a node that loops to itself (threshold +∞, default left,
//! its value in a parallel array). A row then takes exactly the tree's depth in steps, with no
//! test for leaves and no data-dependent branch, and [`Ranker::rank`] walks a quote's rows
//! through each tree side by side so that their memory reads overlap.
//!
//! # File format (version 1)
//!
//! Little-endian, usually gzip-compressed (both forms load):
//!
//! | bytes | content |
//! | --- | --- |
//! | 4 | magic `QSRK` |
//! | 4 | format version, `u32` (1) |
//! | 4 | header length `h`, `u32` |
//! | h | header, UTF-8 JSON: `features` (names, in vector order), `gain` (total split gain per feature), `objective` (`softmax`, `pairwise`, `logistic`), `base_score`, `calibration` (null or a [`Calibration`]), `info` (free-form training metadata) |
//! | 4 | number of trees, `u32` |
//! | per tree | node count `n` (`u32`), then `n` nodes of 12 bytes; node 0 is the root |
//!
//! A node is `feature: u32`, `value: f32`, `left: u32`. A leaf has `feature = 0xFFFF_FFFF`
//! and `value` is its output (`left` is 0). A split has the feature index in the low 31 bits
//! and bit 31 set when missing values go left; `value` is the threshold and `left` the index of
//! the left child within the tree (always after the node itself), the right child at `left + 1`.
//! Loading checks every index, so a damaged file is refused with a message naming it, never
//! mis-scored.

use super::calibrate::Calibration;
use anyhow::{bail, ensure, Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

const MAGIC: &[u8; 4] = b"QSRK";
/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
const LEAF: u32 = u32::MAX;
const DEFAULT_LEFT: u32 = 1 << 31;
const FEATURE_MASK: u32 = DEFAULT_LEFT - 1;

/// What the trees were trained to predict; decides how margins read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Listwise: cross-entropy of the softmax over a quote's candidates (margins are logits
    /// within a group).
    #[default]
    Softmax,
    /// Pairwise: the gold row against each other row of its group (LambdaRank weights).
    Pairwise,
    /// Pointwise: each row on its own, logistic loss on "is the gold row" (margins are log-odds).
    Logistic,
}

/// One tree node (see the module documentation for the encoding).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Node {
    pub feature: u32,
    pub value: f32,
    pub left: u32,
}

impl Node {
    pub(crate) fn leaf(value: f32) -> Node {
        Node { feature: LEAF, value, left: 0 }
    }

    pub(crate) fn split(feature: usize, threshold: f32, default_left: bool, left: u32) -> Node {
        let flag = if default_left { DEFAULT_LEFT } else { 0 };
        Node { feature: feature as u32 | flag, value: threshold, left }
    }
}

/// The output of one tree in file form (tree-local indices, leaves marked) for `x`, from node `at`.
#[inline]
pub(crate) fn eval_tree(nodes: &[Node], mut at: usize, x: &[f32]) -> f32 {
    loop {
        let n = nodes[at];
        if n.feature == LEAF {
            return n.value;
        }
        let v = x[(n.feature & FEATURE_MASK) as usize];
        let left = if v.is_finite() { v < n.value } else { n.feature & DEFAULT_LEFT != 0 };
        at = n.left as usize + usize::from(!left);
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    features: Vec<String>,
    gain: Vec<f64>,
    objective: Objective,
    base_score: f32,
    calibration: Option<Calibration>,
    #[serde(default)]
    info: serde_json::Value,
}

/// Gradient-boosted regression trees that score candidate rows; read-only at run time.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranker {
    names: Vec<String>,
    gain: Vec<f64>,
    objective: Objective,
    base_score: f32,
    /// All trees' nodes; child indices are absolute; a leaf is `{0 | DEFAULT_LEFT, +∞, itself}`.
    nodes: Vec<Node>,
    /// Leaf values by node index (0 for splits).
    values: Vec<f32>,
    roots: Vec<u32>,
    /// Per tree, the steps from the root to its deepest leaf.
    depths: Vec<u32>,
    calibration: Option<Calibration>,
    info: serde_json::Value,
}

/// One feature's share of the total split gain ([`Ranker::importance`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Importance {
    /// The feature's name.
    pub name: String,
    /// The gain of all splits on it, summed over the trees.
    pub gain: f64,
    /// `gain` over the gain of all features (0 when the model has no splits).
    pub share: f64,
}

impl Ranker {
    /// Builds a ranker from trees with tree-local child indices (as in the file), checking them
    /// as loading does.
    pub(crate) fn from_trees(
        names: Vec<String>,
        gain: Vec<f64>,
        objective: Objective,
        base_score: f32,
        trees: &[Vec<Node>],
        info: serde_json::Value,
    ) -> Result<Ranker> {
        ensure!(gain.len() == names.len(), "{} gains for {} features", gain.len(), names.len());
        let mut seen = std::collections::HashSet::new();
        for name in &names {
            ensure!(!name.is_empty(), "an empty feature name");
            ensure!(seen.insert(name.as_str()), "the feature name {name:?} is given twice");
        }
        ensure!(!names.is_empty() && names.len() < FEATURE_MASK as usize, "{} features", names.len());
        ensure!(base_score.is_finite(), "base score {base_score}");
        ensure!(gain.iter().all(|g| g.is_finite() && *g >= 0.0), "a negative or non-finite feature gain");
        let total: usize = trees.iter().map(Vec::len).sum();
        ensure!(total < u32::MAX as usize, "{total} nodes");
        let mut nodes = Vec::with_capacity(total);
        let mut values = Vec::with_capacity(total);
        let mut roots = Vec::with_capacity(trees.len());
        let mut depths = Vec::with_capacity(trees.len());
        for (t, tree) in trees.iter().enumerate() {
            ensure!(!tree.is_empty(), "tree {t} has no nodes");
            let offset = nodes.len() as u32;
            roots.push(offset);
            // Depth of each node reached from the root (children come after their parent, so
            // one pass in order sees every parent first).
            let mut depth: Vec<Option<u32>> = vec![None; tree.len()];
            depth[0] = Some(0);
            for (i, n) in tree.iter().enumerate() {
                if n.feature == LEAF {
                    ensure!(n.value.is_finite(), "tree {t} node {i}: leaf value {}", n.value);
                    nodes.push(Node { feature: DEFAULT_LEFT, value: f32::INFINITY, left: offset + i as u32 });
                    values.push(n.value);
                } else {
                    let f = (n.feature & FEATURE_MASK) as usize;
                    ensure!(f < names.len(), "tree {t} node {i}: feature {f} of {}", names.len());
                    ensure!(!n.value.is_nan(), "tree {t} node {i}: threshold NaN");
                    // Children after their parent: every walk ends at a leaf.
                    let left = n.left as usize;
                    ensure!(left > i && left + 1 < tree.len(), "tree {t} node {i}: child {left} out of order or range");
                    if let Some(d) = depth[i] {
                        for c in [left, left + 1] {
                            depth[c] = Some(depth[c].map_or(d + 1, |e| e.max(d + 1)));
                        }
                    }
                    nodes.push(Node { feature: n.feature, value: n.value, left: offset + n.left });
                    values.push(0.0);
                }
            }
            depths.push(depth.iter().flatten().copied().max().unwrap_or(0));
        }
        Ok(Ranker { names, gain, objective, base_score, nodes, values, roots, depths, calibration: None, info })
    }

    /// Reads a model file (gzip-compressed or not); errors name the file.
    pub fn load(path: impl AsRef<Path>) -> Result<Ranker> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read the ranker model {}", path.display()))?;
        Ranker::from_bytes(&bytes).with_context(|| format!("{} is not a valid ranker model", path.display()))
    }

    /// Reads a model from the bytes of a model file (gzip-compressed or not).
    pub fn from_bytes(bytes: &[u8]) -> Result<Ranker> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut raw = Vec::new();
            flate2::read::GzDecoder::new(bytes).read_to_end(&mut raw).context("damaged gzip data")?;
            return Ranker::parse(&raw);
        }
        Ranker::parse(bytes)
    }

    fn parse(bytes: &[u8]) -> Result<Ranker> {
        let mut r = Reader { bytes, at: 0 };
        ensure!(r.take(4, "magic bytes")? == MAGIC, "wrong magic bytes (not a QSRK ranker file)");
        let version = r.u32("format version")?;
        ensure!(version == FORMAT_VERSION, "format version {version}; this build reads version {FORMAT_VERSION}");
        let len = r.u32("header length")? as usize;
        let header: Header = serde_json::from_slice(r.take(len, "header")?).context("header JSON")?;
        let n_trees = r.u32("tree count")? as usize;
        let mut trees = Vec::with_capacity(n_trees.min(1 << 16));
        for t in 0..n_trees {
            let n = r.u32("node count")? as usize;
            ensure!(n <= r.left() / 12, "truncated: tree {t} has {n} nodes but only {} bytes are left", r.left());
            let mut tree = Vec::with_capacity(n);
            for _ in 0..n {
                let feature = r.u32("node")?;
                let value = f32::from_bits(r.u32("node")?);
                let left = r.u32("node")?;
                tree.push(Node { feature, value, left });
            }
            trees.push(tree);
        }
        ensure!(r.left() == 0, "{} bytes after the last tree", r.left());
        let mut ranker = Ranker::from_trees(header.features, header.gain, header.objective, header.base_score, &trees, header.info)?;
        ranker.calibration = header.calibration;
        Ok(ranker)
    }

    /// The model file's bytes (uncompressed; [`Ranker::to_gzip`] compresses them).
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = Header {
            features: self.names.clone(),
            gain: self.gain.clone(),
            objective: self.objective,
            base_score: self.base_score,
            calibration: self.calibration.clone(),
            info: self.info.clone(),
        };
        let header = serde_json::to_vec(&header).expect("the header serialises");
        let mut out = Vec::with_capacity(16 + header.len() + self.nodes.len() * 12 + self.roots.len() * 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&(self.roots.len() as u32).to_le_bytes());
        for t in 0..self.roots.len() {
            let (start, end) = self.tree_range(t);
            out.extend_from_slice(&((end - start) as u32).to_le_bytes());
            for (i, n) in self.nodes.iter().enumerate().take(end).skip(start) {
                // A leaf is the node that loops to itself.
                let (feature, value, left) = if n.left as usize == i { (LEAF, self.values[i], 0) } else { (n.feature, n.value, n.left - start as u32) };
                out.extend_from_slice(&feature.to_le_bytes());
                out.extend_from_slice(&value.to_bits().to_le_bytes());
                out.extend_from_slice(&left.to_le_bytes());
            }
        }
        out
    }

    /// The model file's bytes, gzip-compressed (the usual form on disk).
    pub fn to_gzip(&self) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
        enc.write_all(&self.to_bytes()).expect("writing to memory");
        enc.finish().expect("writing to memory")
    }

    fn tree_range(&self, t: usize) -> (usize, usize) {
        let start = self.roots[t] as usize;
        let end = self.roots.get(t + 1).map_or(self.nodes.len(), |&r| r as usize);
        (start, end)
    }

    /// One step down from node `at` for row `x`; a leaf steps to itself.
    #[inline(always)]
    fn step(&self, at: u32, x: &[f32]) -> u32 {
        debug_assert!((at as usize) < self.nodes.len() && x.len() == self.names.len());
        // SAFETY: `at` is a root or a child, and `Ranker::from_trees` checked that every child
        // index is inside `nodes` and every split's feature below `names.len()` (a leaf reads
        // feature 0, and there is at least one feature); callers check `x.len()` against
        // `names.len()` first. This is the innermost loop of the ranker, where the two bounds
        // checks cost a third of its time.
        let n = unsafe { *self.nodes.get_unchecked(at as usize) };
        let v = unsafe { *x.get_unchecked((n.feature & FEATURE_MASK) as usize) };
        let finite = v.is_finite();
        let left = (finite & (v < n.value)) | (!finite & (n.feature & DEFAULT_LEFT != 0));
        n.left + u32::from(!left)
    }

    fn check_len(&self, x: &[f32]) {
        assert_eq!(x.len(), self.names.len(), "a feature vector of {} values for a ranker of {} features", x.len(), self.names.len());
    }

    /// The margin of one candidate row: the base score plus one leaf of each tree. Panics when
    /// `features` does not have [`Ranker::n_features`] values (a caller's bug, not bad input).
    pub fn score(&self, features: &[f32]) -> f32 {
        self.check_len(features);
        let mut sum = self.base_score;
        for (&root, &depth) in self.roots.iter().zip(&self.depths) {
            let mut at = root;
            for _ in 0..depth {
                at = self.step(at, features);
            }
            sum += self.values[at as usize];
        }
        sum
    }

    /// The margins of many rows, the same bit for bit as [`Ranker::score`] of each; rows go
    /// through each tree eight at a time, side by side.
    pub fn scores<R: AsRef<[f32]>>(&self, rows: &[R]) -> Vec<f32> {
        const LANES: usize = 8;
        let mut out = Vec::with_capacity(rows.len());
        for block in rows.chunks(LANES) {
            let x: Vec<&[f32]> = block.iter().map(|r| r.as_ref()).collect();
            x.iter().for_each(|r| self.check_len(r));
            let mut sum = [self.base_score; LANES];
            let mut at = [0u32; LANES];
            for (&root, &depth) in self.roots.iter().zip(&self.depths) {
                at[..x.len()].fill(root);
                for _ in 0..depth {
                    for (a, r) in at.iter_mut().zip(&x) {
                        *a = self.step(*a, r);
                    }
                }
                for (s, &a) in sum.iter_mut().zip(&at[..x.len()]) {
                    *s += self.values[a as usize];
                }
            }
            out.extend_from_slice(&sum[..x.len()]);
        }
        out
    }

    /// Softmax probabilities over one quote's candidate rows (in row order; empty for none). A
    /// "no speaker" candidate is just one of the rows.
    pub fn rank<R: AsRef<[f32]>>(&self, candidates: &[R]) -> Vec<f32> {
        softmax(self.scores(candidates))
    }

    /// [`Ranker::rank`] for rows stored one after another in one slice of
    /// `rows × n_features` values.
    pub fn rank_flat(&self, matrix: &[f32]) -> Vec<f32> {
        let f = self.names.len().max(1);
        assert_eq!(matrix.len() % f, 0, "a matrix of {} values is not whole rows of {f} features", matrix.len());
        let rows: Vec<&[f32]> = matrix.chunks_exact(f).collect();
        softmax(self.scores(&rows))
    }

    /// The feature names, in vector order.
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// The length of a feature vector.
    pub fn n_features(&self) -> usize {
        self.names.len()
    }

    /// The number of trees.
    pub fn n_trees(&self) -> usize {
        self.roots.len()
    }

    /// The number of nodes of all trees.
    pub fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// The objective the trees were trained for.
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The margin before any tree.
    pub fn base_score(&self) -> f32 {
        self.base_score
    }

    /// Free-form training metadata stored in the file (settings, best iteration, …).
    pub fn info(&self) -> &serde_json::Value {
        &self.info
    }

    /// Replaces the training metadata.
    pub fn set_info(&mut self, info: serde_json::Value) {
        self.info = info;
    }

    /// The calibration saved with the model, if any.
    pub fn calibration(&self) -> Option<&Calibration> {
        self.calibration.as_ref()
    }

    /// Stores a calibration with the model (saved in its file).
    pub fn set_calibration(&mut self, calibration: Option<Calibration>) {
        self.calibration = calibration;
    }

    /// Total split gain per feature, in vector order.
    pub fn feature_gain(&self) -> &[f64] {
        &self.gain
    }

    /// Gain importance: each feature's share of the split gain, largest first (ties by name
    /// order in the vector).
    pub fn importance(&self) -> Vec<Importance> {
        let total: f64 = self.gain.iter().sum();
        let mut out: Vec<Importance> = self
            .names
            .iter()
            .zip(&self.gain)
            .map(|(name, &gain)| Importance { name: name.clone(), gain, share: if total > 0.0 { gain / total } else { 0.0 } })
            .collect();
        out.sort_by(|a, b| b.gain.total_cmp(&a.gain));
        out
    }

    /// Fails unless `names` are exactly the model's feature names in the same order (a caller
    /// building vectors for another model version would otherwise be mis-scored in silence).
    pub fn check_features<S: AsRef<str>>(&self, names: &[S]) -> Result<()> {
        if names.len() != self.names.len() {
            bail!("the ranker expects {} features, the caller builds {}", self.names.len(), names.len());
        }
        for (i, (a, b)) in self.names.iter().zip(names).enumerate() {
            ensure!(a == b.as_ref(), "feature {i} is {a:?} in the ranker but {:?} in the caller", b.as_ref());
        }
        Ok(())
    }
}

/// Softmax of margins, computed stably (empty in, empty out).
pub fn softmax(mut v: Vec<f32>) -> Vec<f32> {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if v.is_empty() || !max.is_finite() {
        return v;
    }
    let mut sum = 0.0f64;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x as f64;
    }
    for x in v.iter_mut() {
        *x = (*x as f64 / sum) as f32;
    }
    v
}

/// A cursor over the file's bytes whose errors say what was being read and where.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if self.left() < n {
            bail!("truncated at byte {} while reading the {what}", self.bytes.len());
        }
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().unwrap()))
    }

    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `x0 < 0.5 ? (x1 missing or x1 < 2 ? 1 : 2) : 3` and a one-leaf tree of 0.25.
    fn small() -> Ranker {
        let t0 = vec![
            Node::split(0, 0.5, false, 1),
            Node::split(1, 2.0, true, 3),
            Node::leaf(3.0),
            Node::leaf(1.0),
            Node::leaf(2.0),
        ];
        let t1 = vec![Node::leaf(0.25)];
        Ranker::from_trees(vec!["a".into(), "b".into()], vec![2.0, 1.0], Objective::Softmax, 0.0, &[t0, t1], serde_json::json!({"note": "hand-made"}))
            .unwrap()
    }

    #[test]
    fn walks_thresholds_and_default_directions() {
        let r = small();
        assert_eq!(r.score(&[0.0, 0.0]), 1.25);
        assert_eq!(r.score(&[0.0, 5.0]), 2.25);
        assert_eq!(r.score(&[0.0, f32::NAN]), 1.25, "missing goes left at node 1");
        assert_eq!(r.score(&[0.5, 0.0]), 3.25, "x == threshold goes right");
        assert_eq!(r.score(&[f32::NAN, 0.0]), 3.25, "missing goes right at the root");
        assert_eq!(r.score(&[f32::INFINITY, 0.0]), 3.25, "infinite counts as missing");
        let p = r.rank(&[vec![0.0, 0.0], vec![0.0, 5.0]]);
        let e = 1.0f32.exp();
        assert!((p[0] - 1.0 / (1.0 + e)).abs() < 1e-6 && (p[0] + p[1] - 1.0).abs() < 1e-6);
        assert_eq!(r.rank_flat(&[0.0, 0.0, 0.0, 5.0]), p);
        assert!(r.rank::<Vec<f32>>(&[]).is_empty());
        let imp = r.importance();
        assert_eq!((imp[0].name.as_str(), imp[0].share), ("a", 2.0 / 3.0));
    }

    #[test]
    fn round_trips_and_refuses_damage() {
        let mut r = small();
        r.set_calibration(Some(Calibration::Platt { scale: super::super::calibrate::Scale::Margin, a: 2.0, b: -1.0 }));
        for bytes in [r.to_bytes(), r.to_gzip()] {
            let back = Ranker::from_bytes(&bytes).unwrap();
            assert_eq!(back, r);
        }
        let bytes = r.to_bytes();
        let err = |b: &[u8]| format!("{:#}", Ranker::from_bytes(b).unwrap_err());
        assert!(err(&bytes[..bytes.len() - 3]).contains("truncated"));
        assert!(err(b"PK\x03\x04rest").contains("magic"));
        let mut v2 = bytes.clone();
        v2[4] = 2;
        assert!(err(&v2).contains("format version 2"));
        // The root's left child pointed at itself: a walk could loop, so loading refuses it.
        let header_len = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
        let first_node = 12 + header_len + 4 + 4;
        let mut cyc = bytes.clone();
        cyc[first_node + 8..first_node + 12].copy_from_slice(&0u32.to_le_bytes());
        assert!(err(&cyc).contains("out of order"), "{}", err(&cyc));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ranker.bin.gz");
        std::fs::write(&path, &cyc).unwrap();
        let msg = format!("{:#}", Ranker::load(&path).unwrap_err());
        assert!(msg.contains("ranker.bin.gz") && msg.contains("tree 0 node 0"), "{msg}");
        r.check_features(&["a", "b"]).unwrap();
        assert!(r.check_features(&["b", "a"]).is_err());
    }
}
