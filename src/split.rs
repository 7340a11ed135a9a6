//! Stage 3: split paragraphs into sentences, with byte offsets into the article text.
//!
//! A sentence ends at `.`, `!`, `?` or `…` (with any closing quote marks or brackets after it)
//! followed by white space and a capital letter, digit or opening mark. Abbreviations do not end
//! sentences: titles (`Dr.`, `Mr.`, `Gen.`), months (`Nov.`), initials (`Donald J. Trump`).
//! Abbreviations that can also close a sentence (`U.S.`, `Inc.`, `a.m.`) end one only when the
//! next word is one that typically starts a sentence (`The`, `He`, `But` …). `No.` is an
//! abbreviation only before a number (`No. 2`), and nothing inside a markup tag
//! (`<tweet text="… do. The …">`) ends a sentence.
//!
//! Written by hand rather than taken from a crate: the Unicode (UAX #29) sentence rules split
//! after `Dr.` and `U.S.` before capitals, and the abbreviation-aware segmenters on crates.io are
//! either unmaintained or far slower than this single pass, which runs on every paragraph.

/// A sentence as a byte range of the article text (trimmed of white space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

/// Abbreviations that never end a sentence (compared lower-case, without the period).
const NEVER_FINAL: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "gens", "sen", "sens", "rep", "reps", "gov", "govs", "del", "lt", "col", "capt",
    "cmdr", "adm", "sgt", "cpl", "maj", "st", "rev", "hon", "pres", "amb", "supt", "insp", "fr", "mt", "ft", "vs", "v", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g",
    "i.e", "cf", "approx", "est", "fig", "vol", "pp", "art", "para", "ch", "sec", "dept", "univ", "assn", "bros",
];

/// Abbreviations only before a number (`No. 2`, `Nos. 3 and 4`); elsewhere a word like any other.
const BEFORE_NUMBERS: &[&str] = &["no", "nos"];

/// Longest markup tag looked for after a `<` (bounds the look-ahead).
const MAX_TAG: usize = 4096;

/// Abbreviations that may end a sentence; they do when the next word usually starts one.
const MAYBE_FINAL: &[&str] = &["inc", "corp", "co", "ltd", "llc", "jr", "sr", "etc", "a.m", "p.m", "u.s", "u.k", "u.n", "d.c", "e.u"];

/// Words that usually open a sentence, used after an ambiguous abbreviation.
const SENTENCE_OPENERS: &[&str] = &[
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "But", "And", "Or", "So", "Yet", "In", "On",
    "At", "As", "For", "If", "When", "While", "After", "Before", "This", "That", "These", "Those", "There",
    "His", "Her", "Its", "Their", "Our", "My", "Meanwhile", "However", "Still", "Now", "Then", "Some", "Many",
    "Most", "One", "Both", "Neither", "No", "Not", "What", "Why", "How", "Who", "Asked", "According",
];

/// Splits the byte range `start..end` of `text` (one paragraph) into sentences.
pub fn split(text: &str, start: usize, end: usize) -> Vec<Sentence> {
    let para = &text[start..end];
    let mut sentences = Vec::new();
    let mut sentence_start = 0;
    let bytes = para.as_bytes();
    let mut chars = para.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '<' {
            // Skip a markup tag whole: its attribute values may hold whole sentences.
            if let Some(close) = tag_end(para, i) {
                while chars.peek().is_some_and(|&(j, _)| j < close) {
                    chars.next();
                }
            }
            continue;
        }
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Take the whole run of terminal punctuation and closing marks: `?!`, `."`, `.”)`.
        let mut boundary = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if matches!(next, '.' | '!' | '?' | '…' | '"' | '”' | '’' | '\'' | ')' | ']' | '»') {
                boundary = j + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        // White space, then a sentence opener.
        let rest = &para[boundary..];
        let after_space = rest.trim_start();
        if after_space.len() == rest.len() || after_space.is_empty() {
            continue;
        }
        let next_char = after_space.chars().next().unwrap();
        let opens = next_char.is_uppercase() || next_char.is_ascii_digit() || matches!(next_char, '"' | '“' | '‘' | '\'' | '(' | '[' | '«' | '—' | '-');
        if !opens {
            continue;
        }
        if c == '.' && !period_ends_sentence(para, bytes, i, after_space) {
            continue;
        }
        push(&mut sentences, para, start, sentence_start, boundary);
        sentence_start = boundary;
    }
    push(&mut sentences, para, start, sentence_start, para.len());
    sentences
}

/// If a markup tag (`<tweet id="1">`, `</a>`) starts at byte `lt` of `para`, the byte after
/// its `>`. A `<` before anything but a letter or `/` (`x < 3`) is no tag.
fn tag_end(para: &str, lt: usize) -> Option<usize> {
    let rest = &para.as_bytes()[lt + 1..];
    let first = *rest.first()?;
    if !(first.is_ascii_alphabetic() || first == b'/' || first == b'!') {
        return None;
    }
    let mut quote = None;
    for (k, &b) in rest.iter().enumerate().take(MAX_TAG) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return Some(lt + 2 + k),
            // Tags do not nest: another `<` means this one opened none.
            (_, b'<') => return None,
            _ => {}
        }
    }
    None
}

