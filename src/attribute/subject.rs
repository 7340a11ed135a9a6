//! The subject of a reporting verb, read from word order: past appositives, times, adverbs
//! and parentheses, through relative clauses, and for participles and infinitives the subject
//! of their clause; `X and Y` as joint speakers.

use super::lexicon;
use super::mentions::MentionKind;
use super::tokens::TokenKind;
use super::{Attribution, Attributor, Method, Speaker};

impl Attributor<'_> {
    /// The subject of the reporting verb at token `v`: the mention that ends just before it, past
    /// auxiliaries, adverbs, times, parentheses and a relative `who`. A participle or infinitive
    /// (`stating`, `to accuse`) with no such subject takes the subject of its clause. `None` if
    /// something else (a noun like `statement`) stands there: its speaker is then unknown, not
    /// an earlier name. Tokens before `from` are not looked at.
    pub(super) fn subject_of(&self, v: usize, from: usize) -> Option<usize> {
        // `Zakharova quoted Lavrov as saying`: the speaker is the one quoted, right before `as`.
        if v >= from + 2 && self.lower(v - 1) == "as" && self.lower(v) == "saying" {
            if let Some(m) = self.mention_ending_at[v - 2] {
                return (!self.found.mentions[m].possessive).then_some(m);
            }
        }
        let non_finite = self.lower(v).ends_with("ing") || (v > from && self.lower(v - 1) == "to");
        let mut k = if non_finite && v > from && self.lower(v - 1) == "to" { v - 1 } else { v };
        while k > from {
            let j = k - 1;
            if let Some(m) = self.mention_ending_at[j] {
                // `Russia's envoy to the UN said`, `an adviser to Clinton said`: the name closes
                // a phrase that the role noun before it heads.
                if let Some(r) = self.role_heading(m) {
                    return (!self.found.mentions[r].possessive).then_some(r);
                }
                if !self.is_person_like(m) {
                    // A place inside a comma phrase (`Johnnie Wilson, of Springfield, Va., said`).
                    if let Some(q) = (from..self.found.mentions[m].first).rev().take(3).find(|&q| self.tokens[q].is_punct(self.text, ',')) {
                        if self.is_adverbial_opener(q + 1) || (q + 1..=j).all(|x| self.mention_starting_at[x].is_none_or(|n| !self.is_person_like(n))) {
                            k = q;
                            continue;
                        }
                    }
                    // A place before `, arguing` is no subject: the clause's subject is.
                    if non_finite {
                        break;
                    }
                }
                return (!self.found.mentions[m].possessive).then_some(m);
            }
            let t = self.tokens[j];
            if t.kind == TokenKind::Word && lexicon::is_gap_word(self.lower(j)) {
                k = j;
            } else if t.is_punct(self.text, ')') {
                k = (from..j).rev().find(|&p| self.tokens[p].is_punct(self.text, '('))?;
            } else if t.is_punct(self.text, ',') {
                // `Blinken, who tweeted that …`: the relative pronoun's antecedent speaks.
                if j > from && matches!(self.lower(j + 1), "who" | "which") {
                    if let Some(m) = self.mention_ending_at[j - 1] {
                        return (!self.found.mentions[m].possessive).then_some(m);
                    }
                }
                let Some(p) = (from..j).rev().take(16).find(|&p| self.tokens[p].is_punct(self.text, ',')) else { break };
                // A mention that takes in the appositive this comma closes (`Vassily Nebenzia,
                // Russia's permanent representative to the United Nations, … asserted`).
                if let Some(m) = self.mention_ending_at[j - 1].filter(|&m| self.found.mentions[m].first < p) {
                    return (!self.found.mentions[m].possessive).then_some(m);
                }
                // Skip a comma-delimited time, adverbial or relative phrase, whoever it names
                // (`, 29 October,` / `, speaking alongside Lavrov,` / `, who met Lavrov in
                // Antalya,`); an appositive belongs to the mention before it (`Martin Griffiths,
                // the UN Under-Secretary-General for Humanitarian Affairs, told`).
                let phrase = p + 1..j;
                if phrase.is_empty() {
                    break;
                }
                // `His former business partner at Lenox, Lawrence B. Cummings, called`: the
                // phrase is the person.
                if let Some(m) = self.mention_ending_at[j - 1].filter(|&m| self.found.mentions[m].first == phrase.start && self.is_person_like(m)) {
                    return Some(m);
                }
                let opener = self.lower(phrase.start);
                let names_a_person = phrase.clone().any(|x| self.mention_starting_at[x].is_some_and(|m| self.is_person_like(m)));
                let skippable = phrase.clone().all(|x| self.is_gap_token(x))
                    || matches!(opener, "who" | "which" | "whose" | "where")
                    || self.is_adverbial_opener(phrase.start)
                    || (!names_a_person && phrase.len() <= 6);
                if skippable {
                    k = p;
                    continue;
                }
                let appositive = matches!(opener, "the" | "a" | "an") || self.tokens[phrase.start].is_capitalised(self.text) || lexicon::role_noun(opener).is_some();
                if appositive && p > from {
                    if let Some(m) = self.mention_ending_at[p - 1].filter(|&m| self.is_person_like(m)) {
                        return (!self.found.mentions[m].possessive).then_some(m);
                    }
                }
                break;
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

    /// The role phrase whose prepositional phrase mention `m` ends (`envoy` in `Russia's envoy
    /// to the UN`, `representative` in `permanent representative of Russia to the United
    /// Nations`), if any.
    fn role_heading(&self, mut m: usize) -> Option<usize> {
        for _ in 0..3 {
            let mention = &self.found.mentions[m];
            let mut p = mention.first;
            if p > 0 && self.lower(p - 1) == "the" && self.tokens[p - 1].sentence == mention.sentence {
                p -= 1;
            }
            if p < 2 || self.tokens[p - 2].sentence != mention.sentence || !matches!(self.lower(p - 1), "to" | "at" | "in" | "of" | "for") {
                return None;
            }
            let before = self.mention_ending_at[p - 2]?;
            match self.found.mentions[before].kind {
                MentionKind::Role(_) => return Some(before),
                MentionKind::Org | MentionKind::Name(_) if self.found.mentions[before].first < mention.first => m = before,
                _ => return None,
            }
        }
        None
    }

    /// A mention that can stand for a person: a pronoun, a role phrase, or a name known (or
    /// likely) to be a person's; not an organisation or a place.
    pub(super) fn is_person_like(&self, m: usize) -> bool {
        let mention = &self.found.mentions[m];
        match mention.kind {
            MentionKind::Org => false,
            MentionKind::Name(e) => {
                let entity = &self.found.entities[e];
                entity.person || (!lexicon::is_org_word(&entity.surname) && self.may_be_person(mention))
            }
            MentionKind::Pronoun(_) | MentionKind::Role(_) => true,
        }
    }

    /// Whether the word at `start` opens an adverbial phrase: a preposition or a participle
    /// (`at a later press gaggle`, `speaking to reporters`, `after meeting Lavrov`).
    fn is_adverbial_opener(&self, start: usize) -> bool {
        let opener = self.lower(start);
        self.tokens[start].kind == TokenKind::Word
            && (matches!(opener, "at" | "in" | "on" | "of" | "during" | "after" | "before" | "from" | "with" | "for" | "while" | "like" | "as" | "asked" | "when" | "despite" | "following" | "amid" | "unlike" | "alongside" | "according")
                || opener.ends_with("ing"))
    }

    /// The subject of the clause before token `before` in sentence `s`: the first person-like
    /// mention (not possessive, not an organisation) that a verb follows; failing that, the first
    /// person-like mention.
    pub(super) fn clause_subject(&self, s: usize, from: usize, before: usize) -> Option<usize> {
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

    /// Resolves a subject mention found for the reporting verb at `v`, noticing `X and Y said`.
    pub(super) fn resolved_subject(&mut self, m: usize, v: usize) -> Option<Attribution> {
        if let Some((m1, m2)) = self.coordinated(m, v) {
            let (MentionKind::Name(e1), MentionKind::Name(e2)) = (&self.found.mentions[m1].kind, &self.found.mentions[m2].kind) else { unreachable!() };
            let speaker = Speaker::Joint(vec![*e1, *e2]);
            let text = format!("{} and {}", self.mention_text(&self.found.mentions[m1]), self.mention_text(&self.found.mentions[m2]));
            return Some(Attribution { speaker: Some(speaker), cue: self.token_text(v).to_string(), mention: text, method: Method::Joint, confidence: 0.85, mention_start: None, reported_by: None, kind: None });
        }
        self.resolved(m, self.token_text(v), 0.95)
    }

    /// `Vladimir Putin and Joe Biden`: two people joined by `and`, one of them mention `m`, both
    /// before token `v`. Returns the two mentions in text order.
    pub(super) fn coordinated(&self, m: usize, v: usize) -> Option<(usize, usize)> {
        // Both named, neither a possessive nor an organisation, at least one known as a person.
        let named = |x: usize| matches!(self.found.mentions[x].kind, MentionKind::Name(e) if !self.found.mentions[x].possessive && !lexicon::is_org_word(&self.found.entities[e].surname));
        let known = |x: usize| matches!(self.found.mentions[x].kind, MentionKind::Name(e) if self.found.entities[e].person);
        let person = |x: usize| named(x);
        let mention = &self.found.mentions[m];
        if !named(m) {
            return None;
        }
        if mention.first >= 2 && self.lower(mention.first - 1) == "and" {
            if let Some(m1) = self.mention_ending_at[mention.first - 2].filter(|&x| person(x) && (known(x) || known(m))) {
                return Some((m1, m));
            }
        }
        let and = mention.last + 1;
        if and + 1 < v && self.lower(and) == "and" {
            if let Some(m2) = self.mention_starting_at[and + 1].filter(|&x| person(x) && (known(x) || known(m)) && self.found.mentions[x].last < v) {
                return Some((m, m2));
            }
        }
        None
    }

    /// Whether the reporting verb at `v` is passive (`Lavrov was asked`, `was told by
    /// Blinken`): `Some(agent)` with the mention after `by`, if any; `None` when active.
    pub(super) fn passive_agent(&self, v: usize) -> Option<Option<usize>> {
        let word = self.lower(v);
        let participle = word.ends_with("ed") || matches!(word, "told" | "said" | "written" | "spoken" | "put");
        if !participle || v == 0 {
            return None;
        }
        // A form of `be` right before, past adverbs (`was repeatedly asked`).
        let mut j = v - 1;
        while j > 0 && matches!(self.lower(j), "also" | "repeatedly" | "again" | "reportedly" | "not" | "never" | "often" | "later" | "then") {
            j -= 1;
        }
        if !matches!(self.lower(j), "was" | "were" | "is" | "are" | "been" | "being" | "be") {
            return None;
        }
        let sentence = self.tokens[v].sentence;
        let by = (v + 1..(v + 4).min(self.tokens.len())).take_while(|&k| self.tokens[k].sentence == sentence).find(|&k| self.lower(k) == "by");
        Some(by.and_then(|b| self.mention_starting_at.get(b + 1).copied().flatten()))
    }
}
