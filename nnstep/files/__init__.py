"""Every file nnstep reads or writes: model, data (YAML or CSV) and trained models.

Each problem with an input becomes one InputError that names the file and the key or line;
every file is written atomically (load.py reads, save.py writes a trained model).
"""
