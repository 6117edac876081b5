"""Put finished pages onto A4 landscape sheets: an A5 booklet, or a DL roll-fold.

Imposing never re-renders or re-parses: the pages printed are the pages that
were proofed. Each finished page becomes a PDF form object (Form XObject)
holding its content stream unchanged and its resources, and the sheet draws
that form moved into its slot, clipped to the slot twice over: by a clipping
path in the sheet's content and by the form's /BBox. So a wide element or a
bleed never paints onto its neighbour. Links to addresses (web, phone, mail)
move with their page and are cut to the slot; links to places in the
document are left out, as their target pages are not in the sheets file.

Built with pypdf, which the project already uses. Measured on a two-sheet A5
booklet of the default project: 0.02 s, against 0.24 s for pypdf's
``merge_transformed_page`` (it parses and rewrites every content stream) and
0.005 s with pikepdf (qpdf), which would add a dependency and 0.07 s of import
per worker; see CHANGELOG.md, "Issue 15: fast path" (the build's figures of that
round: docs/benchmarks.md, "The build: the run of 30 November 2026").
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from io import BytesIO
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NullObject,
    NumberObject,
    RectangleObject,
    StreamObject,
    TextStringObject,
)

from leaflets.render import compat

__all__ = ["booklet_sheets", "impose_booklet", "compose_dl", "dl_slots", "page_boxes_mm"]

PT_PER_MM = 72 / 25.4
SHEET_MM = (297.0, 210.0)  # A4 landscape, the sheet everything is printed on
A5_MM = (148.0, 210.0)
TOLERANCE_PT = 0.5 * PT_PER_MM
# DL roll-fold slots, left to right: (x0 mm, x1 mm, index of the panel page).
# Panel pages arrive as [front, content 1, content 2, content 3, content 4, contact panel].
# Outside: the fold-in flap (the contact panel: contact details, the room for the "For you" box,
# the record; inside the folded leaflet, so a patient's name is not on show), the back cover
# (content 4: the end of the content) and the front cover. Inside: content 1 to 3, left to right,
# the third on the flap's other side.
DL_OUTSIDE = ((0.0, 97.0, 5), (97.0, 197.0, 4), (197.0, 297.0, 0))
DL_INSIDE = ((0.0, 100.0, 1), (100.0, 200.0, 2), (200.0, 297.0, 3))


def dl_slots(right_to_left: bool = False) -> tuple[tuple[tuple[float, float, int], ...], ...]:
    """(outside, inside) slots; right to left, the sheet is mirrored: the front cover on the left
    of the outside, the fold-in flap on its right, and the inside read from right to left."""
    if not right_to_left:
        return DL_OUTSIDE, DL_INSIDE
    width = SHEET_MM[0]
    return tuple(tuple((width - x1, width - x0, index) for x0, x1, index in reversed(side))
                 for side in (DL_OUTSIDE, DL_INSIDE))
# Annotation keys that point into the source document's structure, which the sheets do not carry.
_DROPPED_ANNOTATION_KEYS = ("/P", "/StructParent", "/Parent")

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in points


def booklet_sheets(n: int, right_to_left: bool = False) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(front, back) page pairs per sheet, (left, right), 1-based, for duplex flip-on-short-edge.
    Right to left, the booklet is bound on the right: every pair is the other way round."""
    if n <= 0 or n % 4:
        raise ValueError(f"a booklet needs a positive multiple of 4 pages, not {n}")
    sheets = [((n - 2 * s, 2 * s + 1), (2 * s + 2, n - 2 * s - 1)) for s in range(n // 4)]
    if right_to_left:
        sheets = [((front[1], front[0]), (back[1], back[0])) for front, back in sheets]
    return sheets


def page_boxes_mm(page: PageObject) -> dict[str, tuple[float, float, float, float]]:
    """MediaBox, TrimBox and BleedBox in millimetres (pypdf's defaults when absent)."""
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for name, box in (("MediaBox", page.mediabox), ("TrimBox", page.trimbox), ("BleedBox", page.bleedbox)):
        x0, y0, x1, y1 = (float(v) / PT_PER_MM for v in box)
        boxes[name] = (x0, y0, x1, y1)
    return boxes


class _Sheet:
    """One output page being assembled: forms to draw, and the links that come with them."""

    def __init__(self, writer: PdfWriter, width: float, height: float) -> None:
        self.writer = writer
        self.page = writer.add_blank_page(width, height)
        self.forms = DictionaryObject()
        self.operations: list[str] = []
        self.annotations = ArrayObject()
        self.moved: dict[int, Any] = {}  # source annotation's object number -> its copy on this sheet

    def place(self, source: PageObject, dx: float, dy: float, clip: Rect) -> Any:
        """Draw ``source`` moved by (dx, dy), clipped to ``clip`` (sheet coordinates).

        The visible part is the slot met with the source's own MediaBox (what
        was visible in the original).
        """
        media = source.mediabox
        x0 = max(clip[0], float(media.left) + dx)
        y0 = max(clip[1], float(media.bottom) + dy)
        x1 = max(x0, min(clip[2], float(media.right) + dx))
        y1 = max(y0, min(clip[3], float(media.top) + dy))
        name = f"/Page{len(self.forms) + 1}"
        form = self.forms[NameObject(name)] = self._form(source, (x0 - dx, y0 - dy, x1 - dx, y1 - dy))
        self.operations.append(
            f"q\n{_num(x0)} {_num(y0)} {_num(x1 - x0)} {_num(y1 - y0)} re\nW\nn\n"
            f"1 0 0 1 {_num(dx)} {_num(dy)} cm\n{name} Do\nQ"
        )
        for annotation in source.get("/Annots", ()):
            moved = self._move_annotation(annotation.get_object(), dx, dy, (x0, y0, x1, y1))
            if moved is not None and hasattr(annotation, "idnum"):
                self.moved[annotation.idnum] = moved
        return form

    def _form(self, source: PageObject, bbox: Rect):
        """The page's content and resources as a Form XObject (an indirect reference in the writer)."""
        contents = source.raw_get("/Contents")
        streams = contents.get_object()
        if isinstance(streams, ArrayObject):  # several streams: one form of their joined data
            parts = [part.get_object().get_data() for part in streams]
            stream = DecodedStreamObject()
            stream.set_data(b"\n".join(parts))
            reference = compat.add_object(self.writer, stream)
        else:  # the usual case (WeasyPrint writes one stream per page): its bytes, still compressed
            reference = contents.clone(self.writer, force_duplicate=True)
        form = reference.get_object()
        assert isinstance(form, StreamObject)  # /Contents is a stream or an array of them (joined above)
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = RectangleObject(bbox)
        resources = source.raw_get("/Resources") if "/Resources" in source else DictionaryObject()
        form[NameObject("/Resources")] = resources.clone(self.writer)
        if "/Group" in source:  # a transparency group stays one
            form[NameObject("/Group")] = source.raw_get("/Group").clone(self.writer)
        return reference

    def _move_annotation(self, annotation: DictionaryObject, dx: float, dy: float, visible: Rect) -> Any:
        if annotation.get("/Subtype") == "/Link" and not _links_out(annotation):
            return None  # a jump within the document: its target page and names are not on the sheets
        rect = annotation["/Rect"]
        assert isinstance(rect, ArrayObject)  # the PDF specification: an annotation's /Rect is an array
        x0, y0, x1, y1 = (float(v) for v in rect)
        x0, x1 = sorted((x0 + dx, x1 + dx))
        y0, y1 = sorted((y0 + dy, y1 + dy))
        x0, y0, x1, y1 = max(x0, visible[0]), max(y0, visible[1]), min(x1, visible[2]), min(y1, visible[3])
        if x1 <= x0 or y1 <= y0:  # entirely outside the slot: nobody could see what it links
            return None
        moved = annotation.clone(self.writer, force_duplicate=True, ignore_fields=_DROPPED_ANNOTATION_KEYS)
        moved[NameObject("/Rect")] = RectangleObject((x0, y0, x1, y1))
        reference = compat.add_object(self.writer, moved)
        self.annotations.append(reference)
        return reference

    def finish(self) -> None:
        self.page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): self.forms})
        content = ContentStream(None, None)  # its bytes as given (operations are parsed only when asked for)
        content.set_data("\n".join(self.operations).encode())
        self.page.replace_contents(content)
        if self.annotations:
            self.page[NameObject("/Annots")] = self.annotations


