//! One article through the text stages: clean → split → quote → attribute, into CSV rows.

use crate::attribute::{ArticleSentence, Attribution, Attributor, SpeakerChooser};
use crate::syntax::{ParsedSentence, Syntax};
use crate::clean::{self, Paragraph, Role};
use crate::date;
use crate::quote::{find_quotes, Quote};
use crate::read::Article;
use crate::record::{QuoteKind, QuoteRow};
use crate::roster::Roster;
use crate::split;

/// What the text stages need besides the article: the roster, and the learned models where
/// they were loaded (without them, tokens and speakers come from the hand-written rules alone).
#[derive(Clone, Copy)]
pub struct Models<'a> {
    pub roster: &'a Roster,
    pub syntax: Option<&'a Syntax>,
    pub speaker: Option<&'a SpeakerChooser>,
}

/// Finds, attributes and describes every quotation of one article with the rules alone.
pub fn analyze(article: &Article, roster: &Roster) -> Vec<QuoteRow> {
    analyze_with(article, Models { roster, syntax: None, speaker: None })
}

/// Longer "sentences" are not parsed: they are lists, tables or text the splitter could not cut
/// (news sentences stay far below this), and a tree of thousands of tokens is worth little to
/// attribution for what it costs. Attribution runs on them without trees.
pub const MAX_PARSED_SENTENCE_BYTES: usize = 5_000;

/// The sentences the syntax stage parses: those that hold a quote, and the one before each
/// (where a fifth of the speakers are named), less those with no word outside quotation marks
/// (the inner sentences of a long quote): the ranker reads the trees of its candidates'
/// sentences, and a candidate is a mention outside the quote, so such trees would go unread.
/// The sentence after is not parsed: chosen on dev, its trees cost a tenth of the text
/// stages' time and gave the ranker nothing (dev named-speaker 0.935 with them, 0.939
/// without; held-out training articles 0.910, 0.915).
pub fn sentences_near_quotes(text: &str, sentences: &[ArticleSentence], quotes: &[Quote]) -> Vec<bool> {
    let mut near = vec![false; sentences.len()];
    let at = |offset: usize| sentences.partition_point(|s| s.span.end <= offset);
    for q in quotes {
        let (first, last) = (at(q.open), at(q.end.saturating_sub(1).max(q.start)));
        for flag in near.iter_mut().take(last + 1).skip(first.saturating_sub(1)) {
            *flag = true;
        }
    }
    // The stretches inside quotation marks, merged (an excerpt's words read as narrative), then
    // one walk over them and the sentences together.
    let mut covered: Vec<(usize, usize)> = quotes.iter().filter(|q| !q.excerpt).map(|q| (q.open, q.close)).collect();
    covered.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(covered.len());
    for (open, close) in covered {
        match merged.last_mut() {
            Some(last) if open <= last.1 => last.1 = last.1.max(close),
            _ => merged.push((open, close)),
        }
    }
    let mut next = 0;
    for (flag, s) in near.iter_mut().zip(sentences) {
        while next < merged.len() && merged[next].1 <= s.span.start {
            next += 1;
        }
        if !*flag {
            continue;
        }
        let mut from = s.span.start;
        let mut outside = false;
        for &(open, close) in merged[next..].iter().take_while(|(open, _)| *open < s.span.end) {
            outside = has_word(&text[from..open.clamp(from, s.span.end)]);
            from = from.max(close);
            if outside || from >= s.span.end {
                break;
            }
        }
        *flag = outside || (from < s.span.end && has_word(&text[from..s.span.end]));
    }
    near
}

