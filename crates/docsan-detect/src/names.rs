//! Personal names and home addresses: extent and plausibility.
//!
//! A name is only ever looked for where context says one stands (after a label, in a name
//! column, in an author field). The surname table then validates it and finds where it ends:
//! 2 to 4 characters, compound surnames such as 欧阳 or 诸葛 counted as one. Addresses run from
//! the label to the next clause boundary and must look like an address (an administrative or
//! street-level unit); addresses of offices and public bodies are recognised and left alone.

use crate::data;
use crate::text::{char_at, is_cjk, is_mask_char};
use std::ops::Range;

/// Words that follow a name in running text and so mark where it ends.
const AFTER_NAME: &[&str] = &[
    "性别",
    "年龄",
    "民族",
    "籍贯",
    "学历",
    "职务",
    "职业",
    "单位",
    "工作",
    "婚姻",
    "政治",
    "文化",
    "健康",
    "关系",
    "证件",
    "家庭",
    "户籍",
    "地址",
    "现住",
    "邮箱",
    "备注",
    "签章",
    "盖章",
    "日期",
    "同志",
    "先生",
    "女士",
    "老师",
    "的",
    "是",
    "于",
    "在",
    "等",
    "已",
    "因",
    "现",
    "系",
    "为",
    "核对",
    "审核",
    "复核",
    "签字",
    "身份证",
    "电话",
    "手机",
    "联系",
    "住",
    "家住",
    "男",
    "女",
    "户",
    "出生",
    "之",
    "和",
    "与",
    "及",
    "向",
    "对",
    "将",
    "经",
    "领取",
    "申请",
    "情况",
    "负责",
    "填报",
    "制表",
    "办理",
    "患",
    "年",
    "本人",
    "共",
    "银行",
    "账号",
    "卡号",
    "签名",
];

/// Whether `s` is one of [`NOT_NAMES`] (a set: looked up for every cell of a name column).
fn is_not_name(s: &str) -> bool {
    static SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| NOT_NAMES.iter().copied().collect());
    SET.contains(s)
}

/// A word that is nobody, or a word that starts with one of two characters or more (`家庭人口`,
/// `联系方式`, `公示期`): its prefixes looked up in the set (a name has at most six characters).
pub fn nobody(s: &str) -> bool {
    is_not_name(s) || s.char_indices().skip(2).any(|(i, _)| is_not_name(&s[..i]))
}

/// Cell values in a name column that are not names.
const NOT_NAMES: &[&str] = &[
    "合计",
    "小计",
    "总计",
    "共计",
    "备注",
    "无",
    "空",
    "以下空白",
    "同上",
    "本人",
    "姓名",
    "户主",
    "签字",
    "签名",
    "盖章",
    "未知",
    "不详",
    "其他",
    "其它",
    "暂无",
    "待定",
    "匿名",
    "汇总",
    "累计",
    "男",
    "女",
    "名单",
    "人员",
    "申请人",
    "联系人",
    "经办人",
    "家长",
    "学生",
    "老师",
    "教师",
    "医生",
    "患者",
    "病人",
    "个人",
    "单位",
    "公司",
    "部门",
    "办公室",
    "值班",
    "工作",
    "家庭",
    "住宅",
    "宿舍",
    "门卫",
    "前台",
    "客服",
    "服务",
    "咨询",
    "投诉",
    "举报",
    "监督",
    "紧急",
    "联系",
    "固定",
    "移动",
    "父亲",
    "母亲",
    "配偶",
    "子女",
    "长子",
    "长女",
    "次子",
    "次女",
    "儿子",
    "女儿",
    "孙子",
    "孙女",
    "祖父",
    "祖母",
    "外孙",
    "兄弟",
    "姐妹",
    "户主",
    "其他人",
    // Words that follow a person label in titles and sentences (`救助对象公示如下`).
    "公示",
    "公告",
    "公开",
    "通知",
    "名册",
    "花名册",
    "信息",
    "情况",
    "资格",
    "审核",
    "审批",
    "核实",
    "确认",
    "申请",
    "登记",
    "补助",
    "救助",
    "资金",
    "发放",
    "人数",
    "基本",
    "相关",
    // Notes written after a name in a roster (`刘表 (已故)`, `程普 已故`).
    "已故",
    "病故",
    "亡故",
    "去世",
    "过世",
    "离世",
    "死亡",
    "新增",
    "未领",
    "已领",
    "代领",
    "迁出",
    "已迁",
    "注销",
    "已注销",
    "退休",
    "离职",
    "在职",
    "健在",
    // Words of forms that start with a surname (时, 方, 车, 经, 简, 毕): the label column of a
    // form read as a column under its first cell (`制定人 | 部门 | 时间`).
    "时间",
    "时长",
    "方式",
    "方法",
    "车辆",
    "年度",
    "原因",
    "计划",
    "成绩",
    "经费",
    "费用",
    "经历",
    "简历",
    "简介",
    "毕业",
    "程度",
    "区域",
    "全部",
    "全体",
    "温度",
    "高度",
    "项目",
    "金额",
];

