//! Dependency parsing: a greedy arc-hybrid transition parser (Kuhlmann, Gómez-Rodríguez and
//! Satta 2011) scored by an averaged perceptron over the rich feature templates of Zhang and
//! Nivre (2011), trained with the dynamic oracle of Goldberg and Nivre (2013) (`syntax::train`).
//!
//! A configuration is a stack, a buffer (the tokens not yet shifted, then an artificial ROOT at
//! the end, as Ballesteros and Nivre 2013 recommend), and the arcs made so far. The moves:
//! SHIFT pushes the buffer's front; LEFT-l makes the buffer's front the head of the stack's top
//! and pops it; RIGHT-l makes the second item on the stack the head of the top and pops it.
//! Every sentence takes exactly 2n moves, so parsing is linear in its length.

use super::clusters::{self, WordClusters};
use super::features::{hash_str, key};
use super::tagger::WordHashes;
use super::weights::{best, Weights};
use super::{PosTag, Relation, Tree};
use anyhow::{Context, Result};
use std::path::Path;

/// No token (an empty stack position, a missing child).
pub(crate) const NONE: usize = usize::MAX;

/// A parser move. Classes: 0 is SHIFT, `1 + l` is LEFT with label `l`, `1 + L + l` RIGHT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Move {
    Shift,
    Left(usize),
    Right(usize),
}

impl Move {
    /// The class index of a move: the inverse of [`Move::of_class`] (checked by the tests).
    #[cfg(test)]
    pub fn class(self, labels: usize) -> usize {
        match self {
            Move::Shift => 0,
            Move::Left(l) => 1 + l,
            Move::Right(l) => 1 + labels + l,
        }
    }

    pub fn of_class(class: usize, labels: usize) -> Move {
        if class == 0 {
            Move::Shift
        } else if class <= labels {
            Move::Left(class - 1)
        } else {
            Move::Right(class - 1 - labels)
        }
    }
}

/// A parser configuration over a sentence of `n` tokens; token `n` is ROOT.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub n: usize,
    pub stack: Vec<usize>,
    /// The buffer's front (ROOT when all tokens are shifted).
    pub front: usize,
    pub heads: Vec<usize>,
    pub labels: Vec<usize>,
    /// The two leftmost and two rightmost children of each token.
    left: Vec<[usize; 2]>,
    right: Vec<[usize; 2]>,
    /// Number of left and right children.
    left_count: Vec<u8>,
    right_count: Vec<u8>,
    /// The labels of the left and right children, as bit sets.
    left_labels: Vec<u64>,
    right_labels: Vec<u64>,
}

impl State {
    pub fn new(n: usize) -> State {
        State {
            n,
            stack: Vec::with_capacity(n),
            front: 0,
            heads: vec![NONE; n + 1],
            labels: vec![NONE; n + 1],
            left: vec![[NONE; 2]; n + 1],
            right: vec![[NONE; 2]; n + 1],
            left_count: vec![0; n + 1],
            right_count: vec![0; n + 1],
            left_labels: vec![0; n + 1],
            right_labels: vec![0; n + 1],
        }
    }

    pub fn is_final(&self) -> bool {
        self.front == self.n && self.stack.is_empty()
    }

    /// The stack item `i` places from the top.
    #[inline]
    pub fn s(&self, i: usize) -> usize {
        if i < self.stack.len() {
            self.stack[self.stack.len() - 1 - i]
        } else {
            NONE
        }
    }

    /// The buffer item `i` places from the front (ROOT is the last).
    #[inline]
    pub fn b(&self, i: usize) -> usize {
        let j = self.front + i;
        if j <= self.n {
            j
        } else {
            NONE
        }
    }

    /// Whether a move is possible here. `root` is the label index of `root`: arcs from ROOT
    /// carry it and no other arc does; ROOT takes one dependent, the last token standing.
    pub fn allowed(&self, m: Move, root: usize) -> bool {
        match m {
            Move::Shift => self.front < self.n,
            Move::Left(l) => {
                !self.stack.is_empty() && {
                    let to_root = self.front == self.n;
                    if to_root {
                        l == root && self.stack.len() == 1
                    } else {
                        l != root
                    }
                }
            }
            Move::Right(l) => self.stack.len() >= 2 && l != root,
        }
    }

