"""The columns of the petition stage's files, and the reasons a signature is not counted.

Voter file (one row per registration; a voter who moved has a cancelled row at the old
address and an active row at the new one)::

    voter_id, county, first_name, middle_name, last_name, suffix, house_number, street,
    unit, city, zip, registered_on, cancelled_on, date_of_birth, party

Petition signatures (one row per signature line, Elections Code 9020: name, residence
address, city; no date of birth)::

    signature_id, county, section, line, signed_on, first_name, middle_name, last_name,
    house_number, street, unit, city, zip, withdrawn, examiner_mismatch

``county`` on a signature is the county named on the petition section; ``withdrawn``
is true for a signature the signer asked to withdraw before filing (Elections Code
9602); ``examiner_mismatch`` is the examiner's handwriting determination (true: the
signature does not compare with the registration; empty: not examined).

Ground truth (synthetic data only)::

    signature_id, true_voter_id, expected_reason
"""

from __future__ import annotations

from enum import StrEnum

VOTER_COLUMNS: tuple[str, ...] = (
    "voter_id",
    "county",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "house_number",
    "street",
    "unit",
    "city",
    "zip",
    "registered_on",
    "cancelled_on",
    "date_of_birth",
    "party",
)

SIGNATURE_COLUMNS: tuple[str, ...] = (
    "signature_id",
    "county",
    "section",
    "line",
    "signed_on",
    "first_name",
    "middle_name",
    "last_name",
    "house_number",
    "street",
    "unit",
    "city",
    "zip",
    "withdrawn",
    "examiner_mismatch",
)

TRUTH_COLUMNS: tuple[str, ...] = ("signature_id", "true_voter_id", "expected_reason")


class Reason(StrEnum):
    """Why a checked signature counts or not: exactly one per signature.

    Checked in this order; the first that applies is the reason.
    """

    SIGNATURE_MISMATCH = "SIGNATURE_MISMATCH"
    """The examiner found the signature does not compare with the registration."""
    WITHDRAWN = "WITHDRAWN"
    """Withdrawn by the signer before the petition was filed (Elections Code 9602)."""
    NO_ADDRESS = "NO_ADDRESS"
    """No residence address on the line (Elections Code 9020, 105)."""
    NOT_REGISTERED = "NOT_REGISTERED"
    """No registration matches the signer."""
    WRONG_COUNTY = "WRONG_COUNTY"
    """Registered, but not in the county named on the petition section."""
    ADDRESS_MISMATCH = "ADDRESS_MISMATCH"
    """Registered in the county, but not at the address given (Elections Code 105)."""
    REGISTERED_AFTER_SIGNING = "REGISTERED_AFTER_SIGNING"
    """The matching registration began after the signature was made."""
    DUPLICATE = "DUPLICATE"
    """The same voter signed an earlier line (only the first signature counts)."""
    VALID = "VALID"

    @property
    def counts(self) -> bool:
        return self is Reason.VALID
