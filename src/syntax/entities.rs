//! Named entities: an averaged perceptron that labels tokens greedily from left to right with
//! BILOU tags (Begin, Inside, Last, Unit, Outside; Ratinov and Roth 2009) over the part-of-speech
//! tags, so that each entity's span comes out whole. Only label sequences that form spans are
//! allowed (`I-PERSON` follows `B-` or `I-PERSON`, a sentence never ends inside an entity).

use super::clusters::WordClusters;
use super::features::key;
use super::tagger::{Padded, WordHashes};
use super::weights::Weights;
use super::{Entity, EntityKind, PosTag};
use anyhow::{Context, Result};
use std::path::Path;

/// Position of a token in its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Begin,
    Inside,
    Last,
    Unit,
}

/// Class 0 is Outside; then four classes (B, I, L, U) per entity kind.
pub(crate) fn class_of(label: Option<(EntityKind, Part)>) -> usize {
    match label {
        None => 0,
        Some((kind, part)) => {
            let k = EntityKind::ALL.iter().position(|&x| x == kind).expect("kind in ALL");
            1 + 4 * k + part as usize
        }
    }
}

pub(crate) fn label_of(class: usize) -> Option<(EntityKind, Part)> {
    if class == 0 {
        return None;
    }
    let kind = EntityKind::ALL[(class - 1) / 4];
    let part = [Part::Begin, Part::Inside, Part::Last, Part::Unit][(class - 1) % 4];
    Some((kind, part))
}

pub(crate) const CLASSES: usize = 1 + 4 * EntityKind::ALL.len();

/// Whether `class` may follow `previous` at position `i` of an `n`-token sentence.
pub(crate) fn allowed(previous: usize, class: usize, i: usize, n: usize) -> bool {
    let open = matches!(label_of(previous), Some((_, Part::Begin | Part::Inside)));
    match label_of(class) {
        None | Some((_, Part::Unit)) => !open,
        Some((_, Part::Begin)) => !open && i + 1 < n,
        Some((kind, Part::Inside)) => open && label_of(previous).is_some_and(|(k, _)| k == kind) && i + 1 < n,
        Some((kind, Part::Last)) => open && label_of(previous).is_some_and(|(k, _)| k == kind),
    }
}

/// Feature templates (part of the model file: never renumber).
mod t {
    pub const BIAS: u32 = 0;
    pub const LOWER: u32 = 1;
    pub const FORM: u32 = 2;
    pub const SHAPE: u32 = 3;
    pub const SUFFIX: u32 = 4; // + 0..=2 for suffixes of 2, 3, 4 characters
    pub const PREFIX: u32 = 7; // + 0..=1 for prefixes of 2, 3
    pub const TAG: u32 = 9;
    pub const PREV_TAG: u32 = 10;
    pub const NEXT_TAG: u32 = 11;
    pub const TAG_BIGRAM_LEFT: u32 = 12;
    pub const TAG_BIGRAM_RIGHT: u32 = 13;
    pub const PREV_LOWER: u32 = 14;
    pub const NEXT_LOWER: u32 = 15;
    pub const PREV2_LOWER: u32 = 16;
    pub const NEXT2_LOWER: u32 = 17;
    pub const WORD_NEXT: u32 = 18;
    pub const PREV_WORD: u32 = 19;
    pub const SHAPES: u32 = 20;
    pub const LABEL: u32 = 21;
    pub const LABELS: u32 = 22;
    pub const LABEL_WORD: u32 = 23;
    pub const LABEL_SHAPE: u32 = 24;
    pub const LABEL_TAG: u32 = 25;
    pub const CAPITAL_RUN: u32 = 26;
    pub const FLAGS: u32 = 27;
    pub const FORM_TAG: u32 = 28;
    pub const NEXT_FORM: u32 = 29;
    pub const PREV_FORM: u32 = 30;
    pub const FINE: u32 = 31;
    pub const COARSE: u32 = 32;
    pub const PREV_FINE: u32 = 33;
    pub const NEXT_FINE: u32 = 34;
    pub const LABEL_FINE: u32 = 35;
    pub const COARSES: u32 = 36;
}

