"""Prove every fixture's expected score cheaply: one kernel per assignment, affected cells only.

A full ``nbgrader autograde`` per fixture restarts Python, TensorFlow and the whole notebook each
time.  Here the instructor notebook runs once, as nbgrader runs it (``NBGRADER_EXECUTION=autograde``,
so training is cut short), in one kernel.  Then, for each fixture, the solution cells it replaces
are run with the fixture's code (after removing what the solution defined there), every test cell
from the first replaced one on is run again and scored with nbgrader's own rule
(``determine_grade``, after the course's stderr filter), and the solution cells are restored.

This is faithful as long as test cells depend only on the graded functions and on set-up cells,
which CONTRIBUTING.md requires; the end-to-end autograde of the solution, blank, partial and broken
submissions (``grading.py``) still runs for real.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.utils import determine_grade
from traitlets.config import Config

from .layout import CONFIG
from .registry import Assignment
from .submissions import Fixture, graded_cells


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def ignore_pattern() -> re.Pattern | None:
    """The course's ``IgnorePattern`` (harmless stderr nbgrader must not count), from nbgrader_config.py."""
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(CONFIG)}
    exec(compile(CONFIG.read_text(encoding="utf-8"), str(CONFIG), "exec"), namespace)
    settings = config.get("IgnorePattern", {})
    return re.compile(settings["pattern"]) if settings.get("enabled") and settings.get("pattern") else None


def score(cell, pattern: re.Pattern | None) -> float:
    """Points nbgrader gives an executed test cell."""
    cell = copy.deepcopy(cell)
    if pattern is not None:
        cell.outputs = [
            o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr" and pattern.match(o.text))
        ]
    return float(determine_grade(cell)[0] or 0.0)


def defined_names(source: str) -> list[str]:
    """Top-level names a cell binds (functions, classes, assignments), to undefine before a fixture."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


@dataclass
class Proof:
    """What each test cell scored for one fixture, against what it must score."""

    fixture: str
    scores: dict[str, float] = field(default_factory=dict)
    expected: dict[str, float] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        return [
            f"{self.fixture}: {cell} scored {self.scores.get(cell)}, expected {points:g}"
            for cell, points in self.expected.items()
            if self.scores.get(cell) != points
        ]


def prove(assignment: Assignment, fixtures: list[Fixture], timeout: int = 300) -> list[Proof]:
    """Run the assignment once and every fixture's affected cells; return one Proof per fixture
    (the first, named "solution", is the notebook as written)."""
    notebook = nbformat.read(assignment.source_notebook, as_version=4)
    points = graded_cells(notebook)
    pattern = ignore_pattern()
    solutions = {
        _nbgrader(c)["grade_id"]: (i, c.source) for i, c in enumerate(notebook.cells) if _nbgrader(c).get("solution")
    }
    tests = [
        (i, _nbgrader(c)["grade_id"])
        for i, c in enumerate(notebook.cells)
        if _nbgrader(c).get("grade") and not _nbgrader(c).get("solution")
    ]
    workdir = Path(tempfile.mkdtemp(prefix="cnn-proof-"))
    shutil.copytree(assignment.source_dir, workdir, dirs_exist_ok=True)
    saved = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    proofs = []
    try:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
            baseline = {grade_id: score(notebook.cells[i], pattern) for i, grade_id in tests}
            proofs.append(Proof("solution", baseline, dict(points)))
            for fixture in fixtures:
                changed = {k: v for k, v in fixture.cells.items() if solutions[k][1] != v}
                expected = {cell: (0.0 if cell in fixture.lost else p) for cell, p in points.items()}
                if not changed:
                    proofs.append(Proof(fixture.name, dict(baseline), expected))
                    continue
                first = min(solutions[k][0] for k in changed)
                for grade_id, source in changed.items():
                    _run(
                        client, notebook, solutions[grade_id][0], source, undefine=defined_names(solutions[grade_id][1])
                    )
                scores = {g: s for g, s in baseline.items()}
                for index, grade_id in tests:
                    if index > first:
                        scores[grade_id] = score(_run(client, notebook, index, notebook.cells[index].source), pattern)
                proofs.append(Proof(fixture.name, scores, expected))
                for grade_id in changed:
                    index, source = solutions[grade_id]
                    _run(client, notebook, index, source, undefine=defined_names(source))
    finally:
        if saved is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = saved
        shutil.rmtree(workdir, ignore_errors=True)
    return proofs


def _run(client: NotebookClient, notebook, index: int, source: str, undefine: list[str] = ()):
    """Execute ``source`` as a fresh copy of cell ``index``; returns the executed copy."""
    if undefine:
        cleanup = nbformat.v4.new_code_cell("\n".join(f"globals().pop({name!r}, None)" for name in undefine))
        client.execute_cell(cleanup, index)
    cell = copy.deepcopy(notebook.cells[index])
    cell.source, cell.outputs, cell.execution_count = source, [], None
    client.execute_cell(cell, index)
    return cell
