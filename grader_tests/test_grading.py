"""End-to-end autograding: every sample submission earns exactly the score it should.

For each assignment one class is graded: the instructor's solution (full marks), the blank
release (zero), a partial submission (the first half of the functions solved) and every fixture
in ``grader_tests/fixtures/<assignment>/`` (alternative correct solutions, common mistakes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course_tools import classroom, grading
from course_tools.layout import Assignment

pytestmark = pytest.mark.slow


def test_every_submission_earns_exactly_its_expected_score(assignment: Assignment, tmp_path: Path) -> None:
    variants = classroom.all_variants(assignment)
    names = {v.name for v in variants}
    assert {"solution", "blank", "partial"} <= names
    root = classroom.prepare(tmp_path, assignment, variants)
    results = grading.autograde_class(root, assignment.name, [v.name for v in variants], progress=None)
    problems = []
    for variant, result in zip(variants, results):
        problems += classroom.mismatches(assignment, variant, result)
    assert not problems, "\n".join(problems)
    by_name = {r.student: r for r in results}
    assert by_name["solution"].score == by_name["solution"].max_score > 0
    assert by_name["blank"].score == 0
    assert 0 < by_name["partial"].score < by_name["partial"].max_score
