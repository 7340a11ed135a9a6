//! Features of a candidate speaker for the ranker: what the dependency tree says about the
//! candidate and the quote, the cue, distances, the punctuation pattern, the kind of mention,
//! the paragraph layout, the previous speaker, and what the hand-written rules chose.
//!
//! Every candidate of every quote gets the same vector layout ([`FEATURES`]); values that do not
//! apply are NaN, which the trees send down a learned default branch.

use super::candidates::{Candidate, CandidateKind, QuoteSentences};
use super::lexicon;
use super::mentions::MentionKind;
use super::tokens::TokenKind;
use super::{Attribution, Attributor, Method, Speaker};
use crate::quote::Quote;
use crate::syntax::ParsedSentence;

/// Where the rules' choice sits in the vector (`rule.agrees`).
pub(crate) const RULE_AGREES: usize = 22;

/// The feature names, in vector order. Stored with the model, checked on load.
pub const FEATURES: &[&str] = &[
    // The quote (the same for all its candidates).
    "quote.direct_form", "quote.alone_in_paragraph", "quote.opens_paragraph", "quote.words", "quote.ends_open",
    "quote.colon_before", "quote.question", "quote.continued", "quote.candidates",
    // What the rules chose for the quote.
    "rule.found", "rule.name", "rule.pronoun", "rule.role", "rule.according_to", "rule.continuation", "rule.joint",
    // The candidate.
    "kind.name", "kind.org", "kind.pronoun", "kind.role", "kind.previous", "kind.nobody", "rule.agrees", "kind.phrase",
    "cand.possessive", "cand.person", "cand.official", "cand.mentions_in_article", "cand.role_definite", "cand.pronoun_resolves",
    // Where it is.
    "pos.before", "pos.after", "pos.same_sentence", "pos.sentence_before", "pos.sentence_after", "pos.sentences_away",
    "pos.tokens_away", "pos.rank_on_side", "pos.mentions_between", "pos.quote_between",
    // The words between candidate and quote.
    "gap.reporting_verb", "gap.comma_only", "gap.dash_only", "gap.colon", "gap.words", "gap.that",
    // The dependency tree of the candidate's sentence.
    "tree.parsed", "tree.nsubj", "tree.nsubjpass", "tree.object", "tree.nmod", "tree.appos", "tree.conj", "tree.compound",
    "tree.other_relation", "tree.governor_speech_verb", "tree.governor_verb", "tree.quote_under_governor",
    "tree.subject_of_quote_verb", "tree.path_length", "tree.according_to",
    // The previous quote's speaker.
    "prev.same_paragraph", "prev.quotes_back", "prev.named_between",
];

fn flag(b: bool) -> f32 {
    if b {
        1.0
    } else {
        0.0
    }
}

