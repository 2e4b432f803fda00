//! Third-party PDFs from /work/shared/corpus: every font of every page loads and every
//! text-showing operand decodes without a panic, and the CJK constructs the issue names (GBK
//! bytes under WinAnsi with raw GBK font names, GBK-EUC-H, GBKp-EUC-H, UniGB-UTF16-H, 90ms-RKSJ,
//! EUC-H, embedded CMaps, Identity-V, Type3 with ToUnicode) decode to the text a reader sees.
//! Skips with a message when the corpus is absent.

mod common;

use common::{page_texts, shared};
use lopdf::Document;

fn stripped(doc: &Document) -> (String, bool) {
    let pages = page_texts(doc);
    let text = pages
        .iter()
        .map(|p| p.0.as_str())
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    (text, pages.iter().all(|p| p.1))
}

#[test]
fn every_corpus_font_loads_and_decodes() {
    let Some(root) = shared() else { return };
    let dir = root.join("corpus/pdf");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("corpus absent; skipping");
        return;
    };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let (mut loaded, mut pages, mut chars) = (0, 0, 0);
    for path in &files {
        if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
            continue;
        }
        let Ok(doc) = Document::load(path) else {
            continue;
        };
        loaded += 1;
        let p = page_texts(&doc);
        pages += p.len();
        chars += p.iter().map(|p| p.0.chars().count()).sum::<usize>();
    }
    eprintln!("{loaded} corpus PDFs, {pages} pages, {chars} decoded characters");
    assert!(loaded > 10);
}

#[test]
fn corpus_cjk_constructs_decode() {
    let Some(root) = shared() else { return };
    // (file, text expected in the decoded page text with whitespace removed, fonts reliable)
    let cases = [
        // TrueType fonts named 宋体 / 仿宋_GB2312 in raw GBK bytes, WinAnsi, GBK byte pairs.
        ("pdfjs__XiaoBiaoSong.pdf", "关于红军作战的原则", true),
        // Same, plus a Type3 font with an unnamed glyph (so the page is not reliable).
        (
            "pdfjs__SimFang-variant.pdf",
            "全世界无产者，联合起来",
            false,
        ),
        // Type0 GBK-EUC-H, non-embedded, raw GBK BaseFont.
        (
            "pdfjs__issue2128r.pdf",
            "浅谈校长的魅力山西省闻喜县诚镇初中",
            true,
        ),
        // Type0 GBKp-EUC-H, non-embedded.
        ("pdfjs__issue3521.pdf", "我们都是黑体字", true),
        // Type0 UniGB-UTF16-H, non-embedded.
        ("pdfjs__issue8372.pdf", "目录", true),
        // 90ms-RKSJ-H and EUC-H (Japanese legacy encodings).
        ("pdfjs__90ms_rksj_h_sample.pdf", "日本語テスト", true),
        ("pdfjs__noembed-eucjp.pdf", "あいうえお", true),
        // Embedded CMap stream with a ToUnicode.
        (
            "unstructured__embedded-cmap-cidfont.pdf",
            "Thistextusesanembedded",
            true,
        ),
        // UniJIS-UCS2-H non-embedded next to Identity-H.
        ("pdfjs__issue6286.pdf", "好酸球%(Eos)", true),
        // Identity-V CFF with ToUnicode.
        (
            "pdfjs__issue6387.pdf",
            "あのイーハトーヴォのすきとおった風",
            true,
        ),
        // Type3 fonts with ToUnicode.
        ("pdfjs__bug1245391_reduced.pdf", "集油器", true),
        // Identity-V TrueType without ToUnicode, Adobe-Japan1: decoded, but not trusted.
        ("pdfjs__vertical.pdf", "あいうえお日本語", false),
        // Custom-encoded embedded TrueType (YouYuan) with ToUnicode.
        ("pdfjs__issue13316_reduced.pdf", "开票通知单", true),
    ];
    let mut ran = 0;
    for (file, expected, reliable) in cases {
        let path = root.join("corpus/pdf").join(file);
        let Ok(doc) = Document::load(&path) else {
            eprintln!("{file} absent or unreadable; skipping");
            continue;
        };
        ran += 1;
        let (text, all_reliable) = stripped(&doc);
        assert!(text.contains(expected), "{file}: expected text not decoded");
        assert_eq!(all_reliable, reliable, "{file}: reliability");
    }
    eprintln!("{ran} corpus CJK cases checked");
}
