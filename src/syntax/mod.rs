//! The syntax stage: tokens, Penn Treebank part-of-speech tags, named entities and labelled
//! dependency trees for English news text, from models this project trains itself (see
//! `syntax::train`) on the CoreNLP annotation of the PolNeAR training articles.
//!
//! Steps, one file each, in the order they run on a sentence:
//! [`tokenize`] (Penn Treebank tokens with byte offsets) → [`tagger`] (an averaged perceptron,
//! greedy left to right) → [`entities`] (a BILOU perceptron over the tags) → [`parser`] (a greedy
//! arc-hybrid transition parser). [`features`] holds what the three models share (word shapes,
//! feature hashing), [`weights`] the trained weights and their file format, [`conllu`] the corpus
//! reader used by training and evaluation. No Python or Java at run time.

pub mod clusters;
pub mod conllu;
pub mod entities;
pub mod eval;
pub mod features;
pub mod parser;
pub mod tagger;
pub mod train;
pub mod weights;
pub mod tokenize;
pub mod tokens_eval;

pub use tokenize::{tokenize, Token};

/// Penn Treebank part-of-speech tags, with the extra tags of the UD English treebanks so that
/// their gold files can be read (the models never predict those).
pub const POS_TAGS: &[&str] = &[
    "CC", "CD", "DT", "EX", "FW", "IN", "JJ", "JJR", "JJS", "LS", "MD", "NN", "NNS", "NNP", "NNPS", "PDT", "POS", "PRP",
    "PRP$", "RB", "RBR", "RBS", "RP", "SYM", "TO", "UH", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "WDT", "WP", "WP$",
    "WRB", "#", "$", "''", "``", ",", "-LRB-", "-RRB-", ".", ":", "HYPH", "NFP", "ADD", "AFX", "GW", "XX", "-NONE-",
];

/// A Penn Treebank part-of-speech tag (an index into [`POS_TAGS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PosTag(pub(crate) u8);

impl PosTag {
    /// The tag named `name`, if it is a Penn (or UD English) tag.
    pub fn from_name(name: &str) -> Option<PosTag> {
        POS_TAGS.iter().position(|&t| t == name).map(|i| PosTag(i as u8))
    }

    pub fn as_str(self) -> &'static str {
        POS_TAGS[self.0 as usize]
    }

    /// `VB`, `VBD`, `VBG`, `VBN`, `VBP`, `VBZ`.
    pub fn is_verb(self) -> bool {
        self.as_str().starts_with("VB")
    }

    /// Common and proper nouns, singular and plural.
    pub fn is_noun(self) -> bool {
        self.as_str().starts_with("NN")
    }

    /// `NNP`, `NNPS`.
    pub fn is_proper_noun(self) -> bool {
        self.as_str().starts_with("NNP")
    }

    /// Punctuation (quote marks, brackets, commas, stops, colons, dashes).
    pub fn is_punct(self) -> bool {
        matches!(self.as_str(), "''" | "``" | "," | "-LRB-" | "-RRB-" | "." | ":" | "HYPH" | "NFP")
    }
}

/// Dependency relations: those of the training data (CoreNLP's basic Universal Dependencies,
/// version 1) and of UD version 2, so that either kind of gold reads.
pub const RELATIONS: &[&str] = &[
    "root", "punct", "case", "nmod", "nsubj", "det", "compound", "amod", "dobj", "advmod", "mark", "aux", "cc", "conj",
    "nmod:poss", "ccomp", "xcomp", "advcl", "cop", "dep", "acl:relcl", "nummod", "acl", "neg", "appos", "auxpass",
    "nsubjpass", "nmod:tmod", "compound:prt", "parataxis", "mwe", "expl", "nmod:npmod", "csubj", "iobj", "det:predet",
    "cc:preconj", "discourse", "csubjpass", "obj", "obl", "obl:tmod", "obl:npmod", "nsubj:pass", "aux:pass", "csubj:pass",
    "fixed", "flat", "flat:foreign", "goeswith", "list", "orphan", "reparandum", "vocative", "dislocated", "clf",
    "compound:svc", "obl:agent", "nmod:unmarked", "advcl:relcl", "expl:pv", "det:poss", "nmod:desc", "unknown",
];