    pub fn apply(&mut self, m: Move) {
        match m {
            Move::Shift => {
                self.stack.push(self.front);
                self.front += 1;
            }
            Move::Left(l) => {
                let child = self.stack.pop().expect("LEFT needs a stack item");
                self.attach(self.front, child, l);
            }
            Move::Right(l) => {
                let child = self.stack.pop().expect("RIGHT needs two stack items");
                let head = *self.stack.last().expect("RIGHT needs two stack items");
                self.attach(head, child, l);
            }
        }
    }

    fn attach(&mut self, head: usize, child: usize, label: usize) {
        self.heads[child] = head;
        self.labels[child] = label;
        let bit = 1u64 << (label % 64);
        if child < head {
            // Left children arrive from the inside out: the newest is the leftmost.
            let slot = &mut self.left[head];
            slot[1] = slot[0];
            slot[0] = child;
            self.left_count[head] = self.left_count[head].saturating_add(1);
            self.left_labels[head] |= bit;
        } else {
            let slot = &mut self.right[head];
            slot[1] = slot[0];
            slot[0] = child;
            self.right_count[head] = self.right_count[head].saturating_add(1);
            self.right_labels[head] |= bit;
        }
    }

    #[inline]
    fn leftmost(&self, t: usize, k: usize) -> usize {
        if t == NONE {
            NONE
        } else {
            self.left[t][k]
        }
    }

    #[inline]
    fn rightmost(&self, t: usize, k: usize) -> usize {
        if t == NONE {
            NONE
        } else {
            self.right[t][k]
        }
    }
}

/// Hashed words and tags of a sentence, indexed by token, with ROOT at `n` and NONE mapped to
/// a padding value.
pub(crate) struct ParseContext {
    words: Vec<u64>,
    tags: Vec<u64>,
    word_tags: Vec<u64>,
    /// Fine and coarse clusters; empty when the parser has no cluster table.
    fine: Vec<u64>,
    coarse: Vec<u64>,
    none_word: u64,
}

impl ParseContext {
    pub fn new(forms: &[&str], tags: &[PosTag], clusters: &WordClusters) -> ParseContext {
        let root = hash_str("<root>");
        let mut words: Vec<u64> = forms.iter().map(|f| WordHashes::of(f).lower).collect();
        let mut tag_values: Vec<u64> = tags.iter().map(|t| t.0 as u64).collect();
        let (mut fine, mut coarse) = (Vec::new(), Vec::new());
        if !clusters.is_empty() {
            (fine, coarse) = words.iter().map(|&w| clusters.of_key(w)).unzip();
            fine.push(clusters::UNKNOWN + 1);
            coarse.push(clusters::UNKNOWN + 1);
        }
        words.push(root);
        tag_values.push(500);
        let word_tags = words.iter().zip(&tag_values).map(|(&w, &t)| key(0, w, t, 0)).collect();
        ParseContext { words, tags: tag_values, word_tags, fine, coarse, none_word: hash_str("<none>") }
    }

    #[inline]
    fn fine(&self, t: usize) -> u64 {
        if t == NONE {
            clusters::UNKNOWN + 2
        } else {
            self.fine[t]
        }
    }
    #[inline]
    fn coarse(&self, t: usize) -> u64 {
        if t == NONE {
            clusters::UNKNOWN + 2
        } else {
            self.coarse[t]
        }
    }

    #[inline]
    fn w(&self, t: usize) -> u64 {
        if t == NONE {
            self.none_word
        } else {
            self.words[t]
        }
    }
    #[inline]
    fn t(&self, t: usize) -> u64 {
        if t == NONE {
            501
        } else {
            self.tags[t]
        }
    }
    #[inline]
    fn wt(&self, t: usize) -> u64 {
        if t == NONE {
            self.none_word ^ 501
        } else {
            self.word_tags[t]
        }
    }
}

