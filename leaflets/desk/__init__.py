"""``leaflets desk``: reception's server.

It serves a build folder (the release where there is one, else the working
build: ``shelf``), the staff catalogue with a "For you" form on every card,
and the personalised PDF made in memory by a warm worker pool (``state``,
``app``). What it shares with the preview (the guard, the personalised-print
handling) is in ``leaflets.serving``.
"""
