//! Stage 1: read article dumps.
//!
//! Inputs are files or folders (recursed, sorted by name): `.txt` (one article), `.jsonl` /
//! `.ndjson` (one JSON object a line: `id`, `text`, optional `title`, `date`, `url`), `.json`
//! (one object, an array of objects, or one object a line), `.csv` (a header with `text` and
//! preferably `id`), each optionally gzip-compressed (`.gz`), and `-` for standard input (JSON
//! Lines, a JSON array, or plain text as one article: told by its first character, or by
//! `--stdin-format`). Articles stream out one at a time, in input order, so a dump larger than
//! memory can be processed; a bad file or record becomes an [`InputError`] in the stream and the
//! rest of the batch goes on.
//!
//! Inputs are files, read once: folders yield regular files only (FIFOs, sockets and devices
//! are reported and skipped); symbolic links inside folders are not followed unless
//! [`ReadOptions::follow`] (then with loop detection); a file reached twice is read once. A
//! file named on the command line that is not a regular file (a FIFO, `<(cmd)`, a device) is
//! read as a stream. No article or record may exceed [`ReadOptions::max_article_bytes`]: a
//! larger one is reported and skipped without being held in memory.

use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// One article as read from the input, before any analysis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    /// Identifier: the JSON/CSV `id`, else the file stem (`002_b59e10ebfaa1d8f9`), else `file:line`.
    pub id: String,
    /// The article body (for `.txt` input: the whole file, headline and page furniture included).
    pub text: String,
    /// Headline, where the input gives one separately (JSON / CSV `title`).
    pub title: Option<String>,
    /// Publication date as given by the input (JSON / CSV `date`), unparsed.
    pub date: Option<String>,
    /// Address of the article (JSON / CSV `url`).
    pub url: Option<String>,
    /// Where the article came from: the file path, with `:LINE` for JSON Lines and CSV records.
    pub source: String,
}

/// A file or record that could not be read. The batch goes on without it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The file path (or `<stdin>`).
    pub path: String,
    /// 1-based line (JSON Lines) or record line (CSV), where the problem is in one record.
    pub line: Option<u64>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// One item of the article stream.
pub type ReadResult = Result<Article, InputError>;

/// The formats this stage understands, chosen by file extension (after any `.gz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One article (`.txt`).
    Text,
    /// One JSON object a line (`.jsonl`, `.ndjson`).
    #[value(name = "jsonl")]
    JsonLines,
    /// One JSON object, an array of objects, or one object a line (`.json`).
    Json,
    /// A header with `text` (`.csv`).
    Csv,
}

/// Limits and choices of the reader.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Follow symbolic links inside folders (with loop detection).
    pub follow: bool,
    /// Largest article (text file) or record (JSON / CSV) read; larger ones are skipped.
    pub max_article_bytes: usize,
    /// The format of standard input and of unnamed streams; `None`: told by the first character.
    pub stdin_format: Option<Format>,
}

/// Default of [`ReadOptions::max_article_bytes`]: 16 MiB, far above any news article.
pub const DEFAULT_MAX_ARTICLE_BYTES: usize = 16 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { follow: false, max_article_bytes: DEFAULT_MAX_ARTICLE_BYTES, stdin_format: None }
    }
}

/// A file to read (or standard input), with its format and whether it is gzip-compressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    /// `None`: told by the first character (standard input, streams without an extension).
    pub format: Option<Format>,
    pub gzip: bool,
    /// Not a regular file (standard input, a FIFO, a device): read as it comes.
    pub stream: bool,
}

impl InputFile {
    /// The name used in messages and in the `source` column (lossy for names that are not UTF-8).
    pub fn display_name(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }
}

/// Works out the format of a path from its extension; `None` for files this tool does not read.
pub fn format_of(path: &Path) -> Option<(Format, bool)> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let (stem, gzip) = match name.strip_suffix(".gz") {
        Some(stem) => (stem.to_string(), true),
        None => (name, false),
    };
    let ext = stem.rsplit_once('.')?.1;
    let format = match ext {
        "txt" | "text" => Format::Text,
        "jsonl" | "ndjson" => Format::JsonLines,
        "json" => Format::Json,
        "csv" => Format::Csv,
        _ => return None,
    };
    Some((format, gzip))
}

