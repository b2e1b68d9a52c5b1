"""Erfolgskontrolle dashboard (Leitfaden ch. V, VII; § 7 (2) BHO).

Which measures have an evaluation plan, which evaluations are overdue, what they found, and which
model projects ended their test phase without a decision to scale, transfer or end them.

- ``plan``: the one definition of "has an evaluation plan" (agrees with rule R7)
- ``selectors.evaluation_overview``: all figures and lists, for the page, the XLSX and the IMAG report
- ``permissions``: who sees which ministries
- ``views`` / ``xlsx``: the staff page and its export
- ``demo``: illustrative evaluations for the demo (demo mode only)
"""
