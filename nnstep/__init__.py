"""nnstep: a calculator that steps through a neural network's training the way a lecture does."""

__version__ = "0.1.0"
