"""Demo patent texts: titles, abstracts and claims from the per-field vocabularies."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from openlicense.catalogue.models import (
    PatentType,
)
from openlicense.seed.common import _article, _cap
from openlicense.seed.data import FieldVocab, Term


def _describe(rng: random.Random, ptype: PatentType, v: FieldVocab) -> _Text:
    scenarios = rng.sample(v.scenarios, rng.randint(2, 3))
    s1, s2 = scenarios[0], scenarios[1]
    if ptype is PatentType.DESIGN:
        return _describe_design(rng, v, s1, scenarios)
    if ptype is PatentType.UTILITY_MODEL:
        kind = "device"
    else:
        kinds = ("material", "device", "method") if v.materials else ("device", "method")
        kind = rng.choices(kinds, weights=(45, 25, 30) if v.materials else (45, 55))[0]
    kind_zh, kind_en = (
        ("发明", "invention") if ptype is PatentType.INVENTION else ("实用新型", "utility model")
    )

    if kind == "material":
        subject = rng.choice(v.materials)
        mod = rng.choice(subject.mods)
        feature = rng.choice(v.material_features)
        effect = subject.effect if subject.effect and rng.random() < 0.7 else None
        effect = effect or rng.choice(v.material_effects)
        core_zh, core_en = mod.zh + subject.zh, f"{mod.en} {subject.en}".strip()
        form = rng.randrange(3)
        a = _article(core_en)
        if form == 0:
            title_zh, title_en = (
                f"一种{core_zh}及其制备方法",
                f"{_cap(core_en)} and preparation method thereof",
            )
            what_en = f"{a} {core_en} and a preparation method thereof"
        elif form == 1:
            title_zh, title_en = f"一种{core_zh}的制备方法", f"Preparation method of {core_en}"
            what_en = f"a preparation method of {a} {core_en}"
        else:
            title_zh, title_en = f"一种{core_zh}及其应用", f"{_cap(core_en)} and use thereof"
            what_en = f"{a} {core_en} and its use"
        claims = _material_claims(rng, v.prep_steps[subject.steps], core_zh, form, s1.zh)
        usage_zh, usage_en = "所得产品可应用于", "The product can be used in"
    elif kind == "device":
        subject = rng.choice(v.devices)
        mod = rng.choice(subject.mods)
        feature, effect = rng.choice(v.device_features), rng.choice(v.device_effects)
        core_zh, core_en = mod.zh + subject.zh, f"{mod.en} {subject.en}".strip()
        with_control = ptype is PatentType.INVENTION and rng.random() < 0.25
        title_zh, title_en = f"一种{core_zh}", _cap(core_en)
        what_en = f"{_article(core_en)} {core_en}"
        if with_control:
            title_zh += "及其控制方法"
            title_en += " and control method thereof"
            what_en += " and a control method thereof"
        claims = _device_claims(rng, v, core_zh, with_control)
        usage_zh, usage_en = "可应用于", "It can be applied to"
    else:
        subject = rng.choice(v.methods)
        base = rng.choice(subject.bases)
        feature, effect = rng.choice(v.method_features), rng.choice(v.method_effects)
        with_system = rng.random() < 0.2
        what = ("method and system" if with_system else "method") + f" for {subject.en}"
        what += f" {base.en}" if base.en else ""
        title_zh = f"一种{base.zh}{subject.zh}方法" + ("及系统" if with_system else "")
        title_en, what_en = _cap(what), f"a {what}"
        claims = _method_claims(v.method_steps[subject.steps], base.zh + subject.zh, with_system)
        usage_zh, usage_en = "可应用于", "It can be applied to"

    ipc = list(subject.ipc)
    if rng.random() < 0.3:
        extra = rng.choice(v.ipc)
        if extra not in ipc:
            ipc.append(extra)
    abstract_zh = (
        f"本{kind_zh}公开了{title_zh}，属于{v.zh}技术领域。{feature.zh}，{effect.zh}。"
        f"{usage_zh}{s1.zh}、{s2.zh}等场景。"
    )
    abstract_en = (
        f"The {kind_en} discloses {what_en}, in the field of {v.en}. {feature.en}, {effect.en}. "
        f"{usage_en} {s1.en} and {s2.en}."
    )
    keywords = list(dict.fromkeys([subject.zh, *rng.sample(v.keywords, rng.randint(2, 4))]))
    return _Text(
        title_zh,
        title_en,
        abstract_zh,
        abstract_en,
        claims,
        ipc,
        keywords,
        [s.zh for s in scenarios],
    )


def _describe_design(rng: random.Random, v: FieldVocab, use: Term, scenarios: list[Term]) -> _Text:
    product = rng.choice(v.designs)
    variant = rng.choice(product.variants)
    point = rng.choice(_DESIGN_POINTS)
    title_zh = f"{product.zh}（{variant.zh}）"
    title_en = f"{_cap(product.en)} ({variant.en})"
    return _Text(
        title_zh=title_zh,
        title_en=title_en,
        abstract_zh=(
            f"本外观设计产品的名称：{title_zh}。本外观设计产品的用途：用于{use.zh}。"
            f"本外观设计的设计要点：在于{point.zh}。"
        ),
        abstract_en=(
            f"Name of the product: {title_en}. Use: for {use.en}. Design points: {point.en}."
        ),
        claims=None,  # a design has no claims, only the brief description (简要说明) above
        ipc=[product.ipc],
        keywords=list(dict.fromkeys([product.zh, *rng.sample(v.keywords, 2)])),
        scenarios=[s.zh for s in scenarios],
    )


def _steps(steps: Sequence[str]) -> str:
    return "；\n".join(f"S{n}、{s}" for n, s in enumerate(steps, start=1)) + "。"


def _material_claims(
    rng: random.Random, steps: Sequence[str], core: str, form: int, use: str
) -> str:
    claims = [
        f"1. 一种{core}的制备方法，其特征在于，包括以下步骤：\n{_steps(steps)}",
        f"2. 根据权利要求1所述的制备方法，其特征在于，{rng.choice(_CLAIM_DETAILS)}。",
    ]
    if form == 0:
        claims.append(f"3. 一种{core}，其特征在于，采用权利要求1或2所述的制备方法制得。")
    elif form == 2:
        claims.append(f"3. 权利要求1或2所述的制备方法制得的{core}在{use}中的应用。")
    return "\n".join(claims)


def _device_claims(rng: random.Random, v: FieldVocab, core: str, with_control: bool) -> str:
    c1, c2, c3, c4 = rng.sample(v.components, 4)
    claims = [
        f"1. 一种{core}，其特征在于，包括{c1}、{c2}和{c3}，所述{c2}安装于所述{c1}上，"
        f"所述{c3}与所述{c2}连接。",
        f"2. 根据权利要求1所述的{core}，其特征在于，还包括{c4}，所述{c4}与所述{c3}电连接。",
        f"3. 根据权利要求1或2所述的{core}，其特征在于，所述{c1}采用"
        f"{rng.choice(_MATERIALS_OF_PARTS)}制成。",
    ]
    if with_control:
        claims.append(
            f"4. 一种如权利要求1至3任一项所述的{core}的控制方法，其特征在于，包括以下步骤：\n"
            + _steps(_CONTROL_STEPS)
        )
    return "\n".join(claims)


def _method_claims(steps: Sequence[str], core: str, with_system: bool) -> str:
    claims = [
        f"1. 一种{core}方法，其特征在于，包括以下步骤：\n{_steps(steps)}",
        "2. 根据权利要求1所述的方法，其特征在于，所述步骤S3中采用的模型或参数根据历史数据"
        "离线确定，并根据运行数据在线更新。",
    ]
    if with_system:
        claims.append(
            f"3. 一种{core}系统，其特征在于，包括用于执行权利要求1或2所述方法各步骤的"
            "数据获取模块、处理模块和输出模块。"
        )
    return "\n".join(claims)


_MATERIALS_OF_PARTS = ("铝合金", "不锈钢", "工程塑料", "碳纤维复合材料", "高强度钢")

_DESIGN_POINTS = (
    Term("产品的形状", "the shape of the product"),
    Term("形状与图案的结合", "the combination of shape and pattern"),
    Term("形状、图案与色彩的结合", "the combination of shape, pattern and colour"),
)

_CONTROL_STEPS = (
    "采集运行状态参数",
    "将所述运行状态参数与预设目标值进行比较",
    "根据比较结果调节执行部件的工作参数",
    "在参数超出允许范围时发出报警并停机",
)

_CLAIM_DETAILS = (
    "所述步骤S2在搅拌条件下进行，搅拌速率为200～600 r/min",
    "所述步骤S3在氮气或氩气保护下进行",
    "所述步骤S1中原料的粒径为1～50 μm",
    "所述步骤S4中干燥温度为60～80 ℃，干燥时间为6～12 h",
)


@dataclass(frozen=True, slots=True)
class _Text:
    title_zh: str
    title_en: str
    abstract_zh: str
    abstract_en: str
    claims: str | None
    ipc: list[str]
    keywords: list[str]
    scenarios: list[str]
