"""Grades decided outside the student's kernel: trusted checks agree with the fixtures, and no cheat
earns a point."""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_tools import verdicts
from course_tools.classroom import all_variants
from course_tools.layout import generate_release, make_course_dir
from course_tools.parallel import autograde_parallel
from course_tools.registry import assignments
from course_tools.submissions import fill, read_fixture, solution_cells, write_submission
from course_tools.verdicts.probe import decode, encode
from course_tools.verdicts.spec import Call, Check

CHEATS = Path(__file__).parent / "cheats"
CHECKED = [a for a in assignments() if verdicts.checks_for(a.name) is not None]


def test_encoding_round_trips_plain_values() -> None:
    value = (np.arange(6.0).reshape(2, 3), {"stride": 2, "pad": 0}, [True, 1.5, "max", None])
    back = decode(encode(value))
    assert isinstance(back, tuple) and np.array_equal(back[0], value[0]) and back[1] == value[1]
    assert back[2] == [True, 1.5, "max", None]
    assert decode(encode(np.array([True, False])).copy()).dtype == np.float64  # masks come back as numbers


def test_judge_reads_answers_only_as_numbers() -> None:
    check = Check("test_double", [Call("double", (np.arange(3.0),))])
    reference = {"double": lambda x: 2 * x}
    right = {"results": {"test_double/0": {"value": encode(np.array([0.0, 2.0, 4.0])), "error": ""}}}
    wrong = {"results": {"test_double/0": {"value": encode(np.array([0.0, 2.0, 5.0])), "error": ""}}}
    shaped = {"results": {"test_double/0": {"value": encode(np.zeros((3, 1))), "error": ""}}}
    forged = {"results": {"test_double/0": {"value": {"__eq__": "always"}, "error": ""}}}
    assert verdicts.judge([check], reference, right)[0].passed
    for response in (wrong, shaped, forged, {}):
        assert not verdicts.judge([check], reference, response)[0].passed


@pytest.mark.parametrize("checked", CHECKED, ids=lambda a: a.name)
def test_trusted_verdicts_agree_with_every_fixture(checked) -> None:
    """The solution passes every trusted check; each fixture fails exactly the checks of the test
    cells it must lose (one mistake, charged once, outside the kernel too)."""
    assignment = checked
    source = nbformat.read(assignment.source_notebook, as_version=4)
    release = nbformat.read(assignment.release_notebook, as_version=4)
    checks, setup = verdicts.checks_for(assignment.name)
    covered = {check.test for check in checks}
    reference = verdicts.reference_namespace(source, setup)
    problems = []
    for variant in all_variants(assignment):
        request = verdicts.request_for(source, fill(release, variant.cells), checks, setup)
        response, failure = verdicts.probe(request)
        failed = {v.test: v.detail for v in verdicts.judge(checks, reference, response) if not v.passed}
        if failure or set(failed) != variant.lost & covered:
            problems.append(f"{variant.name}: failed {failed} {failure}, expected {sorted(variant.lost & covered)}")
    assert not problems, "\n".join(problems)


def _cheats(assignment) -> list[tuple[str, dict[str, str]]]:
    folder = CHEATS / assignment.name
    no_work = read_fixture(folder / "_no_work.py").cells
    return [(path.stem, {**no_work, **read_fixture(path).cells}) for path in sorted(folder.glob("[!_]*.py"))]


@pytest.mark.slow
@pytest.mark.parametrize("checked", [a for a in CHECKED if (CHEATS / a.name).is_dir()], ids=lambda a: a.name)
def test_no_cheat_earns_a_point(checked, tmp_path) -> None:
    """Submissions that do no real work but fool the notebook's own tests (errors swallowed, checks
    or numpy patched, the instructor's files or the gradebook reached for) score 0, while the
    solution graded beside them keeps full marks."""
    assignment = checked
    make_course_dir(tmp_path, [assignment])
    release_dir = generate_release(tmp_path, assignment)
    release = nbformat.read(release_dir / f"{assignment.notebook_name}.ipynb", as_version=4)
    source = nbformat.read(assignment.source_notebook, as_version=4)
    cheats = _cheats(assignment)
    students = {"solution": solution_cells(source), **dict(cheats)}
    for student, cells in students.items():
        write_submission(tmp_path, student, assignment.name, assignment.notebook_name, fill(release, cells))
    results = {r.student: r for r in autograde_parallel(tmp_path, assignment.name, list(students), progress=None)}
    assert results["solution"].score == results["solution"].max_score > 0
    assert not any(note.startswith("FLAGGED") for note in results["solution"].notes)
    earned = {name: results[name].score for name, _ in cheats}
    assert earned == dict.fromkeys(earned, 0.0), earned
    # These two fool every test cell of the notebook itself: the flags tell the instructor.
    for name in ("checks_disabled", "numpy_comparisons_patched"):
        assert sum(note.startswith("FLAGGED") for note in results[name].notes) == len(results[name].cells), name