/// Characters common in column headers and form words and rare in given names.
const HEADER_CHARS: &str = "号码证卡址电话期额数计类型别级序日表单名称项目备注姓址编码";

/// Is `s` (trimmed) a plausible Chinese personal name on its own, as a whole cell or a whole
/// metadata value? Returns a confidence, or `None`.
pub fn whole_cjk_name(s: &str) -> Option<f32> {
    let n = s.chars().count();
    if !(2..=6).contains(&n) {
        return None;
    }
    if !s
        .chars()
        .all(|c| is_cjk(c) || c == '·' || c == '•' || c == '・')
    {
        return None;
    }
    if nobody(s) || starts_with_after_word(s) {
        return None;
    }
    if s.contains(['·', '•', '・']) {
        return Some(0.8);
    }
    let sl = data::surname_len(s);
    // A surname alone is what a mask leaves of a name (`诸葛` from `诸葛＊`).
    if sl == 2 && n == 2 {
        return None;
    }
    if sl > 0 && n > sl && n <= sl + 3 && !s.chars().skip(sl).any(|c| HEADER_CHARS.contains(c)) {
        Some(0.9)
    } else if n <= 3 && !s.chars().any(|c| HEADER_CHARS.contains(c)) {
        // A rare surname: accepted in a name column, with less confidence.
        Some(0.6)
    } else {
        None
    }
}

/// Two names joined by 和, 与 or 及 in one cell (`张伟和李娜`), each with a known surname, where
/// the whole is no name: their byte ranges in `s`.
pub fn joined_names(s: &str) -> Vec<Range<usize>> {
    let Some((at, c)) = s
        .char_indices()
        .find(|(i, c)| *i > 0 && matches!(c, '和' | '与' | '及'))
    else {
        return Vec::new();
    };
    let (a, b) = (&s[..at], &s[at + c.len_utf8()..]);
    let known = |x: &str| whole_cjk_name(x).is_some_and(|c| c >= 0.9);
    if known(a) && known(b) {
        vec![0..at, at + c.len_utf8()..s.len()]
    } else {
        Vec::new()
    }
}

/// Is `s` a name by its surname alone (two to four characters, a known surname, not a word
/// that is nobody or follows names), even with a character rare in names (`刘表`, `刘备`)?
/// For the first part of a name cell that a note follows.
pub fn lead_name(s: &str) -> bool {
    let n = s.chars().count();
    let sl = data::surname_len(s);
    s.chars().all(is_cjk)
        && sl > 0
        && n > sl
        && n <= sl + 2
        && !nobody(s)
        && !starts_with_after_word(s)
}

/// Generic author values that are not people.
const GENERIC_AUTHORS: &[&str] = &[
    "administrator",
    "admin",
    "user",
    "owner",
    "author",
    "microsoft",
    "microsoft office",
    "microsoft office user",
    "windows",
    "windows user",
    "python-docx",
    "openpyxl",
    "reportlab",
    "unknown",
    "guest",
    "lenovo",
    "dell",
    "hp",
    "acer",
    "asus",
    "apache poi",
    "libreoffice",
    "wps",
    "kingsoft",
    "system",
    "default",
    "test",
    "pc",
    "desktop",
    "home",
    "office",
    "none",
    "anonymous",
    "root",
    "sa",
    "n/a",
    "na",
    "null",
    "const",
    "json",
    "undefined",
    "legal",
    "xlsxwriter",
    "unknown author",
    "your name",
    "username",
];

