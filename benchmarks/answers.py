"""What the fake ``api.php`` answers: realistic MediaWiki 1.39 documents, built once.

Every answer is a whole HTTP/1.1 response (status line, headers, body) in bytes, built on
first use and cached, so serving it is a dictionary look-up and a ``send``. Shapes follow
the real API: ``formatversion=2`` (lists, real booleans) or 1 (``""`` for true, pages keyed
by id, ``*`` for content), ``errorformat=bc`` (``{"error": {...}}``, the default) or any
other (``{"errors": [...]}``), and ``meta=userinfo`` merged in when asked (mwclient asks on
every query).

Routes (by the query parameters; GET and urlencoded POST alike):

* ``maxlag=N`` with N below the fake lag (1 s): a ``maxlag`` error with ``Retry-After: 5``
  and ``X-Database-Lag: 1``, as MediaWiki sends it;
* ``action`` other than ``query``: the ``badvalue`` error MediaWiki gives an unknown action
  (with the ``MediaWiki-API-Error`` header);
* ``prop=revisions``: the ~1.2 MB answer, 500 pages with their latest revision's content;
* ``list=allpages`` / ``generator=allpages``: the titles of a data set chosen by
  ``apprefix`` (``Small/``: 10,000 titles, ``Large/``: 100,000, by default), sorted by
  database key, from ``apcontinue`` on, ``aplimit`` at a time (500 at most), with a real
  ``continue`` envelope; as a generator with ``prop=info`` the pages carry info fields;
* ``meta=siteinfo`` (and/or ``userinfo``): the ~1.4 KB siteinfo answer.

Example::

    answers = Answers(small=10_000, large=100_000, big_pages=500)
    answers.respond({"action": "query", "meta": "siteinfo", "formatversion": "2"})
"""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "BIG_PREFIX",
    "DEFAULT_API_PATH",
    "FAKE_LAG",
    "LARGE_PREFIX",
    "SMALL_PREFIX",
    "Answers",
    "Dataset",
    "http_response",
]

DEFAULT_API_PATH = "/w/api.php"
SMALL_PREFIX = "Small/"
LARGE_PREFIX = "Large/"
BIG_PREFIX = "Big/"
FAKE_LAG = 1  # seconds the fake replicas lag: maxlag below it gets a maxlag error
RETRY_AFTER = 5  # what MediaWiki sends: max(lag, 5)
SERVEDBY = "mw-api-int.eqiad.main-7d9f8c6b5-x2k4p"
DOCREF = (
    "See https://bench.example.org/w/api.php for API usage. Subscribe to the "
    "mediawiki-api-announce mailing list at &lt;https://lists.wikimedia.org/postorius/lists/"
    "mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and "
    "breaking changes."
)
MAX_LIMIT = 500

Doc = dict[str, Any]

_WORDS_A = (
    "Abbey",
    "Bridge",
    "Castle",
    "Church",
    "District",
    "Festival",
    "Garden",
    "Harbour",
    "Island",
    "Lake",
    "Museum",
    "Railway",
    "River",
    "School",
    "Station",
    "Street",
    "Tower",
    "Valley",
    "Zürich",
    "Łódź",
    "São Paulo",
    "Kraków",
    "Malmö",
    "Ōsaka",
    "Škoda",
    "Ærø",
    "Ελλάδα",
    "Москва",
    "東京",
    "Île-de-France",
)
_WORDS_B = (
    "history",
    "(film)",
    "(album)",
    "(band)",
    "(disambiguation)",
    "railway station",
    "F.C.",
    "park",
    "line",
    "1987",
    "2004",
    "church",
    "(novel)",
    "(song)",
    "in fiction",
)
_USERS = ("Rodw", "Ohconfucius", "BD2412", "Citation bot", "Materialscientist", "Ser Amantio")
_COMMENTS = (
    "/* History */ copyedit",
    "Reverted edits by [[Special:Contribs/203.0.113.9|203.0.113.9]] to last version",
    "Alter: title. Add: isbn. | [[WP:UCB|Use this bot]]",
    "/* Geography */ fix link to [[Rhône]]",
    "",
    "Disambiguating links to [[Malmö]] (link changed to [[Malmö Municipality]])",
)


