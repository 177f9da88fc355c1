"""The server's scheduler: the timeliness tick, webhook delivery and messages to people
(e-mail, SMS, Telegram), on a timer.

Safe to run in several workers or restart at will: every alert has one possible id and
is inserted only if absent, and delivery records what each webhook has taken.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from referral_graph.bootstrap import Runtime
from referral_graph.domain.errors import ReferralGraphError
from referral_graph.domain.models import Referral, TimelinessAlert
from referral_graph.services import alert_notices, notifications, timeliness
from referral_graph.services.notifications import Webhook

log = logging.getLogger("referral_graph.scheduler")


def reroute_with(runtime: Runtime) -> timeliness.Rerouter:
    """Suggest providers open now (24/7 first) other than the late one."""

    def reroute(referral: Referral, now: datetime) -> Sequence[str]:
        result = runtime.routing.recommend(referral.case_id, now, limit=10)
        items = [i for i in result.items if i.provider_id != referral.to_provider_id]
        items.sort(key=lambda i: (not i.open_now, i.rank))
        return [i.provider_id for i in items if i.open_now][:3]

    return reroute


def run_once(runtime: Runtime) -> list[TimelinessAlert]:
    """Fire what is due (queuing messages to the people told), forget old idempotency
    answers, and deliver the outbox to webhooks and to people."""
    now = runtime.now()
    plan = runtime.notice_plan
    fired = timeliness.tick(runtime.store, now, reroute=reroute_with(runtime), notices=plan)
    forget = now - timedelta(hours=runtime.settings.idempotency_hours)
    runtime.store.write(lambda tx: tx.forget_idempotency(forget))
    hooks = [Webhook(w.url, w.secret.get_secret_value()) for w in runtime.settings.webhooks]
    if hooks:
        notifications.deliver(runtime.store, now, hooks)
    if runtime.senders:
        alert_notices.deliver_notices(runtime.store, now, runtime.senders, plan=plan)
    return fired


class Scheduler:
    """Runs :func:`run_once` every ``interval`` seconds in a daemon thread."""

    def __init__(self, runtime: Runtime, interval: float) -> None:
        self.runtime = runtime
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                fired = run_once(self.runtime)
                if fired:
                    log.info("fired %d timeliness alerts", len(fired))
            except ReferralGraphError as exc:
                log.warning("scheduler round skipped: %s", exc.detail)
            except Exception:
                log.exception("scheduler round failed")
