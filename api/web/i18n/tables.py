"""The names of vocabulary codes in English and Khmer, by table: those the web app
names (handoff windows, statuses as a step and as where a handoff stands, genders, risk
hints, kinds of provider, and issue 18's sources, channels, age bands, decline reasons,
care windows and identification statuses) come from the catalogue, under the context
``table:code``; routing's names of services, risks, modes and languages and the coded
reasons come from ``referral_graph``, which renders them in the API's reasons too."""

from __future__ import annotations

from api.web.i18n.catalogue import messages
from referral_graph.domain.reasons import REASON_NAMES
from referral_graph.routing.reasons import LANGUAGE_NAMES, MODE_NAMES, RISK_NAMES, SERVICE_NAMES


def _catalogue_tables() -> dict[str, dict[str, tuple[str, str]]]:
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    for context, entry in messages().items():
        table, sep, code = context.partition(":")
        if sep:
            tables.setdefault(table, {})[code] = entry
    return tables


_NAMED = _catalogue_tables()

#: The windows of a handoff (``domain.sla.Window``), as the thing awaited.
WINDOWS = _NAMED["window"]
#: Referral statuses as the step that led to them (path timeline).
STEPS = _NAMED["step"]
#: Referral statuses as where a handoff stands now (inbox, dashboard).
STATUSES = _NAMED["status"]
GENDERS = _NAMED["gender"]
RISK_HINTS = _NAMED["risk_hint"]
KINDS = _NAMED["kind"]
#: Coded reasons of a step or a closing (``domain/reasons.py``).
REASONS: dict[str, tuple[str, str]] = {str(code): names for code, names in REASON_NAMES.items()}

TABLES: dict[str, dict[str, tuple[str, str]]] = {
    **_NAMED,
    "service": SERVICE_NAMES,
    "risk": RISK_NAMES,
    "mode": MODE_NAMES,
    "language": LANGUAGE_NAMES,
    "reason": REASONS,
}
