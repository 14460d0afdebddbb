"""Start JupyterLab on the course with nbgrader's extensions (Validate, Assignment List, Formgrader)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from shared_utils.paths import REPO_ROOT


def lab_command(port: int = 8888, root: Path = REPO_ROOT) -> list[str]:
    """The ``jupyter lab`` command line: runs as root too, opens no browser, asks nothing about news."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--allow-root",
        "--no-browser",
        f"--port={port}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]


def main(port: int) -> int:
    command = lab_command(port)
    os.chdir(REPO_ROOT)  # nbgrader reads nbgrader_config.py from the working directory
    # The Formgrader runs `alembic`, installed beside this interpreter, to create a new gradebook.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    os.execv(command[0], command)
    return 0  # not reached
