"""Receipts in the resident's language.

Receipts are composed in Chinese where the transaction happens (app/services.py, the payment
screens); when the resident is using the English UI, the words are put into English just before
printing. The language is the UI's (``ui.app.set_language`` sets it here), one resident at a
time: a language switch ends the session. Account numbers, order numbers and times pass through
as they are; amounts "12.50元" become "12.50 yuan"; a word not listed stays Chinese (the staff
can read it) rather than being guessed.
"""

from __future__ import annotations

import re
from dataclasses import replace

_language = "zh_CN"

EN = {
    # titles
    "燃气充值凭证": "Gas top-up receipt",
    "燃气购气待写卡通知": "Gas purchase waiting for the card",
    "自来水费缴纳凭证": "Water bill payment receipt",
    "居民电费缴纳凭证": "Electricity bill payment receipt",
    "供暖费缴纳凭证": "Heating bill payment receipt",
    # labels
    "订单号": "Order no.",
    "燃气户号": "Gas account",
    "户号": "Account",
    "充值金额": "Amount",
    "缴费金额": "Amount paid",
    "已付金额": "Amount paid",
    "结果": "Result",
    "时间": "Time",
    "诉求编号": "Request no.",
    "验证码": "Check code",
    "办件编号": "Case no.",
    # values and notices
    "已写入燃气卡": "Written to the gas card",
    "已充入燃气表": "Credited to the gas meter",
    "已缴费入账": "Paid and credited",
    "已付款，尚未写入燃气卡（待圈存）": "Paid, not yet written to the gas card (pending)",
    "请将燃气卡插入燃气表，确认表上金额已增加。": (
        "Insert the gas card into your meter and check that the amount has gone up."
    ),
    "钱不会丢失：请持燃气卡到任意自助终端，点“燃气购气补写卡”写入。": (
        "Your money is safe: take the gas card to any self-service terminal and tap "
        "“Write pending gas to card”."
    ),
}
_YUAN = re.compile(r"^(-?\d+(?:\.\d+)?)元$")


def set_language(lang: str) -> None:
    global _language
    _language = lang


def language() -> str:
    return _language


def word(text: str, lang: str | None = None) -> str:
    if (lang or _language) != "en_US" or not text:
        return text
    if text in EN:
        return EN[text]
    m = _YUAN.match(text)
    return f"{m.group(1)} yuan" if m else text


def localized(receipt, lang: str | None = None):
    """The receipt with its words in ``lang`` (default: the UI's language)."""
    if (lang or _language) != "en_US":
        return receipt
    return replace(
        receipt,
        title=word(receipt.title, lang),
        lines=[(word(k, lang), word(v, lang)) for k, v in receipt.lines],
        notice=word(receipt.notice, lang),
    )
