"""Benchmark the build on this machine and print a table (run: make bench).

Every figure comes from a real `leaflets build` in a fresh process. Times are
CPU seconds of every process the build started (user + system, from
``os.wait4``): the build, its fork server and workers, multiprocessing's
resource tracker. The fork server is not a child the build waits for, so on
Linux bench makes itself a child subreaper (``prctl``) and reaps what the
build leaves behind; without that only the build's own process would count.
CPU time rather than wall-clock time, so that other work on a shared machine
does not distort them; wall time is given beside it where it matters (one
leaflet, the no-op rebuild).

Side by side in one run:
- the default project, cold, ``--jobs 1``: this tree against a base revision
  (``--base``, default the merge-base with main, else HEAD~1), which is
  checked out with ``git archive`` into a temporary folder and run with the
  same Python; output compared per page with pypdfium2;
- one A4 leaflet, ``--jobs 1``, against bare WeasyPrint on the same HTML (in a new process, as
  installed, and imported as leaflets imports it: without cffi's library search), interleaved,
  median of at least 5; the target (1.15 x) is read in wall time, CPU given beside it;
- a generated project of 2, 10 and 40 branches (the first branch's phone
  number with extensions 201-240: Ofcom's drama numbers are refused as
  data): cold CPU per PDF, peak memory of the
  largest process, no-op rebuild, one branch's phone edit;
- files left in the temp folder after -j1, -j2, interrupted and failed builds;
- ``leaflets serve`` (wall time, which is what a person waits): edit-to-refresh
  for one A4 variant, from the file save to the page's refresh event (median
  of ``--edits``), beside a cold single-variant ``leaflets build`` of the same
  variant, and a personalised A4 PDF with warm workers (median).

    python bench/run.py [--base REV] [--leaflet milia] [--branches 2,10,40] [--repeat 1]
    python bench/run.py --only serve [--edits 9]
    python bench/run.py --only one [--repeat 15]

Every measured process keeps Python's compiled modules, as on a machine where the tool is
installed (``PYTHONDONTWRITEBYTECODE`` is removed from their environment); the one-leaflet
comparison starts with an uncounted build that compiles them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from queue import Empty, Queue

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PROJECT_PARTS = ("data", "templates", "styles", "assets")
PR_SET_CHILD_SUBREAPER = 36
PLAIN_WEASYPRINT = """
import sys, weasyprint
html = open(sys.argv[1], encoding="utf-8").read()
weasyprint.HTML(string=html, base_url=sys.argv[2]).write_pdf(sys.argv[3], pdf_variant="pdf/ua-1")
"""
# The same, with WeasyPrint imported as leaflets' fork server imports it (render/libraries.py).
PLAIN_WEASYPRINT_NO_SEARCH = PLAIN_WEASYPRINT.replace(
    "import sys, weasyprint", "import sys\nfrom leaflets.render.libraries import import_weasyprint\n"
    "import_weasyprint()\nimport weasyprint")
WARM_WEASYPRINT = """
import sys, time, weasyprint
html = open(sys.argv[1], encoding="utf-8").read()
weasyprint.HTML(string=html, base_url=sys.argv[2]).write_pdf(pdf_variant="pdf/ua-1")  # warm up
started = time.process_time()
for _ in range(5):
    weasyprint.HTML(string=html, base_url=sys.argv[2]).write_pdf(pdf_variant="pdf/ua-1")
print((time.process_time() - started) / 5)
"""


class Run:
    def __init__(self, cpu: float, wall: float, peak_mb: float, stderr: str, code: int) -> None:
        self.cpu, self.wall, self.peak_mb, self.stderr, self.code = cpu, wall, peak_mb, stderr, code


def become_subreaper() -> bool:
    """Make this process adopt its descendants' orphans (Linux ``PR_SET_CHILD_SUBREAPER``), so that
    the fork server a build starts, and the workers it forks, are reaped (and counted) here."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def reap_orphans() -> tuple[float, float]:
    """Wait for every process adopted from a finished build: (their CPU seconds, largest peak RSS in MB)."""
    cpu = peak = 0.0
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return cpu, peak
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)


