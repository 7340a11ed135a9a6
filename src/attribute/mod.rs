//! Stage 5: attribute each quotation to its speaker.
//!
//! For a quote in running text the rules are tried in this order, first hit wins:
//! 1. a cue right after the quote: `…,” she mentioned`, `…," said Donna Brazile`, `…” ― Sonya Herridge`;
//! 2. a reporting verb before the quote in its sentence, and that verb's subject:
//!    `Vassily Nebenzia, Russia's permanent representative …, asserted that … "complex"`,
//!    or `according to X` before it;
//! 3. `according to X` after the quote in its sentence, or in the next sentence;
//! 4. a quote introduced by a colon takes the subject of its sentence;
//! 5. an earlier quote of the same paragraph (`"…," X said. "…"`);
//! 6. a paragraph that opens with a quote and has no cue continues the last speaker of the
//!    paragraph before (the newspaper convention for stand-alone quote paragraphs).
//!
//! Mentions are then resolved: names through the per-article entities (and the roster), `he` /
//! `she` to the most salient person of that gender in the sentences before (speakers first,
//! then sentence subjects, then other names), role phrases (`the diplomat`, `the minister`) to the
//! latest person holding a matching role. Anything that cannot be resolved with confidence leaves
//! the speaker empty: a wrong attribution is worse than a missing one. Quotes in page furniture
//! are never attributed; quotes in the headline only through headline patterns (`… - Lavrov`).

pub mod lexicon;
pub mod mentions;
pub mod tokens;

use crate::clean::{Paragraph, Role};
use crate::quote::Quote;
use crate::roster::{Gender, Roster};
use crate::split::Sentence;
use mentions::{Mention, MentionKind, Mentions, RolePhrase};
use tokens::{Token, TokenKind};

/// How a speaker was found; written to the `method` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A name next to a reporting verb.
    Name,
    /// `he` / `she`, resolved.
    Pronoun,
    /// A role phrase (`the diplomat`), resolved.
    Role,
    /// `according to X`.
    AccordingTo,
    /// Inherited from the previous quote or paragraph.
    Continuation,
    /// A headline pattern (`'…' - Lavrov`).
    Headline,
    /// Several people at once (`Vladimir Putin and Joe Biden … stating that`).
    Joint,
    /// In page furniture: never attributed.
    Furniture,
    /// No speaker found.
    None,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Name => "name",
            Method::Pronoun => "pronoun",
            Method::Role => "role",
            Method::AccordingTo => "according_to",
            Method::Continuation => "continuation",
            Method::Headline => "headline",
            Method::Joint => "joint",
            Method::Furniture => "furniture",
            Method::None => "",
        }
    }
}

/// Who said it, as found in the text.
#[derive(Debug, Clone, PartialEq)]
pub enum Speaker {
    /// A person (or organisation) entity of the article.
    Entity(usize),
    /// Several entities speaking together.
    Joint(Vec<usize>),
    /// An organisation or place named as the speaker (`the Kremlin said`).
    Org(String),
    /// A name read from a headline pattern, with its roster index if it is an official.
    Named(String, Option<usize>),
}

/// The attribution of one quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub speaker: Option<Speaker>,
    /// The reporting verb or phrase (`said`, `according to`, `—`).
    pub cue: String,
    /// The words that named the speaker (`the diplomat`, `she`, `Vassily Nebenzia`).
    pub mention: String,
    pub method: Method,
    pub confidence: f32,
}

impl Attribution {
    fn none(method: Method) -> Attribution {
        Attribution { speaker: None, cue: String::new(), mention: String::new(), method, confidence: 0.0 }
    }
}

/// A speaker in final form for output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerName {
    /// Canonical roster name, or the name as found.
    pub name: String,
    /// Roster id, for officials.
    pub id: Option<String>,
}

/// A sentence of the article with the paragraph it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ArticleSentence {
    pub span: Sentence,
    pub paragraph: usize,
}

