//! Training the parser: the averaged perceptron follows a dynamic oracle (Goldberg and Nivre
//! 2013), which tells, in any configuration, which moves lose no more gold arcs than the best
//! possible. After the first epoch the parser mostly follows its own (possibly wrong) moves, so
//! it learns to recover from its mistakes as it must at run time.

use super::perceptron::AveragedPerceptron;
use crate::syntax::clusters::WordClusters;
use crate::syntax::conllu::CorpusSentence;
use crate::syntax::parser::{features, Move, ParseContext, Parser, State, NONE};
use crate::syntax::weights::best;
use crate::syntax::PosTag;
use crate::tone::rng::SplitMix64;
use anyhow::Result;

/// Settings of a training run.
#[derive(Debug, Clone)]
pub struct ParserSettings {
    pub epochs: usize,
    pub seed: u64,
    /// From the second epoch on, the share of moves taken from the model's own prediction
    /// rather than the oracle's.
    pub explore: f64,
    /// Features updated fewer times are dropped from the model.
    pub min_updates: u32,
    /// Averaged weights smaller than this are dropped. Chosen on dev: 2.0 keeps a quarter of the
    /// weights (15 MB instead of 60 MB, half the memory trips per move) for 0.002 of UAS.
    pub min_weight: f32,
}

impl Default for ParserSettings {
    fn default() -> Self {
        ParserSettings { epochs: 12, seed: 7, explore: 0.9, min_updates: 2, min_weight: 2.0 }
    }
}

/// The gold tree of a training sentence, in label indices.
struct Gold {
    heads: Vec<usize>,
    labels: Vec<usize>,
    children: Vec<Vec<usize>>,
}

impl Gold {
    fn new(sentence: &CorpusSentence, label_of: &dyn Fn(&str) -> usize) -> Gold {
        let n = sentence.words.len();
        // HEAD 0 is ROOT, which the parser keeps at index n.
        let heads: Vec<usize> = sentence.words.iter().map(|w| if w.head == 0 || w.head > n { n } else { w.head - 1 }).collect();
        let labels = sentence.words.iter().map(|w| label_of(&w.relation)).collect();
        let mut children = vec![Vec::new(); n + 1];
        for (i, &h) in heads.iter().enumerate() {
            children[h].push(i);
        }
        Gold { heads, labels, children }
    }

    /// Gold arcs lost by a move (Goldberg and Nivre 2013, arc-hybrid, ROOT last).
    fn cost(&self, st: &State, m: Move) -> usize {
        let in_stack = |k: usize| k < st.front && st.heads[k] == NONE;
        let in_buffer = |k: usize| k >= st.front;
        match m {
            Move::Shift => {
                let b = st.front;
                let head = self.heads[b];
                let lost_head = (in_stack(head) && head != st.s(0)) as usize;
                lost_head + self.children[b].iter().filter(|&&d| in_stack(d)).count()
            }
            Move::Left(l) | Move::Right(l) => {
                let s0 = st.s(0);
                let head = self.heads[s0];
                let lost_children = self.children[s0].iter().filter(|&&d| in_buffer(d)).count();
                let (lost_head, chosen) = match m {
                    Move::Left(_) => (head == st.s(1) || (in_buffer(head) && head != st.front), st.front),
                    _ => (in_buffer(head), st.s(1)),
                };
                let wrong_label = (head == chosen && l != self.labels[s0]) as usize;
                lost_head as usize + lost_children + wrong_label
            }
        }
    }
}

/// Trains a parser on `sentences`, each with the tags the tagger gives it.
pub fn train(sentences: &[(&CorpusSentence, Vec<PosTag>)], settings: &ParserSettings, clusters: &WordClusters) -> Result<Parser> {
    let mut names: Vec<String> = sentences.iter().flat_map(|(s, _)| s.words.iter().map(|w| w.relation.clone())).collect();
    names.push("root".into());
    names.sort();
    names.dedup();
    let label_of = |r: &str| names.binary_search_by(|n| n.as_str().cmp(r)).expect("label in the list");
    let labels = names.len();
    let classes = 1 + 2 * labels;
    let golds: Vec<Gold> = sentences.iter().map(|(s, _)| Gold::new(s, &label_of)).collect();
    let shell = Parser::new(crate::syntax::weights::Weights::default(), &names, WordClusters::default())?;
    let root = shell.root_label();

    let mut model = AveragedPerceptron::new(classes);
    let mut rng = SplitMix64::new(settings.seed);
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut feats = Vec::with_capacity(128);
    let mut scores = vec![0.0f32; classes];
    let mut costs = vec![usize::MAX; classes];
    for epoch in 0..settings.epochs {
        rng.shuffle(&mut order);
        for &i in &order {
            let (sentence, tags) = &sentences[i];
            let gold = &golds[i];
            let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
            let ctx = ParseContext::new(&forms, tags, clusters);
            let mut state = State::new(forms.len());
            while !state.is_final() {
                features(&ctx, &state, &mut feats);
                model.scores(&feats, &mut scores);
                let mut min_cost = usize::MAX;
                for (c, cost) in costs.iter_mut().enumerate() {
                    let m = Move::of_class(c, labels);
                    *cost = if state.allowed(m, root) { gold.cost(&state, m) } else { usize::MAX };
                    min_cost = min_cost.min(*cost);
                }
                let predicted = best(&scores, |c| costs[c] != usize::MAX).expect("a move is allowed");
                let target = best(&scores, |c| costs[c] == min_cost).expect("a cheapest move");
                if costs[predicted] > min_cost {
                    model.update(&feats, target, predicted);
                }
                model.tick();
                let follow_model = epoch > 0 && (rng.next_u64() as f64 / u64::MAX as f64) < settings.explore;
                let next = if follow_model { predicted } else { target };
                state.apply(Move::of_class(next, labels));
            }
        }
    }
    Parser::new(model.average(settings.min_weight, settings.min_updates), &names, clusters.clone())
}
