"""``pack status`` and ``pack import``: a voice pack without a browser.

``pack status ROUTINE --voice PACK`` lists what the routine needs and whether each is recorded;
``--numbered`` prints ``N. text`` per line (sentences, then counts) and remembers that numbering
in the pack's folder, so ``pack import PACK DIR`` knows which text ``N.wav`` says. Takes go
through the same decode/trim/level/refuse rules as the studio's (``sound/takes.py``).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TextIO

import yaml

from audio_guide.cli.options import add_points_flag
from audio_guide.errors import MAX_SHOWN, UsageError

SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".ogg")
NUMBERING = "numbering.yaml"
"""The last ``pack status --numbered`` list, kept in the pack's folder for ``pack import``."""


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``pack status`` and ``pack import``."""
    p = sub.add_parser(
        "pack",
        help="Voice packs: what is recorded, and takes recorded elsewhere.",
        description="Voice packs (recordings of your own voice for --engine recorded).",
    )
    cmds = p.add_subparsers(dest="pack_command", required=True, metavar="ACTION")
    s = cmds.add_parser(
        "status",
        help="what ROUTINE needs from a pack, recorded or missing",
        description="List every utterance ROUTINE needs (sentences, then counts) and whether "
        "the pack has it.",
    )
    s.add_argument("routine", metavar="ROUTINE", help="a routine file or shipped routine name")
    s.add_argument("--voice", required=True, metavar="PACK", help="pack name or folder")
    s.add_argument(
        "--numbered",
        action="store_true",
        help="print 'N. text' per line (record each as N.wav) and remember the numbering",
    )
    s.add_argument("--profile", type=Path, help="a profile (its phrases and lexicon count)")
    s.add_argument(
        "--phrase", action="append", default=[], metavar="KEY=TEXT", help="reword a phrase"
    )
    add_points_flag(s, "a point file over the shipped and user points (repeatable)")
    s.set_defaults(run=run_status)
    i = cmds.add_parser(
        "import",
        help="bring takes N.wav (.flac .mp3 .m4a .ogg) from a folder into a pack",
        description="Import takes named N.wav (or .flac, .mp3, .m4a, .ogg) after the numbers "
        "'pack status ROUTINE --voice PACK --numbered' printed; a new pack is created in the "
        "config folder.",
    )
    i.add_argument("pack", metavar="PACK", help="pack name (or folder)")
    i.add_argument("folder", metavar="DIR", type=Path, help="folder of N.wav takes")
    i.add_argument("--routine", help="number after this routine instead of the last status")
    i.add_argument("--speaker", help="who is speaking (for a new pack; default: PACK)")
    i.add_argument("--consent", default="", help="the speaker's consent line (for a new pack)")
    i.set_defaults(run=run_import)


def _needs(routine_spec: str, pack: str, args: argparse.Namespace) -> tuple[str, str, list[str]]:
    """The routine's name, language and the texts a pack needs for it, in order."""
    from audio_guide import build as pipeline
    from audio_guide.authoring.config import read_profiles
    from audio_guide.authoring.effective import effective_settings
    from audio_guide.authoring.points import assemble
    from audio_guide.flags import layer_from_strings
    from audio_guide.sound.recording import recording_list

    profiles = read_profiles(getattr(args, "profile", None))
    library = assemble([lib for _, lib in profiles], getattr(args, "points", None) or [])
    routine = pipeline.load(routine_spec, library)
    flags = layer_from_strings(
        {"engine": "recorded", "voice": pack, "phrases": getattr(args, "phrase", [])}
    )
    settings, _ = effective_settings(routine, [*(p for p, _ in profiles), flags])
    return routine.name, routine.language, [t for t, _ in recording_list(routine, settings)]