/// The files to read, and what was skipped on the way.
#[derive(Debug, Default)]
pub struct Expanded {
    pub files: Vec<InputFile>,
    /// Inputs that cannot be read (reported; the exit status says some input was skipped).
    pub errors: Vec<InputError>,
    /// Things worth knowing that lose nothing (a name that is not UTF-8, links not followed).
    pub warnings: Vec<String>,
}

/// Expands the command-line inputs into the list of files to read, in a stable order: each
/// argument in the order given, folders recursed with their entries sorted by name.
/// Files inside folders with an unknown extension are skipped silently (a dump folder often
/// holds a README or an index); a file named directly with an unknown extension is an error.
/// A link named on the command line is followed (you named it); inside folders, see
/// [`ReadOptions::follow`].
pub fn expand_inputs(args: &[PathBuf], options: &ReadOptions) -> Expanded {
    let mut walk = Walk { options: *options, out: Expanded::default(), seen: HashMap::new(), links_skipped: 0, ancestors: Vec::new() };
    for arg in args {
        if arg.as_os_str() == "-" {
            walk.out.files.push(InputFile { path: None, format: options.stdin_format, gzip: false, stream: true });
            continue;
        }
        match std::fs::metadata(arg) {
            Ok(meta) if meta.is_dir() => walk.dir(arg, &meta),
            Ok(meta) if meta.is_file() => match format_of(arg) {
                Some((format, gzip)) => walk.file(arg, &meta, Some(format), gzip),
                None => walk.error(arg, "unknown file type (expected .txt, .jsonl, .ndjson, .json, .csv, optionally .gz)"),
            },
            // A FIFO, `<(cmd)` or a device named here is read as a stream (with the size cap).
            Ok(meta) => {
                let (format, gzip) = match format_of(arg) {
                    Some((f, gz)) => (Some(f), gz),
                    None => (options.stdin_format, false),
                };
                walk.file(arg, &meta, format, gzip);
            }
            Err(err) => walk.error(arg, &err.to_string()),
        }
    }
    if walk.links_skipped > 0 {
        walk.out.warnings.push(format!("{} symbolic link(s) inside folders not followed (use --follow to read what they point to)", walk.links_skipped));
    }
    walk.out
}

struct Walk {
    options: ReadOptions,
    out: Expanded,
    /// (device, inode) of every file taken, with its name: each file is read once.
    seen: HashMap<(u64, u64), PathBuf>,
    links_skipped: usize,
    /// (device, inode) of the folders being walked: a link back to one of them is a loop.
    ancestors: Vec<(u64, u64)>,
}

impl Walk {
    fn error(&mut self, path: &Path, message: &str) {
        self.out.errors.push(InputError { path: path.display().to_string(), line: None, message: message.to_string() });
    }

    fn file(&mut self, path: &Path, meta: &std::fs::Metadata, format: Option<Format>, gzip: bool) {
        if let Some(first) = self.seen.get(&(meta.dev(), meta.ino())) {
            let first = first.display().to_string();
            self.out.warnings.push(format!("{}: the same file as {first}; read once", path.display()));
            return;
        }
        self.seen.insert((meta.dev(), meta.ino()), path.to_path_buf());
        if path.to_str().is_none() {
            self.out.warnings.push(format!("{}: the file name is not valid UTF-8; `source` shows it with U+FFFD", path.display()));
        }
        self.out.files.push(InputFile { path: Some(path.to_path_buf()), format, gzip, stream: !meta.is_file() });
    }

