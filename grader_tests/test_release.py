"""The committed student release is exactly what nbgrader generates, and gives nothing away."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from course_tools import releases
from course_tools.layout import RELEASE, Assignment, assignments
from grader_tests.conftest import read, source_notebook

_FENCES = (("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))


def _fenced_and_visible_lines(source: str) -> tuple[set[str], set[str]]:
    fenced, visible, inside = set(), set(), None
    for raw in source.splitlines():
        line = raw.strip()
        if inside is None and any(line == begin for begin, _ in _FENCES):
            inside = next(end for begin, end in _FENCES if begin == line)
        elif inside is not None and line == inside:
            inside = None
        elif line:
            (fenced if inside is not None else visible).add(line)
    return fenced, visible


def secret_lines(notebook) -> set[str]:
    """Lines that appear only inside solution or hidden-test fences (and are specific enough)."""
    fenced, visible = set(), set()
    for cell in notebook.cells:
        f, v = _fenced_and_visible_lines(cell.source)
        fenced |= f
        visible |= v
    return {line for line in fenced - visible if len(re.sub(r"\W", "", line)) >= 6 and not line.startswith("#")}


@pytest.mark.slow
def test_release_matches_source(generated_release: Path) -> None:
    problems = releases.release_differences(generated_release, RELEASE)
    assert not problems, "\n".join(problems)


def test_release_leaks_no_solution_or_hidden_test(assignment: Assignment) -> None:
    release = read(assignment.release_notebook)
    text = "\n".join(cell.source for cell in release.cells)
    released_lines = {line.strip() for line in text.splitlines()}
    leaked = sorted(line for line in secret_lines(source_notebook(assignment)) if line in released_lines)
    assert not leaked, f"{assignment.release_notebook} contains fenced lines:\n" + "\n".join(leaked)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


def test_release_has_a_stub_in_every_solution_cell(assignment: Assignment) -> None:
    release = read(assignment.release_notebook)
    solution_cells = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert solution_cells
    for cell in solution_cells:
        if cell.cell_type == "code":
            assert "raise NotImplementedError()" in cell.source, cell.metadata.nbgrader.grade_id


def _validate(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course_tools.nbgrader_main", "validate", *extra, str(path)],
        capture_output=True,
        text=True,
        timeout=900,
    )


# The Validate button's path (nbgrader validate) is the same for every assignment, so it is proven on
# the quickest one; each assignment's grades are proven by autograde in test_grading.py, where the
# solution earns full marks and the blank release earns zero.
VALIDATED = assignments()[0]


@pytest.mark.slow
def test_source_passes_nbgrader_validate() -> None:
    result = _validate(VALIDATED.source_notebook)
    assert result.returncode == 0 and "Success! Your notebook passes all the tests." in result.stdout, (
        result.stdout[-3000:] + result.stderr[-3000:]
    )


@pytest.mark.slow
def test_release_fails_nbgrader_validate_cleanly() -> None:
    """``--invert`` succeeds only if every test cell fails on the blank release (and nothing crashes)."""
    result = _validate(VALIDATED.release_notebook, "--invert")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Success! The notebook does not pass any tests." in result.stdout, result.stdout[-3000:]


def test_student_kit_holds_no_solution_hidden_test_fixture_or_instructor_tool(tmp_path: Path) -> None:
    from course_tools.kit import build_kit

    kit = build_kit(tmp_path)
    names = {p.relative_to(kit).parts[0] for p in kit.iterdir()}
    assert names == {
        "assignments",
        "shared_utils",
        "data",
        "lab",
        "requirements.txt",
        "LICENSE",
        "Makefile",
        "pyproject.toml",
        "README.md",
    }
    assert not any(kit.rglob("fixtures")) and not any(kit.rglob("*.db")) and not any(kit.rglob("course_tools"))
    secrets = set().union(*(secret_lines(source_notebook(a)) for a in assignments()))
    for path in kit.rglob("*"):
        if path.suffix in {".ipynb", ".py", ".md", ".txt", ".toml", ".json", ".csv"} or path.name == "Makefile":
            text = path.read_text(encoding="utf-8")
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path
            lines = {line.strip() for line in text.splitlines()} if path.suffix == ".ipynb" else set()
            assert not (secrets & lines), f"{path} holds solution or hidden-test lines: {sorted(secrets & lines)[:3]}"
    for assignment in assignments():
        assert (kit / "assignments" / assignment.name / f"{assignment.notebook_name}.ipynb").is_file()
    assert (tmp_path / "cnn-course-kit.zip").stat().st_size > 1e6
    code = "import shared_utils.checks, shared_utils.datasets, shared_utils.pretrained.mobilenet_v2; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], cwd=kit, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "ok", result.stderr[-2000:]
