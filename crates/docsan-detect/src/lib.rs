//! docsan's detection engine: finds personal data in [`docsan_core::TextUnit`]s, validated rather than
//! pattern-matched, and says what to replace it with.
//!
//! The engine knows nothing of file formats. It reads a unit's logical text and its context
//! (unit kind, column header, label) and reports [`docsan_core::Finding`]s: byte ranges on character
//! boundaries, non-overlapping within a unit, each with a kind, the rule that fired and a
//! confidence. Numbers are found by one pass over digit runs (a cheap pre-filter: text with no
//! digit, no `@`, no label word and no capital letter costs one scan), then validated: GB 11643
//! check digits, Luhn, mobile ranges, real area codes. Names and addresses are found only where
//! context says they stand. Already masked values (`340702********1234`, `张＊`) are never
//! reported, because the verifier re-runs detection on sanitized output.
//!
//! [`Engine::replacement`] gives the policy's mask, redaction or pseudonym for a finding.
//!
//! Context beyond one unit ([`docsan_core::Detector::detect_all`]): a cell's left neighbour as
//! its label (`填报人 | 张三`), table rows read as lines after a header line (`序号 姓名 身份证号
//! …`, as PDF text often comes), labels and addresses wrapped onto the next line, and name or
//! address cells read one per line next to a resident ID.
//!
//! Measuring: `cargo test -p docsan-detect --test devset -- --nocapture` prints recall per kind
//! and decoy hits on `../shared/dev-set`; `--test cases` the hand-labelled cases;
//! `cargo run --release -p docsan-detect --example throughput` the scanning speed (MB/s of CPU
//! time) on [`bench_corpus_text`]; `--example scan_lines` reads text from standard input and
//! prints what it finds (values masked unless `SHOW_VALUES` is set).

#![forbid(unsafe_code)]

mod data;
mod engine;
mod labels;
mod mask;
mod names;
mod paths;
mod scan;
mod text;
pub mod validate;

pub use engine::Engine;

use docsan_core::{PiiKind, Policy};

/// The default-policy mask of a value, for reports (`340702********1234`).
pub fn mask_for_report(kind: PiiKind, value: &str) -> docsan_core::CompactString {
    static DEFAULT: std::sync::LazyLock<Policy> = std::sync::LazyLock::new(Policy::default);
    mask::replacement(&DEFAULT, kind, "", value)
}

/// A deterministic generator of mixed Chinese text of about `size` bytes, for throughput
/// measurement (`cargo xtask bench`). Every eighth paragraph holds personal data (an ID, a
/// mobile number, a card, a labelled name and address); the others hold only amounts, dates
/// and document numbers.
pub fn bench_corpus_text(size: usize) -> String {
    bench_text(size, 8)
}

/// Like [`bench_corpus_text`] with personal data in every `every`-th paragraph (0 = never).
pub fn bench_text(size: usize, every: usize) -> String {
    const PLAIN: &[&str] = &[
        "根据《国家免费孕前优生健康检查项目实施方案》（桐民〔2020〕73号）要求，现将铜陵市义安区2021年有关情况予以公示。",
        "本期共涉及14人，资金合计103,196.50元，已于2021年8月4日通过中国工商银行义安区支行统一发放。",
        "公示时间：2021年3月6日起七个工作日。本次公示由铜陵市义安区卫生健康委员会负责解释，如有异议请在公示期内反映。",
        "各乡镇要加强组织领导，落实工作责任，确保各项补贴资金及时足额发放到位，第3页共12页。",
        "The committee reviewed 27 applications in the second quarter and approved the budget.",
        "资金拨付业务流水号20210304898212142571，咨询地点：铜陵市人民路62号政务服务中心4楼。",
    ];
    const PII: &[&str] = &[
        "经核实，申请人郑兰秀（身份证号：340706198402162637，手机号码：136-5418-4601，银行卡号：6236 6861 2638 6644 973，家庭住址：安徽省铜陵市义安区顺安镇铜都大道170号21幢1301室）情况属实。",
        "联系人：邓婷磊，联系电话：0562-4893824，电子邮箱：zhoujun1200@foxmail.com。",
    ];
    let mut out = String::with_capacity(size + 512);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut i = 0usize;
    while out.len() < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let p = if every > 0 && i % every == every - 1 {
            PII[(state % PII.len() as u64) as usize]
        } else {
            PLAIN[(state % PLAIN.len() as u64) as usize]
        };
        out.push_str(p);
        out.push('\n');
        i += 1;
    }
    out
}
