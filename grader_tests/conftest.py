"""Shared fixtures: the assignments, and one generated release for the whole session."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course_tools import releases
from course_tools.layout import Assignment, assignments

ASSIGNMENTS = assignments()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long tests first: the whole-class ones, then the latest assignments (the heaviest).

    With two workers, a long test that starts last leaves the other core idle until it ends; started
    first, it overlaps with the many short ones (the Makefile's ``--maxschedchunk 2`` hands tests out
    two at a time, so that each worker takes the next long one when it is free).
    """
    order = {a.name: i for i, a in enumerate(ASSIGNMENTS)}

    def cost_rank(item: pytest.Item) -> tuple[bool, int]:
        callspec = getattr(item, "callspec", None)
        names = [getattr(value, "name", None) for value in (callspec.params.values() if callspec else ())]
        ranks = [order[name] for name in names if name in order]
        return item.get_closest_marker("slow") is None, -(max(ranks) if ranks else len(ASSIGNMENTS))

    items.sort(key=cost_rank)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "assignment" in metafunc.fixturenames:
        metafunc.parametrize("assignment", ASSIGNMENTS, ids=[a.name for a in ASSIGNMENTS])


@pytest.fixture(scope="session")
def generated_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``release/`` as nbgrader generates it now from ``source/``."""
    return releases.build_releases(tmp_path_factory.mktemp("release-course"), ASSIGNMENTS)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def source_notebook(assignment: Assignment) -> nbformat.NotebookNode:
    return read(assignment.source_notebook)
