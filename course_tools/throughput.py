"""``make bench``'s class throughput: how fast a class is graded, and what confinement costs.

A generated class (students ``solution``, ``blank`` and ``partial`` in every assignment: 24
submissions for eight assignments) is graded four ways, each in a fresh copy of the course:

* serially and unconfined: nbgrader as it is, one student after the other (plus the trusted checks);
* serially and confined: the same, each submission in its sandbox and control group;
* with the parallel workers on this machine (``--workers``, default: the cores);
* on a Dask local cluster with as many workers.

Every mode must give every submission the same scores; the report gives submissions per minute,
the speed-up over serial grading and the per-submission time that confinement adds.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import classroom, grading, verdicts
from .parallel import autograde_parallel_class
from .registry import Assignment

STUDENTS = ("solution", "blank", "partial")


@dataclass
class Run:
    mode: str
    seconds: float
    results: list[grading.Result]

    @property
    def per_minute(self) -> float:
        return 60 * len(self.results) / self.seconds

    def scores(self) -> dict[tuple[str, str], float | None]:
        return {(r.assignment, r.student): r.score for r in self.results}


def generated_class(folder: Path, chosen: list[Assignment]) -> tuple[Path, dict[str, list[str]]]:
    """A course directory with every chosen assignment released and the three students submitted."""
    work = {}
    for assignment in chosen:
        variants = [v for v in classroom.all_variants(assignment, with_fixtures=False) if v.name in STUDENTS]
        classroom.prepare(folder, assignment, variants)
        work[assignment.name] = [v.name for v in variants]
    return folder, work


def _serial(root: Path, work: dict[str, list[str]]) -> list[grading.Result]:
    results = []
    for assignment, students in work.items():
        results += grading.autograde_class(root, assignment, students, progress=None)
    return results


def _unconfined(grade: Callable[[], list[grading.Result]]) -> list[grading.Result]:
    previous = os.environ.get(grading.UNCONFINED_ENV_VAR)
    os.environ[grading.UNCONFINED_ENV_VAR] = "1"
    grading._confined_kernels.cache_clear()
    try:
        return grade()
    finally:
        if previous is None:
            del os.environ[grading.UNCONFINED_ENV_VAR]
        else:
            os.environ[grading.UNCONFINED_ENV_VAR] = previous
        grading._confined_kernels.cache_clear()


def measure(folder: Path, chosen: list[Assignment], workers: int) -> list[Run]:
    """Grade the generated class in each mode (a fresh copy of the course for each)."""
    template, work = generated_class(folder / "class", chosen)
    modes: dict[str, Callable[[Path], list[grading.Result]]] = {
        "serial, unconfined (nbgrader as is)": lambda root: _unconfined(lambda: _serial(root, work)),
        "serial, confined": lambda root: _serial(root, work),
        f"{workers} parallel workers, confined": lambda root: autograde_parallel_class(
            root, work, workers, progress=None
        ),
        f"Dask local cluster ({workers} workers), confined": lambda root: autograde_parallel_class(
            root, work, workers, scheduler="local", progress=None
        ),
    }
    runs = []
    for index, (mode, grade) in enumerate(modes.items()):
        root = folder / f"mode-{index}"
        shutil.copytree(template, root)
        print(f"class throughput: {mode} ({sum(map(len, work.values()))} submissions) ...", flush=True)
        verdicts.forget_references()  # every mode computes the reference answers once, as a real run does
        start = time.perf_counter()
        results = grade(root)
        runs.append(Run(mode, time.perf_counter() - start, results))
        print(f"      {runs[-1].seconds:.0f} s, {runs[-1].per_minute:.2f} submissions/min", flush=True)
    return runs


def problems(runs: list[Run]) -> list[str]:
    """Submissions whose scores differ between modes, or that failed."""
    found = []
    reference = runs[0].scores()
    for run in runs:
        for key, score in run.scores().items():
            if score != reference.get(key):
                found.append(f"{run.mode}: {key[0]}/{key[1]} scored {score}, serial grading gave {reference.get(key)}")
        found += [f"{run.mode}: {r.assignment}/{r.student} FAILED: {r.reason}" for r in run.results if r.score is None]
    return found


def format_table(runs: list[Run], reference_seconds: float) -> str:
    serial = runs[1]  # confined: what the others are compared with
    count = len(serial.results)
    lines = [
        f"Class throughput: {count} submissions (reference workload here: {reference_seconds:.1f} s)",
        "",
        "| mode | wall time | submissions/min | speed-up vs serial confined |",
        "|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.mode} | {run.seconds:.0f} s | {run.per_minute:.2f} | {serial.seconds / run.seconds:.2f}x |"
        )
    bare, confined = runs[0], runs[1]
    overhead = (confined.seconds - bare.seconds) / count
    lines += [
        "",
        f"Confinement adds {overhead:+.1f} s per submission "
        f"({100 * (confined.seconds - bare.seconds) / bare.seconds:+.1f} % of serial unconfined grading, "
        f"{bare.seconds / count:.1f} s per submission).",
    ]
    return "\n".join(lines)
