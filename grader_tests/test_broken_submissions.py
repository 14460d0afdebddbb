"""Broken submissions get their documented outcome, and never stop the rest of the class.

| submission                         | outcome                                                     |
|------------------------------------|-------------------------------------------------------------|
| a function that loops forever      | its cell is interrupted after the timeout; that test scores 0 |
| a cell that calls ``os._exit(1)``  | FAILED, "the kernel died" (reported, not a silent zero)      |
| a deleted test cell                | the cell is restored from the release and graded             |
| an edited test cell                | the original test is restored and graded                     |
| a file that is not valid JSON      | FAILED, "not a valid notebook file"                          |
| a memory bomb                      | FAILED, "more memory than its limit"                         |
| a fork bomb                        | FAILED, "more processes than its limit"; none outlives it    |
| a disk filler                      | FAILED, "more than its disk quota"; the disk is untouched    |
| an endless printer                 | FAILED, "its output limit"; the rest of its output dropped   |
"""

from __future__ import annotations

import subprocess

import nbformat
import pytest

from course_tools import confinement, grading
from course_tools.layout import assignments, generate_release, make_course_dir
from course_tools.submissions import fill, graded_cells, solution_cells, write_submission
from shared_utils.paths import REPO_ROOT

pytestmark = pytest.mark.slow

ASSIGNMENT = assignments()[0]  # the numpy assignment: no TensorFlow, so the class grades quickly
TIMEOUT = 20


# A correct submission that also looks for the instructor's files, writes to the gradebook and
# leaves a process behind; confined (course_tools.confinement), it finds nothing and changes nothing.
SPY_MARK = "cnn-course-spy-process"
SPY = f"""
import glob, os, subprocess
_here = os.getcwd()
_found = glob.glob("{REPO_ROOT}/source/**/*.ipynb", recursive=True)
_found += glob.glob(_here + "/../../../source/**/*.ipynb", recursive=True)
print("SPY found", len(_found), "instructor notebooks")
with open(_here + "/../../../gradebook.db", "ab") as _gradebook:
    _gradebook.write(b"{SPY_MARK}")
subprocess.Popen(["bash", "-c", "exec -a {SPY_MARK} sleep 600"], start_new_session=True)
"""

# Bombs, each run when the first exercise's cell is, under small limits (GRADING_LIMITS).
FORK_MARK = "cnn-course-fork-bomb"
BOMBS = {
    "memory_bomb": "\n_hog = []\nwhile True:\n    _hog.append(bytearray(64 * 2**20))",
    "fork_bomb": f"""
import os, time
while True:
    if os.fork() == 0:
        os.execvp("bash", ["bash", "-c", "exec -a {FORK_MARK} sleep 600"])
""",
    "disk_filler": "\nwith open('filler.bin', 'wb') as _filler:\n    while True:\n        _filler.write(bytes(2**20))",
    "endless_printer": "\nwhile True:\n    print('spam ' * 200)",
}
GRADING_LIMITS = {"MEMORY_GB": "3", "PROCESSES": "64", "SCRATCH_MB": "64", "OUTPUT_MB": "2"}


def _cell_id(notebook, grade_id: str) -> int:
    return next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def grade_broken_class(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, grading.Result], dict, dict]:
    """The class above, graded once: its results, the test cells' points, and where it lies."""
    root = make_course_dir(tmp_path_factory.mktemp("broken-class"), [ASSIGNMENT])
    release_dir = generate_release(root, ASSIGNMENT)
    release = nbformat.read(release_dir / f"{ASSIGNMENT.notebook_name}.ipynb", as_version=4)
    source = nbformat.read(ASSIGNMENT.source_notebook, as_version=4)
    solutions = solution_cells(source)
    first, last = list(solutions)[0], list(solutions)[-1]
    solved = fill(release, solutions)

    # Graded in this order: the last two come after the loop and the dead kernel, and earn their marks.
    submissions: dict[str, object] = {}
    submissions["loops_forever"] = fill(
        release, {**solutions, last: f"def {last}(*args, **kwargs):\n    while True:\n        pass"}
    )
    submissions["exits_python"] = fill(release, {**solutions, first: solutions[first] + "\nimport os\nos._exit(1)"})
    deleted = fill(release, solutions)
    del deleted.cells[_cell_id(deleted, f"test_{first}")]
    submissions["deleted_test_cell"] = deleted
    edited = fill(release, {k: v for k, v in solutions.items() if k != first})
    edited.cells[_cell_id(edited, f"test_{first}")].source = "checks.all_passed()"
    submissions["edited_test_cell"] = edited
    submissions["invalid_json"] = nbformat.writes(solved)[:200]
    submissions["spy"] = fill(release, {**solutions, first: solutions[first] + SPY})
    for student, bomb in BOMBS.items():
        submissions[student] = fill(release, {**solutions, first: solutions[first] + bomb})

    for student, notebook in submissions.items():
        write_submission(root, student, ASSIGNMENT.name, ASSIGNMENT.notebook_name, notebook)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in GRADING_LIMITS.items():
            patch.setenv(f"COURSE_GRADING_{name}", value)
        results = grading.autograde_class(root, ASSIGNMENT.name, list(submissions), timeout=TIMEOUT, progress=None)
    names = {"first": first, "last": last, "root": root}
    return {r.student: r for r in results}, graded_cells(source), names


