"""How long `kb` takes, as a whole process, for calls that should do almost nothing.

    python bench/cli_startup.py [--runs 5] [--home FOLDER]

Times `kb --help`, `kb build --lang xx` (an unknown language, refused) and a no-change
`kb build --lang th` on a prebuilt home (built first in a temporary folder unless --home names
one), each `--runs` times as a child process, and prints the median, fastest and slowest wall
time, the median CPU time (user + system) and the largest max RSS of each. CPU time and RSS are
the child's own, from the rusage that os.wait4 returns for it (resource.getrusage(RUSAGE_CHILDREN)
would give the largest RSS of all children so far); on a machine others share, the CPU time is
close to what the wall time is on a quiet one. `kb` is run as `python -m medkb.kb.cli.app`, so that the medkb this
interpreter imports (PYTHONPATH included) is the one measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KB = [sys.executable, "-m", "medkb.kb.cli.app"]


def run_once(args: list[str]) -> dict:
    """Wall and CPU seconds, max RSS in MB and exit status of one `kb ARGS` process."""
    start = time.perf_counter()
    child = subprocess.Popen([*KB, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024, "exit": child.returncode}


def prebuilt(home: Path) -> None:
    """Build the Thai store of the embedded corpus in `home` (nothing is done if it is current)
    and check that one more build finds nothing to do, as the timed ones must."""
    subprocess.run([*KB, "build", "--lang", "th", "--home", str(home)], check=True, capture_output=True)
    again = subprocess.run([*KB, "build", "--lang", "th", "--home", str(home), "--json"], check=True, capture_output=True, text=True)
    status = json.loads(again.stdout)["status"]
    if status != "up to date":
        raise SystemExit(f"the build in {home} is {status!r} on a second run, not 'up to date': the timings would not be of a no-change build")


def measure(cases: dict[str, list[str]], runs: int) -> list[dict]:
    rows = []
    for name, args in cases.items():
        results = [run_once(args) for _ in range(runs)]
        wall = [r["wall"] for r in results]
        rows.append(
            {
                "command": name,
                "median_s": statistics.median(wall),
                "min_s": min(wall),
                "max_s": max(wall),
                "cpu_s": statistics.median(r["cpu"] for r in results),
                "max_rss_mb": max(r["rss"] for r in results),
                "exit": sorted({r["exit"] for r in results}),
            }
        )
    return rows


def print_table(rows: list[dict], runs: int) -> None:
    print(f"| command ({runs} runs) | median s | fastest s | slowest s | median CPU s | max RSS MB | exit |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| `{row['command']}` | {row['median_s']:.2f} | {row['min_s']:.2f} | {row['max_s']:.2f} | {row['cpu_s']:.2f} "
            f"| {row['max_rss_mb']:.0f} | {','.join(map(str, row['exit']))} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="processes per command (the median is reported)")
    parser.add_argument("--home", type=Path, help="home with a Thai store to rebuild without changes (default: one built in a temporary folder)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = options.home or Path(scratch) / "home"
        prebuilt(home)
        cases = {
            "kb --help": ["--help"],
            "kb build --lang xx": ["build", "--lang", "xx", "--home", str(Path(scratch) / "unused")],
            "kb build --lang th (no change)": ["build", "--lang", "th", "--home", str(home)],
        }
        print_table(measure(cases, options.runs), options.runs)


if __name__ == "__main__":
    main()
