//! Measuring the syntax models on a gold CoNLL-U file: tag accuracy, attachment scores and
//! entity F1, on the file's own tokens.

use super::conllu::{escape, CorpusSentence};
use super::{EntityKind, Syntax};
use std::time::Instant;

/// Counts behind the figures of `eval syntax`.
#[derive(Debug, Clone, Default)]
pub struct SyntaxScore {
    pub sentences: usize,
    pub tokens: usize,
    pub tags_right: usize,
    /// Tokens scored for attachment (gold relation other than `punct`).
    pub scored_arcs: usize,
    pub heads_right: usize,
    pub arcs_right: usize,
    /// Entity spans: (gold, predicted, matched), all kinds and persons alone; `None` when the
    /// file has no NER tags.
    pub entities: Option<[(usize, usize, usize); 2]>,
    pub parsed: bool,
    /// Time spent tagging, recognising entities and parsing.
    pub seconds: [f64; 3],
    /// F1 of the tokenizer against the gold token offsets (`eval syntax --articles`).
    pub tokenization_f1: Option<f64>,
}

fn f1((gold, predicted, matched): (usize, usize, usize)) -> f64 {
    if gold + predicted == 0 {
        return 1.0;
    }
    2.0 * matched as f64 / (gold + predicted) as f64
}

impl SyntaxScore {
    pub fn pos(&self) -> f64 {
        self.tags_right as f64 / self.tokens.max(1) as f64
    }
    pub fn uas(&self) -> f64 {
        self.heads_right as f64 / self.scored_arcs.max(1) as f64
    }
    pub fn las(&self) -> f64 {
        self.arcs_right as f64 / self.scored_arcs.max(1) as f64
    }

    /// The summary line: `syntax: sentences=N tokens=N pos=X uas=X las=X ner_f1=X person_f1=X tokens_per_s=X`,
    /// then ` tokenization_f1=X` when the tokenizer was scored.
    pub fn line(&self) -> String {
        let opt = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.4}"));
        let (uas, las) = if self.parsed { (Some(self.uas()), Some(self.las())) } else { (None, None) };
        let [all, person] = match self.entities {
            Some([a, p]) => [Some(f1(a)), Some(f1(p))],
            None => [None, None],
        };
        let tokenization = self.tokenization_f1.map_or_else(String::new, |f| format!(" tokenization_f1={f:.4}"));
        format!(
            "syntax: sentences={} tokens={} pos={:.4} uas={} las={} ner_f1={} person_f1={} tokens_per_s={:.0}{tokenization}",
            self.sentences,
            self.tokens,
            self.pos(),
            opt(uas),
            opt(las),
            opt(all),
            opt(person),
            self.tokens as f64 / self.seconds.iter().sum::<f64>().max(1e-9)
        )
    }

    /// Tokens per second of the tagger, the recogniser and the parser alone.
    pub fn speeds(&self) -> [f64; 3] {
        self.seconds.map(|s| self.tokens as f64 / s.max(1e-9))
    }
}

/// Entity spans of a sentence from per-token tags: a run of one tag is one entity (the PolNeAR
/// CoreNLP convention).
pub fn gold_entities(sentence: &CorpusSentence) -> Option<Vec<(usize, usize, EntityKind)>> {
    let mut out = Vec::new();
    let mut run: Option<(usize, EntityKind)> = None;
    for (i, w) in sentence.words.iter().enumerate() {
        let kind = EntityKind::from_name(w.ner.as_deref()?);
        match (run, kind) {
            (Some((_, k)), Some(kk)) if k == kk => {}
            _ => {
                if let Some((start, k)) = run.take() {
                    out.push((start, i, k));
                }
                run = kind.map(|k| (i, k));
            }
        }
    }
    if let Some((start, k)) = run {
        out.push((start, sentence.words.len(), k));
    }
    Some(out)
}

/// Runs `syntax` on the gold tokens of every sentence and compares.
pub fn evaluate(syntax: &Syntax, sentences: &[CorpusSentence]) -> SyntaxScore {
    let mut score = SyntaxScore { parsed: syntax.parser.is_some(), ..SyntaxScore::default() };
    let has_ner = sentences.iter().all(|s| s.words.iter().all(|w| w.ner.is_some())) && syntax.entities.is_some();
    let mut entity_counts = [(0, 0, 0); 2];
    for sentence in sentences {
        let forms: Vec<&str> = sentence.words.iter().map(|w| escape(&w.form)).collect();
        let mut clock = Instant::now();
        let mut lap = |slot: usize| {
            score.seconds[slot] += clock.elapsed().as_secs_f64();
            clock = Instant::now();
        };
        let tags = syntax.tagger.tag(&forms);
        lap(0);
        let entities = syntax.entities.as_ref().map(|r| r.recognize(&forms, &tags)).unwrap_or_default();
        lap(1);
        let tree = syntax.parser.as_ref().map(|p| p.parse(&forms, &tags));
        lap(2);
        let analysis = super::SentenceSyntax { tags, entities, tree };
        score.sentences += 1;
        for (i, w) in sentence.words.iter().enumerate() {
            score.tokens += 1;
            if analysis.tags[i].as_str() == w.tag || (w.tag == "``" && analysis.tags[i].as_str() == "``") {
                score.tags_right += 1;
            }
            if let Some(tree) = &analysis.tree {
                if w.relation == "punct" {
                    continue;
                }
                score.scored_arcs += 1;
                let gold_head = w.head.checked_sub(1);
                if tree.heads[i] == gold_head {
                    score.heads_right += 1;
                    if tree.relations[i].as_str() == w.relation {
                        score.arcs_right += 1;
                    }
                }
            }
        }
        if has_ner {
            let gold = gold_entities(sentence).unwrap_or_default();
            let predicted: Vec<(usize, usize, EntityKind)> = analysis.entities.iter().map(|e| (e.first, e.end, e.kind)).collect();
            for (slot, only_person) in [(0, false), (1, true)] {
                let keep = |e: &&(usize, usize, EntityKind)| !only_person || e.2 == EntityKind::Person;
                let g: Vec<_> = gold.iter().filter(keep).collect();
                let p: Vec<_> = predicted.iter().filter(keep).collect();
                entity_counts[slot].0 += g.len();
                entity_counts[slot].1 += p.len();
                entity_counts[slot].2 += p.iter().filter(|e| g.contains(e)).count();
            }
        }
    }
    score.entities = has_ner.then_some(entity_counts);
    score
}
