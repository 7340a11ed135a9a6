//! `speaker_key`: one key per person across articles, so that a study can group by person.
//!
//! The `speaker` column names people as each article does, in its fullest form within that
//! article (`Sergei Ryabkov` for a later `Ryabkov`). Across articles the same person still
//! appears as `Barack Obama`, `President Obama` or plain `Obama`. The key is:
//!
//! - for a roster official, the roster id (`lavrov`);
//! - for a person named with a given name, the normalised name: lower case, accents folded,
//!   titles (`President`, `Mr.`, `Foreign Minister`), initials and suffixes (`Jr.`) dropped, then
//!   given name and surname (`Donald J. Trump` → `donald trump`, `Hillary Rodham Clinton` →
//!   `hillary clinton`), with a Russian surname the given name's transliteration endings folded
//!   (`Sergey` and `Sergei` Ryabkov → `sergei ryabkov`, `Dmitry` Peskov → `dmitri peskov`);
//! - for a surname alone (`Obama`, `President Obama`), the key of the one person with that
//!   surname named in full so far in the run (or in the `--state` file), when there is exactly
//!   one; two (`Bill Clinton`, `Hillary Clinton`) or none leave the surname as its own key.
//!   A roster official's surname counts as a person with that surname, and a bare surname is
//!   never given a roster id (the attribution stage declined to confirm it): `Antonov` in a
//!   story about the aircraft maker keys as `antonov (unconfirmed)`, never as the official's
//!   `antonov`;
//! - for an organisation (`Kremlin`, `the State Department`), the normalised name;
//! - for joint speakers (`Vladimir Putin and Joe Biden`), the members' keys sorted and joined
//!   with ` + `.
//!
//! Keys are assigned in input order as the rows stream out, one batch at a time (all full
//! names of a batch are learnt before its keys are given): a bare surname that comes before
//! any full naming of its person keeps its own key in the CSV. `quotestance summary` reads the
//! whole file and merges such keys afterwards ([`resolve_all`]).

use crate::record::QuoteRow;
use crate::roster::Roster;
use std::collections::{BTreeSet, HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

/// Titles and roles dropped from the front of a person's name (lower case, no dots).
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "reverend", "president",
    "vice", "prime", "minister", "foreign", "deputy", "first", "senator", "sen", "rep", "representative", "congressman",
    "congresswoman", "gov", "governor", "secretary", "ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson",
    "gen", "general", "lt", "col", "colonel", "adm", "admiral", "capt", "captain", "pope", "king", "queen", "prince",
    "princess", "judge", "justice", "mayor", "chancellor", "chairman", "chairwoman", "former", "late",
];
/// Name suffixes dropped from the end.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"];
/// Words that make a speaker an organisation, whose name is kept whole.
const ORG_WORDS: &[&str] = &[
    "ministry", "department", "office", "council", "committee", "kremlin", "government", "agency", "service", "party",
    "embassy", "union", "nations", "commission", "administration", "pentagon", "campaign", "court", "parliament",
    "duma", "senate", "congress", "army", "police", "bank", "company", "corporation", "inc", "group", "news", "times",
    "post", "tass", "ria", "novosti", "reuters", "sputnik", "press", "media", "institute", "university", "foundation",
    "association", "organization", "organisation", "nato", "un", "eu",
];

/// What a speaker's name normalises to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Name {
    /// Given name and surname, lower case: `("barack", "obama")`.
    Full(String, String),
    /// A surname alone.
    Surname(String),
    /// An organisation (or anything that is not a person's name), normalised whole.
    Other(String),
}

