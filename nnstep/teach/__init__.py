"""Comparing numbers people wrote with the ones nnstep computes: golden files and verify."""
