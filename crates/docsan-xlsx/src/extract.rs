//! Extraction: every part of the package becomes text units bound to byte ranges.
//!
//! The workbook, its relationships and the shared string table are read first, so that each
//! sheet can be streamed once with its cells' texts resolved and its header row known (found by
//! a short first look at the sheet's first rows and its merged cells). Every other XML part
//! (comments, threaded comments, persons, drawings, VML, charts, pivot caches, external links,
//! tables, connections, document properties, relationships) goes through one generic walker
//! that turns text nodes and personal-prone attributes into units, with a kind and label chosen
//! by the part's role. Parts that cannot be read as text become diagnostics.

use crate::xml::{
    Ev, Walker, blank, decode_utf16, each_attr, local, prefix, scan_attrs, tag_name, unescape,
};
use crate::{Binding, NumberCell, Pos, SiInfo, SlimUnit, Slot, SstInfo, TextBinding, XlsxDocument};
use docsan_core::{
    CompactString, Diagnostic, EmbeddedId, Error, Limits, Location, Result, TextUnit, UnitContext,
    UnitId, UnitKind, UnitSink,
};
use docsan_opc::{Package, parse_rels, rels_path_for, resolve_target};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// What a part is, which decides the kinds and labels of its units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Workbook,
    Sheet,
    Comments,
    ThreadedComments,
    Persons,
    Drawing,
    Vml,
    Chart,
    PivotCache,
    PivotRecords,
    PivotTable,
    ExternalLink,
    Table,
    Connections,
    DocProps,
    ThemeStyles,
    Rels,
    Other,
}

/// Units, bindings and diagnostics as they are collected, or units handed over one at a time
/// (see [`UnitSink`]).
struct Ex<'l> {
    limits: &'l Limits,
    units: Vec<TextUnit>,
    /// Texts and kinds of the units handed over in [`UnitSink::Stream`].
    slim: Vec<SlimUnit>,
    bindings: Vec<Binding>,
    diags: Vec<Diagnostic>,
    mode: UnitSink<'l>,
    /// Units extracted so far (kept or handed over).
    count: u32,
    /// Whether a unit of formula pieces was made.
    formula_pieces: bool,
    /// The attributes of each pivot cache field's `sharedItems` tag, by (definition part,
    /// field index): rewritten when an item of the field becomes text.
    shared_items: BTreeMap<crate::PivotField, std::ops::Range<Pos>>,
    /// Only the texts are wanted (see [`docsan_core::Backend::for_each_text`]): sheets are
    /// walked without their header pass.
    texts_only: bool,
}

impl Ex<'_> {
    /// After a formula's own unit `fuid`: the unit of its literals joined (a value spelt in
    /// pieces), `ranges` as [`literal_ranges`] gave them.
    fn push_pieces(
        &mut self,
        formula: &str,
        fuid: u32,
        ranges: Vec<(u32, u32)>,
        ctx: UnitContext,
    ) -> Result<u32> {
        let joined: String = ranges
            .iter()
            .map(|&(a, b)| &formula[a as usize..b as usize])
            .collect();
        self.formula_pieces = true;
        self.push(
            joined,
            ctx,
            Binding::FormulaPieces(Box::new((fuid, ranges))),
        )
    }

    fn push(
        &mut self,
        text: impl Into<CompactString>,
        ctx: UnitContext,
        binding: Binding,
    ) -> Result<u32> {
        if self.count as u64 >= self.limits.max_units as u64 {
            return Err(Error::limit(
                "workbook holds more text units than the unit limit",
            ));
        }
        let id = self.count;
        self.count += 1;
        let unit = TextUnit::new(UnitId(id), text, ctx);
        match &mut self.mode {
            UnitSink::Check(sink) => sink(&unit),
            UnitSink::Stream(sink) => {
                self.slim.push(SlimUnit {
                    text: unit.text.clone(),
                    kind: unit.context.kind,
                });
                self.bindings.push(binding);
                sink(unit);
            }
            UnitSink::Keep => {
                self.units.push(unit);
                self.bindings.push(binding);
            }
        }
        Ok(id)
    }
}

/// A `<sheet>` of the workbook.
#[derive(Clone, Debug)]
struct SheetDecl {
    name: String,
    state: String,
    rid: String,
}

/// Normalizes a zip entry name to a part name: forward slashes, no leading slash.
fn norm(name: &str) -> String {
    name.replace('\\', "/").trim_start_matches('/').to_string()
}

fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.is_char_boundary(s.len() - suffix.len())
        && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Classifies a part by its normalized name.
fn role_for(n: &str) -> Role {
    let l = n.to_ascii_lowercase();
    if l.ends_with(".rels") {
        Role::Rels
    } else if l.starts_with("docprops/") || l.starts_with("customxml/") {
        // (Custom XML items hold document metadata too: a SharePoint library's columns,
        // `<DisplayName>` of the people they name.)
        Role::DocProps
    } else if l.ends_with(".vml") {
        Role::Vml
    } else if l.contains("threadedcomment") {
        Role::ThreadedComments
    } else if l.contains("/persons/") || l.ends_with("person.xml") {
        Role::Persons
    } else if l.contains("comments") {
        Role::Comments
    } else if l.contains("/drawings/") {
        Role::Drawing
    } else if l.contains("/charts/") {
        Role::Chart
    } else if l.contains("pivotcacherecords") {
        Role::PivotRecords
    } else if l.contains("/pivotcache/") {
        Role::PivotCache
    } else if l.contains("/pivottables/") {
        Role::PivotTable
    } else if l.contains("/externallinks/") {
        Role::ExternalLink
    } else if l.contains("/tables/") {
        Role::Table
    } else if l.contains("connections") || l.contains("/querytables/") {
        Role::Connections
    } else if l.contains("/theme/") || l.ends_with("styles.xml") {
        Role::ThemeStyles
    } else if l.contains("/worksheets/")
        || l.contains("/chartsheets/")
        || l.contains("/dialogsheets/")
        || l.contains("/macrosheets/")
    {
        Role::Sheet
    } else {
        Role::Other
    }
}

/// Attributes that may hold personal text wherever they appear.
const PERSONAL_ATTRS: &[&[u8]] = &[
    b"name",
    b"v",
    b"displayName",
    b"userName",
    b"userId",
    b"url",
    b"descr",
    b"title",
    b"display",
    b"tooltip",
    b"location",
    b"connection",
    b"command",
    b"author",
    b"caption",
    b"description",
    b"comment",
    b"customMenu",
    b"help",
    b"statusBar",
    b"prompt",
    b"promptTitle",
    b"error",
    b"errorTitle",
    b"uniqueName",
    b"sourceFile",
    b"odcFile",
    b"alt",
    b"label",
    b"totalsRowLabel",
    b"sheet",
    b"n",
    b"text",
    b"initials",
    b"creator",
    b"user",
    b"destinationFile",
    b"path",
    b"fileName",
    b"dataSourceName",
    b"sourceName",
    // Who refreshed a pivot cache or last changed a part.
    b"refreshedBy",
    b"modifiedBy",
    b"createdBy",
];

/// Attributes whose value is a person (read as an author wherever they appear).
const PERSON_ATTRS: &[&[u8]] = &[
    b"author",
    b"initials",
    b"creator",
    b"user",
    b"userName",
    b"refreshedBy",
    b"modifiedBy",
    b"createdBy",
];

/// Elements whose text nodes form one logical string (runs of one string or paragraph).
const GROUPS: &[&[u8]] = &[b"si", b"is", b"text", b"p", b"textbox", b"rich"];

/// The elements of a sheet's `headerFooter`.
const HEADER_FOOTER: &[&[u8]] = &[
    b"oddHeader",
    b"oddFooter",
    b"evenHeader",
    b"evenFooter",
    b"firstHeader",
    b"firstFooter",
];

/// Elements whose text is formula syntax.
const FORMULA_ELEMS: &[&[u8]] = &[b"formula", b"formula1", b"formula2", b"definedName"];

fn text_kind(role: Role, stack: &NameStack) -> UnitKind {
    let has = |n: &[u8]| stack.contains(n);
    match role {
        Role::Comments => {
            if has(b"authors") {
                UnitKind::Author
            } else {
                UnitKind::Comment
            }
        }
        Role::ThreadedComments => UnitKind::Comment,
        Role::Persons => UnitKind::Author,
        Role::Drawing | Role::Vml => UnitKind::TextBox,
        Role::Chart
        | Role::PivotCache
        | Role::PivotRecords
        | Role::PivotTable
        | Role::ExternalLink => UnitKind::Cache,
        Role::Table => UnitKind::Name,
        // A SharePoint user's display name (custom XML `UserInfo`) is a person.
        Role::DocProps if has(b"UserInfo") => UnitKind::Author,
        Role::DocProps => UnitKind::Metadata,
        Role::Rels => UnitKind::Hyperlink,
        Role::Workbook => {
            if has(b"definedName") {
                UnitKind::Name
            } else {
                UnitKind::Metadata
            }
        }
        Role::Sheet => {
            if has(b"headerFooter") {
                UnitKind::HeaderFooter
            } else if has(b"dataValidation") || has(b"conditionalFormatting") {
                UnitKind::Field
            } else {
                UnitKind::Other
            }
        }
        Role::Connections | Role::ThemeStyles | Role::Other => UnitKind::Other,
    }
}

fn attr_kind(role: Role, elem: &[u8], attr: &[u8]) -> UnitKind {
    if matches!(role, Role::Drawing | Role::Vml) && matches!(attr, b"descr" | b"title" | b"alt") {
        return UnitKind::AltText;
    }
    // Attributes that name a person wherever they are: who refreshed a pivot cache, a shared
    // workbook's user (`fileSharing`, revision headers, `userInfo`), a scenario's author.
    if PERSON_ATTRS.contains(&attr) || (elem == b"userInfo" && attr == b"name") {
        return UnitKind::Author;
    }
    // A defined name's comment is free text (`杨晓东 199…`) about what the name holds, read
    // as metadata labelled by the name (below).
    if attr == b"comment" && elem == b"definedName" {
        return UnitKind::Metadata;
    }
    match role {
        Role::Persons => UnitKind::Author,
        // Authors and initials were answered above, as in any part.
        Role::Comments | Role::ThreadedComments => UnitKind::Comment,
        Role::Workbook => {
            if matches!(elem, b"sheet" | b"definedName") {
                UnitKind::Name
            } else {
                UnitKind::Metadata
            }
        }
        Role::Sheet => {
            if elem == b"hyperlink" {
                UnitKind::Hyperlink
            } else if elem == b"dataValidation" {
                UnitKind::Field
            } else {
                UnitKind::Other
            }
        }
        Role::Rels => UnitKind::Hyperlink,
        Role::Table => UnitKind::Name,
        Role::Chart
        | Role::PivotCache
        | Role::PivotRecords
        | Role::PivotTable
        | Role::ExternalLink => UnitKind::Cache,
        Role::DocProps => UnitKind::Metadata,
        Role::Drawing | Role::Vml => UnitKind::TextBox,
        Role::Connections | Role::ThemeStyles | Role::Other => UnitKind::Other,
    }
}

/// The label of an attribute or element unit. Detection reads labels as hints of what a value
/// is, and a label containing "name" says "a person's name"; markup names such as a sheet's
/// `name`, `definedName` or `uniqueName` are not, so they give no label (the location still
/// says where the unit is). Person attributes (`userName`, persons' `displayName`) and custom
/// property names keep theirs.
fn safe_label(role: Role, label: String) -> Option<String> {
    let l = label.to_ascii_lowercase();
    if l.contains("name") && !(role == Role::Persons || role == Role::DocProps || l == "username") {
        return None;
    }
    Some(label)
}

/// Common Chinese surnames (single and compound), enough to tell a sheet named `张伟` from
/// one named `明细`. Surnames that begin common sheet titles (`成绩`, `项目`, `单位`, `金额` is
/// kept) are left out on purpose.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔向汤常温康施牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹欧耿兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁蒲房滕屈饶牟艾尤阳穆农司卓古吉缪芦麦褚娄窦戚岑景宫卜冷晏席米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝";
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "皇甫", "慕容", "夏侯", "端木", "公孙", "令狐", "东方", "尉迟",
    "长孙", "宇文", "司徒", "独孤", "南宫", "轩辕",
];

/// A form's label for a person's name (`姓名`, `姓  名`, `户主姓名`, `申请人`, `联系人：`).
fn name_label(t: &str) -> bool {
    let t: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ':' | '：'))
        .collect();
    t.chars().count() <= 6
        && (t.contains("姓名")
            || (t.ends_with('人') && t.chars().count() >= 3)
            || matches!(t.as_str(), "户主" | "户名" | "患者" | "学生"))
}

/// Header words that begin with a surname character (`金额`, `单位`): not names in a form row.
const SURNAME_HEADERS: &[&str] = &[
    "金额", "单位", "项目", "关系", "任职", "安置", "方式", "常住", "文化", "时间", "程度", "籍贯",
    "金融", "高度", "温度", "向导", "年龄", "邮编", "钱款", "包装", "宁波", "江苏",
];

