#!/usr/bin/env python3
"""Thin entry point: `python generate.py ARGS` does exactly what `leaflets ARGS` does."""

from leaflets.cli import entry_point

if __name__ == "__main__":
    entry_point()
