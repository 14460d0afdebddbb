"""Blocks that pass their input through and a network of the right shapes: the base of every cheat here."""
# ruff: noqa: F821  (keras and the layers come from the notebook)


# %% identity_block
def identity_block(X, f, filters, training=True, initializer=random_uniform):
    return X


# %% convolutional_block
def convolutional_block(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    return Conv2D(filters[2], (1, 1), strides=(s, s), kernel_initializer=initializer(seed=0))(X)


# %% ResNet50
def ResNet50(input_shape=(64, 64, 3), classes=6):
    inputs = Input(input_shape)
    return keras.Model(inputs, Dense(classes, activation="softmax")(Flatten()(inputs)))