    fn dir(&mut self, dir: &Path, meta: &std::fs::Metadata) {
        let key = (meta.dev(), meta.ino());
        if self.ancestors.contains(&key) {
            return self.error(dir, "symbolic link loop (a folder that contains itself); not followed again");
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => return self.error(dir, &err.to_string()),
        };
        self.ancestors.push(key);
        let mut entries: Vec<std::fs::DirEntry> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_symlink() {
                if !self.options.follow {
                    self.links_skipped += 1;
                    continue;
                }
                match std::fs::metadata(&path) {
                    Ok(target) if target.is_dir() => self.dir(&path, &target),
                    Ok(target) if target.is_file() => self.known_file(&path, &target),
                    Ok(target) => self.special(&path, target.file_type()),
                    Err(err) => self.error(&path, &format!("broken symbolic link: {err}")),
                }
            } else if kind.is_dir() {
                match entry.metadata() {
                    Ok(m) => self.dir(&path, &m),
                    Err(err) => self.error(&path, &err.to_string()),
                }
            } else if kind.is_file() {
                if let Ok(m) = entry.metadata() {
                    self.known_file(&path, &m);
                }
            } else {
                self.special(&path, kind);
            }
        }
        self.ancestors.pop();
    }

    fn known_file(&mut self, path: &Path, meta: &std::fs::Metadata) {
        if let Some((format, gzip)) = format_of(path) {
            self.file(path, meta, Some(format), gzip);
        }
    }

    fn special(&mut self, path: &Path, kind: std::fs::FileType) {
        let what = if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else {
            "not a regular file"
        };
        self.error(path, &format!("{what}, not an article file; skipped (name it on the command line to read it as a stream)"));
    }
}

/// Opens a file (or standard input) as a byte stream, decompressing gzip. `wrap` lets the caller
/// observe the raw bytes read (the progress bar counts them).
pub fn open(input: &InputFile, wrap: &dyn Fn(Box<dyn Read + Send>) -> Box<dyn Read + Send>) -> io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = match &input.path {
        Some(path) => Box::new(File::open(path)?),
        None => Box::new(io::stdin()),
    };
    let raw = wrap(raw);
    Ok(if input.gzip {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(raw)))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, raw))
    })
}

/// Reads every article of one file, calling `emit` for each article or error in file order.
pub fn read_file(input: &InputFile, mut reader: Box<dyn BufRead + Send>, options: &ReadOptions, emit: &mut dyn FnMut(ReadResult)) {
    let name = input.display_name();
    let cap = options.max_article_bytes;
    let format = match input.format {
        Some(format) => format,
        None => match sniff(&mut reader) {
            Ok(format) => format,
            Err(e) => return emit(Err(file_error(&name, None, format!("cannot read: {e}")))),
        },
    };
    match format {
        Format::Text => emit(read_text(input, &name, reader, cap)),
        Format::JsonLines => read_json_lines(&name, reader, cap, emit),
        Format::Json => read_json(&name, reader, cap, emit),
        Format::Csv => read_csv(&name, reader, cap, emit),
    }
}

/// Tells the format of a stream from its first character (past a byte-order mark and white
/// space): `{` JSON Lines, `[` a JSON array, anything else plain text (one article). Only looks
/// at what is buffered; nothing is consumed, so a text article keeps its offsets.
fn sniff(reader: &mut Box<dyn BufRead + Send>) -> io::Result<Format> {
    let buf = reader.fill_buf()?;
    let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    Ok(match buf.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::JsonLines,
        Some(b'[') => Format::Json,
        _ => Format::Text,
    })
}

fn file_error(path: &str, line: Option<u64>, message: impl Into<String>) -> InputError {
    InputError { path: path.to_string(), line, message: message.into() }
}

fn too_large(size: usize, cap: usize) -> String {
    format!("{size} bytes or more, over the --max-article-bytes limit of {cap}; skipped")
}

/// The id of a `.txt` article: its file name without `.txt` / `.txt.gz`.
fn stem_id(input: &InputFile) -> String {
    let name = input.path.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "stdin".into());
    let lower = name.to_ascii_lowercase();
    let mut cut = name.len();
    for suffix in [".gz", ".txt", ".text"] {
        if lower[..cut].ends_with(suffix) {
            cut -= suffix.len();
        }
    }
    name[..cut].to_string()
}