def _dumps(document: object) -> bytes:
    # MediaWiki writes UTF-8 as it is (no \\u escapes) with no spaces.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def http_response(
    body: bytes,
    *,
    status: int = 200,
    reason: str = "OK",
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json; charset=utf-8",
) -> bytes:
    """A whole HTTP/1.1 response with ``body`` (keep-alive: the connection stays open)."""
    lines = [
        f"HTTP/1.1 {status} {reason}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "Cache-Control: private, must-revalidate, max-age=0",
        "X-Content-Type-Options: nosniff",
        "Vary: Accept-Encoding, Treat-as-Untrusted, Cookie",
    ]
    lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _fv1(value: Any) -> Any:
    """formatversion=1 booleans: true as ``""``, false left out (lists keep ``false``)."""
    if isinstance(value, dict):
        return {k: ("" if v is True else _fv1(v)) for k, v in value.items() if v is not False}
    if isinstance(value, list):
        return [_fv1(v) for v in value]
    return value


def _general() -> Doc:
    """``siprop=general`` as MediaWiki 1.39 core writes it (formatversion 2)."""
    return {
        "mainpage": "Main Page",
        "base": "http://wiki.test/wiki/Main_Page",
        "sitename": "BenchWiki",
        "mainpageisdomainroot": False,
        "logo": "http://wiki.test/logo.svg",
        "generator": "MediaWiki 1.39.17",
        "phpversion": "8.2.36",
        "phpsapi": "fpm-fcgi",
        "dbtype": "mysql",
        "dbversion": "10.6.17-MariaDB",
        "langconversion": True,
        "linkconversion": True,
        "titleconversion": True,
        "linkprefixcharset": "",
        "linkprefix": "",
        "linktrail": "/^([a-z]+)(.*)$/sD",
        "legaltitlechars": " %!\"$&'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+",
        "invalidusernamechars": "@:>",
        "allunicodefixes": False,
        "fixarabicunicode": True,
        "fixmalayalamunicode": True,
        "case": "first-letter",
        "lang": "en",
        "fallback": [],
        "rtl": False,
        "fallback8bitEncoding": "windows-1252",
        "readonly": False,
        "writeapi": True,
        "maxarticlesize": 2097152,
        "timezone": "UTC",
        "timeoffset": 0,
        "articlepath": "/wiki/$1",
        "scriptpath": "/w",
        "script": "/w/index.php",
        "variantarticlepath": False,
        "server": "http://wiki.test",
        "servername": "wiki.test",
        "wikiid": "benchwiki",
        "time": "2026-01-01T00:00:00Z",
        "misermode": True,
        "uploadsenabled": True,
        "maxuploadsize": 104857600,
        "minuploadchunksize": 1024,
        "galleryoptions": {
            "imagesPerRow": 0,
            "imageWidth": 120,
            "imageHeight": 120,
            "captionLength": True,
            "showBytes": True,
            "showDimensions": True,
            "mode": "traditional",
        },
        "thumblimits": {"0": 120, "1": 150, "2": 180, "3": 200, "4": 250, "5": 300},
        "imagelimits": {
            "0": {"width": 320, "height": 240},
            "1": {"width": 640, "height": 480},
            "2": {"width": 800, "height": 600},
            "3": {"width": 1024, "height": 768},
        },
        "centralidlookupprovider": "local",
        "allcentralidlookupproviders": ["local"],
        "interwikimagic": True,
        "magiclinks": {"ISBN": False, "PMID": False, "RFC": False},
        "categorycollation": "uppercase",
        "nofollowlinks": True,
        "nofollownsexceptions": [],
        "nofollowdomainexceptions": ["mediawiki.org"],
        "externallinktarget": False,
    }


_NAMESPACES = (
    (-2, "Media", False),
    (-1, "Special", False),
    (0, "", False),
    (1, "Talk", True),
    (2, "User", True),
    (3, "User talk", True),
    (4, "Wikipedia", True),
    (6, "File", False),
    (10, "Template", True),
    (14, "Category", True),
)