/// Programs that write their name into a document's creator field, as whole words.
const PROGRAMS: &[&str] = &[
    "microsoft",
    "word",
    "excel",
    "powerpoint",
    "office",
    "calc",
    "writer",
    "impress",
    "libreoffice",
    "openoffice",
    "wps",
    "kingsoft",
    "acrobat",
    "adobe",
    "distiller",
    "pdf",
    "tex",
    "latex",
    "pdftex",
    "xetex",
    "ghostscript",
    "itext",
    "foxit",
    "quartz",
    "skia",
    "chrome",
    "chromium",
    "mozilla",
    "firefox",
    "pages",
    "keynote",
    "numbers",
    "google",
    "docs",
    "openpyxl",
    "python",
    "reportlab",
    "cairo",
    "poppler",
    "qt",
    "java",
    "apache",
    "aspose",
    "crystal",
    "jasper",
    "printer",
    "scanner",
    "canon",
    "epson",
    "xerox",
    "hp",
    "ricoh",
    "kyocera",
    "anonymous",
    "pandoc",
    "prince",
    "wkhtmltopdf",
    "draw",
    "math",
    "base",
    "smallpdf",
    "ilovepdf",
];

/// Words that make a value an organisation or a program rather than a person.
const ORG_WORDS: &[&str] = &[
    "公司",
    "局",
    "委",
    "院",
    "中心",
    "集团",
    "政府",
    "有限",
    "部",
    "科",
    "办",
    "所",
    "站",
    "处",
    "厅",
    "会",
    "室",
    "队",
    "校",
    "馆",
    "用户",
    "作者",
    "微软",
    "系统",
    "管理员",
    "电脑",
    "计算机",
];

/// Is this whole metadata or author value a person's name (CJK or Latin)?
pub fn person_value(s: &str) -> Option<f32> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 40 || t.chars().any(is_mask_char) {
        return None;
    }
    if t.chars().any(is_cjk) {
        if ORG_WORDS.iter().any(|w| t.contains(w)) {
            return None;
        }
        return whole_cjk_name(t).or_else(|| {
            // Mixed values such as `张三 (财务)` still name a person.
            let lead: String = t.chars().take_while(|c| is_cjk(*c)).collect();
            whole_cjk_name(&lead).map(|c| c * 0.9)
        });
    }
    let lower = t.to_ascii_lowercase();
    // Program names are matched as whole words (`Calc`, `LibreOffice Writer`), not inside
    // personal names (`Wordsworth`).
    let is_program = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| PROGRAMS.contains(&w))
        || lower.contains("libreoffice")
        || lower.contains("openoffice");
    // One or two letters (`s`, `JB`) are initials at most; masking them would also flag every
    // other `s` in the document as a leak.
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 3
        || GENERIC_AUTHORS.contains(&lower.as_str())
        || is_program
        || lower.contains("http")
    {
        return None;
    }
    let ok = t
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | '_' | ','))
        && t.chars().any(|c| c.is_alphabetic());
    if ok { Some(0.7) } else { None }
}

/// A person's name after the role it is signed with, as authors and reviewers put it in
/// metadata (`审核员刘洋`, `经办人 张伟`, `科长：王芳`): the byte offset of the name and a
/// confidence. The role must end like a person's title (`员`, `人`, `长`, `师`, `任`; `科长`
/// is one), so a department (`财务科张三`) is not taken for one.
pub fn role_prefixed_name(s: &str) -> Option<(usize, f32)> {
    const ROLE_ENDS: &[char] = &['员', '人', '长', '师', '任'];
    let t = s.trim_end();
    if t.chars().count() > 12 || t.chars().any(is_mask_char) {
        return None;
    }
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    // The name: the last two or three characters, after the role and any separator.
    for name_len in [3usize, 2] {
        if chars.len() < name_len + 2 {
            continue;
        }
        let at = chars[chars.len() - name_len].0;
        let name = &t[at..];
        let role = t[..at].trim_end_matches([' ', '\u{3000}', ':', '：', '-', '_', '/']);
        let role_n = role.chars().count();
        if !(2..=5).contains(&role_n) || !role.chars().all(is_cjk) || !role.ends_with(ROLE_ENDS) {
            continue;
        }
        if let Some(c) = whole_cjk_name(name) {
            return Some((at, c * 0.9));
        }
    }
    None
}

/// Words of table captions and templates that look like Latin names but are not.
const NOT_LATIN_NAMES: &[&str] = &[
    "total", "sum", "grand", "row", "rows", "column", "labels", "label", "name", "names", "test",
    "contact", "count", "average", "blank", "item", "items", "other", "unknown", "none", "example",
    "sample", "data", "value", "values", "header", "field", "of", "the", "and", "for", "first",
    "last", "full", "user", "admin", "new", "sheet", "table", "list", "type", "group", "amount",
];

