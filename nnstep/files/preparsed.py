"""A pre-parsed copy of the YAML files shipped in nnstep/data, so that the commands that read
only those (nnstep with no files given, verify) need no YAML parser at all.

data/preparsed.jsonl holds one line per file: [its path relative to data/, the CRC-32 and the
length of its bytes, the document the YAML loader reads from it] (JSON keeps every value these
files hold); a command parses only the line of the file it reads. A copy is used only while the
file's bytes still match; an edited file is parsed as YAML, and a test says to refresh the
copy: python -m nnstep.files.preparsed
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent.parent / "data"
COPY = DATA_DIR / "preparsed.jsonl"
MISSING = object()


def _key(path: Path) -> str | None:
    """The path relative to data/, if the file is one shipped there."""
    try:
        return path.resolve().relative_to(DATA_DIR.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def document(path: Path, data: bytes) -> Any:
    """The document the YAML file `path` with contents `data` holds, from the copy; MISSING if
    the file is not shipped or not as it was when the copy was made."""
    key = _key(path) if path.suffix == ".yaml" else None
    if key is None:
        return MISSING
    try:
        copies = b"\n" + COPY.read_bytes()
    except OSError:
        return MISSING
    start = copies.find(b"\n" + json.dumps([key])[:-1].encode() + b",")
    if start < 0:
        return MISSING
    end = copies.find(b"\n", start + 1)
    _, crc32, length, doc = json.loads(copies[start + 1 : end if end > 0 else None])
    if length != len(data) or crc32 != zlib.crc32(data):
        return MISSING
    return doc


def build() -> dict[str, Any]:
    """The copy of every YAML file under data/, read with the loader every file is read with."""
    import yaml

    from .load import yaml_loader

    out = {}
    for path in sorted(DATA_DIR.rglob("*.yaml")):
        data = path.read_bytes()
        doc = yaml.load(data.decode("utf-8"), Loader=yaml_loader())
        if json.loads(json.dumps(doc)) != doc or _types(json.loads(json.dumps(doc))) != _types(doc):
            raise ValueError(f"{path}: holds a value JSON does not keep")
        out[path.relative_to(DATA_DIR).as_posix()] = {"crc32": zlib.crc32(data), "length": len(data), "document": doc}
    return out


def _types(doc: Any) -> Any:
    """The shape of a document with every value's type (1 and 1.0, True and 1 differ)."""
    if isinstance(doc, dict):
        return {k: _types(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_types(v) for v in doc]
    return type(doc).__name__


def main() -> None:
    """Write data/preparsed.jsonl afresh."""
    from .load import write_atomically

    lines = [
        json.dumps([key, e["crc32"], e["length"], e["document"]], ensure_ascii=False) for key, e in build().items()
    ]
    write_atomically(COPY, "\n".join(lines) + "\n")
    print(f"wrote {COPY}")


if __name__ == "__main__":
    main()
