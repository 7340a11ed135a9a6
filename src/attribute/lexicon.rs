//! Word lists the attribution rules rely on: reporting verbs, titles, role nouns, given names,
//! and the words that mark a capitalised phrase as an organisation or place. Kept together here
//! so that widening the tool's English is a matter of editing lists, not rules.

use crate::roster::Gender;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

/// Regular reporting verbs, base form; inflections are generated.
const REPORTING_VERBS: &str = "add note state assert claim argue explain insist mention stress emphasize emphasise \
    underscore underline highlight warn tweet declare announce acknowledge admit observe remark comment reply \
    respond answer ask suggest contend maintain recall complain conclude describe call term label dub pledge \
    promise vow predict charge accuse urge advise confirm deny reiterate repeat recount report reveal disclose \
    quip joke boast lament concede caution counter retort allege affirm proclaim hail praise criticize criticise \
    slam blast brand regard express voice summarize summarise tout assure agree demand shout chant cry exclaim \
    scream yell whisper mutter muse point estimate testify post wonder question scoff sneer gush rave fume snap \
    plead object protest threaten inform remind forecast propose recommend indicate signal imply hint specify \
    clarify elaborate opine posit reason speculate theorize tease mock taunt deride dismiss decry denounce \
    condemn lambaste lambast chide scold attack characterize characterise deem insist rip pledge \
    reassure interject exhort implore beseech rate rule liken compare reject ";

/// Reporting verbs that cannot be anything else: when their subject is unknown (`the statement
/// said`), the speaker is unknown, and no earlier name may be taken instead.
pub fn is_unambiguous_verb(lower: &str) -> bool {
    matches!(lower, "said" | "says" | "told" | "tells" | "stated" | "added" | "adds" | "wrote" | "writes" | "asked" | "declared" | "insisted" | "insists")
}

/// Irregular forms of reporting verbs.
const IRREGULAR_REPORTING: &[&str] = &[
    "say", "says", "said", "saying", "tell", "tells", "told", "telling", "write", "writes", "wrote", "written",
    "writing", "speak", "speaks", "spoke", "spoken", "speaking", "swear", "swears", "swore", "sworn", "put",
    "puts", "putting",
];

/// Verbs whose final consonant doubles (`snapped`, `quipping`).
const DOUBLING: &[&str] = &["quip", "snap", "rip", "slam", "chat", "fret", "admit", "blast"];

fn inflect(base: &str, out: &mut HashSet<String>) {
    out.insert(base.to_string());
    let (stem_ed, stem_ing, third) = if let Some(stem) = base.strip_suffix('e') {
        (format!("{base}d"), format!("{stem}ing"), format!("{base}s"))
    } else if base.ends_with('y') && !base.ends_with("ay") && !base.ends_with("ey") && !base.ends_with("oy") {
        let stem = &base[..base.len() - 1];
        (format!("{stem}ied"), format!("{base}ing"), format!("{stem}ies"))
    } else if DOUBLING.contains(&base) && base != "admit" && base != "blast" {
        let last = &base[base.len() - 1..];
        (format!("{base}{last}ed"), format!("{base}{last}ing"), format!("{base}s"))
    } else if base == "admit" {
        ("admitted".to_string(), "admitting".to_string(), "admits".to_string())
    } else if base.ends_with('s') || base.ends_with("sh") || base.ends_with("ch") || base.ends_with('x') || base.ends_with('z') {
        (format!("{base}ed"), format!("{base}ing"), format!("{base}es"))
    } else {
        (format!("{base}ed"), format!("{base}ing"), format!("{base}s"))
    };
    out.insert(stem_ed);
    out.insert(stem_ing);
    out.insert(third);
}

static REPORTING: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut set = HashSet::default();
    for base in REPORTING_VERBS.split_whitespace() {
        inflect(base, &mut set);
    }
    set.extend(IRREGULAR_REPORTING.iter().map(|s| s.to_string()));
    set
});

/// Whether a lower-case word is a form of a reporting verb (`said`, `tells`, `adding`).
/// `regarding` is a preposition.
pub fn is_reporting_verb(lower: &str) -> bool {
    REPORTING.contains(lower) && lower != "regarding"
}

