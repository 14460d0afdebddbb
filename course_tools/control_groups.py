"""One Linux control group per graded submission: caps and a kill switch for all its processes.

Resource limits (``setrlimit``) hold per process, and the process cap is not enforced at all for
root.  A control group holds for everything a submission starts, however it detaches: at most
``processes`` of them and ``memory_gb`` of memory in all, and when grading ends every one is killed.

Creating one needs write access to the cgroup file system (root, or a delegated subtree); where
there is none, :func:`create` returns None and grading relies on the per-process limits alone.
Both cgroup versions are handled: v2 (one unified tree) and v1 (a tree per controller).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "COURSE_GRADING_CGROUP"  # the group's folders, for the kernel launcher to join
CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass
class ControlGroup:
    """The group's folder in each hierarchy it lives in (one for v2, pids and memory for v1)."""

    folders: list[Path]
    version: int

    def environment(self) -> dict[str, str]:
        return {ENV_VAR: os.pathsep.join(str(folder) for folder in self.folders)}

    def join(self) -> None:
        """Put the calling process (and so all it will start) in the group."""
        _join(self.folders)

    def pids(self) -> set[int]:
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError):
                found |= {int(line) for line in (folder / "cgroup.procs").read_text().split()}
        return found

    def hit_process_limit(self) -> bool:
        """Whether a fork was refused because the group had all the processes it may have."""
        return _event_count(self._file("pids.events"), "max") > 0

    def hit_memory_limit(self) -> bool:
        if self.version == 2:
            events = self._file("memory.events")
            return _event_count(events, "max") > 0 or _event_count(events, "oom_kill") > 0
        failures = self._file("memory.failcnt")
        return failures is not None and _read_int(failures) > 0

    def kill_all(self) -> None:
        """Kill every process in the group, until none is left (a fork bomb keeps making more)."""
        kill_file = self._file("cgroup.kill")
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return
            if kill_file is not None:
                with contextlib.suppress(OSError):
                    kill_file.write_text("1")
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)

    def remove(self) -> None:
        self.kill_all()
        for folder in self.folders:
            for _ in range(20):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # the killed processes are still being reaped
                    time.sleep(0.1)

    def _file(self, name: str) -> Path | None:
        return next((folder / name for folder in self.folders if (folder / name).exists()), None)


def _event_count(path: Path | None, key: str) -> int:
    if path is None:
        return 0
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == key:
                return int(parts[1])
    return 0


def _read_int(path: Path) -> int:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _own_path(controller: str) -> str:
    """This process's place in a hierarchy (``""`` for v2's), from /proc/self/cgroup."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers.split(",") == [controller] or (controller == "" and controllers == ""):
            return path.lstrip("/")
    raise LookupError(controller)


def create(name: str, processes: int, memory_gb: float) -> ControlGroup | None:
    """A new control group with these caps, or None where this machine does not let us make one."""
    safe_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40]
    unique = f"cnn-grading-{safe_name}-{uuid.uuid4().hex[:8]}"
    made: list[Path] = []
    try:
        if (CGROUP_ROOT / "cgroup.controllers").exists():  # v2
            folder = CGROUP_ROOT / unique  # the root may hold processes; an inner group may not
            folder.mkdir()
            made.append(folder)
            (folder / "pids.max").write_text(str(processes))
            with contextlib.suppress(OSError):  # the memory controller may not be enabled here
                (folder / "memory.max").write_text(str(int(memory_gb * 2**30)))
            return ControlGroup(made, 2)
        pids = CGROUP_ROOT / "pids" / _own_path("pids") / unique
        pids.mkdir()
        made.append(pids)
        (pids / "pids.max").write_text(str(processes))
        with contextlib.suppress(OSError, LookupError):
            memory = CGROUP_ROOT / "memory" / _own_path("memory") / unique
            memory.mkdir()
            made.append(memory)
            (memory / "memory.limit_in_bytes").write_text(str(int(memory_gb * 2**30)))
        return ControlGroup(made, 1)
    except (OSError, LookupError):
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        return None


def join_from_environment() -> None:
    """Put this process (and so all it starts) in the group named by ``ENV_VAR``, if any."""
    _join([Path(folder) for folder in os.environ.get(ENV_VAR, "").split(os.pathsep) if folder])


def _join(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            (folder / "cgroup.procs").write_text(str(os.getpid()))
