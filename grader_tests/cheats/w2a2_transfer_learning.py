"""An augmenter, a model and a fine-tuning step of the right types that do no work: the base of every cheat here."""
# ruff: noqa: F821  (keras and the layers come from the notebook)


# %% data_augmenter
def data_augmenter():
    return keras.Sequential([keras.layers.Identity()])


# %% owl_model
def owl_model(image_shape=IMG_SIZE, data_augmentation=None):
    inputs = keras.Input(shape=image_shape + (3,))
    return keras.Model(inputs, Dense(1)(GlobalAveragePooling2D()(inputs)))


# %% fine_tune
def fine_tune(model, base_model, fine_tune_at, base_learning_rate):
    return model
