"""Swallows every exception with a custom handler, so that no test cell shows an error (nbgrader
still sees the error output with the pinned ipykernel; the trusted check must not depend on that)."""
# ruff: noqa: F821  (np and get_ipython come from the notebook)

get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
