//! Scoring the tokenizer (and the sentence splitter) against a corpus whose tokens carry
//! character offsets into raw article files: the PolNeAR CoreNLP annotation
//! (`Start=`/`End=` in MISC, `# newdoc id` naming `<id>.txt` in the articles folder).
//!
//! What is compared: the byte span of every predicted token with the byte span of every gold
//! token (the corpus counts characters as Python does; they are converted). A token counts as
//! matched when both ends agree; forms are not compared (they follow from the span).
//!
//! What is tokenised: each article's whole text (read as Python reads it, see
//! [`crate::read::decode_text`]). That is the fair unit: CoreNLP tokenised the whole text, the
//! gold tokens cover all of it, and the tokenizer reads context past the end of its range, so
//! tokenising the pipeline's sentences instead gives the same tokens wherever the sentences are
//! cut at white space. [`Stretch::PipelineSentences`] measures that variant too: it tokenises
//! exactly the sentences that `clean::layout` and `split::split` make, as the pipeline does
//! (it loses the few markup tags that run over a line break, which paragraphs cut).

use super::conllu::CorpusSentence;
use crate::{clean, read, split};
use anyhow::{bail, Context, Result};
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

/// Span counts: gold, predicted, and how many predicted spans are gold spans.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenizationScore {
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    /// Articles scored.
    pub articles: usize,
    /// Documents of the corpus whose article file was not found (skipped).
    pub missing: Vec<String>,
    /// Time spent in the tokenizer.
    pub seconds: f64,
}