/// Does this text have the shape of a Chinese personal name: two or three Han characters
/// starting with a common surname, or a compound surname and one or two more?
fn person_shaped(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    if !s.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return false;
    }
    if COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c)) {
        return (3..=4).contains(&n);
    }
    (2..=3).contains(&n) && s.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// An element whose number value, masked, is no number: how it changes.
#[derive(Debug)]
enum NumberHolder {
    /// A chart's number cache point starting at this position: it is left out.
    ChartPoint(usize),
    /// An external link's number cell: it becomes a text cell.
    ExternalCell(crate::CellType),
    /// A custom property's number value (`vt:r8`, its local name): the start tag's name, and
    /// its prefix; the element becomes a string (`vt:lpwstr`).
    Property(&'static [u8], std::ops::Range<Pos>, CompactString),
}

impl NumberHolder {
    /// The local name of the element.
    fn end_tag(&self) -> &'static [u8] {
        match self {
            NumberHolder::ChartPoint(_) => b"pt",
            NumberHolder::ExternalCell(_) => b"cell",
            NumberHolder::Property(l, ..) => l,
        }
    }
}

/// The number types of a document property's value (`vt:i4`, `vt:r8`, …).
const NUMBER_VTS: &[&[u8]] = &[
    b"i1", b"i2", b"i4", b"i8", b"int", b"ui1", b"ui2", b"ui4", b"ui8", b"uint", b"r4", b"r8",
    b"decimal",
];

/// A group of text nodes being collected into one unit.
#[derive(Debug)]
struct Group {
    depth: usize,
    tb: TextBinding,
    text: String,
    kind: UnitKind,
    label: String,
    cell: Option<String>,
}

/// The local names of the open elements, owned: the walker's tag bytes last one event.
#[derive(Debug, Default)]
struct NameStack {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl NameStack {
    fn push(&mut self, name: &[u8]) {
        self.bytes.extend_from_slice(name);
        self.ends.push(self.bytes.len());
    }

