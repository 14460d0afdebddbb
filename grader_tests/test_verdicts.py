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
from course_tools.report import grade_table
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


def test_a_call_that_never_returns_costs_only_its_own_check() -> None:
    """The looping function is stopped once and not run again; the others are still answered,
    and a check that nbgrader gave no points is not run at all."""
    defs = "def double(x):\n    return 2 * x\n\ndef spin(x):\n    while True:\n        pass\n"
    solution = {"nbgrader": {"solution": True, "grade_id": "defs"}}
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import numpy as np"), nbformat.v4.new_code_cell(defs, metadata=solution)]
    )
    checks = [
        Check("test_spin", [Call("spin", (1.0,)), Call("spin", (2.0,))]),
        Check("test_double", [Call("double", (np.arange(3.0),))]),
        Check("test_unpaid", [Call("spin", (3.0,))]),
    ]
    paid = {"test_spin", "test_double"}
    request = verdicts.request_for(
        notebook, notebook, verdicts.Plan(checks), verdicts.call_keys(verdicts.Plan(checks), paid)
    )
    response, failure = verdicts.probe(request, timeout=60, call_seconds=2)
    assert not failure, failure
    assert "past the time limit" in response["results"]["test_spin/0"]["error"]
    assert "an earlier call" in response["results"]["test_spin/1"]["error"]
    assert "test_unpaid/0" not in response["results"]
    reference = {"double": lambda x: 2 * x, "spin": lambda x: x}
    outcome = {v.test: v.passed for v in verdicts.judge(checks, reference, response, paid)}
    assert outcome == {"test_spin": False, "test_double": True, "test_unpaid": False}


@pytest.mark.slow
@pytest.mark.parametrize("checked", CHECKED, ids=lambda a: a.name)
def test_trusted_verdicts_agree_with_every_fixture(checked) -> None:
    """The solution, blank and partial submissions and each fixture fail exactly the checks of the
    test cells they must lose (one mistake, charged once, outside the kernel too); alternative
    correct ones fail none.  (The fixtures are trusted code, so they share one probe process.)"""
    assignment = checked
    source = nbformat.read(assignment.source_notebook, as_version=4)
    release = nbformat.read(assignment.release_notebook, as_version=4)
    plan = verdicts.checks_for(assignment.name)
    covered = {check.test for check in plan.checks}
    reference = verdicts.reference_namespace(source, plan)
    problems = []
    variants = all_variants(assignment)
    submissions = [fill(release, variant.cells) for variant in variants]
    for variant, (outcome, failure) in zip(
        variants, verdicts.verdicts_many(source, submissions, plan, reference), strict=True
    ):
        failed = {v.test: v.detail for v in outcome if not v.passed}
        if failure or set(failed) != variant.lost & covered:
            problems.append(f"{variant.name}: failed {failed} {failure}, expected {sorted(variant.lost & covered)}")
    assert not problems, "\n".join(problems)


def _cheats(assignment, first_cell: str) -> dict[str, dict[str, str]]:
    """Every cheat for ``assignment``: the generic tricks (``cheats/tricks/``, run at the top of the
    first solution cell) and the assignment's own (``cheats/<id>/``), on functions that do no work
    (``cheats/<id>.py``)."""
    no_work = read_fixture(CHEATS / f"{assignment.name}.py").cells
    cheats = {}
    for trick in sorted((CHEATS / "tricks").glob("*.py")):
        code = trick.read_text(encoding="utf-8")
        cheats[trick.stem] = {**no_work, first_cell: code + "\n\n" + no_work[first_cell]}
    for own in sorted((CHEATS / assignment.name).glob("*.py")):
        cheats[own.stem] = {**no_work, **read_fixture(own).cells}
    return cheats


@pytest.mark.slow
@pytest.mark.parametrize("checked", [a for a in CHECKED if (CHEATS / f"{a.name}.py").exists()], ids=lambda a: a.name)
def test_no_cheat_passes_a_trusted_check(checked) -> None:
    """Every cheat fails every trusted check, so it scores 0 whatever happened in its kernel.

    The cheats share one probe process here, to keep the suite fast: one that changed the process
    could only make the later ones fail harder.  Each is graded in a process of its own in
    test_cheats_score_zero_in_a_graded_class, as a class is."""
    assignment = checked
    source = nbformat.read(assignment.source_notebook, as_version=4)
    release = nbformat.read(assignment.release_notebook, as_version=4)
    plan = verdicts.checks_for(assignment.name)
    reference = verdicts.reference_namespace(source, plan)
    cheats = _cheats(assignment, next(iter(solution_cells(source))))
    submissions = [fill(release, cells) for cells in cheats.values()]
    passed = {}
    for name, (outcome, _) in zip(cheats, verdicts.verdicts_many(source, submissions, plan, reference), strict=True):
        passed[name] = [v.test for v in outcome if v.passed]
    assert passed == dict.fromkeys(passed, []), passed


@pytest.mark.slow
def test_cheats_score_zero_in_a_graded_class(tmp_path) -> None:
    """The whole path on W1A1: cheats that do no real work but fool the notebook's own tests (errors
    swallowed, checks or numpy patched, expected values read from frames, the instructor's files or
    the gradebook reached for) are graded by nbgrader and the trusted checks, and score 0; the two
    that fool every test cell of the notebook are flagged."""
    assignment = assignments()[0]
    make_course_dir(tmp_path, [assignment])
    release_dir = generate_release(tmp_path, assignment)
    release = nbformat.read(release_dir / f"{assignment.notebook_name}.ipynb", as_version=4)
    source = nbformat.read(assignment.source_notebook, as_version=4)
    cheats = _cheats(assignment, next(iter(solution_cells(source))))
    for student, cells in cheats.items():
        write_submission(tmp_path, student, assignment.name, assignment.notebook_name, fill(release, cells))
    results = {r.student: r for r in autograde_parallel(tmp_path, assignment.name, list(cheats), progress=None)}
    earned = {name: results[name].score for name in cheats}
    assert earned == dict.fromkeys(earned, 0.0), earned
    for name in ("checks_disabled", "numpy_comparisons_patched"):
        assert sum(note.startswith("FLAGGED") for note in results[name].notes) == len(results[name].cells), name
    table = grade_table(list(results.values()))
    assert "trusted checks did not" in table and "checks_disabled / w1a1" in table
