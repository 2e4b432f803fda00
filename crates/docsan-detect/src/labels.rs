//! Labels and column headers: the context that turns a bare string into personal data.
//!
//! Names and addresses cannot be recognised by shape alone, and some numbers (passbook
//! accounts, cards that fail Luhn, social-security numbers) only by what they are called. This
//! module names the classes of context and the words that announce them, in running text
//! (`姓名：`, `家庭住址：`) and in table or sheet column headers (`身份证号码`, `开户账号`).

/// What a label or header says the value next to it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Name,
    Id,
    /// An identifier that embeds a resident ID (disability card = ID + 2 digits, student
    /// number = `G` + ID).
    IdEmbedded,
    Phone,
    Card,
    Address,
    Email,
    BirthDate,
    Passport,
    TravelPermit,
    HkId,
    SocialSecurity,
    Plate,
    /// An organisation's code (unified social credit code, tax number): never personal.
    OrgCode,
    /// The address of an office or a public body: never personal.
    OfficeAddress,
    /// A name is written before this word (`由张三核对`).
    NameBefore,
    /// The public number of an office (`咨询电话`, `监督电话`): a landline after it is not
    /// personal.
    PublicPhone,
}

/// Labels recognised inside running text, with their class. The longest match wins, so
/// `户主姓名` is one label and `联系人` does not fire inside `联系人电话`.
pub const TEXT_LABELS: &[(&str, Class)] = &[
    ("姓名", Class::Name),
    ("户主姓名", Class::Name),
    ("姓 名", Class::Name),
    ("姓　名", Class::Name),
    ("姓  名", Class::Name),
    ("住 址", Class::Address),
    ("住　址", Class::Address),
    ("电 话", Class::Phone),
    ("电　话", Class::Phone),
    ("户主", Class::Name),
    ("申请人", Class::Name),
    ("申请人姓名", Class::Name),
    ("被申请人", Class::Name),
    ("联系人", Class::Name),
    ("紧急联系人", Class::Name),
    ("之妻", Class::Name),
    ("之夫", Class::Name),
    ("之子", Class::Name),
    ("之女", Class::Name),
    ("之父", Class::Name),
    ("之母", Class::Name),
    ("妻子", Class::Name),
    ("丈夫", Class::Name),
    ("儿子", Class::Name),
    ("女儿", Class::Name),
    ("父亲", Class::Name),
    ("母亲", Class::Name),
    ("家庭成员", Class::Name),
    ("获奖人", Class::Name),
    ("获奖者", Class::Name),
    ("名单", Class::Name),
    ("参保人", Class::Name),
    ("被保险人", Class::Name),
    ("投保人", Class::Name),
    ("监护人", Class::Name),
    ("配偶", Class::Name),
    ("配偶姓名", Class::Name),
    ("制表人", Class::Name),
    ("经办人", Class::Name),
    ("填报人", Class::Name),
    ("填表人", Class::Name),
    ("审核人", Class::Name),
    ("核实人", Class::Name),
    ("复核人", Class::Name),
    ("审批人", Class::Name),
    ("负责人", Class::Name),
    ("收款人", Class::Name),
    ("领款人", Class::Name),
    ("持卡人", Class::Name),
    ("开户名", Class::Name),
    ("户名", Class::Name),
    ("账户名", Class::Name),
    ("代理人", Class::Name),
    ("委托人", Class::Name),
    ("受托人", Class::Name),
    ("当事人", Class::Name),
    ("被救助人", Class::Name),
    ("救助对象", Class::Name),
    ("法定代表人", Class::Name),
    ("承办人", Class::Name),
    ("受理人", Class::Name),
    ("签收人", Class::Name),
    ("报告人", Class::Name),
    ("记录人", Class::Name),
    ("登记人", Class::Name),
    ("担保人", Class::Name),
    ("借款人", Class::Name),
    ("患者姓名", Class::Name),
    ("学生姓名", Class::Name),
    ("考生姓名", Class::Name),
    ("家长姓名", Class::Name),
    ("父亲姓名", Class::Name),
    ("母亲姓名", Class::Name),
    ("Name", Class::Name),
    ("name", Class::Name),
    ("NAME", Class::Name),
    ("Full name", Class::Name),
    ("Contact", Class::Name),
    ("Applicant", Class::Name),
    ("Author", Class::Name),
    ("Prepared by", Class::Name),
    ("身份证号", Class::Id),
    ("身份证号码", Class::Id),
    ("身份证", Class::Id),
    ("公民身份号码", Class::Id),
    ("身份号码", Class::Id),
    ("证件号码", Class::Id),
    ("证件号", Class::Id),
    ("居民身份证", Class::Id),
    ("残疾证号", Class::IdEmbedded),
    ("残疾证号码", Class::IdEmbedded),
    ("残疾人证号", Class::IdEmbedded),
    ("学籍号", Class::IdEmbedded),
    ("全国学籍号", Class::IdEmbedded),
    ("电话", Class::Phone),
    ("手机", Class::Phone),
    ("手机号", Class::Phone),
    ("手机号码", Class::Phone),
    ("联系电话", Class::Phone),
    ("联系方式", Class::Phone),
    ("电话号码", Class::Phone),
    ("固话", Class::Phone),
    ("座机", Class::Phone),
    ("Tel", Class::Phone),
    ("Phone", Class::Phone),
    ("Mobile", Class::Phone),
    ("咨询电话", Class::PublicPhone),
    ("监督电话", Class::PublicPhone),
    ("举报电话", Class::PublicPhone),
    ("投诉电话", Class::PublicPhone),
    ("服务电话", Class::PublicPhone),
    ("办公电话", Class::PublicPhone),
    ("值班电话", Class::PublicPhone),
    ("服务热线", Class::PublicPhone),
    ("热线电话", Class::PublicPhone),
    ("传真", Class::PublicPhone),
    ("银行卡号", Class::Card),
    ("银行卡", Class::Card),
    ("卡号", Class::Card),
    ("账号", Class::Card),
    ("帐号", Class::Card),
    ("银行账号", Class::Card),
    ("开户账号", Class::Card),
    ("收款账号", Class::Card),
    ("银行账户", Class::Card),
    ("存折号", Class::Card),
    ("折号", Class::Card),
    ("住址", Class::Address),
    ("家庭住址", Class::Address),
    ("现住址", Class::Address),
    ("户籍地址", Class::Address),
    ("家庭地址", Class::Address),
    ("居住地址", Class::Address),
    ("现居住地", Class::Address),
    ("居住地", Class::Address),
    ("户籍所在地", Class::Address),
    ("户口所在地", Class::Address),
    ("通讯地址", Class::Address),
    ("联系地址", Class::Address),
    ("常住地址", Class::Address),
    ("家住", Class::Address),
    ("住所", Class::Address),
    ("地址", Class::Address),
    ("Address", Class::Address),
    ("办公地址", Class::OfficeAddress),
    ("单位地址", Class::OfficeAddress),
    ("公司地址", Class::OfficeAddress),
    ("注册地址", Class::OfficeAddress),
    ("经营地址", Class::OfficeAddress),
    ("机构地址", Class::OfficeAddress),
    ("咨询地点", Class::OfficeAddress),
    ("办公地点", Class::OfficeAddress),
    ("受理地点", Class::OfficeAddress),
    ("邮箱", Class::Email),
    ("电子邮箱", Class::Email),
    ("出生日期", Class::BirthDate),
    ("出生年月", Class::BirthDate),
    ("出生年月日", Class::BirthDate),
    ("出生时间", Class::BirthDate),
    ("生日", Class::BirthDate),
    ("出生于", Class::BirthDate),
    ("护照", Class::Passport),
    ("护照号", Class::Passport),
    ("护照号码", Class::Passport),
    ("Passport", Class::Passport),
    ("通行证", Class::TravelPermit),
    ("通行证号", Class::TravelPermit),
    ("通行证号码", Class::TravelPermit),
    ("回乡证", Class::TravelPermit),
    ("台胞证", Class::TravelPermit),
    ("香港身份证", Class::HkId),
    ("社保号", Class::SocialSecurity),
    ("社保卡号", Class::SocialSecurity),
    ("社会保障号", Class::SocialSecurity),
    ("社会保障号码", Class::SocialSecurity),
    ("社会保障卡号", Class::SocialSecurity),
    ("医保号", Class::SocialSecurity),
    ("医保卡号", Class::SocialSecurity),
    ("参保号", Class::SocialSecurity),
    ("个人社保编号", Class::SocialSecurity),
    ("医疗保险号", Class::SocialSecurity),
    ("车牌", Class::Plate),
    ("车牌号", Class::Plate),
    ("车牌号码", Class::Plate),
    ("号牌号码", Class::Plate),
    ("统一社会信用代码", Class::OrgCode),
    ("信用代码", Class::OrgCode),
    ("组织机构代码", Class::OrgCode),
    ("纳税人识别号", Class::OrgCode),
    ("税号", Class::OrgCode),
    ("核对", Class::NameBefore),
    ("审核", Class::NameBefore),
    ("复核", Class::NameBefore),
    ("填报", Class::NameBefore),
    ("制表", Class::NameBefore),
    ("经办", Class::NameBefore),
    ("签字", Class::NameBefore),
    ("签收", Class::NameBefore),
];

