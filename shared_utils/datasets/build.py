"""``make data``: regenerate the datasets under ``data/`` and record them in ``data/MANIFEST.json``.

Each recipe is deterministic, so running this twice gives the same bytes; the manifest's sizes
and SHA-256 sums let the loaders catch a missing or damaged file.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from .. import paths
from . import RECIPES


def update_manifest(written: list[Path], rebuild: str = paths.REBUILD_COMMAND, prune: str | None = None) -> Path:
    """Add (or refresh) the entries of ``written`` in the manifest, keeping every other entry.

    ``prune``, a folder prefix such as ``"owls/"``: entries under it that ``written`` no longer
    includes are dropped, so a dataset that shrinks leaves no stale entries behind.
    Keys are sorted at every level, so the manifest's bytes depend only on its content.
    """
    root = paths.data_dir()
    manifest = paths.manifest_path()
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"] if manifest.exists() else {}
    if prune:
        files = {key: entry for key, entry in files.items() if not key.startswith(prune)}
    for path in written:
        relative = path.resolve().relative_to(root).as_posix()
        files[relative] = {"size": path.stat().st_size, "sha256": paths.sha256_of(path), "rebuild": rebuild}
    text = json.dumps({"files": files}, indent=1, sort_keys=True) + "\n"
    partial = manifest.with_name(manifest.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, manifest)  # never leave a half-written manifest behind
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared_utils.datasets.build", description=__doc__)
    parser.add_argument("--only", action="append", choices=sorted(RECIPES), help="build only this dataset")
    args = parser.parse_args(argv)
    root = paths.data_dir()
    root.mkdir(parents=True, exist_ok=True)
    for name in args.only or sorted(RECIPES):
        start = time.perf_counter()
        written = RECIPES[name](root)
        update_manifest(written, prune=f"{name}/")
        if len(written) <= 4:
            sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in written)
        else:
            sizes = f"{len(written)} files, {sum(p.stat().st_size for p in written) / 1e6:.1f} MB"
        print(f"{name}: {sizes} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
