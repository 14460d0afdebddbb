"""Grades decided where a submission cannot reach: trusted checks outside the student's kernel.

nbgrader runs a submission and its test cells in one kernel, so code in the submission can make
any test cell pass (clear the error, patch the checks, read the expected value from the checker's
frame).  After nbgrader has graded a submission, :func:`enforce` therefore checks it again:

1. the submitted notebook's solution cells (and the instructor's own set-up cells) are copied into
   a request together with hidden inputs made here;
2. a separate process in the grading sandbox (:mod:`.probe`, see ``confinement``) runs them and
   returns the answers as plain numbers only;
3. this process, which holds the reference answers and never runs student code, compares them
   (:mod:`.spec`); a test cell whose trusted check fails scores 0 in the gradebook, whatever
   nbgrader gave it, and a cell that nbgrader passed is flagged for the instructor.

Each assignment lists its checks in ``course_tools/verdicts/<assignment_id>.py``; an assignment
without that module is graded by nbgrader alone.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from .. import confinement
from .probe import CALL_SECONDS, decode
from .spec import Call, Check, as_float, encode_input, expected_answer, same

PROBE_SECONDS = 600  # the whole probe of one submission


@dataclass(frozen=True)
class Verdict:
    test: str
    passed: bool
    detail: str = ""  # what failed, for the instructor


@dataclass(frozen=True)
class Plan:
    """An assignment's trusted checks, with the code its functions need around them."""

    checks: list[Check]
    setup: tuple[str, ...] = ()  # cells to run before the student's: grade_ids, or how their source starts
    prelude: str = ""  # trusted code run after the student's cells (small stand-ins for big globals)
    preamble: str = ""  # trusted code run before them (small stand-ins for set-up cells' globals)


def checks_for(assignment: str) -> Plan | None:
    """The assignment's trusted checks (``course_tools/verdicts/<assignment>.py``), if it has any."""
    try:
        module = importlib.import_module(f"{__name__}.{assignment}")
    except ModuleNotFoundError as error:
        if error.name == f"{__name__}.{assignment}":
            return None
        raise
    return Plan(
        module.checks(),
        tuple(getattr(module, "SETUP_CELLS", ())),
        getattr(module, "PRELUDE", ""),
        getattr(module, "PREAMBLE", ""),
    )


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _solutions(notebook) -> dict[str, str]:
    return {_nbgrader(c)["grade_id"]: c.source for c in _code_cells(notebook) if _nbgrader(c).get("solution")}


def _trusted_cells(source, setup: tuple[str, ...]) -> list[tuple[str, str]]:
    """The instructor's imports cell and named set-up cells: run before the student's code."""
    cells = _code_cells(source)
    chosen = [("imports", cells[0].source)]
    for cell in cells[1:]:
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id in setup or any(cell.source.startswith(start) for start in setup):
            chosen.append((grade_id or cell.source.split("(")[0], cell.source))
    return chosen


def call_keys(plan: Plan, tests: set[str] | None = None, passing: dict[str, bool] | None = None) -> set[str]:
    """The answers needed to judge the checks of ``tests`` (all by default): each call as the
    student's functions make it, or, where a callee's check fails, with the reference callees.

    ``passing`` holds the verdicts known so far; a check not in it is presumed to pass when it is
    in ``tests`` (nbgrader passed it), so a correct submission is probed once."""
    passing = passing or {}
    keys = set()
    for check in plan.checks:
        if tests is not None and check.test not in tests:
            continue
        for index, call in enumerate(check.calls):
            callees = [f"test_{name}" for name in call.callees]
            callees_ok = all(passing.get(c, tests is None or c in tests) for c in callees)
            keys.add(f"{check.test}/{index}" + ("" if callees_ok else "/replaced"))
    return keys


def request_for(source, submitted, plan: Plan, keys: set[str] | None = None) -> dict:
    """The probe's request: trusted set-up, the student's solution cells, and the calls named by
    ``keys`` (see call_keys; by default every call as the student's functions make it)."""
    keys = call_keys(plan) if keys is None else keys
    references = _solutions(source)
    students = _solutions(submitted)
    cells = _trusted_cells(source, plan.setup) + ([("preamble", plan.preamble)] if plan.preamble else [])
    cells += [(g, students[g]) for g in references if g in students]
    cells += [("prelude", plan.prelude)] if plan.prelude else []
    calls = []
    for check in plan.checks:
        for index, call in enumerate(check.calls):
            encoded = _encoded_call(call)
            if f"{check.test}/{index}" in keys:
                calls.append({"id": f"{check.test}/{index}", **encoded})
            if f"{check.test}/{index}/replaced" in keys:
                replace = {name: references[name] for name in call.callees}
                calls.append({"id": f"{check.test}/{index}/replaced", **encoded, "replace": replace})
    return {"cells": cells, "calls": calls}


def _encoded_call(call: Call) -> dict:
    return {
        "function": call.function,
        "args": [encode_input(arg) for arg in call.args],
        "kwargs": {key: encode_input(value) for key, value in call.kwargs.items()},
    }