fn read_text(input: &InputFile, name: &str, reader: Box<dyn BufRead + Send>, cap: usize) -> ReadResult {
    let mut bytes = Vec::new();
    // One byte more than the cap tells an article that is too large, without reading it all.
    reader.take(cap as u64 + 1).read_to_end(&mut bytes).map_err(|e| file_error(name, None, format!("cannot read: {e}")))?;
    if bytes.len() > cap {
        return Err(file_error(name, None, format!("article of {}", too_large(bytes.len(), cap))));
    }
    let text = decode_text(&bytes).map_err(|m| file_error(name, None, m))?;
    Ok(Article { id: stem_id(input), text, source: name.to_string(), ..Article::default() })
}

/// Checks that a whole file is usable article text: not empty, not binary, valid UTF-8.
/// A UTF-8 byte-order mark is dropped and line endings are normalised to `\n`.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("empty file (no article text)".into());
    }
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes), not article text".into());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("invalid UTF-8 at byte {} (line {line}); re-encode the file as UTF-8", e.valid_up_to())
    })?;
    Ok(normalise_newlines(text))
}

/// Line endings of `.txt` files become `\n`, as when Python reads a text file, so that
/// offsets match `open(path, encoding="utf-8-sig").read()`.
fn normalise_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

/// One JSON Lines record. Unknown fields are ignored; `id` may be a string or a number.
#[derive(Deserialize)]
struct JsonRecord {
    id: Option<serde_json::Value>,
    text: Option<String>,
    title: Option<String>,
    date: Option<serde_json::Value>,
    url: Option<String>,
}

fn json_scalar(value: serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// What [`read_line_capped`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line (with its `\n`, if any) is in the buffer.
    Data,
    /// A line longer than the cap was passed over; the buffer is empty. Holds its length.
    TooLong(usize),
    /// End of input.
    Eof,
}

/// Reads one line into `buf`, holding at most `cap` bytes of it: a longer line is read
/// through and dropped, so that one huge line (a gzip bomb) never becomes one allocation.
pub fn read_line_capped(reader: &mut dyn BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<Line> {
    buf.clear();
    let (mut total, mut too_long) = (0usize, false);
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (total, too_long) {
                (0, _) => Line::Eof,
                (_, true) => Line::TooLong(total),
                _ => Line::Data,
            });
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        total += take;
        if !too_long {
            if buf.len() + take > cap {
                too_long = true;
                *buf = Vec::new();
            } else {
                buf.extend_from_slice(&available[..take]);
            }
        }
        reader.consume(take);
        if done {
            return Ok(if too_long { Line::TooLong(total) } else { Line::Data });
        }
    }
}

fn read_json_lines(name: &str, mut reader: Box<dyn BufRead + Send>, cap: usize, emit: &mut dyn FnMut(ReadResult)) {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        let line = match read_line_capped(&mut reader, &mut buf, cap) {
            Ok(Line::Eof) => break,
            Ok(line) => line,
            Err(e) => return emit(Err(file_error(name, Some(line_no + 1), format!("cannot read: {e}")))),
        };
        line_no += 1;
        if let Line::TooLong(size) = line {
            emit(Err(file_error(name, Some(line_no), format!("record of {}", too_large(size, cap)))));
            continue;
        }
        let bytes = if line_no == 1 { buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf) } else { &buf[..] };
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        emit(parse_json_line(name, line_no, bytes));
    }
    if line_no == 0 {
        emit(Err(file_error(name, None, "empty file (no JSON lines)")));
    }
}

