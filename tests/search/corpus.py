"""A fixed corpus of 40 search documents for the engine contract (no database needed).

Five organisations: 浙江大学 (ZJU, 浙江), 清华大学 (THU, 北京), 华南理工大学 (SCUT, 广东), 四川大学
(SCU, 四川) and 西部新材料研究院 (WEST, no province). 33 documents are public (published listing,
open licence); the other 7 are a draft, withdrawn, closed or retired listing each, three of them
ZJU's (p06 draft, p37 draft, p38 withdrawn), visible to ZJU's officers only.

The English texts use singular forms where the contract asserts matches, because Meilisearch
does not stem: "cathodes" → "cathode" is a typo there, "batteries" → "battery" is not.
"""

from __future__ import annotations

import datetime
from typing import Any

from openlicense.search.documents import PatentDocument, ipc_class, ipc_section

ZJU, THU, SCUT, SCU, WEST = "org-zju", "org-thu", "org-scut", "org-scu", "org-west"
UNIVERSITIES = {
    ZJU: ("浙江大学", "浙江"),
    THU: ("清华大学", "北京"),
    SCUT: ("华南理工大学", "广东"),
    SCU: ("四川大学", "四川"),
    WEST: ("西部新材料研究院", None),
}
_EPOCH = datetime.date(1970, 1, 1)
_T0 = 1_760_000_000  # declared_at of p01; later documents were declared later, mostly


def _doc(
    n: int,
    org: str,
    title_zh: str,
    title_en: str | None,
    *,
    abstract_zh: str | None = None,
    abstract_en: str | None = None,
    keywords: tuple[str, ...] = (),
    ipc: tuple[str, ...] = (),
    field: str,
    patent_type: str = "invention",
    fee: str | None = "LUMP_SUM",
    price: int | None = 0,
    trial: bool = False,
    trl: int | None = 5,
    licence: str = "open",
    listing: str = "published",
    declared: int | None = None,
    expiry: str = "2040-01-01",
) -> PatentDocument:
    name, province = UNIVERSITIES[org]
    expiry_date = datetime.date.fromisoformat(expiry)
    return PatentDocument(
        id=f"p{n:02d}",
        declaration_id=None if fee is None else f"d{n:02d}",
        application_number=f"2021{n:02d}0{n:06d}.{n % 10}",
        patent_type=patent_type,
        title_zh=title_zh,
        title_en=title_en,
        abstract_zh=abstract_zh,
        abstract_en=abstract_en,
        keywords=list(keywords),
        ipc_codes=list(ipc),
        ipc_sections=list(dict.fromkeys(ipc_section(c) for c in ipc)),
        ipc_classes=list(dict.fromkeys(ipc_class(c) for c in ipc)),
        technology_field=field,
        university_id=org,
        university_name=name,
        province=province,
        fee_type=fee,
        entry_price_minor=price if fee is not None else None,
        has_trial=trial,
        trl=trl,
        licence_status=licence,  # type: ignore[arg-type]
        listing_status=listing,  # type: ignore[arg-type]
        owner_organisation_id=org,
        declared_at=(_T0 + n * 86_400 if declared is None else declared) if fee else None,
        expiry_date=expiry_date.isoformat(),
        expiry_ts=(expiry_date - _EPOCH).days,
    )


