"""Numerical gradients by centred differences, to check a hand-written backward pass.

A backward pass receives ``df``, the gradient of some loss with respect to the output of ``f``,
and returns the gradient of that loss with respect to an input ``x``.  Any such ``df`` is the
gradient of the scalar loss ``L(x) = sum(f(x) * df)`` (with ``df`` held fixed), so the gradient
the backward pass returns can be compared with a finite-difference estimate of ``dL/dx``::

    dx_num = numerical_gradient(lambda x: forward(x, w), x, dout)
    print(checks.relative_error(dx, dx_num))   # about 1e-8 or less when dx is right

Centred differences ``(L(x + h) - L(x - h)) / (2 h)`` are accurate to ``O(h**2)``, which is why
a correct float64 backward pass agrees to seven or more significant digits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    df: np.ndarray,
    h: float = 1e-5,
) -> np.ndarray:
    """Centred-difference gradient of ``sum(f(x) * df)`` with respect to ``x``.

    Each entry of ``x`` is nudged by ``+h`` and ``-h`` in turn (in place, and restored
    afterwards), so the cost is two calls of ``f`` per entry: keep ``x`` small.

    Inputs:
    - f: function taking one array of the shape of x and returning an array of the shape of df
      (fix every other argument with a lambda)
    - x: float array of any shape, the point at which to differentiate
    - df: array of the shape of f(x), the upstream gradient (weights of the scalar loss)
    - h: step size

    Returns:
    - grad: array of the shape of x, grad[i] ~= d sum(f(x) * df) / d x[i]
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array to be nudged by h, not {x.dtype}.")
    df = np.asarray(df)
    grad = np.zeros(x.shape, dtype=float)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + h
            plus = np.sum(np.asarray(f(x)) * df)
            x[index] = original - h
            minus = np.sum(np.asarray(f(x)) * df)
        finally:
            x[index] = original
        grad[index] = (plus - minus) / (2 * h)
    return grad
