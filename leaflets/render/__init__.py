"""Rendering: a variant's HTML (``html``, ``web``, ``qr``, ``fonts``, ``bidi``) and its PDF: the
job (``job``) laid out with its padding (``layout``) and its "For you" box (``foryou``), made into
bytes (``pdfs``: ``engine``, ``impose``, ``marks``, ``thumbs``, ``subsetter``) in worker processes
(``workers``). Imports only the project layer below it; inside it, one way (no circle).
"""
