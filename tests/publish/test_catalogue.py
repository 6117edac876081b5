"""The staff catalogue, the thumbnails and the web pages, without a browser (tests/publish/test_browser.py has one)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from leaflets.render.thumbs import thumbnail_png

from tests.helpers.project import run

pytestmark = pytest.mark.pdf


class Page(HTMLParser):
    """The parts of a page the tests look at: links, images, scripts, landmarks, lang."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.sources: list[str] = []
        self.tags: list[str] = []
        self.lang = None
        self.hidden_forms = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        fetching = ("img", "script", "link", "iframe", "source", "video", "audio")
        if tag in fetching and ("src" in attrs or "href" in attrs):
            self.sources.append(attrs.get("src") or attrs.get("href"))
        if tag == "form" and "hidden" in attrs:
            self.hidden_forms += 1


def listed(manifest: dict, *kinds: str) -> list[dict]:
    return [o for o in manifest["outputs"] if o["kind"] in kinds]


def test_every_listed_file_is_linked_without_javascript(default_build):
    out, manifest = default_build
    page = Page((out / "index.html").read_text("utf-8"))
    assert page.hidden_forms == 1, "the search and filters are shown only when the script runs"
    wanted = {o["path"] for o in listed(manifest, "pdf", "imposed", "web")}
    assert set(page.links) - {"#leaflets"} == wanted
    thumbs = {o["path"] for o in listed(manifest, "thumbnail")}
    assert {s for s in page.sources} == thumbs and len(thumbs) == 7
    for branch in ("stoke-on-trent", "wolverhampton"):
        own = Page((out / branch / "index.html").read_text("utf-8"))
        assert {f"{branch}/{link}" for link in own.links if link != "#leaflets"} == {
            p for p in wanted if p.startswith(f"{branch}/")}


def test_print_shop_and_imposed_files_are_apart_from_what_reception_prints(default_build):
    out, _ = default_build
    text = (out / "index.html").read_text("utf-8")
    buttons = 0
    for section in text.split('<section class="branch"')[1:]:
        reception, _, shop = section.partition('<section class="print-shop"')
        # The desk's A5 button gives the booklet imposed on A4 (docs/print-formats.md); the A5 pages in
        # reading order are for a print shop.
        assert "For the print shop" in shop and "-a5.pdf" in shop and "-a5-print.pdf" not in shop
        assert "-a5-print.pdf" in reception and 'a5.pdf"' not in reception
        assert "Print on A4, double-sided, flip on short edge, actual size (do not shrink), then fold in half." \
            in reception
        assert shop.count("(DRAFT)") == shop.count("<a href=")
        buttons += reception.count("(DRAFT)")
    # Seven cards of A4, A5 (imposed), DL, large print and web (chemical-peel's DL included).
    assert buttons == 7 * 5, "every reception button of a draft says so"
    assert text.count("DRAFT: not for patient use") == 7


def test_a_print_shop_build_lists_its_files_in_the_print_shop_area(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
               "--out", out).exit_code == 0
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--for", "print-shop", "--out", out)
    assert result.exit_code == 0, result.output
    reception, _, shop = (out / "index.html").read_text("utf-8").partition('<section class="print-shop"')
    assert 'href="stoke-on-trent/milia-a4-print-shop.pdf"' in shop
    assert "milia-a4-print-shop.pdf" not in reception and 'href="stoke-on-trent/milia-a4.pdf"' in reception
    assert "Send to the print shop" in shop
    refused = run("--root", project, "build", "milia", "--format", "web", "--for", "print-shop", "--out", out)
    assert refused.exit_code == 2 and "the web format is not printed" in refused.output


def test_thumbnails_are_page_one_drawn_for_2x_screens_and_reproducible(default_build):
    out, manifest = default_build
    thumbs = listed(manifest, "thumbnail")
    assert thumbs, "the build lists no thumbnail"
    for thumb in thumbs:
        source = next(o for o in manifest["outputs"] if o["path"] == thumb["companion_of"])
        assert source["format"] == "a4" and source["kind"] == "pdf"
        data = (out / thumb["path"]).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG" and image.width == 300 and abs(image.height - 424) <= 1
            assert not set(image.info) & {"date:create", "date:modify", "Creation Time"}, "no time in a thumbnail"
        pdf = (out / source["path"]).read_bytes()
        assert thumbnail_png(pdf) == data, "the same PDF gives the same PNG bytes"
    # Page 1, not page 2: the thumbnail resembles page 1 drawn the same way.
    milia = (out / "stoke-on-trent/milia-a4.pdf").read_bytes()
    document = pypdfium2.PdfDocument(milia)
    firsts = [document[i].render(scale=300 / document[i].get_width()).to_pil().convert("L") for i in (0, 1)]
    document.close()
    with Image.open(out / "stoke-on-trent/thumbs/milia-a4.png") as thumb:
        grey = thumb.convert("L")
        # strict: the thumbnail is drawn at the same scale, so it has the same pixels as each page
        differences = [sum(abs(a - b) for a, b in zip(grey.tobytes(), page.tobytes(), strict=True)) for page in firsts]
    assert differences[0] < differences[1] / 3


