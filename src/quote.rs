//! Stage 4: find direct quotations.
//!
//! Quote marks are paired per paragraph with a stack, so that quotes inside quotes stay part of
//! the outer quotation. Each mark is first classified by its neighbours: straight marks (`"`,
//! `'`) open after white space and close before it; curly marks carry their direction, but a
//! `’` between letters (`aren’t`) or after a word with no single quote open (`nations’`) is an
//! apostrophe, and a mirrored curly mark (`”Mr. Trump …`) is read by its position. A double
//! quote still open at the end of a paragraph continues when the next running paragraph opens
//! with a quote mark (the newspaper convention for multi-paragraph quotes); otherwise it runs
//! to the end of its paragraph. An unclosed single quote is taken for an apostrophe.

use crate::clean::{Paragraph, Role};

/// Which kind of mark a quotation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `"`, `“ ”`, `„`
    Double,
    /// `'`, `‘ ’`
    Single,
    /// `« »`
    Guillemet,
}

/// A quotation (or one paragraph's piece of a quotation that runs over several paragraphs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// Byte offset of the quoted words (after the opening mark).
    pub start: usize,
    /// Byte offset just past the quoted words (before the closing mark, or the paragraph end).
    pub end: usize,
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Byte offset just past the closing mark (equal to `end` when there is none).
    pub close: usize,
    /// Index of the paragraph that holds it.
    pub paragraph: usize,
    pub family: Family,
    /// The quotation goes on in the next paragraph.
    pub continues: bool,
    /// The quotation started in an earlier paragraph.
    pub continued: bool,
    /// A paragraph-long excerpt opened with a straight `"` that holds curly quotations of its
    /// own (a block quote of another article): its inner quotations are reported too, and its
    /// words are read as narrative for attribution.
    pub excerpt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open(Family),
    Close(Family),
    /// A straight mark that could open or close: decided by what is open.
    Either(Family),
    /// `’` or `'` after a word: closes an open single quote, else it is an apostrophe.
    CloseOrApostrophe,
}

fn is_open_context(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/' | '“' | '‘' | '"' | '\'' | '«' | '„' | ':'),
    }
}

fn is_close_context(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '—' | '–' | '-' | '”' | '’' | '"' | '\'' | '»' | '…'),
    }
}

/// Classifies the character `c` between `prev` and `next`; `None` when it is not a quote mark.
fn classify(prev: Option<char>, c: char, next: Option<char>) -> Option<Mark> {
    let prev_alnum = prev.is_some_and(char::is_alphanumeric);
    let next_alnum = next.is_some_and(char::is_alphanumeric);
    Some(match c {
        '“' | '„' | '‟' => {
            if !is_open_context(prev) && is_close_context(next) {
                Mark::Close(Family::Double)
            } else {
                Mark::Open(Family::Double)
            }
        }
        '”' => {
            if is_open_context(prev) && next_alnum {
                Mark::Open(Family::Double)
            } else {
                Mark::Close(Family::Double)
            }
        }
        '«' => Mark::Open(Family::Guillemet),
        '»' => Mark::Close(Family::Guillemet),
        '"' => match (is_open_context(prev), is_close_context(next)) {
            (true, false) => Mark::Open(Family::Double),
            (false, true) => Mark::Close(Family::Double),
            _ => Mark::Either(Family::Double),
        },
        '‘' | '‚' => {
            if prev_alnum || next.is_some_and(|n| n.is_ascii_digit()) {
                return None;
            }
            Mark::Open(Family::Single)
        }
        '’' | '\'' => {
            if prev_alnum && next_alnum {
                return None; // aren’t, Biden’s
            }
            if is_open_context(prev) && next_alnum {
                // ’90s, 'em, ’til are elisions; a straight ' here opens a quote.
                if c == '’' || next.is_some_and(|n| n.is_ascii_digit()) {
                    return None;
                }
                return Some(Mark::Open(Family::Single));
            }
            if prev.is_some() && !prev.is_some_and(char::is_whitespace) {
                Mark::CloseOrApostrophe
            } else {
                return None;
            }
        }
        _ => return None,
    })
}

fn is_quote_char(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '‘' | '‚' | '’' | '\'')
}

/// An open mark waiting for its close.
#[derive(Clone, Copy)]
struct Open {
    family: Family,
    at: usize,
    len: usize,
    /// A straight `"` or `'` rather than a curly or angle mark.
    straight: bool,
}