/// Classifies a column header or a unit label (`身份证号码`, `开户账号`, `dc:creator`).
/// Returns `None` for headers that say nothing about personal data (`序号`, `金额`).
pub fn classify_header(header: &str) -> Option<Class> {
    // Column headers and labels repeat on every cell of a table: remember the last answers.
    // The cache only speeds up a pure function, so results stay deterministic.
    thread_local! {
        static CACHE: std::cell::RefCell<docsan_core::FastMap<String, Option<Class>>> =
            std::cell::RefCell::new(docsan_core::FastMap::default());
    }
    // The few headers of the table being read, in turn (a row's cells are read one column
    // after the other): compared before anything else.
    thread_local! {
        static RECENT: std::cell::RefCell<Recent> = const {
            std::cell::RefCell::new(Recent {
                next: 0,
                list: Vec::new(),
            })
        };
    }
    const RECENT_LEN: usize = 8;
    if header.len() > 96 {
        return classify_header_uncached(header);
    }
    let recent = RECENT.with(|r| {
        r.borrow()
            .list
            .iter()
            .find(|(h, _)| **h == *header)
            .map(|(_, v)| *v)
    });
    if let Some(v) = recent {
        return v;
    }
    // Cell values (names, numbers) are unique: answer them without touching the caches.
    if !may_classify(header) {
        return None;
    }
    let v = CACHE.with(|c| {
        if let Some(hit) = c.borrow().get(header) {
            return *hit;
        }
        let v = classify_header_uncached(header);
        let mut m = c.borrow_mut();
        if m.len() >= 4096 {
            m.clear();
        }
        m.insert(header.to_string(), v);
        v
    });
    RECENT.with(|r| {
        let Recent { next, list } = &mut *r.borrow_mut();
        let entry = (Box::from(header), v);
        if list.len() < RECENT_LEN {
            list.push(entry);
        } else {
            list[*next] = entry;
        }
        *next = (*next + 1) % RECENT_LEN;
    });
    v
}