def test_web_page_is_semantic_self_contained_and_scriptless(default_build):
    out, manifest = default_build
    pages = listed(manifest, "web")
    assert pages, "the build lists no web page"
    assert {o["path"] for o in pages} == {o["path"].replace("-a4.pdf", ".html") for o in manifest["outputs"]
                                        if o["kind"] == "pdf" and o["format"] == "a4"}
    for output in pages:
        text = (out / output["path"]).read_text("utf-8")
        page = Page(text)
        assert page.lang == "en-GB"
        assert {"header", "main", "footer", "h1", "h2"} <= set(page.tags)
        assert "script" not in page.tags and "<script" not in text.lower() and "iframe" not in page.tags
        assert all(s.startswith("data:") for s in page.sources), page.sources
        assert "default-src 'none'" in text, "a Content-Security-Policy forbids any other request"
        assert not [s for s in text.split('url("')[1:] if not s.startswith("data:")], "fonts are embedded"
        assert any(link.startswith("tel:+44") for link in page.links)
        assert all(link.startswith(("tel:", "mailto:", "https://", "#")) for link in page.links), page.links
        assert "DRAFT - not for patient use" in text
        assert "in large print" in text and "as a web page" not in text, "the other formats, not the page itself"
        assert output["pages"] == 0 and output["companion_of"] is None


def test_web_page_escapes_content_and_refuses_a_stylesheet_that_fetches(project: Path, tmp_path: Path):
    leaflet = project / "data/leaflets/milia.yaml"
    leaflet.write_text(leaflet.read_text().replace("title: Milia", "title: Milia <script>alert(1)</script>", 1))
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "web", "--out", out)
    assert result.exit_code == 0, result.output
    for name in ("stoke-on-trent/milia.html", "index.html", "stoke-on-trent/index.html"):
        text = (out / name).read_text("utf-8")
        assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text, name
    css = project / "styles/web.css"
    css.write_text(css.read_text() + '\nbody { background: url("https://example.com/track.png"); }\n')
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "web", "--out", out)
    assert result.exit_code == 2 and "styles/web.css: a web page stylesheet may not load anything" in result.output


@pytest.mark.slow
def test_catalogue_is_rewritten_only_when_it_changes(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    args = ("--root", project, "build", "milia", "--format", "a4", "--out", out)
    assert run(*args).exit_code == 0
    index = out / "index.html"
    before = index.stat().st_mtime_ns, index.read_bytes()
    assert run(*args).exit_code == 0  # a no-op: answered from the build stamp
    # A change that re-renders the PDFs but not the catalogue: the page is left alone.
    branch = project / "data/branches/wolverhampton.yaml"
    branch.write_text(branch.read_text().replace("212163", "212164"))
    old_thumbs = {o["path"]: o["sha256"] for o in json.loads((out / "manifest.json").read_text())["outputs"]}
    result = run(*args)
    assert result.exit_code == 0 and "wrote wolverhampton/thumbs/milia-a4.png" in result.output
    assert "stoke-on-trent" not in result.output.replace("unchanged", ""), "only the changed branch is drawn again"
    new = {o["path"]: o["sha256"] for o in json.loads((out / "manifest.json").read_text())["outputs"]}
    assert new["stoke-on-trent/thumbs/milia-a4.png"] == old_thumbs["stoke-on-trent/thumbs/milia-a4.png"]
    assert new["wolverhampton/thumbs/milia-a4.png"] != old_thumbs["wolverhampton/thumbs/milia-a4.png"]
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before
    # A change the catalogue shows (a title): rewritten.
    leaflet = project / "data/leaflets/milia.yaml"
    leaflet.write_text(leaflet.read_text().replace("title: Milia", "title: Milia (milk spots)", 1))
    assert run(*args).exit_code == 0
    assert "Milia (milk spots)" in index.read_text("utf-8")
    index.unlink()  # a missing catalogue is not a no-op
    assert run(*args).exit_code == 0 and index.is_file()


def test_shards_merge_into_one_catalogue(project: Path, tmp_path: Path):
    shards = [tmp_path / f"shard-{k}" for k in (1, 2)]
    for k, folder in enumerate(shards, 1):
        assert run("--root", project, "build", "--format", "web", "--shard", f"{k}/2", "--out", folder).exit_code == 0
    merged = tmp_path / "merged"
    result = run("--root", project, "merge-manifests", *shards, "--out", merged)
    assert result.exit_code == 0, result.output
    page = Page((merged / "index.html").read_text("utf-8"))
    web = {o["path"] for o in json.loads((merged / "manifest.json").read_text())["outputs"]}
    assert len(web) == 7 and set(page.links) - {"#leaflets"} == web


def test_a_removed_branch_leaves_no_catalogue_page_or_folder(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("--root", project, "build", "milia", "--format", "a4", "--out", out).exit_code == 0
    assert (out / "wolverhampton/index.html").is_file()
    (project / "data/branches/wolverhampton.yaml").unlink()
    result = run("--root", project, "build", "milia", "--format", "a4", "--out", out)
    assert result.exit_code == 0, result.output
    assert not (out / "wolverhampton").exists()
    assert "Wolverhampton" not in (out / "index.html").read_text("utf-8")


@pytest.mark.slow
def test_the_release_zip_carries_the_branch_catalogue_and_its_links_resolve(project: Path, tmp_path: Path):
    from tests.helpers.governance import TODAY, release_ready

    release_ready(project, "milia")
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--release", "--today", TODAY,
                 "--out", out)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out / "release/stoke-on-trent.zip") as archive:
        names = set(archive.namelist())
        page = Page(archive.read("stoke-on-trent/index.html").decode("utf-8"))
    targets = {f"stoke-on-trent/{link}" for link in page.links + page.sources if link != "#leaflets"}
    assert targets and targets <= names, targets - names
    assert "stoke-on-trent/milia-large-print.pdf" in targets
    digest = hashlib.sha256((out / "release/stoke-on-trent.zip").read_bytes()).hexdigest()
    again = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--release", "--today", TODAY,
                "--out", out)
    assert again.exit_code == 0
    assert hashlib.sha256((out / "release/stoke-on-trent.zip").read_bytes()).hexdigest() == digest, "reproducible"
