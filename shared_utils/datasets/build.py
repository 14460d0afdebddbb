"""``make data``: regenerate the datasets under ``data/`` and record them in ``data/MANIFEST.json``.

Each recipe is deterministic, so running this twice gives the same bytes; the manifest's sizes
and SHA-256 sums let the loaders catch a missing or damaged file.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .. import paths
from . import RECIPES


def update_manifest(written: list[Path], rebuild: str = paths.REBUILD_COMMAND) -> Path:
    """Add (or refresh) the entries of ``written`` in the manifest, keeping every other entry."""
    root = paths.data_dir()
    manifest = paths.manifest_path()
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"] if manifest.exists() else {}
    for path in written:
        relative = path.resolve().relative_to(root).as_posix()
        files[relative] = {"size": path.stat().st_size, "sha256": paths.sha256_of(path), "rebuild": rebuild}
    manifest.write_text(json.dumps({"files": dict(sorted(files.items()))}, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared_utils.datasets.build", description=__doc__)
    parser.add_argument("--only", action="append", choices=sorted(RECIPES), help="build only this dataset")
    args = parser.parse_args(argv)
    root = paths.data_dir()
    for name in args.only or sorted(RECIPES):
        start = time.perf_counter()
        written = RECIPES[name](root)
        update_manifest(written)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in written)
        print(f"{name}: {sizes} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
