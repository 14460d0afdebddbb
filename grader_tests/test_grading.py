"""Every sample submission earns exactly the score it should.

Two layers, as CONTRIBUTING.md explains:

* end to end, with ``nbgrader autograde`` itself, the submissions that need the whole pipeline:
  the instructor's solution (full marks) and the blank release (zero); a partial submission (the
  first half of the functions solved) too on W1A1, in test_parallel_grading.py;
* every fixture in ``grader_tests/fixtures/<assignment>/`` (alternative correct solutions, common
  mistakes) through ``course_tools.fixture_proof``: one kernel per assignment, only the cells a
  fixture affects, scored with nbgrader's own rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course_tools import classroom, fixture_proof, grading
from course_tools.registry import Assignment
from course_tools.submissions import fixtures
from grader_tests.test_parallel_grading import ASSIGNMENT as PARALLEL_PROOF

pytestmark = pytest.mark.slow


def test_solution_and_blank_earn_their_scores_end_to_end(assignment: Assignment, tmp_path: Path) -> None:
    """Full marks and zero through ``nbgrader autograde`` and the trusted checks.  The partial
    submission is graded end to end on W1A1 (test_parallel_grading.py); elsewhere the fixture
    proofs below score it, with nbgrader's own rule, and test_verdicts.py its trusted checks."""
    if assignment.name == PARALLEL_PROOF.name:
        pytest.skip("graded end to end, with the same checks, by test_parallel_grading.py")
    variants = [v for v in classroom.all_variants(assignment, with_fixtures=False) if v.name != "partial"]
    assert [v.name for v in variants] == ["solution", "blank"]
    root = classroom.prepare(tmp_path, assignment, variants)
    results = grading.autograde_class(root, assignment.name, [v.name for v in variants], progress=None)
    problems = []
    for variant, result in zip(variants, results, strict=True):
        problems += classroom.mismatches(assignment, variant, result)
    assert not problems, "\n".join(problems)
    by_name = {r.student: r for r in results}
    assert by_name["solution"].score == by_name["solution"].max_score > 0
    assert by_name["blank"].score == 0


def test_every_fixture_earns_exactly_its_expected_score(assignment: Assignment) -> None:
    proofs = fixture_proof.prove(assignment, fixtures(assignment.name))
    problems = [line for proof in proofs for line in proof.problems]
    assert not problems, "\n".join(problems)
    assert proofs[0].fixture == "solution" and len(proofs) == 1 + len(fixtures(assignment.name))


def test_every_assignment_has_a_fixture_per_mistake_and_an_alternative(assignment: Assignment) -> None:
    """At least one alternative correct solution (loses nothing) and one mistake (loses something)."""
    found = fixtures(assignment.name)
    assert any(not f.lost for f in found), "write an alternative correct solution as a fixture"
    assert any(f.lost for f in found), "write the common mistakes as fixtures"
