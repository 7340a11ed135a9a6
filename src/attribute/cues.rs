//! Finding the cue of a quote: the reporting verb or phrase and the mention it points to,
//! after the quote, before it, in `according to X`, behind a colon, or in the sentence or
//! paragraph before (continuations).
//!
//! Each rule answers `None` when it does not apply, `Found::Speaker` when it names the speaker,
//! and `Found::Unknown` when it finds a cue whose speaker cannot be named (`a source told TASS`,
//! `the ministry said`, `she said` with no woman in sight): the quote then stays unattributed
//! and no later rule may hand it to an earlier speaker.

use super::lexicon;
use super::mentions::{Mention, MentionKind};
use super::tokens::TokenKind;
use super::{Attribution, Attributor, Found, Method, Speaker};
use crate::clean::Role;
use crate::quote::Quote;
use crate::roster::Gender;

/// How far back (in tokens) from a quote its clause and an `asked whether` are looked for.
const LOOK_BACK_TOKENS: usize = 400;

/// Nouns for words said, whose possessor is the speaker (`Blinken's claim that "…"`).
const SPEECH_NOUNS: &[&str] = &[
    "claim", "claims", "words", "remark", "remarks", "statement", "statements", "comment", "comments", "assertion",
    "warning", "accusation", "accusations", "allegation", "allegations", "promise", "pledge", "argument", "suggestion",
    "insistence", "description", "characterization", "view", "assessment", "demand", "demands",
    "wish", "wishes", "call", "calls", "proposal", "offer", "request", "appeal", "phrase", "threat", "threats", "vow",
];