/// Per-sentence inputs of the features: hashed words, tags, and the runs of capitalised words.
pub(crate) struct EntityContext {
    words: Padded,
    tags: Vec<u64>,
    /// For each token: (length of its run of capitalised words capped at 4, position: 0 none,
    /// 1 first, 2 inside, 3 last, 4 alone).
    runs: Vec<(u64, u64)>,
}

impl EntityContext {
    pub fn new(forms: &[&str], tags: &[PosTag], clusters: &WordClusters) -> EntityContext {
        let capital = |f: &str| f.chars().next().is_some_and(char::is_uppercase);
        let mut runs = vec![(0, 0); forms.len()];
        let mut i = 0;
        while i < forms.len() {
            if !capital(forms[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < forms.len() && capital(forms[i]) {
                i += 1;
            }
            let len = i - start;
            for (j, run) in runs[start..i].iter_mut().enumerate() {
                let position = if len == 1 { 4 } else if j == 0 { 1 } else if j + 1 == len { 3 } else { 2 };
                *run = (len.min(4) as u64, position);
            }
        }
        EntityContext { words: Padded::new(forms, clusters), tags: tags.iter().map(|t| t.0 as u64).collect(), runs }
    }

    fn tag(&self, i: usize, d: isize) -> u64 {
        let j = i as isize + d;
        if j < 0 || j as usize >= self.tags.len() {
            1000 + d.unsigned_abs() as u64
        } else {
            self.tags[j as usize]
        }
    }
}

/// The features of token `i`, given the classes of the two tokens before: those of the token
/// and its neighbours, then those of the labels before it.
pub(crate) fn features(ctx: &EntityContext, i: usize, prev: u64, prev2: u64, out: &mut Vec<u64>) {
    token_features(ctx, i, out);
    label_features(ctx, i, prev, prev2, out);
}

/// The features that read only the sentence (the same for every label history).
pub(crate) fn token_features(ctx: &EntityContext, i: usize, out: &mut Vec<u64>) {
    out.clear();
    let w: &WordHashes = ctx.words.at(i, 0);
    let (p1, p2, n1, n2) = (ctx.words.at(i, -1), ctx.words.at(i, -2), ctx.words.at(i, 1), ctx.words.at(i, 2));
    let (tag, tag_before, tag_after) = (ctx.tag(i, 0), ctx.tag(i, -1), ctx.tag(i, 1));
    out.push(key(t::BIAS, 0, 0, 0));
    out.push(key(t::LOWER, w.lower, 0, 0));
    out.push(key(t::FORM, w.form, 0, 0));
    out.push(key(t::SHAPE, w.shape, 0, 0));
    for n in 0..3 {
        out.push(key(t::SUFFIX + n as u32, w.suffixes[n + 1], 0, 0));
    }
    for n in 0..2 {
        out.push(key(t::PREFIX + n as u32, w.prefixes[n + 1], 0, 0));
    }
    out.push(key(t::TAG, tag, 0, 0));
    out.push(key(t::PREV_TAG, tag_before, 0, 0));
    out.push(key(t::NEXT_TAG, tag_after, 0, 0));
    out.push(key(t::TAG_BIGRAM_LEFT, tag_before, tag, 0));
    out.push(key(t::TAG_BIGRAM_RIGHT, tag, tag_after, 0));
    out.push(key(t::PREV_LOWER, p1.lower, 0, 0));
    out.push(key(t::NEXT_LOWER, n1.lower, 0, 0));
    out.push(key(t::PREV2_LOWER, p2.lower, 0, 0));
    out.push(key(t::NEXT2_LOWER, n2.lower, 0, 0));
    out.push(key(t::WORD_NEXT, w.lower, n1.lower, 0));
    out.push(key(t::PREV_WORD, p1.lower, w.lower, 0));
    out.push(key(t::SHAPES, p1.shape, w.shape, n1.shape));
    let (run, position) = ctx.runs[i];
    out.push(key(t::CAPITAL_RUN, run, position, 0));
    out.push(key(t::FLAGS, w.flags, 0, 0));
    out.push(key(t::FORM_TAG, w.form, tag, 0));
    out.push(key(t::NEXT_FORM, n1.form, 0, 0));
    out.push(key(t::PREV_FORM, p1.form, 0, 0));
    if ctx.words.clustered {
        out.push(key(t::FINE, w.fine, 0, 0));
        out.push(key(t::COARSE, w.coarse, 0, 0));
        out.push(key(t::PREV_FINE, p1.fine, 0, 0));
        out.push(key(t::NEXT_FINE, n1.fine, 0, 0));
        out.push(key(t::COARSES, p1.coarse, w.coarse, n1.coarse));
    }
}

/// The features of the two labels before token `i`, appended to `out`.
pub(crate) fn label_features(ctx: &EntityContext, i: usize, prev: u64, prev2: u64, out: &mut Vec<u64>) {
    let w: &WordHashes = ctx.words.at(i, 0);
    let tag = ctx.tag(i, 0);
    out.push(key(t::LABEL, prev, 0, 0));
    out.push(key(t::LABELS, prev, prev2, 0));
    out.push(key(t::LABEL_WORD, prev, w.lower, 0));
    out.push(key(t::LABEL_SHAPE, prev, w.shape, 0));
    out.push(key(t::LABEL_TAG, prev, tag, 0));
    if ctx.words.clustered {
        out.push(key(t::LABEL_FINE, prev, w.fine, 0));
    }
}

/// Turns a sequence of classes into entity spans.
pub(crate) fn spans(classes: &[usize]) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut open: Option<(usize, EntityKind)> = None;
    for (i, &c) in classes.iter().enumerate() {
        match label_of(c) {
            None => open = None,
            Some((kind, Part::Unit)) => {
                open = None;
                out.push(Entity { first: i, end: i + 1, kind });
            }
            Some((kind, Part::Begin)) => open = Some((i, kind)),
            Some((_, Part::Inside)) => {}
            Some((kind, Part::Last)) => {
                if let Some((first, k)) = open.take() {
                    if k == kind {
                        out.push(Entity { first, end: i + 1, kind });
                    }
                }
            }
        }
    }
    out
}

pub(crate) const START: u64 = 999;
pub(crate) const KIND: &str = "quotestance-entities-1";

#[derive(serde::Serialize, serde::Deserialize)]
struct EntityMeta {
    kind: String,
    /// The cluster table's text (`syntax::clusters`), when trained with clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    clusters: Option<String>,
    /// The width of the beam it was trained with (1: greedy, the models before beams).
    #[serde(default = "greedy")]
    beam: usize,
}

fn greedy() -> usize {
    1
}

/// A trained named-entity recogniser.
pub struct EntityRecognizer {
    weights: Weights,
    /// The word clusters it was trained with (empty: none).
    clusters: WordClusters,
    /// The width of its beam search (1: greedy).
    beam: usize,
}

impl EntityRecognizer {
    pub(crate) fn new(weights: Weights, clusters: WordClusters, beam: usize) -> EntityRecognizer {
        EntityRecognizer { weights, clusters, beam }
    }

