"""The practice's desk password: stored only as a salted scrypt hash, in a file readable by its
owner, outside the project (so it is never committed).

The file holds one line: ``scrypt$N$r$p$<salt, base64>$<hash, base64>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from leaflets.errors import UserError
from leaflets.publish.files import replace_file

N, R, P = 2**14, 8, 1  # scrypt's cost: ~50 ms and 16 MB per check
MIN_LENGTH = 10
MAX_LENGTH = 1024


def default_file() -> Path:
    """``$XDG_CONFIG_HOME/leaflets/desk-password`` (else ``~/.config/...``; on Windows ``%APPDATA%``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.environ.get("APPDATA") or str(Path.home() / ".config")
    return Path(base) / "leaflets" / "desk-password"


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return "$".join(["scrypt", str(N), str(R), str(P), base64.b64encode(salt).decode(),
                     base64.b64encode(digest).decode()])


def verify(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != "scrypt" or len(password) > MAX_LENGTH:
            return False
        expected = base64.b64decode(digest)
        given = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                               p=int(p), dklen=len(expected), maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, expected)


def check_new(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise UserError(f"the password is too short: use at least {MIN_LENGTH} characters (a few words is good)")
    if len(password) > MAX_LENGTH:
        raise UserError(f"the password is too long: at most {MAX_LENGTH} characters")


def set_password(path: Path, password: str) -> None:
    """Store the hash of ``password`` in ``path`` (created with its folder; mode 0600)."""
    check_new(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, (hash_password(password) + "\n").encode(), mode=0o600)


def read_stored(path: Path) -> str | None:
    """The stored hash, or None when no password was set."""
    try:
        text = path.read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UserError(f"cannot read the desk password file {path}: {error.strerror}") from None
    if not text.startswith("scrypt$"):
        raise UserError(f"{path}: not a desk password file; set the password again with leaflets desk --set-password")
    return text
