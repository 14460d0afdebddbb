"""Unit tests of shared_utils.checks.core's "one mistake, charged once" helpers: callees_ready,
skipped, problem_of, substituted, and what all_passed says after a skip."""

from __future__ import annotations

import warnings

import pytest

from shared_utils import checks
from shared_utils.checks import core

# A miniature notebook: a callee and a caller defined in one namespace, as the notebook's cells are.
_NOTEBOOK = """
def double(x):
    return 2 * x

def caller(x):
    return double(x) + 1

def stub(x):
    # YOUR CODE HERE
    raise NotImplementedError()
"""


def _notebook() -> dict:
    namespace: dict = {}
    exec(compile(_NOTEBOOK, "<notebook>", "exec"), namespace)
    return namespace


def _fails(message: str):
    def check():
        raise AssertionError(message)

    return check


@pytest.fixture(autouse=True)
def _no_pending_skip():
    core._SKIPPED.clear()
    yield
    core._SKIPPED.clear()


def test_all_passed_prints_the_green_line(capsys) -> None:
    checks.all_passed()
    assert capsys.readouterr().out == f"{checks.GREEN}All tests passed.{checks.RESET}\n"


def test_a_skip_replaces_the_pass_line_once_without_failing(capsys) -> None:
    checks.skipped("f is not checked yet: it calls g, which fails its own tests.")
    checks.all_passed()
    out = capsys.readouterr().out
    assert "All tests passed" not in out
    assert "f is not checked yet" in out and out.startswith(checks.YELLOW)
    checks.all_passed()  # the skip belonged to the cell that recorded it
    assert "All tests passed." in capsys.readouterr().out


def test_a_skip_recorded_by_another_cell_is_not_reported(monkeypatch, capsys) -> None:
    monkeypatch.setattr(core, "_current_cell", lambda: 7)
    checks.skipped("recorded by cell 7, which then failed")
    monkeypatch.setattr(core, "_current_cell", lambda: 8)
    checks.all_passed()
    assert "All tests passed." in capsys.readouterr().out


def test_problem_of_names_what_went_wrong_in_one_line() -> None:
    assert checks.problem_of(lambda: None) is None
    assert checks.problem_of(_fails("x has wrong values.\nHint: add b.")) == "x has wrong values."
    assert checks.problem_of(lambda: _notebook()["stub"](1)) == "not written yet"
    assert checks.problem_of(lambda: int("seven")).startswith("ValueError: invalid literal")


def test_problem_of_keeps_the_student_functions_output_and_warnings_quiet(capsys) -> None:
    def noisy():
        print("debugging output")
        warnings.warn("something odd", RuntimeWarning, stacklevel=1)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert checks.problem_of(noisy) is None
    assert capsys.readouterr() == ("", "")
    assert not caught


def test_substituted_restores_every_name_even_after_a_failure() -> None:
    namespace = _notebook()
    original = namespace["double"]
    with pytest.raises(AssertionError), checks.substituted(namespace, double=lambda x: 10 * x, extra=1):
        assert namespace["caller"](1) == 11  # the caller finds the replacement
        assert namespace["extra"] == 1
        raise AssertionError("the caller is wrong")
    assert namespace["double"] is original and "extra" not in namespace
    assert namespace["caller"](1) == 3


def test_callees_ready_when_every_callee_passes(capsys) -> None:
    namespace = _notebook()
    assert checks.callees_ready(namespace["caller"], (1,), double=lambda: None) is True
    checks.all_passed()
    assert "All tests passed." in capsys.readouterr().out


def test_a_failing_callee_skips_the_caller_and_says_why(capsys) -> None:
    namespace = _notebook()
    ready = checks.callees_ready(namespace["caller"], (1,), double=_fails("double(1) is 3, expected 2.\nHint: ..."))
    assert ready is False
    assert capsys.readouterr().out == ""  # said once, by all_passed
    checks.all_passed()
    out = capsys.readouterr().out
    assert "All tests passed" not in out
    assert "caller is not checked yet: it calls double, which fails its own tests" in out
    assert "fix that first, then rerun this cell" in out
    assert "double: double(1) is 3, expected 2." in out
    assert namespace["double"](1) == 2  # the stand-in used to probe the caller is gone


def test_several_failing_callees_are_named_together(capsys) -> None:
    namespace = _notebook()
    ready = checks.callees_ready(namespace["caller"], (1,), double=_fails("a"), other=lambda: None, third=_fails("b"))
    assert ready is False
    checks.all_passed()
    out = capsys.readouterr().out
    assert "it calls double and third, which fail their own tests — fix them first" in out
    assert "other" not in out.split("\n")[0]
    assert "other" not in namespace  # a callee the caller never defined stays undefined


def test_a_caller_that_is_not_written_still_fails_when_a_callee_fails() -> None:
    namespace = _notebook()
    with pytest.raises(NotImplementedError):
        checks.callees_ready(namespace["stub"], (1,), double=_fails("double is wrong"))
    assert not core._SKIPPED


def test_the_probe_runs_only_the_callers_own_code() -> None:
    namespace = _notebook()
    calls = []
    namespace["double"] = lambda x: calls.append(x) or 2 * x
    assert checks.callees_ready(namespace["caller"], (5,), double=_fails("double is wrong")) is False
    assert calls == []  # the student's callee never ran: a stand-in stopped the caller at once
