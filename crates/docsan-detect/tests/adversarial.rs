//! Gaps an adversarial run over spreadsheets found (session 10): name columns headed by a
//! person's role, roles before a colon, passports and other documents under an ID column,
//! notes and joined names in name cells, document and company numbers taken for phones and
//! cards, names with surnames missing from the table after an explicit label.

use docsan_core::{Detector, Location, PiiKind, Policy, TextUnit, UnitContext, UnitId, UnitKind};
use docsan_detect::Engine;

fn engine() -> Engine {
    Engine::new(&Policy::default()).expect("engine")
}

/// What the engine finds in one cell under `header`, as (kind, value).
fn cell(e: &Engine, header: &str, text: &str) -> Vec<(PiiKind, String)> {
    let mut ctx = UnitContext::new(UnitKind::SheetCell, Location::default());
    ctx.column_header = Some(header.into());
    let unit = TextUnit::new(UnitId(0), text, ctx);
    e.detect(&unit)
        .into_iter()
        .map(|f| (f.kind, text[f.range].to_string()))
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

fn names(found: &[(PiiKind, String)]) -> Vec<&str> {
    found
        .iter()
        .filter(|(k, _)| *k == PiiKind::Name)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn columns_headed_by_a_persons_role_hold_names() {
    let e = engine();
    for header in [
        "受益人",
        "借款人",
        "房主",
        "承包人",
        "签收人",
        "领取人",
        "参保人",
        "业主",
        "村民",
        "员工",
        "职工",
        "客户",
        "签字",
        "本人签字",
        "申报人",
        "驾驶员",
        "教师",
        "班主任",
        "病人",
        "就诊人",
        "值班领导",
        "值班人员",
        "缴费人",
        "承租人",
        "贫困户",
        "作者",
        "会员",
    ] {
        assert_eq!(
            names(&cell(&e, header, "熊国欣")),
            vec!["熊国欣"],
            "{header}"
        );
    }
    // Headers of people's attributes and of counts and sums hold no names.
    for header in [
        "与户主关系",
        "性别",
        "民族",
        "人数",
        "家庭人口",
        "个人所得税",
        "人民币",
        "收入",
        "工作人员数",
        "个人",
        "单位个人",
        "开户",
        "或者",
        "人员类别",
    ] {
        assert_eq!(cell(&e, header, "熊国欣"), vec![], "{header}");
    }
}

#[test]
fn a_role_before_a_colon_labels_a_name() {
    let e = engine();
    for label in [
        "经手人",
        "编制人",
        "核对人",
        "收货人",
        "送货人",
        "验收人",
        "报销人",
        "出纳",
        "会计",
        "法人代表",
        "批准人",
        "统计人",
        "见证人",
        "原告",
        "被告",
        "犯罪嫌疑人",
        "被执行人",
        "开户人",
        "代领人",
        "班主任",
        "驾驶员",
    ] {
        let t = format!("{label}：赵建国");
        assert_eq!(names(&body(&e, &t)), vec!["赵建国"], "{t}");
    }
    // Not before a colon, or a word that names nobody.
    for t in [
        "个人：赵建国",
        "本人：赵建国",
        "经手人赵建国",
        "其中个人：120元",
    ] {
        assert_eq!(names(&body(&e, t)), Vec::<&str>::new(), "{t}");
    }
}

#[test]
fn a_role_in_the_cell_before_labels_the_name_cell() {
    let e = engine();
    let units: Vec<TextUnit> = ["经手人", "王秀兰", "被执行人", "李秀兰", "人数", "张三"]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            TextUnit::new(
                UnitId(i as u32),
                *t,
                UnitContext::new(UnitKind::SheetCell, Location::default()),
            )
        })
        .collect();
    let got: Vec<&str> = e
        .detect_all(&units)
        .into_iter()
        .map(|f| &units[f.unit.0 as usize].text[f.range])
        .collect();
    assert_eq!(got, vec!["王秀兰", "李秀兰"]);
    // Category values side by side (shared strings in order, a column of staff types): a
    // word for people is no name, and after a role the vocabulary does not list a name
    // needs a known surname.
    let units: Vec<TextUnit> = [
        "城镇员工",
        "支持人员(直接生产)",
        "管理人员",
        "实习生",
        "外包员工-市场",
        "见习生",
        "管理人员",
        "柯南",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| {
        TextUnit::new(
            UnitId(i as u32),
            *t,
            UnitContext::new(UnitKind::SheetCell, Location::default()),
        )
    })
    .collect();
    let got: Vec<&str> = e
        .detect_all(&units)
        .into_iter()
        .map(|f| &units[f.unit.0 as usize].text[f.range])
        .collect();
    assert_eq!(got, vec!["柯南"]);
}

