//! Candidate speakers of a quote, for the learned ranker (`ranker`, `features`).
//!
//! Every mention (name, organisation, pronoun, role phrase) outside quotations in the quote's
//! own sentences, the sentence before and after, and the rest of its paragraph; the speaker of
//! the previous quote (a continuation); and "nobody", which wins for scare quotes, titles and
//! quotes whose speaker the text does not name. PolNeAR train: the true source is in the quote's
//! own sentence 78% of the time, the previous sentence 19%, the same paragraph 97%.

use super::mentions::MentionKind;
use super::{Attribution, Attributor, Speaker};
use crate::quote::Quote;

/// At most this many mention candidates per quote at run time (the nearest ones): bounds the
/// cost of a paragraph with hundreds of names. PolNeAR train quotes have a median of 6.
pub(crate) const MAX_MENTIONS: usize = 12;
/// Training ranks the nearest 24: more wrong candidates to learn from (the model trained on 12
/// was weaker on dev, 0.882 against 0.888 top-1), while ranking only the nearest 12 at run time
/// chose the same speaker for every dev quote and halves the ranker's time on a sentence of
/// many mentions.
pub(crate) const MAX_MENTIONS_TRAINING: usize = 24;
/// At most this many unnamed-phrase candidates per quote (the nearest ones).
const MAX_PHRASES: usize = 4;
/// A phrase's words before its head are looked for this many tokens back at most.
const PHRASE_REACH: usize = 8;
/// How many mentions starting before a word are checked for covering it (mentions nest a few
/// deep at most: `Foreign Ministry spokeswoman Maria Zakharova`).
const MENTIONS_OVER_A_WORD: usize = 6;
/// The previous speaker is looked for among this many earlier quotes at most: a run of quotes
/// without a speaker must not make each later quote cost more.
const MAX_QUOTES_LOOKED_BACK: usize = 24;

/// What kind of candidate it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateKind {
    Name,
    Org,
    Pronoun,
    Role,
    /// A noun phrase the parser found as a subject that no mention covers (`critics`, `the
    /// report`, `they`): a speaker the text does not name. Choosing it leaves the speaker empty
    /// rather than giving the words to a named person nearby.
    Phrase,
    /// The speaker of the quote before, in the same or the previous paragraph.
    Previous,
    /// Nobody: the quote stays unattributed.
    Nobody,
}

/// One candidate speaker of a quote.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub kind: CandidateKind,
    /// The mention (index into the article's mentions), for mention candidates.
    pub mention: Option<usize>,
    /// For `Previous`: the earlier quote's index and speaker.
    pub previous: Option<(usize, Speaker)>,
    /// Byte range of the mention in the text (empty for `Previous` and `Nobody`).
    pub start: usize,
    pub end: usize,
    /// The sentence of the mention.
    pub sentence: Option<usize>,
}

/// The sentences a quote's candidates come from, and those the quote spans.
#[derive(Debug, Clone, Copy)]
pub struct QuoteSentences {
    /// The sentences holding the opening and the closing mark.
    pub open: usize,
    pub close: usize,
}