impl TokenizationScore {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }
    pub fn f1(&self) -> f64 {
        if self.gold + self.predicted == 0 {
            return 1.0;
        }
        2.0 * self.matched as f64 / (self.gold + self.predicted) as f64
    }
    /// Spans (tokens, sentences) made per second, one thread.
    pub fn per_s(&self) -> f64 {
        self.predicted as f64 / self.seconds.max(1e-9)
    }
    /// `WHAT: articles=N gold=N predicted=N matched=N precision=X recall=X f1=X per_s=X`
    /// (`per_s`: spans made per second).
    pub fn line(&self, what: &str) -> String {
        format!(
            "{what}: articles={} gold={} predicted={} matched={} precision={:.5} recall={:.5} f1={:.5} per_s={:.0}",
            self.articles,
            self.gold,
            self.predicted,
            self.matched,
            self.precision(),
            self.recall(),
            self.f1(),
            self.per_s()
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// What each call of the tokenizer covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stretch {
    /// The whole article text at once.
    Article,
    /// Each sentence the pipeline makes (paragraphs from `clean::layout`, sentences from
    /// `split::split`); text outside them is not tokenised.
    PipelineSentences,
}

/// One article of the corpus: its text and its gold sentences as byte spans of tokens.
struct GoldArticle {
    text: String,
    sentences: Vec<Vec<(usize, usize)>>,
}

/// Groups the corpus by document, reads each article and converts the gold offsets to bytes.
/// Documents without an article file are listed in `missing`.
fn gold_articles(corpus: &[CorpusSentence], articles_dir: &Path, missing: &mut Vec<String>) -> Result<Vec<GoldArticle>> {
    if !articles_dir.is_dir() {
        bail!("articles folder {} not found", articles_dir.display());
    }
    let mut articles: Vec<GoldArticle> = Vec::new();
    let mut index = 0;
    while index < corpus.len() {
        let doc = &corpus[index].doc;
        let count = corpus[index..].iter().take_while(|s| &s.doc == doc).count();
        let sentences = &corpus[index..index + count];
        index += count;
        let path = articles_dir.join(format!("{doc}.txt"));
        let Ok(bytes) = std::fs::read(&path) else {
            missing.push(doc.clone());
            continue;
        };
        let text = read::decode_text(&bytes).map_err(anyhow::Error::msg).with_context(|| format!("cannot read {}", path.display()))?;
        // Character offset → byte offset.
        let mut bytes_at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes_at.push(text.len());
        let mut gold = Vec::with_capacity(sentences.len());
        for (n, sentence) in sentences.iter().enumerate() {
            let mut spans = Vec::with_capacity(sentence.words.len());
            for (w, word) in sentence.words.iter().enumerate() {
                let Some((start, end)) = word.span else {
                    bail!("{doc}: sentence {} word {} has no Start/End offsets", n + 1, w + 1);
                };
                match (bytes_at.get(start), bytes_at.get(end)) {
                    (Some(&s), Some(&e)) if s < e => spans.push((s, e)),
                    _ => bail!("{doc}: sentence {} word {} ({:?}): offsets {start}..{end} are outside {}", n + 1, w + 1, word.form, path.display()),
                }
            }
            gold.push(spans);
        }
        articles.push(GoldArticle { text, sentences: gold });
    }
    Ok(articles)
}

/// Tokenises every article of `corpus` found in `articles_dir` (whole texts) and compares the
/// token spans with the gold offsets.
pub fn tokenization_score(corpus: &[CorpusSentence], articles_dir: &Path) -> Result<TokenizationScore> {
    tokenization_score_with(corpus, articles_dir, Stretch::Article)
}

/// [`tokenization_score`] with a choice of what each tokenizer call covers.
pub fn tokenization_score_with(corpus: &[CorpusSentence], articles_dir: &Path, stretch: Stretch) -> Result<TokenizationScore> {
    let mut score = TokenizationScore::default();
    let articles = gold_articles(corpus, articles_dir, &mut score.missing)?;
    for article in &articles {
        let text = article.text.as_str();
        let ranges: Vec<(usize, usize)> = match stretch {
            Stretch::Article => vec![(0, text.len())],
            Stretch::PipelineSentences => pipeline_sentences(text).into_iter().map(|s| (s.start, s.end)).collect(),
        };
        let clock = Instant::now();
        let predicted: Vec<(usize, usize)> = ranges.iter().flat_map(|&(s, e)| super::tokenize(text, s, e)).map(|t| (t.start, t.end)).collect();
        score.seconds += clock.elapsed().as_secs_f64();
        let gold: HashSet<(usize, usize)> = article.sentences.iter().flatten().copied().collect();
        score.gold += gold.len();
        score.predicted += predicted.len();
        score.matched += predicted.iter().filter(|span| gold.contains(span)).count();
        score.articles += 1;
    }
    Ok(score)
}

/// The sentences the pipeline makes of an article.
fn pipeline_sentences(text: &str) -> Vec<split::Sentence> {
    clean::layout(text, false).iter().flat_map(|p| split::split(text, p.start, p.end)).collect()
}

/// Agreement of the pipeline's sentences (`clean::layout` + `split::split`) with the corpus
/// sentences: exact byte spans (a gold sentence runs from its first token's start to its last
/// token's end), counted like tokens.
pub fn sentence_score(corpus: &[CorpusSentence], articles_dir: &Path) -> Result<TokenizationScore> {
    let mut score = TokenizationScore::default();
    let articles = gold_articles(corpus, articles_dir, &mut score.missing)?;
    for article in &articles {
        let gold: HashSet<(usize, usize)> = article.sentences.iter().filter_map(|s| Some((s.first()?.0, s.last()?.1))).collect();
        let clock = Instant::now();
        let predicted = pipeline_sentences(&article.text);
        score.seconds += clock.elapsed().as_secs_f64();
        score.gold += gold.len();
        score.predicted += predicted.len();
        score.matched += predicted.iter().filter(|s| gold.contains(&(s.start, s.end))).count();
        score.articles += 1;
    }
    Ok(score)
}

#[cfg(test)]
mod tests {
    use super::super::conllu;
    use super::*;

    /// A two-article corpus in a temporary folder: one article present, one missing.
    fn corpus(dir: &Path) -> Vec<CorpusSentence> {
        std::fs::write(dir.join("a1.txt"), "He said “don’t.”\n\nU.S. talks").unwrap();
        let conllu = "# newdoc id = a1\n\
            1\tHe\the\t_\tPRP\t_\t2\tnsubj\t_\tStart=0|End=2|NER=O\n\
            2\tsaid\tsay\t_\tVBD\t_\t0\troot\t_\tStart=3|End=7|NER=O\n\
            3\t``\t``\t_\t``\t_\t2\tpunct\t_\tStart=8|End=9|NER=O\n\
            4\tdo\tdo\t_\tVBP\t_\t2\tccomp\t_\tStart=9|End=11|NER=O\n\
            5\tn't\tnot\t_\tRB\t_\t4\tneg\t_\tStart=11|End=14|NER=O\n\
            6\t.\t.\t_\t.\t_\t2\tpunct\t_\tStart=14|End=15|NER=O\n\
            7\t''\t''\t_\t''\t_\t2\tpunct\t_\tStart=15|End=16|NER=O\n\n\
            1\tU.S.\tU.S.\t_\tNNP\t_\t2\tcompound\t_\tStart=18|End=22|NER=LOCATION\n\
            2\ttalks\ttalk\t_\tNNS\t_\t0\troot\t_\tStart=23|End=28|NER=O\n\n\
            # newdoc id = gone\n\
            1\tHi\thi\t_\tUH\t_\t0\troot\t_\tStart=0|End=2|NER=O\n";
        conllu::parse(conllu.as_bytes()).unwrap()
    }

    #[test]
    fn scores_spans_with_character_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus(dir.path());
        let score = tokenization_score(&corpus, dir.path()).unwrap();
        assert_eq!((score.gold, score.predicted, score.matched, score.articles), (9, 9, 9, 1));
        assert_eq!(score.missing, vec!["gone".to_string()]);
        assert_eq!(score.f1(), 1.0);
        let sentences = sentence_score(&corpus, dir.path()).unwrap();
        assert_eq!((sentences.gold, sentences.predicted, sentences.matched), (2, 2, 2));
    }

    #[test]
    fn a_wrong_split_costs_precision_and_recall() {
        let dir = tempfile::tempdir().unwrap();
        let mut corpus = corpus(dir.path());
        // Make the gold say "don't" is one token: 2 gold tokens become 1.
        let words = &mut corpus[0].words;
        words[3].span = Some((9, 14));
        words.remove(4);
        let score = tokenization_score(&corpus, dir.path()).unwrap();
        assert_eq!((score.gold, score.predicted, score.matched), (8, 9, 7));
        assert!((score.precision() - 7.0 / 9.0).abs() < 1e-12 && (score.recall() - 7.0 / 8.0).abs() < 1e-12);
    }

    #[test]
    fn offsets_outside_the_text_are_an_error_naming_the_document() {
        let dir = tempfile::tempdir().unwrap();
        let mut corpus = corpus(dir.path());
        corpus[1].words[1].span = Some((23, 999));
        let err = tokenization_score(&corpus, dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("a1: sentence 2 word 2"), "{err:#}");
        assert!(tokenization_score(&corpus, &dir.path().join("nope")).is_err());
    }

    /// A split of the PolNeAR corpus (conllu and articles folder), if the shared data is here.
    fn polnear(split: &str) -> Option<(Vec<CorpusSentence>, std::path::PathBuf)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(split);
        if !dir.join("parses.conllu.gz").exists() {
            eprintln!("skipped: {} not found", dir.display());
            return None;
        }
        Some((conllu::read_file(&dir.join("parses.conllu.gz")).unwrap(), dir.join("articles")))
    }

    #[test]
    fn dev_tokenization_f1_is_at_least_0_99() {
        let Some((corpus, articles)) = polnear("polnear-dev") else { return };
        let score = tokenization_score(&corpus, &articles).unwrap();
        assert!(score.missing.is_empty() && score.articles > 80, "{score:?}");
        assert!(score.f1() >= 0.99, "{}", score.line("tokenization"));
        // The pipeline's sentences give the same tokens, bar the few sentences cut inside one.
        let by_sentence = tokenization_score_with(&corpus, &articles, Stretch::PipelineSentences).unwrap();
        assert!(by_sentence.f1() >= 0.99, "{}", by_sentence.line("tokenization"));
        println!("{}\n{} (pipeline sentences)", score.line("tokenization"), by_sentence.line("tokenization"));
    }
}
