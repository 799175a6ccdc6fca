"""The names a user may choose, without importing numpy: the click choices and the model-file keys.

Each registry that implements a name (activations.ACTIVATIONS, costs.COSTS, optimizers) holds
exactly these keys, in this order (a test checks it), so that `nnstep --help` needs no numpy.
"""

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softmax", "step")
COSTS = ("half_squared_error", "squared_error", "binary_cross_entropy", "categorical_cross_entropy")
OPTIMIZERS = ("gd", "momentum", "adam")
REDUCTIONS = ("sum", "mean")
UPDATES = ("batch", "online", "minibatch")
LAYER_UPDATES = ("simultaneous", "sequential")
NOTATIONS = ("slides", "matrix")
SEARCH_METHODS = ("grid", "random", "gd")
REGULARIZATIONS = ("none", "l2", "l1")
