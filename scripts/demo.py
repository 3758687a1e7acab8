"""The main job: mwtyped against a real MediaWiki started on 127.0.0.1.

Logs in with a bot password, creates and edits a page, uploads a file (in chunks), reads it
all back with a continued query, and logs out, printing each step.
Run it with ``bash scripts/demo.sh`` (which installs everything and starts the wiki).
"""

from __future__ import annotations

import hashlib
import os
import time

import mwtyped
from mwtyped import testwiki
from mwtyped.api import QueryParams, RevisionsParams, UsercontribsParams

USER_AGENT = f"mwtyped-demo/{mwtyped.__version__} (https://pypi.org/project/mwtyped; demo)"


def main() -> None:
    info = testwiki.up()
    print(f"wiki:      {info.api_url}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with mwtyped.Session(info.url, api_path=info.api_path, user_agent=USER_AGENT) as session:
        me = session.login(info.bot_user, info.bot_password)
        print(f"login:     {info.bot_user} -> logged in as {me.username} ({me.method})")

        title = f"Demo page {stamp}"
        created = session.post(
            action="edit",
            title=title,
            text="Created by the mwtyped demo.",
            createonly=True,
            summary="demo: create",
        )["edit"]
        print(f"create:    [[{title}]] revision {created['newrevid']}")
        edited = session.post(
            action="edit",
            title=title,
            appendtext="\n\nEdited once. [[Category:mwtyped demo]]",
            summary="demo: edit",
            baserevid=created["newrevid"],
        )["edit"]
        print(f"edit:      revision {created['newrevid']} -> {edited['newrevid']}")

        data = os.urandom(3 * 1024 * 1024)
        upload = session.upload(
            f"Demo-{stamp}.txt",
            data,
            comment="demo upload",
            text="[[Category:mwtyped demo]]",
            chunk_size=1024 * 1024,
        )
        sha1_ok = upload.imageinfo.get("sha1") == hashlib.sha1(data).hexdigest()
        print(
            f"upload:    File:{upload.filename}, {upload.imageinfo.get('size')} bytes in "
            f"1 MiB chunks, sha1 {'matches' if sha1_ok else 'DIFFERS'}"
        )

        print("read back: my last changes, 2 per request, following continuation (typed):")
        contributions = UsercontribsParams(
            ucuser=[me.username], uclimit=2, ucprop=["title", "ids", "comment"]
        )
        for change in session.items(contributions, limit=6):  # -> UsercontribsItem dicts
            print(f"           r{change['revid']} {change['title']!r}: {change.get('comment')}")
        answer = session.request(
            QueryParams(
                titles=[title],
                prop=[RevisionsParams(rvprop=["content"], rvslots=["main"])],
            )
        )  # -> QueryResponse, validated
        page = answer["query"]["pages"][0]
        content = page["revisions"][0]["slots"]["main"]["content"]
        print(f"page text: {content!r}")

        session.logout()
        who = session.get(action="query", meta="userinfo")["query"]["userinfo"]
        print(f"logout:    now {'anonymous' if who.get('anon') else who['name']}")


if __name__ == "__main__":
    main()
