"""Functions that return numbers of the right shapes and do no work: the base of every cheat here."""
# ruff: noqa: F821  (tf comes from the notebook)


# %% compute_content_cost
def compute_content_cost(content_output, generated_output):
    return tf.constant(1.0)


# %% gram_matrix
def gram_matrix(A):
    return tf.zeros((A.shape[0], A.shape[0]))


# %% compute_layer_style_cost
def compute_layer_style_cost(a_S, a_G):
    return tf.constant(1.0)


# %% compute_style_cost
def compute_style_cost(style_outputs, generated_outputs, STYLE_LAYERS):
    return tf.constant(1.0)


# %% total_cost
def total_cost(J_content, J_style, alpha=10, beta=40):
    return tf.constant(50.0)


# %% train_step
def train_step(generated_image):
    return tf.constant(50.0)
