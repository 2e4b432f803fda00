//! The engine: compiled rules, per-unit detection, overlap resolution, policy filters.
//!
//! One unit is processed in a fixed order: label words are located once (Aho-Corasick), number
//! tokens are read and classified with the nearest label or the column header as context,
//! e-mails are found around `@`, names, addresses and birth dates after their labels, whole
//! cells under a meaningful column header, plates and Hong Kong IDs by shape and check digit,
//! then the policy's terms and custom rules. Candidates are resolved to non-overlapping
//! findings (more confident, then longer, wins) and filtered by the policy.
//!
//! Before all this, a text holding invisible characters (zero-width space, soft hyphen, byte
//! order mark) or odd spaces (no-break, thin, narrow no-break) is read folded: the first left
//! out, as the verifier leaves them out, the second made ordinary spaces
//! ([`crate::text::Folded`]); the findings' ranges are put back on the original's bytes.

use crate::labels::{self, Class};
use crate::names;
use crate::scan::{self, NumToken};
use crate::text::{self, char_at, char_before, is_cjk, is_mask_char};
use crate::validate as v;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use docsan_core::{
    CompactString, Detector, Error, Finding, PiiKind, Policy, Sensitive, TextUnit, UnitKind,
};
use rayon::prelude::*;
use regex::Regex;
use std::collections::BTreeSet;
use std::ops::Range;

const DIGIT: u8 = 1;
const AT: u8 = 2;
const UPPER: u8 = 4;
const WIDE: u8 = 8;
const PATH: u8 = 16;
const EQUALS: u8 = 32;
/// A small ASCII letter or a byte of a non-ASCII character: with capitals, what every label
/// word has (a text without any holds no label).
const WORDY: u8 = 64;

/// Byte classes for the pre-filter: ASCII digits, `@`, capitals, `0xEF` (the lead byte of
/// full-width forms, among them the full-width digits), path separators and `%`, `=`, and
/// small letters and non-ASCII bytes.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            b'0'..=b'9' => DIGIT,
            b'@' => AT,
            b'A'..=b'Z' => UPPER,
            0xEF => WIDE | WORDY,
            b'\\' | b'/' | b'%' => PATH,
            b'=' => EQUALS,
            b'a'..=b'z' | 0x80..=0xFF => WORDY,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// A candidate finding before resolution.
#[derive(Clone, Debug)]
struct Cand {
    range: Range<usize>,
    kind: PiiKind,
    rule: CompactString,
    conf: f32,
}

impl Cand {
    fn new(range: Range<usize>, kind: PiiKind, rule: &str, conf: f32) -> Self {
        Cand {
            range,
            kind,
            rule: rule.into(),
            conf,
        }
    }
}

/// A policy rule, compiled.
#[derive(Debug)]
struct CustomRule {
    name: String,
    re: Regex,
    kind: PiiKind,
    validator: Option<String>,
}

/// The detection engine: built-in detectors plus the policy's rules, terms and allow-list,
/// compiled once. `Send + Sync`; share it across threads. Its `Debug` shows counts only: the
/// policy's terms and allow-list are personal data themselves.
pub struct Engine {
    policy: Policy,
    labels: AhoCorasick,
    label_classes: Vec<Class>,
    terms: Option<AhoCorasick>,
    term_list: Vec<String>,
    rules: Vec<CustomRule>,
    allow: BTreeSet<String>,
    date: Regex,
    doc_token: Regex,
    plate: Regex,
    hkid: Regex,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("mode", &self.policy.mode)
            .field("labels", &self.label_classes.len())
            .field("terms", &self.term_list.len())
            .field("rules", &self.rules.len())
            .field("allow", &self.allow.len())
            .finish()
    }
}