/// The headers [`classify_header`] answered last, with their answers; `next` is the entry
/// replaced next once the list is full.
struct Recent {
    next: usize,
    list: Vec<(Box<str>, Option<Class>)>,
}

/// Every non-ASCII character of the words [`classify_header_uncached`] looks for (sorted, kept
/// complete by a test that reads those words from this file). A header with none of them and
/// no ASCII letter can match nothing, so names, numbers and amounts in cells skip the word
/// search.
const KEYWORD_CHARS: &[char] = &[
    '个', '主', '乡', '事', '亲', '人', '代', '件', '任', '份', '会', '位', '住', '保', '信', '偶',
    '公', '关', '册', '农', '出', '别', '制', '办', '助', '医', '单', '卡', '原', '参', '受', '台',
    '号', '司', '名', '告', '员', '回', '固', '在', '地', '址', '填', '士', '复', '奖', '姓', '委',
    '字', '存', '学', '定', '实', '审', '家', '对', '导', '居', '属', '工', '师', '帐', '干', '座',
    '庭', '开', '式', '当', '律', '性', '患', '成', '户', '所', '手', '托', '承', '投', '折', '护',
    '报', '持', '收', '救', '教', '方', '族', '日', '机', '村', '构', '核', '款', '残', '母', '民',
    '法', '注', '渔', '点', '照', '父', '牌', '牧', '班', '理', '生', '用', '申', '电', '疗', '疾',
    '登', '监', '码', '社', '称', '税', '等', '签', '箱', '籍', '类', '系', '级', '纳', '组', '经',
    '老', '考', '者', '职', '联', '胞', '获', '营', '行', '补', '表', '被', '计', '记', '证', '识',
    '话', '请', '谓', '象', '负', '责', '账', '贴', '身', '车', '通', '邮', '部', '配', '银', '长',
    '队', '险', '障', '领',
];

