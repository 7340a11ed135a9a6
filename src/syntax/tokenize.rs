//! Penn Treebank tokenization with byte offsets into the article text.
//!
//! The models are trained on the CoreNLP annotation of the PolNeAR articles, so the tokens must
//! be cut where CoreNLP's `PTBTokenizer` (the version that made the corpus, with `ptb3Escaping`)
//! cuts them, and carry the forms it wrote. The conventions, as they appear in the corpus:
//!
//! - clitics split off: `do`/`n't`, `ca`/`n't`, `Clinton`/`'s`, `we`/`'re`; `can`/`not`,
//!   `gon`/`na`; names with an inner apostrophe stay whole (`O'Malley`, `o'clock`);
//! - hyphenated words, slashed pairs, numbers with commas, decimals and colons stay whole
//!   (`81-year-old`, `U.S.-backed`, `R-N.Y.`, `Reuters/Ipsos`, `9/11`, `10,000`, `3.2`, `6:45`);
//! - abbreviations keep their period (`Mr.`, `Calif.`, `U.S.`, `p.m.`); when one ends a sentence
//!   (an uppercase word follows a state or company abbreviation, or a sentence-opening word such
//!   as `The` follows an acronym) the period is also a token of its own: `U.S.` over the text
//!   `U.S`, then `.`;
//! - quote marks are tokens: `` ` `` and `` `` `` open, `'` and `''` close (a straight `"`
//!   opens before a letter, digit or `$`), two curly marks together are one token (`'''`);
//! - `-LRB-` `-RRB-` `-LSB-` `-RSB-` `-LCB-` `-RCB-` for brackets, `--` for dashes, `...` for
//!   ellipses, `$` for `€`, `cents` for `¢`, `1/2` for `½`;
//! - URLs, e-mail addresses, `@names`, `#hashtags` and SGML tags (`<tweet id="1">`, inner
//!   spaces written as no-break spaces) are single tokens.
//!
//! Written as a single hand-made scanner rather than with regular expressions: it runs on every
//! sentence the pipeline analyses (over two million tokens a second), is linear in the input
//! (every look-ahead is bounded or consumed), and accepts any Unicode text without panicking.

use unicode_normalization::char::is_combining_mark;

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
///
/// Offsets are bytes of `text`. Tokens never leave `start..end`, but the text after `end` is
/// read as context (whether a period after `U.S.` ends a sentence depends on the next word), so
/// a sentence gives the same tokens as the article it is cut from. Offsets that are not on
/// character boundaries are moved to the next boundary inside the range.
pub fn tokenize(text: &str, start: usize, end: usize) -> Vec<Token> {
    let end = floor_boundary(text, end.min(text.len()));
    let start = ceil_boundary(text, start.min(end)).min(end);
    let mut lexer = Lexer { text, bytes: text.as_bytes(), end, out: Vec::with_capacity((end - start) / 5 + 1) };
    lexer.run(start);
    lexer.out
}

/// Characters that separate tokens and belong to none: white space, control characters and the
/// invisible format characters CoreNLP drops (zero-width space, byte-order mark, direction marks).
pub fn is_skipped(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Letters, digits, combining marks and the invisible characters that may sit inside a word
/// (soft hyphen, zero-width joiners).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || matches!(c, '\u{AD}' | '\u{200C}' | '\u{200D}' | '\u{2060}') || is_combining_mark(c)
}

fn is_letter(c: Option<char>) -> bool {
    c.is_some_and(|c| if c.is_ascii() { c.is_ascii_alphabetic() } else { c.is_alphabetic() || is_combining_mark(c) })
}

fn is_digit(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()))
}

/// Apostrophes and the marks that are written for one inside words (`’`, `‘`, `` ` ``, `´`).
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | '´' | '‛')
}

/// The apostrophes a clitic (`'s`, `’re`) starts with: not the opening marks (`Trump‘s` is a
/// quote mark in the corpus).
fn is_clitic_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '´')
}

/// Curly and typographic quote marks; two of them side by side make one token.
fn is_curly_quote(c: char) -> bool {
    matches!(c, '‘'..='‟' | '`' | '«' | '»' | '‹' | '›')
}

/// The Penn Treebank form of a quote mark. Straight marks take their side from `left`.
fn quote_form(c: char, left: bool) -> &'static str {
    match c {
        '"' if left => "``",
        '"' => "''",
        '\'' if left => "`",
        '\'' | '’' | '´' | '›' => "'",
        '‘' | '‚' | '‛' | '`' | '‹' => "`",
        '“' | '„' | '‟' | '«' => "``",
        '”' | '»' => "''",
        _ => "'",
    }
}

/// Abbreviations that are usually followed by a lower-case word or a number (`Nov. 8`,
/// `Calif.`, `Inc.`): before white space and an upper-case word they also end the sentence.
/// Compared without case, except the `CASED_SENTENCE_FINAL` ones that are also common words.
const SENTENCE_FINAL: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu",
    "thurs", "fri", "ala", "ariz", "calif", "colo", "conn", "ct", "dak", "fla", "ga", "ind", "kan", "kans", "ky", "md", "mich",
    "minn", "mo", "mont", "neb", "nev", "okla", "penn", "tenn", "va", "vt", "wis", "wisc", "wyo", "inc", "co", "cos", "corp",
    "pty", "ptys", "ltd", "plc", "rt", "bancorp", "bhd", "assn", "univ", "intl", "sys", "tel", "est", "ext", "sq", "jr", "sr",
    "bros", "ph.d", "ed.d", "esq", "etc", "al", "seq", "bldg",
];
const CASED_SENTENCE_FINAL: &[&str] = &["Az", "Ark", "Del", "Ill", "La", "Mass", "Miss", "Ore", "Pa", "Tex", "Wash"];

/// Abbreviations usually followed by a name (titles and the like): they never end a sentence.
/// Acronyms (`U.S.`) and single letters are abbreviations too, but end one before a word that
/// typically opens a sentence.
const BEFORE_NAMES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "drs", "prof", "profs", "sen", "sens", "rep", "reps", "atty", "attys", "lt", "col", "gen",
    "messrs", "gov", "govs", "adm", "rev", "maj", "sgt", "cpl", "pvt", "capt", "st", "ste", "ave", "pres", "lieut", "hon",
    "brig", "cmdr", "comdr", "pfc", "spc", "supt", "supts", "det", "mt", "ft", "amb", "mme", "mlle", "msgr", "invt",
    "elec", "natl", "mfg", "mtg", "dept", "blvd", "rd", "wm", "jos", "cie", "cf", "treas", "ph", "alex",
];

/// Abbreviations that are one only before a number (`No. 1`, `fig. 3`).
const BEFORE_NUMBERS: &[&str] = &["no", "nos", "ca", "fig", "figs", "prop", "art", "arts", "pp", "op", "vol", "vols", "sec", "sect", "approx"];

