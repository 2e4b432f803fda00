//! Labelled cases written by hand: prose with labels, numbers that must stay, masked values
//! that must not be found again, context from headers and metadata labels.
//!
//! Each case lists exactly the (kind, value) pairs the engine must report; anything else it
//! reports is a false positive. The test prints per-kind precision and recall and fails on
//! any miss or false alarm.

use docsan_core::{Detector, Location, PiiKind, Policy, TextUnit, UnitContext, UnitId, UnitKind};
use docsan_detect::Engine;
use std::collections::BTreeMap;

struct C {
    text: &'static str,
    kind: UnitKind,
    header: Option<&'static str>,
    label: Option<&'static str>,
    expect: &'static [(PiiKind, &'static str)],
}

const fn body(text: &'static str, expect: &'static [(PiiKind, &'static str)]) -> C {
    C {
        text,
        kind: UnitKind::Body,
        header: None,
        label: None,
        expect,
    }
}
const fn cell(
    text: &'static str,
    header: &'static str,
    expect: &'static [(PiiKind, &'static str)],
) -> C {
    C {
        text,
        kind: UnitKind::TableCell,
        header: Some(header),
        label: None,
        expect,
    }
}
const fn meta(
    text: &'static str,
    label: &'static str,
    expect: &'static [(PiiKind, &'static str)],
) -> C {
    C {
        text,
        kind: UnitKind::Metadata,
        header: None,
        label: Some(label),
        expect,
    }
}

use PiiKind::*;

/// One unit of `kind` per text, numbered from 0, with no context but the kind.
fn units_of(texts: &[&str], kind: UnitKind) -> Vec<TextUnit> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            TextUnit::new(
                UnitId(i as u32),
                *t,
                UnitContext::new(kind, Location::default()),
            )
        })
        .collect()
}