/// A dependency relation (an index into [`RELATIONS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Relation(pub(crate) u8);

impl Relation {
    /// The relation named `name`; a subtype not in the table falls back to its main type
    /// (`nmod:in` → `nmod`), anything else to `unknown`.
    pub fn from_name(name: &str) -> Relation {
        let find = |n: &str| RELATIONS.iter().position(|&r| r == n);
        let index = find(name).or_else(|| name.split_once(':').and_then(|(main, _)| find(main))).unwrap_or(RELATIONS.len() - 1);
        Relation(index as u8)
    }

    pub fn as_str(self) -> &'static str {
        RELATIONS[self.0 as usize]
    }

    /// `nsubj`, `nsubjpass`, `csubj`, `csubjpass` (and the UD 2 spellings).
    pub fn is_subject(self) -> bool {
        matches!(self.as_str(), "nsubj" | "nsubjpass" | "csubj" | "csubjpass" | "nsubj:pass" | "csubj:pass")
    }
}

/// The kinds of named entities the recogniser finds: CoreNLP's classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Person,
    Organization,
    Location,
    Misc,
    Date,
    Time,
    Duration,
    Set,
    Number,
    Ordinal,
    Percent,
    Money,
}

impl EntityKind {
    pub const ALL: [EntityKind; 12] = [
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Location,
        EntityKind::Misc,
        EntityKind::Date,
        EntityKind::Time,
        EntityKind::Duration,
        EntityKind::Set,
        EntityKind::Number,
        EntityKind::Ordinal,
        EntityKind::Percent,
        EntityKind::Money,
    ];

    /// CoreNLP's name of the class (`PERSON`, `ORGANIZATION` …); also accepts the CoNLL short
    /// names `PER`, `ORG`, `LOC`.
    pub fn from_name(name: &str) -> Option<EntityKind> {
        Some(match name {
            "PERSON" | "PER" => EntityKind::Person,
            "ORGANIZATION" | "ORG" => EntityKind::Organization,
            "LOCATION" | "LOC" => EntityKind::Location,
            "MISC" => EntityKind::Misc,
            "DATE" => EntityKind::Date,
            "TIME" => EntityKind::Time,
            "DURATION" => EntityKind::Duration,
            "SET" => EntityKind::Set,
            "NUMBER" => EntityKind::Number,
            "ORDINAL" => EntityKind::Ordinal,
            "PERCENT" => EntityKind::Percent,
            "MONEY" => EntityKind::Money,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "PERSON",
            EntityKind::Organization => "ORGANIZATION",
            EntityKind::Location => "LOCATION",
            EntityKind::Misc => "MISC",
            EntityKind::Date => "DATE",
            EntityKind::Time => "TIME",
            EntityKind::Duration => "DURATION",
            EntityKind::Set => "SET",
            EntityKind::Number => "NUMBER",
            EntityKind::Ordinal => "ORDINAL",
            EntityKind::Percent => "PERCENT",
            EntityKind::Money => "MONEY",
        }
    }
}

/// A named entity: the tokens `first..end` of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entity {
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    pub kind: EntityKind,
}

/// A labelled dependency tree over the tokens of a sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// The head of each token (a token index), `None` for the root.
    pub heads: Vec<Option<usize>>,
    /// The relation of each token to its head (`root` for the root).
    pub relations: Vec<Relation>,
}

impl Tree {
    /// The dependents of token `head`, in order.
    pub fn children(&self, head: usize) -> impl Iterator<Item = usize> + '_ {
        self.heads.iter().enumerate().filter(move |(_, h)| **h == Some(head)).map(|(i, _)| i)
    }

    /// Token `i` and its ancestors up to the root (cycle-safe: at most one pass per token).
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let mut next = Some(i);
        let mut left = self.heads.len() + 1;
        std::iter::from_fn(move || {
            let current = next?;
            left = left.checked_sub(1)?;
            next = self.heads[current];
            Some(current)
        })
    }
}