/// Abbreviations that never end a sentence.
const NEVER_FINAL: &[&str] = &["vs", "a.k.a"];

/// Words that open a sentence; after an acronym or a single letter (`U.S.`, `X.`) they mean the
/// period also ends one. Compared with an upper-case first letter, the rest without case. CoreNLP's
/// list; the corpus shows that its release did not have `There`, `On`, `By`, `Although`, `Under`,
/// `Most`, `Before` or `Mrs.` in it.
const SENTENCE_OPENERS: &[&str] = &[
    "A", "About", "According", "Additionally", "After", "All", "Also", "An", "Another", "As", "At", "Both", "But", "Did",
    "During", "Each", "Earlier", "Following", "For", "From", "He", "Her", "Here", "His", "How", "However", "If", "In", "It",
    "Its", "Last", "Later", "Many", "More", "Now", "Once", "One", "Other", "Our", "She", "Since", "So", "Some", "Such", "That",
    "The", "Their", "Then", "These", "They", "This", "Two", "Upon", "We", "When", "While", "What", "Who", "Why", "Yet", "You",
];

/// Contractions CoreNLP splits in two: the word and how many bytes the first part has.
const ASSIMILATIONS: &[(&str, usize)] = &[("cannot", 3), ("gonna", 3), ("gotta", 3), ("wanna", 3), ("lemme", 3), ("gimme", 3)];

/// The suffixes split off after an apostrophe (`'s`, `'re` …), compared without case.
const CLITICS: &[&str] = &["s", "m", "d", "re", "ve", "ll"];

/// Longest SGML tag recognised (bounds the look-ahead after `<`).
const MAX_TAG: usize = 4096;

enum Abbreviation {
    SentenceFinal,
    BeforeNames,
    BeforeNumbers,
    NeverFinal,
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Tokens end here at the latest; the text after it is only context.
    end: usize,
    out: Vec<Token>,
}

