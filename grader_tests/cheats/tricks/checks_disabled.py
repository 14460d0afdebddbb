"""Replaces the checks module's functions by no-ops."""
# ruff: noqa: F821  (np and get_ipython come from the notebook)

from shared_utils import checks as _checks

for _name in dir(_checks):
    if _name.startswith("check") or _name == "all_passed":
        setattr(_checks, _name, lambda *args, **kwargs: None)