impl Attributor<'_> {
    /// Whether the quote's words end open (`…,”`, `…?”`, `…,’”`) so that a cue may follow.
    pub(super) fn ends_open(&self, q: &Quote) -> bool {
        let inner = self.text[q.start..q.end].trim_end().trim_end_matches(['’', '\'', '”', '"']);
        let after = self.text[q.close..].trim_start().chars().next();
        matches!(inner.chars().next_back(), Some(',' | '?' | '!' | '—' | '–' | '-' | '…')) || matches!(after, Some(',' | '—' | '–' | '―' | '-'))
    }

    /// Rule 1: a cue after the closing mark: `…,” she mentioned`, `…,” White House press
    /// secretary Josh Earnest said`, `…," said Donna Brazile`, `…” ― Sonya Herridge`, or, after
    /// a quote that does not end open, a sentence-final `…, Warren said.`; also a short next
    /// sentence that only says who spoke (`"Yes." Lavrov said.`, `…?” Graham asked.`).
    pub(super) fn cue_after(&mut self, q: &Quote, s: usize) -> Option<Found> {
        let mut end = self.sentence_tokens(s).end;
        let mut k = self.token_at_or_after(q.close);
        let mut open = self.ends_open(q);
        if k >= end {
            let next = s + 1;
            if next >= self.sentences.len() || self.sentences[next].paragraph != self.sentences[s].paragraph || !self.is_bare_attribution(next) {
                return None;
            }
            end = self.sentence_tokens(next).end;
            open = true;
        }
        if k >= end {
            return None;
        }
        let dash = self.tokens[k].kind == TokenKind::Punct && matches!(self.token_text(k), "—" | "–" | "―" | "-" | "--");
        if self.tokens[k].kind == TokenKind::Punct && (dash || self.token_text(k) == ",") {
            k += 1;
        }
        // `'…' -- Lavrov`: a dash typed as two hyphens.
        if dash && k < end && self.tokens[k].is_punct(self.text, '-') {
            k += 1;
        }
        if k >= end {
            return None;
        }
        if dash {
            // `…” ― Sonya Herridge`: a name and nothing else.
            let m = self.mention_starting_at[k]?;
            let rest_is_end = (self.found.mentions[m].last + 1..end).all(|j| self.tokens[j].kind == TokenKind::Punct);
            return rest_is_end.then(|| Found::from(self.resolved(m, "—", 0.9)));
        }
        // `the "rules-based order," as Lavrov calls it,`: the one whose term it is.
        if k + 1 < end && self.lower(k) == "as" {
            if let Some(m) = self.mention_starting_at[k + 1].filter(|&m| !self.found.mentions[m].possessive) {
                let v = self.skip_gap(self.found.mentions[m].last + 1, end);
                if v < end && matches!(self.lower(v), "calls" | "called" | "puts" | "put" | "describes" | "described" | "dubs" | "dubbed" | "terms" | "termed" | "says" | "said" | "likes" | "liked") {
                    return Some(Found::from(self.resolved(m, self.token_text(v), 0.85)));
                }
            }
        }
        // `…,” she advised the Zvezda channel`: a name or pronoun, then any verb in -ed / -s.
        if open {
            if let Some(m) = self.mention_starting_at[k] {
                let verb = self.skip_gap(self.found.mentions[m].last + 1, end);
                if verb < end && self.tokens[verb].kind == TokenKind::Word && !self.tokens[verb].is_capitalised(self.text) {
                    let lower = self.lower(verb);
                    let loose = lower.ends_with("ed") || (lower.ends_with('s') && !lower.ends_with("ss"));
                    if self.is_reporting_verb_at(verb) || (loose && !lexicon::is_non_verb(lower)) {
                        return Some(self.speaker_of_verb(m, verb));
                    }
                }
            }
        }
        // The first reporting verb after an open quote, before any other quote; after any
        // other quote, a cue that closes the sentence (`…, Maria Zakharova said on Saturday.`).
        let after: Vec<usize> = (k..end).take_while(|&j| self.tokens[j].kind != TokenKind::Mark && !self.tokens[j].is_punct(self.text, ';')).collect();
        let v = if open {
            after.iter().copied().take(16).find(|&j| self.is_reporting_verb_at(j))?
        } else {
            after.iter().copied().rev().find(|&j| self.is_reporting_verb_at(j))?
        };
        // `…," said MSNBC host Chris Matthews`: the verb first (a finite one: `, adding that`
        // opens a clause instead).
        if self.skip_gap(k, end) == v && !self.lower(v).ends_with("ing") {
            if !open {
                return None;
            }
            return match self.mention_after(v + 1, end) {
                Some(m) => Some(Found::from(self.resolved(m, self.token_text(v), 0.95))),
                // `…," said a source close to …`: a speaker, unnamed; `…," compared to 11 %`: none.
                None => (v + 1 < end && matches!(self.lower(v + 1), "a" | "an" | "one" | "another" | "the" | "some" | "two" | "three")).then_some(Found::Unknown),
            };
        }
        let Some(m) = self.subject_of(v, k) else {
            // `…," a diplomatic source told TASS` / `…," the ministry said`: a cue, no name.
            // (`…”, adding that …` and `…,” and concluded …` belong to the clause before.)
            let finite = !self.lower(v).ends_with("ing");
            let coordinated = v > k && matches!(self.lower(v - 1), "and" | "but" | "or" | "then" | "yet");
            return (open && finite && !coordinated && v <= k + 6).then_some(Found::Unknown);
        };
        let first = self.found.mentions[m].first;
        if first < k {
            return None;
        }
        // After an open quote only a descriptor may stand between it and its speaker, no clause
        // (`…,” when Clinton blasted him` is no cue); after any other quote the cue must close
        // the sentence (`A cashier who “steals …” is held accountable, Warren said.`).
        let descriptor_only = first <= k + 6 && (k..first).all(|j| self.tokens[j].kind == TokenKind::Word && !lexicon::is_non_verb(self.lower(j)));
        // The cue closes the sentence: `, [descriptor words] Name said [on Saturday].`
        let comma = (k..first).rev().find(|&j| self.tokens[j].kind != TokenKind::Word || !(self.tokens[j].is_capitalised(self.text) || lexicon::role_noun(self.lower(j)).is_some() || lexicon::is_nationality(self.lower(j))));
        let closes_sentence = comma.is_some_and(|c| self.tokens[c].is_punct(self.text, ','))
            && (v + 1..end).all(|j| self.tokens[j].kind == TokenKind::Punct || self.is_gap_token(j) || self.tokens[j].is_capitalised(self.text));
        ((open && descriptor_only) || closes_sentence).then(|| self.speaker_of_verb(m, v))
    }

    /// A sentence that only says who spoke: a mention, a reporting verb, nothing much after
    /// (`Lavrov said.`, `Graham asked.`, `said the minister.`).
    fn is_bare_attribution(&self, s: usize) -> bool {
        let range = self.sentence_tokens(s);
        let words = range.clone().filter(|&j| self.tokens[j].kind == TokenKind::Word).count();
        if words == 0 || words > 8 || range.clone().any(|j| self.tokens[j].kind == TokenKind::Mark) {
            return false;
        }
        let Some(v) = range.clone().find(|&j| self.is_reporting_verb_at(j)) else { return false };
        self.subject_of(v, range.start).is_some() || self.mention_after(v + 1, range.end).is_some()
    }

    /// The speaker named with the reporting verb at `v` whose subject is mention `m`, or
    /// `Unknown` when that subject cannot be resolved or the verb is passive without an agent
    /// (`Lavrov was asked`).
    fn speaker_of_verb(&mut self, m: usize, v: usize) -> Found {
        match self.passive_agent(v) {
            Some(Some(agent)) => Found::from(self.resolved(agent, self.token_text(v), 0.9)),
            Some(None) => Found::Unknown,
            None => Found::from(self.resolved_subject(m, v)),
        }
    }

    /// The first person-like mention (name, pronoun or role phrase) that starts within a few
    /// words after token `k`, past descriptor words only (`said MSNBC host Chris Matthews`,
    /// `according to conservative talk radio host Rush Limbaugh`, `said the Rev. Peter
    /// Wherry`); function words end the descriptor (`said a source close to Lavrov` names
    /// nobody).
    pub(super) fn mention_after(&self, k: usize, end: usize) -> Option<usize> {
        let limit = end.min(k + 7);
        let person = |m: &Mention| !matches!(m.kind, MentionKind::Org);
        let descriptor_word = |j: usize| {
            let t = self.tokens[j];
            let lower = self.lower(j);
            (t.kind == TokenKind::Word && (lower == "the" || !lexicon::is_non_verb(lower))) || t.is_punct(self.text, '/') || t.is_punct(self.text, '-')
        };
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
            if !descriptor_word(j) {
                return org;
            }
        }
        org
    }

    /// The first token of the clause holding token `at` in sentence `s`: after a `;` or a
    /// `, but` / `, while` … that opens a clause with a subject of its own (`Lavrov said …, but
    /// Blinken hit back: "…"`).
    fn clause_start(&self, s: usize, at: usize) -> usize {
        let range = self.sentence_tokens(s);
        // A clause is looked for in a bounded window, so that a sentence of thousands of
        // quotes costs each quote the same (no real clause runs this long).
        let window_start = range.start.max(at.saturating_sub(LOOK_BACK_TOKENS));
        for j in (window_start..at.min(range.end)).rev() {
            let t = self.tokens[j];
            if t.in_quote {
                continue;
            }
            let conjunction = t.kind == TokenKind::Word && matches!(self.lower(j), "but" | "while" | "whereas" | "although" | "though" | "yet");
            // The comma may sit inside a closing quote: `called the talks "useful," but …`.
            let comma_before = |k: usize| k > range.start && (self.tokens[k - 1].is_punct(self.text, ',') || (k > range.start + 1 && self.tokens[k - 1].kind == TokenKind::Mark && self.tokens[k - 2].is_punct(self.text, ',')));
            let boundary = t.is_punct(self.text, ';') || (conjunction && comma_before(j));
            if boundary {
                // Only a clause that names someone of its own starts afresh (`…, but she knows`
                // goes on with the same speaker).
                let names_someone = self.mentions_before(s, at).rev().take_while(|m| m.first > j).any(|m| !m.possessive && !matches!(m.kind, MentionKind::Pronoun(_)));
                if names_someone {
                    return j + 1;
                }
            }
        }
        window_start
    }

    /// Rule 2: the last reporting verb (or `according to`, or a possessive speech noun such as
    /// `Blinken's claim that`) before the quote in its clause. A verb in a relative clause with
    /// no named subject (`anybody who complains`) or a word that may be a noun (`tweets`) is
    /// passed over; `said` and the like with an unknown subject make the speaker unknown.
    pub(super) fn cue_before(&mut self, q: &Quote, s: usize) -> Option<Found> {
        let range = self.sentence_tokens(s);
        let open = self.token_at_or_after(q.open);
        let from = self.clause_start(s, open);
        for v in (from..open.min(range.end)).rev() {
            let t = self.tokens[v];
            if t.in_quote || t.kind != TokenKind::Word {
                continue;
            }
            if let Some(found) = self.according_to(v, range.end) {
                return Some(Found::from(found));
            }
            if let Some(m) = self.speech_noun_owner(v, from, open) {
                let first = self.found.mentions[m].first;
                let found = self.resolved(m, self.token_text(v), 0.85).map(|a| self.with_relayer(a, from, first));
                return Some(Found::from(found));
            }
            if !self.is_reporting_verb_at(v) {
                continue;
            }
            // `quoted Merkel as saying "…"`: the one quoted speaks; `quoted U.S. officials as
            // saying` names nobody, and the quoting subject did not say it.
            if self.lower(v) == "saying" && v > from && self.lower(v - 1) == "as" {
                return Some(match self.subject_of(v, from) {
                    Some(m) if self.found.mentions[m].last + 2 == v => {
                        let first = self.found.mentions[m].first;
                        match self.speaker_of_verb(m, v) {
                            Found::Speaker(a) => Found::Speaker(self.with_relayer(a, from, first)),
                            unknown => unknown,
                        }
                    }
                    _ => Found::Unknown,
                });
            }
            if let Some(m) = self.subject_of(v, from) {
                return Some(self.speaker_of_verb(m, v));
            }
            let before = (from..v).rev().find(|&j| !self.is_gap_token(j) || matches!(self.lower(j), "who" | "that" | "which"));
            let relative = before.is_some_and(|j| matches!(self.lower(j), "who" | "that" | "which"));
            if !relative && (lexicon::is_unambiguous_verb(self.lower(v)) || self.passive_agent(v).is_some()) {
                return Some(Found::Unknown);
            }
        }
        None
    }

    /// `she commented on Zelensky's wish to "…"`, `Zakharova quoted Ryabkov as saying "…"`: the
    /// subject of the last reporting verb before token `before` (from `from` on) relayed the
    /// words of `a`'s speaker; it becomes `reported_by` when it is someone else.
    pub(super) fn with_relayer(&mut self, mut a: Attribution, from: usize, before: usize) -> Attribution {
        let Some(v) = (from..before).rev().find(|&v| self.is_reporting_verb_at(v) || matches!(self.lower(v), "quoted" | "quotes" | "cited" | "cites")) else { return a };
        let Some(m) = self.subject_of(v, from) else { return a };
        if let Some(relayer) = self.resolved(m, self.token_text(v), 0.9).and_then(|r| r.speaker) {
            if a.speaker.as_ref() != Some(&relayer) {
                a.reported_by = Some(relayer);
            }
        }
        a
    }

    /// The possessive owner of a speech noun at `v` whose words the quote at `open` gives
    /// (`Zelensky's claim that`, `Zelensky's recent claim that`), looking no further back than
    /// `from`.
    fn speech_noun_owner(&self, v: usize, from: usize, open: usize) -> Option<usize> {
        if v <= from || !SPEECH_NOUNS.contains(&self.lower(v)) || !self.speech_noun_holds(v, open) {
            return None;
        }
        let adjective = |j: usize| self.tokens[j].kind == TokenKind::Word && !self.tokens[j].is_capitalised(self.text) && !lexicon::is_non_verb(self.lower(j));
        (v.saturating_sub(3).max(from)..v)
            .rev()
            .take_while(|&j| j + 1 == v || adjective(j + 1))
            .find_map(|j| self.mention_ending_at[j].filter(|&m| self.found.mentions[m].possessive))
    }

    /// Whether the quote at token `open` belongs to the speech noun at `noun`: it follows
    /// `claim that …`, or `statement about` / `words:` with no other verb in between
    /// (`Trump's statement about "X" is "true"`: the second quote is not Trump's).
    fn speech_noun_holds(&self, noun: usize, open: usize) -> bool {
        if self.lower(noun + 1) == "that" {
            return true;
        }
        !(noun + 1..open).any(|j| !self.tokens[j].in_quote && matches!(self.lower(j), "is" | "was" | "are" | "were" | "be" | "been" | "has" | "had"))
    }

    /// `Asked whether "the door is still open," he said yes.`: a quote inside a question put to
    /// the speaker is not the speaker's; it is nobody's, or the owner's of a speech noun there
    /// (`Asked about Blinken's statement that … "end this war," Lavrov said`).
    pub(super) fn question_put(&mut self, q: &Quote, s: usize) -> Option<Found> {
        let open = self.token_at_or_after(q.open);
        let from = self.sentence_tokens(s).start.max(open.saturating_sub(LOOK_BACK_TOKENS));
        let asked = (from..open).rev().find(|&j| {
            self.lower(j) == "asked"
                && j + 1 < open
                && matches!(self.lower(j + 1), "whether" | "if" | "about" | "what" | "why" | "how" | "when" | "to" | "by")
        })?;
        if (asked..open).any(|j| !self.tokens[j].in_quote && self.tokens[j].is_punct(self.text, ',')) {
            return None;
        }
        for v in (asked..open).rev() {
            if let Some(m) = self.speech_noun_owner(v, asked, open) {
                return Some(Found::from(self.resolved(m, self.token_text(v), 0.8)));
            }
        }
        Some(Found::Unknown)
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
                mention_start: Some(self.tokens[pronoun_at].start),
                reported_by: None,
                kind: None,
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
    pub(super) fn according_to_after(&mut self, q: &Quote, s: usize) -> Option<Found> {
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
                return Some(Found::from(found));
            }
        }
        None
    }

    /// Rule 4: `President Obama is rolling out a new message: "It's about me."`: a colon right
    /// before the quote gives the quote to the subject of its clause (none named: unknown).
    pub(super) fn colon_intro(&mut self, q: &Quote, s: usize) -> Option<Found> {
        let open = self.token_at_or_after(q.open);
        let range = self.sentence_tokens(s);
        if open == range.start || !self.tokens[open - 1].is_punct(self.text, ':') {
            return None;
        }
        let from = self.clause_start(s, open);
        let Some(m) = self.clause_subject(s, from, open) else { return Some(Found::Unknown) };
        // `Lavrov was asked: "…"`: the question is not his.
        let passive = (self.found.mentions[m].last + 1..open).any(|j| matches!(self.lower(j), "asked" | "told") && j > 0 && matches!(self.lower(j - 1), "was" | "were" | "is" | "are" | "been" | "being"));
        if passive {
            return Some(Found::Unknown);
        }
        Some(Found::from(self.resolved(m, ":", 0.75)))
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
            let Some(m) = self.subject_of(v, self.sentence_tokens(self.tokens[v].sentence).start) else { return true };
            match (&self.found.mentions[m].kind, speaker) {
                (MentionKind::Name(e), Speaker::Entity(s)) => e != s,
                (MentionKind::Pronoun(_), _) => false,
                _ => true,
            }
        })
    }

    /// The speaker of the last cue in the running paragraph before the quote's paragraph: the
    /// last attributed quote there, or the subject of its last reporting verb, or the subject of
    /// a closing `Sanders made the following comment:`. An unknown speaker there is no speaker.
    pub(super) fn last_speaker_before_paragraph(&mut self, quotes: &[Quote], index: usize, earlier: &[Attribution]) -> Option<Speaker> {
        let para = quotes[index].paragraph;
        let prev_para = (0..para).rev().find(|&p| self.paragraphs[p].role == Role::Body)?;
        let (prev_start, prev_end) = (self.paragraphs[prev_para].start, self.paragraphs[prev_para].end);
        let last_quote = (0..index).rev().find(|&j| quotes[j].paragraph == prev_para);
        let (first_tok, end_tok) = (self.token_at_or_after(prev_start), self.token_at_or_after(prev_end));
        let last_verb = (first_tok..end_tok).rev().find(|&k| self.is_reporting_verb_at(k));
        let quote_after_verb = match (last_quote, last_verb) {
            (Some(j), Some(v)) => quotes[j].open > self.tokens[v].start,
            (Some(_), None) => true,
            _ => false,
        };
        if quote_after_verb {
            return earlier[last_quote?].speaker.clone();
        }
        // The last reporting verb with a subject; a noun-like form without one (`comments`,
        // `the following comment:`) is passed over, `said` and the like without one end it.
        let verbs = (first_tok..end_tok).rev().filter(|&k| self.is_reporting_verb_at(k)).take(3);
        for v in verbs {
            if let Some(m) = self.subject_of(v, self.sentence_tokens(self.tokens[v].sentence).start) {
                return match self.speaker_of_verb(m, v) {
                    Found::Speaker(a) => a.speaker,
                    Found::Unknown => None,
                };
            }
            if lexicon::is_unambiguous_verb(self.lower(v)) || self.passive_agent(v).is_some() {
                return None;
            }
        }
        if self.text[prev_start..prev_end].ends_with(':') && end_tok > first_tok {
            let s = self.tokens[end_tok - 1].sentence;
            let m = self.clause_subject(s, self.sentence_tokens(s).start, end_tok)?;
            return self.resolved(m, "", 0.7).and_then(|a| a.speaker);
        }
        None
    }

    /// Rule 5b: a quote that is a sentence of its own, with no cue, right after a sentence of
    /// the same paragraph whose reporting verb has a subject (`…, Schiff said. "The other factor
    /// …"`).
    pub(super) fn previous_sentence_speaker(&mut self, q: &Quote, s: usize) -> Option<Attribution> {
        let range = self.sentence_tokens(s);
        let opens_sentence = self.token_at_or_after(q.open) == range.start;
        if !opens_sentence || s == 0 || self.sentences[s - 1].paragraph != self.sentences[s].paragraph {
            return None;
        }
        let prev = self.sentence_tokens(s - 1);
        let v = prev.clone().rev().find(|&k| self.is_reporting_verb_at(k))?;
        let m = self.subject_of(v, prev.start)?;
        let Found::Speaker(mut a) = self.speaker_of_verb(m, v) else { return None };
        a.method = Method::Continuation;
        a.confidence = 0.7;
        a.cue.clear();
        a.mention.clear();
        Some(a)
    }
}
