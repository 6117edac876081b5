"""Real PDFs, built and inspected: size, pages, text, links, metadata, fonts, manifest."""

from __future__ import annotations

import hashlib

import pytest

from tests.helpers.pdf import font_names, link_uris, open_pdf, size_mm, text
from tests.helpers.project import run

pytestmark = pytest.mark.pdf

BRANCHES = {
    "stoke-on-trent": {"phone": "01782 922300", "address": "513 Etruria Road", "clinic": "Staffordshire Skin Clinic"},
    # a stand-in clinic name is never printed
    "wolverhampton": {"phone": "01902 212163", "address": None, "clinic": "Clinic name to be confirmed"},
}


def entry(manifest: dict, leaflet: str, branch: str, fmt: str = "a4") -> dict:
    matches = [o for o in manifest["outputs"]
               if (o["leaflet"], o["branch"], o["format"], o["kind"]) == (leaflet, branch, fmt, "pdf")]
    assert len(matches) == 1, f"{leaflet}/{branch}/{fmt} not once in the manifest"
    return matches[0]


@pytest.mark.parametrize("branch", sorted(BRANCHES))
def test_milia_a4_is_one_or_two_a4_sheets_with_this_branch_only(default_build, branch):
    out, manifest = default_build
    item = entry(manifest, "milia", branch)
    reader = open_pdf(out / item["path"])
    assert 2 <= len(reader.pages) == item["pages"] <= 4  # docs/print-formats.md
    for page in reader.pages:
        width, height = size_mm(page.mediabox)
        assert abs(width - 210) < 0.5 and abs(height - 297) < 0.5
    content = text(reader)
    facts = BRANCHES[branch]
    assert facts["phone"] in content
    assert facts["clinic"] in content
    if facts["address"]:
        assert facts["address"] in content
    for other, other_facts in BRANCHES.items():
        if other != branch:
            assert other_facts["phone"] not in content
    assert f"Page 1 of {item['pages']}" in content and f"Page {item['pages']} of {item['pages']}" in content


def test_phone_is_a_live_tel_link(default_build):
    out, manifest = default_build
    reader = open_pdf(out / entry(manifest, "milia", "stoke-on-trent")["path"])
    assert "tel:+441782922300" in link_uris(reader)


def test_metadata_language_tagging_and_font(default_build):
    out, manifest = default_build
    reader = open_pdf(out / entry(manifest, "milia", "wolverhampton")["path"])
    info = reader.metadata
    assert info.title == "Milia: Clinic name to be confirmed, Wolverhampton"
    assert info.author == "Clinic name to be confirmed"  # the placeholder name is not the publisher
    assert info.subject and "milia" in info.subject.lower()
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in catalog, "the PDF is not tagged"
    fonts = font_names(reader)
    assert fonts and all("Atkinson-Hyperlegible" in name for name in fonts), fonts


def test_logo_and_qr_code_have_alt_text(default_build):
    out, manifest = default_build
    raw = (out / entry(manifest, "milia", "stoke-on-trent")["path"]).read_bytes()
    reader = open_pdf(out / entry(manifest, "milia", "stoke-on-trent")["path"])
    alts = []

    def walk(node):
        node = node.get_object()
        if "/Alt" in node:
            alts.append(str(node["/Alt"]))
        kids = node.get("/K")
        if isinstance(kids, list):
            for kid in kids:
                if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                    walk(kid)
        elif kids is not None and hasattr(kids, "get_object") and isinstance(kids.get_object(), dict):
            walk(kids)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert "Staffordshire Skin Clinic" in alts
    assert any(a.startswith("QR code") and "01782 922300" in a for a in alts), alts
    assert raw.startswith(b"%PDF-")


def test_draft_leaflet_carries_the_draft_mark(default_build):
    out, manifest = default_build
    reader = open_pdf(out / entry(manifest, "milia", "stoke-on-trent")["path"])
    assert len(reader.pages) == 3  # milia A4 is 3 pages (docs/print-formats.md)
    for page in reader.pages:
        assert "DRAFT - not for patient use" in " ".join(page.extract_text().split())