impl Attributor<'_> {
    /// One feature vector per candidate of quote `index`.
    pub(crate) fn features(&self, quotes: &[Quote], index: usize, candidates: &[Candidate], rule: &Attribution) -> Vec<Vec<f32>> {
        let q = quotes[index];
        let at = self.quote_sentences(&q);
        let quote_part = self.quote_features(&q, candidates.len(), rule);
        // Rank of each mention candidate among those on the same side, nearest first.
        let mut rank = vec![0f32; candidates.len()];
        for (i, c) in candidates.iter().enumerate() {
            if c.mention.is_none() {
                continue;
            }
            let before = c.end <= q.open;
            rank[i] = candidates.iter().filter(|o| o.mention.is_some() && (o.end <= q.open) == before && if before { o.start > c.start } else { o.start < c.start }).count() as f32;
        }
        candidates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut row = quote_part.clone();
                self.candidate_features(quotes, index, at, c, rule, rank[i], &mut row);
                debug_assert_eq!(row.len(), FEATURES.len());
                row
            })
            .collect()
    }

    fn quote_features(&self, q: &Quote, candidates: usize, rule: &Attribution) -> Vec<f32> {
        let p = self.paragraphs[q.paragraph];
        // Only whether at most one word is outside the quote matters: counted up to two per side,
        // so a paragraph of thousands of quotes costs no more per quote.
        let outside: usize = self.text[p.start..q.open].split_whitespace().take(2).count() + self.text[q.close..p.end].split_whitespace().take(2).count();
        let inner = self.text[q.start..q.end].trim_end();
        let first = inner.chars().next();
        let before = self.text[p.start..q.open].trim_end();
        let method = rule.method;
        let mut row = Vec::with_capacity(FEATURES.len());
        row.extend([
            flag(first.is_some_and(|c| c.is_uppercase())),
            flag(outside <= 1),
            flag(q.open == p.start || self.text[p.start..q.open].trim().is_empty()),
            (1.0 + inner.split_whitespace().count() as f32).ln(),
            flag(self.ends_open(q)),
            flag(before.ends_with(':')),
            flag(inner.trim_end_matches(['"', '\'', '’', '”']).ends_with('?')),
            flag(q.continued),
            candidates as f32,
            flag(rule.speaker.is_some()),
            flag(method == Method::Name),
            flag(method == Method::Pronoun),
            flag(method == Method::Role),
            flag(method == Method::AccordingTo),
            flag(method == Method::Continuation),
            flag(method == Method::Joint),
        ]);
        row
    }

    #[allow(clippy::too_many_arguments)]
    fn candidate_features(&self, quotes: &[Quote], index: usize, at: Option<QuoteSentences>, c: &Candidate, rule: &Attribution, rank: f32, row: &mut Vec<f32>) {
        let q = quotes[index];
        let nan = f32::NAN;
        let kind = c.kind;
        let mention = c.mention.map(|m| &self.found.mentions[m]);
        let entity = match mention.map(|m| &m.kind) {
            Some(MentionKind::Name(e)) => Some(*e),
            _ => match &c.previous {
                Some((_, Speaker::Entity(e))) => Some(*e),
                _ => None,
            },
        };
        row.extend([
            flag(kind == CandidateKind::Name),
            flag(kind == CandidateKind::Org),
            flag(kind == CandidateKind::Pronoun),
            flag(kind == CandidateKind::Role),
            flag(kind == CandidateKind::Previous),
            flag(kind == CandidateKind::Nobody),
            flag(self.rule_agrees(c, rule)),
            flag(kind == CandidateKind::Phrase),
        ]);
        let role_definite = match mention.map(|m| &m.kind) {
            Some(MentionKind::Role(r)) => flag(r.definite),
            _ => nan,
        };
        let pronoun_resolves = match mention.map(|m| &m.kind) {
            Some(MentionKind::Pronoun(g)) => flag(self.resolve_pronoun(mention.unwrap().first, *g).is_some()),
            _ => nan,
        };
        row.extend([
            mention.map_or(nan, |m| flag(m.possessive)),
            entity.map_or(nan, |e| flag(self.found.entities[e].person)),
            entity.map_or(nan, |e| flag(self.found.entities[e].roster.is_some())),
            entity.map_or(nan, |e| (self.entity_mentions[e] as f32).ln_1p()),
            role_definite,
            pronoun_resolves,
        ]);

        // Position.
        let (Some(at), Some(s)) = (at, c.sentence) else {
            row.extend([nan; 10]);
            row.extend([nan; 6]);
            row.extend([flag(false)]);
            row.extend([nan; 14]);
            self.previous_features(quotes, index, c, row);
            return;
        };
        let before = c.end <= q.open;
        let after = c.start >= q.close;
        let sentences_away = if s < at.open { at.open - s } else { s.saturating_sub(at.close) };
        let (gap_from, gap_to) = if before { (c.end, q.open) } else { (q.close, c.start.max(q.close)) };
        let (t_from, t_to) = (self.token_at_or_after(gap_from), self.token_at_or_after(gap_to));
        let gap_tokens = t_to.saturating_sub(t_from);
        // Mentions and quotes come in text order: only those starting inside the gap can lie in it.
        let mentions = &self.found.mentions;
        let first_mention = mentions.partition_point(|m| self.tokens[m.first].start < gap_from);
        let mentions_between = mentions[first_mention..].iter().take_while(|m| self.tokens[m.first].start < gap_to).filter(|m| self.tokens[m.last].end <= gap_to).count();
        let first_quote = quotes.partition_point(|o| o.open < gap_from);
        let quote_between = quotes[first_quote..].iter().enumerate().take_while(|(_, o)| o.open < gap_to).any(|(j, o)| first_quote + j != index && o.close <= gap_to);
        row.extend([
            flag(before),
            flag(after),
            flag(s >= at.open && s <= at.close),
            flag(s + 1 == at.open),
            flag(s == at.close + 1),
            sentences_away as f32,
            (gap_tokens as f32).ln_1p(),
            rank,
            mentions_between as f32,
            flag(quote_between),
        ]);
        let gap_range = t_from..t_to.min(self.tokens.len());
        let gap_words: Vec<usize> = gap_range.clone().filter(|&k| self.tokens[k].kind == TokenKind::Word).collect();
        let gap_text = self.text[gap_from.min(gap_to)..gap_to].trim();
        row.extend([
            flag(gap_words.iter().any(|&k| self.is_reporting_verb_at(k))),
            flag(gap_text == ","),
            flag(matches!(gap_text, "—" | "–" | "―" | "-" | "--" | ", —" | ", -")),
            flag(gap_text.ends_with(':') || gap_text.starts_with(':')),
            (gap_words.len() as f32).ln_1p(),
            flag(gap_words.iter().any(|&k| self.lower(k) == "that")),
        ]);
        self.tree_features(&q, s, c, row);
        self.previous_features(quotes, index, c, row);
    }

    /// What the candidate's sentence's tree says (NaN where the sentence was not parsed).
    fn tree_features(&self, q: &Quote, s: usize, c: &Candidate, row: &mut Vec<f32>) {
        let parsed: Option<&ParsedSentence> = self.parsed.get(s).and_then(|p| p.as_ref());
        let Some((parsed, tree)) = parsed.and_then(|p| p.syntax.tree.as_ref().map(|t| (p, t))) else {
            row.push(flag(false));
            row.extend([f32::NAN; 14]);
            return;
        };
        let head = parsed.head_of(parsed.tokens_in(c.start, c.end));
        let Some(head) = head else {
            row.push(flag(true));
            row.extend([f32::NAN; 14]);
            return;
        };
        let relation = tree.relations[head].as_str();
        let passive = matches!(relation, "nsubjpass" | "nsubj:pass");
        let main = if passive { "nsubjpass" } else { relation.split(':').next().unwrap_or(relation) };
        let governor = tree.heads[head];
        let governor_form = governor.map(|g| parsed.tokens[g].form.to_ascii_lowercase());
        let governor_tag = governor.map(|g| parsed.syntax.tags[g].as_str());
        let speech = governor_form.as_deref().is_some_and(|f| lexicon::is_reporting_verb(f) || f == "according");
        // The quote's own head inside this sentence, if the quote reaches into it.
        let quote_tokens = parsed.tokens_in(q.start, q.end);
        let quote_head = parsed.head_of(quote_tokens.clone());
        // Walks up the tree are bounded, so that a deep tree (a sentence of thousands of
        // clauses) costs each candidate the same; the path feature is capped at 12 anyway.
        let under = match (governor, quote_head) {
            (Some(g), Some(h)) => tree.ancestors(h).take(MAX_DEPTH_WALKED).any(|a| a == g),
            _ => false,
        };
        let path = quote_head.map(|h| path_length(tree, head, h, 12));
        // `according to X`: the `according` that governs X, or that hangs on it (`according to
        // the ministry's spokeswoman Maria Zakharova`), sits within a phrase's length of it.
        let near = head.saturating_sub(ACCORDING_WINDOW)..(head + ACCORDING_WINDOW + 1).min(tree.heads.len());
        let according = governor_form.as_deref() == Some("according") || near.into_iter().any(|k| tree.heads[k] == Some(head) && parsed.tokens[k].form.eq_ignore_ascii_case("according"));
        row.extend([
            flag(true),
            flag(main == "nsubj"),
            flag(passive),
            flag(matches!(main, "dobj" | "iobj" | "obj")),
            flag(main == "nmod" || main == "obl"),
            flag(main == "appos"),
            flag(main == "conj"),
            flag(main == "compound"),
            flag(!matches!(main, "nsubj" | "nsubjpass" | "dobj" | "iobj" | "obj" | "nmod" | "obl" | "appos" | "conj" | "compound")),
            flag(speech),
            flag(governor_tag.is_some_and(|t| t.starts_with("VB"))),
            flag(under),
            flag(main == "nsubj" && under && speech),
            path.map_or(f32::NAN, |p| p.min(12) as f32),
            flag(according),
        ]);
    }

    fn previous_features(&self, quotes: &[Quote], index: usize, c: &Candidate, row: &mut Vec<f32>) {
        let Some((prev, speaker)) = &c.previous else {
            row.extend([f32::NAN; 3]);
            return;
        };
        let q = quotes[index];
        row.extend([
            flag(quotes[*prev].paragraph == q.paragraph),
            (index - prev) as f32,
            flag(self.other_subject_between(quotes[*prev].close, q.open, speaker)),
        ]);
    }

    /// Whether the rules' speaker is this candidate.
    fn rule_agrees(&self, c: &Candidate, rule: &Attribution) -> bool {
        let Some(speaker) = &rule.speaker else { return c.kind == CandidateKind::Nobody };
        match c.kind {
            CandidateKind::Nobody => false,
            CandidateKind::Previous => c.previous.as_ref().is_some_and(|(_, s)| s == speaker) && rule.method == Method::Continuation,
            _ => {
                let Some(m) = c.mention else { return false };
                match (&self.found.mentions[m].kind, speaker) {
                    (MentionKind::Name(e), Speaker::Joint(list)) => list.contains(e),
                    _ => rule.method != Method::Continuation && rule.mention_start == Some(c.start),
                }
            }
        }
    }
}

/// How far up the tree `under` looks for the candidate's governor.
const MAX_DEPTH_WALKED: usize = 64;
/// How many tokens on each side of a candidate `according` is looked for among its dependents.
const ACCORDING_WINDOW: usize = 64;

/// Number of arcs on the tree path between tokens `a` and `b`, or `limit + 1` where it is
/// longer than `limit` (or there is none).
fn path_length(tree: &crate::syntax::Tree, a: usize, b: usize, limit: usize) -> usize {
    let up_a: Vec<usize> = tree.ancestors(a).take(limit + 1).collect();
    for (steps_b, x) in tree.ancestors(b).take(limit + 1).enumerate() {
        if let Some(steps_a) = up_a.iter().position(|&y| y == x) {
            if steps_a + steps_b <= limit {
                return steps_a + steps_b;
            }
        }
    }
    limit + 1
}

#[cfg(test)]
mod tests {
    #[test]
    fn rule_agrees_index_names_it() {
        assert_eq!(super::FEATURES[super::RULE_AGREES], "rule.agrees");
    }

    #[test]
    fn feature_names_are_unique() {
        let mut names = super::FEATURES.to_vec();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), super::FEATURES.len());
    }
}
