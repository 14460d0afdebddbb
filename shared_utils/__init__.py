"""Helpers for the CNN course workbook.

Notebooks import what they need from the submodules (``paths``, ``runtime``, ``checks``,
``plotting``, ``datasets``).  Nothing here implements a graded exercise: the lesson stays in
the notebook, the plumbing lives here.
"""

__all__ = ["checks", "datasets", "paths", "plotting", "runtime"]
