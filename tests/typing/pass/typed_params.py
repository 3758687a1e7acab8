"""Programs mypy must accept: the typed API used as documented."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import mwtyped
from mwtyped.api import (
    AllpagesParams,
    CategoriesParams,
    EditParams,
    InfoParams,
    QueryParams,
    RevisionsParams,
    SiteinfoParams,
)
from mwtyped.responses import Page, QueryResponse


def build_params() -> None:
    EditParams(title="Sandbox", text="hello", summary="test", minor=True, assert_="user")
    AllpagesParams(aplimit=500, apnamespace=0, apfilterredir="nonredirects")
    AllpagesParams(aplimit="max")
    RevisionsParams(rvprop=["ids", "content"], rvslots=["main"], rvlimit=1)
    RevisionsParams(rvstart=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    QueryParams(
        titles=["A", "B|C"],
        prop=[InfoParams(inprop=["url"]), CategoriesParams(cllimit="max")],
        list=[AllpagesParams(aplimit=5)],
        meta=[SiteinfoParams(siprop=["general"])],
        generator=AllpagesParams(aplimit=10),
        redirects=True,
        continue_="-||",
    )


def typed_session(session: mwtyped.Session) -> str:
    answer: QueryResponse = session.request(QueryParams(titles=["Main Page"]))
    pages = answer.get("query", {}).get("pages", [])
    first: Page = pages[0]
    title: str = first["title"]
    batches: Iterator[QueryResponse] = session.request(
        QueryParams(list=[AllpagesParams()]), continuation=True
    )
    for _ in batches:
        break
    for page in session.pages(QueryParams(generator=AllpagesParams(aplimit=5)), limit=10):
        title = page["title"]
    return title


async def typed_async(session: mwtyped.AsyncSession) -> int:
    answer = await session.request(QueryParams(titles=["Main Page"]))
    count = len(answer.get("query", {}).get("pages", []))
    async for page in session.pages(QueryParams(generator=AllpagesParams())):
        count += page.get("ns", 0)
    return count


def untyped_stays_mwapi(session: mwtyped.Session) -> None:
    document: dict[str, object] = session.get(action="query", meta="siteinfo")
    for batch in session.get(action="query", list="allpages", continuation=True):
        document = batch
    del document