def _full(result: grading.Result) -> bool:
    return result.status == "graded" and result.score == result.max_score > 0


def the_rest_of_the_class_is_graded(graded_class) -> None:
    """After a loop that never ends and a kernel that dies, the next submissions get their grades."""
    results, _, _ = graded_class
    assert list(results)[:2] == ["loops_forever", "exits_python"]
    assert _full(results["deleted_test_cell"]), results["deleted_test_cell"].log[-3000:]
    assert results["edited_test_cell"].status == "graded"


def infinite_loop_loses_only_its_test(graded_class) -> None:
    results, tests, names = graded_class
    result = results["loops_forever"]
    assert result.status == "graded", result.log[-3000:]
    lost = {cell for cell, (score, _) in result.cells.items() if score == 0}
    assert lost == {f"test_{names['last']}"}
    assert "a cell ran past the time limit and was interrupted" in result.notes
    assert result.score == sum(tests.values()) - tests[f"test_{names['last']}"]


def exiting_python_is_reported_as_a_failure(graded_class) -> None:
    result = graded_class[0]["exits_python"]
    assert result.status == "failed"
    assert "kernel died" in result.reason
    assert result.score is None


def deleted_test_cell_is_restored_and_graded(graded_class) -> None:
    result = graded_class[0]["deleted_test_cell"]
    assert _full(result), result.log[-3000:]
    assert "a deleted test cell was restored and graded" in result.notes


def edited_test_cell_is_overwritten_by_the_original(graded_class) -> None:
    results, tests, names = graded_class
    result = results["edited_test_cell"]
    assert result.status == "graded"
    assert result.cells[f"test_{names['first']}"][0] == 0
    assert result.score < result.max_score


def invalid_json_is_reported_as_a_failure(graded_class) -> None:
    result = graded_class[0]["invalid_json"]
    assert result.status == "failed"
    assert "not a valid notebook file" in result.reason


def failures_are_spelled_out_in_the_grade_table(graded_class) -> None:
    from course_tools.report import grade_table

    table = grade_table(list(graded_class[0].values()))
    assert "FAILED exits_python" in table and "FAILED invalid_json" in table


def a_submission_cannot_read_source_write_the_gradebook_or_outlive_its_grading(graded_class) -> None:
    if confinement.bwrap_binary() is None:
        return  # bubblewrap does not run on this machine: nothing is confined (grading warns)
    results, _, names = graded_class
    result = results["spy"]
    assert _full(result), result.log[-3000:]  # its functions are right: confinement costs it nothing
    autograded = names["root"] / "autograded" / "spy" / ASSIGNMENT.name / f"{ASSIGNMENT.notebook_name}.ipynb"
    outputs = "".join(
        output.get("text", "")
        for cell in nbformat.read(autograded, as_version=4).cells
        for output in cell.get("outputs", [])
    )
    assert "SPY found 0 instructor notebooks" in outputs
    assert SPY_MARK.encode() not in (names["root"] / "gradebook.db").read_bytes()
    running = subprocess.run(["pgrep", "-f", SPY_MARK], capture_output=True, text=True)
    assert running.stdout.strip() == "", "a process the submission started outlived its grading"


def bombs_are_reported_as_failures_with_their_reason(graded_class) -> None:
    results = graded_class[0]
    expected = {
        "memory_bomb": "more memory than its limit (3 GB)",
        "fork_bomb": "more processes than its limit (64)",
        "disk_filler": "more than its disk quota (64 MB",
        "endless_printer": "its output limit (2 MB)",
    }
    for student, reason in expected.items():
        result = results[student]
        assert result.status == "failed" and reason in result.reason, (student, result.status, result.reason)


def a_bomb_leaves_nothing_behind(graded_class) -> None:
    results, _, names = graded_class
    running = subprocess.run(["pgrep", "-f", FORK_MARK], capture_output=True, text=True)
    assert running.stdout.strip() == "", "a process the fork bomb started outlived its grading"
    autograded = names["root"] / "autograded"
    assert not list(autograded.glob("*/*/filler.bin")), "the disk filler wrote to the real disk"
    printed = (autograded / "endless_printer" / ASSIGNMENT.name / f"{ASSIGNMENT.notebook_name}.ipynb").stat().st_size
    assert printed < 4 * 2**20, f"the endless printer's graded notebook holds {printed} bytes"


OUTCOMES = [
    the_rest_of_the_class_is_graded,
    infinite_loop_loses_only_its_test,
    exiting_python_is_reported_as_a_failure,
    deleted_test_cell_is_restored_and_graded,
    edited_test_cell_is_overwritten_by_the_original,
    invalid_json_is_reported_as_a_failure,
    failures_are_spelled_out_in_the_grade_table,
    a_submission_cannot_read_source_write_the_gradebook_or_outlive_its_grading,
    bombs_are_reported_as_failures_with_their_reason,
    a_bomb_leaves_nothing_behind,
]


def test_broken_submissions_get_their_documented_outcomes(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One class, graded once (a test per outcome would grade it again on every xdist worker)."""
    graded = grade_broken_class(tmp_path_factory)
    problems = []
    for outcome in OUTCOMES:
        try:
            outcome(graded)
        except AssertionError as error:
            problems.append(f"{outcome.__name__}: {error}")
    assert not problems, "\n\n".join(problems)
