"""The public certificate verification page: what a phone shows after scanning a printed QR.

Server-rendered HTML, no script, large type; only what the holder agreed to show anyone holding
the paper: the kind of certificate, the holder masked, the dates and whether it still stands.
"""

from __future__ import annotations

from html import escape

from kiosk.backend import api

_STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;
background:#f4f6f8;color:#1a1a1a;font-size:22px;line-height:1.5}
main{max-width:640px;margin:0 auto;padding:24px 20px}
h1{font-size:28px;margin:0 0 16px}
.state{font-size:30px;font-weight:bold;padding:18px 20px;border-radius:12px;margin:0 0 20px}
.ok{background:#e3f5e8;color:#11632f}.bad{background:#fde8e8;color:#9b1c1c}
dl{background:#fff;border-radius:12px;padding:8px 20px;margin:0 0 20px}
dt{color:#555;font-size:18px;margin-top:12px}dd{margin:0 0 8px;font-size:24px}
p.note{color:#555;font-size:18px}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def render(check: api.CertificateCheck, code: str) -> str:
    if check.revoked:
        state = '<p class="state bad">该证明已撤销，不再有效</p>'
    elif not check.valid:
        state = '<p class="state bad">该证明已超过有效期</p>'
    else:
        state = '<p class="state ok">该证明真实有效</p>'
    rows = [
        ("证明类型", check.title),
        ("持有人", f"{check.name_masked}（{check.id_masked}）"),
        ("开具单位", check.issuer),
        ("开具日期", check.issued_at[:10]),
        ("有效期至", (check.valid_until or "")[:10]),
        ("验证码", code),
    ]
    if check.revoked:
        rows.append(("撤销日期", (check.revoked_at or "")[:10]))
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    body = (
        f"<h1>政务服务证明核验</h1>{state}<dl>{items}</dl>"
        '<p class="note">为保护个人信息，本页只显示部分姓名和身份证号码。'
        "请核对纸质证明上的姓名、身份证号码与本页一致。</p>"
    )
    return _page("证明核验", body)


def render_not_found() -> str:
    body = (
        '<h1>政务服务证明核验</h1><p class="state bad">没有查到这份证明</p>'
        '<p class="note">请核对证明上的验证码，或扫描证明上的二维码。'
        "如有疑问，请联系开具单位。</p>"
    )
    return _page("证明核验", body)
