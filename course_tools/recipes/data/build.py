"""``make data``: regenerate the datasets under ``data/`` and record them in ``data/MANIFEST.json``.

Each builder is deterministic, so running this twice gives the same bytes; the manifest's sizes
and SHA-256 sums let the loaders catch a missing or damaged file.
"""

from __future__ import annotations

import time

from shared_utils import paths

from ...registry import DATASETS, resolve
from .storage import update_manifest


def build(names: list[str] | None = None) -> int:
    """Build the named datasets (default: all) into the data folder; prints one line per dataset."""
    root = paths.data_dir()
    root.mkdir(parents=True, exist_ok=True)
    for name in names or sorted(DATASETS):
        dataset = DATASETS[name]
        start = time.perf_counter()
        written = resolve(dataset.builder)(root)
        update_manifest(written, "make data", prune=f"{name}/")
        if len(written) <= 4:
            sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in written)
        else:
            sizes = f"{len(written)} files, {sum(p.stat().st_size for p in written) / 1e6:.1f} MB"
        print(f"{name}: {sizes} in {time.perf_counter() - start:.1f} s")
    return 0
