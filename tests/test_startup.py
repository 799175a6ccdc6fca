"""What makes a command answer at once, checked for what it must not change: the YAML loader
(libyaml's where available) reads every file as the pure-Python one does, the plain-text tables
written when stdout is not a terminal are rich's to the byte, and the table commands import
nothing they do not use. (The speed itself is measured by `make bench`, never in a test.)"""

import math

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnstep.files.load import DATA_DIR, yaml_loader

SCALARS = [
    "ON", "on", "Off", "yes", "No", "y", "n", "true", "True", "FALSE", "false", "~", "null", "Null", "",
    "1", "-1", "+1", "0", "007", "1_000", "0x1F", "0o17", "0b101", "1:20", "1:20.5",
    "1e-3", "1E3", "-1.5e+3", "1.", ".5", "-.5", "1.0", "1_000.5", ".inf", "-.Inf", "+.INF", ".nan", ".NaN",
    "2024-01-01", "1e", "e3", "0.1.2", "- 1", "H1", "IN1", "sigmoid", "'1'", '"ON"',
]  # fmt: skip


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


def _both(text: str):
    """The document read by libyaml's loader and by the pure-Python one (None where it is no YAML)."""
    out = []
    for libyaml in (True, False):
        try:
            out.append(yaml.load(text, Loader=yaml_loader(libyaml)))
        except yaml.YAMLError:
            out.append(None)
    return out


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml: the pure-Python loader is the only one")
@pytest.mark.parametrize("scalar", SCALARS)
def test_libyaml_resolves_every_scalar_as_the_python_loader(scalar):
    c, python = _both(f"a: {scalar}\nb: [{scalar}, x]\n")
    assert python is not None or scalar in ("", "- 1")
    assert (c is None) == (python is None)
    if python is not None:
        assert _same(c["a"], python["a"]) and _same(c["b"][0], python["b"][0]), (c, python)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-._eExXoObBinfaINFNaTtrueFlsyYoOn:~", min_size=1, max_size=12))
def test_libyaml_resolves_any_short_scalar_as_the_python_loader(scalar):
    c, python = _both(f"a: {scalar}\n")
    assume(c is not None and python is not None)  # the parsers differ on some odd syntax; resolution is the point
    assert _same(c["a"], python["a"]), (c, python)


def test_every_shipped_file_reads_the_same_with_both_loaders():
    files = sorted(DATA_DIR.rglob("*.yaml"))
    assert len(files) >= 8
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yaml_loader()) == yaml.load(text, Loader=yaml_loader(libyaml=False)), path


def test_the_loader_is_libyamls_where_pyyaml_has_it():
    assert issubclass(yaml_loader(), yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
    assert issubclass(yaml_loader(libyaml=False), yaml.SafeLoader)
