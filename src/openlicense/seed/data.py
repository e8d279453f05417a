# ruff: noqa: E501  (vocabulary tables: one bilingual entry per line reads better than wrapped)
"""Name lists and vocabularies for the demo data (pure data, no database).

Titles, abstracts and claims are composed from the per-field vocabularies below, so they read like
CNIPA gazette entries ("一种锂离子电池正极材料及其制备方法") without copying any real patent. IPC
codes are attached to each subject so that a patent's codes match its title and field. Names of
enterprises and people are made up from common words and surnames; any likeness to a real company
is accidental.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final, NamedTuple

from openlicense.accounts.models import Role

SEED: Final = 20261123
"""The one random seed every generated value derives from."""

NAMESPACE: Final = uuid.UUID("5b0c1d7e-2026-4123-8a11-0e5eed0d47a1")
"""Namespace of the demo rows' fixed ids: ``uuid5(NAMESPACE, "patent:17")`` and so on."""

DEMO_PASSWORD: Final = "Demo-pass-2026"  # noqa: S105 (documented demo credential)
"""Password of every seeded user (demo only; never seed a production database)."""


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


class University(NamedTuple):
    slug: str
    name: str
    name_en: str
    province: str
    weight: float
    """Relative share of the seeded patents."""
    focus: tuple[str, ...]
    """Technology fields the university files most in (weighted up)."""


UNIVERSITIES: Final[tuple[University, ...]] = (
    University("zju", "浙江大学", "Zhejiang University", "浙江", 3.0,
               ("new_materials", "biomedicine", "digital_economy", "modern_agriculture")),
    University("tsinghua", "清华大学", "Tsinghua University", "北京", 2.5,
               ("new_energy", "electronic_information", "digital_economy", "intelligent_equipment")),
    University("sjtu", "上海交通大学", "Shanghai Jiao Tong University", "上海", 2.2,
               ("biomedicine", "intelligent_equipment", "electronic_information")),
    University("hust", "华中科技大学", "Huazhong University of Science and Technology", "湖北", 2.0,
               ("intelligent_equipment", "electronic_information", "new_energy")),
    University("xjtu", "西安交通大学", "Xi'an Jiaotong University", "陕西", 1.8,
               ("new_energy", "energy_saving_environmental", "intelligent_equipment")),
    University("hit", "哈尔滨工业大学", "Harbin Institute of Technology", "黑龙江", 1.8,
               ("intelligent_equipment", "new_materials", "electronic_information")),
    University("scu", "四川大学", "Sichuan University", "四川", 1.6,
               ("biomedicine", "new_materials", "food_processing")),
    University("sdu", "山东大学", "Shandong University", "山东", 1.6,
               ("biomedicine", "new_materials", "intelligent_equipment")),
    University("csu", "中南大学", "Central South University", "湖南", 1.6,
               ("new_materials", "energy_saving_environmental", "new_energy")),
    University("jlu", "吉林大学", "Jilin University", "吉林", 1.5,
               ("agricultural_machinery", "new_materials", "biomedicine")),
    University("dlut", "大连理工大学", "Dalian University of Technology", "辽宁", 1.4,
               ("energy_saving_environmental", "new_materials", "intelligent_equipment")),
    University("jiangnan", "江南大学", "Jiangnan University", "江苏", 1.4,
               ("food_processing", "biomedicine")),
    University("scut", "华南理工大学", "South China University of Technology", "广东", 1.5,
               ("new_materials", "food_processing", "electronic_information")),
    University("seu", "东南大学", "Southeast University", "江苏", 1.5,
               ("electronic_information", "digital_economy", "energy_saving_environmental")),
    University("njau", "南京农业大学", "Nanjing Agricultural University", "江苏", 1.2,
               ("modern_agriculture", "food_processing", "agricultural_machinery")),
    University("nwafu", "西北农林科技大学", "Northwest A&F University", "陕西", 1.2,
               ("modern_agriculture", "agricultural_machinery", "food_processing")),
    University("cau", "中国农业大学", "China Agricultural University", "北京", 1.3,
               ("modern_agriculture", "agricultural_machinery", "food_processing")),
    University("hfut", "合肥工业大学", "Hefei University of Technology", "安徽", 1.1,
               ("intelligent_equipment", "new_energy", "digital_economy")),
    University("fzu", "福州大学", "Fuzhou University", "福建", 1.0,
               ("new_materials", "energy_saving_environmental", "electronic_information")),
    University("gxu", "广西大学", "Guangxi University", "广西", 0.9,
               ("food_processing", "modern_agriculture", "new_materials")),
    University("zzu", "郑州大学", "Zhengzhou University", "河南", 1.1,
               ("new_materials", "biomedicine")),
    University("ncu", "南昌大学", "Nanchang University", "江西", 0.9,
               ("food_processing", "electronic_information", "new_materials")),
    University("lzu", "兰州大学", "Lanzhou University", "甘肃", 0.8,
               ("modern_agriculture", "new_materials", "energy_saving_environmental")),
    University("xju", "新疆大学", "Xinjiang University", "新疆", 0.6,
               ("modern_agriculture", "new_energy")),
    University("gzu", "贵州大学", "Guizhou University", "贵州", 0.7,
               ("modern_agriculture", "biomedicine", "food_processing")),
    University("ynu", "云南大学", "Yunnan University", "云南", 0.7,
               ("biomedicine", "modern_agriculture")),
    University("tyut", "太原理工大学", "Taiyuan University of Technology", "山西", 0.8,
               ("energy_saving_environmental", "new_materials")),
    University("hebut", "河北工业大学", "Hebei University of Technology", "天津", 0.8,
               ("intelligent_equipment", "electronic_information")),
    University("nbu", "宁波大学", "Ningbo University", "浙江", 0.8,
               ("new_materials", "food_processing", "intelligent_equipment")),
    University("bit", "北京理工大学", "Beijing Institute of Technology", "北京", 1.4,
               ("intelligent_equipment", "new_energy", "digital_economy")),
    University("cqu", "重庆大学", "Chongqing University", "重庆", 1.2,
               ("new_energy", "intelligent_equipment", "energy_saving_environmental")),
    University("hainanu", "海南大学", "Hainan University", "海南", 0.6,
               ("modern_agriculture", "food_processing")),
)  # fmt: skip
"""University n (1-based, in this order) gets the TTO user ``tto{n}@uni.test``."""


class OrgSpec(NamedTuple):
    key: str
    name: str
    name_en: str
    province: str | None


IP_OFFICE: Final = OrgSpec(
    "cnipa",
    "国家知识产权局知识产权运用促进司",
    "CNIPA Department of Intellectual Property Utilization and Promotion",
    "北京",
)
PLATFORM: Final = OrgSpec(
    "platform", "开放许可平台运营中心", "OpenLicense Platform Operations", "浙江"
)
AUTHORITY: Final = OrgSpec(
    "zhejiang",
    "浙江省知识产权局（千校万企协同创新伙伴行动）",
    "Zhejiang Provincial IP Administration (Thousand Universities, Ten Thousand Enterprises)",
    "浙江",
)
"""The demo provincial authority: reads the 千校万企 indicators of 浙江."""

ENTERPRISE_COUNT: Final = 50
LARGE_ENTERPRISES: Final = 7
"""How many of the enterprises are large under the 2011 SME standard (the rest, ~86 %, are SMEs)."""


class City(NamedTuple):
    zh: str
    en: str
    province: str
    division: str
    """Administrative division code (行政区划代码), digits 3–8 of the credit code."""


CITIES: Final[tuple[City, ...]] = (
    City("杭州", "Hangzhou", "浙江", "330106"),
    City("宁波", "Ningbo", "浙江", "330212"),
    City("台州", "Taizhou", "浙江", "331002"),
    City("苏州", "Suzhou", "江苏", "320505"),
    City("南京", "Nanjing", "江苏", "320115"),
    City("无锡", "Wuxi", "江苏", "320214"),
    City("常州", "Changzhou", "江苏", "320411"),
    City("深圳", "Shenzhen", "广东", "440305"),
    City("广州", "Guangzhou", "广东", "440112"),
    City("东莞", "Dongguan", "广东", "441900"),
    City("佛山", "Foshan", "广东", "440606"),
    City("成都", "Chengdu", "四川", "510107"),
    City("武汉", "Wuhan", "湖北", "420111"),
    City("西安", "Xi'an", "陕西", "610131"),
    City("合肥", "Hefei", "安徽", "340104"),
    City("长沙", "Changsha", "湖南", "430104"),
    City("济南", "Jinan", "山东", "370112"),
    City("青岛", "Qingdao", "山东", "370212"),
    City("潍坊", "Weifang", "山东", "370705"),
    City("郑州", "Zhengzhou", "河南", "410105"),
    City("福州", "Fuzhou", "福建", "350102"),
    City("厦门", "Xiamen", "福建", "350206"),
    City("南宁", "Nanning", "广西", "450103"),
    City("昆明", "Kunming", "云南", "530102"),
    City("贵阳", "Guiyang", "贵州", "520115"),
    City("乌鲁木齐", "Urumqi", "新疆", "650104"),
    City("太原", "Taiyuan", "山西", "140105"),
    City("天津", "Tianjin", "天津", "120116"),
    City("北京", "Beijing", "北京", "110108"),
    City("上海", "Shanghai", "上海", "310115"),
    City("重庆", "Chongqing", "重庆", "500112"),
    City("哈尔滨", "Harbin", "黑龙江", "230103"),
    City("长春", "Changchun", "吉林", "220104"),
    City("大连", "Dalian", "辽宁", "210204"),
    City("兰州", "Lanzhou", "甘肃", "620102"),
    City("南昌", "Nanchang", "江西", "360111"),
    City("石家庄", "Shijiazhuang", "河北", "130102"),
    City("海口", "Haikou", "海南", "460106"),
)

BRANDS: Final[tuple[tuple[str, str], ...]] = (
    ("瑞诚", "Ruicheng"), ("恒泰", "Hengtai"), ("华宇", "Huayu"), ("博远", "Boyuan"),
    ("中研", "Zhongyan"), ("天启", "Tianqi"), ("鑫源", "Xinyuan"), ("科润", "Kerun"),
    ("明德", "Mingde"), ("普瑞", "Purui"), ("晶鼎", "Jingding"), ("远航", "Yuanhang"),
    ("德润", "Derun"), ("嘉禾", "Jiahe"), ("泰和", "Taihe"), ("云帆", "Yunfan"),
    ("智芯", "Zhixin"), ("绿源", "Lvyuan"), ("丰禾", "Fenghe"), ("百川", "Baichuan"),
    ("金穗", "Jinsui"), ("睿康", "Ruikang"), ("安宸", "Anchen"), ("新拓", "Xintuo"),
    ("宏毅", "Hongyi"), ("昊天", "Haotian"), ("启明", "Qiming"), ("格致", "Gezhi"),
    ("青禾", "Qinghe"), ("源创", "Yuanchuang"), ("凯越", "Kaiyue"), ("海纳", "Haina"),
    ("正和", "Zhenghe"), ("东升", "Dongsheng"), ("易恒", "Yiheng"), ("星衍", "Xingyan"),
    ("卓然", "Zhuoran"), ("弘达", "Hongda"), ("立信", "Lixin"), ("朗润", "Langrun"),
)  # fmt: skip


class Sector(NamedTuple):
    zh: str
    en: str
    industry: str
    """Key of accounts.sme.SME_THRESHOLDS."""
    field: str
    """Technology field the enterprise works in (used to pick co-owned patents)."""


