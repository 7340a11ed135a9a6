//! Stage 5: attribute each quotation to its speaker.
//!
//! For a quote in running text the rules are tried in this order, first hit wins (see `cues`):
//! 1. a cue right after the quote: `…,” she mentioned`, `…," said Donna Brazile`, `…” ― Sonya
//!    Herridge`; after an embedded quote only a sentence-final `…, Warren said.`;
//! 2. the last reporting verb before the quote in its sentence, and that verb's subject
//!    (`subject`): `Vassily Nebenzia, Russia's permanent representative …, asserted that …
//!    "complex"`; or `according to X` / `according to her` before it;
//! 3. `according to X` after the quote in its sentence, or in the next sentence;
//! 4. a quote introduced by a colon takes the subject of its clause;
//! 5. a later quote of the same paragraph continues the earlier one's speaker; a quote that opens
//!    its sentence continues the speaker of the sentence before;
//! 6. a paragraph that opens with a quote and has no cue continues the last speaker of the
//!    paragraph before (the newspaper convention for stand-alone quote paragraphs).
//!
//! Mentions (`mentions`) are then resolved (`resolve`): names through the per-article entities
//! (and the roster), `he` / `she` to the most salient person of that gender in the sentences
//! before (speakers first, then sentence subjects, then other names), role phrases (`the
//! diplomat`, `the minister`) to the one person holding a fitting role. Anything that cannot be
//! resolved with confidence leaves the speaker empty: a wrong attribution is worse than a missing
//! one. Quotes in page furniture are never attributed; quotes in the headline only through
//! headline patterns (`headline`).

pub mod calibrate;
pub mod candidates;
pub(crate) mod choose;
mod cues;
pub mod features;
mod headline;
pub mod lexicon;
pub mod mentions;
pub mod ranker;
mod resolve;
mod structure;
mod subject;
pub mod tokens;
pub mod train;

pub use headline::headline_speaker;

use crate::clean::{Paragraph, Role};
use crate::quote::Quote;
use crate::record::QuoteKind;
use crate::roster::Roster;
use crate::split::Sentence;
use crate::syntax::ParsedSentence;
pub use choose::{SpeakerChooser, MODEL_FILE, SPEAKER_MODEL_DIR};
use mentions::{Mention, MentionKind, Mentions};
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
    /// A speaker label of a transcript or interview (`LAVROV:`, `Answer:`).
    Label,
    /// A paragraph in a list of one person's remarks (`Here are Lavrov's comments:`).
    List,
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
            Method::Label => "label",
            Method::List => "list",
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
    /// A name read from a headline pattern (or a role-only phrase mapped through the roster's
    /// tenures), with its roster index if it is an official.
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
    /// Byte offset where the mention starts in the text (`None` for continuations and headlines).
    pub mention_start: Option<usize>,
    /// Who relayed the words, when the speaker's words come through someone else (`she
    /// commented on Zelensky's wish to "…"`: Zelensky speaks, she relayed them).
    pub reported_by: Option<Speaker>,
    /// `term` or `title` for quotation marks that are not speech (a scare-quoted term, a
    /// publication's name, words put to the speaker); `None` leaves the kind to the layout.
    pub kind: Option<QuoteKind>,
}

impl Attribution {
    fn none(method: Method) -> Attribution {
        Attribution { speaker: None, cue: String::new(), mention: String::new(), method, confidence: 0.0, mention_start: None, reported_by: None, kind: None }
    }
}

/// What a cue rule found for a quote (a rule that does not apply answers `None` instead).
pub(crate) enum Found {
    /// The speaker, and how it was found.
    Speaker(Attribution),
    /// A cue whose speaker cannot be named (`a source told TASS`, `the ministry said`, an
    /// unresolvable `she said`): the quote stays unattributed, and no continuation rule may
    /// hand it to an earlier speaker.
    Unknown,
}

