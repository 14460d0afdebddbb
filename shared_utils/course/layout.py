"""Where assignments live in the repository, and throw-away nbgrader course directories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..paths import REPO_ROOT

SOURCE = REPO_ROOT / "source"
RELEASE = REPO_ROOT / "release"
CONFIG = REPO_ROOT / "nbgrader_config.py"


@dataclass(frozen=True)
class Assignment:
    """One assignment: a folder under ``source/`` holding exactly one notebook."""

    name: str

    @property
    def source_dir(self) -> Path:
        return SOURCE / self.name

    @property
    def notebook_name(self) -> str:
        notebooks = sorted(p.stem for p in self.source_dir.glob("*.ipynb"))
        if len(notebooks) != 1:
            raise ValueError(f"{self.source_dir} must hold exactly one notebook, found {notebooks}")
        return notebooks[0]

    @property
    def source_notebook(self) -> Path:
        return self.source_dir / f"{self.notebook_name}.ipynb"

    @property
    def release_notebook(self) -> Path:
        return RELEASE / self.name / f"{self.notebook_name}.ipynb"


def assignments(names: list[str] | None = None) -> list[Assignment]:
    """All assignments in ``source/`` (or the named ones), in course order."""
    found = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    if not names:
        return [Assignment(name) for name in found]
    unknown = [name for name in names if name not in found]
    if unknown:
        raise SystemExit(f"Unknown assignment(s): {', '.join(unknown)}. Known: {', '.join(found)}")
    return [Assignment(name) for name in names]


def nbgrader(*args: str, cwd: Path, check: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run the nbgrader command line in ``cwd`` with this interpreter's environment."""
    command = [sys.executable, "-m", "nbgrader", *args]
    env = dict(os.environ)
    # nbgrader runs `alembic` (installed beside this interpreter) when it creates a gradebook.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
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