impl<'a> Lexer<'a> {
    /// The character at byte `i` of the text (context may lie beyond `end`).
    #[inline]
    fn char_at(&self, i: usize) -> Option<char> {
        match self.bytes.get(i) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.text[i..].chars().next(),
            None => None,
        }
    }

    /// The character at byte `i` if it lies inside the range being tokenised.
    #[inline]
    fn inside(&self, i: usize) -> Option<char> {
        if i < self.end {
            self.char_at(i)
        } else {
            None
        }
    }

    #[inline]
    fn byte(&self, i: usize) -> u8 {
        if i < self.end {
            self.bytes[i]
        } else {
            0
        }
    }

    fn push(&mut self, start: usize, end: usize, form: impl Into<String>) {
        debug_assert!(start < end && end <= self.end);
        self.out.push(Token { start, end, form: form.into() });
    }

    /// Pushes `start..end` with the form its text has, apostrophes and soft hyphens normalised.
    fn push_text(&mut self, start: usize, end: usize) {
        let form = word_form(&self.text[start..end]);
        self.push(start, end, form);
    }

    fn run(&mut self, mut pos: usize) {
        while pos < self.end {
            let c = self.char_at(pos).unwrap_or(' ');
            if is_skipped(c) {
                pos += c.len_utf8();
                continue;
            }
            let next = self.token(pos, c);
            debug_assert!(next > pos);
            pos = next;
        }
    }

    /// Lexes the token(s) starting at `pos` (a character `c` that is not skipped) and returns
    /// the position after them. Every rule tiles `pos..returned` with tokens.
    fn token(&mut self, pos: usize, c: char) -> usize {
        let one = pos + c.len_utf8();
        match c {
            'h' | 'H' | 'f' | 'F' | 'w' | 'W' => {
                if let Some(end) = self.url(pos, true) {
                    self.push(pos, end, &self.text[pos..end]);
                    return end;
                }
                self.word(pos)
            }
            '"' => {
                let left = self.inside(one).is_some_and(|n| is_word_char(n) || n == '$');
                self.push(pos, one, quote_form('"', left));
                one
            }
            '\'' | '’' | '‘' | '`' | '´' | '‚' | '‛' | '“' | '”' | '„' | '‟' | '«' | '»' | '‹' | '›' => self.quote(pos, c),
            '(' => self.single(pos, one, "-LRB-"),
            ')' => self.single(pos, one, "-RRB-"),
            '[' => self.single(pos, one, "-LSB-"),
            ']' => self.single(pos, one, "-RSB-"),
            '{' => self.single(pos, one, "-LCB-"),
            '}' => self.single(pos, one, "-RCB-"),
            '—' | '–' | '―' | '\u{2E3A}' | '\u{2E3B}' => self.single(pos, one, "--"),
            '-' | '+' | '−' if is_digit(self.inside(one)) => {
                let end = self.number(one);
                self.push_text(pos, end);
                end
            }
            '-' => {
                let end = self.run_of(pos, b'-');
                let form = if end - pos == 1 { "-" } else if end - pos <= 4 { "--" } else { &self.text[pos..end] };
                self.push(pos, end, form);
                end
            }
            '.' => self.period(pos),
            ',' | ':' if is_digit(self.inside(one)) => {
                let end = self.number(one);
                self.push(pos, end, &self.text[pos..end]);
                end
            }
            '?' | '!' => {
                let mut end = one;
                while matches!(self.byte(end), b'?' | b'!') {
                    end += 1;
                }
                self.push(pos, end, &self.text[pos..end]);
                end
            }
            '*' | '=' | '_' => {
                let end = self.run_of(pos, c as u8);
                self.push(pos, end, &self.text[pos..end]);
                end
            }
            '@' | '#' | '＠' | '＃' if self.inside(one).is_some_and(|n| n.is_alphabetic() || n == '_') => {
                let mut end = one;
                while let Some(n) = self.inside(end).filter(|&n| is_word_char(n) || n == '_') {
                    end += n.len_utf8();
                }
                self.push(pos, end, &self.text[pos..end]);
                end
            }
            '<' => {
                if let Some(end) = self.sgml(pos) {
                    let form: String = self.text[pos..end].chars().map(|ch| if matches!(ch, ' ' | '\n' | '\r') { '\u{A0}' } else { ch }).collect();
                    self.push(pos, end, form);
                    return end;
                }
                self.single(pos, one, "<")
            }
            '&' if self.text[pos..self.end].starts_with("&amp;") => self.single(pos, pos + 5, "&"),
            '…' => self.single(pos, one, "..."),
            '¢' => self.single(pos, one, "cents"),
            '£' => self.single(pos, one, "#"),
            '€' | '¥' | '₠' => self.single(pos, one, "$"),
            '½' => self.single(pos, one, "1/2"),
            '¼' => self.single(pos, one, "1/4"),
            '¾' => self.single(pos, one, "3/4"),
            '⅓' => self.single(pos, one, "1/3"),
            '⅔' => self.single(pos, one, "2/3"),
            _ if is_word_char(c) => self.word(pos),
            _ => {
                self.push(pos, one, &self.text[pos..one]);
                one
            }
        }
    }

    fn single(&mut self, start: usize, end: usize, form: &str) -> usize {
        self.push(start, end, form);
        end
    }

    /// The end of the run of byte `b` (an ASCII character) starting at `pos`.
    fn run_of(&self, pos: usize, b: u8) -> usize {
        let mut end = pos;
        while self.byte(end) == b {
            end += 1;
        }
        end
    }

    /// A number from `pos`: digits, with `.`, `,` or `:` between groups of digits.
    fn number(&self, pos: usize) -> usize {
        let mut end = pos;
        loop {
            while is_digit(self.inside(end)) {
                end += self.char_at(end).map_or(1, char::len_utf8);
            }
            if matches!(self.byte(end), b'.' | b',' | b':') && is_digit(self.inside(end + 1)) {
                end += 1;
                continue;
            }
            return end;
        }
    }

    /// A period, an ellipsis (`...`, `. . .`) or a number that starts with its decimal point.
    fn period(&mut self, pos: usize) -> usize {
        if is_digit(self.inside(pos + 1)) {
            let end = self.number(pos + 1);
            self.push(pos, end, &self.text[pos..end]);
            return end;
        }
        let dots = self.run_of(pos, b'.');
        if dots - pos >= 3 {
            return self.single(pos, dots, "...");
        }
        // Spaced dots: ". . ." (a fourth dot is a period of its own).
        if self.byte(pos + 1) == b' ' && self.byte(pos + 2) == b'.' && self.byte(pos + 3) == b' ' && self.byte(pos + 4) == b'.' {
            return self.single(pos, pos + 5, "...");
        }
        self.single(pos, pos + 1, ".")
    }

    /// Quote marks and apostrophes that start a token: a clitic (`'s`), a shortened year or word
    /// (`'90s`, `'cause`), or a quote mark (one straight, or up to two curly marks together).
    fn quote(&mut self, pos: usize, c: char) -> usize {
        let one = pos + c.len_utf8();
        if is_clitic_apostrophe(c) {
            if let Some(end) = self.clitic(one) {
                let form = word_form(&self.text[pos..end]);
                self.push(pos, end, form);
                return end;
            }
        }
        if matches!(c, '\'' | '’' | '´') {
            // '90s; '08 before white space (but '12. is a quote mark and a number).
            if self.byte(one).is_ascii_digit() && self.byte(one + 1).is_ascii_digit() {
                let decade = self.byte(one) != b'0' && self.byte(one + 1) == b'0' && self.byte(one + 2) == b's' && !is_letter(self.inside(one + 3));
                if decade {
                    self.push_text(pos, one + 3);
                    return one + 3;
                }
                if self.char_at(one + 2).is_none_or(char::is_whitespace) {
                    // Written as it stands (’08), as CoreNLP did.
                    self.push(pos, one + 2, &self.text[pos..one + 2]);
                    return one + 2;
                }
            }
            for word in ["cause", "til", "till", "em", "tis", "twas", "n"] {
                let end = one + word.len();
                if end <= self.end && self.text.get(one..end).is_some_and(|w| w.eq_ignore_ascii_case(word)) && !is_letter(self.inside(end)) {
                    // 'n' (rock 'n' roll) keeps its closing apostrophe.
                    let end = if word == "n" && self.inside(end).is_some_and(is_apostrophe) { end + self.char_at(end).map_or(1, char::len_utf8) } else { end };
                    self.push_text(pos, end);
                    return end;
                }
            }
        }
        if c == '\'' {
            if self.byte(one) == b'\'' {
                return self.single(pos, one + 1, "''");
            }
            // Opening before a word of two letters or more ('Flesh; but 'I and 'A close).
            let next = self.inside(one);
            let after = self.char_at(one + next.map_or(0, char::len_utf8));
            let left = is_letter(next) && after.is_some_and(|a| !a.is_whitespace());
            return self.single(pos, one, quote_form('\'', left));
        }
        if c == '`' && self.byte(one) == b'`' {
            return self.single(pos, one + 1, "``");
        }
        let mut form = String::from(quote_form(c, false));
        let mut end = one;
        if let Some(second) = self.inside(one).filter(|&n| is_curly_quote(n)) {
            form.push_str(quote_form(second, false));
            end += second.len_utf8();
        }
        self.push(pos, end, form);
        end
    }

    /// After an apostrophe at `pos - 1`: the end of a clitic (`s`, `re` …) that starts at `pos`
    /// and is not the beginning of a longer word.
    fn clitic(&self, pos: usize) -> Option<usize> {
        for clitic in CLITICS {
            let end = pos + clitic.len();
            if end <= self.end && self.bytes[pos..end].eq_ignore_ascii_case(clitic.as_bytes()) && !is_letter(self.inside(end)) {
                return Some(end);
            }
        }
        None
    }

    /// A URL starting at `pos`: `http://…`, `https://…`, `ftp://…`, `www.…`, or a host name in
    /// `.com`, `.org`, `.net` or `.edu` followed by a path. Ends before white space, brackets
    /// and `"<>|`, and not on a trailing punctuation mark. With `scheme_only`, only the forms
    /// with a scheme or `www.` (the check made at every word start).
    fn url(&self, pos: usize, scheme_only: bool) -> Option<usize> {
        let rest = &self.bytes[pos..self.end];
        let scheme = ["http://", "https://", "ftp://", "www."].iter().find(|s| rest.len() > s.len() && rest[..s.len()].eq_ignore_ascii_case(s.as_bytes()));
        let path_from = match scheme {
            Some(s) => pos + s.len(),
            None if scheme_only => return None,
            None => {
                // host.com/path: only when a slash follows the host name.
                let mut i = pos;
                while i < self.end && (self.bytes[i].is_ascii_alphanumeric() || matches!(self.bytes[i], b'.' | b'-')) {
                    i += 1;
                }
                let host = &self.text[pos..i];
                let tld = host.rsplit('.').next().unwrap_or("");
                if self.byte(i) != b'/' || !host.contains('.') || !["com", "org", "net", "edu"].contains(&tld) {
                    return None;
                }
                i
            }
        };
        let mut end = path_from;
        while let Some(c) = self.inside(end) {
            if c.is_whitespace() || matches!(c, '"' | '<' | '>' | '|' | '(' | ')' | '{' | '}' | '\u{A0}') {
                break;
            }
            end += c.len_utf8();
        }
        while end > path_from && matches!(self.bytes[end - 1], b'.' | b'!' | b'?' | b',' | b';' | b':' | b'-' | b'\'') {
            end -= 1;
        }
        (end > path_from + 1).then_some(end)
    }

    /// An SGML/HTML tag at `pos` (`<tweet id="1">`, `</a>`, `<br/>`, `<!-- … -->`), if one is there.
    fn sgml(&self, pos: usize) -> Option<usize> {
        let limit = self.end.min(pos + MAX_TAG);
        let b = |i: usize| if i < limit { self.bytes[i] } else { 0 };
        let mut i = pos + 1;
        if matches!(b(i), b'!' | b'?') {
            while i < limit && !matches!(b(i), b'>' | b'\n' | b'\r' | b'<') {
                i += 1;
            }
            return (b(i) == b'>').then_some(i + 1);
        }
        let name = |mut i: usize| {
            if !b(i).is_ascii_alphabetic() {
                return None;
            }
            while b(i).is_ascii_alphanumeric() || matches!(b(i), b'_' | b':' | b'.' | b'-') {
                i += 1;
            }
            Some(i)
        };
        if b(i) == b'/' {
            i = name(i + 1)?;
        } else {
            i = name(i)?;
            loop {
                let before = i;
                while b(i) == b' ' {
                    i += 1;
                }
                if i == before {
                    break;
                }
                let Some(after_name) = name(i) else { break };
                i = after_name;
                let mut j = i;
                while b(j) == b' ' {
                    j += 1;
                }
                if b(j) != b'=' {
                    continue;
                }
                j += 1;
                while b(j) == b' ' {
                    j += 1;
                }
                match b(j) {
                    q @ (b'"' | b'\'') => {
                        // Values may hold anything but another tag, which bounds the work
                        // done for a `<` that opens no tag.
                        j += 1;
                        while j < limit && b(j) != q && b(j) != b'<' {
                            j += 1;
                        }
                        if b(j) != q {
                            return None;
                        }
                        i = j + 1;
                    }
                    _ => i = name(j)?,
                }
            }
            if b(i) == b'/' {
                i += 1;
            }
        }
        while b(i) == b' ' {
            i += 1;
        }
        (b(i) == b'>').then_some(i + 1)
    }

    /// After the `@` of an e-mail address (at `at`): the end of the host name. CoreNLP's
    /// pattern was permissive (a host without a dot, a trailing comma), and the corpus follows it.
    fn email_host(&self, at: usize) -> Option<usize> {
        let excluded = |c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '|' | '(' | ')' | '{' | '}');
        // Host names are short: bounding them keeps the scanner linear.
        let limit = self.end.min(at + 256);
        let mut end = at + 1;
        let mut last_good = None;
        while end < limit {
            let Some(c) = self.char_at(end) else { break };
            if excluded(c) {
                break;
            }
            if c != '.' {
                last_good = Some(end + c.len_utf8());
            } else if !self.inside(end + 1).is_some_and(|n| n != '.' && !excluded(n)) {
                break;
            }
            end += c.len_utf8();
        }
        last_good.filter(|&e| e <= self.end)
    }

    /// A word, a number, an abbreviation, a hyphenated compound … starting at `pos` (a letter,
    /// digit or combining mark): finds where it ends, then splits off clitics and decides
    /// whether a final period belongs to it.
    fn word(&mut self, pos: usize) -> usize {
        let first = self.char_at(pos).unwrap_or(' ');
        let letter_start = !first.is_numeric();
        // Digits only so far; `separated` once a `.`, `,` or `:` joined two groups (3.2, 6:00),
        // after which letters start a new token (6:00AM, 2.5million).
        let mut number = !letter_start;
        let mut separated = false;
        let mut i = pos;
        let mut hyphens = 0;
        let mut slashes = 0;
        // Only letters, digits and hyphens so far, and no digit after a hyphen: slashes may join
        // such words (and/or, 9/11, Reuters/Ipsos, but post-9 / 11).
        let mut plain = true;
        // Only ASCII capitals so far (AT&T, US$).
        let mut capitals = true;
        loop {
            loop {
                // ASCII first: most words are nothing else.
                let b = self.byte(i);
                if b.is_ascii_alphanumeric() {
                    if separated && !b.is_ascii_digit() {
                        break;
                    }
                    capitals &= b.is_ascii_uppercase();
                    if !b.is_ascii_digit() {
                        number = false;
                    } else if hyphens > 0 {
                        plain = false;
                    }
                    i += 1;
                    continue;
                }
                if b < 0x80 {
                    break;
                }
                let Some(c) = self.inside(i) else { break };
                if !is_word_char(c) || (separated && !c.is_numeric()) {
                    break;
                }
                if !c.is_ascii_uppercase() {
                    capitals = false;
                }
                if !c.is_numeric() {
                    number = false;
                } else if hyphens > 0 {
                    plain = false;
                }
                i += c.len_utf8();
            }
            let Some(x) = self.inside(i) else { break };
            let after = i + x.len_utf8();
            let y = self.inside(after);
            let prev = self.text[..i].chars().next_back();
            match x {
                '-' | '\u{2010}' | '\u{2011}' if y.is_some_and(is_word_char) && !(separated && self.text[pos..i].contains(':')) => {
                    hyphens += 1;
                    capitals = false;
                    separated = false;
                    number = false;
                }
                '.' | ',' | ':' if number && is_digit(prev) && is_digit(y) => {
                    plain = false;
                    separated = true;
                }
                // Decimals in a compound's later part: 1.5-2.5
                '.' if hyphens > 0 && is_digit(prev) && is_digit(y) => {
                    plain = false;
                    separated = true;
                }
                '.' if letter_start && hyphens == 0 && is_letter(y) => {
                    plain = false;
                    capitals = false;
                }
                // U.S.-backed, D.C.-based: a first part with a period before the hyphen.
                '.' if hyphens == 0 && y == Some('-') && self.inside(after + 1).is_some_and(is_word_char) => {
                    i = after + 1;
                    hyphens += 1;
                    plain = false;
                    continue;
                }
                '/' if y.is_some_and(is_word_char) && (plain && slashes < 2 || self.text[pos..i].contains('.')) => {
                    // pic.twitter.com/x is a URL; and/or, 9/11, Reuters/Ipsos are words.
                    if let Some(end) = self.url(pos, false) {
                        self.push(pos, end, &self.text[pos..end]);
                        return end;
                    }
                    if !plain {
                        break;
                    }
                    slashes += 1;
                }
                '&' if capitals && y.is_some_and(|y| y.is_ascii_uppercase()) => {
                    // AT&T, Q&A: capitals on both sides; BMS&Kalso is BMS&K + also.
                    let mut j = after;
                    while self.byte(j).is_ascii_uppercase() {
                        j += 1;
                    }
                    i = j;
                    if self.inside(j).is_some_and(is_word_char) {
                        break;
                    }
                    continue;
                }
                '_' if y.is_some_and(is_word_char) => {
                    plain = false;
                }
                // name@host.com; also before.@name, as CoreNLP had it.
                '@' | '.' if (x == '@' || y == Some('@')) && first.is_ascii_alphanumeric() => {
                    let at = if x == '@' { i } else { after };
                    match self.email_host(at) {
                        Some(end) if end > at + 1 => {
                            self.push(pos, end, &self.text[pos..end]);
                            return end;
                        }
                        _ => break,
                    }
                }
                '!' | '?' if letter_start && hyphens == 0 && slashes == 0 && is_letter(y) => {
                    plain = false;
                }
                // Yahoo!, E!
                '!' if matches!(&self.text[pos..i], "Yahoo" | "E" | "Jeopardy") => {
                    i = after;
                    break;
                }
                // pro- and anti-abortion
                '-' if y.is_some_and(char::is_whitespace) && (self.text[pos..i].eq_ignore_ascii_case("pro") || self.text[pos..i].eq_ignore_ascii_case("anti")) => {
                    i = after;
                    break;
                }
                '$' if capitals && i - pos <= 3 => {
                    i = after;
                    break;
                }
                c if is_apostrophe(c) => match self.apostrophe(pos, i, prev, y, hyphens > 0) {
                    Apostrophe::Inside => {}
                    Apostrophe::Stop => break,
                    Apostrophe::Done(end) => return end,
                },
                _ => break,
            }
            i = after;
        }
        if hyphens > 0 && self.byte(i) == b'.' {
            // R-S.C, R-N.H: CoreNLP takes these for file names (.c, .h) and leaves the period.
            if let Some(end) = self.file_extension(i) {
                self.push_text(pos, end);
                return end;
            }
            // A compound's last part may be an acronym with its period: R-N.Y., Mexico-U.S.
            let part = self.text[..i].rfind(['-', '\u{2010}', '\u{2011}']).map_or(pos, |h| h + self.char_at(h).map_or(1, char::len_utf8));
            if let Some(end) = self.acronym_from(part) {
                if end - part > 2 {
                    self.push_text(pos, end);
                    return end;
                }
            }
        }
        self.finish_word(pos, i)
    }

    /// `[A-Za-z](.[A-Za-z])+.` from `pos`: the end after its final period.
    fn acronym_from(&self, pos: usize) -> Option<usize> {
        let mut j = pos;
        if !self.byte(j).is_ascii_alphabetic() {
            return None;
        }
        j += 1;
        while self.byte(j) == b'.' && self.byte(j + 1).is_ascii_alphabetic() {
            j += 2;
        }
        (self.byte(j) == b'.' && j > pos + 1 && !self.inside(j + 1).is_some_and(is_word_char)).then_some(j + 1)
    }

    /// At a period `dot`: `.ext` for a file-name extension CoreNLP knows, followed by white space,
    /// the end or `.?!,"'<`; the end of the extension.
    fn file_extension(&self, dot: usize) -> Option<usize> {
        const EXTENSIONS: &[&str] = &[
            "3gp", "avi", "bat", "bmp", "bz2", "c", "class", "cgi", "cpp", "dll", "doc", "docx", "exe", "flv", "gif", "gz", "h", "htm",
            "html", "jar", "java", "jpeg", "jpg", "mov", "mp3", "mp4", "mpg", "mpeg", "o", "pdf", "php", "pl", "png", "ppt", "ps", "py",
            "sql", "tar", "txt", "wav", "x", "xml", "zip", "wma", "wmv",
        ];
        let mut j = dot + 1;
        while self.byte(j).is_ascii_alphanumeric() {
            j += 1;
        }
        let ext = &self.bytes[dot + 1..j];
        if ext.is_empty() || ext.len() > 5 || !EXTENSIONS.iter().any(|e| e.as_bytes().eq_ignore_ascii_case(ext)) {
            return None;
        }
        let follows = self.char_at(j).is_none_or(|c| c.is_whitespace() || matches!(c, '.' | '?' | '!' | ',' | '"' | '\'' | '<'));
        (follows && !self.inside(j).is_some_and(|c| !c.is_ascii() && is_word_char(c))).then_some(j)
    }

    /// An apostrophe at `i` inside the word that started at `pos`: splits off `n't` or a clitic,
    /// keeps a name's inner apostrophe (`O'Malley`, `Saba'ee`), or stops the word.
    fn apostrophe(&mut self, pos: usize, i: usize, prev: Option<char>, y: Option<char>, compound: bool) -> Apostrophe {
        let after = i + self.char_at(i).map_or(1, char::len_utf8);
        // do|n't, ca|n't, n't
        if matches!(prev, Some('n' | 'N')) && matches!(y, Some('t' | 'T')) && !is_letter(self.inside(after + 1)) {
            let n = i - 1;
            if n > pos {
                self.push_text(pos, n);
            }
            self.push_text(n, after + 1);
            return Apostrophe::Done(after + 1);
        }
        if is_clitic_apostrophe(self.char_at(i).unwrap_or(' ')) && self.clitic(after).is_some() {
            return Apostrophe::Stop;
        }
        // Inner apostrophes: not in a hyphenated compound (As-Saba'ee is As-Saba + ' + ee).
        if is_letter(y) && !compound {
            let body = &self.text[pos..i];
            // d'Avignon, O'Malley, L'Osservatore; C'mon (a capital, then two letters or more).
            let single = body.len() == 1
                && (matches!(body, "d" | "D" | "o" | "O" | "l" | "L")
                    || (body.as_bytes()[0].is_ascii_uppercase() && !matches!(body, "I" | "Y") && is_letter(self.inside(after + y.map_or(0, char::len_utf8)))));
            let vowels = matches!(prev, Some('a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'A' | 'E' | 'I' | 'O' | 'U' | 'Y')) && y.is_some_and(|y| matches!(y, 'a' | 'e' | 'i' | 'o' | 'u') || y.is_ascii_uppercase());
            if single || vowels {
                return Apostrophe::Inside;
            }
        }
        Apostrophe::Stop
    }

    /// Emits the word `pos..i` (no clitic left in it) and decides about a period right after it.
    fn finish_word(&mut self, pos: usize, i: usize) -> usize {
        let body = &self.text[pos..i];
        if let Some(&(word, cut)) = ASSIMILATIONS.iter().find(|(w, _)| body.eq_ignore_ascii_case(w)) {
            debug_assert_eq!(word.len(), body.len());
            self.push_text(pos, pos + cut);
            self.push_text(pos + cut, i);
            return i;
        }
        if self.byte(i) != b'.' {
            self.push_text(pos, i);
            return i;
        }
        let dot = i + 1;
        let with_dot = || format!("{}.", word_form(body));
        match abbreviation(body) {
            Some(Abbreviation::NeverFinal) => {
                let form = with_dot();
                self.push(pos, dot, form);
                dot
            }
            Some(Abbreviation::BeforeNumbers) => {
                let mut j = dot;
                if self.byte(j) == b' ' {
                    j += 1;
                }
                if self.bytes.get(j).is_some_and(u8::is_ascii_digit) {
                    let form = with_dot();
                    self.push(pos, dot, form);
                    dot
                } else {
                    self.push_text(pos, i);
                    i
                }
            }
            Some(kind @ (Abbreviation::SentenceFinal | Abbreviation::BeforeNames)) => {
                let ends = self.opener_follows(dot) || (matches!(kind, Abbreviation::SentenceFinal) && self.upper_follows(dot));
                if !ends {
                    let form = with_dot();
                    self.push(pos, dot, form);
                    return dot;
                }
                // The abbreviation, then the period that ends the sentence; a single letter
                // ("K.") gives the letter alone.
                if body.chars().nth(1).is_none() {
                    self.push_text(pos, i);
                } else {
                    let form = with_dot();
                    self.push(pos, i, form);
                }
                self.push(i, dot, ".");
                dot
            }
            None => {
                // "I-Vt.," "etc.;": a period before a comma, semicolon or colon stays in the word.
                if letter_start(body) && matches!(self.byte(dot), b',' | b';' | b':') {
                    let form = with_dot();
                    self.push(pos, dot, form);
                    return dot;
                }
                self.push_text(pos, i);
                i
            }
        }
    }

    /// After an abbreviation's period at `dot`: white space, then a word that typically opens a
    /// sentence, then white space or `?`/`!`.
    fn opener_follows(&self, dot: usize) -> bool {
        let mut j = dot;
        while self.char_at(j).is_some_and(|c| c.is_whitespace()) {
            j += self.char_at(j).map_or(1, char::len_utf8);
        }
        if j == dot {
            return false;
        }
        let Some(rest) = self.text.get(j..) else { return false };
        if rest.starts_with("<") {
            return self.sgml_anywhere(j);
        }
        let word_end = rest.bytes().position(|b| !b.is_ascii_alphabetic()).unwrap_or(rest.len());
        let word = &rest[..word_end];
        let after = rest[word_end..].chars().next();
        let opener = |w: &str| w.len() == word.len() && w.as_bytes()[0] == word.as_bytes()[0] && w.eq_ignore_ascii_case(word);
        if !word.is_empty() && SENTENCE_OPENERS.iter().any(|w| opener(w)) && after.is_none_or(|a| a.is_whitespace() || a == '?' || a == '!') {
            return true;
        }
        // Mr. and Ms. open a sentence too.
        matches!(word, "Mr" | "Ms" | "MR" | "MS") && after == Some('.') && rest[word_end + 1..].chars().next().is_none_or(char::is_whitespace)
    }

    /// After an abbreviation's period at `dot`: white space, then white space, an upper-case
    /// letter or a tag; or the end of the text.
    fn upper_follows(&self, dot: usize) -> bool {
        let Some(first) = self.char_at(dot) else { return true };
        let Some(second) = self.char_at(dot + first.len_utf8()) else { return true };
        first.is_whitespace() && (second.is_whitespace() || second.is_uppercase() || (second == '<' && self.sgml_anywhere(dot + first.len_utf8())))
    }

    /// Whether an SGML tag starts at `pos`, looking past the tokenised range.
    fn sgml_anywhere(&self, pos: usize) -> bool {
        let lexer = Lexer { text: self.text, bytes: self.bytes, end: self.text.len(), out: Vec::new() };
        lexer.sgml(pos).is_some()
    }
}

enum Apostrophe {
    /// The apostrophe belongs to the word; go on.
    Inside,
    /// The word ends before the apostrophe.
    Stop,
    /// Tokens were emitted up to this position.
    Done(usize),
}

fn letter_start(word: &str) -> bool {
    word.chars().next().is_some_and(|c| !c.is_numeric())
}

/// `U.S`, `p.m`, `K`: ASCII letters with single periods between them.
fn is_acronym(word: &str) -> bool {
    let b = word.as_bytes();
    !b.is_empty() && b.iter().enumerate().all(|(k, c)| if k % 2 == 0 { c.is_ascii_alphabetic() } else { *c == b'.' }) && b.len() % 2 == 1
}

/// What kind of abbreviation `word` (without its final period) is, if any.
fn abbreviation(word: &str) -> Option<Abbreviation> {
    if word.len() > 8 {
        return None;
    }
    let mut buf = [0u8; 8];
    let lower = &mut buf[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    let lower = std::str::from_utf8(lower).ok()?;
    if NEVER_FINAL.contains(&lower) {
        Some(Abbreviation::NeverFinal)
    } else if BEFORE_NAMES.contains(&lower) || is_acronym(word) {
        Some(Abbreviation::BeforeNames)
    } else if SENTENCE_FINAL.contains(&lower) || CASED_SENTENCE_FINAL.iter().any(|w| w.len() == word.len() && w.as_bytes()[0] == word.as_bytes()[0] && w.eq_ignore_ascii_case(word)) {
        Some(Abbreviation::SentenceFinal)
    } else if BEFORE_NUMBERS.contains(&lower) {
        Some(Abbreviation::BeforeNumbers)
    } else {
        None
    }
}

/// The form of a word-like token: its text with typographic apostrophes as `'` (`` ` `` for an
/// opening one) and soft hyphens removed.
fn word_form(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut form = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '’' | '´' => form.push('\''),
            '‘' | '‛' => form.push('`'),
            '\u{AD}' => {}
            _ => form.push(c),
        }
    }
    if form.is_empty() {
        // A lone soft hyphen: keep something to stand for it.
        form.push('-');
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forms of the tokens of `text`, joined by spaces.
    fn forms(text: &str) -> String {
        tokenize(text, 0, text.len()).into_iter().map(|t| t.form).collect::<Vec<_>>().join(" ")
    }

    /// The text each token covers, joined by `|`.
    fn pieces(text: &str) -> String {
        tokenize(text, 0, text.len()).into_iter().map(|t| &text[t.start..t.end]).collect::<Vec<_>>().join("|")
    }

    // Sentences below are from the PolNeAR articles; the expected tokens are CoreNLP's there.

    #[test]
    fn negations_and_clitics_split() {
        assert_eq!(forms("an election that we can’t afford to lose.”"), "an election that we ca n't afford to lose . ''");
        assert_eq!(forms("And if you don’t like it, what’re you gonna do about it—tell us to go to hell?"), "And if you do n't like it , what 're you gon na do about it -- tell us to go to hell ?");
        assert_eq!(forms("“I cannot understand that."), "`` I can not understand that .");
        assert_eq!(forms("The New York Post reports that Hillary Clinton's team avoided"), "The New York Post reports that Hillary Clinton 's team avoided");
        assert_eq!(forms("I’m getting off 'Lyin' Ted's' Cruz ship"), "I 'm getting off ` Lyin ' Ted 's ' Cruz ship");
        // A possessive apostrophe alone, and a left quote mark used as one, are quote marks.
        assert_eq!(forms("the voters’ anger at Donald Trump‘s remarks"), "the voters ' anger at Donald Trump ` s remarks");
    }

    #[test]
    fn inner_apostrophes_keep_names_whole() {
        assert_eq!(forms("Martin O’Malley and Dinesh D’Souza at 10 o’clock"), "Martin O'Malley and Dinesh D'Souza at 10 o'clock");
        assert_eq!(forms("Ghassan Abu-Laban and Reem Saba’ee."), "Ghassan Abu-Laban and Reem Saba'ee .");
        assert_eq!(forms("the ’90s, what he did in ’08 and ’12. He’s"), "the '90s , what he did in ’08 and ' 12 . He 's");
    }

    #[test]
    fn abbreviations_keep_their_period() {
        assert_eq!(forms("WASHINGTON — Sen. Bernie Sanders (I-Vt.) defended his call"), "WASHINGTON -- Sen. Bernie Sanders -LRB- I-Vt . -RRB- defended his call");
        assert_eq!(forms("toward Sen. Bernie Sanders, I-Vt., a self-described Democratic socialist"), "toward Sen. Bernie Sanders , I-Vt. , a self-described Democratic socialist");
        assert_eq!(forms("Justice Ginsburg of the U.S. Supreme Court has embarrassed all"), "Justice Ginsburg of the U.S. Supreme Court has embarrassed all");
        assert_eq!(forms("Reps. Chris Collins (R-N.Y.) and Duncan Hunter (R-Calif.) on Wednesday"), "Reps. Chris Collins -LRB- R-N.Y. -RRB- and Duncan Hunter -LRB- R-Calif . -RRB- on Wednesday");
        assert_eq!(forms("on Nov. 8, as Donald J. Trump said"), "on Nov. 8 , as Donald J. Trump said");
    }

    #[test]
    fn a_sentence_final_abbreviation_also_gives_a_period() {
        // A state abbreviation before an upper-case word: `Calif.` over "Calif", then `.`.
        let text = "in a mass shooting in San Bernardino, Calif. The Islamic State said";
        assert_eq!(forms(text), "in a mass shooting in San Bernardino , Calif. . The Islamic State said");
        assert_eq!(pieces(text), "in|a|mass|shooting|in|San|Bernardino|,|Calif|.|The|Islamic|State|said");
        // An acronym before a word that opens sentences, but not before a name.
        assert_eq!(pieces("talks with the U.S. The next round"), "talks|with|the|U.S|.|The|next|round");
        assert_eq!(pieces("talks with the U.S. Trump said"), "talks|with|the|U.S.|Trump|said");
        assert_eq!(pieces("4:45 p.m.\n\nThe nonpartisan"), "4:45|p.m|.|The|nonpartisan");
        assert_eq!(pieces("1:05 p.m.\n\nOn a snowy final day"), "1:05|p.m.|On|a|snowy|final|day");
        // `No.` is an abbreviation only before a number.
        assert_eq!(forms("No. 1 seed. No. Just no."), "No. 1 seed . No . Just no .");
    }

    #[test]
    fn quote_marks_are_tokens() {
        assert_eq!(forms("in order to \"keep the details of her medical treatment under wraps.\""), "in order to `` keep the details of her medical treatment under wraps . ''");
        // A straight mark opens only before a letter, digit or `$`.
        assert_eq!(forms("“Of course,” she said. ''We finally may be seeing some wage acceleration,'' the economist"), "`` Of course , '' she said . '' We finally may be seeing some wage acceleration , '' the economist");
        assert_eq!(forms("punishment for a crime.’”"), "punishment for a crime . '''");
        assert_eq!(forms("—\"‘Hamilton’ to play Chicago"), "-- '' ` Hamilton ' to play Chicago");
        assert_eq!(forms("—\"'Flesh and Bone' star refused"), "-- '' ` Flesh and Bone ' star refused");
    }

    #[test]
    fn brackets_dashes_and_ellipses() {
        assert_eq!(forms("He (Petraeus) … stated [sic] {x}"), "He -LRB- Petraeus -RRB- ... stated -LSB- sic -RSB- -LCB- x -RCB-");
        assert_eq!(forms("combat. . . . If you're walking --- or not – ever ― again - so"), "combat ... . If you 're walking -- or not -- ever -- again - so");
        assert_eq!(forms("What does Ford know about it...."), "What does Ford know about it ...");
    }

    #[test]
    fn numbers_stay_whole() {
        assert_eq!(forms("about 10,000 more than 3.2 percent at 6:45 and 18,432.24"), "about 10,000 more than 3.2 percent at 6:45 and 18,432.24");
        assert_eq!(forms("By 58%-33%, those surveyed"), "By 58 % -33 % , those surveyed");
        assert_eq!(forms("to recite 2 Timothy 3:1-5 from the Bible"), "to recite 2 Timothy 3:1 -5 from the Bible");
        assert_eq!(forms("$846.8million at 6:00AM on 9/11, 24/7"), "$ 846.8 million at 6:00 AM on 9/11 , 24/7");
    }

    #[test]
    fn hyphens_and_slashes_keep_words_whole() {
        assert_eq!(forms("81-year-old Parker Eaton, U.S.-backed South Vietnam, a 3,000-word e-mail"), "81-year-old Parker Eaton , U.S.-backed South Vietnam , a 3,000-word e-mail");
        assert_eq!(forms("an NBC News/Wall Street Journal poll, and/or pro- and anti-abortion"), "an NBC News/Wall Street Journal poll , and/or pro- and anti-abortion");
        assert_eq!(forms("Sen. Lindsey Graham (R-S.C.) said"), "Sen. Lindsey Graham -LRB- R-S.C . -RRB- said");
        assert_eq!(forms("according to ouest-france.fr. They were"), "according to ouest-france . fr . They were");
    }

    #[test]
    fn urls_emails_names_and_tags() {
        assert_eq!(pieces("Reach him directly at awrhawkins@breitbart.com."), "Reach|him|directly|at|awrhawkins@breitbart.com|.");
        assert_eq!(pieces("full results: http://politi.co/1oGcEFv.\n\n2016 delegate"), "full|results|:|http://politi.co/1oGcEFv|.|2016|delegate");
        assert_eq!(pieces("speech https://t.co/wX4LsVFCNN pic.twitter.com/PaA39tXPcg<tweet/>."), "speech|https://t.co/wX4LsVFCNN|pic.twitter.com/PaA39tXPcg|<tweet/>|.");
        assert_eq!(pieces("on Twitter: @AWRHawkins #FeelTheBern"), "on|Twitter|:|@AWRHawkins|#FeelTheBern");
        let text = "<tweet tweet-author=\"@FoxBusiness\" tweet-date=\"January 20, 2016\">Watch</tweet>";
        assert_eq!(forms(text), "<tweet\u{a0}tweet-author=\"@FoxBusiness\"\u{a0}tweet-date=\"January\u{a0}20,\u{a0}2016\"> Watch </tweet>");
        assert_eq!(forms("x < y and <a href=”https://storify.com/x"), "x < y and < a href = '' https://storify.com/x");
    }

    #[test]
    fn currency_and_symbols() {
        assert_eq!(forms("STAT OF THE WEEK: $43 million, US$5, €20, 5¢ and ½ of it"), "STAT OF THE WEEK : $ 43 million , US$ 5 , $ 20 , 5 cents and 1/2 of it");
        assert_eq!(forms("AT&T and Q&A & more ___ ***"), "AT&T and Q&A & more ___ ***");
    }

    #[test]
    fn offsets_are_bytes_of_the_whole_text() {
        let text = "Intro.\n\n“Donald Trump’s campaign,” she said.";
        let start = text.find('“').unwrap();
        let tokens = tokenize(text, start, text.len());
        let got: Vec<(&str, &str)> = tokens.iter().map(|t| (&text[t.start..t.end], t.form.as_str())).collect();
        assert_eq!(got, vec![("“", "``"), ("Donald", "Donald"), ("Trump", "Trump"), ("’s", "'s"), ("campaign", "campaign"), (",", ","), ("”", "''"), ("she", "she"), ("said", "said"), (".", ".")]);
        assert_eq!(tokens[0].start, start);
        // A range that cuts a word, and ranges off character boundaries or out of the text.
        assert_eq!(tokenize("Hillary", 0, 4).iter().map(|t| t.form.as_str()).collect::<Vec<_>>(), vec!["Hill"]);
        assert_eq!(tokenize("“x”", 1, 6).iter().map(|t| t.form.as_str()).collect::<Vec<_>>(), vec!["x"]);
        assert!(tokenize("abc", 2, 1).is_empty() && tokenize("abc", 7, 9).is_empty() && tokenize("", 0, 0).is_empty());
    }

    #[test]
    fn a_sentence_gives_the_tokens_the_article_gives() {
        let text = "He lives in the U.S.\n\nThe rest. Talks with Mr. Putin’s aides… resumed (in Geneva).";
        let whole = tokenize(text, 0, text.len());
        let cut = text.find("The rest").unwrap();
        let mut parts = tokenize(text, 0, cut - 2);
        parts.extend(tokenize(text, cut, text.len()));
        assert_eq!(parts, whole);
        assert_eq!(pieces(text).split('|').take(6).collect::<Vec<_>>(), vec!["He", "lives", "in", "the", "U.S", "."]);
    }

    #[test]
    fn long_sentences_are_fine() {
        // Over 5,000 tokens in one range, built from a real sentence.
        let sentence = "Sen. Bernie Sanders (I-Vt.) said “we can’t afford 3,000-word e-mails from the U.S. — or awrhawkins@breitbart.com.” ";
        let text = sentence.repeat(250);
        let tokens = tokenize(&text, 0, text.len());
        assert_eq!(tokens.len(), 250 * tokenize(sentence, 0, sentence.len()).len());
        assert!(tokens.len() > 5000);
        assert!(tokens.windows(2).all(|w| w[0].end <= w[1].start));
        // Runs that every rule looks ahead over: long words, dots, spaces, tags never closed.
        for piece in ["a", ".", " ", "<a b=\"", "-", "’", "@", "http://x", "U.S.", "1,", "'"] {
            let text = piece.repeat(20_000);
            let tokens = tokenize(&text, 0, text.len());
            assert!(tokens.iter().all(|t| t.start < t.end && t.end <= text.len()));
        }
    }
}

/// Property tests: any text and any range give well-formed tokens, and never a panic.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// The characters the rules react to, to reach them far more often than random text does.
    const TRICKY: &[char] = &[
        'a', 'n', 't', 's', 'U', 'S', 'M', 'r', 'x', '1', '0', '.', ',', ':', ';', '-', '/', '\'', '’', '‘', '"', '“', '”', '`',
        '@', '#', '$', '&', '<', '>', '=', '(', ')', '[', '!', '?', '_', '*', ' ', '\n', '\u{a0}', '\u{ad}', '\u{200b}',
        '\u{301}', '—', '…', '½', '€', 'é', 'ß', 'İ', 'Ж', '中', '٣', '🙂', '\u{200d}', '\u{85}', '\u{0}',
    ];

    fn tricky_text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(TRICKY), 0..300).prop_map(|cs| cs.into_iter().collect())
    }

    /// Checks the invariants of `tokenize(text, start, end)`.
    fn check(text: &str, start: usize, end: usize) -> Result<(), TestCaseError> {
        let tokens = tokenize(text, start, end);
        let end = end.min(text.len());
        let mut covered = vec![false; text.len()];
        let mut last = 0;
        for t in &tokens {
            prop_assert!(t.start < t.end, "empty token {t:?}");
            prop_assert!(t.start >= start && t.end <= end, "{t:?} outside {start}..{end}");
            prop_assert!(t.start >= last, "{t:?} overlaps the previous token");
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end), "{t:?} off a character boundary");
            prop_assert!(!t.form.is_empty());
            covered[t.start..t.end].iter_mut().for_each(|c| *c = true);
            last = t.end;
        }
        if start <= end {
            for (i, c) in text[..end].char_indices().filter(|&(i, _)| i >= start) {
                prop_assert!(covered[i] || is_skipped(c), "{c:?} at {i} is in no token: {tokens:?}");
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_text_gives_well_formed_tokens(text in any::<String>()) {
            check(&text, 0, text.len())?;
        }

        #[test]
        fn tricky_text_gives_well_formed_tokens(text in tricky_text()) {
            check(&text, 0, text.len())?;
        }

        #[test]
        fn any_range_gives_well_formed_tokens(text in tricky_text(), a in 0usize..1300, b in 0usize..1300) {
            // Ranges may be reversed, off character boundaries or past the end.
            let tokens = tokenize(&text, a, b);
            let (start, end) = (a.min(text.len()), b.min(text.len()));
            if start >= end {
                prop_assert!(tokens.is_empty());
            } else {
                let mut s = start;
                while !text.is_char_boundary(s) { s += 1; }
                let mut e = end;
                while !text.is_char_boundary(e) { e -= 1; }
                check(&text, s, e)?;
                prop_assert_eq!(&tokens, &tokenize(&text, s, e));
            }
        }
    }
}
