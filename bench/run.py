"""Benchmark the build on this machine and print a table (run: make bench).

Every figure is the median of --repeat runs of a real `leaflets build` in a
fresh process, so interpreter start-up and imports are counted as a user
would feel them.

    python bench/run.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PLAIN_WEASYPRINT = """
import sys, weasyprint
html = open(sys.argv[1], encoding="utf-8").read()
weasyprint.HTML(string=html, base_url=sys.argv[2]).write_pdf(sys.argv[3], pdf_variant="pdf/ua-1")
"""


def timed(args: list[str], cwd: Path = REPO) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def cpu_seconds(args: list[str], cwd: Path = REPO) -> float:
    """CPU time (user + system) of a command and every process it starts, workers and fork server
    included: this process becomes their subreaper (Linux) and reaps them all. Steadier than wall
    time on a shared machine."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def catalogue_cpu(out: Path) -> tuple[float, float]:
    """In this process: CPU seconds to draw every thumbnail again, and to make the catalogue pages."""
    from leaflets.build.catalogue import pages
    from leaflets.build.outputs import read_manifest
    from leaflets.content.load import load_library
    from leaflets.gate.gate import judge
    from leaflets.pdf.thumbs import thumbnail_png
    from leaflets.project import find_project

    outputs = read_manifest(out)
    started = time.process_time()
    for output in outputs:
        if output.kind == "thumbnail" and output.companion_of:
            thumbnail_png((out / output.companion_of).read_bytes())
    thumbs = time.process_time() - started
    library = load_library(find_project(REPO))
    verdict = judge(library, [], __import__("datetime").date.today(), markup=False)
    started = time.process_time()
    pages(library, verdict, outputs, out)
    return thumbs, time.process_time() - started


def leaflets(*args: str) -> list[str]:
    return [PYTHON, "-m", "leaflets", *args]


