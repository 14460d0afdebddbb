"""Source notebooks follow the authoring rules in CONTRIBUTING.md."""

from __future__ import annotations

from collections import Counter

import nbformat

from course_tools.layout import Assignment
from grader_tests.conftest import source_notebook


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_source_is_valid_and_output_free(assignment: Assignment) -> None:
    notebook = source_notebook(assignment)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) >= (4, 5), "use nbformat 4.5 (cell ids)"
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"
    for index, cell in enumerate(notebook.cells):
        assert cell.get("id"), f"cell {index} has no id"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} ({cell.id}) has outputs: clear them"
            assert cell.execution_count is None, f"cell {index} ({cell.id}) has an execution count"


def test_first_cell_is_the_header(assignment: Assignment) -> None:
    first = source_notebook(assignment).cells[0]
    assert first.cell_type == "markdown" and first.source.lstrip().startswith("# ")


def test_grade_ids_are_unique_and_each_function_has_its_test(assignment: Assignment) -> None:
    cells = source_notebook(assignment).cells
    ids = [_meta(c)["grade_id"] for c in cells if _meta(c)]
    duplicated = [name for name, count in Counter(ids).items() if count > 1]
    assert not duplicated, f"duplicate grade_ids: {duplicated}"
    graded_code = [c for c in cells if _meta(c).get("solution") and c.cell_type == "code"]
    assert graded_code, "no solution cells"
    for cell in graded_code:
        name = _meta(cell)["grade_id"]
        assert f"def {name}(" in cell.source, f"solution cell {name} must define the function {name}"
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        test = f"test_{name}"
        assert test in ids, f"{name} has no test cell {test}"
        position = ids.index(name)
        assert ids[position + 1] == test, f"the test cell {test} must follow its solution cell {name}"


def test_test_cells_are_locked_scored_and_end_with_the_pass_line(assignment: Assignment) -> None:
    for cell in source_notebook(assignment).cells:
        meta = _meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            assert meta.get("locked") is True, f"{meta['grade_id']} must be locked"
            assert meta.get("points", 0) > 0, f"{meta['grade_id']} must be worth points"
            assert cell.source.rstrip().endswith("checks.all_passed()"), (
                f"{meta['grade_id']} must end with checks.all_passed()"
            )
            if "### BEGIN HIDDEN TESTS" in cell.source:
                assert "### END HIDDEN TESTS" in cell.source