/// Words of numbers that documents and businesses carry (`发票号码`, `订单号`, `对公账号`).
const DOC_NUMBER_WORDS: &[&str] = &[
    "发票",
    "票据",
    "票号",
    "订单",
    "单号",
    "单据",
    "凭证",
    "合同",
    "快递",
    "运单",
    "工单",
    "流水",
    "批次",
    "条码",
    "编码",
    "物料",
    "商品",
    "货号",
    "型号",
    "文号",
    "批号",
    "对公",
    "公司账",
    "企业账",
    "单位账",
    "公户",
    "基本户",
    "基本账户",
];

/// Could this header match anything at all?
fn may_classify(h: &str) -> bool {
    h.chars()
        .any(|c| c.is_ascii_alphabetic() || KEYWORD_CHARS.binary_search(&c).is_ok())
}

fn classify_header_uncached(header: &str) -> Option<Class> {
    let h: String = header
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '*' | '＊' | ':' | '：' | '(' | ')' | '（' | '）')
        })
        .collect();
    if h.is_empty() || h.chars().count() > 24 || !may_classify(&h) {
        return None;
    }
    let lower = h.to_ascii_lowercase();
    // `Full_Name`, `first-name` and `First Name` read alike.
    let latin: String = header
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if has(&["信用代码", "机构代码", "纳税人识别号", "税号"]) {
        return Some(Class::OrgCode);
    }
    // `与户主关系` holds 本人, 配偶, 长子: relations, not names.
    if has(&[
        "关系",
        "称谓",
        "性别",
        "民族",
        "类别",
        "等级",
        "银行",
        "开户行",
    ]) && !has(&["卡号", "账号", "帐号", "账户", "帐户", "存折", "折号"])
    {
        return None;
    }
    // A person by their part (`参保人`, `身份证持有人`) before the words for their numbers.
    if person_role(&h) {
        return Some(Class::Name);
    }
    if has(&["户名", "账户名", "开户名", "持卡人", "姓名"])
        && !has(&[
            "电话", "手机", "号码", "证号", "卡号", "账号", "住址", "地址",
        ])
    {
        return Some(Class::Name);
    }
    // Before phones: `护照号码`, `车牌号码` end in 号码.
    if has(&["护照"]) && !has(&["身份证"]) || lower.contains("passport") {
        return Some(Class::Passport);
    }
    if has(&["通行证", "回乡证", "台胞证"]) {
        return Some(Class::TravelPermit);
    }
    if has(&["车牌", "号牌"]) {
        return Some(Class::Plate);
    }
    // Numbers of documents and of businesses (`发票号码`, `订单号`, `对公账号`): a number under
    // them is a phone or a card only if it validates as one on its own, not by the header's
    // `号码` or `账号`.
    if DOC_NUMBER_WORDS.iter().any(|w| h.contains(w))
        && !has(&["电话", "手机", "身份证", "银行卡", "联系", "个人"])
    {
        return None;
    }
    if has(&["残疾证", "残疾人证", "学籍号"]) {
        return Some(Class::IdEmbedded);
    }
    if has(&["身份证", "证件号", "身份号", "公民身份"])
        || lower == "id"
        || lower.contains("idno")
        || lower.contains("idcard")
    {
        return Some(Class::Id);
    }
    if has(&["社保", "医保", "参保", "社会保障", "医疗保险"]) {
        return Some(Class::SocialSecurity);
    }
    if has(&[
        "卡号",
        "账号",
        "帐号",
        "账户",
        "帐户",
        "存折",
        "折号",
        "银行卡",
    ]) || lower.contains("account")
        || lower.contains("card")
    {
        return Some(Class::Card);
    }
    if has(&["电话", "手机", "联系方式", "固话", "座机", "号码"])
        || lower.contains("phone")
        || lower.contains("mobile")
        || lower.starts_with("tel")
    {
        return Some(Class::Phone);
    }
    if has(&["邮箱", "邮件"]) || (lower.contains("mail") && !lower.contains("mailing")) {
        return Some(Class::Email);
    }
    if has(&["出生", "生日"]) || lower.contains("birth") {
        return Some(Class::BirthDate);
    }
    if has(&[
        "单位地址",
        "办公地址",
        "公司地址",
        "注册地址",
        "经营地址",
        "机构地址",
        "办公地点",
    ]) {
        return Some(Class::OfficeAddress);
    }
    if has(&["住址", "地址", "居住地", "所在地", "住所", "家住"])
        || lower.contains("address")
        || latin
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "addr")
    {
        return Some(Class::Address);
    }
    if has(&[
        "户主",
        "申请人",
        "联系人",
        "监护人",
        "配偶",
        "制表人",
        "经办人",
        "填报人",
        "填表人",
        "审核人",
        "核实人",
        "复核人",
        "负责人",
        "收款人",
        "领款人",
        "代理人",
        "委托人",
        "当事人",
        "救助对象",
        "补贴对象",
        "被救助人",
        "法定代表人",
        "承办人",
        "受理人",
        "报告人",
        "登记人",
        "名字",
        "家庭成员",
        "获奖人",
        "获奖者",
        "参保人",
        "被保险人",
        "投保人",
        "患者",
        "学生",
        "考生",
        "家长",
        "父亲",
        "母亲",
        // People by what they are to the table (`员工`, `值班领导`, `签字`): roles that do not
        // end like one (those are [`person_role`]'s).
        "员工",
        "职工",
        "民工",
        "村民",
        "居民",
        "农民",
        "牧民",
        "渔民",
        "教师",
        "老师",
        "医生",
        "医师",
        "护士",
        "律师",
        "班主任",
        "主任",
        "领导",
        "干部",
        "司机",
        "出纳",
        "会计",
        "法人代表",
        "原告",
        "被告",
        "签字",
        "签名",
        "组长",
        "村长",
        "队长",
        "班长",
        "经理",
        "家属",
    ]) || LATIN_NAME_HEADERS.contains(&latin.as_str())
        || is_person_label(header)
    {
        return Some(Class::Name);
    }
    None
}

