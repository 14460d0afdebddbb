"""The notebooks' figures: one module per assignment, each with ``draw(out_dir) -> list[Path]``.

Every number in a figure is computed by its script and the PNGs carry no timestamp, so drawing
twice gives identical files; ``python -m course_tools figures --check`` proves the committed
images are what the scripts draw now.
"""

from __future__ import annotations

import filecmp
import importlib
import tempfile
from pathlib import Path

from ..registry import Assignment


def draw(assignment: Assignment, out_dir: Path | None = None) -> list[Path]:
    """Draw the assignment's figures into ``out_dir`` (default: ``source/<id>/images``)."""
    module = importlib.import_module(assignment.figure_module)
    return module.draw(out_dir or assignment.source_dir / "images")


def differences(assignment: Assignment) -> list[str]:
    """Figures whose committed PNG differs from what the script draws now (or is missing)."""
    committed = assignment.source_dir / "images"
    with tempfile.TemporaryDirectory(prefix="cnn-figures-") as tmp:
        drawn = draw(assignment, Path(tmp))
        problems = []
        for path in drawn:
            target = committed / path.name
            if not target.exists():
                problems.append(f"{target} is missing (run `python -m course_tools figures {assignment.name}`)")
            elif not filecmp.cmp(path, target, shallow=False):
                problems.append(f"{target} differs from what its script draws (run `python -m course_tools figures`)")
    return problems
