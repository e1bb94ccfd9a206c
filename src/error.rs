//! The library's error type. Every variant names what went wrong and where (file, line, field), and says how to
//! fix it. `main` maps every error to exit code 2.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read the file: {source} (check the path; paths in a scenario are relative to the scenario file)")]
    Io { path: PathBuf, source: std::io::Error },

    /// A file named on the command line (a scenario or orders file, `--pairs`, `--observed`) that cannot be read.
    #[error("{path}: cannot read {what}: {source} (check the path; a path on the command line is relative to the folder ringsim runs in)")]
    Arg { what: String, path: PathBuf, source: std::io::Error },

    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("{path}: the file is empty; it needs a header row and data rows")]
    Empty { path: PathBuf },

    #[error("{path}: line {line}: the file is not valid UTF-8; save it as UTF-8")]
    NotUtf8 { path: PathBuf, line: u64 },

    #[error("{path}: line {line}: {message}")]
    Csv { path: PathBuf, line: u64, message: String },

    #[error("{path}: line {line}, field `{field}`: {message}")]
    Field { path: PathBuf, line: u64, field: String, message: String },

    #[error("{path}: missing column `{field}` in the header; expected columns: {expected}")]
    MissingColumn { path: PathBuf, field: String, expected: String },

    #[error("{path}: {message}")]
    Toml { path: PathBuf, message: String },

    #[error("{path}: field `{field}`: {message}")]
    Config { path: PathBuf, field: String, message: String },

    /// A TOML key (path `a.b.c`), with the line it is written on when known.
    #[error("{}", key_message(path, *line, key, message))]
    Key { path: PathBuf, line: Option<u64>, key: String, message: String },

    #[error("{path}: cannot draw the figure: {message}")]
    Plot { path: PathBuf, message: String },

    #[error("{0}")]
    Usage(String),
}

fn key_message(path: &std::path::Path, line: Option<u64>, key: &str, message: &str) -> String {
    let mut s = path.display().to_string();
    if let Some(l) = line {
        s.push_str(&format!(": line {l}"));
    }
    if !key.is_empty() {
        s.push_str(&format!("{} key `{key}`", if line.is_some() { "," } else { ":" }));
    }
    format!("{s}: {message}")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn field(path: &std::path::Path, line: u64, field: &str, message: impl Into<String>) -> Error {
        Error::Field { path: path.to_path_buf(), line, field: field.to_string(), message: message.into() }
    }
    /// This error, but a failure to read `arg` itself, a path given on the command line as `what` ("the --pairs
    /// file"), says so ([`Error::Arg`]) rather than pointing at paths inside a scenario.
    pub fn for_arg(self, what: &str, arg: &std::path::Path) -> Error {
        match self {
            Error::Io { path, source } if path == arg => Error::Arg { what: what.to_string(), path, source },
            other => other,
        }
    }
    /// An error in key `field` of a TOML file; the line where the key is written is looked up in the file.
    pub fn config(path: &std::path::Path, field: &str, message: impl Into<String>) -> Error {
        let line = std::fs::read_to_string(path).ok().and_then(|t| crate::tomlfile::locate(&t, field));
        Error::Key { path: path.to_path_buf(), line, key: field.to_string(), message: message.into() }
    }
}

/// Writes a note (or a progress line) to standard error, and ignores a failure to: a reader that closed the pipe
/// (`ringsim od … 2>&1 | head -1`) must not turn a finished answer into a panic, as `eprintln!` would.
pub fn note(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut e = std::io::stderr().lock();
    let _ = e.write_fmt(args);
    let _ = e.flush();
}

/// [`note`] of a line, printed once per run however often it is reached (a scenario is bound again for each
/// date or subset a command measures).
pub fn note_once(line: String) {
    static SEEN: std::sync::Mutex<std::collections::BTreeSet<String>> = std::sync::Mutex::new(std::collections::BTreeSet::new());
    if SEEN.lock().unwrap_or_else(|e| e.into_inner()).insert(line.clone()) {
        note(format_args!("{line}\n"));
    }
}

/// `eprintln!` that never panics: [`note`] with a newline.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::error::note(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` that never panics: [`note`] without a newline (a progress bar redrawn with `\r`).
#[macro_export]
macro_rules! note_part {
    ($($arg:tt)*) => {
        $crate::error::note(format_args!($($arg)*))
    };
}