/// Is `h` (blanks and brackets taken out) a word for a person by the part they play, ending
/// like one: `受益人`, `经手人`, `作者`, `驾驶员`, `业主`, `贫困户`? Such a word heads a column of
/// names and labels a name after a colon. Words that end so without naming anyone
/// (`个人`, `人员数` does not end so, `账户`, `或者`, `为主`) are left out.
pub fn person_role(h: &str) -> bool {
    const ENDS: &[char] = &['人', '者', '员', '主', '户'];
    const NOT_ROLES: &[&str] = &[
        "个人",
        "本人",
        "他人",
        "每人",
        "各人",
        "成人",
        "人人",
        "万人",
        "千人",
        "百人",
        "一人",
        "机器人",
        "或者",
        "再者",
        "前者",
        "后者",
        "两者",
        "二者",
        "三者",
        "定员",
        "满员",
        "裁员",
        "减员",
        "增员",
        "超员",
        "动员",
        "为主",
        "自主",
        "民主",
        "公主",
        "账户",
        "帐户",
        "开户",
        "入户",
        "落户",
        "分户",
        "销户",
        "过户",
        "门户",
        "立户",
        "每户",
        "一户",
        "全户",
        "总户",
        "单户",
        "商户",
        "窗户",
        "用户",
    ];
    let n = h.chars().count();
    (2..=8).contains(&n)
        && h.ends_with(ENDS)
        && h.chars().all(crate::text::is_cjk)
        && !NOT_ROLES.iter().any(|w| h.ends_with(w))
}

/// The verbs a form or a table's footer signs a person's name with, before a colon
/// (`制表：杨晓东`, `审核：赵丽华`, `经办：孙红梅`): each labels the name after it as its
/// 人-form (`制表人`) does. A name there needs a known surname (`审核：通过` is no name).
const SIGN_VERBS: &[&str] = &[
    "制表", "审核", "经办", "制图", "复核", "填表", "填报", "核对", "校对", "审批", "批准", "统计",
    "录入", "编制", "监制", "主管", "会计", "出纳", "记账", "制单", "审定", "核准", "核实", "复审",
    "初审", "审查", "校核", "签发", "签收", "验收", "经手", "保管", "稽核", "承办", "登记",
];

/// Is `w` a verb a name is signed with before a colon ([`SIGN_VERBS`])?
pub fn is_sign_verb(w: &str) -> bool {
    // Each is two characters of three bytes.
    w.len() == 6 && SIGN_VERBS.contains(&w)
}

