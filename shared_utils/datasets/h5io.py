"""Read and write image datasets as HDF5 files with the course's keys.

A split lives in one file with the keys ``<split>_set_x`` (images), ``<split>_set_y`` (labels)
and ``list_classes`` (class names as bytes).  Files are written so that the same arrays always
give the same bytes (no timestamps, fixed chunks and compression level), which lets
``data/MANIFEST.json`` pin their checksums.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np

from ..paths import AssetError, rebuild_hint

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


def read_split(path: Path, split: str, relative: str | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read ``(x, y, classes)`` of one split.

    Raises:
        AssetError: the file cannot be read as HDF5 or lacks one of the keys; the message names
            the file, the key and the command that rebuilds it.
    """
    hint = rebuild_hint(relative) if relative else rebuild_hint(Path(path).name)
    keys = (f"{split}_set_x", f"{split}_set_y", "list_classes")
    try:
        with h5py.File(path, "r") as handle:
            for key in keys:
                if key not in handle:
                    raise AssetError(
                        f"Data file {path} has no key '{key}' (an old or damaged file).\n"
                        f"Rebuild it from the repository root with:  {hint}"
                    )
            x = np.asarray(handle[keys[0]][...], dtype=np.uint8)
            y = np.asarray(handle[keys[1]][...], dtype=np.int64)
            classes = [bytes(name).decode("utf-8") for name in handle[keys[2]][...]]
    except OSError as error:
        if isinstance(error, AssetError):
            raise
        raise AssetError(
            f"Data file {path} cannot be read as HDF5 ({error}).\nRebuild it from the repository root with:  {hint}"
        ) from error
    return x, y, classes
