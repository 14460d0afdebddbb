"""Grade a class in parallel: each submission in its own throw-away course directory.

nbgrader grades one student at a time, and its SQLite gradebook is not safe under concurrent
writers.  Here every submission becomes a self-contained :class:`Job` (plain bytes: the course
config, the assignment's source, a snapshot of the gradebook and the student's files), graded by
:func:`grade_job` anywhere — a thread on this machine, or a Dask worker on another — in a fresh
directory with ``nbgrader autograde``.  The results come back as plain values and one writer,
the calling process, puts them into the class gradebook and copies the autograded notebooks.

Already-graded submissions are skipped unless ``force``, so an interrupted run resumes where it
stopped.  For a class too big for one machine, pass a Dask scheduler address; nbgrader's database
can also be PostgreSQL (``c.CourseDirectory.db_url = "postgresql://..."`` in nbgrader_config.py).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from .grading import Result, read_scores, run_autograde


@dataclass
class Job:
    """Everything needed to grade one submission, as bytes (so it can travel to another machine)."""

    assignment: str
    student: str
    config: bytes
    gradebook: bytes
    source: dict[str, bytes]  # paths under source/<assignment>/
    submitted: dict[str, bytes]  # paths under submitted/<student>/<assignment>/
    timeout: int | None = None


@dataclass
class Outcome:
    """What grading one submission gave, as plain values."""

    student: str
    status: str
    reason: str
    notes: list[str]
    seconds: float
    log: str
    timestamp: object = None
    grades: dict[tuple[str, str], tuple[float | None, float, bool]] = field(default_factory=dict)
    comments: dict[tuple[str, str], str | None] = field(default_factory=dict)
    autograded: dict[str, bytes] = field(default_factory=dict)  # paths under autograded/<student>/<assignment>/


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def grade_job(job: Job) -> Outcome:
    """Autograde one submission in a fresh course directory; never raises for a bad submission."""
    root = Path(tempfile.mkdtemp(prefix=f"cnn-grade-{job.student}-"))
    try:
        (root / "nbgrader_config.py").write_bytes(job.config)
        (root / "gradebook.db").write_bytes(job.gradebook)
        _write(root / "source" / job.assignment, job.source)
        _write(root / "submitted" / job.student / job.assignment, job.submitted)
        run = run_autograde(root, job.assignment, job.student, job.timeout)
        outcome = Outcome(job.student, run.status, run.reason, run.notes, run.seconds, run.log)
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            try:
                submission = gradebook.find_submission(job.assignment, job.student)
            except MissingEntry:
                return outcome
            outcome.timestamp = submission.timestamp
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    key = (notebook.name, grade.name)
                    outcome.grades[key] = (grade.auto_score, float(grade.max_score), bool(grade.needs_manual_grade))
                for comment in notebook.comments:
                    outcome.comments[(notebook.name, comment.name)] = comment.auto_comment
        autograded = root / "autograded" / job.student / job.assignment
        if autograded.is_dir():
            outcome.autograded = _files(autograded)
        return outcome
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _snapshot(database: Path) -> bytes:
    """A consistent copy of the SQLite gradebook, taken with SQLite's own backup API."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gradebook.db"
        with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        return copy.read_bytes()