    fn pop(&mut self) {
        self.ends.pop();
        self.bytes.truncate(self.ends.last().copied().unwrap_or(0));
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    fn last(&self) -> Option<&[u8]> {
        self.len().checked_sub(1).map(|i| self.get(i))
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + ExactSizeIterator {
        (0..self.len()).map(|i| self.get(i))
    }

    fn contains(&self, name: &[u8]) -> bool {
        self.iter().any(|n| n == name)
    }
}

/// The generic walker's state for one part.
struct Gen {
    part: u32,
    part_name: String,
    role: Role,
    sheet: Option<String>,
    detail: Option<String>,
    stack: NameStack,
    groups: Vec<Group>,
    cur_ref: Option<String>,
    prop_name: Option<String>,
    sheets: Vec<SheetDecl>,
    /// Pivot cache field names (definition) and the current field / record column.
    fields: Vec<String>,
    cur_field: Option<String>,
    rec_col: usize,
    /// For a records part, its definition part (whose fields the records' columns are).
    def_part: Option<u32>,
    /// The pivot cache field of the number item being read.
    item_field: Option<crate::PivotField>,
    /// A number element being read whose masked value cannot stay a number (a chart's number
    /// cache point, an external link's number cell), and the unit of its value once read.
    number: Option<(NumberHolder, Option<u32>)>,
    /// An external link's cached sheet: the current row and the first row of the sheet,
    /// whose values name the columns below (`姓名`), by column letters.
    ext_row: Option<u32>,
    ext_first_row: Option<u32>,
    ext_headers: BTreeMap<String, String>,
    /// The column names an `autoFilter`'s columns are counted in: a table's (by `colId`) or
    /// a sheet's header (by column), the first column of the filter's range, and the name of
    /// the column whose filter values are being read.
    filter_names: Vec<String>,
    sheet_cols: BTreeMap<u32, String>,
    filter_first_col: u32,
    cur_filter: Option<String>,
}

impl Gen {
    fn new(part: u32, part_name: &str, role: Role) -> Self {
        Gen {
            part,
            part_name: part_name.to_string(),
            role,
            sheet: None,
            detail: None,
            stack: NameStack::default(),
            groups: Vec::new(),
            cur_ref: None,
            prop_name: None,
            sheets: Vec::new(),
            fields: Vec::new(),
            cur_field: None,
            rec_col: 0,
            def_part: None,
            item_field: None,
            number: None,
            ext_row: None,
            ext_first_row: None,
            ext_headers: BTreeMap::new(),
            filter_names: Vec::new(),
            sheet_cols: BTreeMap::new(),
            filter_first_col: 0,
            cur_filter: None,
        }
    }

    fn location(&self, cell: Option<String>, detail: String) -> Location {
        Location {
            part: Some(self.part_name.clone().into()),
            sheet: self.sheet.clone().map(Into::into),
            cell: cell.map(Into::into),
            detail: Some(match &self.detail {
                Some(d) => docsan_core::format_compact!("{d}, {detail}"),
                None => detail.into(),
            }),
            ..Location::default()
        }
    }

    fn on_start(&mut self, ex: &mut Ex<'_>, raw: &[u8], pos: usize, empty: bool) -> Result<()> {
        let qname = tag_name(raw);
        let l = local(qname);
        let attrs = match scan_attrs(raw) {
            Ok(a) => a,
            // Legacy VML may have HTML-style attributes: note them and go on.
            Err(_) if self.role == Role::Vml => {
                ex.diags.push(
                    Diagnostic::warning(
                        "unreadable-attributes",
                        "attributes of a vml element could not be read and were not checked",
                    )
                    .at(Location::part(self.part_name.clone())),
                );
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let attr_val = |name: &[u8]| -> Option<String> {
            attrs
                .iter()
                .find(|a| local(&raw[a.name.clone()]) == name)
                .and_then(|a| unescape(&raw[a.value.clone()]).ok())
        };
        // Context that applies to the element's content.
        match (self.role, l) {
            (Role::Comments | Role::ThreadedComments, b"comment" | b"threadedComment") => {
                self.cur_ref = attr_val(b"ref");
            }
            (Role::DocProps, b"property") => self.prop_name = attr_val(b"name"),
            // A defined name says what its value is (`联系人`, `负责人电话`); built-in names
            // (`_xlnm.Print_Titles`) say nothing about a person.
            (Role::Workbook, b"definedName") => {
                self.prop_name = attr_val(b"name").filter(|n| !n.starts_with("_xlnm."))
            }
            (Role::PivotCache, b"cacheField") => {
                let n = attr_val(b"name").unwrap_or_default();
                self.fields.push(n.clone());
                self.cur_field = Some(n);
            }
            (Role::PivotRecords, b"r") => self.rec_col = 0,
            (Role::ExternalLink, b"sheetData") => {
                self.ext_first_row = None;
                self.ext_headers.clear();
            }
            (Role::ExternalLink, b"row") => {
                self.ext_row = attr_val(b"r").and_then(|r| r.trim().parse().ok());
                if self.ext_first_row.is_none() {
                    self.ext_first_row = self.ext_row;
                }
            }
            (Role::ExternalLink, b"cell") => {
                self.cur_ref = attr_val(b"r");
                // A number cell (no type, or `n`): a masked value makes it a text cell.
                let t = attrs.iter().find(|a| local(&raw[a.name.clone()]) == b"t");
                let ty = match t {
                    _ if empty => None,
                    // (After the other attributes, as Excel orders them.)
                    None => Some(crate::CellType::Insert((pos + 1 + raw.len()) as Pos)),
                    Some(a) if &raw[a.value.clone()] == b"n" => Some(crate::CellType::Replace(
                        (pos + 1 + a.value.start) as Pos..(pos + 1 + a.value.end) as Pos,
                    )),
                    Some(_) => None,
                };
                self.number = ty.map(|ty| (NumberHolder::ExternalCell(ty), None));
            }
            // A data validation's list and a conditional format's text are values of the
            // column they apply to (`<formula1>"陈春梅,杨晓东"</formula1>` over a `姓名` column).
            (Role::Sheet, b"dataValidation" | b"conditionalFormatting") => {
                self.cur_filter = attr_val(b"sqref")
                    .and_then(|r| parse_ref(r.split([':', ' ']).next().unwrap_or_default()))
                    .and_then(|(c, _)| self.sheet_cols.get(&c).cloned());
            }
            (Role::Table | Role::Sheet, b"autoFilter") => {
                self.filter_first_col = attr_val(b"ref")
                    .and_then(|r| parse_ref(r.split(':').next().unwrap_or_default()))
                    .map_or(0, |(c, _)| c);
            }
            (Role::Table | Role::Sheet, b"filterColumn") => {
                let id: Option<u32> = attr_val(b"colId").and_then(|v| v.trim().parse().ok());
                self.cur_filter = id.and_then(|id| {
                    if self.role == Role::Table {
                        self.filter_names.get(id as usize).cloned()
                    } else {
                        self.sheet_cols
                            .get(&self.filter_first_col.saturating_add(id))
                            .cloned()
                    }
                });
            }
            _ => {}
        }
        // A custom property's number value: a masked value is no number, so the element
        // becomes a string (see `Binding::PropertyNumber`).
        if self.role == Role::DocProps
            && !empty
            && self.stack.contains(b"property")
            && let Some(&vt) = NUMBER_VTS.iter().find(|v| **v == l)
        {
            self.number = Some((
                NumberHolder::Property(
                    vt,
                    (pos + 1) as Pos..(pos + 1 + qname.len()) as Pos,
                    String::from_utf8_lossy(prefix(qname)).into(),
                ),
                None,
            ));
        }
        // A point of a chart's number cache (`<c:pt idx="0"><c:v>13812345678</c:v></c:pt>`):
        // a masked value is no number, so the point goes (see `Binding::CachePoint`).
        if self.role == Role::Chart
            && l == b"pt"
            && !empty
            && (self.stack.contains(b"numCache") || self.stack.contains(b"numLit"))
        {
            self.number = Some((NumberHolder::ChartPoint(pos), None));
        }
        // A field's shared items: where its type attributes are, which an item that becomes
        // text changes (the attributes after the element's name, up to the tag's end).
        if self.role == Role::PivotCache && l == b"sharedItems" && !self.fields.is_empty() {
            let from = pos + 1 + qname.len();
            let to = pos + 1 + raw.len();
            ex.shared_items.insert(
                (self.part, (self.fields.len() - 1) as u32),
                from as Pos..to as Pos,
            );
        }
        self.item_field = None;
        let record_header =
            if self.role == Role::PivotRecords && self.stack.last() == Some(&b"r"[..]) {
                let h = self.fields.get(self.rec_col).cloned();
                self.item_field = self.def_part.map(|d| (d, self.rec_col as u32));
                self.rec_col += 1;
                h
            } else if self.role == Role::PivotCache && self.stack.contains(b"sharedItems") {
                self.item_field =
                    (!self.fields.is_empty()).then(|| (self.part, (self.fields.len() - 1) as u32));
                self.cur_field.clone()
            } else if l == b"filter" || l == b"customFilter" || l == b"cfRule" {
                // A filter's value is a value of the column it filters (a conditional
                // format's `text` too).
                self.cur_filter.clone()
            } else {
                None
            };
        let external = attrs.iter().any(|a| {
            local(&raw[a.name.clone()]) == b"TargetMode"
                && raw[a.value.clone()].eq_ignore_ascii_case(b"External")
        });
        for a in &attrs {
            let aq = &raw[a.name.clone()];
            let an = local(aq);
            if aq.starts_with(b"xmlns") {
                continue;
            }
            let rawv = &raw[a.value.clone()];
            if rawv.is_empty() {
                continue;
            }
            let take = match self.role {
                Role::Rels => an == b"Target" && external,
                // A number format's quoted literal is shown in every cell that uses it
                // (`"TEL 13600001111 "@`), in any script.
                Role::ThemeStyles => {
                    an == b"formatCode"
                        && (!rawv.is_ascii()
                            || rawv.contains(&b'"')
                            || rawv.contains(&b'@')
                            || memchr::memmem::find(rawv, b"&quot;").is_some())
                }
                Role::PivotCache | Role::PivotRecords if an == b"v" => l != b"x",
                // A filter's or smart tag's value is a cell's value (`customFilter val=
                // "186…"`, a smart tag's `Phone` property).
                _ if an == b"val" => {
                    matches!(l, b"filter" | b"customFilter" | b"cellSmartTagPr")
                        || !rawv.is_ascii()
                        || rawv.contains(&b'@')
                }
                _ => PERSONAL_ATTRS.contains(&an) || !rawv.is_ascii() || rawv.contains(&b'@'),
            };
            if !take {
                continue;
            }
            let mut value = unescape(rawv)?;
            if blank(&value) {
                continue;
            }
            let slot = Slot {
                part: self.part,
                start: (pos + 1 + a.value.start) as Pos,
                end: (pos + 1 + a.value.end) as Pos,
                quote: a.quote,
            };
            let an_s = String::from_utf8_lossy(an).into_owned();
            let el_s = String::from_utf8_lossy(l).into_owned();
            let mut ctx = UnitContext::new(
                attr_kind(self.role, l, an),
                self.location(
                    self.cur_ref
                        .clone()
                        .or_else(|| (l == b"hyperlink").then(|| attr_val(b"ref")).flatten()),
                    format!("{el_s} @{an_s}"),
                ),
            );
            ctx.label = safe_label(self.role, an_s).map(Into::into);
            // A defined name's comment is labelled by the name, which may say what it holds
            // (`联系人` commented `杨晓东 199…`).
            if l == b"definedName" && an == b"comment" {
                ctx.label = attr_val(b"name").map(Into::into);
            }
            // A smart tag's property is labelled by its key (`FullName`, `Phone`).
            if l == b"cellSmartTagPr" && an == b"val" {
                ctx.kind = UnitKind::Metadata;
                ctx.label = attr_val(b"key").map(Into::into);
            }
            ctx.column_header = record_header.clone().map(Into::into);
            let binding = if self.role == Role::Workbook && l == b"sheet" && an == b"name" {
                // A sheet may be named after a person (one sheet per household): when its name
                // has the shape of a Chinese personal name, say so; titles (`公示名单`, `明细`)
                // get no label, so that detection does not take them for names.
                if person_shaped(&value) {
                    ctx.label = Some("sheet name".into());
                }
                self.sheets.push(SheetDecl {
                    name: value.clone(),
                    state: attr_val(b"state").unwrap_or_default(),
                    rid: attrs
                        .iter()
                        .find(|a| local(&raw[a.name.clone()]) == b"id")
                        .and_then(|a| unescape(&raw[a.value.clone()]).ok())
                        .unwrap_or_default(),
                });
                Binding::SheetName(slot)
            } else if matches!(self.role, Role::PivotCache | Role::PivotRecords)
                && l == b"n"
                && an == b"v"
                && empty
            {
                let name_at = pos + 1 + qname.len() - l.len();
                // (The item becomes text when masked: its number is read in its digits.)
                if let Some(d) = exact_integer(&value) {
                    value = d;
                }
                Binding::CacheNumber(Box::new((
                    slot,
                    name_at as Pos..(name_at + 1) as Pos,
                    self.item_field,
                )))
            } else {
                Binding::Text(Box::new(TextBinding::one(slot, value.len())))
            };
            ex.push(value, ctx, binding)?;
        }
        if !empty {
            self.stack.push(l);
            if GROUPS.contains(&l) && !self.stack.contains(b"rPh") {
                let label = self.label_for(l);
                self.groups.push(Group {
                    depth: self.stack.len(),
                    tb: TextBinding::default(),
                    text: String::new(),
                    kind: text_kind(self.role, &self.stack),
                    label,
                    cell: self.cur_ref.clone(),
                });
            }
        }
        Ok(())
    }

    fn label_for(&self, l: &[u8]) -> String {
        if self.role == Role::DocProps
            && let Some(p) = &self.prop_name
        {
            return p.clone();
        }
        // The label names the element that holds the text, or its parent for run-level
        // elements (`t`, `v`).
        let name = if matches!(l, b"t" | b"v" | b"p" | b"text" | b"rich") && self.stack.len() >= 2 {
            self.stack.get(self.stack.len() - 2)
        } else {
            l
        };
        String::from_utf8_lossy(name).into_owned()
    }

    fn on_text(&mut self, ex: &mut Ex<'_>, start: usize, end: usize, text: String) -> Result<()> {
        if self.stack.is_empty() {
            return Ok(());
        }
        let slot = Slot {
            part: self.part,
            start: start as Pos,
            end: end as Pos,
            quote: 0,
        };
        if self.stack.contains(b"rPh")
            && let Some(g) = self.groups.last_mut()
        {
            g.tb.shadows.push((slot, text));
            return Ok(());
        }
        if self.role == Role::Vml && self.stack.contains(b"ClientData") {
            return Ok(());
        }
        // Indentation between runs of pretty-printed XML is not text: only whitespace inside
        // a text element (`t`, `v`, VML `font`/`span`) counts.
        let parent = self.stack.last().unwrap_or(b"");
        if blank(&text) && !matches!(parent, b"t" | b"v" | b"font" | b"span") {
            return Ok(());
        }
        if let Some(g) = self.groups.last_mut() {
            g.tb.slots.push((slot, text.len() as u32));
            g.text.push_str(&text);
            return Ok(());
        }
        if blank(&text) {
            return Ok(());
        }
        let l = self.stack.last().unwrap_or(b"");
        let label = self.label_for(l);
        let mut ctx = UnitContext::new(
            text_kind(self.role, &self.stack),
            self.location(self.cur_ref.clone(), label.clone()),
        );
        // A data validation's or conditional format's formula: its values are a column's.
        let column_values = self.role == Role::Sheet
            && (self.stack.contains(b"dataValidation")
                || self.stack.contains(b"conditionalFormatting"));
        if column_values && let Some(h) = &self.cur_filter {
            ctx.column_header = Some(h.as_str().into());
        }
        // A page header or footer: its printed text, without the codes between its words.
        if self.role == Role::Sheet
            && HEADER_FOOTER.contains(&l)
            && let Some((printed, pieces)) = crate::headerfooter::printed(&text)
        {
            if blank(&printed) {
                return Ok(());
            }
            ctx.label = safe_label(self.role, label).map(Into::into);
            let binding = Binding::HeaderFooter(Box::new(crate::headerfooter::HfBinding {
                slot,
                full: text,
                pieces,
            }));
            ex.push(printed, ctx, binding)?;
            return Ok(());
        }
        ctx.label = safe_label(self.role, label).map(Into::into);
        // A cell of an external link's cached sheet: the first row names the columns.
        if self.role == Role::ExternalLink
            && self.stack.contains(b"cell")
            && let Some(r) = &self.cur_ref
        {
            let col: String = r.chars().take_while(char::is_ascii_alphabetic).collect();
            if self.ext_row.is_some() && self.ext_row == self.ext_first_row {
                if headerish(&text) {
                    self.ext_headers.insert(col, text.trim().to_string());
                }
            } else {
                ctx.column_header = self.ext_headers.get(&col).map(|h| h.as_str().into());
            }
        }
        // The defined name is the label, not the location: it may be personal itself.
        if self.role == Role::Workbook && l == b"definedName" {
            ctx.label = self.prop_name.as_deref().map(Into::into);
        }
        let formula = self.stack.iter().any(|s| FORMULA_ELEMS.contains(&s))
            && matches!(self.role, Role::Workbook | Role::Sheet);
        if formula {
            // As in a cell's formula, the string literals joined are a unit of their own; so
            // is the one literal of a list read as a column's values (`"陈春梅,杨晓东"`).
            let pieces = literal_ranges(&text, if column_values { 1 } else { 2 }).map(|r| {
                let mut c = ctx.clone();
                // A list's values are read as cells of the column it applies to.
                if column_values && c.column_header.is_some() {
                    c.kind = UnitKind::SheetCell;
                }
                c.location.detail = Some(match &ctx.location.detail {
                    Some(d) => docsan_core::format_compact!("{d}, string pieces joined"),
                    None => "string pieces joined".into(),
                });
                (r, c)
            });
            let fuid = ex.push(text.as_str(), ctx, Binding::Formula(slot))?;
            if let Some((ranges, c)) = pieces {
                ex.push_pieces(&text, fuid, ranges, c)?;
            }
            return Ok(());
        }
        let binding = Binding::Text(Box::new(TextBinding::one(slot, text.len())));
        let uid = ex.push(text, ctx, binding)?;
        if let Some((holder, value @ None)) = &mut self.number
            && (l == b"v" || matches!(holder, NumberHolder::Property(..)))
        {
            *value = Some(uid);
        }
        Ok(())
    }

    /// `pos` and `end`: where the end tag starts and ends.
    fn on_end(&mut self, ex: &mut Ex<'_>, name: &[u8], pos: usize, end: usize) -> Result<()> {
        let l = local(name);
        // The end of a number element: its value's unit, if it has one, is bound to the
        // element (see `NumberHolder`).
        if self
            .number
            .as_ref()
            .is_some_and(|(holder, _)| holder.end_tag() == l)
            && let Some((holder, Some(uid))) = self.number.take()
            && let Some(b) = ex.bindings.get_mut(uid as usize)
            && let Binding::Text(tb) = b
            && let Some(slot) = tb.slots.iter().next().map(|(s, _)| *s)
            && tb.slots.len() == 1
        {
            *b = match holder {
                NumberHolder::ChartPoint(start) => {
                    Binding::CachePoint(Box::new((slot, start as Pos..end as Pos)))
                }
                NumberHolder::ExternalCell(ty) => Binding::ExternalNumber(Box::new((slot, ty))),
                // (The end tag's name follows its `</`.)
                NumberHolder::Property(_, start_name, prefix) => {
                    Binding::PropertyNumber(Box::new((
                        slot,
                        start_name,
                        (pos + 2) as Pos..(pos + 2 + name.len()) as Pos,
                        prefix,
                    )))
                }
            };
        }
        // Lenient parts may close elements out of order: pop to the matching element.
        let Some(idx) = self.stack.iter().rposition(|s| s == l) else {
            return Ok(());
        };
        while self.stack.len() > idx {
            let depth = self.stack.len();
            if self.groups.last().is_some_and(|g| g.depth == depth)
                && let Some(g) = self.groups.pop()
            {
                self.flush_group(ex, g)?;
            }
            self.stack.pop();
        }
        match l {
            b"comment" | b"threadedComment" => self.cur_ref = None,
            b"property" | b"definedName" => self.prop_name = None,
            b"cacheField" => self.cur_field = None,
            b"cell" if self.role == Role::ExternalLink => self.cur_ref = None,
            b"filterColumn" | b"dataValidation" | b"conditionalFormatting" => {
                self.cur_filter = None
            }
            _ => {}
        }
        Ok(())
    }

    fn flush_group(&mut self, ex: &mut Ex<'_>, g: Group) -> Result<()> {
        if blank(&g.text) && g.tb.shadows.iter().all(|(_, t)| blank(t)) {
            return Ok(());
        }
        let mut ctx = UnitContext::new(g.kind, self.location(g.cell, g.label.clone()));
        ctx.label = safe_label(self.role, g.label).map(Into::into);
        ex.push(g.text, ctx, Binding::Text(Box::new(g.tb)))?;
        Ok(())
    }

    fn finish(&mut self, ex: &mut Ex<'_>) -> Result<()> {
        while let Some(g) = self.groups.pop() {
            self.flush_group(ex, g)?;
        }
        Ok(())
    }
}

/// Walks a whole part generically.
fn walk_generic(ex: &mut Ex<'_>, g: &mut Gen, src: &[u8]) -> Result<()> {
    if g.role == Role::Table {
        g.filter_names = table_column_names(src, ex.limits)?;
    }
    let mut w = Walker::new(src, ex.limits.max_xml_depth, g.role == Role::Vml)?;
    loop {
        match w.next()? {
            Ev::Start {
                raw, pos, empty, ..
            } => g.on_start(ex, raw, pos, empty)?,
            Ev::End { name, pos, end } => g.on_end(ex, name, pos, end)?,
            Ev::Text { start, end, text } => g.on_text(ex, start, end, text.into_owned())?,
            Ev::Eof => break,
        }
    }
    comment_warning(ex, &w, &g.part_name);
    g.finish(ex)
}

/// A table part's column names in order (its `autoFilter`, which counts columns by index,
/// comes before them).
fn table_column_names(src: &[u8], limits: &Limits) -> Result<Vec<String>> {
    let mut w = Walker::new(src, limits.max_xml_depth, false)?;
    let mut names = Vec::new();
    loop {
        match w.next()? {
            Ev::Start { raw, .. } if local(tag_name(raw)) == b"tableColumn" => {
                let name = scan_attrs(raw)?
                    .into_iter()
                    .find(|a| &raw[a.name.clone()] == b"name")
                    .and_then(|a| unescape(&raw[a.value.clone()]).ok())
                    .unwrap_or_default();
                names.push(name);
            }
            Ev::Eof => return Ok(names),
            _ => {}
        }
    }
}

/// XML comments are not extracted: a non-empty one is content that was not checked.
fn comment_warning<R>(ex: &mut Ex<'_>, w: &Walker<R>, part: &str) {
    if w.saw_comment {
        ex.diags.push(
            Diagnostic::warning("xml-comment", "xml comment in a part cannot be checked")
                .at(Location::part(part.to_string())),
        );
    }
}

/// Walks the shared string table.
fn walk_sst(src: &[u8], part: u32, limits: &Limits) -> Result<SstInfo> {
    let mut info = SstInfo {
        part,
        ..SstInfo::default()
    };
    let mut w = Walker::new(src, limits.max_xml_depth, false)?;
    let mut depth = 0usize;
    let mut cur: Option<SiInfo> = None;
    let mut rph_depth: Option<usize> = None;
    let mut in_t = false;
    let mut root_seen = false;
    loop {
        match w.next()? {
            Ev::Start {
                raw,
                pos,
                end,
                empty,
            } => {
                let l = local(tag_name(raw));
                if !root_seen {
                    root_seen = true;
                    for a in scan_attrs(raw)? {
                        if local(&raw[a.name.clone()]) == b"uniqueCount" {
                            info.unique_count = Some(
                                (pos + 1 + a.value.start) as Pos..(pos + 1 + a.value.end) as Pos,
                            );
                            // Room for the announced items, within what the part can hold
                            // (an `<si/>` takes at least five bytes) and the unit limit.
                            let announced = std::str::from_utf8(&raw[a.value.clone()])
                                .ok()
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            info.sis.reserve(
                                announced.min(src.len() / 5).min(limits.max_units as usize),
                            );
                        }
                    }
                    if empty {
                        info.self_closing = true;
                        info.end_tag = pos as Pos;
                    }
                    if !empty {
                        depth += 1;
                    }
                    continue;
                }
                if l == b"si" {
                    let si = SiInfo {
                        range: pos as Pos..end as Pos,
                        text: CompactString::default(),
                        binding: TextBinding::default(),
                    };
                    if empty {
                        if info.sis.len() as u64 >= limits.max_units as u64 {
                            return Err(Error::limit(
                                "shared string table larger than the unit limit",
                            ));
                        }
                        info.sis.push(si);
                    } else {
                        cur = Some(si);
                    }
                }
                if !empty {
                    depth += 1;
                    if l == b"rPh" && rph_depth.is_none() {
                        rph_depth = Some(depth);
                    }
                    if l == b"t" {
                        in_t = true;
                    }
                }
            }
            Ev::End { name, pos, end } => {
                let l = local(name);
                if depth == 1 {
                    info.end_tag = pos as Pos;
                }
                if rph_depth == Some(depth) {
                    rph_depth = None;
                }
                depth = depth.saturating_sub(1);
                if l == b"t" {
                    in_t = false;
                }
                if l == b"si"
                    && let Some(mut si) = cur.take()
                {
                    si.range.end = end as Pos;
                    if info.sis.len() as u64 >= limits.max_units as u64 {
                        return Err(Error::limit(
                            "shared string table larger than the unit limit",
                        ));
                    }
                    info.sis.push(si);
                }
            }
            Ev::Text { start, end, text } => {
                if let Some(si) = cur.as_mut() {
                    let slot = Slot {
                        part,
                        start: start as Pos,
                        end: end as Pos,
                        quote: 0,
                    };
                    if rph_depth.is_some() {
                        si.binding.shadows.push((slot, text.into_owned()));
                    } else if in_t || !blank(&text) {
                        // Text outside `<t>` is not valid, but a reader may still show it.
                        // Most items have one text node: room for one, not the default four.
                        si.binding.slots.push((slot, text.len() as u32));
                        si.text.push_str(&text);
                    }
                }
            }
            Ev::Eof => break,
        }
    }
    Ok(info)
}

/// Parses `AB12` into a zero-based column and a one-based row.
pub(crate) fn parse_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.trim_start_matches('$');
    let letters = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in s[..letters].bytes() {
        col = col * 26 + (b.to_ascii_uppercase() - b'A' + 1) as u32;
    }
    let row: u32 = s[letters..].trim_start_matches('$').parse().ok()?;
    Some((col - 1, row))
}

/// Column letters for a zero-based column.
#[cfg(test)]
pub(crate) fn col_name(col: u32) -> String {
    let mut out = Vec::new();
    let mut col = u64::from(col) + 1;
    while col > 0 {
        let r = (col - 1) % 26;
        out.push(b'A' + r as u8);
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// `B12` from a zero-based column and a one-based row, without formatting machinery (a
/// large sheet names hundreds of thousands of cells).
pub(crate) fn cell_ref(col: u32, row: u32) -> CompactString {
    let mut letters = [0u8; 8];
    let mut n = 0;
    let mut c = col as u64 + 1;
    while c > 0 && n < letters.len() {
        letters[n] = b'A' + ((c - 1) % 26) as u8;
        c = (c - 1) / 26;
        n += 1;
    }
    let mut digits = [0u8; 10];
    let mut m = 0;
    let mut r = row;
    loop {
        digits[m] = b'0' + (r % 10) as u8;
        r /= 10;
        m += 1;
        if r == 0 || m == digits.len() {
            break;
        }
    }
    let mut buf = [0u8; 18];
    let mut len = 0;
    for &b in letters[..n].iter().rev().chain(digits[..m].iter().rev()) {
        buf[len] = b;
        len += 1;
    }
    // ASCII letters and digits, and short enough to be kept inline.
    CompactString::from_utf8(&buf[..len]).unwrap_or_default()
}

/// Does a numeric cell's raw value look like it could be a phone, card or ID number (seven or
/// more integer digits, or exponent notation)?
fn numeric_candidate(v: &str) -> bool {
    let v = v.trim().trim_start_matches('-');
    if v.contains(['E', 'e']) {
        return true;
    }
    let int = v.split('.').next().unwrap_or("");
    int.len() >= 7 && int.bytes().all(|b| b.is_ascii_digit())
}

/// A number in exponent notation that is an integer held exactly (`1.3812345678E10`, as Java
/// writes a phone number stored as a number; `0.19988887777E11`), written out in digits
/// (`13812345678`): detection then reads it as the number it is. A number of more than fifteen
/// digits (`1.10101199003071E+17`, an ID that lost its last digits) is not: its zeros would be
/// made up. `None` for anything else.
pub(crate) fn exact_integer(v: &str) -> Option<String> {
    let v = v.trim();
    let (sign, v) = match v.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", v),
    };
    let (mant, exp) = v.split_once(['E', 'e'])?;
    let exp: i32 = exp.strip_prefix('+').unwrap_or(exp).parse().ok()?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    // The value is digits × 10^(exp − frac digits).
    let shift = exp.checked_sub(i32::try_from(frac.len()).ok()?)?;
    let digits = digits.trim_start_matches('0');
    let trailing = digits.len() - digits.trim_end_matches('0').len();
    if digits.is_empty() || shift + (trailing as i32) < 0 {
        return None;
    }
    let (body, zeros) = if shift >= 0 {
        (digits, shift as usize)
    } else {
        (&digits[..digits.len() - (-shift) as usize], 0)
    };
    if body.len() + zeros > 15 {
        return None;
    }
    Some(format!("{sign}{body}{}", "0".repeat(zeros)))
}

/// The content ranges of a formula's string literals, and of its number literals joined by
/// `&` (`"320106"&19840704&"561X"`) or given as arguments in a formula that joins text
/// (`CONCATENATE(139,"55556789")`), when it has `min` or more.
pub(crate) fn literal_ranges(f: &str, min: usize) -> Option<Vec<(u32, u32)>> {
    let b = f.as_bytes();
    let joins = joins_arguments(f);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            // A number token: not part of a name or a reference (`A1`, `$B$2`, `LOG10`).
            let glued = i > 0
                && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'$' | b'_' | b'.'));
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            let before = b[..start].iter().rev().find(|c| !c.is_ascii_whitespace());
            let after = b[i..].iter().find(|c| !c.is_ascii_whitespace());
            let name_after = b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
            let argument = joins
                && matches!(before, Some(b'(' | b',' | b';'))
                && matches!(after, Some(b')' | b',' | b';'));
            if !glued && !name_after && (before == Some(&b'&') || after == Some(&b'&') || argument)
            {
                out.push((u32::try_from(start).ok()?, u32::try_from(i).ok()?));
            }
            continue;
        }
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        // A doubled quote stands for a quote inside the literal (kept doubled in the joined
        // text, written back as it was).
        let mut end = start;
        loop {
            end += b[end..].iter().position(|&c| c == b'"')?;
            if b.get(end + 1) == Some(&b'"') {
                end += 2;
                continue;
            }
            break;
        }
        out.push((u32::try_from(start).ok()?, u32::try_from(end).ok()?));
        i = end + 1;
    }
    (out.len() >= min).then_some(out)
}

/// Does a formula join its arguments into text (`CONCATENATE`, `CONCAT`, `TEXTJOIN`)? Then
/// its number arguments are pieces of the text it makes.
fn joins_arguments(f: &str) -> bool {
    let upper = f.to_ascii_uppercase();
    upper.contains("CONCAT") || upper.contains("TEXTJOIN")
}

/// Does the text hold a run of at least `n` digits (a number literal that may be a phone or
/// ID number)?
fn has_digit_run(s: &str, n: usize) -> bool {
    let mut run = 0;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// A sheet's column headers: cells in rows from `first_data_row` on get `cols[col]`.
#[derive(Debug, Default)]
struct Header {
    /// The (first) header row.
    header_row: u32,
    first_data_row: u32,
    cols: BTreeMap<u32, String>,
    /// Top-left cells of merged ranges spanning several columns: prose or titles, not
    /// values of one column.
    wide: BTreeMap<(u32, u32), u32>,
}

impl Header {
    /// Does the merged range starting at this cell span columns with different headers (a
    /// line of prose across the table rather than one column's value)?
    fn spans_headers(&self, row: u32, col: u32) -> bool {
        let Some(&last) = self.wide.get(&(row, col)) else {
            return false;
        };
        let first = self.cols.get(&col);
        self.cols
            .range(col..=last.max(col))
            .any(|(_, h)| Some(h) != first)
    }
}

fn headerish(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty()
        && t.chars().count() <= 24
        && t.parse::<f64>().is_err()
        && !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '/' | ':' | ' ' | '%'))
}