def _links_out(annotation: DictionaryObject) -> bool:
    """A link to an address (web, phone, mail), as opposed to a place in the document."""
    action = annotation.get("/A")
    return "/Dest" not in annotation and action is not None and action.get_object().get("/S") == "/URI"


def _num(value: float) -> str:
    return str(FloatObject(value))


def impose_booklet(pdf: bytes, right_to_left: bool = False, duplex: str | None = None) -> bytes:
    """A5 pages in reading order -> A4 landscape sheets, front then back, ready to fold
    (bound on the right for a right-to-left language)."""
    reader = PdfReader(BytesIO(pdf))
    n = len(reader.pages)
    sheets = booklet_sheets(n, right_to_left)  # raises for a bad page count
    half = SHEET_MM[0] / 2 * PT_PER_MM
    height = SHEET_MM[1] * PT_PER_MM
    writer = _new_writer(reader)
    for sides in sheets:
        for left, right in sides:
            sheet = _Sheet(writer, 2 * half, height)
            for number, (x0, x1) in ((left, (0.0, half)), (right, (half, 2 * half))):
                source = reader.pages[number - 1]
                tx0, ty0, tx1, ty1 = _trim(source)
                if max(tx1 - tx0 - A5_MM[0] * PT_PER_MM, ty1 - ty0 - A5_MM[1] * PT_PER_MM) > TOLERANCE_PT:
                    raise ValueError(f"page {number} is larger than A5 (148 x 210 mm)")
                # Inner edge on the fold (the sheet's centre line), so the spine is true.
                dx = (half - (tx1 - tx0) if x0 == 0 else half) - tx0
                dy = (height - (ty1 - ty0)) / 2 - ty0
                sheet.place(source, dx, dy, (x0, 0.0, x1, height))
            sheet.finish()
    return _finish(writer, pdf, "booklet-rtl" if right_to_left else "booklet", duplex)


