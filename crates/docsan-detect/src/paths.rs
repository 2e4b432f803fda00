//! Logins written into paths and connection strings.
//!
//! A user's folder (`C:\Users\duanzx\Desktop\`, `/home/linzhiling/`, `file:///C:/Users/x/…`)
//! and a connection string's user id (`UID=zhangyimou;`) are a person's login: office files
//! keep them in an absolute path of the workbook, an external link, a data connection. The
//! value is found by where it stands, not by its shape; generic accounts (`Public`,
//! `Administrator`, `sa`) are nobody.

use crate::text::is_mask_char;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::ops::Range;

/// The folders that hold users' folders, with a separator on each side, in plain and
/// percent-encoded forms.
const ROOTS: &[&str] = &[
    "\\users\\",
    // Backslashes doubled, as a Word field code or a string literal writes them.
    "\\\\users\\\\",
    "\\\\documents and settings\\\\",
    "/users/",
    "\\documents and settings\\",
    "/documents and settings/",
    "/documents%20and%20settings/",
    "/home/",
    "%5cusers%5c",
    "%2fusers%2f",
    "%5cdocuments%20and%20settings%5c",
    "%2fhome%2f",
];

fn roots() -> &'static AhoCorasick {
    static AC: std::sync::LazyLock<AhoCorasick> = std::sync::LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(ROOTS)
            .expect("user folder roots compile")
    });
    &AC
}

/// Folder and account names that are no one's: system and default profiles, placeholders,
/// vendors' preinstalled accounts, and common words a server's folders are called.
const GENERIC: &[&str] = &[
    "public",
    "default",
    "default user",
    "defaultuser0",
    "defaultapppool",
    "all users",
    "administrator",
    "administrators",
    "admin",
    "user",
    "users",
    "owner",
    "guest",
    "shared",
    "share",
    "localservice",
    "networkservice",
    "systemprofile",
    "system",
    "sys",
    "root",
    "sa",
    "dbo",
    "test",
    "tester",
    "demo",
    "runner",
    "ubuntu",
    "ec2-user",
    "centos",
    "vagrant",
    "docker",
    "pi",
    "www",
    "www-data",
    "web",
    "data",
    "work",
    "temp",
    "tmp",
    "backup",
    "dev",
    "build",
    "git",
    "ftp",
    "mail",
    "nobody",
    "anonymous",
    "postgres",
    "mysql",
    "oracle",
    "username",
    "user name",
    "user_name",
    "yourname",
    "your name",
    "your_name",
    "name",
    "me",
    "xxx",
    "xx",
    "desktop",
    "documents",
    "appdata",
    "home",
    "lenovo",
    "asus",
    "dell",
    "acer",
    "hp",
    "pc",
    "微软用户",
    "用户",
    "管理员",
];

fn generic(v: &str) -> bool {
    let l = v.trim().replace("%20", " ").to_lowercase();
    GENERIC.contains(&l.as_str())
        || l.starts_with(['%', '$', '<', '{', '[', '~', '.', '*'])
        || l.chars().any(is_mask_char)
}

/// Does the text before a root start a path there: the start of the text, a drive (`C:`,
/// `C%3A`), a `file://` scheme, or a character that cannot belong to a host or folder name?
fn path_starts(text: &str, at: usize) -> bool {
    let head = &text[..at];
    let lower_tail = |n: usize| -> String {
        let mut s = head.len().saturating_sub(n);
        while !head.is_char_boundary(s) {
            s += 1;
        }
        head[s..].to_ascii_lowercase()
    };
    let b = head.as_bytes();
    // A drive letter standing alone before its colon.
    let drive = |colon_len: usize| {
        b.len() > colon_len
            && b[b.len() - colon_len - 1].is_ascii_alphabetic()
            && (b.len() == colon_len + 1 || !b[b.len() - colon_len - 2].is_ascii_alphanumeric())
    };
    if head.is_empty() {
        return true;
    }
    if head.ends_with(':') && drive(1) {
        return true;
    }
    let t = lower_tail(16);
    if t.ends_with("%3a") && drive(3) {
        return true;
    }
    if t.ends_with("file://") || t.ends_with("file://localhost") || t.ends_with("file:") {
        return true;
    }
    head.chars().next_back().is_some_and(|c| {
        c.is_whitespace()
            || matches!(c, '"' | '\'' | '=' | '(' | '[' | '>' | ',' | ';' | '|')
            || !c.is_ascii()
    })
}

/// The byte ranges of user folder names in paths (`duanzx` in `C:\Users\duanzx\Desktop\`).
pub fn user_folders(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for m in roots().find_iter(text) {
        if !path_starts(text, m.start()) {
            continue;
        }
        let start = m.end();
        let rest = &text[start..];
        let encoded = rest.as_bytes();
        let mut end = rest.len();
        let mut by_separator = false;
        for (i, c) in rest.char_indices() {
            if matches!(c, '\\' | '/') {
                end = i;
                by_separator = true;
                break;
            }
            if c == '%'
                && encoded
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.eq_ignore_ascii_case(b"5c") || h.eq_ignore_ascii_case(b"2f"))
            {
                end = i;
                by_separator = true;
                break;
            }
            if c.is_control()
                || matches!(
                    c,
                    '"' | '\''
                        | '<'
                        | '>'
                        | '|'
                        | '?'
                        | ':'
                        | ';'
                        | '&'
                        | '#'
                        | ','
                        | '，'
                        | '。'
                        | '；'
                        | '：'
                        | '、'
                        | '（'
                        | '）'
                        | '“'
                        | '”'
                )
            {
                end = i;
                break;
            }
        }
        let mut seg = &rest[..end];
        // A folder the path does not go on from may be followed by prose: it ends at a blank.
        if !by_separator && let Some(sp) = seg.find(char::is_whitespace) {
            seg = &seg[..sp];
        }
        let seg = seg.trim_end();
        let n = seg.chars().count();
        if !(2..=40).contains(&n) || generic(seg) {
            continue;
        }
        out.push(start..start + seg.len());
    }
    out
}