/// Finds the header row: the first row within the first hundred whose cells are mostly short
/// non-numeric strings and that is about as wide as the table; merged header cells give their
/// text to every column they span, and a second header row under merged cells refines it.
fn detect_header(src: &[u8], sst: Option<&SstInfo>, limits: &Limits) -> Header {
    let Ok(mut w) = Walker::new(src, limits.max_xml_depth, false) else {
        return Header::default();
    };
    let (rows, _) = first_rows(&mut w, sst);
    // Merged cells follow the sheet data: read only the tail of the part.
    let tail_start = memchr::memmem::rfind(src, SHEET_DATA_END)
        .map(|p| p + SHEET_DATA_END.len())
        .unwrap_or(0);
    build_header(rows, merged_cells(&src[tail_start..], limits))
}

/// Like [`detect_header`], for a sheet read from a stream: its first rows are walked, and of
/// the rest only what follows the sheet data is kept. `None` for a UTF-16 sheet (see
/// [`Walker::streaming`]).
fn detect_header_streaming(
    src: &mut dyn std::io::Read,
    sst: Option<&SstInfo>,
    limits: &Limits,
) -> Result<Option<Header>> {
    let Some(mut w) = Walker::streaming(src, limits.max_xml_depth, false)? else {
        return Ok(None);
    };
    let (rows, in_data) = first_rows(&mut w, sst);
    // Stopped before the end of the sheet data: what follows its end tag is the tail.
    // Otherwise the rest is.
    let mark = if in_data { SHEET_DATA_END } else { b"" };
    let tail = tail_after(w.into_rest(), mark)?;
    Ok(Some(build_header(rows, merged_cells(&tail, limits))))
}

/// The end of `<sheetData>` or `</sheetData>`, after which the merged cells are listed.
const SHEET_DATA_END: &[u8] = b"sheetData>";

/// Most of a sheet's tail (merged cells, page setup) kept while looking for its start.
const MAX_TAIL: usize = 16 << 20;

/// Reads `r` to its end and returns what follows the last `mark` (all of it for an empty
/// mark), holding no more than [`MAX_TAIL`] bytes: while no mark has been seen, only the
/// bytes a mark could start in.
fn tail_after(mut r: impl std::io::Read, mark: &[u8]) -> Result<Vec<u8>> {
    let mut tail: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    let mut seen = mark.is_empty();
    loop {
        let n = r
            .read(&mut chunk)
            .map_err(|e| Error::io(format!("reading a sheet: {e}")))?;
        if n == 0 {
            break;
        }
        // Search from where a mark split over two reads could begin.
        let from = tail.len().saturating_sub(mark.len().saturating_sub(1));
        tail.extend_from_slice(&chunk[..n]);
        if let Some(p) = (!mark.is_empty())
            .then(|| memchr::memmem::rfind(&tail[from..], mark))
            .flatten()
        {
            tail.drain(..from + p + mark.len());
            seen = true;
        } else if !seen {
            let keep = mark.len() - 1;
            if tail.len() > keep {
                tail.drain(..tail.len() - keep);
            }
        } else if tail.len() > MAX_TAIL {
            // No merged-cell list this long follows a sheet's data: keep its start.
            tail.truncate(MAX_TAIL);
        }
    }
    Ok(if seen { tail } else { Vec::new() })
}

#[cfg(test)]
mod tail_tests {
    use super::tail_after;