/// Lower case, accents folded (NFKD, combining marks dropped), curly apostrophes straightened;
/// words are split on white space, and dots and commas are dropped.
fn words(name: &str) -> Vec<String> {
    let folded: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c == '’' || c == '‘' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches(|c: char| c == '.' || c == '"' || c == '(' || c == ')'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Surname endings of Russian (and other East Slavic) names, whose given names come in several
/// transliterations.
const SLAVIC_ENDINGS: &[&str] = &["ov", "ova", "ev", "eva", "in", "ina", "yn", "sky", "skiy", "skaya", "enko", "uk", "ich", "vich"];

/// A given name with its transliteration variants folded together (`Sergey`/`Sergei`,
/// `Dmitriy`/`Dmitry`, `Anatoliy`/`Anatoly`, `Mariya`/`Maria`): the ending `-iy` or a `-y` after a
/// consonant becomes `-i`, `-ey` becomes `-ei`, `-iya` becomes `-ia`. Only for surnames with a
/// Russian ending (`Hillary` Clinton stays as she is).
fn fold_given(given: &str, surname: &str) -> String {
    if !SLAVIC_ENDINGS.iter().any(|e| surname.ends_with(e)) {
        return given.to_string();
    }
    let vowel = |c: char| "aeiou".contains(c);
    if let Some(stem) = given.strip_suffix("iya") {
        return format!("{stem}ia");
    }
    if let Some(stem) = given.strip_suffix("iy") {
        return format!("{stem}i");
    }
    if let Some(stem) = given.strip_suffix('y') {
        if stem.chars().count() >= 2 && stem.chars().last().is_some_and(|c| c == 'e' || !vowel(c)) {
            return format!("{stem}i");
        }
    }
    given.to_string()
}

/// Normalises one speaker's name (not a joint one).
fn parse(name: &str) -> Option<Name> {
    let mut w = words(name);
    if w.is_empty() {
        return None;
    }
    if w.first().is_some_and(|f| f == "the") || w.iter().any(|x| ORG_WORDS.contains(&x.as_str())) {
        if w.first().is_some_and(|f| f == "the") && w.len() > 1 {
            w.remove(0);
        }
        return Some(Name::Other(w.join(" ")));
    }
    // Titles only come off the front while a name is left behind them.
    while w.len() > 1 && TITLES.contains(&w[0].as_str()) {
        w.remove(0);
    }
    while w.len() > 1 && SUFFIXES.contains(&w[w.len() - 1].as_str()) {
        w.pop();
    }
    // Middle initials (`Donald J. Trump`) say nothing the given name does not.
    let last = w.len() - 1;
    let kept: Vec<String> = w.iter().enumerate().filter(|(i, x)| *i == 0 || *i == last || x.chars().count() > 1).map(|(_, x)| x.clone()).collect();
    match kept.as_slice() {
        [surname] => Some(Name::Surname(surname.clone())),
        [given, .., surname] => Some(Name::Full(fold_given(given, surname), surname.clone())),
        [] => None,
    }
}

/// Splits a joint speaker (`Vladimir Putin and Joe Biden`) into its members.
fn members(speaker: &str) -> Vec<&str> {
    speaker.split(" and ").map(str::trim).filter(|m| !m.is_empty()).collect()
}

/// The people named in full so far, by surname, and what the roster contributes.
#[derive(Debug, Clone, Default)]
pub struct SpeakerKeys {
    /// Normalised surname → keys of the people named in full with it.
    by_surname: HashMap<String, BTreeSet<String>>,
    /// Surnames of roster officials (each counts as one more person with that surname).
    roster_surnames: HashMap<String, BTreeSet<String>>,
    /// Roster ids (a name key must never equal one).
    roster_ids: HashSet<String>,
}

impl SpeakerKeys {
    pub fn new(roster: &Roster) -> SpeakerKeys {
        let mut keys = SpeakerKeys::default();
        for official in &roster.officials {
            keys.roster_ids.insert(official.id.clone());
            for name in std::iter::once(&official.name).chain(&official.variants) {
                if let Some(Name::Full(_, surname) | Name::Surname(surname)) = parse(name) {
                    keys.roster_surnames.entry(surname).or_default().insert(official.id.clone());
                }
            }
        }
        keys
    }

    /// Remembers the people named in full by non-roster speakers (`Barack Obama`).
    pub fn learn(&mut self, speaker: &str) {
        for member in members(speaker) {
            if let Some(Name::Full(given, surname)) = parse(member) {
                self.by_surname.entry(surname.clone()).or_default().insert(format!("{given} {surname}"));
            }
        }
    }

    /// The full names learnt so far (for the `--state` file).
    pub fn known_names(&self) -> impl Iterator<Item = &String> {
        self.by_surname.values().flatten()
    }

    /// The key of one row's speaker; `None` when the row has no speaker.
    pub fn key(&self, speaker: Option<&str>, speaker_id: Option<&str>) -> Option<String> {
        if let Some(id) = speaker_id.filter(|id| !id.is_empty()) {
            return Some(id.to_string());
        }
        let speaker = speaker.filter(|s| !s.trim().is_empty())?;
        let mut keys: Vec<String> = members(speaker).into_iter().filter_map(|m| self.member_key(m)).collect();
        keys.sort();
        keys.dedup();
        (!keys.is_empty()).then(|| keys.join(" + "))
    }

    fn member_key(&self, member: &str) -> Option<String> {
        Some(match parse(member)? {
            Name::Full(given, surname) => format!("{given} {surname}"),
            Name::Other(name) => self.not_an_id(name),
            Name::Surname(surname) => {
                let people = self.by_surname.get(&surname).map_or(0, BTreeSet::len);
                let officials = self.roster_surnames.get(&surname).map_or(0, BTreeSet::len);
                match (people, officials) {
                    (1, 0) => self.by_surname[&surname].iter().next().expect("one").clone(),
                    (_, 0) => self.not_an_id(surname),
                    _ => format!("{surname} (unconfirmed)"),
                }
            }
        })
    }

    /// A name key that happens to spell a roster id gets a mark, so that the two never merge.
    fn not_an_id(&self, key: String) -> String {
        if self.roster_ids.contains(&key) {
            format!("{key} (unconfirmed)")
        } else {
            key
        }
    }

    /// [`SpeakerKeys::assign`] for a batch of articles' rows.
    pub fn assign_batch(&mut self, articles: &mut [Vec<QuoteRow>]) {
        for rows in articles.iter() {
            self.learn_rows(rows);
        }
        for rows in articles.iter_mut() {
            self.key_rows(rows);
        }
    }

    fn learn_rows(&mut self, rows: &[QuoteRow]) {
        for row in rows {
            if let (Some(speaker), None) = (&row.speaker, &row.speaker_id) {
                self.learn(speaker);
            }
        }
    }

    fn key_rows(&self, rows: &mut [QuoteRow]) {
        for row in rows.iter_mut() {
            row.speaker_key = self.key(row.speaker.as_deref(), row.speaker_id.as_deref());
        }
    }

    /// Remembers full names given as keys (`barack obama`, from the `--state` file).
    pub fn learn_keys<'a>(&mut self, keys: impl IntoIterator<Item = &'a String>) {
        for key in keys {
            if let Some((_, surname)) = key.rsplit_once(' ') {
                self.by_surname.entry(surname.to_string()).or_default().insert(key.clone());
            }
        }
    }

    /// Learns the full names of a batch of rows, then gives each row its key.
    pub fn assign(&mut self, rows: &mut [QuoteRow]) {
        self.learn_rows(rows);
        self.key_rows(rows);
    }
}

/// Keys for a whole finished table at once (`quotestance summary`): every full name in it is
/// learnt first, so a bare surname merges with its person wherever in the file that person is
/// named in full. `rows` are `(speaker, speaker_id)` pairs; the result is one key per row.
pub fn resolve_all(roster: &Roster, rows: &[(Option<&str>, Option<&str>)]) -> Vec<Option<String>> {
    let mut keys = SpeakerKeys::new(roster);
    for (speaker, id) in rows {
        if let (Some(speaker), None) = (speaker, id.filter(|i| !i.is_empty())) {
            keys.learn(speaker);
        }
    }
    rows.iter().map(|(speaker, id)| keys.key(*speaker, *id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster() -> Roster {
        Roster::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roster.toml"))).unwrap()
    }

    #[test]
    fn names_normalise_to_given_name_and_surname() {
        let keys = SpeakerKeys::new(&roster());
        let key = |s: &str| keys.key(Some(s), None).unwrap();
        assert_eq!(key("Barack Obama"), "barack obama");
        assert_eq!(key("President Barack Obama"), "barack obama");
        assert_eq!(key("Donald J. Trump"), "donald trump");
        assert_eq!(key("Hillary Rodham Clinton"), "hillary clinton");
        assert_eq!(key("Martin Luther King Jr."), "martin king");
        assert_eq!(key("Sergei Ryabkov"), "sergei ryabkov");
        // Seed 003 names him `Sergey Ryabkov` once and `Sergei Ryabkov` elsewhere.
        assert_eq!(key("Sergey Ryabkov"), "sergei ryabkov");
        assert_eq!(key("Dmitriy Peskov"), key("Dmitry Peskov"));
        assert_eq!(key("Mariya Ivanova"), "maria ivanova");
        assert_eq!(key("Recep Tayyip Erdoğan"), "recep erdogan");
        assert_eq!(key("the State Department"), "state department");
        assert_eq!(key("Kremlin"), "kremlin");
        assert_eq!(key("Vladimir Putin and Joe Biden"), "joe biden + vladimir putin");
        assert_eq!(keys.key(Some("Sergey Lavrov"), Some("lavrov")).as_deref(), Some("lavrov"));
        assert_eq!(keys.key(None, None), None);
    }

    /// Names as the PolNeAR election articles give them, across articles.
    #[test]
    fn a_bare_surname_merges_with_the_one_person_named_in_full() {
        let mut keys = SpeakerKeys::new(&roster());
        let mut rows: Vec<QuoteRow> = ["Obama", "Barack Obama", "President Obama", "Clinton", "Hillary Clinton", "Bill Clinton", "Mr. Clinton", "Trump"]
            .iter()
            .map(|s| QuoteRow { speaker: Some(s.to_string()), ..QuoteRow::default() })
            .collect();
        keys.assign(&mut rows[..2]);
        keys.assign(&mut rows[2..5]);
        keys.assign(&mut rows[5..]);
        let got: Vec<&str> = rows.iter().map(|r| r.speaker_key.as_deref().unwrap()).collect();
        // Obama is learnt in the first batch, so even the bare name before it merges.
        assert_eq!(&got[..3], ["barack obama"; 3]);
        // Clinton was unambiguous when its batch was keyed (only Hillary named so far); once
        // Bill is named, a bare Clinton is ambiguous and keeps its own key.
        assert_eq!(got[3], "hillary clinton");
        assert_eq!(got[5], "bill clinton");
        assert_eq!(got[6], "clinton");
        assert_eq!(got[7], "trump");
    }

    #[test]
    fn a_bare_roster_surname_never_takes_the_roster_id() {
        let mut keys = SpeakerKeys::new(&roster());
        // `Antonov said` in a story about the aircraft maker: not confirmed as the ambassador.
        assert_eq!(keys.key(Some("Antonov"), None).as_deref(), Some("antonov (unconfirmed)"));
        keys.learn("Igor Lavrov");
        assert_eq!(keys.key(Some("Lavrov"), None).as_deref(), Some("lavrov (unconfirmed)"));
        assert_eq!(keys.key(Some("Igor Lavrov"), None).as_deref(), Some("igor lavrov"));
        assert_eq!(keys.key(Some("Anatoly Antonov"), Some("antonov")).as_deref(), Some("antonov"));
    }

    #[test]
    fn a_whole_table_resolves_surnames_named_later() {
        let rows = [(Some("Obama"), None), (Some("Sergey Lavrov"), Some("lavrov")), (Some("Barack Obama"), None), (None, None)];
        let keys = resolve_all(&roster(), &rows);
        assert_eq!(keys, vec![Some("barack obama".into()), Some("lavrov".into()), Some("barack obama".into()), None]);
    }
}
