"""Time ``batch`` on a practice of 10 clients x 3 routines against the same 30 single builds.

Usage: .venv/bin/python benchmarks/bench_batch.py [--piper N]     (part of ``make bench``)

The practice: the example's ``hands`` and ``neck`` (about 3-4 min each) and the shipped
``back_pain`` (12 min); client k speaks at 130 + 10k wpm, every other one with the en-us+f3
variant, so each client needs clips of its own. Rows, each once (a batch is 30 builds already):

- cold: an empty clip cache and no site, ``batch`` (default jobs: the CPU count) against 30
  ``audio-guide build ROUTINE --profile CLIENT`` run one after another on an empty cache;
- warm: the clips cached, the site and state removed, the same pair again;
- the rerun with nothing changed.

Also the CPU time per track (the batch process and its children, user + sys) for the
100,000-tracks-a-night estimate in docs/practice.md; a cold batch of N clients x ``hands`` on the
Piper engine gives Piper's (``--piper N``, default 3 when the ``natural`` extra is installed).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "audio-guide")
CLIENTS = 10
ROUTINES = ("hands", "neck", "back_pain")


def practice(root: Path, clients: int, routines: tuple[str, ...], engine: str = "") -> None:
    """The example practice, back_pain added, ``clients`` clients with a profile copy each."""
    from audio_guide.authoring.validate import data_dir
    from audio_guide.practice.example import init

    init(root)
    for path in (root / "clients").glob("*.yaml"):
        path.unlink()
    shutil.copy(data_dir() / "back_pain.yaml", root / "routines" / "back_pain.yaml")
    (root / "profiles").mkdir()
    for k in range(clients):
        voice = "en-us+f3" if k % 2 else "en-us"
        profile = f"voice: {{id: {voice}, rate: {130 + 10 * k}}}\n"
        if engine:
            profile = f"voice: {{engine: {engine}, rate: {130 + 10 * k}}}\n"
        (root / "profiles" / f"c{k:02d}.yaml").write_text(profile)
        names = ", ".join(routines)
        (root / "clients" / f"c{k:02d}.yaml").write_text(f"routines: [{names}]\n{profile}")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children)."""
    cpu, started = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr}")
    return wall, children_cpu() - cpu


def singles(root: Path, env: dict[str, str], out: Path) -> float:
    """The sum of 30 single builds, one process each."""
    total = 0.0
    for profile in sorted((root / "profiles").glob("*.yaml")):
        for name in ROUTINES:
            routine = str(root / "routines" / f"{name}.yaml")
            cmd = [CLI, "build", routine, "--profile", str(profile), "-o", str(out)]
            total += timed(cmd, env)[0]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    piper = 3 if importlib.util.find_spec("piper") else 0  # the optional 'natural' extra
    parser.add_argument("--piper", type=int, default=piper, metavar="N")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    tracks = CLIENTS * len(ROUTINES)
    lines = ["| batch, 10 clients x 3 routines | batch | 30 single builds | ratio | CPU/track |"]
    lines.append("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="audio-guide-bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "practice"
        practice(root, CLIENTS, ROUTINES)
        env = {**os.environ, "AUDIO_GUIDE_CONFIG_DIR": str(tmp / "no-config")}
        batch = [CLI, "batch", str(root)]
        for label in ("cold", "warm"):
            env["AUDIO_GUIDE_CACHE"] = str(tmp / f"cache-{label}-single")
            if label == "warm":
                singles(root, env, tmp / "x.mp3")  # untimed: fill the singles' cache
            single = singles(root, env, tmp / "x.mp3")
            env["AUDIO_GUIDE_CACHE"] = str(tmp / "cache-batch")
            shutil.rmtree(root / "site", ignore_errors=True)
            shutil.rmtree(root / "state", ignore_errors=True)
            wall, cpu = timed(batch, env)
            lines.append(
                f"| {label} | {wall:.1f} s | {single:.1f} s | {wall / single:.2f}x "
                f"| {cpu / tracks:.2f} s |"
            )
        wall, _ = timed(batch, env)
        lines.append(f"| rerun, nothing changed | {wall:.2f} s | | | |")
        if args.piper:
            proot = tmp / "piper"
            practice(proot, args.piper, ("hands",), engine="piper")
            env["AUDIO_GUIDE_CACHE"] = str(tmp / "cache-piper")
            wall, cpu = timed([CLI, "batch", str(proot)], env)
            lines.append(
                f"| Piper, {args.piper} clients x hands, cold | {wall:.1f} s | | "
                f"| {cpu / args.piper:.2f} s |"
            )
    print("\n".join(lines))
    print(
        f"\nonce each; {os.cpu_count()} CPUs, batch --jobs {os.cpu_count()}; load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )


if __name__ == "__main__":
    main()
