//! Who is mentioned where: names (linked into per-article entities), `he` / `she`, and role
//! noun phrases (`the diplomat`, `Russia’s foreign minister`), found outside quotations.
//!
//! A capitalised run of words is split into a descriptor and a name: in `Deputy Foreign Minister
//! Sergei Ryabkov` the titles give roles and the name is `Sergei Ryabkov`; in `Russian
//! Ambassador to the US Anatoly Antonov` the words before the name give the role `ambassador`.
//! A comma-delimited appositive after a name (`Victoria Nuland, the US undersecretary of state
//! …,`) adds roles and is taken into the mention, so that a verb after it finds its subject.

use super::lexicon;
use super::tokens::{strip_possessive, Token, TokenKind};
use crate::roster::{Gender, Roster};

/// A person or organisation named in the article. Surname-only mentions link to the entity
/// named in full earlier (`Ryabkov` → `Sergei Ryabkov`).
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// The fullest form of the name seen (`Sergei Ryabkov`).
    pub name: String,
    pub surname: String,
    pub given: Option<String>,
    pub gender: Option<Gender>,
    /// Lower-case role nouns and titles seen with the name (`minister`, `deputy`).
    pub roles: Vec<String>,
    /// Index into the roster, for officials: set only where the text confirms the official
    /// (a matching given name, or a title or role of theirs: `Foreign Minister Lavrov`), so that
    /// a bare `Antonov` (the aircraft maker) or another `Lavrov` is nobody's official.
    pub roster: Option<usize>,
    /// The text confirmed the roster match (see `roster`).
    confirmed: bool,
    /// Evidence says this is a person (title, given name, role, roster, or being a speaker).
    pub person: bool,
}

/// A role noun phrase: `the diplomat`, `the Russian ambassador`, `a senior official`.
#[derive(Debug, Clone, PartialEq)]
pub struct RolePhrase {
    /// The role noun (`diplomat`).
    pub head: String,
    pub gender: Option<Gender>,
    /// `the` / possessive (`Russia’s`) rather than `a` / `one`: only definite phrases point back.
    pub definite: bool,
    /// Says `deputy` (a deputy minister is not "the minister").
    pub deputy: bool,
    /// A nationality adjective in the phrase (`russian` in `the Russian diplomat`).
    pub nationality: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MentionKind {
    /// A name linked to an entity (person, or an organisation or place named like one).
    Name(usize),
    /// A capitalised phrase that names an organisation or place (`the Kremlin`, `Russia`).
    Org,
    Pronoun(Gender),
    Role(RolePhrase),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// First token (of any descriptor or determiner).
    pub first: usize,
    /// Last token, appositive included.
    pub last: usize,
    pub kind: MentionKind,
    /// `Biden’s envoy`: a possessive is a modifier, never the subject of a verb.
    pub possessive: bool,
    pub sentence: usize,
}

/// What mention extraction found in an article.
#[derive(Debug, Default)]
pub struct Mentions {
    pub mentions: Vec<Mention>,
    pub entities: Vec<Entity>,
}

const PARTICLES: &[&str] = &["de", "van", "von", "der", "al", "bin", "da", "di", "la", "le", "del", "du", "ibn"];
const NAME_SUFFIXES: &[&str] = &["Jr.", "Sr.", "II", "III", "IV"];

impl Mentions {
    /// Finds the mentions among `tokens` (those outside quotations, in running-text sentences).
    /// `lower_text` is `text` with ASCII letters in lower case (same offsets).
    pub fn find(text: &str, lower_text: &str, tokens: &[Token], is_body_sentence: &dyn Fn(usize) -> bool, roster: &Roster) -> Mentions {
        let mut found = Mentions::default();
        let mut i = 0;
        while i < tokens.len() {
            let token = tokens[i];
            if token.in_quote || token.kind != TokenKind::Word || !is_body_sentence(token.sentence) {
                i += 1;
                continue;
            }
            let word = token.text(text);
            let possessive = strip_possessive(word).1;
            let lower = strip_possessive(&lower_text[token.start..token.end]).0;
            if let Some(gender) = pronoun(lower) {
                found.mentions.push(Mention { first: i, last: i, kind: MentionKind::Pronoun(gender), possessive: false, sentence: token.sentence });
                i += 1;
            } else if token.is_capitalised(text) {
                i = found.capitalised_run(text, tokens, i, roster);
            } else if let Some(gender) = lexicon::role_noun(lower) {
                let next_is_name = tokens.get(i + 1).is_some_and(|t| t.sentence == token.sentence && !possessive && t.is_capitalised(text) && !lexicon::is_not_name(t.text(text)));
                if !next_is_name {
                    let (first, definite, deputy) = determiner(text, tokens, i);
                    let head = lower.to_string();
                    let nationality = (first..i).map(|k| lower_text[tokens[k].start..tokens[k].end].to_string()).find(|w| lexicon::is_nationality(w));
                    found.mentions.push(Mention {
                        first,
                        last: i,
                        kind: MentionKind::Role(RolePhrase { deputy: deputy || head == "deputy", head, gender, definite, nationality }),
                        possessive,
                        sentence: token.sentence,
                    });
                }
                i += 1;
            } else {
                i += 1;
            }
        }
        found.roles_in_apposition(text, tokens);
        found.settle_officials(roster);
        found
    }