const CASES: &[C] = &[
    // Positives in prose, with and without labels and separators.
    body(
        "身份证340702199001011239，请核对。",
        &[(Id18, "340702199001011239")],
    ),
    body(
        "身份证号：340702 19900101 1239",
        &[(Id18, "340702 19900101 1239")],
    ),
    // A check `x` pushed one space to the right (a narrow PDF table cell), also in a cell;
    // seventeen digits and a spaced `x` that do not check, or an `x` glued to a word, are not.
    body(
        "4 秦伟宇 33052219620604421 x 18607372325",
        &[(Id18, "33052219620604421 x"), (Mobile, "18607372325")],
    ),
    cell(
        "33052219620604421 X",
        "身份证号",
        &[(Id18, "33052219620604421 X")],
    ),
    body("批次 12345678901234567 x 箱", &[]),
    body("型号 33052219620604421 xyz", &[]),
    body(
        "证件号码３４０７０２１９９００１０１１２３９",
        &[(Id18, "３４０７０２１９９００１０１１２３９")],
    ),
    body(
        "居住证号810000199001011230已登记",
        &[(Id18, "810000199001011230")],
    ),
    body("受理编号340702199001011232，请核对。", &[]),
    body(
        "联系人张三zhangsan@qq.com",
        &[(Name, "张三"), (Email, "zhangsan@qq.com")],
    ),
    body(
        "联系电话：+86 138 1234 5678（工作日）",
        &[(Mobile, "+86 138 1234 5678")],
    ),
    body(
        "电话(0562)5879868转123",
        &[(Landline, "(0562)5879868转123")],
    ),
    body(
        "固话：021-63211234，传真：021-63211235",
        &[(Landline, "021-63211234")],
    ),
    body("手机：138-1234-5678", &[(Mobile, "138-1234-5678")]),
    body(
        "银行卡号：6222 0212 3456 7890 123",
        &[(Card, "6222 0212 3456 7890 123")],
    ),
    body("开户账号：1234567890123", &[(Card, "1234567890123")]),
    body("户主欧阳秀同志已领取补贴。", &[(Name, "欧阳秀")]),
    body(
        "申请人：张三、李四、王五",
        &[(Name, "张三"), (Name, "李四"), (Name, "王五")],
    ),
    body(
        "家庭住址：安徽省铜陵市义安区顺安镇新桥村6组10号，联系电话：13812345678",
        &[
            (Address, "安徽省铜陵市义安区顺安镇新桥村6组10号"),
            (Mobile, "13812345678"),
        ],
    ),
    body("出生日期：1990年1月1日", &[(BirthDate, "1990年1月1日")]),
    // Two-digit months and days, which the first alternative of each used to cut short.
    body("出生日期：1985年3月12日", &[(BirthDate, "1985年3月12日")]),
    body("出生日期：1990年11月1日", &[(BirthDate, "1990年11月1日")]),
    body("出生日期: 1985-10-31", &[(BirthDate, "1985-10-31")]),
    cell("1985-03-12", "出生日期", &[(BirthDate, "1985-03-12")]),
    cell("1985年12月", "出生年月", &[(BirthDate, "1985年12月")]),
    cell("19851231", "出生日期", &[(BirthDate, "19851231")]),
    body("护照号码：E12345678", &[(Passport, "E12345678")]),
    body(
        "回乡证号：H12345678，台胞证号码为12345678",
        &[(TravelPermit, "H12345678"), (TravelPermit, "12345678")],
    ),
    body("姓名：张三性别：男民族：汉", &[(Name, "张三")]),
    body(
        "申请人（签字）：李四    日期：2021年3月1日",
        &[(Name, "李四")],
    ),
    body(
        "姓 名：王五  住 址：浙江省湖州市长兴县雉城街道明珠路156号",
        &[
            (Name, "王五"),
            (Address, "浙江省湖州市长兴县雉城街道明珠路156号"),
        ],
    ),
    body(
        "姓名：阿卜杜·热合曼，身份证号码待补",
        &[(Name, "阿卜杜·热合曼")],
    ),
    body(
        "学籍号：G340702199001011239",
        &[(Id18, "340702199001011239")],
    ),
    body(
        "联系电话：0086 13812345678",
        &[(Mobile, "0086 13812345678")],
    ),
    body("香港身份证A123456(3)", &[(HkId, "A123456(3)")]),
    body(
        "车牌号皖G12345，新能源车牌浙AD12345",
        &[(Plate, "皖G12345"), (Plate, "浙AD12345")],
    ),
    body(
        "残疾证号：34070219900101123943",
        &[(Id18, "34070219900101123943")],
    ),
    body(
        "Name: John Smith, Tel 13912345678",
        &[(Name, "John Smith"), (Mobile, "13912345678")],
    ),
    body(
        "本表由东方红核对，复核电话0562-7376946。",
        &[(Name, "东方红"), (Landline, "0562-7376946")],
    ),
    // Negatives: amounts, dates, document numbers, serials, codes, office addresses.
    body("资金合计1,234.50元，已于2021年8月4日发放。", &[]),
    body(
        "根据《铜陵市人民政府办公室文件》（铜政办〔2017〕12号）",
        &[],
    ),
    body("统一社会信用代码：91340700MA2N0JGX4Y", &[]),
    body("发布单位统一社会信用代码：523407002613959286", &[]),
    body("业务流水号20210304898212142571", &[]),
    body("对应支付订单号6277847789441562443", &[]),
    body("受理档案编号340706197705283418。", &[]),
    body("项目编码：12545744505，准考证号10539975217", &[]),
    body("地址：杭州市人民路49号政务服务中心4楼", &[]),
    body("咨询电话：0562-2812345，监督电话0562-12345", &[]),
    body(
        "咨询电话：13812345678（王老师）",
        &[(Mobile, "13812345678")],
    ),
    body("咨询地点：铜陵市人民路62号政务服务中心4楼。", &[]),
    body("第3页共12页，2021-06-16，订单号4000123456789012", &[]),
    body("版本号1.10101199003071，温度36.5度", &[]),
    body("本次公示由铜陵市义安区卫生健康委员会负责解释", &[]),
    body("联系人手机号码已更正", &[]),
    body(
        "注：联系人手机号码已更正为1536013951813943517537。",
        &[(Mobile, "1536013951813943517537")],
    ),
    // Already masked values stay quiet.
    body("身份证号：340702********1234，手机：138****5678", &[]),
    body("姓名：张＊，户主：欧阳＊＊，卡号：6222********7049", &[]),
    body("家庭住址：安徽省铜陵市义安区＊＊＊＊＊＊＊＊", &[]),
    body("电话：0562-*****68，邮箱：z*********@foxmail.com", &[]),
    cell("张＊", "姓名", &[]),
    cell("诸葛", "姓名", &[]),
    C {
        text: "义乌市2021年第2季度困难群众医疗救助情况公示",
        kind: UnitKind::SheetCell,
        header: None,
        label: None,
        expect: &[],
    },
    cell(
        "15270977533浙江省金华市义乌市工人西路113号",
        "联系电话",
        &[
            (Mobile, "15270977533"),
            (Address, "浙江省金华市义乌市工人西路113号"),
        ],
    ),
    body("6228**********1931 131****8355，1931 131 8355", &[]),
    body("邮箱：zxxxxxxxxxx@foxmail.com，XXX@163.com", &[]),
    C {
        text: "文本框 2",
        kind: UnitKind::TextBox,
        header: None,
        label: Some("name"),
        expect: &[],
    },
    cell("浙江省金华市义乌市", "家庭住址", &[]),
    cell("浙江省金华市义乌市xx", "家庭住址", &[]),
    cell("团结村1组", "家庭住址", &[(Address, "团结村1组")]),
    cell("340702********1234", "身份证号", &[]),
    // Context from column headers.
    cell("何娜", "姓名", &[(Name, "何娜")]),
    cell("合计", "姓名", &[]),
    body("家长 电话 13812345678", &[(Mobile, "13812345678")]),
    body(
        "张伟（身份证号：340702199001011239）",
        &[(Name, "张伟"), (Id18, "340702199001011239")],
    ),
    body(
        "本人（身份证号：340702199001011239）",
        &[(Id18, "340702199001011239")],
    ),
    body("经核实，该户情况属实，身份证号码已登记", &[]),
    cell("Zhang Wei", "Name", &[(Name, "Zhang Wei")]),
    cell("Grand Total", "Name", &[]),
    cell("Sum of Size", "Contact Name", &[]),
    cell(
        "62270008692858380",
        "银行卡号",
        &[(Card, "62270008692858380")],
    ),
    cell(
        "6254273764504662760",
        "一卡通账号",
        &[(Card, "6254273764504662760")],
    ),
    cell(
        "浙江省湖州市长兴县明珠路302号3栋1804室",
        "家庭住址",
        &[(Address, "浙江省湖州市长兴县明珠路302号3栋1804室")],
    ),
    cell("1990-01-01", "出生日期", &[(BirthDate, "1990-01-01")]),
    cell("199001", "出生年月", &[(BirthDate, "199001")]),
    cell("2021-06-16", "检查日期", &[]),
    body("序号 姓名 身份证号 联系电话 家庭住址", &[]),
    cell("11,166.50", "补助金额", &[]),
    C {
        text: "1.10101199003071E+17",
        kind: UnitKind::SheetCell,
        header: Some("身份证号码"),
        label: None,
        expect: &[(Id18, "1.10101199003071E+17")],
    },
    C {
        text: "3.40702199001011E+17",
        kind: UnitKind::SheetCell,
        header: Some("备注"),
        label: None,
        expect: &[(Id18, "3.40702199001011E+17")],
    },
    C {
        text: "13812345678",
        kind: UnitKind::SheetCell,
        header: Some("联系电话"),
        label: None,
        expect: &[(Mobile, "13812345678")],
    },
    // Metadata and authors.
    meta("赵晶", "dc:creator", &[(Name, "赵晶")]),
    meta(
        "赵晶; 邹文秀",
        "dc:creator",
        &[(Name, "赵晶"), (Name, "邹文秀")],
    ),
    meta("Administrator", "cp:lastModifiedBy", &[]),
    meta("Calc", "Creator", &[]),
    meta("s", "dc:creator", &[]),
    meta("const", "Author", &[]),
    meta("邱悦宇", "creator", &[(Name, "邱悦宇")]),
    meta("LibreOffice 7.4 Writer", "Creator", &[]),
    meta("Zhang Wei", "dc:creator", &[(Name, "Zhang Wei")]),
    C {
        text: "公示名单",
        kind: UnitKind::Name,
        header: None,
        label: Some("sheet name"),
        expect: &[],
    },
    cell("身份证号", "户主姓名", &[]),
    meta("慕容超", "rdf:li", &[(Name, "慕容超")]),
    meta("长兴县2021年9月残疾人两项补贴发放表", "li", &[]),
    meta("公告", "li", &[]),
    C {
        text: "姜莲磊",
        kind: UnitKind::Annotation,
        header: None,
        label: None,
        expect: &[(Name, "姜莲磊")],
    },
    C {
        text: "通过",
        kind: UnitKind::Annotation,
        header: None,
        label: None,
        expect: &[],
    },
    meta("微软用户", "dc:creator", &[]),
    meta("铜陵市义安区卫生健康委员会", "Company", &[]),
    meta("Zhang Wei", "Author", &[(Name, "Zhang Wei")]),
    // Who refreshed a pivot cache.
    meta("joel gilmore", "refreshedBy", &[(Name, "joel gilmore")]),
    // A name after the role it signs with: only the name is the person.
    meta("审核员刘洋", "dc:creator", &[(Name, "刘洋")]),
    meta(
        "经办人：欧阳娜娜",
        "cp:lastModifiedBy",
        &[(Name, "欧阳娜娜")],
    ),
    meta("科长 王芳", "Manager", &[(Name, "王芳")]),
    // A department, a bare role, a role with a one-character rest: nobody.
    meta("财务科张三", "Company", &[]),
    meta("系统管理员", "dc:creator", &[]),
    meta("负责人王", "dc:creator", &[]),
    // A defined name says what its formula's string literal holds.
    C {
        text: "\"周建华\"",
        kind: UnitKind::Name,
        header: None,
        label: Some("联系人"),
        expect: &[(Name, "周建华")],
    },
    C {
        text: " \"13912349876\"",
        kind: UnitKind::Name,
        header: None,
        label: Some("负责人电话"),
        expect: &[(Mobile, "13912349876")],
    },
    // LibreOffice keeps a contact's name and number in one literal.
    C {
        text: "\"刘洋13912349876\"",
        kind: UnitKind::Name,
        header: None,
        label: Some("联系人"),
        expect: &[(Name, "刘洋"), (Mobile, "13912349876")],
    },
    // A name cell with the person's number glued on or in brackets.
    cell(
        "刘洋13912349876",
        "联系人",
        &[(Name, "刘洋"), (Mobile, "13912349876")],
    ),
    cell(
        "欧阳娜娜（0562-4893824）",
        "联系人",
        &[(Name, "欧阳娜娜"), (Landline, "0562-4893824")],
    ),
    // Names spaced out to line up with longer ones.
    cell("张 伟", "户主姓名", &[(Name, "张 伟")]),
    cell("李　娜", "姓名", &[(Name, "李　娜")]),
    cell("王  小 明", "姓名", &[(Name, "王  小 明")]),
    cell("合 计", "姓名", &[]),
    cell("张 伟 李 娜", "姓名", &[]),
    body(
        "户主姓名：张 伟  身份证号：340702198503124511",
        &[(Name, "张 伟"), (Id18, "340702198503124511")],
    ),
    body("姓 名：李　娜", &[(Name, "李　娜")]),
    body("申请人：张三 李四", &[(Name, "张三"), (Name, "李四")]),
    // A header cell beside a name header (a PDF's header row gives each cell the one to its
    // left as label) is nobody.
    C {
        text: "家庭人口",
        kind: UnitKind::TableCell,
        header: None,
        label: Some("户主姓名"),
        expect: &[],
    },
    // A title word after a person label is nobody.
    body("2022年度临时救助对象公示", &[]),
    body("现将临时救助对象公示如下（公示期7天）：", &[]),
    body("救助对象信息登记表", &[]),
    // Values cut off at a narrow cell's edge in a spreadsheet's PDF export.
    cell("340702198", "身份证号码", &[(Id18, "340702198")]),
    cell("138567812", "联系方式", &[(Mobile, "138567812")]),
    cell("1385678", "手机", &[(Mobile, "1385678")]),
    cell("189-5621-", "联系电话", &[(Mobile, "189-5621")]),
    // Not cut-off values: a short number, an unknown region, a landline.
    cell("2021001", "身份证号码", &[]),
    cell("999999199", "身份证号码", &[]),
    cell("2881234", "联系电话", &[(Landline, "2881234")]),
    // A relation to someone named before it (`户主之妻李娜`).
    body(
        "户主之妻李娜，身份证340702198601014529",
        &[(Name, "李娜"), (Id18, "340702198601014529")],
    ),
    body("申请人之子张小明", &[(Name, "张小明")]),
    body("张伟之子张小明", &[(Name, "张伟"), (Name, "张小明")]),
    body(
        "经核实，王建国之妻李娜，无业",
        &[(Name, "王建国"), (Name, "李娜")],
    ),
    body("天之骄子", &[]),
    // Relations name a person only with a colon.
    body("妻子：王芳", &[(Name, "王芳")]),
    body("父亲去世后由母亲抚养", &[]),
    // Lists of names after a list's label, with notes in brackets.
    body(
        "获奖名单：张三丰、李秀英、王建国",
        &[(Name, "张三丰"), (Name, "李秀英"), (Name, "王建国")],
    ),
    body(
        "户主：张伟，家庭成员：李娜（妻）、张小明（子）",
        &[(Name, "张伟"), (Name, "李娜"), (Name, "张小明")],
    ),
    body("2021年度困难群众救助发放名单", &[]),
    body("名单公示如下", &[]),
    cell(
        "李娜、张小明",
        "家庭成员",
        &[(Name, "李娜"), (Name, "张小明")],
    ),
    // A name label joined to a number label labels the name after both.
    body(
        "联系人及电话：欧阳娜娜18688889999",
        &[(Name, "欧阳娜娜"), (Mobile, "18688889999")],
    ),
    body(
        "姓名和身份证号：王建国 320102196009091237",
        &[(Name, "王建国"), (Id18, "320102196009091237")],
    ),
    // Not a literal, or no label that says what it is: nothing.
    C {
        text: "Sheet1!$A$1:$B$2",
        kind: UnitKind::Name,
        header: None,
        label: Some("联系人"),
        expect: &[],
    },
    C {
        text: "\"周建华\"",
        kind: UnitKind::Name,
        header: None,
        label: Some("区域"),
        expect: &[],
    },
    C {
        text: "审核员刘洋",
        kind: UnitKind::Author,
        header: None,
        label: Some("author"),
        expect: &[(Name, "刘洋")],
    },
    C {
        text: "谭云",
        kind: UnitKind::Author,
        header: None,
        label: Some("w:author"),
        expect: &[(Name, "谭云")],
    },
    C {
        text: "mailto:a.b@example.com",
        kind: UnitKind::Hyperlink,
        header: None,
        label: None,
        expect: &[(Email, "a.b@example.com")],
    },
    C {
        text: "tel:13812345678",
        kind: UnitKind::Hyperlink,
        header: None,
        label: None,
        expect: &[(Mobile, "13812345678")],
    },
    // Numbers glued after a word of ASCII letters are found; after hexadecimal letters, or
    // letters after a digit, they are part of a code.
    cell("Tel15011112222", "备注", &[(Mobile, "15011112222")]),
    body("Mobile15011112222", &[(Mobile, "15011112222")]),
    body("TEL15011112222", &[(Mobile, "15011112222")]),
    body("x15011112222x", &[(Mobile, "15011112222")]),
    cell(
        "No6222009842886098979",
        "备注",
        &[(Card, "6222009842886098979")],
    ),
    body("ID340702199001011239", &[(Id18, "340702199001011239")]),
    body(
        "rsid a13812345678 00A1B2C3 0x15011112222 ABC13812345678",
        &[],
    ),
    body("产品型号 ABC13812345678，批号9x13812345678", &[]),
    body("GUID {13812345-6781-3812-3456-781381234567}", &[]),
    // A user's folder in a path is their login, in any unit.
    C {
        text: "C:\\Users\\duanzx\\Desktop\\",
        kind: UnitKind::Metadata,
        header: None,
        label: Some("url"),
        expect: &[(Name, "duanzx")],
    },
    C {
        text: "file:///C:/Users/zhaoliying/Documents/a.xlsx",
        kind: UnitKind::Hyperlink,
        header: None,
        label: None,
        expect: &[(Name, "zhaoliying")],
    },
    body(
        "见 C:\\Documents and Settings\\huge\\桌面 和 /home/linzhiling/a.txt",
        &[(Name, "huge"), (Name, "linzhiling")],
    ),
    C {
        text: "/Users/zhangwei/Library",
        kind: UnitKind::Other,
        header: None,
        label: None,
        expect: &[(Name, "zhangwei")],
    },
    body(
        "C:\\Users\\Public\\ C:\\Users\\Administrator\\ https://example.com/users/list",
        &[],
    ),
    // A connection string's user id.
    C {
        text: "DSN=MS Access Database;DBQ=C:\\a.accdb;UID=zhangyimou;PWD=secret",
        kind: UnitKind::Other,
        header: None,
        label: Some("connection"),
        expect: &[(Name, "zhangyimou")],
    },
    body(
        "Data Source=db;User ID=zhangyimou;Password=x",
        &[(Name, "zhangyimou")],
    ),
    body("Server=db;User=sa;UID=root;User ID=", &[]),
    // Who holds a shared workbook, wrote a revision, made a scenario.
    meta("段智兴", "userName", &[(Name, "段智兴")]),
    C {
        text: "黄渤",
        kind: UnitKind::Other,
        header: None,
        label: Some("user"),
        expect: &[(Name, "黄渤")],
    },
    C {
        text: "吴亦凡",
        kind: UnitKind::Other,
        header: None,
        label: Some("userName"),
        expect: &[(Name, "吴亦凡")],
    },
    meta("Administrator", "userName", &[]),
    C {
        text: "黄渤",
        kind: UnitKind::Other,
        header: None,
        label: Some("userId"),
        expect: &[],
    },
    // Full addresses in an address column, whatever building they name.
    cell(
        "广东省深圳市南山区科技园创维大厦12楼",
        "家庭住址",
        &[(Address, "广东省深圳市南山区科技园创维大厦12楼")],
    ),
    cell(
        "北京市海淀区学院路小区3号楼",
        "家庭住址",
        &[(Address, "北京市海淀区学院路小区3号楼")],
    ),
    cell(
        "广东省广州市番禺区大学城外环西路230号",
        "家庭住址",
        &[(Address, "广东省广州市番禺区大学城外环西路230号")],
    ),
    cell(
        "广东省深圳市南山区科技园南区某某大厦12楼",
        "家庭住址",
        &[(Address, "广东省深圳市南山区科技园南区某某大厦12楼")],
    ),
    // In running text an office stays an office.
    body("地址：广东省深圳市南山区科技园创维大厦12楼", &[]),
    // Sums are not phone numbers; a phone beside a sum still is.
    body("金额合计 13800000000 元", &[]),
    body("转入13800000000元", &[]),
    cell("13800000000", "金额", &[]),
    cell("13800000000", "补助金额（元）", &[]),
    body(
        "联系电话：13812345678，补助500元",
        &[(Mobile, "13812345678")],
    ),
    body("电话13812345678 元旦后联系", &[(Mobile, "13812345678")]),
];

