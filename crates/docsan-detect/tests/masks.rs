//! Replacements: the default masks of the issue, redaction, pseudonyms and policy overrides.

use docsan_core::{Finding, KindPolicy, MaskMode, PiiKind, Policy, Sensitive, UnitId};
use docsan_detect::{Engine, mask_for_report, validate};

fn finding(kind: PiiKind, rule: &str, value: &str) -> Finding {
    Finding {
        unit: UnitId(0),
        range: 0..value.len(),
        kind,
        rule: rule.into(),
        confidence: 1.0,
        value: Sensitive::new(value),
    }
}

#[test]
fn default_masks_keep_shape_and_the_agreed_parts() {
    use PiiKind::*;
    let cases = [
        (Id18, "340702199001011239", "340702********1239"),
        (Id18, "33052219620604421x", "330522********421x"),
        (Id15, "440305450808484", "440305******484"),
        (Mobile, "13812345678", "138****5678"),
        (Mobile, "138-1234-5678", "138-****-5678"),
        (Mobile, "+86 138 1234 5678", "+86 138 **** 5678"),
        (Landline, "0562-5879868", "0562-*****68"),
        (Landline, "(0562)5879868", "(0562)*****68"),
        (Landline, "021-63211234", "021-******34"),
        (Landline, "0562-5879868转123", "0562-*****68转***"),
        (Card, "6222026469406667049", "6222***********7049"),
        (Card, "6236 6861 2638 6644 973", "6236 **** **** ***4 973"),
        (Email, "zhoujun1200@foxmail.com", "z**********@foxmail.com"),
        (Name, "张三", "张＊"),
        (Name, "欧阳秀", "欧阳＊"),
        (Name, "诸葛文", "诸葛＊"),
        (
            Address,
            "浙江省金华市义乌市北苑街道城中中路39号24栋301室",
            "浙江省金华市义乌市＊＊＊＊＊＊＊＊**＊**＊***＊",
        ),
        (
            Address,
            "北京市朝阳区三里屯街道工体北路251号7幢102室",
            "北京市朝阳区＊＊＊＊＊＊＊＊＊***＊*＊***＊",
        ),
        (BirthDate, "1990年1月1日", "****＊*＊*＊"),
    ];
    for (k, v, want) in cases {
        assert_eq!(mask_for_report(k, v), want, "{k} {v}");
        assert_eq!(want.chars().count(), v.chars().count());
    }
    let e = Engine::new(&Policy::default()).unwrap();
    assert_eq!(
        e.replacement(&finding(
            Mobile,
            "mobile.concatenated",
            "1536013951813943517537"
        )),
        "153****9518139****7537"
    );
    assert_eq!(
        e.replacement(&finding(
            Id18,
            "id18.numeric_truncated",
            "3.40702199001011E+17"
        )),
        "*.***************+**"
    );
}

#[test]
fn redact_and_overrides() {
    let mut p = Policy {
        mode: MaskMode::Redact,
        ..Policy::default()
    };
    let e = Engine::new(&p).unwrap();
    assert_eq!(
        e.replacement(&finding(PiiKind::Mobile, "mobile.range", "138-1234-5678")),
        "***-****-****"
    );
    assert_eq!(
        e.replacement(&finding(PiiKind::Name, "name.label", "欧阳秀")),
        "＊＊＊"
    );
    p.mode = MaskMode::Mask;
    p.kinds.insert(
        PiiKind::Id18,
        KindPolicy {
            keep_prefix: Some(4),
            keep_suffix: Some(0),
            ..KindPolicy::default()
        },
    );
    p.mask_char = '#';
    let e = Engine::new(&p).unwrap();
    assert_eq!(
        e.replacement(&finding(
            PiiKind::Id18,
            "id18.checksum",
            "340702199001011239"
        )),
        "3407##############"
    );
}

#[test]
fn pseudonyms_are_keyed_deterministic_and_valid() {
    let p = Policy {
        mode: MaskMode::Pseudonymize,
        pseudonym_key: Some("k1".into()),
        ..Policy::default()
    };
    let e = Engine::new(&p).unwrap();
    let id = e.replacement(&finding(
        PiiKind::Id18,
        "id18.checksum",
        "340702199001011239",
    ));
    assert_eq!(id.len(), 18);
    assert!(validate::gb11643(&id), "{id}");
    assert_ne!(id, "340702199001011239");
    assert_eq!(
        id,
        e.replacement(&finding(
            PiiKind::Id18,
            "id18.checksum",
            "340702199001011239"
        ))
    );
    let other = Engine::new(&Policy {
        pseudonym_key: Some("k2".into()),
        ..p.clone()
    })
    .unwrap();
    assert_ne!(
        id,
        other.replacement(&finding(
            PiiKind::Id18,
            "id18.checksum",
            "340702199001011239"
        ))
    );
    let card = e.replacement(&finding(
        PiiKind::Card,
        "card.luhn",
        "6222 0264 6940 6667 049",
    ));
    let digits: String = card.chars().filter(char::is_ascii_digit).collect();
    assert!(
        card.starts_with("6222 02") && card.len() == 23 && validate::luhn(&digits),
        "{card}"
    );
    let m = e.replacement(&finding(PiiKind::Mobile, "mobile.range", "138-1234-5678"));
    assert!(
        validate::mobile(&m.replace('-', "")) && m.len() == 13,
        "{m}"
    );
    let n = e.replacement(&finding(PiiKind::Name, "name.label", "欧阳秀"));
    assert_eq!(n.chars().count(), 3);
    let mail = e.replacement(&finding(
        PiiKind::Email,
        "email.shape",
        "zhoujun1200@foxmail.com",
    ));
    assert!(mail.ends_with("@foxmail.com") && mail.len() == 23, "{mail}");
}

#[test]
fn bad_custom_rules_are_config_errors() {
    let mut p = Policy::default();
    p.rules.push(docsan_core::CustomRule {
        name: "x".into(),
        pattern: "(".into(),
        kind: PiiKind::Custom,
        validator: None,
    });
    assert_eq!(
        Engine::new(&p).unwrap_err().kind,
        docsan_core::ErrorKind::Config
    );
    p.rules[0].pattern = "AB".into();
    p.rules[0].validator = Some("nonsense".into());
    assert_eq!(
        Engine::new(&p).unwrap_err().kind,
        docsan_core::ErrorKind::Config
    );
}