/// Is the whole cell a Latin personal name: two or three capitalised alphabetic words, none of
/// them a caption word?
pub fn latin_cell_name(t: &str) -> bool {
    let words: Vec<&str> = t.split_whitespace().collect();
    (2..=3).contains(&words.len())
        && words.iter().all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(|c| c.is_ascii_uppercase())
                && w.len() >= 2
                && cs.all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-')
                && !NOT_LATIN_NAMES.contains(&w.to_ascii_lowercase().as_str())
        })
}

/// Finds a Chinese (or Latin) name starting at byte `pos` of `text`, after a label. Returns its
/// byte range and a confidence.
pub fn name_at(text: &str, pos: usize, latin_ok: bool) -> Option<(Range<usize>, f32)> {
    name_before(text, pos, text.len(), latin_ok)
}

/// Like [`name_at`], with the name ending at byte `limit` at the latest (where the next label
/// begins: `姓名：张三性别：男`).
pub fn name_before(
    text: &str,
    pos: usize,
    limit: usize,
    latin_ok: bool,
) -> Option<(Range<usize>, f32)> {
    let rest = text.get(pos..limit.max(pos))?;
    let first = rest.chars().next()?;
    if first.is_ascii_alphabetic() {
        if !latin_ok {
            return None;
        }
        return latin_name_at(text, pos);
    }
    if let Some(r) = spaced_name_at(rest) {
        return Some((pos + r.start..pos + r.end, 0.8));
    }
    let run: Vec<(usize, char)> = rest
        .char_indices()
        .take_while(|(_, c)| is_cjk(*c) || *c == '·')
        .take(12)
        .collect();
    let n = run.len();
    // A mask character right after the run means the name was masked already.
    let after_run = pos + run.last().map_or(0, |(i, c)| i + c.len_utf8());
    if char_at(text, after_run).is_some_and(is_mask_char) {
        return None;
    }
    let s: String = run.iter().map(|(_, c)| *c).collect();
    // Names of minorities written with a middle dot (`阿卜杜·热合曼`) are taken whole.
    if s.contains('·') && n >= 3 && !s.starts_with('·') && !s.ends_with('·') {
        return Some((pos..after_run, 0.8));
    }
    // `户主关系`, `联系人性别`: a word that follows names is no name itself, though it may
    // start with a surname (关, 文, 单).
    if starts_with_after_word(&s) {
        return None;
    }
    let sl = data::surname_len(&s);
    if sl == 0 || n < sl + 1 {
        return None;
    }
    let end_of = |k: usize| -> usize { pos + run.get(k - 1).map_or(0, |(i, c)| i + c.len_utf8()) };
    if n <= sl + 2 {
        if is_not_name(&s) {
            return None;
        }
        return Some((pos..end_of(n), 0.85));
    }
    // Longer run: the name ends where a following word begins.
    for len in [sl + 2, sl + 1] {
        let tail: String = run[len..].iter().map(|(_, c)| *c).collect();
        let head: String = run[..len].iter().map(|(_, c)| *c).collect();
        if AFTER_NAME.iter().any(|w| tail.starts_with(w)) && !is_not_name(&head) {
            return Some((pos..end_of(len), 0.75));
        }
    }
    None
}

/// Does `s` start with one of the words of two characters or more that follow a name?
fn starts_with_after_word(s: &str) -> bool {
    // Looked up for every cell of a name column: by the first character, in a sorted list of
    // (first character, word).
    static WORDS: std::sync::LazyLock<Vec<(char, &'static str)>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<(char, &'static str)> = AFTER_NAME
            .iter()
            .filter(|w| w.chars().count() >= 2)
            .filter_map(|w| Some((w.chars().next()?, *w)))
            .collect();
        v.sort_unstable();
        v
    });
    let Some(first) = s.chars().next() else {
        return false;
    };
    let from = WORDS.partition_point(|(c, _)| *c < first);
    WORDS[from..]
        .iter()
        .take_while(|(c, _)| *c == first)
        .any(|(_, w)| s.starts_with(w))
}

/// Words that follow a signing verb and its colon instead of a name (`审核：通过`, `审批：同意`,
/// `复核：合格`, `统计：全部`), many starting with a surname (通, 同, 合, 全, 单).
const VERDICTS: &[&str] = &[
    "通过", "同意", "合格", "合计", "完成", "全部", "全体", "单位", "准予", "属实", "正确", "有效",
    "批准", "核准", "审核", "确认", "符合", "达标", "良好", "优秀", "及格", "齐全", "完整", "一致",
    "正常", "合规", "盖章", "签字", "签名", "国家", "财务", "办公", "总计", "共计", "小计", "年度",
    "季度", "月度", "日期", "时间", "部门", "科室", "公司",
];