/// Whether a lower-case word is a determiner or preposition (after one, `state` or `reports`
/// is a noun, not a reporting verb).
pub fn is_determiner(lower: &str) -> bool {
    matches!(
        lower,
        "the" | "a" | "an" | "of" | "his" | "her" | "its" | "their" | "this" | "that" | "these" | "those" | "our" | "my"
            | "your" | "for" | "in" | "on" | "with" | "by" | "from" | "no" | "any" | "some" | "every" | "each" | "at"
    )
}

/// Whether a lower-case word cannot be a verb after a subject (`Clinton among young voters`).
pub fn is_non_verb(lower: &str) -> bool {
    is_determiner(lower)
        || matches!(
            lower,
            "among" | "about" | "after" | "against" | "before" | "during" | "between" | "through" | "across" | "as" | "than"
                | "like" | "into" | "over" | "under" | "without" | "and" | "or" | "but" | "nor" | "whose" | "where" | "when"
                | "while" | "if" | "because" | "since" | "until" | "not" | "also"
        )
}

/// Lower-case words that may stand between a subject and its verb, or after a quote before the
/// speaker: auxiliaries, adverbs, times (`Vassily Nebenzia … on Friday, 29 October, asserted`).
const GAP_WORDS: &[&str] = &[
    "has", "have", "had", "was", "were", "is", "are", "would", "will", "did", "does", "do", "also", "further",
    "additionally", "then", "later", "once", "again", "repeatedly", "reportedly", "previously", "recently",
    "quickly", "earlier", "first", "now", "still", "even", "just", "already", "often", "frequently", "publicly",
    "privately", "openly", "simply", "flatly", "bluntly", "angrily", "calmly", "firmly", "separately", "herself",
    "himself", "on", "last", "this", "that", "week", "weekend", "month", "year", "night", "morning",
    "afternoon", "evening", "today", "yesterday", "tonight", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "who", "in", "an", "a", "interview", "statement",
    "recent", "late", "early", "been", "not", "never", "always", "too", "however", "though", "meanwhile",
    "subsequently", "finally", "eventually", "immediately", "elsewhere", "there", "here", "specifically",
    "explicitly", "directly", "personally", "emphatically", "confidently", "cautiously", "similarly",
    "likewise", "moreover", "shortly", "afterward", "afterwards", "had", "being", "can", "could", "should",
    "might", "must", "shall", "didn't", "didn’t", "doesn't", "doesn’t", "don't", "don’t", "won't", "won’t",
    "wouldn't", "wouldn’t", "can't", "can’t", "couldn't", "couldn’t", "hasn't", "hasn’t", "haven't", "haven’t",
    "hadn't", "hadn’t", "isn't", "isn’t", "wasn't", "wasn’t", "cannot",
];

static GAP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| GAP_WORDS.iter().copied().collect());

/// Whether a lower-case word may stand between a speaker and the reporting verb.
pub fn is_gap_word(lower: &str) -> bool {
    GAP.contains(lower) || lower.chars().all(|c| c.is_ascii_digit())
}

