"""The fast path (issue 15): one layout pass for padded formats, one font configuration per
process and nothing left in the temp folder, the font subsetter recorded in every fingerprint."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from leaflets.formats import FORMATS
from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.project.plan import plan_variants
from leaflets.render import engine, layout, pdfs
from leaflets.render.job import Job
from leaflets.render.layout import PaddingGuesses
from leaflets.render.prepare import prepare

from tests.helpers.project import REPO, copy_project, run


@pytest.fixture(scope="module")
def a5_jobs():
    """An A5 job that needs a blank page (milia: 8 pages, one blank, at both default branches; the
    chemical-peel A5 at Wolverhampton has a section Stoke-on-Trent's has not, so it is not a guess)."""
    library = load_library(find_project(REPO))
    variants = plan_variants(library, ["milia"], [], ["a5"], langs=["en-GB"])
    assert {v.branch for v in variants} == {"stoke-on-trent", "wolverhampton"}
    return [prepare(library, v, dt.date(2026, 11, 22)) for v in variants]


@pytest.fixture
def counted_layouts(monkeypatch):
    calls: list[int] = []
    real = engine.lay_out

    def lay_out(html, *args):
        calls.append(html.count(layout.PADDING_MARKER))  # 1 unpadded, 0 padded
        return real(html, *args)

    monkeypatch.setattr(engine, "lay_out", lay_out)
    monkeypatch.setattr(layout, "GUESSES", PaddingGuesses())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # as make_pdfs sets it: fontTools stamps the time
    return calls


@pytest.mark.pdf
def test_padding_guessed_from_the_branch_before_is_one_pass_and_the_same_bytes(a5_jobs, counted_layouts):
    first, second = a5_jobs
    fmt = FORMATS["a5"]
    two_pass = layout.lay_out_padded(first, fmt)
    padding = layout.GUESSES.guess("a5", first.title)
    assert padding > 0, "the milia A5 needs a blank page; this test needs a padded leaflet"
    assert counted_layouts == [1, 0]  # no guess yet: learn the count, then pad
    counted_layouts.clear()
    one_pass = layout.lay_out_padded(second, fmt)
    assert counted_layouts == [0], "the guess from the other branch should have been used"
    assert one_pass.pages == two_pass.pages and one_pass.pages % 4 == 0
    # the same bytes as the two-pass way for that branch
    layout.GUESSES.forget()
    assert layout.lay_out_padded(second, fmt).pdf() == one_pass.pdf()


@pytest.mark.pdf
def test_a_wrong_padding_guess_falls_back_to_two_passes(a5_jobs, counted_layouts):
    job = a5_jobs[0]
    fmt = FORMATS["a5"]
    right = layout.lay_out_padded(job, fmt)
    padding = layout.GUESSES.guess("a5", job.title)
    for wrong in {1, 2, 3} - {padding}:
        layout.GUESSES.remember("a5", job.title, wrong)
        counted_layouts.clear()
        document = layout.lay_out_padded(job, fmt)
        assert counted_layouts == [0, 0]
        assert document.pages == right.pages and document.pdf() == right.pdf()
        assert layout.GUESSES.guess("a5", job.title) == padding


@pytest.mark.pdf
def test_one_font_configuration_per_process_and_release_removes_its_folder(a5_jobs):
    job = a5_jobs[0]
    base, allowed = Path(job.base), [Path(a) for a in job.allowed]
    first = engine.lay_out(job.html, base, allowed, job.name)
    second = engine.lay_out(job.html, base, allowed, job.name)
    assert first._document.font_config is second._document.font_config is engine.shared_font_config()
    folder = engine.shared_font_config()._folder
    assert folder is not None and folder.is_dir() and any(folder.iterdir())  # the @font-face files
    engine.release_resources()
    assert not folder.exists()
    engine.release_resources()  # twice is harmless
    assert engine.shared_font_config() is not first._document.font_config  # a fresh one after release
    engine.release_resources()


def _child_releases_and_renders(html: str, base: str, allowed: list[str], name: str, queue) -> None:
    engine.release_resources()  # must not touch the parent's folder
    engine.lay_out(html, Path(base), [Path(a) for a in allowed], name)
    own = engine.shared_font_config()._folder
    engine.release_resources()
    queue.put((str(own), own.exists()))


@pytest.mark.pdf
@pytest.mark.skipif(sys.platform != "linux", reason="fork is the start method on Linux only")
def test_a_forked_worker_neither_uses_nor_deletes_its_parents_font_folder(a5_jobs):
    import multiprocessing

    job = a5_jobs[0]
    engine.lay_out(job.html, Path(job.base), [Path(a) for a in job.allowed], job.name)
    parents = engine.shared_font_config()._folder
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_releases_and_renders,
                            args=(job.html, job.base, list(job.allowed), job.name, queue))
    child.start()
    own, existed_after_release = queue.get(timeout=120)
    child.join(30)
    assert child.exitcode == 0
    assert own != str(parents) and not existed_after_release and not Path(own).exists()
    assert parents.is_dir() and any(parents.iterdir()), "the child deleted its parent's font folder"
    engine.release_resources()