/// Is `name`, found after a signing verb (`制表：`, `审核：`) where `rest` starts (the name and
/// what follows it), a name rather than a verdict, a form word or an office (`审核：通过`,
/// `审批：同意`, `审核：不通过`, `校对：无误`, `主管：财务科`)?
pub fn after_sign_verb_ok(name: &str, rest: &str) -> bool {
    const NOT_FIRST: &str = "见已未无详同略附本该另待此其某各请由暂均共不";
    !rest.starts_with(|c| NOT_FIRST.contains(c))
        && !VERDICTS.iter().any(|w| rest.starts_with(w))
        && !nobody(name)
        && !ORG_WORDS.iter().any(|w| name.contains(w))
}

/// A name of two or three Chinese characters standing alone right after an explicit label and
/// its colon (`联系人：风清扬`, `审核人：仪琳，…`), taken even when its surname is not in the
/// table: up to the end, a blank, punctuation or `limit`, not masked, and not a word that
/// is nobody, a form word or an organisation. Its byte range.
pub fn bare_name_at(text: &str, pos: usize, limit: usize) -> Option<Range<usize>> {
    let rest = text.get(pos..limit.max(pos))?;
    let len: usize = rest
        .chars()
        .take_while(|c| is_cjk(*c))
        .take(4)
        .map(char::len_utf8)
        .sum();
    let s = &rest[..len];
    let n = s.chars().count();
    let end = pos + len;
    // Only a whole run: the character after it (limit or not) must not continue it.
    if !(2..=3).contains(&n) || char_at(text, end).is_some_and(|c| is_cjk(c) || is_mask_char(c)) {
        return None;
    }
    const NOT_FIRST: &str = "见已未无详同略附本该另待此其某各请由暂均共";
    // A compound surname alone is what a mask leaves of a name (`诸葛＊＊` read without its
    // mask glyphs).
    if nobody(s)
        || data::surname_len(s) == n
        || starts_with_after_word(s)
        || s.starts_with(|c| NOT_FIRST.contains(c))
        || s.chars().any(|c| HEADER_CHARS.contains(c))
        || ORG_WORDS.iter().any(|w| s.contains(w))
    {
        return None;
    }
    Some(pos..end)
}

/// A two- or three-character name spaced out at the start of `rest` (`张 伟`, `李　娜`), up to
/// the end, a blank run or punctuation: its byte range in `rest`.
fn spaced_name_at(rest: &str) -> Option<Range<usize>> {
    let blank = char::is_whitespace;
    let mut chars = Vec::new();
    let mut end = 0;
    let mut it = rest.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if !is_cjk(c) {
            break;
        }
        chars.push(c);
        end = i + c.len_utf8();
        // One CJK character, then one or two blanks, then the next.
        let mut blanks = 0;
        while let Some(&(_, b)) = it.peek() {
            if !blank(b) || blanks == 2 {
                break;
            }
            blanks += 1;
            it.next();
        }
        if blanks == 0 {
            // Two characters side by side: not a spaced name (`张三 李四` is two names).
            if it.peek().is_some_and(|&(_, c)| is_cjk(c)) {
                return None;
            }
            break;
        }
        if chars.len() == 3 {
            break;
        }
    }
    let spaced = rest[..end].contains(blank);
    if !(2..=3).contains(&chars.len()) || !spaced {
        return None;
    }
    let name: String = chars.iter().collect();
    whole_cjk_name(&name).map(|_| 0..end)
}

/// A Latin name: one to four capitalised words.
fn latin_name_at(text: &str, pos: usize) -> Option<(Range<usize>, f32)> {
    let rest = text.get(pos..)?;
    let mut end = pos;
    let mut words = 0;
    let mut iter = rest.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_ascii_alphabetic() || c == '\'' || c == '-' || c == '.' {
            end = pos + i + c.len_utf8();
            continue;
        }
        if c == ' ' && words < 3 && iter.peek().is_some_and(|(_, n)| n.is_ascii_uppercase()) {
            words += 1;
            continue;
        }
        break;
    }
    let v = text.get(pos..end)?.trim_end_matches(['.', '-']);
    let end = pos + v.len();
    if v.len() < 2 || !v.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    if GENERIC_AUTHORS.contains(&lower.as_str()) {
        return None;
    }
    Some((pos..end, 0.6))
}

