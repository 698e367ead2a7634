"""Numpy-only signal pieces for mastering: K-weighting, true peaks, running maximum and mean.

No scipy here on purpose: importing ``scipy.signal`` costs about 0.9 s and 60 MB, more than a
whole cached build may spend. Each piece is checked against its scipy counterpart in the tests.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

Signal = npt.NDArray[np.floating[Any]]
"""A float array (64-bit where precision matters, 32-bit where memory does)."""
Coefficients = list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]

K_TAIL = 4096
"""Samples of K-weighted response kept after a sound ends. The slowest pole (the 38 Hz high
pass) decays below -120 dB within about 2000 samples at 22050 Hz, so nothing audible is cut."""
RESPONSE_BLOCK = 1 << 15
"""Frequency points of the K response computed at a time."""
OVERSAMPLE = 4
"""True peaks by 4x polyphase oversampling, as BS.1770-4 Annex 2 suggests below 96 kHz."""


def k_weighting(sample_rate: int) -> Coefficients:
    """The two BS.1770 pre-filters (high shelf, then high pass) for ``sample_rate``.

    Coefficients derived for any rate as libebur128 does, matching the standard's 48 kHz values.
    """
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = (
        np.array([(vh + vb * k / q + k * k), 2 * (k * k - vh), (vh - vb * k / q + k * k)]) / a0
    )
    shelf_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate)
    a0 = 1 + k / q + k * k
    hp_b = np.array([1.0, -2.0, 1.0])
    hp_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    return [(shelf_b, shelf_a), (hp_b, hp_a)]


def fft_size(n: int) -> int:
    """A fast FFT length (2^k times 1, 9/8, 5/4, 3/2 or 15/8) at least ``n``: few distinct
    lengths, so their K responses can be kept, and at most 1/8 of padding past 64 samples."""
    size = 1 << max(0, n - 1).bit_length()
    if size < 64:
        return size
    return min(size * num // 16 for num in (9, 10, 12, 15, 16) if size * num // 16 >= n)


@lru_cache(maxsize=8)
def _k_response(size: int, sample_rate: int) -> npt.NDArray[np.complex64]:
    """The K filter's frequency response on an rfft grid of ``size`` points.

    The last 8 sizes are kept: a cold back_pain build asks 139 times for 23 sizes (25 misses
    with 8 kept, ~3 ms each); keeping all held 10 MB (measured with tracemalloc). Computed in
    double precision ``RESPONSE_BLOCK`` points at a time (every point on its own: the same
    values as all at once): whole, its temporaries were a cold build's largest holding while
    clips were analysed, four times the filtered clip."""
    bins = size // 2 + 1
    out = np.empty(bins, dtype=np.complex64)
    filters = k_weighting(sample_rate)
    for start in range(0, bins, RESPONSE_BLOCK):
        z1 = np.exp(-2j * np.pi * np.arange(start, min(bins, start + RESPONSE_BLOCK)) / size)
        h = np.ones_like(z1)
        for b, a in filters:
            h *= np.polyval(b[::-1], z1) / np.polyval(a[::-1], z1)
        out[start : start + len(h)] = h
    return out


def k_filter(x: npt.ArrayLike, sample_rate: int) -> Signal:
    """K-weighted ``x`` from silence, with ``K_TAIL`` samples of its ring-out appended.

    The same as running the two biquads from rest over ``x`` followed by silence (FFT
    convolution in single precision, about 1e-6 of full scale; the circular wrap-around lies
    below the tail's -120 dB).
    """
    x = np.asarray(x, dtype=np.float32)
    n = len(x) + K_TAIL
    size = fft_size(n)
    spectrum = np.fft.rfft(x, size)
    del x  # each step's input is let go before the next (analysis threads run several)
    spectrum *= _k_response(size, sample_rate)
    full = np.fft.irfft(spectrum, size)
    del spectrum
    out = full[:n].copy()  # a copy, not a view: keeps no padding
    return np.asarray(out, dtype=np.float32)


@lru_cache(maxsize=1)
def _phases() -> tuple[npt.NDArray[np.float64], ...]:
    """Polyphase filters for 4x oversampling: the 81-tap Kaiser (beta 5) windowed sinc that
    ``scipy.signal.resample_poly(x, 4, 1)`` designs, split into the three in-between phases."""
    taps = 2 * 10 * OVERSAMPLE + 1
    n = np.arange(taps) - (taps - 1) / 2
    h = np.sinc(n / OVERSAMPLE) * np.kaiser(taps, 5.0)
    h = h / h.sum() * OVERSAMPLE
    return tuple(h[p::OVERSAMPLE] for p in range(1, OVERSAMPLE))


def true_peaks(x: npt.ArrayLike, midpoints_only: bool = False) -> Signal:
    """Per sample, the largest 4x-oversampled magnitude between it and its neighbours.

    ``midpoints_only`` interpolates only half-way between samples: a third of the work, and
    close enough to predict how much a limiter will take (not to limit).
    """
    x = np.asarray(x, dtype=np.float64)
    per = np.abs(x)
    if not len(x):
        return np.asarray(per, dtype=np.float64)
    phases = _phases()
    for g in phases[1:2] if midpoints_only else phases:
        # phase p at sample q is sum_j g[j] * x[q + 10 - j]; the full convolution's index q + 10
        inter = np.convolve(x, g)[10 : 10 + len(x)]
        np.maximum(per, np.abs(inter, out=inter), out=per)
    np.maximum(per[:-1], per[1:], out=per[:-1])
    return np.asarray(per, dtype=np.float64)


def running_max(x: Signal, before: int, after: int) -> Signal:
    """``out[i] = max(x[i - before .. i + after])``, edges extended (van Herk / Gil-Werman).

    Three arrays of ``x``'s length at most (the rows, their running maxima forwards and
    backwards), in double precision: a cold back_pain build peaked here, holding held peaks of
    its longest clip, when the padding, the backward maxima and the result were copies too."""
    n = len(x)
    w = before + after + 1
    if n == 0 or w == 1:
        return np.array(x, dtype=np.float64)
    m = n + before + after
    rows = -(-m // w)
    flat = np.empty(rows * w)
    flat[:before] = x[0]
    flat[before : before + n] = x
    flat[before + n : m] = x[-1]
    flat[m:] = -np.inf
    grid = flat.reshape(rows, w)
    forward = np.maximum.accumulate(grid, axis=1)
    backward = np.empty_like(grid)
    np.maximum.accumulate(grid[:, ::-1], axis=1, out=backward[:, ::-1])
    del grid, flat
    out = backward.reshape(-1)[:n]
    np.maximum(out, forward.reshape(-1)[w - 1 : w - 1 + n], out=out)
    return out


def running_mean(x: Signal, before: int, after: int = 0) -> Signal:
    """``out[i] = mean(x[i - before .. i + after])``, edges extended."""
    n = len(x)
    w = before + after + 1
    if n == 0 or w == 1:
        return np.array(x, dtype=np.float64)
    sums = np.empty(1 + before + n + after)  # the padded signal, then its running sums
    sums[0] = 0.0
    sums[1 : 1 + before] = x[0]
    sums[1 + before : 1 + before + n] = x
    sums[1 + before + n :] = x[-1]
    np.cumsum(sums, out=sums)
    out = sums[w : w + n] - sums[:n]
    out /= w
    return out