def compose_dl(pdf: bytes, bleed_mm: float = 0.0, right_to_left: bool = False, duplex: str | None = None) -> bytes:
    """Six DL panel pages -> two A4 landscape pages (outside, inside) of a roll-fold, mirrored
    for a right-to-left language."""
    if bleed_mm < 0:
        raise ValueError(f"bleed must not be negative, got {bleed_mm} mm")
    reader = PdfReader(BytesIO(pdf))
    if len(reader.pages) != 6:
        raise ValueError(
            f"a DL roll-fold needs exactly 6 panel pages "
            f"(front, content 1-4, contact panel), got {len(reader.pages)}"
        )
    b = bleed_mm * PT_PER_MM
    width, height = (v * PT_PER_MM for v in SHEET_MM)
    writer = _new_writer(reader)
    placed: dict[int, tuple[Any, Any]] = {}  # panel page's object number -> (sheet page, its form)
    moved: dict[int, Any] = {}
    for slots in dl_slots(right_to_left):
        sheet = _Sheet(writer, width + 2 * b, height + 2 * b)
        sheet.page.trimbox = RectangleObject((b, b, b + width, b + height))
        sheet.page.bleedbox = sheet.page.mediabox
        for i, (x0_mm, x1_mm, index) in enumerate(slots):
            source = reader.pages[index]
            x0, x1 = b + x0_mm * PT_PER_MM, b + x1_mm * PT_PER_MM
            tx0, ty0, tx1, ty1 = _trim(source)
            dx = x0 + (x1 - x0 - (tx1 - tx0)) / 2 - tx0
            dy = b + (height - (ty1 - ty0)) / 2 - ty0
            # Backgrounds may run into the bleed only across the sheet's outer edges.
            clip = (0.0 if i == 0 else x0, 0.0, width + 2 * b if i == len(slots) - 1 else x1, height + 2 * b)
            form = sheet.place(source, dx, dy, clip)
            if source.indirect_reference is not None:
                placed[source.indirect_reference.idnum] = (sheet.page.indirect_reference, form)
        sheet.finish()
        moved.update(sheet.moved)
    carry_structure(reader, writer, placed, moved)
    return _finish(writer, pdf, f"dl-{bleed_mm}" + ("-rtl" if right_to_left else ""), duplex)