/// Titles that precede a name, with the gender they imply (compared without a final period).
const TITLES: &[(&str, Option<Gender>)] = &[
    ("Mr", Some(Gender::Male)), ("Mrs", Some(Gender::Female)), ("Ms", Some(Gender::Female)), ("Miss", Some(Gender::Female)),
    ("Dr", None), ("Prof", None), ("Professor", None), ("Sen", None), ("Senator", None), ("Rep", None),
    ("Representative", None), ("Gov", None), ("Governor", None), ("President", None), ("Vice", None),
    ("Secretary", None), ("Minister", None), ("Ambassador", None), ("Gen", None), ("General", None), ("Adm", None),
    ("Admiral", None), ("Col", None), ("Colonel", None), ("Lt", None), ("Capt", None), ("Captain", None), ("Sgt", None),
    ("Judge", None), ("Justice", None), ("Mayor", None), ("Chancellor", None), ("Premier", None),
    ("King", Some(Gender::Male)), ("Queen", Some(Gender::Female)), ("Prince", Some(Gender::Male)),
    ("Princess", Some(Gender::Female)), ("Pope", Some(Gender::Male)), ("Rev", None), ("Reverend", None),
    ("Father", Some(Gender::Male)), ("Sister", Some(Gender::Female)), ("Speaker", None), ("Leader", None),
    ("Chairman", Some(Gender::Male)), ("Chairwoman", Some(Gender::Female)), ("Director", None),
    ("Commissioner", None), ("Spokesman", Some(Gender::Male)), ("Spokeswoman", Some(Gender::Female)),
    ("Spokesperson", None), ("Deputy", None), ("Undersecretary", None), ("Under", None), ("Sheriff", None),
    ("Chief", None), ("Officer", None), ("Attorney", None), ("Lady", Some(Gender::Female)), ("Sir", Some(Gender::Male)),
    ("Dame", Some(Gender::Female)), ("Lord", Some(Gender::Male)), ("Congressman", Some(Gender::Male)),
    ("Congresswoman", Some(Gender::Female)), ("Sheikh", Some(Gender::Male)), ("Emir", Some(Gender::Male)),
    ("Prime", None), ("Foreign", None), ("Defense", None), ("Defence", None), ("Interior", None), ("Finance", None),
    ("Envoy", None), ("Nominee", None), ("Candidate", None), ("Detective", None), ("Sergeant", None),
    ("Ayatollah", Some(Gender::Male)), ("Madam", Some(Gender::Female)), ("Madame", Some(Gender::Female)),
    ("First", None), ("Former", None), ("Presidential", None), ("Secretary-General", None), ("Lieutenant", None),
    ("Sens", None), ("Reps", None), ("Govs", None), ("Gens", None), ("Del", None), ("Delegate", None), ("Retired", None),
];

/// If `word` (capitalised, with or without a final period) is a title, its implied gender.
pub fn title(word: &str) -> Option<Option<Gender>> {
    let bare = word.strip_suffix('.').unwrap_or(word);
    TITLES.iter().find(|(t, _)| *t == bare).map(|(_, g)| *g)
}

/// Role nouns (lower case) with the gender they imply.
const ROLE_NOUNS: &[(&str, Option<Gender>)] = &[
    ("diplomat", None), ("envoy", None), ("ambassador", None), ("minister", None), ("spokeswoman", Some(Gender::Female)),
    ("spokesman", Some(Gender::Male)), ("spokesperson", None), ("representative", None), ("official", None),
    ("president", None), ("senator", None), ("congressman", Some(Gender::Male)), ("congresswoman", Some(Gender::Female)),
    ("lawmaker", None), ("legislator", None), ("governor", None), ("secretary", None), ("undersecretary", None),
    ("chairman", Some(Gender::Male)), ("chairwoman", Some(Gender::Female)), ("chairperson", None), ("chair", None),
    ("candidate", None), ("nominee", None), ("leader", None), ("mayor", None), ("chief", None), ("director", None),
    ("adviser", None), ("advisor", None), ("aide", None), ("analyst", None), ("expert", None), ("professor", None),
    ("commander", None), ("general", None), ("officer", None), ("prosecutor", None), ("judge", None), ("attorney", None),
    ("lawyer", None), ("executive", None), ("ceo", None), ("founder", None), ("activist", None), ("author", None),
    ("writer", None), ("reporter", None), ("journalist", None), ("columnist", None), ("economist", None),
    ("strategist", None), ("pollster", None), ("manager", None), ("deputy", None), ("premier", None),
    ("chancellor", None), ("king", Some(Gender::Male)), ("queen", Some(Gender::Female)), ("prince", Some(Gender::Male)),
    ("princess", Some(Gender::Female)), ("administrator", None), ("commissioner", None), ("democrat", None),
    ("republican", None), ("billionaire", None), ("businessman", Some(Gender::Male)),
    ("businesswoman", Some(Gender::Female)), ("host", None), ("anchor", None), ("woman", Some(Gender::Female)),
    ("man", Some(Gender::Male)), ("mother", Some(Gender::Female)), ("father", Some(Gender::Male)),
    ("wife", Some(Gender::Female)), ("husband", Some(Gender::Male)), ("daughter", Some(Gender::Female)),
    ("son", Some(Gender::Male)), ("lady", Some(Gender::Female)), ("actress", Some(Gender::Female)),
    ("actor", None), ("doctor", None), ("physician", None), ("scientist", None), ("researcher", None),
    ("historian", None), ("negotiator", None), ("emissary", None), ("delegate", None), ("politician", None),
    ("statesman", Some(Gender::Male)), ("head", None), ("pundit", None), ("commentator", None), ("critic", None),
    ("congressmember", None), ("speaker", None), ("sheriff", None), ("superintendent", None), ("teacher", None),
    ("student", None), ("coach", None), ("surgeon", None), ("veteran", None), ("mogul", None), ("magnate", None),
    ("entrepreneur", None), ("organizer", None), ("organiser", None), ("campaigner", None), ("operative", None),
    ("consultant", None), ("counselor", None), ("counsellor", None), ("rapper", None), ("singer", None),
    ("director-general", None), ("secretary-general", None), ("under-secretary-general", None),
    ("undersecretary-general", None), ("vice-president", None), ("frontrunner", None), ("counterpart", None),
    ("incumbent", None), ("challenger", None), ("boss", None), ("publisher", None), ("editor", None),
    ("producer", None), ("filmmaker", None), ("comedian", None), ("owner", None), ("star", None),
];

