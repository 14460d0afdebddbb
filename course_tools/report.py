"""Grade tables for the terminal and as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from .grading import Result


def _cell(result: Result | None) -> str:
    if result is None:
        return "-"
    if result.status != "graded":
        return "FAILED"
    return f"{result.score:g}/{result.max_score:g}"


def grade_table(results: list[Result]) -> str:
    """Students as rows, assignments as columns; failures are spelled out under the table."""
    assignments = list(dict.fromkeys(r.assignment for r in results))
    students = list(dict.fromkeys(r.student for r in results))
    lookup = {(r.student, r.assignment): r for r in results}
    header = ["student", *assignments, "total"]
    rows = []
    for student in students:
        mine = [lookup.get((student, a)) for a in assignments]
        graded = [r for r in mine if r is not None]
        failed = any(r.status != "graded" for r in graded)
        total = "FAILED" if failed else f"{sum(r.score for r in graded):g}/{sum(r.max_score for r in graded):g}"
        rows.append([student, *(_cell(r) for r in mine), total])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths)) for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    problems = [r for r in results if r.status != "graded"]
    if problems:
        lines.append("")
        lines.extend(f"FAILED {r.student} / {r.assignment}: {r.reason}" for r in problems)
    return "\n".join(lines)


def write_csv(results: list[Result], path: Path) -> Path:
    """One row per student and assignment, with status and reason, for spreadsheets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "assignment", "status", "score", "max_score", "reason", "notes"])
        for r in results:
            score = "" if r.score is None else f"{r.score:g}"
            writer.writerow(
                [r.student, r.assignment, r.status, score, f"{r.max_score:g}", r.reason, "; ".join(r.notes)]
            )
    return path
