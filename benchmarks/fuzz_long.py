"""The long fuzz run of issue 11: many generated documents plus the hostile set, counted.

    .venv/bin/python benchmarks/fuzz_long.py --examples 2500     # x 4 properties = 10,000

Each generated routine, profile, point file and command line goes through ``audio-guide plan``
in this process with the fake engine (see ``tests/fuzzdocs.py`` for the property). The hostile
set (deep nesting, huge files and texts, thousands of bad steps, resource bombs, binary junk) is
run first, each case timed. Prints a summary and exits 1 if any input broke the property.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzdocs import (  # noqa: E402
    Tally,
    check,
    command_line,
    hostile,
    points_doc,
    profile_doc,
    routine_doc,
    write_doc,
    yaml_text,
)
from hypothesis import HealthCheck, given, settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2500, help="per property (4 of them)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="audio-guide-fuzz-long-"))
    os.environ.setdefault("AUDIO_GUIDE_CACHE", str(folder / "cache"))
    os.environ.setdefault("AUDIO_GUIDE_CONFIG_DIR", str(folder / "no-config"))

    hostile_tally = Tally()
    slowest = 0.0
    for name, argv in hostile(folder):
        for command in ("plan", "check"):
            started = time.perf_counter()
            cli_args = argv if command == "plan" else argv[:1]
            try:
                code, err = check(cli_args, hostile_tally, Path(argv[0]).is_file(), command)
            except AssertionError:
                code, err = -1, hostile_tally.failures[-1]
            took = time.perf_counter() - started
            slowest = max(slowest, took)
            first = err.strip().splitlines()[0] if err.strip() else ""
            print(f"{command:<6} {name:<32} exit {code}  {took:6.3f} s  {first[:100]}")
    print(
        f"hostile peak RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )

    tally = Tally()
    run = settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )

    def quietly(argv: list[str], document: bool = True, command: str = "plan") -> None:
        with contextlib.suppress(AssertionError):  # recorded in the tally; keep going
            check(argv, tally, document, command)

    @run
    @given(yaml_text(routine_doc))
    def routines(text: str) -> None:
        path = write_doc(folder, "routine.yaml", text)
        quietly([str(path), "--engine", "fake"])
        quietly([str(path)], command="check")

    @run
    @given(yaml_text(profile_doc))
    def profiles(text: str) -> None:
        path = write_doc(folder, "profile.yaml", text)
        quietly(["back_pain", "--engine", "fake", "--profile", str(path)])

    @run
    @given(yaml_text(points_doc))
    def point_files(text: str) -> None:
        path = write_doc(folder, "points.yaml", text)
        quietly(["back_pain", "--engine", "fake", "--points", str(path)])

    @run
    @given(command_line)
    def command_lines(argv: list[str]) -> None:
        quietly(["back_pain", "--engine", "fake", *argv], document=False)

    started = time.perf_counter()
    for prop in (routines, profiles, point_files, command_lines):
        before = tally.runs
        t0 = time.perf_counter()
        prop()
        took = time.perf_counter() - t0
        print(f"{prop.__name__:<14} {tally.runs - before:6d} inputs  {took:6.1f} s")
    total = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"generated: {tally.runs} inputs in {total:.0f} s, "
        f"exit codes {dict(sorted(tally.codes.items()))}; "
        f"hostile: {hostile_tally.runs} cases, slowest {slowest:.3f} s; peak RSS {rss} MB"
    )
    failures = hostile_tally.failures + tally.failures
    print(f"property broken by {len(failures)} inputs")
    for failure in failures[:20]:
        print("---\n" + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