static ROLES: LazyLock<HashMap<&'static str, Option<Gender>>> = LazyLock::new(|| ROLE_NOUNS.iter().copied().collect());

/// If the lower-case `word` is a role noun, the gender it implies.
pub fn role_noun(lower: &str) -> Option<Option<Gender>> {
    ROLES.get(lower).copied()
}

/// Role nouns that every diplomat answers to, whatever the exact title ("the diplomat said"
/// after "Russian Ambassador to the US Anatoly Antonov").
pub fn role_implies(role: &str, said_role: &str) -> bool {
    const DIPLOMATS: &[&str] = &["ambassador", "envoy", "minister", "spokeswoman", "spokesman", "spokesperson", "representative", "undersecretary", "emissary", "negotiator"];
    match said_role {
        "diplomat" => role == "diplomat" || DIPLOMATS.contains(&role),
        "envoy" => matches!(role, "envoy" | "ambassador" | "representative" | "emissary"),
        "official" => !matches!(role, "woman" | "man" | "mother" | "father" | "wife" | "husband" | "son" | "daughter" | "lady" | "student" | "activist"),
        _ => role == said_role,
    }
}

/// Nationality adjectives (lower case), which tell `the Russian diplomat` from a Turkish one.
pub fn is_nationality(lower: &str) -> bool {
    matches!(
        lower,
        "russian" | "american" | "us" | "u.s." | "british" | "uk" | "ukrainian" | "turkish" | "chinese" | "french" | "german"
            | "hungarian" | "iranian" | "israeli" | "syrian" | "iraqi" | "saudi" | "indian" | "pakistani" | "japanese" | "korean"
            | "polish" | "belarusian" | "italian" | "spanish" | "canadian" | "mexican" | "brazilian" | "egyptian" | "georgian"
            | "kazakh" | "armenian" | "azerbaijani" | "serbian" | "european" | "western" | "soviet" | "afghan" | "qatari"
    )
}

