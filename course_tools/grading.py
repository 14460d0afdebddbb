"""Autograde submissions one student at a time and read the per-cell scores back.

Each student is graded by its own ``nbgrader autograde`` process, so a submission that kills its
kernel, loops forever or is not valid JSON is reported for that student while the rest of the
class is still graded.  A failed submission is never shown as a silent zero.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from . import confinement, control_groups, verdicts
from .layout import nbgrader

UNCONFINED_ENV_VAR = "COURSE_GRADE_UNCONFINED"  # set to 1 to grade without the sandbox (not for a real class)

# What nbgrader's log says -> what we tell the instructor.
_FAILURES = (
    ("Kernel died", "the kernel died (the notebook exited Python or crashed it)"),
    ("NotJSONError", "not a valid notebook file (broken JSON)"),
    ("JSONDecodeError", "not a valid notebook file (broken JSON)"),
    ("ValidationError", "not a valid notebook file (fails the notebook schema)"),
    ("No notebooks found", "no notebook was submitted"),
)
_NOTES = (
    ("Timeout waiting for execute reply", "a cell ran past the time limit and was interrupted"),
    ("Missing grade cell", "a deleted test cell was restored and graded"),
)


@dataclass
class Result:
    """The outcome of autograding one student's assignment."""

    student: str
    assignment: str
    status: str  # "graded" or "failed"
    cells: dict[str, tuple[float, float]] = field(default_factory=dict)  # grade_id -> (score, max)
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log: str = ""

    @property
    def score(self) -> float | None:
        return sum(score for score, _ in self.cells.values()) if self.status == "graded" else None

    @property
    def max_score(self) -> float:
        return sum(maximum for _, maximum in self.cells.values())


def _diagnose(log: str, returncode: int) -> tuple[str, str, list[str]]:
    notes = [note for needle, note in _NOTES if needle in log]
    if returncode == 0:
        return "graded", "", notes
    sandbox = [line.strip() for line in log.splitlines() if line.startswith("bwrap:")]
    if sandbox:  # the kernel never started: the grader's set-up is at fault, not the submission
        return (
            "failed",
            f"the grading sandbox could not start the kernel (a set-up problem, not the submission's): {sandbox[0]}",
            notes,
        )
    for needle, reason in _FAILURES:
        if needle in log:
            return "failed", reason, notes
    last_error = [line for line in log.splitlines() if "ERROR" in line]
    return "failed", (last_error[-1].strip() if last_error else f"nbgrader exited with {returncode}"), notes


