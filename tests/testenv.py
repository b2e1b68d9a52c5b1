"""Loaded with `-p tests.testenv` before Django's settings are read: mark the run as a test run."""

import os

os.environ.setdefault("ISI_TESTING", "1")