def graded_students(root: Path, assignment: str) -> set[str]:
    """Students whose submission of ``assignment`` is already in the class gradebook."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        try:
            return {s.student.id for s in gradebook.find_assignment(assignment).submissions}
        except MissingEntry:
            return set()


def record(root: Path, assignment: str, outcome: Outcome) -> None:
    """Write one outcome into the class gradebook and ``autograded/`` (the single writer)."""
    target = root / "autograded" / outcome.student / assignment
    if target.exists():
        shutil.rmtree(target)
    _write(target, outcome.autograded)
    if not outcome.grades:
        return
    # Replacing a submission makes SQLAlchemy warn about nbgrader's own relationships; harmless.
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        warnings.simplefilter("ignore", SAWarning)
        gradebook.update_or_create_student(outcome.student)
        try:
            gradebook.remove_submission(assignment, outcome.student)
        except MissingEntry:
            pass
        gradebook.add_submission(assignment, outcome.student, timestamp=outcome.timestamp)
        for (notebook, name), (score, _, manual) in outcome.grades.items():
            grade = gradebook.find_grade(name, notebook, assignment, outcome.student)
            grade.auto_score, grade.needs_manual_grade = score, manual
        for (notebook, name), text in outcome.comments.items():
            gradebook.find_comment(name, notebook, assignment, outcome.student).auto_comment = text
        gradebook.db.commit()


def _jobs(root: Path, assignment: str, students: list[str], timeout: int | None) -> Iterator[Job]:
    config, source = (root / "nbgrader_config.py").read_bytes(), _files(root / "source" / assignment)
    database = _snapshot(root / "gradebook.db")
    for student in students:
        submitted = _files(root / "submitted" / student / assignment)
        yield Job(assignment, student, config, database, source, submitted, timeout)


def autograde_parallel(
    root: Path,
    assignment: str,
    students: list[str],
    workers: int = 2,
    scheduler: str | None = None,
    force: bool = False,
    timeout: int | None = None,
    progress: Callable[[str], None] | None = print,
) -> list[Result]:
    """Autograde ``students`` with ``workers`` parallel graders (or on a Dask cluster: ``scheduler``
    is an address, or ``"local"`` for a local cluster); returns one Result per graded student."""
    return autograde_parallel_class(root, {assignment: students}, workers, scheduler, force, timeout, progress)


def autograde_parallel_class(
    root: Path,
    work: dict[str, list[str]],
    workers: int = 2,
    scheduler: str | None = None,
    force: bool = False,
    timeout: int | None = None,
    progress: Callable[[str], None] | None = print,
) -> list[Result]:
    """Like :func:`autograde_parallel` for several assignments (``assignment -> students``) at once:
    one queue for all, so no worker waits at the end of one assignment while another has work."""
    todo: dict[str, list[str]] = {}
    for assignment, students in work.items():
        if not force:
            done = graded_students(root, assignment)
            skipped = [s for s in students if s in done]
            students = [s for s in students if s not in done]
            if skipped and progress:
                progress(f"{assignment}: {len(skipped)} submission(s) already graded, skipped (use --force to regrade)")
        if students:
            todo[assignment] = students
    if not todo:
        return []
    results = []
    with _executor(workers, scheduler) as pool:
        futures: dict[Future, str] = {
            pool.submit(grade_job, job): job.assignment
            for assignment, students in todo.items()
            for job in _jobs(root, assignment, students, timeout)
        }
        bar = _bar(len(futures), next(iter(todo)) if len(todo) == 1 else f"{len(todo)} assignments", progress)
        for future in pool.as_completed(futures):
            assignment, outcome = futures[future], future.result()
            record(root, assignment, outcome)
            cells = read_scores(root, assignment, outcome.student) if outcome.grades else {}
            results.append(
                Result(
                    outcome.student,
                    assignment,
                    outcome.status,
                    cells,
                    outcome.reason,
                    outcome.notes,
                    outcome.seconds,
                    outcome.log,
                )
            )
            if bar is not None:
                bar.update(1)
                score = results[-1].score if outcome.status == "graded" else "FAILED"
                bar.set_postfix_str(f"{assignment} {outcome.student}: {score}")
        if bar is not None:
            bar.close()
    order = {(a, s): i for i, (a, s) in enumerate((a, s) for a, students in todo.items() for s in students)}
    return sorted(results, key=lambda r: order[(r.assignment, r.student)])


def _bar(total: int, assignment: str, progress):
    if progress is None:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=assignment, unit="submission")


class _executor:
    """``with _executor(workers, scheduler) as pool``: ``pool.submit(fn, arg)``, ``pool.as_completed(futures)``."""

    def __init__(self, workers: int, scheduler: str | None) -> None:
        self.workers, self.scheduler = max(1, workers), scheduler

    def __enter__(self):
        if self.scheduler is None:
            self.pool = ThreadPoolExecutor(self.workers)  # each job runs nbgrader in its own process
            self.submit, self.as_completed = self.pool.submit, as_completed
            return self
        try:
            from distributed import Client, LocalCluster
            from distributed import as_completed as dask_as_completed
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise SystemExit("Grading on Dask needs the `distributed` package (requirements-dev.txt).") from error
        if self.scheduler == "local":
            self.cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self.client = Client(self.cluster)
        else:
            self.cluster, self.client = None, Client(self.scheduler)
        self.submit = lambda fn, arg: self.client.submit(fn, arg, pure=False)
        self.as_completed = dask_as_completed
        return self

    def __exit__(self, *exc) -> None:
        if self.scheduler is None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        else:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()
