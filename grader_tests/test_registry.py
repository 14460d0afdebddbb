"""The registry is the one list of the course, and students import only what they need."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest

from course_tools import figures
from course_tools.registry import ASSIGNMENTS, DATASETS, SOURCE, WEIGHTS, Assignment, readme_table, resolve
from shared_utils import paths

# What a notebook's imports must never load: instructor tools, dataset drawing, training, grading.
FORBIDDEN = ("course_tools", "nbgrader", "PIL.ImageDraw", "tqdm")


def test_every_source_folder_is_registered_and_every_entry_exists() -> None:
    on_disk = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())
    assert on_disk == sorted(a.name for a in ASSIGNMENTS), "add the assignment to course_tools/registry.py"
    for assignment in ASSIGNMENTS:
        assert assignment.source_notebook.is_file(), assignment.source_notebook
        assert sorted(p.stem for p in assignment.source_dir.glob("*.ipynb")) == [assignment.notebook_name]


def test_registered_datasets_and_weights_exist_and_are_in_the_manifest() -> None:
    manifest = paths.manifest()
    for assignment in ASSIGNMENTS:
        for name in assignment.datasets:
            assert name in DATASETS, f"{assignment.name} needs an unregistered dataset {name}"
            assert any(key.startswith(f"{name}/") for key in manifest), f"{name} is not in data/MANIFEST.json"
        for name in assignment.weights:
            assert name in WEIGHTS, f"{assignment.name} needs unregistered weights {name}"
            entries = [key for key in manifest if key.startswith(f"pretrained/{name}/")]
            assert f"pretrained/{name}/MODEL_CARD.md" in entries, f"{name} has no model card in the manifest"
            assert all(manifest[key]["rebuild"] == WEIGHTS[name].command for key in entries)
    for dataset in DATASETS.values():
        assert callable(resolve(dataset.builder))
    for weights in WEIGHTS.values():
        assert resolve(f"{weights.recipe}:RECIPE").name == weights.name


def test_readme_table_is_the_registry() -> None:
    readme = (paths.REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, (
        "paste `python -c 'from course_tools.registry import readme_table as t; print(t())'`"
    )


def _notebook_imports() -> list[str]:
    lines = set()
    for assignment in ASSIGNMENTS:
        notebook = nbformat.read(assignment.source_notebook, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                lines |= {
                    line.strip()
                    for line in cell.source.splitlines()
                    if re.match(r"\s*(from|import) shared_utils", line)
                }
    return sorted(lines)


def test_what_notebooks_import_loads_no_drawing_training_or_grading_code() -> None:
    imports = _notebook_imports()
    assert imports, "the notebooks import shared_utils"
    code = "\n".join([*imports, "import sys, json", "print(json.dumps(sorted(sys.modules)))"])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    leaked = [name for name in loaded if name.startswith(FORBIDDEN)]
    assert not leaked, f"notebook imports load {leaked}"


@pytest.mark.parametrize("drawn", [a for a in ASSIGNMENTS if a.figures], ids=lambda a: a.name)
def test_figures_are_what_their_scripts_draw(drawn: Assignment) -> None:
    problems = figures.differences(drawn)
    assert not problems, "\n".join(problems)