/// What the syntax stage knows of one sentence: its tokens, their tags, the entities and (for
/// sentences that attribution needs) the dependency tree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentenceSyntax {
    pub tags: Vec<PosTag>,
    /// Empty where the recogniser was not asked ([`Syntax::parse_span`]).
    pub entities: Vec<Entity>,
    /// `None` where the sentence was not parsed.
    pub tree: Option<Tree>,
}

/// A sentence of an article with everything the syntax stage found in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedSentence {
    pub tokens: Vec<tokenize::Token>,
    pub syntax: SentenceSyntax,
}

impl ParsedSentence {
    /// The tokens that overlap the byte range `start..end`, as a token range.
    pub fn tokens_in(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let first = self.tokens.partition_point(|t| t.end <= start);
        let last = self.tokens.partition_point(|t| t.start < end);
        first..last.max(first)
    }

    /// The head of the token range: the token whose own head lies outside it (the last one
    /// where there is no tree or several qualify).
    pub fn head_of(&self, range: std::ops::Range<usize>) -> Option<usize> {
        if range.is_empty() {
            return None;
        }
        let tree = self.syntax.tree.as_ref()?;
        let outside = |i: usize| tree.heads[i].is_none_or(|h| !range.contains(&h));
        range.clone().rev().find(|&i| outside(i)).or(Some(range.end - 1))
    }
}

/// The three trained models together.
pub struct Syntax {
    pub tagger: tagger::Tagger,
    pub entities: Option<entities::EntityRecognizer>,
    pub parser: Option<parser::Parser>,
}

/// File names of the models inside the model folder (`models/syntax`).
pub const TAGGER_FILE: &str = "tagger.bin.gz";
pub const ENTITIES_FILE: &str = "entities.bin.gz";
pub const PARSER_FILE: &str = "parser.bin.gz";

impl Syntax {
    /// Loads the models from `dir` (the tagger must be there; the recogniser and the parser
    /// are used where present).
    pub fn load(dir: &std::path::Path) -> anyhow::Result<Syntax> {
        let optional = |name: &str| dir.join(name).exists().then(|| dir.join(name));
        // The three files are read side by side: decompressing them is most of start-up.
        let (parser, (tagger, entities)) = rayon::join(
            || optional(PARSER_FILE).map(|p| parser::Parser::load(&p)).transpose(),
            || rayon::join(|| tagger::Tagger::load(&dir.join(TAGGER_FILE)), || optional(ENTITIES_FILE).map(|p| entities::EntityRecognizer::load(&p)).transpose()),
        );
        Ok(Syntax { tagger: tagger?, entities: entities?, parser: parser? })
    }

    /// Tokens, tags, entities and tree of the sentence `text[start..end]`.
    pub fn analyze_span(&self, text: &str, start: usize, end: usize) -> ParsedSentence {
        let tokens = tokenize::tokenize(text, start, end);
        let forms: Vec<&str> = tokens.iter().map(|t| t.form.as_str()).collect();
        let syntax = self.analyze_forms(&forms);
        ParsedSentence { tokens, syntax }
    }

    /// Tokens, tags and tree of the sentence `text[start..end]`, without entities: what the
    /// attribution stage reads (no speaker feature uses the recogniser's spans, and skipping it
    /// saves a seventh of the text stages' time).
    pub fn parse_span(&self, text: &str, start: usize, end: usize) -> ParsedSentence {
        let tokens = tokenize::tokenize(text, start, end);
        let forms: Vec<&str> = tokens.iter().map(|t| t.form.as_str()).collect();
        let syntax = self.analyze(&forms, false);
        ParsedSentence { tokens, syntax }
    }

    /// Tags, entities and tree of a sentence given as token forms (Penn Treebank conventions).
    pub fn analyze_forms(&self, forms: &[&str]) -> SentenceSyntax {
        self.analyze(forms, true)
    }

    fn analyze(&self, forms: &[&str], with_entities: bool) -> SentenceSyntax {
        let tags = self.tagger.tag(forms);
        let entities = match &self.entities {
            Some(r) if with_entities => r.recognize(forms, &tags),
            _ => Vec::new(),
        };
        let tree = self.parser.as_ref().map(|p| p.parse(forms, &tags));
        SentenceSyntax { tags, entities, tree }
    }
}
