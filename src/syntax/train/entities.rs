//! Training the entity recogniser on BILOU labels made from the corpus's per-token NER tags.

use super::perceptron::AveragedPerceptron;
use crate::syntax::clusters::WordClusters;
use crate::syntax::conllu::CorpusSentence;
use crate::syntax::entities::{allowed, class_of, features, label_features, token_features, EntityContext, EntityRecognizer, Part, CLASSES, START};
use crate::syntax::eval::gold_entities;
use crate::syntax::weights::best;
use crate::syntax::PosTag;
use crate::tone::rng::SplitMix64;
use anyhow::Result;

/// Settings of a training run.
#[derive(Debug, Clone)]
pub struct EntitySettings {
    pub epochs: usize,
    pub seed: u64,
    /// Label histories kept by the beam search, in training and at run time; 1 is greedy
    /// labelling trained on its own predictions.
    pub beam: usize,
}

impl Default for EntitySettings {
    fn default() -> Self {
        EntitySettings { epochs: 10, seed: 7, beam: 4 }
    }
}

/// The BILOU class of each token of a sentence (runs of one NER tag are entities).
pub fn gold_classes(sentence: &CorpusSentence) -> Vec<usize> {
    let mut classes = vec![0; sentence.words.len()];
    for (first, end, kind) in gold_entities(sentence).unwrap_or_default() {
        if end - first == 1 {
            classes[first] = class_of(Some((kind, Part::Unit)));
            continue;
        }
        classes[first] = class_of(Some((kind, Part::Begin)));
        for c in &mut classes[first + 1..end - 1] {
            *c = class_of(Some((kind, Part::Inside)));
        }
        classes[end - 1] = class_of(Some((kind, Part::Last)));
    }
    classes
}

/// Trains a recogniser on `sentences`, each with the tags the tagger gives it.
///
/// Greedy (`beam` 1): each token's label is learned given the labels the model itself gave the
/// tokens before. With a beam: the structured perceptron with early update (Collins and Roark
/// 2004): the sentence is labelled by the same beam search as at run time, and when the gold
/// labelling falls out of the beam, the weights move towards the gold prefix and away from the
/// beam's best, so that whole labellings are scored rather than one label after another.
pub fn train(sentences: &[(&CorpusSentence, Vec<PosTag>)], settings: &EntitySettings, clusters: &WordClusters) -> Result<EntityRecognizer> {
    let golds: Vec<Vec<usize>> = sentences.iter().map(|(s, _)| gold_classes(s)).collect();
    let mut model = AveragedPerceptron::new(CLASSES);
    let mut rng = SplitMix64::new(settings.seed);
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut feats = Vec::with_capacity(40);
    let mut scores = vec![0.0f32; CLASSES];
    let mut search = BeamSearch::default();
    for _ in 0..settings.epochs {
        rng.shuffle(&mut order);
        for &i in &order {
            let (sentence, tags) = &sentences[i];
            let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
            let ctx = EntityContext::new(&forms, tags, clusters);
            if settings.beam > 1 {
                search.train_sentence(&mut model, &ctx, &golds[i], settings.beam);
                continue;
            }
            let (mut prev, mut prev2, mut previous_class) = (START, START, 0);
            for (j, &gold) in golds[i].iter().enumerate() {
                features(&ctx, j, prev, prev2, &mut feats);
                model.scores(&feats, &mut scores);
                let guess = best(&scores, |c| allowed(previous_class, c, j, forms.len())).unwrap_or(0);
                model.update(&feats, gold, guess);
                model.tick();
                previous_class = guess;
                prev2 = prev;
                prev = guess as u64;
            }
        }
    }
    Ok(EntityRecognizer::new(model.average(1e-3, 1), clusters.clone(), settings.beam))
}

/// A partial labelling in the training beam.
#[derive(Clone, Copy)]
struct Hypothesis {
    score: f32,
    class: usize,
    prev: u64,
    prev2: u64,
    parent: usize,
    /// Whether every label so far is the gold one.
    on_gold: bool,
}

/// The buffers of the training beam search, reused from sentence to sentence.
#[derive(Default)]
struct BeamSearch {
    beam: Vec<Hypothesis>,
    next: Vec<Hypothesis>,
    back: Vec<Vec<(usize, usize)>>,
    token: Vec<u64>,
    label: Vec<u64>,
    base: Vec<f32>,
    scores: Vec<f32>,
}

impl BeamSearch {
    fn train_sentence(&mut self, model: &mut AveragedPerceptron, ctx: &EntityContext, gold: &[usize], width: usize) {
        let n = gold.len();
        self.base.resize(CLASSES, 0.0);
        self.scores.resize(CLASSES, 0.0);
        self.back.clear();
        self.beam.clear();
        self.beam.push(Hypothesis { score: 0.0, class: 0, prev: START, prev2: START, parent: 0, on_gold: true });
        for j in 0..n {
            token_features(ctx, j, &mut self.token);
            model.scores(&self.token, &mut self.base);
            self.next.clear();
            for (h, hyp) in self.beam.iter().enumerate() {
                self.label.clear();
                label_features(ctx, j, hyp.prev, hyp.prev2, &mut self.label);
                model.scores(&self.label, &mut self.scores);
                for c in (0..CLASSES).filter(|&c| allowed(hyp.class, c, j, n)) {
                    let score = hyp.score + self.base[c] + self.scores[c];
                    self.next.push(Hypothesis { score, class: c, prev: c as u64, prev2: hyp.prev, parent: h, on_gold: hyp.on_gold && c == gold[j] });
                }
            }
            self.next.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.parent.cmp(&b.parent)).then(a.class.cmp(&b.class)));
            self.next.truncate(width);
            self.back.push(self.next.iter().map(|h| (h.parent, h.class)).collect());
            std::mem::swap(&mut self.beam, &mut self.next);
            model.tick();
            let gold_kept = self.beam.iter().any(|h| h.on_gold);
            if !gold_kept || j + 1 == n {
                if !self.beam[0].on_gold {
                    let predicted = self.best_path();
                    update(model, ctx, &gold[..=j], &predicted, &mut self.token);
                }
                return;
            }
        }
    }

    /// The labels of the beam's best hypothesis, from the first token to the current one.
    fn best_path(&self) -> Vec<usize> {
        let mut path = vec![0; self.back.len()];
        let mut h = 0;
        for j in (0..self.back.len()).rev() {
            let (parent, class) = self.back[j][h];
            path[j] = class;
            h = parent;
        }
        path
    }
}

/// The structured update: towards the gold labels, away from the predicted ones, from the
/// first token where they part (before it the two histories cancel).
fn update(model: &mut AveragedPerceptron, ctx: &EntityContext, gold: &[usize], predicted: &[usize], feats: &mut Vec<u64>) {
    let Some(first) = gold.iter().zip(predicted).position(|(g, p)| g != p) else { return };
    let history = |labels: &[usize], j: usize| {
        let before = |k: usize| if j >= k { labels[j - k] as u64 } else { START };
        (before(1), before(2))
    };
    for j in first..gold.len() {
        for (labels, delta) in [(gold, 1.0), (predicted, -1.0)] {
            let (prev, prev2) = history(labels, j);
            features(ctx, j, prev, prev2, feats);
            model.add(feats, labels[j], delta);
        }
    }
}