/// The label value of a child for features (a padding value when there is none).
#[inline]
fn label(state: &State, t: usize) -> u64 {
    if t == NONE || state.labels[t] == NONE {
        200
    } else {
        state.labels[t] as u64
    }
}

/// Distance between two tokens, bucketed (1, 2, 3, 4, 5–7, 8+; 0 when one is missing).
#[inline]
fn distance(a: usize, b: usize) -> u64 {
    if a == NONE || b == NONE {
        return 0;
    }
    match a.abs_diff(b) {
        d @ 0..=4 => d as u64,
        5..=7 => 5,
        _ => 6,
    }
}

/// The features of a configuration (Zhang and Nivre 2011, for the arc-hybrid positions).
pub(crate) fn features(ctx: &ParseContext, st: &State, out: &mut Vec<u64>) {
    out.clear();
    let (s0, s1, s2) = (st.s(0), st.s(1), st.s(2));
    let (b0, b1, b2) = (st.b(0), st.b(1), st.b(2));
    let (s0l1, s0l2, s0r1, s0r2) = (st.leftmost(s0, 0), st.leftmost(s0, 1), st.rightmost(s0, 0), st.rightmost(s0, 1));
    let (s1l1, s1r1, s1r2) = (st.leftmost(s1, 0), st.rightmost(s1, 0), st.rightmost(s1, 1));
    let (b0l1, b0l2) = (st.leftmost(b0, 0), st.leftmost(b0, 1));
    let mut n = 0u32;
    let mut f = |a: u64, b: u64, c: u64| {
        out.push(key(n, a, b, c));
        n += 1;
    };
    // Single items.
    for t in [s0, s1, b0, b1] {
        f(ctx.w(t), 0, 0);
        f(ctx.t(t), 0, 0);
        f(ctx.wt(t), 0, 0);
    }
    f(ctx.w(b2), 0, 0);
    f(ctx.t(b2), 0, 0);
    f(ctx.t(s2), 0, 0);
    f(ctx.w(s2), 0, 0);
    // Pairs: the stack's top with the buffer's front, and with the item below it.
    for (x, y) in [(s0, b0), (s1, s0)] {
        f(ctx.wt(x), ctx.wt(y), 0);
        f(ctx.wt(x), ctx.w(y), 0);
        f(ctx.w(x), ctx.wt(y), 0);
        f(ctx.wt(x), ctx.t(y), 0);
        f(ctx.t(x), ctx.wt(y), 0);
        f(ctx.w(x), ctx.w(y), 0);
        f(ctx.t(x), ctx.t(y), 0);
    }
    f(ctx.t(b0), ctx.t(b1), 0);
    f(ctx.w(s1), ctx.w(b0), 0);
    f(ctx.t(s1), ctx.t(b0), 0);
    // Triples of tags.
    f(ctx.t(b0), ctx.t(b1), ctx.t(b2));
    f(ctx.t(s0), ctx.t(b0), ctx.t(b1));
    f(ctx.t(s1), ctx.t(s0), ctx.t(b0));
    f(ctx.t(s0), ctx.t(s0l1), ctx.t(b0));
    f(ctx.t(s0), ctx.t(s0r1), ctx.t(b0));
    f(ctx.t(s0), ctx.t(b0), ctx.t(b0l1));
    f(ctx.t(s1), ctx.t(s0), ctx.t(s0l1));
    f(ctx.t(s1), ctx.t(s0), ctx.t(s0r1));
    f(ctx.t(s1), ctx.t(s1r1), ctx.t(s0));
    f(ctx.t(s1), ctx.t(s1l1), ctx.t(s0));
    f(ctx.t(s2), ctx.t(s1), ctx.t(s0));
    // Distances.
    let d = distance(s0, b0);
    f(ctx.w(s0), d, 0);
    f(ctx.t(s0), d, 0);
    f(ctx.w(b0), d, 0);
    f(ctx.t(b0), d, 0);
    f(ctx.w(s0), ctx.w(b0), d);
    f(ctx.t(s0), ctx.t(b0), d);
    let d1 = distance(s1, s0);
    f(ctx.t(s1), ctx.t(s0), d1);
    f(ctx.w(s1), ctx.w(s0), d1);
    // Valencies.
    let valency = |t: usize, left: bool| -> u64 {
        if t == NONE {
            99
        } else if left {
            st.left_count[t] as u64
        } else {
            st.right_count[t] as u64
        }
    };
    f(ctx.w(s0), valency(s0, true), 1);
    f(ctx.t(s0), valency(s0, true), 1);
    f(ctx.w(s0), valency(s0, false), 2);
    f(ctx.t(s0), valency(s0, false), 2);
    f(ctx.w(s1), valency(s1, false), 2);
    f(ctx.t(s1), valency(s1, false), 2);
    f(ctx.w(s1), valency(s1, true), 1);
    f(ctx.w(b0), valency(b0, true), 1);
    f(ctx.t(b0), valency(b0, true), 1);
    // Children: words, tags, labels.
    for c in [s0l1, s0r1, s1l1, s1r1, b0l1] {
        f(ctx.w(c), 0, 0);
        f(ctx.t(c), 0, 0);
        f(label(st, c), 0, 0);
    }
    for c in [s0l2, s0r2, b0l2, s1r2] {
        f(ctx.w(c), 0, 0);
        f(ctx.t(c), 0, 0);
        f(label(st, c), 0, 0);
    }
    f(ctx.t(s0), ctx.t(s0l1), ctx.t(s0l2));
    f(ctx.t(s0), ctx.t(s0r1), ctx.t(s0r2));
    f(ctx.t(b0), ctx.t(b0l1), ctx.t(b0l2));
    f(ctx.t(s1), ctx.t(s1r1), ctx.t(s1r2));
    f(ctx.t(s0), label(st, s0l1), label(st, s0l2));
    f(ctx.t(s0), label(st, s0r1), label(st, s0r2));
    f(ctx.t(b0), label(st, b0l1), label(st, b0l2));
    // Label sets.
    let set = |t: usize, left: bool| -> u64 {
        if t == NONE {
            u64::MAX
        } else if left {
            st.left_labels[t]
        } else {
            st.right_labels[t]
        }
    };
    f(ctx.w(s0), set(s0, false), 3);
    f(ctx.t(s0), set(s0, false), 3);
    f(ctx.w(s0), set(s0, true), 4);
    f(ctx.t(s0), set(s0, true), 4);
    f(ctx.w(b0), set(b0, true), 4);
    f(ctx.t(b0), set(b0, true), 4);
    f(ctx.w(s1), set(s1, false), 3);
    f(ctx.t(s1), set(s1, false), 3);
    // Clusters (Koo, Carreras and Collins 2008): the words of the unigram and pair templates
    // replaced by their classes.
    if !ctx.fine.is_empty() {
        for t in [s0, s1, b0, b1] {
            f(ctx.fine(t), 0, 0);
            f(ctx.coarse(t), 0, 0);
        }
        f(ctx.fine(s0), ctx.fine(b0), 0);
        f(ctx.coarse(s0), ctx.coarse(b0), 0);
        f(ctx.coarse(s0), ctx.t(b0), 0);
        f(ctx.t(s0), ctx.coarse(b0), 0);
        f(ctx.coarse(s1), ctx.coarse(s0), 0);
        f(ctx.coarse(s1), ctx.t(s0), 0);
        f(ctx.t(s1), ctx.coarse(s0), 0);
        f(ctx.coarse(b0), ctx.coarse(b1), 0);
        f(ctx.coarse(s0), ctx.coarse(b0), d);
        f(ctx.fine(s0l1), ctx.t(s0), 0);
        f(ctx.fine(s0r1), ctx.t(s0), 0);
    }
}

