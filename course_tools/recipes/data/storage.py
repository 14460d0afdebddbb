"""Write the course's data files so that the same content always gives the same bytes.

No timestamps, fixed chunking and compression: ``data/MANIFEST.json`` can then pin every file's
SHA-256, and a rebuild that changes nothing changes no byte.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import h5py
import numpy as np
from PIL import Image

from shared_utils import paths

_GZIP_LEVEL = 6
_CHUNK_IMAGES = 32


def write_split(path: Path, split: str, x: np.ndarray, y: np.ndarray, classes: list[str]) -> Path:
    """Write one split to ``path`` (parents created) and return ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    x = np.ascontiguousarray(x, dtype=np.uint8)
    y = np.ascontiguousarray(y, dtype=np.int64)
    names = np.array([name.encode("utf-8") for name in classes])
    partial = path.with_name(path.name + ".partial")
    with h5py.File(partial, "w", libver="earliest", track_order=False) as handle:
        handle.create_dataset(
            f"{split}_set_x",
            data=x,
            chunks=(min(_CHUNK_IMAGES, max(len(x), 1)), *x.shape[1:]),
            compression="gzip",
            compression_opts=_GZIP_LEVEL,
            shuffle=False,
            track_times=False,
        )
        handle.create_dataset(f"{split}_set_y", data=y, track_times=False)
        handle.create_dataset("list_classes", data=names, track_times=False)
    os.replace(partial, path)  # a crash never leaves a half-written file under the real name
    return path


def png_bytes(image: np.ndarray) -> bytes:
    """PNG encoding with no metadata and fixed settings: the same pixels give the same bytes."""
    buffer = io.BytesIO()
    mode = "L" if image.ndim == 2 else "RGB"
    Image.fromarray(image, mode).save(buffer, format="PNG", optimize=False, compress_level=9)
    return buffer.getvalue()


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary name, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path


def update_manifest(written: list[Path], rebuild: str, prune: str | None = None) -> Path:
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
    write_atomically(manifest, text.encode("utf-8"))
    return manifest