/// Keys of a connection string's user id, lower case.
const USER_KEYS: &[&str] = &["user id", "userid", "uid", "user name", "username", "user"];

/// The byte ranges of user ids in connection strings (`zhangyimou` in `UID=zhangyimou;`,
/// `User ID=…`, `User=…`): the value runs to `;`, a quote, `&` or the end.
pub fn connection_users(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    for (eq, _) in text.match_indices('=') {
        // The key: the letters and blanks right before the `=`.
        let key_end = text[..eq].trim_end_matches([' ', '\t']).len();
        let key_start = b[..key_end]
            .iter()
            .rposition(|c| !(c.is_ascii_alphabetic() || *c == b' '))
            .map_or(0, |p| p + 1);
        let key = text[key_start..key_end].trim_start();
        if key.is_empty() || key.len() > 9 {
            continue;
        }
        let lower = key.to_ascii_lowercase();
        if !USER_KEYS.contains(&lower.as_str()) {
            continue;
        }
        // The key starts the text or follows a separator of pairs (`;`, a quote, `?`, `&`),
        // not a word joined to it (`Super_User=`, `my-user=`).
        if key_start > 0
            && !matches!(
                b[key_start - 1],
                b';' | b'"' | b'\'' | b'?' | b'&' | b'(' | b',' | b'\t' | b'\n' | b'\r'
            )
        {
            continue;
        }
        let vstart = eq + 1 + (text[eq + 1..].len() - text[eq + 1..].trim_start().len());
        let vlen = text[vstart..]
            .find([';', '"', '\'', '&', '\n', '\r', '\t', '<', '>', ')'])
            .unwrap_or(text.len() - vstart);
        let v = text[vstart..vstart + vlen].trim_end();
        if v.chars().count() < 2 || v.chars().count() > 64 || generic(v) {
            continue;
        }
        out.push(vstart..vstart + v.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders(t: &str) -> Vec<&str> {
        user_folders(t).into_iter().map(|r| &t[r]).collect()
    }

    fn conn(t: &str) -> Vec<&str> {
        connection_users(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn user_folders_in_paths() {
        assert_eq!(folders("C:\\Users\\duanzx\\Desktop\\"), ["duanzx"]);
        assert_eq!(folders("C:/Users/zhaoliying/"), ["zhaoliying"]);
        assert_eq!(
            folders("INCLUDEPICTURE \"C:\\\\Users\\\\duanzx\\\\a.png\""),
            ["duanzx"]
        );
        assert_eq!(
            folders("C:\\Documents and Settings\\huge\\My Documents"),
            ["huge"]
        );
        assert_eq!(folders("/home/linzhiling/report.xlsx"), ["linzhiling"]);
        assert_eq!(folders("/Users/zhangwei/"), ["zhangwei"]);
        assert_eq!(folders("file:///C:/Users/x.y/a.xlsx"), ["x.y"]);
        assert_eq!(folders("file:///Users/zhangwei/a.xlsx"), ["zhangwei"]);
        assert_eq!(folders("file:///C:%5CUsers%5Cduanzx%5Ca.xlsx"), ["duanzx"]);
        assert_eq!(
            folders("C%3A%5CUsers%5CJohn%20Smith%5Ca.xlsx"),
            ["John%20Smith"]
        );
        assert_eq!(folders("C:\\Users\\John Smith\\a.docx"), ["John Smith"]);
        assert_eq!(folders("保存在C:\\Users\\张伟\\桌面"), ["张伟"]);
        assert_eq!(folders("路径 C:\\Users\\lisi 下"), ["lisi"]);
        assert_eq!(
            folders("<x15ac:absPath url=\"D:\\Users\\wangfang\\\"/>"),
            ["wangfang"]
        );
        // Generic profiles, placeholders and web paths are nobody's.
        for t in [
            "C:\\Users\\Public\\Documents",
            "C:\\Users\\Default\\",
            "C:\\Documents and Settings\\All Users\\",
            "C:\\Users\\Administrator\\Desktop",
            "C:\\Users\\admin\\",
            "/home/user/",
            "C:\\Users\\%USERNAME%\\",
            "https://example.com/users/profile",
            "https://example.com/home/index.html",
            "api/users/12",
            "C:\\Users\\",
            "C:\\Users\\abc***\\",
        ] {
            assert_eq!(folders(t), Vec::<&str>::new(), "{t}");
        }
    }

    #[test]
    fn user_ids_in_connection_strings() {
        assert_eq!(
            conn("DSN=MS Access Database;DBQ=C:\\x.accdb;UID=zhangyimou;PWD=secret"),
            ["zhangyimou"]
        );
        assert_eq!(
            conn("Provider=SQLOLEDB;Data Source=srv;User ID=zhangyimou;Password=x"),
            ["zhangyimou"]
        );
        assert_eq!(conn("Server=db; user = lisi; Password=x"), ["lisi"]);
        assert_eq!(conn("uid=wangwu"), ["wangwu"]);
        assert_eq!(conn("\"User=zhaoliu\""), ["zhaoliu"]);
        // Generic accounts, empty values and other keys are nobody.
        for t in [
            "UID=sa;PWD=x",
            "User ID=root;",
            "User=admin",
            "UID=;PWD=x",
            "SuperUser=zhangsan;",
            "Email=a@b.cn;Data Source=users",
            "uid=${USER};",
        ] {
            assert_eq!(conn(t), Vec::<&str>::new(), "{t}");
        }
    }
}