impl From<Option<Attribution>> for Found {
    fn from(a: Option<Attribution>) -> Found {
        a.map_or(Found::Unknown, Found::Speaker)
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
    /// For each sentence, the range of its mentions (mentions come in text order).
    mention_ranges: Vec<std::ops::Range<usize>>,
    /// Every mention, ordered by first and then last token (candidates are found by binary search).
    mentions_in_order: Vec<usize>,
    /// How many times each entity is named in the article (salience, for the ranker).
    entity_mentions: Vec<usize>,
    /// What the syntax stage found in each sentence (`None` where it did not look).
    parsed: Vec<Option<ParsedSentence>>,
    /// The learned speaker chooser; `None` leaves the choice to the rules.
    chooser: Option<&'a SpeakerChooser>,
    /// The article's published date (`YYYY-MM-DD`): role-only phrases name an official only on
    /// a date inside a tenure of theirs (`roster::Tenure`).
    date: Option<String>,
    /// Country words outside quotes in the article, found on first need (`resolve::role_holder`).
    countries: std::cell::OnceCell<Vec<String>>,
    /// For each role noun, the country words of the article's phrases with it (by first token).
    role_countries: std::cell::RefCell<std::collections::HashMap<String, Vec<(usize, String)>>>,
    /// What the document's structure says about each paragraph (labels, lists of remarks).
    turns: Vec<Option<structure::Turn>>,
    /// Training only: each body quote's candidates and their features, with the rules' choice.
    pub(crate) collected: Option<Vec<CollectedQuote>>,
}

/// A quote's candidates and features, as collected for training.
#[derive(Debug, Clone)]
pub struct CollectedQuote {
    pub quote: usize,
    pub candidates: Vec<candidates::Candidate>,
    pub features: Vec<Vec<f32>>,
    /// For each candidate, who it resolves to (equal keys: the same speaker).
    pub keys: Vec<String>,
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
            // Where an organisation and a role phrase start together (`the Russian Foreign
            // Ministry spokeswoman`), the role phrase is the one meant.
            let slot = &mut mention_starting_at[mention.first];
            if slot.is_none_or(|prev: usize| matches!(found.mentions[prev].kind, MentionKind::Org) && !matches!(mention.kind, MentionKind::Org)) {
                *slot = Some(m);
            }
        }
        let mut mention_ranges = vec![0..0; sentences.len()];
        for (m, mention) in found.mentions.iter().enumerate() {
            let range = &mut mention_ranges[mention.sentence];
            if range.end == 0 {
                *range = m..m + 1;
            } else {
                range.end = m + 1;
            }
        }
        let mut mentions_in_order: Vec<usize> = (0..found.mentions.len()).collect();
        mentions_in_order.sort_by_key(|&m| (found.mentions[m].first, found.mentions[m].last));
        let mut entity_mentions = vec![0; found.entities.len()];
        for m in &found.mentions {
            if let MentionKind::Name(e) = m.kind {
                entity_mentions[e] += 1;
            }
        }
        Attributor {
            entity_mentions,
            mention_ranges,
            mentions_in_order,
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
            parsed: vec![None; sentences.len()],
            chooser: None,
            date: None,
            countries: std::cell::OnceCell::new(),
            role_countries: Default::default(),
            turns: Vec::new(),
            collected: None,
        }
    }

    /// Gives the attribution the article's published date (`YYYY-MM-DD`), for role tenures.
    pub fn with_date(mut self, date: Option<&str>) -> Self {
        self.date = date.map(String::from);
        self
    }

    /// Gives the attribution what the syntax stage found, one entry per sentence.
    pub fn with_syntax(mut self, parsed: Vec<Option<ParsedSentence>>) -> Self {
        assert_eq!(parsed.len(), self.sentences.len(), "one parse slot per sentence");
        self.parsed = parsed;
        self
    }

    /// Lets the learned model choose among the candidates (the rules' answer is one of its features).
    pub fn with_chooser(mut self, chooser: Option<&'a SpeakerChooser>) -> Self {
        self.chooser = chooser;
        self
    }

    /// Attributes every quote (in text order). Returns one attribution per quote.
    pub fn attribute_all(&mut self, quotes: &[Quote]) -> Vec<Attribution> {
        let mut out: Vec<Attribution> = Vec::with_capacity(quotes.len());
        self.turns = self.find_turns();
        for (i, q) in quotes.iter().enumerate() {
            let role = self.paragraphs[q.paragraph].role;
            let term = if role == Role::Body && self.collected.is_none() { self.not_speech(q, true) } else { None };
            let mut attribution = match role {
                Role::Furniture => Attribution::none(Method::Furniture),
                Role::Headline => self.headline(q),
                Role::Body => match self.turns[q.paragraph].clone() {
                    // Quotation marks that are not speech (a term, a title) are nobody's.
                    _ if term.is_some() => Attribution { kind: term, ..Attribution::none(Method::None) },
                    // The document's structure decides, not the ranker (it cannot see it).
                    Some(turn) if self.collected.is_none() => self.in_turn(q, &turn),
                    _ => {
                        let rule = self.body(quotes, i, &out);
                        self.choose(quotes, i, &out, rule)
                    }
                },
            };
            // `the term "…"` that nobody is said to use.
            if role == Role::Body && attribution.speaker.is_none() && attribution.kind.is_none() && self.collected.is_none() {
                attribution.kind = self.not_speech(q, false);
            }
            if let Some(Speaker::Entity(e)) = &attribution.speaker {
                // Whoever speaks is a person (a bare `Nuland` was not known to be one).
                self.found.entities[*e].person = true;
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

    /// The surname of entity `e`.
    pub fn entity_surname(&self, e: usize) -> &str {
        &self.found.entities[e].surname
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
        // `Caddell continued:` or `…," he continued.` is speech; `will continue to make` is not.
        if matches!(self.token_text(k), "continue" | "continued" | "continues") {
            return self.tokens.get(k + 1).is_none_or(|n| n.sentence != t.sentence || n.kind != TokenKind::Word);
        }
        if !lexicon::is_reporting_verb(self.token_text(k)) {
            return false;
        }
        // `As Lavrov put it`: `put` reports speech only with `it`.
        if matches!(self.token_text(k), "put" | "puts" | "putting") && self.tokens.get(k + 1).is_none_or(|n| n.text(self.text) != "it") {
            return false;
        }
        // `Moscow would respond to …`: what someone will or would do is no report of speech.
        let mut before = k;
        while before > 0 && self.tokens[before - 1].sentence == t.sentence && matches!(self.lower(before - 1), "not" | "also" | "then" | "never" | "likely" | "probably" | "certainly") {
            before -= 1;
        }
        if before > 0 && self.tokens[before - 1].sentence == t.sentence && matches!(self.lower(before - 1), "would" | "will" | "could" | "should" | "might" | "must" | "can" | "may" | "shall") {
            return false;
        }
        // `of state`, `the reports`: a noun after a determiner or preposition; `to maintaining`,
        // `by repeating`: a gerund after a preposition.
        let word = self.token_text(k);
        let previous = if k > 0 && self.tokens[k - 1].sentence == t.sentence { self.lower(k - 1) } else { "" };
        if word.ends_with("ing") {
            return !(lexicon::is_determiner(previous) || matches!(previous, "to" | "about" | "after" | "before" | "without"));
        }
        let inflected = word.ends_with("ed") || matches!(word, "said" | "told" | "wrote" | "spoke");
        inflected || !lexicon::is_determiner(previous)
    }

    fn sentence_tokens(&self, s: usize) -> std::ops::Range<usize> {
        self.sentence_first_token[s]..self.sentence_first_token[s + 1]
    }

    /// First token at or after byte offset `at`.
    fn token_at_or_after(&self, at: usize) -> usize {
        self.tokens.partition_point(|t| t.start < at)
    }

    /// The mentions of sentence `s`.
    fn mentions_in(&self, s: usize) -> &[Mention] {
        &self.found.mentions[self.mention_ranges[s].clone()]
    }

    /// The mentions of sentence `s` that end before token `at`, ordered by first token (found by
    /// binary search, so a sentence with thousands of mentions costs only what is walked).
    fn mentions_before(&self, s: usize, at: usize) -> impl DoubleEndedIterator<Item = &Mention> + '_ {
        let order = &self.mentions_in_order;
        let mention = |m: usize| &self.found.mentions[m];
        let lo = order.partition_point(|&m| mention(m).sentence < s);
        let hi = order.partition_point(|&m| mention(m).sentence < s || (mention(m).sentence == s && mention(m).first < at));
        order[lo..hi].iter().map(move |&m| &self.found.mentions[m]).filter(move |m| m.last < at)
    }

    fn mention_text(&self, m: &Mention) -> String {
        self.text[self.tokens[m.first].start..self.tokens[m.last].end].split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn body(&mut self, quotes: &[Quote], index: usize, earlier: &[Attribution]) -> Attribution {
        let q = quotes[index];
        let (Some(s_open), Some(s_close)) = (self.sentence_at(q.open), self.sentence_at(q.end.saturating_sub(1).max(q.start))) else {
            return Attribution::none(Method::None);
        };
        // Rules 1 to 4: a cue of the quote's own.
        let found = self.cue_of_its_own(&q, s_open, s_close);
        match found {
            Some(Found::Speaker(a)) => return a,
            Some(Found::Unknown) => return Attribution::none(Method::None),
            None => {}
        }
        // Rule 5: an earlier quote of the same paragraph, with nobody else made to speak in
        // between; or the speaker of the sentence before.
        let continuation = |speaker: Speaker, confidence: f32| Attribution { speaker: Some(speaker), cue: String::new(), mention: String::new(), method: Method::Continuation, confidence, mention_start: None, reported_by: None, kind: None };
        if let Some(prev) = (0..index).rev().find(|&j| quotes[j].paragraph == q.paragraph) {
            if let Some(speaker) = earlier[prev].speaker.clone() {
                if !self.other_subject_between(quotes[prev].close, q.open, &speaker) {
                    return continuation(speaker, 0.8);
                }
            }
        }
        if let Some(a) = self.previous_sentence_speaker(&q, s_open) {
            return a;
        }
        if (0..index).any(|j| quotes[j].paragraph == q.paragraph) {
            return Attribution::none(Method::None);
        }
        // Rule 6: a paragraph that opens with the quote continues the previous paragraph's speaker.
        if q.open == self.paragraphs[q.paragraph].start || q.continued {
            if let Some(speaker) = self.last_speaker_before_paragraph(quotes, index, earlier) {
                return continuation(speaker, 0.75);
            }
        }
        Attribution::none(Method::None)
    }

    /// Rules 1 to 4: a cue of the quote's own (after it, before it, `according to`, a colon).
    /// An agency's frame (`…," Lavrov said on Monday, TASS reported`, `Lavrov said … "…,"
    /// TASS reported`) credits the speaker it reports, not the agency.
    fn cue_of_its_own(&mut self, q: &Quote, s_open: usize, s_close: usize) -> Option<Found> {
        let after = self.question_put(q, s_open).or_else(|| self.cue_after(q, s_close));
        if let Some(Found::Speaker(a)) = &after {
            if self.is_agency(a) {
                if let Some(cited) = self.citing_after(a) {
                    return Some(Found::Speaker(cited));
                }
                if let Some(Found::Speaker(b)) = self.cue_before(q, s_open) {
                    if !self.is_agency(&b) {
                        return Some(Found::Speaker(b));
                    }
                }
            }
        }
        after.or_else(|| self.cue_before(q, s_open)).or_else(|| self.according_to_after(q, s_close)).or_else(|| self.colon_intro(q, s_open))
    }

    /// The speaker a quote's own cue names, if any (for quotes inside a structure's turn).
    pub(super) fn own_cue(&mut self, q: &Quote) -> Option<Attribution> {
        let (s_open, s_close) = (self.sentence_at(q.open)?, self.sentence_at(q.end.saturating_sub(1).max(q.start))?);
        match self.cue_of_its_own(q, s_open, s_close)? {
            Found::Speaker(a) => Some(a),
            Found::Unknown => None,
        }
    }

    /// Whether the attribution names a news agency or outlet (`TASS`, `RIA Novosti`, `Reuters`).
    fn is_agency(&self, a: &Attribution) -> bool {
        let name = match &a.speaker {
            Some(Speaker::Org(name)) => name.as_str(),
            Some(Speaker::Entity(e)) if !self.found.entities[*e].person => self.found.entities[*e].name.as_str(),
            _ => return false,
        };
        name.split_whitespace().any(lexicon::is_news_agency)
    }

    /// `TASS reported, citing Sergey Lavrov`: the one cited, after an agency's cue.
    fn citing_after(&mut self, a: &Attribution) -> Option<Attribution> {
        let start = a.mention_start?;
        let s = self.sentence_at(start)?;
        let end = self.sentence_tokens(s).end;
        let from = self.token_at_or_after(start);
        let k = (from..end).find(|&k| matches!(self.lower(k), "citing" | "quoting"))?;
        let m = self.mention_after(k + 1, end)?;
        self.resolved(m, self.token_text(k), 0.85)
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

    fn is_gap_token(&self, k: usize) -> bool {
        let t = self.tokens[k];
        t.kind == TokenKind::Word && lexicon::is_gap_word(self.lower(k))
    }

    fn headline(&self, q: &Quote) -> Attribution {
        let p = self.paragraphs[q.paragraph];
        self.headline_attribution(&self.text[p.start..p.end])
    }

    /// The speaker of the quotes in a headline, by headline patterns only. A bare surname in a
    /// headline is a roster official only when the article confirms that official.
    pub fn headline_attribution(&self, headline: &str) -> Attribution {
        match headline_speaker(headline, self.roster) {
            Some((name, official, cue)) => Attribution {
                speaker: Some(Speaker::Named(name.clone(), official.filter(|&o| self.found.confirms_official(o)))),
                cue,
                mention: name,
                method: Method::Headline,
                confidence: 0.6,
                mention_start: None,
                reported_by: None,
                kind: None,
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


#[cfg(test)]
mod tests_tenure;

#[cfg(test)]
mod tests_structure;

#[cfg(test)]
mod tests_policy;