impl Engine {
    /// Compiles the built-in detectors plus the policy's custom rules, terms and allow-list.
    /// A custom rule whose pattern does not compile, or whose validator is unknown, is a
    /// configuration error.
    pub fn new(policy: &Policy) -> Result<Engine, Error> {
        let pats: Vec<&str> = labels::TEXT_LABELS.iter().map(|(p, _)| *p).collect();
        let label_classes = labels::TEXT_LABELS.iter().map(|(_, c)| *c).collect();
        let labels = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&pats)
            .map_err(|e| Error::internal(format!("label automaton: {e}")))?;
        let term_list: Vec<String> = policy
            .terms
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let terms = if term_list.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&term_list)
                    .map_err(|e| Error::config(format!("policy terms: {e}")))?,
            )
        };
        let mut rules = Vec::new();
        for r in &policy.rules {
            let re = Regex::new(&r.pattern).map_err(|e| {
                Error::config(format!("custom rule `{}`: bad pattern: {e}", r.name))
            })?;
            if let Some(val) = &r.validator
                && !matches!(val.as_str(), "luhn" | "gb11643" | "uscc" | "none" | "")
            {
                return Err(Error::config(format!(
                    "custom rule `{}`: unknown validator `{val}` (luhn, gb11643, uscc)",
                    r.name
                )));
            }
            rules.push(CustomRule {
                name: r.name.clone(),
                re,
                kind: r.kind,
                validator: r.validator.clone().filter(|s| !s.is_empty() && s != "none"),
            });
        }
        let re =
            |p: &str| Regex::new(p).map_err(|e| Error::internal(format!("built-in pattern: {e}")));
        Ok(Engine {
            policy: policy.clone(),
            labels,
            label_classes,
            terms,
            term_list,
            rules,
            allow: policy.allow.iter().cloned().collect(),
            date: re(
                // Longer alternatives first: the regex takes the first that matches, and
                // `0?[1-9]` before `[12]\d` read `1990-01-12` as `1990-01-1`.
                r"^(?:19|20)\d{2}(?:(?:[-/.]|年)(?:1[0-2]|0?[1-9])(?:(?:[-/.]|月)(?:3[01]|[12]\d|0?[1-9])日?|月)?|(?:1[0-2]|0[1-9])(?:3[01]|[12]\d|0[1-9])?)",
            )?,
            doc_token: re(r"^[A-Za-z]{0,2}\d{6,12}(?:\([0-9A]\))?")?,
            plate: re(r"^[A-HJ-NP-Z]·?[A-HJ-NP-Z0-9]{5,6}")?,
            hkid: re(r"[A-Z]{1,2}\d{6}\([0-9A]\)")?,
        })
    }

    /// The policy this engine was built with.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The replacement text for a finding under the policy (mask, redact or pseudonymize).
    /// Masks keep the character count exactly and separators where they are.
    pub fn replacement(&self, finding: &Finding) -> CompactString {
        crate::mask::replacement(
            &self.policy,
            finding.kind,
            &finding.rule,
            finding.value.expose(),
        )
    }

    /// Detects in one unit, with an optional label taken from a neighbouring unit.
    fn detect_unit(&self, unit: &TextUnit, neighbour_label: Option<&str>) -> Vec<Finding> {
        let cands = self.candidates(unit, neighbour_label);
        self.resolve(unit, cands)
    }

    /// Unresolved candidates of one unit.
    fn candidates(&self, unit: &TextUnit, neighbour_label: Option<&str>) -> Vec<Cand> {
        let text = unit.text.as_str();
        if text.is_empty() {
            return Vec::new();
        }
        // Invisible characters and odd spaces inside values (`139\u{200B}0000\u{200B}1234`,
        // `王\u{A0}芳`): the text is read with the first left out and the second made ordinary
        // spaces, and what is found there is put back on the original's bytes.
        if let Some(folded) = text::Folded::new(text) {
            let mut inner = unit.clone();
            inner.text = folded.text.as_str().into();
            let mut cands = self.candidates(&inner, neighbour_label);
            cands.retain_mut(|c| {
                let ok = folded.text.is_char_boundary(c.range.start)
                    && folded.text.is_char_boundary(c.range.end)
                    && c.range.start <= c.range.end
                    && c.range.end <= folded.text.len();
                if ok {
                    c.range = folded.original(c.range.clone());
                }
                ok
            });
            return cands;
        }
        let ctx = &unit.context;
        let header_class = ctx
            .column_header
            .as_deref()
            .and_then(labels::classify_header);
        // A label names a cell's content only for cells (two-column forms) and metadata; the
        // `name` attribute of a shape or a sheet says nothing about the text.
        let label_applies = matches!(
            ctx.kind,
            UnitKind::TableCell | UnitKind::SheetCell | UnitKind::Metadata
        );
        let label_class = ctx
            .label
            .as_deref()
            .filter(|_| label_applies)
            .or(neighbour_label)
            .and_then(labels::classify_header);
        let unit_class = header_class.or(label_class);
        // A name cell labelled only by the cell before it, when that cell is a word for a
        // person the label vocabulary does not list (`管理人员 | 实习生`, as category values
        // stand side by side), needs a known surname.
        let strict_names = header_class.is_none()
            && ctx.label.as_deref().filter(|_| label_applies).is_none()
            && neighbour_label.is_some_and(|l| !labels::TEXT_LABELS.iter().any(|(w, _)| *w == l));
        let mut cands: Vec<Cand> = Vec::new();

        // Whole units that name a person: metadata authors, comment and revision authors.
        // Also an attribute that says it holds a user's name wherever it stands (a sheet's
        // `scenario@user`, a revision header's `userName`, which reach us as `Other`).
        let person_kind = matches!(
            ctx.kind,
            UnitKind::Metadata | UnitKind::Author | UnitKind::Annotation
        ) || (ctx.kind == UnitKind::Other
            && ctx.label.as_deref().is_some_and(labels::is_user_label));
        let person_label = ctx.label.as_deref().is_some_and(labels::is_person_label)
            || ctx.kind == UnitKind::Author;
        if person_kind && person_label {
            self.person_unit(text, ctx.label.as_deref(), &mut cands);
        }
        // XMP list items reach us as bare `rdf:li` values without their parent element: a
        // value that is nothing but a Chinese name with a known surname is taken as a person
        // (`dc:creator`), short title words are not.
        let list_item = ctx.label.as_deref().is_none_or(|l| {
            matches!(
                l.rsplit(':').next().unwrap_or(l),
                "li" | "Seq" | "Bag" | "Alt"
            )
        });
        // The same for an annotation without a label: a bare name there is its author (some
        // extractors do not say which key a PDF annotation string came from).
        let bare_annotation = ctx.kind == UnitKind::Annotation && ctx.label.is_none();
        if (ctx.kind == UnitKind::Metadata && list_item || bare_annotation) && !person_label {
            let t = text.trim();
            const TITLE_WORDS: &[&str] = &[
                "通知", "公告", "公示", "名单", "报告", "文件", "说明", "简报", "目录", "附件",
                "汇总", "表格", "通报", "方案", "计划", "总结", "请示", "批复", "函", "纪要",
                "明细", "清单", "同意", "通过", "已阅", "已核", "删除", "修改", "确认", "核实",
                "注意", "重要", "批准", "审核", "待定", "已改", "保留", "补充", "更正", "核对",
                "签字", "盖章",
            ];
            if t.chars().count() <= 4
                && names::whole_cjk_name(t).is_some_and(|c| c >= 0.9)
                && !TITLE_WORDS.iter().any(|w| t.contains(w))
            {
                let start = text.len() - text.trim_start().len();
                cands.push(Cand::new(
                    start..start + t.len(),
                    PiiKind::Name,
                    "name.metadata",
                    0.6,
                ));
            }
        }

        let bytes = text.as_bytes();
        // One branch-free pass for the cheap pre-filters (`@`, capital letters); the number
        // scanner makes its own single pass for ASCII and full-width digits.
        let flags = bytes
            .iter()
            .fold(0u8, |acc, b| acc | BYTE_CLASS[*b as usize]);
        // Label words in the text (none in a text of digits and signs: an ID or phone cell).
        let label_hits = if flags & (UPPER | WORDY) != 0 {
            self.label_hits(text)
        } else {
            Vec::new()
        };
        let (has_at, has_upper) = (flags & AT != 0, flags & UPPER != 0);
        if flags & (DIGIT | WIDE) != 0 {
            self.numbers(
                text,
                unit_class,
                ctx.column_header.as_deref(),
                &label_hits,
                unit.context.kind,
                &mut cands,
            );
        }
        if has_at {
            emails(text, &mut cands);
        }
        // A login in a path (`C:\Users\duanzx\`) or a connection string (`UID=zhangyimou;`),
        // wherever it stands.
        if flags & PATH != 0 {
            for r in crate::paths::user_folders(text) {
                cands.push(Cand::new(r, PiiKind::Name, "name.user_folder", 0.8));
            }
        }
        if flags & EQUALS != 0 {
            for r in crate::paths::connection_users(text) {
                cands.push(Cand::new(r, PiiKind::Name, "name.connection_user", 0.8));
            }
        }
        if !label_hits.is_empty() {
            self.labelled(text, &label_hits, &mut cands);
        }
        if let Some(class) = unit_class
            && !(person_kind && person_label)
        {
            self.whole_cell(text, class, strict_names, &mut cands);
        }
        // A defined name labelled by what it holds (`联系人` = `"周建华"`): its formula's one
        // string literal is judged as a cell under that header.
        if ctx.kind == UnitKind::Name
            && let Some(class) = ctx.label.as_deref().and_then(labels::classify_header)
            && let Some(inner) = text
                .trim()
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
            && !inner.contains('"')
        {
            // After the leading blanks and the opening quote.
            let offset = text.len() - text.trim_start().len() + 1;
            let mut inside = Vec::new();
            self.whole_cell(inner, class, false, &mut inside);
            for mut c in inside {
                c.range = c.range.start + offset..c.range.end + offset;
                cands.push(c);
            }
        }
        // Two cells merged by table reconstruction (`15270977533浙江省金华市…113号`): an address
        // with its province or city inside any cell is a home address.
        if matches!(ctx.kind, UnitKind::TableCell | UnitKind::SheetCell)
            && !matches!(
                unit_class,
                Some(Class::Address | Class::OfficeAddress | Class::OrgCode)
            )
            && let Some(p) = text.find(is_cjk)
            && text[..p].chars().all(|c| !c.is_alphabetic())
        {
            let a = text[p..].trim_end();
            if names::admin_prefix_chars(a) > 0
                && names::has_house_number(a)
                && names::address_like(a)
            {
                cands.push(Cand::new(
                    p..p + a.len(),
                    PiiKind::Address,
                    "address.in_cell",
                    0.7,
                ));
            }
        }
        if has_upper {
            self.shapes(text, &mut cands);
        }
        if let Some(t) = &self.terms {
            for m in t.find_iter(text) {
                cands.push(Cand::new(
                    m.start()..m.end(),
                    PiiKind::Name,
                    "name.term",
                    0.99,
                ));
            }
            let _ = &self.term_list;
        }
        self.custom(text, &mut cands);
        cands
    }

    /// A line of a table read as text (PDF): each whitespace-separated cell is also read as a
    /// cell under the header line's column of the same position, or by its shape when the
    /// counts differ (empty or wrapped cells).
    fn row_candidates(&self, unit: &TextUnit, header: &[(String, Option<Class>)]) -> Vec<Cand> {
        let text = unit.text.as_str();
        let mut cands = self.candidates(unit, None);
        let cells = split_cells(text);
        let has = |c: Class| header.iter().any(|(_, h)| *h == Some(c));
        let header_of = |c: Class| {
            header
                .iter()
                .find(|(_, h)| *h == Some(c))
                .map(|(t, _)| t.as_str())
        };
        let mut name_done = false;
        for (i, r) in cells.iter().enumerate() {
            let cell = &text[r.clone()];
            // The column of the same position (when the counts agree) and the column the
            // cell's shape suggests; each is only a context, the cell must still validate.
            let positional = if cells.len() == header.len() {
                header.get(i).map(|(t, _)| t.as_str())
            } else {
                None
            };
            // Only the first cell that starts with a Chinese character may be the name, even
            // when it is masked already (then a later `言语` must not take its place).
            let first_cjk = !name_done && cell.starts_with(is_cjk);
            if first_cjk {
                name_done = true;
            }
            let by_shape = if has(Class::Name)
                && first_cjk
                && i < 4
                && names::whole_cjk_name(cell).is_some_and(|c| c >= 0.9)
            {
                header_of(Class::Name)
            } else if has(Class::Address)
                && names::address_like(cell)
                && (names::admin_prefix_chars(cell) > 0 || cell.contains(['号', '室', '栋', '幢']))
            {
                header_of(Class::Address)
            } else if has(Class::Card) && cell.bytes().filter(u8::is_ascii_digit).count() >= 12 {
                header_of(Class::Card)
            } else {
                None
            };
            let mut cols: Vec<&str> = positional.into_iter().chain(by_shape).collect();
            cols.dedup();
            for col in cols {
                let mut ctx = unit.context.clone();
                ctx.kind = UnitKind::TableCell;
                ctx.column_header = Some(col.into());
                ctx.label = None;
                let sub = TextUnit::new(unit.id, cell, ctx);
                for mut c in self.candidates(&sub, None) {
                    c.range = c.range.start + r.start..c.range.end + r.start;
                    c.rule.push_str(".row");
                    cands.push(c);
                }
            }
        }
        cands
    }

    /// Label matches: (start, end, class).
    fn label_hits(&self, text: &str) -> Vec<(usize, usize, Class)> {
        let mut hits = self.vocabulary_hits(text);
        // A role the vocabulary does not list, before a colon (`经手人：`, `被执行人：`).
        if text.contains(['：', ':']) {
            role_hits(text, &mut hits);
        }
        hits
    }

    /// Matches of the label vocabulary (`TEXT_LABELS`): (start, end, class).
    fn vocabulary_hits(&self, text: &str) -> Vec<(usize, usize, Class)> {
        // Labels are CJK words or ASCII words; text with neither cannot hold one.
        self.labels
            .find_iter(text)
            .filter_map(|m| {
                let class = *self.label_classes.get(m.pattern().as_usize())?;
                // ASCII labels must stand as words.
                let pat = &text[m.start()..m.end()];
                if pat.is_ascii() {
                    let before = char_before(text, m.start());
                    let after = char_at(text, m.end());
                    if before.is_some_and(|c| c.is_ascii_alphanumeric())
                        || after.is_some_and(|c| c.is_ascii_alphanumeric())
                    {
                        return None;
                    }
                }
                Some((m.start(), m.end(), class))
            })
            .collect()
    }

    /// The class of the label that closely precedes byte `pos`, if any.
    fn label_before(
        &self,
        text: &str,
        pos: usize,
        hits: &[(usize, usize, Class)],
    ) -> Option<Class> {
        // Hits are sorted and do not overlap, so their ends are sorted too.
        let idx = hits.partition_point(|(_, e, _)| *e <= pos);
        let (_, end, class) = hits.get(idx.checked_sub(1)?)?;
        let gap = text.get(*end..pos)?;
        let ok = gap.chars().count() <= 6
            && gap.chars().all(|c| {
                text::is_filler(c)
                    || matches!(
                        c,
                        '(' | '（' | ')' | '）' | '#' | '号' | '码' | '.' | '-' | '/'
                    )
            });
        ok.then_some(*class)
    }

    /// Number tokens, classified.
    fn numbers(
        &self,
        text: &str,
        unit_class: Option<Class>,
        // Looked at only for a phone number or a card: is it under a column of sums, or of
        // order or invoice numbers?
        column_header: Option<&str>,
        hits: &[(usize, usize, Class)],
        kind: UnitKind,
        out: &mut Vec<Cand>,
    ) {
        let toks = scan::tokens(text);
        // Values read across two blanks, by range: the tokens inside them are not read again.
        let mut joined: Vec<Range<usize>> = Vec::new();
        // A column of order, waybill or invoice numbers (`物流单号`): looked up once.
        let mut doc_column: Option<bool> = None;
        for tok in &toks {
            let label = self.label_before(text, tok.start, hits);
            let ctx = label.or(unit_class);
            let money = !matches!(ctx, Some(Class::Card) | Some(Class::Id));
            // Values right next to a mask character were masked already.
            if char_before(text, tok.start).is_some_and(is_mask_char)
                || char_at(text, tok.end).is_some_and(is_mask_char)
            {
                continue;
            }
            if joined
                .iter()
                .any(|r| r.start <= tok.start && tok.end <= r.end)
            {
                continue;
            }
            // Under a label or header of cards, IDs or phones, numbers parted by two blanks
            // (`6225  8836  4942  0556`) may be one value: what is found across the blanks
            // is taken. Elsewhere two blanks part the cells of a row.
            if matches!(
                ctx,
                Some(Class::Card | Class::Id | Class::IdEmbedded | Class::Phone)
            ) {
                let before = joined.len();
                joined_across_blanks(text, tok, ctx, out, &mut joined);
                if joined[before..]
                    .iter()
                    .any(|r| r.start <= tok.start && tok.end <= r.end)
                {
                    continue;
                }
            }
            let from = out.len();
            classify_token(text, tok, ctx, money, out);
            // A number under a column or after a word of order, waybill, invoice or serial
            // numbers (`物流单号`, `订单号：`) is no card and no landline, unless a label of
            // cards or phones says it is (IDs and mobile numbers keep their own word).
            if out[from..]
                .iter()
                .any(|c| matches!(c.kind, PiiKind::Card | PiiKind::Landline))
                && !matches!(ctx, Some(Class::Card | Class::Phone))
                && ((label.is_none()
                    && *doc_column.get_or_insert_with(|| {
                        column_header.is_some_and(labels::is_doc_number_header)
                    }))
                    || labels::doc_number_before(text, tok.start))
            {
                let mut i = from;
                while i < out.len() {
                    if matches!(out[i].kind, PiiKind::Card | PiiKind::Landline) {
                        out.remove(i);
                    } else {
                        i += 1;
                    }
                }
            }
            // A number labelled or headed as a sum or a quantity (`金额合计 13800000000 元`, a
            // cell under `金额`) is not a phone number, unless a phone label says it is.
            // (IDs and cards keep their check digits' word.)
            if out[from..]
                .iter()
                .any(|c| matches!(c.kind, PiiKind::Mobile | PiiKind::Landline))
                && ctx != Some(Class::Phone)
                && (labels::unit_after(text, tok.end)
                    || labels::amount_before(text, tok.start)
                    || (label.is_none() && column_header.is_some_and(labels::is_amount_header)))
            {
                let mut i = from;
                while i < out.len() {
                    if matches!(out[i].kind, PiiKind::Mobile | PiiKind::Landline) {
                        out.remove(i);
                    } else {
                        i += 1;
                    }
                }
            }
        }
        // Spreadsheet numbers that lost digits: `1.10101199003071E+17`.
        if matches!(
            kind,
            UnitKind::SheetCell | UnitKind::TableCell | UnitKind::Cache | UnitKind::Other
        ) {
            numeric_truncated(text, unit_class, out);
        }
    }

    /// Values after label words: names, addresses, birth dates, document numbers.
    fn labelled(&self, text: &str, hits: &[(usize, usize, Class)], out: &mut Vec<Cand>) {
        for (i, &(s, e, class)) in hits.iter().enumerate() {
            let next_label = hits.get(i + 1).map(|h| h.0);
            let label = &text[s..e];
            // `申请人（签字）：张三`: a short note in brackets after the label is skipped.
            let e = match char_at(text, e) {
                Some('（' | '(') => text[e..]
                    .char_indices()
                    .take(8)
                    .find(|(_, c)| matches!(c, '）' | ')'))
                    .map_or(e, |(i, c)| e + i + c.len_utf8()),
                _ => e,
            };
            // `回乡证号：`, `护照号码为`: a trailing 号/号码 belongs to the label.
            let e = ["号码", "号"]
                .iter()
                .find(|w| text[e..].starts_with(**w))
                .map_or(e, |w| e + w.len());
            let mut vpos = text::skip_fillers(text, e, 4);
            // `联系人及电话：欧阳娜娜186…`: a name label joined to a second label by 及/和/与/、
            // labels the value after the second, which starts with the name.
            if class == Class::Name
                && let Some(conj) = ["及", "和", "与", "、", "/"]
                    .iter()
                    .find(|c| text[e..].starts_with(**c))
                && let Some(&(_, e2, c2)) = hits.get(i + 1)
                && hits[i + 1].0 == e + conj.len()
                && matches!(c2, Class::Phone | Class::Id | Class::Address)
                && text[e2..].starts_with([':', '：'])
            {
                vpos = text::skip_fillers(text, e2, 4);
            } else if next_label == Some(vpos) && class != Class::NameBefore {
                // A label directly followed by another label (`联系人手机号码`) labels nothing.
                continue;
            }
            match class {
                Class::Name => {
                    // `张伟之子张小明`: the person the relation is to, named right before it
                    // (two to four characters after a boundary, a known surname first).
                    if label.starts_with('之') {
                        let before: Vec<(usize, char)> =
                            text[..s].char_indices().rev().take(5).collect();
                        let run = before.iter().take_while(|(_, c)| is_cjk(*c)).count();
                        if (2..=4).contains(&run) {
                            let start = before[run - 1].0;
                            let cand = &text[start..s];
                            if let Some(conf) = names::whole_cjk_name(cand)
                                && !char_before(text, start).is_some_and(is_mask_char)
                            {
                                out.push(Cand::new(
                                    start..s,
                                    PiiKind::Name,
                                    "name.relation",
                                    conf.min(0.75),
                                ));
                            }
                        }
                    }
                    // Latin labels, lists (`获奖名单：`) and relations (`妻子：`) label a
                    // name only with a colon: `发放名单` ending a caption labels nothing, and
                    // neither does `父亲去世`.
                    let needs_colon = label.is_ascii()
                        || label.ends_with("名单")
                        || ["妻子", "丈夫", "儿子", "女儿", "父亲", "母亲"].contains(&label);
                    if needs_colon && !text[e..vpos].contains([':', '：']) {
                        continue;
                    }
                    let mut pos = vpos;
                    let mut first = true;
                    let limit = hits
                        .get(hits.partition_point(|h| h.0 < vpos))
                        .map_or(text.len(), |h| h.0);
                    // After a signing verb (`审核：`) a verdict may stand instead (`通过`).
                    let sign_verb = labels::is_sign_verb(label);
                    while let Some((r, conf)) =
                        names::name_before(text, pos, limit, label.is_ascii())
                    {
                        if hits.binary_search_by_key(&r.start, |h| h.0).is_ok()
                            || (sign_verb
                                && !names::after_sign_verb_ok(
                                    &text[r.clone()],
                                    &text[r.start..limit],
                                ))
                        {
                            break;
                        }
                        out.push(Cand::new(
                            r.clone(),
                            PiiKind::Name,
                            if first {
                                "name.label"
                            } else {
                                "name.label_list"
                            },
                            conf,
                        ));
                        first = false;
                        // A list of names after one label: `申请人：张三、李四`, each name
                        // perhaps with a short note in brackets (`李娜（妻）、张小明（子）`).
                        let mut after = r.end;
                        if let Some('（' | '(') = char_at(text, after)
                            && let Some((k, c)) = text[after..]
                                .char_indices()
                                .take(6)
                                .find(|(_, c)| matches!(c, '）' | ')'))
                        {
                            after += k + c.len_utf8();
                        }
                        match char_at(text, after) {
                            Some(c @ ('、' | '，' | ',' | ' ' | '\u{3000}' | '/')) => {
                                pos = after + c.len_utf8()
                            }
                            _ => break,
                        }
                    }
                    // A person's label and a colon say a name follows, whatever its surname
                    // (`联系人：风清扬`): two or three characters standing alone are taken.
                    if first
                        && (label.ends_with(['人', '者']) || label.ends_with("姓名"))
                        && text[e..vpos].contains([':', '：'])
                        && hits.binary_search_by_key(&vpos, |h| h.0).is_err()
                        && let Some(r) = names::bare_name_at(text, vpos, limit)
                    {
                        out.push(Cand::new(r, PiiKind::Name, "name.label_bare", 0.6));
                    }
                }
                Class::NameBefore => {
                    // `由张三核对`: the name sits between 由 and the verb.
                    let before: Vec<(usize, char)> =
                        text[..s].char_indices().rev().take(6).collect();
                    if let Some(k) = before.iter().position(|(_, c)| *c == '由') {
                        let name_start = before[k].0 + '由'.len_utf8();
                        let cand = &text[name_start..s];
                        let n = cand.chars().count();
                        if (2..=4).contains(&n)
                            && cand.chars().all(is_cjk)
                            && crate::data::surname_len(cand) > 0
                            && !char_before(text, s).is_some_and(is_mask_char)
                        {
                            out.push(Cand::new(name_start..s, PiiKind::Name, "name.verb", 0.7));
                        }
                    }
                }
                Class::Phone | Class::Id => {
                    // `请核实：贺秋 电话 159…`, `张三（身份证号：…）`: a name standing alone just
                    // before a phone or ID label.
                    let head = &text[..s];
                    let seps: &[char] = if class == Class::Id {
                        &[' ', '\u{3000}', '\t', '（', '(', '，', ',']
                    } else {
                        &[' ', '\u{3000}', '\t']
                    };
                    let trimmed = head.trim_end_matches(seps);
                    if trimmed.len() == head.len() || head.len() - trimmed.len() > 6 {
                        continue;
                    }
                    let run_len: usize = trimmed
                        .chars()
                        .rev()
                        .take_while(|c| is_cjk(*c))
                        .map(char::len_utf8)
                        .sum();
                    let run_start = trimmed.len() - run_len;
                    let run = &trimmed[run_start..];
                    // The run must not hold a label (`申请人郑` is what a mask leaves of
                    // `申请人郑＊＊` when the mask glyphs do not extract).
                    // Hits are sorted and disjoint: the last one starting before the run's end
                    // is the only one that can reach into it.
                    let k = hits.partition_point(|h| h.0 < trimmed.len());
                    if k > 0 && hits[k - 1].1 > run_start {
                        continue;
                    }
                    let delimited = char_before(text, run_start).is_none_or(|c| {
                        c.is_whitespace()
                            || matches!(c, '：' | ':' | '，' | ',' | '；' | ';' | '、' | '(' | '（')
                    });
                    if delimited
                        && names::whole_cjk_name(run).is_some_and(|c| c >= 0.9)
                        && run.chars().count() <= 4
                    {
                        out.push(Cand::new(
                            run_start..trimmed.len(),
                            PiiKind::Name,
                            if class == Class::Id {
                                "name.beside_id_label"
                            } else {
                                "name.beside_phone"
                            },
                            0.6,
                        ));
                    }
                }
                Class::Address => {
                    if let Some(r) = names::address_at(text, vpos) {
                        out.push(Cand::new(r, PiiKind::Address, "address.label", 0.85));
                    }
                }
                Class::BirthDate => {
                    if let Some(m) = self.date.find(&text[vpos..]) {
                        let r = vpos + m.start()..vpos + m.end();
                        if !char_at(text, r.end).is_some_and(|c| c.is_ascii_digit()) {
                            out.push(Cand::new(r, PiiKind::BirthDate, "birth_date.label", 0.85));
                        }
                    }
                }
                Class::Passport | Class::TravelPermit | Class::HkId | Class::SocialSecurity => {
                    if let Some(m) = self.doc_token.find(&text[vpos..]) {
                        let r = vpos + m.start()..vpos + m.end();
                        if !char_at(text, r.end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                            let kind = doc_kind(class);
                            let tok = &text[r.clone()];
                            if class != Class::HkId || v::hkid(tok) {
                                out.push(Cand::new(
                                    r,
                                    kind,
                                    &format!("{}.label", kind.as_str()),
                                    0.75,
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A whole unit under a meaningful header or label.
    /// With `strict_names`, a name needs a known surname.
    fn whole_cell(&self, text: &str, class: Class, strict_names: bool, out: &mut Vec<Cand>) {
        let tr = text::trimmed_range(text);
        let t = &text[tr.clone()];
        // Masked values stay quiet; a name cell is checked name by name below.
        if t.is_empty() || (class != Class::Name && t.chars().any(is_mask_char)) {
            return;
        }
        // A cell that is itself a column label (`身份证号` beside `姓名` in a header row) is
        // not a value of the neighbouring column.
        if t.chars().count() <= 8
            && !t.contains(['、', '（', '(', ',', '，', '＊', '*'])
            && labels::classify_header(t).is_some()
        {
            return;
        }
        match class {
            Class::Name => {
                // A two- or three-character name spaced out to the width of longer ones
                // (`张 伟`, `张　伟`, `李  娜`): one name, spaces included.
                if let Some(conf) = spaced_name(t) {
                    out.push(Cand::new(tr, PiiKind::Name, "name.column_header", conf));
                    return;
                }
                // One or several names: `张三`, `张三、李四`, and a name with the person's
                // number glued on (`刘洋13912349876` under `联系人`).
                let mut pos = tr.start;
                // Inside a bracket (`吕布（户主）`): a note, a name there only with a known
                // surname.
                let mut in_brackets = false;
                // The first part when it is no name by the rules of a whole cell, and whether a
                // note that is nobody (`已故`, `户主`) follows it.
                let mut lead: Option<Range<usize>> = None;
                let mut note_seen = false;
                for part in t.split(|c: char| {
                    matches!(
                        c,
                        '、' | ','
                            | '，'
                            | ';'
                            | '；'
                            | '/'
                            | ' '
                            | '\u{3000}'
                            | '('
                            | ')'
                            | '（'
                            | '）'
                            | '\n'
                            | '-'
                            | '+'
                            | ':'
                            | '：'
                            | '&'
                            | '＆'
                    ) || c.is_ascii_digit()
                        || c.is_whitespace()
                }) {
                    let start = pos;
                    let delim = t[pos - tr.start + part.len()..].chars().next();
                    pos += part.len() + delim.map_or(0, char::len_utf8);
                    let inside = in_brackets;
                    match delim {
                        Some('(' | '（') => in_brackets = true,
                        Some(')' | '）') => in_brackets = false,
                        _ => {}
                    }
                    if part.is_empty() || part.chars().any(is_mask_char) {
                        continue;
                    }
                    // A word for people (`支持人员(直接生产)`, `实习生`) names nobody in
                    // particular; a person called by a title (`蔡夫人`, `张主任`) is somebody.
                    let conf = names::whole_cjk_name(part).filter(|c| {
                        (!strict_names || *c >= 0.9)
                            && !(labels::classify_header(part).is_some()
                                && (part.len() >= 12 || crate::data::surname_len(part) == 0))
                    });
                    if start > tr.start && names::nobody(part) {
                        note_seen = true;
                    }
                    match conf {
                        Some(conf) if !inside || conf >= 0.9 => out.push(Cand::new(
                            start..start + part.len(),
                            PiiKind::Name,
                            "name.column_header",
                            conf,
                        )),
                        Some(_) => {}
                        None => {
                            if start == tr.start {
                                lead = Some(start..start + part.len());
                            }
                            // Two names joined by a word (`张伟和李娜`), each with a known
                            // surname.
                            for r in names::joined_names(part) {
                                out.push(Cand::new(
                                    start + r.start..start + r.end,
                                    PiiKind::Name,
                                    "name.column_header",
                                    0.8,
                                ));
                            }
                        }
                    }
                }
                // `刘表 (已故)`: the name before a note is a name even with a character that
                // is rare in names (表, 备).
                if note_seen
                    && let Some(r) = lead
                    && names::lead_name(&text[r.clone()])
                {
                    out.push(Cand::new(r, PiiKind::Name, "name.column_header", 0.75));
                }
                // A Latin name is taken only as a whole cell of two or three capitalised words
                // (`Zhang Wei`), never single words or table captions (`Grand Total`).
                if names::latin_cell_name(t) {
                    out.push(Cand::new(tr, PiiKind::Name, "name.column_header", 0.6));
                }
            }
            Class::Address => {
                // An address starts at its first Chinese character: a number glued in front
                // (`18848635677安徽省…`, a phone from the cell before) is not part of it.
                let lead = t.find(is_cjk).unwrap_or(0);
                let a = &t[lead..];
                if names::address_like(a) || names::column_address(a) {
                    out.push(Cand::new(
                        tr.start + lead..tr.end,
                        PiiKind::Address,
                        "address.column_header",
                        0.85,
                    ));
                } else if names::latin_address(t) {
                    // Written in English or pinyin (`Room 501, …, Chaoyang District, Beijing`).
                    out.push(Cand::new(tr, PiiKind::Address, "address.latin_column", 0.8));
                }
            }
            Class::Id | Class::Phone => {
                // What a narrow cell left of a value when it was cut off at the cell's edge
                // (a spreadsheet exported to PDF draws only the glyphs that fit): the first
                // digits of an ID (`340702198`), of a mobile number (`138567812`,
                // `189-5621-`). They still say who it is, so they go whole.
                let v = t.trim_end_matches(|c: char| c == '-' || c.is_whitespace());
                let mut digits = String::with_capacity(v.len());
                digits.extend(v.chars().filter(|c| *c != '-' && !c.is_whitespace()));
                let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
                let n = digits.len();
                let hit = match class {
                    Class::Id => {
                        (all_digits && (8..=17).contains(&n) && v::region_known(&digits[..6]))
                            .then_some((PiiKind::Id18, "id18.cut_off"))
                    }
                    _ => (all_digits
                        && (7..=10).contains(&n)
                        && digits.starts_with('1')
                        && matches!(digits.as_bytes()[1], b'3'..=b'9'))
                    .then_some((PiiKind::Mobile, "mobile.cut_off")),
                };
                if let Some((kind, rule)) = hit {
                    out.push(Cand::new(tr.start..tr.start + v.len(), kind, rule, 0.7));
                } else if class == Class::Id
                    && let Some((kind, rule)) = self.document_in_id_column(t)
                {
                    out.push(Cand::new(tr, kind, rule, 0.7));
                }
            }
            Class::BirthDate => {
                if let Some(m) = self.date.find(t) {
                    out.push(Cand::new(
                        tr.start + m.start()..tr.start + m.end(),
                        PiiKind::BirthDate,
                        "birth_date.column_header",
                        0.8,
                    ));
                }
            }
            Class::Passport | Class::TravelPermit | Class::HkId | Class::SocialSecurity => {
                if let Some(m) = self.doc_token.find(t)
                    && m.end() == t.len()
                {
                    let kind = doc_kind(class);
                    if class != Class::HkId || v::hkid(t) {
                        out.push(Cand::new(
                            tr,
                            kind,
                            &format!("{}.column_header", kind.as_str()),
                            0.75,
                        ));
                    }
                }
            }
            _ => {}
        }
    }

    /// A cell under a column of identity documents (`证件号码`, `台湾居民身份证`) that holds
    /// another document than a resident ID: a passport (`E12345678`), a travel permit
    /// (`H1234567801`, a Taiwan compatriot's `12345678`), a Taiwan identity card
    /// (`F223456789`, by its shape: the column says what it is).
    fn document_in_id_column(&self, t: &str) -> Option<(PiiKind, &'static str)> {
        let b = t.as_bytes();
        if b.len() == 10
            && b[0].is_ascii_uppercase()
            && matches!(b[1], b'1' | b'2')
            && b[1..].iter().all(u8::is_ascii_digit)
        {
            return Some((PiiKind::HkId, "tw_id.id_column"));
        }
        let m = self.doc_token.find(t)?;
        if m.end() != t.len() || t.contains('(') {
            return None;
        }
        let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let digits = b.len() - letters;
        match (letters, b.first()) {
            (0, _) => matches!(digits, 8 | 10)
                .then_some((PiiKind::TravelPermit, "travel_permit.id_column")),
            (_, Some(b'H' | b'M' | b'h' | b'm')) if digits >= 8 => {
                Some((PiiKind::TravelPermit, "travel_permit.id_column"))
            }
            _ if digits >= 7 => Some((PiiKind::Passport, "passport.id_column")),
            _ => None,
        }
    }

    /// A metadata or author value that names a person.
    fn person_unit(&self, text: &str, label: Option<&str>, out: &mut Vec<Cand>) {
        // A PDF `/T` is an annotation's author but also a form field's name (`text`,
        // `Date1`): a single Latin word there is not taken as a person.
        let field_title = label.is_some_and(|l| {
            let l = l.trim().trim_start_matches('/');
            l == "T" || l.ends_with(":T")
        });
        let mut pos = 0;
        for part in text.split([';', '；', ',', '，', '、']) {
            let start = pos;
            pos += part.len()
                + text[pos + part.len()..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
            let lead = part.len() - part.trim_start().len();
            let p = part.trim();
            // A single letter (initials `s`) identifies nobody and cannot be searched for.
            if p.chars().count() < 2 || (field_title && p.is_ascii() && !p.contains(' ')) {
                continue;
            }
            if let Some(conf) = names::person_value(p) {
                out.push(Cand::new(
                    start + lead..start + lead + p.len(),
                    PiiKind::Name,
                    "name.author",
                    conf,
                ));
            } else if let Some((at, conf)) = names::role_prefixed_name(p) {
                out.push(Cand::new(
                    start + lead + at..start + lead + p.len(),
                    PiiKind::Name,
                    "name.author_role",
                    conf,
                ));
            }
        }
    }

    /// Plates and Hong Kong IDs, found by shape and check digit.
    fn shapes(&self, text: &str, out: &mut Vec<Cand>) {
        // A plate starts with a province's one-character abbreviation and a capital letter;
        // the pattern is tried only where such a pair stands.
        const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
        for (i, b) in text.bytes().enumerate() {
            if !b.is_ascii_uppercase() {
                continue;
            }
            let Some(p) = char_before(text, i) else {
                continue;
            };
            if !PROVINCES.contains(p) {
                continue;
            }
            let Some(m) = self.plate.find(&text[i..]) else {
                continue;
            };
            let start = i - p.len_utf8();
            let end = i + m.end();
            let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
            let after = char_at(text, end);
            if digits >= 2 && !after.is_some_and(|c| c.is_ascii_alphanumeric()) {
                out.push(Cand::new(start..end, PiiKind::Plate, "plate.shape", 0.8));
            }
        }
        // A Taiwan identity card: a capital, 1 or 2, eight digits, the last a check digit;
        // standing alone, not inside a longer code.
        let b = text.as_bytes();
        for i in 0..b.len().saturating_sub(9) {
            if b[i].is_ascii_uppercase()
                && matches!(b[i + 1], b'1' | b'2')
                && b[i + 2..i + 10].iter().all(u8::is_ascii_digit)
                && !char_before(text, i).is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
                && !char_at(text, i + 10).is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
                && v::taiwan_id(&text[i..i + 10])
            {
                out.push(Cand::new(i..i + 10, PiiKind::HkId, "tw_id.checksum", 0.85));
            }
        }
        if !text.contains('(') {
            return;
        }
        for m in self.hkid.find_iter(text) {
            let before = char_before(text, m.start());
            if !before.is_some_and(|c| c.is_ascii_alphanumeric()) && v::hkid(m.as_str()) {
                out.push(Cand::new(m.range(), PiiKind::HkId, "hk_id.checksum", 0.9));
            }
        }
    }

    /// The policy's custom rules.
    fn custom(&self, text: &str, out: &mut Vec<Cand>) {
        for r in &self.rules {
            for caps in r.re.captures_iter(text) {
                let Some(m) = caps.name("value").or_else(|| caps.get(0)) else {
                    continue;
                };
                if m.is_empty() {
                    continue;
                }
                let val = m.as_str();
                let digits: String = val.chars().filter(|c| c.is_ascii_digit()).collect();
                let ok = match r.validator.as_deref() {
                    Some("luhn") => v::luhn(&digits),
                    Some("gb11643") => v::gb11643(val.trim()),
                    Some("uscc") => !v::uscc(val.trim()),
                    _ => true,
                };
                if ok {
                    out.push(Cand::new(
                        m.range(),
                        r.kind,
                        &format!("custom.{}", r.name),
                        0.95,
                    ));
                }
            }
        }
    }

    /// Resolves overlaps and applies the policy.
    fn resolve(&self, unit: &TextUnit, mut cands: Vec<Cand>) -> Vec<Finding> {
        let text = unit.text.as_str();
        cands.retain(|c| {
            c.range.start < c.range.end
                && text.is_char_boundary(c.range.start)
                && text.is_char_boundary(c.range.end)
                && c.range.end <= text.len()
                && self.policy.is_enabled(c.kind)
                && !self.allow.contains(&text[c.range.clone()])
                && !text[c.range.clone()].chars().any(|ch| {
                    ch == self.policy.mask_char
                        || ch == self.policy.mask_char_wide
                        || is_mask_char(ch)
                })
        });
        cands.sort_by(|a, b| {
            b.conf
                .total_cmp(&a.conf)
                .then((b.range.end - b.range.start).cmp(&(a.range.end - a.range.start)))
                .then(a.range.start.cmp(&b.range.start))
        });
        // Kept ranges by start. They never overlap, so their ends are sorted too, and a
        // candidate overlaps one only if the last kept range starting before its end reaches
        // past its start.
        let mut kept: std::collections::BTreeMap<usize, Cand> = std::collections::BTreeMap::new();
        for c in cands {
            let free = kept
                .range(..c.range.end)
                .next_back()
                .is_none_or(|(_, k)| k.range.end <= c.range.start);
            if free {
                kept.insert(c.range.start, c);
            }
        }
        kept.into_values()
            .map(|c| Finding {
                unit: unit.id,
                value: Sensitive::new(&text[c.range.clone()]),
                range: c.range,
                kind: c.kind,
                rule: c.rule,
                confidence: c.conf,
            })
            .collect()
    }
}

fn doc_kind(class: Class) -> PiiKind {
    match class {
        Class::Passport => PiiKind::Passport,
        Class::TravelPermit => PiiKind::TravelPermit,
        Class::HkId => PiiKind::HkId,
        _ => PiiKind::SocialSecurity,
    }
}

impl Detector for Engine {
    fn detect(&self, unit: &TextUnit) -> Vec<Finding> {
        self.detect_unit(unit, None)
    }

    /// Uses the unit before a cell as its label when the cell has none (two-column forms:
    /// `填报人 | 张三`), and reads lines after a table header line (`序号 姓名 身份证号 …`) as
    /// table rows.
    fn detect_all(&self, units: &[TextUnit]) -> Vec<Finding> {
        // Two passes. The first, in order, decides how each unit is read: which table header
        // line a line continues, which neighbouring label a cell takes. The second detects,
        // unit by unit and independent of each other, in chunks on the caller's rayon pool;
        // the chunks' findings are joined in unit order, so the result is the same as one
        // pass in order would give.
        let mut headers: Vec<Vec<(String, Option<Class>)>> = Vec::new();
        let mut steps: Vec<Step<'_>> = Vec::with_capacity(units.len());
        let mut header: Option<usize> = None;
        let mut misses = 0u32;
        for (i, u) in units.iter().enumerate() {
            // Out of time: stop; the pipeline's own deadline check then fails the file, so a
            // partial result is never used.
            if i % 1024 == 1023 && docsan_core::deadline_passed() {
                return Vec::new();
            }
            let lineish = is_line(u);
            if lineish {
                let digits = u.text.bytes().any(|b| b.is_ascii_digit());
                let cells = if header.is_some() || (!digits && u.text.len() <= 400) {
                    split_cells(&u.text)
                } else {
                    Vec::new()
                };
                // Only a short line of short cells without digits can be a header line; other
                // lines are not classified cell by cell.
                let short =
                    cells.len() >= 3 && cells.iter().all(|r| r.len() <= 30) && u.text.len() <= 400;
                let classes: Vec<(String, Option<Class>)> = if short && !digits {
                    cells
                        .iter()
                        .map(|r| {
                            let t = &u.text[r.clone()];
                            (t.to_string(), labels::classify_header(t))
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let known = classes.iter().filter(|(_, c)| c.is_some()).count();
                let personal = classes.iter().any(|(_, c)| matches!(c, Some(Class::Name)))
                    && classes.iter().any(|(_, c)| {
                        matches!(
                            c,
                            Some(
                                Class::Id
                                    | Class::Phone
                                    | Class::Card
                                    | Class::Address
                                    | Class::BirthDate
                            )
                        )
                    });
                if cells.len() >= 3 && known >= 2 && personal && short && !digits {
                    header = Some(headers.len());
                    headers.push(classes);
                    misses = 0;
                    steps.push(Step::Unit(None));
                    continue;
                }
                if let Some(hi) = header {
                    let h = &headers[hi];
                    let prose = u.text.contains(['。', '，', '；', '：']);
                    let long_digits = u
                        .text
                        .as_bytes()
                        .windows(6)
                        .any(|w| w.iter().all(u8::is_ascii_digit));
                    if !prose && cells.len() >= 3 && (cells.len() == h.len() || long_digits) {
                        misses = 0;
                        steps.push(Step::Row(hi));
                        continue;
                    }
                    // Wrapped cells give short lines; prose or a run of non-rows ends the table.
                    misses += 1;
                    if prose || misses > 3 {
                        header = None;
                    }
                }
            }
            // A column header that says what the cell holds wins over a neighbour's label, so
            // the neighbour is looked at only without one.
            let header_says = u
                .context
                .column_header
                .as_deref()
                .and_then(labels::classify_header)
                .is_some();
            let mut neighbour = None;
            let cellish = matches!(u.context.kind, UnitKind::TableCell | UnitKind::SheetCell);
            if !header_says && cellish && u.context.label.is_none() && i > 0 {
                let prev = &units[i - 1];
                let t = prev.text.trim().trim_end_matches([':', '：']);
                // The cell itself must not be a header or label (`户主姓名 | 身份证号`).
                // Cheap checks first: the cell's own text is unique and would miss the cache.
                if prev.context.kind == u.context.kind
                    && !t.is_empty()
                    && t.chars().count() <= 10
                    && labels::classify_header(t).is_some()
                    && labels::classify_header(u.text.trim()).is_none()
                {
                    neighbour = Some(t);
                }
            }
            steps.push(Step::Unit(neighbour));
        }
        let detect = |units: &[TextUnit], steps: &[Step<'_>], out: &mut Vec<Finding>| {
            for (u, step) in units.iter().zip(steps) {
                match *step {
                    Step::Unit(neighbour) => out.extend(self.detect_unit(u, neighbour)),
                    Step::Row(h) => {
                        let cands = self.row_candidates(u, &headers[h]);
                        out.extend(self.resolve(u, cands));
                    }
                }
            }
        };
        let mut out = Vec::new();
        if rayon::current_num_threads() <= 1 || units.len() <= DETECT_CHUNK {
            // One thread: no chunks to join.
            detect(units, &steps, &mut out);
        } else {
            let deadline = docsan_core::current_deadline();
            let chunks: Vec<Vec<Finding>> = units
                .par_chunks(DETECT_CHUNK)
                .zip(steps.par_chunks(DETECT_CHUNK))
                .map(|(units, steps)| {
                    let _deadline = docsan_core::deadline_scope(deadline);
                    let mut out = Vec::new();
                    detect(units, steps, &mut out);
                    out
                })
                .collect();
            out.reserve_exact(chunks.iter().map(Vec::len).sum());
            for c in chunks {
                out.extend(c);
            }
        }
        if docsan_core::deadline_passed() {
            return Vec::new();
        }
        self.across_units(units, &mut out);
        split_ids(units, &mut out);
        out
    }
}

/// Adds to `hits` (sorted, disjoint) each word for a person that stands right before a colon
/// and that no label of a name covers already: `经手人：赵建国`, `犯罪嫌疑人：许建国`,
/// `代领人：张让`, `出纳：王芳`, and the verbs a table's footer signs with (`制表：杨晓东`,
/// `审核：赵丽华`). The word is the run of up to six CJK characters before the colon when it
/// heads a column of names ([`labels::classify_header`]), or else its longest end that is a
/// role ([`labels::person_role`]) or such a verb ([`labels::is_sign_verb`]).
fn role_hits(text: &str, hits: &mut Vec<(usize, usize, Class)>) {
    for (colon, _) in text.match_indices(['：', ':']) {
        let mut start = colon;
        let mut n = 0;
        for (i, c) in text[..colon].char_indices().rev() {
            if !is_cjk(c) || n == 6 {
                break;
            }
            start = i;
            n += 1;
        }
        if n < 2 {
            continue;
        }
        // The run, if a header of names (`出纳`, `法人代表`, `财务经手人`), or else the
        // longest end of it that is a role.
        let s = if labels::classify_header(&text[start..colon]) == Some(Class::Name) {
            start
        } else if let Some(s) = text[start..colon]
            .char_indices()
            .map(|(i, _)| start + i)
            .take(n - 1)
            .find(|&s| {
                labels::person_role(&text[s..colon]) || labels::is_sign_verb(&text[s..colon])
            })
        {
            s
        } else {
            continue;
        };
        let k = hits.partition_point(|h| h.0 < colon);
        // Hits inside the role: a verb of its own (`核对` in `核对人`) gives way; a label of a
        // name (`联系人：`) or one running into the role from before is enough.
        let mut first = k;
        while first > 0 && hits[first - 1].1 > s {
            first -= 1;
        }
        if hits[first..k].iter().any(|h| h.0 < s || h.2 == Class::Name) {
            continue;
        }
        hits.splice(first..k, [(s, colon, Class::Name)]);
    }
}

/// A name whose characters are set apart by blanks to line up with longer names (`张 伟`,
/// `王　小 明`): every part one CJK character, two or three of them, reading a name together.
fn spaced_name(t: &str) -> Option<f32> {
    // Any blank: a tab or a line break inside a cell reads as a space does.
    let blank = char::is_whitespace;
    if !t.contains(blank) {
        return None;
    }
    let parts: Vec<&str> = t.split(blank).filter(|p| !p.is_empty()).collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.chars().count() != 1) {
        return None;
    }
    names::whole_cjk_name(&parts.concat())
}

/// How the second pass of `detect_all` reads a unit.
enum Step<'a> {
    /// On its own, with the label of the unit before it when that is one.
    Unit(Option<&'a str>),
    /// As a row of the table whose header line is `headers[i]`.
    Row(usize),
}

/// Units per task of `detect_all`'s parallel pass.
const DETECT_CHUNK: usize = 2048;

/// Maximal runs of ASCII digits in `text`, as byte ranges.
fn digit_runs(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push(s..i);
        } else {
            i += 1;
        }
    }
    out
}

/// A resident ID that a narrow table cell wraps onto a second line: the first digits (a known
/// region code and more) in one unit, the rest at the start of a unit shortly after, reading a
/// valid ID together (region, birth date and check digit). Both halves are findings, so both
/// are masked; either half alone says too little to be found.
/// The ranges findings cover, by unit: one sorted vector for what detection found (a sheet has
/// a finding per personal cell, and a map of vectors cost 40 MB on a 100k-row sheet) and a
/// small map for the few ranges added while joining values across units.
struct Covered {
    base: Vec<(u32, usize, usize)>,
    added: std::collections::HashMap<u32, Vec<Range<usize>>>,
}

impl Covered {
    fn new(findings: &[Finding]) -> Self {
        let mut base: Vec<(u32, usize, usize)> = findings
            .iter()
            .map(|f| (f.unit.0, f.range.start, f.range.end))
            .collect();
        base.sort_unstable();
        Covered {
            base,
            added: std::collections::HashMap::new(),
        }
    }

    /// Whether any covered range of `unit` overlaps `r`.
    fn overlaps(&self, unit: u32, r: &Range<usize>) -> bool {
        let first = self.base.partition_point(|c| c.0 < unit);
        self.base[first..]
            .iter()
            .take_while(|c| c.0 == unit)
            .any(|&(_, a, b)| a < r.end && r.start < b)
            || self
                .added
                .get(&unit)
                .is_some_and(|v| v.iter().any(|x| x.start < r.end && r.start < x.end))
    }

    fn add(&mut self, unit: u32, r: Range<usize>) {
        self.added.entry(unit).or_default().push(r);
    }
}

fn split_ids(units: &[TextUnit], out: &mut Vec<Finding>) {
    const LOOKAHEAD: usize = 6;
    let mut add: Vec<Finding> = Vec::new();
    // The ranges already found, indexed once and only when a join is possible (rare): a
    // document full of split IDs must not scan every finding for each join.
    let mut found: Option<Covered> = None;
    for (i, u) in units.iter().enumerate() {
        let text = u.text.as_str();
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        for head in digit_runs(text) {
            let n = head.len();
            // The line of the cell ends after the digits (`340702197 1527650`, `340702197`):
            // a masked ID (`340702********1234`) keeps its region code but is no head.
            let ends = text[head.end..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace);
            if !(6..=16).contains(&n)
                || !ends
                || !v::region_known(&text[head.start..head.start + 6])
            {
                continue;
            }
            for next in units.iter().skip(i + 1).take(LOOKAHEAD) {
                let t = next.text.as_str();
                let lead = t.len() - t.trim_start().len();
                let digits = t[lead..].bytes().take_while(u8::is_ascii_digit).count();
                if digits == 0 || n + digits < 17 || n + digits > 18 {
                    continue;
                }
                let tail = lead..lead + digits;
                let mut tail_end = tail.end;
                let mut id = format!("{}{}", &text[head.clone()], &t[tail.clone()]);
                if id.len() == 17
                    && let Some(c) = t[tail.end..].chars().next()
                    && matches!(c, 'X' | 'x')
                {
                    id.push('X');
                    tail_end += 1;
                }
                if id.len() != 18 || !v::gb11643(&id.to_ascii_uppercase()) {
                    continue;
                }
                let tail = tail.start..tail_end;
                let found = found.get_or_insert_with(|| Covered::new(out));
                if found.overlaps(u.id.0, &head) || found.overlaps(next.id.0, &tail) {
                    break;
                }
                for (unit, r, value) in [
                    (u.id, head.clone(), &text[head.clone()]),
                    (next.id, tail.clone(), &t[tail.clone()]),
                ] {
                    found.add(unit.0, r.clone());
                    add.push(Finding {
                        unit,
                        range: r,
                        kind: PiiKind::Id18,
                        rule: "id18.split".into(),
                        confidence: 0.9,
                        value: Sensitive::new(value),
                    });
                }
                break;
            }
        }
    }
    out.extend(add);
}

impl Engine {
    /// Findings that need neighbouring lines: an address wrapped onto the next line, and the
    /// name and address cells of a table read one cell per line next to a resident ID.
    fn across_units(&self, units: &[TextUnit], out: &mut Vec<Finding>) {
        let lineish = |u: &TextUnit| is_line(u);
        let mut by_unit = Covered::new(out);
        let mut id_lines: BTreeSet<usize> = BTreeSet::new();
        // Unit ids are dense from 0 by contract; look them up by position, and fall back to a
        // map when a caller's are not.
        let dense = units.iter().enumerate().all(|(i, u)| u.id.0 as usize == i);
        let index: std::collections::BTreeMap<u32, usize> = if dense || out.is_empty() {
            std::collections::BTreeMap::new()
        } else {
            units.iter().enumerate().map(|(i, u)| (u.id.0, i)).collect()
        };
        let position = |id: u32| -> Option<usize> {
            if dense {
                ((id as usize) < units.len()).then_some(id as usize)
            } else {
                index.get(&id).copied()
            }
        };
        let mut wrapped: Vec<usize> = Vec::new();
        for f in out.iter() {
            let Some(i) = position(f.unit.0) else {
                continue;
            };
            let u = &units[i];
            if !lineish(u) {
                continue;
            }
            let tr = text::trimmed_range(&u.text);
            if f.kind == PiiKind::Id18 && f.rule == "id18.checksum" && f.range == tr {
                id_lines.insert(i);
            }
            if f.kind == PiiKind::Address
                && f.range.end == tr.end
                && f.rule.starts_with("address.label")
            {
                wrapped.push(i);
            }
        }
        let free = |by_unit: &Covered, id: u32, r: &Range<usize>| !by_unit.overlaps(id, r);
        let mut add: Vec<(usize, Range<usize>, PiiKind, &'static str, f32)> = Vec::new();
        for i in wrapped {
            let Some(next) = units.get(i + 1) else {
                continue;
            };
            if !lineish(next) {
                continue;
            }
            let t = next.text.as_str();
            let lead = t.len() - t.trim_start().len();
            let end = t[lead..]
                .find(|c: char| {
                    matches!(c, '，' | ',' | '。' | '；' | ';' | '）' | ')' | '、')
                        || c.is_whitespace()
                })
                .map_or(t.len(), |e| lead + e);
            let head = &t[lead..end];
            let n = head.chars().count();
            let last = head.chars().last();
            if (1..=20).contains(&n)
                && head.chars().any(|c| c.is_ascii_digit())
                && head
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || is_cjk(c) || c == '-')
                && last.is_some_and(|c| "号室栋幢组村楼户弄巷".contains(c))
            {
                add.push((i + 1, lead..end, PiiKind::Address, "address.continued", 0.7));
            }
        }
        // A label at the end of a line whose value starts the next line (`家庭住址：` ⏎ `安徽省…`).
        for (i, u) in units.iter().enumerate() {
            let Some(next) = units.get(i + 1) else { break };
            if !lineish(u) || !lineish(next) {
                continue;
            }
            // A line ending a sentence or a number cannot end with a label or a cut address.
            if !u
                .text
                .trim_end()
                .ends_with(|c: char| is_cjk(c) || matches!(c, ':' | '：'))
            {
                continue;
            }
            // Nor can a table's header line (`序号 姓名 … 家庭住址`), repeated at the top of a
            // page: the line after it is a row or the text below the table, not its value.
            if is_header_line(&u.text) {
                continue;
            }
            // Only the end of the line can hold such a label: search its last 240 bytes.
            let mut from = u.text.len().saturating_sub(240);
            while !u.text.is_char_boundary(from) {
                from += 1;
            }
            let Some(&(s, e, class)) = self.label_hits(&u.text[from..]).last() else {
                continue;
            };
            let (s, e) = (s + from, e + from);
            let lead = next.text.len() - next.text.trim_start().len();
            let vpos = text::skip_fillers(&u.text, e, 4);
            let line_end = u.text.trim_end().len();
            // An address cut in the middle by the line end (`…义安区顺` ⏎ `安镇铜都大道170号…室）`):
            // both halves together must look like an address.
            if class == Class::Address && vpos < line_end {
                let tail = &u.text[vpos..line_end];
                let cont_end = next.text[lead..]
                    .find(|c: char| {
                        matches!(c, '，' | ',' | '。' | '；' | ';' | '）' | ')')
                            || c.is_whitespace()
                    })
                    .map_or(next.text.len(), |x| lead + x);
                let head = &next.text[lead..cont_end];
                let joined = format!("{tail}{head}");
                if names::address_at(&u.text, vpos).is_none_or(|r| r.end == line_end)
                    && tail.chars().all(|c| is_cjk(c) || c.is_ascii_digit())
                    && !head.is_empty()
                    && !head.chars().any(is_mask_char)
                    && names::address_like(&joined)
                    && names::has_house_number(&joined)
                {
                    add.push((
                        i,
                        vpos..line_end,
                        PiiKind::Address,
                        "address.label_split",
                        0.8,
                    ));
                    add.push((
                        i + 1,
                        lead..cont_end,
                        PiiKind::Address,
                        "address.continued",
                        0.8,
                    ));
                }
                continue;
            }
            if vpos < line_end {
                continue;
            }
            match class {
                Class::Address => {
                    if let Some(r) = names::address_at(&next.text, lead) {
                        add.push((i + 1, r, PiiKind::Address, "address.label_wrapped", 0.8));
                    }
                }
                // A name goes on a line of the same kind: a label ending a paragraph is not
                // the label of an attribute or a text box read after it (`发件人：` ⏎ a font
                // called `宋体`).
                Class::Name if next.context.kind == u.context.kind => {
                    // After a signing verb (`审核：`) a verdict may stand instead (`通过`).
                    let sign_verb = labels::is_sign_verb(&u.text[s..e]);
                    if let Some((r, _)) = names::name_at(&next.text, lead, false)
                        && (!sign_verb
                            || names::after_sign_verb_ok(&next.text[r.clone()], &next.text[lead..]))
                    {
                        add.push((i + 1, r, PiiKind::Name, "name.label_wrapped", 0.7));
                    }
                }
                _ => {}
            }
        }
        for (i, u) in units.iter().enumerate() {
            if !lineish(u) || id_lines.is_empty() {
                continue;
            }
            let near =
                |d: usize| (i.saturating_sub(d)..=i + d).any(|j| j != i && id_lines.contains(&j));
            let tr = text::trimmed_range(&u.text);
            let t = &u.text[tr.clone()];
            if t.is_empty() || t.chars().any(is_mask_char) {
                continue;
            }
            if t.chars().count() <= 4
                && names::whole_cjk_name(t).is_some_and(|c| c >= 0.9)
                && near(2)
            {
                add.push((i, tr, PiiKind::Name, "name.beside_id", 0.6));
            } else if names::address_like(t) && near(8) {
                add.push((i, tr, PiiKind::Address, "address.beside_id", 0.6));
            }
        }
        for (i, r, kind, rule, conf) in add {
            let u = &units[i];
            if !self.policy.is_enabled(kind)
                || !free(&by_unit, u.id.0, &r)
                || self.allow.contains(&u.text[r.clone()])
            {
                continue;
            }
            by_unit.add(u.id.0, r.clone());
            out.push(Finding {
                unit: u.id,
                value: Sensitive::new(&u.text[r.clone()]),
                range: r,
                kind,
                rule: rule.into(),
                confidence: conf,
            });
        }
    }
}

/// Is the unit a line of running text, read in sequence with its neighbours? Attribute values
/// and other labelled fragments (`rFonts@eastAsia`) are not; unlabelled `Other` units (text of
/// an earlier revision) are.
fn is_line(u: &TextUnit) -> bool {
    matches!(
        u.context.kind,
        UnitKind::Body | UnitKind::HeaderFooter | UnitKind::TextBox | UnitKind::Annotation
    ) || (u.context.kind == UnitKind::Other && u.context.label.is_none())
}

/// Byte ranges of the whitespace-separated cells of a line.
/// A table's header line: three or more short cells without digits, two or more of them
/// column names that say what personal data the column holds.
fn is_header_line(text: &str) -> bool {
    if text.len() > 400 || text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let cells = split_cells(text);
    cells.len() >= 3
        && cells.iter().all(|r| r.len() <= 30)
        && cells
            .iter()
            .filter(|r| labels::classify_header(&text[(*r).clone()]).is_some())
            .count()
            >= 2
}

fn split_cells(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(s..i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// E-mail addresses around each `@`.
fn emails(text: &str, out: &mut Vec<Cand>) {
    let b = text.as_bytes();
    let local_ok =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let dom_ok = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
    for (at, _) in text.match_indices('@') {
        let mut s = at;
        while s > 0 && local_ok(b[s - 1]) && at - s < 64 {
            s -= 1;
        }
        while s < at && b[s] == b'.' {
            s += 1;
        }
        let mut e = at + 1;
        while e < b.len() && dom_ok(b[e]) && e - at < 255 {
            e += 1;
        }
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if s == at || e <= at + 1 {
            continue;
        }
        let domain = &text[at + 1..e];
        let Some(dot) = domain.rfind('.') else {
            continue;
        };
        let tld = &domain[dot + 1..];
        if tld.len() < 2 || !tld.bytes().all(|c| c.is_ascii_alphabetic()) || domain.starts_with('.')
        {
            continue;
        }
        if s > 0 && is_mask_char(char_before(text, s).unwrap_or(' ')) {
            continue;
        }
        // A local part masked with `x` where no `*` glyph was available (`zxxxxxxx@qq.com`).
        let local = &text[s..at];
        if local.len() >= 3 && local[1..].bytes().all(|c| c == b'x' || c == b'X') {
            continue;
        }
        out.push(Cand::new(s..e, PiiKind::Email, "email.shape", 0.95));
    }
}

/// Classifies a number token: the whole run first, then contiguous sub-runs split at
/// separators, from longest to shortest.
fn classify_token(
    text: &str,
    tok: &NumToken,
    ctx: Option<Class>,
    money: bool,
    out: &mut Vec<Cand>,
) {
    let n = tok.groups.len();
    if n == 0 {
        return;
    }
    let mut used = vec![false; n];
    for len in (1..=n).rev() {
        for i in 0..=(n - len) {
            let j = i + len;
            if used[i..j].iter().any(|u| *u) {
                continue;
            }
            // Groups that belong to an amount (`70.23 138…`) are not part of a value.
            if money && ((i == 0 && tok.amount_left) || (j == n && tok.amount_right)) {
                continue;
            }
            let total: usize = tok.groups[i..j].iter().map(|g| g.digits.len()).sum();
            // Nothing shorter than a 7-digit local number, nothing longer than 22 digits.
            if !(6..=22).contains(&total) {
                continue;
            }
            let mut d = String::with_capacity(total + 1);
            for g in &tok.groups[i..j] {
                d.push_str(&g.digits);
            }
            let at_end = j == n;
            // An `X` after the digits is a check character only after seventeen of them;
            // after any other count it is a letter glued on (`x15011112222x`).
            let x_letter = at_end && tok.check_x.is_some() && total != 17;
            let has_x = at_end && tok.check_x.is_some() && total == 17;
            if has_x {
                d.push('X');
            }
            // Letters glued on count against a value unless they read as a word (`Tel`,
            // `No`, `x`): hexadecimal strings and codes stay glued.
            let glued_left = i == 0 && tok.letter_before.is_some() && !tok.word_before;
            // (Such an `X` stands alone: the scanner takes none glued to a letter or digit.)
            let glued_right = !x_letter && at_end && tok.letter_after && !tok.word_after;
            let plus = i == 0 && tok.plus;
            let group_digits: Vec<&str> =
                tok.groups[i..j].iter().map(|g| g.digits.as_str()).collect();
            // Whether the groups are parted alike (`510 107 1999 1231 8427`), not by
            // different separators as different values in a row are.
            let sep = |k: usize| &text[tok.groups[k].end..tok.groups[k + 1].start];
            let uniform = (i + 1..j.saturating_sub(1)).all(|k| sep(k) == sep(i));
            if let Some((kind, rule, conf)) = classify_digits(
                &d,
                &group_digits,
                ctx,
                glued_left,
                glued_right,
                plus,
                uniform,
            ) {
                // An opening bracket or `+` before the first digit belongs to a landline
                // `(0562)…` (not to a number in brackets, `（0562-4893824）`) or an
                // international number; other kinds start at their digits.
                let bracketed_area = matches!(char_at(text, tok.groups[0].end), Some(')' | '）'));
                let start = if i != 0 {
                    tok.groups[i].start
                } else if (kind == PiiKind::Landline && bracketed_area) || plus {
                    tok.start
                } else {
                    tok.groups[0].start
                };
                let mut end = if x_letter {
                    tok.groups[j - 1].end
                } else if at_end {
                    tok.end
                } else {
                    tok.groups[j - 1].end
                };
                if kind == PiiKind::Landline {
                    end = landline_extension(text, end);
                }
                for u in &mut used[i..j] {
                    *u = true;
                }
                out.push(Cand::new(start..end, kind, rule, conf));
            }
        }
    }
}

/// The byte length of two identical blanks at `at` (`6225  8836`), if they stand there.
fn wide_gap_at(text: &str, at: usize) -> Option<usize> {
    let mut gap = text.get(at..)?.chars();
    match (gap.next(), gap.next()) {
        (Some(x), Some(y)) if x == y && matches!(x, ' ' | '\u{3000}' | '\t') => {
            Some(2 * x.len_utf8())
        }
        _ => None,
    }
}

/// The token `first` and those that follow it across two blanks each, read as one: what is
/// found there that crosses the blanks is added to `out`, its range to `joined`.
fn joined_across_blanks(
    text: &str,
    first: &NumToken,
    ctx: Option<Class>,
    out: &mut Vec<Cand>,
    joined: &mut Vec<Range<usize>>,
) {
    let mut merged = first.clone();
    let mut gaps: Vec<Range<usize>> = Vec::new();
    while gaps.len() < 8 && merged.check_x.is_none() {
        let Some(n) = wide_gap_at(text, merged.end) else {
            break;
        };
        let at = merged.end + n;
        if char_at(text, at).and_then(scan::digit_value).is_none() {
            break;
        }
        let next = scan::token_at(text, at);
        gaps.push(merged.end..at);
        merged.end = next.end;
        merged.groups.extend(next.groups);
        merged.check_x = next.check_x;
        merged.letter_after = next.letter_after;
        merged.word_after = next.word_after;
        merged.amount_right = next.amount_right;
    }
    if gaps.is_empty() {
        return;
    }
    let mut found = Vec::new();
    let money = !matches!(ctx, Some(Class::Card) | Some(Class::Id));
    classify_token(text, &merged, ctx, money, &mut found);
    for c in found {
        if gaps
            .iter()
            .any(|g| c.range.start < g.start && g.end < c.range.end)
        {
            joined.push(c.range.clone());
            out.push(c);
        }
    }
}

/// Extends a landline over an extension written `转123`, `ext 123`, `分机123`.
fn landline_extension(text: &str, end: usize) -> usize {
    let rest = text.get(end..).unwrap_or("");
    for p in ["转", "分机", "ext.", "ext", "EXT", "Ext", "x"] {
        if let Some(r) = rest.strip_prefix(p) {
            let r2 = r.trim_start_matches(' ');
            let digits = r2.bytes().take_while(u8::is_ascii_digit).count();
            if (1..=5).contains(&digits)
                && !r2
                    .as_bytes()
                    .get(digits)
                    .is_some_and(u8::is_ascii_alphanumeric)
            {
                return end + (rest.len() - r2.len()) + digits;
            }
        }
    }
    end
}

/// Is this a grouping people write: an ID `6-8-4` or `6-4-4-4`, a mobile `3-4-4` or `3-8`
/// (after an optional country code), a card in fours, a landline's area code and number with an
/// optional extension, or a country code before an 11-digit number?
fn grouping_ok(groups: &[&str], plus: bool) -> bool {
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let national = match lens.as_slice() {
        [2 | 4, rest @ ..]
            if (groups[0] == "86" || groups[0] == "0086" || plus) && !rest.is_empty() =>
        {
            rest
        }
        _ => lens.as_slice(),
    };
    let fours = lens.len() >= 3
        && lens[..lens.len() - 1].iter().all(|l| *l == 4)
        && (1..=4).contains(&lens[lens.len() - 1]);
    let area = groups[0].starts_with('0') && (3..=4).contains(&lens[0]);
    matches!(national, [3, 4, 4] | [3, 8] | [11])
        || matches!(
            lens.as_slice(),
            [6, 8, 4] | [6, 8, 3] | [6, 4, 4, 4] | [6, 12] | [6, 11] | [6, 9] | [6, 6]
        )
        || fours
        || matches!(lens.as_slice(), [4, 4, 4, 4, ..])
        || (area && lens.len() <= 3)
}

/// A resident ID grouped in a way of its own (`510 107 1999 1231 8427`, `5101 0719 9912 3184
/// 27`): taken only when it validates in full (a known region, a real birth date, the check
/// digit). Under an ID label or header any grouping of up to six groups of two digits or more
/// will do; without one, up to five groups of three digits or more, parted alike (a row of
/// numbers is parted by what stands between its cells).
fn id_grouping_ok(d: &str, groups: &[&str], id_ctx: bool, uniform: bool) -> bool {
    let shape_ok = if id_ctx {
        groups.len() <= 6 && groups.iter().all(|g| g.len() >= 2)
    } else {
        uniform && groups.len() <= 5 && groups.iter().all(|g| g.len() >= 3)
    };
    shape_ok && d.len() == 18 && v::gb11643(d) && v::region_known(&d[..6])
}

/// The kind, rule and confidence of a digit string (ASCII digits, maybe ending in `X`).
/// `uniform`: its groups are parted by the same separator.
fn classify_digits(
    d: &str,
    groups: &[&str],
    ctx: Option<Class>,
    glued_left: bool,
    glued_right: bool,
    plus: bool,
    uniform: bool,
) -> Option<(PiiKind, &'static str, f32)> {
    let len = d.len();
    let has_x = d.ends_with('X');
    let glued = glued_left || glued_right;
    let card_ctx = ctx == Some(Class::Card);
    let id_ctx = matches!(ctx, Some(Class::Id) | Some(Class::IdEmbedded));
    // Digits split into groups must be grouped the way people write that kind of number;
    // otherwise the groups are pieces of different values (`1931 131 8355` is what is left of
    // a masked card and a masked mobile once the masks are gone), unless they are a whole
    // valid ID.
    if groups.len() > 1 && !grouping_ok(groups, plus) {
        if !glued && ctx != Some(Class::OrgCode) && id_grouping_ok(d, groups, id_ctx, uniform) {
            return Some((PiiKind::Id18, "id18.grouped", 0.9));
        }
        return None;
    }
    let phone_ctx = ctx == Some(Class::Phone);
    if ctx == Some(Class::OrgCode) {
        return None;
    }
    if len == 18 {
        if v::gb11643(d) {
            if card_ctx && !has_x && v::card_prefix(d) && v::luhn(d) {
                return Some((PiiKind::Card, "card.context", 0.85));
            }
            if glued_right {
                return None;
            }
            return Some(if glued_left {
                (PiiKind::Id18, "id18.prefixed", 0.8)
            } else {
                (PiiKind::Id18, "id18.checksum", 0.99)
            });
        }
        if has_x {
            return (id_ctx && v::id18_shape(d)).then_some((PiiKind::Id18, "id18.context", 0.6));
        }
        if card_ctx && !glued {
            return Some((PiiKind::Card, "card.context", 0.8));
        }
        if id_ctx && v::id18_shape(d) && !glued {
            return Some((PiiKind::Id18, "id18.context", 0.6));
        }
        if v::uscc(d) {
            return None;
        }
        // Without context an 18-digit card must be UnionPay and must not look like an ID with
        // a typo (a wrong check digit must not turn an ID-shaped number into a card).
        if !glued && d.starts_with("62") && v::luhn(d) && !v::id18_shape(d) {
            return Some((PiiKind::Card, "card.luhn", 0.85));
        }
        return None;
    }
    if has_x {
        return None;
    }
    if ctx == Some(Class::SocialSecurity) && (6..=20).contains(&len) && !glued {
        return Some((PiiKind::SocialSecurity, "social_security.context", 0.7));
    }
    if ctx == Some(Class::IdEmbedded) && len == 20 && v::gb11643(&d[..18]) {
        return Some((PiiKind::Id18, "id18.embedded", 0.9));
    }
    if len == 15 {
        if card_ctx && !glued {
            return Some((PiiKind::Card, "card.context", 0.75));
        }
        if v::id15(d) && (!glued || id_ctx) {
            return Some((PiiKind::Id15, "id15.date", 0.8));
        }
        if d.starts_with("0086") && v::mobile(&d[4..]) && !glued {
            return Some((PiiKind::Mobile, "mobile.intl", 0.9));
        }
    }
    // Two numbers written together, as a tracked deletion next to its insertion reads
    // (`1536013951813943517537`): every 11-digit chunk must be a mobile number.
    if len == 22 && groups.len() == 1 && !glued && v::mobile(&d[..11]) && v::mobile(&d[11..]) {
        return Some((PiiKind::Mobile, "mobile.concatenated", 0.7));
    }
    if len == 11 && !glued {
        if v::mobile(d) {
            return Some((PiiKind::Mobile, "mobile.range", 0.95));
        }
    } else if len == 11 && phone_ctx && v::mobile(d) {
        return Some((PiiKind::Mobile, "mobile.range", 0.8));
    }
    if len == 13
        && d.starts_with("86")
        && v::mobile(&d[2..])
        && !glued
        && (plus || groups.len() > 1 || phone_ctx)
    {
        return Some((PiiKind::Mobile, "mobile.intl", 0.9));
    }
    if d.starts_with('0') && !glued && ctx != Some(Class::PublicPhone) {
        // Area code and number as separate groups, with an optional extension group.
        if groups.len() >= 2 {
            let two: String = groups[..2].concat();
            if v::area_code(groups[0]) && v::landline(&two) {
                if groups.len() == 2 {
                    return Some((PiiKind::Landline, "landline.area_code", 0.9));
                }
                if groups.len() == 3 && (1..=5).contains(&groups[2].len()) {
                    return Some((PiiKind::Landline, "landline.extension", 0.85));
                }
            }
        }
        // The number itself in two groups (`010-6345 6789`, `0571 876 5432`).
        if groups.len() == 3
            && v::area_code(groups[0])
            && groups[1..].iter().all(|g| (3..=4).contains(&g.len()))
            && v::landline(d)
        {
            return Some((PiiKind::Landline, "landline.grouped", 0.85));
        }
        if groups.len() == 1 && (10..=12).contains(&len) && v::landline(d) {
            return Some((
                PiiKind::Landline,
                "landline.area_code",
                if phone_ctx { 0.85 } else { 0.7 },
            ));
        }
    }
    if phone_ctx && groups.len() == 1 && v::landline_local(d) && !glued {
        return Some((PiiKind::Landline, "landline.context", 0.6));
    }
    // Without context, only UnionPay and the domestic BINs take 16 to 19 digits; Visa and
    // Mastercard numbers have 16.
    let scheme_ok = d.starts_with("62") || d.starts_with("60") || d.starts_with('9') || len == 16;
    if (16..=19).contains(&len) && v::card_prefix(d) && !glued && (scheme_ok || card_ctx) {
        if v::luhn(d) {
            return Some((PiiKind::Card, "card.luhn", 0.9));
        }
        if card_ctx {
            return Some((PiiKind::Card, "card.context", 0.8));
        }
    }
    if card_ctx && (12..=21).contains(&len) && !glued {
        return Some((PiiKind::Card, "card.context", 0.75));
    }
    if id_ctx && len == 20 && v::gb11643(&d[..18]) {
        return Some((PiiKind::Id18, "id18.embedded", 0.85));
    }
    None
}

/// A spreadsheet number in scientific notation that stood for an ID or a card and lost its
/// last digits (`1.10101199003071E+17`): the whole unit is reported.
fn numeric_truncated(text: &str, class: Option<Class>, out: &mut Vec<Cand>) {
    let tr = text::trimmed_range(text);
    let t = &text[tr.clone()];
    let Some((mant, exp)) = t.split_once(['E', 'e']) else {
        return;
    };
    let exp = exp.trim_start_matches('+');
    let Ok(exp) = exp.parse::<u32>() else { return };
    let Some((int, frac)) = mant.split_once('.').or(Some((mant, ""))) else {
        return;
    };
    if int.len() != 1
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return;
    }
    let digits = format!("{int}{frac}");
    let total = exp as usize + 1;
    let id_ctx = matches!(class, Some(Class::Id) | Some(Class::IdEmbedded));
    let card_ctx = class == Some(Class::Card);
    // A mobile number a spreadsheet or a CSV export wrote in scientific notation, whole
    // (`1.3812345678E10`): its digits, with the zeros the notation dropped, are the number.
    // Under a phone header any such number counts; elsewhere at most one dropped zero (an
    // amount like `1.5E10` is not a phone number).
    if total == 11
        && digits.len() <= total
        && (class == Some(Class::Phone) || digits.len() + 1 >= total)
        && v::mobile(&format!("{digits:0<11}"))
    {
        let conf = if class == Some(Class::Phone) {
            0.9
        } else {
            0.8
        };
        out.push(Cand::new(tr, PiiKind::Mobile, "mobile.enotation", conf));
        return;
    }
    if total == 18 && digits.len() >= 14 {
        let shape = v::region_known(&digits[..6]) && v::birth_date_ok(&digits[6..14], true);
        if id_ctx || (shape && !card_ctx) {
            out.push(Cand::new(
                tr,
                PiiKind::Id18,
                "id18.numeric_truncated",
                if shape { 0.9 } else { 0.7 },
            ));
            return;
        }
    }
    if (card_ctx && (12..=21).contains(&total))
        || ((16..=19).contains(&total) && digits.starts_with("62") && card_ctx)
    {
        out.push(Cand::new(tr, PiiKind::Card, "card.numeric_truncated", 0.8));
    }
}

/// The digits of a whole number written in scientific notation (`1.3812345678E10` ->
/// `13812345678`), or `None` when the text is not one (a fraction, no exponent, a sign).
pub(crate) fn enotation_digits(text: &str) -> Option<String> {
    let (mant, exp) = text.trim().split_once(['E', 'e'])?;
    let exp: usize = exp.strip_prefix('+').unwrap_or(exp).parse().ok()?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > exp
        || exp > 40
    {
        return None;
    }
    let mut d = format!("{int}{frac}");
    d.extend(std::iter::repeat_n('0', exp - frac.len()));
    let d = d.trim_start_matches('0');
    (!d.is_empty()).then(|| d.to_string())
}