#[test]
fn labelled_cases() {
    let engine = Engine::new(&Policy::default()).expect("engine");
    let mut stats: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new(); // (tp, fn, fp)
    let mut failures = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let mut ctx = UnitContext::new(c.kind, Location::default());
        ctx.column_header = c.header.map(str::to_string).map(Into::into);
        ctx.label = c.label.map(str::to_string).map(Into::into);
        let unit = TextUnit::new(UnitId(i as u32), c.text, ctx);
        let found: Vec<(PiiKind, String)> = engine
            .detect(&unit)
            .iter()
            .map(|f| (f.kind, c.text[f.range.clone()].to_string()))
            .collect();
        for (k, v) in c.expect {
            let e = stats.entry(k.as_str()).or_default();
            if found.iter().any(|(fk, fv)| fk == k && fv == v) {
                e.0 += 1;
            } else {
                e.1 += 1;
                failures.push(format!(
                    "case {i}: missed {k} in {:?}: got {found:?}",
                    c.text
                ));
            }
        }
        for (k, v) in &found {
            if !c.expect.iter().any(|(ek, ev)| ek == k && ev == v) {
                stats.entry(k.as_str()).or_default().2 += 1;
                failures.push(format!("case {i}: false {k} `{v}` in {:?}", c.text));
            }
        }
    }
    println!("{:<16} {:>4} {:>4} {:>4}", "kind", "tp", "fn", "fp");
    for (k, (tp, fne, fp)) in &stats {
        println!("{k:<16} {tp:>4} {fne:>4} {fp:>4}");
    }
    for f in &failures {
        println!("{f}");
    }
    assert!(failures.is_empty(), "{} failures", failures.len());
}

