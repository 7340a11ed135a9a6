//! Reading CoNLL-U corpora: the CoreNLP annotation shipped with PolNeAR (`parses.conllu.gz`,
//! with `Start=`/`End=`/`NER=` in MISC) and the Universal Dependencies treebanks (UD English EWT).
//! Used by training and by `eval syntax`; the run-time stages never read CoNLL-U.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// One word line of a CoNLL-U sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// FORM, with the corpus's own escapes (CoreNLP writes `-LRB-`, ``` `` ``` and `''`).
    pub form: String,
    /// XPOS: the Penn Treebank tag.
    pub tag: String,
    /// HEAD: 1-based index of the head word in the sentence, 0 for the root.
    pub head: usize,
    /// DEPREL.
    pub relation: String,
    /// The NER tag from MISC (`PERSON`, `O` …), if the corpus has one.
    pub ner: Option<String>,
    /// Character offsets into the article (`Start=` / `End=` in MISC), if the corpus has them.
    pub span: Option<(usize, usize)>,
}

/// A sentence of a corpus, with the document it belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorpusSentence {
    /// The `# newdoc id` in force (empty when the file has none).
    pub doc: String,
    pub words: Vec<Word>,
}

/// Reads every sentence of a CoNLL-U file (gzip-compressed when the name ends in `.gz`).
/// Multi-word token lines (`3-4`) and empty nodes (`8.1`) are skipped: the words are the units.
pub fn read_file(path: &Path) -> Result<Vec<CorpusSentence>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") { Box::new(flate2::read::MultiGzDecoder::new(file)) } else { Box::new(file) };
    parse(BufReader::new(reader)).with_context(|| format!("cannot read {}", path.display()))
}

/// Parses CoNLL-U text; errors name the line.
pub fn parse(reader: impl BufRead) -> Result<Vec<CorpusSentence>> {
    let mut sentences = Vec::new();
    let mut doc = String::new();
    let mut current: Vec<Word> = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("line {}", n + 1))?;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            if !current.is_empty() {
                sentences.push(CorpusSentence { doc: doc.clone(), words: std::mem::take(&mut current) });
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(id) = comment.trim_start().strip_prefix("newdoc id =") {
                doc = id.trim().to_string();
            }
            continue;
        }
        let word = parse_word(line).with_context(|| format!("line {}", n + 1))?;
        if let Some(word) = word {
            current.push(word);
        }
    }
    if !current.is_empty() {
        sentences.push(CorpusSentence { doc, words: current });
    }
    Ok(sentences)
}

fn parse_word(line: &str) -> Result<Option<Word>> {
    let columns: Vec<&str> = line.split('\t').collect();
    if columns.len() != 10 {
        bail!("expected 10 tab-separated columns, found {}", columns.len());
    }
    if columns[0].contains(['-', '.']) {
        return Ok(None);
    }
    let head = columns[6].parse().with_context(|| format!("HEAD {:?} is not a number", columns[6]))?;
    let (mut ner, mut start, mut end) = (None, None, None);
    for item in columns[9].split('|') {
        match item.split_once('=') {
            Some(("NER", v)) => ner = Some(v.to_string()),
            Some(("Start", v)) => start = v.parse().ok(),
            Some(("End", v)) => end = v.parse().ok(),
            _ => {}
        }
    }
    Ok(Some(Word {
        form: columns[1].to_string(),
        tag: columns[4].to_string(),
        head,
        relation: columns[7].to_string(),
        ner,
        span: start.zip(end),
    }))
}

/// Maps CoreNLP's Penn Treebank escapes in FORM back to the characters the text has, for words
/// read from other corpora (UD writes `(` where CoreNLP writes `-LRB-`). The models are trained
/// on escaped forms, and the tokenizer produces them, so this is used the other way round:
/// [`escape`] makes a raw form look like training data.
pub fn escape(form: &str) -> &str {
    match form {
        "(" => "-LRB-",
        ")" => "-RRB-",
        "[" => "-LSB-",
        "]" => "-RSB-",
        "{" => "-LCB-",
        "}" => "-RCB-",
        _ => form,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_corenlp_and_ud_lines() {
        let text = "# newdoc id = a1\n# sent_id = a1-1\n1\tHe\the\t_\tPRP\t_\t2\tnsubj\t_\tStart=0|End=2|NER=O\n2\tsaid\tsay\t_\tVBD\t_\t0\troot\t_\tStart=3|End=7|NER=O\n\n\
                    1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n1\tdo\tdo\tAUX\tVBP\t_\t0\troot\t0:root\t_\n2\tn't\tnot\tPART\tRB\t_\t1\tadvmod\t_\tSpaceAfter=No\n";
        let sentences = parse(text.as_bytes()).unwrap();
        assert_eq!(sentences.len(), 2);
        assert_eq!(sentences[0].doc, "a1");
        assert_eq!(sentences[0].words[1], Word { form: "said".into(), tag: "VBD".into(), head: 0, relation: "root".into(), ner: Some("O".into()), span: Some((3, 7)) });
        assert_eq!(sentences[1].words.len(), 2);
        assert_eq!(sentences[1].words[1].span, None);
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = parse("1\tHe\the\n".as_bytes()).unwrap_err();
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
    }
}
