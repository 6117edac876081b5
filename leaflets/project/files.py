"""Reading project files safely: inside the project, regular files, bounded size and work.

Every file the tool reads on behalf of a person (data, labels, templates,
stylesheets, logos and anything the renderer asks for) goes through
``read_project_file``: the path is resolved through every symlink first and
refused if it lands outside the project, then opened without blocking and
refused unless it is a regular file (a FIFO or a device never hangs or
floods the build), and read only up to a size limit. Images are checked
before the renderer sees them: an SVG's element count after ``<use>``
expansion and its nesting depth, and every raster image's pixel count and
completeness, whichever route it arrives by (a file, a ``data:`` URI, an
image inside an SVG).

This module imports nothing heavy, so the render workers can use it.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote_to_bytes
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from leaflets.errors import UserError

MAX_FILE_BYTES = 10_000_000  # any file a render reads (stylesheet, logo, font)
MAX_TEMPLATE_BYTES = 200_000  # a template is a few KB
MAX_IMAGE_PIXELS = 25_000_000  # 5000 x 5000: far more than a 300 ppi logo needs
MAX_SVG_ELEMENTS = 10_000  # after <use> expansion; a logo has tens to hundreds
MAX_SVG_DEPTH = 64
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


class UnsafeFile(Exception):
    """A file the tool refuses to read; the message says why, without the file's name."""


def resolve_inside(path: Path, root: Path) -> Path:
    """``path`` with every symlink resolved; ``UnsafeFile`` if that leaves ``root``."""
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        raise UnsafeFile("not found") from None
    except (OSError, RuntimeError) as error:  # a symlink loop, a permission error
        raise UnsafeFile(f"cannot be followed ({getattr(error, 'strerror', None) or error})") from None
    if not resolved.is_relative_to(root.resolve()):
        raise UnsafeFile(
            "is a link (or lies in a linked folder) leading outside the project folder: only files "
            "inside the project may be used; copy the file into the project instead"
        )
    return resolved


def writable_inside(path: Path, root: Path) -> Path:
    """``path`` for a write or a delete, every symlink on the way resolved (the file itself may not
    exist yet); a UserError naming it if that leaves ``root``: writes obey the same rule as reads."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        raise UserError(f"{shown}: is a link (or lies in a linked folder) leading outside the project folder "
                        f"(to {resolved}); leaflets writes only inside the project: replace the link with a "
                        "real folder or file")
    return path


def read_project_file(path: Path, root: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``limit`` of them, or ``UnsafeFile``."""
    resolved = resolve_inside(path, root)
    return read_regular_file(resolved, limit)