#[test]
fn policy_terms_allow_disabled_and_custom_rules() {
    let policy = Policy::from_toml(
        r#"
        allow = ["13812345678"]
        terms = ["王小明"]
        disabled = ["plate"]
        [[rules]]
        name = "case_number"
        pattern = "案号[:：]?\\s*(?P<value>[A-Z0-9]{10})"
        [[rules]]
        name = "member_card"
        pattern = "会员卡(?P<value>\\d{16,19})"
        validator = "luhn"
        "#,
    )
    .expect("policy parses");
    let engine = Engine::new(&policy).expect("engine");
    let unit = TextUnit::new(
        UnitId(0),
        "王小明来电13812345678，13912345678，车牌皖G12345，案号：AB12345678，会员卡6222026469406667049，会员卡6222026469406667048",
        UnitContext::new(UnitKind::Body, Location::default()),
    );
    let got: Vec<(PiiKind, String, String)> = engine
        .detect(&unit)
        .into_iter()
        .map(|f| (f.kind, unit.text[f.range].to_string(), f.rule.to_string()))
        .collect();
    let want = [
        (Name, "王小明", "name.term"),
        (Mobile, "13912345678", "mobile.range"),
        (Custom, "AB12345678", "custom.case_number"),
        (Custom, "6222026469406667049", "custom.member_card"),
    ];
    for (k, v, r) in want {
        assert!(
            got.iter()
                .any(|(gk, gv, gr)| *gk == k && gv == v && gr == r),
            "missing {k} {v} {r}: {got:?}"
        );
    }
    assert!(
        !got.iter().any(|(_, v, _)| v == "13812345678"),
        "allow-listed value reported"
    );
    assert!(
        !got.iter().any(|(k, _, _)| *k == Plate),
        "disabled kind reported"
    );
    assert!(
        !got.iter().any(|(_, v, _)| v == "6222026469406667048"),
        "value failing its validator reported"
    );
}

