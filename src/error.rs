//! The library's error type. Every variant names what went wrong and where (file, line, field), and says how to
//! fix it. `main` maps every error to exit code 2.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read the file: {source} (check the path; paths in a scenario are relative to the scenario file)")]
    Io { path: PathBuf, source: std::io::Error },

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

    #[error("{path}: cannot draw the figure: {message}")]
    Plot { path: PathBuf, message: String },

    #[error("{0}")]
    Usage(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn field(path: &std::path::Path, line: u64, field: &str, message: impl Into<String>) -> Error {
        Error::Field { path: path.to_path_buf(), line, field: field.to_string(), message: message.into() }
    }
    pub fn config(path: &std::path::Path, field: &str, message: impl Into<String>) -> Error {
        Error::Config { path: path.to_path_buf(), field: field.to_string(), message: message.into() }
    }
}