    /// `Lavrov's deputy, Mikhail Bogdanov,`: a role phrase set off before a name gives the name
    /// its role.
    fn roles_in_apposition(&mut self, text: &str, tokens: &[Token]) {
        for i in 0..self.mentions.len().saturating_sub(1) {
            let (MentionKind::Role(role), MentionKind::Name(e)) = (&self.mentions[i].kind, &self.mentions[i + 1].kind) else { continue };
            let (role_last, name_first) = (self.mentions[i].last, self.mentions[i + 1].first);
            if name_first == role_last + 2 && tokens[role_last + 1].is_punct(text, ',') {
                let mut add = vec![role.head.clone()];
                if role.deputy {
                    add.push("deputy".into());
                }
                // `his Indian counterpart, External Affairs Minister Subrahmanyam Jaishankar`.
                add.extend(role.nationality.clone());
                let entity = &mut self.entities[*e];
                for r in add {
                    if !entity.roles.contains(&r) {
                        entity.roles.push(r);
                    }
                }
            }
        }
    }

    /// Keeps the roster match of entities the text confirmed, with the official's gender and
    /// roles; drops it from the others.
    fn settle_officials(&mut self, roster: &Roster) {
        for e in self.entities.iter_mut() {
            let Some(o) = e.roster else { continue };
            if !e.confirmed {
                e.roster = None;
                continue;
            }
            let official = &roster.officials[o];
            e.person = true;
            e.gender = official.gender.or(e.gender);
            for word in official.roles.iter().flat_map(|r| r.split_whitespace()) {
                if !e.roles.iter().any(|r| r == word) {
                    e.roles.push(word.to_string());
                }
            }
        }
    }

    /// Whether the article names roster official `o` in a way that confirms it.
    pub fn confirms_official(&self, o: usize) -> bool {
        self.entities.iter().any(|e| e.roster == Some(o))
    }

