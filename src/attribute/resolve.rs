//! Resolving a mention to a speaker: names through the article's entities, `he` / `she` to the
//! most salient person of that gender, role phrases to the one person holding a fitting role.

use super::lexicon;
use super::mentions::{Mention, MentionKind, RolePhrase};
use super::tokens::TokenKind;
use super::{Attribution, Attributor, Method, Speaker};
use crate::clean::Role;
use crate::roster::Gender;

impl Attributor<'_> {
    /// Turns a mention into an attribution with the given cue, resolving pronouns and roles.
    pub(super) fn resolved(&mut self, m: usize, cue: &str, confidence: f32) -> Option<Attribution> {
        let mention = self.found.mentions[m].clone();
        let words = self.mention_text(&mention);
        let (speaker, method, confidence) = match &mention.kind {
            MentionKind::Name(e) => {
                let entity = &self.found.entities[*e];
                let org_like = !entity.person && lexicon::is_org_word(&entity.surname);
                if org_like {
                    (Speaker::Org(words.clone()), Method::Name, confidence)
                } else {
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
                match self.role_answer(mention.first, role) {
                    RoleAnswer::Person(e) => (Speaker::Entity(e), Method::Role, 0.8),
                    RoleAnswer::Unsure => return None,
                    // Nobody named fits: the roster may say who held the post on the article's date.
                    RoleAnswer::Nobody => {
                        let (o, words) = self.role_holder(&mention, role)?;
                        let speaker = match self.found.entities.iter().position(|e| e.roster == Some(o)) {
                            Some(e) => Speaker::Entity(e),
                            None => Speaker::Named(self.roster.officials[o].name.clone(), Some(o)),
                        };
                        let start = self.tokens[mention.first].start;
                        return Some(Attribution { speaker: Some(speaker), cue: cue.to_string(), mention: words, method: Method::Role, confidence: 0.75, mention_start: Some(start), reported_by: None, kind: None });
                    }
                }
            }
        };
        Some(Attribution { speaker: Some(speaker), cue: cue.to_string(), mention: words, method, confidence, mention_start: Some(self.tokens[mention.first].start), reported_by: None, kind: None })
    }

    /// A name set off by a comma right after a role phrase, a few words on at most.
    pub(super) fn name_in_apposition(&self, role: &Mention) -> Option<usize> {
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
    /// nearest first, within two paragraphs and eight sentences; in each, speakers first, then
    /// the subject, then other named people. A subject that may be a person of unknown gender
    /// (`Nuland, who visited Moscow, spoke …`) makes the pronoun ambiguous: no answer. Returns
    /// the entity and how many sentences back it was found.
    pub(super) fn resolve_pronoun(&self, at: usize, gender: Gender) -> Option<(usize, usize)> {
        let s0 = self.tokens[at].sentence;
        let p0 = self.sentences[s0].paragraph;
        for (distance, s) in (0..=s0).rev().enumerate().take(9) {
            let sentence = self.sentences[s];
            if sentence.paragraph + 2 < p0 {
                break;
            }
            if self.paragraphs[sentence.paragraph].role != Role::Body {
                continue;
            }
            let speaker = self.speakers_by_sentence[s].iter().rev().find_map(|&e| self.fitting(e, gender, None));
            // The nearest mentions only: a sentence of thousands of pronouns costs no more.
            let before = if s == s0 { at } else { self.sentence_tokens(s).end };
            let mentions: Vec<&Mention> = {
                let mut nearest: Vec<&Mention> = self.mentions_before(s, before).rev().take(MAX_MENTIONS_LOOKED_AT).collect();
                nearest.reverse();
                nearest
            };
            // The subject: the first mention that names a person (or may), no possessive.
            let subject = mentions.iter().find(|m| !m.possessive && match m.kind {
                MentionKind::Name(e) => self.found.entities[e].person || self.may_be_person(m),
                MentionKind::Org => false,
                _ => true,
            });
            if let Some(speaker) = speaker {
                // The sentence's subject is someone else who fits too (`The minister was
                // responding to Blinken, who told CNN "…"`): either may be meant.
                let other_subject = subject.and_then(|m| self.subject_entity(m, gender)).is_some_and(|e| e != speaker);
                return (!other_subject).then_some((speaker, distance));
            }
            if let Some(subject) = subject {
                match subject.kind {
                    // A subject that may be a person of unknown gender is the best guess.
                    MentionKind::Name(e) if !self.found.entities[e].person => return Some((e, distance)),
                    MentionKind::Name(e) => {
                        if let Some(e) = self.fitting(e, gender, Some(subject)) {
                            return Some((e, distance));
                        }
                    }
                    // `However, he could not explain …`: the same `he`, said earlier; look there.
                    MentionKind::Pronoun(g) if g == gender => continue,
                    _ => {}
                }
            }
            // Other people named there, non-possessive before possessive.
            for possessive in [false, true] {
                for m in mentions.iter().rev().filter(|m| m.possessive == possessive) {
                    if let MentionKind::Name(e) = m.kind {
                        if let Some(e) = self.fitting(e, gender, Some(m)) {
                            return Some((e, distance));
                        }
                    }
                }
            }
        }
        None
    }

    /// The person a sentence-subject mention stands for, where it fits `gender`: a name, or a
    /// definite role phrase that resolves.
    fn subject_entity(&self, m: &Mention, gender: Gender) -> Option<usize> {
        match &m.kind {
            MentionKind::Name(e) => self.fitting(*e, gender, Some(m)),
            MentionKind::Role(role) if role.definite => self.resolve_role(m.first, role).and_then(|e| self.fitting(e, gender, None)),
            _ => None,
        }
    }

    /// `e` if it is a person of a fitting gender; else, when the mention was a bare surname
    /// linked to a person of the other gender, the one of that surname who fits (`Clinton said
    /// … he said` in an article naming both Hillary and Bill Clinton).
    fn fitting(&self, e: usize, gender: Gender, mention: Option<&Mention>) -> Option<usize> {
        let fits = |x: usize| {
            let entity = &self.found.entities[x];
            entity.person && entity.gender.is_none_or(|g| g == gender)
        };
        if fits(e) {
            return Some(e);
        }
        let entity = &self.found.entities[e];
        let bare = mention.is_some_and(|m| entity.given.as_ref().is_none_or(|given| !self.mention_text(m).contains(given.as_str())));
        if !bare {
            return None;
        }
        let surname = &entity.surname;
        let namesakes: Vec<usize> = (0..self.found.entities.len()).filter(|&x| x != e && &self.found.entities[x].surname == surname && fits(x)).collect();
        (namesakes.len() == 1).then(|| namesakes[0])
    }

    /// A capitalised name not known as a person or an organisation that stands as the subject
    /// of a verb: possibly a person (`Nuland, who …` / `Wines believes`), not `Conservative
    /// economist` or `about US-Russia relations`.
    pub(super) fn may_be_person(&self, m: &Mention) -> bool {
        let MentionKind::Name(e) = m.kind else { return false };
        if lexicon::is_org_word(&self.found.entities[e].surname) {
            return false;
        }
        let range = self.sentence_tokens(m.sentence);
        if m.first > range.start && lexicon::is_non_verb(self.lower(m.first - 1)) {
            return false;
        }
        let next = self.skip_gap(m.last + 1, range.end);
        if next + 1 < range.end && self.tokens[next].is_punct(self.text, ',') {
            return self.lower(next + 1) == "who";
        }
        // A name that opens its sentence is its subject (`Kuleba later flew to Brussels`),
        // unless a role noun follows it (`Conservative economist …`).
        if m.first == range.start && next < range.end && !self.tokens[next].is_capitalised(self.text) && lexicon::role_noun(self.lower(next)).is_none() {
            return self.tokens[next].kind == TokenKind::Word && !lexicon::is_non_verb(self.lower(next));
        }
        if next >= range.end || self.tokens[next].kind != TokenKind::Word || self.tokens[next].is_capitalised(self.text) {
            return false;
        }
        let word = self.lower(next);
        self.is_reporting_verb_at(next) || word.ends_with("ed") || (word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("ns") && !word.ends_with("ts"))
    }


    /// Resolves a definite role phrase at token `at` (see `role_answer`).
    pub(super) fn resolve_role(&self, at: usize, role: &RolePhrase) -> Option<usize> {
        match self.role_answer(at, role) {
            RoleAnswer::Person(e) => Some(e),
            _ => None,
        }
    }

    /// Resolves a definite role phrase at token `at`: the one person before it (within six
    /// paragraphs) whose roles fit (`the diplomat` fits an ambassador; `the minister` does not
    /// fit a deputy minister), with no conflicting gender. Two different people fitting, or an
    /// unnamed holder of the role nearer, is `Unsure`; nobody fitting is `Nobody`.
    fn role_answer(&self, at: usize, role: &RolePhrase) -> RoleAnswer {
        let p0 = self.sentences[self.tokens[at].sentence].paragraph;
        let mut found = None;
        // Walked back from `at` in text order, at most so many mentions.
        let order = &self.mentions_in_order;
        let from = order.partition_point(|&m| self.found.mentions[m].first < at);
        for m in order[..from].iter().rev().take(4 * MAX_MENTIONS_LOOKED_AT).map(|&m| &self.found.mentions[m]) {
            if m.last >= at {
                continue;
            }
            if self.sentences[m.sentence].paragraph + 6 < p0 {
                break;
            }
            // `a State Department spokeswoman said …` before `the spokeswoman added`: an unnamed
            // holder of the role is nearer than any named one.
            if let MentionKind::Role(other) = &m.kind {
                if found.is_none() && !other.definite && m.first != at && lexicon::role_implies(&other.head, &role.head) && self.name_in_apposition(m).is_none() {
                    return RoleAnswer::Unsure;
                }
                continue;
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
            // A deputy minister is not "the minister", and a minister not "the deputy minister".
            let is_deputy = entity.roles.iter().any(|r| r == "deputy" || r == "vice");
            if is_deputy != role.deputy && matches!(role.head.as_str(), "minister" | "secretary" | "director" | "chief" | "head" | "president" | "deputy") {
                continue;
            }
            if entity.roles.iter().any(|r| lexicon::role_implies(r, &role.head)) {
                found = match found {
                    None => Some(e),
                    Some(first) if first == e => Some(first),
                    // Two different people fit (`Lavrov … Turkish Foreign Minister Mevlut
                    // Cavusoglu … the minister said`): too unsure to name either.
                    Some(_) => return RoleAnswer::Unsure,
                };
            }
        }
        found.map_or(RoleAnswer::Nobody, RoleAnswer::Person)
    }
}

/// What a definite role phrase resolves to among the people the article names.
enum RoleAnswer {
    Person(usize),
    /// Two people fit, or an unnamed holder of the role is nearer.
    Unsure,
    /// Nobody named fits.
    Nobody,
}

/// Words that make a role phrase name someone other than the post's holder on the day.
const NOT_THE_HOLDER: &[&str] = &["former", "ex", "late", "previous", "then", "future", "next", "incoming", "acting", "interim", "deputy", "vice", "assistant", "first", "honorary", "one-time", "erstwhile"];

impl Attributor<'_> {
    /// The roster official who held the post a definite role-only phrase names (`Russia's envoy
    /// to the UN`, `the ministry spokeswoman`) on the article's date, with the phrase's words.
    /// No date, no tenure covering it, or two officials fitting: no answer.
    fn role_holder(&self, mention: &Mention, role: &RolePhrase) -> Option<(usize, String)> {
        if role.deputy {
            return None;
        }
        let date = self.date.as_deref()?;
        let (first, last, mut words) = self.role_words(mention.first, mention.last);
        if words.before.iter().any(|w| NOT_THE_HOLDER.contains(&w.as_str())) {
            return None;
        }
        words.head = role.head.clone();
        words.gender = role.gender;
        words.country_in_article = self.countries.get_or_init(|| self.article_countries()).clone();
        // Other countries' holders of the same noun (`a Ukrainian foreign ministry spokeswoman`).
        // Found once per role noun and article (each holds its phrase's first token), so that
        // many role phrases cost linear time.
        let holders = self.role_countries.borrow().get(&role.head).cloned();
        let holders = holders.unwrap_or_else(|| {
            let found: Vec<(usize, String)> = self
                .found
                .mentions
                .iter()
                .filter(|m| matches!(&m.kind, MentionKind::Role(r) if r.head == role.head))
                .flat_map(|m| self.role_words(m.first, m.last).2.before.into_iter().filter(|w| crate::roster::is_country_word(w)).map(move |w| (m.first, w)))
                .collect();
            self.role_countries.borrow_mut().insert(role.head.clone(), found.clone());
            found
        });
        words.other_holders = holders.into_iter().filter(|(first, _)| *first != mention.first).map(|(_, w)| w).collect();
        let o = self.roster.holder(&words, Some(date))?;
        let phrase = self.text[self.tokens[first].start..self.tokens[last].end].split_whitespace().collect::<Vec<_>>().join(" ");
        Some((o, phrase))
    }

    /// The words around the role noun at token `head` of a mention starting at `first`: the
    /// capitalised or post words before it (past a possessive: `the Russian Foreign Ministry's
    /// spokeswoman`) and the words after `to` / `at` / `in` / `of` (`envoy to the United
    /// Nations`). Returns the phrase's first and last tokens too.
    fn role_words(&self, first: usize, head: usize) -> (usize, usize, crate::roster::RoleWords) {
        let sentence = self.tokens[head].sentence;
        let usable = |k: usize| {
            let t = self.tokens[k];
            t.sentence == sentence && !t.in_quote && t.kind == TokenKind::Word
        };
        let lower = |k: usize| super::tokens::strip_possessive(self.lower(k)).0.replace('.', "");
        let vocabulary = |w: &str| self.roster.officials.iter().flat_map(|o| &o.tenure).any(|t| t.of.iter().chain(&t.country).any(|term| term.split_whitespace().any(|x| x == w)));
        let mut start = first;
        while start > 0 && head - start < 8 && usable(start - 1) {
            let w = lower(start - 1);
            if matches!(w.as_str(), "the" | "a" | "an" | "this" | "that") {
                break;
            }
            if !(self.tokens[start - 1].is_capitalised(self.text) || vocabulary(&w) || NOT_THE_HOLDER.contains(&w.as_str()) || lexicon::is_nationality(&w)) {
                break;
            }
            start -= 1;
        }
        let mut words = crate::roster::RoleWords { before: (start..head).map(lower).filter(|w| !matches!(w.as_str(), "the" | "a" | "an")).collect(), ..Default::default() };
        let mut k = head + 1;
        let mut last = head;
        for _ in 0..2 {
            if k >= self.tokens.len() || !usable(k) {
                break;
            }
            let preposition = lower(k);
            if !matches!(preposition.as_str(), "to" | "at" | "in" | "of") {
                break;
            }
            let mut j = k + 1;
            if j < self.tokens.len() && usable(j) && lower(j) == "the" {
                j += 1;
            }
            let mut taken = Vec::new();
            while j < self.tokens.len() && usable(j) && taken.len() < 5 {
                let w = lower(j);
                if !(self.tokens[j].is_capitalised(self.text) || vocabulary(&w)) {
                    break;
                }
                taken.push(w);
                j += 1;
            }
            if taken.is_empty() {
                break;
            }
            last = j - 1;
            if preposition == "of" {
                words.of.extend(taken);
            } else {
                words.after.extend(taken);
            }
            k = j;
        }
        (start, last, words)
    }

    /// Country words named outside quotations in the article's running text.
    fn article_countries(&self) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for (k, t) in self.tokens.iter().enumerate() {
            if t.in_quote || t.kind != TokenKind::Word || self.paragraphs[self.sentences[t.sentence].paragraph].role != Role::Body {
                continue;
            }
            let w = super::tokens::strip_possessive(self.lower(k)).0.replace('.', "");
            if crate::roster::is_country_word(&w) && !found.contains(&w) {
                found.push(w);
            }
        }
        found
    }
}

/// How many mentions of one sentence a pronoun looks at (the nearest): far above any real
/// sentence, and a bound on hostile ones.
pub(super) const MAX_MENTIONS_LOOKED_AT: usize = 64;

fn strip_article(words: &str) -> String {
    words.strip_prefix("the ").or_else(|| words.strip_prefix("The ")).unwrap_or(words).to_string()
}