/// A `.json` file: an array of objects (`[` first), or objects one after another (one
/// pretty-printed object, or one a line). Records are cut out of the stream one at a time by
/// their brackets (strings and escapes respected), so a large array is never read whole; each
/// is reported with the line it starts on. Where the first line is a complete object, the file
/// is read as JSON Lines, so that one bad line loses only itself.
fn read_json(name: &str, mut reader: Box<dyn BufRead + Send>, cap: usize, emit: &mut dyn FnMut(ReadResult)) {
    // Look at the first line without consuming it (up to the buffer's size).
    let looks_like_lines = match reader.fill_buf() {
        Ok(head) => {
            let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
            let first = head.split(|&b| b == b'\n').next().unwrap_or(&[]).trim_ascii();
            first.starts_with(b"{") && first != b"{" && head.contains(&b'\n')
        }
        Err(e) => return emit(Err(file_error(name, None, format!("cannot read: {e}")))),
    };
    if looks_like_lines {
        return read_json_lines(name, reader, cap, emit);
    }
    let mut scan = JsonScan { line: 1, depth: 0, in_string: false, escaped: false, array: false, buf: Vec::new(), start_line: 0, too_long: false, records: 0, stray_line: 0 };
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return emit(Err(file_error(name, Some(scan.line), format!("cannot read: {e}")))),
        };
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        let first_chunk = scan.line == 1 && scan.depth == 0 && scan.records == 0 && !scan.array;
        let chunk = if first_chunk { chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk) } else { chunk };
        for &b in chunk {
            scan.byte(b, name, cap, emit);
        }
        reader.consume(n);
    }
    if scan.depth > usize::from(scan.array) {
        emit(Err(file_error(name, Some(scan.start_line), "unterminated JSON record (the file ends inside it)")));
    } else if scan.records == 0 && scan.stray_line == 0 {
        emit(Err(file_error(name, None, "empty file (no JSON records)")));
    }
}

/// The state of the bracket scanner of [`read_json`].
struct JsonScan {
    line: u64,
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The document is one top-level array; its elements are the records.
    array: bool,
    buf: Vec<u8>,
    start_line: u64,
    too_long: bool,
    records: usize,
    /// Last line where something other than a record stood at record level (reported once).
    stray_line: u64,
}

impl JsonScan {
    fn byte(&mut self, b: u8, name: &str, cap: usize, emit: &mut dyn FnMut(ReadResult)) {
        let base = usize::from(self.array);
        let inside = self.depth > base;
        if b == b'\n' {
            self.line += 1;
        }
        if inside {
            if !self.too_long {
                if self.buf.len() >= cap {
                    self.too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.push(b);
                }
            }
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                return;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == base {
                        self.end_record(name, cap, emit);
                    }
                }
                _ => {}
            }
            return;
        }
        match b {
            b'[' if self.depth == 0 && !self.array && self.records == 0 => {
                self.array = true;
                self.depth = 1;
            }
            b'{' => {
                self.depth += 1;
                self.buf.clear();
                self.buf.push(b);
                self.start_line = self.line;
                self.too_long = false;
            }
            b']' if self.array && self.depth == 1 => self.depth = 0,
            b',' if self.array => {}
            _ if b.is_ascii_whitespace() => {}
            _ => {
                if self.stray_line != self.line {
                    self.stray_line = self.line;
                    emit(Err(file_error(name, Some(self.line), "expected a JSON object (a record with a \"text\" field)")));
                }
            }
        }
    }

    fn end_record(&mut self, name: &str, cap: usize, emit: &mut dyn FnMut(ReadResult)) {
        self.records += 1;
        if self.too_long {
            return emit(Err(file_error(name, Some(self.start_line), format!("record of {}", too_large(cap + 1, cap)))));
        }
        let line = self.start_line;
        emit(match std::str::from_utf8(&self.buf) {
            Err(_) => Err(file_error(name, Some(line), "invalid UTF-8")),
            Ok(text) => serde_json::from_str::<JsonRecord>(text)
                .map_err(|e| file_error(name, Some(line + e.line() as u64 - 1), format!("malformed JSON: {e}")))
                .and_then(|record| article_from_json(name, line, record)),
        });
        self.buf.clear();
    }
}