impl Attributor<'_> {
    /// The sentences of a quote in running text (`None` for quotes outside any sentence).
    pub(crate) fn quote_sentences(&self, q: &Quote) -> Option<QuoteSentences> {
        let open = self.sentence_at(q.open)?;
        let close = self.sentence_at(q.end.saturating_sub(1).max(q.start))?;
        Some(QuoteSentences { open, close })
    }

    /// The candidate speakers of quote `index`: the nearest `max_mentions` mentions in text order,
    /// then the previous quote's speaker, then nobody (always last).
    pub(crate) fn candidates(&self, quotes: &[Quote], index: usize, earlier: &[Attribution], max_mentions: usize) -> Vec<Candidate> {
        let q = quotes[index];
        let Some(at) = self.quote_sentences(&q) else { return vec![nobody()] };
        let paragraph = self.sentences[at.open].paragraph;
        let first = at.open.saturating_sub(1);
        let mut last = (at.close + 1).min(self.sentences.len() - 1);
        let mut first_s = first;
        while first_s > 0 && self.sentences[first_s - 1].paragraph == paragraph {
            first_s -= 1;
        }
        while last + 1 < self.sentences.len() && self.sentences[last + 1].paragraph == paragraph {
            last += 1;
        }
        let allowed = |s: usize| (s + 1 >= at.open && s <= at.close + 1) || self.sentences[s].paragraph == paragraph;
        let first_s = first_s.min(first);
        // The mentions of those sentences, in text order; walked outwards from the quote so that
        // a sentence with thousands of mentions costs only the nearest ones per quote.
        let order = &self.mentions_in_order;
        let mention = |m: usize| &self.found.mentions[m];
        let lo = order.partition_point(|&m| mention(m).sentence < first_s);
        let hi = order.partition_point(|&m| mention(m).sentence <= last);
        let window = &order[lo..hi];
        let before = window.partition_point(|&m| self.tokens[mention(m).first].start < q.open);
        let mut found: Vec<(usize, Candidate)> = Vec::new();
        let take = |m: usize, found: &mut Vec<(usize, Candidate)>| -> bool {
            let mention = &self.found.mentions[m];
            let (start, end) = (self.tokens[mention.first].start, self.tokens[mention.last].end);
            // A mention inside the quote's own marks is part of the quoted words.
            if !allowed(mention.sentence) || (start >= q.open && end <= q.close) {
                return false;
            }
            // Nested mentions (`Russia` inside `Russia's envoy`): the outermost one speaks.
            if self.mention_ending_at[mention.last].is_some_and(|outer| outer != m && self.found.mentions[outer].first < mention.first) {
                return false;
            }
            let kind = match mention.kind {
                MentionKind::Name(_) => CandidateKind::Name,
                MentionKind::Org => CandidateKind::Org,
                MentionKind::Pronoun(_) => CandidateKind::Pronoun,
                MentionKind::Role(_) => CandidateKind::Role,
            };
            let distance = if end <= q.open { q.open - end } else { start.saturating_sub(q.close) };
            found.push((distance, Candidate { kind, mention: Some(m), previous: None, start, end, sentence: Some(mention.sentence) }));
            true
        };
        // Enough on each side that the nearest 2 * max_mentions overall are among them.
        let per_side = 4 * max_mentions;
        let mut taken = 0;
        for &m in window[..before].iter().rev() {
            if taken == per_side {
                break;
            }
            taken += usize::from(take(m, &mut found));
        }
        taken = 0;
        for &m in &window[before..] {
            if taken == per_side {
                break;
            }
            taken += usize::from(take(m, &mut found));
        }
        found.sort_by_key(|(d, c)| (*d, c.start));
        // A mention inside another (`Foreign Ministry` in `Foreign Ministry spokeswoman Maria
        // Zakharova`) is part of that one; compared among the nearest only, to stay linear.
        found.truncate(2 * max_mentions);
        let spans: Vec<(usize, usize)> = found.iter().map(|(_, c)| (c.start, c.end)).collect();
        found.retain(|(_, c)| !spans.iter().any(|&(s, e)| s <= c.start && c.end <= e && (s, e) != (c.start, c.end)));
        found.truncate(max_mentions);
        found.sort_by_key(|(_, c)| c.start);
        let mut out: Vec<Candidate> = found.into_iter().map(|(_, c)| c).collect();
        out.extend(self.phrase_candidates(&q, at, window));
        // Quotes come in text order: the search stops at the paragraph before.
        let nearest = (0..index).rev().take(MAX_QUOTES_LOOKED_BACK);
        if let Some(prev) = nearest.take_while(|&j| quotes[j].paragraph + 1 >= q.paragraph).find(|&j| earlier[j].speaker.is_some()) {
            if let Some(speaker) = earlier[prev].speaker.clone() {
                out.push(Candidate { kind: CandidateKind::Previous, mention: None, previous: Some((prev, speaker)), start: q.open, end: q.open, sentence: None });
            }
        }
        out.push(nobody());
        out
    }

    /// Subjects in the parsed sentences of the quote (and the one before) that no mention
    /// covers: common nouns and plural or first-person pronouns (`officials said`, `the
    /// statement read`, `we believe`), nearest to the quote first, in text order.
    fn phrase_candidates(&self, q: &Quote, at: QuoteSentences, window: &[usize]) -> Vec<Candidate> {
        let mut found: Vec<(usize, Candidate)> = Vec::new();
        let mention = |m: usize| &self.found.mentions[m];
        for s in at.open.saturating_sub(1)..=at.close {
            let Some(parsed) = self.parsed.get(s).and_then(|p| p.as_ref()) else { continue };
            let Some(tree) = parsed.syntax.tree.as_ref() else { continue };
            for (k, token) in parsed.tokens.iter().enumerate() {
                let relation = tree.relations[k].as_str();
                if !matches!(relation, "nsubj" | "nsubjpass" | "nsubj:pass") || (token.start >= q.open && token.end <= q.close) {
                    continue;
                }
                let tag = parsed.syntax.tags[k].as_str();
                let wanted = matches!(tag, "NN" | "NNS") || (tag == "PRP" && ["they", "we", "i", "you"].iter().any(|p| token.form.eq_ignore_ascii_case(p)));
                if !wanted {
                    continue;
                }
                // A mention over the head (a name, a role phrase, an appositive) already stands
                // for it.
                let after = window.partition_point(|&m| self.tokens[mention(m).first].start < token.end);
                if window[after.saturating_sub(MENTIONS_OVER_A_WORD)..after].iter().any(|&m| self.tokens[mention(m).last].end > token.start) {
                    continue;
                }
                // The phrase runs from the leftmost word that hangs on the head, close by.
                let first = (k.saturating_sub(PHRASE_REACH)..k).find(|&j| tree.ancestors(j).take(PHRASE_REACH).any(|a| a == k)).unwrap_or(k);
                let (start, end) = (parsed.tokens[first].start, token.end);
                if start < q.close && end > q.open {
                    continue;
                }
                let distance = if end <= q.open { q.open - end } else { start.saturating_sub(q.close) };
                found.push((distance, Candidate { kind: CandidateKind::Phrase, mention: None, previous: None, start, end, sentence: Some(s) }));
            }
        }
        found.sort_by_key(|(d, c)| (*d, c.start));
        found.truncate(MAX_PHRASES);
        found.sort_by_key(|(_, c)| c.start);
        found.into_iter().map(|(_, c)| c).collect()
    }
}

