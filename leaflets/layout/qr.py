"""QR codes for the back of a leaflet: the booking page, or the branch's contact card."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..content.model import Branch, Labels

QUIET_ZONE = 4  # modules, as the QR standard asks


@dataclass(frozen=True)
class QrCode:
    data_uri: str
    caption: str
    alt: str
    payload: str


def vcard_text(value: str, components: bool = False) -> str:
    """``value`` escaped for a vCard: backslashes, line breaks (as ``\\n``) and, for a field
    segno leaves alone (N), semicolons and commas; other control characters are dropped."""
    value = value.replace("\\", "\\\\")
    value = re.sub(r"\r\n|[\r\n\u2028\u2029\x85]", "\\\\n", value)
    value = re.sub(r"[\x00-\x1f\x7f-\x9f]", "", value)
    if components:
        value = value.replace(";", "\\;").replace(",", "\\,")
    return value


def qr_for(branch: Branch, labels: Labels) -> QrCode:
    """Booking URL if the branch has one; otherwise a vCard so the number can be saved."""
    import segno
    import segno.helpers

    if branch.booking_url:
        code = segno.make(branch.booking_url, error="m", micro=False)
        caption, alt = labels.qr_booking, f"QR code that opens {branch.booking_url}"
        payload = branch.booking_url
    else:
        display = f"{branch.clinic} {branch.name}"
        # segno escapes ; and , in most fields but not N, nor backslashes or line breaks: every
        # value is escaped here as vCard 3.0 text (RFC 2426), and the data model already refuses
        # line breaks and control characters in these fields, so no value can add a line.
        payload = segno.helpers.make_vcard_data(
            name=vcard_text(branch.clinic, components=True) + ";", displayname=vcard_text(display),
            org=vcard_text(branch.clinic), phone=vcard_text(branch.phone_international),
            email=vcard_text(branch.email) if branch.email else None,
            url=vcard_text(branch.website) if branch.website else None,
        )
        code = segno.make(payload, error="m", micro=False)
        caption, alt = labels.qr_contact, f"QR code with the contact card of {display}, phone {branch.phone}"
    uri = code.svg_data_uri(border=QUIET_ZONE, dark="#000000", light="#ffffff", scale=4)
    return QrCode(uri, caption, alt, payload)