# --- nothing left in the temp folder -----------------------------------------------


@pytest.fixture
def private_tmp():
    """An empty TMPDIR for one build, with a short path: the fork server's socket is made in it, and a
    Unix socket path may not pass 107 bytes (a test's tmp_path under an xdist worker comes close)."""
    folder = Path(tempfile.mkdtemp(prefix="lf-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def build_in(tmp: Path, *args: str, **popen) -> subprocess.Popen:
    tmp.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "leaflets", *args], cwd=REPO, text=True, stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp), "PYTHONFAULTHANDLER": "1"}, **popen,
    )


@pytest.mark.pdf
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_no_file_left_in_the_temp_folder_after_a_build(tmp_path: Path, jobs, private_tmp: Path):
    tmp = private_tmp
    process = build_in(tmp, "build", "milia", "--format", "a5", "--lang", "en-GB", "-j", jobs,
                       "--out", str(tmp_path / "out"))
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors
    assert len(json.loads((tmp_path / "out/manifest.json").read_text())["outputs"]) == 4
    assert not list(tmp.iterdir())


@pytest.mark.pdf
def test_no_file_left_in_the_temp_folder_after_a_failed_build(project: Path, tmp_path: Path, private_tmp: Path):
    path = project / "data/leaflets/milia.yaml"
    marker = "  - heading: When to get advice\n"
    paragraph = "      - p: More words that will not fit on the panels of this leaflet.\n"  # two lines each
    extra = "  - heading: Too long\n    body:\n" + paragraph * 40
    path.write_text(path.read_text().replace(marker, extra + marker, 1))
    tmp = private_tmp
    process = build_in(tmp, "--root", str(project), "build", "milia", "hydrafacial", "--format", "dl", "-j", "2",
                       "--out", str(tmp_path / "out"))
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 1 and "does not fit" in errors, errors
    assert not list(tmp.iterdir())


@pytest.mark.pdf
@pytest.mark.parametrize(("signum", "jobs"), [(signal.SIGINT, "1"), (signal.SIGINT, "2"), (signal.SIGTERM, "2")])
def test_no_file_left_in_the_temp_folder_after_an_interrupted_build(tmp_path: Path, signum, jobs, private_tmp: Path):
    tmp = private_tmp
    # Every format: enough work left when the signal comes that the build cannot finish first.
    process = build_in(tmp, "build", "--force", "-j", jobs, "--out", str(tmp_path / "out"))
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("wrote "):
            break  # a render has happened: its process has a font folder
    assert list(tmp.iterdir()), "the rendering process should have a font folder by now"
    process.send_signal(signum)
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # say where it waits: faulthandler prints every thread on SIGABRT
        process.send_signal(signal.SIGABRT)
        pytest.fail(f"the build did not stop within 60 s of the signal:\n{process.communicate(timeout=30)[1][-8000:]}")
    assert process.returncode != 0
    assert not list(tmp.iterdir())


# --- the font subsetter --------------------------------------------------------------


def test_the_recorded_subsetter_is_the_one_weasyprint_uses():
    from weasyprint.text import ffi

    from leaflets.render.subsetter import font_subsetter

    harfbuzz = ffi.harfbuzz_subset is not None and ffi.harfbuzz.hb_version_atleast(4, 1, 0)
    assert font_subsetter().startswith("harfbuzz-subset " if harfbuzz else "fonttools ")