def read_scores(root: Path, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    """``grade_id -> (score, max_score)`` for every graded cell of the student's notebooks."""
    cells: dict[str, tuple[float, float]] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return cells
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                cells[grade.name] = (float(grade.score or 0.0), float(grade.max_score))
    return cells


@functools.cache
def _confined_kernels() -> dict[str, str] | None:
    """The environment that makes nbgrader start sandboxed kernels (None: no sandbox here)."""
    if os.environ.get(UNCONFINED_ENV_VAR, "") not in {"", "0"}:
        return None
    environment = confinement.kernel_environment(Path(tempfile.mkdtemp(prefix="cnn-kernels-")))
    if environment is None:
        print(confinement.warning(), file=sys.stderr)
    return environment


def _errors_in_graded_notebooks(root: Path, assignment: str, student: str) -> list[str]:
    """``"ErrorName: message"`` of every error the graded notebooks show."""
    errors = []
    for path in sorted((root / "autograded" / student / assignment).glob("*.ipynb")):
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001  (nbgrader wrote it; if it cannot be read there is nothing to add)
            continue
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    errors.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    return errors


def limit_reached(
    log: str, errors: list[str], group: control_groups.ControlGroup | None, limits: confinement.GradingLimits
) -> str:
    """Which of the submission's limits it ran into (``""``: none): a bomb is reported, not graded."""
    if confinement.OUTPUT_LIMIT_MARK in log:
        return f"it printed more than its output limit ({limits.output_mb:g} MB); the rest was dropped"
    if (group is not None and group.hit_memory_limit()) or any(e.split(":")[0].endswith("MemoryError") for e in errors):
        return f"it used more memory than its limit ({limits.memory_gb:g} GB)"
    if (group is not None and group.hit_process_limit()) or any(
        e.startswith("BlockingIOError") and "Resource temporarily unavailable" in e for e in errors
    ):
        return f"it started more processes than its limit ({limits.processes})"
    if any("No space left on device" in e or "File too large" in e for e in errors):
        return f"it wrote more than its disk quota ({limits.scratch_mb} MB per folder, {limits.file_mb} MB per file)"
    return ""


def run_autograde(root: Path, assignment: str, student: str, timeout: int | None = None) -> Result:
    """``nbgrader autograde`` of one submission in ``root``, its kernel confined (see confinement)
    in a control group of its own, then the trusted checks (see verdicts), which may lower scores in
    the gradebook: the outcome, without the scores yet."""
    args = ["autograde", assignment, "--student", student, "--force"]
    if timeout is not None:
        args.append(f"--Execute.timeout={timeout}")
    sandbox = _confined_kernels()
    if sandbox is not None:
        args.append(f"--Execute.kernel_name={confinement.KERNEL_NAME}")
    limits = confinement.GradingLimits()
    group = control_groups.create(student, limits.processes, limits.memory_gb)
    environment = {**(sandbox or {}), **(group.environment() if group else {})}
    start = time.perf_counter()
    try:
        try:
            process = nbgrader(*args, cwd=root, check=False, env=environment, timeout=limits.wall_seconds)
            log, returncode = process.stdout + process.stderr, process.returncode
        except subprocess.TimeoutExpired as stopped:
            log, returncode = _text(stopped.stdout) + _text(stopped.stderr), None
        reached = limit_reached(log, _errors_in_graded_notebooks(root, assignment, student), group, limits)
    finally:
        if group is not None:
            group.remove()  # whatever it started, however detached, ends with its grading
    seconds = time.perf_counter() - start
    if returncode is None:
        reason = f"its grading ran past the time limit for a whole submission ({limits.wall_seconds} s)"
        return Result(student, assignment, "failed", {}, reason, [], seconds, log)
    status, reason, notes = _diagnose(log, returncode)
    if reached:
        return Result(student, assignment, "failed", {}, reached, notes, seconds, log)
    if status == "graded":
        try:
            notes += verdicts.enforce(root, assignment, student, max(timeout or 0, verdicts.CALL_SECONDS))
        except Exception as error:  # noqa: BLE001  (a broken trusted check must not stop the class's grading)
            status, reason = "failed", f"the trusted checks could not run ({type(error).__name__}: {error})"[:500]
        seconds = time.perf_counter() - start
    return Result(student, assignment, status, {}, reason, notes, seconds, log)


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")


def autograde_student(root: Path, assignment: str, student: str, timeout: int | None = None) -> Result:
    """Autograde one student's submission in the course directory ``root``."""
    result = run_autograde(root, assignment, student, timeout)
    result.cells = read_scores(root, assignment, student)
    return result


def submitted_students(root: Path, assignment: str) -> list[str]:
    submitted = root / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir())


def autograde_class(
    root: Path,
    assignment: str,
    students: list[str] | None = None,
    timeout: int | None = None,
    progress: Callable[[str], None] | None = print,
) -> list[Result]:
    """Autograde every (or the named) student's submission, reporting progress as it goes."""
    students = students or submitted_students(root, assignment)
    results = []
    for index, student in enumerate(students, start=1):
        if progress:
            progress(f"[{index}/{len(students)}] {assignment}: grading {student} ...")
        result = autograde_student(root, assignment, student, timeout)
        results.append(result)
        if progress:
            outcome = (
                f"{result.score:g}/{result.max_score:g}" if result.status == "graded" else f"FAILED: {result.reason}"
            )
            extra = f" ({'; '.join(result.notes)})" if result.notes else ""
            progress(f"      {outcome} in {result.seconds:.1f} s{extra}")
    return results
