"""Generate student releases from the sources, and compare them with the committed ``release/``."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import nbformat

from .layout import RELEASE, Assignment, generate_release, make_course_dir


def build_releases(workdir: Path, chosen: list[Assignment]) -> Path:
    """Generate every chosen assignment in a fresh course directory; returns its ``release/``."""
    root = make_course_dir(workdir, chosen)
    for assignment in chosen:
        generate_release(root, assignment)
    return root / "release"


def install_releases(generated: Path, chosen: list[Assignment]) -> None:
    """Replace ``release/<assignment>`` in the repository with the freshly generated one."""
    for assignment in chosen:
        target = RELEASE / assignment.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(generated / assignment.name, target)


def _comparable(path: Path) -> object:
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return nbformat.writes(notebook)
    return path.read_bytes()


def release_differences(generated: Path, committed: Path = RELEASE) -> list[str]:
    """Files that differ between a generated release tree and the committed one."""
    problems = []
    generated_files = {p.relative_to(generated) for p in generated.rglob("*") if p.is_file()}
    committed_files = {p.relative_to(committed) for p in committed.rglob("*") if p.is_file()}
    for missing in sorted(generated_files - committed_files):
        problems.append(f"release/{missing} is missing (run `make release`)")
    for extra in sorted(committed_files - generated_files):
        problems.append(f"release/{extra} is not generated from source/ (remove it or run `make release`)")
    for common in sorted(generated_files & committed_files):
        new, old = generated / common, committed / common
        if not filecmp.cmp(new, old, shallow=False) and _comparable(new) != _comparable(old):
            problems.append(f"release/{common} differs from what source/ generates (run `make release`)")
    return problems