/// Finds the quotations of an article. Paragraphs of every role are searched (the attribution
/// stage decides what a headline or furniture quote may be given).
pub fn find_quotes(text: &str, paragraphs: &[Paragraph]) -> Vec<Quote> {
    let mut quotes: Vec<Quote> = Vec::new();
    let mut carried = false; // the last running paragraph left a quotation open
    for (index, p) in paragraphs.iter().enumerate() {
        let first_in_para = quotes.len();
        let (unclosed, nested) = scan_paragraph(text, p, index, &mut quotes);
        if let Some(open) = unclosed {
            let opens_next = next_body_opens_with(text, paragraphs, index, open);
            let words_left = text[open.at + open.len..p.end].split_whitespace().count();
            if p.role == Role::Body && (opens_next || open.at == p.start || words_left >= 3) {
                let excerpt = open.straight && open.at == p.start && !nested.is_empty();
                if excerpt {
                    quotes.extend(nested);
                }
                let q = Quote { start: open.at + open.len, end: p.end, open: open.at, close: p.end, paragraph: index, family: open.family, continues: opens_next, continued: false, excerpt };
                push_quote(text, &mut quotes, q);
            }
        }
        // Nested closes can push quotes out of order within the paragraph.
        quotes[first_in_para..].sort_by_key(|q| q.open);
        if p.role == Role::Furniture {
            continue;
        }
        if carried {
            if let Some(q) = quotes.get_mut(first_in_para).filter(|q| q.open == p.start) {
                q.continued = true;
            }
        }
        carried = quotes[first_in_para..].iter().any(|q| q.continues);
    }
    quotes
}

/// Whether the next running paragraph after `index` starts with an opening mark like `open`
/// (same family, and straight only after straight).
fn next_body_opens_with(text: &str, paragraphs: &[Paragraph], index: usize, open: Open) -> bool {
    let Some(next) = paragraphs[index + 1..].iter().find(|p| p.role != Role::Furniture) else { return false };
    let mut chars = text[next.start..next.end].chars();
    let (Some(first), second) = (chars.next(), chars.next()) else { return false };
    let straight = matches!(first, '"' | '\'');
    straight == open.straight && matches!(classify(None, first, second), Some(Mark::Open(f)) | Some(Mark::Either(f)) if f == open.family)
}

/// Pairs the marks of one paragraph, pushing closed top-level quotes; returns the outermost
/// mark left open at the paragraph end, if any, and the curly quotations found directly inside
/// a straight `"` that opens the paragraph (reported when that mark turns out to be unclosed).
fn scan_paragraph(text: &str, p: &Paragraph, index: usize, quotes: &mut Vec<Quote>) -> (Option<Open>, Vec<Quote>) {
    let para = &text[p.start..p.end];
    let last_single_close = last_single_close(para);
    let mut stack: Vec<Open> = Vec::new();
    let mut nested: Vec<Quote> = Vec::new();
    let mut prev: Option<char> = None;
    let mut iter = para.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        if !is_quote_char(c) {
            prev = Some(c);
            continue;
        }
        let at = p.start + i;
        let len = c.len_utf8();
        let mark = classify(prev, c, next);
        prev = Some(c);
        let Some(mark) = mark else { continue };
        let close_family = match mark {
            Mark::Open(family) => {
                // A single quote opens only if a mark that can close it follows (the first
                // character after it does not count: it cannot close what it touches).
                if family == Family::Single && last_single_close.is_none_or(|close| close <= i + len) {
                    continue;
                }
                stack.push(Open { family, at, len, straight: matches!(c, '"' | '\'') });
                continue;
            }
            Mark::Close(family) => family,
            Mark::Either(family) => {
                if stack.iter().any(|o| o.family == family) {
                    family
                } else {
                    stack.push(Open { family, at, len, straight: true });
                    continue;
                }
            }
            Mark::CloseOrApostrophe => Family::Single,
        };
        // Close the innermost open mark of this family; unclosed marks inside it are dropped.
        let Some(depth) = stack.iter().rposition(|o| o.family == close_family) else { continue };
        let open = stack[depth];
        stack.truncate(depth);
        let q = Quote { start: open.at + open.len, end: at, open: open.at, close: at + len, paragraph: index, family: open.family, continues: false, continued: false, excerpt: false };
        if depth == 0 {
            push_quote(text, quotes, q);
        } else if depth == 1 && stack[0].straight && stack[0].at == p.start && !open.straight && open.family == Family::Double {
            push_quote(text, &mut nested, q);
        }
    }
    // The outermost mark still open; an unclosed single quote is an apostrophe after all.
    (stack.into_iter().find(|o| o.family != Family::Single), nested)
}