/// Characters of the administrative and street hierarchy that make a string an address.
const ADDRESS_UNITS: &[char] = &[
    '省', '市', '区', '县', '乡', '镇', '街', '道', '村', '组', '社', '路', '巷', '弄', '号', '栋',
    '幢', '单', '室', '屯', '旗', '盟', '州', '里', '苑', '园', '楼', '舍', '庄', '寨', '队',
];

/// Words that make an address an office's rather than a home's.
const OFFICE_WORDS: &[&str] = &[
    "政务",
    "服务中心",
    "大厦",
    "大楼",
    "办公",
    "政府",
    "委员会",
    "公司",
    "医院",
    "学校",
    "银行",
    "营业厅",
    "管理局",
    "法院",
    "检察院",
    "派出所",
    "服务站",
    "办事处",
    "局",
    "中心",
    "大学",
    "学院",
];

/// Is `s` an office's or public body's address?
pub fn office_like(s: &str) -> bool {
    OFFICE_WORDS.iter().any(|w| s.contains(w))
}

/// Is `s` a plausible home address (as a whole)?
pub fn address_like(s: &str) -> bool {
    let n = s.chars().count();
    if !(4..=80).contains(&n) || s.chars().any(is_mask_char) || office_like(s) {
        return false;
    }
    let units = s.chars().filter(|c| ADDRESS_UNITS.contains(c)).count();
    let cjk = s.chars().filter(|c| is_cjk(*c)).count();
    // Province, city and county alone are what a mask keeps; a home address goes further.
    let rest = s
        .chars()
        .skip(admin_prefix_chars(s))
        .filter(|c| is_cjk(*c) || c.is_ascii_digit())
        .count();
    units >= 1 && cjk >= 3 && rest >= 2
}

/// Is `s`, standing under a column header or beside a label of addresses, an address: an
/// administrative prefix (province, city, district) and street or building detail after it?
/// Words of offices do not count against it there (`…南山区科技园创维大厦12楼`,
/// `…海淀区学院路小区3号楼`, `…番禺区大学城外环西路230号`): the column says it is someone's
/// address, and people live in towers called 大厦 and on roads called 学院路. In running text
/// [`address_like`] still leaves offices alone.
pub fn column_address(s: &str) -> bool {
    let n = s.chars().count();
    if !(6..=80).contains(&n) || s.chars().any(is_mask_char) {
        return false;
    }
    let prefix = admin_prefix_chars(s);
    if prefix == 0 {
        return false;
    }
    let rest: String = s.chars().skip(prefix).collect();
    let detail = rest
        .chars()
        .filter(|c| is_cjk(*c) || c.is_ascii_digit())
        .count();
    // A street, a house number or a building (`…南山区科技园南区创维大厦`).
    detail >= 3
        && (has_house_number(&rest)
            || rest.contains([
                '路', '街', '道', '巷', '弄', '村', '组', '楼', '栋', '幢', '室', '号', '厦', '苑',
                '园', '院', '寓', '庄',
            ])
            || rest.contains("小区"))
}

/// Words of streets, buildings and rooms in an address written in English or pinyin (`Road`,
/// `Lane`, `Building`, `Room`, `Lu`, `Hutong`): a home address has one of them and a number.
const LATIN_STREET_WORDS: &[&str] = &[
    "road",
    "rd",
    "street",
    "st",
    "avenue",
    "ave",
    "lane",
    "ln",
    "boulevard",
    "blvd",
    "drive",
    "dr",
    "way",
    "alley",
    "hutong",
    "lu",
    "jie",
    "dajie",
    "xiang",
    "nong",
    "hao",
    "building",
    "bldg",
    "block",
    "blk",
    "tower",
    "room",
    "rm",
    "flat",
    "apt",
    "apartment",
    "unit",
    "floor",
    "fl",
    "suite",
    "ste",
    "village",
    "community",
    "estate",
    "garden",
    "gardens",
    "court",
    "ct",
    "place",
    "pl",
    "square",
    "sq",
    "highway",
    "hwy",
    "residence",
    "compound",
    "xiaoqu",
    "cun",
    "lou",
    "dong",
    "no",
];

/// The ASCII words of `s`, lowercased.
fn latin_words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Does this piece of an English address name a street, a building or a room, or hold a
/// number (what a mask takes away)?
fn latin_detail(seg: &str) -> bool {
    seg.bytes().any(|b| b.is_ascii_digit())
        || latin_words(seg).any(|w| LATIN_STREET_WORDS.contains(&w.as_str()))
}

