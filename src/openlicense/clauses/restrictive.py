"""Paraphrase-proof lint of free-text terms (rule 29, and rule 19's sublicensing).

A fixed phrase list (`lint.RESTRICTIVE_PHRASES`) misses "被许可方不得自行开展相关技术的研究开发",
which says the same as 不得研发. So each sentence is segmented (jieba-rs, `rjieba`, with the
contract words of this domain added) and checked for *meanings*: a prohibition aimed at the
licensee (not at the licensor, not negated) together with research, competition, or a validity
challenge; improvements that go to the licensor exclusively or by assignment; a grant of
sublicensing rights. English is checked the same way on words.

Pure: no I/O (the segmenter's dictionary is compiled into the library). The tables of restrictive
and harmless sentences in `tests/clauses/test_restrictive.py` are the specification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import rjieba

LICENSEE_ZH = frozenset({"被许可方", "被许可人", "乙方", "受让方", "许可使用人", "被许可单位"})
LICENSOR_ZH = frozenset({"许可方", "许可人", "专利权人", "甲方", "权利人", "高校", "学校", "大学"})
PROHIBIT_ZH = frozenset(
    {
        "不得",
        "禁止",
        "不能",
        "不可",
        "无权",
        "不允许",
        "不应",
        "严禁",
        "不准",
        "不许",
        "未经",
        "须经",
        "需经",
        "限制",
        "放弃",
        "不再",
    }
)
NEGATION_ZH = frozenset({"不", "不会", "并不", "无", "没有", "非", "不得以任何方式"})
RND_ZH = frozenset(
    {
        "研究",
        "开发",
        "研发",
        "研制",
        "改进",
        "改良",
        "研究开发",
        "技术开发",
        "创新",
        "试验",
        "实验",
        "二次开发",
        "自主研发",
        "科研",
    }
)
COMPETE_ZH = frozenset({"竞争", "竞争性", "竞品", "竞争对手", "替代", "同类", "类似"})
IMPROVE_ZH = frozenset({"改进", "改良", "改进成果", "后续改进", "后续成果", "衍生", "改进技术"})
EXCLUSIVE_ZH = frozenset({"独占", "排他", "独家", "专有", "独占性", "排他性"})
CHALLENGE_ZH = frozenset(
    {
        "质疑",
        "异议",
        "提出异议",
        "挑战",
        "无效宣告",
        "宣告无效",
        "请求宣告无效",
        "无效请求",
        "提出无效",
        "否认",
    }
)
VALIDITY_ZH = frozenset({"有效性", "效力", "无效", "有效", "宣告无效", "无效宣告", "无效请求"})
SUBLICENCE_ZH = frozenset({"再许可", "分许可", "转许可", "转授权", "再授权", "分授权"})
PERMIT_ZH = frozenset({"可以", "可", "允许", "有权", "准许"})
THIRD_ZH = frozenset({"第三方", "他人", "其他单位", "关联方", "其他人"})
USE_ZH = frozenset({"实施", "使用", "利用"})

_USER_WORDS = (
    *LICENSEE_ZH,
    *LICENSOR_ZH,
    *SUBLICENCE_ZH,
    "回授",
    "研究开发",
    "改进成果",
    "后续改进",
    "有效性",
    "无效宣告",
    "宣告无效",
    "竞争性",
    "自主研发",
    "第三方",
    "提出异议",
    "不得",
)

PROHIBIT_EN = (
    "shall not",
    "may not",
    "must not",
    "cannot",
    "can not",
    "will not",
    "is prohibited",
    "are prohibited",
    "prohibited from",
    "forbidden",
    "not permitted",
    "not allowed",
    "refrain from",
    "agrees not to",
    "undertakes not to",
    "waives",
    "is barred",
    "restrict",
    "restricts",
    "restricted",
    "limit",
    "limits",
    "only with the prior",
    "without the prior",
    "is not entitled",
    "has no right",
)
LICENSEE_EN = ("licensee", "licensees", "the user")
LICENSOR_EN = ("licensor", "patentee", "university", "owner")
NEGATION_EN = ("not", "no", "nothing", "never", "neither", "nor")
RND_EN = (
    "research",
    "develop",
    "develops",
    "developing",
    "development",
    "r&d",
    "r d",
    "improve",
    "improving",
    "experiment",
    "experiments",
    "experimentation",
    "innovate",
    "design around",
)
COMPETE_EN = (
    "compete",
    "competing",
    "competitor",
    "competitors",
    "competitive",
    "rival",
    "alternative technolog",
    "similar products",
    "similar technolog",
)
IMPROVE_EN = (
    "improvement",
    "improvements",
    "enhancement",
    "enhancements",
    "modification",
    "modifications",
    "derivative",
    "improve",
)
EXCLUSIVE_EN = ("exclusive", "exclusively", "sole", "solely")
TO_LICENSOR_EN = (
    "assign",
    "assigned",
    "belong to the licensor",
    "owned by the licensor",
    "property of the licensor",
    "vest in the licensor",
    "transfer",
)
CHALLENGE_EN = (
    "challenge",
    "contest",
    "dispute",
    "oppose",
    "attack",
    "seek invalidation",
    "request invalidation",
    "invalidate",
    "question",
)
VALIDITY_EN = ("validity", "valid", "invalid", "invalidation", "invalidate")
SUBLICENCE_EN = (
    "sublicense",
    "sublicence",
    "sub license",
    "sub licence",
    "sublicensing",
    "sublicenses",
    "sublicences",
)
PERMIT_EN = ("may", "can", "is entitled", "is free", "is permitted", "has the right", "allowed")


@dataclass(frozen=True, slots=True)
class Finding:
    meaning: str
    """`own_research_barred`, `competition_barred`, `exclusive_grant_back`, `no_challenge`,
    or `sublicence_granted` (rule 19)."""
    sentence: str

    @property
    def rule(self) -> int:
        return 19 if self.meaning == "sublicence_granted" else 29


_SENTENCES = re.compile(r"[。；;!?！？\n]+|(?<=[a-z\)])\.\s+")
_CLAUSES = re.compile(r"[，,、：:]")
_HAN = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _segmenter() -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    for word in _USER_WORDS:
        jieba.add_word(word, 200000, None)
    return jieba


def findings(text: str | None) -> list[Finding]:
    """Every restrictive meaning found in `text`, sentence by sentence, in order."""
    out: list[Finding] = []
    for sentence in _SENTENCES.split(text or ""):
        sentence = sentence.strip()
        if not sentence:
            continue
        meanings = _zh(sentence) if _HAN.search(sentence) else _en(sentence)
        out += [Finding(m, sentence) for m in meanings]
    return out


# --- Chinese -----------------------------------------------------------------------------


def _tokens(clause: str) -> list[str]:
    return [t for t in _segmenter().cut(clause, False) if t.strip()]


def _restrains_licensee_zh(sentence: str) -> bool:
    """A prohibition aimed at the licensee: in some clause, a prohibition word that is not
    negated and whose subject is not the licensor alone."""
    subject_is_licensor = False
    for clause in _CLAUSES.split(sentence):
        tokens = _tokens(clause)
        for i, token in enumerate(tokens):
            if token not in PROHIBIT_ZH:
                continue
            before = tokens[:i]
            if before and before[-1] in NEGATION_ZH:
                continue
            licensor = any(t in LICENSOR_ZH for t in before)
            licensee = any(t in LICENSEE_ZH for t in before)
            if licensor and not licensee:
                subject_is_licensor = True
                continue
            if subject_is_licensor and not licensee and not before:
                continue
            return True
    return False


def _zh(sentence: str) -> list[str]:
    tokens = _tokens(sentence)
    has = set(tokens)
    compact = sentence.replace(" ", "")
    meanings = []
    restrains = _restrains_licensee_zh(sentence)
    if restrains and has & RND_ZH and not _improvement_sharing_zh(has):
        meanings.append("own_research_barred")
    if restrains and _any_in(compact, COMPETE_ZH):
        meanings.append("competition_barred")
    if _grant_back_zh(tokens, compact):
        meanings.append("exclusive_grant_back")
    if (
        restrains
        and _any_in(compact, CHALLENGE_ZH | {"宣告", "请求"})
        and _any_in(compact, VALIDITY_ZH)
    ):
        meanings.append("no_challenge")
    if _sublicence_zh(has, restrains):
        meanings.append("sublicence_granted")
    return meanings


def _any_in(compact: str, words: frozenset[str]) -> bool:
    return any(w in compact for w in words)


def _improvement_sharing_zh(has: set[str]) -> bool:
    """ "被许可方不得将改进成果独占许可给…" is about grant-back, not research."""
    return bool(has & {"改进成果", "后续改进", "后续成果"}) and not has & {"研究", "研发", "开发"}


def _exclusive_zh(tokens: list[str]) -> bool:
    for i, token in enumerate(tokens):
        if token in EXCLUSIVE_ZH and not (i and tokens[i - 1] in NEGATION_ZH):
            return True
    return False


def _grant_back_zh(tokens: list[str], compact: str) -> bool:
    has = set(tokens)
    if not has & IMPROVE_ZH and "回授" not in has:
        return False
    to_licensor = bool(has & LICENSOR_ZH)
    negated = re.search(r"(非|不构成|不要求|不得要求|无|没有|不以)(独占|排他)", compact)
    exclusive = _exclusive_zh(tokens) and not negated
    assigned = bool(
        re.search(r"(归|转让给|转让予|移交给?)(许可方|许可人|专利权人|甲方|高校|学校)", compact)
    )
    if assigned and not re.search(r"归(被许可方|被许可人|乙方|各自|改进方|完成方)", compact):
        return True
    return (to_licensor and exclusive) or ("回授" in has and exclusive)


def _sublicence_zh(has: set[str], restrains: bool) -> bool:
    if restrains:
        return False
    if has & SUBLICENCE_ZH:
        return True
    return bool(has & PERMIT_ZH and has & THIRD_ZH and has & USE_ZH and has & LICENSEE_ZH)


# --- English -----------------------------------------------------------------------------


def _norm_en(sentence: str) -> str:
    text = sentence.casefold().replace("-", " ").replace("’", "'")
    return " " + re.sub(r"[^a-z0-9&' ]+", " ", text) + " "


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<![a-z]){re.escape(w)}", text) for w in words)


def _restrains_licensee_en(text: str) -> bool:
    for phrase in PROHIBIT_EN:
        for match in re.finditer(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", text):
            before = text[: match.start()]
            last = before.split()[-3:]
            if any(w in NEGATION_EN for w in last) or before.strip().startswith("nothing"):
                continue
            if _has(before, LICENSOR_EN) and not _has(before, LICENSEE_EN):
                continue
            return True
    return False


def _en(sentence: str) -> list[str]:
    text = _norm_en(sentence)
    meanings = []
    restrains = _restrains_licensee_en(text)
    if restrains and _has(text, RND_EN) and not _has(text, ("improvements", "improvement")):
        meanings.append("own_research_barred")
    if restrains and _has(text, COMPETE_EN):
        meanings.append("competition_barred")
    if _grant_back_en(text):
        meanings.append("exclusive_grant_back")
    if restrains and _has(text, CHALLENGE_EN) and _has(text, VALIDITY_EN):
        meanings.append("no_challenge")
    if not restrains and _has(text, SUBLICENCE_EN) and _has(text, PERMIT_EN):
        meanings.append("sublicence_granted")
    return meanings


def _grant_back_en(text: str) -> bool:
    if not (_has(text, IMPROVE_EN) or "grant back" in text or "grantback" in text):
        return False
    exclusive = re.search(
        r"(?<!non )(?<!no )(?<!not an )(?<!not a )(?<![a-z])(exclusive|exclusively|sole|solely)"
        r"(?![a-z])",
        text,
    )
    licensor = _has(text, ("licensor", "patentee", "university"))
    assigned = _has(text, TO_LICENSOR_EN) and licensor
    return bool((exclusive and (licensor or "grant back" in text)) or assigned)