def median_of(repeat: int, run) -> float:
    return statistics.median(run() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="leaflets-bench-"))
    rows: list[tuple[str, str, str]] = []
    try:
        def cold(jobs: int) -> float:
            out = work / f"cold-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            return timed(leaflets("build", "-q", "--jobs", str(jobs), "--out", str(out)))

        one = median_of(args.repeat, lambda: cold(1))
        every = median_of(args.repeat, lambda: cold(cores))
        variants = len({(o["leaflet"], o["branch"], o["format"]) for o in
                        json.loads((work / f"cold-{cores}/manifest.json").read_text())["outputs"]})
        rows.append(("cold build, --jobs 1", f"{one:.2f} s", f"{variants} variants"))
        rows.append((f"cold build, --jobs {cores} (all cores)", f"{every:.2f} s",
                     f"{every / one:.2f} x one core (target <= 0.6)"))

        noop = median_of(args.repeat, lambda: timed(leaflets("build", "-q", "--out", str(work / f"cold-{cores}"))))
        rows.append(("no-op rebuild", f"{noop:.2f} s", f"{noop / every:.1%} of the cold build (target < 3%)"))

        # CPU time, side by side: every format (web pages, thumbnails, catalogue) and the print formats only.
        printed = [a for f in ("a4", "a5", "dl", "large-print") for a in ("--format", f)]

        def cold_cpu(extra: list[str]) -> float:
            out = work / "cpu"
            shutil.rmtree(out, ignore_errors=True)
            return cpu_seconds(leaflets("build", "-q", "--jobs", str(cores), *extra, "--out", str(out)))

        all_cpu = median_of(args.repeat, lambda: cold_cpu([]))
        print_cpu = median_of(args.repeat, lambda: cold_cpu(printed))
        thumbs, catalogue = catalogue_cpu(work / f"cold-{cores}")
        base = print_cpu - thumbs - catalogue
        rows.append(("cold build CPU, every format", f"{all_cpu:.2f} s",
                     f"web pages, thumbnails and catalogue: +{all_cpu / base - 1:.1%} (target <= 10%)"))
        rows.append(("cold build CPU, print formats only", f"{print_cpu:.2f} s", "no web pages"))
        rows.append(("  of which thumbnails (pypdfium2)", f"{thumbs:.2f} s", f"{thumbs / all_cpu:.1%} of every format"))
        rows.append(("  of which the catalogue pages", f"{catalogue:.2f} s", f"{catalogue / all_cpu:.1%} of every format"))
        noop_cpu = median_of(args.repeat, lambda: cpu_seconds(leaflets("build", "-q", "--out", str(work / f"cold-{cores}"))))
        rows.append(("no-op rebuild CPU", f"{noop_cpu:.2f} s", f"{noop_cpu / all_cpu:.1%} of the cold build's CPU "
                     "(mostly the worker that starts importing WeasyPrint)"))

        project = work / "project"
        for part in ("data", "templates", "styles", "assets"):
            shutil.copytree(REPO / part, project / part)
        out = work / "phone"
        subprocess.run(leaflets("--root", str(project), "build", "-q", "--out", str(out)), check=True, cwd=REPO)
        branch = project / "data/branches/wolverhampton.yaml"

        def phone_edit() -> float:
            text = branch.read_text()
            branch.write_text(text.replace("212163", "212164") if "212163" in text else text.replace("212164", "212163"))
            return timed(leaflets("--root", str(project), "build", "-q", "--out", str(out)))

        edit = median_of(args.repeat, phone_edit)
        rows.append(("rebuild after one branch's phone number changed", f"{edit:.2f} s",
                     f"{edit / every:.0%} of the cold build"))

        html = work / "milia.html"
        subprocess.run([PYTHON, "-c", (
            "import sys; from pathlib import Path; from leaflets.project import find_project;"
            "from leaflets.content.load import load_library; from leaflets.content.plan import plan_variants;"
            "from leaflets.layout.html import leaflet_html; lib = load_library(find_project(Path('.')));"
            "v = plan_variants(lib, ['milia'], ['stoke-on-trent'], ['a4'])[0];"
            f"Path({str(html)!r}).write_text(leaflet_html(lib, v), encoding='utf-8')"
        )], check=True, cwd=REPO)
        ours = median_of(args.repeat, lambda: timed(leaflets(
            "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--force", "-q",
            "--out", str(work / "one"))))
        plain = median_of(args.repeat, lambda: timed(
            [PYTHON, "-c", PLAIN_WEASYPRINT, str(html), REPO.as_uri() + "/", str(work / "plain.pdf")]))
        rows.append(("one A4 leaflet: leaflets build (default --jobs)", f"{ours:.2f} s", f"{ours / plain:.2f} x plain WeasyPrint (target <= 1.15)"))
        rows.append(("one A4 leaflet: plain WeasyPrint, same HTML", f"{plain:.2f} s", "new process, import included"))

        outputs = json.loads((work / f"cold-{cores}/manifest.json").read_text())["outputs"]
        def kind(output: dict) -> str:
            return output["format"] + ("-print" if output["companion_of"] else "")

        for name in sorted({kind(o) for o in outputs}):
            sizes = [o["bytes"] for o in outputs if kind(o) == name]
            rows.append((f"PDF size, {name}", f"{max(sizes) / 1024:.0f} KB", f"largest of {len(sizes)} (A4 target < 150 KB)"))

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append(("peak memory of one process (build or worker)", f"{peak:.0f} MB", "max resident set size"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    width = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"leaflets benchmark: {cores} cores, Python {sys.version.split()[0]}, median of {args.repeat}")
    print(f"| {'measure'.ljust(width[0])} | {'value'.ljust(width[1])} | {'note'.ljust(width[2])} |")
    print(f"| {'-' * width[0]} | {'-' * width[1]} | {'-' * width[2]} |")
    for row in rows:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, width)) + " |")


if __name__ == "__main__":
    main()