fn push(out: &mut Vec<Sentence>, para: &str, offset: usize, from: usize, to: usize) {
    let piece = &para[from..to];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        out.push(Sentence { start: offset + from + lead, end: offset + from + lead + trimmed.len() });
    }
}

/// Decides whether the period at byte `dot` ends a sentence, given the text after it.
fn period_ends_sentence(para: &str, bytes: &[u8], dot: usize, after_space: &str) -> bool {
    // The word before the period, with inner periods kept ("U.S", "a.m").
    let word_start = para[..dot].rfind(|ch: char| ch.is_whitespace() || matches!(ch, '(' | '"' | '“' | '‘' | '—')).map_or(0, |k| k + para[k..].chars().next().unwrap().len_utf8());
    let word = &para[word_start..dot];
    if word.is_empty() {
        return true;
    }
    // "..." handled as an ellipsis: ends the sentence before a capital.
    if dot > 0 && bytes[dot - 1] == b'.' {
        return true;
    }
    // A quote mark may open the sentence the title starts: ”Mr., «Dr.
    let word = word.trim_start_matches(['"', '”', '“', '’', '‘', '\'', '«', '»', '„']);
    let lower = word.to_lowercase();
    let lower = lower.trim_start_matches(['(', '[']);
    if NEVER_FINAL.contains(&lower) {
        return false;
    }
    if BEFORE_NUMBERS.contains(&lower) {
        return !after_space.starts_with(|ch: char| ch.is_ascii_digit());
    }
    // Single capital letter: an initial ("Donald J. Trump").
    let mut letters = word.chars();
    if let (Some(first), None) = (letters.next(), letters.next()) {
        if first.is_uppercase() {
            return false;
        }
    }
    let ambiguous = MAYBE_FINAL.contains(&lower) || (word.contains('.') && word.len() <= 6 && word.chars().all(|ch| ch.is_alphabetic() || ch == '.'));
    if ambiguous {
        let next_word: &str = after_space.split(|ch: char| !ch.is_alphanumeric()).next().unwrap_or("");
        return SENTENCE_OPENERS.contains(&next_word);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text, 0, text.len()).into_iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_do_not_split() {
        let text = "Dr. Smith met U.S. officials on Nov. 8 in Washington, D.C. with Donald J. Trump. He said no.";
        assert_eq!(sentences(text), vec!["Dr. Smith met U.S. officials on Nov. 8 in Washington, D.C. with Donald J. Trump.", "He said no."]);
    }

    #[test]
    fn ambiguous_abbreviation_at_sentence_end() {
        let text = "The talks were held in the U.S. The next round is in Geneva.";
        assert_eq!(sentences(text).len(), 2);
    }

    #[test]
    fn sentence_ends_after_closing_quote_and_offsets_are_exact() {
        let text = "Intro. Addressing a press briefing, he said that relations are \"still far from normal.\" Nebenzia stated that things have moved.";
        let s = split(text, 0, text.len());
        assert_eq!(s.len(), 3);
        assert_eq!(&text[s[1].start..s[1].end], "Addressing a press briefing, he said that relations are \"still far from normal.\"");
    }

    #[test]
    fn comma_inside_quote_does_not_split() {
        let text = "“Of course, no one expected that some enchanting event would happen,” she mentioned. According to Zakharova, Victoria Nuland “has no authority.”";
        assert_eq!(sentences(text).len(), 2);
    }

    #[test]
    fn no_is_an_abbreviation_only_before_a_number() {
        let text = "He was ranked No. 2 in the polls. Asked if he would quit, he said no. He stayed.";
        assert_eq!(sentences(text), vec!["He was ranked No. 2 in the polls.", "Asked if he would quit, he said no.", "He stayed."]);
        assert_eq!(sentences("Is it the death knell? No. But it is harmful."), vec!["Is it the death knell?", "No.", "But it is harmful."]);
    }

    #[test]
    fn titles_after_a_quote_mark_do_not_split() {
        // Some sources open quotes with a closing mark.
        let text = "”Mr. Lavrov said so,” she wrote. He agreed with ”Dr. Smith.”";
        assert_eq!(sentences(text), vec!["”Mr. Lavrov said so,” she wrote.", "He agreed with ”Dr. Smith.”"]);
    }

    #[test]
    fn markup_tags_do_not_split() {
        // From a PolNeAR article: a tweet's text inside an attribute value.
        let text = "<tweet tweet-author=\" that in an apples-to-apples comparison, youth do. The statement is accurate\" tweet-date=\"so we rate it Mostly True.\">It is. We agree.";
        assert_eq!(sentences(text).len(), 2);
        assert_eq!(sentences(text)[1], "We agree.");
        assert_eq!(sentences("If x < 3. Then y > 2."), vec!["If x < 3.", "Then y > 2."]);
    }

    #[test]
    fn offsets_inside_a_larger_text() {
        let text = "Headline\n\nFirst one. Second one.";
        let s = split(text, 10, text.len());
        assert_eq!(s, vec![Sentence { start: 10, end: 20 }, Sentence { start: 21, end: 32 }]);
    }
}