SECTORS: Final[tuple[Sector, ...]] = (
    Sector("新材料科技有限公司", "New Materials Technology Co., Ltd.", "industrial", "new_materials"),
    Sector("生物医药有限公司", "Biopharmaceutical Co., Ltd.", "industrial", "biomedicine"),
    Sector("医疗器械有限公司", "Medical Devices Co., Ltd.", "industrial", "biomedicine"),
    Sector("智能装备有限公司", "Intelligent Equipment Co., Ltd.", "industrial", "intelligent_equipment"),
    Sector("农业机械有限公司", "Agricultural Machinery Co., Ltd.", "industrial", "agricultural_machinery"),
    Sector("食品有限公司", "Food Co., Ltd.", "industrial", "food_processing"),
    Sector("新能源科技有限公司", "New Energy Technology Co., Ltd.", "industrial", "new_energy"),
    Sector("信息技术有限公司", "Information Technology Co., Ltd.", "software_it", "digital_economy"),
    Sector("软件有限公司", "Software Co., Ltd.", "software_it", "digital_economy"),
    Sector("环保科技有限公司", "Environmental Technology Co., Ltd.", "industrial",
           "energy_saving_environmental"),
    Sector("电子科技有限公司", "Electronic Technology Co., Ltd.", "industrial", "electronic_information"),
    Sector("通信技术有限公司", "Communication Technology Co., Ltd.", "information_transmission",
           "electronic_information"),
    Sector("农业科技发展有限公司", "Agricultural Technology Development Co., Ltd.", "agriculture",
           "modern_agriculture"),
    Sector("生态农业有限公司", "Ecological Agriculture Co., Ltd.", "agriculture", "modern_agriculture"),
    Sector("科技贸易有限公司", "Technology Trading Co., Ltd.", "wholesale", "intelligent_equipment"),
)  # fmt: skip

FIRST_ENTERPRISE: Final = ("杭州", ("易恒", "Yiheng"), SECTORS[0])
"""The demo SME (``sme@demo.test``): 杭州易恒新材料科技有限公司, always first and always an SME."""
FIRST_ENTERPRISE_NAME: Final = "杭州易恒新材料科技有限公司"


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------

SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
)
"""Common surnames, most frequent first (drawn with falling weights)."""

GIVEN_CHARS: Final = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚辉玲华飞鑫波宇浩凯健俊帆晨阳琳雪婷倩颖峰建国志红梅春晓"
    "文斌鹏博然欣悦思睿哲瑶璐佳嘉琪雯越航昊宏亮斐彬毅楠岚蕾琦舟远航"
)


# --------------------------------------------------------------------------------------------
# Technology-field vocabularies
# --------------------------------------------------------------------------------------------


class Term(NamedTuple):
    zh: str
    en: str


NO_MOD: Final = Term("", "")


class Subject(NamedTuple):
    """A thing a patent can claim. `en` of a method is a gerund phrase ("estimating …")."""

    zh: str
    en: str
    ipc: tuple[str, ...]
    mods: tuple[Term, ...] = (NO_MOD,)
    """Modifiers that fit this subject (materials and devices), e.g. 高镍 / high-nickel."""
    steps: int = 0
    """Index into the field's prep_steps (materials) or method_steps (methods)."""
    effect: Term | None = None
    """What this material achieves (materials); other kinds draw from the field's pool."""
    bases: tuple[Term, ...] = (NO_MOD,)
    """Techniques a method may be "based on" (基于……的)."""


class DesignProduct(NamedTuple):
    zh: str
    en: str
    ipc: str
    """IPC code of the product's field, kept for faceting (designs are really classified by
    Locarno, which the catalogue does not hold)."""
    variants: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class FieldVocab:
    zh: str
    en: str
    ipc: tuple[str, ...]
    """Further codes of the field, one of which may be added after the subject's own."""
    materials: tuple[Subject, ...]
    """Products and compositions: "一种X及其制备方法" (inventions only)."""
    devices: tuple[Subject, ...]
    """Apparatus: inventions and utility models."""
    methods: tuple[Subject, ...]
    """Processes: "一种基于Y的X方法" (inventions only)."""
    designs: tuple[DesignProduct, ...]
    material_features: tuple[Term, ...]
    """How it is done, as an opening clause ("通过……" / "By ..."), per kind of subject."""
    device_features: tuple[Term, ...]
    method_features: tuple[Term, ...]
    material_effects: tuple[Term, ...]
    """What it achieves, as a main clause, per kind of subject."""
    device_effects: tuple[Term, ...]
    method_effects: tuple[Term, ...]
    scenarios: tuple[Term, ...]
    keywords: tuple[str, ...]
    prep_steps: tuple[tuple[str, ...], ...]
    """Ordered steps of a preparation-method claim, one sequence per kind of material."""
    components: tuple[str, ...]
    method_steps: tuple[tuple[str, ...], ...]


T = Term
S = Subject
D = DesignProduct
_ = NO_MOD

