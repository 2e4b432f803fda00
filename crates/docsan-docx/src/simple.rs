//! Walkers for the parts that are not WordprocessingML: document properties, custom XML data
//! stores, and relationship parts.
//!
//! Properties (`docProps/core.xml`, `app.xml`, `custom.xml`) hold one value per element, so each
//! element's text is one `Metadata` unit labelled with the element name (or, in `custom.xml`,
//! with the property name). Custom XML data stores feed content controls bound to them, and Word
//! refills the visible text from the store on load, so every text node and every attribute of a
//! store is a unit too. Relationship parts hold external targets (`mailto:`, `tel:`, URLs,
//! template paths that name a user), each one a unit whose rewrite changes the `Target` value.

use crate::events::{Events, comment_slot, event_chars};
use crate::units::{Collector, SlotKind, UnitBuf};
use crate::xml::{decode_raw, local, scan_attrs};
use docsan_core::{Limits, Location, Result, UnitContext, UnitKind};
use quick_xml::events::Event;

fn loc(part: &str, detail: Option<String>) -> Location {
    Location {
        part: Some(part.into()),
        detail: detail.map(Into::into),
        ..Location::default()
    }
}

/// Walks a part where each element's own text is one value: properties (`kind` = Metadata) and
/// custom XML data stores (`kind` = Other, attributes included).
pub(crate) fn walk_values(
    c: &mut Collector,
    part: usize,
    name: &str,
    src: &[u8],
    limits: &Limits,
    kind: UnitKind,
    with_attributes: bool,
) -> Result<()> {
    let mut ev = Events::new(src, name, limits)?;
    // One entry per open element: its qualified name, the `name` attribute of a custom property,
    // and the text collected for it.
    let mut stack: Vec<(String, Option<String>, Option<UnitBuf>)> = Vec::new();
    // A store that is a schema (`xsd:schema`, SharePoint's `contentTypeSchema`) defines names and
    // types in its attributes, not data.
    let mut schema = false;
    while let Some((e, range)) = ev.next_event()? {
        let raw = &src[range.clone()];
        match &e {
            Event::Start(s) | Event::Empty(s) => {
                let qn = String::from_utf8_lossy(s.name().as_ref()).into_owned();
                if stack.is_empty() {
                    schema = matches!(
                        local(qn.as_bytes()),
                        b"schema" | b"contentTypeSchema" | b"schemaLibrary"
                    );
                }
                let attrs = scan_attrs(raw)?;
                let mut prop_name = None;
                for a in &attrs {
                    let an = &raw[a.name.clone()];
                    if an.starts_with(b"xmlns") {
                        continue;
                    }
                    let chars = decode_raw(&raw[a.value.clone()], true)?;
                    if local(an) == b"name" && local(qn.as_bytes()) == b"property" {
                        prop_name = Some(chars.iter().collect::<String>());
                    }
                    // The root element's attributes configure the store (`SelectedStyle`,
                    // `StyleName`), they hold no data.
                    if with_attributes && !stack.is_empty() && !schema {
                        let mut ctx = UnitContext::new(kind, loc(name, Some(qn.clone())));
                        ctx.label = Some(String::from_utf8_lossy(an).into_owned().into());
                        let r = range.start + a.value.start..range.start + a.value.end;
                        c.single(part, r, SlotKind::Attr { quote: a.quote }, chars, ctx)?;
                    }
                }
                if matches!(e, Event::Start(_)) {
                    let inherited = stack.last().and_then(|(_, p, _)| p.clone());
                    stack.push((qn, prop_name.or(inherited), None));
                }
            }
            Event::End(_) => {
                if let Some((_, _, Some(buf))) = stack.pop()
                    && !buf.text.trim().is_empty()
                {
                    c.finish(buf)?;
                }
            }
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) => {
                let Some(chars) = event_chars(&e, raw)? else {
                    continue;
                };
                let Some((qn, prop, buf)) = stack.last_mut() else {
                    continue;
                };
                if buf.is_none() && chars.iter().all(|c| c.is_whitespace()) {
                    continue;
                }
                let slot = c.add_slot(part, range, SlotKind::Text, chars)?;
                let chars = c.slots[slot as usize].chars.clone();
                buf.get_or_insert_with(|| {
                    let mut b = UnitBuf::new(kind, loc(name, Some(qn.clone())));
                    b.context.label = Some(prop.clone().unwrap_or_else(|| qn.clone()).into());
                    b
                })
                .push_slot(slot, &chars);
            }
            Event::Comment(_) => {
                if let Some((r, chars)) = comment_slot(raw, &range)? {
                    let mut ctx = UnitContext::new(kind, loc(name, None));
                    ctx.label = Some("xml comment".into());
                    c.single(part, r, SlotKind::Comment, chars, ctx)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// One relationship as the rels walker saw it, for removals.
#[derive(Clone, Debug)]
pub(crate) struct RelElement {
    /// Byte range of the whole `<Relationship …/>` element.
    pub range: std::ops::Range<usize>,
    pub id: String,
    pub target: String,
    pub external: bool,
    pub rel_type: String,
}

/// Walks a `.rels` part: every external target is a unit. Returns the relationship elements.
pub(crate) fn walk_rels(
    c: &mut Collector,
    part: usize,
    name: &str,
    src: &[u8],
    limits: &Limits,
) -> Result<Vec<RelElement>> {
    let mut ev = Events::new(src, name, limits)?;
    let mut out = Vec::new();
    let mut open: Option<RelElement> = None;
    while let Some((e, range)) = ev.next_event()? {
        let raw = &src[range.clone()];
        match &e {
            Event::Start(s) | Event::Empty(s) if local(s.name().as_ref()) == b"Relationship" => {
                let attrs = scan_attrs(raw)?;
                let mut rel = RelElement {
                    range: range.clone(),
                    id: String::new(),
                    target: String::new(),
                    external: false,
                    rel_type: String::new(),
                };
                let mut target_attr = None;
                let mut id = String::new();
                for a in &attrs {
                    let value: String = decode_raw(&raw[a.value.clone()], true)?
                        .into_iter()
                        .collect();
                    match &raw[a.name.clone()] {
                        b"Target" => {
                            rel.target = value;
                            target_attr = Some(a.clone());
                        }
                        b"TargetMode" => rel.external = value.eq_ignore_ascii_case("external"),
                        b"Type" => rel.rel_type = value,
                        b"Id" => {
                            id = value.chars().take(40).collect();
                            rel.id = value;
                        }
                        _ => {}
                    }
                }
                // External targets, and targets that are URLs or hyperlinks even when a
                // generator forgot `TargetMode="External"`, are text; part names are not.
                let url_like = rel.external
                    || rel.target.contains(':')
                    || rel.rel_type.ends_with("/hyperlink");
                if let (true, Some(a)) = (url_like, target_attr) {
                    let short = rel.rel_type.rsplit('/').next().unwrap_or("").to_string();
                    let kind = if short == "hyperlink" {
                        UnitKind::Hyperlink
                    } else {
                        UnitKind::Metadata
                    };
                    let mut ctx =
                        UnitContext::new(kind, loc(name, Some(format!("relationship {id}"))));
                    ctx.label = Some(short.into());
                    let chars = decode_raw(&raw[a.value.clone()], true)?;
                    let r = range.start + a.value.start..range.start + a.value.end;
                    c.single_url(part, r, a.quote, chars, ctx)?;
                }
                if matches!(e, Event::Start(_)) {
                    open = Some(rel);
                } else {
                    out.push(rel);
                }
            }
            Event::End(s) if local(s.name().as_ref()) == b"Relationship" => {
                if let Some(mut rel) = open.take() {
                    rel.range.end = range.end;
                    out.push(rel);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Finds the byte ranges of `<Override PartName="/…"/>` elements for the given parts in
/// `[Content_Types].xml`.
pub(crate) fn override_ranges(
    src: &[u8],
    parts: &std::collections::BTreeSet<String>,
    limits: &Limits,
) -> Result<Vec<std::ops::Range<usize>>> {
    let mut ev = Events::new(src, "[Content_Types].xml", limits)?;
    let mut out = Vec::new();
    while let Some((e, range)) = ev.next_event()? {
        if let Event::Empty(s) = &e {
            if local(s.name().as_ref()) != b"Override" {
                continue;
            }
            let raw = &src[range.clone()];
            for a in scan_attrs(raw)? {
                if &raw[a.name.clone()] == b"PartName" {
                    let v: String = decode_raw(&raw[a.value.clone()], true)?
                        .into_iter()
                        .collect();
                    if parts.contains(v.trim_start_matches('/')) {
                        out.push(range.clone());
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Byte ranges of the elements named `local_name` whose relationship attribute (`r:id`) is
/// `rel_id`, each from its start tag to its end tag. Used to drop a chart's `c:externalData`
/// when the workbook it points to is removed.
pub(crate) fn elements_referencing(
    src: &[u8],
    part: &str,
    local_name: &[u8],
    rel_id: &str,
    limits: &Limits,
) -> Result<Vec<std::ops::Range<usize>>> {
    let mut ev = Events::new(src, part, limits)?;
    let mut out = Vec::new();
    // Start offset and nesting depth of an element being removed.
    let mut open: Option<(usize, u32)> = None;
    while let Some((e, range)) = ev.next_event()? {
        match &e {
            Event::Start(s) | Event::Empty(s) => {
                if let Some((_, depth)) = open.as_mut() {
                    if matches!(e, Event::Start(_)) {
                        *depth += 1;
                    }
                    continue;
                }
                if local(s.name().as_ref()) != local_name {
                    continue;
                }
                let raw = &src[range.clone()];
                let refers = scan_attrs(raw)?.iter().any(|a| {
                    let n = &raw[a.name.clone()];
                    n.contains(&b':')
                        && local(n) == b"id"
                        && decode_raw(&raw[a.value.clone()], true)
                            .is_ok_and(|v| v.iter().collect::<String>() == rel_id)
                });
                if refers {
                    if matches!(e, Event::Empty(_)) {
                        out.push(range);
                    } else {
                        open = Some((range.start, 0));
                    }
                }
            }
            Event::End(_) => {
                if let Some((start, depth)) = open {
                    if depth == 0 {
                        out.push(start..range.end);
                        open = None;
                    } else {
                        open = Some((start, depth - 1));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}
