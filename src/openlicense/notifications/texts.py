"""Every message in Chinese and English. Pure: a kind and its data in, a title and body out.

A text's placeholders are filled from the notification's `data`; a missing value shows as an
empty string, never an error. Add a kind here before anything sends it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

Language = Literal["zh", "en"]


@dataclass(frozen=True, slots=True)
class Text:
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Kind:
    zh: Text
    en: Text
    email_by_default: bool = True
    audience: str = "all"
    """Who receives it (documentation only): licensee, licensor, both, user."""


KINDS: Final[Mapping[str, Kind]] = {
    "trial.ending": Kind(
        Text(
            "试用期即将结束：{agreement_number}",
            "许可合同 {agreement_number} 的试用期将于 {due_date} 结束（还有 {days} 天），"
            "之后进入付费阶段。如不再使用，可在试用期结束前在合同页面结束试用。",
        ),
        Text(
            "Trial ending: {agreement_number}",
            "The trial of licence {agreement_number} ends on {due_date} (in {days} days); the "
            "paid stage follows. To stop, end the trial on the agreement page before then.",
        ),
        audience="licensee",
    ),
    "payment.due": Kind(
        Text(
            "付款即将到期：{agreement_number}",
            "许可合同 {agreement_number} 的一笔款项（{description}）将于 {due_date} 到期。",
        ),
        Text(
            "Payment due: {agreement_number}",
            "A payment of licence {agreement_number} ({description}) is due on {due_date}.",
        ),
        audience="licensee",
    ),
    "payment.overdue": Kind(
        Text(
            "付款已逾期：{agreement_number}",
            "许可合同 {agreement_number} 的款项（{description}）已于 {due_date} 到期未付。"
            "宽限期后许可将被中止（规则 20）。",
        ),
        Text(
            "Payment overdue: {agreement_number}",
            "A payment of licence {agreement_number} ({description}) was due on {due_date} and "
            "is unpaid. After the grace period the licence is suspended (rule 20).",
        ),
        audience="both",
    ),
    "report.due": Kind(
        Text(
            "提成报告即将到期：{agreement_number}",
            "许可合同 {agreement_number} 的提成报告（{description}）应于 {due_date} 前提交。",
        ),
        Text(
            "Royalty report due: {agreement_number}",
            "The royalty report of licence {agreement_number} ({description}) is due on "
            "{due_date}.",
        ),
        audience="licensee",
    ),
    "report.overdue": Kind(
        Text(
            "提成报告已逾期：{agreement_number}",
            "许可合同 {agreement_number} 的提成报告（{description}）已于 {due_date} 到期未交。",
        ),
        Text(
            "Royalty report overdue: {agreement_number}",
            "The royalty report of licence {agreement_number} ({description}) was due on "
            "{due_date} and has not been filed.",
        ),
        audience="both",
    ),
    "recording.due": Kind(
        Text(
            "备案期限临近：{agreement_number}",
            "许可合同 {agreement_number} 应于 {due_date} 前向国家知识产权局备案（规则 21）。",
        ),
        Text(
            "Recording due: {agreement_number}",
            "Licence {agreement_number} must be recorded with CNIPA by {due_date} (rule 21).",
        ),
        audience="both",
    ),
    "recording.overdue": Kind(
        Text(
            "备案已逾期：{agreement_number}",
            "许可合同 {agreement_number} 应于 {due_date} 前向国家知识产权局备案，至今未备案"
            "（规则 21）。请尽快办理并在合同页面登记备案号。",
        ),
        Text(
            "Recording overdue: {agreement_number}",
            "Licence {agreement_number} was due to be recorded with CNIPA by {due_date} and is "
            "not recorded yet (rule 21). Record it and enter the reference on the agreement page.",
        ),
        audience="both",
    ),
    "licence.ending": Kind(
        Text(
            "许可期限即将届满：{agreement_number}",
            "许可合同 {agreement_number} 的许可期限将于 {due_date} 届满。",
        ),
        Text(
            "Licence period ending: {agreement_number}",
            "The licence period of {agreement_number} ends on {due_date}.",
        ),
        audience="both",
    ),
    "agreement.suspended": Kind(
        Text(
            "许可已中止：{agreement_number}",
            "许可合同 {agreement_number} 已于 {due_date} 中止，被许可人须停止实施（规则 20）。",
        ),
        Text(
            "Licence suspended: {agreement_number}",
            "Licence {agreement_number} was suspended on {due_date}; the licensee must stop "
            "using the patent (rule 20).",
        ),
        audience="both",
    ),
    "agreement.terminated": Kind(
        Text(
            "许可已终止：{agreement_number}",
            "许可合同 {agreement_number} 已于 {due_date} 终止。",
        ),
        Text(
            "Licence terminated: {agreement_number}",
            "Licence {agreement_number} was terminated on {due_date}.",
        ),
        audience="both",
    ),
    "need.confirm": Kind(
        Text(
            "请确认需求仍有效：{title}",
            "您发布的技术需求“{title}”已满半年。如仍需要，请在 {hidden_on} 前在“我的需求”中点击"
            "“确认仍需”；逾期未确认的需求将不再向高校展示。",
        ),
        Text(
            "Please confirm your need: {title}",
            'Your technology need "{title}" was posted or confirmed six months ago. If you '
            "still need it, confirm it under My needs before {hidden_on}; after that it is no "
            "longer shown to universities.",
        ),
        audience="user",
    ),
    "match.new": Kind(
        Text("新的匹配：{title}", "有一项新的匹配可能与您相关：{title}"),
        Text("New match: {title}", "A new match may interest you: {title}"),
        audience="user",
    ),
    "message": Kind(
        Text("{title_zh}", "{body_zh}"),
        Text("{title_en}", "{body_en}"),
        email_by_default=False,
        audience="user",
    ),
    "account.invitation": Kind(
        Text(
            "邀请您加入 {organisation}",
            "{organisation} 邀请您在开放许可平台开设账号。请在有效期内打开以下链接设置密码"
            "（仅可使用一次）：\n{link}",
        ),
        Text(
            "Invitation to join {organisation}",
            "{organisation} invites you to an account on the open licence platform. Open this "
            "link to choose a password (it works once, and expires):\n{link}",
        ),
        audience="user",
    ),
    "account.password_reset": Kind(
        Text(
            "重置密码",
            "请在 {minutes} 分钟内打开以下链接重置密码（仅可使用一次）。"
            "如非本人操作，请忽略本邮件。\n{link}",
        ),
        Text(
            "Reset your password",
            "Open this link within {minutes} minutes to choose a new password (it works once). "
            "If you did not ask for it, ignore this mail.\n{link}",
        ),
        audience="user",
    ),
}
"""Kind → its texts. `account.*` kinds are mailed only (never in an inbox, never optional)."""

INBOX_KINDS: Final = tuple(k for k in KINDS if not k.startswith("account."))
"""Kinds a user sees in the inbox and may choose to get by email."""


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: str, data: Mapping[str, Any], language: Language) -> Text:
    """The title and body of `kind` in `language` (unknown kinds render as their name)."""
    known = KINDS.get(kind)
    if known is None:
        return Text(kind, "")
    text = known.zh if language == "zh" else known.en
    values = _Blank({k: "" if v is None else v for k, v in data.items()})
    return Text(text.title.format_map(values), text.body.format_map(values))


def bilingual_mail(kind: str, data: Mapping[str, Any], first: Language = "zh") -> Text:
    """One mail carrying both languages, `first` on top."""
    second: Language = "en" if first == "zh" else "zh"
    a, b = render(kind, data, first), render(kind, data, second)
    return Text(f"{a.title} / {b.title}", f"{a.body}\n\n——\n\n{b.body}\n")
