"""``pack status`` and ``pack import``: numbering, takes recorded elsewhere, bad files refused."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
from conftest import run
from pack_helpers import burst, write_wav

from audio_guide.runtime import ffmpeg_exe
from audio_guide.sound.packs import find_pack


def numbered(tiny: str, pack: str) -> list[str]:
    code, out, err = run("pack", "status", tiny, "--voice", pack, "--numbered")
    assert code == 0, err
    lines = out.splitlines()
    assert all(line.startswith(f"{n}. ") for n, line in enumerate(lines, 1))
    return [line.split(". ", 1)[1] for line in lines]


def test_status_numbers_sentences_then_counts(config: Path, tiny: str) -> None:
    texts = numbered(tiny, "me")
    assert texts[0] == "Sit comfortably." and texts[-2:] == ["1", "2"]
    assert texts[-3] == "That is all."
    assert len(texts) == len(set(texts))
    code, out, _ = run("pack", "status", tiny, "--voice", "me")
    assert code == 0
    assert f"0 of {len(texts)} utterances recorded" in out and "(not created yet)" in out
    assert "missing   1. Sit comfortably." in out


def test_import_takes_recorded_elsewhere(config: Path, tiny: str, tmp_path: Path) -> None:
    texts = numbered(tiny, "me")
    takes = tmp_path / "takes"
    takes.mkdir()
    write_wav(takes / "1.wav", burst(0.6, 0.2), 22050)
    write_wav(takes / "2.WAV", burst(0.4, 0.6, sr=44100), 44100)
    flac = write_wav(tmp_path / "3.wav", burst(0.5, 0.3, sr=48000), 48000)
    formats = ((".flac", "flac"), (".mp3", "libmp3lame"), (".m4a", "aac"), (".ogg", "libvorbis"))
    for n, (suffix, codec) in enumerate(formats, 3):
        subprocess.run(
            [
                ffmpeg_exe(),
                "-v",
                "error",
                "-i",
                str(flac),
                "-c:a",
                codec,
                str(takes / f"{n}{suffix}"),
            ],
            check=True,
        )
    (takes / "notes.txt").write_text("not a take")  # ignored: not N.ext
    code, out, err = run("pack", "import", "me", str(takes), "--speaker", "Ana Test")
    assert code == 0, err
    assert (
        "created voice pack 'me'" in out and f"imported 6 takes into 'me'; 6 of {len(texts)}" in out
    )
    pack = find_pack("me")
    assert pack.speaker == "Ana Test" and pack.language == "en"
    assert all(pack.has(t) for t in texts[:6]) and not pack.has(texts[6])
    clip = pack.load(texts[1])
    assert abs(len(clip) / 22050 - 0.5) < 0.05  # 0.4 s of sound and two pads, from 44.1 kHz
    code, out, _ = run("pack", "status", tiny, "--voice", "me")
    assert (
        f"6 of {len(texts)} utterances recorded" in out and "recorded  1. Sit comfortably." in out
    )


def test_bad_files_are_listed_and_the_rest_imported(
    config: Path, tiny: str, tmp_path: Path
) -> None:
    numbered(tiny, "me")
    takes = tmp_path / "takes"
    takes.mkdir()
    write_wav(takes / "1.wav", burst(0.6, 0.2))
    (takes / "2.wav").write_bytes(b"")
    (takes / "3.mp3").write_text("this is not audio, only text\n" * 20)
    write_wav(takes / "4.wav", np.full(8000 * 600, 0.1), 8000)  # ten minutes
    write_wav(takes / "5.ogg.wav", burst(0.6, 0.2))  # not N.ext: ignored
    write_wav(takes / "6.wav", np.clip(burst(0.6, 4.0), -1, 1))
    write_wav(takes / "99.wav", burst(0.6, 0.2))
    shutil.copy(takes / "1.wav", takes / "1.flac")
    code, out, err = run("pack", "import", "me", str(takes))
    assert code == 2
    assert "imported 1 take into 'me'" in out
    lines = err.splitlines()
    assert any("1.wav: utterance 1 is also in 1.flac" in line for line in lines) or any(
        "1.flac: utterance 1 is also in 1.wav" in line for line in lines
    )
    assert any("2.wav: 2.wav is empty (0 bytes)" in line for line in lines)
    assert any("3.mp3: the take is not audio" in line for line in lines)
    assert any("4.wav: the take is longer than 60 s" in line for line in lines)
    assert any("6.wav: the take is clipped" in line for line in lines)
    assert any("99.wav: there is no utterance 99" in line for line in lines)
    assert not any("5.ogg.wav" in line for line in lines)


def test_import_needs_a_numbering(config: Path, tiny: str, tmp_path: Path) -> None:
    takes = tmp_path / "takes"
    takes.mkdir()
    write_wav(takes / "1.wav", burst(0.6, 0.2))
    code, _, err = run("pack", "import", "new", str(takes))
    assert code == 2 and "pack status ROUTINE --voice new --numbered" in err
    code, _, err = run("pack", "import", "new", str(takes), "--routine", tiny)
    assert code == 0, err
    assert find_pack("new").has("Sit comfortably.")
    code, _, err = run("pack", "import", "new", str(tmp_path / "nothing"))
    assert code == 2 and "is not a folder of takes" in err
