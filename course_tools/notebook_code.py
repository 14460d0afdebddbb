"""Run the instructor notebook's own code outside the notebook.

Recipes that need a graded architecture (the ResNet50 the students build, say) take it from the
solution cells of ``source/``, so the shipped weights always fit the notebook's reference answer
and the architecture is written once.
"""

from __future__ import annotations

import nbformat

from .registry import Assignment


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_namespace(assignment: Assignment) -> dict:
    """A namespace holding the notebook's first code cell (its imports) and every solution cell."""
    notebook = nbformat.read(assignment.source_notebook, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    chosen = [code[0]] + [cell for cell in code[1:] if _nbgrader(cell).get("solution")]
    namespace: dict = {"__name__": f"solution_of_{assignment.name}"}
    for cell in chosen:
        exec(
            compile(cell.source, f"<{assignment.name}:{_nbgrader(cell).get('grade_id', 'imports')}>", "exec"), namespace
        )
    return namespace
