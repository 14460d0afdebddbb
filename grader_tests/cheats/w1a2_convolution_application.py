"""Models of the right input and output shapes that learn nothing: the base of every cheat here."""
# ruff: noqa: F821  (keras comes from the notebook)


# %% happyModel
def happyModel():
    return keras.Sequential([keras.Input((64, 64, 3)), keras.layers.Flatten(), keras.layers.Dense(1, "sigmoid")])


# %% convolutional_model
def convolutional_model(input_shape):
    inputs = keras.Input(input_shape)
    outputs = keras.layers.Dense(6, activation="softmax")(keras.layers.Flatten()(inputs))
    return keras.Model(inputs, outputs)
