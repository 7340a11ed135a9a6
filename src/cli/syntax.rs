//! `quotestance train syntax` and `quotestance eval syntax`: the syntax models.

use anyhow::{Context, Result};
use clap::Args;
use quotestance::syntax::clusters::{WordClusters, CLUSTERS_FILE};
use quotestance::syntax::{conllu, eval, tokens_eval, train, Syntax};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct TrainSyntaxArgs {
    /// Training corpus (CoNLL-U, optionally .gz; default: ../shared/polnear-train/parses.conllu.gz).
    #[arg(long, value_name = "FILE", default_value = "../shared/polnear-train/parses.conllu.gz")]
    corpus: PathBuf,
    /// Folder for the model files.
    #[arg(long, value_name = "DIR", default_value = "models/syntax")]
    out: PathBuf,
    /// Use only the first N sentences (for quick checks).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    #[arg(long, value_name = "N")]
    tagger_epochs: Option<usize>,
    #[arg(long, value_name = "N")]
    entity_epochs: Option<usize>,
    #[arg(long, value_name = "N")]
    parser_epochs: Option<usize>,
    /// Label histories kept by the recogniser's beam search (1: greedy).
    #[arg(long, value_name = "N")]
    entity_beam: Option<usize>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Write only these models (comma-separated: tagger, entities, parser), for experiments.
    #[arg(long, value_name = "LIST")]
    only: Option<String>,
    /// Word clusters the models read (`train clusters`; default: models/syntax/clusters.tsv.gz);
    /// `none` trains without.
    #[arg(long, value_name = "FILE")]
    clusters: Option<String>,
}

pub fn train_main(args: TrainSyntaxArgs) -> Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let mut corpus = conllu::read_file(&args.corpus)?;
    if let Some(n) = args.limit {
        corpus.truncate(n);
    }
    let mut settings = train::SyntaxSettings { seed: args.seed, ..Default::default() };
    settings.tagger.seed = args.seed;
    settings.entities.seed = args.seed;
    settings.parser.seed = args.seed;
    if let Some(e) = args.tagger_epochs {
        settings.tagger.epochs = e;
    }
    if let Some(e) = args.entity_epochs {
        settings.entities.epochs = e;
    }
    if let Some(b) = args.entity_beam {
        settings.entities.beam = b.max(1);
    }
    if let Some(e) = args.parser_epochs {
        settings.parser.epochs = e;
    }
    if let Some(list) = &args.only {
        let names: Vec<&str> = list.split(',').map(str::trim).collect();
        if let Some(bad) = names.iter().find(|n| !["tagger", "entities", "parser"].contains(n)) {
            anyhow::bail!("--only: unknown model {bad:?} (tagger, entities, parser)");
        }
        settings.write = (names.contains(&"tagger"), names.contains(&"entities"), names.contains(&"parser"));
    }
    let clusters = match args.clusters.as_deref() {
        Some("none") => None,
        given => {
            let path = given.map_or_else(|| super::run::locate("models/syntax").join(CLUSTERS_FILE), PathBuf::from);
            Some(WordClusters::load(&path).context("no word clusters (make train-clusters, or --clusters none)")?)
        }
    };
    eprintln!("train syntax: {} sentences from {}, {} clustered words", corpus.len(), args.corpus.display(), clusters.as_ref().map_or(0, |c| c.len()));
    train::train_all(&corpus, &settings, clusters.as_ref(), &args.out)?;
    eprintln!("train syntax: wrote {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct TrainClustersArgs {
    /// The encoder's weights (safetensors) holding `bert.embeddings.word_embeddings.weight`.
    #[arg(long, value_name = "FILE", default_value = "models/tone/model.safetensors")]
    embeddings: PathBuf,
    /// Its vocabulary, one word piece a line in row order.
    #[arg(long, value_name = "FILE", default_value = "models/tone/vocab.txt")]
    vocab: PathBuf,
    /// The cluster file to write.
    #[arg(long, value_name = "FILE", default_value = "models/syntax/clusters.tsv.gz")]
    out: PathBuf,
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

pub fn clusters_main(args: TrainClustersArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let settings = train::clusters::ClusterSettings { seed: args.seed, ..Default::default() };
    let clusters = train::clusters::build(&args.embeddings, &args.vocab, &settings)?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    clusters.save(&args.out)?;
    eprintln!(
        "train clusters: {} words into {} fine and {} coarse classes, wrote {} ({:.0} s)",
        clusters.len(),
        settings.fine,
        settings.coarse,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct EvalSyntaxArgs {
    /// Gold CoNLL-U file (optionally .gz).
    #[arg(value_name = "FILE")]
    gold: PathBuf,
    /// Model folder (default: models/syntax).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Folder of the raw articles (`<doc>.txt`): also score tokenization against the gold offsets.
    #[arg(long, value_name = "DIR")]
    articles: Option<PathBuf>,
}

pub fn eval_main(args: EvalSyntaxArgs) -> Result<ExitCode> {
    let dir = args.models.unwrap_or_else(|| super::run::locate("models/syntax"));
    let gold = conllu::read_file(&args.gold)?;
    // The tokenizer and the splitter need no model: scored first.
    let tokenization = match &args.articles {
        Some(articles) => {
            let tokens = tokens_eval::tokenization_score(&gold, articles)?;
            if !tokens.missing.is_empty() {
                eprintln!("eval syntax: {} documents have no article in {} (skipped): {}", tokens.missing.len(), articles.display(), tokens.missing.join(", "));
            }
            println!("{}", tokens.line("tokenization"));
            println!("{}", tokens_eval::sentence_score(&gold, articles)?.line("sentences"));
            Some(tokens.f1())
        }
        None => None,
    };
    let loading = std::time::Instant::now();
    let syntax = Syntax::load(&dir)?;
    let loaded_in = loading.elapsed().as_secs_f64();
    let mut score = eval::evaluate(&syntax, &gold);
    score.tokenization_f1 = tokenization;
    let [tagger, entities, parser] = score.speeds();
    let memory = super::run::peak_memory_mb().map(|mb| format!(", peak memory {mb:.0} MB")).unwrap_or_default();
    println!("models loaded in {loaded_in:.2} s{memory}");
    println!("speed (tokens/s, one thread): tagger {tagger:.0}, entities {entities:.0}, parser {parser:.0}");
    println!("{}", score.line());
    Ok(ExitCode::SUCCESS)
}
