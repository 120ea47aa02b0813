"""Warnings an admin wants before publishing a catalog that is valid but will disappoint someone.

Validation (kiosk.catalog) refuses what breaks the format; these findings do not block a publish:
a matter whose ``service`` the backend does not run (its button would fail), a category tile with
one matter, a name the voice model cannot say, two matters residents cannot tell apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from kiosk.catalog import Catalog

# What the reference backend runs (kiosk/backend/server.py and the screens that drive it). A
# production backend states its own list; publishing checks against the backend's list.
REFERENCE_SERVICES = frozenset(
    {
        "records.gjj_statement",
        "records.si_rights",
        "records.education",
        "records.zk_scores",
        "certificates.hardship",
        "certificates.household",
        "certificates.gjj_deposit",
        "certificates.si_payment",
        "certificates.verify",
        "utilities.gas_topup",
        "utilities.gas_rewrite",
        "utilities.water",
        "utilities.power",
        "utilities.heating",
        "hotline.submit",
        "hotline.track",
        "evaluations.submit",
    }
)


@dataclass(frozen=True)
class Finding:
    code: str  # unknown_service | lonely_category | unsayable | duplicate_name
    where: str  # matter id, or "category 婚姻"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def to_json(self) -> dict:
        return asdict(self)


def lint(
    catalog: Catalog,
    services: Iterable[str] | None = REFERENCE_SERVICES,
    unsayable: Callable[[list[str]], list[str]] | None = None,
) -> list[Finding]:
    """Findings for enabled matters (a disabled one is what the admin chose to hide).

    ``services``: what the backend offers (None: not checked). ``unsayable``: given phrases,
    returns those the voice model cannot say (None: not checked)."""
    found: list[Finding] = []
    matters = catalog.enabled()
    if services is not None:
        offered = set(services)
        for m in matters:
            if m.service and m.service not in offered:
                found.append(
                    Finding(
                        "unknown_service",
                        m.id,
                        f"service {m.service} is not offered by the backend: residents cannot "
                        "complete it at the kiosk",
                    )
                )
    sizes = Counter(m.category for m in matters)
    for cat, n in sizes.items():
        if n == 1:
            only = next(m for m in matters if m.category == cat)
            found.append(
                Finding(
                    "lonely_category",
                    f"category {cat}",
                    f"a home-screen tile with one matter ({only.id} {only.name})",
                )
            )
    if unsayable is not None:
        names: dict[str, list[str]] = defaultdict(list)
        for m in matters:
            for text in (m.name, *m.aliases):
                names[text].append(m.id)
        for phrase in unsayable(list(names)):
            for mid in names.get(phrase, []):
                found.append(Finding("unsayable", mid, f"the voice model cannot say {phrase!r}"))
    twins: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in matters:
        twins[(m.name, m.department)].append(m.id)
    for (name, dept), ids in twins.items():
        if len(ids) > 1:
            found.append(
                Finding(
                    "duplicate_name",
                    ids[0],
                    f"{len(ids)} matters named {name} by {dept} ({', '.join(ids)}): residents "
                    "cannot tell them apart",
                )
            )
    return found
