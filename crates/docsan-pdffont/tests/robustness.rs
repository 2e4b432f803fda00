//! No panic and no hang on damaged fonts: real font programs and CMaps are mutated with a
//! fixed-seed generator (deterministic runs) and loaded, decoded and asked for mask codes.

mod common;

use docsan_core::Limits;
use docsan_pdffont::Font;
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

/// xorshift64*: deterministic pseudo-random numbers for mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    for _ in 0..1 + rng.below(8) {
        if d.is_empty() {
            break;
        }
        let i = rng.below(d.len());
        match rng.below(5) {
            0 => d[i] = rng.next() as u8,
            1 => d[i] ^= 0x80,
            2 => d.truncate(i),
            3 => d.insert(i, [0xFF, 0x00, b'<', b'[', b'/'][rng.below(5)]),
            _ => {
                let j = rng.below(d.len());
                d.swap(i, j);
            }
        }
    }
    d
}

fn exercise(f: &Font, rng: &mut Rng) {
    let bytes: Vec<u8> = (0..16).map(|_| rng.next() as u8).collect();
    for g in f.decode(&bytes) {
        let _ = f.encode(g.code, g.len);
        let _ = f.alt_text(g.code, g.len);
        let _ = f.vertical_metrics(g.code, g.len);
    }
    let _ = f.mask_code();
    let _ = f.codes_for('1');
}

#[test]
fn mutated_truetype_and_cmaps_never_panic() {
    let tiny: &[u8] = include_bytes!("fixtures/tiny.ttf");
    let cmap: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <0002> <002A> <0003> <D835DC00> endbfchar\n\
        1 beginbfrange <0010> <0020> [<0041> <0042>] endbfrange\n\
        1 begincidrange <0000> <00FF> 0 endcidrange endcmap";
    let mut rng = Rng(0x5EED_D0C5_A11F_0E17);
    let limits = Limits::default();
    for round in 0..400 {
        let mut doc = Document::with_version("1.7");
        let prog = doc.add_object(Stream::new(Dictionary::new(), mutate(&mut rng, tiny)));
        let tu = doc.add_object(Stream::new(Dictionary::new(), mutate(&mut rng, cmap)));
        let enc = doc.add_object(Stream::new(Dictionary::new(), mutate(&mut rng, cmap)));
        let fd = doc.add_object(dictionary! { "Type" => "FontDescriptor", "Flags" => 4, "FontFile2" => Object::Reference(prog) });
        let cid = doc.add_object(dictionary! {
            "Subtype" => "CIDFontType2", "FontDescriptor" => Object::Reference(fd),
            "W" => vec![0.into(), vec![500.into(), 600.into()].into()],
            "CIDToGIDMap" => Object::Reference(prog),
        });
        let encoding = if round % 2 == 0 {
            Object::Reference(enc)
        } else {
            "Identity-H".into()
        };
        let type0 = dictionary! {
            "Subtype" => "Type0", "Encoding" => encoding, "DescendantFonts" => vec![Object::Reference(cid)],
            "ToUnicode" => Object::Reference(tu),
        };
        exercise(&Font::load(&doc, &type0, &limits), &mut rng);
        let simple = dictionary! {
            "Subtype" => "TrueType", "FontDescriptor" => Object::Reference(fd), "ToUnicode" => Object::Reference(tu),
            "FirstChar" => 30, "Widths" => vec![500.into(); 20],
        };
        exercise(&Font::load(&doc, &simple, &limits), &mut rng);
    }
}

#[test]
fn mutated_devset_font_programs_never_panic() {
    let Some(root) = common::shared() else { return };
    let limits = Limits::default();
    let mut rng = Rng(0xF0E1_D2C3_B4A5_9687);
    let mut programs = 0;
    let files = [
        "01-孕前优生健康检查名单.pdf",
        "01-困难群众医疗救助公示_identity_h.pdf",
        "01-考试成绩公示_rl_ttf.pdf",
    ];
    for file in files {
        let Ok(doc) = Document::load(root.join("dev-set").join(file)) else {
            eprintln!("{file} absent; skipping");
            continue;
        };
        for obj in doc.objects.values() {
            let Object::Dictionary(fd) = obj else {
                continue;
            };
            if !fd.has_type(b"FontDescriptor") {
                continue;
            }
            for key in [&b"FontFile"[..], b"FontFile2", b"FontFile3"] {
                let Ok(Object::Reference(id)) = fd.get(key) else {
                    continue;
                };
                let Ok(Object::Stream(s)) = doc.get_object(*id) else {
                    continue;
                };
                let Ok(plain) = s.get_plain_content() else {
                    continue;
                };
                programs += 1;
                for _ in 0..40 {
                    let mut d2 = Document::with_version("1.7");
                    let mut dict = s.dict.clone();
                    dict.remove(b"Filter");
                    let p = d2.add_object(Stream::new(dict, mutate(&mut rng, &plain)));
                    let fdesc = d2.add_object(dictionary! { "Type" => "FontDescriptor", "Flags" => 4, key => Object::Reference(p) });
                    let subtype = if key == b"FontFile2" {
                        "TrueType"
                    } else {
                        "Type1"
                    };
                    let font = dictionary! {
                        "Subtype" => subtype, "FontDescriptor" => Object::Reference(fdesc),
                        "Encoding" => dictionary! { "Differences" => vec![42.into(), "asterisk".into()] },
                    };
                    exercise(&Font::load(&d2, &font, &limits), &mut rng);
                }
            }
        }
    }
    eprintln!("{programs} font programs mutated");
    assert!(programs > 0);
}