def _number_tree(node: Any) -> dict[int, Any]:
    """A PDF number tree (a structure's /ParentTree) as a dict, its /Kids followed."""
    node = node.get_object()
    found: dict[int, Any] = {}
    nums = node.get("/Nums", ())
    for index in range(0, len(nums) - 1, 2):
        found[int(nums[index])] = nums[index + 1]
    for kid in node.get("/Kids", ()):
        found.update(_number_tree(kid))
    return found


def carry_structure(reader: PdfReader, writer: PdfWriter, placed: dict[int, tuple[Any, Any]],
                    moved: dict[int, Any]) -> None:
    """Give the composed sheets the panels' structure tree (tagged PDF: headings, lists, alt text,
    language), in the panels' reading order. Each panel's marked content now lies in a form
    XObject on a sheet, so its MCIDs become marked-content references to that form (/MCR with
    /Stm, PDF 1.7 section 14.7.4.3); each form gets its page's /ParentTree entry, and each link
    that moved with its panel its object reference. Nothing to do for an untagged input."""
    tree = reader.root_object.get("/StructTreeRoot")
    if tree is None:
        return
    tree = tree.get_object()
    parents = _number_tree(tree["/ParentTree"]) if "/ParentTree" in tree else {}
    copies: dict[int, Any] = {}  # source structure element's object number -> its copy

    def reference_to(kid: Any, page: int | None) -> Any:
        """The copy of one /K entry: an element, a marked-content or object reference (or None)."""
        if isinstance(kid, int):  # an MCID on the element's page
            if page not in placed:
                return None
            sheet_page, form = placed[page]
            return DictionaryObject({NameObject("/Type"): NameObject("/MCR"), NameObject("/Pg"): sheet_page,
                                     NameObject("/MCID"): NumberObject(kid), NameObject("/Stm"): form})
        item = kid.get_object()
        kind = item.get("/Type")
        if kind == "/MCR":
            own = item.raw_get("/Pg").idnum if "/Pg" in item else page
            return reference_to(int(item["/MCID"]), own)
        if kind == "/OBJR":
            target = item.raw_get("/Obj")
            if getattr(target, "idnum", None) not in moved:
                return None  # a link left out of the sheets (a jump inside the document)
            annotation = moved[target.idnum]
            own = item.raw_get("/Pg").idnum if "/Pg" in item else page
            result = DictionaryObject({NameObject("/Type"): NameObject("/OBJR"), NameObject("/Obj"): annotation})
            if own in placed:
                result[NameObject("/Pg")] = placed[own][0]
            return result
        return copy(kid, page)

    def copy(reference: Any, page: int | None, parent: Any = None) -> Any:
        element = reference.get_object()
        new = DictionaryObject()
        new_reference = compat.add_object(writer, new)
        if hasattr(reference, "idnum"):
            copies[reference.idnum] = new_reference
        if "/Pg" in element:
            page = element.raw_get("/Pg").idnum
            if page in placed:
                new[NameObject("/Pg")] = placed[page][0]
        for key in element:
            if key not in ("/P", "/Pg", "/K"):
                new[NameObject(key)] = element.raw_get(key).clone(writer)
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, list) else ([] if kids is None else [kids])
        new_kids = ArrayObject()
        for kid in kids:
            copied = reference_to(kid if not isinstance(kid, NumberObject) else int(kid), page)
            if copied is not None:
                new_kids.append(copied)
        for kid in new_kids:
            target = kid.get_object()
            if target.get("/Type") == "/StructElem" or "/S" in target:
                target[NameObject("/P")] = new_reference
        new[NameObject("/K")] = new_kids
        return new_reference

    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_reference = compat.add_object(writer, root)
    kids = tree.get("/K")
    kids = list(kids) if isinstance(kids, list) else ([] if kids is None else [kids])
    top = ArrayObject(copy(kid, None) for kid in kids)
    for kid in top:
        kid.get_object()[NameObject("/P")] = root_reference
    root[NameObject("/K")] = top
    nums = ArrayObject()
    key = 0
    pages: dict[int, Any] = {p.indirect_reference.idnum: p for p in reader.pages if p.indirect_reference}
    for page_number, (_, form) in placed.items():  # each panel's form: its page's MCID -> element table
        source = pages.get(page_number)
        if source is None or "/StructParents" not in source:
            continue
        old: Any = parents.get(int(source["/StructParents"]), ArrayObject())
        form.get_object()[NameObject("/StructParents")] = NumberObject(key)
        nums += [NumberObject(key), ArrayObject(copies.get(getattr(e, "idnum", -1), NullObject()) for e in old)]
        key += 1
    for old_number, annotation in moved.items():  # each link that moved: its element
        old_annotation: Any = reader.get_object(old_number)
        if old_annotation is not None and "/StructParent" in old_annotation:
            element: Any = parents.get(int(old_annotation["/StructParent"]))
            if getattr(element, "idnum", None) in copies:
                annotation.get_object()[NameObject("/StructParent")] = NumberObject(key)
                nums += [NumberObject(key), copies[element.idnum]]
                key += 1
    root[NameObject("/ParentTree")] = compat.add_object(writer, DictionaryObject({NameObject("/Nums"): nums}))
    root[NameObject("/ParentTreeNextKey")] = NumberObject(key)
    if "/RoleMap" in tree:
        root[NameObject("/RoleMap")] = tree.raw_get("/RoleMap").clone(writer)
    writer.root_object[NameObject("/StructTreeRoot")] = root_reference
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    if "/Metadata" in reader.root_object:  # the XMP that names the PDF/UA part
        writer.root_object[NameObject("/Metadata")] = reader.root_object.raw_get("/Metadata").clone(writer)


