"""What a server prints as its address (``serving/listen.py``): one a browser can open."""

from __future__ import annotations

import socket

import pytest

from leaflets.errors import UserError
from leaflets.serving.listen import bind, where


@pytest.mark.parametrize(("host", "local"), [("0.0.0.0", "127.0.0.1"), ("::", "[::1]"), ("[::]", "[::1]")])
def test_every_interface_is_shown_as_this_machine_and_as_its_name_for_others(host, local):
    shown = where(host, 8765, "?token=abc")
    name = socket.gethostname().lower()
    assert shown.startswith(f"http://{local}:8765/?token=abc on this machine, ")
    assert f"http://{name}:8765/?token=abc from others on the network" in shown
    assert "0.0.0.0" not in shown and "[::]" not in shown


@pytest.mark.parametrize(("host", "url"), [("127.0.0.1", "http://127.0.0.1:80/"), ("::1", "http://[::1]:80/"),
                                           ("leaflets.clinic.lan", "http://leaflets.clinic.lan:80/")])
def test_a_named_address_is_shown_as_it_is(host, url):
    assert where(host, 80) == url


def test_a_port_in_use_is_one_clear_error():
    first = bind("127.0.0.1", 0)
    try:
        port = first.getsockname()[1]
        first.listen()
        with pytest.raises(UserError, match=f"cannot listen on 127.0.0.1:{port}: .*choose another port with --port"):
            bind("127.0.0.1", port)
    finally:
        first.close()