def run_status(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print what is recorded and what is missing (or the numbered list)."""
    from audio_guide.sound.packs import PACK_FILE, normal, pack_folder, read_pack

    name, language, texts = _needs(args.routine, args.voice, args)
    folder = pack_folder(args.voice)
    pack = read_pack(folder) if (folder / PACK_FILE).is_file() else None
    if args.numbered:
        folder.mkdir(parents=True, exist_ok=True)
        data = {"routine": name, "language": language, "utterances": texts}
        (folder / NUMBERING).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        out.writelines(f"{n}. {text}\n" for n, text in enumerate(texts, 1))
        return 0
    have = [pack is not None and pack.has(normal(t), language) for t in texts]
    who = f" ({pack.speaker}, {pack.language})" if pack else " (not created yet)"
    out.write(
        f"{name} with pack {args.voice!r}{who}: {sum(have)} of {len(texts)} utterances "
        f"recorded, {len(texts) - sum(have)} missing\n"
    )
    for n, (text, ok) in enumerate(zip(texts, have), 1):
        out.write(f"{'recorded' if ok else 'missing ':<8}  {n}. {text}\n")
    return 0


def _numbering(args: argparse.Namespace, folder: Path) -> tuple[str, list[str]]:
    """The language and texts that ``N`` stands for."""
    if args.routine:
        _, language, texts = _needs(args.routine, args.pack, args)
        return language, texts
    file = folder / NUMBERING
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        return str(data["language"]), [str(t) for t in data["utterances"]]
    except FileNotFoundError:
        raise UsageError(
            f"no numbering for pack {args.pack!r}: run 'audio-guide pack status ROUTINE "
            f"--voice {args.pack} --numbered' first (it prints the numbers), or give --routine"
        ) from None
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise UsageError(f"{file}: unreadable ({exc}); run pack status --numbered again") from None


def run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Import ``N.ext`` takes; refused takes are listed (exit 2), the others imported."""
    from audio_guide.sound import takes
    from audio_guide.sound.packs import PACK_FILE, create_pack, pack_folder, read_pack

    if not args.folder.is_dir():
        raise UsageError(f"{args.folder} is not a folder of takes")
    folder = pack_folder(args.pack)
    language, texts = _numbering(args, folder)
    problems: list[str] = []
    found: dict[int, Path] = {}
    for path in sorted(args.folder.iterdir()):
        m = re.fullmatch(r"([0-9]+)(\.[A-Za-z0-9]+)", path.name)
        if not m or m.group(2).lower() not in SUFFIXES or not path.is_file():
            continue
        n = int(m.group(1))
        if not 1 <= n <= len(texts):
            problems.append(f"{path}: there is no utterance {n} (1..{len(texts)})")
        elif n in found:
            problems.append(f"{path}: utterance {n} is also in {found[n].name}; keep one")
        else:
            found[n] = path
    if not found and not problems:
        raise UsageError(
            f"no takes in {args.folder}: name them N{'/N'.join(SUFFIXES)} after the numbers "
            "of 'pack status --numbered'"
        )
    if (folder / PACK_FILE).is_file():
        pack = read_pack(folder)
    else:
        pack = create_pack(str(folder), args.speaker or folder.name, language, args.consent)
        out.write(f"created voice pack {pack.name!r} in {folder}\n")

    def one(item: tuple[int, Path]) -> str | None:
        n, path = item
        try:
            pack.save(texts[n - 1], takes.prepare(path, pack.sample_rate), language)
        except takes.TakeRefused as exc:
            return f"{path}: {exc}"
        return None

    from concurrent.futures import ThreadPoolExecutor

    from audio_guide.sound.parallel import cores

    with ThreadPoolExecutor(cores()) as pool:  # each take is an ffmpeg process
        refused = [p for p in pool.map(one, sorted(found.items())) if p]
    done = len(found) - len(refused)
    problems += refused
    have = sum(pack.has(t, language) for t in texts)
    out.write(
        f"imported {done} take{'s' * (done != 1)} into {pack.name!r}; "
        f"{have} of {len(texts)} utterances recorded\n"
    )
    if problems:
        shown = problems[:MAX_SHOWN]
        if len(problems) > MAX_SHOWN:
            shown.append(f"... and {len(problems) - MAX_SHOWN} more problems")
        raise UsageError("\n".join(shown))
    return 0