#[test]
fn name_cells_with_several_names_and_partial_masks() {
    let engine = Engine::new(&Policy::default()).expect("engine");
    let mut ctx = UnitContext::new(UnitKind::TableCell, Location::default());
    ctx.column_header = Some("户主姓名".into());
    let unit = TextUnit::new(UnitId(0), "张＊、李四（户主）", ctx);
    let got: Vec<String> = engine
        .detect(&unit)
        .into_iter()
        .map(|f| unit.text[f.range].to_string())
        .collect();
    assert_eq!(got, vec!["李四".to_string()]);
}

#[test]
fn debug_output_never_shows_terms_or_values() {
    let policy = Policy {
        terms: vec!["王小明".into()],
        allow: vec!["李四".into()],
        ..Policy::default()
    };
    let engine = Engine::new(&policy).expect("engine");
    let dbg = format!("{engine:?}");
    assert!(!dbg.contains("王小明") && !dbg.contains("李四"), "{dbg}");
    let unit = TextUnit::new(
        UnitId(0),
        "身份证号：340702199001011239",
        UnitContext::new(UnitKind::Body, Location::default()),
    );
    let f = engine.detect(&unit);
    assert!(!format!("{f:?}").contains("340702199001011239"));
}

#[test]
fn table_rows_read_as_lines() {
    let engine = Engine::new(&Policy::default()).expect("engine");
    let lines = [
        "序号 姓名 身份证号 救助类别 救助金额 银行卡号 联系电话 家庭住址",
        "4 王明嘉 340702198505311978 特困供养 3,738.25 62258845626262320 18848635677安徽省铜陵市铜官区天井湖街道长江西路85号19栋1804室",
        "6 高鹏力 330782198209030522 低保对象 5,448.25 6226093287761183 0579-47860227 浙江省金华市义乌市北苑街道工人西路353号",
    ];
    let units = units_of(&lines, UnitKind::Body);
    let got: Vec<(u32, PiiKind, String)> = engine
        .detect_all(&units)
        .into_iter()
        .map(|f| {
            (
                f.unit.0,
                f.kind,
                units[f.unit.0 as usize].text[f.range].to_string(),
            )
        })
        .collect();
    for (u, k, v) in [
        (1, Name, "王明嘉"),
        (1, Mobile, "18848635677"),
        (
            1,
            Address,
            "安徽省铜陵市铜官区天井湖街道长江西路85号19栋1804室",
        ),
        (1, Card, "62258845626262320"),
        (2, Name, "高鹏力"),
        (2, Landline, "0579-47860227"),
        (2, Address, "浙江省金华市义乌市北苑街道工人西路353号"),
    ] {
        assert!(
            got.iter()
                .any(|(gu, gk, gv)| *gu == u && *gk == k && gv == v),
            "missing {k} {v}: {got:?}"
        );
    }
    assert!(
        !got.iter()
            .any(|(_, _, v)| v.contains("3,738.25") || v == "特困供养")
    );
}

