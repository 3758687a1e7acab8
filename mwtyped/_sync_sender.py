"""How :class:`~mwtyped.Session` sends a plain api.php call without httpx's sync stack: over
:class:`~mwtyped._sync_pool.SyncConnectionPool`, sharing the session's ``httpx.Client`` for
everything a user may look at or change (cookies, headers, timeout, event hooks). When it is
used, and what it shares with the asyncio twin, is :mod:`mwtyped._native`.

Example::

    sender = SyncNativeSender.for_client(core.url, options)   # None: use httpx
    answer = sender.send(client, call, extra_headers={}, timeout=timeout, bearer=None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from mwtyped._native import NativePlan, NativeSenderBase
from mwtyped._sync_pool import SyncConnectionPool

if TYPE_CHECKING:
    from mwtyped._core import Call
    from mwtyped._http1 import Answer, AnswerReader
    from mwtyped._tokens import BearerAuth

__all__ = ["SyncNativeSender"]


class SyncNativeSender(NativeSenderBase):
    """Sends to one ``api.php`` address over its own thread-safe connection pool."""

    def __init__(self, plan: NativePlan) -> None:
        super().__init__(plan)
        self._pool = SyncConnectionPool(plan.pool_settings)

    def send(
        self,
        client: httpx.Client,
        call: Call,
        *,
        extra_headers: Mapping[str, str],
        timeout: httpx.Timeout,
        bearer: BearerAuth | None,
    ) -> Answer:
        """Send ``call``; raise httpx's exceptions as httpx would."""
        plan = self._plan
        context = plan.ssl_context()
        if context is not None:
            self._pool.use_ssl(context)
        headers = plan.head(client, call, extra_headers=extra_headers, bearer=bearer)
        hooks = client.event_hooks
        if hooks["request"] or hooks["response"]:
            reader = self._send_hooked(client, call, headers, timeout)
        else:
            reader = self._pool.send(plan.request_bytes(call, headers), timeout)
        return plan.finish(client, call, reader)

    def _send_hooked(
        self,
        client: httpx.Client,
        call: Call,
        headers: list[tuple[bytes, bytes]],
        timeout: httpx.Timeout,
    ) -> AnswerReader:
        """Send with the client's event hooks run as httpx runs them."""
        request = self._plan.hooked_request(call, headers)
        for hook in client.event_hooks["request"]:
            hook(request)
        reader = self._pool.send(self._plan.hooked_request_bytes(request), timeout)
        response = self._plan.hooked_response(reader, request)
        for hook in client.event_hooks["response"]:
            hook(response)
        return reader

    def close(self) -> None:
        self._pool.close()