    /// Handles the capitalised run starting at token `start`; returns the index after it.
    fn capitalised_run(&mut self, text: &str, tokens: &[Token], start: usize, roster: &Roster) -> usize {
        let sentence = tokens[start].sentence;
        // The run: capitalised words (and particles, initials) separated by spaces only.
        let mut end = start + 1;
        let mut possessive = strip_possessive(tokens[start].text(text)).1;
        while !possessive && end < tokens.len() {
            let t = tokens[end];
            let w = t.text(text);
            let joined = t.sentence == sentence && !t.in_quote && text[tokens[end - 1].end..t.start].chars().all(|c| c == ' ');
            let particle = PARTICLES.contains(&w) && tokens.get(end + 1).is_some_and(|n| n.is_capitalised(text));
            if !joined || !(t.is_capitalised(text) || particle) {
                break;
            }
            possessive = strip_possessive(w).1;
            end += 1;
        }
        let words: Vec<&str> = (start..end).map(|k| strip_possessive(tokens[k].text(text)).0).collect();

        // Split into descriptor and name: the name is the longest tail of name-like words.
        let name_like = |k: usize| {
            // `I’ve`, `We’re`: a pronoun with a contraction.
            let w = words[k].split(['’', '\'']).next().unwrap_or(words[k]);
            let after_given = k > 0 && lexicon::given_name(words[k - 1]).is_some();
            // `Mr. King`: after an honorific, even a title word is the name.
            let after_honorific = k > 0 && k + 1 == words.len() && matches!(words[k - 1].trim_end_matches('.'), "Mr" | "Mrs" | "Ms" | "Miss" | "Dr" | "Prof");
            let descriptive = lexicon::title(w).is_some() || lexicon::role_noun(&w.to_lowercase()).is_some();
            // `Injecting Clinton`: a sentence-initial participle is no given name.
            let participle = k == 0 && w.ends_with("ing") && lexicon::given_name(w).is_none();
            after_honorific
                || NAME_SUFFIXES.contains(&w)
                || (!lexicon::is_org_word(w) && !descriptive && !participle && (!lexicon::is_not_name(w) || after_given))
        };
        let mut name_from = words.len();
        while name_from > 0 && name_like(name_from - 1) {
            name_from -= 1;
        }
        let mut name_words: Vec<&str> = words[name_from..].to_vec();
        while name_words.last().is_some_and(|w| NAME_SUFFIXES.contains(w)) && name_words.len() > 1 {
            name_words.pop();
        }
        // `Magyar Nemzet newspaper` is a paper; `Trump’s statement` is still Trump.
        let followed_by_org_noun = !possessive && tokens.get(end).is_some_and(|t| t.sentence == sentence && lexicon::is_org_noun(&t.text(text).to_lowercase()));
        let has_name = !name_words.is_empty() && name_words.iter().any(|w| w.chars().next().is_some_and(char::is_uppercase));
        // `the Commission on Presidential Debates`, `Bank of America`: the rest of an
        // organisation's name.
        let continues_org = start >= 2
            && matches!(tokens[start - 1].text(text), "of" | "on" | "for")
            && self.mentions.last().is_some_and(|m| m.last == start - 2 && m.kind == MentionKind::Org)
            && {
                // `Commission on …`, not `US Secretary of State Antony Blinken`.
                let before = strip_possessive(tokens[start - 2].text(text)).0;
                lexicon::is_org_word(before) && lexicon::title(before).is_none() && lexicon::given_name(words[name_from.min(words.len() - 1)]).is_none()
            };
        if !has_name || followed_by_org_noun || continues_org {
            // A title alone (`Secretary` of `Secretary of State John Kerry`) names nobody.
            let meaningful = words.iter().any(|w| !lexicon::is_not_name(w) && lexicon::title(w).is_none());
            if meaningful {
                // `Even China`: leading words that are no part of a name stay out.
                let openers = words.iter().take_while(|w| matches!(**w, "Even" | "But" | "And" | "Also" | "Only" | "Just" | "So" | "Yet" | "Then" | "Now" | "Still" | "However" | "Meanwhile" | "Both" | "Not"));
                let start = start + openers.count().min(words.len() - 1);
                let first = if start > 0 && tokens[start - 1].sentence == sentence && tokens[start - 1].text(text).eq_ignore_ascii_case("the") { start - 1 } else { start };
                self.mentions.push(Mention { first, last: end - 1, kind: MentionKind::Org, possessive, sentence });
            }
            return end;
        }

        // Roles and gender from titles in the run and role words just before it.
        let mut roles: Vec<String> = Vec::new();
        let mut gender = None;
        let mut titled = false;
        for w in &words[..name_from] {
            if let Some(g) = lexicon::title(w) {
                titled = true;
                gender = gender.or(g);
                roles.push(w.trim_end_matches('.').to_lowercase());
            } else if lexicon::is_nationality(&w.to_lowercase()) {
                roles.push(w.to_lowercase());
            }
        }
        let descriptor_first = self.descriptor_before(text, tokens, start, &mut roles, &mut gender);
        let name_start_token = start + name_from;
        let mut last = end - 1;
        if !possessive {
            last = self.appositive_after(text, tokens, end - 1, &mut roles, &mut gender);
        }

        let given_gender = if name_words.len() >= 2 { lexicon::given_name(name_words[0]) } else { None };
        let entity = self.link_entity(&name_words, roster);
        let e = &mut self.entities[entity];
        // A title or role of the official's own confirms a bare surname (`Foreign Minister Lavrov`).
        if let Some(o) = e.roster {
            let official_roles = &roster.officials[o].roles;
            e.confirmed |= roles.iter().any(|r| lexicon::role_noun(r).is_some() && official_roles.iter().any(|phrase| phrase.split_whitespace().any(|w| w == r)));
        }
        e.gender = e.gender.or(gender).or(given_gender.flatten());
        for role in roles.iter() {
            if !e.roles.contains(role) {
                e.roles.push(role.clone());
            }
        }
        let is_org = name_words.iter().any(|w| lexicon::is_org_word(w));
        if e.roster.is_some() || titled || !roles.is_empty() || given_gender.is_some() || (name_words.len() >= 2 && !is_org) {
            e.person = true;
        }
        let first = if roles.is_empty() { name_start_token } else { descriptor_first.min(name_start_token) };
        self.mentions.push(Mention { first, last, kind: MentionKind::Name(entity), possessive, sentence });
        last.max(end - 1) + 1
    }

