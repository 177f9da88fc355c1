"""Audit analytics over the referral history: per-hop delays, bottlenecks, loops,
declines, Primero-style measures, and the monthly network-meeting report.

Everything here is a pure function of :class:`~referral_graph.domain.records.HopFact`
lists (plus ``now``, provider names and awareness sessions): the audit is given its
facts, and :mod:`referral_graph.services.audit` reads them from the store.

Privacy rules, kept by every output: counts, hours, provider ids and names, area codes
and names, services and months only — never a case id or code, never a free-text note.
Decline reasons are the one text shown: providers enter them, they are operational, and
they are shown counted, one line, at most 200 characters. Any group (provider, edge,
area, loop pattern, reason) with fewer than ``min_cell`` referrals or cases can be left
out; the default 0 shows everything (the network's own meeting), and
:data:`~referral_graph.audit.report.RECOMMENDED_MIN_CELL` (5) is recommended for
reports that leave the network.
"""

from referral_graph.audit.delays import DelayTable, StepStats, delay_table, step_delays
from referral_graph.audit.groups import GroupBy, Label
from referral_graph.audit.measures import Measures, TimeToHelp, network_measures, time_to_help
from referral_graph.audit.patterns import Declines, Loops, bottlenecks, declines, loops
from referral_graph.audit.period import Period, month_period
from referral_graph.audit.report import MonthlyReport, build_report

__all__ = [
    "Declines",
    "DelayTable",
    "GroupBy",
    "Label",
    "Loops",
    "Measures",
    "MonthlyReport",
    "Period",
    "StepStats",
    "TimeToHelp",
    "bottlenecks",
    "build_report",
    "declines",
    "delay_table",
    "loops",
    "month_period",
    "network_measures",
    "step_delays",
    "time_to_help",
]