/// Everything the attribution stage works from, for one article.
pub struct Attributor<'a> {
    text: &'a str,
    /// The text with ASCII letters in lower case: same byte offsets, no allocation per word.
    lower_text: String,
    paragraphs: &'a [Paragraph],
    sentences: &'a [ArticleSentence],
    roster: &'a Roster,
    tokens: Vec<Token>,
    found: Mentions,
    /// First token of each sentence (tokens are in sentence order).
    sentence_first_token: Vec<usize>,
    /// For each token, the index of the outermost mention that ends there.
    mention_ending_at: Vec<Option<usize>>,
    /// For each token, the index of the mention that starts there.
    mention_starting_at: Vec<Option<usize>>,
    /// Speakers found so far, by sentence (for salience).
    speakers_by_sentence: Vec<Vec<usize>>,
}

impl<'a> Attributor<'a> {
    /// Prepares the attribution of one article's quotes.
    pub fn new(text: &'a str, paragraphs: &'a [Paragraph], sentences: &'a [ArticleSentence], quotes: &[Quote], roster: &'a Roster) -> Attributor<'a> {
        let spans: Vec<Sentence> = sentences.iter().map(|s| s.span).collect();
        let tokens = tokens::tokenize(text, &spans, quotes);
        let is_body = |s: usize| paragraphs[sentences[s].paragraph].role == Role::Body;
        let lower_text = text.to_ascii_lowercase();
        let found = Mentions::find(text, &lower_text, &tokens, &is_body, roster);
        let mut sentence_first_token = vec![tokens.len(); sentences.len() + 1];
        for (i, t) in tokens.iter().enumerate().rev() {
            sentence_first_token[t.sentence] = i;
        }
        for s in (0..sentences.len()).rev() {
            sentence_first_token[s] = sentence_first_token[s].min(sentence_first_token[s + 1]);
        }
        let mut mention_ending_at = vec![None; tokens.len()];
        let mut mention_starting_at = vec![None; tokens.len()];
        for (m, mention) in found.mentions.iter().enumerate() {
            let outer = mention_ending_at[mention.last].is_none_or(|prev: usize| found.mentions[prev].first > mention.first);
            if outer {
                mention_ending_at[mention.last] = Some(m);
            }
            mention_starting_at[mention.first].get_or_insert(m);
        }
        Attributor {
            text,
            lower_text,
            paragraphs,
            sentences,
            roster,
            tokens,
            found,
            sentence_first_token,
            mention_ending_at,
            mention_starting_at,
            speakers_by_sentence: vec![Vec::new(); sentences.len()],
        }
    }

    /// Attributes every quote (in text order). Returns one attribution per quote.
    pub fn attribute_all(&mut self, quotes: &[Quote]) -> Vec<Attribution> {
        let mut out: Vec<Attribution> = Vec::with_capacity(quotes.len());
        for (i, q) in quotes.iter().enumerate() {
            let role = self.paragraphs[q.paragraph].role;
            let attribution = match role {
                Role::Furniture => Attribution::none(Method::Furniture),
                Role::Headline => self.headline(q),
                Role::Body => self.body(quotes, i, &out),
            };
            if let Some(Speaker::Entity(e)) = &attribution.speaker {
                if let Some(s) = self.sentence_at(q.end.saturating_sub(1)) {
                    self.speakers_by_sentence[s].push(*e);
                }
            }
            out.push(attribution);
        }
        self.share_across_paragraphs(quotes, &mut out);
        out
    }

    /// Final names for a speaker.
    pub fn speaker_name(&self, speaker: &Speaker) -> SpeakerName {
        let entity_name = |e: usize| {
            let entity = &self.found.entities[e];
            match entity.roster {
                Some(o) => (self.roster.officials[o].name.clone(), Some(self.roster.officials[o].id.clone())),
                None => (entity.name.clone(), None),
            }
        };
        match speaker {
            Speaker::Entity(e) => {
                let (name, id) = entity_name(*e);
                SpeakerName { name, id }
            }
            Speaker::Joint(list) => {
                let names: Vec<String> = list.iter().map(|&e| entity_name(e).0).collect();
                SpeakerName { name: names.join(" and "), id: None }
            }
            Speaker::Org(name) => SpeakerName { name: name.clone(), id: None },
            Speaker::Named(name, official) => match official {
                Some(o) => SpeakerName { name: self.roster.officials[*o].name.clone(), id: Some(self.roster.officials[*o].id.clone()) },
                None => SpeakerName { name: name.clone(), id: None },
            },
        }
    }

    /// The sentence holding byte offset `at`.
    pub fn sentence_at(&self, at: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.end <= at);
        (i < self.sentences.len() && self.sentences[i].span.start <= at).then_some(i)
    }

    fn token_text(&self, i: usize) -> &'a str {
        self.tokens[i].text(self.text)
    }

    /// The token in lower case (ASCII letters; offsets are those of the text).
    fn lower(&self, i: usize) -> &str {
        &self.lower_text[self.tokens[i].start..self.tokens[i].end]
    }

    /// A reporting verb outside quotes, in lower case (`States` in `the United States` is not
    /// the verb `states`).
    fn is_reporting_verb_at(&self, k: usize) -> bool {
        let t = self.tokens[k];
        if t.in_quote || t.kind != TokenKind::Word || t.is_capitalised(self.text) {
            return false;
        }
        // `went on about`: speech, though `went` alone is not.
        if matches!(self.token_text(k), "went" | "goes" | "go" | "going") {
            return self.tokens.get(k + 1).is_some_and(|n| n.text(self.text) == "on") && self.tokens.get(k + 2).is_some_and(|n| matches!(n.text(self.text), "about" | "to" | "," | ":"));
        }
        if !lexicon::is_reporting_verb(self.token_text(k)) {
            return false;
        }
        // `of state`, `the reports`: a noun after a determiner or preposition.
        let word = self.token_text(k);
        let inflected = word.ends_with("ed") || word.ends_with("ing") || matches!(word, "said" | "told" | "wrote" | "spoke");
        !(k > 0 && !inflected && lexicon::is_determiner(self.lower(k - 1)))
    }

    fn sentence_tokens(&self, s: usize) -> std::ops::Range<usize> {
        self.sentence_first_token[s]..self.sentence_first_token[s + 1]
    }

    /// First token at or after byte offset `at`.
    fn token_at_or_after(&self, at: usize) -> usize {
        self.tokens.partition_point(|t| t.start < at)
    }

    fn mention_text(&self, m: &Mention) -> String {
        self.text[self.tokens[m.first].start..self.tokens[m.last].end].split_whitespace().collect::<Vec<_>>().join(" ")
    }

    // --- running text ----------------------------------------------------------------------

    fn body(&mut self, quotes: &[Quote], index: usize, earlier: &[Attribution]) -> Attribution {
        let q = quotes[index];
        let (Some(s_open), Some(s_close)) = (self.sentence_at(q.open), self.sentence_at(q.end.saturating_sub(1).max(q.start))) else {
            return Attribution::none(Method::None);
        };
        if let Some(a) = self.cue_after(&q, s_close) {
            return a;
        }
        if let Some(a) = self.cue_before(&q, s_open) {
            return a;
        }
        if let Some(a) = self.according_to_after(&q, s_close) {
            return a;
        }
        if let Some(a) = self.colon_intro(&q, s_open) {
            return a;
        }
        // An earlier quote of the same paragraph, with nobody else named in between.
        if let Some(prev) = (0..index).rev().find(|&j| quotes[j].paragraph == q.paragraph) {
            if let Some(speaker) = earlier[prev].speaker.clone() {
                if !self.other_subject_between(quotes[prev].close, q.open, &speaker) {
                    return Attribution { speaker: Some(speaker), cue: String::new(), mention: String::new(), method: Method::Continuation, confidence: 0.8 };
                }
            }
        }
        if let Some(a) = self.previous_sentence_speaker(&q, s_open) {
            return a;
        }
        if (0..index).any(|j| quotes[j].paragraph == q.paragraph) {
            return Attribution::none(Method::None);
        }
        // A paragraph that opens with the quote continues the previous paragraph's speaker.
        let para_start = self.paragraphs[q.paragraph].start;
        if q.open == para_start || q.continued {
            if let Some(speaker) = self.last_speaker_before_paragraph(quotes, index, earlier) {
                return Attribution { speaker: Some(speaker), cue: String::new(), mention: String::new(), method: Method::Continuation, confidence: 0.75 };
            }
        }
        Attribution::none(Method::None)
    }

    /// Whether the quote's words end open (`…,”`, `…?”`, `…,’”`) so that a cue may follow.
    fn ends_open(&self, q: &Quote) -> bool {
        let inner = self.text[q.start..q.end].trim_end().trim_end_matches(['’', '\'', '”', '"']);
        let after = self.text[q.close..].trim_start().chars().next();
        matches!(inner.chars().next_back(), Some(',' | '?' | '!' | '—' | '–' | '-' | '…')) || matches!(after, Some(',' | '—' | '–' | '―' | '-'))
    }

    /// Rule 1: a cue after the closing mark: `…,” she mentioned`, `…,” White House press
    /// secretary Josh Earnest said`, `…," said Donna Brazile`, `…” ― Sonya Herridge`, or, after
    /// a quote that does not end open, a sentence-final `…, Warren said.`
    fn cue_after(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
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
    fn mention_after(&self, k: usize, end: usize) -> Option<usize> {
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

    /// Skips auxiliaries, adverbs, times and parentheses from token `k`; returns the next token.
    fn skip_gap(&self, mut k: usize, end: usize) -> usize {
        while k < end {
            let t = self.tokens[k];
            if t.kind == TokenKind::Word && lexicon::is_gap_word(self.lower(k)) {
                k += 1;
            } else if t.is_punct(self.text, '(') {
                match (k + 1..end.min(k + 12)).find(|&j| self.tokens[j].is_punct(self.text, ')')) {
                    Some(close) => k = close + 1,
                    None => break,
                }
            } else {
                break;
            }
        }
        k
    }

    /// Rule 2: the last reporting verb (or `according to`) before the quote in its sentence.
    /// A verb in a relative clause with no named subject (`anybody who complains`) is passed
    /// over; any other verb whose subject is unknown (`the statement said`) ends the search.
    fn cue_before(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
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
    fn according_to(&mut self, k: usize, end: usize) -> Option<Option<Attribution>> {
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

    fn as_according(&self, mut a: Attribution) -> Attribution {
        if a.speaker.is_some() && a.method == Method::Name {
            a.method = Method::AccordingTo;
        }
        a
    }

    /// The subject of the reporting verb at token `v`: the mention that ends just before it, past
    /// auxiliaries, adverbs, times, parentheses and a relative `who`. A participle or infinitive
    /// (`stating`, `to accuse`) with no such subject takes the subject of its clause. `None` if
    /// something else (a noun like `statement`) stands there: its speaker is then unknown, not
    /// an earlier name. Tokens before `from` are not looked at.
    fn subject_of(&self, v: usize, from: usize) -> Option<usize> {
        // `Zakharova quoted Lavrov as saying`: the speaker is the one quoted, right before `as`.
        if v >= from + 2 && self.lower(v - 1) == "as" && self.lower(v) == "saying" {
            if let Some(m) = self.mention_ending_at[v - 2] {
                return (!self.found.mentions[m].possessive).then_some(m);
            }
        }
        let non_finite = self.lower(v).ends_with("ing") || (v > from && self.lower(v - 1) == "to");
        let mut k = if non_finite && self.lower(v - 1) == "to" { v - 1 } else { v };
        while k > from {
            let j = k - 1;
            if let Some(m) = self.mention_ending_at[j] {
                let mention = &self.found.mentions[m];
                // A place before `, arguing` is no subject: the clause's subject is.
                if non_finite && matches!(mention.kind, MentionKind::Org) {
                    break;
                }
                return (!mention.possessive).then_some(m);
            }
            let t = self.tokens[j];
            if t.kind == TokenKind::Word && lexicon::is_gap_word(self.lower(j)) {
                k = j;
            } else if t.is_punct(self.text, ')') {
                k = (from..j).rev().find(|&p| self.tokens[p].is_punct(self.text, '('))?;
            } else if t.is_punct(self.text, ',') {
                // Skip a comma-delimited time, adverb or prepositional phrase (`, 29 October,`,
                // `, at a later press gaggle,`).
                let inner_start = (from..j).rev().take(16).find(|&p| self.tokens[p].is_punct(self.text, ','));
                let Some(p) = inner_start else { break };
                let phrase = p + 1..j;
                let skippable = !phrase.is_empty()
                    && (phrase.clone().all(|x| self.is_gap_token(x)) || self.is_adverbial_phrase(phrase.start, j));
                if !skippable {
                    // The comma closes an appositive that belongs to the mention before it.
                    if let Some(m) = self.mention_ending_at[j - 1] {
                        let mention = &self.found.mentions[m];
                        if non_finite && matches!(mention.kind, MentionKind::Org) {
                            break;
                        }
                        return (!mention.possessive).then_some(m);
                    }
                    break;
                }
                k = p;
            } else {
                break;
            }
        }
        if non_finite {
            let s = self.tokens[v].sentence;
            return self.clause_subject(s, from.max(self.sentence_tokens(s).start), v);
        }
        None
    }

    /// A phrase that opens with a preposition or participle (`at a later press gaggle`,
    /// `speaking to reporters`) and names nobody: it may stand between a subject and its verb.
    fn is_adverbial_phrase(&self, start: usize, end: usize) -> bool {
        let opener = self.lower(start);
        let opens = matches!(opener, "at" | "in" | "on" | "during" | "after" | "before" | "from" | "with" | "for" | "while" | "like" | "as" | "speaking" | "addressing" | "writing" | "asked" | "when" | "in an") || (opener.ends_with("ing") && self.tokens[start].kind == TokenKind::Word);
        let names_nobody = |x: usize| self.mention_starting_at[x].is_none_or(|m| self.found.mentions[m].possessive || matches!(self.found.mentions[m].kind, MentionKind::Org));
        opens && (start..end).all(|x| self.tokens[x].kind == TokenKind::Word && names_nobody(x))
    }

    fn is_gap_token(&self, k: usize) -> bool {
        let t = self.tokens[k];
        t.kind == TokenKind::Word && lexicon::is_gap_word(self.lower(k))
    }

    /// The subject of the clause before token `before` in sentence `s`: the first person-like
    /// mention (not possessive, not an organisation) that a verb follows; failing that, the first
    /// person-like mention.
    fn clause_subject(&self, s: usize, from: usize, before: usize) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.found.mentions.len())
            .filter(|&m| {
                let x = &self.found.mentions[m];
                x.sentence == s && x.first >= from && x.last < before && !x.possessive && !matches!(x.kind, MentionKind::Org)
            })
            .collect();
        let followed_by_verb = |m: usize| {
            let next = self.skip_gap(self.found.mentions[m].last + 1, before.max(self.found.mentions[m].last + 1));
            next < self.tokens.len() && self.tokens[next].kind == TokenKind::Word && !self.tokens[next].is_capitalised(self.text) && !lexicon::is_non_verb(self.lower(next))
        };
        candidates.iter().copied().find(|&m| followed_by_verb(m)).or_else(|| candidates.first().copied())
    }

    /// Rule 3: `according to X` after the quote in its sentence, or in the next sentence of the
    /// paragraph when that sentence quotes nobody itself.
    fn according_to_after(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
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
    fn colon_intro(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
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
    fn other_subject_between(&self, from: usize, to: usize, speaker: &Speaker) -> bool {
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
    fn last_speaker_before_paragraph(&mut self, quotes: &[Quote], index: usize, earlier: &[Attribution]) -> Option<Speaker> {
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
    fn previous_sentence_speaker(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
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

    /// Resolves a subject mention found for the reporting verb at `v`, noticing `X and Y said`.
    fn resolved_subject(&mut self, m: usize, v: usize) -> Option<Attribution> {
        if let Some((m1, m2)) = self.coordinated(m, v) {
            let (MentionKind::Name(e1), MentionKind::Name(e2)) = (&self.found.mentions[m1].kind, &self.found.mentions[m2].kind) else { unreachable!() };
            let speaker = Speaker::Joint(vec![*e1, *e2]);
            let text = format!("{} and {}", self.mention_text(&self.found.mentions[m1]), self.mention_text(&self.found.mentions[m2]));
            return Some(Attribution { speaker: Some(speaker), cue: self.token_text(v).to_string(), mention: text, method: Method::Joint, confidence: 0.85 });
        }
        self.resolved(m, self.token_text(v), 0.95)
    }

    /// `Vladimir Putin and Joe Biden`: two people joined by `and`, one of them mention `m`, both
    /// before token `v`. Returns the two mentions in text order.
    fn coordinated(&self, m: usize, v: usize) -> Option<(usize, usize)> {
        let person = |x: usize| matches!(self.found.mentions[x].kind, MentionKind::Name(e) if self.found.entities[e].person && !self.found.mentions[x].possessive);
        let mention = &self.found.mentions[m];
        if !person(m) {
            return None;
        }
        if mention.first >= 2 && self.lower(mention.first - 1) == "and" {
            if let Some(m1) = self.mention_ending_at[mention.first - 2].filter(|&x| person(x)) {
                return Some((m1, m));
            }
        }
        let and = mention.last + 1;
        if and + 1 < v && self.lower(and) == "and" {
            if let Some(m2) = self.mention_starting_at[and + 1].filter(|&x| person(x) && self.found.mentions[x].last < v) {
                return Some((m, m2));
            }
        }
        None
    }

    /// Turns a mention into an attribution with the given cue, resolving pronouns and roles.
    fn resolved(&mut self, m: usize, cue: &str, confidence: f32) -> Option<Attribution> {
        let mention = self.found.mentions[m].clone();
        let words = self.mention_text(&mention);
        let (speaker, method, confidence) = match &mention.kind {
            MentionKind::Name(e) => {
                let entity = &mut self.found.entities[*e];
                let org_like = !entity.person && lexicon::is_org_word(&entity.surname);
                if org_like {
                    (Speaker::Org(words.clone()), Method::Name, confidence)
                } else {
                    entity.person = true;
                    (Speaker::Entity(*e), Method::Name, confidence)
                }
            }
            MentionKind::Org => (Speaker::Org(strip_article(&words)), Method::Name, confidence * 0.9),
            MentionKind::Pronoun(gender) => {
                let (e, distance) = self.resolve_pronoun(mention.first, *gender)?;
                let penalty = 0.05 * distance as f32;
                (Speaker::Entity(e), Method::Pronoun, (0.85 - penalty).max(0.5))
            }
            MentionKind::Role(role) => {
                // `the Russian envoy to the UN, Vassily Nebenzia,`: the name that follows.
                if let Some(named) = self.name_in_apposition(&mention) {
                    return self.resolved(named, cue, confidence);
                }
                if !role.definite {
                    return None;
                }
                (Speaker::Entity(self.resolve_role(mention.first, role)?), Method::Role, 0.8)
            }
        };
        Some(Attribution { speaker: Some(speaker), cue: cue.to_string(), mention: words, method, confidence })
    }

    // --- resolution -------------------------------------------------------------------------

    /// A name set off by a comma right after a role phrase, a few words on at most.
    fn name_in_apposition(&self, role: &Mention) -> Option<usize> {
        let sentence = self.sentence_tokens(role.sentence);
        let comma = (role.last + 1..sentence.end.min(role.last + 6)).find(|&j| self.tokens[j].kind != TokenKind::Word)?;
        if !self.tokens[comma].is_punct(self.text, ',') {
            return None;
        }
        let m = self.mention_starting_at.get(comma + 1).copied().flatten()?;
        let named = &self.found.mentions[m];
        matches!(named.kind, MentionKind::Name(e) if self.found.entities[e].person && !named.possessive).then_some(m)
    }

    /// Resolves `he` / `she` at token `at`: the sentences before it (and the start of its own),
    /// nearest first, within two paragraphs; in each, speakers first, then the subject, then
    /// other named people. Returns the entity and how many sentences back it was found.
    fn resolve_pronoun(&self, at: usize, gender: Gender) -> Option<(usize, usize)> {
        let s0 = self.tokens[at].sentence;
        let p0 = self.sentences[s0].paragraph;
        let fits = |e: usize| {
            let entity = &self.found.entities[e];
            entity.person && entity.gender.is_none_or(|g| g == gender)
        };
        for (distance, s) in (0..=s0).rev().enumerate() {
            let sentence = self.sentences[s];
            if sentence.paragraph + 2 < p0 {
                break;
            }
            if self.paragraphs[sentence.paragraph].role != Role::Body {
                continue;
            }
            let before = |m: &Mention| m.sentence == s && (s != s0 || m.last < at);
            if let Some(&e) = self.speakers_by_sentence[s].iter().rev().find(|&&e| fits(e)) {
                return Some((e, distance));
            }
            let mentions: Vec<&Mention> = self.found.mentions.iter().filter(|m| before(m)).collect();
            // The subject: the first mention that is no possessive.
            if let Some(subject) = mentions.iter().find(|m| !m.possessive && !matches!(m.kind, MentionKind::Org)) {
                if let Some(e) = self.entity_of(subject) {
                    if fits(e) {
                        return Some((e, distance));
                    }
                }
            }
            for m in mentions.iter().rev() {
                if let MentionKind::Name(e) = m.kind {
                    if fits(e) {
                        return Some((e, distance));
                    }
                }
            }
        }
        None
    }

    /// The entity a mention stands for, where it is a name (pronouns and roles are not chased
    /// further here: the subject of an earlier sentence resolved through them was already a
    /// speaker and so found first).
    fn entity_of(&self, m: &Mention) -> Option<usize> {
        match m.kind {
            MentionKind::Name(e) => Some(e),
            _ => None,
        }
    }

    /// Resolves a definite role phrase at token `at`: the one person before it (within six
    /// paragraphs) whose roles fit (`the diplomat` fits an ambassador; `the minister` does not
    /// fit a deputy minister), with no conflicting gender. Two different people fitting is no
    /// answer.
    fn resolve_role(&self, at: usize, role: &RolePhrase) -> Option<usize> {
        let p0 = self.sentences[self.tokens[at].sentence].paragraph;
        let mut found = None;
        for m in self.found.mentions.iter().rev() {
            if m.last >= at {
                continue;
            }
            if self.sentences[m.sentence].paragraph + 6 < p0 {
                break;
            }
            let MentionKind::Name(e) = m.kind else { continue };
            let entity = &self.found.entities[e];
            if !entity.person || (role.gender.is_some() && entity.gender.is_some() && role.gender != entity.gender) {
                continue;
            }
            // `the Russian diplomat` is not the Turkish minister (unknown nationality fits).
            if let Some(n) = &role.nationality {
                let known: Vec<&String> = entity.roles.iter().filter(|r| lexicon::is_nationality(r)).collect();
                if !known.is_empty() && !known.contains(&n) {
                    continue;
                }
            }
            let is_deputy = entity.roles.iter().any(|r| r == "deputy" || r == "vice");
            if is_deputy && !role.deputy && matches!(role.head.as_str(), "minister" | "secretary" | "director" | "chief" | "head" | "president") {
                continue;
            }
            if entity.roles.iter().any(|r| lexicon::role_implies(r, &role.head)) {
                found = match found {
                    None => Some(e),
                    Some(first) if first == e => Some(first),
                    // Two different people fit (`Lavrov … Turkish Foreign Minister Mevlut
                    // Cavusoglu … the minister said`): too unsure to name either.
                    Some(_) => return None,
                };
            }
        }
        found
    }

    // --- headlines and multi-paragraph quotes ----------------------------------------------

    fn headline(&self, q: &Quote) -> Attribution {
        let p = self.paragraphs[q.paragraph];
        match headline_speaker(&self.text[p.start..p.end], self.roster) {
            Some((name, official, cue)) => Attribution {
                speaker: Some(Speaker::Named(name.clone(), official)),
                cue,
                mention: name,
                method: Method::Headline,
                confidence: 0.6,
            },
            None => Attribution::none(Method::None),
        }
    }

    /// A quotation that runs over several paragraphs has one speaker: the first one found on
    /// any of its pieces goes to the pieces that found none.
    fn share_across_paragraphs(&self, quotes: &[Quote], out: &mut [Attribution]) {
        let mut i = 0;
        while i < quotes.len() {
            let mut j = i;
            while j + 1 < quotes.len() && quotes[j].continues && quotes[j + 1].continued {
                j += 1;
            }
            if j > i {
                if let Some(found) = (i..=j).find(|&k| out[k].speaker.is_some() && out[k].method != Method::Continuation).map(|k| out[k].clone()) {
                    for attribution in out[i..=j].iter_mut().filter(|a| a.speaker.is_none() || a.method == Method::Continuation) {
                        *attribution = Attribution { method: Method::Continuation, confidence: found.confidence.min(0.8), ..found.clone() };
                    }
                }
            }
            i = j + 1;
        }
    }
}

fn strip_article(words: &str) -> String {
    words.strip_prefix("the ").or_else(|| words.strip_prefix("The ")).unwrap_or(words).to_string()
}

/// Reads a speaker from a headline: `… 'Encouraging,' But Differences Remain - Lavrov`,
/// `Lavrov: '…'`, `'…', Lavrov says`. Returns the name, roster index and cue.
pub fn headline_speaker(headline: &str, roster: &Roster) -> Option<(String, Option<usize>, String)> {
    let trimmed = headline.trim().trim_end_matches('.');
    let candidate = |name: &str| -> Option<(String, Option<usize>)> {
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.is_empty() || words.len() > 4 || !words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase)) {
            return None;
        }
        let words: Vec<&str> = words.into_iter().skip_while(|w| lexicon::title(w).is_some()).collect();
        if words.is_empty() || words.iter().any(|w| lexicon::is_org_word(w) || lexicon::is_not_name(w)) {
            return None;
        }
        let official = roster.lookup(&words);
        let person = official.is_some() || lexicon::given_name(words[0]).is_some() || words.len() >= 2;
        person.then(|| (words.join(" "), official))
    };
    // `… - Lavrov` / `…: Lavrov`
    for sep in [" - ", " – ", " — ", ": "] {
        if let Some((_, tail)) = trimmed.rsplit_once(sep) {
            if let Some((name, official)) = candidate(tail) {
                return Some((name, official, sep.trim().to_string()));
            }
        }
    }
    // `Lavrov: '…'`
    if let Some((head, _)) = trimmed.split_once(": ") {
        if let Some((name, official)) = candidate(head) {
            return Some((name, official, ":".into()));
        }
    }
    // `…, Lavrov says`
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    if let Some(pos) = words.iter().rposition(|w| matches!(*w, "says" | "said" | "warns" | "tells")) {
        for len in 1..=3.min(pos) {
            let name = words[pos - len..pos].join(" ");
            if let Some((name, official)) = candidate(name.trim_start_matches(',')) {
                return Some((name, official, words[pos].into()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::pipeline::analyze;
    use crate::read::Article;
    use crate::roster::Roster;

    /// Speaker (or "-") of each quotation in `text`.
    fn speakers(text: &str) -> Vec<String> {
        let roster = Roster::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roster.toml"))).unwrap();
        let article = Article { id: "t".into(), text: text.into(), source: "t".into(), title: Some(String::new()), ..Article::default() };
        analyze(&article, &roster).into_iter().map(|r| r.speaker.unwrap_or_else(|| "-".into())).collect()
    }

    #[test]
    fn possessive_is_never_the_speaker() {
        assert_eq!(speakers("“We see no progress,” said Lavrov’s deputy Sergei Ryabkov."), vec!["Sergei Ryabkov"]);
        assert_eq!(speakers("“We see no progress,” Lavrov’s deputy Sergei Ryabkov said."), vec!["Sergei Ryabkov"]);
    }

    #[test]
    fn quoted_as_saying_gives_the_quote_to_the_one_quoted() {
        assert_eq!(speakers("Maria Zakharova quoted Sergei Ryabkov as saying “the talks were useful.”"), vec!["Sergei Ryabkov"]);
    }

    #[test]
    fn unknown_subjects_block_earlier_names() {
        assert_eq!(speakers("Sergey Lavrov arrived in Geneva. “The talks will be hard,” a source told reporters."), vec!["-"]);
        assert_eq!(speakers("Sergey Lavrov arrived in Geneva. The ministry said the talks were “constructive.”"), vec!["-"]);
    }
}