/// Is `s`, standing under a column header of addresses, a home address written in English or
/// pinyin (`Room 501, Building 3, No. 88 Jianguo Road, Chaoyang District, Beijing`): Latin
/// letters, no Chinese, a number and a word of streets, buildings or rooms, and no e-mail or
/// web address?
pub fn latin_address(s: &str) -> bool {
    let n = s.chars().count();
    (8..=200).contains(&n)
        && !s.chars().any(|c| is_cjk(c) || is_mask_char(c))
        && s.chars().filter(char::is_ascii_alphabetic).count() >= 4
        && s.bytes().any(|b| b.is_ascii_digit())
        && !s.contains(['@', '/', '\\'])
        && !s.to_ascii_lowercase().contains("www.")
        && latin_words(s).any(|w| LATIN_STREET_WORDS.contains(&w.as_str()))
}

/// Where the part of an English address that a mask keeps starts, as a byte offset: its last
/// comma-separated pieces that name no street, building or room and hold no number (the
/// district and city, `Chaoyang District, Beijing`), as the mask of a Chinese address keeps its
/// province, city and district. `s.len()` when nothing is kept.
pub fn latin_admin_tail(s: &str) -> usize {
    let mut keep = s.len();
    let mut end = s.len();
    while let Some(comma) = s[..end].rfind(',') {
        let seg = &s[comma + 1..end];
        if latin_detail(seg) || seg.trim().is_empty() {
            return keep;
        }
        keep = comma + 1 + (seg.len() - seg.trim_start().len());
        end = comma;
    }
    keep
}

/// Does `s` hold a house number: a digit directly followed by 号, 室, 栋, 幢, 组 or 弄?
pub fn has_house_number(s: &str) -> bool {
    let mut prev_digit = false;
    for c in s.chars() {
        if prev_digit && matches!(c, '号' | '室' | '栋' | '幢' | '组' | '弄') {
            return true;
        }
        prev_digit = c.is_ascii_digit() || ('０'..='９').contains(&c);
    }
    false
}