/// Capitalised words that open sentences or phrases but never start a name.
const NOT_NAME_START: &str = "The A An But And Or So Yet In On At As For If When While After Before This That These \
    Those There Here His Her Its Their Our My Your We They It He She I You Meanwhile However Still Now Then Some \
    Many Most One Both Neither No Not What Why How Who Where Which According Speaking Addressing Despite \
    Following Also Just Even Only Such Asked Earlier Later Last Next Since Until Though Although Because During \
    Under Over With Without From To By Of Into Through Among Against Between About Like Unlike All Any Each Every \
    Other Another More Less Few Several Much Yes Well Oh Indeed Instead Thus Therefore Moreover Furthermore \
    Otherwise Nevertheless Nonetheless Finally First Second Third Today Tomorrow Yesterday Monday Tuesday \
    Wednesday Thursday Friday Saturday Sunday January February March April May June July August September \
    October November December Ahead Amid Asked Told Said Says Having Being Let Dear Please Thank Thanks Do Does \
    Did Is Are Was Were Will Would Could Should Can May Might Must Has Have Had Image Photo Video Read Watch \
    Updated Published Share Follow Click Sign Subscribe Advertisement Related Instead Perhaps Maybe Sure \
    Absolutely Certainly Of Course Again Whether Whatever Whoever Once Twice Everyone Everybody Nobody Somebody \
    Someone Anyone Nothing Something Everything Anything People Officials Critics Supporters Voters Americans \
    Russians Democrats Republicans Russian American Western Soviet European Chinese Ukrainian British French \
    German Hungarian Iranian Israeli Syrian Iraqi Saudi Mexican Latino Latinos Hispanic Hispanics Black White \
    Asian African Muslim Christian Jewish Catholic Democratic Republican Presidential Federal National \
    International Global Foreign Joint Strategic Security Senior Top Former Deputy Vice Chief Head Rival \
    Partial Full Transcript Abstract Text Update Editor Note";

static NOT_NAME: LazyLock<HashSet<&'static str>> = LazyLock::new(|| NOT_NAME_START.split_whitespace().collect());

/// Whether a capitalised word cannot be (part of) a person's name.
pub fn is_not_name(word: &str) -> bool {
    NOT_NAME.contains(word)
}

/// Words that make a capitalised phrase an organisation, place or thing rather than a person.
const ORG_WORDS: &str = "House Street States Nations Council Councils Department Ministry Ministries Committee \
    Party University Post Times Journal News Agency Office Court Congress Senate Union Bank Fund Institute \
    Foundation Center Centre Association Organization Organisation Corporation Company Group Club Church \
    School College Airport Square Avenue Road County City Republic Kingdom Federation Administration \
    Commission Board Service Services Force Forces Army Navy Guard Police Network Channel Television Radio \
    Magazine Press Review Tribune Herald Daily Gazette Inc Corp Ltd LLC Affairs State Security Intelligence \
    Reserve Campaign Caucus Project Program Programme Initiative Alliance Coalition Movement Front Assembly \
    Parliament Duma Kremlin Pentagon Capitol Embassy Mission Summit Dialogue Treaty Agreement Act Poll Survey \
    Report Statement Declaration Conference Forum Olympics Games Cup League Mountains River Sea Ocean Island \
    Islands Valley Park Hall Tower Building Station Hospital Health Insurance Clinic Museum Library Gallery \
    Theatre Theater Studio Studios Media Communications Technologies Systems Energy Airlines Capital Partners \
    Holdings Trust Exchange Market Markets Index Twitter Facebook Google YouTube Instagram Reuters AFP AP TASS \
    Sputnik RIA Interfax CNN MSNBC NBC CBS ABC BBC Fox PBS NPR Zvezda Politico Breitbart Post Daily Wire Beast \
    Foundation Fed Court Prize Award Awards Era War Crisis Accords Accord Constitution Amendment Law Code \
    Bureau Directorate Secretariat Cabinet Government Regime Opposition Democrats Republicans GOP DNC RNC FBI \
    CIA NSA NATO UN EU OSCE WHO IMF OPEC NASA Russia Moscow America US USA U.S. UK U.K. Britain Ukraine Kiev \
    Kyiv China Beijing Washington Geneva Europe Syria Iran Tehran Israel Germany Berlin France Paris London \
    Japan Tokyo Turkey Ankara Hungary Budapest Poland Belarus Donbass Crimea Afghanistan Iraq Pakistan India \
    Yemen Mexico Canada Cuba Venezuela Brazil Korea Pyongyang Seoul Vermont Michigan Florida Texas California \
    Ohio Pennsylvania Virginia Carolina Iowa Nevada Arizona Wisconsin Minnesota Colorado Illinois Chicago \
    Boston Philadelphia Manhattan Brooklyn York Jersey Atlanta Detroit Cleveland Hampshire Missouri Indiana \
    Kentucky Tennessee Alabama Mississippi Louisiana Arkansas Oklahoma Kansas Nebraska Dakota Montana Idaho \
    Utah Oregon Alaska Hawaii Maryland Delaware Connecticut Massachusetts Maine Rhode Islamabad Riyadh Arabia \
    Baghdad Damascus Cairo Egypt Libya Africa Asia Middle East West North South Arctic Atlantic Pacific Internet";

