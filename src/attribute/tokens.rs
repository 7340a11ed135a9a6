//! Word tokens of an article, with byte offsets, the sentence each belongs to, and whether it
//! sits inside a quotation (words inside quotes are the speaker's, never the narrator's cues).

use crate::quote::Quote;
use crate::split::Sentence;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters and digits, with inner `'`, `’`, `-`, `.` (`aren’t`, `Thomas-Greenfield`, `U.S.`),
    /// and the period of an abbreviation or initial (`Mr.`, `J.`).
    Word,
    /// A quotation mark.
    Mark,
    /// Any other character that is not white space.
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Index of the sentence (in the article's sentence list).
    pub sentence: usize,
    /// Inside a quotation (between its marks).
    pub in_quote: bool,
}

/// Abbreviations that keep their period as part of the word.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "St", "Jr", "Sr", "Prof", "Rev", "Capt",
    "Sgt", "Adm", "Gens", "Sens", "Reps", "Messrs", "Del", "Govs", "Jan", "Feb", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec", "No",
    "vs", "Inc", "Corp", "Co", "Ltd", "Ft", "Mt",
];

fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '‘' | '‚' | '’' | '\'')
}

/// Tokenises the sentences of an article. Tokens come in text order.
pub fn tokenize(text: &str, sentences: &[Sentence], quotes: &[Quote]) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut quote_index = 0;
    for (sentence_index, sentence) in sentences.iter().enumerate() {
        let s = &text[sentence.start..sentence.end];
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_whitespace() {
                continue;
            }
            let start = sentence.start + i;
            let (end, kind) = if c.is_alphanumeric() {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    let joiner = matches!(d, '\'' | '’' | '-' | '.' | '&') && s[j + d.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric);
                    if !(d.is_alphanumeric() || joiner) {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                // Keep the period of abbreviations and initials.
                if s[end..].starts_with('.') {
                    let word = &s[i..end];
                    let single_capital = word.chars().count() == 1 && c.is_uppercase();
                    if single_capital || word.contains('.') || ABBREVIATIONS.contains(&word) {
                        end += 1;
                        chars.next();
                    }
                }
                (sentence.start + end, TokenKind::Word)
            } else if is_quote_mark(c) {
                (start + c.len_utf8(), TokenKind::Mark)
            } else {
                (start + c.len_utf8(), TokenKind::Punct)
            };
            while quote_index < quotes.len() && quotes[quote_index].close <= start {
                quote_index += 1;
            }
            let in_quote = quotes[quote_index..].iter().take_while(|q| q.open < end).any(|q| !q.excerpt && start >= q.start && end <= q.end);
            tokens.push(Token { start, end, kind, sentence: sentence_index, in_quote });
        }
    }
    tokens
}

impl Token {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    /// Starts with a capital letter.
    pub fn is_capitalised(&self, text: &str) -> bool {
        self.kind == TokenKind::Word && text[self.start..self.end].chars().next().is_some_and(char::is_uppercase)
    }

    pub fn is_punct(&self, text: &str, c: char) -> bool {
        self.kind == TokenKind::Punct && text[self.start..self.end].starts_with(c)
    }
}

/// Splits a possessive ending off a word: `Biden’s` → (`Biden`, true).
pub fn strip_possessive(word: &str) -> (&str, bool) {
    for suffix in ["’s", "'s", "’S", "'S"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if !stem.is_empty() {
                return (stem, true);
            }
        }
    }
    (word, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_marks_and_abbreviations() {
        let text = "Mr. Trump’s aide, Donald J. Trump, said “it aren’t U.S. policy.”";
        let sentences = [Sentence { start: 0, end: text.len() }];
        let tokens = tokenize(text, &sentences, &[]);
        let words: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
        assert_eq!(words, vec!["Mr.", "Trump’s", "aide", ",", "Donald", "J.", "Trump", ",", "said", "“", "it", "aren’t", "U.S.", "policy", ".", "”"]);
        assert_eq!(tokens[9].kind, TokenKind::Mark);
        assert_eq!(strip_possessive("Trump’s"), ("Trump", true));
    }
}
