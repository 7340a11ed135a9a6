//! Training the entity recogniser on BILOU labels made from the corpus's per-token NER tags.

use super::perceptron::AveragedPerceptron;
use crate::syntax::clusters::WordClusters;
use crate::syntax::conllu::CorpusSentence;
use crate::syntax::entities::{allowed, class_of, features, EntityContext, EntityRecognizer, Part, CLASSES, START};
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
}

impl Default for EntitySettings {
    fn default() -> Self {
        EntitySettings { epochs: 10, seed: 7 }
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
pub fn train(sentences: &[(&CorpusSentence, Vec<PosTag>)], settings: &EntitySettings, clusters: &WordClusters) -> Result<EntityRecognizer> {
    let golds: Vec<Vec<usize>> = sentences.iter().map(|(s, _)| gold_classes(s)).collect();
    let mut model = AveragedPerceptron::new(CLASSES);
    let mut rng = SplitMix64::new(settings.seed);
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut feats = Vec::with_capacity(40);
    let mut scores = vec![0.0f32; CLASSES];
    for _ in 0..settings.epochs {
        rng.shuffle(&mut order);
        for &i in &order {
            let (sentence, tags) = &sentences[i];
            let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
            let ctx = EntityContext::new(&forms, tags, clusters);
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
    Ok(EntityRecognizer::new(model.average(1e-3, 1), clusters.clone()))
}
