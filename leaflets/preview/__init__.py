"""``leaflets serve``: a live preview for the people who edit the content.

``state`` builds the catalogue into a private temporary folder with a pool
of workers kept warm, and keeps the last good build and the problems of the
last attempt; ``watch`` rebuilds when a project file is saved; ``pages``
draws PDF pages as PNG images; ``app`` is the web server (Starlette) with
its guards: the access token, cross-site refusal, limits and headers.
"""
