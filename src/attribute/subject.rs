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
                // `Blinken, who tweeted that …`: the relative pronoun's antecedent speaks.
                if j > from && matches!(self.lower(j + 1), "who" | "which") {
                    if let Some(m) = self.mention_ending_at[j - 1] {
                        return (!self.found.mentions[m].possessive).then_some(m);
                    }
                }
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
    pub(super) fn is_adverbial_phrase(&self, start: usize, end: usize) -> bool {
        let opener = self.lower(start);
        let opens = matches!(opener, "at" | "in" | "on" | "during" | "after" | "before" | "from" | "with" | "for" | "while" | "like" | "as" | "speaking" | "addressing" | "writing" | "asked" | "when" | "in an") || (opener.ends_with("ing") && self.tokens[start].kind == TokenKind::Word);
        let names_nobody = |x: usize| self.mention_starting_at[x].is_none_or(|m| self.found.mentions[m].possessive || matches!(self.found.mentions[m].kind, MentionKind::Org));
        opens && (start..end).all(|x| self.tokens[x].kind == TokenKind::Word && names_nobody(x))
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
            return Some(Attribution { speaker: Some(speaker), cue: self.token_text(v).to_string(), mention: text, method: Method::Joint, confidence: 0.85 });
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