def _namespaces(formatversion: int) -> Doc:
    out: Doc = {}
    for ns, name, subpages in _NAMESPACES:
        entry: Doc = {"id": ns, "case": "first-letter", "subpages": subpages}
        entry["nonincludable"] = False
        if formatversion == 2:
            entry.update({"name": name, "content": ns == 0})
        else:
            entry.update({"*": name, "content": ns == 0})
        if name:
            entry["canonical"] = name
        out[str(ns)] = entry
    return out


def _userinfo(rights: bool) -> Doc:
    info: Doc = {"id": 0, "name": "127.0.0.1", "anon": True}
    if rights:
        info["groups"] = ["*"]
        info["rights"] = ["createaccount", "read", "edit", "createpage", "writeapi"]
    return info


class Dataset:
    """Titles of one ``apprefix``: sorted by database key, with page ids."""

    def __init__(self, prefix: str, count: int, seed: int) -> None:
        rng = random.Random(seed)
        titles = [
            f"{prefix}{rng.choice(_WORDS_A)} {rng.choice(_WORDS_B)} {i}" for i in range(count)
        ]
        titles.sort(key=lambda t: t.replace(" ", "_"))
        self.prefix = prefix
        self.titles = titles
        self.keys = [t.replace(" ", "_") for t in titles]
        self.pageids = rng.sample(range(1, 10 * count + 10), count)

    def start_of(self, continue_key: str | None) -> int:
        """The index of the first title at or after ``continue_key`` (a database key)."""
        if not continue_key:
            return 0
        return bisect.bisect_left(self.keys, continue_key.replace(" ", "_"))


def _wikitext(rng: random.Random, size: int) -> str:
    """About ``size`` characters of plausible wikitext."""
    parts: list[str] = [
        "{{Short description|"
        + rng.choice(_WORDS_A)
        + " in "
        + rng.choice(_WORDS_A)
        + "}}\n{{Use dmy dates|date=March 2024}}\n"
    ]
    length = len(parts[0])
    while length < size:
        word = rng.choice(_WORDS_A)
        sentence = (
            f"'''{word}''' is a [[{rng.choice(_WORDS_A)}|{word.lower()}]] "
            f"{rng.choice(_WORDS_B)} located near the [[{rng.choice(_WORDS_A)} "
            f"{rng.choice(_WORDS_B)}]], first recorded in {rng.randrange(1200, 2024)}."
            f"<ref>{{{{cite web |url=https://example.org/{rng.randrange(10**6)} "
            f'|title="{rng.choice(_WORDS_A)}" |access-date=2024-0{rng.randrange(1, 9)}-1'
            f"{rng.randrange(10)}}}}}</ref> "
        )
        if rng.random() < 0.2:
            sentence += f"\n\n== {rng.choice(_WORDS_A)} ==\n"
        parts.append(sentence)
        length += len(sentence)
    parts.append("\n\n== References ==\n{{Reflist}}\n\n[[Category:" + rng.choice(_WORDS_A) + "]]")
    return "".join(parts)


def _revisions_pages(count: int, content_size: int) -> list[Doc]:
    rng = random.Random(20240501)
    pages = []
    for i in range(count):
        revid = 1_200_000_000 + rng.randrange(10**8)
        title = f"{BIG_PREFIX}{rng.choice(_WORDS_A)} {rng.choice(_WORDS_B)} {i}"
        content = _wikitext(rng, content_size)
        pages.append(
            {
                "pageid": 1000 + i,
                "ns": 0,
                "title": title,
                "revisions": [
                    {
                        "revid": revid,
                        "parentid": revid - rng.randrange(1, 10**6),
                        "minor": rng.random() < 0.3,
                        "user": rng.choice(_USERS),
                        "timestamp": f"2024-0{rng.randrange(1, 10)}-1{rng.randrange(10)}"
                        f"T1{rng.randrange(10)}:2{rng.randrange(10)}:0{rng.randrange(10)}Z",
                        "comment": rng.choice(_COMMENTS),
                        "slots": {
                            "main": {
                                "contentmodel": "wikitext",
                                "contentformat": "text/x-wiki",
                                "content": content,
                            }
                        },
                    }
                ],
            }
        )
    return pages