def reference_namespace(source, plan: Plan) -> dict:
    """The instructor's imports, set-up, solution cells and prelude, run here (trusted code only)."""
    namespace: dict = {"__name__": "reference_solution"}
    cells = _trusted_cells(source, plan.setup) + [("preamble", plan.preamble)]
    cells += list(_solutions(source).items()) + [("prelude", plan.prelude)]
    for name, text in cells:
        exec(compile(text, f"<reference {name}>", "exec"), namespace)
    return namespace


def judge(checks: list[Check], reference: dict, response: dict, tests: set[str] | None = None) -> list[Verdict]:
    """Compare the probe's answers with the reference's, test cell by test cell, in order (only
    the checks of ``tests``, if given: the others fail unexamined).

    A call whose callees' own checks failed is judged on its run with the reference callees, so
    one mistake costs only its own function's points.
    """
    with _REFERENCE_LOCK:
        return _judge(checks, reference, response, tests)


def _judge(checks: list[Check], reference: dict, response: dict, tests: set[str] | None) -> list[Verdict]:
    results = response.get("results", {})
    known = reference.setdefault("__expected_answers__", {})  # computed once per reference namespace
    verdicts: dict[str, Verdict] = {}
    for check in checks:
        if tests is not None and check.test not in tests:
            verdicts[check.test] = Verdict(check.test, False, "not checked: no points in the notebook")
            continue
        problem = ""
        for index, call in enumerate(check.calls):
            callees_ok = all(verdicts.get(f"test_{name}", Verdict("", True)).passed for name in call.callees)
            key = f"{check.test}/{index}" + ("" if callees_ok else "/replaced")
            answer = results.get(key)
            if not isinstance(answer, dict):
                problem = f"{call.describe()}: no answer"
            elif answer.get("error"):
                problem = f"{call.describe()} raised {answer['error']}"
            else:
                try:
                    got = as_float(call.pick(decode(answer.get("value"))))
                except Exception as error:  # malformed data from the probe
                    problem = f"{call.describe()}: unreadable answer ({type(error).__name__})"
                else:
                    forms = [None, *(call.equivalents if callees_ok else ())]
                    differences = []
                    for form, swap in enumerate(forms):
                        cache_key = (check.test, index, form)
                        if cache_key not in known:
                            known[cache_key] = expected_answer(call, reference, swap)
                        differences.append(same(got, known[cache_key], check.rtol, check.atol))
                        if not differences[-1]:
                            break
                    difference = differences[0] if all(differences) else ""
                    problem = f"{call.describe()}: {difference}" if difference else ""
            if problem:
                break
        verdicts[check.test] = Verdict(check.test, not problem, problem)
    return list(verdicts.values())


def _read_responses(path: Path, count: int) -> list[dict]:
    """The probe's answers so far, per request (JSON lines; an unreadable line is skipped, the
    first answer to a call counts)."""
    responses: list[dict] = [{} for _ in range(count)]
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return responses
    for line in lines:
        try:
            outcome = json.loads(line)
            response = responses[outcome["submission"]]
        except (ValueError, TypeError, KeyError, IndexError):
            continue
        response.setdefault("cells", {})
        response.setdefault("results", {})
        if isinstance(outcome.get("id"), str):
            response["results"].setdefault(outcome["id"], outcome)
        elif isinstance(outcome.get("cell"), str):
            response["cells"].setdefault(outcome["cell"], outcome.get("error"))
    return responses