#[test]
fn addresses_and_labels_wrapped_across_lines() {
    let engine = Engine::new(&Policy::default()).expect("engine");
    let lines = [
        "经核实，申请人郑兰秀（身份证号：340706198402162637，家庭住址：安徽省铜陵市义安区顺",
        "安镇铜都大道170号21幢1301室）情况属实，已按规定纳入本期名单。",
        "联系人：邓婷磊，家庭住址：",
        "浙江省湖州市长兴县雉城街道明珠路156号15栋1404室，联系电话：13812345678",
    ];
    let units = units_of(&lines, UnitKind::Body);
    let got: Vec<(u32, PiiKind, String)> = engine
        .detect_all(&units)
        .into_iter()
        .map(|f| {
            (
                f.unit.0,
                f.kind,
                units[f.unit.0 as usize].text[f.range].to_string(),
            )
        })
        .collect();
    for (u, k, v) in [
        (0, Address, "安徽省铜陵市义安区顺"),
        (1, Address, "安镇铜都大道170号21幢1301室"),
        (
            3,
            Address,
            "浙江省湖州市长兴县雉城街道明珠路156号15栋1404室",
        ),
    ] {
        assert!(
            got.iter()
                .any(|(gu, gk, gv)| *gu == u && *gk == k && gv == v),
            "missing {k} {v}: {got:?}"
        );
    }
}

