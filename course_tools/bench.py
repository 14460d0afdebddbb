"""``make bench``: how long each notebook takes, in student mode and under autograde.

Student mode runs the instructor notebook top to bottom with full training budgets, as a student
with a finished notebook would; autograde grades the solution submission with nbgrader.  Metrics
that notebooks report through ``runtime.record_metric`` (test accuracies...) are collected too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from shared_utils.runtime import METRICS_ENV_VAR, QUICK_ENV_VAR

from . import classroom, grading
from .layout import Assignment, assignments

# Seconds on a 2-core CPU (DESIGN.md): student mode per notebook, and autograde per notebook.
STUDENT_BUDGET = {"w2a1_residual_networks": 300, "w4a2_neural_style_transfer": 300}
DEFAULT_STUDENT_BUDGET = 180
AUTOGRADE_BUDGET = 60


def run_student_mode(assignment: Assignment, workdir: Path) -> tuple[float, dict[str, float], list[str]]:
    """Execute the solution notebook with full budgets; returns seconds, metrics and error cells."""
    folder = workdir / assignment.name
    shutil.copytree(assignment.source_dir, folder)
    notebook = nbformat.read(folder / f"{assignment.notebook_name}.ipynb", as_version=4)
    metrics_file = workdir / f"{assignment.name}.metrics.jsonl"
    saved = {key: os.environ.pop(key, None) for key in ("NBGRADER_EXECUTION", QUICK_ENV_VAR)}
    os.environ[METRICS_ENV_VAR] = str(metrics_file)
    try:
        client = NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": folder}})
        client.allow_errors = True
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
    finally:
        os.environ.pop(METRICS_ENV_VAR, None)
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
    errors = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error" or (output.output_type == "stream" and output.name == "stderr"):
                errors.append(f"{cell.get('id')}: {output.get('ename', 'stderr')}")
    nbformat.write(notebook, workdir / f"{assignment.name}.executed.ipynb")
    metrics = {}
    if metrics_file.exists():
        for line in metrics_file.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            metrics[entry["name"]] = entry["value"]
    return seconds, metrics, errors


def run_autograde(assignment: Assignment, workdir: Path) -> grading.Result:
    solution = [v for v in classroom.all_variants(assignment, with_fixtures=False) if v.name == "solution"]
    root = classroom.prepare(workdir / f"{assignment.name}-course", assignment, solution)
    return grading.autograde_student(root, assignment.name, "solution")


def baselines() -> dict[str, float]:
    from .recipes.data import baseline

    return baseline.accuracies()


def main(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rows = []
    for assignment in assignments(args.assignments):
        print(f"{assignment.name}: student mode ...", flush=True)
        seconds, metrics, errors = run_student_mode(assignment, out)
        print(f"{assignment.name}: autograde ...", flush=True)
        graded = run_autograde(assignment, out)
        budget = STUDENT_BUDGET.get(assignment.name, DEFAULT_STUDENT_BUDGET)
        rows.append(
            {
                "assignment": assignment.name,
                "student_seconds": round(seconds, 1),
                "student_budget": budget,
                "autograde_seconds": round(graded.seconds, 1),
                "autograde_budget": AUTOGRADE_BUDGET,
                "autograde_score": f"{graded.score}/{graded.max_score}" if graded.score is not None else "FAILED",
                "errors": errors,
                "metrics": metrics,
            }
        )
    extra = baselines()
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "rows": rows, "baselines": extra}
    (out / "bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    table = format_table(rows, extra)
    (out / "bench.md").write_text(table + "\n", encoding="utf-8")
    print()
    print(table)
    over = [r for r in rows if r["student_seconds"] > r["student_budget"] or r["autograde_seconds"] > AUTOGRADE_BUDGET]
    broken = [r for r in rows if r["errors"]]
    return 1 if over or broken else 0


def format_table(rows: list[dict], extra: dict[str, float]) -> str:
    lines = [
        "| assignment | student mode (s) | budget | autograde (s) | budget | solution score | metrics |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        metrics = ", ".join(f"{k} {v:.3f}" for k, v in r["metrics"].items()) or "-"
        if r["errors"]:
            metrics += f" (errors: {'; '.join(r['errors'])})"
        lines.append(
            f"| {r['assignment']} | {r['student_seconds']} | {r['student_budget']} | {r['autograde_seconds']} "
            f"| {r['autograde_budget']} | {r['autograde_score']} | {metrics} |"
        )
    if extra:
        lines.append("")
        lines.append("Pixel logistic-regression baselines: " + ", ".join(f"{k} {v:.3f}" for k, v in extra.items()))
    return "\n".join(lines)
