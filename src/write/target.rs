//! Where the output bytes go, without destroying anything.
//!
//! - `-o -`, no `-o`, `/dev/stdout`, `/dev/fd/1`: standard output.
//! - A new path or an existing regular file: written under a temporary name in the same folder
//!   (`.NAME.quotestance-PID-N.tmp`, created 0666 less the umask, or with the mode of the file
//!   it replaces), fsynced, renamed onto the target and the folder fsynced, so that a crash
//!   leaves the old file or the new one, never a part. A symlink is resolved first, so the
//!   file it points to is replaced and the link stays.
//! - Devices, FIFOs, sockets and anything under `/dev` or `/proc`: opened and written directly
//!   (`-o /dev/null` stays the device).
//!
//! Temporary files are removed when the output is dropped unfinished, on SIGINT, SIGTERM and
//! SIGHUP ([`install_signal_cleanup`]), and, when a killed run left one behind, by the next run
//! that writes into the same folder (only ours: the name pattern and a process id that is gone).

use anyhow::{bail, Context, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Temporary files of this process not yet renamed into place: removed on a signal.
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static COUNTER: AtomicUsize = AtomicUsize::new(0);

const TEMP_MARK: &str = ".quotestance-";

/// How a path is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Stdout,
    /// Opened and written in place (devices, FIFOs).
    Direct(PathBuf),
    /// Written to a temporary file beside it, then renamed onto it.
    Replace(PathBuf),
}

fn is_stdout_name(path: &Path) -> bool {
    path.as_os_str() == "-" || ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"].iter().any(|s| path == Path::new(s))
}

fn is_special_tree(path: &Path) -> bool {
    path.starts_with("/dev") || path.starts_with("/proc")
}

/// Decides how `path` is written (`None`: standard output).
pub fn plan(path: Option<&Path>) -> Result<Plan> {
    let Some(path) = path else { return Ok(Plan::Stdout) };
    if is_stdout_name(path) {
        return Ok(Plan::Stdout);
    }
    if is_special_tree(path) {
        return Ok(Plan::Direct(path.to_path_buf()));
    }
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = parent_of(path);
            if !dir.is_dir() {
                bail!("cannot write {}: the folder {} does not exist", path.display(), dir.display());
            }
            Ok(Plan::Replace(path.to_path_buf()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
        Ok(meta) if meta.file_type().is_symlink() => match std::fs::canonicalize(path) {
            // Written through the link: the file it points to is replaced, the link stays.
            Ok(real) if !is_stdout_name(&real) => plan(Some(&real)),
            Ok(_) => Ok(Plan::Stdout),
            // A dangling link: opening it creates the file it names.
            Err(_) => Ok(Plan::Direct(path.to_path_buf())),
        },
        Ok(meta) if meta.is_dir() => bail!("{} is a folder; give a file name for the output", path.display()),
        Ok(meta) if meta.is_file() => Ok(Plan::Replace(path.to_path_buf())),
        Ok(_) => Ok(Plan::Direct(path.to_path_buf())),
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An output stream. For [`Plan::Replace`] nothing appears under the target's name until
/// [`Sink::commit`]; dropping an uncommitted sink removes its temporary file.
pub struct Sink {
    inner: Inner,
}

enum Inner {
    Stdout(io::Stdout),
    Direct(File),
    Replace { file: Option<File>, temp: PathBuf, target: PathBuf, committed: bool },
}

impl Sink {
    /// Opens the output for `path` (`None` or `-`: standard output).
    pub fn open(path: Option<&Path>) -> Result<Sink> {
        let inner = match plan(path)? {
            Plan::Stdout => Inner::Stdout(io::stdout()),
            Plan::Direct(p) => {
                let file = OpenOptions::new().write(true).create(true).truncate(true).mode(0o666).open(&p).with_context(|| format!("cannot open {}", p.display()))?;
                Inner::Direct(file)
            }
            Plan::Replace(target) => {
                let dir = parent_of(&target);
                remove_stale_temps(&dir);
                let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let (file, temp) = create_temp(&dir, &name)?;
                // Replacing a file keeps its mode; a new file gets 0666 less the umask (above).
                if let Ok(meta) = std::fs::metadata(&target) {
                    let _ = file.set_permissions(std::fs::Permissions::from_mode(meta.permissions().mode() & 0o7777));
                }
                Inner::Replace { file: Some(file), temp, target, committed: false }
            }
        };
        Ok(Sink { inner })
    }

    /// Completes the output: flushes, and for a replaced file fsyncs it, renames it onto the
    /// target and fsyncs the folder.
    pub fn commit(mut self) -> Result<()> {
        match &mut self.inner {
            Inner::Stdout(out) => out.flush().context("cannot write to standard output"),
            Inner::Direct(file) => file.flush().context("cannot write the output"),
            Inner::Replace { file, temp, target, committed } => {
                let file = file.take().expect("open until committed");
                file.sync_all().with_context(|| format!("cannot write {}", temp.display()))?;
                drop(file);
                std::fs::rename(&*temp, &*target).with_context(|| format!("cannot move the finished output to {}", target.display()))?;
                *committed = true;
                forget_temp(temp);
                // The rename is durable once the folder is on disk too.
                if let Ok(dir) = File::open(parent_of(target)) {
                    let _ = dir.sync_all();
                }
                Ok(())
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Stdout(out) => out.write(buf),
            Inner::Direct(file) => file.write(buf),
            Inner::Replace { file, .. } => file.as_mut().expect("open until committed").write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(out) => out.flush(),
            Inner::Direct(file) => file.flush(),
            Inner::Replace { file, .. } => file.as_mut().map_or(Ok(()), |f| f.flush()),
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if let Inner::Replace { file, temp, committed: false, .. } = &mut self.inner {
            drop(file.take());
            let _ = std::fs::remove_file(&*temp);
            forget_temp(temp);
        }
    }
}

fn create_temp(dir: &Path, name: &str) -> Result<(File, PathBuf)> {
    let pid = std::process::id();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}{TEMP_MARK}{pid}-{n}.tmp"));
        // Registered before it exists, so that a signal between the two cannot leave it.
        TEMPS.lock().unwrap_or_else(|e| e.into_inner()).push(temp.clone());
        match OpenOptions::new().write(true).create_new(true).mode(0o666).open(&temp) {
            Ok(file) => return Ok((file, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => forget_temp(&temp),
            Err(e) => {
                forget_temp(&temp);
                return Err(e).with_context(|| format!("cannot create a temporary file in {}", dir.display()));
            }
        }
    }
}

fn forget_temp(temp: &Path) {
    TEMPS.lock().unwrap_or_else(|e| e.into_inner()).retain(|t| t != temp);
}

/// The process id in one of our temporary file names (`.NAME.quotestance-PID-N.tmp`).
pub fn temp_owner(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_suffix(".tmp")?;
    let at = rest.rfind(TEMP_MARK)?;
    if !file_name.starts_with('.') {
        return None;
    }
    let (pid, n) = rest[at + TEMP_MARK.len()..].split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Whether the process `pid` is a running quotestance (another run writing beside us).
fn running_quotestance(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(comm) => comm.trim().starts_with("quotestance") || comm.trim().is_empty(),
        Err(_) => false,
    }
}

/// Removes temporary files that a killed run of this tool left in `dir`.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = temp_owner(&name.to_string_lossy()) else { continue };
        if pid == me || running_quotestance(pid) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let _ = std::fs::remove_file(entry.path());
    }
}

/// Removes this process's temporary files and exits with 128 + the signal number on SIGINT,
/// SIGTERM or SIGHUP.
pub fn install_signal_cleanup() -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]).context("cannot install signal handlers")?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let temps = std::mem::take(&mut *TEMPS.lock().unwrap_or_else(|e| e.into_inner()));
                for temp in temps {
                    let _ = std::fs::remove_file(temp);
                }
                std::process::exit(128 + signal);
            }
        })
        .context("cannot start the signal thread")?;
    Ok(())
}