DOCUMENTS: list[PatentDocument] = [
    # --- batteries ---------------------------------------------------------------------------
    _doc(1, ZJU, "锂离子电池正极材料及其制备方法",
         "Lithium-ion battery cathode material and its preparation",
         abstract_zh="本发明公开一种高镍三元正极材料，通过表面包覆提高循环寿命。",
         abstract_en="A surface layer on the high-nickel ternary cathode improves the cycle life.",
         keywords=("正极材料", "高镍"), ipc=("H01M 4/525", "C01G 53/00"), field="new_energy",
         price=5_000_000, trl=6, expiry="2041-03-01"),
    _doc(2, THU, "固态锂电池电解质", "Solid electrolyte for a lithium battery",
         abstract_zh="一种硫化物固态电解质，室温离子电导率高。",
         abstract_en="A sulfide solid electrolyte with high room-temperature ionic conductivity.",
         keywords=("固态电解质",), ipc=("H01M 10/0562",), field="new_energy",
         fee="ROYALTY", price=0, trl=4, expiry="2042-05-10"),
    _doc(3, SCUT, "电池管理系统的荷电状态估计方法",
         "State-of-charge estimation for a battery management system",
         abstract_zh="基于卡尔曼滤波估计荷电状态，误差小于百分之二。",
         abstract_en="A Kalman filter estimates the state of charge within two percent.",
         ipc=("G01R 31/367", "H01M 10/48"), field="new_energy",
         fee="FREE", price=0, trl=7, expiry="2039-06-30"),
    _doc(4, ZJU, "动力电池回收方法", "Recycling method for a traction battery",
         abstract_zh="通过低温焙烧与浸出回收有价金属。",
         abstract_en="Low-temperature roasting and leaching recover valuable metals.",
         ipc=("H01M 10/54", "C22B 7/00"), field="new_energy",
         fee="STAGED", price=0, trial=True, trl=5, expiry="2043-01-15"),
    _doc(5, SCU, "钠离子电池负极材料", "Anode material for a sodium-ion battery",
         abstract_zh="硬碳负极材料首次库伦效率高。",
         abstract_en="A hard carbon anode with high initial coulombic efficiency.",
         ipc=("H01M 4/587",), field="new_energy",
         fee="ENTRY_FEE_PLUS_ROYALTY", price=1_000_000, trl=3, expiry="2039-06-30"),
    _doc(6, ZJU, "锂电池隔膜涂层", "Coated separator for a lithium battery",
         abstract_zh="陶瓷涂层提高隔膜耐热性。", ipc=("H01M 50/449",), field="new_energy",
         fee=None, licence="none", listing="draft", expiry="2044-02-02"),
    _doc(7, THU, "锂硫电池", "Lithium-sulfur battery", ipc=("H01M 10/052",), field="new_energy",
         licence="withdrawn", price=2_000_000, expiry="2041-08-08"),
    _doc(8, SCUT, "铅酸蓄电池板栅合金", "Grid alloy for a lead-acid battery", ipc=("H01M 4/68",),
         field="new_energy", licence="closed", price=100_000, expiry="2025-01-01"),
    # --- vehicles, energy -------------------------------------------------------------------
    _doc(9, THU, "电动汽车充电桩控制方法", "Charging pile control for electric vehicles",
         abstract_zh="根据电网负荷动态调整充电功率。",
         abstract_en="Charging power follows the load of the power grid.",
         ipc=("B60L 53/60", "H02J 7/00"), field="new_energy", price=20_000_000, trl=8,
         expiry="2040-11-11"),
    _doc(10, SCUT, "新能源汽车轻量化车身", "Lightweight body for new energy vehicles",
         abstract_zh="采用铝合金与碳纤维混合车身结构。",
         abstract_en="A mixed aluminium and carbon fibre body structure.",
         ipc=("B62D 29/00",), field="new_energy", fee="INSTALMENTS", price=3_000_000, trl=6,
         expiry="2040-11-11"),
    _doc(11, SCU, "钙钛矿太阳能电池", "Perovskite solar cell",
         abstract_zh="界面钝化提高光电转换效率。",
         abstract_en="Interface passivation raises the power conversion efficiency.",
         ipc=("H10K 30/50",), field="new_energy", fee="STAGED", price=0, trial=True, trl=4,
         expiry="2045-04-04"),
    _doc(12, WEST, "光伏组件清洗机器人", "Cleaning robot for photovoltaic modules",
         abstract_zh="履带式机器人沿组件表面行走并清洗灰尘。",
         ipc=("H02S 40/10", "B08B 1/00"), field="intelligent_manufacturing", fee="FREE",
         price=0, trl=7, expiry="2038-09-09"),
    # --- artificial intelligence ------------------------------------------------------------
    _doc(13, THU, "基于深度学习的图像识别方法", "Image recognition method based on deep learning",
         abstract_zh="卷积神经网络识别工业零件缺陷。",
         abstract_en="A convolutional neural network finds defects in industrial parts.",
         ipc=("G06V 10/82", "G06N 3/08"), field="information_technology", price=8_000_000,
         expiry="2042-12-12"),
    _doc(14, ZJU, "人工智能辅助诊断系统", "AI-assisted diagnosis system",
         abstract_zh="融合影像与病历数据给出诊断建议。",
         abstract_en="Images and medical records are fused into a diagnosis suggestion.",
         ipc=("G16H 50/20",), field="information_technology", fee="ROYALTY",
         price=2_000_000, trl=6, expiry="2043-03-03"),
    _doc(15, SCUT, "自然语言处理的文本分类方法",
         "Text classification method for natural language processing",
         abstract_zh="预训练语言模型结合少样本学习。", ipc=("G06F 40/30",),
         field="information_technology", price=None, trl=5, expiry="2044-04-04"),
    _doc(16, SCU, "无人机避障方法", "Obstacle avoidance method for a drone",
         abstract_zh="融合毫米波雷达与视觉的避障方法。",
         abstract_en="Millimetre-wave radar and vision are fused to avoid obstacles.",
         ipc=("G05D 1/10", "B64C 39/02"), field="intelligent_manufacturing", fee="STAGED",
         price=0, trial=True, trl=7, expiry="2041-07-07"),
    # --- materials ---------------------------------------------------------------------------
    _doc(17, ZJU, "石墨烯改性聚乙烯复合材料", "Graphene-modified polyethylene composite",
         abstract_zh="材料的导热系数提高两倍以上，可用作散热涂层。",
         abstract_en="The thermal conductivity more than doubles.",
         keywords=("石墨烯", "导热"), ipc=("C08L 23/06", "C08K 3/04"), field="new_materials",
         price=1_500_000, trl=5, expiry="2040-05-05"),
    _doc(18, THU, "高熵合金涂层", "High-entropy alloy coating",
         abstract_zh="涂层硬度与耐磨性显著提高。",
         abstract_en="The hardness and wear resistance of the coating rise markedly.",
         ipc=("C22C 30/00", "C23C 4/06"), field="new_materials", fee="INSTALMENTS",
         price=2_500_000, trl=4, expiry="2039-02-02"),
    _doc(19, SCUT, "可降解聚乳酸薄膜", "Degradable polylactic acid film",
         abstract_zh="薄膜可在堆肥条件下完全降解。",
         abstract_en="The film degrades fully when composted.",
         ipc=("C08J 5/18", "C08L 67/04"), field="new_materials", fee="FREE", price=0, trl=6,
         expiry="2041-01-01"),
    _doc(20, WEST, "碳纤维增强树脂基复合材料", "Carbon-fibre-reinforced resin matrix composite",
         abstract_zh="层间剪切强度提高百分之三十以上。",
         abstract_en="The interlaminar shear strength rises by more than thirty percent.",
         ipc=("C08J 5/04", "C08L 63/00"), field="new_materials", price=12_000_000, trl=8,
         expiry="2046-06-06"),
    # --- biomedicine -------------------------------------------------------------------------
    _doc(21, THU, "冠状病毒疫苗佐剂", "Adjuvant for a coronavirus vaccine",
         abstract_zh="佐剂增强中和抗体水平。",
         abstract_en="The adjuvant raises neutralising antibody levels.",
         ipc=("A61K 39/39",), field="biomedicine", fee="ROYALTY", price=0, trl=3,
         expiry="2044-10-10"),
    _doc(22, SCU, "中药提取物的制备方法", "Preparation of a traditional Chinese medicine extract",
         abstract_zh="超声辅助提取有效成分。", ipc=("A61K 36/00",), field="biomedicine",
         price=600_000, expiry="2038-08-08"),
    _doc(23, ZJU, "可穿戴血糖传感器", "Wearable blood glucose sensor",
         abstract_zh="柔性电极无创检测血糖。",
         abstract_en="A flexible electrode measures blood glucose without needles.",
         ipc=("A61B 5/145",), field="biomedicine", fee="STAGED", price=0, trial=True, trl=4,
         expiry="2045-12-31"),
    # --- environment and agriculture ---------------------------------------------------------
    _doc(24, SCUT, "污水处理用光催化剂", "Photocatalyst for wastewater treatment",
         abstract_zh="可见光下降解有机污染物。",
         abstract_en="Organic pollutants degrade under visible light.",
         ipc=("B01J 35/39", "C02F 1/30"), field="environmental", price=900_000, trl=6,
         expiry="2040-03-03"),
    _doc(25, SCU, "水稻抗旱育种方法", "Breeding method for drought-tolerant rice",
         abstract_zh="分子标记辅助选择抗旱品系。", ipc=("A01H 1/04",), field="agriculture",
         fee="FREE", price=0, expiry="2039-09-09"),
    _doc(26, WEST, "盐湖卤水提锂的电渗析池装置",
         "Electrodialysis unit for extracting lithium from brine",
         abstract_zh="电渗析池分离镁锂。", ipc=("C22B 26/12", "B01D 61/42"),
         field="environmental", fee="INSTALMENTS", price=400_000, trl=7, expiry="2042-02-02"),
    # --- manufacturing -----------------------------------------------------------------------
    _doc(27, THU, "金属粉末激光增材制造设备",
         "Laser additive manufacturing equipment for metal powder",
         abstract_zh="双激光同步扫描提高成形效率。",
         abstract_en="Two synchronised lasers raise the build rate.",
         ipc=("B22F 12/00", "B33Y 30/00"), field="intelligent_manufacturing",
         price=30_000_000, trl=7, expiry="2043-05-05"),
    _doc(28, SCUT, "数控机床主轴热误差补偿方法",
         "Thermal error compensation for a machine tool spindle",
         abstract_zh="温度场建模补偿主轴热伸长。", ipc=("B23Q 15/18",),
         field="intelligent_manufacturing", fee="ROYALTY", price=0, trl=8, expiry="2038-01-01"),
    _doc(29, ZJU, "焊接机器人路径规划方法", "Path planning for a welding robot",
         abstract_zh="基于视觉的焊缝跟踪与路径规划。",
         abstract_en="Vision-based seam tracking guides the robot.",
         ipc=("B25J 9/16", "B23K 37/02"), field="intelligent_manufacturing",
         price=5_000_000, trl=6, declared=_T0 + 30 * 86_400, expiry="2042-09-09"),
    _doc(30, SCU, "轴承故障诊断方法", "Bearing fault diagnosis method",
         abstract_zh="振动信号包络谱分析识别早期故障。",
         abstract_en="Envelope spectra of vibration signals reveal early faults.",
         ipc=("G01M 13/045",), field="intelligent_manufacturing", price=5_000_000,
         expiry="2042-09-09"),
    _doc(31, THU, "电极浆料搅拌装置", "Mixing device for battery electrode slurry",
         abstract_zh="双行星搅拌提高浆料均匀性。",
         abstract_en="Double planetary mixing makes the slurry uniform.",
         patent_type="utility_model", ipc=("B01F 27/00",), field="intelligent_manufacturing",
         price=300_000, trl=7, expiry="2033-06-06"),
    _doc(32, ZJU, "海洋工程防腐涂层", "Anticorrosive coating for marine engineering",
         abstract_zh="涂层耐中性盐雾超过一千小时。",
         abstract_en="The coating resists neutral salt spray for over a thousand hours.",
         ipc=("C09D 5/08",), field="new_materials", price=700_000, trl=6, expiry="2041-11-11"),
    _doc(33, SCUT, "手机支架", "Phone holder", patent_type="design", ipc=("D14-99",),
         field="information_technology", fee="FREE", price=0, trl=None, expiry="2037-07-07"),
    _doc(34, WEST, "电池包散热结构", "Heat dissipation structure for a battery pack",
         abstract_zh="液冷板与导热垫组合散热。",
         abstract_en="A liquid cooling plate and a thermal pad carry heat away.",
         patent_type="utility_model", ipc=("H01M 10/613",), field="new_energy",
         price=300_000, trl=6, expiry="2033-06-06"),
    _doc(35, ZJU, "智能电网负荷预测方法", "Load forecasting method for a smart grid",
         abstract_zh="图神经网络预测区域负荷。",
         abstract_en="A graph neural network forecasts regional load.",
         ipc=("H02J 3/00", "G06N 3/04"), field="information_technology",
         fee="ENTRY_FEE_PLUS_ROYALTY", price=800_000, trl=5, expiry="2044-08-08"),
    _doc(36, THU, "氢燃料电池双极板", "Bipolar plate for a hydrogen fuel cell",
         abstract_zh="金属双极板表面改性降低接触电阻。",
         abstract_en="Surface modification of metal plates lowers contact resistance.",
         ipc=("H01M 8/0206",), field="new_energy", price=7_000_000, trl=5, expiry="2043-10-10"),
    # --- not public ---------------------------------------------------------------------------
    _doc(37, ZJU, "储能电站消防系统", "Fire protection for an energy storage station",
         ipc=("A62C 3/16",), field="new_energy", fee=None, licence="none", listing="draft",
         expiry="2045-01-01"),
    _doc(38, ZJU, "超级电容器电极", "Supercapacitor electrode", ipc=("H01G 11/30",),
         field="new_materials", licence="withdrawn", price=1_200_000, expiry="2040-02-02"),
    _doc(39, SCU, "蓄电池充电器", "Charger for a storage battery", ipc=("H02J 7/00",),
         field="new_energy", licence="closed", price=50_000, expiry="2024-06-06"),
    _doc(40, THU, "风力发电机叶片", "Wind turbine blade", ipc=("F03D 1/06",), field="new_energy",
         listing="retired", price=900_000, expiry="2040-06-06"),
]  # fmt: skip

BY_ID = {d.id: d for d in DOCUMENTS}


def visible(viewer: str | None = None) -> list[PatentDocument]:
    """The visibility rule, written plainly: the oracle for the contract."""
    return [
        d
        for d in DOCUMENTS
        if (d.listing_status == "published" and d.licence_status == "open")
        or (viewer is not None and d.owner_organisation_id == viewer)
    ]


def ids(docs: list[PatentDocument]) -> set[str]:
    return {d.id for d in docs}


def sort_key(field: str, *, descending: bool) -> Any:
    """Missing values last, then id ascending (the contract's tie-break)."""

    def key(d: PatentDocument) -> tuple:
        value = getattr(d, field)
        if value is None:
            return (1, 0, d.id)
        return (0, -value if descending else value, d.id)

    return key
