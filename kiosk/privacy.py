"""Personal data helpers: ID number checks (GB 11643-1999) and masking for screens and logs."""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
MOBILE = re.compile(r"1[3-9]\d{9}")  # a mainland mobile number (fullmatch); 12x numbers don't exist


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def valid_id_number(value: str) -> bool:
    """18-digit resident ID number with a correct GB 11643 check digit (x accepted as X)."""
    v = value.strip().upper()
    return bool(_ID_RE.match(v)) and id_check_digit(v[:17]) == v[17]


def mask_name(name: str) -> str:
    """张三 -> 张*, 张三丰 -> 张*丰, 欧阳娜娜 -> 欧**娜."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(id_number: str) -> str:
    """110101********1234: region kept, birth date and sequence hidden."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "*" * len(phone)


def mask_address(address: str) -> str:
    """Keep the district, hide the house: 东城区幸福路12号3单元502 -> 东城区幸福路****."""
    cut = max(len(address) // 2, 3)
    return address[:cut] + "****"


_ID_IN_TEXT = re.compile(r"\d{17}[\dXx]")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def scrub(text: str) -> str:
    """Mask ID numbers and mobile numbers wherever they appear in free text (for logs)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