/// Finds an address starting at byte `pos`: up to the next clause boundary.
pub fn address_at(text: &str, pos: usize) -> Option<Range<usize>> {
    let rest = text.get(pos..)?;
    let mut end = pos;
    let mut prev_space = false;
    for (i, c) in rest.char_indices() {
        if i > 240 {
            break;
        }
        if matches!(
            c,
            '，' | ','
                | '。'
                | '；'
                | ';'
                | '）'
                | ')'
                | '\n'
                | '\r'
                | '\t'
                | '|'
                | '、'
                | '（'
                | '('
                | '！'
                | '？'
                | '"'
                | '“'
                | '”'
        ) {
            break;
        }
        if c == ' ' || c == '\u{3000}' {
            if prev_space {
                break;
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        end = pos + i + c.len_utf8();
    }
    let v = text.get(pos..end)?;
    // Stop before a following label such as `联系电话`; a text that starts with one is that
    // label, not an address (`身份证号` after a `住址` header in a sheet's shared strings).
    const CUT: [&str; 8] = [
        "联系电话",
        "电话",
        "手机",
        "邮编",
        "身份证",
        "银行卡",
        "联系人",
        "邮箱",
    ];
    if CUT.iter().any(|w| v.starts_with(w)) {
        return None;
    }
    let cut = CUT
        .iter()
        .filter_map(|w| v.find(w))
        .filter(|i| *i > 0)
        .min()
        .unwrap_or(v.len());
    let v = v[..cut].trim_end();
    if address_like(v) {
        Some(pos..pos + v.len())
    } else {
        None
    }
}

/// The number of leading characters of an address that name its province, city and
/// district or county (`浙江省金华市义乌市`), which the default mask keeps.
pub fn admin_prefix_chars(addr: &str) -> usize {
    let chars: Vec<char> = addr.chars().collect();
    let mut kept = 0;
    let mut seg_start = 0;
    let mut levels = 0;
    let mut i = 0;
    while i < chars.len() && levels < 3 {
        let c = chars[i];
        if !is_cjk(c) {
            break;
        }
        let seg_len = i + 1 - seg_start;
        let level_end = matches!(c, '省' | '市' | '区' | '县' | '旗' | '盟' | '州')
            || (c == '区' && i > 0 && chars[i - 1] == '治');
        if level_end && seg_len >= 2 {
            levels += 1;
            kept = i + 1;
            seg_start = i + 1;
            // `自治区` is a province and `地区` a prefecture; any other 区, a 县 or a 旗 is the
            // county level, where the kept prefix ends.
            let wide_area = c == '区' && i >= 1 && matches!(chars[i - 1], '治' | '地');
            if matches!(c, '区' | '县' | '旗') && !wide_area {
                break;
            }
        } else if seg_len > 8 || matches!(c, '路' | '街' | '镇' | '乡' | '村' | '号' | '巷')
        {
            break;
        }
        i += 1;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_end_where_they_should() {
        let t = "申请人郑兰秀（身份证号";
        let p = "申请人".len();
        let (r, _) = name_at(t, p, false).unwrap();
        assert_eq!(&t[r], "郑兰秀");
        assert!(name_at("联系人手机号码已更正为", "联系人".len(), false).is_none());
        assert!(name_at("姓名：张＊", "姓名：".len(), false).is_none());
        let t = "户主欧阳秀同志";
        let (r, _) = name_at(t, "户主".len(), false).unwrap();
        assert_eq!(&t[r], "欧阳秀");
    }

    /// The set lookups of a cell against the words that are nobody give what the scan of the
    /// list gave: whole words and words that start with one of two characters or more.
    #[test]
    fn whole_names_leave_out_words_that_are_nobody() {
        let old = |s: &str| {
            NOT_NAMES.contains(&s)
                || NOT_NAMES
                    .iter()
                    .any(|w| w.chars().count() >= 2 && s.starts_with(w))
        };
        let mut cells: Vec<String> = vec![
            "张三".into(),
            "欧阳秀英".into(),
            "家庭人口".into(),
            "联系方式".into(),
            "公示期".into(),
            "合计".into(),
            "以下空白".into(),
            "无名".into(),
            "王".into(),
        ];
        for w in NOT_NAMES {
            cells.push((*w).to_string());
            cells.push(format!("{w}张"));
            cells.push(format!("张{w}"));
            cells.push(w.chars().take(1).collect());
        }
        let mut refused = 0;
        for c in &cells {
            let n = c.chars().count();
            if (2..=6).contains(&n) && c.chars().all(is_cjk) && old(c) {
                assert_eq!(whole_cjk_name(c), None, "{c}");
                refused += 1;
            }
            assert_eq!(nobody(c), old(c), "{c}");
        }
        assert!(refused > NOT_NAMES.len());
        assert_eq!(whole_cjk_name("张三"), Some(0.9));
        assert_eq!(whole_cjk_name("家庭人口"), None);
    }

    #[test]
    fn addresses_and_offices() {
        assert!(address_like(
            "安徽省铜陵市义安区顺安镇铜都大道170号21幢1301室"
        ));
        assert!(!address_like("杭州市人民路49号政务服务中心4楼"));
        assert!(!address_like("安徽省铜陵市义安区＊＊＊＊"));
        assert_eq!(admin_prefix_chars("浙江省金华市义乌市北苑街道"), 9);
        assert_eq!(admin_prefix_chars("北京市朝阳区三里屯街道"), 6);
        assert_eq!(admin_prefix_chars("安徽省铜陵市义安区钟鸣镇"), 9);
        assert_eq!(admin_prefix_chars("浙江省湖州市长兴县雉城街道"), 9);
        assert_eq!(
            admin_prefix_chars("广西壮族自治区南宁市青秀区民族大道1号"),
            13
        );
        assert_eq!(admin_prefix_chars("铜陵市市府路70号"), 3);
    }

    #[test]
    fn addresses_in_an_address_column_may_name_buildings() {
        for a in [
            "广东省深圳市南山区科技园创维大厦12楼",
            "北京市海淀区学院路小区3号楼",
            "广东省广州市番禺区大学城外环西路230号",
            "广东省深圳市南山区科技园南区某某大厦12楼",
            "南山区科技园南区创维大厦",
        ] {
            // Refused as an office in running text, taken in an address column.
            assert!(!address_like(a), "{a}");
            assert!(column_address(a), "{a}");
        }
        // What a mask keeps, and a prefix with nothing after it, are not addresses.
        for a in [
            "浙江省金华市义乌市",
            "广东省深圳市南山区＊＊＊＊＊＊",
            "广东省深圳市南山区科技",
            "广东省深圳市南山区某某科技",
            "创维大厦12楼",
        ] {
            assert!(!column_address(a), "{a}");
        }
    }
}