def _info(pageid: int, title: str, index: int) -> Doc:
    """The ``prop=info&inprop=protection`` fields of a page."""
    return {
        "pageid": pageid,
        "ns": 0,
        "title": title,
        "contentmodel": "wikitext",
        "pagelanguage": "en",
        "pagelanguagehtmlcode": "en",
        "pagelanguagedir": "ltr",
        "touched": f"2025-0{index % 9 + 1}-1{index % 10}T0{index % 10}:00:00Z",
        "lastrevid": 1_100_000_000 + pageid,
        "length": 1000 + (pageid * 37) % 60000,
        "protection": [],
        "restrictiontypes": ["edit", "move"],
    }


def _flag(params: Mapping[str, str], name: str, value: str) -> bool:
    return value in params.get(name, "").split("|")


class Answers:
    """Every answer of the fake server, keyed by what varies, built once and cached."""

    def __init__(
        self,
        *,
        small: int = 10_000,
        large: int = 100_000,
        big_pages: int = 500,
        big_content: int = 1900,
    ) -> None:
        self.datasets = {
            SMALL_PREFIX: Dataset(SMALL_PREFIX, small, seed=1),
            LARGE_PREFIX: Dataset(LARGE_PREFIX, large, seed=2),
        }
        self._big_pages = _revisions_pages(big_pages, big_content)
        self._cache: dict[tuple[Any, ...], bytes] = {}
        self.hits = 0

    def prebuild(self) -> None:
        """Build the answers the benchmark's own requests ask for (formatversion 2)."""
        common = {"format": "json", "formatversion": "2", "errorformat": "plaintext"}
        self.respond({**common, "action": "query", "meta": "siteinfo"})
        self.respond({**common, "action": "query", "meta": "siteinfo", "maxlag": "0"})
        self.respond({**common, "action": "query", "prop": "revisions"})
        for dataset in self.datasets.values():
            for start in range(0, len(dataset.titles), MAX_LIMIT):
                key = ("allpages", dataset.prefix, start, MAX_LIMIT, 2, False, False)
                self._get(key, self._allpages_builder(dataset, start, MAX_LIMIT, 2, False, False))
        self.hits = 0

    # -- the route ------------------------------------------------------------------------
    def respond(self, params: Mapping[str, str]) -> bytes:
        """The whole HTTP response to a request with these parameters."""
        self.hits += 1
        fv = 2 if params.get("formatversion") in ("2", "latest") else 1
        shape = "bc" if params.get("errorformat", "bc") == "bc" else "plain"
        maxlag = params.get("maxlag")
        if maxlag is not None and _below_lag(maxlag):
            return self._get(("maxlag", fv, shape), lambda: self._maxlag(fv, shape))
        action = params.get("action", "")
        if action != "query":
            return self._get(("badvalue", action, shape), lambda: self._badvalue(action, shape))
        userinfo = _flag(params, "meta", "userinfo")
        if _flag(params, "prop", "revisions"):
            return self._get(("revisions", fv, userinfo), lambda: self._revisions(fv, userinfo))
        generator = params.get("generator") == "allpages"
        if params.get("list") == "allpages" or generator:
            p = "gap" if generator else "ap"
            dataset = self.datasets.get(params.get(p + "prefix", ""), self.datasets[SMALL_PREFIX])
            start = dataset.start_of(params.get(p + "continue"))
            limit = _limit(params.get(p + "limit"))
            key: tuple[Any, ...] = (
                "allpages",
                dataset.prefix,
                start,
                limit,
                fv,
                userinfo,
                generator,
            )
            return self._get(
                key, self._allpages_builder(dataset, start, limit, fv, userinfo, generator)
            )
        siteinfo = _flag(params, "meta", "siteinfo")
        namespaces = _flag(params, "siprop", "namespaces")
        rights = _flag(params, "uiprop", "rights")
        key = ("siteinfo", fv, userinfo, namespaces, rights, siteinfo)
        return self._get(key, self._siteinfo_builder(fv, userinfo, namespaces, rights, siteinfo))

    def _get(self, key: tuple[Any, ...], build: Callable[[], bytes]) -> bytes:
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = build()
        return found

    # -- builders -------------------------------------------------------------------------
    @staticmethod
    def _ok(document: Doc, fv: int) -> bytes:
        return http_response(_dumps(document if fv == 2 else _fv1(document)))

    def _siteinfo_builder(
        self, fv: int, userinfo: bool, namespaces: bool, rights: bool, siteinfo: bool = True
    ) -> Callable[[], bytes]:
        def build() -> bytes:
            query: Doc = {}
            if siteinfo:
                query["general"] = _general()
            if namespaces:
                query["namespaces"] = _namespaces(fv)
            if userinfo:
                query["userinfo"] = _userinfo(rights)
            return self._ok({"batchcomplete": True, "query": query}, fv)

        return build

    def _allpages_builder(
        self,
        dataset: Dataset,
        start: int,
        limit: int,
        fv: int,
        userinfo: bool,
        generator: bool,
    ) -> Callable[[], bytes]:
        def build() -> bytes:
            end = min(start + limit, len(dataset.titles))
            titles = dataset.titles[start:end]
            ids = dataset.pageids[start:end]
            document: Doc = {"batchcomplete": True}
            if end < len(dataset.titles):
                name = "gapcontinue" if generator else "apcontinue"
                document["continue"] = {
                    name: dataset.keys[end],
                    "continue": "gapcontinue||" if generator else "-||",
                }
            query: Doc = {}
            if generator:
                pairs = enumerate(zip(ids, titles, strict=True))
                pages = [_info(i, t, start + n) for n, (i, t) in pairs]
                query["pages"] = pages if fv == 2 else {str(p["pageid"]): p for p in pages}
            else:
                query["allpages"] = [
                    {"pageid": i, "ns": 0, "title": t} for i, t in zip(ids, titles, strict=True)
                ]
            if userinfo:
                query["userinfo"] = _userinfo(False)
            document["query"] = query
            return self._ok(document, fv)

        return build

    def _revisions(self, fv: int, userinfo: bool) -> bytes:
        pages: Any = self._big_pages
        if fv == 1:
            converted = []
            for page in pages:
                revision = dict(page["revisions"][0])
                main = dict(revision["slots"]["main"])
                main["*"] = main.pop("content")
                revision["slots"] = {"main": main}
                converted.append({**page, "revisions": [revision]})
            pages = {str(p["pageid"]): p for p in converted}
        query: Doc = {"pages": pages}
        if userinfo:
            query["userinfo"] = _userinfo(False)
        return self._ok({"batchcomplete": True, "query": query}, fv)

    @staticmethod
    def _error(code: str, text: str, data: Doc, shape: str, headers: dict[str, str]) -> bytes:
        if shape == "bc":
            document: Doc = {"error": {"code": code, "info": text, **data, "*": DOCREF}}
        else:
            item: Doc = {"code": code, "text": text}
            if data:
                item["data"] = data
            item["module"] = "main"
            document = {"errors": [item], "docref": DOCREF}
        document["servedby"] = SERVEDBY
        return http_response(_dumps(document), headers={"MediaWiki-API-Error": code, **headers})

    def _badvalue(self, action: str, shape: str) -> bytes:
        text = f'Unrecognized value for parameter "action": {action}.'
        return self._error("badvalue", text, {}, shape, {})

    def _maxlag(self, fv: int, shape: str) -> bytes:
        text = f"Waiting for 10.64.48.35: {FAKE_LAG} seconds lagged."
        data: Doc = {"host": "10.64.48.35", "lag": FAKE_LAG, "type": "db"}
        headers = {"Retry-After": str(RETRY_AFTER), "X-Database-Lag": str(FAKE_LAG)}
        return self._error("maxlag", text, data, shape, headers)


def _below_lag(maxlag: str) -> bool:
    try:
        return float(maxlag) < FAKE_LAG
    except ValueError:
        return False


def _limit(value: str | None) -> int:
    if value is None:
        return 10
    if value == "max":
        return MAX_LIMIT
    try:
        return max(1, min(MAX_LIMIT, int(value)))
    except ValueError:
        return 10