fn nobody() -> Candidate {
    Candidate { kind: CandidateKind::Nobody, mention: None, previous: None, start: 0, end: 0, sentence: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::prepare;
    use crate::roster::Roster;
    use crate::syntax::Syntax;
    use std::path::Path;

    /// The candidates of each quote in `text`, as (kind, words), with the committed syntax models.
    fn candidates_of(text: &str) -> Option<Vec<Vec<(CandidateKind, String)>>> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let models = root.join("models/syntax");
        if !models.join("tagger.bin.gz").exists() {
            eprintln!("models/syntax not trained here: skipped");
            return None;
        }
        let syntax = Syntax::load(&models).unwrap();
        let roster = Roster::load(&root.join("data/roster.toml")).unwrap();
        let prepared = prepare(text, false, Some(&syntax));
        let quotes = prepared.quotes.clone();
        let attributor = Attributor::new(text, &prepared.paragraphs, &prepared.sentences, &quotes, &roster).with_syntax(prepared.parsed);
        let none: Vec<Attribution> = quotes.iter().map(|_| Attribution::none(super::super::Method::None)).collect();
        Some((0..quotes.len()).map(|i| attributor.candidates(&quotes, i, &none, MAX_MENTIONS).iter().map(|c| (c.kind, text[c.start..c.end].to_string())).collect()).collect())
    }

    #[test]
    fn unnamed_subjects_are_candidates_and_named_ones_are_mentions() {
        let Some(found) = candidates_of("Sergey Lavrov arrived in Geneva. “The talks will be hard,” two senior officials told reporters.") else { return };
        assert!(found[0].contains(&(CandidateKind::Phrase, "two senior officials".into())), "{found:?}");
        assert!(found[0].iter().any(|(k, w)| *k == CandidateKind::Name && w.contains("Lavrov")), "{found:?}");
        let Some(found) = candidates_of("“We are ready,” Lavrov said. “They are not,” they said.") else { return };
        assert!(found[0].iter().all(|(k, w)| *k != CandidateKind::Phrase || w == "they"), "the named subject is a mention, not a phrase: {found:?}");
        assert!(found[1].contains(&(CandidateKind::Phrase, "they".into())), "{found:?}");
    }
}