def _trim(page: PageObject) -> Rect:
    """The page's finished size: its /TrimBox if it has one, else its /MediaBox."""
    if page.rotation % 360:
        raise ValueError("rotated pages are not supported")
    box = page.trimbox if "/TrimBox" in page else page.mediabox
    return float(box.left), float(box.bottom), float(box.right), float(box.top)


def _new_writer(reader: PdfReader) -> PdfWriter:
    """A writer carrying the input's title, author, subject and language."""
    writer = PdfWriter()
    meta: Mapping[str, Any] = reader.metadata or {}
    info = {key: str(meta[key]) for key in ("/Title", "/Author", "/Subject") if meta.get(key)}
    if info:
        writer.add_metadata(info)
    lang = reader.root_object.get("/Lang")
    if lang:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(lang))
    return writer


def _finish(writer: PdfWriter, pdf: bytes, kind: str, duplex: str | None = None) -> bytes:
    """Serialise with a file identifier derived from the input, so bytes are reproducible; with
    ``duplex``, the print settings a desk file carries (duplex that way, no scaling, one copy)."""
    if duplex:
        writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject({
            NameObject("/Duplex"): NameObject(f"/{duplex}"),
            NameObject("/PrintScaling"): NameObject("/None"),
            NameObject("/NumCopies"): NumberObject(1),
            NameObject("/DisplayDocTitle"): BooleanObject(True),
        })
    digest = hashlib.sha256(kind.encode() + b"\0" + pdf).digest()[:16]
    # pypdf writes no /ID unless asked; it has no public setter (render/compat.py).
    compat.set_identifier(writer, ArrayObject((ByteStringObject(digest), ByteStringObject(digest))))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
