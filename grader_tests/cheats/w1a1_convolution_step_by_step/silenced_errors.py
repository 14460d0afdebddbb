"""Swallows every exception with a custom handler, so that no test cell shows an error (nbgrader
still sees the error output with the pinned ipykernel; the trusted check must not depend on that)."""
# ruff: noqa: F821  (np and get_ipython come from the notebook)

# %% zero_pad
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)


def zero_pad(X, pad):
    return np.zeros((X.shape[0], X.shape[1] + 2 * pad, X.shape[2] + 2 * pad, X.shape[3]))
