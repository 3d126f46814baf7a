"""The public portal's rules, free of I/O: what the web layer and the store apply.

- :mod:`~calexit.portal.notice`: Bagley-Keene notice periods (Gov. Code 11125, 11125.4,
  11125.5) and the 20-word agenda item description (11125(b)).
- :mod:`~calexit.portal.chain`: the tamper-evident public record, a SHA-256 hash chain
  over canonical JSON, and :func:`~calexit.portal.chain.verify_chain`.
- :mod:`~calexit.portal.moderation`: comment limits and the moderation policy that never
  hides criticism (rejection only for spam, abuse or off-topic, with a recorded reason).
- :mod:`~calexit.portal.roles`: staff roles and what each may do.
- :mod:`~calexit.portal.budget`: appropriation, spending by category, the burn series.
- :mod:`~calexit.portal.deadlines`: the interim and final report deadlines and countdowns.
"""

from __future__ import annotations
