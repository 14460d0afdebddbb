"""``make bench``: how long each notebook takes, in student mode and under autograde.

Machines of the same kind differ several-fold in speed, so the bench times a fixed reference
workload (``speed.py``: a slice of the notebooks' own kind of training) and states every time also
as a multiple of it.  Budgets (``registry.py``) are seconds on the reference machine, where the
workload takes ``REFERENCE_SECONDS``; here they are scaled by how long the workload took.  A
machine's speed also changes while other programs run, so the workload is timed again before and
after each notebook and that notebook's budgets are scaled by the mean of the two.

Student mode runs the instructor notebook top to bottom with full training budgets, as a student
with a finished notebook would; autograde grades the solution submission with nbgrader.  Metrics
that notebooks report through ``runtime.record_metric`` (test accuracies...) are collected too.
Last, a generated class is graded serially, in parallel and on Dask (see ``throughput``).
A notebook that runs past twice its scaled budget is stopped and reported as over budget.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from shared_utils.runtime import METRICS_ENV_VAR, QUICK_ENV_VAR

from . import classroom, grading
from .registry import Assignment, assignments
from .speed import REFERENCE_SECONDS, reference_workload


@dataclass
class Row:
    assignment: str
    student_seconds: float | None
    student_budget: float  # scaled to this machine
    autograde_seconds: float | None
    autograde_budget: float
    autograde_score: str
    metrics: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    reference_seconds: float | None = None  # the workload's time around this notebook (None: the table's)

    @property
    def over_budget(self) -> bool:
        student = self.student_seconds is None or self.student_seconds > self.student_budget
        grading_ = self.autograde_seconds is None or self.autograde_seconds > self.autograde_budget
        return student or grading_


def run_student_mode(assignment: Assignment, workdir: Path, limit: float) -> tuple[float | None, dict, list[str]]:
    """Execute the solution notebook with full budgets; returns seconds (None if stopped), metrics, problems."""
    folder = workdir / assignment.name
    shutil.copytree(assignment.source_dir, folder)
    notebook = nbformat.read(assignment.source_notebook, as_version=4)
    metrics_file = workdir / f"{assignment.name}.metrics.jsonl"
    saved = {key: os.environ.pop(key, None) for key in ("NBGRADER_EXECUTION", QUICK_ENV_VAR)}
    os.environ[METRICS_ENV_VAR] = str(metrics_file)
    problems: list[str] = []
    seconds: float | None = None
    start = time.perf_counter()
    try:
        client = NotebookClient(
            notebook, timeout=int(limit), kernel_name="python3", resources={"metadata": {"path": folder}}
        )
        client.allow_errors = True
        client.execute()
        seconds = time.perf_counter() - start
        if seconds > limit:
            problems.append(f"ran {seconds:.0f} s, past the {limit:.0f} s limit")
    except Exception as error:  # a cell past the limit, a dead kernel: reported, not raised
        problems.append(f"stopped after {time.perf_counter() - start:.0f} s: {type(error).__name__}")
    finally:
        os.environ.pop(METRICS_ENV_VAR, None)
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error" or (output.output_type == "stream" and output.name == "stderr"):
                problems.append(f"cell {cell.get('id')}: {output.get('ename', 'stderr')}")
    nbformat.write(notebook, workdir / f"{assignment.name}.executed.ipynb")
    metrics = {}
    if metrics_file.exists():
        for line in metrics_file.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            metrics[entry["name"]] = entry["value"]
    return seconds, metrics, problems


def run_autograde(assignment: Assignment, workdir: Path) -> grading.Result:
    solution = [v for v in classroom.all_variants(assignment, with_fixtures=False) if v.name == "solution"]
    root = classroom.prepare(workdir / f"{assignment.name}-course", assignment, solution)
    return grading.autograde_student(root, assignment.name, "solution")


def baselines() -> dict[str, float]:
    from .recipes.data import baseline

    return baseline.accuracies()


def scale_now() -> tuple[float, float]:
    """The reference workload's time now, and the factor that budgets are multiplied by."""
    reference = reference_workload()
    return reference, reference / REFERENCE_SECONDS