    pub fn load(path: &Path) -> Result<EntityRecognizer> {
        let (meta, weights) = Weights::load(path)?;
        let meta: EntityMeta = serde_json::from_value(meta).with_context(|| format!("{}: not an entity model", path.display()))?;
        anyhow::ensure!(meta.kind == KIND, "{}: model kind {:?}, expected {KIND:?}", path.display(), meta.kind);
        let clusters = meta.clusters.as_deref().map(|t| WordClusters::from_text(t, &path.display().to_string())).transpose()?.unwrap_or_default();
        Ok(EntityRecognizer { weights, clusters, beam: meta.beam })
    }

    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        let clusters = (!self.clusters.is_empty()).then(|| self.clusters.to_text());
        self.weights.save(path, &serde_json::to_value(EntityMeta { kind: KIND.into(), clusters, beam: self.beam })?)
    }

    /// The entities of a tagged sentence.
    pub fn recognize(&self, forms: &[&str], tags: &[PosTag]) -> Vec<Entity> {
        spans(&self.classes(forms, tags))
    }

    /// The best label sequence by beam search: each of the best histories so far (as many as
    /// the model was trained with) is extended by every label allowed after it, and the best
    /// extensions are kept. The
    /// features of the token itself are scored once for all histories; only the few that read
    /// the labels before it are scored per history. A wider beam repairs what greedy labelling
    /// cannot: once an entity is opened on a wrong word, a greedy tagger must drag it on.
    pub(crate) fn classes(&self, forms: &[&str], tags: &[PosTag]) -> Vec<usize> {
        let width = self.beam.max(1);
        let n = forms.len();
        let ctx = EntityContext::new(forms, tags, &self.clusters);
        let mut feats = Vec::with_capacity(40);
        let mut base = [0.0f32; CLASSES];
        let mut scores = [0.0f32; CLASSES];
        // Per position, the kept hypotheses as (history index at the position before, class).
        let mut back: Vec<Vec<(usize, usize)>> = Vec::with_capacity(n);
        let mut beam = vec![Hypothesis { score: 0.0, class: 0, prev: START, prev2: START, parent: 0 }];
        let mut next: Vec<Hypothesis> = Vec::with_capacity(width * CLASSES);
        for i in 0..n {
            token_features(&ctx, i, &mut feats);
            base.iter_mut().for_each(|s| *s = 0.0);
            self.weights.add_scores(&feats, &mut base);
            next.clear();
            for (h, hyp) in beam.iter().enumerate() {
                feats.clear();
                label_features(&ctx, i, hyp.prev, hyp.prev2, &mut feats);
                scores.copy_from_slice(&base);
                self.weights.add_scores(&feats, &mut scores);
                for (c, &s) in scores.iter().enumerate() {
                    if allowed(hyp.class, c, i, n) {
                        next.push(Hypothesis { score: hyp.score + s, class: c, prev: c as u64, prev2: hyp.prev, parent: h });
                    }
                }
            }
            // Highest score first; ties by history, then class, so the result never depends on
            // anything but the input.
            next.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.parent.cmp(&b.parent)).then(a.class.cmp(&b.class)));
            next.truncate(width);
            back.push(next.iter().map(|h| (h.parent, h.class)).collect());
            std::mem::swap(&mut beam, &mut next);
        }
        let mut out = vec![0; n];
        let mut h = 0;
        for i in (0..n).rev() {
            let (parent, class) = back[i][h];
            out[i] = class;
            h = parent;
        }
        out
    }
}

/// One labelling of a sentence's first tokens, as kept in the beam.
struct Hypothesis {
    score: f32,
    /// The class of its last token (0 before the first).
    class: usize,
    prev: u64,
    prev2: u64,
    /// Its history's index in the beam of the token before.
    parent: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_trip_and_spans_close() {
        for c in 0..CLASSES {
            assert_eq!(class_of(label_of(c)), c);
        }
        let b = class_of(Some((EntityKind::Person, Part::Begin)));
        let l = class_of(Some((EntityKind::Person, Part::Last)));
        let u = class_of(Some((EntityKind::Location, Part::Unit)));
        assert_eq!(spans(&[b, l, 0, u]), vec![Entity { first: 0, end: 2, kind: EntityKind::Person }, Entity { first: 3, end: 4, kind: EntityKind::Location }]);
        assert!(!allowed(b, 0, 1, 3));
        assert!(!allowed(0, b, 2, 3), "no entity may open on the last token");
        assert!(allowed(b, l, 1, 3));
    }
}