fn parse_json_line(name: &str, line_no: u64, bytes: &[u8]) -> ReadResult {
    let line = std::str::from_utf8(bytes).map_err(|_| file_error(name, Some(line_no), "invalid UTF-8"))?;
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| file_error(name, Some(line_no), format!("malformed JSON: {e}")))?;
    if !value.is_object() {
        return Err(file_error(name, Some(line_no), "expected one JSON object a line (a record with a \"text\" field)"));
    }
    let record: JsonRecord = serde_json::from_value(value).map_err(|e| file_error(name, Some(line_no), format!("malformed record: {e}")))?;
    article_from_json(name, line_no, record)
}

fn article_from_json(name: &str, line_no: u64, record: JsonRecord) -> ReadResult {
    let text = record.text.ok_or_else(|| file_error(name, Some(line_no), "no \"text\" field"))?;
    if text.trim().is_empty() {
        return Err(file_error(name, Some(line_no), "empty \"text\""));
    }
    let id = record.id.and_then(json_scalar).unwrap_or_else(|| format!("{}:{line_no}", base_name(name)));
    Ok(Article {
        id,
        // Kept as given: offsets then match `json.loads(line)["text"]`.
        text,
        title: record.title.filter(|t| !t.trim().is_empty()),
        date: record.date.and_then(json_scalar).filter(|d| !d.trim().is_empty()),
        url: record.url.filter(|u| !u.trim().is_empty()),
        source: format!("{name}:{line_no}"),
    })
}

fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// A reader that fails once more than a set number of bytes has passed since a mark: caps the
/// size of one CSV record, which the csv crate would otherwise grow without bound.
struct Capped<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
    limit: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::sync::atomic::Ordering::Relaxed;
        if self.read.load(Relaxed) > self.limit.load(Relaxed) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "record over the size limit"));
        }
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Relaxed);
        Ok(n)
    }
}

