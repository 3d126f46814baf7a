"""Shared fixtures for the petition engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from calexit.files.synth_writer import write_synth
from calexit.petition.synth import SynthSpec, synthesize

DATA = Path(__file__).resolve().parents[2] / "data" / "petition"

# The hand-made fixture: one signature line per situation the law distinguishes.
EXPECTED = {
    "s1": "VALID",  # nickname (Bob for Robert), middle initial, no city, abbreviated street
    "s2": "VALID",  # a wrong unit number does not invalidate (Elections Code 105)
    "s3": "NOT_REGISTERED",  # lives with registered voters of the same surname
    "s5": "WRONG_COUNTY",  # registered in Fresno, signed an Alameda section
    "s6": "REGISTERED_AFTER_SIGNING",  # registered 2028-01-15, signed 2027-12-03
    "s7": "VALID",  # moved during circulation; signed at the old address while registered
    "s8": "DUPLICATE",  # Robert Smith again, after s1
    "s9": "ADDRESS_MISMATCH",  # registered in the county at another address
    "s10": "NO_ADDRESS",
    "s11": "WITHDRAWN",
    "s12": "SIGNATURE_MISMATCH",  # the examiner's determination is taken as given
}


@pytest.fixture
def fixture_files() -> tuple[Path, Path]:
    return DATA / "voters.csv", DATA / "signatures.csv"


@pytest.fixture
def expected_reasons() -> dict[str, str]:
    return dict(EXPECTED)


@pytest.fixture(scope="session")
def synthetic_petition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic voter file and petition with ground truth (about 45,000 voters)."""
    folder = tmp_path_factory.mktemp("synth")
    spec = SynthSpec(seed=11, scale=0.002, signatures=4_000)
    write_synth(synthesize(spec), spec, folder)
    return folder