#[test]
fn other_documents_under_id_and_passport_columns() {
    let e = engine();
    let one = |h: &str, t: &str| cell(&e, h, t);
    assert_eq!(
        one("护照号码", "E12345678"),
        vec![(PiiKind::Passport, "E12345678".into())]
    );
    assert_eq!(
        one("护照号码", "EB7654321"),
        vec![(PiiKind::Passport, "EB7654321".into())]
    );
    assert_eq!(
        one("证件号码", "E12345678"),
        vec![(PiiKind::Passport, "E12345678".into())]
    );
    assert_eq!(
        one("证件号", "EA1234567"),
        vec![(PiiKind::Passport, "EA1234567".into())]
    );
    assert_eq!(
        one("证件号码", "H12345678901"),
        vec![(PiiKind::TravelPermit, "H12345678901".into())]
    );
    assert_eq!(
        one("证件号码", "12345678"),
        vec![(PiiKind::TravelPermit, "12345678".into())]
    );
    // A Taiwan identity card under its column by shape, and anywhere by its check digit.
    assert_eq!(
        one("台湾居民身份证", "F223456789"),
        vec![(PiiKind::HkId, "F223456789".into())]
    );
    assert_eq!(
        body(&e, "台胞张三，身份证A123456789，已登记"),
        vec![(PiiKind::HkId, "A123456789".into())]
    );
    // A wrong check digit, a longer code, a third digit for the sex: nothing.
    for t in [
        "编号A123456788",
        "型号XA123456789",
        "A123456789-01",
        "A323456789",
    ] {
        assert_eq!(body(&e, t), vec![], "{t}");
    }
    // Resident IDs under a 证件号码 column stay IDs.
    assert_eq!(
        one("证件号码", "340702199001011239"),
        vec![(PiiKind::Id18, "340702199001011239".into())]
    );
    // Plates end in 号码 too.
    assert_eq!(
        one("车牌号码", "皖G12345"),
        vec![(PiiKind::Plate, "皖G12345".into())]
    );
}

#[test]
fn name_cells_with_notes_and_joined_names() {
    let e = engine();
    for (t, want) in [
        ("刘表 (已故)", vec!["刘表"]),
        ("刘备(已故)", vec!["刘备"]),
        ("黄盖（病故）", vec!["黄盖"]),
        ("曹操 （已迁出）", vec!["曹操"]),
        ("鲁肃 (新增)", vec!["鲁肃"]),
        ("吕蒙 (未领)", vec!["吕蒙"]),
        ("程普 已故", vec!["程普"]),
        ("甘宁 -已故", vec!["甘宁"]),
        ("张伟&李娜", vec!["张伟", "李娜"]),
        ("张伟＆李娜", vec!["张伟", "李娜"]),
        ("张伟和李娜", vec!["张伟", "李娜"]),
        ("张伟/李娜", vec!["张伟", "李娜"]),
        ("王和平", vec!["王和平"]),
        ("吕布（户主）", vec!["吕布"]),
        // People called by a title are somebody.
        ("蔡夫人 刘琮", vec!["蔡夫人", "刘琮"]),
        ("张主任、李四", vec!["张主任", "李四"]),
        // A sum in brackets is no note that makes a name.
        ("金额 (元)", vec![]),
    ] {
        assert_eq!(names(&cell(&e, "姓名", t)), want, "{t}");
    }
    // A remark naming who collected in someone's place.
    assert_eq!(names(&cell(&e, "备注", "代领人：张让")), vec!["张让"]);
}

#[test]
fn document_and_company_numbers_are_no_phones_or_cards() {
    let e = engine();
    for (h, t) in [
        ("发票号码", "46947372"),
        ("发票号码", "13853269"),
        ("订单号码", "21696622"),
        ("运单号码", "60484091"),
        ("对公账号", "3301040160000753810"),
        ("单位账号", "3301040160000852600"),
    ] {
        assert_eq!(cell(&e, h, t), vec![], "{h}: {t}");
    }
    // A personal number in such a column still counts when it validates on its own.
    assert_eq!(
        cell(&e, "发票号码", "13812345678"),
        vec![(PiiKind::Mobile, "13812345678".into())]
    );
    assert_eq!(
        cell(&e, "对公账号", "6222021234567890128"),
        vec![(PiiKind::Card, "6222021234567890128".into())]
    );
    // A header that is a relation, not a name after 户主.
    assert_eq!(cell(&e, "序号", "与户主关系"), vec![]);
    assert_eq!(body(&e, "与户主关系：本人"), vec![]);
}

#[test]
fn names_after_an_explicit_label_with_rare_surnames() {
    let e = engine();
    for (t, want) in [
        ("联系人：风清扬 13711112222", "风清扬"),
        ("审核人：仪琳", "仪琳"),
        ("经办人：仪琳，身份证号", "仪琳"),
        ("姓名：郤正", "郤正"),
        ("联系人：殴阳明", "殴阳明"),
    ] {
        assert_eq!(names(&body(&e, t)), vec![want], "{t}");
    }
    // Words that are nobody, what a mask leaves, and words of forms stay.
    for t in [
        "联系人：待定",
        "联系人：见附件",
        "联系人：诸葛",
        "审核人：＊＊＊",
        "联系人：办公室",
        "负责人：本单位",
        "联系人：已故",
    ] {
        assert_eq!(names(&body(&e, t)), Vec::<&str>::new(), "{t}");
    }
}

#[test]
fn form_words_under_a_name_column_and_labels_across_kinds() {
    let e = engine();
    // The label column of a form read as a column under its first cell (`制定人`), and the
    // words that follow names (籍贯, 关系), though they start with a surname.
    for t in ["时间", "籍贯", "关系", "方式", "车辆"] {
        assert_eq!(cell(&e, "制定人", t), vec![], "{t}");
    }
    assert_eq!(names(&cell(&e, "制定人", "时迁")), vec!["时迁"]);
    // A label ending a paragraph labels the next line of the same kind only.
    let unit = |i: u32, t: &str, kind: UnitKind| {
        TextUnit::new(UnitId(i), t, UnitContext::new(kind, Location::default()))
    };
    let units = vec![
        unit(0, "收件人：张三    发件人：", UnitKind::Body),
        unit(1, "宋体", UnitKind::Other),
        unit(2, "发件人：", UnitKind::Body),
        unit(3, "李四", UnitKind::Body),
    ];
    let got: Vec<&str> = e
        .detect_all(&units)
        .into_iter()
        .map(|f| &units[f.unit.0 as usize].text[f.range])
        .collect();
    assert_eq!(got, vec!["张三", "李四"]);
}