def as_installed() -> dict[str, str]:
    """This environment as on a machine where the tool is installed: Python may keep compiled
    modules (``__pycache__``), as it does unless told not to (a development container may set
    PYTHONDONTWRITEBYTECODE, which would make every run compile the package's modules again)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(args: list[str], cwd: Path, env: dict | None = None, check: bool = True) -> Run:
    """Run a process to its end: CPU seconds of it and of every process it started (each one's own
    and its waited-for children's), its wall time, and the peak RSS of the largest of them."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors,
                                   env={**as_installed(), **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        orphans_cpu, orphans_peak = reap_orphans()
        errors.seek(0)
        text = errors.read().decode("utf-8", "replace")
    if check and process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(args)}\n{text}")
    return Run(usage.ru_utime + usage.ru_stime + orphans_cpu, wall, max(usage.ru_maxrss / 1024, orphans_peak),
               text, process.returncode)


def leaflets(root: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "leaflets", "--root", str(root), *args]


def base_revision(given: str | None) -> str:
    if given:
        return given
    for candidate in (["git", "merge-base", "HEAD", "main"], ["git", "rev-parse", "HEAD~1"]):
        found = subprocess.run(candidate, cwd=REPO, capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip():
            revision = found.stdout.strip()
            head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
            if revision != head:
                return revision
    return "HEAD~1"


def check_out(revision: str, target: Path) -> Path:
    """The tree of ``revision`` (code and project), unpacked into ``target``."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def same_pages(old: Path, new: Path) -> tuple[int, int, list[str], float]:
    """(identical files, pixel-equivalent files, files whose pages or text differ, worst mean pixel
    difference of the equivalent ones) over old's PDFs. Text or page counts differ only when the
    base revision lays the leaflets out otherwise (a template changed since): named, not hidden."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    identical = equivalent = 0
    differ: list[str] = []
    worst = 0.0
    for path in sorted(old.rglob("*.pdf")):
        a, b = path.read_bytes(), (new / path.relative_to(old)).read_bytes()
        if a == b:
            identical += 1
            continue
        da, db = pdfium.PdfDocument(a), pdfium.PdfDocument(b)
        if len(da) != len(db) or any(da[i].get_textpage().get_text_range() != db[i].get_textpage().get_text_range()
                                     for i in range(len(da))):
            differ.append(str(path.relative_to(old)))
            continue
        for i in range(len(da)):
            ia, ib = (d[i].render(scale=2).to_pil().convert("L") for d in (da, db))
            histogram = ImageChops.difference(ia, ib).histogram()
            worst = max(worst, sum(k * n for k, n in enumerate(histogram)) / sum(histogram))
        equivalent += 1
    return identical, equivalent, differ, worst


def synthetic_project(target: Path, branches: int) -> Path:
    """The default project with ``branches`` branches made from the first one; each has the first
    branch's phone number with its own extension (201, 202, ...)."""
    for part in PROJECT_PARTS:
        shutil.copytree(REPO / part, target / part)
    folder = target / "data/branches"
    template_path = sorted(folder.glob("*.yaml"))[0]
    template = template_path.read_text("utf-8")
    for path in folder.glob("*.yaml"):
        path.unlink()
    phone = re.search(r"(?m)^phone: (.*)$", template)
    assert phone is not None, f"{template_path} has no phone line"
    for k in range(1, branches + 1):
        text = re.sub(r"(?m)^id: .*$", f"id: town-{k:02d}", template)
        text = re.sub(r"(?m)^name: .*$", f"name: Town {k:02d}", text)
        text = text.replace(phone.group(0), f"phone: {phone.group(1).strip()} ext. {200 + k}", 1)
        (folder / f"town-{k:02d}.yaml").write_text(text, "utf-8")
    return target


def shas(out: Path) -> dict[str, str]:
    return {o["path"]: o["sha256"] for o in json.loads((out / "manifest.json").read_text())["outputs"]}


def left_in(tmp: Path) -> int:
    return sum(1 for _ in tmp.rglob("*"))


# leaflets serve: chemical-peel, because milia's A4 back page has no room for the "For you" box.
SERVE_LEAFLET, SERVE_BRANCH, SERVE_HEADING = "chemical-peel", "stoke-on-trent", "What is a chemical peel?"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_cpu(pid: int) -> float:
    """CPU seconds so far of a process and all its descendants (the server, its fork server and workers)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    family, total = {pid}, 0.0
    while True:
        more = {p for p, (parent, _) in stats.items() if parent in family and p not in family}
        if not more:
            break
        family |= more
    for p in family:
        total += stats.get(p, (0, 0.0))[1]
    return total


def serve_rows(work: Path, edits: int) -> list[tuple[str, str, str]]:
    """Edit-to-refresh and personalised-print latency of ``leaflets serve``, beside a cold build."""
    project = work / "serve-project"
    for part in PROJECT_PARTS:
        shutil.copytree(REPO / part, project / part)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(leaflets(project, "serve", SERVE_LEAFLET, "--branch", SERVE_BRANCH, "--format", "a4",
                                       "--port", str(port)), cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("leaflets serve did not start") from None
                time.sleep(0.2)
        events: Queue[float] = Queue()

        def listen() -> None:  # the page's side: the time each refresh event arrives
            query = f"leaflet={SERVE_LEAFLET}&branch={SERVE_BRANCH}&format=a4"
            with urllib.request.urlopen(f"{base}/events?{query}", timeout=600) as stream:
                for line in stream:
                    if line.startswith(b"event: build"):
                        events.put(time.perf_counter())

        threading.Thread(target=listen, daemon=True).start()
        time.sleep(1.0)
        path = project / f"data/leaflets/{SERVE_LEAFLET}.yaml"
        latencies, cpus = [], []
        for k in range(edits):
            text = path.read_text("utf-8")
            old = SERVE_HEADING if k == 0 else f"{SERVE_HEADING} ({k})"
            cpu = tree_cpu(server.pid)
            saved = time.perf_counter()
            path.write_text(text.replace(old, f"{SERVE_HEADING} ({k + 1})", 1), "utf-8")
            try:
                latencies.append(events.get(timeout=60) - saved)
            except Empty:
                raise SystemExit("no refresh event within 60 s of an edit") from None
            cpus.append(tree_cpu(server.pid) - cpu)
            time.sleep(0.7)
            while not events.empty():  # a second event for the same save (none expected)
                events.get()
        next_week = (dt.date.today() + dt.timedelta(days=7)).isoformat()  # a past appointment is refused
        form = (f"branch={SERVE_BRANCH}&format=a4&name=Sam+Example&practitioner=Dr+Example"
                f"&appointment={next_week}T14%3A30&note=Keep+the+area+dry+for+24+hours.").encode()
        personal, personal_cpus = [], []
        for _ in range(edits):
            cpu = tree_cpu(server.pid)
            request = urllib.request.Request(f"{base}/leaflet/{SERVE_LEAFLET}/personal", data=form, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.read(4) == b"%PDF"
            personal.append(time.perf_counter() - started)
            personal_cpus.append(tree_cpu(server.pid) - cpu)
    finally:
        server.terminate()
        server.wait(timeout=30)
    colds = []
    for _ in range(3):
        out = work / "serve-cold"
        shutil.rmtree(out, ignore_errors=True)
        colds.append(measure(leaflets(project, "build", SERVE_LEAFLET, "--branch", SERVE_BRANCH, "--format", "a4",
                                      "-q", "-j", "1", "--out", str(out)), REPO))
    edit, made = statistics.median(latencies), statistics.median(personal)
    cold = statistics.median(r.wall for r in colds)
    edit_cpu, made_cpu = statistics.median(cpus), statistics.median(personal_cpus)
    load = os.getloadavg()[0]
    return [
        ("serve: save to refresh event, one A4", f"{edit:.2f} s wall",
         f"median of {edits} (min {min(latencies):.2f}, max {max(latencies):.2f}); {edit / cold:.2f} x the cold "
         f"build (targets <= 1.0 s and <= 0.50 x); {edit_cpu:.2f} s CPU of the server and its workers"),
        ("cold build of the same variant, -j 1", f"{cold:.2f} s wall",
         f"new process, median of 3; load average {load:.1f} on {os.cpu_count()} cores"),
        ("serve: personalised A4, warm workers", f"{made:.2f} s wall",
         f"median of {edits}, request to last byte (target <= 1.5 s); {made_cpu:.2f} s CPU"),
    ]


def one_leaflet_rows(work: Path, repeat: int) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    # 2. one A4 leaflet, -j 1, against bare WeasyPrint on the same HTML
    html = work / "one.html"
    subprocess.run([PYTHON, "-c", (
        "import datetime, sys; from pathlib import Path; from leaflets.project.folder import find_project;"
        "from leaflets.project.load import load_library; from leaflets.project.plan import plan_variants;"
        "from leaflets.render.html import leaflet_html; lib = load_library(find_project(Path('.')));"
        "v = plan_variants(lib, ['milia'], ['stoke-on-trent'], ['a4'])[0];"
        f"Path({str(html)!r}).write_text(leaflet_html(lib, v, datetime.date.today()), encoding='utf-8')"
    )], check=True, cwd=REPO)
    repeat = max(5, repeat)
    ours_runs, plain_runs, quick_runs = [], [], []
    measure(leaflets(REPO, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "-q", "-j", "1",
                     "--out", str(work / "one")), REPO)  # not counted: compiles the modules once, as installing does
    for _ in range(repeat):  # interleaved, so that a busy moment on a shared machine hits both
        ours_runs.append(measure(leaflets(REPO, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                                          "--force", "-q", "-j", "1", "--out", str(work / "one")), REPO))
        plain_runs.append(measure([PYTHON, "-c", PLAIN_WEASYPRINT, str(html), REPO.as_uri() + "/",
                                   str(work / "plain.pdf")], REPO))
        quick_runs.append(measure([PYTHON, "-c", PLAIN_WEASYPRINT_NO_SEARCH, str(html), REPO.as_uri() + "/",
                                   str(work / "plain.pdf")], REPO))
    ours, plain, quick = (statistics.median(r.cpu for r in runs) for runs in (ours_runs, plain_runs, quick_runs))
    ours_wall, plain_wall, quick_wall = (statistics.median(r.wall for r in runs)
                                         for runs in (ours_runs, plain_runs, quick_runs))
    rows.append(("one A4 leaflet, -j 1", f"{ours:.2f} s CPU, {ours_wall:.2f} s wall",
                 f"{ours / plain:.2f} x bare WeasyPrint in CPU (every process), {ours_wall / plain_wall:.2f} x "
                 "in wall time (target <= 1.15)"))
    rows.append(("one A4 leaflet, bare WeasyPrint, same HTML", f"{plain:.2f} s CPU, {plain_wall:.2f} s wall",
                 "new process, imports included"))
    rows.append(("  the same, imported as leaflets does", f"{quick:.2f} s CPU, {quick_wall:.2f} s wall",
                 f"without cffi's library search (render/libraries.py); leaflets is {ours / quick:.2f} x this in CPU, "
                 f"{ours_wall / quick_wall:.2f} x in wall time"))
    warm = float(subprocess.run([PYTHON, "-c", WARM_WEASYPRINT, str(html), REPO.as_uri() + "/"], cwd=REPO,
                                capture_output=True, text=True, check=True).stdout)
    rows.append(("one A4 leaflet, bare WeasyPrint, warm", f"{warm * 1000:.0f} ms CPU",
                 "per PDF in a process that has made one already (Typst: 11 ms)"))

    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="git revision to compare with (default: merge-base with main, else HEAD~1)")
    parser.add_argument("--leaflet", default="milia", help="leaflet built for the synthetic projects")
    parser.add_argument("--branches", default="2,10,40", help="synthetic project sizes")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cold-build measurement (median)")
    parser.add_argument("--only", choices=("all", "serve", "one"), default="all",
                        help="serve: only the preview's figures; one: only the one-leaflet comparison")
    parser.add_argument("--edits", type=int, default=9, help="saves (and personalised prints) timed for serve")
    args = parser.parse_args()
    sizes = [int(n) for n in args.branches.split(",")]
    every_process = become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="leaflets-bench-"))
    rows: list[tuple[str, str, str]] = []
    try:
        if args.only == "serve":
            rows += serve_rows(work, args.edits)
            return print_table(rows, every_process)
        if args.only == "one":
            rows += one_leaflet_rows(work, args.repeat)
            return print_table(rows, every_process)
        # 1. the default project, cold, --jobs 1: base revision against this tree
        revision = base_revision(args.base)
        base = check_out(revision, work / "base")
        name = subprocess.run(["git", "log", "-1", "--format=%h", revision], cwd=REPO,
                              capture_output=True, text=True).stdout.strip()

        def cold(tree: Path, out: Path) -> Run:
            def once() -> Run:
                shutil.rmtree(out, ignore_errors=True)
                return measure([PYTHON, "-m", "leaflets", "build", "-q", "-j", "1", "--out", str(out)], tree,
                               env={"PYTHONPATH": str(tree)})
            runs = [once() for _ in range(args.repeat)]
            return sorted(runs, key=lambda r: r.cpu)[len(runs) // 2]

        before = cold(base, work / "out-base")
        after = cold(REPO, work / "out-now")
        pdfs = len(list((work / "out-now").rglob("*.pdf")))
        identical, equivalent, differ, worst = same_pages(work / "out-base", work / "out-now")
        rows.append((f"cold build, -j 1, base {name}", f"{before.cpu:.2f} s CPU", f"{pdfs} PDFs"))
        rows.append(("cold build, -j 1, this tree", f"{after.cpu:.2f} s CPU",
                     f"{after.cpu / before.cpu:.2f} x base (target <= 0.70)"))
        shown = f"; {len(differ)} with other text or pages: {', '.join(differ[:3])}{' ...' if len(differ) > 3 else ''}"
        rows.append(("  output against base", f"{identical} identical",
                     f"{equivalent} pixel-equivalent (same text, worst mean pixel difference {worst:.3f}/255)"
                     + (shown if differ else "")))

        rows += one_leaflet_rows(work, args.repeat)

        # 3. synthetic projects: cold CPU per PDF, memory, no-op, one phone edit
        for n in sizes:
            project = synthetic_project(work / f"p{n}", n)
            out = work / f"p{n}-out"
            run = measure(leaflets(project, "build", args.leaflet, "-q", "-j", "1", "--out", str(out)), REPO)
            count = len(list(out.rglob("*.pdf")))
            rows.append((f"{n} branches, cold, -j 1", f"{run.cpu / count * 1000:.0f} ms CPU per PDF",
                         f"{count} PDFs, {run.cpu:.1f} s CPU; largest process {run.peak_mb:.0f} MB"))
        n = sizes[-1]
        project, out = work / f"p{n}", work / f"p{n}-j2"
        run = measure(leaflets(project, "build", args.leaflet, "-q", "-j", "2", "--out", str(out)), REPO)
        rows.append((f"{n} branches, cold, -j 2", f"{run.peak_mb:.0f} MB", "peak RSS of the largest process "
                     "(build or worker; target <= 130 MB)"))
        noop = measure(leaflets(project, "build", args.leaflet, "-q", "--out", str(out)), REPO)
        rows.append((f"{n} branches, no-op rebuild", f"{noop.wall:.2f} s wall",
                     f"{noop.cpu:.2f} s CPU (target < 0.3 s)"))
        before_edit = shas(out)
        branch = project / "data/branches/town-07.yaml"
        branch.write_text(branch.read_text().replace("ext. 207", "ext. 299"))
        edit = measure(leaflets(project, "build", args.leaflet, "-j", "2", "--out", str(out)), REPO)
        changed = sorted({p.split("/")[0] for p, sha in shas(out).items() if before_edit.get(p) != sha})
        built = re.search(r"(\d+) variants: (\d+) built", edit.stderr)
        summary = f"{built.group(2)} of {built.group(1)} variants built" if built else "?"
        rows.append((f"{n} branches, one branch's phone edited", f"{edit.cpu:.2f} s CPU",
                     f"{summary}; changed files only in: {', '.join(changed)}"))

        # 4. nothing left in the temp folder
        left = []
        for label, jobs in (("-j 1", "1"), ("-j 2", "2")):
            tmp = work / f"tmp{jobs}"
            tmp.mkdir()
            measure(leaflets(REPO, "build", "milia", "-q", "--force", "-j", jobs, "--out", str(work / "t")), REPO,
                    env={"TMPDIR": str(tmp)})
            left.append(f"{label}: {left_in(tmp)}")
        tmp = work / "tmp-interrupted"
        tmp.mkdir()
        process = subprocess.Popen(leaflets(REPO, "build", "--force", "-j", "2", "--out", str(work / "t")), cwd=REPO,
                                   stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(tmp)})
        for line in process.stderr:  # type: ignore[union-attr]
            if line.startswith("wrote "):
                break
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
        reap_orphans()
        left.append(f"interrupted: {left_in(tmp)}")
        tmp = work / "tmp-failed"
        tmp.mkdir()
        broken = synthetic_project(work / "broken", 2)
        path = broken / "data/leaflets/milia.yaml"
        marker = "  - heading: When to get advice\n"
        path.write_text(path.read_text().replace(
            marker, "  - heading: Too long\n    body:\n"
            + "      - p: Words that will not fit on the panels of a folded leaflet.\n" * 30 + marker, 1))
        failed = measure(leaflets(broken, "build", "milia", "--format", "dl", "-q", "-j", "2", "--out",
                                  str(work / "f")), REPO, env={"TMPDIR": str(tmp)}, check=False)
        left.append(f"failed (exit {failed.code}): {left_in(tmp)}")
        rows.append(("files left in the temp folder", "; ".join(left), ""))

        # 5. leaflets serve: edit-to-refresh and personalised print, beside a cold build
        rows += serve_rows(work, args.edits)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(rows, every_process)


def print_table(rows: list[tuple[str, str, str]], every_process: bool) -> None:
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    counted = "every process a build started" if every_process else "the build and the children it waited for"
    print(f"leaflets benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, CPU seconds of {counted}")
    print(f"| {'measure'.ljust(width[0])} | {'value'.ljust(width[1])} | {'note'.ljust(width[2])} |")
    print(f"| {'-' * width[0]} | {'-' * width[1]} | {'-' * width[2]} |")
    for row in rows:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, width, strict=True)) + " |")


if __name__ == "__main__":
    main()
