"""``python -m leaflets.cli``: the same as ``leaflets``."""

from leaflets.cli import entry_point

entry_point()
