"""The kiosk gateway API, v1: request and response bodies shared by the reference backend and the
kiosk's client. The OpenAPI document generated from these (docs/api/openapi.json) is the contract
each deployment's backend implements.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

API_VERSION = "v1"

Money = Annotated[int, Field(ge=0, description="amount in fen (分)")]
IdNumber = Annotated[str, Field(pattern=r"^\d{17}[\dXx]$")]
Phone = Annotated[str, Field(pattern=r"^1\d{10}$")]
Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", examples=["2025-01"])]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(BaseModel):
    """The one error shape: ``message`` is Chinese fit to show a resident."""

    code: str
    message: str
    detail: str | None = None


# ----- identity -----


class IdCardLogin(_Body):
    name: Annotated[str, Field(min_length=1, max_length=30)]
    id_number: IdNumber


class SmsSend(_Body):
    phone: Phone


class SmsVerify(_Body):
    phone: Phone
    code: Annotated[str, Field(pattern=r"^\d{6}$")]


class SmsSent(BaseModel):
    sent: bool
    retry_after_s: int


class ResidentSession(BaseModel):
    token: str
    expires_in_s: int
    name_masked: str
    id_masked: str


# ----- records -----


class Page(BaseModel):
    page: int
    pages: int
    total: int


class GjjRow(BaseModel):
    month: str
    employer: str
    base: Money
    personal: Money
    employer_part: Money
    balance: Money


class GjjStatement(Page):
    account_masked: str
    name_masked: str
    rows: list[GjjRow]
    total_deposit: Money


class SiRow(BaseModel):
    month: str
    insurance: str  # 养老 / 医疗 / 失业 / 工伤 / 生育
    employer: str
    base: Money
    personal: Money
    employer_part: Money


class SiStatement(Page):
    name_masked: str
    rows: list[SiRow]
    months_paid: int


class EducationRecord(BaseModel):
    kind: str  # 学历 / 自考成绩
    school: str
    major: str
    level: str
    date: str
    detail: str  # certificate number masked, or course and score


class EducationStatement(Page):
    name_masked: str
    rows: list[EducationRecord]


# ----- certificates -----


class CertificateKind(StrEnum):
    HARDSHIP = "hardship"  # 困难群众证明
    HOUSEHOLD = "household"  # 户籍证明
    GJJ_DEPOSIT = "gjj_deposit"  # 住房公积金缴存证明
    SI_PAYMENT = "si_payment"  # 社会保险参保缴费证明


class CertificateRequest(_Body):
    kind: CertificateKind
    purpose: Annotated[str, Field(max_length=40)] | None = None


class Certificate(BaseModel):
    code: str
    verify_url: str
    kind: CertificateKind
    title: str
    issued_at: str
    issuer: str
    name: str  # the certificate must carry the holder's full name
    id_number: str  # and full ID number: printed, never logged
    fields: dict[str, str]
    body: str
    seal_png_base64: str | None = None
    valid_until: str | None = None  # YYYY-MM-DD, the last day it may be used


class CertificateCheck(BaseModel):
    """What anyone holding the code may see: what was certified, not more."""

    valid: bool  # neither revoked nor past its validity
    kind: CertificateKind
    title: str
    issued_at: str
    issuer: str
    name_masked: str
    id_masked: str
    valid_until: str | None = None
    revoked: bool = False
    revoked_at: str | None = None


# ----- utilities: gas -----


class MeterType(StrEnum):
    IC_CARD = "ic_card"
    REMOTE = "remote"


class GasAccount(BaseModel):
    account: str
    holder_masked: str
    address_masked: str
    balance: Money
    meter_type: MeterType
    min_amount: Money
    max_amount: Money
    pending_writes: int  # paid purchases not yet written to the card (待圈存)


class OrderCreate(_Body):
    account: Annotated[str, Field(pattern=r"^\d{6,20}$")]
    amount: Annotated[int, Field(gt=0, le=10_000_00)]


class OrderStatus(StrEnum):
    CREATED = "created"  # waiting for payment
    PAID = "paid"  # paid; IC-card: waiting for the card write
    CREDITED = "credited"  # remote meter: account credited
    WRITTEN = "written"  # IC-card: written to the card and confirmed
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Order(BaseModel):
    order_id: str
    account: str
    amount: Money
    status: OrderStatus
    meter_type: MeterType
    pay_qr: str  # payload to show as a QR code
    created_at: str
    expires_at: str
    paid_at: str | None = None
    # a payment that arrived after the order was cancelled or expired: refunded automatically
    late_paid_at: str | None = None
    refunded_at: str | None = None
    money_note: str | None = Field(
        None,
        description="for a cancelled or expired order: what happens to the resident's money, "
        "one Chinese sentence the kiosk shows as it is",
    )


class LatePayment(BaseModel):
    """A payment that came after its order was cancelled or expired, and its refund."""

    order_id: str
    account: str
    amount: Money
    status: OrderStatus  # cancelled or expired
    late_paid_at: str
    refunded_at: str | None
    money_note: str


class CardToken(BaseModel):
    order_id: str
    account: str
    amount: Money
    sequence: int  # the card's purchase counter after this write
    token: str  # signed write instruction for the card writer


class CardWritten(_Body):
    card_serial: Annotated[str, Field(min_length=1, max_length=40)]
    sequence: int


# ----- evaluations and 12345 -----


class EvaluationLevel(StrEnum):
    VERY_SATISFIED = "非常满意"
    SATISFIED = "满意"
    NEUTRAL = "基本满意"
    DISSATISFIED = "不满意"
    VERY_DISSATISFIED = "非常不满意"


class Evaluation(_Body):
    case_number: Annotated[str, Field(min_length=1, max_length=40)]
    level: EvaluationLevel
    comment: Annotated[str, Field(max_length=500)] | None = None


class EvaluationReceipt(BaseModel):
    evaluation_id: str


class ComplaintCreate(_Body):
    content: Annotated[str, Field(min_length=2, max_length=2000)]
    category: Annotated[str, Field(max_length=20)] | None = None
    phone: Phone | None = None


class ComplaintReceipt(BaseModel):
    number: str  # 诉求编号
    verify_code: str  # 验证码


class ComplaintProgress(BaseModel):
    number: str
    status: str  # 已受理 / 办理中 / 已办结
    submitted_at: str
    steps: list[str]
    reply: str | None = None


# ----- terminal -----


class Heartbeat(_Body):
    app_version: Annotated[str, Field(max_length=40)]
    catalog_version: Annotated[str, Field(max_length=40)]
    printer: Annotated[str, Field(max_length=40)]  # ok / offline / error
    paper: Annotated[str, Field(max_length=40)]  # ok / low / out / unknown
    # optional (kiosk/heartbeat.py); older terminals send only the four above
    reader: Annotated[str, Field(max_length=40)] | None = None  # ok / error / none / unknown
    microphone: Annotated[str, Field(max_length=40)] | None = None  # ok / none / unknown
    voice_model: Annotated[str, Field(max_length=40)] | None = None  # ready / loading / off:why
    unresolved_topups: Annotated[int, Field(ge=0, le=100_000)] | None = None
    catalog_refused: Annotated[str, Field(max_length=200)] | None = None  # last refused update
    local_time: Annotated[str, Field(max_length=40)] | None = None  # the terminal's clock


class HeartbeatAck(BaseModel):
    server_time: str
    catalog_version: str


# ----- usage: counts since the terminal's last report (kiosk/usage.py) -----

UsageKey = Annotated[str, Field(min_length=1, max_length=64)]
UsageCount = Annotated[int, Field(ge=1, le=100_000)]


class ServiceUse(_Body):
    matter_id: UsageKey
    service: UsageKey  # the matter's ``service``; "guide" for a guide-only matter
    count: UsageCount


class UnmatchedSearch(_Body):
    text: Annotated[str, Field(min_length=1, max_length=32)]  # normalized; never number-like
    count: UsageCount


class UsageReport(_Body):
    """Counts, never persons: services started and searches without a sure match. Texts with a
    run of six or more digits, an ID or a phone number are dropped by the kiosk and again here."""

    report_id: Annotated[str, Field(pattern=r"^[0-9a-f]{8,32}$")]  # counted once
    services: Annotated[list[ServiceUse], Field(max_length=200)] = []
    unmatched: Annotated[list[UnmatchedSearch], Field(max_length=200)] = []


class UsageAck(BaseModel):
    day: str  # the backend's day (China time) the counts were added to
    counted: int  # counts kept (number-like texts are not; 0 for a report id seen before)


# ----- utilities without a card: water, electricity, heating (backend/service_routes.py) -----


class UtilityKind(StrEnum):
    WATER = "water"  # 自来水费
    POWER = "power"  # 电费
    HEATING = "heating"  # 供暖费


class UtilityAccount(BaseModel):
    kind: UtilityKind
    account: str
    holder_masked: str
    address_masked: str
    due: Money  # the bill outstanding now; 0 when nothing is owed
    min_amount: Money
    max_amount: Money


class UtilityOrderCreate(_Body):
    account: Annotated[str, Field(pattern=r"^\d{6,20}$")]
    amount: Annotated[int, Field(gt=0, le=10_000_00)]


class UtilityOrder(BaseModel):
    order_id: str
    kind: UtilityKind
    account: str
    amount: Money
    status: OrderStatus  # created / credited (paid and booked) / cancelled / expired
    pay_qr: str
    created_at: str
    expires_at: str
    paid_at: str | None = None
    late_paid_at: str | None = None  # paid after it was cancelled or expired: refunded
    refunded_at: str | None = None
    money_note: str | None = None  # cancelled / expired: what happens to the resident's money


# ----- the paper trail: 办件编号 for 好差评, and 求助 -----


class CaseCreate(_Body):
    """A service finished at the kiosk: which one, nothing about the resident."""

    service: Annotated[str, Field(min_length=1, max_length=60)]
    matter_id: Annotated[str, Field(max_length=64)] | None = None


class CaseNumber(BaseModel):
    case_number: str  # 办件编号, what 好差评 is given for


class HelpRequest(_Body):
    """A resident pressed 求助: the terminal (from the signature) and the screen, nothing more."""

    screen: Annotated[str, Field(min_length=1, max_length=40)]


class HelpAck(BaseModel):
    request_id: str
    received_at: str
