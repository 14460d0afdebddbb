"""Networks pretrained by the course's own recipes, and the loaders the notebooks use.

Nothing is downloaded: every set of weights here is trained by a recipe in this package on one of
the course's generated datasets and stored under ``data/pretrained/``.  Retrain one with::

    python -m shared_utils.course pretrain mobilenet_v2

``RECIPES`` maps a recipe name to its function ``recipe(argv) -> exit status``.
"""

from __future__ import annotations

from . import mobilenet_v2

RECIPES = {"mobilenet_v2": mobilenet_v2.pretrain}

__all__ = ["RECIPES", "mobilenet_v2"]
