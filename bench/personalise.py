"""Benchmark a personalised A4 leaflet: a fresh command against a warm worker pool.

    python bench/personalise.py [--leaflet hydrafacial] [--branch stoke-on-trent] [--repeat 7]

Prints, side by side in one run:
- cold: ``leaflets personalise ... -o FILE`` in a fresh process (Python,
  WeasyPrint and the data loaded each time), wall-clock and CPU time;
- warm: ``personal_job`` + ``render_in_pool`` on a ``WorkerPool`` that has
  rendered once already (what a server does per request), wall-clock time;
- the CPU time of one warm render in this process (layout and PDF), which
  other work on a shared machine does not inflate as it does wall time.
Medians; the load average is printed, as wall times depend on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The appointment two weeks ahead: one in the past is refused.
NOTE: dict[str, str] = {
    "name": "Sam Smith", "note": "Keep the area clean and dry for two days.\nWear sunscreen every day.",
    "appointment": f"{dt.date.today() + dt.timedelta(days=14)} 14:30", "practitioner": "Dr Jo Bloggs"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaflet", default="hydrafacial")
    parser.add_argument("--branch", default="stoke-on-trent")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from leaflets.commands.personalise import PersonalNote, personal_job, personal_variant, render_in_pool
    from leaflets.project.folder import find_project
    from leaflets.project.load import load_library
    from leaflets.render.pdfs import make_pdfs
    from leaflets.render.workers import WorkerPool

    library = load_library(find_project(REPO))
    today = dt.date.today()
    note = PersonalNote.from_form(NOTE["name"], NOTE["note"], NOTE["appointment"], NOTE["practitioner"], today)
    variant = personal_variant(library, args.leaflet, args.branch, "a4")

    with tempfile.TemporaryDirectory(prefix="leaflets-bench-") as folder:
        command = [sys.executable, "-m", "leaflets", "--root", str(REPO), "personalise", args.leaflet,
                   "--branch", args.branch, "--format", "a4", *[x for k, v in NOTE.items() for x in (f"--{k}", v)],
                   "-o", str(Path(folder) / "a4.pdf")]
        cold, cold_cpu = [], []
        for _ in range(args.repeat):
            started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(command, check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cold.append(time.perf_counter() - started)
            cold_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)

    with WorkerPool(1) as pool:
        render_in_pool(pool, personal_job(library, variant, today, note))  # the pool warms up once
        warm = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            render_in_pool(pool, personal_job(library, variant, today, note))
            warm.append(time.perf_counter() - started)

    make_pdfs(personal_job(library, variant, today, note))  # fonts loaded in this process
    cpu = []
    for _ in range(args.repeat):
        started = time.process_time()
        make_pdfs(personal_job(library, variant, today, note))
        cpu.append(time.process_time() - started)

    print(f"personalised A4 ({args.leaflet}, {args.branch}), median of {args.repeat}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"  cold, a fresh `leaflets personalise`:   {statistics.median(cold):5.2f} s wall, "
          f"{statistics.median(cold_cpu):.2f} s CPU")
    print(f"  warm worker pool (job + render):        {statistics.median(warm):5.2f} s wall")
    print(f"  one warm render (job + layout + PDF):   {statistics.median(cpu):5.2f} s CPU")


if __name__ == "__main__":
    main()
