"""Brand colours a patient can read: WCAG 2 contrast, the one place it is measured.

Each branch's colours are measured where the templates use them: the primary
colour on white (headings), the body text on the accent colour (masthead,
boxes), the primary colour on the accent colour (the masthead's phone number).
Below 3:1, the WCAG floor even for large text, the text is unreadable for many
readers: an error, so every build refuses it. From 3:1 to 4.5:1 (WCAG AA for
body text) it is a warning, which a release refuses. Each message gives the
measured ratio and the nearest colour of the same hue (and saturation) that
reaches 4.5:1, so marketing can keep the brand's look.

The staff catalogue uses ``contrast_ratio`` too (black or white text on a
branch's colour).
"""

from __future__ import annotations

import colorsys
from typing import TYPE_CHECKING

from leaflets.gate.findings import Finding

if TYPE_CHECKING:  # `leaflets build --help` names PREFIX: not the data model (pydantic, 0.14 s)
    from leaflets.project.model import Branch

MIN_CONTRAST = 4.5  # WCAG AA, body text
FLOOR_CONTRAST = 3.0  # WCAG AA for large text: below it, no text is readable enough
BODY_TEXT = "#111111"  # the body text colour in styles/base.css
PAGE = "#ffffff"
PREFIX = "contrast "  # every message of this rule starts so (the build prints them last, on their own)


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in (r, g, b))


def nearest_passing(colour: str, against: str, target: float = MIN_CONTRAST) -> str | None:
    """The colour of the same hue and saturation as ``colour``, with the lightness nearest to its
    own, that has at least ``target`` contrast against ``against``; None if no lightness does."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    for step in range(1, 1001):
        for candidate in (lightness - step / 1000, lightness + step / 1000):
            if 0.0 <= candidate <= 1.0:
                found = _hex(*colorsys.hls_to_rgb(hue, candidate, saturation))
                if contrast_ratio(found, against) >= target:
                    return found
    return None


def contrast_findings(branch: Branch, file: str) -> list[Finding]:
    """The branch's colour pairs below 4.5:1: errors below 3:1, warnings from 3:1."""
    brand = branch.brand
    findings = []
    for foreground, background, where, change in (
        (brand.primary, PAGE, "primary colour on white (headings)", "primary"),
        (BODY_TEXT, brand.accent, "body text on the accent colour (masthead, boxes)", "accent"),
        (brand.primary, brand.accent, "primary colour on the accent colour (masthead phone number)", "primary"),
    ):
        ratio = contrast_ratio(foreground, background)
        if ratio >= MIN_CONTRAST:
            continue
        mine, other = (foreground, background) if change == "primary" else (background, foreground)
        better = nearest_passing(mine, other)
        hint = (f"the nearest {change} colour of the same hue that passes is {better}"
                if better else f"choose a darker or lighter {change} colour")
        if ratio < FLOOR_CONTRAST:
            findings.append(Finding(
                "error", file, branch.id,
                f"{PREFIX}{ratio:.2f}:1 for {where} ({foreground} on {background}) is below {FLOOR_CONTRAST:g}:1, "
                f"the WCAG floor even for large text: unreadable for many patients, so no build uses it; {hint}",
                branch=branch.id))
        else:
            findings.append(Finding(
                "warning", file, branch.id,
                f"{PREFIX}{ratio:.2f}:1 for {where} ({foreground} on {background}) is below {MIN_CONTRAST}:1 "
                f"(WCAG AA); a release refuses it: {hint}",
                branch=branch.id))
    return findings
