//! Gaps the third adversarial run over spreadsheets found: separators and invisible
//! characters inside values, names with characters outside the Basic Multilingual Plane, IDs
//! and cards grouped in unusual ways, footer labels without 人, dotted and grouped phones,
//! document numbers taken for cards, English addresses.

use docsan_core::{
    Detector, Finding, Location, PiiKind, Policy, TextUnit, UnitContext, UnitId, UnitKind,
};
use docsan_detect::Engine;

fn engine() -> Engine {
    Engine::new(&Policy::default()).expect("engine")
}

fn sheet_cell(header: &str, text: &str) -> TextUnit {
    let mut ctx = UnitContext::new(UnitKind::SheetCell, Location::default());
    ctx.column_header = Some(header.into());
    TextUnit::new(UnitId(0), text, ctx)
}

/// What the engine finds in one cell under `header`, as (kind, value).
fn cell(e: &Engine, header: &str, text: &str) -> Vec<(PiiKind, String)> {
    let unit = sheet_cell(header, text);
    e.detect(&unit)
        .into_iter()
        .map(|f| (f.kind, text[f.range].to_string()))
        .collect()
}

/// The findings in one cell under `header`, with their replacements.
fn masked(e: &Engine, header: &str, text: &str) -> Vec<(Finding, String)> {
    let unit = sheet_cell(header, text);
    e.detect(&unit)
        .into_iter()
        .map(|f| {
            let r = e.replacement(&f).to_string();
            (f, r)
        })
        .collect()
}

/// What the engine finds in running text.
fn body(e: &Engine, text: &str) -> Vec<(PiiKind, String)> {
    let unit = TextUnit::new(
        UnitId(0),
        text,
        UnitContext::new(UnitKind::Body, Location::default()),
    );
    e.detect(&unit)
        .into_iter()
        .map(|f| (f.kind, text[f.range].to_string()))
        .collect()
}

