"""Tests of leaflets.project: loading and validating the project's files (and the bad-input corpus)."""
