"""Rendering: a variant's HTML (``html``, ``web``, ``qr``, ``fonts``, ``bidi``), its PDF (``job``,
``engine``, ``workers``, ``impose``, ``marks``, ``thumbs``, ``subsetter``) and the "For you" box
(``foryou``). Imports only the project layer below it.
"""
