"""Save a wiki's paraminfo as a snapshot, and record where it came from in a lock file.

The snapshot is the ``paraminfo`` answer of ``modules=main|main+**`` (every module, extension
modules included) with ``helpformat=wikitext`` so descriptions become docstrings,
pretty-printed with sorted keys so diffs between snapshots stay readable. The lock file maps
each snapshot file to its source URL, MediaWiki version, date and sha256.

Example::

    pull("https://en.wikipedia.org", "/w/api.php", Path("schemas/snapshots/enwiki.json"),
         lock=Path("schemas/schemas.lock.json"), user_agent="me (me@example.org)")
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from mwtyped.session import Session

__all__ = ["pull", "record_in_lock"]


def _fetch(session: Session) -> dict[str, Any]:
    document = session.get(
        action="paraminfo", modules="main|main+**", helpformat="wikitext", uselang="en"
    )
    info = document.get("paraminfo")
    if not isinstance(info, dict) or not isinstance(info.get("modules"), list):
        raise ValueError("the wiki answered paraminfo without a modules list")
    return {"paraminfo": info}


def _version(session: Session) -> str:
    general = session.get(action="query", meta="siteinfo", siprop="general")
    generator = general.get("query", {}).get("general", {}).get("generator")
    return str(generator or "unknown")


def record_in_lock(lock: Path, snapshot: Path, url: str, version: str) -> dict[str, Any]:
    """Add or update the lock entry of ``snapshot`` (sha256 of its bytes as written)."""
    entries: dict[str, Any] = json.loads(lock.read_text()) if lock.exists() else {}
    snapshots = entries.setdefault("snapshots", {})
    entry = {
        "url": url,
        "mediawiki": version,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": hashlib.sha256(snapshot.read_bytes()).hexdigest(),
        "modules": len(json.loads(snapshot.read_text())["paraminfo"]["modules"]),
    }
    snapshots[snapshot.name] = entry
    lock.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n")
    return entry


def pull(
    host: str,
    api_path: str,
    out: Path,
    *,
    lock: Path | None = None,
    user_agent: str,
) -> dict[str, Any]:
    """Fetch the snapshot of ``host`` into ``out``; returns the lock entry."""
    with Session(host, user_agent=user_agent, api_path=api_path) as session:
        snapshot = _fetch(session)
        version = _version(session)
        url = session.api_url
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(snapshot, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    lock_file = lock or out.parent.parent / "schemas.lock.json"
    return record_in_lock(lock_file, out, url, version)
