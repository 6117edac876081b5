"""QR codes for the back of a leaflet: the booking page, or the branch's contact card."""

from __future__ import annotations

from dataclasses import dataclass

from ..content.model import Branch, Labels

QUIET_ZONE = 4  # modules, as the QR standard asks


@dataclass(frozen=True)
class QrCode:
    data_uri: str
    caption: str
    alt: str
    payload: str


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
        payload = segno.helpers.make_vcard_data(
            name=f"{branch.clinic};", displayname=display, org=branch.clinic,
            phone=branch.phone_uri.removeprefix("tel:"), email=branch.email,
            url=branch.website,
        )
        code = segno.make(payload, error="m", micro=False)
        caption, alt = labels.qr_contact, f"QR code with the contact card of {display}, phone {branch.phone}"
    uri = code.svg_data_uri(border=QUIET_ZONE, dark="#000000", light="#ffffff", scale=4)
    return QrCode(uri, caption, alt, payload)
