"""The folders are the layers, and imports point down only (README, "Layout")."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nnstep"

# lower number = lower layer; a module may import from its own layer or any lower one
LAYERS = {"core": 0, "worked": 1, "files": 2, "render": 3, "teach": 4, "api": 5, "cli": 6}
NUMPY_FREE = {"names", "labels"}  # the core modules that `nnstep --help` may import


def layer_of(module: str) -> str:
    """'nnstep.render.tables' -> 'render'; 'nnstep.network' -> 'core'; 'nnstep' -> 'api'."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("api", "__main__"):
        return "api" if len(parts) == 1 or parts[1] == "api" else "cli"
    return parts[1] if parts[1] in LAYERS else "core"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every nnstep import in the file, at any depth."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                targets = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            else:
                targets = [node.module or ""]
            found += [(node.lineno, t) for t in targets if t.startswith("nnstep")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("nnstep")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    here = layer_of(module_name(path))
    upward = [
        f"line {line}: {target} ({layer_of(target)})"
        for line, target in imports(path)
        if LAYERS[layer_of(target)] > LAYERS[here] and target != "nnstep"
    ]
    assert not upward, f"{path.name} ({here}) imports a layer above it: {upward}"


@pytest.mark.parametrize("path", [p for p in MODULES if layer_of(module_name(p)) == "core"], ids=lambda p: p.name)
def test_the_core_never_imports_rich_yaml_or_click(path):
    tree = ast.parse(path.read_text())
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level}
    assert not names & {"rich", "yaml", "click"}
    if path.stem in NUMPY_FREE:
        assert "numpy" not in names


def test_only_the_cli_imports_click():
    for path in MODULES:
        if layer_of(module_name(path)) != "cli":
            assert "import click" not in path.read_text(), path