fn of_kind(found: &[(PiiKind, String)], kind: PiiKind) -> Vec<&str> {
    found
        .iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The text with each of its findings replaced, as the backends write it.
fn apply(text: &str, found: &[(Finding, String)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (f, r) in found {
        out.push_str(&text[at..f.range.start]);
        out.push_str(r);
        at = f.range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn whitespace_of_any_kind_inside_ids_phones_and_names() {
    let e = engine();
    use PiiKind::*;
    for (h, t, kind) in [
        ("身份证号", "110101\n19600101\n1233", Id18),
        ("身份证号", "110101\r\n19600101\r\n1233", Id18),
        ("身份证号", "330106\u{202f}197002022345", Id18),
        ("身份证号", "440305\t198003033454", Id18),
        ("身份证号", "440305\u{2007}19800303\u{2007}3454", Id18),
        ("联系电话", "139\t0000\t1234", Mobile),
        ("联系电话", "139\u{2009}0000\u{2009}5678", Mobile),
        ("联系电话", "139\n00009012", Mobile),
        ("联系电话", "139\u{205f}0000\u{205f}9012", Mobile),
        ("联系电话", "139\u{2002}0000\u{2002}9012", Mobile),
        ("姓名", "王\u{a0}芳", Name),
        ("姓名", "王\u{2009}芳", Name),
        ("姓名", "王\t芳", Name),
        ("姓名", "王\n小\n明", Name),
        ("姓名", "王\u{202f}\u{202f}芳", Name),
        // What a narrow cell left of a value, wrapped.
        ("身份证号", "340702\n198", Id18),
        ("联系电话", "138\t5678", Mobile),
    ] {
        assert_eq!(cell(&e, h, t), vec![(kind, t.to_string())], "{h}: {t:?}");
    }
    // The same in running text and after labels.
    assert_eq!(
        body(&e, "手机：139\u{202f}0000\u{202f}3456"),
        vec![(Mobile, "139\u{202f}0000\u{202f}3456".into())]
    );
    assert_eq!(
        of_kind(&cell(&e, "备注", "联系人：李\u{a0}娜"), Name),
        vec!["李\u{a0}娜"]
    );
    assert_eq!(
        of_kind(&body(&e, "申请人：王\u{2009}芳，电话13900001234"), Name),
        vec!["王\u{2009}芳"]
    );
    assert_eq!(
        body(&e, "身份证号：110101\u{a0}19600101\u{a0}1233。"),
        vec![(Id18, "110101\u{a0}19600101\u{a0}1233".into())]
    );
    // Several names in a cell stay several names, whatever blank parts them.
    assert_eq!(
        of_kind(&cell(&e, "姓名", "张三\n李四"), Name),
        vec!["张三", "李四"]
    );
    assert_eq!(
        of_kind(&cell(&e, "姓名", "张三\t李四"), Name),
        vec!["张三", "李四"]
    );
    // Look-alikes: the grouping or the check digit must still hold, and numbers on separate
    // lines stay separate values.
    for (h, t) in [
        ("备注", "110101\n19600101\n1234"),
        ("备注", "139\t0000\t12345"),
        ("备注", "金额\n1380\n2000"),
        ("备注", "金额：1\u{2009}380\u{2009}000 元"),
        ("备注", "2021\n0000\n1234"),
    ] {
        assert_eq!(cell(&e, h, t), vec![], "{h}: {t:?}");
    }
    assert_eq!(
        cell(&e, "备注", "13900001234\n2021"),
        vec![(Mobile, "13900001234".into())]
    );
}

#[test]
fn invisible_characters_inside_numbers_and_names() {
    let e = engine();
    use PiiKind::*;
    for (h, t, kind) in [
        ("联系电话", "139\u{200b}0000\u{200b}1234", Mobile),
        ("联系电话", "1390000\u{200c}1234", Mobile),
        ("联系电话", "139\u{200d}0000\u{2060}1234", Mobile),
        ("联系电话", "\u{feff}13900001234", Mobile),
        ("联系电话", "139-\u{ad}0000-1234", Mobile),
        ("身份证号", "110101\u{200b}19600101\u{200b}1233", Id18),
        ("身份证号", "11010119600101\u{ad}1233", Id18),
        (
            "银行卡号",
            "6222\u{200b}0212\u{200b}3456\u{200b}7890\u{200b}128",
            Card,
        ),
        ("姓名", "王\u{200b}芳", Name),
    ] {
        let found = cell(&e, h, t);
        // The value found may leave out an invisible character at its edges.
        assert_eq!(found.len(), 1, "{h}: {t:?}: {found:?}");
        assert_eq!(found[0].0, kind, "{h}: {t:?}");
        assert_eq!(
            found[0].1.trim_matches(['\u{feff}', '\u{200b}']),
            t.trim_matches(['\u{feff}', '\u{200b}']),
            "{h}: {t:?}"
        );
    }
    // In running text, with a label, and with no context at all.
    assert_eq!(
        body(&e, "电话：139 0000\u{200c}1234，已登记"),
        vec![(Mobile, "139 0000\u{200c}1234".into())]
    );
    assert_eq!(
        body(&e, "备注110101\u{2060}196001011233"),
        vec![(Id18, "110101\u{2060}196001011233".into())]
    );
    // Invisible characters do not make a number out of pieces that are none.
    assert_eq!(body(&e, "编号139\u{200b}0000\u{200b}12345"), vec![]);
    assert_eq!(body(&e, "110101\u{200b}19600101\u{200b}1234"), vec![]);
}

#[test]
fn masks_keep_separators_and_invisible_characters() {
    let e = engine();
    for (h, t, want) in [
        (
            "身份证号",
            "110101\n19600101\n1233",
            "110101\n********\n1233",
        ),
        ("联系电话", "139\t0000\t1234", "139\t****\t1234"),
        (
            "联系电话",
            "139\u{2009}0000\u{2009}5678",
            "139\u{2009}****\u{2009}5678",
        ),
        (
            "联系电话",
            "139\u{200b}0000\u{200b}1234",
            "139\u{200b}****\u{200b}1234",
        ),
        (
            "身份证号",
            "11010119600101\u{ad}1233",
            "110101********\u{ad}1233",
        ),
        ("姓名", "王\u{a0}芳", "王\u{a0}＊"),
        ("姓名", "王\u{200b}芳", "王\u{200b}＊"),
        (
            "备注",
            "手机：139\u{202f}0000\u{202f}3456",
            "手机：139\u{202f}****\u{202f}3456",
        ),
    ] {
        let found = masked(&e, h, t);
        assert!(!found.is_empty(), "{h}: {t:?}");
        let out = apply(t, &found);
        assert_eq!(out, want, "{h}: {t:?}");
        // What the mask leaves is never found again.
        assert_eq!(cell(&e, h, &out), vec![], "{h}: {out:?}");
    }
}

#[test]
fn names_with_characters_outside_the_basic_plane() {
    let e = engine();
    for t in ["王𠮷", "赵𠮷明", "陈𬘭", "张𪚥", "𠮷明", "王䶮", "欧阳𫖮"] {
        assert_eq!(of_kind(&cell(&e, "姓名", t), PiiKind::Name), vec![t], "{t}");
    }
    assert_eq!(
        of_kind(&cell(&e, "姓名", "王𠮷、陈𬘭"), PiiKind::Name),
        vec!["王𠮷", "陈𬘭"]
    );
    for (t, want) in [
        ("联系人：李𬌗", "李𬌗"),
        ("联系人：李𬌗 13900001234", "李𬌗"),
        ("申请人王𠮷，身份证号见附件", "王𠮷"),
        ("经办人：陈𬘭，已核实", "陈𬘭"),
    ] {
        assert_eq!(of_kind(&body(&e, t), PiiKind::Name), vec![want], "{t}");
    }
    // Masked with the wide mask character, one for the whole character.
    let found = masked(&e, "姓名", "赵𠮷明");
    assert_eq!(apply("赵𠮷明", &found), "赵＊＊");
    assert_eq!(cell(&e, "姓名", "赵＊＊"), vec![]);
    // Other characters outside the plane are no name: emoji, symbols.
    for t in ["王😀", "😀😀", "𝐀𝐁"] {
        assert_eq!(cell(&e, "姓名", t), vec![], "{t}");
    }
}

#[test]
fn ids_grouped_any_way_that_validates() {
    let e = engine();
    use PiiKind::*;
    let id = "510107199912318427";
    for t in [
        "510 107 1999 1231 8427",
        "510-107-1999-1231-8427",
        "5101 0719 9912 3184 27",
        "51 0107 1999 1231 8427",
        "510107 1999 123184 27",
        "510 107 19991231 8427",
    ] {
        assert_eq!(cell(&e, "身份证号", t), vec![(Id18, t.into())], "{t}");
        let line = format!("身份证号：{t}");
        assert_eq!(body(&e, &line), vec![(Id18, t.into())], "{line}");
        assert_eq!(t.replace([' ', '-'], ""), id);
    }
    // Without a label, a grouping people do not write needs groups of three digits or more
    // parted alike, and the whole ID must validate (region, birth date, check digit).
    assert_eq!(
        body(&e, "号码 510 107 1999 1231 8427 已登记"),
        vec![(Id18, "510 107 1999 1231 8427".into())]
    );
    for t in [
        // The check digit is wrong.
        "510 107 1999 1231 8428",
        "身份证号：510 107 1999 1231 8428",
        // Pieces of different lengths and separators, as a row of numbers reads.
        "1 10 101 1960 0101 1233",
        "110 101 19 60 0101 1233",
        "510 107-1999 1231-8427",
        // An unknown region.
        "000 107 1999 1231 8427",
    ] {
        assert_eq!(of_kind(&body(&e, t), Id18), Vec::<&str>::new(), "{t}");
    }
    assert_eq!(cell(&e, "身份证号", "510 107 1999 1231 8428"), vec![]);
    // A valid check digit is not enough for an unusual grouping under no label.
    assert_eq!(body(&e, "金额 110 101 19 60 0101 1233 元"), vec![]);
}

#[test]
fn cards_and_phones_grouped_with_double_blanks_under_their_label() {
    let e = engine();
    use PiiKind::*;
    for (h, t, kind) in [
        ("银行卡号", "6225  8836  4942  0556", Card),
        (
            "银行卡号",
            "6225\u{3000}\u{3000}8836\u{3000}\u{3000}4942\u{3000}\u{3000}0556",
            Card,
        ),
        ("银行卡号", "6225 8836 4942 0556", Card),
        ("联系电话", "139  0000  1234", Mobile),
        ("身份证号", "510107  19991231  8427", Id18),
    ] {
        assert_eq!(cell(&e, h, t), vec![(kind, t.into())], "{h}: {t}");
    }
    assert_eq!(
        body(&e, "卡号：6225  8836  4942  0556"),
        vec![(Card, "6225  8836  4942  0556".into())]
    );
    // Without a label, cells a row parts with two blanks are separate numbers.
    for t in [
        "4000  5000  6000  7003",
        "6225  5000  6000  7007",
        "序号  4000  5000  6000  7003",
    ] {
        assert_eq!(body(&e, t), vec![], "{t}");
    }
    // After a label, the numbers of a row parted by two blanks stay separate values, each
    // read with its own context.
    assert_eq!(
        body(&e, "手机  13900001234  20210305"),
        vec![(Mobile, "13900001234".into())]
    );
    assert_eq!(
        body(&e, "身份证号  510107199912318427  13900001234  3"),
        vec![
            (Id18, "510107199912318427".into()),
            (Mobile, "13900001234".into())
        ]
    );
    // Under the label, also parted unevenly.
    assert_eq!(
        cell(&e, "银行卡号", "6225  8836 4942  0556"),
        vec![(Card, "6225  8836 4942  0556".into())]
    );
}

#[test]
fn footer_labels_without_a_person_word_label_the_name() {
    let e = engine();
    for label in [
        "制表", "审核", "经办", "制图", "复核", "填表", "核对", "校对", "审批", "批准", "统计",
        "录入", "编制", "监制", "主管", "会计", "出纳", "记账", "制单", "审定", "核准",
    ] {
        for sep in ["：", ":", "： "] {
            let t = format!("{label}{sep}杨晓东");
            assert_eq!(of_kind(&body(&e, &t), PiiKind::Name), vec!["杨晓东"], "{t}");
            assert_eq!(
                of_kind(&cell(&e, "备注", &t), PiiKind::Name),
                vec!["杨晓东"],
                "{t}"
            );
        }
    }
    // A footer row with several labels, and mixed text.
    assert_eq!(
        of_kind(
            &body(&e, "制表：杨晓东    审核：赵丽华    日期：2021年3月1日"),
            PiiKind::Name
        ),
        vec!["杨晓东", "赵丽华"]
    );
    assert_eq!(
        body(&e, "经办：陈春梅 177****0987"),
        vec![(PiiKind::Name, "陈春梅".into())]
    );
    assert_eq!(
        body(&e, "制图：杨晓东，电话199****7777"),
        vec![(PiiKind::Name, "杨晓东".into())]
    );
    assert_eq!(
        of_kind(&body(&e, "财务审核：孙红梅"), PiiKind::Name),
        vec!["孙红梅"]
    );
    assert_eq!(
        of_kind(&body(&e, "制表：杨晓东 2021年3月1日 财务科"), PiiKind::Name),
        vec!["杨晓东"]
    );
    // A verb ending a line labels the name starting the next, not a verdict there.
    let lines = |texts: &[&str]| -> Vec<String> {
        let units: Vec<TextUnit> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                TextUnit::new(
                    UnitId(i as u32),
                    *t,
                    UnitContext::new(UnitKind::Body, Location::default()),
                )
            })
            .collect();
        e.detect_all(&units)
            .into_iter()
            .map(|f| units[f.unit.0 as usize].text[f.range].to_string())
            .collect()
    };
    assert_eq!(lines(&["制表：", "杨晓东"]), vec!["杨晓东"]);
    assert_eq!(lines(&["审核：", "通过"]), Vec::<String>::new());
    // A column headed by such a verb holds verdicts, not names.
    for t in ["通过", "同意", "已审核", "合格"] {
        assert_eq!(cell(&e, "审核", t), vec![], "{t}");
    }
    // What follows these words is often no name: a verdict, a date, a unit, a mask.
    for t in [
        "审核：通过",
        "审核：已通过",
        "审批：同意",
        "批准：同意",
        "核对：无误",
        "复核：合格",
        "统计：合计",
        "统计：2021年",
        "录入：完成",
        "主管：财务科",
        "会计：科目",
        "监制：国家统计局",
        "校对：杨＊＊",
        "制表：＊＊＊",
        "审核意见：同意",
        "审核：不通过",
        "制表：单位盖章",
        "统计：全部",
        "编制：二〇二一年",
    ] {
        assert_eq!(
            of_kind(&body(&e, t), PiiKind::Name),
            Vec::<&str>::new(),
            "{t}"
        );
    }
    // 由…核对 still names the person before the verb.
    assert_eq!(
        of_kind(&body(&e, "以上数据由张三核对"), PiiKind::Name),
        vec!["张三"]
    );
}

#[test]
fn dotted_numbers_and_landlines_grouped_four_four() {
    let e = engine();
    use PiiKind::*;
    for (t, kind) in [
        ("186.5555.7777", Mobile),
        ("186．5555．7777", Mobile),
        ("010-6345 6789", Landline),
        ("0571-8765 4321", Landline),
        ("0571-8765-4321", Landline),
        ("010 6345 6789", Landline),
        ("0571 876 5432", Landline),
        ("0571.8765.4321", Landline),
        ("010.63456789", Landline),
    ] {
        assert_eq!(cell(&e, "联系电话", t), vec![(kind, t.into())], "{t}");
        for label in ["手机：", "电话：", "住宅电话：", "联系方式 "] {
            let line = format!("{label}{t}");
            assert_eq!(body(&e, &line), vec![(kind, t.into())], "{line}");
        }
        // Also with no label: the grouping and the number validate.
        let line = format!("请拨打{t}咨询");
        assert_eq!(body(&e, &line), vec![(kind, t.into())], "{line}");
    }
    // The forms that worked before still do.
    for t in [
        "010-64567890-801",
        "(0571)87654321",
        "（010）62345678",
        "021—58961234",
    ] {
        assert_eq!(of_kind(&cell(&e, "联系电话", t), Landline).len(), 1, "{t}");
    }
    // IDs and cards written with dots.
    for (h, t, kind) in [
        ("身份证号", "510107.19991231.8427", Id18),
        ("身份证号", "510.107.1999.1231.8427", Id18),
        ("银行卡号", "6225.8836.4942.0556", Card),
    ] {
        assert_eq!(cell(&e, h, t), vec![(kind, t.into())], "{h}: {t}");
    }
    // Masks keep the dots.
    let found = masked(&e, "联系电话", "186.5555.7777");
    assert_eq!(apply("186.5555.7777", &found), "186.****.7777");
    let found = masked(&e, "联系电话", "0571-8765 4321");
    assert_eq!(apply("0571-8765 4321", &found), "0571-**** **21");
    // Dotted numbers that are none: decimals, dates, versions, addresses of hosts, amounts,
    // numbers a dot joins to more digits, local numbers that start with 0 or 1.
    for t in [
        "3.14159",
        "2021.03.05",
        "1186.5555.7777",
        "186.5555.7777.1",
        "1.186.5555.7777",
        "186.5555.77771",
        "192.168.100.123",
        "v186.5555.7777",
        "合计 186.5555.7777 元",
        "1234.5678.9012",
        "0571-8765 43210",
        "010-1234 5678",
        "2021-0305 1234",
        "186.5555.7777.",
    ] {
        let found = body(&e, t);
        // (The last one: a sentence ending after the number is still the number.)
        if t.ends_with("7777.") {
            assert_eq!(found, vec![(Mobile, "186.5555.7777".into())], "{t}");
        } else {
            assert_eq!(found, vec![], "{t}");
        }
    }
}

#[test]
fn columns_of_order_waybill_and_invoice_numbers_hold_no_cards() {
    let e = engine();
    use PiiKind::*;
    for h in [
        "物流单号",
        "订单编号",
        "订单号",
        "快递单号",
        "运单号",
        "发票号码",
        "票号",
        "编号",
        "流水号",
        "交易流水号",
        "序列号",
        "工单号",
        "合同编号",
        "会员卡编号",
        "Order No.",
        "Tracking Number",
        "Invoice No",
    ] {
        for t in [
            "4000005848304011",
            "6000001980364942058",
            "6225883649420556",
        ] {
            assert_eq!(cell(&e, h, t), vec![], "{h}: {t}");
        }
        // Nor landlines: an order number may start with 0.
        assert_eq!(cell(&e, h, "02158961234"), vec![], "{h}");
        // A resident ID still is one: its check digit says so.
        assert_eq!(
            cell(&e, h, "510107199912318427"),
            vec![(Id18, "510107199912318427".into())],
            "{h}"
        );
    }
    // After such a label in running text too.
    for t in [
        "订单号：6000001980364942058",
        "快递单号 4000005848304011 已签收",
        "发票号码为6225883649420556",
    ] {
        assert_eq!(body(&e, t), vec![], "{t}");
    }
    // Columns and labels of cards and accounts keep them, and a card labelled inside a cell of
    // such a column is one.
    for h in [
        "银行卡号",
        "卡号",
        "账号",
        "银行账号",
        "对公账号",
        "收款账号",
    ] {
        assert_eq!(
            cell(&e, h, "6225883649420556"),
            vec![(Card, "6225883649420556".into())],
            "{h}"
        );
    }
    assert_eq!(
        cell(&e, "订单号", "退款卡号：6225883649420556"),
        vec![(Card, "6225883649420556".into())]
    );
    assert_eq!(
        body(&e, "银行卡号：6225883649420556，订单号：4000005848304011"),
        vec![(Card, "6225883649420556".into())]
    );
    // A mobile number validates on its own, in any column (as before).
    assert_eq!(
        cell(&e, "订单编号", "13912345678"),
        vec![(Mobile, "13912345678".into())]
    );
}

#[test]
fn english_addresses_under_an_address_header() {
    let e = engine();
    let addresses = [
        "Room 501, Building 3, No. 88 Jianguo Road, Chaoyang District, Beijing",
        "No. 138 Wensan Road, Xihu District, Hangzhou",
        "No. 33 Fuhua Road, Futian District, Shenzhen",
        "No. 27 Renmin South Road, Chengdu",
        "No. 12, Lane 500, Zhangjiang Road, Shanghai",
        "Flat 3B, 12 Queen's Road, Hong Kong",
        "Apt. 1203, 8 Xinyuan Street, Haidian District, Beijing 100086",
    ];
    for h in [
        "Home Address",
        "Address",
        "Residential Address",
        "Addr.",
        "address",
        "Mailing Address",
        "家庭住址",
    ] {
        for a in addresses {
            assert_eq!(
                cell(&e, h, a),
                vec![(PiiKind::Address, a.into())],
                "{h}: {a}"
            );
            // With blanks around it, the value is what is between them.
            let padded = format!(" {a} ");
            assert_eq!(
                cell(&e, h, &padded),
                vec![(PiiKind::Address, a.into())],
                "{h}: {a}"
            );
        }
    }
    // Masked as a Chinese address is: the city and district stay, the street, number and
    // room go; punctuation and blanks stay where they were.
    for (a, want) in [
        (
            "Room 501, Building 3, No. 88 Jianguo Road, Chaoyang District, Beijing",
            "**** ***, ******** *, **. ** ******* ****, Chaoyang District, Beijing",
        ),
        (
            "No. 27 Renmin South Road, Chengdu",
            "**. ** ****** ***** ****, Chengdu",
        ),
        (
            "Flat 3B, 12 Queen's Road, Hong Kong",
            "**** **, ** *****'* ****, Hong Kong",
        ),
    ] {
        let found = masked(&e, "Home Address", a);
        let out = apply(a, &found);
        assert_eq!(out, want, "{a}");
        assert_eq!(cell(&e, "Home Address", &out), vec![], "{out}");
    }
    // What is no home address: a city or district alone, notes, an e-mail, an IP address, a
    // web address; and an English address under another header.
    for (h, t) in [
        ("Home Address", "Beijing"),
        ("Home Address", "Chaoyang District, Beijing"),
        ("Home Address", "Same as above"),
        ("Home Address", "N/A"),
        ("Home Address", "See ID card"),
        ("Address", "zhang.wei@example.com"),
        ("IP Address", "192.168.1.20"),
        ("Web Address", "https://www.example.com/road/88"),
        (
            "Remarks",
            "Room 501, Building 3, No. 88 Jianguo Road, Chaoyang District, Beijing",
        ),
        ("Full Name", "Zhang Wei"),
    ] {
        assert_eq!(
            of_kind(&cell(&e, h, t), PiiKind::Address),
            Vec::<&str>::new(),
            "{h}: {t}"
        );
    }
}

/// A mobile number written as text in scientific notation (a CSV export read back, a formula's
/// string result): found whole, masked in its digits; amounts and fractions in the same
/// notation are not phone numbers.
#[test]
fn mobile_numbers_in_scientific_notation_are_found_and_masked_in_digits() {
    let e = engine();
    for (header, text, want) in [
        ("联系电话", "1.3812345678E10", "138****5678"),
        ("手机号", "1.3987654321E+10", "139****4321"),
        ("手机号", "1.5011112222e10", "150****2222"),
        // A number ending in zero loses it in the notation.
        ("备注", "1.381234567E10", "138****5670"),
        // Under a phone header, more dropped zeros still make the number.
        ("联系电话", "1.38123E10", "138****0000"),
    ] {
        let found = masked(&e, header, text);
        assert_eq!(found.len(), 1, "{text} under {header}: {found:?}");
        let (f, r) = &found[0];
        assert_eq!(f.kind, PiiKind::Mobile, "{text}");
        assert_eq!(f.range, 0..text.len(), "{text}");
        assert_eq!(r, want, "{text}");
    }
    for (header, text) in [
        // Amounts: too few digits away from a phone header, or not eleven digits whole.
        ("金额", "1.5E10"),
        ("备注", "1.38123E10"),
        ("备注", "1.3812345678E9"),
        ("备注", "2.5E-3"),
        ("备注", "1.3812345678E11"),
    ] {
        let found = cell(&e, header, text);
        assert!(
            of_kind(&found, PiiKind::Mobile).is_empty(),
            "{text} under {header}: {found:?}"
        );
    }
    // Under a public number's header, as the same number in digits.
    let plain = of_kind(&cell(&e, "咨询电话", "13812345678"), PiiKind::Mobile).len();
    let sci = of_kind(&cell(&e, "咨询电话", "1.3812345678E10"), PiiKind::Mobile).len();
    assert_eq!(plain, sci);
}
