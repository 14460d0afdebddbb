"""Functions of the right shapes that do no work: the base of every cheat here."""
# ruff: noqa: F821  (np and get_ipython come from the notebook)


# %% zero_pad
def zero_pad(X, pad):
    return np.zeros((X.shape[0], X.shape[1] + 2 * pad, X.shape[2] + 2 * pad, X.shape[3]))


# %% conv_single_step
def conv_single_step(a_slice_prev, W, b):
    return 0.0


# %% conv_forward
def conv_forward(A_prev, W, b, hparameters):
    f, stride, pad = W.shape[0], hparameters["stride"], hparameters["pad"]
    n_H = (A_prev.shape[1] - f + 2 * pad) // stride + 1
    n_W = (A_prev.shape[2] - f + 2 * pad) // stride + 1
    return np.zeros((A_prev.shape[0], n_H, n_W, W.shape[3])), (A_prev, W, b, hparameters)


# %% pool_forward
def pool_forward(A_prev, hparameters, mode="max"):
    f, stride = hparameters["f"], hparameters["stride"]
    n_H, n_W = (A_prev.shape[1] - f) // stride + 1, (A_prev.shape[2] - f) // stride + 1
    return np.zeros((A_prev.shape[0], n_H, n_W, A_prev.shape[3])), (A_prev, hparameters)


# %% conv_backward
def conv_backward(dZ, cache):
    (A_prev, W, b, hparameters) = cache
    return np.zeros(A_prev.shape), np.zeros(W.shape), np.zeros(b.shape)


# %% create_mask_from_window
def create_mask_from_window(x):
    return np.zeros(x.shape, dtype=bool)


# %% distribute_value
def distribute_value(dz, shape):
    return np.zeros(shape)


# %% pool_backward
def pool_backward(dA, cache, mode="max"):
    (A_prev, hparameters) = cache
    return np.zeros(A_prev.shape)