def probe_many(
    requests: list[dict], timeout: float = PROBE_SECONDS, call_seconds: int = CALL_SECONDS
) -> list[tuple[dict, str]]:
    """Run the probe on ``requests`` in one process in the grading sandbox (trusted submissions
    only, e.g. the course's fixtures: a submission could change what the next one sees): for each,
    its answers (those it finished, if the process was stopped) and, if it did not end normally, why."""
    workdir = Path(tempfile.mkdtemp(prefix="cnn-probe-"))
    try:
        shutil.copy(Path(__file__).with_name("probe.py"), workdir / "probe.py")
        batch = [{**request, "call_seconds": call_seconds} for request in requests]
        (workdir / "request.json").write_text(json.dumps({"batch": batch}), encoding="utf-8")
        command = [sys.executable, "probe.py", "request.json", "response.jsonl"]
        finished = confinement.run_confined(command, workdir, timeout, writable_files=("response.jsonl",))
        responses = _read_responses(workdir / "response.jsonl", len(requests))
        failure = ""
        if finished.returncode is None:
            failure = f"the trusted check ran past {timeout:g} s"
        elif finished.returncode != 0:
            failure = f"the trusted check's process ended early (exit {finished.returncode})"
        return [
            (response, failure or ("" if response else "the trusted check gave no answer")) for response in responses
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def probe(request: dict, timeout: float = PROBE_SECONDS, call_seconds: int = CALL_SECONDS) -> tuple[dict, str]:
    """Run the probe on one submission's ``request`` in a process of its own (see probe_many)."""
    return probe_many([request], timeout, call_seconds)[0]


def verdicts_many(
    source,
    submissions: list,
    plan: Plan,
    reference: dict,
    tests: set[str] | None = None,
    call_seconds: int = CALL_SECONDS,
) -> list[tuple[list[Verdict], str]]:
    """Trusted verdicts for the submitted notebooks ``submissions`` (trusted ones only when there
    are several: they share a probe process, see probe_many), with why a probe did not end normally.

    Probed in rounds: first every call as the student's functions make it; then, only for the
    calls whose callees' checks failed, again with the reference callees (a ResNet50 built twice
    for every correct submission would double its trusted check)."""
    responses: list[dict] = [{"cells": {}, "results": {}} for _ in submissions]
    failures = [""] * len(submissions)
    asked: list[set[str]] = [set() for _ in submissions]
    passing: list[dict[str, bool]] = [{} for _ in submissions]  # verdicts so far (none: presumed as nbgrader gave)
    outcomes = [judge(plan.checks, reference, response, tests) for response in responses]  # unprobed: no answer
    for _ in range(len(plan.checks) + 1):  # each round settles at least one more check
        wanted = [call_keys(plan, tests, known) - keys for known, keys in zip(passing, asked, strict=True)]
        todo = [i for i, keys in enumerate(wanted) if keys and not failures[i]]  # a failed probe is not retried
        if not todo:
            break
        requests = [request_for(source, submissions[i], plan, wanted[i]) for i in todo]
        for i, (response, failure) in zip(todo, probe_many(requests, call_seconds=call_seconds), strict=True):
            for part in ("cells", "results"):
                responses[i][part] = {**response.get(part, {}), **responses[i][part]}
            failures[i] = failure
            asked[i] |= wanted[i]
            outcomes[i] = judge(plan.checks, reference, responses[i], tests)
            passing[i] = {v.test: v.passed for v in outcomes[i]}
    return list(zip(outcomes, failures, strict=True))


def verdicts_for(
    source_path: Path,
    submitted_path: Path,
    assignment: str,
    tests: set[str] | None = None,
    call_seconds: int = CALL_SECONDS,
) -> tuple[list[Verdict], str]:
    """Trusted verdicts for one submitted notebook (empty when the assignment has no checks), for
    the checks of ``tests`` (all by default), each call given ``call_seconds``."""
    plan = checks_for(assignment)
    if plan is None:
        return [], ""
    source = nbformat.read(source_path, as_version=4)
    try:
        submitted = nbformat.read(submitted_path, as_version=4)
    except Exception as error:  # not a notebook: nbgrader has already reported it
        return [Verdict(c.test, False, f"unreadable submission ({type(error).__name__})") for c in plan.checks], ""
    with _REFERENCE_LOCK:
        key = (assignment, hashlib.sha256(source_path.read_bytes()).hexdigest())
        if key not in _REFERENCES:
            _REFERENCES[key] = reference_namespace(source, plan)
        reference = _REFERENCES[key]
    return verdicts_many(source, [submitted], plan, reference, tests, call_seconds)[0]


# The reference namespaces, with the answers they gave, kept for the next submission of the class.
_REFERENCES: dict[tuple[str, str], dict] = {}
_REFERENCE_LOCK = threading.RLock()  # graders in threads share them; judging swaps names in them


def forget_references() -> None:
    """Drop the kept reference namespaces (a benchmark's modes each start as a fresh run would)."""
    with _REFERENCE_LOCK:
        _REFERENCES.clear()


def _scores(root: Path, assignment: str, student: str, notebook: str, tests: list[str]) -> dict[str, float]:
    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for test in tests:
            try:
                scores[test] = float(gradebook.find_grade(test, notebook, assignment, student).auto_score or 0)
            except MissingEntry:
                pass
    return scores


def enforce(root: Path, assignment: str, student: str, call_seconds: int = CALL_SECONDS) -> list[str]:
    """Apply the trusted verdicts to the gradebook of the course folder ``root``; notes for the
    instructor (a failed probe, and every test cell that nbgrader passed but the check failed).

    A check can only lower a score, so only the cells that nbgrader gave points are checked."""
    plan = checks_for(assignment)
    if plan is None:
        return []
    notes = []
    for source_path in sorted((root / "source" / assignment).glob("*.ipynb")):
        notebook = source_path.stem
        scores = _scores(root, assignment, student, notebook, [check.test for check in plan.checks])
        passed = {test for test, score in scores.items() if score > 0}
        if not passed:
            continue
        submitted_path = root / "submitted" / student / assignment / source_path.name
        verdicts, failure = verdicts_for(source_path, submitted_path, assignment, passed, call_seconds)
        notes += [f"trusted check: {failure}"] if failure else []
        failed = [v for v in verdicts if not v.passed and scores.get(v.test, 0) > 0]
        if not failed:
            continue
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            for verdict in failed:
                grade = gradebook.find_grade(verdict.test, notebook, assignment, student)
                notes.append(
                    f"FLAGGED: {verdict.test} passed in the notebook but not the trusted check ({verdict.detail})"
                )
                grade.auto_score = 0.0
            gradebook.db.commit()
    return notes
