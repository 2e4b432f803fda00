//! Measures recall and precision on the shared dev-set's ground truth.
//!
//! Every `pii` value of `truth.json` is put into a unit the way it appears in its document
//! (a cell under its column header, a labelled line, a prose sentence, a page header, an author
//! field, a PDF table row read as one line), and every `decoy` into the sentences and columns
//! where the documents hold them. The test prints a per-kind table and fails when recall or
//! precision falls below what the engine is known to reach. It skips when the dev-set is absent.

use docsan_core::{Detector, Location, Policy, TextUnit, UnitContext, UnitId, UnitKind};
use docsan_detect::Engine;
use serde_json::Value;
use std::collections::BTreeMap;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

struct Case {
    kind: String,
    value: String,
    /// The alternative probe that masking must remove (the street part of an address).
    probe: String,
}

fn unit(text: &str, kind: UnitKind, header: Option<&str>, label: Option<&str>) -> TextUnit {
    let mut ctx = UnitContext::new(kind, Location::default());
    ctx.column_header = header.map(str::to_string).map(Into::into);
    ctx.label = label.map(str::to_string).map(Into::into);
    TextUnit::new(UnitId(0), text, ctx)
}

fn header_for(kind: &str, where_: &str) -> &'static str {
    match (kind, where_) {
        ("name", _) => "姓名",
        ("id18" | "id15", _) => "身份证号",
        ("mobile", "hidden_sheet") => "手机号码",
        ("mobile" | "landline", _) => "联系电话",
        ("card", _) => "银行卡号",
        ("address", _) => "家庭住址",
        ("email", _) => "电子邮箱",
        _ => "备注",
    }
}

/// Units holding `v` in each of the places `where_` names, with the index range of the units
/// that must contain the finding.
fn units_for(c: &Case, where_: &str, xlsx: bool, all: &[Case]) -> Vec<TextUnit> {
    let v = c.value.as_str();
    let cell = if xlsx {
        UnitKind::SheetCell
    } else {
        UnitKind::TableCell
    };
    let find = |k: &str| {
        all.iter()
            .find(|x| x.kind == k)
            .map(|x| x.value.as_str())
            .unwrap_or("")
    };
    match where_ {
        "table" | "hidden_sheet" | "numeric_cell" | "rich_text" | "split_runs"
        | "split_text_objects" | "char_by_char" | "char_spacing" | "old_revision"
        | "covered_by_box" => {
            vec![unit(v, cell, Some(header_for(&c.kind, where_)), None)]
        }
        "second_sheet" => {
            let lab = if c.kind == "name" {
                "填报人"
            } else {
                "联系电话"
            };
            vec![
                unit(lab, UnitKind::SheetCell, Some("项目"), None),
                unit(v, UnitKind::SheetCell, Some("人数"), None),
            ]
        }
        "labelled_field" => {
            let t = match c.kind.as_str() {
                "name" => format!("联系人：{v}，联系电话：0562-4893824，电子邮箱：a@b.cn。"),
                "landline" => format!("联系人：邓婷磊，联系电话：{v}，电子邮箱：a@b.cn。"),
                _ => format!("联系人：邓婷磊，联系电话：0562-4893824，电子邮箱：{v}。"),
            };
            vec![unit(&t, UnitKind::Body, None, None)]
        }
        "prose" | "formatted" => {
            let t = format!(
                "经核实，申请人{}（身份证号：{}，手机号码：{}，银行卡号：{}，家庭住址：{}）情况属实，已按规定纳入本期名单。",
                find("name"),
                find("id18"),
                find("mobile"),
                find("card"),
                find("address")
            );
            vec![unit(&t, UnitKind::Body, None, None)]
        }
        "page_header" => {
            let t = if c.kind == "name" {
                format!("经办人：{v} 联系电话：18035219388")
            } else {
                format!("经办人：马轩娜 联系电话：{v}")
            };
            vec![unit(&t, UnitKind::HeaderFooter, None, None)]
        }
        "sheet_header" => {
            let t = if c.kind == "name" {
                format!("&R&9 制表人：{v}  联系电话：17858952426")
            } else {
                format!("&R&9 制表人：毛菊  联系电话：{v}")
            };
            vec![unit(&t, UnitKind::HeaderFooter, None, None)]
        }
        "core_properties" | "xmp_metadata" => {
            vec![unit(v, UnitKind::Metadata, None, Some("dc:creator"))]
        }
        "info_dict" => {
            if c.kind == "name" {
                vec![
                    unit(v, UnitKind::Metadata, None, Some("Author")),
                    unit(
                        &format!("联系人：{v} 电话：13934661494"),
                        UnitKind::Metadata,
                        None,
                        Some("Subject"),
                    ),
                ]
            } else {
                vec![unit(
                    &format!("联系人：何雪明 电话：{v}"),
                    UnitKind::Metadata,
                    None,
                    Some("Subject"),
                )]
            }
        }
        "comment_author" | "revision_author" | "annotation_author" => {
            vec![unit(v, UnitKind::Author, None, Some("w:author"))]
        }
        "comment" => vec![unit(
            &format!("请核实该户联系电话，原登记号码{v}已停机。"),
            UnitKind::Comment,
            None,
            None,
        )],
        "cell_comment" => {
            let t = if c.kind == "name" {
                format!("核实人：{v}，电话18987560533")
            } else {
                format!("核实人：端木杰，电话{v}")
            };
            vec![unit(&t, UnitKind::Comment, None, None)]
        }
        "annotation" => {
            let t = if c.kind == "name" {
                format!("请核实：{v} 电话 15938542553")
            } else {
                format!("请核实：贺秋 电话 {v}")
            };
            vec![unit(&t, UnitKind::Annotation, None, Some("Contents"))]
        }
        "annotation_appearance" => {
            vec![unit(&format!("Tel {v}"), UnitKind::Annotation, None, None)]
        }
        "tracked_deletion" => vec![unit(v, UnitKind::TrackedDeletion, None, None)],
        "tracked_insertion" => vec![unit(
            &format!("注：联系人手机号码已更正为{v}。"),
            UnitKind::Body,
            None,
            None,
        )],
        "textbox" => {
            let t = if c.kind == "name" {
                format!("备注：本表由{v}核对，复核电话0562-7376946。")
            } else {
                format!("备注：本表由东方红核对，复核电话{v}。")
            };
            vec![unit(&t, UnitKind::TextBox, None, None)]
        }
        "hyperlink" | "link_uri" => vec![unit(
            &format!("mailto:{v}"),
            UnitKind::Hyperlink,
            None,
            None,
        )],
        _ => Vec::new(),
    }
}

