"""The programme's loudness from its clips alone, known before the first block is mixed.

BS.1770's integrated loudness needs only the K-weighted energy of each 100 ms step. The K filter
is linear and time-invariant, so in a programme of sounds placed in silence each step holds the
energy of the K-weighted sounds that fall in it: exact where sounds do not overlap. Sounds that
do overlap (a bell with its cue, a tick under a count) are grouped into one *composite*, mixed,
limited and filtered as a whole, so their cross terms are exact too. Each distinct clip or
composite is analysed once, however often it is placed; the programme itself is never rendered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import numpy as np

from audio_guide.sound.analysis import GROUP, WORKERS, AnalysisStore, pool
from audio_guide.sound.dsp import Signal, k_filter, running_max, true_peaks
from audio_guide.sound.layout import ClipKey, ClipSource, Pcm, Sound, layout, to_int16
from audio_guide.sound.loudness import Limiter, gated_loudness, hop_samples
from audio_guide.timeline import Timeline

RENDER_VERSION = "render-2"
"""Change when ``render`` would make other samples from the same clips, gain and limiter."""


class Programme:
    """A timeline's sounds, analysed once, mastered at any gain without rendering the programme.

    Per distinct clip it keeps, in groups of ``GROUP`` samples, the K-weighted energy and the
    highest held true peak (what the limiter's gain depends on; it scales with the gain). A
    limited clip's energy is taken as its K-weighted energy times the square of the limiter's
    gain curve, which is smooth (held 20 ms, ramped over 3 ms) next to the filter's memory and
    the group. Composites are mixed and filtered exactly. The sounds themselves are rendered
    exactly, each when first placed.
    """

    def __init__(
        self,
        timeline: Timeline,
        clips: ClipSource,
        limiter: Limiter | None,
        store: AnalysisStore | None = None,
    ) -> None:
        self.store = store or AnalysisStore(None)
        """Where each clip's analysis is kept between builds."""
        self.sample_rate = timeline.sample_rate
        self.samples = timeline.samples
        self.hop = hop_samples(self.sample_rate)
        self.limiter = limiter
        self.sounds = layout(timeline, clips, limiter.margin if limiter else 1)
        keys = {key for sound in self.sounds for key, _ in sound.members}
        self.raw = {key: clips.get(*key) for key in keys}
        self.energy: dict[ClipKey, Signal] = {}
        """Each clip's K-weighted energy (with its ring-out) per group, at unity gain."""
        self.peaks: dict[ClipKey, Signal] = {}
        """Each clip's highest held true peak per group, at unity gain (with a limiter)."""
        self.held: dict[ClipKey, Signal] = {}
        """Held true peaks per sample, for rendering; dropped once a clip's sounds are made."""

    def _analyse(self, key: ClipKey) -> None:
        if key in self.energy:
            return
        # kept in single precision (half the memory of a cold build's largest holding): the
        # analyses are single-precision values already (``AnalysisStore``) and a running
        # minimum is exact, so widening them again at use gives the same numbers
        energy, peaks = self.store.get(self.raw[key], self.sample_rate)
        self.energy[key] = energy.astype(np.float32)
        if self.limiter is not None:
            # held peaks per group: the groups' peaks held over the limiter's reach, rounded out
            reach = -(-self.limiter.release // GROUP), -(-(self.limiter.look + GROUP) // GROUP)
            self.peaks[key] = running_max(peaks, *reach).astype(np.float32)

    def _held(self, key: ClipKey) -> Signal:
        if key not in self.held:
            assert self.limiter is not None
            self.held[key] = self.limiter.held(true_peaks(self.raw[key] / 32768.0))
        return self.held[key]

    def clip(self, key: ClipKey, gain: float, limited: bool) -> Signal:
        """One clip at ``gain`` (linear), true-peak limited on its own when ``limited``."""
        x = self.raw[key] * (gain / 32768.0)
        if limited and self.limiter is not None:
            curve = self.limiter.curve(self._held(key), gain)
            if curve is not None:
                x *= curve
        return x

    def render(
        self, sound: Sound, gain: float, limited: bool = True, clips_limited: bool | None = None
    ) -> Signal:
        """A sound mixed at ``gain``: each clip limited, then (composites) the mix limited.
        ``clips_limited`` (default ``limited``) limits the clips alone."""
        each = limited if clips_limited is None else clips_limited
        if len(sound.members) == 1:
            return self.clip(sound.members[0][0], gain, each)
        length = max(off + len(self.raw[key]) for key, off in sound.members)
        mix = np.zeros(length)
        for key, off in sound.members:
            x = self.clip(key, gain, each)
            mix[off : off + len(x)] += x
        if limited and self.limiter is not None:
            curve = self.limiter.gain(true_peaks(mix))
            if curve is not None:
                mix *= curve
        return mix

    def _rendered(self, sound: Sound, gain_db: float, limited: bool) -> Pcm:
        """``render`` as 16-bit samples, kept in the store between builds: an unchanged sound at
        an unchanged gain (the kept levels make a rebuild's gain the same) is read, not limited
        again. The name covers the sound's clips (by their samples) and offsets, the gain, the
        limiter and ``RENDER_VERSION``; a kept file of the wrong length is a miss."""
        lim = self.limiter if limited else None
        rules = [RENDER_VERSION, repr(gain_db), lim and (lim.ceiling, lim.look, lim.release)]
        members = [(self.store.digest(self.raw[k], self.sample_rate), o) for k, o in sound.members]
        name = self.store.name_of(["sound", rules, members])
        length = max(off + len(self.raw[key]) for key, off in sound.members)
        kept = self.store.recall_pcm(name, length)
        if kept is not None:
            return kept
        made = to_int16(self.render(sound, 10 ** (gain_db / 20), limited))
        self.store.keep_pcm(name, made)
        return made

    def _cumulative(self, sound: Sound, gain: float, limited: bool) -> tuple[Signal, int]:
        """Cumulative K-weighted energy of ``sound`` at ``gain`` from 0, and its step (samples)."""
        if len(sound.members) > 1:
            y = k_filter(self.render(sound, gain, limited), self.sample_rate)
            e, step = np.square(y, dtype=np.float64), 1
        else:
            key = sound.members[0][0]
            self._analyse(key)
            e, step = self.energy[key].astype(np.float64) * (gain * gain), GROUP
            if limited and self.limiter is not None:
                # per group: the lookahead's smoothing in groups
                smooth = max(0, round(self.limiter.look / GROUP) - 1)
                curve = self.limiter.curve(self.peaks[key].astype(np.float64), gain, smooth)
                if curve is not None:
                    e[: len(curve)] *= np.square(curve)
                    e[len(curve) :] *= curve[-1] ** 2
        out = np.empty(len(e) + 1)
        out[0] = 0.0
        np.cumsum(e, out=out[1:])
        return out, step

    def reductions(self, gain_db: float) -> list[tuple[Sound, float, float]]:
        """What the limiter takes off each distinct sound at ``gain_db``: (sound, the most it
        takes at any instant in dB, the loudness it takes in LU). 0 where it does not act.

        The first is exact for a clip (its gain curve's floor); for a composite it adds the
        deepest clip's floor to the mix's (an upper bound). The second compares the sound's
        K-weighted energy limited and not, as the loudness prediction sees it."""
        gain = 10 ** (gain_db / 20)
        out = []
        for sound in self.sounds:
            deepest = 0.0
            if self.limiter is not None:
                curves = [self.limiter.curve(self._held(key), gain) for key, _ in sound.members]
                deepest = max(_depth(c) for c in curves)
                if len(sound.members) > 1:  # the mix of the limited clips, limited again
                    mix = self.render(sound, gain, limited=False, clips_limited=True)
                    deepest += _depth(self.limiter.gain(true_peaks(mix)))
            free = self._cumulative(sound, gain, False)[0][-1]
            kept = self._cumulative(sound, gain, True)[0][-1]
            taken = 10 * np.log10(free / kept) if kept > 0 and free > 0 else 0.0
            out.append((sound, deepest, max(0.0, float(taken))))
        return out

    def loudness(self, gain_db: float, limited: bool = True, extra: Signal | None = None) -> float:
        """Predicted integrated loudness (LUFS) of the programme at ``gain_db``.

        ``extra`` adds the mean square per 100 ms step of anything measured separately (a bed).
        """
        gain = 10 ** (gain_db / 20)
        sounds = sorted(self.sounds.items(), key=lambda item: -len(item[0].members))

        def share(part: list[tuple[Sound, list[int]]]) -> Signal:
            energy = np.zeros(self.samples // self.hop)
            for sound, starts in part:
                _place(energy, *self._cumulative(sound, gain, limited), starts, self.hop)
            return energy

        parts = [sounds[i::WORKERS] for i in range(WORKERS)]
        steps = sum(pool().map(share, parts), np.zeros(self.samples // self.hop)) / self.hop
        if extra is not None:
            steps = steps + extra[: len(steps)]
        return gated_loudness(steps)

    def blocks(self, gain_db: float, limited: bool, block: int) -> Iterator[Pcm]:
        """The programme at ``gain_db`` as 16-bit blocks: sounds copied into silence, each
        rendered (exactly) when first placed, so the work runs beside the encoder."""
        self.energy.clear()
        self.peaks.clear()
        order = sorted((s, sound) for sound, starts in self.sounds.items() for s in starts)
        uses = defaultdict(int, ((k, 0) for k in self.raw))
        for sound in self.sounds:
            for key, _ in sound.members:
                uses[key] += 1
        done: dict[Sound, Pcm] = {}

        def pcm(sound: Sound) -> Pcm:
            if sound not in done:
                done[sound] = self._rendered(sound, gain_db, limited)
                for key, _ in sound.members:
                    uses[key] -= 1
                    if not uses[key]:
                        self.held.pop(key, None)
            return done[sound]

        nxt = 0
        active: list[tuple[int, Pcm]] = []
        for b0 in range(0, self.samples, block):
            b1 = min(self.samples, b0 + block)
            while nxt < len(order) and order[nxt][0] < b1:
                active.append((order[nxt][0], pcm(order[nxt][1])))
                nxt += 1
            out = np.zeros(b1 - b0, dtype=np.int16)
            keep = []
            for start, data in active:
                end = start + len(data)
                lo, hi = max(start, b0), min(end, b1)
                if hi > lo:
                    out[lo - b0 : hi - b0] = data[lo - start : hi - start]
                if end > b1:
                    keep.append((start, data))
            active = keep
            yield out


def _place(energy: Signal, cumulative: Signal, step: int, starts: Iterable[int], hop: int) -> None:
    """Add a sound's energy at each start, given its cumulative energy every ``step`` samples
    (interpolated within a step)."""
    starts_a = np.asarray(list(starts), dtype=np.int64)
    m = (len(cumulative) - 1) * step
    span = m // hop + 2
    first = starts_a // hop
    steps = first[:, None] + np.arange(span)[None, :]
    lo = np.clip(steps * hop - starts_a[:, None], 0, m)
    hi = np.clip((steps + 1) * hop - starts_a[:, None], 0, m)
    inside = steps < len(energy)
    at = np.arange(len(cumulative)) * step
    part = np.interp(hi, at, cumulative) - np.interp(lo, at, cumulative)
    np.add.at(energy, steps[inside], part[inside])


def _depth(curve: Signal | None) -> float:
    """dB under unity at a gain curve's floor (0 for no curve)."""
    return 0.0 if curve is None else float(-20 * np.log10(max(float(curve.min()), 1e-9)))
