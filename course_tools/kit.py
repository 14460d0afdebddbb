"""The student kit: what an instructor hands out instead of this repository.

The repository holds solutions, hidden tests, fixtures and the grading tools; the kit holds only
the release notebooks, the student package (``shared_utils``), the data, the student requirements
and a short README whose ``make lab`` sets everything up.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from shared_utils.paths import REPO_ROOT

from .registry import RELEASE, assignments

NAME = "cnn-course-kit"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.partial")

MAKEFILE = """\
# `make lab` sets up .venv the first time, then starts JupyterLab on the assignments.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LAB_PORT ?= 8888

.PHONY: lab setup

$(STAMP): requirements.txt pyproject.toml
\ttest -x $(PY) || $(PYTHON) -m venv $(VENV)
\t$(PY) -m pip install --quiet --upgrade pip
\t$(PY) -m pip install --quiet -r requirements.txt
\t$(PY) -m pip install --quiet --no-deps -e .
\tmkdir -p $(VENV)/share/jupyter/lab/settings
\tcp lab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
\ttouch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
\t$(PY) -m jupyterlab --no-browser --port=$(LAB_PORT) --LabApp.news_url=None \\
\t\t--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
"""

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "cnn-course-shared-utils"
version = "0.1.0"
description = "Helpers the CNN course notebooks import"
requires-python = ">=3.10"

[tool.setuptools.packages.find]
include = ["shared_utils*"]
"""

README = """\
# Convolutional Neural Networks — student kit

Eight notebooks, one per assignment, in `assignments/`. Everything runs offline on a laptop CPU:
the datasets and pretrained weights are in `data/`.

    make lab    # the first time: sets up .venv (Python 3.10+), then starts JupyterLab

Open the URL it prints, then `assignments/<assignment>/<Notebook>.ipynb`:

1. Read, and fill in the regions marked `# YOUR CODE HERE` (delete the `raise NotImplementedError()`).
2. Run the test cell under each exercise: it prints **All tests passed.** or says what is wrong.
   The grader runs further tests on other inputs (sizes, strides, seeds), so write general code.
3. Before you submit, run *Kernel → Restart Kernel and Run All Cells*, then press **Validate**.

Do not edit or delete the locked test cells: the grader restores the original ones anyway.
"""


def build_kit(out_dir: Path) -> Path:
    """Write the kit folder ``out_dir/cnn-course-kit`` and a zip of it; returns the folder."""
    root = out_dir / NAME
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for assignment in assignments():
        shutil.copytree(RELEASE / assignment.name, root / "assignments" / assignment.name, ignore=_IGNORE)
    shutil.copytree(REPO_ROOT / "shared_utils", root / "shared_utils", ignore=_IGNORE)
    shutil.copytree(REPO_ROOT / "data", root / "data", ignore=_IGNORE)
    shutil.copytree(REPO_ROOT / "lab", root / "lab", ignore=_IGNORE)
    for name in ("requirements.txt", "LICENSE"):
        shutil.copy(REPO_ROOT / name, root / name)
    (root / "Makefile").write_text(MAKEFILE, encoding="utf-8")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "README.md").write_text(README, encoding="utf-8")
    shutil.make_archive(str(out_dir / NAME), "zip", root_dir=out_dir, base_dir=NAME)
    return root
