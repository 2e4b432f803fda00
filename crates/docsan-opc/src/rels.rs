//! Relationships (`_rels/*.rels`) and `[Content_Types].xml`.

use docsan_core::{Error, Result};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::BTreeMap;

/// One `<Relationship>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relationship {
    pub id: String,
    /// The type URI's last segment is what callers usually match (`officeDocument`, `hyperlink`).
    pub rel_type: String,
    pub target: String,
    /// `TargetMode="External"`: a URL or path, not a part.
    pub external: bool,
}

fn attr_value(a: &quick_xml::events::attributes::Attribute<'_>) -> String {
    a.unescape_value()
        .map(|v| v.into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
}

/// Parses a `.rels` part.
pub fn parse_rels(xml: &[u8]) -> Result<Vec<Relationship>> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if e.local_name().as_ref() == b"Relationship" =>
            {
                let mut r = Relationship {
                    id: String::new(),
                    rel_type: String::new(),
                    target: String::new(),
                    external: false,
                };
                for a in e.attributes().flatten() {
                    match a.key.as_ref() {
                        b"Id" => r.id = attr_value(&a),
                        b"Type" => r.rel_type = attr_value(&a),
                        b"Target" => r.target = attr_value(&a),
                        b"TargetMode" => {
                            r.external = attr_value(&a).eq_ignore_ascii_case("external")
                        }
                        _ => {}
                    }
                }
                out.push(r);
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(Error::malformed(format!("relationships: {e}"))),
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// The `.rels` part that holds the relationships of `part` (`word/document.xml` →
/// `word/_rels/document.xml.rels`; the package itself, `""` → `_rels/.rels`).
pub fn rels_path_for(part: &str) -> String {
    match part.rfind('/') {
        Some(i) => format!("{}/_rels/{}.rels", &part[..i], &part[i + 1..]),
        None => format!("_rels/{part}.rels"),
    }
}

/// Resolves a relationship target relative to the part that owns it, to a part name without
/// a leading slash (`word/document.xml` + `media/a.png` → `word/media/a.png`).
pub fn resolve_target(source_part: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut segs: Vec<&str> = match source_part.rfind('/') {
        Some(i) => source_part[..i].split('/').collect(),
        None => Vec::new(),
    };
    for s in target.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    segs.join("/")
}

/// Parses `[Content_Types].xml` into (extension defaults, part overrides). Part names in
/// overrides are returned without the leading slash.
pub fn content_types(xml: &[u8]) -> Result<(BTreeMap<String, String>, BTreeMap<String, String>)> {
    let mut reader = Reader::from_reader(xml);
    let mut defaults = BTreeMap::new();
    let mut overrides = BTreeMap::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let mut key = String::new();
                let mut ct = String::new();
                for a in e.attributes().flatten() {
                    match a.key.as_ref() {
                        b"Extension" | b"PartName" => key = attr_value(&a),
                        b"ContentType" => ct = attr_value(&a),
                        _ => {}
                    }
                }
                match e.local_name().as_ref() {
                    b"Default" => {
                        defaults.insert(key.to_ascii_lowercase(), ct);
                    }
                    b"Override" => {
                        overrides.insert(key.trim_start_matches('/').to_string(), ct);
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(Error::malformed(format!("content types: {e}"))),
            _ => {}
        }
        buf.clear();
    }
    Ok((defaults, overrides))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rels_and_paths() {
        let xml = br#"<?xml version="1.0"?><Relationships xmlns="x"><Relationship Id="rId1" Type="http://x/hyperlink" Target="mailto:a@b.cn?subject=&amp;x" TargetMode="External"/><Relationship Id="rId2" Type="t" Target="../media/i.png"/></Relationships>"#;
        let r = parse_rels(xml).unwrap();
        assert_eq!(r.len(), 2);
        assert!(r[0].external);
        assert_eq!(r[0].target, "mailto:a@b.cn?subject=&x");
        assert_eq!(
            rels_path_for("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
        assert_eq!(
            resolve_target("xl/worksheets/sheet1.xml", "../media/i.png"),
            "xl/media/i.png"
        );
        assert_eq!(
            resolve_target("word/document.xml", "/word/x.xml"),
            "word/x.xml"
        );
        let (d, o) = content_types(br#"<Types><Default Extension="XML" ContentType="a"/><Override PartName="/word/document.xml" ContentType="b"/></Types>"#).unwrap();
        assert_eq!(d["xml"], "a");
        assert_eq!(o["word/document.xml"], "b");
    }
}
