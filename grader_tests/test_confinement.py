"""While nbgrader grades a submission, its kernel sees only what a student has (course_tools.confinement)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_tools import confinement, control_groups
from shared_utils.paths import REPO_ROOT


def _pairs(command: list[str], flag: str) -> list[tuple[str, str]]:
    return [(command[i + 1], command[i + 2]) for i, part in enumerate(command) if part == flag]


def test_the_sandbox_hides_the_instructor_s_folders_and_opens_only_the_submission(tmp_path) -> None:
    course = tmp_path / "course"
    workdir = course / "autograded" / "ada" / "w1"
    workdir.mkdir(parents=True)
    (course / "gradebook.db").write_bytes(b"")
    connection = tmp_path / "kernel.json"
    (workdir / "Notebook.ipynb").write_text("{}")
    command = confinement.sandbox_command("bwrap", ["python"], workdir, [connection], confinement.GradingLimits())
    emptied = [command[i + 1] for i, part in enumerate(command) if part == "--tmpfs"]
    assert {"/tmp", str(Path.home().resolve()), str(REPO_ROOT.resolve())} <= set(emptied)
    assert str(course.resolve()) in emptied  # the gradebook's folder, wherever it is
    read_only = {source for source, _ in _pairs(command, "--ro-bind")}
    assert {str((REPO_ROOT / name).resolve()) for name in ("shared_utils", "data")} <= read_only
    assert str((REPO_ROOT / "source").resolve()) not in read_only
    assert str(workdir) in emptied  # what it writes there lives in a size-limited scratch folder
    assert (str(workdir / "Notebook.ipynb"), str(workdir / "Notebook.ipynb")) in _pairs(command, "--ro-bind")
    writable = [source for source, _ in _pairs(command, "--bind")]
    assert writable == [str(connection)]
    assert "--unshare-pid" in command and "--die-with-parent" in command
    assert command[-2:] == ["--", "python"]


needs_bwrap = pytest.mark.skipif(confinement.bwrap_binary() is None, reason="bubblewrap does not run on this machine")


@needs_bwrap
def test_a_confined_process_cannot_see_source_or_write_outside_its_folder(tmp_path) -> None:
    workdir = tmp_path / "course" / "autograded" / "ada" / "w1"
    workdir.mkdir(parents=True)
    connection = tmp_path / "kernel.json"
    connection.write_text("{}")
    program = (
        "import os, pathlib\n"
        f"print(os.path.exists({str(REPO_ROOT / 'source')!r}), os.path.exists({str(REPO_ROOT / 'shared_utils')!r}))\n"
        "pathlib.Path('mine.txt').write_text('ok')\n"
        "print(pathlib.Path('mine.txt').read_text())\n"
        f"pathlib.Path({str(connection)!r}).write_text('ports')\n"
        "try:\n"
        f"    open({str(tmp_path / 'outside.txt')!r}, 'w').write('x')\n"
        "except OSError: pass\n"
    )
    binary = confinement.bwrap_binary()
    command = confinement.sandbox_command(
        binary, [sys.executable, "-c", program], workdir, [connection], confinement.GradingLimits()
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "ok"]
    assert connection.read_text() == "ports"  # the one file written through
    assert not (workdir / "mine.txt").exists()  # scratch: gone with the sandbox
    assert not (tmp_path / "outside.txt").exists()


@needs_bwrap
def test_a_disk_filler_fills_only_its_quota(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COURSE_GRADING_SCRATCH_MB", "8")
    program = (
        "import errno\n"
        "try:\n"
        "    with open('fill.bin', 'wb') as f:\n"
        "        while True: f.write(bytes(2**20))\n"
        "except OSError as e: print(errno.errorcode[e.errno])\n"
    )
    finished = confinement.run_confined([sys.executable, "-c", program], tmp_path, timeout=60)
    assert finished.returncode == 0 and finished.stdout.split() == ["ENOSPC"], finished.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_fork_bomb_is_capped_and_leaves_nothing_behind(tmp_path, monkeypatch) -> None:
    """Processes are capped by the submission's control group, or by RLIMIT_NPROC where none can
    be made (not for root, whom that limit does not bind: then there is nothing to test)."""
    group = control_groups.create("probe", 1, 1)
    if group is None and os.getuid() == 0:
        pytest.skip("running as root with no writable control group: no process cap applies")
    if group is not None:
        group.remove()
    monkeypatch.setenv("COURSE_GRADING_PROCESSES", "24")
    mark = f"cnn-fork-bomb-{os.getpid()}"
    program = (
        f"# {mark}\n"
        "import os, time\n"
        "made = 0\n"
        "try:\n"
        "    for _ in range(1000):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(600); os._exit(0)\n"
        "        made += 1\n"
        "except BlockingIOError: print('refused after', made)\n"
    )
    finished = confinement.run_confined([sys.executable, "-c", program], tmp_path, timeout=60)
    assert finished.returncode == 0 and "refused after" in finished.stdout, finished.stdout
    assert int(finished.stdout.split()[-1]) <= 24
    assert subprocess.run(["pgrep", "-f", mark], capture_output=True).stdout == b"", "a forked process outlived it"


def test_the_kernel_python_is_named_where_the_sandbox_shows_it(tmp_path) -> None:
    real = tmp_path / "real_venv" / "bin"
    real.mkdir(parents=True)
    (real / "python").symlink_to(sys.executable)
    (tmp_path / "clone").mkdir()
    (tmp_path / "clone" / ".venv").symlink_to(tmp_path / "real_venv")
    shown = confinement.visible_python(str(tmp_path / "clone" / ".venv" / "bin" / "python"))
    assert shown == real.resolve() / "python"  # the folder resolved, the venv's own python link kept
    assert shown.is_symlink()