#[test]
fn a_table_header_line_ending_with_an_address_column_labels_nothing_below() {
    // A table's header repeated at the top of a page, then the notice's closing lines.
    let engine = Engine::new(&Policy::default()).expect("engine");
    let lines = [
        "序号 姓名 身份证号 救助类别 救助金额 银行卡号 联系电话 家庭住址",
        "发布单位统一社会信用代码：1233070052970012XM，项目编码：10962598109。咨询地点：金华市解放路58号政务服务中心3楼。",
    ];
    let units = units_of(&lines, UnitKind::Body);
    let got = engine.detect_all(&units);
    assert!(
        got.is_empty(),
        "{:?}",
        got.iter().map(|f| (&f.rule, f.kind)).collect::<Vec<_>>()
    );
}

#[test]
fn what_a_mask_leaves_in_extracted_text_stays_quiet() {
    // PDF mask glyphs may not extract at all: `申请人郑＊＊` reads back as `申请人郑`.
    let engine = Engine::new(&Policy::default()).expect("engine");
    for t in [
        "经核实，申请人郑（身份证号：340702********1239）",
        "家庭住址：安徽省铜陵市义安区",
        "姓名：诸葛",
    ] {
        let unit = TextUnit::new(
            UnitId(0),
            t,
            UnitContext::new(UnitKind::Body, Location::default()),
        );
        let got: Vec<String> = engine
            .detect(&unit)
            .into_iter()
            .map(|f| t[f.range].to_string())
            .collect();
        assert!(got.is_empty(), "{t}: {got:?}");
    }
}

