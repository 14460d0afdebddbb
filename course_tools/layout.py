"""Throw-away nbgrader course directories, and the nbgrader command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from shared_utils.paths import REPO_ROOT

from .registry import RELEASE, SOURCE, Assignment, assignments

__all__ = ["RELEASE", "SOURCE", "Assignment", "assignments", "generate_release", "make_course_dir", "nbgrader"]

CONFIG = REPO_ROOT / "nbgrader_config.py"


def nbgrader(
    *args: str, cwd: Path, check: bool = True, timeout: float | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the nbgrader command line in ``cwd`` with this interpreter's environment (see nbgrader_main)."""
    command = [sys.executable, "-m", "course_tools.nbgrader_main", *args]
    environment = {**os.environ, **(env or {})}
    # nbgrader runs `alembic` (installed beside this interpreter) when it creates a gradebook.
    environment["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environment.get("PATH", "")])
    result = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"`nbgrader {' '.join(args)}` failed in {cwd}:\n{result.stdout}\n{result.stderr}")
    return result


def make_course_dir(root: Path, chosen: list[Assignment], extra_config: str = "") -> Path:
    """Create an nbgrader course directory at ``root`` with the chosen sources and our config."""
    root.mkdir(parents=True, exist_ok=True)
    config = CONFIG.read_text(encoding="utf-8")
    (root / "nbgrader_config.py").write_text(config + extra_config, encoding="utf-8")
    for assignment in chosen:
        target = root / "source" / assignment.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(
            assignment.source_dir, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
        )
    return root


def generate_release(root: Path, assignment: Assignment) -> Path:
    """``nbgrader generate_assignment`` in the course directory ``root``; returns the release folder."""
    nbgrader("generate_assignment", assignment.name, "--force", cwd=root)
    return root / "release" / assignment.name