/// Byte offset (in the paragraph) of the last `’`/`'` that can close a single quote. Found once
/// per paragraph, so that a paragraph of many unclosed `‘` costs linear time, not a rescan of the
/// rest of the paragraph for each one.
fn last_single_close(para: &str) -> Option<usize> {
    let mut last = None;
    let mut prev = None;
    let mut chars = para.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '’' | '\'') && matches!(classify(prev, c, chars.peek().map(|&(_, n)| n)), Some(Mark::CloseOrApostrophe)) {
            last = Some(i);
        }
        prev = Some(c);
    }
    last
}

/// Keeps a quote when it holds words (not just a stray mark or punctuation).
fn push_quote(text: &str, quotes: &mut Vec<Quote>, mut q: Quote) {
    let inner = &text[q.start..q.end];
    let lead = inner.len() - inner.trim_start().len();
    q.start += lead;
    q.end = q.start + inner.trim().len();
    if text[q.start..q.end].chars().any(char::is_alphanumeric) {
        quotes.push(q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::layout;

    fn quotes(text: &str) -> Vec<String> {
        let paragraphs = layout(text, true);
        find_quotes(text, &paragraphs).iter().map(|q| text[q.start..q.end].to_string()).collect()
    }

    #[test]
    fn apostrophe_inside_single_quote_is_not_a_closing_mark() {
        let text = "Also on ‘The Americans aren’t listening to us,’ Russia says as main Moscow talks between Biden’s envoy and Kremlin’s diplomats break down";
        assert_eq!(quotes(text), vec!["The Americans aren’t listening to us,"]);
    }

    #[test]
    fn possessives_and_elisions_are_not_quotes() {
        assert!(quotes("The nations’ bilateral relations improved in the ’90s, didn’t they.").is_empty());
        assert!(quotes("Trump is 6'3\" tall and weighs 236 pounds.").is_empty());
    }

    #[test]
    fn curly_and_straight_double_quotes_with_nesting() {
        let text = "\"That was the president essentially saying, 'Don't leave it on the field.'\" said Donna Brazile. She called it “a ‘wake-up’ call.”";
        assert_eq!(quotes(text), vec!["That was the president essentially saying, 'Don't leave it on the field.'", "a ‘wake-up’ call."]);
    }

    #[test]
    fn partial_quotes_in_a_sentence() {
        let text = "Nuland additionally described the assembly as “productive” and “useful,” as each side noticed.";
        assert_eq!(quotes(text), vec!["productive", "useful,"]);
    }

    #[test]
    fn open_quote_continues_into_next_paragraph() {
        let text = "\"PENCE: Well, look, Hillary Clinton thinks this is “Shark Tank.” But this is America.\n\n\"But the truth is that Donald Trump has a unique way of communicating.\n\nThe debate is tomorrow.";
        let paragraphs = layout(text, true);
        let found = find_quotes(text, &paragraphs);
        assert_eq!(found.len(), 3);
        assert!(found[0].continues && !found[0].continued);
        // The curly quote inside the straight-quoted excerpt is reported too.
        assert!(found[0].excerpt);
        assert_eq!(&text[found[1].start..found[1].end], "Shark Tank.");
        assert!(found[2].continued && !found[2].continues);
        assert_eq!(&text[found[2].start..found[2].end], "But the truth is that Donald Trump has a unique way of communicating.");
    }

    #[test]
    fn block_quote_excerpt_reports_its_inner_quotations() {
        let text = "\"Trump walked onto the stage, chanting “U-S-A! U-S-A!”\n\n“That’s right, Donald — USA, baby,” Melanie said.";
        let paragraphs = layout(text, true);
        let found = find_quotes(text, &paragraphs);
        let inner: Vec<&str> = found.iter().map(|q| &text[q.start..q.end]).collect();
        assert_eq!(inner, vec!["Trump walked onto the stage, chanting “U-S-A! U-S-A!”", "U-S-A! U-S-A!", "That’s right, Donald — USA, baby,"]);
        assert!(found[0].excerpt && !found[0].continues, "a curly quote does not continue a straight one");
    }

    #[test]
    fn mirrored_curly_opening_mark() {
        let text = "”Mr. Trump embodies the lasting legacy of racism. He represents our greatest shame.” ― Sonya Herridge";
        assert_eq!(quotes(text), vec!["Mr. Trump embodies the lasting legacy of racism. He represents our greatest shame."]);
    }
}