fn read_csv(name: &str, reader: Box<dyn BufRead + Send>, cap: usize, emit: &mut dyn FnMut(ReadResult)) {
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    use std::sync::Arc;
    // The csv reader reads ahead in blocks; the limit allows for that.
    const SLACK: u64 = 1 << 17;
    let (read, limit) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(cap as u64 + SLACK)));
    let capped = Capped { inner: reader, read: read.clone(), limit: limit.clone() };
    let mut csv_reader = csv::ReaderBuilder::new().flexible(true).buffer_capacity(1 << 16).from_reader(capped);
    let headers = match csv_reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return emit(Err(file_error(name, Some(1), format!("cannot read the CSV header: {e}")))),
    };
    let column = |wanted: &str| {
        headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}').eq_ignore_ascii_case(wanted))
    };
    let Some(text_col) = column("text") else {
        let found: Vec<&str> = headers.iter().collect();
        return emit(Err(file_error(name, Some(1), format!("no \"text\" column in the header (found: {})", found.join(", ")))));
    };
    let (id_col, title_col, date_col, url_col) = (column("id"), column("title"), column("date"), column("url"));
    let mut records = 0;
    let mut record = csv::StringRecord::new();
    loop {
        let start = csv_reader.position().byte();
        limit.store(start + cap as u64 + SLACK, Relaxed);
        let line = csv_reader.position().line();
        match csv_reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(io) = e.kind() {
                    let message = if io.kind() == io::ErrorKind::InvalidData {
                        format!("record of {}; the rest of the file is skipped", too_large(cap + 1, cap))
                    } else {
                        format!("cannot read: {io}")
                    };
                    return emit(Err(file_error(name, Some(line), message)));
                }
                records += 1;
                let line = e.position().map(|p| p.line());
                emit(Err(file_error(name, line, format!("malformed CSV record: {e}"))));
                continue;
            }
        }
        records += 1;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if csv_reader.position().byte() - start > cap as u64 {
            emit(Err(file_error(name, Some(line), format!("record of {}", too_large((csv_reader.position().byte() - start) as usize, cap)))));
            continue;
        }
        let field = |col: Option<usize>| col.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let Some(text) = record.get(text_col).filter(|t| !t.trim().is_empty()) else {
            emit(Err(file_error(name, Some(line), "empty \"text\"")));
            continue;
        };
        emit(Ok(Article {
            id: field(id_col).unwrap_or_else(|| format!("{}:{line}", base_name(name))),
            text: text.to_string(),
            title: field(title_col),
            date: field(date_col),
            url: field(url_col),
            source: format!("{name}:{line}"),
        }));
    }
    if records == 0 {
        emit(Err(file_error(name, None, "no records after the header")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_with(name: &str, bytes: &[u8], options: ReadOptions) -> Vec<ReadResult> {
        let (format, gzip) = format_of(Path::new(name)).unwrap();
        let input = InputFile { path: Some(PathBuf::from(name)), format: Some(format), gzip, stream: false };
        let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(bytes.to_vec()));
        let mut out = Vec::new();
        read_file(&input, reader, &options, &mut |r| out.push(r));
        out
    }

    fn read_bytes(name: &str, bytes: &[u8]) -> Vec<ReadResult> {
        read_with(name, bytes, ReadOptions::default())
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a/b.txt")), Some((Format::Text, false)));
        assert_eq!(format_of(Path::new("dump.JSONL.gz")), Some((Format::JsonLines, true)));
        assert_eq!(format_of(Path::new("x.ndjson")), Some((Format::JsonLines, false)));
        assert_eq!(format_of(Path::new("x.json")), Some((Format::Json, false)));
        assert_eq!(format_of(Path::new("x.csv.gz")), Some((Format::Csv, true)));
        assert_eq!(format_of(Path::new("README.md")), None);
        assert_eq!(format_of(Path::new("txt")), None);
    }

    #[test]
    fn text_file_id_is_the_stem() {
        let out = read_bytes("data/002_b59e10ebfaa1d8f9.txt", "Maria Zakharova said.\r\n".as_bytes());
        let article = out[0].as_ref().unwrap();
        assert_eq!(article.id, "002_b59e10ebfaa1d8f9");
        assert_eq!(article.text, "Maria Zakharova said.\n");
    }

    #[test]
    fn bad_text_files_are_named_errors() {
        let empty = read_bytes("e.txt", b"  \n");
        assert!(empty[0].as_ref().unwrap_err().message.contains("empty"));
        let binary = read_bytes("b.txt", b"\x89PNG\x00\x00");
        assert!(binary[0].as_ref().unwrap_err().message.contains("binary"));
        let latin1 = read_bytes("l.txt", b"line one\nCaf\xe9\n");
        let err = latin1[0].as_ref().unwrap_err();
        assert!(err.message.contains("UTF-8") && err.message.contains("line 2"), "{err}");
    }

    #[test]
    fn json_lines_keep_going_after_a_bad_line() {
        let data = b"{\"id\": 7, \"text\": \"One.\", \"title\": \"T\", \"date\": \"2021-11-02\"}\n{broken\n\n{\"text\": \"Two.\"}\n";
        let out = read_bytes("d.jsonl", data);
        assert_eq!(out.len(), 3);
        let first = out[0].as_ref().unwrap();
        assert_eq!((first.id.as_str(), first.title.as_deref(), first.date.as_deref()), ("7", Some("T"), Some("2021-11-02")));
        assert_eq!(first.source, "d.jsonl:1");
        let err = out[1].as_ref().unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("malformed JSON"));
        assert_eq!(out[2].as_ref().unwrap().id, "d.jsonl:4");
    }

    #[test]
    fn json_array_files_are_read_too() {
        let data = b"[\n  {\"id\": \"a\", \"text\": \"One {brace} \\\"q\\\\\"},\n  {\"id\": \"b\"},\n  {\"id\": \"c\", \"text\": \"Three.\"}\n]\n";
        let out = read_bytes("dump.json", data);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].as_ref().unwrap().id, "a");
        assert_eq!(out[0].as_ref().unwrap().text, "One {brace} \"q\\");
        let err = out[1].as_ref().unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (Some(3), "no \"text\" field"));
        assert_eq!(out[2].as_ref().unwrap().source, "dump.json:4");
    }

    #[test]
    fn json_lines_files_are_one_record_a_line_whatever_the_first_line() {
        let data = b"[{\"id\": 1, \"text\": \"One.\"}]\n{\n{\"id\": 3, \"text\": \"Three.\"}\n";
        let out = read_bytes("mixed.jsonl", data);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].as_ref().unwrap_err().line, Some(1));
        assert_eq!(out[1].as_ref().unwrap_err().line, Some(2));
        assert_eq!(out[2].as_ref().unwrap().id, "3");
        let pretty = read_bytes("one.json", b"{\n  \"id\": \"p\",\n  \"text\": \"Pretty.\"\n}\n");
        assert_eq!(pretty.len(), 1);
        assert_eq!(pretty[0].as_ref().unwrap().id, "p");
        let lines = read_bytes("lines.json", b"{\"id\": 1, \"text\": \"One.\"}\n{broken\n{\"id\": 3, \"text\": \"Three.\"}\n");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[2].as_ref().unwrap().source, "lines.json:3");
    }

    #[test]
    fn records_over_the_cap_are_skipped_and_the_next_ones_read() {
        let options = ReadOptions { max_article_bytes: 64, ..ReadOptions::default() };
        let big = "x".repeat(200);
        let data = format!("{{\"id\": 1, \"text\": \"{big}\"}}\n{{\"id\": 2, \"text\": \"Two.\"}}\n");
        let out = read_with("d.jsonl", data.as_bytes(), options);
        assert!(out[0].as_ref().unwrap_err().message.contains("--max-article-bytes"));
        assert_eq!(out[1].as_ref().unwrap().id, "2");
        let array = format!("[{{\"id\": 1, \"text\": \"{big}\"}}, {{\"id\": 2, \"text\": \"Two.\"}}]");
        let out = read_with("d.json", array.as_bytes(), options);
        assert!(out[0].as_ref().unwrap_err().message.contains("--max-article-bytes"));
        assert_eq!(out[1].as_ref().unwrap().id, "2");
        let text = read_with("big.txt", big.as_bytes(), options);
        assert!(text[0].as_ref().unwrap_err().message.contains("--max-article-bytes"));
    }

    #[test]
    fn capped_lines() {
        let mut reader = io::Cursor::new(b"short\nlooooooooong\nlast".to_vec());
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut reader, &mut buf, 8).unwrap(), Line::Data);
        assert_eq!(buf, b"short\n");
        assert_eq!(read_line_capped(&mut reader, &mut buf, 8).unwrap(), Line::TooLong(13));
        assert!(buf.is_empty());
        assert_eq!(read_line_capped(&mut reader, &mut buf, 8).unwrap(), Line::Data);
        assert_eq!(buf, b"last");
        assert_eq!(read_line_capped(&mut reader, &mut buf, 8).unwrap(), Line::Eof);
    }

    #[test]
    fn streams_are_sniffed() {
        let sniffed = |bytes: &[u8]| {
            let mut reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(bytes.to_vec()));
            sniff(&mut reader).unwrap()
        };
        assert_eq!(sniffed(b"  {\"text\": 1}\n"), Format::JsonLines);
        assert_eq!(sniffed(b"\xEF\xBB\xBF[{}]"), Format::Json);
        assert_eq!(sniffed(b"Lavrov said \"no\".\n"), Format::Text);
        assert_eq!(sniffed(b""), Format::Text);
    }

    #[test]
    fn csv_needs_a_text_column() {
        let out = read_bytes("a.csv", b"id,body\n1,hello\n");
        assert!(out[0].as_ref().unwrap_err().message.contains("no \"text\" column"));
        let ok = read_bytes("b.csv", b"id,text,url\n1,\"He said, \"\"yes.\"\"\",http://x\n");
        let article = ok[0].as_ref().unwrap();
        assert_eq!(article.text, "He said, \"yes.\"");
        assert_eq!(article.url.as_deref(), Some("http://x"));
        assert_eq!(article.source, "b.csv:2");
    }
}