    /// Hands its bytes over a few at a time.
    struct Dribble<'a>(&'a [u8], usize);

    impl std::io::Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_tail_is_what_follows_the_last_mark_wherever_reads_split_it() {
        let src =
            b"<row/></sheetData><x/>sheetData><mergeCells><mergeCell ref=\"A1:B1\"/></mergeCells>";
        for step in [1, 2, 3, 7, 9, 10, 11, 64, 1 << 16] {
            let t = tail_after(Dribble(src, step), b"sheetData>").unwrap();
            assert_eq!(
                t, b"<mergeCells><mergeCell ref=\"A1:B1\"/></mergeCells>",
                "{step}"
            );
            assert_eq!(tail_after(Dribble(src, step), b"").unwrap(), src, "{step}");
            assert!(
                tail_after(Dribble(b"<row/><row/>", step), b"sheetData>")
                    .unwrap()
                    .is_empty()
            );
        }
    }
}

/// The ranges of merged cells in a sheet's tail.
fn merged_cells(tail: &[u8], limits: &Limits) -> Vec<(u32, u32, u32, u32)> {
    let mut merges = Vec::new();
    if let Ok(mut w) = Walker::new(tail, limits.max_xml_depth, true) {
        while let Ok(ev) = w.next() {
            match ev {
                Ev::Start { raw, .. } if local(tag_name(raw)) == b"mergeCell" => {
                    for a in scan_attrs(raw).unwrap_or_default() {
                        if &raw[a.name.clone()] == b"ref" {
                            let v = String::from_utf8_lossy(&raw[a.value.clone()]).into_owned();
                            let mut it = v.split(':');
                            if let (Some(Some(a)), Some(Some(b))) =
                                (it.next().map(parse_ref), it.next().map(parse_ref))
                            {
                                merges.push((a.1, a.0, b.1, b.0));
                            }
                        }
                    }
                }
                Ev::Eof => break,
                _ => {}
            }
        }
    }
    merges
}

/// How far down a sheet its header row is looked for: a roster may follow a long preamble
/// (title, notice, signatures) before its header.
const HEADER_ROWS: u32 = 100;

/// The texts of the cells of a sheet's first [`HEADER_ROWS`] rows, by row and column.
/// Also says whether it stopped inside the sheet data (at the row after them).
fn first_rows<R: std::io::Read>(
    w: &mut Walker<R>,
    sst: Option<&SstInfo>,
) -> (BTreeMap<u32, BTreeMap<u32, String>>, bool) {
    let mut stopped_in_data = false;
    let mut rows: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let mut row = 0u32;
    let mut col = 0u32;
    let mut in_cell: Option<(u32, u32, Vec<u8>)> = None;
    let mut text = String::new();
    let (mut in_v, mut in_is, mut in_rph) = (false, false, false);
    let mut in_data = false;
    while let Ok(ev) = w.next() {
        match ev {
            Ev::Start { raw, empty, .. } => {
                let l = local(tag_name(raw));
                let attrs = scan_attrs(raw).unwrap_or_default();
                let get = |n: &[u8]| {
                    attrs
                        .iter()
                        .find(|a| &raw[a.name.clone()] == n)
                        .map(|a| raw[a.value.clone()].to_vec())
                };
                match l {
                    b"sheetData" => in_data = !empty,
                    b"row" if in_data => {
                        row = get(b"r")
                            .and_then(|r| std::str::from_utf8(&r).ok()?.parse().ok())
                            .unwrap_or(row.saturating_add(1));
                        col = 0;
                        if row > HEADER_ROWS {
                            stopped_in_data = true;
                            break;
                        }
                    }
                    b"c" if in_data => {
                        let (c, r) = get(b"r")
                            .and_then(|r| parse_ref(std::str::from_utf8(&r).ok()?))
                            .unwrap_or((col, row));
                        col = c.saturating_add(1);
                        if !empty {
                            in_cell = Some((r, c, get(b"t").unwrap_or_default()));
                            text.clear();
                        }
                    }
                    b"v" => in_v = !empty,
                    b"is" => in_is = !empty,
                    b"rPh" => in_rph = !empty,
                    _ => {}
                }
            }
            Ev::End { name, .. } => match local(name) {
                b"v" => in_v = false,
                b"is" => in_is = false,
                b"rPh" => in_rph = false,
                b"sheetData" => break,
                b"c" => {
                    if let Some((r, c, t)) = in_cell.take() {
                        let value = if t == b"s" {
                            text.trim()
                                .parse::<usize>()
                                .ok()
                                .and_then(|i| sst.and_then(|s| s.sis.get(i)))
                                .map(|si| si.text.to_string())
                                .unwrap_or_default()
                        } else {
                            std::mem::take(&mut text)
                        };
                        if !blank(&value) {
                            rows.entry(r).or_default().insert(c, value);
                        }
                    }
                }
                _ => {}
            },
            Ev::Text { text: t, .. } => {
                if in_cell.is_some() && (in_v || (in_is && !in_rph)) {
                    text.push_str(&t);
                }
            }
            Ev::Eof => break,
        }
    }
    (rows, stopped_in_data)
}

/// The header found in the first rows and the merged cells.
fn build_header(
    rows: BTreeMap<u32, BTreeMap<u32, String>>,
    merges: Vec<(u32, u32, u32, u32)>,
) -> Header {
    let maxw = rows.values().map(|r| r.len()).max().unwrap_or(0);
    let mut header = Header {
        header_row: u32::MAX,
        first_data_row: u32::MAX,
        cols: BTreeMap::new(),
        wide: merges
            .iter()
            .filter(|m| m.3 > m.1)
            .map(|m| ((m.0, m.1), m.3))
            .collect(),
    };
    let mut found = None;
    for (&r, cells) in &rows {
        let ne = cells.len();
        let good = cells.values().filter(|t| headerish(t)).count();
        let labels = cells
            .values()
            .filter(|t| t.trim_end().ends_with([':', '：']))
            .count();
        let followed = rows.range(r.saturating_add(1)..).next().is_some();
        // One header cell is enough in a sheet of one column (a plain list under `姓名`).
        let enough = good >= 2 || (maxw == 1 && good == 1);
        if enough && good * 4 >= ne * 3 && ne * 2 >= maxw && labels == 0 && followed {
            found = Some(r);
            break;
        }
    }
    let Some(h) = found else { return header };
    if let Some(cells) = rows.get(&h) {
        for (&c, t) in cells {
            header.cols.insert(c, t.trim().to_string());
        }
    }
    let mut spans_in_header = false;
    for &(r1, c1, r2, c2) in &merges {
        if r1 <= h
            && h <= r2
            && c2 > c1
            && c2 - c1 < 256
            && let Some(t) = rows.get(&r1).and_then(|r| r.get(&c1)).cloned()
        {
            for c in c1..=c2 {
                header.cols.entry(c).or_insert_with(|| t.trim().to_string());
            }
            spans_in_header = true;
        }
    }
    header.header_row = h;
    header.first_data_row = h.saturating_add(1);
    if spans_in_header
        && let Some(next) = rows.get(&h.saturating_add(1))
        && !next.is_empty()
        && next.values().all(|t| headerish(t))
    {
        for (&c, t) in next {
            let t = t.trim();
            let v = match header.cols.get(&c) {
                Some(p) if p != t => format!("{p} {t}"),
                _ => t.to_string(),
            };
            header.cols.insert(c, v);
        }
        header.first_data_row = h.saturating_add(2);
    }
    header
}

/// Sheet cells of one shared string and column that stand as one unit: the unit, by
/// (string, column). Nearly every string is in one column: its first column and unit are
/// kept in a vector by string, the others in a map.
#[derive(Debug, Default)]
struct Groups {
    /// (column, unit) by string; `NONE` for none yet.
    first: Vec<(u32, u32)>,
    /// Keys are two small integers: a multiplicative hash, not SipHash.
    more: HashMap<(u32, u32), u32, std::hash::BuildHasherDefault<PairHasher>>,
}

impl Groups {
    const NONE: (u32, u32) = (u32::MAX, u32::MAX);

    fn get(&self, &(string, col): &(u32, u32)) -> Option<u32> {
        match self.first.get(string as usize) {
            Some(&(c, uid)) if c == col => Some(uid),
            Some(&(c, _)) if c != u32::MAX => self.more.get(&(string, col)).copied(),
            _ => None,
        }
    }

    fn insert(&mut self, (string, col): (u32, u32), uid: u32) {
        let i = string as usize;
        if i >= self.first.len() {
            self.first.resize(i + 1, Groups::NONE);
        }
        if self.first[i].0 == u32::MAX {
            self.first[i] = (col, uid);
        } else if self.first[i].0 != col {
            self.more.insert((string, col), uid);
        }
    }

    /// Every grouped unit.
    fn units(&self) -> impl Iterator<Item = u32> + '_ {
        self.first
            .iter()
            .filter(|f| f.0 != u32::MAX)
            .map(|f| f.1)
            .chain(self.more.values().copied())
    }
}

#[derive(Default)]
struct PairHasher(u64);

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(29) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Whether `s` has at most `n` characters, counted only when its bytes do not tell.
fn at_most_chars(s: &str, n: usize) -> bool {
    s.len() <= n || (s.len() <= 4 * n && s.chars().count() <= n)
}

/// The cell being read.
#[derive(Debug, Default)]
struct CellState {
    /// In a hidden row or column.
    hidden: bool,
    start: usize,
    /// End of the `</c>` end tag.
    end: usize,
    stag_end: usize,
    row: u32,
    col: u32,
    /// The `t` attribute's value (`s`, `str`, `inlineStr`, `n`…): short, kept inline.
    t: CompactString,
    /// The `t` attribute with the blanks before it (` t="n"`), as a range of the part.
    t_attr: Option<(usize, usize)>,
    prefix: String,
    /// The value's range and text (inline: a number or an index is short).
    v: Option<(usize, usize, CompactString)>,
    f_elem: Option<(usize, usize)>,
    f_text: Option<(usize, usize, String)>,
    is: TextBinding,
    is_text: String,
    in_v: bool,
    in_f: bool,
    in_is: bool,
    in_rph: bool,
    in_t: bool,
    /// Shows text (set when its row is finished).
    has_text: bool,
}

/// The cells of the row being read, in place: the first `filled` are finished, and the one at
/// `filled` is being read while `open` (a cell's state is a few hundred bytes; moving each one
/// twice cost more than reading it). States past `filled` are kept and reset when used again.
#[derive(Default)]
struct RowCells {
    cells: Vec<CellState>,
    filled: usize,
    open: bool,
}

impl RowCells {
    /// A cell starts: its state, reset. A cell with content replaces one still open (and is
    /// opened by the caller); an empty one (`<c r="B2"/>`) has a state of its own beside it,
    /// which is never finished, and leaves an open one open.
    fn start(&mut self, empty: bool) -> &mut CellState {
        let at = self.filled + usize::from(self.open && empty);
        while self.cells.len() <= at {
            self.cells.push(CellState::default());
        }
        let st = &mut self.cells[at];
        *st = CellState::default();
        st
    }

    /// The cell being read, if one is open.
    fn current(&mut self) -> Option<&mut CellState> {
        if self.open {
            self.cells.get_mut(self.filled)
        } else {
            None
        }
    }
}

/// Everything a sheet walk needs besides the part bytes.
struct SheetCtx<'s> {
    part: u32,
    part_name: &'s str,
    name: Option<String>,
    detail: Option<String>,
    sst: Option<&'s SstInfo>,
    sst_used: &'s mut Vec<bool>,
    tables: Vec<TableHeader>,
    /// Hidden column ranges (zero-based, inclusive) from `<cols>`.
    hidden_cols: Vec<(u32, u32)>,
}

/// A table part (`xl/tables/*.xml`) on a sheet: its range and column names.
#[derive(Clone, Debug, Default)]
struct TableHeader {
    first_row: u32,
    last_row: u32,
    first_col: u32,
    header_rows: u32,
    names: Vec<String>,
}