/// Words of the numbers of orders, waybills, invoices, tickets and serials (`物流单号`,
/// `订单编号`, `发票号码`, `流水号`): a number under them or right after them is no card and
/// no landline, though it may pass Luhn (one number in ten does) or start with an area code.
const DOC_NUMBER_HEADER_WORDS: &[&str] = &[
    "单号",
    "订单",
    "运单",
    "快递",
    "物流",
    "编号",
    "流水",
    "发票",
    "票号",
    "票据",
    "序列号",
    "工单",
    "合同",
    "凭证",
    "单据",
    "批次",
    "批号",
    "条码",
    "货号",
    "追踪号",
    "跟踪号",
];

/// Words that say a column holds cards, accounts, phones or IDs after all (`银行卡编号`).
const NOT_DOC_NUMBER_WORDS: &[&str] = &[
    "卡号",
    "账号",
    "帐号",
    "银行卡",
    "账户",
    "帐户",
    "存折",
    "电话",
    "手机",
    "身份证",
    "证件",
];

/// Is this the column header of order, waybill, invoice, ticket or serial numbers
/// (`物流单号`, `订单编号`, `Order No.`), not of a card, an account, a phone or an ID?
pub fn is_doc_number_header(header: &str) -> bool {
    let h: String = header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）' | ':' | '：'))
        .collect();
    let lower = header.to_ascii_lowercase();
    let latin = [
        "order", "invoice", "tracking", "waybill", "serial", "ticket", "receipt",
    ]
    .iter()
    .any(|w| lower.contains(w))
        && !["card", "account", "phone", "mobile"]
            .iter()
            .any(|w| lower.contains(w));
    latin
        || (DOC_NUMBER_HEADER_WORDS.iter().any(|w| h.contains(w))
            && !NOT_DOC_NUMBER_WORDS.iter().any(|w| h.contains(w)))
}

/// Does a word of order, waybill, invoice or serial numbers label the number starting at byte
/// `pos` (`订单号：600…`, `快递单号 400…`, `发票号码为622…`)? Blanks, a colon, 为 and 是 may
/// stand between.
pub fn doc_number_before(text: &str, pos: usize) -> bool {
    const ENDS: &[&str] = &[
        "单号",
        "编号",
        "流水号",
        "票号",
        "序列号",
        "发票号码",
        "发票号",
        "单号码",
        "凭证号",
        "合同号",
        "批号",
        "批次号",
        "条码",
        "追踪号",
        "跟踪号",
    ];
    let Some(head) = text.get(..pos) else {
        return false;
    };
    let h = head.trim_end_matches(|c: char| crate::text::is_filler(c));
    if head.len() - h.len() > 12 {
        return false;
    }
    let Some(end) = ENDS.iter().find(|w| h.ends_with(**w)) else {
        return false;
    };
    // `银行卡编号`, `账户流水号` name a card or an account.
    let word = &h[..h.len() - end.len()];
    !word
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '卡' | '账' | '帐' | '户'))
}

/// Words of sums and quantities: a number they label (`金额合计 13800000000 元`) or a column
/// they head is counted or paid, not dialled.
const AMOUNT_WORDS: &[&str] = &[
    "金额",
    "合计",
    "总额",
    "总计",
    "小计",
    "共计",
    "累计",
    "数量",
    "面积",
    "余额",
    "价格",
    "单价",
    "总价",
    "费用",
    "价款",
    "款额",
    "工资",
    "收入",
    "资金",
    "人民币",
    "（元）",
    "(元)",
    "万元",
];

/// Is this a column header of sums or quantities (`金额`, `补助金额（元）`, `数量`, `Amount`)?
/// A header that says the column holds personal data (`金额联系人电话`) is not.
pub fn is_amount_header(header: &str) -> bool {
    let lower = header.trim().to_ascii_lowercase();
    (AMOUNT_WORDS.iter().any(|w| header.contains(w))
        || ["amount", "total", "sum", "qty", "quantity", "price"]
            .iter()
            .any(|w| {
                lower
                    .strip_prefix(w)
                    .is_some_and(|r| r.is_empty() || r.starts_with(' '))
            }))
        && classify_header(header).is_none()
}

