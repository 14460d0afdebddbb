"""The student's path in a real browser: open an assignment in JupyterLab, Run All, press Validate.

A solved notebook passes Validate, a wrong one shows the failing test's message, and the Nbgrader
menu opens the Formgrader.  Debian's Chromium is driven by Playwright (see browser_support.py);
where either is missing the test is skipped, except under CI, where it must run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from course_tools.layout import assignments, make_course_dir
from course_tools.submissions import fill, graded_cells, solution_cells

from . import browser_support as bs

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

ASSIGNMENT = assignments()[0]  # w1a1: numpy only, the quickest notebook to run
# A typical slip: the gradient shared among n_H + n_W entries instead of n_H * n_W.  The visible
# test's first case (a 2×2 window) still passes, its second (2×3) fails with this message and hint.
WRONG = {
    "distribute_value": (
        "def distribute_value(dz, shape):\n    (n_H, n_W) = shape\n    return np.full(shape, dz / (n_H + n_W))\n"
    )
}
WRONG_MESSAGE = "distribute_value(3.0, (2, 3)) has wrong values: 6 of 6 differ"
WRONG_HINT = "Hint: divide dz by the number of entries"

_MISSING = bs.missing_browser()
if _MISSING and not bs.browser_required():
    pytest.skip(f"no browser for the end-to-end test: {_MISSING}", allow_module_level=True)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away course directory (the repository's release/ stays untouched) with the
    assignment's source, for the Formgrader, and two students' copies: solved and wrong."""
    root = make_course_dir(tmp_path_factory.mktemp("browser-course"), [ASSIGNMENT])
    release = nbformat.read(ASSIGNMENT.release_notebook, as_version=4)
    solutions = solution_cells(nbformat.read(ASSIGNMENT.source_notebook, as_version=4))
    for folder, cells in [("solved", solutions), ("wrong", {**solutions, **WRONG})]:
        target = bs.copy_assignment(ASSIGNMENT.release_notebook.parent, root / "student" / folder)
        nbformat.write(fill(release, cells), target / ASSIGNMENT.release_notebook.name)
    return root


@pytest.fixture(scope="module")
def lab(course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[bs.Lab]:
    with bs.lab_server(course, tmp_path_factory.mktemp("browser-lab")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if _MISSING:
        pytest.fail(f"the browser test must run under CI (or COURSE_REQUIRE_BROWSER=1), but {_MISSING}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = bs.launch_chromium(playwright)
        yield chromium
        chromium.close()


@contextmanager
def _tab(browser: Browser, lab: bs.Lab) -> Iterator[Page]:
    """A fresh tab; the kernels it started are shut down afterwards, to leave the CPU to the next path."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(60 * bs.SECOND)
    try:
        yield context.new_page()
    finally:
        context.close()
        lab.shut_down_kernels()


def _student_notebook(folder: str) -> str:
    return f"student/{folder}/{ASSIGNMENT.release_notebook.name}"


def _solved_notebook_runs_and_passes_validate(page: Page, lab: bs.Lab) -> None:
    tests = len(graded_cells(nbformat.read(ASSIGNMENT.release_notebook, as_version=4)))
    bs.open_notebook(page, lab, _student_notebook("solved"), workspace="solved")
    bs.run_all(page)
    outputs = "\n".join(bs.output_texts(page))
    assert "Traceback (most recent call last)" not in outputs, outputs[-3000:]
    passed = outputs.count("All tests passed.")
    assert passed == tests, f"{passed} of {tests} test cells print 'All tests passed.'"
    ok, text = bs.validate(page)
    assert ok and "Success! Your notebook passes all the tests." in text, text


def _wrong_solution_shows_the_failing_test_in_validate(page: Page, lab: bs.Lab) -> None:
    bs.open_notebook(page, lab, _student_notebook("wrong"), workspace="wrong")
    bs.run_all(page)
    outputs = "\n".join(bs.output_texts(page))
    assert WRONG_MESSAGE in outputs, f"the test cell shows no such error:\n{outputs[-3000:]}"
    ok, text = bs.validate(page)
    assert not ok, text
    assert "The following cell failed" in text and WRONG_MESSAGE in text and WRONG_HINT in text, text


def _nbgrader_menu_opens_the_formgrader(page: Page, lab: bs.Lab) -> None:
    page.goto(lab.url("lab/workspaces/formgrader"), timeout=bs.SLOW)
    bs.menu(page, "Nbgrader", "Formgrader")
    frame = page.frame_locator("#formgrader-iframe iframe")
    frame.get_by_text("Manage Assignments").first.wait_for(timeout=bs.SLOW)
    # The assignments table is filled in by a request that also creates the course's gradebook.
    frame.locator("td", has_text=ASSIGNMENT.name).first.wait_for(timeout=bs.SLOW)


def test_student_and_instructor_paths_in_jupyterlab(browser: Browser, lab: bs.Lab, tmp_path: Path) -> None:
    """The three paths in one test, so they share one Lab server and one browser (as separate
    tests, the test workers would each start their own)."""
    for path in (
        _solved_notebook_runs_and_passes_validate,
        _wrong_solution_shows_the_failing_test_in_validate,
        _nbgrader_menu_opens_the_formgrader,
    ):
        with _tab(browser, lab) as page, bs.screenshot_on_failure(page, tmp_path / f"{path.__name__}.png", lab):
            path(page, lab)
