"""The plebiscite: county returns in, a canvass under the measure's passage rules out.

:mod:`calexit.vote.returns` holds the records for county returns and checks them (every
problem at once, with its location); :mod:`calexit.vote.canvass` applies a pack's
:class:`~calexit.rules.model.Passage` rules to the statewide totals with exact
:class:`fractions.Fraction` arithmetic. Neither opens a file, reads the clock or the
environment: :mod:`calexit.files.vote_returns` reads CSV and NIST SP 1500-100 JSON files
and writes the certified result. See ``docs/vote.md``.
"""