FIELDS: Final[dict[str, FieldVocab]] = {
    "new_materials": FieldVocab(
        zh="新材料",
        en="new materials",
        ipc=("C08L 23/06", "C04B 35/00", "C08K 3/04", "C22C 21/00"),
        materials=(
            S("石墨烯改性聚乙烯复合材料", "graphene-modified polyethylene composite", ("C08L 23/06", "C08K 3/04"),
              (_, T("高导热", "highly thermally conductive"), T("抗静电", "antistatic")), 0,
              T("材料的导热系数提高2倍以上，并保持良好的加工性能", "the thermal conductivity more than doubles while processability is kept")),
            S("高熵合金涂层", "high-entropy alloy coating", ("C22C 30/00", "C23C 4/06"),
              (_, T("耐磨", "wear-resistant"), T("耐腐蚀", "corrosion-resistant")), 3,
              T("涂层硬度与耐磨性显著提高", "the hardness and wear resistance of the coating rise markedly")),
            S("碳化硅陶瓷基复合材料", "silicon carbide ceramic matrix composite", ("C04B 35/565", "C04B 35/80"),
              (_, T("耐高温", "high-temperature-resistant")), 4,
              T("材料在1400 ℃下仍保持较高的强度与抗氧化性", "the material keeps its strength and oxidation resistance at 1400 ℃")),
            S("可降解聚乳酸薄膜", "degradable polylactic acid film", ("C08J 5/18", "C08L 67/04"),
              (_, T("高阻隔", "high-barrier"), T("耐热", "heat-resistant")), 0,
              T("薄膜韧性与阻隔性能提高，且可在堆肥条件下完全降解", "the film is tougher and a better barrier, and still degrades fully when composted")),
            S("高强韧铝合金", "high-strength, high-toughness aluminium alloy", ("C22C 21/00", "C22F 1/04"),
              (_, T("轻质", "lightweight")), 1,
              T("合金抗拉强度达到600 MPa以上且延伸率不低于10%", "the tensile strength exceeds 600 MPa with at least 10% elongation")),
            S("水性防腐涂料", "water-borne anticorrosive coating", ("C09D 5/08", "C09D 163/00"),
              (_, T("低VOC", "low-VOC")), 5,
              T("涂层耐中性盐雾时间超过1000 h", "the coating resists neutral salt spray for over 1000 h")),
            S("聚酰亚胺气凝胶", "polyimide aerogel", ("C08J 9/28", "C08G 73/10"),
              (_, T("柔性", "flexible")), 2,
              T("材料密度低、隔热性能好且可耐受300 ℃以上高温", "the material is light, insulates well and withstands over 300 ℃")),
            S("碳纤维增强树脂基复合材料", "carbon-fibre-reinforced resin matrix composite", ("C08J 5/04", "C08L 63/00"),
              (_, T("快速固化", "fast-curing")), 6,
              T("层间剪切强度提高30%以上", "the interlaminar shear strength rises by more than 30%")),
            S("自修复聚氨酯弹性体", "self-healing polyurethane elastomer", ("C08G 18/00", "C08L 75/04"),
              (_,), 7,
              T("材料划伤后在室温下24 h内可恢复90%以上的力学性能", "after scratching, over 90% of the mechanical properties recover within 24 h at room temperature")),
            S("氧化锆结构陶瓷", "zirconia structural ceramic", ("C04B 35/48",),
              (_,), 4,
              T("材料断裂韧性提高且烧结温度降低", "the fracture toughness rises and the sintering temperature falls")),
        ),
        devices=(
            S("复合材料热压成型装置", "hot-press moulding device for composites", ("B29C 43/02",), (_, T("多工位", "multi-station"))),
            S("静电纺丝装置", "electrospinning device", ("D01D 5/00",), (_, T("多喷头", "multi-nozzle"), T("无针式", "needleless"))),
            S("金属粉末激光增材制造设备", "laser additive manufacturing equipment for metal powder", ("B22F 12/00", "B33Y 30/00"), (_, T("双激光", "dual-laser"))),
            S("薄膜双向拉伸装置", "biaxial film stretching device", ("B29C 55/12",), (_, T("实验室用", "laboratory"))),
            S("涂层厚度在线检测装置", "online coating thickness measuring device", ("G01B 11/06",), (_, T("非接触式", "non-contact"))),
            S("真空感应熔炼炉", "vacuum induction melting furnace", ("F27B 14/04",), (_, T("节能型", "energy-saving"))),
        ),
        methods=(
            S("复合材料界面结合强度表征", "characterising the interfacial bonding strength of composites", ("G01N 19/04",),
              steps=1, bases=(_, T("基于声发射的", "based on acoustic emission"))),
            S("合金成分设计", "designing alloy compositions", ("G16C 60/00", "C22C 1/00"),
              steps=0, bases=(T("基于机器学习的", "based on machine learning"), T("基于高通量计算的", "based on high-throughput computation"))),
            S("废旧塑料化学回收", "chemically recycling waste plastics", ("C08J 11/16",),
              steps=2, bases=(_, T("基于催化热解的", "based on catalytic pyrolysis"))),
            S("陶瓷坯体低温共烧", "co-firing ceramic green bodies at low temperature", ("C04B 35/64",), steps=3),
        ),
        designs=(
            D("复合材料蜂窝板", "composite honeycomb panel", "B32B 3/12", (T("方形", "square"), T("弧形", "curved"))),
            D("隔热垫", "thermal insulation pad", "F16L 59/02", (T("圆形", "round"), T("异形", "shaped"))),
            D("陶瓷刀", "ceramic knife", "B26B 9/00", (T("厨用", "kitchen"), T("折叠式", "folding"))),
        ),
        material_features=(
            T("通过优化组分配比与制备工艺参数", "By optimising the composition and the process parameters"),
            T("采用原位复合与界面改性相结合的方法", "By combining in-situ compounding with interface modification"),
            T("通过构建多尺度微观结构", "By building a multiscale microstructure"),
            T("采用梯度结构设计", "By using a gradient structural design"),
        ),
        device_features=(
            T("通过设置多区独立控温的加热结构", "By heating in zones with independent temperature control"),
            T("采用闭环反馈控制", "By using closed-loop feedback control"),
            T("通过优化腔体与气流结构", "By optimising the chamber and the gas flow"),
        ),
        method_features=(
            T("通过建立多物理场耦合模型", "By building a coupled multiphysics model"),
            T("采用数据驱动与机理模型相结合的策略", "By combining data-driven and mechanistic models"),
            T("通过对关键工艺参数进行在线监测", "By monitoring key process parameters online"),
        ),
        material_effects=(
            T("工艺简单，原料易得，易于规模化生产", "the process is simple, the raw materials are easy to obtain and production scales easily"),
            T("降低了生产能耗与原料成本", "production energy use and raw-material costs fall"),
        ),
        device_effects=(
            T("提高了产品的一致性与成品率", "product consistency and yield improve"),
            T("设备结构紧凑，操作方便", "the equipment is compact and easy to operate"),
            T("降低了能耗并缩短了生产周期", "energy use and cycle time fall"),
        ),
        method_effects=(
            T("缩短了研发周期并降低了试验成本", "development time and test costs fall"),
            T("提高了结果的准确性与可重复性", "results become more accurate and repeatable"),
            T("实现了资源的高值化利用", "resources are put to higher-value use"),
        ),
        scenarios=(
            T("新能源汽车轻量化部件", "lightweight parts for new-energy vehicles"),
            T("电子器件散热", "heat dissipation of electronic devices"),
            T("航空航天结构件", "aerospace structural parts"),
            T("海洋工程防腐", "corrosion protection in marine engineering"),
            T("绿色包装", "green packaging"),
            T("建筑节能", "energy-efficient buildings"),
        ),
        keywords=("复合材料", "石墨烯", "合金", "涂层", "结构陶瓷", "高分子", "改性", "增材制造", "轻量化", "界面调控"),
        prep_steps=(
            ("按质量份称取基体树脂80～95份、功能填料5～20份及助剂0.5～2份",
             "将上述原料在高速混合机中以1500 r/min混合10～20 min",
             "将混合料经双螺杆挤出机于180～220 ℃熔融挤出、造粒",
             "将所得粒料吹膜、注塑或模压成型，得到所述材料"),
            ("按设计成分配料并在真空感应炉中熔炼",
             "将熔体浇铸成锭后于480～540 ℃均匀化处理8～12 h",
             "对铸锭进行热轧及冷轧变形，总变形量为60%～85%",
             "经固溶与时效处理后得到所述材料"),
            ("将前驱体溶液与交联剂按摩尔比1:0.8～1:1.2混合并搅拌均匀",
             "于60～80 ℃反应4～8 h得到湿凝胶",
             "将湿凝胶依次进行溶剂置换和超临界干燥",
             "在惰性气氛中于300～450 ℃热处理1～3 h"),
            ("将各金属粉末按等摩尔比配料并机械混合",
             "对基体表面进行喷砂与清洗预处理",
             "采用激光熔覆或超音速火焰喷涂在基体表面制备涂层",
             "对涂层进行真空去应力退火"),
            ("将陶瓷粉体与烧结助剂按比例混合并球磨12～24 h",
             "加入黏结剂造粒后压制成型",
             "于600 ℃脱脂后在保护气氛中高温烧结",
             "对烧结体进行机械加工，得到所述材料"),
            ("按质量份称取水性树脂乳液40～60份、防锈颜填料20～35份及助剂1～5份",
             "将颜填料与分散剂预分散后砂磨至细度不大于30 μm",
             "在低速搅拌下加入树脂乳液和成膜助剂",
             "调节黏度与pH后过滤包装"),
            ("对碳纤维进行表面上浆处理",
             "将环氧树脂与固化剂按配比混合并脱泡",
             "采用预浸或树脂传递模塑工艺使树脂浸渍纤维",
             "按固化制度于120～180 ℃固化成型"),
            ("将多元醇于100～110 ℃真空脱水2 h",
             "加入二异氰酸酯于80 ℃反应得到预聚体",
             "加入含动态键的扩链剂继续反应1～3 h",
             "浇注成型后于室温熟化，得到所述弹性体"),
        ),
        components=("机架", "加热模块", "温度传感器", "控制器", "传动机构", "真空腔体", "冷却系统", "供料单元"),
        method_steps=(
            ("采集样品的成分与工艺参数并构建数据集", "建立成分—工艺—性能映射模型并训练",
             "按目标性能对候选成分进行筛选与排序", "对优选成分进行试验验证并更新模型"),
            ("制备含界面的标准试样", "在加载过程中同步采集载荷与声发射信号",
             "根据信号特征识别界面失效起始点", "计算界面结合强度并评价结合质量"),
            ("将废旧塑料分拣、清洗并破碎", "在催化剂作用下于400～550 ℃热解",
             "对热解产物进行冷凝与分馏", "回收得到单体或燃料油"),
            ("将陶瓷粉体与玻璃相按比例混合并流延成膜", "在生坯上印刷内电极并叠层",
             "于850～900 ℃低温共烧", "制备端电极并进行性能检测"),
        ),
    ),
    "biomedicine": FieldVocab(
        zh="生物医药",
        en="biomedicine",
        ipc=("A61K 31/00", "A61P 35/00", "A61K 9/00", "A61P 29/00"),
        materials=(
            S("靶向抗肿瘤纳米脂质体", "targeted anti-tumour nanoliposome", ("A61K 9/127", "A61P 35/00"),
              (_, T("pH响应型", "pH-responsive")), 0,
              T("提高了药物在肿瘤部位的富集并降低了全身毒性", "more of the drug reaches the tumour and systemic toxicity falls")),
            S("喹唑啉类化合物", "quinazoline compound", ("C07D 239/94", "A61K 31/517"), (_,), 2,
              T("化合物对EGFR突变型肺癌细胞表现出较强的抑制活性", "the compound strongly inhibits EGFR-mutant lung cancer cells")),
            S("中药复方提取物", "traditional Chinese medicine compound extract", ("A61K 36/00", "A61P 29/00"),
              (_, T("抗炎", "anti-inflammatory")), 1,
              T("提取物中有效成分含量高，抗炎活性明确", "the extract is rich in active ingredients with clear anti-inflammatory activity")),
            S("抗PD-L1单克隆抗体", "anti-PD-L1 monoclonal antibody", ("C07K 16/28", "A61K 39/395"),
              (_, T("人源化", "humanised")), 3,
              T("抗体亲和力达到nM级以下，可有效阻断PD-1/PD-L1通路", "the antibody binds with sub-nanomolar affinity and blocks the PD-1/PD-L1 pathway")),
            S("可注射水凝胶敷料", "injectable hydrogel dressing", ("A61L 15/60", "A61L 26/00"),
              (_, T("抗菌", "antibacterial")), 4,
              T("敷料可贴合不规则创面并促进伤口愈合", "the dressing fits irregular wounds and speeds healing")),
            S("多肽缓释微球", "sustained-release peptide microsphere", ("A61K 9/16", "A61K 38/00"), (_,), 5,
              T("药物可平稳释放30天以上且突释率低", "the drug is released steadily for over 30 days with little burst")),
            S("益生菌冻干制剂", "freeze-dried probiotic preparation", ("A61K 35/747", "A61P 1/00"), (_,), 6,
              T("冻干后活菌存活率达到90%以上", "over 90% of the bacteria survive freeze-drying")),
            S("骨修复多孔支架", "porous scaffold for bone repair", ("A61L 27/56", "A61L 27/12"),
              (_, T("3D打印", "3D-printed")), 7,
              T("支架孔隙连通率高，有利于细胞长入和新骨形成", "the pores are well connected, helping cells grow in and new bone form")),
        ),
        devices=(
            S("微流控芯片检测装置", "microfluidic chip detection device", ("B01L 3/00", "G01N 33/53"), (_, T("便携式", "portable"))),
            S("可穿戴心电监测装置", "wearable electrocardiogram monitoring device", ("A61B 5/00",), (_, T("低功耗", "low-power"))),
            S("超声引导穿刺定位装置", "ultrasound-guided puncture positioning device", ("A61B 17/34", "A61B 8/00")),
            S("细胞培养生物反应器", "cell culture bioreactor", ("C12M 3/00",), (_, T("灌流式", "perfusion"))),
            S("康复训练外骨骼", "rehabilitation training exoskeleton", ("A61H 1/02", "B25J 9/00"),
              (_, T("下肢", "lower-limb"), T("上肢", "upper-limb"))),
        ),
        methods=(
            S("肿瘤标志物检测", "detecting tumour markers", ("G01N 33/574",), steps=0,
              bases=(_, T("基于表面增强拉曼光谱的", "based on surface-enhanced Raman spectroscopy"), T("基于电化学发光的", "based on electrochemiluminescence"))),
            S("病原菌快速鉴定", "rapidly identifying pathogenic bacteria", ("C12Q 1/689",), steps=0,
              bases=(_, T("基于CRISPR的", "based on CRISPR"))),
            S("医学影像病灶分割", "segmenting lesions in medical images", ("G06T 7/11", "A61B 6/00"), steps=1,
              bases=(T("基于深度学习的", "based on deep learning"),)),
            S("单细胞测序数据分析", "analysing single-cell sequencing data", ("G16B 40/00",), steps=2,
              bases=(_, T("基于图神经网络的", "based on graph neural networks"))),
        ),
        designs=(
            D("血糖仪", "blood glucose meter", "A61B 5/145", (T("掌上型", "handheld"), T("带屏幕", "with display"))),
            D("药盒", "pill box", "A61J 7/04", (T("七日", "seven-day"), T("智能", "smart"))),
            D("输液架", "infusion stand", "A61M 5/14", (T("移动式", "mobile"), T("折叠式", "folding"))),
        ),
        material_features=(
            T("通过优化处方组成与制备工艺", "By optimising the formulation and the preparation process"),
            T("采用多级纯化与全过程质量控制", "By purifying in several stages under full quality control"),
            T("通过结构修饰改善理化性质", "By modifying the structure to improve physicochemical properties"),
        ),
        device_features=(
            T("通过集成样本处理与检测模块", "By integrating sample handling with detection"),
            T("采用柔性电极与低功耗电路", "By using flexible electrodes and low-power circuitry"),
            T("通过多传感器实时采集生理参数", "By acquiring physiological parameters with several sensors in real time"),
        ),
        method_features=(
            T("通过特异性识别探针与信号放大相结合", "By combining specific recognition probes with signal amplification"),
            T("采用多模态特征融合", "By fusing multimodal features"),
            T("通过标准化的数据处理流程", "By following a standardised data-processing pipeline"),
        ),
        material_effects=(
            T("制剂稳定性好，便于储存和运输", "the product is stable and easy to store and transport"),
            T("制备工艺可控，适合工业化生产", "the process is controllable and suits industrial production"),
        ),
        device_effects=(
            T("操作简便，适合基层医疗机构使用", "it is easy to use and suits primary care"),
            T("提高了检测或治疗的精准度", "detection or treatment becomes more precise"),
            T("减轻了医护人员的工作负担", "the workload of medical staff falls"),
        ),
        method_effects=(
            T("检测限达到pg/mL级，检测时间缩短至30 min以内", "the detection limit reaches the pg/mL level and a test takes under 30 min"),
            T("提高了结果的准确性与一致性", "results become more accurate and consistent"),
            T("降低了对专业人员和大型设备的依赖", "it depends less on specialist staff and large instruments"),
        ),
        scenarios=(
            T("肿瘤靶向治疗", "targeted cancer therapy"),
            T("基层医疗机构快速检测", "point-of-care testing in primary care"),
            T("慢性伤口护理", "chronic wound care"),
            T("术后康复", "post-operative rehabilitation"),
            T("创新药研发", "innovative drug development"),
            T("动物疫病防控", "animal disease control"),
        ),
        keywords=("靶向给药", "纳米制剂", "单克隆抗体", "中药提取", "水凝胶", "体外诊断", "生物相容性", "缓释", "益生菌", "医学影像"),
        prep_steps=(
            ("将原料药与磷脂按质量比1:10～1:20溶于有机溶剂", "减压旋转蒸发除去溶剂形成脂质薄膜",
             "加入缓冲液水化后经高压均质处理", "过滤除菌并冻干，得到所述制剂"),
            ("取药材粉碎后用60%～80%乙醇回流提取2～3次", "合并提取液并减压浓缩至相对密度1.10～1.20",
             "经大孔吸附树脂柱层析纯化", "喷雾干燥，得到所述提取物"),
            ("在碱性条件下使中间体A与中间体B发生偶联反应", "反应液经萃取、洗涤和干燥",
             "经柱层析分离得到粗品", "重结晶后得到纯度不低于99%的目标化合物"),
            ("以重组PD-L1蛋白免疫小鼠并构建杂交瘤细胞株", "筛选高亲和力克隆并进行人源化改造",
             "在CHO细胞中表达抗体", "经亲和层析与离子交换层析纯化，得到所述抗体"),
            ("将透明质酸进行醛基化改性得到组分A", "将壳聚糖溶于稀酸溶液得到组分B",
             "将两组分按体积比1:1混合注射", "于37 ℃原位交联形成水凝胶"),
            ("将多肽药物溶于水相", "将聚乳酸-羟基乙酸共聚物溶于二氯甲烷形成油相",
             "经复乳—溶剂挥发法制得微球", "洗涤、冻干，得到所述微球"),
            ("将菌株于37 ℃厌氧培养至对数生长后期", "离心收集菌体并用生理盐水洗涤",
             "加入海藻糖与脱脂乳保护剂重悬", "预冻后真空冷冻干燥"),
            ("将羟基磷灰石粉体与可降解高分子按质量比混合制备打印浆料", "采用3D打印逐层成型得到支架坯体",
             "于-20 ℃冷冻干燥24 h", "经辐照灭菌，得到所述支架"),
        ),
        components=("壳体", "采样模块", "检测芯片", "光学检测单元", "信号处理电路", "显示屏", "无线通信模块", "电源模块"),
        method_steps=(
            ("采集待测样本并进行预处理", "将处理后的样本与特异性探针孵育",
             "采集检测信号并进行定量分析", "根据标准曲线输出检测结果"),
            ("获取医学图像并进行归一化处理", "构建并训练分割网络模型",
             "利用训练好的模型对病灶区域进行分割", "对分割结果进行后处理与量化评估"),
            ("对原始测序数据进行质量控制与比对", "构建基因表达矩阵并进行标准化",
             "进行降维聚类与细胞类型注释", "识别差异表达基因并进行通路富集分析"),
        ),
    ),
    "intelligent_equipment": FieldVocab(
        zh="智能装备",
        en="intelligent equipment",
        ipc=("B25J 9/16", "G05B 19/418", "B25J 11/00", "G01N 21/88"),
        materials=(),
        devices=(
            S("协作机器人", "collaborative robot", ("B25J 9/16", "B25J 9/06"),
              (T("六自由度", "six-degree-of-freedom"), T("轻量化", "lightweight"))),
            S("柔性抓取末端执行器", "flexible gripping end effector", ("B25J 15/00", "B65G 47/90"), (_, T("气动", "pneumatic"))),
            S("激光焊接工作站", "laser welding workstation", ("B23K 26/21", "B23K 37/02"), (_, T("双工位", "dual-station"))),
            S("视觉引导上下料装置", "vision-guided loading and unloading device", ("B25J 9/16", "B23Q 7/04")),
            S("自主导航移动机器人", "autonomous navigation mobile robot", ("G05D 1/00", "B25J 5/00"), (_, T("重载", "heavy-duty"))),
            S("管道巡检机器人", "pipeline inspection robot", ("F16L 55/26", "B25J 11/00"), (_, T("自适应管径", "diameter-adaptive"))),
            S("谐波减速器", "harmonic reducer", ("F16H 49/00",), (_, T("高精度", "high-precision"), T("中空型", "hollow-shaft"))),
            S("数控机床刀具磨损监测装置", "tool wear monitoring device for CNC machine tools", ("B23Q 17/09",)),
        ),
        methods=(
            S("机器人轨迹规划", "planning robot trajectories", ("B25J 9/16",), steps=0,
              bases=(_, T("基于强化学习的", "based on reinforcement learning"))),
            S("工件表面缺陷检测", "detecting surface defects of workpieces", ("G01N 21/88", "G06T 7/00"), steps=1,
              bases=(T("基于机器视觉的", "based on machine vision"), T("基于深度学习的", "based on deep learning"))),
            S("产线设备预测性维护", "predictive maintenance of production-line equipment", ("G05B 23/02",), steps=2,
              bases=(_, T("基于数字孪生的", "based on digital twins"))),
            S("多机器人协同调度", "scheduling several robots cooperatively", ("G05B 19/418",), steps=3,
              bases=(_, T("基于改进遗传算法的", "based on an improved genetic algorithm"))),
        ),
        designs=(
            D("巡检机器人", "inspection robot", "B25J 5/00", (T("轮式", "wheeled"), T("履带式", "tracked"))),
            D("机械臂", "robotic arm", "B25J 18/00", (T("桌面型", "desktop"), T("六轴", "six-axis"))),
            D("示教器", "teach pendant", "B25J 13/06", (T("手持式", "handheld"),)),
        ),
        material_features=(),
        device_features=(
            T("通过力位混合控制实现柔顺作业", "By using hybrid force-position control for compliant operation"),
            T("采用视觉与激光雷达融合定位", "By fusing vision and lidar for localisation"),
            T("通过模块化结构设计", "By using a modular structural design"),
            T("采用多传感器信息融合与在线标定", "By combining multi-sensor fusion with online calibration"),
        ),
        method_features=(
            T("通过融合多源传感数据", "By fusing data from several sensors"),
            T("采用数据驱动与机理模型相结合的方法", "By combining data-driven and mechanistic models"),
            T("通过在线学习持续更新模型参数", "By updating model parameters through online learning"),
        ),
        material_effects=(),
        device_effects=(
            T("定位精度达到±0.02 mm，提高了装配良率", "positioning accuracy reaches ±0.02 mm and assembly yield improves"),
            T("降低了人工劳动强度和安全风险", "manual workload and safety risks fall"),
            T("缩短了换型调试时间，适应多品种小批量生产", "changeover is faster, suiting high-mix low-volume production"),
            T("结构紧凑，维护方便", "the structure is compact and easy to maintain"),
        ),
        method_effects=(
            T("提高了生产效率与设备利用率", "productivity and equipment utilisation rise"),
            T("减少了非计划停机时间", "unplanned downtime falls"),
            T("检测准确率达到98%以上", "accuracy exceeds 98%"),
        ),
        scenarios=(
            T("汽车零部件装配", "automotive parts assembly"),
            T("3C电子产品制造", "3C electronics manufacturing"),
            T("电力设施巡检", "power facility inspection"),
            T("仓储物流分拣", "warehouse sorting"),
            T("金属结构件焊接", "welding of metal structures"),
            T("中小企业智能化改造", "smart upgrading of SME workshops"),
        ),
        keywords=("工业机器人", "机器视觉", "运动控制", "智能制造", "末端执行器", "路径规划", "数字孪生", "柔性制造", "焊接", "故障诊断"),
        prep_steps=(),
        components=("底座", "驱动电机", "减速机构", "视觉相机", "力传感器", "控制柜", "夹爪组件", "导轨"),
        method_steps=(
            ("建立机器人运动学与动力学模型", "根据任务点与障碍物信息生成候选路径",
             "以时间与能耗为目标优化轨迹", "执行轨迹并根据反馈进行在线修正"),
            ("获取工件表面图像并进行增强处理", "提取候选缺陷区域的特征",
             "利用分类模型判断缺陷类型与等级", "输出检测结果并联动分拣机构"),
            ("采集设备振动、温度与电流信号", "提取表征设备健康状态的特征",
             "预测设备剩余使用寿命", "根据预测结果生成维护计划"),
            ("获取任务列表与各机器人状态", "建立以完工时间最短为目标的调度模型",
             "求解任务分配与执行顺序", "下发调度指令并动态调整"),
        ),
    ),
    "agricultural_machinery": FieldVocab(
        zh="农业机械",
        en="agricultural machinery",
        ipc=("A01D 45/02", "A01C 7/20", "A01B 79/00", "A01D 41/127"),
        materials=(),
        devices=(
            S("玉米籽粒收获机", "maize grain harvester", ("A01D 45/02", "A01D 41/02"),
              (_, T("自走式", "self-propelled"), T("低损伤", "low-damage"))),
            S("精量播种机", "precision seeder", ("A01C 7/04", "A01C 7/20"), (T("气吸式", "air-suction"), T("免耕", "no-till"))),
            S("履带式拖拉机", "crawler tractor", ("B62D 55/06", "A01B 51/00"),
              (T("丘陵山区用", "hill-country"), T("电驱动", "electrically driven"))),
            S("水肥一体化施肥装置", "integrated water and fertiliser application device", ("A01C 23/04", "A01G 25/16"),
              (_, T("太阳能供电", "solar-powered"))),
            S("果园喷雾机", "orchard sprayer", ("A01M 7/00",), (T("风送式", "air-assisted"), T("仿形", "canopy-following"))),
            S("苹果采摘末端执行器", "apple-picking end effector", ("A01D 46/30", "B25J 15/00"), (_, T("柔性", "soft"))),
            S("秸秆还田机", "straw returning machine", ("A01F 29/00", "A01B 49/02")),
            S("植保无人机药箱", "pesticide tank for plant-protection drones", ("B64D 1/18", "A01M 7/00"), (_, T("防晃", "anti-slosh"))),
        ),
        methods=(
            S("联合收获机喂入量控制", "controlling the feed rate of a combine harvester", ("A01D 41/127",), steps=1,
              bases=(_, T("基于模糊PID的", "based on fuzzy PID control"))),
            S("农机作业路径规划", "planning paths for agricultural machinery", ("A01B 69/04", "G05D 1/00"), steps=0,
              bases=(_, T("基于北斗导航的", "based on BeiDou navigation"))),
            S("播种质量监测", "monitoring sowing quality", ("A01C 7/10",), steps=1,
              bases=(_, T("基于光电传感的", "based on photoelectric sensing"))),
            S("变量施肥", "variable-rate fertilisation", ("A01C 21/00", "A01B 79/00"), steps=2,
              bases=(T("基于处方图的", "based on prescription maps"), T("基于作物长势监测的", "based on crop growth monitoring"))),
        ),
        designs=(
            D("播种机", "seeder", "A01C 7/00", (T("四行", "four-row"), T("免耕", "no-till"))),
            D("采摘机器人", "picking robot", "A01D 46/30", (T("果园用", "orchard"),)),
            D("植保无人机", "plant-protection drone", "B64D 1/18", (T("六旋翼", "hexacopter"), T("八旋翼", "octocopter"))),
        ),
        material_features=(),
        device_features=(
            T("通过仿形机构自动调节作业部件的高度", "By adjusting the height of the working parts automatically with a profiling mechanism"),
            T("采用电液控制与多传感器实时监测", "By combining electro-hydraulic control with real-time multi-sensor monitoring"),
            T("通过优化关键部件的结构与运动参数", "By optimising the structure and motion of key parts"),
            T("采用模块化快换结构", "By using modular quick-change parts"),
        ),
        method_features=(
            T("通过实时采集作业部件的工况参数", "By collecting working-part conditions in real time"),
            T("采用卫星定位与惯性导航组合", "By combining satellite positioning with inertial navigation"),
        ),
        material_effects=(),
        device_effects=(
            T("提高了作业效率与作业质量", "working efficiency and quality improve"),
            T("降低了作物损伤与收获损失", "crop damage and harvest losses fall"),
            T("适应丘陵山区小地块作业", "the machine suits small plots in hilly areas"),
            T("减少了农药和化肥的使用量", "pesticide and fertiliser use falls"),
        ),
        method_effects=(
            T("作业精度与一致性明显提高", "precision and consistency of the work improve clearly"),
            T("减少了重播漏播与重复作业", "double sowing, misses and repeated passes are reduced"),
            T("降低了驾驶员的劳动强度", "the operator's workload falls"),
        ),
        scenarios=(
            T("玉米机械化收获", "mechanised maize harvesting"),
            T("丘陵山区农业生产", "farming in hilly and mountainous areas"),
            T("果园植保", "orchard plant protection"),
            T("大田精准播种", "precision sowing in open fields"),
            T("设施农业", "protected agriculture"),
            T("农机社会化服务", "agricultural machinery services"),
        ),
        keywords=("收获机", "精量播种", "植保", "自动导航", "农机装备", "丘陵山区", "采摘", "水肥一体化", "北斗", "秸秆还田"),
        prep_steps=(),
        components=("机架", "行走底盘", "割台", "排种器", "输送装置", "液压系统", "控制终端", "药箱"),
        method_steps=(
            ("获取田块边界与作物分布信息", "生成全覆盖作业路径",
             "根据实时定位信息修正行驶偏差", "记录作业数据并生成作业报告"),
            ("采集作业部件的转速、扭矩与负荷信号", "估计当前喂入量或播量",
             "根据目标值调节行进速度或执行机构", "在异常时报警并自动停机"),
            ("获取田块土壤养分与作物长势信息", "生成变量施肥处方图",
             "根据实时位置查询处方并计算目标施肥量", "控制排肥装置执行变量作业"),
        ),
    ),
    "food_processing": FieldVocab(
        zh="食品加工",
        en="food processing",
        ipc=("A23L 3/00", "A23L 2/38", "A23L 33/105", "A23P 10/30"),
        materials=(
            S("低糖复合果蔬汁饮料", "low-sugar mixed fruit and vegetable juice", ("A23L 2/02", "A23L 2/38"),
              (_, T("非浓缩还原", "not-from-concentrate")), 0,
              T("在降低含糖量的同时保持了果蔬风味", "sugar is cut while the fruit and vegetable flavour is kept")),
            S("富含γ-氨基丁酸的发酵乳", "fermented milk rich in γ-aminobutyric acid", ("A23C 9/12", "A23C 9/13"), (_,), 1,
              T("产品中γ-氨基丁酸含量达到100 mg/100 g以上", "the product contains over 100 mg of γ-aminobutyric acid per 100 g")),
            S("植物基肉制品", "plant-based meat product", ("A23J 3/22", "A23L 13/00"),
              (_, T("高水分", "high-moisture")), 2,
              T("产品具有类似动物肉的纤维结构和咀嚼感", "the product has a meat-like fibrous texture and bite")),
            S("黄酒", "Huangjiu rice wine", ("C12G 3/02",),
              (_, T("低嘌呤", "low-purine"), T("清爽型", "light-bodied")), 3,
              T("产品风味协调且嘌呤含量低", "the wine tastes balanced and is low in purines")),
            S("茶多酚微胶囊", "tea polyphenol microcapsule", ("A23P 10/30", "A23F 3/16"), (_,), 4,
              T("茶多酚的光热稳定性显著提高", "tea polyphenols become far more stable to light and heat")),
            S("功能性膳食纤维", "functional dietary fibre", ("A23L 33/21", "A23L 33/105"),
              (_, T("可溶性", "soluble")), 5,
              T("产品持水力与膨胀力明显提高", "water-holding and swelling capacity rise clearly")),
            S("即食杂粮粥", "instant multigrain porridge", ("A23L 7/10",), (_, T("低GI", "low-GI")), 6,
              T("冲调后3 min即可食用且口感细腻", "it is ready 3 min after adding water and tastes smooth")),
            S("低盐发酵酱油", "low-salt fermented soy sauce", ("A23L 27/50",), (_,), 7,
              T("在盐含量降低30%的同时保持了鲜味", "salt is cut by 30% while the umami taste is kept")),
        ),
        devices=(
            S("果蔬气调保鲜装置", "modified-atmosphere preservation device for fruit and vegetables", ("A23B 7/148",),
              (_, T("智能", "intelligent"))),
            S("连续式微波杀菌设备", "continuous microwave sterilisation equipment", ("A23L 3/01",)),
            S("茶叶揉捻机", "tea rolling machine", ("A23F 3/12",), (_, T("连续式", "continuous"))),
            S("食品异物在线检测装置", "online foreign-matter detection device for food", ("G01N 23/04", "B07C 5/34"),
              (_, T("X射线", "X-ray"))),
            S("冷链运输温湿度监控装置", "temperature and humidity monitor for cold-chain transport", ("A23B 7/04", "G01K 1/02")),
        ),
        methods=(
            S("果蔬保鲜", "preserving fruit and vegetables", ("A23B 7/152", "A23L 3/00"), steps=1,
              bases=(_, T("基于低温等离子体的", "based on cold plasma"))),
            S("食品中农药残留检测", "detecting pesticide residues in food", ("G01N 33/02",), steps=0,
              bases=(T("基于近红外光谱的", "based on near-infrared spectroscopy"), T("基于表面增强拉曼光谱的", "based on surface-enhanced Raman spectroscopy"))),
            S("发酵过程在线调控", "controlling a fermentation process online", ("C12M 1/36",), steps=2,
              bases=(_, T("基于软测量的", "based on soft sensing"))),
            S("米糠稳定化", "stabilising rice bran", ("A23L 7/196",), steps=3,
              bases=(_, T("基于红外加热的", "based on infrared heating"))),
        ),
        designs=(
            D("包装盒", "packaging box", "B65D 5/00", (T("茶叶", "tea"), T("月饼", "mooncake"), T("礼品", "gift"))),
            D("饮料瓶", "beverage bottle", "B65D 1/02", (T("350 mL", "350 mL"), T("异形", "shaped"))),
            D("食品标签", "food label", "G09F 3/02", (T("杂粮", "multigrain"),)),
        ),
        material_features=(
            T("通过优化原料配比与加工工艺参数", "By optimising the recipe and the process parameters"),
            T("采用温和的加工条件保护营养成分", "By using mild processing conditions that protect nutrients"),
            T("通过严格控制关键工序的温度与时间", "By tightly controlling temperature and time in critical steps"),
        ),
        device_features=(
            T("通过分区控制温度与气体成分", "By controlling temperature and gas composition zone by zone"),
            T("采用传感器在线监测关键参数", "By monitoring key parameters with online sensors"),
            T("通过优化输送与加热结构", "By optimising the conveying and heating structure"),
        ),
        method_features=(
            T("通过精确控制处理强度与时间", "By precisely controlling treatment intensity and time"),
            T("采用光谱特征与化学计量学模型", "By combining spectral features with chemometric models"),
        ),
        material_effects=(
            T("货架期延长且品质稳定", "shelf life is longer and quality is stable"),
            T("工艺简单，适合工业化生产", "the process is simple and suits industrial production"),
        ),
        device_effects=(
            T("处理均匀且能耗较低", "treatment is even and energy use is low"),
            T("提高了生产效率与产品一致性", "productivity and product consistency improve"),
            T("减少了人工干预", "manual intervention is reduced"),
        ),
        method_effects=(
            T("检测时间由数小时缩短至数分钟", "testing takes minutes instead of hours"),
            T("有效抑制了营养成分损失与品质劣变", "nutrient loss and quality decline are curbed"),
            T("提高了批次间的一致性", "batch-to-batch consistency improves"),
        ),
        scenarios=(
            T("果蔬精深加工", "deep processing of fruit and vegetables"),
            T("乳制品生产", "dairy production"),
            T("休闲食品", "snack foods"),
            T("冷链物流", "cold-chain logistics"),
            T("传统发酵食品", "traditional fermented foods"),
            T("特殊医学用途食品", "foods for special medical purposes"),
        ),
        keywords=("发酵", "保鲜", "杀菌", "功能食品", "微胶囊", "膳食纤维", "益生菌", "冷链", "食品安全", "风味"),
        prep_steps=(
            ("将原料清洗、破碎后按料液比1:3～1:5加水打浆", "加入复合酶于45～55 ℃酶解1～2 h",
             "经离心分离与膜过滤得到澄清液", "调配后经超高压处理并无菌灌装"),
            ("将原料乳标准化后于95 ℃杀菌5 min", "冷却至40～43 ℃后接种复合发酵剂",
             "于40～43 ℃发酵6～8 h至酸度达到70～80 °T", "冷却后于4 ℃后熟12～24 h"),
            ("将大豆分离蛋白与小麦蛋白按质量比混合", "加水调节物料含水率至50%～70%",
             "经双螺杆挤出机于140～160 ℃高水分挤压", "冷却成型后切分、调味，得到所述产品"),
            ("将糯米浸泡后蒸煮并摊凉至30 ℃", "加入麦曲和酒母进行糖化发酵",
             "于13～15 ℃后发酵20～30天", "经压榨、澄清、煎酒后陈贮"),
            ("将茶多酚溶于水相并加入乳化剂", "将麦芽糊精与阿拉伯胶复配为壁材",
             "经高压均质形成稳定乳液", "喷雾干燥，得到所述微胶囊"),
            ("将果渣或麸皮干燥粉碎后过60目筛", "加入纤维素酶与木聚糖酶于50 ℃酶解2 h",
             "经灭酶、离心与醇沉处理", "干燥粉碎，得到所述膳食纤维"),
            ("将杂粮清洗后浸泡4～8 h", "经蒸煮后挤压膨化",
             "将膨化物粉碎并与辅料复配", "经造粒、干燥后包装"),
            ("将脱脂大豆润水蒸煮后与炒麦粉混合", "接种米曲霉于28～32 ℃制曲40～48 h",
             "加入低浓度盐水进行固稀发酵", "经压榨、灭菌、过滤，得到成品"),
        ),
        components=("进料斗", "输送带", "处理腔", "微波发生器", "温度传感器", "气体浓度传感器", "控制箱", "出料口"),
        method_steps=(
            ("采集样品的光谱数据", "建立目标组分含量的预测模型",
             "对待测样品进行快速判别", "根据判别结果输出检测报告"),
            ("对果蔬进行预冷处理", "采用保鲜剂进行浸渍或涂膜",
             "在设定气体比例下进行气调包装", "于0～4 ℃条件下贮藏"),
            ("在线采集发酵温度、pH与溶氧数据", "利用软测量模型估计菌体浓度与产物浓度",
             "根据估计值调整补料与通气策略", "记录批次数据并优化模型"),
            ("将新鲜米糠过筛除杂", "采用红外或微波对米糠进行快速加热",
             "控制物料温度于100～120 ℃保持3～5 min", "冷却后密封包装"),
        ),
    ),
    "new_energy": FieldVocab(
        zh="新能源",
        en="new energy",
        ipc=("H01M 4/36", "H01M 10/0525", "H02J 3/38", "H01M 10/42"),
        materials=(
            S("锂离子电池正极材料", "cathode material for lithium-ion batteries", ("H01M 4/36", "H01M 4/525"),
              (_, T("高镍", "high-nickel"), T("单晶", "single-crystal")), 0,
              T("显著提高了循环稳定性和倍率性能", "cycling stability and rate capability improve markedly")),
            S("硅碳负极材料", "silicon-carbon anode material", ("H01M 4/36", "H01M 4/587"),
              (_, T("高首效", "high-initial-efficiency")), 1,
              T("缓解了硅的体积膨胀，提高了首次库仑效率", "silicon swelling is buffered and the first-cycle coulombic efficiency rises")),
            S("硫化物固态电解质", "sulfide solid electrolyte", ("H01M 10/0562", "H01M 10/0525"),
              (_, T("空气稳定", "air-stable")), 2,
              T("室温离子电导率达到10 mS/cm以上", "the room-temperature ionic conductivity exceeds 10 mS/cm")),
            S("钠离子电池层状氧化物正极材料", "layered oxide cathode material for sodium-ion batteries", ("H01M 4/505", "H01M 10/054"),
              (_,), 3,
              T("提高了材料在空气中的稳定性与循环寿命", "the material is more stable in air and lasts more cycles")),
            S("质子交换膜燃料电池催化剂", "catalyst for proton exchange membrane fuel cells", ("H01M 4/92", "H01M 8/1004"),
              (_, T("低铂", "low-platinum")), 4,
              T("在降低铂载量的同时提高了催化活性与耐久性", "activity and durability rise while platinum loading falls")),
            S("电解水制氢电极", "electrode for hydrogen production by water electrolysis", ("C25B 11/04", "C25B 1/04"),
              (_, T("自支撑", "self-supporting")), 5,
              T("在大电流密度下过电位低且可稳定运行1000 h以上", "overpotential stays low at high current density for over 1000 h")),
            S("钙钛矿光伏薄膜", "perovskite photovoltaic film", ("H10K 30/40", "H10K 85/50"),
              (_, T("大面积", "large-area")), 6,
              T("光电转换效率与湿热稳定性均得到提高", "both power conversion efficiency and damp-heat stability improve")),
        ),
        devices=(
            S("动力电池包热管理装置", "thermal management device for power battery packs", ("H01M 10/613", "H01M 10/625"),
              (_, T("液冷式", "liquid-cooled"))),
            S("光伏组件清洗机器人", "photovoltaic module cleaning robot", ("H02S 40/10",), (_, T("无水", "waterless"))),
            S("风电机组变桨控制装置", "pitch control device for wind turbines", ("F03D 7/02",)),
            S("电动汽车充电桩", "electric vehicle charging pile", ("B60L 53/30", "H02J 7/00"),
              (_, T("大功率", "high-power"), T("液冷", "liquid-cooled"))),
            S("储能变流器", "energy storage converter", ("H02J 3/32", "H02M 7/48"), (_, T("双向", "bidirectional"))),
            S("电池模组均衡电路", "battery module balancing circuit", ("H02J 7/00", "H01M 10/44"), (_, T("主动", "active"))),
        ),
        methods=(
            S("锂电池健康状态估计", "estimating the state of health of lithium batteries", ("G01R 31/392", "H01M 10/48"), steps=0,
              bases=(_, T("基于深度学习的", "based on deep learning"), T("基于电化学阻抗谱的", "based on electrochemical impedance spectroscopy"))),
            S("光伏发电功率预测", "forecasting photovoltaic power", ("H02J 3/00", "G06Q 50/06"), steps=1,
              bases=(_, T("基于气象数据融合的", "based on fused weather data"))),
            S("微电网能量优化调度", "optimising energy dispatch in microgrids", ("H02J 3/38",), steps=2,
              bases=(_, T("基于模型预测控制的", "based on model predictive control"))),
            S("退役动力电池梯次利用分选", "sorting retired power batteries for second-life use", ("H01M 10/54", "B07C 5/344"), steps=3,
              bases=(_, T("基于聚类分析的", "based on cluster analysis"))),
        ),
        designs=(
            D("充电桩", "charging pile", "B60L 53/31", (T("壁挂式", "wall-mounted"), T("落地式", "floor-standing"))),
            D("储能柜", "energy storage cabinet", "H01M 50/20", (T("户用", "household"), T("工商业", "commercial"))),
            D("便携式电源", "portable power station", "H02J 7/00", (T("户外", "outdoor"),)),
        ),
        material_features=(
            T("通过元素掺杂与表面包覆协同改性", "By combining element doping with surface coating"),
            T("采用优化的合成工艺调控颗粒形貌与结构", "By controlling particle morphology and structure through an optimised synthesis"),
            T("通过界面工程抑制副反应", "By suppressing side reactions through interface engineering"),
        ),
        device_features=(
            T("通过优化冷却流道与换热结构", "By optimising the cooling channels and heat exchange"),
            T("采用模块化功率单元与冗余设计", "By using modular power units with redundancy"),
            T("通过实时监测电压、电流与温度", "By monitoring voltage, current and temperature in real time"),
        ),
        method_features=(
            T("通过提取表征关键状态的特征参数", "By extracting features that characterise the key states"),
            T("采用数据驱动与机理模型相结合的方法", "By combining data-driven and mechanistic models"),
            T("通过多源数据融合", "By fusing data from several sources"),
        ),
        material_effects=(
            T("原料成本低，工艺易于放大", "raw materials are cheap and the process scales easily"),
            T("提升了电池的安全性", "the safety of the cell improves"),
        ),
        device_effects=(
            T("提高了系统效率与运行可靠性", "system efficiency and reliability improve"),
            T("提升了系统的安全性", "system safety improves"),
            T("降低了运维成本", "operation and maintenance costs fall"),
        ),
        method_effects=(
            T("估计或预测误差小于3%", "the estimation or forecast error is below 3%"),
            T("提高了能量利用效率", "energy is used more efficiently"),
            T("降低了运行与维护成本", "operating and maintenance costs fall"),
        ),
        scenarios=(
            T("新能源汽车动力电池", "power batteries for new-energy vehicles"),
            T("电化学储能电站", "electrochemical energy storage stations"),
            T("分布式光伏", "distributed photovoltaics"),
            T("氢能交通", "hydrogen transport"),
            T("两轮电动车", "electric two-wheelers"),
            T("工商业储能", "commercial and industrial energy storage"),
        ),
        keywords=("锂离子电池", "正极材料", "固态电池", "储能", "光伏", "氢能", "热管理", "燃料电池", "钠离子电池", "电池管理"),
        prep_steps=(
            ("将镍钴锰前驱体与锂源按摩尔比1:1.02～1:1.08混合均匀", "在氧气气氛中于750～850 ℃烧结12～16 h",
             "将烧结产物破碎后与包覆剂混合", "于300～500 ℃二次烧结，得到所述材料"),
            ("将纳米硅与沥青按质量比1:2～1:4分散于溶剂中", "喷雾干燥得到前驱体颗粒",
             "在氮气气氛中于900～1100 ℃碳化2～4 h", "经筛分与除磁，得到所述材料"),
            ("在惰性气氛中按化学计量比称取硫化锂、五硫化二磷与卤化锂", "以400～600 r/min球磨10～20 h",
             "于450～550 ℃退火4～8 h", "研磨过筛，得到所述电解质"),
            ("将过渡金属氧化物与钠源按化学计量比球磨混合", "在空气中于850～950 ℃煅烧12～15 h",
             "随炉冷却后研磨过筛", "在干燥气氛中保存，得到所述材料"),
            ("将碳载体分散于乙二醇中超声处理", "加入铂前驱体与过渡金属盐并调节pH",
             "于120～160 ℃微波或油浴还原", "经洗涤、干燥与热处理，得到所述催化剂"),
            ("将泡沫镍依次用盐酸、乙醇和去离子水清洗", "将泡沫镍置于含金属盐的溶液中进行水热反应",
             "于300～400 ℃进行磷化或硫化处理", "清洗干燥，得到所述电极"),
            ("将碘化铅与有机胺盐按摩尔比溶于混合溶剂配制前驱体溶液", "采用刮涂或狭缝涂布将前驱体溶液涂覆于基底",
             "通过反溶剂或气流辅助结晶", "于100～150 ℃退火10～30 min"),
        ),
        components=("箱体", "液冷板", "温度传感器", "管理单元", "功率模块", "连接器", "散热风扇", "绝缘监测单元"),
        method_steps=(
            ("采集电池的电压、电流与温度数据", "提取表征老化状态的健康因子",
             "利用训练好的模型估计电池健康状态", "根据估计结果调整充放电策略"),
            ("获取历史发电功率与气象数据", "对数据进行清洗与特征构造",
             "训练功率预测模型", "输出未来时段的功率预测结果"),
            ("获取气象预报与负荷预测数据", "建立源—荷—储协同优化模型",
             "求解各时段的最优调度计划", "下发调度指令并滚动修正"),
            ("对退役电池进行外观检查与电压筛查", "测试电池容量、内阻与自放电率",
             "根据一致性指标对电池进行聚类分组", "将同组电池重组为梯次利用模组"),
        ),
    ),
    "digital_economy": FieldVocab(
        zh="数字经济",
        en="digital economy",
        ipc=("G06F 16/00", "G06N 3/08", "G06Q 10/06", "G06F 21/62"),
        materials=(),
        devices=(
            S("边缘计算网关", "edge computing gateway", ("G06F 9/50", "H04L 67/10"), (_, T("嵌入式", "embedded"))),
            S("数据安全交换装置", "secure data exchange device", ("G06F 21/62", "H04L 9/40"), (_, T("单向", "one-way"))),
            S("智能客服终端", "intelligent customer-service terminal", ("G06F 3/16", "G06Q 30/01")),
            S("工业数据采集终端", "industrial data acquisition terminal", ("G05B 19/418", "G06F 13/38"), (_, T("低功耗", "low-power"))),
        ),
        methods=(
            S("多源异构数据融合", "fusing multi-source heterogeneous data", ("G06F 16/25", "G06F 16/00"), steps=0,
              bases=(_, T("基于本体的", "based on ontologies"))),
            S("联合建模", "privacy-preserving joint modelling", ("G06N 20/00", "G06F 21/62"), steps=0,
              bases=(T("基于联邦学习的", "based on federated learning"), T("基于安全多方计算的", "based on secure multi-party computation"))),
            S("知识图谱构建", "constructing knowledge graphs", ("G06F 16/36",), steps=1,
              bases=(_, T("基于大语言模型的", "based on large language models"))),
            S("供应链需求预测", "forecasting supply-chain demand", ("G06Q 10/04", "G06N 3/08"), steps=2,
              bases=(_, T("基于图神经网络的", "based on graph neural networks"))),
            S("数据资产确权存证", "registering rights in and evidence of data assets", ("H04L 9/00", "G06Q 50/18"), steps=3,
              bases=(T("基于区块链的", "based on blockchain"),)),
            S("大模型推理加速", "accelerating large-model inference", ("G06N 3/063", "G06N 3/08"), steps=4,
              bases=(_, T("基于模型量化的", "based on model quantisation"))),
            S("文本情感分析", "analysing the sentiment of text", ("G06F 40/30",), steps=5,
              bases=(_, T("基于预训练语言模型的", "based on pre-trained language models"))),
        ),
        designs=(
            D("显示屏幕图形用户界面", "graphical user interface for a display screen", "G06F 3/048",
              (T("数据看板", "data dashboard"), T("交易管理", "transaction management"))),
            D("边缘计算网关", "edge computing gateway", "H04L 12/66", (T("导轨式", "DIN-rail"),)),
        ),
        material_features=(),
        device_features=(
            T("通过软硬件协同的安全隔离设计", "By isolating hardware and software for security"),
            T("采用边缘侧数据预处理", "By pre-processing data at the edge"),
            T("通过多协议适配接口", "By providing interfaces for several protocols"),
        ),
        method_features=(
            T("通过构建统一的数据语义模型", "By building a unified semantic data model"),
            T("采用分布式计算架构", "By using a distributed computing architecture"),
            T("通过注意力机制融合多维特征", "By fusing multidimensional features with an attention mechanism"),
        ),
        material_effects=(),
        device_effects=(
            T("降低了数据传输时延与带宽占用", "latency and bandwidth use fall"),
            T("提高了数据交换的安全性", "data exchange is more secure"),
            T("部署灵活且成本较低", "it deploys flexibly at low cost"),
        ),
        method_effects=(
            T("提高了处理效率并降低了计算开销", "processing is faster and cheaper"),
            T("提高了结果的准确率", "accuracy improves"),
            T("实现了全过程可追溯", "every step is traceable"),
            T("降低了中小企业的数字化转型门槛", "the barrier to digital transformation for SMEs is lowered"),
        ),
        scenarios=(
            T("智慧城市", "smart cities"),
            T("工业互联网", "the industrial internet"),
            T("普惠金融风控", "risk control in inclusive finance"),
            T("跨境电商", "cross-border e-commerce"),
            T("政务数据共享", "government data sharing"),
            T("智能客服", "intelligent customer service"),
        ),
        keywords=("大数据", "人工智能", "区块链", "联邦学习", "知识图谱", "隐私计算", "数据要素", "云计算", "边缘计算", "大模型"),
        prep_steps=(),
        components=("处理器", "存储模块", "通信接口", "安全芯片", "电源模块", "数据采集模块", "显示模块", "外壳"),
        method_steps=(
            ("获取多个数据源的原始数据并进行清洗", "对数据进行特征提取与对齐",
             "训练融合模型并在各参与方间交换加密参数", "输出分析结果并记录审计日志"),
            ("从非结构化文本中抽取实体与关系", "对抽取结果进行消歧与融合",
             "将三元组存入图数据库", "基于图谱提供检索与推理服务"),
            ("汇集历史销售、库存与外部因素数据", "构建需求预测模型并训练",
             "按品类与区域输出需求预测", "根据预测结果生成补货建议"),
            ("对数据资产进行哈希摘要与元数据登记", "将摘要与权属信息写入区块链",
             "生成可验证的存证凭证", "在数据流转时校验链上记录"),
            ("对模型权重进行量化与剪枝", "对计算图进行算子融合",
             "根据硬件特性调度计算任务", "输出推理结果并监测时延"),
            ("对文本进行分词与清洗", "利用预训练语言模型获得文本向量表示",
             "通过分类层输出情感类别与强度", "对结果进行统计分析与可视化"),
        ),
    ),
    "energy_saving_environmental": FieldVocab(
        zh="节能环保",
        en="energy saving and environmental protection",
        ipc=("B01D 53/86", "C02F 9/00", "B09B 3/00", "F27D 17/00"),
        materials=(
            S("低温脱硝催化剂", "low-temperature denitration catalyst", ("B01J 23/34", "B01D 53/86"),
              (_, T("抗硫抗水", "sulfur- and water-resistant")), 0,
              T("在150～250 ℃下脱硝效率达到90%以上", "over 90% of NOx is removed at 150–250 ℃")),
            S("重金属吸附材料", "heavy-metal adsorbent", ("B01J 20/26", "C02F 1/28"),
              (_, T("可再生", "regenerable")), 2,
              T("对铅、镉等重金属离子的吸附容量高", "it adsorbs large amounts of lead, cadmium and similar ions")),
            S("二氧化碳捕集吸收剂", "carbon dioxide capture absorbent", ("B01D 53/14", "B01D 53/62"),
              (_, T("低能耗", "low-energy")), 3,
              T("吸收容量大且再生能耗降低20%以上", "absorption capacity is high and regeneration energy falls by over 20%")),
            S("污泥基生物炭", "sludge-derived biochar", ("C10B 53/00", "C02F 11/10"), (_,), 1,
              T("实现了污泥的减量化与资源化", "sludge is reduced and turned into a resource")),
            S("光催化降解材料", "photocatalytic degradation material", ("B01J 35/39", "C02F 1/30"),
              (_, T("可见光响应", "visible-light-responsive")), 4,
              T("可在可见光下高效降解有机污染物", "organic pollutants degrade efficiently under visible light")),
        ),
        devices=(
            S("烟气余热回收装置", "flue gas waste-heat recovery device", ("F27D 17/00", "F23J 15/06"),
              (_, T("防腐蚀", "corrosion-resistant"))),
            S("一体化污水处理设备", "integrated sewage treatment equipment", ("C02F 9/00", "C02F 3/30"),
              (_, T("撬装式", "skid-mounted"))),
            S("餐厨垃圾好氧发酵装置", "aerobic fermentation device for kitchen waste", ("B09B 3/60", "C05F 17/00")),
            S("静电除尘器", "electrostatic precipitator", ("B03C 3/00",), (_, T("湿式", "wet"))),
            S("VOCs蓄热式焚烧装置", "regenerative thermal oxidiser for VOCs", ("F23G 7/06", "B01D 53/44"),
              (_, T("三室", "three-chamber"))),
        ),
        methods=(
            S("工业废水深度处理", "advanced treatment of industrial wastewater", ("C02F 9/00",), steps=0,
              bases=(_, T("基于高级氧化的", "based on advanced oxidation"))),
            S("固体废物资源化利用", "turning solid waste into resources", ("B09B 3/00",), steps=2,
              bases=(_, T("基于热解气化的", "based on pyrolysis and gasification"))),
            S("园区碳排放核算", "accounting for the carbon emissions of industrial parks", ("G06Q 50/26",), steps=1,
              bases=(_, T("基于物联网的", "based on the Internet of Things"))),
            S("污染物排放在线监测", "monitoring pollutant emissions online", ("G01N 33/00",), steps=3,
              bases=(_, T("基于物联网的", "based on the Internet of Things"))),
        ),
        designs=(
            D("垃圾分类回收箱", "waste sorting bin", "B65F 1/14", (T("四分类", "four-compartment"), T("智能", "smart"))),
            D("空气净化器", "air purifier", "B01D 46/00", (T("立式", "upright"), T("车载", "vehicle-mounted"))),
        ),
        material_features=(
            T("通过调控活性组分的分散度与价态", "By controlling the dispersion and valence of the active components"),
            T("采用多级孔结构设计", "By designing a hierarchical pore structure"),
            T("通过表面官能团修饰", "By modifying surface functional groups"),
        ),
        device_features=(
            T("采用多级逆流换热或处理结构", "By using a multi-stage counter-current structure"),
            T("通过模块化集成设计", "By integrating the units as modules"),
            T("采用自动控制与在线监测", "By using automatic control with online monitoring"),
        ),
        method_features=(
            T("通过多工艺组合与参数优化", "By combining processes and optimising their parameters"),
            T("采用实时数据采集与模型计算", "By collecting data in real time and computing with models"),
        ),
        material_effects=(
            T("原料来源广泛且成本较低", "raw materials are widely available and cheap"),
            T("可循环使用，避免了二次污染", "it can be reused without secondary pollution"),
        ),
        device_effects=(
            T("处理效率高且运行能耗低", "treatment is efficient and uses little energy"),
            T("占地面积小，安装维护方便", "it takes little space and is easy to install and maintain"),
            T("排放稳定达到国家标准", "emissions stably meet national standards"),
        ),
        method_effects=(
            T("处理效果稳定且运行成本较低", "results are stable at low running cost"),
            T("提高了核算与监测的准确性", "accounting and monitoring become more accurate"),
            T("实现了资源的循环利用", "resources are recycled"),
        ),
        scenarios=(
            T("燃煤电厂烟气治理", "flue gas treatment at coal-fired power plants"),
            T("农村生活污水处理", "rural domestic sewage treatment"),
            T("工业园区节能改造", "energy retrofits of industrial parks"),
            T("垃圾分类与资源化", "waste sorting and recycling"),
            T("钢铁行业超低排放", "ultra-low emissions in steelmaking"),
        ),
        keywords=("脱硝", "污水处理", "余热回收", "碳捕集", "固废资源化", "吸附", "催化", "VOCs", "节能", "碳排放"),
        prep_steps=(
            ("将载体浸渍于活性组分前驱体溶液中12～24 h", "于100～120 ℃干燥8～12 h",
             "于400～550 ℃焙烧3～5 h", "经成型与筛分，得到所述催化剂"),
            ("将污泥脱水干化至含水率低于20%", "在氮气气氛中于500～700 ℃热解1～2 h",
             "用碱液活化后洗涤至中性", "干燥，得到所述材料"),
            ("将生物质或矿物原料粉碎过筛", "用改性剂溶液浸渍改性6～12 h",
             "于60～80 ℃干燥后造粒", "经活化处理，得到所述吸附材料"),
            ("按质量分数称取有机胺20%～40%、活化剂2%～8%及余量水", "在搅拌条件下依次加入并混合均匀",
             "加入缓蚀剂与抗氧化剂", "过滤，得到所述吸收剂"),
            ("将钛源或铋源溶于溶剂形成前驱体溶液", "加入助剂后于150～180 ℃水热反应12～24 h",
             "将产物离心、洗涤并干燥", "于400～500 ℃煅烧2～4 h"),
        ),
        components=("反应器", "换热器", "风机", "布水器", "曝气装置", "在线监测仪", "控制系统", "排放管路"),
        method_steps=(
            ("对废水进行预处理以去除悬浮物", "进入生化单元进行脱氮除磷",
             "采用高级氧化去除难降解有机物", "经深度过滤后达标排放或回用"),
            ("采集各排放源的活动水平数据", "根据排放因子计算各环节排放量",
             "汇总生成碳排放清单", "识别重点减排环节并给出优化建议"),
            ("对固体废物进行分选与破碎预处理", "在缺氧条件下于500～800 ℃热解",
             "对热解气进行净化后回用", "对固体残渣进行资源化利用"),
            ("在排放口布设在线监测仪表", "实时采集污染物浓度与流量数据",
             "对数据进行有效性审核与超标预警", "生成排放报表并上传监管平台"),
        ),
    ),
    "electronic_information": FieldVocab(
        zh="电子信息",
        en="electronic information",
        ipc=("H04B 7/06", "G06T 7/00", "H01Q 1/38", "G01S 7/41"),
        materials=(),
        devices=(
            S("毫米波雷达天线", "millimetre-wave radar antenna", ("H01Q 1/32", "H01Q 21/06"),
              (_, T("宽带", "broadband"), T("低剖面", "low-profile"))),
            S("柔性压力传感器", "flexible pressure sensor", ("G01L 1/18",), (_, T("高灵敏度", "high-sensitivity"))),
            S("光纤光栅温度传感器", "fibre Bragg grating temperature sensor", ("G01K 11/3206", "G01D 5/353")),
            S("射频功率放大器", "radio-frequency power amplifier", ("H03F 3/20", "H03F 3/24"),
              (_, T("宽带", "broadband"), T("高效率", "high-efficiency"))),
            S("图像传感器读出电路", "readout circuit for image sensors", ("H04N 25/60",), (_, T("低噪声", "low-noise"))),
            S("5G小基站", "5G small cell", ("H04W 88/08",), (_, T("室内", "indoor"))),
        ),
        methods=(
            S("目标检测与跟踪", "detecting and tracking targets", ("G06V 20/52", "G06T 7/20"), steps=0,
              bases=(_, T("基于深度学习的", "based on deep learning"), T("基于毫米波雷达的", "based on millimetre-wave radar"))),
            S("信道估计", "channel estimation", ("H04L 25/02",), steps=1,
              bases=(_, T("基于压缩感知的", "based on compressed sensing"))),
            S("室内定位", "indoor positioning", ("G01S 5/02", "H04W 64/00"), steps=2,
              bases=(T("基于超宽带的", "based on ultra-wideband"), T("基于多传感器融合的", "based on multi-sensor fusion"))),
            S("芯片外观缺陷检测", "inspecting chips for visual defects", ("G06T 7/00", "H01L 21/66"), steps=3,
              bases=(_, T("基于深度学习的", "based on deep learning"))),
        ),
        designs=(
            D("智能手环", "smart wristband", "G06F 1/16", (T("运动型", "sports"), T("儿童", "children's"))),
            D("路由器", "router", "H04L 45/00", (T("吸顶式", "ceiling-mounted"), T("桌面型", "desktop"))),
            D("传感器外壳", "sensor housing", "G01D 11/24", (T("防水型", "waterproof"),)),
        ),
        material_features=(),
        device_features=(
            T("采用多层结构与优化的匹配网络", "By using a multilayer structure with an optimised matching network"),
            T("通过微结构敏感层与信号调理电路相配合", "By pairing a microstructured sensing layer with signal conditioning"),
            T("采用低噪声设计与屏蔽结构", "By using a low-noise design and shielding"),
        ),
        method_features=(
            T("通过多帧融合与自适应阈值处理", "By fusing frames with adaptive thresholding"),
            T("采用轻量化网络模型", "By using a lightweight network model"),
            T("通过多源信息融合", "By fusing information from several sources"),
        ),
        material_effects=(),
        device_effects=(
            T("提高了灵敏度与抗干扰能力", "sensitivity and immunity to interference improve"),
            T("降低了功耗与体积", "power consumption and size fall"),
            T("拓宽了工作带宽", "the operating bandwidth is widened"),
        ),
        method_effects=(
            T("在复杂环境下仍保持较高的准确率", "accuracy stays high in complex environments"),
            T("计算量小，便于嵌入式部署", "it needs little computation and suits embedded devices"),
            T("定位或估计精度显著提高", "positioning or estimation accuracy rises markedly"),
        ),
        scenarios=(
            T("智能网联汽车", "intelligent connected vehicles"),
            T("工业物联网", "the industrial Internet of Things"),
            T("可穿戴健康监测", "wearable health monitoring"),
            T("安防监控", "security surveillance"),
            T("5G通信", "5G communications"),
        ),
        keywords=("毫米波", "天线", "传感器", "图像处理", "目标检测", "射频", "5G", "集成电路", "物联网", "信号处理"),
        prep_steps=(),
        components=("介质基板", "辐射单元", "馈电网络", "敏感元件", "信号调理电路", "微控制器", "屏蔽罩", "封装外壳"),
        method_steps=(
            ("采集原始信号或图像数据", "进行去噪与特征提取",
             "利用检测模型识别目标并估计参数", "对结果进行跟踪关联并输出"),
            ("发送已知导频序列", "在接收端估计导频位置的信道",
             "通过插值或重构得到完整信道响应", "根据估计结果进行均衡与解调"),
            ("部署定位基站并完成时间同步", "测量标签到各基站的距离或角度",
             "融合惯性数据解算位置", "对定位结果进行滤波平滑"),
            ("采集芯片表面高分辨率图像", "对图像进行配准与增强",
             "利用检测模型识别缺陷类型与位置", "输出检测结果并进行分拣"),
        ),
    ),
    "modern_agriculture": FieldVocab(
        zh="现代农业",
        en="modern agriculture",
        ipc=("A01G 9/24", "A01G 31/02", "C05G 3/00", "A01N 63/20"),
        materials=(
            S("缓释复合肥料", "slow-release compound fertiliser", ("C05G 3/40", "C05G 5/30"),
              (_, T("生物基包膜", "bio-based coated")), 1,
              T("养分释放与作物需求同步，肥料利用率提高15%以上", "nutrients are released as the crop needs them and use efficiency rises by over 15%")),
            S("微生物菌剂", "microbial inoculant", ("C05F 11/08", "A01N 63/20"), (_, T("复合", "compound")), 0,
              T("改善了土壤微生态并提高了作物产量", "soil micro-ecology improves and yields rise")),
            S("水产饲料添加剂", "aquaculture feed additive", ("A23K 20/00", "A23K 50/80"), (_,), 2,
              T("提高了水产动物的免疫力和成活率", "aquatic animals resist disease and survive better")),
            S("盐碱土壤调理剂", "saline-alkali soil conditioner", ("C09K 17/00", "C05G 3/80"), (_,), 3,
              T("降低了土壤pH与含盐量，改善了土壤结构", "soil pH and salinity fall and soil structure improves")),
            S("植物源生物农药", "botanical biopesticide", ("A01N 65/00", "A01P 7/04"), (_,), 4,
              T("对蚜虫等害虫的防效达到85%以上且对环境友好", "over 85% of aphids and similar pests are controlled with little harm to the environment")),
        ),
        devices=(
            S("温室环境智能调控系统", "intelligent climate control system for greenhouses", ("A01G 9/24",)),
            S("无土栽培装置", "soilless cultivation device", ("A01G 31/02",), (_, T("立体", "vertical"))),
            S("循环水养殖系统", "recirculating aquaculture system", ("A01K 63/04", "A01K 61/10")),
            S("土壤墒情监测装置", "soil moisture monitoring device", ("G01N 33/24", "A01G 25/16"),
              (_, T("太阳能供电", "solar-powered"))),
            S("畜禽舍环境监控装置", "environment monitor for livestock houses", ("A01K 1/00",)),
        ),
        methods=(
            S("作物病虫害识别", "identifying crop pests and diseases", ("G06V 20/10", "A01M 99/00"), steps=0,
              bases=(_, T("基于无人机遥感的", "based on UAV remote sensing"), T("基于高光谱成像的", "based on hyperspectral imaging"))),
            S("设施蔬菜水肥管理", "managing water and fertiliser for greenhouse vegetables", ("A01G 25/16", "A01C 21/00"), steps=1,
              bases=(_, T("基于物联网的", "based on the Internet of Things"))),
            S("分子标记辅助育种", "marker-assisted breeding", ("C12Q 1/6895", "A01H 1/04"), steps=2),
            S("抗病水稻品种选育", "breeding disease-resistant rice varieties", ("A01H 1/04", "A01H 6/46"), steps=2),
            S("生猪生长性能预测", "predicting the growth performance of pigs", ("A01K 29/00",), steps=3,
              bases=(_, T("基于机器视觉的", "based on machine vision"))),
        ),
        designs=(
            D("育苗盘", "seedling tray", "A01G 9/029", (T("72孔", "72-cell"), T("128孔", "128-cell"))),
            D("智能灌溉控制器", "smart irrigation controller", "A01G 25/16", (T("太阳能", "solar"),)),
        ),
        material_features=(
            T("通过筛选与复配功能组分", "By selecting and blending functional components"),
            T("采用绿色环保的原料与工艺", "By using green raw materials and processes"),
            T("通过缓释或包被技术", "By using slow-release or coating technology"),
        ),
        device_features=(
            T("通过多源传感数据驱动环境调控", "By driving climate control with multi-source sensor data"),
            T("采用太阳能供电与无线传输", "By using solar power and wireless transmission"),
            T("通过模块化种植或养殖单元", "By using modular growing or rearing units"),
        ),
        method_features=(
            T("通过多源数据融合与模型分析", "By fusing data from several sources and analysing it with models"),
            T("采用标准化的操作流程", "By following a standardised procedure"),
        ),
        material_effects=(
            T("减少了化学投入品的使用", "chemical inputs are reduced"),
            T("成本低且施用方便", "it is cheap and easy to apply"),
        ),
        device_effects=(
            T("实现了精准调控与节水节能", "control is precise and saves water and energy"),
            T("降低了人工管理成本", "labour costs fall"),
            T("提高了单位面积产量", "yield per unit area rises"),
        ),
        method_effects=(
            T("提高了识别或选育的准确性与效率", "identification or selection becomes more accurate and efficient"),
            T("减少了化学农药和化肥的使用", "chemical pesticide and fertiliser use falls"),
            T("缩短了育种或生产周期", "the breeding or production cycle is shortened"),
        ),
        scenarios=(
            T("设施农业", "protected agriculture"),
            T("高标准农田建设", "high-standard farmland construction"),
            T("盐碱地改良", "saline-alkali land improvement"),
            T("水产健康养殖", "healthy aquaculture"),
            T("茶园与果园管理", "tea garden and orchard management"),
            T("乡村振兴特色产业", "rural revitalisation industries"),
        ),
        keywords=("智慧农业", "生物肥料", "育种", "设施农业", "水肥一体化", "土壤改良", "病虫害防治", "水产养殖", "物联网", "绿色防控"),
        prep_steps=(
            ("将功能菌株分别于28～32 ℃扩大培养24～48 h", "按活菌数比例1:1:1复配菌液",
             "将菌液与载体按质量比1:4～1:6混合吸附", "于35 ℃以下低温干燥后包装"),
            ("将氮、磷、钾原料按配比粉碎混合", "加入黏结剂经转鼓造粒",
             "用包膜材料进行包膜处理", "经冷却、筛分，得到所述肥料"),
            ("将植物提取物、益生菌与载体按比例称量", "将各组分在混合机中混合均匀",
             "采用微胶囊包被处理", "经低温干燥后包装"),
            ("将脱硫石膏、腐殖酸与生物炭按质量比混合", "加入黏结剂后造粒",
             "于60～80 ℃烘干", "筛分，得到所述调理剂"),
            ("将植物原料粉碎后用乙醇回流提取", "浓缩提取液得到浸膏",
             "将浸膏与乳化剂、溶剂按比例复配", "经均质，得到所述制剂"),
        ),
        components=("传感器节点", "数据采集器", "电磁阀", "水泵", "补光灯", "通风装置", "控制终端", "太阳能板"),
        method_steps=(
            ("获取作物冠层图像或光谱数据", "提取病虫害相关的特征",
             "利用识别模型判断病虫害类型与严重程度", "生成防治处方并推送给农户"),
            ("采集土壤墒情与气象数据", "计算作物需水需肥量",
             "生成灌溉施肥计划", "控制执行机构完成水肥供给"),
            ("构建分离群体并进行表型鉴定", "开发与目标性状紧密连锁的分子标记",
             "利用分子标记对后代进行辅助选择", "对入选株系进行多点田间鉴定"),
            ("采集生猪图像与采食数据", "提取体尺与行为特征",
             "利用预测模型估计日增重与出栏时间", "根据预测结果优化饲喂方案"),
        ),
    ),
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------------------------

OTHER_TERMS: Final = (
    "本许可为普通许可，被许可人不得转让或分许可。",
    "被许可人应在每个结算期结束后的报告期限内提交实施情况报告。",
    "许可人每年可委托会计师事务所查阅一次与许可使用费计算有关的账目，费用由许可人承担。",
    "许可人在许可生效后提供一次不超过8学时的技术培训。",
    "被许可人实施本专利时应在产品或其包装上标注专利标识。",
    "被许可人应自行承担实施本专利所需的设备、原材料及检测费用。",
    "许可使用费以人民币支付，付款后许可人开具增值税普通发票。",
)
"""Neutral other terms (rule 8: no advertising language; rule 10: nothing left to negotiation)."""

FIELD_OF_USE: Final = "{field}领域内相关产品的生产、使用与销售"

WITHDRAWAL_REASONS: Final = (
    "全体专利权人决定将该专利作价入股新设企业，经协商一致撤回开放许可声明。",
    "该专利已列入学校重点转化项目，拟以转让方式实施，经全体专利权人同意撤回开放许可声明。",
    "专利权人根据技术迭代情况调整许可策略，经全体专利权人书面同意撤回本版本声明。",
    "因专利权人单位机构调整，许可管理职责变更，经全体专利权人同意撤回开放许可声明。",
)
"""Withdrawal reasons (rule 23: a real reason, and no conditions attached)."""

BANKS: Final = (
    "中国工商银行", "中国建设银行", "中国银行", "交通银行", "招商银行", "浙商银行", "兴业银行",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Demo accounts
# --------------------------------------------------------------------------------------------


class DemoUser(NamedTuple):
    email: str
    role: Role
    organisation: str


DEMO_USERS: Final[tuple[DemoUser, ...]] = (
    DemoUser("admin@openlicense.test", Role.ADMIN, PLATFORM.name),
    DemoUser("auditor@cnipa.test", Role.AUDITOR, IP_OFFICE.name),
    DemoUser("tto@zju.test", Role.TTO_OFFICER, UNIVERSITIES[0].name),
    DemoUser("sme@demo.test", Role.ENTERPRISE_MEMBER, FIRST_ENTERPRISE_NAME),
    DemoUser("authority@zj.test", Role.PROVINCIAL_AUTHORITY, AUTHORITY.name),
)
"""The named demo accounts, all with password :data:`DEMO_PASSWORD`. Besides these, university n
(1-based, order of :data:`UNIVERSITIES`) has ``tto{n}@uni.test`` and enterprise n has
``member{n}@ent.test`` (enterprise 1 is the demo SME)."""
