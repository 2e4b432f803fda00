//! The one error type of the library crates.
//!
//! Messages are lowercase, name the problem and where it is, and never contain personal data.

use std::fmt;

/// What went wrong, for callers that branch on it (exit codes, reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A format docsan does not handle (legacy `.doc`, encrypted OOXML, unknown bytes).
    Unsupported,
    /// The bytes are not a valid file of their format and could not be recovered.
    Malformed,
    /// A configured limit was hit (size, ratio, entries, depth, objects, time).
    Limit,
    /// Encrypted with a password docsan does not have.
    Encrypted,
    /// The backend cannot apply an edit without risking a leak or corruption.
    Refused,
    /// The output still holds personal data, or could not be checked.
    Residue,
    /// Reading or writing files.
    Io,
    /// A bad policy file or option.
    Config,
    /// A bug: an invariant of docsan itself was broken.
    Internal,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Malformed => "malformed",
            ErrorKind::Limit => "limit",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::Refused => "refused",
            ErrorKind::Residue => "residue",
            ErrorKind::Io => "io",
            ErrorKind::Config => "config",
            ErrorKind::Internal => "internal",
        }
    }
}

/// A typed error with a message for people. Construct with the helpers
/// (`Error::unsupported("legacy .doc (OLE compound file)")`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }
    pub fn unsupported(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, m)
    }
    pub fn malformed(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Malformed, m)
    }
    pub fn limit(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Limit, m)
    }
    pub fn encrypted(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Encrypted, m)
    }
    pub fn refused(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Refused, m)
    }
    pub fn residue(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Residue, m)
    }
    pub fn io(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Io, m)
    }
    pub fn config(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, m)
    }
    pub fn internal(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, m)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
