"""Engine ``recorded``: every utterance from a voice pack (``sound/packs.py``), none synthesized.

A voice is a pack, by name (``CONFIG/packs/NAME``) or by path. Its clips are *given*: the engine
cannot change their rate or pitch (a non-default one is refused), only their volume; counts cannot
be spoken at a count rate of their own, so fitting a count into its second is left to the
count-fitting stage (``clips_given``). The pipeline takes clips from ``sound/given.py`` rather
than through the synthesis cache, so a take saved a moment ago is used at once.
"""

from __future__ import annotations

from pathlib import Path

from audio_guide.errors import UsageError
from audio_guide.sound.engines import Samples, VoiceInfo, VoiceParams
from audio_guide.sound.engines.voices import speaks
from audio_guide.sound.packs import DEFAULT_RATE, Pack, find_pack, list_packs, normal


class RecordedEngine:
    """Clips read from a voice pack."""

    name = "recorded"
    supports_pitch = False
    supports_rate = False
    """A recording has the speed it was spoken at; a non-default rate is refused."""
    clips_given = True
    """Clips are given, not synthesized: no count rate; counts are fitted after the fact."""

    def __init__(self) -> None:
        self.pack: Pack | None = None
        self.sample_rate = DEFAULT_RATE
        """The resolved pack's sample rate."""
        self._identity: str | None = None
        self.language: str | None = None
        """The routine's language, when the build knows it (clips are indexed by it)."""

    def version(self) -> str:
        """Clips are read afresh each time; nothing is cached under this engine's name."""
        return "recorded-1"

    def voices(self) -> list[VoiceInfo]:
        """The packs in the config folder, by name, with their speaker and language."""
        return [VoiceInfo(p.name, p.speaker, (p.language,), None) for p in list_packs()]

    def resolve_voice(self, spec: str) -> str:
        """A pack name or folder, or a language code (the first pack of that language, by
        name); the pack becomes this engine's voice. ``UsageError`` naming the packs if none."""
        try:
            self.pack = find_pack(spec.strip())
        except UsageError:
            base = spec.strip().replace("_", "-").split("-")[0]  # en-us: a pack in en
            same = [v for v in self.voices() if speaks(v, spec.strip()) or speaks(v, base)]
            if not same:
                raise
            self.pack = find_pack(same[0].id)
        self.sample_rate = self.pack.sample_rate
        self._identity = None
        return str(self.pack.path) if _is_path(spec) else self.pack.name

    def cache_identity(self, params: VoiceParams) -> str:
        """The pack's folder and a digest of its clips' names, sizes and times, computed once
        per engine (one build). The pack's own clips are never cached, but what is derived
        from them and cached under this engine's keys (a count shortened to fit its second by
        the count-fitting stage) is then made again whenever any take changes."""
        if self.pack is None:
            return ""
        if self._identity is None:
            import hashlib

            digest = hashlib.sha256()
            for path in sorted((self.pack.path / "clips").glob("*/*.flac")):
                info = path.stat()
                digest.update(
                    f"{path.parent.name}/{path.name}:{info.st_size}:{info.st_mtime_ns};".encode()
                )
            self._identity = f"{self.pack.path}:{digest.hexdigest()[:16]}"
        return self._identity

    def synthesize(self, text: str, params: VoiceParams) -> Samples:
        """The recorded clip of ``text``, scaled by the volume."""
        import numpy as np

        pack = self.pack or find_pack(params.voice)
        clip = pack.load(normal(text), self.language)
        if params.volume != 1.0:
            clip = np.round(clip.astype(np.float32) * params.volume).astype(np.int16)
        return clip


def _is_path(spec: str) -> bool:
    return "/" in spec or spec.startswith(".") or Path(spec).expanduser().is_absolute()
