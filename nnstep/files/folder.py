"""A folder of files written at once: the whole folder appears in one rename, or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .load import InputError, current_umask, not_written, write_atomically


def write_folder(path: str | Path, files: dict[str, str], force: bool = False) -> None:
    """Write `files` (relative path -> UTF-8 text) under `path`.

    A new or empty folder is filled in a temporary folder beside it, then renamed into place, so an
    interrupted run leaves nothing behind. A folder holding anything else is refused unless
    `force`; then each of these files is replaced atomically and every other file is left alone.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(path, None, "exists and is not a directory")
    if not path.parent.is_dir():
        raise InputError(path, None, f"no such directory {str(path.parent)!r}")
    busy = path.is_dir() and any(path.iterdir())
    if busy and not force:
        raise InputError(path, None, "is not empty (give --force to replace the exercise files in it)")
    try:
        if busy:
            for name, text in files.items():
                (path / name).parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path / name, text)
            return
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
        try:
            for name, text in files.items():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_text(text, encoding="utf-8")
            os.chmod(staging, 0o777 & ~current_umask())
            if path.is_dir():
                path.rmdir()  # empty: the staged folder takes its place
            os.replace(staging, path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except OSError as exc:
        raise InputError(path, None, not_written(exc)) from None
