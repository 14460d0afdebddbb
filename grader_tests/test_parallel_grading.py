"""A class graded in parallel gets the grades nbgrader gives one by one, in one class gradebook."""

from __future__ import annotations

import pytest

from course_tools import classroom
from course_tools.layout import nbgrader
from course_tools.parallel import autograde_parallel, graded_students
from course_tools.registry import assignments

pytestmark = pytest.mark.slow

ASSIGNMENT = assignments()[0]  # numpy only: quick to grade


def test_parallel_grades_match_and_resume_skips_what_is_done(tmp_path) -> None:
    standard = classroom.all_variants(ASSIGNMENT, with_fixtures=False)
    mistake = next(v for v in classroom.all_variants(ASSIGNMENT)[len(standard) :] if v.lost)
    variants = [*standard, mistake]
    root = classroom.prepare(tmp_path, ASSIGNMENT, variants)
    names = [v.name for v in variants]

    results = autograde_parallel(root, ASSIGNMENT.name, names, workers=2, progress=None)
    assert [r.student for r in results] == names
    problems = [line for v, r in zip(variants, results, strict=True) for line in classroom.mismatches(ASSIGNMENT, v, r)]
    assert not problems, "\n".join(problems)
    assert graded_students(root, ASSIGNMENT.name) == set(names)
    for name in names:
        assert (root / "autograded" / name / ASSIGNMENT.name / f"{ASSIGNMENT.notebook_name}.ipynb").is_file()

    assert autograde_parallel(root, ASSIGNMENT.name, names, workers=2, progress=None) == [], "graded ones are skipped"
    again = autograde_parallel(root, ASSIGNMENT.name, names[:1], workers=1, force=True, progress=None)
    assert again[0].score == again[0].max_score > 0

    feedback = nbgrader("generate_feedback", ASSIGNMENT.name, "--force", cwd=root, check=False)
    assert feedback.returncode == 0, feedback.stdout[-2000:] + feedback.stderr[-2000:]
    assert (root / "feedback" / "solution" / ASSIGNMENT.name / f"{ASSIGNMENT.notebook_name}.html").is_file()


def test_a_dask_local_cluster_grades_like_the_local_workers(tmp_path) -> None:
    pytest.importorskip("distributed")
    variants = [v for v in classroom.all_variants(ASSIGNMENT, with_fixtures=False) if v.name in {"solution", "blank"}]
    root = classroom.prepare(tmp_path, ASSIGNMENT, variants)
    results = autograde_parallel(
        root, ASSIGNMENT.name, ["solution", "blank"], workers=2, scheduler="local", progress=None
    )
    assert [(r.student, r.status) for r in results] == [("solution", "graded"), ("blank", "graded")]
    assert results[0].score == results[0].max_score > 0 and results[1].score == 0
