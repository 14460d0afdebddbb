"""While nbgrader grades a submission, its kernel sees only what a student has (course_tools.confinement)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course_tools import confinement
from shared_utils.paths import REPO_ROOT


def _pairs(command: list[str], flag: str) -> list[tuple[str, str]]:
    return [(command[i + 1], command[i + 2]) for i, part in enumerate(command) if part == flag]


def test_the_sandbox_hides_the_instructor_s_folders_and_opens_only_the_submission(tmp_path) -> None:
    course = tmp_path / "course"
    workdir = course / "autograded" / "ada" / "w1"
    workdir.mkdir(parents=True)
    (course / "gradebook.db").write_bytes(b"")
    connection = tmp_path / "kernel.json"
    command = confinement.sandbox_command("bwrap", ["python"], workdir, connection, confinement.GradingLimits())
    emptied = [command[i + 1] for i, part in enumerate(command) if part == "--tmpfs"]
    assert {"/tmp", str(Path.home().resolve()), str(REPO_ROOT.resolve())} <= set(emptied)
    assert str(course.resolve()) in emptied  # the gradebook's folder, wherever it is
    read_only = {source for source, _ in _pairs(command, "--ro-bind")}
    assert {str((REPO_ROOT / name).resolve()) for name in ("shared_utils", "data")} <= read_only
    assert str((REPO_ROOT / "source").resolve()) not in read_only
    writable = [source for source, _ in _pairs(command, "--bind")]
    assert writable == [str(connection), str(workdir)]
    assert "--unshare-pid" in command and "--die-with-parent" in command
    assert command[-2:] == ["--", "python"]


@pytest.mark.skipif(confinement.bwrap_binary() is None, reason="bubblewrap does not run on this machine")
def test_a_confined_process_cannot_see_source_or_write_outside_its_folder(tmp_path) -> None:
    workdir = tmp_path / "course" / "autograded" / "ada" / "w1"
    workdir.mkdir(parents=True)
    connection = tmp_path / "kernel.json"
    connection.write_text("{}")
    program = (
        "import os, pathlib\n"
        f"print(os.path.exists({str(REPO_ROOT / 'source')!r}), os.path.exists({str(REPO_ROOT / 'shared_utils')!r}))\n"
        "pathlib.Path('mine.txt').write_text('ok')\n"
        "try:\n"
        f"    open({str(tmp_path / 'outside.txt')!r}, 'w').write('x')\n"
        "except OSError: pass\n"
    )
    binary = confinement.bwrap_binary()
    command = confinement.sandbox_command(
        binary, [sys.executable, "-c", program], workdir, connection, confinement.GradingLimits()
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
    assert (workdir / "mine.txt").read_text() == "ok"
    assert not (tmp_path / "outside.txt").exists()
