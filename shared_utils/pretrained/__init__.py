"""Loaders of the networks the course pretrained with its own recipes.

Nothing is downloaded: every set of weights here was trained by a recipe of ``course_tools`` on
one of the course's generated datasets and is stored under ``data/pretrained/<name>/`` with a
``MODEL_CARD.md``.  A missing or damaged file raises ``AssetError`` naming the command that
retrains it, e.g. ``python -m course_tools pretrain mobilenet_v2``.
"""