static ORGS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| ORG_WORDS.split_whitespace().collect());

/// Whether a capitalised word marks an organisation or a place.
pub fn is_org_word(word: &str) -> bool {
    ORGS.contains(word) || (word.len() >= 2 && word.len() <= 5 && word.chars().all(|c| c.is_ascii_uppercase() || c == '.') && word.chars().filter(|c| *c != '.').count() >= 2)
}

/// Lower-case nouns that, right after a capitalised phrase, make it an organisation
/// ("Hungary's Magyar Nemzet newspaper").
pub fn is_org_noun(lower: &str) -> bool {
    matches!(
        lower,
        "newspaper" | "agency" | "channel" | "magazine" | "party" | "company" | "group" | "network" | "website" | "daily"
            | "news" | "station" | "broadcaster" | "outlet" | "poll" | "survey" | "campaign" | "administration"
            | "government" | "ministry" | "department" | "committee" | "council" | "summit" | "statement" | "report"
            | "program" | "team" | "office" | "firm" | "bank" | "university" | "institute" | "foundation" | "organization"
            | "tv" | "radio" | "paper" | "tabloid" | "blog" | "show" | "bill" | "act" | "law" | "treaty" | "talks"
    )
}

const MALE_NAMES: &str = "Aaron Abraham Adam Adrian Ahmed Alan Albert Alberto Alejandro Alex Alexander Alexandr \
    Alexei Alexey Aleksandr Aleksei Alfred Ali Allen Alvin Amir Anatoly Anatoliy Andre Andrei Andrey Andrew Andy \
    Angel Angelo Anthony Antonio Antony Anton Arnold Arthur Ashton Austin Barack Barry Ben Benjamin Bernard Bernie \
    Bill Billy Bob Bobby Boris Brad Bradley Brandon Brendan Brent Brett Brian Bruce Bryan Byron Calvin Cameron Carl \
    Carlos Chad Charles Charlie Chris Christian Christopher Chuck Clarence Clark Claude Clint Cory Craig Curtis \
    Dale Dan Daniel Danny Darrell Dave David Dean Denis Dennis Derek Dick Dmitri Dmitry Dmitriy Don Donald Doug \
    Douglas Duncan Dwight Earl Ed Eddie Edgar Eduardo Edward Edwin Elijah Elliot Elon Emmanuel Eric Erik Ernest \
    Eugene Evan Evgeny Felix Fernando Francis Francisco Frank Franklin Fred Frederick Gabriel Gary Gavin Gene \
    Geoffrey George Gerald Gerard Giuseppe Glenn Gordon Graham Grant Greg Gregory Guy Hamid Hank Hans Harold Harry \
    Harvey Hassan Hector Henry Herbert Herman Howard Hugh Hugo Ian Igor Ilya Isaac Ivan Jack Jacob Jake Jamal James \
    Jared Jason Javier Jay Jean Jeb Jeff Jeffrey Jeremy Jerome Jerry Jesse Jim Jimmy Joe Joel Joey John Johnny Jon \
    Jonathan Jorge Jose Joseph Josh Joshua Juan Julian Justin Karl Keith Ken Kenneth Kevin Kim Kirill Konstantin \
    Kurt Kyle Lamar Lance Larry Lawrence Lee Leo Leon Leonard Leonid Lewis Lindsey Lloyd Lou Louis Luis Luke Marc \
    Marco Marcus Mario Mark Marshall Martin Marvin Matt Matthew Maurice Max Maxim Michael Miguel Mike Mikhail \
    Mitch Mitt Mohammed Muhammad Nathan Neil Nicholas Nick Nikita Nikolai Nikolay Noah Norman Oleg Oliver Omar \
    Oscar Owen Pablo Pat Patrick Paul Pavel Pedro Pete Peter Phil Philip Phillip Pierre Rafael Ralph Ramon Randy \
    Raul Ray Raymond Reince Reggie Ricardo Richard Rick Ricky Rob Robert Roberto Rod Rodney Roger Roman Ron Ronald \
    Ross Roy Rudy Rupert Russell Ryan Sam Samuel Scott Sean Sebastian Sergei Sergey Sergiy Seth Shawn Sherrod Sid \
    Simon Stan Stanley Stefan Stephen Steve Steven Stuart Ted Terry Theodore Thomas Tim Timothy Todd Tom Tommy Tony \
    Travis Trevor Troy Tyler Valery Valeriy Vance Vasily Vassily Vasiliy Victor Viktor Vincent Vladimir Vladislav \
    Walter Wayne Wesley Will William Willie Xavier Yevgeny Yuri Yury Zachary Zack Ahmad Recep Emmanuel Olaf \
    Boris Volodymyr Petro Viktor Narendra Xi Shinzo Benjamin Bashar Hosni Kofi Ban Antonio Jens Nikol Rex Newt \
    Reince Corey Kellyanne Hakeem Elijah Jerrold Adam Devin Jim Rand Marco Ted Mitch Chuck Harry Tim Tom Mike \
    Rudolph Rudy Alan Karl Sean Stephen Steve Umer Hamza Imran Nawaz Asif Shehbaz Faisal Khalid Mahmoud Abdel \
    Abdullah Rustam Ramzan Dmitri Nikolai Yevgeny Gennady Vyacheslav Ruslan Artem Alexandre Jacques Nicolas \
    Francois Emmanuel Angelo Matteo Mario Silvio Gerhard Helmut Frank-Walter Heiko Olaf Sigmar";

