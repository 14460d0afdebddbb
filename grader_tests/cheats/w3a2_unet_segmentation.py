"""Blocks and a network of the right shapes that compute nothing useful: the base of every cheat here."""
# ruff: noqa: F821  (keras and the layers come from the notebook)


# %% conv_block
def conv_block(inputs, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 1)(inputs)
    return (MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv), conv


# %% upsampling_block
def upsampling_block(expansive_input, contractive_input, n_filters=32):
    return Conv2D(n_filters, 1)(contractive_input)


# %% unet_model
def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=10):
    inputs = Input(input_size)
    return keras.Model(inputs=inputs, outputs=Conv2D(n_classes, 1)(inputs))