/// Does an amount word label the number starting at byte `pos` (`金额合计 138…`,
/// `合计（元）：138…`, `￥138…`)? Blanks, a colon and a bracketed unit may stand between.
pub fn amount_before(text: &str, pos: usize) -> bool {
    let Some(head) = text.get(..pos) else {
        return false;
    };
    let fillers = |c: char| c.is_whitespace() || matches!(c, ':' | '：' | '\u{3000}');
    let mut h = head.trim_end_matches(fillers);
    for unit in ["（元）", "(元)", "（万元）", "(万元)"] {
        if let Some(x) = h.strip_suffix(unit) {
            h = x.trim_end_matches(fillers);
            break;
        }
    }
    // At most a few characters between the word and the number.
    head.len() - h.len() <= 12
        && (AMOUNT_WORDS.iter().any(|w| h.ends_with(w)) || h.ends_with(['¥', '￥']))
}

/// Does a unit of money or measure follow the number ending at byte `end` (`13800000000 元`,
/// `…万元`, `…平方米`)?
pub fn unit_after(text: &str, end: usize) -> bool {
    let Some(tail) = text.get(end..) else {
        return false;
    };
    let t = tail.trim_start_matches([' ', '\u{3000}', '\u{a0}']);
    tail.len() - t.len() <= 3
        && !t.starts_with("元旦")
        && [
            "元",
            "万元",
            "亿元",
            "块",
            "平方米",
            "平米",
            "㎡",
            "亩",
            "吨",
            "公斤",
            "千克",
        ]
        .iter()
        .any(|u| t.starts_with(u))
}

/// Latin column headers of a personal-name column (a sheet's `name` attribute or a
/// `definedName` is not one).
const LATIN_NAME_HEADERS: &[&str] = &[
    "name",
    "names",
    "full name",
    "fullname",
    "first name",
    "last name",
    "given name",
    "family name",
    "surname",
    "contact",
    "contact name",
    "contact person",
    "applicant",
    "applicant name",
    "student name",
    "customer name",
    "employee name",
    "person",
    "owner name",
    "patient name",
    "holder name",
    "account name",
    "account holder",
];

/// Is this metadata or attribute label one whose value is a person (`dc:creator`,
/// `cp:lastModifiedBy`, `Author`, `w:author`, a PDF annotation's `T`)?
pub fn is_person_label(label: &str) -> bool {
    let l = label.trim().trim_start_matches('/').to_ascii_lowercase();
    // A PDF's `/Creator` is often the program that made it, `dc:creator` the author: both are
    // taken, and program names are recognised by the value (`names::person_value`).
    l.contains("author")
        || (l.contains("creator") && !l.contains("tool"))
        || l.contains("lastmodifiedby")
        || l.contains("last_modified_by")
        // A pivot cache's `refreshedBy`, a revision's `modifiedBy`.
        || l.contains("refreshedby")
        || l.contains("modifiedby")
        || l.contains("createdby")
        || l.contains("manager")
        || l.contains("initials")
        || l == "t"
        || l.ends_with(":t")
        || l == "owner"
        || l == "reviewer"
        || l == "signer"
        || is_user_label(label)
}