const FEMALE_NAMES: &str = "Abby Abigail Ada Adele Adriana Aisha Alexandra Alexis Alice Alicia Alison Allison \
    Amanda Amber Amelia Amy Ana Anastasia Andrea Angela Angelina Anita Ann Anna Anne Annie Antonia April Ashley \
    Audrey Ava Barbara Beatrice Becky Belinda Betty Beverly Bonnie Brenda Bridget Brittany Camila Candace Carla \
    Carly Carmen Carol Caroline Carolyn Catherine Cecilia Charlotte Chelsea Cheryl Christina Christine Cindy \
    Claire Clara Claudia Colleen Condoleezza Connie Courtney Cynthia Daisy Dana Danielle Darya Dawn Deborah Debbie \
    Debra Denise Diana Diane Donna Dolores Doris Dorothy Edith Eileen Elaine Eleanor Elena Elisabeth Elise \
    Elizabeth Ella Ellen Elise Emily Emma Erica Erin Esther Eva Evelyn Faith Fatima Felicia Fiona Frances Gabriela \
    Gail Gennifer Georgia Gina Gloria Grace Gwen Hannah Harriet Hazel Heather Heidi Helen Helena Hillary Holly Hope \
    Huma Ilhan Ingrid Irene Irina Iris Isabel Isabella Ivanka Jackie Jacklyn Jacqueline Jane Janet Janice Jasmine \
    Jean Jeanne Jennifer Jenny Jessica Jill Joan Joanna Jocelyn Jodi Josephine Joy Joyce Judith Judy Julia Julie \
    Juliet June Karen Karina Kate Katherine Kathleen Kathryn Kathy Katie Kayleigh Kelly Kellyanne Kimberly Kirsten \
    Krystal Kristen Kristin Lara Laura Lauren Leah Leslie Liliana Lily Linda Lisa Liz Lois Loretta Lori Louise \
    Lucia Lucy Lydia Lyudmila Madeleine Madeline Maggie Margaret Maria Mariya Marie Marina Marine Marjorie Martha \
    Mary Maxine Maya Megan Meghan Melania Melanie Melinda Melissa Michele Michelle Mila Mildred Minyon Miranda \
    Molly Monica Nadia Nancy Naomi Natalia Natalie Natasha Nicola Nicole Nikki Nina Nora Olga Olivia Pam Pamela \
    Patricia Paula Pauline Peggy Penny Phyllis Priscilla Rachel Rebecca Regina Renee Rita Roberta Robin Rosa \
    Rosalind Rose Ruth Sabrina Samantha Sandra Sara Sarah Sharon Sheila Shelley Sherry Shirley Sofia Sonia Sonya \
    Sophia Sophie Stacey Stephanie Sue Susan Susana Suzanne Svetlana Sylvia Tamara Tammy Tanya Tatiana Tatyana \
    Teresa Theresa Tiffany Tina Tracy Tulsi Ursula Valentina Valerie Vanessa Vera Veronica Victoria Viktoria \
    Virginia Wanda Wendy Whitney Yulia Yvonne Zoe Angela Theresa Federica Kamala Nikki Elise Marsha Debbie \
    Dianne Barbara Nancy Patty Jeanne Kirsten Tammy Amy Heidi Claire Maxine Jackie Carly Michele Sheryl Esther \
    Pamela Carla Krystal Melanie Hope Sarah Huma Cheryl Ilhan Valentina Ella Christiane Annalena Ursula";

