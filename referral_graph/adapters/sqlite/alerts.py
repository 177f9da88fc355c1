"""Alerts marked seen, and the people to tell of an alert, in SQLite.

``alert_seen`` keeps one row per alert and person (the first time they marked it);
the people to tell are found by the ``provider_id`` and ``area_code`` columns that
migration 0020 reads out of each user's doc. See
:class:`referral_graph.store.alerts.AlertsPort`.
"""

from __future__ import annotations

from collections.abc import Collection

from referral_graph.adapters.sqlite.sql import Row, SqlitePart, page_of_rows
from referral_graph.domain.alerting import AlertSeen
from referral_graph.domain.isotime import iso, parse_iso
from referral_graph.domain.models import TimelinessAlert
from referral_graph.security.model import User
from referral_graph.store.port import AlertsPort, Listing, Page

_SEEN_COLUMNS = "alert_id, user_id, username, at"


def _seen(row: Row) -> AlertSeen:
    return AlertSeen(str(row[0]), str(row[1]), str(row[2]), parse_iso(row[3]))


def _marks(values: Collection[str]) -> str:
    return ",".join("?" * len(values))


class SqliteAlerts(SqlitePart, AlertsPort):
    """The alerts part of a SQLite transaction."""

    def get_alert(self, alert_id: str) -> TimelinessAlert | None:
        row = self.conn.execute("SELECT doc FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        return None if row is None else TimelinessAlert.model_validate_json(row[0])

    def mark_alert_seen(self, seen: AlertSeen) -> AlertSeen:
        self.conn.execute(
            f"INSERT OR IGNORE INTO alert_seen ({_SEEN_COLUMNS}) VALUES (?, ?, ?, ?)",
            (seen.alert_id, seen.user_id, seen.username, iso(seen.at)),
        )
        row = self.conn.execute(
            f"SELECT {_SEEN_COLUMNS} FROM alert_seen WHERE alert_id = ? AND user_id = ?",
            (seen.alert_id, seen.user_id),
        ).fetchone()
        return _seen(row)

    def alerts_seen(self, alert_ids: Collection[str]) -> list[AlertSeen]:
        wanted = list(dict.fromkeys(alert_ids))
        found: list[AlertSeen] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.conn.execute(
                f"SELECT {_SEEN_COLUMNS} FROM alert_seen WHERE alert_id IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
            found += [_seen(r) for r in rows]
        return sorted(found, key=lambda s: (s.alert_id, s.at, s.user_id))

    def list_alert_seen(self, page: Page) -> Listing[AlertSeen]:
        order = "at, alert_id, user_id"
        return page_of_rows(
            self.conn, _seen, "alert_seen", [], [], order, page, columns=_SEEN_COLUMNS
        )

    def users_to_tell(
        self, provider_ids: Collection[str], area_codes: Collection[str]
    ) -> list[User]:
        providers, areas = list(dict.fromkeys(provider_ids)), list(dict.fromkeys(area_codes))
        if not providers and not areas:
            return []
        rows = self.conn.execute(
            "SELECT doc FROM users"
            f" WHERE provider_id IN ({_marks(providers)}) OR area_code IN ({_marks(areas)})"
            " ORDER BY username",
            [*providers, *areas],
        ).fetchall()
        users = [User.model_validate_json(r[0]) for r in rows]
        return [u for u in users if u.active]
