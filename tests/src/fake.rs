//! Fake personal data with valid check digits, from a seeded generator.
//!
//! Every value is synthetic: IDs carry valid GB 11643 check digits, cards pass Luhn, names and
//! addresses are random combinations. The generator is a fixed xorshift so the same seed gives
//! the same data on every machine.

/// A tiny deterministic generator (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// GB 11643 check character for the first 17 digits.
pub fn id_check(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// Luhn check digit for a number without it.
pub fn luhn_digit(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

const REGIONS: [&str; 10] = [
    "340702", "110105", "330522", "320106", "440304", "510104", "420102", "370202", "350203",
    "610113",
];
const SURNAMES: [&str; 16] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "欧阳",
    "诸葛",
];
const GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛",
];
const STREETS: [&str; 6] = ["人民路", "解放街", "建设巷", "幸福路", "和平街", "朝阳路"];
const PLACES: [(&str, &str); 4] = [
    ("安徽省铜陵市义安区", "五松镇"),
    ("浙江省湖州市长兴县", "画溪街道"),
    ("北京市朝阳区", "三里屯街道"),
    ("江苏省南京市鼓楼区", "宁海路街道"),
];

/// A fake 18-digit resident ID with a valid check digit.
pub fn id18(rng: &mut Rng) -> String {
    let region = rng.pick(&REGIONS);
    let year = 1950 + rng.below(60);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let seq = rng.digits(3);
    let first = format!("{region}{year}{month:02}{day:02}{seq}");
    format!("{first}{}", id_check(&first))
}

/// A fake mobile number in a real range.
pub fn mobile(rng: &mut Rng) -> String {
    let prefix = rng.pick(&[
        "138", "139", "150", "152", "187", "135", "182", "199", "177", "166",
    ]);
    format!("{prefix}{}", rng.digits(8))
}

/// A fake 19-digit UnionPay card passing Luhn.
pub fn card(rng: &mut Rng) -> String {
    let bin = rng.pick(&["622700", "621700", "622848", "621226", "622202"]);
    let body = format!("{bin}{}", rng.digits(12));
    format!("{body}{}", luhn_digit(&body))
}

pub fn name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN))
}

pub fn address(rng: &mut Rng) -> String {
    let (city, town) = rng.pick(&PLACES);
    format!(
        "{city}{town}{}{}号{}栋{}室",
        rng.pick(&STREETS),
        1 + rng.below(300),
        1 + rng.below(20),
        101 + rng.below(1500)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_are_valid() {
        assert_eq!(id_check("11010519491231002"), 'X');
        assert_eq!(luhn_digit("7992739871"), '3');
        let mut r = Rng::new(1);
        let id = id18(&mut r);
        assert_eq!(id.len(), 18);
        assert_eq!(id_check(&id[..17]), id.chars().last().unwrap());
        let c = card(&mut r);
        assert_eq!(luhn_digit(&c[..18]), c.chars().last().unwrap());
    }
}