/// Refuses an output path that is one of the inputs, or that lies inside an input folder where
/// a later run would read it back as articles (`read_back` says whether a path would be read).
pub fn refuse_inputs(output: &Path, inputs: &[PathBuf], read_back: impl Fn(&Path) -> bool) -> Result<()> {
    let Ok(Plan::Replace(target)) = plan(Some(output)) else { return Ok(()) };
    let canonical = match std::fs::canonicalize(&target) {
        Ok(p) => p,
        Err(_) => match (std::fs::canonicalize(parent_of(&target)), target.file_name()) {
            (Ok(dir), Some(name)) => dir.join(name),
            _ => return Ok(()),
        },
    };
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        let Ok(real) = std::fs::canonicalize(input) else { continue };
        if real == canonical {
            bail!("the output {} is one of the inputs; it would be overwritten (nothing written)", output.display());
        }
        if real.is_dir() && canonical.starts_with(&real) && read_back(&canonical) {
            bail!(
                "the output {} is inside the input folder {}, where a later run would read it as articles; write it elsewhere (nothing written)",
                output.display(),
                input.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised() {
        assert_eq!(temp_owner(".q.csv.quotestance-4242-0.tmp"), Some(4242));
        assert_eq!(temp_owner("q.csv.quotestance-4242-0.tmp"), None);
        assert_eq!(temp_owner(".q.csv.quotestance-x-0.tmp"), None);
        assert_eq!(temp_owner(".notes.tmp"), None);
    }

    #[test]
    fn plans() {
        assert_eq!(plan(None).unwrap(), Plan::Stdout);
        assert_eq!(plan(Some(Path::new("-"))).unwrap(), Plan::Stdout);
        assert_eq!(plan(Some(Path::new("/dev/stdout"))).unwrap(), Plan::Stdout);
        assert_eq!(plan(Some(Path::new("/dev/null"))).unwrap(), Plan::Direct("/dev/null".into()));
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.csv");
        assert_eq!(plan(Some(&new)).unwrap(), Plan::Replace(new.clone()));
        assert!(plan(Some(&dir.path().join("no/such/dir.csv"))).is_err());
        assert!(plan(Some(dir.path())).is_err());
    }

    #[test]
    fn unfinished_output_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("q.csv");
        let mut sink = Sink::open(Some(&target)).unwrap();
        sink.write_all(b"partial").unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        drop(sink);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut sink = Sink::open(Some(&target)).unwrap();
        sink.write_all(b"whole").unwrap();
        assert!(!target.exists());
        sink.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
