"""Find the course's data files and fail clearly when one is missing or damaged.

Every dataset and set of weights lives under ``data/`` next to this package (or wherever the
``COURSE_DATA_DIR`` environment variable points).  ``data/MANIFEST.json`` records the size and
SHA-256 of each file, so a truncated or edited file is caught before it produces a confusing
error deep inside a loader.  A file is hashed once per process: later calls only compare its size
and modification time with what was verified, so loading hundreds of images stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

DATA_ENV_VAR = "COURSE_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parents[1]
REBUILD_COMMAND = "make data"
_verified: dict[str, tuple[int, int, str]] = {}  # path -> (size, mtime_ns, sha256) already checked


class AssetError(FileNotFoundError):
    """A data file is missing or does not match the manifest."""


def data_dir() -> Path:
    """The folder that holds the course's datasets and weights."""
    override = os.environ.get(DATA_ENV_VAR)
    return Path(override).expanduser().resolve() if override else REPO_ROOT / "data"


def manifest_path() -> Path:
    return data_dir() / "MANIFEST.json"


@lru_cache(maxsize=4)
def _read_manifest(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["files"]


def manifest() -> dict:
    """The manifest's ``files`` table (empty when there is no manifest yet)."""
    path = manifest_path()
    if not path.exists():
        return {}
    return _read_manifest(str(path), path.stat().st_mtime)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rebuild_hint(relative: str) -> str:
    entry = manifest().get(relative, {})
    return entry.get("rebuild", REBUILD_COMMAND)


def asset(relative: str) -> Path:
    """Return the path of ``data/<relative>``, checked against the manifest.

    Raises:
        AssetError: the file is missing, or its size or checksum differs from the manifest;
            the message names the file and the command that rebuilds it.
    """
    path = data_dir() / relative
    hint = rebuild_hint(relative)
    if not path.is_file():
        raise AssetError(f"Missing data file: {path}\nRebuild it from the repository root with:  {hint}")
    entry = manifest().get(relative)
    if entry is not None and not _matches(path, entry):
        raise AssetError(
            f"Data file does not match data/MANIFEST.json (corrupt or edited): {path}\n"
            f"Rebuild it from the repository root with:  {hint}"
        )
    return path


def _matches(path: Path, entry: dict) -> bool:
    """Size and SHA-256 agree with the manifest entry; hashes each unchanged file only once."""
    stat = path.stat()
    if stat.st_size != entry["size"]:
        return False
    key = str(path)
    seen = _verified.get(key)
    if seen is not None and seen[:2] == (stat.st_size, stat.st_mtime_ns):
        return seen[2] == entry["sha256"]
    digest = sha256_of(path)
    _verified[key] = (stat.st_size, stat.st_mtime_ns, digest)
    return digest == entry["sha256"]