/// Is the value (or its required probe) covered by findings in the units?
fn covered(engine: &Engine, units: &[TextUnit], c: &Case) -> bool {
    let findings = engine.detect_all(units);
    for probe in [c.value.as_str(), c.probe.as_str()] {
        for (i, u) in units.iter().enumerate() {
            let _ = i;
            for (pos, _) in u.text.match_indices(probe) {
                let end = pos + probe.len();
                if findings.iter().any(|f| {
                    f.range.start <= pos
                        && f.range.end >= end
                        && units.iter().position(|x| std::ptr::eq(x, u)).is_some()
                }) {
                    return true;
                }
            }
        }
    }
    false
}

/// PDF tables read as lines: a header line, then one line per row.
fn row_units(cases: &[Case]) -> Vec<(Vec<TextUnit>, Vec<usize>)> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        if c.kind == "name" || rows.is_empty() {
            rows.push(Vec::new());
        }
        if let Some(r) = rows.last_mut() {
            r.push(i);
        }
    }
    let mut out = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        let mut header = String::from("序号");
        for &i in r {
            header.push(' ');
            header.push_str(header_for(&cases[i].kind, "table"));
        }
        header.push_str(" 检查日期 补助金额");
        let header = header.as_str();
        let mut line = format!("{}", n + 1);
        for &i in r {
            line.push(' ');
            line.push_str(&cases[i].value);
        }
        line.push_str(" 2021-06-16 11,166.50");
        out.push((
            vec![
                unit(header, UnitKind::Body, None, None),
                unit(&line, UnitKind::Body, None, None),
            ],
            r.clone(),
        ));
    }
    out
}

fn decoy_units(kind: &str, v: &str) -> Vec<TextUnit> {
    let body = |t: String| unit(&t, UnitKind::Body, None, None);
    match kind {
        "amount" => vec![
            unit(v, UnitKind::TableCell, Some("补助金额"), None),
            body(format!("本期共涉及14人，资金合计{v}，已发放。")),
        ],
        "date" => vec![
            unit(v, UnitKind::TableCell, Some("检查日期"), None),
            body(format!("已于{v}通过中国工商银行义安区支行统一发放。")),
        ],
        "docno" => vec![body(format!(
            "根据《国家免费孕前优生健康检查项目实施方案》（{v}）要求"
        ))],
        "place" => vec![
            body(format!("本次公示由{v}负责解释，如有异议请在公示期内反映。")),
            body(v.to_string()),
        ],
        "serial" => vec![body(format!("资金拨付业务流水号{v}，对应支付订单号"))],
        "order62" => vec![body(format!("对应支付订单号{v}；受理档案编号"))],
        "bad_check_id" => vec![body(format!("受理档案编号{v}。"))],
        "uscc" => vec![body(format!(
            "发布单位统一社会信用代码：{v}，项目编码：12545744505。"
        ))],
        "phonelike" => vec![
            body(format!("项目编码：{v}。咨询地点")),
            unit(v, UnitKind::TableCell, Some("准考证号"), None),
        ],
        "office_address" => vec![body(format!("咨询地点：{v}。")), body(format!("地址：{v}"))],
        _ => vec![body(v.to_string())],
    }
}

