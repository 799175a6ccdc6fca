from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# The property tests draw the same examples on every run and every machine, so that a test run
# (and CI on a clean clone) passes or fails for the code, never for a new random draw. To explore
# new examples, run with --hypothesis-profile=explore.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