def test_milia_leaflet_lists_only_the_branch_treatments(default_build):
    out, manifest = default_build
    stoke = text(open_pdf(out / entry(manifest, "milia", "stoke-on-trent")["path"]))
    wolves = text(open_pdf(out / entry(manifest, "milia", "wolverhampton")["path"]))
    # Only a peel or laser is listed for milia ("Neither is a proven treatment for milia"), and only
    # where the branch offers it: Stoke-on-Trent's Resurface laser; never HydraFacial or microdermabrasion.
    assert "Neither is a proven treatment for milia" in stoke and "Neither is a proven treatment for milia" in wolves
    assert "Resurface" in stoke
    assert "Resurface" not in wolves
    for content in (stoke, wolves):
        assert "HydraFacial" not in content and "Diamond Tip" not in content


def test_manifest_records_every_output_with_its_checksum(default_build):
    out, manifest = default_build
    assert manifest["outputs"], "empty manifest"
    for item in manifest["outputs"]:
        assert set(item) == {
            "leaflet", "branch", "format", "lang", "profile", "companion_of", "path", "sha256", "pages", "bytes",
            "fingerprint", "content_version", "reads", "kind", "sections",
        }
        data = (out / item["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"]
        assert len(data) == item["bytes"]
        expected = {
            "pdf": f"{item['branch']}/{item['leaflet']}-{item['format']}.pdf",
            "imposed": f"{item['branch']}/{item['leaflet']}-{item['format']}-print.pdf",
            "thumbnail": f"{item['branch']}/thumbs/{item['leaflet']}-{item['format']}.png",
            "web": f"{item['branch']}/{item['leaflet']}.html",
        }[item["kind"]]
        assert item["path"] == expected
        assert (item["companion_of"] is None) == (item["kind"] in ("pdf", "web"))
    assert not list(out.rglob("*.tmp")), "temporary files left behind"


BOOKING_BRANCH = """\
id: test-branch
clinic: Example Skin Clinic
name: Testville
phone: 01782 922300
email: hello@example.co.uk
website: https://example.co.uk/
booking_url: https://example.co.uk/book
hours:
  - {days: Monday to Friday, hours: 9am to 5pm}
brand:
  logo: assets/logos/stoke-on-trent.svg
  logo_alt: Example Skin Clinic
  primary: "#0b5d3b"
  accent: "#eef6f1"
treatments: [chemical-peel]
"""


@pytest.mark.slow
def test_branch_with_booking_url_gets_links_and_a_booking_qr(project, tmp_path):
    (project / "data/branches/test-branch.yaml").write_text(BOOKING_BRANCH)
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--branch", "test-branch", "--format", "a4", "--out", out)
    assert result.exit_code == 0, result.output
    reader = open_pdf(out / "test-branch/milia-a4.pdf")
    uris = link_uris(reader)
    assert "https://example.co.uk/book" in uris
    assert "mailto:hello@example.co.uk" in uris
    assert "tel:+441782922300" in uris
    content = text(reader)
    assert "Scan to book online" in content
    assert "Monday to Friday: 9am to 5pm" in content
    assert "Email" in content and "Opening hours" in content


def test_missing_details_leave_no_empty_labels(default_build):
    out, manifest = default_build
    content = text(open_pdf(out / entry(manifest, "milia", "wolverhampton")["path"]))
    for label in ("Address", "Email", "Website", "Opening hours", "Book online"):
        assert label not in content
    assert "Scan to save our phone number" in content


def test_rebuilding_one_branch_keeps_the_others_in_the_manifest(project, tmp_path):
    out = tmp_path / "out"
    assert run("--root", project, "build", "milia", "--format", "a4", "--out", out).exit_code == 0
    result = run("--root", project, "build", "milia", "--format", "a4", "--branch", "wolverhampton", "--out", out)
    assert result.exit_code == 0, result.output
    import json

    paths = {o["path"] for o in json.loads((out / "manifest.json").read_text())["outputs"]}
    assert paths == {"stoke-on-trent/milia-a4.pdf", "wolverhampton/milia-a4.pdf",
                     "stoke-on-trent/thumbs/milia-a4.png", "wolverhampton/thumbs/milia-a4.png"}


def test_overlong_content_fails_the_build_and_names_the_variant(project, tmp_path):
    path = project / "data/leaflets/milia.yaml"
    filler = ("  - heading: Filler\n    body:\n" + "      - p: Some more words to fill the page up again.\n" * 30) * 10
    path.write_text(path.read_text().replace("sections:\n", "sections:\n" + filler, 1))
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--out", out)
    assert result.exit_code == 1
    assert "milia / stoke-on-trent / a4: the content needs" in result.output
    assert "allows 4 pages" in result.output
    assert not (out / "stoke-on-trent/milia-a4.pdf").exists()