#[test]
fn devset_recall_and_precision() {
    let path = format!("{SHARED}/dev-set/truth.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("dev-set not found at {path}; skipping");
        return;
    };
    let truth: Value = serde_json::from_str(&text).expect("truth.json parses");
    let engine = Engine::new(&Policy::default()).expect("engine builds");
    let mut found: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut row_found: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut decoys: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    let files = truth["files"].as_object().expect("files");
    for (name, f) in files {
        let xlsx = f["format"] == "xlsx";
        let cases: Vec<(Case, Vec<String>)> = f["pii"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let probes: Vec<String> = p["probes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect();
                let value = p["value"].as_str().unwrap_or("").to_string();
                (
                    Case {
                        kind: p["kind"].as_str().unwrap_or("").to_string(),
                        probe: probes.last().cloned().unwrap_or(value.clone()),
                        value,
                    },
                    p["where"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                )
            })
            .collect();
        let prose: Vec<Case> = cases
            .iter()
            .filter(|(_, w)| w.iter().any(|x| x == "prose"))
            .map(|(c, _)| Case {
                kind: c.kind.clone(),
                value: c.value.clone(),
                probe: c.probe.clone(),
            })
            .collect();
        for (c, wheres) in &cases {
            let mut units = Vec::new();
            for w in wheres {
                units = units_for(c, w, xlsx, &prose);
                if !units.is_empty() {
                    break;
                }
            }
            let e = found.entry(c.kind.clone()).or_default();
            e.1 += 1;
            if !units.is_empty() && covered(&engine, &units, c) {
                e.0 += 1;
            } else {
                misses.push(format!("{name}: {} in {:?}", c.kind, wheres));
            }
        }
        // PDF tables read as lines.
        if f["format"] == "pdf" {
            let table: Vec<Case> = cases
                .iter()
                .filter(|(_, w)| w.first().is_some_and(|x| x == "table"))
                .map(|(c, _)| Case {
                    kind: c.kind.clone(),
                    value: c.value.clone(),
                    probe: c.probe.clone(),
                })
                .collect();
            for (units, idx) in row_units(&table) {
                for i in idx {
                    let c = &table[i];
                    let e = row_found.entry(c.kind.clone()).or_default();
                    e.1 += 1;
                    if covered(&engine, &units, c) {
                        e.0 += 1;
                    }
                }
            }
        }
        for d in f["decoys"].as_array().into_iter().flatten() {
            let kind = d["kind"].as_str().unwrap_or("");
            let v = d["value"].as_str().unwrap_or("");
            let units = decoy_units(kind, v);
            let e = decoys.entry(kind.to_string()).or_default();
            e.1 += 1;
            let hit = units.iter().any(|u| {
                let fs = engine.detect(u);
                u.text.match_indices(v).any(|(p, _)| {
                    fs.iter()
                        .any(|f| f.range.start < p + v.len() && f.range.end > p)
                })
            });
            if hit {
                e.0 += 1;
                misses.push(format!("{name}: decoy {kind} hit"));
            }
        }
    }
    println!("{:<12} {:>10} {:>10}", "kind", "cells", "pdf rows");
    let (mut tf, mut tt) = (0, 0);
    for (k, (f, t)) in &found {
        let r = row_found.get(k).copied().unwrap_or((0, 0));
        println!("{k:<12} {:>4}/{:<5} {:>4}/{:<5}", f, t, r.0, r.1);
        tf += f;
        tt += t;
    }
    println!("{:<12} {:>4}/{:<5}", "total", tf, tt);
    println!("{:<16} {:>10}", "decoy kind", "hits/total");
    let mut dh = 0;
    for (k, (h, t)) in &decoys {
        println!("{k:<16} {h:>4}/{t:<5}");
        dh += h;
    }
    for m in misses.iter().take(40) {
        println!("MISS {m}");
    }
    let rows: (usize, usize) = row_found
        .values()
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("pdf rows total {}/{}", rows.0, rows.1);
    assert!(tf * 100 >= tt * 97, "recall fell below 97%: {tf}/{tt}");
    assert_eq!(dh, 0, "decoys were hit");
}