    /// Collects role nouns right before a name (`Foreign Ministry spokeswoman Maria Zakharova`,
    /// `Russian Ambassador to the US Anatoly Antonov`); returns the first descriptor token.
    fn descriptor_before(&self, text: &str, tokens: &[Token], start: usize, roles: &mut Vec<String>, gender: &mut Option<Gender>) -> usize {
        let sentence = tokens[start].sentence;
        let mut first = start;
        let mut k = start;
        let mut steps = 0;
        while k > 0 && steps < 8 {
            let t = tokens[k - 1];
            if t.sentence != sentence || t.in_quote || t.kind != TokenKind::Word {
                break;
            }
            let w = strip_possessive(t.text(text)).0;
            let lower = w.to_lowercase();
            if let Some(g) = lexicon::role_noun(&lower) {
                roles.push(lower);
                *gender = gender.or(g);
                first = k - 1;
            } else if let Some(g) = lexicon::title(w).filter(|_| t.is_capitalised(text)) {
                roles.push(lower);
                *gender = gender.or(g);
                first = k - 1;
            } else if lexicon::is_nationality(&lower) {
                roles.push(lower);
            } else if !(t.is_capitalised(text) || matches!(lower.as_str(), "of" | "to" | "for" | "the")) {
                break;
            }
            k -= 1;
            steps += 1;
        }
        first
    }