#[test]
fn form_field_titles_are_not_people() {
    // A PDF `/T` is an annotation's author but also a form field's name.
    let engine = Engine::new(&Policy::default()).expect("engine");
    let mut field = UnitContext::new(UnitKind::Annotation, Location::default());
    field.label = Some("T".into());
    for (t, want) in [
        ("text", 0usize),
        ("Date1", 0),
        ("姜莲磊", 1),
        ("Jay Berkenbilt", 1),
    ] {
        let unit = TextUnit::new(UnitId(0), t, field.clone());
        assert_eq!(engine.detect(&unit).len(), want, "{t}");
    }
}

#[test]
fn an_id_wrapped_inside_a_narrow_table_cell_is_found_in_both_halves() {
    // A PDF table whose ID column is too narrow: the first nine digits end one line of the
    // cell, the rest start the next, with other cells read in between.
    let engine = Engine::new(&Policy::default()).expect("engine");
    let run = |cells: &[&str]| -> Vec<(u32, String, String)> {
        let units = units_of(cells, UnitKind::TableCell);
        engine
            .detect_all(&units)
            .into_iter()
            .filter(|f| f.kind == Id18)
            .map(|f| {
                (
                    f.unit.0,
                    units[f.unit.0 as usize].text[f.range].to_string(),
                    f.rule.to_string(),
                )
            })
            .collect()
    };
    let got = run(&["1", "342702197 1527650 地址", "622205838", "212277572 3845"]);
    assert!(
        got.is_empty(),
        "an unknown region code starts no ID: {got:?}"
    );
    let got = run(&[
        "1",
        "340702197 1527650 安徽省铜陵市义安区五松镇幸福路",
        "622205838",
        "212277572 3845",
    ]);
    assert_eq!(
        got,
        vec![
            (1, "340702197".to_string(), "id18.split".to_string()),
            (3, "212277572".to_string(), "id18.split".to_string()),
        ]
    );
    // The same digits with a wrong check digit are not an ID.
    let got = run(&["340702197 1527650", "622205838", "212277573 3845"]);
    assert!(got.is_empty(), "{got:?}");
}

/// Detection's per-unit pass runs in chunks on the caller's rayon pool: on one thread and on
/// several, with table header lines, rows, neighbour labels and cells on both sides of chunk
/// boundaries, the findings are the same and in the same order.
#[test]
fn findings_do_not_depend_on_the_number_of_threads() {
    let mut texts: Vec<String> = Vec::new();
    for i in 0..3000u32 {
        match i % 6 {
            0 => texts.push("序号 姓名 身份证号 联系电话 家庭住址".into()),
            1 => texts.push(format!(
                "{i} 张伟 340702198503124511 1385678{:04} 义安区五松镇幸福路12号",
                i % 10000
            )),
            2 => texts.push("联系电话：".into()),
            3 => texts.push(format!("1391234{:04}", i % 10000)),
            4 => texts.push(format!("申请人：李秀英，电话1860000{:04}。", i % 10000)),
            _ => texts.push("本通知自发布之日起施行。".into()),
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut units = units_of(&refs, UnitKind::Body);
    // Every third unit a table cell, so neighbour labels cross chunk boundaries too.
    for u in units.iter_mut().skip(2).step_by(3) {
        u.context.kind = UnitKind::TableCell;
    }
    let engine = Engine::new(&Policy::default()).unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| engine.detect_all(&units))
    };
    let one = run(1);
    assert!(one.len() > 2000, "{} findings", one.len());
    assert_eq!(run(2), one);
    assert_eq!(run(3), one);
}
