"""What the two web servers share: ``leaflets serve`` (the writers' preview) and ``leaflets desk``
(reception's server).

``guard`` checks every request before either app sees it (the Host, cross-site refusal, the
access token or password, rate limits, security headers, an access log without what anyone
typed); ``prints`` reads the "For you" form and renders a personalised PDF in a warm worker pool,
in memory, with the limits on body size, concurrent renders and time; ``listen`` binds the
socket and runs the app until Ctrl-C or SIGTERM; ``csp`` is the Content-Security-Policy of the
built pages a server sends. The desk's password is the desk's own (``leaflets.desk.password``).
"""