    /// Takes in a parenthesis (`(D-Wis.)`) and an appositive with a role (`, the interim
    /// chairwoman of the Democratic National Committee,`) after the name ending at token `last`.
    /// Returns the new last token of the mention.
    fn appositive_after(&self, text: &str, tokens: &[Token], mut last: usize, roles: &mut Vec<String>, gender: &mut Option<Gender>) -> usize {
        let sentence = tokens[last].sentence;
        let same = |k: usize| tokens.get(k).filter(|t| t.sentence == sentence && !t.in_quote);
        if same(last + 1).is_some_and(|t| t.is_punct(text, '(')) {
            if let Some(close) = (last + 2..(last + 10).min(tokens.len())).find(|&k| tokens[k].is_punct(text, ')')) {
                last = close;
            }
        }
        if !same(last + 1).is_some_and(|t| t.is_punct(text, ',')) {
            return last;
        }
        let mut found_roles = Vec::new();
        let mut found_gender = None;
        let mut k = last + 2;
        while let Some(t) = same(k) {
            if t.kind != TokenKind::Word || k - last > 16 {
                break;
            }
            let w = strip_possessive(t.text(text)).0;
            let lower = w.to_lowercase();
            // A clause, not an appositive (`state` after `of` is a noun).
            let after_determiner = lexicon::is_determiner(&tokens[k - 1].text(text).to_lowercase());
            if pronoun(&lower).is_some() || (lexicon::is_reporting_verb(&lower) && !after_determiner) {
                return last;
            }
            if let Some(g) = lexicon::role_noun(&lower) {
                found_roles.push(lower);
                found_gender = found_gender.or(g);
            } else if let Some(g) = lexicon::title(w).filter(|_| t.is_capitalised(text)) {
                found_roles.push(lower);
                found_gender = found_gender.or(g);
            }
            k += 1;
        }
        // The appositive must end at a comma or the sentence end, and name a role.
        let ends_well = match same(k) {
            None => true,
            Some(t) => t.is_punct(text, ',') || t.is_punct(text, '.') || t.is_punct(text, ';'),
        };
        if found_roles.is_empty() || !ends_well || k == last + 2 {
            return last;
        }
        roles.extend(found_roles);
        *gender = gender.or(found_gender);
        k - 1
    }