/// Reads a table part's range and column names; unreadable tables give nothing (the part
/// itself is still walked for its text).
fn parse_table(src: &[u8], limits: &Limits) -> Option<TableHeader> {
    let mut w = Walker::new(src, limits.max_xml_depth, false).ok()?;
    let mut t = TableHeader {
        header_rows: 1,
        ..TableHeader::default()
    };
    let mut seen = false;
    while let Ok(ev) = w.next() {
        match ev {
            Ev::Start { raw, .. } => {
                let l = local(tag_name(raw));
                let attrs = scan_attrs(raw).ok()?;
                let get = |n: &[u8]| {
                    attrs
                        .iter()
                        .find(|a| &raw[a.name.clone()] == n)
                        .and_then(|a| unescape(&raw[a.value.clone()]).ok())
                };
                if l == b"table" {
                    let r = get(b"ref")?;
                    let mut it = r.split(':');
                    let a = parse_ref(it.next()?)?;
                    let b = it.next().and_then(parse_ref).unwrap_or(a);
                    t.first_row = a.1;
                    t.first_col = a.0;
                    t.last_row = b.1;
                    if let Some(h) = get(b"headerRowCount").and_then(|h| h.parse().ok()) {
                        t.header_rows = h;
                    }
                    seen = true;
                } else if l == b"tableColumn" {
                    t.names.push(get(b"name").unwrap_or_default());
                }
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    seen.then_some(t)
}

/// Walks the sheet at part `i` as it inflates, never holding it whole (a 100k-row sheet is
/// 20 MB of XML): once for its header (its first rows, and the merged cells after its data),
/// once for its cells. A UTF-16 sheet (the header pass tells) is decoded whole by `read_idx`.
fn walk_sheet_part(
    ex: &mut Ex<'_>,
    pkg: &Package,
    i: usize,
    read_idx: &dyn Fn(usize) -> Result<Vec<u8>>,
    sc: SheetCtx<'_>,
) -> Result<()> {
    let name = &pkg.entries()[i].name;
    let limits = ex.limits;
    let depth = limits.max_xml_depth;
    let header_pass = |r: &mut dyn std::io::Read| {
        if ex.texts_only {
            // The first bytes tell UTF-16, as the header pass would.
            Ok(Walker::streaming(r, depth, false)?.map(|_| Header::default()))
        } else {
            detect_header_streaming(r, sc.sst, limits)
        }
    };
    let walked = match pkg.with_reader(name, header_pass) {
        Ok(Some(header)) => {
            let size = pkg.entries()[i].size;
            pkg.with_reader(name, |r| {
                let w = Walker::streaming(r, depth, false)?.ok_or_else(|| {
                    Error::malformed("a sheet read as UTF-8 reads as UTF-16 the second time")
                })?;
                walk_sheet(ex, w, &header, size, sc)
            })
        }
        Ok(None) => read_idx(i).and_then(|src| {
            let header = if ex.texts_only {
                Header::default()
            } else {
                detect_header(&src, sc.sst, limits)
            };
            let size = src.len() as u64;
            walk_sheet(ex, Walker::new(&src, depth, false)?, &header, size, sc)
        }),
        Err(e) => Err(e),
    };
    walked.map_err(|e| in_part(e, name))
}

fn walk_sheet<R: std::io::Read>(
    ex: &mut Ex<'_>,
    mut w: Walker<R>,
    header: &Header,
    size: u64,
    mut sc: SheetCtx<'_>,
) -> Result<()> {
    // Reserve room for about one unit per shortest cell, so that the unit vectors are not
    // copied again and again while a large sheet grows them (untouched capacity costs no
    // memory; it is trimmed at the end). `size` is the part's size as its zip entry declares it.
    let estimate = usize::try_from(size / 40)
        .unwrap_or(usize::MAX)
        .min(ex.limits.max_units as usize)
        .min(500_000);
    match ex.mode {
        UnitSink::Keep => ex.units.reserve(estimate),
        UnitSink::Stream(_) => ex.slim.reserve(estimate),
        UnitSink::Check(_) => {}
    }
    if ex.mode.keeps_document() {
        ex.bindings.reserve(estimate);
    }
    let mut g = Gen::new(sc.part, sc.part_name, Role::Sheet);
    // For the sheet's own `autoFilter`, after its data.
    g.sheet_cols.clone_from(&header.cols);
    g.sheet = sc.name.clone();
    g.detail = sc.detail.clone();
    let mut in_data = false;
    let mut row = 0u32;
    let mut next_col = 0u32;
    let mut row_cells = RowCells::default();
    let mut row_hidden = false;
    let mut groups: Groups = Groups::default();
    let (loc_part, loc_sheet, loc_detail): (CompactString, Option<CompactString>, _) = (
        sc.part_name.into(),
        sc.name.as_deref().map(Into::into),
        sc.detail.as_deref().map(CompactString::from),
    );
    let loc = move |cellref: CompactString, extra: Option<&str>| Location {
        part: Some(loc_part.clone()),
        sheet: loc_sheet.clone(),
        cell: Some(cellref),
        detail: match (&loc_detail, extra) {
            (Some(d), Some(e)) => Some(docsan_core::format_compact!("{d}, {e}")),
            (Some(d), None) => Some(d.clone()),
            (None, Some(e)) => Some(e.into()),
            (None, None) => None,
        },
        ..Location::default()
    };
    loop {
        let ev = w.next()?;
        if !in_data {
            match ev {
                Ev::Start {
                    raw, pos, empty, ..
                } => {
                    let l = local(tag_name(raw));
                    if l == b"sheetData" {
                        in_data = !empty;
                    } else {
                        if l == b"col" {
                            let attrs = scan_attrs(raw)?;
                            let get = |n: &[u8]| {
                                attrs.iter().find(|a| &raw[a.name.clone()] == n).map(|a| {
                                    String::from_utf8_lossy(&raw[a.value.clone()]).into_owned()
                                })
                            };
                            let hidden = get(b"hidden").is_some_and(|h| h == "1" || h == "true");
                            if let (true, Some(Ok(min)), Some(Ok(max))) = (
                                hidden,
                                get(b"min").map(|v| v.parse::<u32>()),
                                get(b"max").map(|v| v.parse::<u32>()),
                            ) {
                                sc.hidden_cols
                                    .push((min.saturating_sub(1), max.saturating_sub(1)));
                            }
                        }
                        g.on_start(ex, raw, pos, empty)?;
                    }
                }
                Ev::End { name, pos, end } => g.on_end(ex, name, pos, end)?,
                Ev::Text { start, end, text } => g.on_text(ex, start, end, text.into_owned())?,
                Ev::Eof => break,
            }
            continue;
        }
        match ev {
            Ev::Start {
                raw,
                pos,
                end,
                empty,
            } => {
                let qn = tag_name(raw);
                let l = local(qn);
                match l {
                    b"row" => {
                        flush_row(ex, &mut sc, header, &mut groups, &mut row_cells, &loc)?;
                        let mut r = None;
                        row_hidden = false;
                        each_attr(raw, |a| match &raw[a.name] {
                            b"r" if r.is_none() => {
                                r = Some(
                                    std::str::from_utf8(&raw[a.value])
                                        .ok()
                                        .and_then(|v| v.parse().ok()),
                                );
                            }
                            b"hidden" => {
                                row_hidden |= matches!(&raw[a.value], b"1" | b"true");
                            }
                            _ => {}
                        })?;
                        row = r.flatten().unwrap_or(row.saturating_add(1));
                        next_col = 0;
                    }
                    b"c" => {
                        let st = row_cells.start(empty);
                        st.hidden = row_hidden;
                        st.start = pos;
                        st.stag_end = end;
                        st.row = row;
                        st.col = next_col;
                        st.prefix = String::from_utf8_lossy(prefix(qn)).into_owned();
                        each_attr(raw, |a| {
                            match &raw[a.name.clone()] {
                                b"r" => {
                                    if let Some((c, r)) = std::str::from_utf8(&raw[a.value.clone()])
                                        .ok()
                                        .and_then(parse_ref)
                                    {
                                        st.col = c;
                                        st.row = r;
                                    }
                                }
                                b"t" => {
                                    st.t = String::from_utf8_lossy(&raw[a.value.clone()]).into();
                                    // `raw` starts after the `<` at `pos`.
                                    let blanks = raw[..a.name.start]
                                        .iter()
                                        .rev()
                                        .take_while(|b| b.is_ascii_whitespace())
                                        .count();
                                    st.t_attr = Some((
                                        pos + 1 + a.name.start - blanks,
                                        pos + 1 + a.value.end + 1,
                                    ));
                                }
                                _ => {}
                            }
                        })?;
                        next_col = st.col.saturating_add(1);
                        if !empty {
                            row_cells.open = true;
                        }
                    }
                    _ => {
                        if let Some(st) = row_cells.current() {
                            if !empty {
                                match l {
                                    b"v" => st.in_v = true,
                                    b"f" => {
                                        st.in_f = true;
                                        st.f_elem = Some((pos, end));
                                    }
                                    b"is" => st.in_is = true,
                                    b"rPh" => st.in_rph = true,
                                    b"t" => st.in_t = true,
                                    _ => {}
                                }
                            } else if l == b"f" {
                                st.f_elem = Some((pos, end));
                            }
                        }
                    }
                }
            }
            Ev::End { name, end, .. } => {
                let l = local(name);
                match l {
                    b"sheetData" => {
                        flush_row(ex, &mut sc, header, &mut groups, &mut row_cells, &loc)?;
                        in_data = false;
                        continue;
                    }
                    b"c" => {
                        if let Some(st) = row_cells.current() {
                            st.end = end;
                            row_cells.filled += 1;
                            row_cells.open = false;
                        }
                    }
                    b"row" => {
                        flush_row(ex, &mut sc, header, &mut groups, &mut row_cells, &loc)?;
                    }
                    _ => {
                        if let Some(st) = row_cells.current() {
                            match l {
                                b"v" => st.in_v = false,
                                b"f" => {
                                    st.in_f = false;
                                    if let Some(fe) = st.f_elem.as_mut() {
                                        fe.1 = end;
                                    }
                                }
                                b"is" => st.in_is = false,
                                b"rPh" => st.in_rph = false,
                                b"t" => st.in_t = false,
                                _ => {}
                            }
                        }
                    }
                }
            }
            Ev::Text { start, end, text } => {
                if let Some(st) = row_cells.current() {
                    let slot = Slot {
                        part: sc.part,
                        start: start as Pos,
                        end: end as Pos,
                        quote: 0,
                    };
                    if st.in_v {
                        st.v = Some((start, end, CompactString::from(text.as_ref())));
                    } else if st.in_f {
                        st.f_text = Some((start, end, text.into_owned()));
                    } else if st.in_is && st.in_rph {
                        st.is.shadows.push((slot, text.into_owned()));
                    } else if st.in_is && st.in_t {
                        st.is.slots.push((slot, text.len() as u32));
                        st.is_text.push_str(&text);
                    }
                }
            }
            Ev::Eof => break,
        }
    }
    comment_warning(ex, &w, sc.part_name);
    // A unit that stands for several cells says how many.
    for uid in groups.units() {
        let n = match ex.bindings.get(uid as usize) {
            Some(Binding::Sst { cells, .. }) if cells.len() > 1 => cells.len(),
            _ => continue,
        };
        if let Some(u) = ex.units.get_mut(uid as usize) {
            let more = format!("and {} more cells of this column", n - 1);
            u.context.location.detail = Some(match u.context.location.detail.take() {
                Some(d) => docsan_core::format_compact!("{d}, {more}"),
                None => more.into(),
            });
        }
    }
    g.finish(ex)
}

/// The slot of a cell's `<v>` text, from its range in the sheet part.
fn value_slot(part: u32, start: usize, end: usize) -> Slot {
    Slot {
        part,
        start: start as Pos,
        end: end as Pos,
        quote: 0,
    }
}

/// Does a buffered cell show any text?
fn cell_has_text(st: &CellState, sst: Option<&SstInfo>) -> bool {
    let v = st.v.as_ref().map(|(_, _, t)| t.as_str()).unwrap_or("");
    match st.t.as_bytes() {
        b"s" => v
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|i| sst.and_then(|s| s.sis.get(i)))
            .is_some_and(|si| !blank(&si.text)),
        _ => !blank(v) || !blank(&st.is_text),
    }
}

/// Turns the buffered cells of one row into units; the row's number of filled cells tells a
/// form line from a table row.
fn flush_row(
    ex: &mut Ex<'_>,
    sc: &mut SheetCtx<'_>,
    header: &Header,
    groups: &mut Groups,
    row: &mut RowCells,
    loc: &dyn Fn(CompactString, Option<&str>) -> Location,
) -> Result<()> {
    let done = std::mem::take(&mut row.filled);
    let pending = if row.open {
        // A cell still being read (a row tag inside it) stays the one being read, first.
        row.cells[..=done].rotate_right(1);
        &mut row.cells[1..=done]
    } else {
        &mut row.cells[..done]
    };
    if pending.is_empty() {
        return Ok(());
    }
    let mut filled = 0;
    for c in pending.iter_mut() {
        c.has_text = cell_has_text(c, sc.sst);
        filled += usize::from(c.has_text);
    }
    let mut left: Option<(u32, CompactString)> = None;
    // The column of the last cell with text, to tell a label from a value with only empty
    // (or merged) cells between them.
    let mut last_text: Option<u32> = None;
    // Read in place, not moved out one by one (a cell's state is a few hundred bytes).
    for st in pending.iter_mut() {
        let has_text = st.has_text;
        let near = left.as_ref().map(|(c, t)| Near {
            col: *c,
            text: t,
            last_filled: last_text == Some(*c),
        });
        if let Some(t) = finish_cell(ex, sc, header, groups, st, near, filled, loc)? {
            left = Some((st.col, t));
        }
        if has_text {
            last_text = Some(st.col);
        }
    }
    Ok(())
}

/// The short text nearest on a cell's left, which may label it.
struct Near<'t> {
    col: u32,
    text: &'t CompactString,
    /// No cell with text stands between it and the cell.
    last_filled: bool,
}

/// Turns one finished cell into units; returns its text when short enough to label the next.
#[allow(clippy::too_many_arguments)]
fn finish_cell(
    ex: &mut Ex<'_>,
    sc: &mut SheetCtx<'_>,
    header: &Header,
    groups: &mut Groups,
    st: &mut CellState,
    near: Option<Near<'_>>,
    row_filled: usize,
    loc: &dyn Fn(CompactString, Option<&str>) -> Location,
) -> Result<Option<CompactString>> {
    let cell_end = st.end;
    let cellref = cell_ref(st.col, st.row);
    let table = sc.tables.iter().find(|t| {
        st.row >= t.first_row.saturating_add(t.header_rows)
            && st.row <= t.last_row
            && st.col >= t.first_col
            && ((st.col - t.first_col) as usize) < t.names.len()
    });
    // Held inline (a header is short): copied into the context of every unit of the column.
    let column_header: Option<CompactString> = if let Some(t) = table {
        t.names
            .get((st.col - t.first_col) as usize)
            .map(|n| n.as_str().into())
    } else if st.row >= header.first_data_row && !header.spans_headers(st.row, st.col) {
        header.cols.get(&st.col).map(|n| n.as_str().into())
    } else {
        None
    };
    let in_header_rows = st.row >= header.header_row && st.row < header.first_data_row;
    // The cell to the left labels this one in a form (`联系电话：` then the number): always
    // when it ends with a colon, otherwise only outside a table with headers.
    let label = near
        .as_ref()
        .filter(|n| {
            let adjacent = n.col.saturating_add(1) == st.col;
            n.text.trim_end().ends_with([':', '：'])
                || (column_header.is_none() && !in_header_rows && adjacent)
                // A two-cell row of a wider table is a form line (`填报人 | value`).
                || (column_header.is_some() && row_filled == 2 && header.cols.len() >= 3 && adjacent)
        })
        .map(|n| CompactString::from(n.text.trim()))
        // Cells of the header row are column names, not values labelled by their neighbour.
        .or_else(|| in_header_rows.then(|| "column header".into()));
    // A form's row can pass for a header row (`姓名 | 贾宝玉 | 性别 | 男`): there a cell right
    // of a name label that has the shape of a Chinese name is labelled by it.
    // So is a name two or three columns right of a name label with only empty or merged cells
    // between them (`姓名` over A2:B2, the name in C2), in any row.
    let form_label = near
        .as_ref()
        .filter(|n| {
            let adjacent = n.col.saturating_add(1) == st.col;
            let gap = n.last_filled && st.col > n.col.saturating_add(1) && st.col <= n.col + 3;
            ((in_header_rows && adjacent) || gap) && name_label(n.text)
        })
        .map(|n| CompactString::from(n.text.trim()));
    let label_for = |own: &str| match &form_label {
        Some(f) if person_shaped(own) && !SURNAME_HEADERS.contains(&own.trim()) => Some(f.clone()),
        _ => label.clone(),
    };
    let hidden = st.hidden
        || sc
            .hidden_cols
            .iter()
            .any(|&(a, b)| a <= st.col && st.col <= b);
    let mk_ctx = |kind: UnitKind, extra: Option<&str>, own: &str| {
        let extra = match (hidden, extra) {
            (true, Some(e)) => Some(format!("hidden row or column, {e}")),
            (true, None) => Some("hidden row or column".to_string()),
            (false, e) => e.map(str::to_string),
        };
        let mut ctx = UnitContext::new(kind, loc(cellref.clone(), extra.as_deref()));
        ctx.column_header.clone_from(&column_header);
        ctx.label = label_for(own);
        ctx
    };
    let mut out_text: Option<CompactString> = None;
    match st.t.as_bytes() {
        b"s" => {
            let Some((vs, ve, vt)) = st.v.take() else {
                return Ok(None);
            };
            let idx: u32 = vt
                .trim()
                .parse()
                .map_err(|_| Error::malformed(format!("bad shared string index at {cellref}")))?;
            let si = sc
                .sst
                .and_then(|s| s.sis.get(idx as usize))
                .ok_or_else(|| {
                    Error::malformed(format!("shared string index out of range at {cellref}"))
                })?;
            if let Some(u) = sc.sst_used.get_mut(idx as usize) {
                *u = true;
            }
            let cellpos = (sc.part, vs as Pos, ve as Pos);
            // Cells of one column under a header share a unit; for a search of texts, all
            // cells of the sheet do.
            let key = (idx, if ex.texts_only { 0 } else { st.col });
            let grouped = column_header.is_some() || ex.texts_only;
            if grouped && let Some(uid) = groups.get(&key) {
                // Handed to a sink, the unit is gone already: it was seen once, which is all
                // a check needs.
                if let Some(Binding::Sst { cells, .. }) = ex.bindings.get_mut(uid as usize) {
                    cells.push(cellpos);
                }
                return Ok(None);
            }
            if !blank(&si.text) || !si.binding.shadows.is_empty() {
                let uid = ex.push(
                    si.text.clone(),
                    mk_ctx(UnitKind::SheetCell, None, &si.text),
                    Binding::Sst {
                        index: idx,
                        cells: crate::OneOrMany::one(cellpos),
                    },
                )?;
                if grouped {
                    groups.insert(key, uid);
                }
            }
            if at_most_chars(&si.text, 16) {
                out_text = Some(si.text.clone());
            }
        }
        b"inlineStr" if !st.is.slots.is_empty() || st.v.is_none() => {
            let text = std::mem::take(&mut st.is_text);
            if !blank(&text) || !st.is.shadows.is_empty() {
                if at_most_chars(&text, 16) {
                    out_text = Some(text.as_str().into());
                }
                let ctx = mk_ctx(UnitKind::SheetCell, None, &text);
                ex.push(
                    text,
                    ctx,
                    Binding::Text(Box::new(std::mem::take(&mut st.is))),
                )?;
            }
            // A value beside the inline string (no writer puts one there; a reader shows the
            // string, but the value is in the file): a unit of its own.
            if let Some((vs, ve, vt)) = st.v.take()
                && !blank(&vt)
            {
                let ctx = mk_ctx(
                    UnitKind::SheetCell,
                    Some("value beside an inline string"),
                    &vt,
                );
                let binding = TextBinding::one(value_slot(sc.part, vs, ve), vt.len());
                ex.push(vt, ctx, Binding::Text(Box::new(binding)))?;
            }
        }
        b"e" | b"b" => {}
        t => {
            if let Some((vs, ve, vt)) = st.v.take() {
                // Anything but a plain number is text (unknown types and non-numbers in
                // number cells included): nothing in a cell is skipped unseen.
                let number = vt.trim().parse::<f64>();
                let is_str = !matches!(t, b"" | b"n") || number.is_err();
                if is_str && !blank(&vt) {
                    if at_most_chars(&vt, 16) {
                        out_text = Some(vt.as_str().into());
                    }
                    let ctx = mk_ctx(UnitKind::SheetCell, None, &vt);
                    let binding = TextBinding::one(value_slot(sc.part, vs, ve), vt.len());
                    ex.push(vt, ctx, Binding::Text(Box::new(binding)))?;
                } else if !is_str && numeric_candidate(&vt) {
                    let magnitude = number.map(f64::abs).unwrap_or(0.0);
                    if magnitude >= 1e15 {
                        ex.diags.push(
                            Diagnostic::info(
                                "number-lost-digits",
                                "numeric cell holds a number of sixteen or more digits stored as a floating-point value; digits beyond the fifteenth were lost by the writer",
                            )
                            .at(loc(cellref.clone(), None)),
                        );
                    }
                    // (A number written as `1.3812345678E10` is read in its digits.)
                    let text: CompactString = match exact_integer(&vt) {
                        Some(d) => d.into(),
                        None => vt.trim().into(),
                    };
                    ex.push(
                        text,
                        mk_ctx(UnitKind::SheetCell, Some("numeric cell"), ""),
                        Binding::Number(Box::new(NumberCell {
                            part: sc.part,
                            cell: st.start as Pos..cell_end as Pos,
                            stag_end: st.stag_end as Pos,
                            t_attr: st.t_attr.map(|(a, b)| a as Pos..b as Pos),
                            formula: st.f_elem.map(|(a, b)| a as Pos..b as Pos),
                            prefix: st.prefix.clone(),
                        })),
                    )?;
                }
            }
        }
    }
    // An inline string in a cell of another type is still text a reader may show.
    if !st.is.slots.is_empty() && !blank(&st.is_text) {
        let ctx = mk_ctx(UnitKind::SheetCell, None, &st.is_text);
        ex.push(
            std::mem::take(&mut st.is_text),
            ctx,
            Binding::Text(Box::new(std::mem::take(&mut st.is))),
        )?;
    }
    if let Some((fs, fe, ft)) = st.f_text.take()
        && (ft.contains('"') || !ft.is_ascii() || has_digit_run(&ft, 7))
    {
        let pieces = literal_ranges(&ft, 2);
        let fuid = ex.push(
            ft.as_str(),
            mk_ctx(UnitKind::Field, Some("formula"), ""),
            Binding::Formula(Slot {
                part: sc.part,
                start: fs as Pos,
                end: fe as Pos,
                quote: 0,
            }),
        )?;
        // A value may be spelt in pieces: the literals joined are a unit of their own.
        if let Some(ranges) = pieces {
            let ctx = mk_ctx(UnitKind::Field, Some("formula string pieces joined"), "");
            ex.push_pieces(&ft, fuid, ranges, ctx)?;
        }
    }
    Ok(out_text.filter(|t| headerish(t)))
}

/// Names the part an error happened in (part names are locations, never values).
fn in_part(e: Error, part: &str) -> Error {
    Error::new(e.kind, format!("{part}: {}", e.message))
}

/// Is this entry name an embedded package the facade can sanitize recursively?
fn is_embedded_package(n: &str) -> bool {
    [".xlsx", ".xlsm", ".docx", ".docm", ".pptx", ".zip"]
        .iter()
        .any(|e| ends_with_ci(n, e))
}

/// Opens a workbook; `mode` says whether units are kept or handed over as they are made.
pub(crate) fn open<'l>(
    bytes: &[u8],
    limits: &'l Limits,
    mode: UnitSink<'l>,
    texts_only: bool,
) -> Result<XlsxDocument> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let needle: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
            return Err(Error::encrypted(
                "password-protected workbook (encrypted ooxml)",
            ));
        }
        return Err(Error::unsupported(
            "ole compound file (legacy .xls), not an xlsx package",
        ));
    }
    let input: Arc<[u8]> = Arc::from(bytes);
    let pkg = Package::open(input.clone(), limits)?;
    let parts: Vec<String> = pkg.entries().iter().map(|e| e.name.clone()).collect();
    let mut by_norm: BTreeMap<String, usize> = BTreeMap::new();
    for (i, e) in pkg.entries().iter().enumerate() {
        if !e.is_dir {
            by_norm.entry(norm(&e.name)).or_insert(i);
        }
    }
    let utf16: std::cell::RefCell<BTreeMap<u32, crate::xml::Utf16>> = Default::default();
    let read_idx = |i: usize| -> Result<Vec<u8>> {
        let raw = pkg.read(&parts[i])?;
        match decode_utf16(&raw)? {
            Some((utf8, enc)) => {
                utf16.borrow_mut().insert(i as u32, enc);
                Ok(utf8)
            }
            None => Ok(raw),
        }
    };
    let read_norm = |n: &str| -> Result<Option<(usize, Vec<u8>)>> {
        match by_norm.get(n) {
            Some(&i) => Ok(Some((i, read_idx(i)?))),
            None => Ok(None),
        }
    };
    let mut ex = Ex {
        limits,
        units: Vec::new(),
        slim: Vec::new(),
        bindings: Vec::new(),
        diags: Vec::new(),
        mode,
        count: 0,
        formula_pieces: false,
        shared_items: BTreeMap::new(),
        texts_only,
    };
    let mut done: BTreeSet<usize> = BTreeSet::new();

    // The workbook part, from the package relationships.
    let mut wb_name = "xl/workbook.xml".to_string();
    if let Some((_, rels)) = read_norm("_rels/.rels")? {
        for r in parse_rels(&rels)? {
            if r.rel_type.ends_with("/officeDocument") && !r.external {
                wb_name = resolve_target("", &r.target);
            }
        }
    }
    if ends_with_ci(&wb_name, ".bin") || by_norm.contains_key("xl/workbook.bin") {
        return Err(Error::unsupported("binary workbook (xlsb)"));
    }
    let Some((wb_idx, wb_src)) = read_norm(&wb_name)? else {
        return Err(Error::malformed("package has no workbook part"));
    };
    done.insert(wb_idx);

    // The workbook's relationships: sheets, shared strings, calculation chain.
    let wb_rels_name = rels_path_for(&wb_name);
    let mut rid_to_part: BTreeMap<String, String> = BTreeMap::new();
    let mut sst_name: Option<String> = None;
    let mut calc_chain: Option<String> = None;
    if let Some((_, rels)) = read_norm(&wb_rels_name)? {
        for r in parse_rels(&rels)? {
            if r.external {
                continue;
            }
            let target = resolve_target(&wb_name, &r.target.replace('\\', "/"));
            if r.rel_type.ends_with("/sharedStrings") {
                sst_name = Some(target.clone());
            } else if r.rel_type.ends_with("/calcChain") {
                calc_chain = Some(target.clone());
            }
            rid_to_part.insert(r.id, target);
        }
    }
    if sst_name.is_none() && by_norm.contains_key("xl/sharedStrings.xml") {
        sst_name = Some("xl/sharedStrings.xml".into());
    }

    let mut wb_gen = Gen::new(wb_idx as u32, &parts[wb_idx], Role::Workbook);
    walk_generic(&mut ex, &mut wb_gen, &wb_src).map_err(|e| in_part(e, &parts[wb_idx]))?;
    let sheets = std::mem::take(&mut wb_gen.sheets);

    let mut sst: Option<SstInfo> = None;
    if let Some(n) = &sst_name
        && let Some((i, src)) = read_norm(n)?
    {
        sst = Some(walk_sst(&src, i as u32, limits).map_err(|e| in_part(e, &parts[i]))?);
        done.insert(i);
    }
    let mut sst_used = vec![false; sst.as_ref().map_or(0, |s| s.sis.len())];

    for decl in &sheets {
        let Some(target) = rid_to_part.get(&decl.rid) else {
            continue;
        };
        let Some(&i) = by_norm.get(target.as_str()) else {
            continue;
        };
        if !done.insert(i) {
            continue;
        }
        let detail = match decl.state.as_str() {
            "hidden" => Some("hidden sheet".to_string()),
            "veryHidden" => Some("very hidden sheet".to_string()),
            _ => None,
        };
        if role_for(target) == Role::Sheet && target.contains("/macrosheets/") {
            ex.diags.push(
                Diagnostic::warning(
                    "macro-sheet",
                    "excel 4.0 macro sheet: macros cannot be checked",
                )
                .at(Location::part(parts[i].clone())),
            );
        }
        let mut tables = Vec::new();
        if let Some((_, rels)) = read_norm(&rels_path_for(target))? {
            for r in parse_rels(&rels)? {
                if r.rel_type.ends_with("/table") && !r.external {
                    let tn = resolve_target(target, &r.target.replace('\\', "/"));
                    if let Some((_, tsrc)) = read_norm(&tn)? {
                        tables.extend(parse_table(&tsrc, limits));
                    }
                }
            }
        }
        let sc = SheetCtx {
            part: i as u32,
            part_name: &parts[i],
            name: Some(decl.name.clone()),
            detail,
            sst: sst.as_ref(),
            sst_used: &mut sst_used,
            tables,
            hidden_cols: Vec::new(),
        };
        walk_sheet_part(&mut ex, &pkg, i, &read_idx, sc)?;
    }

    // Pivot cache definitions first, so that their records know the field names.
    // Field names and definition part of each records part.
    let mut pivot_fields: BTreeMap<String, (Vec<String>, u32)> = BTreeMap::new();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| {
        let r = role_for(&norm(&parts[i]));
        (r != Role::PivotCache, i)
    });
    let mut embedded = Vec::new();
    let mut content_types = None;
    let mut workbook_rels = None;
    for i in order {
        let entry = &pkg.entries()[i];
        if entry.is_dir || done.contains(&i) {
            continue;
        }
        let n = norm(&entry.name);
        let loc = Location::part(entry.name.clone());
        if n.eq_ignore_ascii_case("[Content_Types].xml") {
            content_types = Some(entry.name.clone());
            continue;
        }
        if n == wb_rels_name {
            workbook_rels = Some(entry.name.clone());
        }
        if calc_chain.as_deref() == Some(n.as_str()) {
            continue;
        }
        let lower = n.to_ascii_lowercase();
        let is_xml = [".xml", ".rels", ".vml"].iter().any(|e| lower.ends_with(e));
        if is_xml {
            let role = role_for(&n);
            if role == Role::Sheet {
                let sc = SheetCtx {
                    part: i as u32,
                    part_name: &entry.name,
                    name: None,
                    detail: Some("sheet not listed in the workbook".into()),
                    sst: sst.as_ref(),
                    sst_used: &mut sst_used,
                    tables: Vec::new(),
                    hidden_cols: Vec::new(),
                };
                walk_sheet_part(&mut ex, &pkg, i, &read_idx, sc)?;
                continue;
            }
            let src = read_idx(i)?;
            // A Power Query package: its queries are the units, the base64 around them is
            // not text.
            let (mashups, unread) = if lower.starts_with("customxml/") {
                crate::mashup::find(&src)
            } else {
                (Vec::new(), false)
            };
            if unread {
                ex.diags.push(
                    Diagnostic::warning(
                        "power-query",
                        "Power Query package (DataMashup) written in a way docsan does not read (CDATA, references, comments or no end tag); its queries were not checked",
                    )
                    .at(loc.clone()),
                );
            }
            if !mashups.is_empty() || unread {
                for range in mashups {
                    let b64 = &src[range.clone()];
                    let slot = Slot {
                        part: i as u32,
                        start: Pos::try_from(range.start)
                            .map_err(|_| Error::limit("part too large"))?,
                        end: Pos::try_from(range.end)
                            .map_err(|_| Error::limit("part too large"))?,
                        quote: 0,
                    };
                    // A package that does not decode (another layout, damage) is not read: a
                    // warning, as for any part that cannot be checked.
                    let queries = match crate::mashup::queries(b64, limits) {
                        Ok(q) => q,
                        Err(e) => {
                            ex.diags.push(
                                Diagnostic::warning(
                                    "power-query",
                                    format!("Power Query package (DataMashup) could not be read ({e}); its queries were not checked"),
                                )
                                .at(loc.clone()),
                            );
                            continue;
                        }
                    };
                    for (member, text) in queries {
                        let mut l = Location::part(entry.name.clone());
                        l.detail = Some(docsan_core::format_compact!("Power Query {member}"));
                        ex.push(
                            text,
                            UnitContext::new(UnitKind::Other, l),
                            Binding::Mashup(Box::new((slot, member))),
                        )?;
                    }
                    ex.diags.push(
                        Diagnostic::info(
                            "power-query",
                            "Power Query package (DataMashup): its queries were read and are masked in place; their permissions go back to Excel's defaults when one is changed",
                        )
                        .at(loc.clone()),
                    );
                }
                continue;
            }
            let mut g = Gen::new(i as u32, &entry.name, role);
            if role == Role::PivotRecords
                && let Some((f, def)) = pivot_fields.get(&n)
            {
                g.fields = f.clone();
                g.def_part = Some(*def);
            }
            walk_generic(&mut ex, &mut g, &src).map_err(|e| in_part(e, &entry.name))?;
            if role == Role::PivotCache {
                // Remember the field names for the records part this definition points to.
                if let Some((_, rels)) = read_norm(&rels_path_for(&n))? {
                    for r in parse_rels(&rels)? {
                        if r.rel_type.ends_with("/pivotCacheRecords") {
                            pivot_fields.insert(
                                resolve_target(&n, &r.target),
                                (g.fields.clone(), i as u32),
                            );
                        }
                    }
                }
            }
            continue;
        }
        if lower.contains("/media/") || lower.contains("/richdata/") {
            ex.diags.push(
                Diagnostic::warning("image", "image or media part: text in it cannot be checked")
                    .at(loc),
            );
        } else if lower.contains("/embeddings/") {
            if is_embedded_package(&lower) {
                let id = EmbeddedId(embedded.len() as u32);
                embedded.push((id, entry.name.clone()));
            } else {
                ex.diags.push(
                    Diagnostic::warning("ole-object", "embedded object cannot be checked").at(loc),
                );
            }
        } else if lower.ends_with("vbaproject.bin") {
            ex.diags.push(
                Diagnostic::warning("vba-project", "vba macro project cannot be checked").at(loc),
            );
        } else if lower.contains("/printersettings/") {
            ex.diags.push(
                Diagnostic::info("printer-settings", "printer settings: binary printer data, not read as text; values found elsewhere are overwritten where they occur in it").at(loc),
            );
        } else {
            ex.diags
                .push(Diagnostic::warning("binary-part", "binary part cannot be checked").at(loc));
        }
    }

    // Shared strings no cell uses still hold text.
    if let Some(s) = &sst {
        for (i, si) in s.sis.iter().enumerate() {
            if sst_used.get(i).copied().unwrap_or(false) || blank(&si.text) {
                continue;
            }
            let ctx = UnitContext::new(
                UnitKind::SheetCell,
                Location {
                    part: Some(parts[s.part as usize].clone().into()),
                    detail: Some(docsan_core::format_compact!(
                        "shared string {i} used by no cell"
                    )),
                    ..Location::default()
                },
            );
            ex.push(
                si.text.clone(),
                ctx,
                Binding::Sst {
                    index: i as u32,
                    cells: crate::OneOrMany::None,
                },
            )?;
        }
    }

    let utf16 = utf16.into_inner();
    ex.units.shrink_to_fit();
    ex.slim.shrink_to_fit();
    ex.bindings.shrink_to_fit();
    Ok(XlsxDocument {
        utf16,
        input,
        pkg,
        parts,
        units: ex.units,
        slim: ex.slim,
        bindings: ex.bindings,
        diagnostics: ex.diags,
        sst,
        embedded,
        calc_chain,
        workbook_rels,
        content_types,
        formula_pieces: ex.formula_pieces,
        shared_items: ex.shared_items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_shaped_sheet_names() {
        for n in ["张伟", "王秀英", "李娜", "欧阳娜娜", "诸葛亮"] {
            assert!(person_shaped(n), "{n}");
        }
        for n in [
            "明细",
            "附表",
            "统计",
            "备份",
            "档案",
            "一季度",
            "公示名单",
            "汇总",
            "成绩",
            "项目",
            "Sheet1",
            "张",
        ] {
            assert!(!person_shaped(n), "{n}");
        }
    }

    #[test]
    fn grouped_cells_are_found_by_string_and_column() {
        let mut g = Groups::default();
        assert_eq!(g.get(&(5, 1)), None);
        g.insert((5, 1), 10);
        g.insert((5, 3), 11);
        g.insert((0, 3), 12);
        assert_eq!(g.get(&(5, 1)), Some(10));
        assert_eq!(g.get(&(5, 3)), Some(11));
        assert_eq!(g.get(&(0, 3)), Some(12));
        assert_eq!(g.get(&(5, 2)), None);
        assert_eq!(g.get(&(1, 3)), None);
        assert_eq!(g.get(&(99, 1)), None);
        let mut units: Vec<u32> = g.units().collect();
        units.sort_unstable();
        assert_eq!(units, [10, 11, 12]);
    }

    #[test]
    fn cell_refs_match_column_names() {
        for (col, row) in [
            (0, 1),
            (25, 9),
            (26, 10),
            (701, 123_456),
            (702, 1),
            (16_383, 1_048_576),
            (u32::MAX, u32::MAX),
        ] {
            assert_eq!(
                cell_ref(col, row).as_str(),
                format!("{}{row}", col_name(col))
            );
        }
    }

    #[test]
    fn refs_and_columns() {
        assert_eq!(parse_ref("AB12"), Some((27, 12)));
        assert_eq!(parse_ref("$C$3"), Some((2, 3)));
        assert_eq!(parse_ref("12"), None);
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(27), "AB");
        assert!(numeric_candidate("13812345678"));
        assert!(numeric_candidate("1.10101199003071E+17"));
        assert!(!numeric_candidate("11688.75"));
        assert_eq!(
            exact_integer("1.3812345678E10").as_deref(),
            Some("13812345678")
        );
        assert_eq!(
            exact_integer("1.5011112222E+10").as_deref(),
            Some("15011112222")
        );
        assert_eq!(
            exact_integer("0.19988887777E11").as_deref(),
            Some("19988887777")
        );
        assert_eq!(exact_integer("1.77E10").as_deref(), Some("17700000000"));
        assert_eq!(exact_integer("-2.5e3").as_deref(), Some("-2500"));
        assert_eq!(exact_integer("1.10101199003071E+17"), None);
        assert_eq!(exact_integer("1.25E0"), None);
        assert_eq!(exact_integer("13812345678"), None);
        assert_eq!(exact_integer("1.3E-5"), None);
        assert_eq!(exact_integer("E5"), None);
        let pieces = |f: &str| {
            literal_ranges(f, 2).map(|r| {
                r.iter()
                    .map(|&(a, b)| f[a as usize..b as usize].to_string())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            pieces(r#"CONCATENATE("320106","19840704","561X")"#).unwrap(),
            ["320106", "19840704", "561X"]
        );
        assert_eq!(
            pieces(r#""320106"&19840704&"561X""#).unwrap(),
            ["320106", "19840704", "561X"]
        );
        assert_eq!(pieces("139 & 55556789").unwrap(), ["139", "55556789"]);
        assert_eq!(pieces(r#""a""b"&"c""#).unwrap(), [r#"a""b"#, "c"]);
        assert_eq!(pieces(r#"A1&$B$2&LOG10(2)&"x""#), None);
        assert_eq!(pieces(r#"SUM(A1:A3)"#), None);
        assert!(has_digit_run("a1234567b", 7));
        assert!(!has_digit_run("123-4567", 7));
    }
}