def read_regular_file(path: Path, limit: int) -> bytes:
    """Read a regular file of at most ``limit`` bytes; never blocks on a FIFO or device."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise UnsafeFile(f"cannot be read ({error.strerror}); check it exists and is readable") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile("is not a regular file (a pipe, device or folder); only ordinary files can be used")
        if info.st_size > limit:
            raise UnsafeFile(f"is {info.st_size:,} bytes; at most {limit:,} bytes are allowed")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        raise UnsafeFile(f"cannot be read ({error.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew while we read it
        raise UnsafeFile(f"is more than {limit:,} bytes; at most {limit:,} bytes are allowed")
    return data


# --- images ---------------------------------------------------------------------------


def is_svg(data: bytes, mime_type: str | None = None) -> bool:
    head = data[:512].lstrip().lower()
    return mime_type == "image/svg+xml" or (
        head.startswith((b"<svg", b"<?xml", b"<!--")) and b"<svg" in data[:4096].lower()
    )


def is_raster(data: bytes) -> bool:
    return data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


def image_problem(data: bytes, mime_type: str | None = None) -> str | None:
    """Why an image must not be drawn (too complex, too many pixels, truncated), or None."""
    if is_raster(data):
        return raster_problem(data)
    if is_svg(data, mime_type):
        return svg_problem(data)
    return None


def raster_problem(data: bytes) -> str | None:
    """Pixel count and completeness of a PNG, JPEG, GIF or WebP image, read without drawing it."""
    # Pillow (installed with WeasyPrint): 8 ms (-X importtime) that `list` and `check` would pay for nothing.
    from PIL import Image, ImageFile, UnidentifiedImageError  # noqa: PLC0415

    try:
        with Image.open(BytesIO(data)) as image:  # the header only
            width, height = image.size
            kind = image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return "is not a PNG or JPEG image this tool can read"
    if width * height > MAX_IMAGE_PIXELS:
        return f"is {width} x {height} pixels; at most {MAX_IMAGE_PIXELS:,} pixels are allowed: scale it down"
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint sets it for the whole process
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(BytesIO(data)) as image:
            if kind == "PNG":
                image.verify()  # walks every chunk and checks its CRC, without decoding
            else:
                image.load()  # bounded by the pixel limit above
    except Exception:  # Pillow raises many kinds for a damaged file
        return "is damaged or truncated (the image data ends early or is corrupt); export it again"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return None


def svg_problem(data: bytes) -> str | None:
    """Whether an SVG is well formed, free of DTDs, entities, scripts and event handlers, and
    bounded in work."""

    try:
        root = SafeTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        return "declares a DTD or entities, which are not allowed in an SVG image; export it again"
    except ParseError as error:
        return f"is not a well-formed SVG image ({error}); fix or re-export it"
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return "is not an SVG image (its root element is not <svg>)"
    for element in root.iter():  # inert in an image today, but nothing in a logo needs them
        tag = str(element.tag).rsplit("}", 1)[-1]
        if tag.lower() in ("script", "foreignobject", "handler", "listener"):
            return f"holds a <{tag}> element, which an SVG image never needs (a script or embedded page); " \
                   "export it again without it"
        handler = next((name for name in element.attrib if name.rsplit("}", 1)[-1].lower().startswith("on")), None)
        if handler is not None:
            return f"has an event handler attribute ({handler.rsplit('}', 1)[-1]}=) on <{tag}>, which an SVG " \
                   "image never needs (it runs script); export it again without it"
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    class Refused(Exception):
        pass

    def size(element, depth: int) -> int:
        """Elements drawn for ``element``, with every <use> replaced by what it points at."""
        if depth > MAX_SVG_DEPTH:
            raise Refused(f"nests more than {MAX_SVG_DEPTH} levels deep")
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise Refused("has a <use> element that refers to itself")
        visiting.add(key)
        total = 1
        if element.tag.rsplit("}", 1)[-1] == "use":
            href = element.get("href") or element.get(XLINK_HREF) or ""
            target = by_id.get(href[1:]) if href.startswith("#") else None
            if target is not None:
                total += size(target, depth + 1)
        href = element.get("href") or element.get(XLINK_HREF)
        if href is not None and not href.startswith("#"):
            problem = _reference_problem(element.tag.rsplit("}", 1)[-1], href.strip())
            if problem:
                raise Refused(problem)
        for child in element:
            total += size(child, depth + 1)
            if total > MAX_SVG_ELEMENTS:
                break
        visiting.discard(key)
        if total > MAX_SVG_ELEMENTS:
            raise Refused(
                f"draws more than {MAX_SVG_ELEMENTS:,} elements once its <use> references are expanded; "
                "simplify it or export it again"
            )
        sizes[key] = total
        return total

    try:
        size(root, 0)
    except Refused as refused:
        return str(refused)
    except RecursionError:
        return f"nests more than {MAX_SVG_DEPTH} levels deep"
    return None


def _reference_problem(tag: str, href: str) -> str | None:
    """What an SVG may refer to outside itself: only raster images, as a ``data:`` URI or a file
    (checked when fetched). An SVG drawn inside an SVG, or a ``<use>`` of another file, could
    multiply work across files, so neither is allowed."""
    if tag != "image":
        return f"has a <{tag}> that refers to {href[:60]!r}; an SVG image may only refer to its own elements (#id)"
    scheme = href.split(":", 1)[0].lower() if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) else ""
    if scheme in ("http", "https", "ftp", "ftps") or href.startswith("//"):
        return f"refers to {href[:60]!r}: leaflets never use the network; embed the image in the SVG instead"
    if scheme and scheme != "data" or href.startswith(("/", "\\")):
        return f"refers to {href[:60]!r}: only files inside the project may be used, by a relative path"
    if href.lower().startswith("data:"):
        data = decode_data_uri(href)
        if data is None:
            return "holds an image that is not a readable data: URI"
        if is_svg(data) or not is_raster(data):
            return "holds an image that is not a PNG or JPEG (an SVG inside an SVG is not allowed)"
        problem = raster_problem(data)
        return f"holds an image that {problem}" if problem else None
    if href.split("#", 1)[0].split("?", 1)[0].lower().endswith((".svg", ".svgz")):
        return f"draws another SVG ({href[:60]!r}); an SVG inside an SVG is not allowed"
    return None


def decode_data_uri(uri: str) -> bytes | None:
    header, comma, payload = uri.partition(",")
    if not comma:
        return None
    try:
        raw = unquote_to_bytes(payload)
        return base64.b64decode(raw, validate=False) if header.lower().endswith(";base64") else raw
    except (binascii.Error, ValueError):
        return None