/// Is this label a user's name: who holds a shared workbook (`fileSharing@userName`), who
/// wrote a revision (`header@userName`), who made a scenario (`scenario@user`)? Not a user's
/// id (`userId`), which is often a number or a provider's key.
pub fn is_user_label(label: &str) -> bool {
    let l = label.trim().trim_start_matches('/').to_ascii_lowercase();
    let l = l.rsplit([':', '@']).next().unwrap_or(&l);
    l == "username" || l == "user_name" || l == "user"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine looks for label words only in texts with a letter or a non-ASCII
    /// character (not in a cell of digits): every label word must have one.
    #[test]
    fn every_label_word_has_a_letter_or_a_non_ascii_character() {
        for (w, _) in TEXT_LABELS {
            assert!(
                w.bytes().any(|b| b.is_ascii_alphabetic() || !b.is_ascii()),
                "label word {w:?}"
            );
        }
    }

    #[test]
    fn keyword_chars_cover_every_header_word() {
        // The words `classify_header_uncached` searches for, read from this very file, so that
        // a word added there with a new character fails here until the list has it.
        let src = include_str!("labels.rs");
        let start = src.find("fn classify_header_uncached").expect("function");
        let end = src[start..].find("\n}\n").expect("end") + start;
        let body = &src[start..end];
        let mut words = 0;
        for list in body.split("has(&[").skip(1) {
            let list = &list[..list.find("])").expect("list end")];
            for w in list.split('"').skip(1).step_by(2) {
                words += 1;
                for c in w.chars().filter(|c| !c.is_ascii()) {
                    assert!(
                        KEYWORD_CHARS.binary_search(&c).is_ok(),
                        "{c:?} of {w:?} is missing from KEYWORD_CHARS"
                    );
                }
                assert!(may_classify(w), "{w:?}");
            }
        }
        assert!(
            words > 80,
            "only {words} words found: the parser above is out of date"
        );
        assert!(
            KEYWORD_CHARS.windows(2).all(|p| p[0] < p[1]),
            "sorted and unique"
        );
        // Values are answered without the word search.
        for v in [
            "王伟芳",
            "13912345678",
            "1234.56",
            "2021-11-01",
            "340702199001011234",
        ] {
            assert!(!may_classify(v), "{v}");
            assert_eq!(classify_header(v), None);
        }
    }

    #[test]
    fn signing_verbs_are_two_characters() {
        assert!(
            SIGN_VERBS
                .iter()
                .all(|w| w.chars().count() == 2 && w.len() == 6)
        );
        assert!(is_sign_verb("制表") && !is_sign_verb("制表人") && !is_sign_verb("表"));
    }

    #[test]
    fn user_names_are_person_labels() {
        for l in [
            "userName",
            "UserName",
            "x:userName",
            "user",
            "scenario@user",
            "/UserName",
            "user_name",
            "dc:creator",
            "refreshedBy",
        ] {
            assert!(is_person_label(l), "{l}");
        }
        // A plain `name` is a sheet's or a shape's; a user's id is often a number or a key.
        for l in [
            "name",
            "userId",
            "users",
            "superuser",
            "user agent",
            "userData",
        ] {
            assert!(!is_person_label(l), "{l}");
            assert!(!is_user_label(l), "{l}");
        }
    }

    #[test]
    fn amounts_by_header_and_neighbours() {
        for h in [
            "金额",
            "补助金额（元）",
            "合计",
            "数量",
            "面积(㎡)",
            "Amount",
            "Total",
        ] {
            assert!(is_amount_header(h), "{h}");
        }
        for h in ["联系电话", "备注", "金额联系人电话", "序号", "Total phone"] {
            assert!(!is_amount_header(h), "{h}");
        }
        let t = "金额合计 13800000000 元";
        let (s, e) = (t.find('1').unwrap(), t.find(" 元").unwrap());
        assert!(amount_before(t, s) && unit_after(t, e));
        let t = "合计（元）：13800000000";
        assert!(amount_before(t, t.find('1').unwrap()));
        let t = "联系电话 13800000000 元旦后回复";
        let (s, e) = (t.find('1').unwrap(), t.find(" 元").unwrap());
        assert!(!amount_before(t, s) && !unit_after(t, e));
    }

    #[test]
    fn headers_classify_by_priority() {
        assert_eq!(classify_header("姓名"), Some(Class::Name));
        assert_eq!(classify_header("身份证号码"), Some(Class::Id));
        assert_eq!(classify_header("联系人电话"), Some(Class::Phone));
        assert_eq!(classify_header("开户账号"), Some(Class::Card));
        assert_eq!(classify_header("户名"), Some(Class::Name));
        assert_eq!(classify_header("家庭住址"), Some(Class::Address));
        assert_eq!(classify_header("单位地址"), Some(Class::OfficeAddress));
        assert_eq!(classify_header("统一社会信用代码"), Some(Class::OrgCode));
        assert_eq!(classify_header("金额（元）"), None);
        assert_eq!(classify_header("序号"), None);
        for (h, want) in [
            ("与户主关系", None),
            ("开户银行", None),
            ("开户行", None),
            ("银行账户", Some(Class::Card)),
            ("银行卡号", Some(Class::Card)),
            ("开户银行账号", Some(Class::Card)),
            ("一卡通账号", Some(Class::Card)),
            ("惠农卡号", Some(Class::Card)),
            ("持卡人", Some(Class::Name)),
            ("收款人", Some(Class::Name)),
            ("公民身份号码", Some(Class::Id)),
            ("证件号码", Some(Class::Id)),
            ("监护人电话", Some(Class::Phone)),
            ("联系方式", Some(Class::Phone)),
            ("现住址", Some(Class::Address)),
            ("户籍地址", Some(Class::Address)),
            ("出生年月", Some(Class::BirthDate)),
            ("残疾证号", Some(Class::IdEmbedded)),
            ("准考证号", None),
            ("残疾类别", None),
            ("社会保障号码", Some(Class::SocialSecurity)),
        ] {
            assert_eq!(classify_header(h), want, "{h}");
        }
    }
}