def bench(assignment: Assignment, out: Path) -> Row:
    before, _ = scale_now()
    budget_hint = assignment.student_budget * before / REFERENCE_SECONDS
    print(f"{assignment.name}: student mode (budget about {budget_hint:.0f} s) ...", flush=True)
    seconds, metrics, problems = run_student_mode(assignment, out, limit=2 * budget_hint)
    print(f"{assignment.name}: autograde ...", flush=True)
    graded = run_autograde(assignment, out)
    after, _ = scale_now()
    reference = (before + after) / 2
    scale = reference / REFERENCE_SECONDS
    if graded.status != "graded":
        problems.append(f"autograde failed: {graded.reason}")
    score = f"{graded.score:g}/{graded.max_score:g}" if graded.score is not None else "FAILED"
    return Row(
        assignment.name,
        None if seconds is None else round(seconds, 1),
        round(assignment.student_budget * scale),
        round(graded.seconds, 1) if graded.status == "graded" else None,
        round(assignment.autograde_budget * scale),
        score,
        metrics,
        problems,
        round(reference, 2),
    )


def main(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    reference, scale = scale_now()
    print(
        f"Reference workload: {reference:.1f} s here, {REFERENCE_SECONDS:.2f} s on the reference machine "
        f"(budgets x {scale:.2f}; timed again around each notebook).",
        flush=True,
    )
    chosen = assignments(args.assignments)
    rows = [] if args.class_only else [bench(assignment, out) for assignment in chosen]
    extra = baselines() if rows else {}
    report: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "reference_seconds": reference,
        "reference_machine_seconds": REFERENCE_SECONDS,
        "rows": [asdict(r) for r in rows],
        "baselines": extra,
    }
    table = format_table(rows, reference, extra) if rows else ""
    failed = any(r.over_budget or r.problems for r in rows)
    if not args.no_class:
        from . import throughput

        runs = throughput.measure(out / "throughput", chosen, args.workers)
        report["class_throughput"] = [
            {"mode": r.mode, "seconds": round(r.seconds, 1), "submissions": len(r.results)} for r in runs
        ]
        mismatched = throughput.problems(runs)
        table += ("\n\n" if table else "") + throughput.format_table(runs, reference)
        if mismatched:
            table += "\n\nProblems:\n" + "\n".join(f"- {line}" for line in mismatched)
        failed = failed or bool(mismatched)
    (out / "bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (out / "bench.md").write_text(table + "\n", encoding="utf-8")
    print()
    print(table)
    return 1 if failed else 0


def _seconds(value: float | None, reference: float) -> str:
    return "stopped" if value is None else f"{value:.0f} s ({value / reference:.1f}x ref)"


def format_table(rows: list[Row], reference: float, extra: dict[str, float]) -> str:
    lines = [
        f"Reference workload here: {reference:.1f} s at the start (reference machine: {REFERENCE_SECONDS:.2f} s);"
        " each row's budgets are scaled by the workload's time around that notebook (column ref).",
        "",
        "| assignment | ref | student mode | budget | autograde | budget | solution score | status | metrics |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        row_reference = r.reference_seconds or reference
        metrics = ", ".join(f"{k} {v:.3f}" for k, v in r.metrics.items()) or "-"
        status = "over budget" if r.over_budget else ("problems" if r.problems else "ok")
        if r.problems:
            status += f" ({'; '.join(r.problems)})"
        lines.append(
            f"| {r.assignment} | {row_reference:.1f} s | {_seconds(r.student_seconds, row_reference)} "
            f"| {r.student_budget:.0f} s | {_seconds(r.autograde_seconds, row_reference)} | {r.autograde_budget:.0f} s "
            f"| {r.autograde_score} "
            f"| {status} | {metrics} |"
        )
    if extra:
        lines.append("")
        lines.append("Pixel logistic-regression baselines: " + ", ".join(f"{k} {v:.3f}" for k, v in extra.items()))
    return "\n".join(lines)