@pytest.mark.pdf
def test_a_switch_of_subsetter_changes_every_fingerprint_and_the_manifest(tmp_path: Path, monkeypatch):
    from leaflets.publish import versions
    from leaflets.publish.versions import tool_versions
    from leaflets.render import subsetter

    out = tmp_path / "out"
    args = ("--root", REPO, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--lang", "en-GB",
            "-j", "1", "--out", out)
    assert run(*args).exit_code == 0
    before = json.loads((out / "manifest.json").read_text())
    assert before["tool"]["font-subsetter"] == subsetter.font_subsetter()
    other = "fonttools 0.0" if subsetter.font_subsetter().startswith("harfbuzz") else "harfbuzz-subset 99.0.0"
    monkeypatch.setattr(versions, "font_subsetter", lambda: other)  # where tool_versions looks it up
    tool_versions.cache_clear()  # read once per process
    try:
        result = run(*args)
    finally:
        monkeypatch.undo()
        tool_versions.cache_clear()
    assert result.exit_code == 0, result.output
    assert "1 built" in result.stderr, "a switch of subsetter must rebuild, not count as unchanged"
    after = json.loads((out / "manifest.json").read_text())
    assert after["tool"]["font-subsetter"] == other
    assert before["outputs"][0]["fingerprint"] != after["outputs"][0]["fingerprint"]


@pytest.mark.pdf
def test_the_two_subsetters_make_different_bytes_and_ci_has_harfbuzz(a5_jobs, monkeypatch):
    """Why the subsetter is in the fingerprint: the same document, subset both ways."""
    import pypdfium2 as pdfium
    from weasyprint.pdf import fonts as pdf_fonts

    from leaflets.render.subsetter import font_subsetter

    harfbuzz = font_subsetter().startswith("harfbuzz-subset ")
    if os.environ.get("CI") == "true":
        assert harfbuzz, "CI must build with the HarfBuzz subsetter (.ci/run installs libharfbuzz-subset0)"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    job = a5_jobs[0]
    base, allowed = Path(job.base), [Path(a) for a in job.allowed]
    default = engine.lay_out(job.html, base, allowed, job.name).pdf()
    monkeypatch.setattr(pdf_fonts, "harfbuzz_subset", None)  # what WeasyPrint does without the library
    with_fonttools = engine.lay_out(job.html, base, allowed, job.name).pdf()
    if harfbuzz:
        assert default != with_fonttools
    else:
        assert default == with_fonttools
    texts = [[doc[i].get_textpage().get_text_range() for i in range(len(doc))]
             for doc in (pdfium.PdfDocument(default), pdfium.PdfDocument(with_fonttools))]
    assert texts[0] == texts[1]


# --- importing WeasyPrint without cffi's library search (render/libraries.py) ---

IMPORT_REPORT = """
import contextlib, io, json, subprocess, sys
started = []
real_popen = subprocess.Popen.__init__
def counting(self, args, *a, **k):
    started.append(args if isinstance(args, str) else args[0])
    real_popen(self, args, *a, **k)
subprocess.Popen.__init__ = counting
SETUP
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    from leaflets.render.libraries import import_weasyprint
    import_weasyprint()
    from weasyprint.text import ffi
    from leaflets.render import engine
pdf = b""
if "--render" in sys.argv:  # an A5 job, as a worker makes it
    import hashlib, pickle
    from leaflets.render.pdfs import make_pdfs
    pdf = make_pdfs(pickle.loads(bytes.fromhex(sys.stdin.read())))[0].data
print(json.dumps({"started": started, "printed": printed.getvalue(), "subset": ffi.harfbuzz_subset is not None,
                  "engine": engine.engine_version(), "pdf": hashlib.sha256(pdf).hexdigest() if pdf else ""}))
"""

# The first attempt (find_library answering "not found") cannot load LIBRARY by its plain names:
# as on a machine where only the search finds it.
ONLY_THE_SEARCH_FINDS = """
import ctypes.util, cffi
plain = cffi.FFI.dlopen
def dlopen(self, name, flags=0):
    if "LIBRARY" in str(name) and ctypes.util.find_library.__name__ == "_not_searched":
        raise OSError(f"cannot load {name}")
    return plain(self, name, flags)
cffi.FFI.dlopen = dlopen
"""


