//! Penn Treebank tokenization with byte offsets into the article text.
//!
//! (Provisional: splits at white space and punctuation only. To be replaced by the full
//! tokenizer that follows CoreNLP's PTBTokenizer conventions.)

/// A token: a byte range of the article text and its form in Penn Treebank conventions
/// (`-LRB-` for `(`, ``` `` ``` and `''` for opening and closing quote marks, `n't`, `--` for a
/// dash), the form the models were trained on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub form: String,
}

/// The tokens of `text[start..end]` (a sentence or a paragraph), in order.
pub fn tokenize(text: &str, start: usize, end: usize) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word_start = None;
    for (i, c) in text[start..end].char_indices() {
        let at = start + i;
        if c.is_alphanumeric() {
            word_start.get_or_insert(at);
            continue;
        }
        if let Some(s) = word_start.take() {
            tokens.push(Token { start: s, end: at, form: text[s..at].to_string() });
        }
        if !c.is_whitespace() {
            tokens.push(Token { start: at, end: at + c.len_utf8(), form: c.to_string() });
        }
    }
    if let Some(s) = word_start {
        tokens.push(Token { start: s, end, form: text[s..end].to_string() });
    }
    tokens
}
