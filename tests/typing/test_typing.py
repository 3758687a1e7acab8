"""Type tests: mypy accepts tests/typing/pass and rejects tests/typing/fail as annotated.

Each line of a ``fail`` program that must not type-check ends with ``# E: <message part>``;
the test runs mypy (strict, with the project's mypy.ini) and requires exactly those errors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api as mypy_api

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EXPECTED = re.compile(r"#\s*E:\s*(?P<message>.+?)\s*$")
REPORTED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*)$")


def run_mypy(*paths: Path) -> list[tuple[str, int, str]]:
    # The fail programs are excluded in mypy.ini (so CI's mypy run passes); naming them
    # explicitly on the command line still checks them.
    stdout, stderr, _ = mypy_api.run(
        ["--config-file", str(ROOT / "mypy.ini"), "--no-error-summary", *map(str, paths)]
    )
    assert not stderr, stderr
    errors = []
    for line in stdout.splitlines():
        match = REPORTED.match(line)
        if match:
            errors.append((Path(match["file"]).name, int(match["line"]), match["message"]))
    return errors


def test_correct_programs_type_check() -> None:
    assert run_mypy(*sorted((HERE / "pass").glob("*.py"))) == []


@pytest.mark.parametrize("program", sorted((HERE / "fail").glob("*.py")), ids=lambda p: p.name)
def test_wrong_programs_fail_with_the_expected_errors(program: Path) -> None:
    expected = {
        number: match["message"]
        for number, text in enumerate(program.read_text().splitlines(), start=1)
        if (match := EXPECTED.search(text))
    }
    assert expected, f"{program.name} declares no expected errors"
    reported = run_mypy(program)
    by_line: dict[int, list[str]] = {}
    for _, line, message in reported:
        by_line.setdefault(line, []).append(message)
    for line, message in expected.items():
        assert any(message in found for found in by_line.get(line, [])), (
            f"{program.name}:{line}: expected an error containing {message!r}, "
            f"mypy said {by_line.get(line)}"
        )
    unexpected = {line: found for line, found in by_line.items() if line not in expected}
    assert unexpected == {}, f"errors mypy reported that the program does not expect: {unexpected}"
