//! Finding the cue of a quote: the reporting verb or phrase and the mention it points to,
//! after the quote, before it, in `according to X`, behind a colon, or in the sentence or
//! paragraph before (continuations).

use super::lexicon;
use super::mentions::{Mention, MentionKind};
use super::tokens::TokenKind;
use super::{Attribution, Attributor, Method, Speaker};
use crate::clean::Role;
use crate::quote::Quote;
use crate::roster::Gender;

impl Attributor<'_> {
    /// Whether the quote's words end open (`…,”`, `…?”`, `…,’”`) so that a cue may follow.
    pub(super) fn ends_open(&self, q: &Quote) -> bool {
        let inner = self.text[q.start..q.end].trim_end().trim_end_matches(['’', '\'', '”', '"']);
        let after = self.text[q.close..].trim_start().chars().next();
        matches!(inner.chars().next_back(), Some(',' | '?' | '!' | '—' | '–' | '-' | '…')) || matches!(after, Some(',' | '—' | '–' | '―' | '-'))
    }

    /// Rule 1: a cue after the closing mark: `…,” she mentioned`, `…,” White House press
    /// secretary Josh Earnest said`, `…," said Donna Brazile`, `…” ― Sonya Herridge`, or, after
    /// a quote that does not end open, a sentence-final `…, Warren said.`
    pub(super) fn cue_after(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
        let mut end = self.sentence_tokens(s).end;
        let mut k = self.token_at_or_after(q.close);
        if k >= end {
            // `…?” Graham asked.` is split after the question mark: look into the next sentence.
            let asks = matches!(self.text[q.start..q.end].trim_end().chars().next_back(), Some('?' | '!'));
            let next = s + 1;
            if !asks || next >= self.sentences.len() || self.sentences[next].paragraph != self.sentences[s].paragraph {
                return None;
            }
            end = self.sentence_tokens(next).end;
        }
        if k >= end {
            return None;
        }
        let dash = self.tokens[k].kind == TokenKind::Punct && matches!(self.token_text(k), "—" | "–" | "―" | "-");
        if self.tokens[k].kind == TokenKind::Punct && (dash || self.token_text(k) == ",") {
            k += 1;
        }
        if k >= end {
            return None;
        }
        if dash {
            // `…” ― Sonya Herridge`: a name and nothing else.
            let m = self.mention_starting_at[k]?;
            let rest_is_end = (self.found.mentions[m].last + 1..end).all(|j| self.tokens[j].kind == TokenKind::Punct);
            return if rest_is_end { self.resolved(m, "—", 0.9) } else { None };
        }
        let open = self.ends_open(q);
        // `…,” she advised the Zvezda channel`: a name or pronoun, then any verb in -ed / -s.
        if open {
            if let Some(m) = self.mention_starting_at[k] {
                let verb = self.skip_gap(self.found.mentions[m].last + 1, end);
                if verb < end && self.tokens[verb].kind == TokenKind::Word && !self.tokens[verb].is_capitalised(self.text) {
                    let lower = self.lower(verb);
                    let loose = lower.ends_with("ed") || (lower.ends_with('s') && !lower.ends_with("ss"));
                    if self.is_reporting_verb_at(verb) || (loose && !lexicon::is_non_verb(lower)) {
                        return self.resolved_subject(m, verb);
                    }
                }
            }
        }
        // The first reporting verb after the quote, before any other quote.
        let limit = end.min(k + 16);
        let v = (k..limit).take_while(|&j| self.tokens[j].kind != TokenKind::Mark && !self.tokens[j].is_punct(self.text, ';')).find(|&j| self.is_reporting_verb_at(j))?;
        // `…," said MSNBC host Chris Matthews`: the verb first (a finite one: `, adding that`
        // opens a clause instead).
        if self.skip_gap(k, end) == v && !self.lower(v).ends_with("ing") {
            let m = self.mention_after(v + 1, end)?;
            return if open { self.resolved(m, self.token_text(v), 0.95) } else { None };
        }
        let m = self.subject_of(v, k)?;
        let first = self.found.mentions[m].first;
        if first < k {
            return None;
        }
        // After an open quote only a descriptor may stand between it and its speaker, no clause
        // (`…,” when Clinton blasted him` is no cue); after any other quote the cue must close
        // the sentence (`A cashier who “steals …” is held accountable, Warren said.`).
        let descriptor_only = first <= k + 6 && (k..first).all(|j| self.tokens[j].kind == TokenKind::Word && !lexicon::is_non_verb(self.lower(j)));
        let closes_sentence = first > 0
            && self.tokens[first - 1].is_punct(self.text, ',')
            && (v + 1..end).all(|j| self.tokens[j].kind == TokenKind::Punct || self.is_gap_token(j));
        if (open && descriptor_only) || closes_sentence {
            return self.resolved_subject(m, v);
        }
        None
    }

    /// The first person-like mention (name, pronoun or role phrase) that starts within a few
    /// words after token `k`, past descriptor words only (`said MSNBC host Chris Matthews`,
    /// `according to conservative talk radio host Rush Limbaugh`).
    pub(super) fn mention_after(&self, k: usize, end: usize) -> Option<usize> {
        let limit = end.min(k + 7);
        let person = |m: &Mention| !matches!(m.kind, MentionKind::Org);
        let mut org = None;
        for j in k..limit {
            if let Some(m) = self.mention_starting_at[j].filter(|&m| !self.found.mentions[m].possessive) {
                if person(&self.found.mentions[m]) {
                    return Some(m);
                }
                // An organisation right there (`reported Reuters`, `said the State Department`).
                if j <= k + 1 {
                    org.get_or_insert(m);
                }
            }
            let t = self.tokens[j];
            // Descriptor words, and the `/` of `9/11 widow Terry Strada`.
            if !(t.kind == TokenKind::Word || t.is_punct(self.text, '/') || t.is_punct(self.text, '-')) {
                break;
            }
        }
        // A descriptor that starts the name mention itself (`host Chris Matthews`).
        let described = self.found.mentions.iter().position(|m| m.first > k && m.first < limit && person(m) && !m.possessive && (k..m.first).all(|j| self.tokens[j].kind == TokenKind::Word));
        described.or(org)
    }

    /// Rule 2: the last reporting verb (or `according to`) before the quote in its sentence.
    /// A verb in a relative clause with no named subject (`anybody who complains`) is passed
    /// over; any other verb whose subject is unknown (`the statement said`) ends the search.
    pub(super) fn cue_before(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
        let range = self.sentence_tokens(s);
        let open = self.token_at_or_after(q.open);
        for v in (range.start..open.min(range.end)).rev() {
            let t = self.tokens[v];
            if t.in_quote || t.kind != TokenKind::Word {
                continue;
            }
            if let Some(found) = self.according_to(v, range.end) {
                return found;
            }
            if !self.is_reporting_verb_at(v) {
                continue;
            }
            if let Some(m) = self.subject_of(v, range.start) {
                return self.resolved_subject(m, v);
            }
            // No subject: in a relative clause (`anybody who complains`) or a word that may be a
            // noun (`tweets`), look further back; after `said` and the like, stop.
            let before = (range.start..v).rev().find(|&j| !self.is_gap_token(j) || matches!(self.lower(j), "who" | "that" | "which"));
            let relative = before.is_some_and(|j| matches!(self.lower(j), "who" | "that" | "which"));
            if !relative && lexicon::is_unambiguous_verb(self.lower(v)) {
                return None;
            }
        }
        None
    }

    /// `according to X`, `according to her`, `in his words` ending at token `k` (the `to` or
    /// `his`/`her`) or starting at it (`according`, `in`): `Some(answer)` when the phrase is
    /// there, the answer being `None` when its person cannot be resolved.
    pub(super) fn according_to(&mut self, k: usize, end: usize) -> Option<Option<Attribution>> {
        let word = |j: usize| if j < end { self.lower(j) } else { "" };
        // Normalise to the first word of the phrase.
        let start = match word(k) {
            "to" if k > 0 && self.lower(k - 1) == "according" => k - 1,
            "his" | "her" if k > 0 && self.lower(k - 1) == "in" && matches!(word(k + 1), "words" | "view" | "opinion") => k - 1,
            _ => k,
        };
        let (pronoun_at, named_from) = match (word(start), word(start + 1)) {
            ("according", "to") => (start + 2, start + 2),
            ("in", "his" | "her") if matches!(word(start + 2), "words" | "view" | "opinion") => (start + 1, usize::MAX),
            _ => return None,
        };
        let gender = match word(pronoun_at) {
            "him" | "his" => Some(Gender::Male),
            "her" => Some(Gender::Female),
            _ => None,
        };
        let answer = match gender {
            Some(g) => self.resolve_pronoun(pronoun_at, g).map(|(e, distance)| Attribution {
                speaker: Some(Speaker::Entity(e)),
                cue: self.text[self.tokens[start].start..self.tokens[pronoun_at].end].to_string(),
                mention: self.token_text(pronoun_at).to_string(),
                method: Method::Pronoun,
                confidence: (0.85 - 0.05 * distance as f32).max(0.5),
            }),
            None if named_from != usize::MAX => self.mention_after(named_from, end).and_then(|m| self.resolved(m, "according to", 0.9)).map(|a| self.as_according(a)),
            None => None,
        };
        Some(answer)
    }

    pub(super) fn as_according(&self, mut a: Attribution) -> Attribution {
        if a.speaker.is_some() && a.method == Method::Name {
            a.method = Method::AccordingTo;
        }
        a
    }

    /// Rule 3: `according to X` after the quote in its sentence, or in the next sentence of the
    /// paragraph when that sentence quotes nobody itself.
    pub(super) fn according_to_after(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
        let start = self.token_at_or_after(q.close);
        let mut range = start..self.sentence_tokens(s).end;
        let next = s + 1;
        let next_in_paragraph = next < self.sentences.len() && self.sentences[next].paragraph == self.sentences[s].paragraph;
        if next_in_paragraph && !self.sentence_tokens(next).any(|k| self.tokens[k].in_quote) {
            range.end = self.sentence_tokens(next).end;
        }
        for k in range.clone() {
            if self.tokens[k].in_quote {
                return None;
            }
            if let Some(found) = self.according_to(k, range.end) {
                return found;
            }
        }
        None
    }

    /// Rule 4: `President Obama is rolling out a new message: "It's about me."`: a colon right
    /// before the quote gives the quote to the subject of the clause.
    pub(super) fn colon_intro(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
        let open = self.token_at_or_after(q.open);
        let range = self.sentence_tokens(s);
        if open == range.start || !self.tokens[open - 1].is_punct(self.text, ':') {
            return None;
        }
        let m = self.clause_subject(s, range.start, open)?;
        self.resolved(m, ":", 0.75)
    }

    /// Whether, between two offsets, a sentence has someone other than `speaker` as the subject
    /// of a reporting verb (`"A," X said. Y said: "B."` gives B to Y, not X).
    pub(super) fn other_subject_between(&self, from: usize, to: usize, speaker: &Speaker) -> bool {
        let (first, last) = (self.token_at_or_after(from), self.token_at_or_after(to));
        let from_sentence = self.sentence_at(from).unwrap_or(0);
        (first..last).any(|v| {
            if self.tokens[v].sentence == from_sentence || !self.is_reporting_verb_at(v) {
                return false;
            }
            let Some(m) = self.subject_of(v, self.sentence_tokens(self.tokens[v].sentence).start) else { return false };
            match (&self.found.mentions[m].kind, speaker) {
                (MentionKind::Name(e), Speaker::Entity(s)) => e != s,
                (MentionKind::Pronoun(_), _) => false,
                _ => true,
            }
        })
    }

    /// The speaker of the last cue in the running paragraph before the quote's paragraph: the
    /// last attributed quote there, or the subject of its last reporting verb that has one, or
    /// the subject of a closing `Sanders made the following comment:`.
    pub(super) fn last_speaker_before_paragraph(&mut self, quotes: &[Quote], index: usize, earlier: &[Attribution]) -> Option<Speaker> {
        let para = quotes[index].paragraph;
        let prev_para = (0..para).rev().find(|&p| self.paragraphs[p].role == Role::Body)?;
        let (prev_start, prev_end) = (self.paragraphs[prev_para].start, self.paragraphs[prev_para].end);
        let last_quote = (0..index).rev().find(|&j| quotes[j].paragraph == prev_para);
        let (first_tok, end_tok) = (self.token_at_or_after(prev_start), self.token_at_or_after(prev_end));
        let verbs: Vec<usize> = (first_tok..end_tok).rev().filter(|&k| self.is_reporting_verb_at(k)).collect();
        let quote_after_verb = match (last_quote, verbs.first()) {
            (Some(j), Some(&v)) => quotes[j].open > self.tokens[v].start,
            (Some(_), None) => true,
            _ => false,
        };
        if quote_after_verb {
            let j = last_quote?;
            return earlier[j].speaker.clone();
        }
        for &v in verbs.iter().take(3) {
            if let Some(m) = self.subject_of(v, self.sentence_tokens(self.tokens[v].sentence).start) {
                return self.resolved(m, "", 0.7).and_then(|a| a.speaker);
            }
        }
        if self.text[prev_start..prev_end].ends_with(':') && end_tok > first_tok {
            let s = self.tokens[end_tok - 1].sentence;
            let m = self.clause_subject(s, self.sentence_tokens(s).start, end_tok)?;
            return self.resolved(m, "", 0.7).and_then(|a| a.speaker);
        }
        None
    }

    /// Rule 7: a quote that is a sentence of its own, with no cue, right after a sentence of the
    /// same paragraph whose reporting verb has a subject (`…, Schiff said. "The other factor …"`).
    pub(super) fn previous_sentence_speaker(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
        let range = self.sentence_tokens(s);
        let opens_sentence = self.token_at_or_after(q.open) == range.start;
        if !opens_sentence || s == 0 || self.sentences[s - 1].paragraph != self.sentences[s].paragraph {
            return None;
        }
        let prev = self.sentence_tokens(s - 1);
        let v = prev.clone().rev().find(|&k| self.is_reporting_verb_at(k))?;
        let m = self.subject_of(v, prev.start)?;
        let mut a = self.resolved(m, "", 0.7)?;
        a.method = Method::Continuation;
        a.cue.clear();
        a.mention.clear();
        Some(a)
    }
}
