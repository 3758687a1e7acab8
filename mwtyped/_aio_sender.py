"""How :class:`~mwtyped.AsyncSession` sends a plain api.php call without httpx's async
stack: over :class:`~mwtyped._aio_pool.ConnectionPool`, sharing the session's
``httpx.AsyncClient`` for everything a user may look at or change (cookies, headers,
timeout, event hooks). When it is used, and what it shares with the blocking twin, is
:mod:`mwtyped._native`.

Example::

    sender = AsyncNativeSender.for_client(core.url, options)   # None: use httpx
    answer = await sender.send(client, call, extra_headers={}, timeout=timeout, bearer=None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from mwtyped._aio_pool import ConnectionPool
from mwtyped._native import NativePlan, NativeSenderBase

if TYPE_CHECKING:
    from mwtyped._core import Call
    from mwtyped._http1 import Answer, AnswerReader
    from mwtyped._tokens import BearerAuth

__all__ = ["AsyncNativeSender"]


class AsyncNativeSender(NativeSenderBase):
    """Sends to one ``api.php`` address over its own asyncio connection pool."""

    def __init__(self, plan: NativePlan) -> None:
        super().__init__(plan)
        self._pool = ConnectionPool(plan.pool_settings)

    async def send(
        self,
        client: httpx.AsyncClient,
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
            reader = await self._send_hooked(client, call, headers, timeout)
        else:
            reader = await self._pool.send(plan.request_bytes(call, headers), timeout)
        return plan.finish(client, call, reader)

    async def _send_hooked(
        self,
        client: httpx.AsyncClient,
        call: Call,
        headers: list[tuple[bytes, bytes]],
        timeout: httpx.Timeout,
    ) -> AnswerReader:
        """Send with the client's event hooks run as httpx runs them: request hooks see
        (and may change) an ``httpx.Request``, response hooks an ``httpx.Response``."""
        request = self._plan.hooked_request(call, headers)
        for hook in client.event_hooks["request"]:
            await hook(request)
        reader = await self._pool.send(self._plan.hooked_request_bytes(request), timeout)
        response = self._plan.hooked_response(reader, request)
        for hook in client.event_hooks["response"]:
            await hook(response)
        return reader

    async def aclose(self) -> None:
        await self._pool.aclose()
