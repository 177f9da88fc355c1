"""What an administrator reads besides the directory: the accounts.

Only admins reach these reads (``api.policy`` refuses other roles before they run); they
take a :class:`~referral_graph.services.caller.Caller` like every use case so that the
web page and the JSON route ``GET /api/v1/users`` (which should read
:func:`list_users` too) go through the same door.
"""

from __future__ import annotations

from referral_graph.domain.queries import Listing, Page
from referral_graph.security.model import User
from referral_graph.services.caller import Caller


def list_users(caller: Caller, page: Page) -> Listing[User]:
    """Accounts ordered by username, one page of them."""
    return caller.store.read(lambda tx: tx.list_users(page))
