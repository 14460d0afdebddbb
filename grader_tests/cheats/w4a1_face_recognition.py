"""Functions that return answers of the right types and do no work: the base of every cheat here."""
# ruff: noqa: F821  (tf and UNKNOWN come from the notebook)


# %% triplet_loss
def triplet_loss(y_true, y_pred, alpha=0.2):
    return tf.constant(0.0)


# %% verify
def verify(image_path, identity, database, model):
    return 0.5, True


# %% who_is_it
def who_is_it(image_path, database, model):
    return 0.5, UNKNOWN
