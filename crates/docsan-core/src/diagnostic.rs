//! Diagnostics: what a backend noticed but did not treat as an error.
//!
//! Documents are messy, not erroneous. An image that may hold text, an OLE object, a recovered
//! cross-reference table: each becomes a [`Diagnostic`] with a location, and the report and
//! `--strict` decide what it means. A `Warning` is "something the tool could not see into";
//! under `--strict` it fails the file. An `Error` always fails the file.

use crate::Location;
use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing, changes nothing (a dropped thumbnail, a decrypted restrictions-only PDF).
    Info,
    /// Content that could not be checked; fails the file under `--strict`.
    Warning,
    /// The file cannot be sanitized safely; always fails it.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One thing a backend, the planner or the verifier noticed. Messages never contain personal
/// values; they name locations instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, machine-readable code such as `image-only-page`, `ole-object`, `xref-recovered`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: code.into(),
            message: message.into(),
            location: None,
        }
    }
    pub fn info(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, message)
    }
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }
    /// Attaches a location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )?;
        if let Some(l) = &self.location {
            write!(f, " (at {l})")?;
        }
        Ok(())
    }
}
