"""Benchmark the desk: how soon ``leaflets desk`` answers, and a personalised A4 from it, warm.

    python bench/desk.py [--leaflet fractional-resurfacing] [--branch stoke-on-trent] [--repeat 7] [--out DIR]

Builds the leaflet's A4 for one branch into a temporary folder (unless --out names a build),
starts ``leaflets desk`` on a free port as a user would, and prints:
- how long the desk took to answer its first request (it builds nothing at start);
- the wall time of "Make PDF" (the form's POST to the PDF's last byte), after the warm-up the
  desk does itself, median of --repeat; the goal is under 1.5 s;
- the CPU time per "Make PDF" of the desk and its workers (Linux, from /proc), which other work
  on a shared machine does not inflate as it does wall time.
The load average is printed, as wall times depend on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 1.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_cpu(root: int) -> float | None:
    """CPU seconds (user + system) of process ``root`` and every process under it (the fork
    server, the workers), from /proc; None where there is no /proc."""
    if not Path("/proc/self/stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    parents, cpu = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks
    wanted = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    return sum(cpu.get(pid, 0.0) for pid in wanted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaflet", default="fractional-resurfacing")  # its A4 has room for the box
    parser.add_argument("--branch", default="stoke-on-trent")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="A build folder to serve (default: build one)")
    args = parser.parse_args()
    leaflets = [sys.executable, "-m", "leaflets", "--root", str(REPO)]
    with tempfile.TemporaryDirectory(prefix="leaflets-bench-desk-") as folder:
        out = args.out or Path(folder) / "out"
        if args.out is None:
            subprocess.run([*leaflets, "build", args.leaflet, "--branch", args.branch, "--format", "a4",
                            "--out", str(out), "-j1"], check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(folder) / "desk.log"
        with open(log, "wb") as stream:
            started = time.perf_counter()
            process = subprocess.Popen([*leaflets, "desk", "--out", str(out), "--port", str(port)],
                                       stdout=stream, stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    urllib.request.urlopen(base + "/", timeout=2).close()
                    break
                except OSError:
                    if process.poll() is not None or time.perf_counter() - started > 60:
                        raise SystemExit(f"the desk did not start:\n{log.read_text()}") from None
                    time.sleep(0.05)
            answered = time.perf_counter() - started
            while "ready" not in log.read_text():  # the desk's own warm-up render
                if time.perf_counter() - started > 120:
                    raise SystemExit(f"the desk did not warm up:\n{log.read_text()}")
                time.sleep(0.1)
            when = (dt.datetime.now() + dt.timedelta(days=7)).strftime("%Y-%m-%d")
            body = urlencode({"leaflet": args.leaflet, "branch": args.branch, "shelf": "build", "format": "a4",
                              "lang": "en-GB", "name": "Sam Smith", "note": "Keep the area clean and dry for two days.",
                              "appointment_date": when, "appointment_time": "14:30",
                              "practitioner": "Dr Jo Bloggs"}).encode()
            times = []
            before = tree_cpu(process.pid)
            for _ in range(args.repeat):
                request = urllib.request.Request(base + "/for-you", data=body, headers={
                    "Origin": base, "Content-Type": "application/x-www-form-urlencoded"})
                begun = time.perf_counter()
                with urllib.request.urlopen(request, timeout=60) as response:
                    data = response.read()
                times.append(time.perf_counter() - begun)
                if not data.startswith(b"%PDF"):
                    raise SystemExit("the desk did not answer with a PDF")
            after = tree_cpu(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
    median = statistics.median(times)
    print(f"leaflets desk, personalised A4 ({args.leaflet}, {args.branch}), median of {args.repeat}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"  first answer after start:             {answered:5.2f} s")
    print(f"  Make PDF, warm (POST to last byte):    {median:5.2f} s wall (goal < {GOAL_SECONDS} s: "
          f"{'met' if median < GOAL_SECONDS else 'NOT met'}); fastest {min(times):.2f} s, slowest {max(times):.2f} s")
    if before is not None and after is not None:
        print(f"  CPU per Make PDF (desk and workers):   {(after - before) / args.repeat:5.2f} s (what the wall time "
              "is on an idle machine, near enough)")


if __name__ == "__main__":
    main()
