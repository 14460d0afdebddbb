"""Unit tests of the instructor tooling: the fixture proof's pieces, the recipe base, the bench."""

from __future__ import annotations

import json

import nbformat
import pytest

from course_tools import bench, fixture_proof, speed
from course_tools.recipes.weights import base
from course_tools.recipes.weights.base import Recipe, Trained
from shared_utils import paths


def _executed(*outputs) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("pass")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_f", "points": 5, "solution": False}
    cell.outputs = list(outputs)
    return cell


def test_scores_follow_nbgrader_and_the_stderr_filter() -> None:
    pattern = fixture_proof.ignore_pattern()
    assert pattern is not None
    passed = _executed(nbformat.v4.new_output("stream", name="stdout", text="All tests passed.\n"))
    failed = _executed(nbformat.v4.new_output("error", ename="AssertionError", evalue="x", traceback=[]))
    chatter = _executed(nbformat.v4.new_output("stream", name="stderr", text="This TensorFlow binary is optimized\n"))
    warning = _executed(nbformat.v4.new_output("stream", name="stderr", text="RuntimeWarning: overflow\n"))
    assert fixture_proof.score(passed, pattern) == 5
    assert fixture_proof.score(failed, pattern) == 0
    assert fixture_proof.score(chatter, pattern) == 5, "harmless library messages are filtered"
    assert fixture_proof.score(warning, pattern) == 0, "other stderr output fails the cell, as in nbgrader"


def test_defined_names_are_what_a_fixture_must_replace() -> None:
    source = "import numpy as np\nCONSTANT = 3\ndef f(x):\n    y = 2\n    return x\nclass K:\n    pass\n"
    assert fixture_proof.defined_names(source) == ["CONSTANT", "f", "K"]
    assert fixture_proof.defined_names("def broken(:\n") == []


def test_a_recipe_writes_its_files_card_and_manifest_entries(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    pytest.importorskip("keras")
    timings = iter([2.0, 3.0])  # the reference workload before and after training
    monkeypatch.setattr(base, "reference_workload", lambda: next(timings))

    class Tiny(Recipe):
        """A recipe that trains nothing, to test what every recipe shares."""

        name = "tiny"
        title = "A tiny test network"
        options = {"epochs": 3}

        def train(self, args):
            return Trained(
                files={"tiny.weights.h5": lambda path: path.write_bytes(b"weights" * args.epochs)},
                card="## Quality\n\nAccuracy: **1.000**",
                summary="done",
            )

    assert Tiny()(["--epochs", "2"]) == 0
    folder = tmp_path / "pretrained" / "tiny"
    assert sorted(p.name for p in folder.iterdir()) == ["MODEL_CARD.md", "tiny.weights.h5"]
    assert (folder / "tiny.weights.h5").read_bytes() == b"weights" * 2
    card = (folder / "MODEL_CARD.md").read_text()
    assert "# A tiny test network" in card and "python -m course_tools pretrain tiny --epochs 2" in card
    assert "Training time" in card and "CC0-1.0" in card and "Accuracy: **1.000**" in card
    assert f"took 2.5 s here and takes {speed.REFERENCE_SECONDS:.2f} s on the reference machine" in card
    manifest = json.loads((tmp_path / "MANIFEST.json").read_text())["files"]
    assert set(manifest) == {"pretrained/tiny/MODEL_CARD.md", "pretrained/tiny/tiny.weights.h5"}
    assert {entry["rebuild"] for entry in manifest.values()} == {"python -m course_tools pretrain tiny"}


def test_bench_reports_a_stopped_notebook_as_over_budget_not_as_a_traceback() -> None:
    row = bench.Row("w0", None, 100, 10.0, 60, "5/5", problems=["stopped after 200 s: CellTimeoutError"])
    assert row.over_budget
    table = bench.format_table([row], reference=8.0, extra={})
    assert "| w0 | 8.0 s | stopped | 100 s | 10 s (1.2x ref) | 60 s | 5/5 | over budget (stopped after 200 s" in table
    fine = bench.Row("w1", 50.0, 100, 10.0, 60, "5/5", reference_seconds=5.0)
    assert not fine.over_budget
    assert "| w1 | 5.0 s | 50 s (10.0x ref) | 100 s | 10 s (2.0x ref) | 60 s | 5/5 | ok |" in bench.format_table(
        [fine], 10.0, {}
    )
