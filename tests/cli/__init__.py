"""Tests of leaflets.cli: the command line itself and generate.py."""
