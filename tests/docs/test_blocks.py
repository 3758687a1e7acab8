"""The rules that decide which documentation examples run, and the pages' structure.

No wiki needed: these run with the unit tests. :mod:`tests.docs.test_examples` runs the
examples themselves.
"""

from __future__ import annotations

import re

import pytest

from tests.docs.blocks import (
    ROOT,
    Block,
    DocsError,
    defines_tests,
    doc_pages,
    extract_blocks,
    page_blocks,
    refused_reason,
    shell_commands,
)

PAGE = """# Title

```python
x = 1
```

- a list item:

  ```sh
  mwtyped get --host https://example.org \\
      action=query  # exit code 3
  ```

~~~text
not run
~~~

```
no tag
```
"""


def test_blocks_are_found_with_tags_lines_and_dedented_code() -> None:
    blocks = extract_blocks(PAGE, "page.md")
    assert [(b.number, b.line, b.tag, b.kind) for b in blocks] == [
        (1, 4, "python", "python"),
        (2, 10, "sh", "shell"),
        (3, 15, "text", "not run"),
        (4, 19, "", "not run"),
    ]
    assert blocks[0].code == "x = 1\n"
    assert blocks[1].code.startswith("mwtyped get")
    assert blocks[0].where == "page.md block 1 (line 4)"


def test_an_unclosed_fence_is_an_error() -> None:
    with pytest.raises(DocsError, match=r"page\.md:2"):
        extract_blocks("# x\n```python\nx = 1\n", "page.md")


def test_shell_commands_join_continuations_and_read_the_exit_code() -> None:
    block = extract_blocks(PAGE, "page.md")[1]
    (command,) = shell_commands(block)
    assert command.text == "mwtyped get --host https://example.org action=query  # exit code 3"
    assert (command.line, command.expected_exit, command.runs) == (10, 3, True)


def test_console_blocks_run_their_prompt_lines_only() -> None:
    block = Block("p.md", 1, 5, "console", "$ mwtyped testwiki status\nTESTWIKI_URL=x\n")
    assert [c.text for c in shell_commands(block)] == ["mwtyped testwiki status"]


@pytest.mark.parametrize(
    ("line", "runs"),
    [
        ("mwtyped get --host https://example.org action=query", True),
        ("python -m mwtyped.schema generate s.json --out api", True),
        ("python -m mwtyped get --host https://example.org action=query", True),
        ("MWTYPED_PASSWORD=x mwtyped post --host https://example.org action=purge", True),
        ("bash scripts/demo.sh", False),
        ("pip install mwtyped", False),
        ('eval "$(python -m mwtyped.testwiki up)"', False),
        ("mwtypedx get", False),
    ],
)
def test_only_mwtyped_commands_run(line: str, runs: bool) -> None:
    (command,) = shell_commands(Block("p.md", 1, 1, "sh", line + "\n"))
    assert command.runs is runs


def test_python_blocks_defining_tests_are_pytest_modules() -> None:
    assert defines_tests("def test_x(bot_session):\n    pass\n")
    assert not defines_tests("def helper():\n    pass\n")
    assert not defines_tests("async with x as y:\n    await y.get()\n")


@pytest.mark.parametrize(
    ("tag", "code", "refused"),
    [
        ("pycon", ">>> 1 + 1\n", True),
        ("python3", "x = 1\n", True),
        ("sh", "mwtyped testwiki down\n", True),
        ("sh", "python -m mwtyped.testwiki wipe\n", True),
        ("python", "from mwtyped import testwiki\ntestwiki.set_readonly('x')\n", True),
        ("text", "python -m mwtyped.testwiki down\n", False),
        ("sh", "mwtyped testwiki status\n", False),
    ],
)
def test_refused_blocks(tag: str, code: str, refused: bool) -> None:
    assert (refused_reason(Block("p.md", 1, 1, tag, code)) is not None) is refused


@pytest.mark.parametrize("page", [p.relative_to(ROOT).as_posix() for p in doc_pages()])
def test_pages_parse_and_no_block_is_refused(page: str) -> None:
    blocks = page_blocks(ROOT / page)
    assert [reason for block in blocks if (reason := refused_reason(block))] == []


def test_readme_starts_with_the_two_fresh_machine_commands() -> None:
    first = page_blocks(ROOT / "README.md")[0]
    assert first.tag == "sh"
    assert first.code == (
        "bash scripts/demo.sh    # main job: install, start a real MediaWiki on 127.0.0.1, "
        "run the demo\n"
        "bash scripts/test.sh    # install, start the test wiki, run every test "
        "(unit + integration)\n"
    )


def test_readme_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unlinked = [
        page.name
        for page in sorted((ROOT / "docs").glob("*.md"))
        if f"(docs/{page.name})" not in readme
    ]
    assert unlinked == []


# Pages other people are writing at the same time: linked before they exist.
PAGES_BEING_WRITTEN = frozenset({"docs/performance.md", "docs/reliability.md"})


def test_relative_links_point_at_files() -> None:
    broken = []
    for page in [*doc_pages(), ROOT / "CHANGELOG.md"]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (page.parent / target).resolve()
            name = resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else ""
            if not resolved.exists() and name not in PAGES_BEING_WRITTEN:
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []
