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
    flagged = [(r, note) for r in results for note in r.notes if note.startswith("FLAGGED")]
    if flagged:
        lines += ["", "Test cells the notebook passed but the trusted checks did not (scored 0; look at these):"]
        lines.extend(f"{r.student} / {r.assignment}: {note.removeprefix('FLAGGED: ')}" for r, note in flagged)
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


def _graded_by_assignment(results: list[Result]) -> dict[str, list[Result]]:
    by_assignment: dict[str, list[Result]] = {}
    for r in results:
        if r.status == "graded" and r.max_score > 0:
            by_assignment.setdefault(r.assignment, []).append(r)
    return by_assignment


def score_histogram(results: list[Result], bins: int = 10) -> dict[str, list[int]]:
    """Per assignment, how many graded submissions fall in each ``1/bins`` share of the points
    (the last bin holds full marks too)."""
    counts = {}
    for assignment, graded in _graded_by_assignment(results).items():
        row = [0] * bins
        for r in graded:
            row[min(int(r.score / r.max_score * bins), bins - 1)] += 1
        counts[assignment] = row
    return counts


def failure_rates(results: list[Result]) -> dict[str, list[tuple[str, int, int]]]:
    """Per assignment, each test cell with how many graded submissions lost points on it and out of
    how many, most-failed first: the exercises whose explanation needs work come on top."""
    rates = {}
    for assignment, graded in _graded_by_assignment(results).items():
        cells = dict.fromkeys(cell for r in graded for cell in r.cells)
        rows = []
        for cell in cells:
            lost = sum(1 for r in graded if cell in r.cells and r.cells[cell][0] < r.cells[cell][1])
            rows.append((cell, lost, sum(1 for r in graded if cell in r.cells)))
        rates[assignment] = sorted(rows, key=lambda row: (-row[1] / max(row[2], 1), row[0]))
    return rates


def class_summary(results: list[Result], bins: int = 10) -> str:
    """The score histogram and the failure table of every assignment, as terminal text."""
    lines = []
    histograms, rates = score_histogram(results, bins), failure_rates(results)
    for assignment, counts in histograms.items():
        lines += ["", f"{assignment}: scores of {sum(counts)} graded submission(s)"]
        widest = max(counts) or 1
        for k, count in enumerate(counts):
            low, high = 100 * k // bins, 100 * (k + 1) // bins
            label = f"{low:3d}-{high:3d} %" if k < bins - 1 else f"{low:3d}-100 %"
            lines.append(f"  {label}  {'#' * round(20 * count / widest):<20} {count}")
        lines.append("  test cell                           lost points")
        for cell, lost, total in rates[assignment]:
            lines.append(f"  {cell:<34}  {lost:>4} / {total:<4} {100 * lost / max(total, 1):5.0f} %")
    return "\n".join(lines).lstrip("\n")


def save_class_summary(results: list[Result], path: Path, bins: int = 10) -> Path | None:
    """The same summary as a PNG: per assignment, the score histogram beside the failure rates."""
    histograms, rates = score_histogram(results, bins), failure_rates(results)
    if not histograms:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(len(histograms), 2, figsize=(11, 3.2 * len(histograms)), squeeze=False)
    for (assignment, counts), (left, right) in zip(histograms.items(), axes):
        edges = [100 * k / bins for k in range(bins)]
        left.bar(edges, counts, width=100 / bins, align="edge", color="#4c72b0", edgecolor="white")
        left.set(xlim=(0, 100), xlabel="score (% of the points)", ylabel="submissions", title=assignment)
        left.yaxis.set_major_locator(MaxNLocator(integer=True))
        cells = rates[assignment]
        names = [cell for cell, _, _ in cells][::-1]
        shares = [100 * lost / max(total, 1) for _, lost, total in cells][::-1]
        right.barh(names, shares, color="#dd8452")
        right.set(xlim=(0, 100), xlabel="submissions that lost points (%)", title="which tests fail")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
