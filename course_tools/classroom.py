"""Sample classes: the demo class and the fixture classes that prove the grading is right."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import nbformat

from .grading import Result, autograde_class
from .layout import Assignment, generate_release, make_course_dir
from .submissions import (
    Fixture,
    fill,
    fixtures,
    graded_cells,
    solution_cells,
    standard_variants,
    write_submission,
)


def prepare(root: Path, assignment: Assignment, variants: list[Fixture]) -> Path:
    """Course directory with the assignment released and one student per variant submitted."""
    make_course_dir(root, [assignment])
    release_dir = generate_release(root, assignment)
    release = nbformat.read(release_dir / f"{assignment.notebook_name}.ipynb", as_version=4)
    for variant in variants:
        write_submission(root, variant.name, assignment.name, assignment.notebook_name, fill(release, variant.cells))
    return root


def all_variants(assignment: Assignment, with_fixtures: bool = True) -> list[Fixture]:
    """The solution, blank and partial submissions, then every fixture of ``grader_tests/fixtures``."""
    source = nbformat.read(assignment.source_notebook, as_version=4)
    release = (
        nbformat.read(assignment.release_notebook, as_version=4) if assignment.release_notebook.exists() else source
    )
    variants = standard_variants(source, release)
    if not with_fixtures:
        return variants
    # A fixture writes only the functions it changes; the others are the solution's.
    solutions = solution_cells(source)
    return variants + [replace(fixture, cells={**solutions, **fixture.cells}) for fixture in fixtures(assignment.name)]


def expected_scores(assignment: Assignment, variant: Fixture) -> dict[str, float]:
    """``test cell -> points`` the variant must earn: 0 for the lost cells, full points otherwise."""
    source = nbformat.read(assignment.source_notebook, as_version=4)
    return {cell: (0.0 if cell in variant.lost else points) for cell, points in graded_cells(source).items()}


def mismatches(assignment: Assignment, variant: Fixture, result: Result) -> list[str]:
    """Differences between what a variant earned and what it must earn."""
    if result.status != "graded":
        return [f"{variant.name}: autograde failed: {result.reason}"]
    problems = []
    for cell, points in expected_scores(assignment, variant).items():
        got = result.cells.get(cell, (None, None))[0]
        if got != points:
            problems.append(f"{variant.name}: {cell} scored {got}, expected {points:g}")
    return problems


def check_fixtures(workdir: Path, assignment: Assignment, names: list[str] | None = None, progress=print) -> list[str]:
    """Grade every variant of the assignment and return all mismatches (empty when all is right)."""
    variants = [v for v in all_variants(assignment) if not names or v.name in names]
    root = prepare(workdir, assignment, variants)
    results = autograde_class(root, assignment.name, [v.name for v in variants], progress=progress)
    problems = []
    for variant, result in zip(variants, results):
        problems += mismatches(assignment, variant, result)
    return problems
