"""`nnstep --help` without click: the stored text is what click prints at 80 columns or more."""

import os
import subprocess
import sys

from nnstep import cli as cli_package

PROBE = (
    "import sys; sys.argv = ['nnstep', '--help']; import nnstep.__main__ as m\n"
    "try:\n    m.run()\nexcept SystemExit:\n    pass\n"
    "sys.stderr.write('click loaded' if 'click' in sys.modules else 'no click')"
)
CLICK = "from nnstep.cli import main; main(['--help'], prog_name='nnstep')"


def _run(code: str, columns: str) -> subprocess.CompletedProcess:
    """A real process (click's test runner forces its own width), stdout a pipe, COLUMNS given."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"COLUMNS": columns}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_the_stored_help_is_clicks():
    """If this fails, refresh it: python -c "import nnstep.cli as c; c.write_help_text()"."""
    stored = cli_package.HELP_TEXT.read_text(encoding="utf-8")
    assert stored == cli_package.rendered_help()
    for columns in ("80", "200"):
        assert _run(CLICK, columns).stdout == stored  # click itself


def test_help_at_80_columns_or_more_needs_no_click():
    for columns in ("80", "120"):
        out = _run(PROBE, columns)
        assert out.stdout == cli_package.HELP_TEXT.read_text(encoding="utf-8")
        assert out.stderr == "no click"


def test_a_narrower_terminal_gets_clicks_own_wrapping():
    out = _run(PROBE, "60")
    assert out.stderr.endswith("click loaded")
    assert out.stdout != cli_package.HELP_TEXT.read_text(encoding="utf-8")
    assert out.stdout == _run(CLICK, "60").stdout