fn has_word(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// One article's text as the stages before attribution left it: paragraphs, sentences,
/// quotations, and the syntax of the sentences near quotations.
pub struct Prepared {
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<ArticleSentence>,
    pub quotes: Vec<Quote>,
    /// One slot per sentence; `None` where the syntax stage did not look.
    pub parsed: Vec<Option<ParsedSentence>>,
}

/// Runs clean → split → quote → syntax on `text`.
pub fn prepare(text: &str, has_title: bool, syntax: Option<&Syntax>) -> Prepared {
    let paragraphs = clean::layout(text, has_title);
    let sentences: Vec<ArticleSentence> = paragraphs
        .iter()
        .enumerate()
        .flat_map(|(index, p)| split::split(text, p.start, p.end).into_iter().map(move |span| ArticleSentence { span, paragraph: index }))
        .collect();
    let quotes = find_quotes(text, &paragraphs);
    let parsed: Vec<Option<ParsedSentence>> = match syntax {
        Some(syntax) => sentences_near_quotes(text, &sentences, &quotes)
            .iter()
            .zip(&sentences)
            .map(|(&near, s)| (near && s.span.end - s.span.start <= MAX_PARSED_SENTENCE_BYTES).then(|| syntax.parse_span(text, s.span.start, s.span.end)))
            .collect(),
        None => vec![None; sentences.len()],
    };
    Prepared { paragraphs, sentences, quotes, parsed }
}

/// Finds, attributes and describes every quotation of one article (headline ones included),
/// in text order. Rows carry no tone yet.
pub fn analyze_with(article: &Article, models: Models) -> Vec<QuoteRow> {
    let roster = models.roster;
    let text = article.text.as_str();
    let Prepared { paragraphs, sentences, quotes, parsed } = prepare(text, article.title.is_some(), models.syntax);
    let published = date::published(article.date.as_deref(), text, &paragraphs, &article.source);
    let published = published.as_ref();
    let mut attributor = Attributor::new(text, &paragraphs, &sentences, &quotes, roster).with_syntax(parsed).with_chooser(models.speaker).with_date(published.map(|p| p.date.as_str()));
    let mut rows = title_rows(article, &attributor, published);
    let attributions = attributor.attribute_all(&quotes);
    let char_offsets = char_offsets(text, quotes.iter().flat_map(|q| [q.start, q.end]));
    for (i, (q, a)) in quotes.iter().zip(&attributions).enumerate() {
        let s_open = attributor.sentence_at(q.open).unwrap_or(0);
        let s_close = attributor.sentence_at(q.end.saturating_sub(1).max(q.start)).unwrap_or(s_open);
        let context = context(text, sentences[s_open].span.start, sentences[s_close].span.end, q.open, q.close);
        let kind = quote_kind(text, q, &sentences[s_open], &paragraphs[q.paragraph]);
        rows.push(row(article, published, &attributor, a, fold(&text[q.start..q.end]), kind, context, Some((char_offsets[2 * i], char_offsets[2 * i + 1]))));
    }
    rows
}

/// Quotes in a separately given headline (JSON / CSV `title`): attributed by headline patterns
/// only, and without offsets (they are not in the text).
fn title_rows(article: &Article, attributor: &Attributor, published: Option<&date::Published>) -> Vec<QuoteRow> {
    let Some(title) = article.title.as_deref() else { return Vec::new() };
    let paragraph = [Paragraph { start: 0, end: title.len(), role: Role::Headline }];
    let attribution = attributor.headline_attribution(title);
    find_quotes(title, &paragraph)
        .iter()
        .map(|q| row(article, published, attributor, &attribution, fold(&title[q.start..q.end]), QuoteKind::Partial, context(title, 0, title.len(), q.open, q.close), None))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn row(article: &Article, published: Option<&date::Published>, attributor: &Attributor, a: &Attribution, quote: String, kind: QuoteKind, context: String, offsets: Option<(usize, usize)>) -> QuoteRow {
    let name = a.speaker.as_ref().map(|s| attributor.speaker_name(s));
    let attributed = a.speaker.is_some();
    QuoteRow {
        article_id: article.id.clone(),
        published: published.map(|p| p.date.clone()),
        date_source: published.map(|p| p.source.as_str()),
        speaker: name.as_ref().map(|n| n.name.clone()),
        speaker_id: name.and_then(|n| n.id),
        kind: a.kind.unwrap_or(kind),
        quote,
        cue: a.cue.clone(),
        mention: a.mention.clone(),
        method: a.method.as_str(),
        confidence: attributed.then_some(a.confidence),
        context,
        start: offsets.map(|o| o.0),
        end: offsets.map(|o| o.1),
        source: source_of(article),
        reported_by: a.reported_by.as_ref().map(|s| attributor.speaker_name(s).name),
        ..QuoteRow::default()
    }
}

fn source_of(article: &Article) -> String {
    match &article.url {
        Some(url) => url.clone(),
        None => article.source.clone(),
    }
}

/// `direct` when the quote is a sentence of its own (it opens its sentence, or follows a colon
/// or `said,`) and starts with a capital; `partial` when the writer's sentence embeds it.
fn quote_kind(text: &str, q: &Quote, sentence: &ArticleSentence, paragraph: &Paragraph) -> QuoteKind {
    if q.continued {
        return QuoteKind::Direct;
    }
    let first = text[q.start..q.end].chars().find(|c| !matches!(c, '…' | '.' | '(' | '['));
    if !first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) {
        return QuoteKind::Partial;
    }
    let from = sentence.span.start.max(paragraph.start);
    let before = text[from..q.open].trim_end();
    if before.is_empty() || before.ends_with(':') || before.ends_with(',') || before.ends_with('—') || before.chars().all(|c| !c.is_alphanumeric()) {
        QuoteKind::Direct
    } else {
        QuoteKind::Partial
    }
}

/// Most characters of a `context` cell.
pub const CONTEXT_CHARS: usize = 1000;

/// The `context` of a quote: the sentence(s) `from..to` holding the quote `open..close`, white
/// space folded. A longer context is cut to about [`CONTEXT_CHARS`] characters around the quote,
/// at word boundaries, with `…` where it was cut; a quote longer than that keeps its first
/// words. Only the window is looked at, so that a sentence with thousands of quotes costs
/// linear time, not a copy of the sentence per quote.
pub fn context(text: &str, from: usize, to: usize, open: usize, close: usize) -> String {
    if to - from <= CONTEXT_CHARS {
        return fold(&text[from..to]);
    }
    let (open, close) = (open.clamp(from, to), close.clamp(from, to));
    // Walks `n` characters back from `at` (not before `from`) or forward (not past `to`).
    let back = |at: usize, n: usize| if n == 0 { at } else { text[from..at].char_indices().rev().nth(n - 1).map_or(from, |(i, _)| from + i) };
    let forward = |at: usize, n: usize| text[at..to].char_indices().nth(n).map_or(to, |(i, _)| at + i);
    let quote_chars = text[open..close].chars().take(CONTEXT_CHARS + 1).count();
    let (mut start, mut end) = if quote_chars > CONTEXT_CHARS {
        (open, forward(open, CONTEXT_CHARS))
    } else {
        let margin = (CONTEXT_CHARS - quote_chars) / 2;
        let start = back(open, margin);
        let used_before = text[start..open].chars().count();
        (start, forward(close, CONTEXT_CHARS - quote_chars - used_before))
    };
    // Cut at word boundaries, never into the quote itself.
    if start > from {
        if let Some(space) = text[start..open].find(char::is_whitespace) {
            start += space;
        }
    }
    if end < to && quote_chars <= CONTEXT_CHARS {
        if let Some(space) = text[close..end].rfind(char::is_whitespace) {
            end = close + space;
        }
    } else if end < to {
        if let Some(space) = text[open..end].rfind(char::is_whitespace).filter(|&s| s > 0) {
            end = open + space;
        }
    }
    let mut out = String::with_capacity(end - start + 8);
    if start > from {
        out.push_str("… ");
    }
    out.push_str(&fold(&text[start..end]));
    if end < to {
        out.push_str(" …");
    }
    out
}

/// Folds runs of white space (newlines included) into single spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Converts byte offsets to character (Unicode scalar) offsets, in one pass over the text.
/// Offsets may come in any order.
pub fn char_offsets(text: &str, bytes: impl Iterator<Item = usize>) -> Vec<usize> {
    let bytes: Vec<usize> = bytes.collect();
    let mut order: Vec<usize> = (0..bytes.len()).collect();
    order.sort_by_key(|&i| bytes[i]);
    let mut out = vec![0; bytes.len()];
    let (mut byte_pos, mut char_pos) = (0, 0);
    for i in order {
        let target = bytes[i];
        char_pos += text[byte_pos..target].chars().count();
        byte_pos = target;
        out[i] = char_pos;
    }
    out
}

/// Whether a row belongs in the default (roster-only) output.
pub fn is_roster_row(row: &QuoteRow) -> bool {
    row.speaker_id.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_count_code_points() {
        let text = "“Aé” x “b”";
        let bytes = [text.find('A').unwrap(), text.find('x').unwrap()];
        assert_eq!(char_offsets(text, bytes.into_iter()), vec![1, 5]);
    }

    #[test]
    fn long_contexts_are_cut_around_the_quote_at_words() {
        let before = "word ".repeat(600);
        let after = " more".repeat(600);
        let text = format!("{before}\"the quote,\" he said{after}.");
        let open = text.find('"').unwrap();
        let close = open + "\"the quote,\"".len();
        let cut = context(&text, 0, text.len(), open, close);
        assert!(cut.starts_with("… word ") && cut.ends_with("more …"), "{cut}");
        assert!(cut.contains("\"the quote,\" he said"));
        assert!(cut.chars().count() <= CONTEXT_CHARS + 4, "{}", cut.chars().count());
        let short = "Lavrov said \"yes\" today.";
        assert_eq!(context(short, 0, short.len(), 12, 17), short);
        let long_quote = format!("\"{}\"", "a b ".repeat(800));
        let cut = context(&long_quote, 0, long_quote.len(), 0, long_quote.len());
        assert!(cut.starts_with("\"a b") && cut.ends_with(" …") && cut.chars().count() <= CONTEXT_CHARS + 2, "{cut}");
    }

    #[test]
    fn sentences_wholly_inside_a_quote_are_not_parsed() {
        let text = "The talks ended. \"We tried. Nothing worked. We will try again,\" Lavrov said. Later he left.";
        let prepared = prepare(text, false, None);
        let near = sentences_near_quotes(text, &prepared.sentences, &prepared.quotes);
        let parsed: Vec<&str> = prepared.sentences.iter().zip(&near).filter(|(_, n)| **n).map(|(s, _)| text[s.span.start..s.span.end].trim()).collect();
        // The sentence before and the one that names the speaker; not "Nothing worked." (all
        // quoted) nor the sentence after.
        assert!(prepared.sentences.len() >= 4, "{:?}", prepared.sentences);
        assert_eq!(parsed.first(), Some(&"The talks ended."), "{parsed:?}");
        assert!(parsed.iter().any(|s| s.contains("Lavrov said")), "{parsed:?}");
        assert!(!parsed.iter().any(|s| *s == "Nothing worked." || s.contains("Later")), "{parsed:?}");
    }

    #[test]
    fn fold_white_space() {
        assert_eq!(fold(" a\n\n b  c "), "a b c");
    }
}
