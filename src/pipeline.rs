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

/// The sentences the syntax stage parses: those that hold a quote, and their neighbours.
pub fn sentences_near_quotes(sentences: &[ArticleSentence], quotes: &[Quote]) -> Vec<bool> {
    let mut near = vec![false; sentences.len()];
    let at = |offset: usize| sentences.partition_point(|s| s.span.end <= offset);
    for q in quotes {
        let (first, last) = (at(q.open), at(q.end.saturating_sub(1).max(q.start)));
        for flag in near.iter_mut().take(last + 2).skip(first.saturating_sub(1)) {
            *flag = true;
        }
    }
    near
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
        Some(syntax) => sentences_near_quotes(&sentences, &quotes)
            .iter()
            .zip(&sentences)
            .map(|(&near, s)| near.then(|| syntax.analyze_span(text, s.span.start, s.span.end)))
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
    let mut attributor = Attributor::new(text, &paragraphs, &sentences, &quotes, roster).with_syntax(parsed).with_chooser(models.speaker);
    let mut rows = title_rows(article, &attributor, published);
    let attributions = attributor.attribute_all(&quotes);
    let char_offsets = char_offsets(text, quotes.iter().flat_map(|q| [q.start, q.end]));
    for (i, (q, a)) in quotes.iter().zip(&attributions).enumerate() {
        let s_open = attributor.sentence_at(q.open).unwrap_or(0);
        let s_close = attributor.sentence_at(q.end.saturating_sub(1).max(q.start)).unwrap_or(s_open);
        let context = fold(&text[sentences[s_open].span.start..sentences[s_close].span.end]);
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
        .map(|q| row(article, published, attributor, &attribution, fold(&title[q.start..q.end]), QuoteKind::Partial, fold(title), None))
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
        kind,
        quote,
        cue: a.cue.clone(),
        mention: a.mention.clone(),
        method: a.method.as_str(),
        confidence: attributed.then_some(a.confidence),
        context,
        start: offsets.map(|o| o.0),
        end: offsets.map(|o| o.1),
        source: source_of(article),
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
    fn fold_white_space() {
        assert_eq!(fold(" a\n\n b  c "), "a b c");
    }
}