    /// Finds or creates the entity for a name.
    fn link_entity(&mut self, name_words: &[&str], roster: &Roster) -> usize {
        let surname = name_words.last().copied().unwrap_or("");
        let given = (name_words.len() >= 2).then(|| name_words[0]);
        let official = roster.lookup(name_words);
        // The most recent entity with this surname and a compatible given name.
        let existing = self.entities.iter().rposition(|e| {
            (e.surname == surname || (official.is_some() && e.roster == official))
                && (given.is_none() || e.given.is_none() || e.given.as_deref() == given)
                && (official.is_none() || e.roster.is_none() || e.roster == official)
        });
        let full = name_words.join(" ");
        // A given name of the official's own confirms the match.
        let named_in_full = official.is_some() && given.is_some();
        match existing {
            Some(index) => {
                let e = &mut self.entities[index];
                if e.given.is_none() && given.is_some() {
                    e.given = given.map(String::from);
                    e.name = full;
                }
                // A bare `Lavrov` after `Igor Lavrov` is Igor, not the minister.
                let same_person = e.given.as_deref().is_none_or(|g| roster.lookup(&[g, surname]) == official);
                if same_person {
                    e.roster = e.roster.or(official);
                    e.confirmed |= named_in_full;
                }
                index
            }
            None => {
                self.entities.push(Entity {
                    name: full,
                    surname: surname.to_string(),
                    given: given.map(String::from),
                    gender: None,
                    roles: Vec::new(),
                    roster: official,
                    confirmed: named_in_full,
                    person: false,
                });
                self.entities.len() - 1
            }
        }
    }
}

/// `he` / `she` (also `He’s`), as a subject.
fn pronoun(lower: &str) -> Option<Gender> {
    // `he’d`, `she'll`: the contraction does not change who.
    let base = ["’d", "'d", "’ll", "'ll"].iter().find_map(|suffix| lower.strip_suffix(suffix)).unwrap_or(lower);
    match base {
        "he" => Some(Gender::Male),
        "she" => Some(Gender::Female),
        _ => None,
    }
}

/// Looks back from a role noun for its determiner: returns (first token, definite, deputy).
fn determiner(text: &str, tokens: &[Token], head: usize) -> (usize, bool, bool) {
    let sentence = tokens[head].sentence;
    let mut first = head;
    let mut deputy = false;
    for k in (head.saturating_sub(4)..head).rev() {
        let t = tokens[k];
        if t.sentence != sentence || t.kind != TokenKind::Word || t.in_quote {
            break;
        }
        let w = t.text(text);
        let lower = w.to_lowercase();
        deputy |= lower == "deputy" || lower == "vice";
        match lower.as_str() {
            "the" | "this" | "that" => return (k, true, deputy),
            "a" | "an" | "one" | "another" | "some" | "any" | "two" | "three" | "several" | "many" => return (k, false, deputy),
            _ if strip_possessive(w).1 => return (k, true, deputy),
            _ => first = k,
        }
    }
    (first, false, deputy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribute::tokens::tokenize;
    use crate::split::split;

    fn mentions_of(text: &str) -> (Mentions, Vec<Token>) {
        let roster = Roster::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roster.toml"))).unwrap();
        let sentences = split(text, 0, text.len());
        let tokens = tokenize(text, &sentences, &[]);
        (Mentions::find(text, &text.to_ascii_lowercase(), &tokens, &|_| true, &roster), tokens)
    }

    #[test]
    fn titles_and_descriptors_give_roles() {
        let (m, _) = mentions_of("Deputy Foreign Minister Sergei Ryabkov told agencies. Foreign Ministry spokeswoman Maria Zakharova spoke. Russian Ambassador to the US Anatoly Antonov said so.");
        let names: Vec<&str> = m.entities.iter().filter(|e| e.person).map(|e| e.name.as_str()).collect();
        assert_eq!(names, vec!["Sergei Ryabkov", "Maria Zakharova", "Anatoly Antonov"]);
        assert!(m.entities[0].roles.contains(&"deputy".to_string()) && m.entities[0].roles.contains(&"minister".to_string()));
        assert_eq!(m.entities[1].gender, Some(Gender::Female));
        assert!(m.entities[2].roles.contains(&"ambassador".to_string()));
        assert!(m.entities[2].roster.is_some());
    }

    #[test]
    fn appositive_is_part_of_the_mention_and_surnames_link_back() {
        let text = "Victoria Nuland, the US undersecretary of state for political affairs, arrived. Nuland described it.";
        let (m, tokens) = mentions_of(text);
        let first = &m.mentions[0];
        assert_eq!(&text[tokens[first.first].start..tokens[first.last].end], "Victoria Nuland, the US undersecretary of state for political affairs");
        let nuland: Vec<_> = m.mentions.iter().filter(|x| matches!(x.kind, MentionKind::Name(_))).collect();
        assert_eq!(nuland.len(), 2);
        assert_eq!(nuland[0].kind, nuland[1].kind);
        assert_eq!(m.entities[0].gender, Some(Gender::Female));
    }

    #[test]
    fn organisations_pronouns_and_role_phrases() {
        let (m, _) = mentions_of("The Kremlin’s spokesman said he agreed with the diplomat and a senior official in Moscow.");
        let kinds: Vec<&MentionKind> = m.mentions.iter().map(|x| &x.kind).collect();
        assert!(matches!(kinds[0], MentionKind::Org));
        assert!(m.mentions[0].possessive);
        assert!(matches!(kinds[1], MentionKind::Role(r) if r.head == "spokesman" && r.definite));
        assert!(matches!(kinds[2], MentionKind::Pronoun(Gender::Male)));
        assert!(matches!(kinds[3], MentionKind::Role(r) if r.head == "diplomat" && r.definite));
        assert!(matches!(kinds[4], MentionKind::Role(r) if r.head == "official" && !r.definite));
        assert!(matches!(kinds[5], MentionKind::Org));
    }
}
