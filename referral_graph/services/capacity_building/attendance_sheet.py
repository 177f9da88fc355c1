"""Importing an attendance sheet on someone's behalf (the sheet's layout and the import
itself: ``referral_graph.interop.attendance``).

Not re-exported by the package: the import reads the package's common rules, so the
package does not import it back.
"""

from __future__ import annotations

from datetime import date

from referral_graph.interop import attendance
from referral_graph.interop.attendance import AttendanceImportReport
from referral_graph.interop.sheets import Sheet
from referral_graph.security.policy import coordinator_area
from referral_graph.services.caller import Caller
from referral_graph.services.capacity_building.common import (
    provider_reach,
    provider_write_reach,
)


def import_attendance(
    caller: Caller, sheet: Sheet, *, today: date, dry_run: bool = False
) -> AttendanceImportReport:
    """Check every row; then, unless ``dry_run`` or any row failed, write the new
    sessions, people and attendance in one transaction. The caller names people of
    providers it reaches and adds people only to those it may change (a supervisor:
    those it oversees); a coordinator's new in-person sessions are held in their area."""
    return attendance.import_attendance(
        caller.store,
        sheet,
        now=caller.now,
        today=today,
        dry_run=dry_run,
        reach=provider_reach(caller.principal),
        add_reach=provider_write_reach(caller.principal),
        area=coordinator_area(caller.principal, None),
    )
