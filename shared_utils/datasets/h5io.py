"""Read image datasets stored as HDF5 files with the course's keys.

A split lives in one file with the keys ``<split>_set_x`` (images), ``<split>_set_y`` (labels)
and ``list_classes`` (class names as bytes), as in the original course's files.
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from ..paths import AssetError, rebuild_hint


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
