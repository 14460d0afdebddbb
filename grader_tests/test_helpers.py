"""Unit tests for the helper package: paths, runtime, checks, and the grading plumbing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_tools import grading, report
from course_tools.submissions import read_fixture
from shared_utils import checks, paths, runtime

# --- paths -------------------------------------------------------------------------------------


def _data_dir_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> Path:
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    (tmp_path / "set").mkdir()
    target = tmp_path / "set" / "file.bin"
    target.write_bytes(content)
    manifest = {"files": {"set/file.bin": {"size": 5, "sha256": paths.sha256_of(target), "rebuild": "make data"}}}
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest))
    return target


def test_asset_returns_a_file_that_matches_the_manifest(tmp_path, monkeypatch) -> None:
    target = _data_dir_with(tmp_path, monkeypatch, b"hello")
    assert paths.asset("set/file.bin") == target


def test_missing_asset_names_the_file_and_the_rebuild_command(tmp_path, monkeypatch) -> None:
    _data_dir_with(tmp_path, monkeypatch, b"hello")
    with pytest.raises(paths.AssetError, match=r"(?s)Missing data file: .*other\.bin.*make data"):
        paths.asset("set/other.bin")


def test_corrupt_asset_is_caught_by_the_checksum(tmp_path, monkeypatch) -> None:
    target = _data_dir_with(tmp_path, monkeypatch, b"hello")
    target.write_bytes(b"jello")  # same size, different bytes
    with pytest.raises(paths.AssetError, match=r"(?s)does not match data/MANIFEST.json.*file\.bin.*make data"):
        paths.asset("set/file.bin")


def test_every_manifest_entry_matches_its_file() -> None:
    entries = paths.manifest()
    for relative in entries:
        paths.asset(relative)  # raises with a clear message on any mismatch
    listed = set(entries)
    on_disk = {
        str(p.relative_to(paths.data_dir()))
        for p in paths.data_dir().rglob("*")
        if p.is_file() and p.name not in {"MANIFEST.json"} and p.suffix != ".md"
    }
    assert on_disk <= listed, f"files in data/ missing from MANIFEST.json: {sorted(on_disk - listed)}"


# --- runtime -----------------------------------------------------------------------------------


def test_budget_shrinks_under_nbgrader(monkeypatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv(runtime.QUICK_ENV_VAR, raising=False)
    assert not runtime.is_grading() and runtime.budget(10, 2) == 10
    for mode in ("autograde", "validate"):
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)
        assert runtime.is_grading() and runtime.budget(10, 2) == 2
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv(runtime.QUICK_ENV_VAR, "1")
    assert runtime.budget(10) == 1


def test_tensorflow_loads_and_trains_without_a_word_on_stderr() -> None:
    program = (
        "from shared_utils import runtime\n"
        "tf = runtime.load_tensorflow()\n"
        "import keras, numpy as np\n"
        "runtime.seed_everything(0)\n"
        "m = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(),"
        " keras.layers.Dense(1, activation='sigmoid')])\n"
        "m.compile('adam', 'binary_crossentropy', metrics=['accuracy'])\n"
        "m.fit(np.zeros((4, 8, 8, 3)), np.zeros((4, 1)), epochs=1, verbose=0)\n"
        "print('trained')\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "trained" in result.stdout, result.stderr
    assert result.stderr == "", f"stderr was not empty:\n{result.stderr}"


def test_record_metric_prints_and_logs(tmp_path, monkeypatch, capsys) -> None:
    log = tmp_path / "metrics.jsonl"
    monkeypatch.setenv(runtime.METRICS_ENV_VAR, str(log))
    runtime.record_metric("test_accuracy", 0.9375)
    assert "test_accuracy: 0.9375" in capsys.readouterr().out
    assert json.loads(log.read_text()) == {"name": "test_accuracy", "value": 0.9375}


# --- checks ------------------------------------------------------------------------------------


def test_check_close_reports_where_and_by_how_much() -> None:
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[1, 2] = 0.5
    with pytest.raises(AssertionError, match=r"(?s)1 of 6 differ.*0\.5 at index \(1, 2\).*Hint: stride"):
        checks.check_close(got, expected, "Z", hint="stride")
    checks.check_close(expected + 1e-9, expected, "Z")


def test_check_close_explains_shape_and_none() -> None:
    with pytest.raises(AssertionError, match=r"has shape \(2, 2\), expected \(2, 3\)"):
        checks.check_close(np.zeros((2, 2)), np.zeros((2, 3)), "A")
    with pytest.raises(AssertionError, match="return"):
        checks.check_close(None, np.zeros(2), "A")
    with pytest.raises(AssertionError, match="NaN"):
        checks.check_close(np.array([np.nan]), np.zeros(1), "A")


def test_relative_error() -> None:
    assert checks.relative_error([1.0, 2.0], [1.0, 2.0]) == 0
    assert 0.1 < checks.relative_error([1.0], [1.5]) < 0.3


def test_check_model_ignores_names_and_reports_the_first_difference() -> None:
    runtime.load_tensorflow()
    import keras

    def build(kernel: int, activation_layer):
        return keras.Sequential(
            [keras.Input((16, 16, 3)), keras.layers.Conv2D(4, kernel), activation_layer, keras.layers.Flatten()]
        )

    expected = [
        {"type": "Conv2D", "output_shape": (None, 14, 14, 4), "params": 112, "config": {"kernel_size": (3, 3)}},
        {"type": "ReLU", "output_shape": (None, 14, 14, 4)},
        {"type": "Flatten", "output_shape": (None, 784)},
    ]
    checks.check_model(build(3, keras.layers.ReLU()), expected)
    checks.check_model(build(3, keras.layers.Activation("relu")), expected)
    with pytest.raises(AssertionError, match=r"layer 1 \(Conv2D\) outputs shape \(None, 12, 12, 4\)"):
        checks.check_model(build(5, keras.layers.ReLU()), expected)
    with pytest.raises(AssertionError, match="has 2 layers"):
        checks.check_model(
            keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3), keras.layers.ReLU()]), expected
        )


# --- grading plumbing --------------------------------------------------------------------------


def test_fixture_format_is_parsed(tmp_path) -> None:
    path = tmp_path / "wrong.py"
    path.write_text(
        '"""Conv forward ignores the stride."""\n# lost: test_a, test_b\n\n# %% f\ndef f(x):\n    return x\n\n'
        "# %% g\ndef g(x):\n    return 2 * x\n"
    )
    fixture = read_fixture(path)
    assert fixture.lost == {"test_a", "test_b"}
    assert fixture.cells == {"f": "def f(x):\n    return x", "g": "def g(x):\n    return 2 * x"}
    assert fixture.description == "Conv forward ignores the stride."


@pytest.mark.parametrize(
    ("log", "code", "status", "reason"),
    [
        ("all fine", 0, "graded", ""),
        ("[AutogradeApp | ERROR] Kernel died while waiting for execute reply.", 1, "failed", "kernel died"),
        ("json.decoder.JSONDecodeError: Expecting value", 1, "failed", "not a valid notebook"),
        ("[AutogradeApp | ERROR] something odd", 1, "failed", "something odd"),
        (
            "bwrap: execvp /x/.venv/bin/python: No such file or directory\n"
            "[AutogradeApp | ERROR] Error occurred while starting new kernel client: Kernel died before replying",
            1,
            "failed",
            "not the submission's): bwrap: execvp /x/.venv/bin/python",
        ),
    ],
)
def test_autograde_failures_are_named(log, code, status, reason) -> None:
    got_status, got_reason, _ = grading._diagnose(log, code)
    assert got_status == status and reason in got_reason


def test_grade_table_spells_out_failures() -> None:
    results = [
        grading.Result("ada", "w1", "graded", {"t1": (3.0, 3.0), "t2": (0.0, 2.0)}),
        grading.Result("bob", "w1", "failed", {"t1": (0.0, 3.0), "t2": (0.0, 2.0)}, reason="the kernel died"),
    ]
    table = report.grade_table(results)
    assert re.search(r"ada\s+3/5\s+3/5", table)
    assert re.search(r"bob\s+FAILED\s+FAILED", table)
    assert "FAILED bob / w1: the kernel died" in table


def _class() -> list:
    cells = {"test_a": (5.0, 5.0), "test_b": (10.0, 10.0)}
    return [
        grading.Result("ada", "w1", "graded", dict(cells)),
        grading.Result("bob", "w1", "graded", {**cells, "test_b": (0.0, 10.0)}),
        grading.Result("cy", "w1", "graded", {"test_a": (0.0, 5.0), "test_b": (0.0, 10.0)}),
        grading.Result("dan", "w1", "failed", {}, reason="the kernel died"),
    ]


def test_score_histogram_counts_graded_submissions_by_share_of_the_points() -> None:
    counts = report.score_histogram(_class(), bins=10)["w1"]
    assert counts[0] == 1 and counts[3] == 1 and counts[9] == 1  # 0 %, 33 %, 100 % (full marks in the last bin)
    assert sum(counts) == 3  # the failed submission has no score to count


def test_failure_table_puts_the_most_failed_test_first() -> None:
    rates = report.failure_rates(_class())["w1"]
    assert rates == [("test_b", 2, 3), ("test_a", 1, 3)]
    text = report.class_summary(_class())
    assert "w1: scores of 3 graded submission(s)" in text
    assert re.search(r"test_b\s+2 / 3\s+67 %", text) and re.search(r"test_a\s+1 / 3\s+33 %", text)


def test_class_summary_png_is_written(tmp_path) -> None:
    path = report.save_class_summary(_class(), tmp_path / "summary.png")
    assert path is not None and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert report.save_class_summary([_class()[-1]], tmp_path / "none.png") is None


# --- nbgrader configuration --------------------------------------------------------------------


def _config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(paths.REPO_ROOT)).load_config()


def test_config_uses_the_settings_nbgrader_09_reads() -> None:
    config = _config()
    assert config.Execute.timeout >= 60
    assert config.OverwriteCells.add_missing_cells is True
    assert config.IgnorePattern.enabled is True
    assert "NotImplementedError" in config.ClearSolutions.code_stub["python"]


def test_ignore_pattern_drops_library_banners_but_keeps_real_errors() -> None:
    pattern = re.compile(_config().IgnorePattern.pattern)
    banner = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1795506741.064308    3025 port.cc:153] oneDNN custom operations are on. You may see ...\n"
    )
    assert pattern.search(banner)
    assert not pattern.search("Traceback (most recent call last):\nValueError: bad shape\n")
    assert not pattern.search(banner + "my own message on stderr\n")
