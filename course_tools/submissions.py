"""Build student submissions from the release notebook: filled in, blank, partial or from a fixture.

A fixture (``grader_tests/fixtures/<assignment>/<variant>.py``) holds ``# %% <grade_id>`` sections
that replace solution cells, and a ``# lost: test_a, test_b`` line naming the test cells that must
score zero.  See CONTRIBUTING.md.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from shared_utils.paths import REPO_ROOT

FIXTURES = REPO_ROOT / "grader_tests" / "fixtures"
_SECTION = re.compile(r"^# %% (\S+)\s*$", re.MULTILINE)
_LOST = re.compile(r"^# lost:(.*)$", re.MULTILINE)


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """``grade_id -> source`` of every solution cell, in notebook order."""
    return {_nbgrader(c)["grade_id"]: c.source for c in notebook.cells if _nbgrader(c).get("solution")}


def graded_cells(notebook: nbformat.NotebookNode) -> dict[str, float]:
    """``grade_id -> points`` of every autograded test cell, in notebook order."""
    return {
        _nbgrader(c)["grade_id"]: float(_nbgrader(c).get("points", 0))
        for c in notebook.cells
        if _nbgrader(c).get("grade") and not _nbgrader(c).get("solution")
    }


def fill(release: nbformat.NotebookNode, replacements: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of the release notebook with the named solution cells' sources replaced."""
    unknown = set(replacements) - set(solution_cells(release))
    if unknown:
        raise KeyError(f"no solution cell with grade_id {sorted(unknown)}")
    filled = copy.deepcopy(release)
    for cell in filled.cells:
        grade_id = _nbgrader(cell).get("grade_id")
        if _nbgrader(cell).get("solution") and grade_id in replacements:
            cell.source = replacements[grade_id]
    return filled


@dataclass
class Fixture:
    """A submission variant and the test cells it must lose."""

    name: str
    cells: dict[str, str]
    lost: set[str] = field(default_factory=set)
    description: str = ""


def read_fixture(path: Path) -> Fixture:
    text = path.read_text(encoding="utf-8")
    lost_line = _LOST.search(text)
    lost = {name.strip() for name in lost_line.group(1).split(",") if name.strip()} if lost_line else set()
    parts = _SECTION.split(text)
    header, sections = parts[0], parts[1:]
    cells = {sections[i]: sections[i + 1].strip("\n") + "\n" for i in range(0, len(sections), 2)}
    doc = re.search(r'"""(.*?)"""', header, re.DOTALL)
    description = doc.group(1).strip().splitlines()[0] if doc else ""
    return Fixture(path.stem, {k: v.rstrip("\n") for k, v in cells.items()}, lost, description)


def fixtures(assignment: str) -> list[Fixture]:
    folder = FIXTURES / assignment
    return [read_fixture(path) for path in sorted(folder.glob("*.py"))] if folder.is_dir() else []


def standard_variants(source: nbformat.NotebookNode, release: nbformat.NotebookNode) -> list[Fixture]:
    """The three submissions every assignment is graded with: full solution, blank, first half."""
    solutions = solution_cells(source)
    tests = list(graded_cells(source))
    half = list(solutions)[: len(solutions) // 2]
    # In a partial submission the first half of the functions are solved: their tests pass,
    # the tests after the last solved function's test fail.
    solved_tests = {f"test_{name}" for name in half}
    return [
        Fixture("solution", solutions, set(), "the instructor's solution"),
        Fixture("blank", {}, set(tests), "the release as handed out"),
        Fixture("partial", {k: solutions[k] for k in half}, set(tests) - solved_tests, "first half solved"),
    ]


def write_submission(course_root: Path, student: str, assignment: str, name: str, notebook) -> Path:
    """Place a notebook (or raw text, for malformed submissions) where nbgrader collects it."""
    folder = course_root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    if isinstance(notebook, str):
        path.write_text(notebook, encoding="utf-8")
    else:
        nbformat.write(notebook, path)
    return path
