//! docsan's shared vocabulary.
//!
//! Every other crate speaks in these types: a backend turns bytes into [`TextUnit`]s, a
//! [`Detector`] turns units into [`Finding`]s, the planner turns findings into [`Edit`]s under a
//! [`Policy`], and the backend's [`Document::rewrite`] applies them. This crate does no I/O and
//! knows no file format; it is deliberately small so that every crate can depend on it.
//!
//! Invariants worth knowing:
//! - Personal values travel as [`Sensitive`], whose `Debug` and `Display` never print the value.
//! - Offsets in [`Edit`] and [`Finding`] are **byte** ranges into the unit's UTF-8 `text`, always
//!   on character boundaries.
//! - Nothing here reads a clock, a random source or an environment variable.

#![forbid(unsafe_code)]

mod diagnostic;
mod error;
mod finding;
mod format;
mod hash;
mod limits;
mod policy;
mod sensitive;
mod traits;
mod unit;

/// A string stored inline when short (24 bytes or less), as most cell texts, cell references,
/// part names, headers and values are: a document's units then cost one allocation each
/// instead of several.
pub use compact_str::{CompactString, ToCompactString, format_compact};
pub use diagnostic::{Diagnostic, Severity};
pub use error::{Error, ErrorKind, Result};
pub use finding::{Finding, PiiKind};
pub use format::Format;
pub use hash::{FastHasher, FastMap, FastSet};
pub use limits::{
    DeadlineGuard, Limits, LimitsBudget, carry_deadline, check_deadline, current_deadline,
    deadline_passed, deadline_scope,
};
pub use policy::{CustomRule, KindPolicy, MaskMode, Policy, PolicyError, VisualMask};
pub use sensitive::{Sensitive, mask_every_char};
pub use traits::{
    Backend, Detector, Document, Edit, EmbeddedAction, EmbeddedId, EmbeddedPart, Plan, UnitSink,
};
pub use unit::{Location, TextUnit, UnitContext, UnitId, UnitKind};