def import_report(setup: str = "", job: Job | None = None) -> dict:
    import pickle

    done = subprocess.run([sys.executable, "-c", IMPORT_REPORT.replace("SETUP", setup)] + (["--render"] if job else []),
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          input=pickle.dumps(job).hex() if job else "")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_weasyprint_is_imported_without_starting_ldconfig_or_gcc(a5_jobs):
    report = import_report(job=a5_jobs[0])
    assert report["started"] == []  # a plain `import weasyprint` starts about 90 processes here
    assert report["subset"] and report["printed"] == ""
    plain = import_report("import weasyprint  # the usual way, for comparison", job=a5_jobs[0])
    assert plain["started"], "the usual import no longer searches: render/libraries.py may be unneeded"
    assert plain["engine"] == report["engine"]
    assert plain["pdf"] == report["pdf"] != ""  # the same libraries: the same bytes


@pytest.mark.parametrize("library", ["harfbuzz-subset", "pango-1.0"])
def test_a_library_only_the_search_finds_is_still_loaded(library):
    """A required library (Pango) that fails the first attempt, or the optional subsetter (which
    WeasyPrint would silently replace with fontTools): WeasyPrint is imported again, searching."""
    report = import_report(ONLY_THE_SEARCH_FINDS.replace("LIBRARY", library))
    assert report["subset"]  # HarfBuzz subsets, as render/subsetter.py tells the fingerprints
    assert report["started"]  # the second attempt searched
    assert report["printed"] == ""  # WeasyPrint's "could not import" banner of the first attempt is not shown


# --- the worker pool's background probe ---

def test_a_pool_closed_while_its_probe_starts_the_first_worker_leaves_no_process(tmp_path: Path):
    script = """
import multiprocessing
from leaflets.render.workers import WorkerPool
pool = WorkerPool(1)
pool.start()  # the fork server is still importing WeasyPrint: the probe waits for it
pool.close()
print(len(multiprocessing.active_children()))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0"]  # no worker left running
    assert list(tmp_path.iterdir()) == []  # nor a scratch folder


@pytest.mark.pdf
def test_a_build_the_gate_refuses_starts_no_worker(tmp_path: Path, monkeypatch):
    """The probe starts the first worker only once the gate lets the build go on."""
    from leaflets.commands.build import BuildRequest
    from leaflets.commands.build import run as build
    from leaflets.errors import UserError
    from leaflets.render import workers

    started = []
    monkeypatch.setattr(workers.Probe, "run", lambda self: started.append(self))
    project = copy_project(tmp_path / "project")
    path = project / "data/leaflets/milia.yaml"
    path.write_text(path.read_text().replace("    - berk-2008\n", "    - a-source-nobody-checked\n", 1))
    with pytest.raises(UserError, match="unsupported source 'a-source-nobody-checked'"):
        build(BuildRequest(root=project, out_dir=tmp_path / "out", leaflets=("milia",), jobs=1))
    assert started == []
    build(BuildRequest(root=REPO, out_dir=tmp_path / "out", leaflets=("milia",), branches=("stoke-on-trent",),
                       formats=("web",), jobs=1))
    assert len(started) == 1  # the same build of good data starts it


def test_a_failed_probe_is_tried_again_and_one_probe_serves_callers_at_once(monkeypatch):
    """leaflets serve keeps one pool: a first worker that could not start (a timeout on a busy
    machine) must not fail every later rebuild. Two threads asking at once share one probe."""
    from leaflets.render import workers

    answers = iter([workers.WorkerStartFailed("no worker process started within 60 s"), None])
    probes = []

    def run(self):
        probes.append(self)
        self.failure = next(answers)

    monkeypatch.setattr(workers.Probe, "run", run)
    with workers.WorkerPool(1) as pool:
        with pytest.raises(workers.WorkerStartFailed, match="within 60 s"):
            pool.check_started()
        callers = [threading.Thread(target=pool.check_started) for _ in range(4)]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(10)
        pool.check_started()
    assert len(probes) == 2  # the failed one, then one for the four callers


@pytest.mark.pdf
def test_making_a_pdf_leaves_the_environment_as_it_was(a5_jobs, monkeypatch):
    """The content's date reaches fontTools through SOURCE_DATE_EPOCH only while the PDF is made:
    a release written later by the same process keeps its fixed zip timestamps."""
    monkeypatch.setattr(pdfs, "USER_EPOCH", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    seen = []
    real = engine.LaidOut.pdf
    monkeypatch.setattr(engine.LaidOut, "pdf", lambda self, *args: seen.append(os.environ.get("SOURCE_DATE_EPOCH"))
                        or real(self, *args))
    pdfs.make_pdfs(a5_jobs[0])
    assert seen == [str(a5_jobs[0].epoch)]
    assert "SOURCE_DATE_EPOCH" not in os.environ
