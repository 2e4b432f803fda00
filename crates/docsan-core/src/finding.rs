//! Findings: a span of a unit that holds personal data, and of what kind.

use crate::{Sensitive, UnitId};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The kinds of personal data docsan knows. Custom rules from a policy file carry their own
/// name in [`Finding::rule`] and use [`PiiKind::Custom`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PiiKind {
    /// 18-digit resident ID (GB 11643), including residence permits.
    Id18,
    /// 15-digit legacy resident ID.
    Id15,
    Mobile,
    Landline,
    /// Bank card or account number.
    Card,
    Email,
    Passport,
    /// Mainland travel permits for Hong Kong, Macau, Taiwan residents and the reverse.
    TravelPermit,
    HkId,
    Plate,
    /// Social security or medical insurance number.
    SocialSecurity,
    BirthDate,
    Name,
    Address,
    /// A user rule from the policy file.
    Custom,
}

impl PiiKind {
    /// Every kind, in report order.
    pub const ALL: [PiiKind; 15] = [
        PiiKind::Id18,
        PiiKind::Id15,
        PiiKind::Mobile,
        PiiKind::Landline,
        PiiKind::Card,
        PiiKind::Email,
        PiiKind::Passport,
        PiiKind::TravelPermit,
        PiiKind::HkId,
        PiiKind::Plate,
        PiiKind::SocialSecurity,
        PiiKind::BirthDate,
        PiiKind::Name,
        PiiKind::Address,
        PiiKind::Custom,
    ];

    /// The snake_case name used in reports and policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Id18 => "id18",
            PiiKind::Id15 => "id15",
            PiiKind::Mobile => "mobile",
            PiiKind::Landline => "landline",
            PiiKind::Card => "card",
            PiiKind::Email => "email",
            PiiKind::Passport => "passport",
            PiiKind::TravelPermit => "travel_permit",
            PiiKind::HkId => "hk_id",
            PiiKind::Plate => "plate",
            PiiKind::SocialSecurity => "social_security",
            PiiKind::BirthDate => "birth_date",
            PiiKind::Name => "name",
            PiiKind::Address => "address",
            PiiKind::Custom => "custom",
        }
    }

    /// Parses the snake_case name.
    pub fn from_name(name: &str) -> Option<PiiKind> {
        PiiKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for PiiKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span of one unit's text that holds personal data.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub unit: UnitId,
    /// Byte range into the unit's text, on character boundaries.
    pub range: Range<usize>,
    pub kind: PiiKind,
    /// Which rule fired: `id18.checksum`, `name.column_header`, `custom.case_names`.
    pub rule: CompactString,
    /// 0.0 to 1.0. Validated values (check digit, Luhn, known prefix) score high; context-only
    /// findings lower. The default policy masks everything it reports.
    pub confidence: f32,
    /// The matched text.
    pub value: Sensitive,
}
