"""Loaders of the networks the course pretrained with its own recipes.

Nothing is downloaded: every set of weights here was trained by a recipe of ``course_tools`` on
one of the course's generated datasets and is stored under ``data/pretrained/<name>/`` with a
``MODEL_CARD.md``.  A missing or damaged file raises ``AssetError`` naming the command that
retrains it, e.g. ``python -m course_tools pretrain mobilenet_v2``.
"""

from pathlib import Path

from .. import paths


def retrain_error(problem: str, path: Path, recipe_command: str) -> paths.AssetError:
    """An AssetError naming the file, what is wrong with it and the command that retrains the network."""
    return paths.AssetError(f"{problem}: {path}\nRetrain it from the repository root with:  {recipe_command}")


def weights_asset(relative: str, recipe_command: str) -> Path:
    """``data/<relative>``, checked against data/MANIFEST.json; the error names the recipe even
    when the manifest does not list the file yet."""
    path = paths.data_dir() / relative
    if not path.is_file():
        raise retrain_error("Missing file", path, recipe_command)
    try:
        return paths.asset(relative)
    except paths.AssetError:
        raise retrain_error(
            "File does not match data/MANIFEST.json (corrupt or edited)", path, recipe_command
        ) from None
