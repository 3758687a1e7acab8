"""Find the code examples of the documentation pages and decide how each one runs.

No I/O besides reading the pages, no wiki: :mod:`tests.docs.test_examples` runs what this
module finds. The rules (also in that module's docstring):

* a fenced block tagged ``python`` (or ``py``) is Python; ``sh`` (``bash``, ``shell``) and
  ``console`` (``shell-session``) are shell; every other tag (``text``, ``json``, ``toml``,
  none at all) is never run. Tags that look like code but would silently not run
  (``pycon``, ``python3``, ``ipython``, ``zsh``) are refused.
* in a shell block only ``mwtyped ...`` and ``python -m mwtyped...`` commands run, also
  after ``VAR=value`` assignments (a ``console`` block's commands are its ``$ `` lines);
  lines ending with ``\\`` continue on the next line; a trailing ``# exit code N`` comment
  states the exit code the command must end with (default 0).
* commands that would stop or change the shared test wiki (``testwiki down``/``wipe``/
  ``readonly``) are refused in every runnable block: show them in a ``text`` block.

Example::

    blocks = page_blocks(ROOT / "docs" / "typed.md")
    [b.where for b in blocks if b.kind == "python"]   # ['docs/typed.md block 1 (line 12)', ...]
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "ROOT",
    "Block",
    "Command",
    "DocsError",
    "defines_tests",
    "doc_pages",
    "extract_blocks",
    "page_blocks",
    "refused_reason",
    "shell_commands",
]

ROOT = Path(__file__).resolve().parents[2]

Kind = Literal["python", "shell", "console", "not run"]

# Fence tag -> how the block runs. Anything not listed is never run.
_KINDS: dict[str, Kind] = {
    "python": "python",
    "py": "python",
    "sh": "shell",
    "bash": "shell",
    "shell": "shell",
    "console": "console",
    "shell-session": "console",
}
# Tags that look like runnable code but that the runner would skip: refused outright.
REFUSED_TAGS = frozenset({"pycon", "python3", "ipython", "zsh", "py3"})

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# mwtyped's own commands, after optional VAR=value assignments.
_MWTYPED_COMMAND = re.compile(
    r"^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:mwtyped|python -m mwtyped(?:\.\w+)*)(?:\s|$)"
)
_EXIT_CODE = re.compile(r"#\s*exit code\s+(\d+)\s*$")
# Commands and calls that would stop, delete or freeze the wiki other tests share.
_HARMFUL = re.compile(
    r"testwiki\s+(?:down|wipe|readonly)\b"
    r"|testwiki\.(?:down|wipe|set_readonly)\s*\("
    r"|\b(?:set_readonly|wipe)\s*\("
)


class DocsError(ValueError):
    """A page's markdown that the runner cannot accept (say which page and line)."""


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: ``line`` is the file line of its first code line."""

    page: str
    number: int
    line: int
    tag: str
    code: str

    @property
    def kind(self) -> Kind:
        return _KINDS.get(self.tag, "not run")

    @property
    def where(self) -> str:
        return f"{self.page} block {self.number} (line {self.line})"


@dataclass(frozen=True)
class Command:
    """One shell command of a block, continuation lines joined."""

    line: int
    text: str
    expected_exit: int

    @property
    def runs(self) -> bool:
        """Only mwtyped's own commands run; ``pip install``, ``cd``, ``bash scripts/...`` not."""
        return _MWTYPED_COMMAND.match(self.text) is not None


def doc_pages() -> list[Path]:
    """README.md and every ``docs/*.md``, in a stable order."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def extract_blocks(text: str, page: str) -> list[Block]:
    """Every fenced block of a markdown text, dedented by its fence's indentation."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        tag = opening["info"].strip().split(" ")[0].strip("{}.").lower()
        start = index + 1
        index = start
        body: list[str] = []
        while True:
            if index >= len(lines):
                raise DocsError(f"{page}:{start}: a code fence is never closed")
            line = lines[index]
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            index += 1
        index += 1
        code = "\n".join(body) + "\n"
        blocks.append(Block(page, len(blocks) + 1, start + 1, tag, code))
    return blocks


def page_blocks(path: Path) -> list[Block]:
    """The fenced blocks of one page, named by its path relative to the repository."""
    return extract_blocks(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())


def _logical_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join lines ending with a backslash to the next ones; keep the first line's number."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in lines:
        text = raw.rstrip()
        if pending is not None:
            number, text = pending[0], pending[1] + " " + text.lstrip()
            pending = None
        if text.endswith("\\"):
            pending = (number, text[:-1].rstrip())
            continue
        joined.append((number, text))
    if pending is not None:
        joined.append(pending)
    return joined


def shell_commands(block: Block) -> list[Command]:
    """The commands of a ``shell`` or ``console`` block (comment and blank lines dropped;
    a console block's output lines too)."""
    raw = block.code.splitlines()
    numbered: list[tuple[int, str]] = []
    if block.kind == "console":
        taking = False
        for offset, line in enumerate(raw):
            if line.startswith("$ "):
                numbered.append((block.line + offset, line[2:]))
                taking = line.rstrip().endswith("\\")
            elif taking:
                numbered.append((block.line + offset, line))
                taking = line.rstrip().endswith("\\")
    else:
        numbered = [(block.line + offset, line) for offset, line in enumerate(raw)]
    commands: list[Command] = []
    for number, text in _logical_lines(numbered):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        found = _EXIT_CODE.search(stripped)
        expected = int(found.group(1)) if found else 0
        commands.append(Command(number, stripped, expected))
    return commands


def defines_tests(code: str) -> bool:
    """Whether a Python block is a pytest module: it defines top-level ``test_*`` functions."""
    tree = compile(
        code, "<block>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    )
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
        for node in getattr(tree, "body", [])
    )


def refused_reason(block: Block) -> str | None:
    """Why the runner refuses a block, or ``None`` when it is acceptable."""
    if block.tag in REFUSED_TAGS:
        return (
            f"{block.where}: the tag {block.tag!r} would never run; use ```python for code "
            "and ```text for output or code that must not run"
        )
    if block.kind != "not run" and _HARMFUL.search(block.code):
        return (
            f"{block.where}: it would stop, wipe or freeze the test wiki that other tests "
            "share; show such commands in a ```text block"
        )
    return None