static GIVEN_NAMES: LazyLock<HashMap<&'static str, Gender>> = LazyLock::new(|| {
    let mut map = HashMap::default();
    for name in MALE_NAMES.split_whitespace() {
        map.insert(name, Gender::Male);
    }
    for name in FEMALE_NAMES.split_whitespace() {
        // A name in both lists (Jean, Kim) tells nothing about gender.
        if map.insert(name, Gender::Female) == Some(Gender::Male) {
            map.remove(name);
        }
    }
    map
});

static ANY_GIVEN_NAME: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| MALE_NAMES.split_whitespace().chain(FEMALE_NAMES.split_whitespace()).collect());

/// If `word` is a common given name, the gender it usually implies (`None` when either).
pub fn given_name(word: &str) -> Option<Option<Gender>> {
    ANY_GIVEN_NAME.contains(word).then(|| GIVEN_NAMES.get(word).copied())
}

/// News agencies and outlets, whose `reported` frames another's words (`…, TASS reported`).
pub fn is_news_agency(word: &str) -> bool {
    matches!(
        super::tokens::strip_possessive(word).0,
        "TASS" | "RIA" | "Novosti" | "Interfax" | "Reuters" | "AFP" | "AP" | "Sputnik" | "Xinhua" | "Bloomberg" | "Ukrinform"
            | "Anadolu" | "Kyodo" | "Yonhap" | "RT" | "IANS" | "PTI" | "dpa" | "EFE" | "ANSA" | "BelTA" | "Itar-TASS" | "UNIAN"
            | "RBC" | "Izvestia" | "Kommersant" | "Vedomosti"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporting_verb_forms() {
        for word in ["said", "says", "saying", "told", "added", "noted", "mentioned", "underscored", "quipped", "cried", "claimed", "advised", "asks", "stating", "argued"] {
            assert!(is_reporting_verb(word), "{word}");
        }
        for word in ["welcomed", "hopes", "signed", "met", "is"] {
            assert!(!is_reporting_verb(word), "{word}");
        }
    }

    #[test]
    fn names_titles_roles() {
        assert_eq!(given_name("Maria"), Some(Some(Gender::Female)));
        assert_eq!(given_name("Sergei"), Some(Some(Gender::Male)));
        assert_eq!(given_name("Jean"), Some(None));
        assert_eq!(given_name("Moscow"), None);
        assert_eq!(title("Mr."), Some(Some(Gender::Male)));
        assert_eq!(role_noun("spokeswoman"), Some(Some(Gender::Female)));
        assert!(role_implies("ambassador", "diplomat"));
        assert!(!role_implies("president", "diplomat"));
        assert!(is_org_word("Kremlin") && is_org_word("UN") && !is_org_word("Lavrov"));
    }
}