/// The model file's metadata.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct ParserMeta {
    pub kind: String,
    pub labels: Vec<String>,
    /// The cluster table's text (`syntax::clusters`), when trained with clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<String>,
}

pub(crate) const KIND: &str = "quotestance-parser-1";

/// A trained dependency parser.
pub struct Parser {
    weights: Weights,
    /// The word clusters it was trained with (empty: none).
    clusters: WordClusters,
    /// The relation of each label index.
    labels: Vec<Relation>,
    root: usize,
}

impl Parser {
    pub(crate) fn new(weights: Weights, labels: &[String], clusters: WordClusters) -> Result<Parser> {
        let root = labels.iter().position(|l| l == "root").context("the labels have no `root`")?;
        Ok(Parser { weights, clusters, labels: labels.iter().map(|l| Relation::from_name(l)).collect(), root })
    }

    pub fn load(path: &Path) -> Result<Parser> {
        let (meta, weights) = Weights::load(path)?;
        let meta: ParserMeta = serde_json::from_value(meta).with_context(|| format!("{}: not a parser model", path.display()))?;
        anyhow::ensure!(meta.kind == KIND, "{}: model kind {:?}, expected {KIND:?}", path.display(), meta.kind);
        let origin = path.display().to_string();
        let clusters = meta.clusters.as_deref().map(|t| WordClusters::from_text(t, &origin)).transpose()?.unwrap_or_default();
        Parser::new(weights, &meta.labels, clusters).with_context(|| origin)
    }

    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        let clusters = (!self.clusters.is_empty()).then(|| self.clusters.to_text());
        let meta = ParserMeta { kind: KIND.into(), labels: self.labels.iter().map(|l| l.as_str().to_string()).collect(), clusters };
        self.weights.save(path, &serde_json::to_value(meta)?)
    }

    pub(crate) fn root_label(&self) -> usize {
        self.root
    }

    /// The best allowed move in `state` by the model's scores.
    pub(crate) fn best_move(&self, ctx: &ParseContext, state: &State, feats: &mut Vec<u64>, scores: &mut [f32]) -> Move {
        features(ctx, state, feats);
        scores.iter_mut().for_each(|s| *s = 0.0);
        self.weights.add_scores(feats, scores);
        let labels = self.labels.len();
        let class = best(scores, |c| state.allowed(Move::of_class(c, labels), self.root));
        Move::of_class(class.expect("a non-final state always allows a move"), labels)
    }

    /// The dependency tree of a tagged sentence.
    pub fn parse(&self, forms: &[&str], tags: &[PosTag]) -> Tree {
        let n = forms.len();
        let ctx = ParseContext::new(forms, tags, &self.clusters);
        let mut state = State::new(n);
        let mut feats = Vec::with_capacity(128);
        let mut scores = vec![0.0f32; 1 + 2 * self.labels.len()];
        while !state.is_final() {
            let m = self.best_move(&ctx, &state, &mut feats, &mut scores);
            state.apply(m);
        }
        self.tree(&state)
    }

    pub(crate) fn tree(&self, state: &State) -> Tree {
        let n = state.n;
        let heads = (0..n).map(|i| (state.heads[i] < n).then_some(state.heads[i])).collect();
        let relations = (0..n).map(|i| self.labels.get(state.labels[i]).copied().unwrap_or(Relation::from_name("root"))).collect();
        Tree { heads, relations }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_round_trip_and_build_a_tree() {
        for c in 0..9 {
            assert_eq!(Move::of_class(c, 4).class(4), c);
        }
        // "He said": SHIFT He, LEFT(nsubj) He←said, SHIFT said, LEFT(root) said←ROOT.
        let mut st = State::new(2);
        let root = 0;
        for m in [Move::Shift, Move::Left(1), Move::Shift, Move::Left(0)] {
            assert!(st.allowed(m, root), "{m:?}");
            st.apply(m);
        }
        assert!(st.is_final());
        assert_eq!(&st.heads[..2], &[1, 2]);
        assert!(!State::new(2).allowed(Move::Left(0), root));
    }
}
