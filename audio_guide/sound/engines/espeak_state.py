"""Put espeak-ng's wave generator back in one known state before every utterance.

espeak-ng 1.52 keeps its wave generator's running state in C statics that no API resets: the
pitch flutter's phase (``Flutter_ix``, a function-local static), its random generator, the
glottal phase, the harmonic-spectrum switch, the AGC and the cycle counter. Each carries from one
utterance to the next, so the same sentence came out up to ~13 ms longer or shorter (and with
other samples) depending on what the process had spoken before: a track depended on the tracks,
voices and rates built before it in the same process. Measured (``tests/test_repeatable.py``):
with these values saved after the first utterance and written back before each one, a clip's
samples depend only on its text and voice settings.

The values are found by name in the library's ELF symbol table (``.symtab``). The library
``espeakng-loader`` ships keeps it; a stripped system library (Debian's) does not, and then
``Pristine.available`` is False: synthesis still works, but clips may differ by a few
milliseconds with what the process spoke before (the documented limit).
"""

from __future__ import annotations

import ctypes
import logging
import re
import struct
from pathlib import Path

STATE = (
    "Flutter_ix",
    "espeak_rand_state",
    "wavephase",
    "hswitch",
    "harmspect",
    "h_switch_sign",
    "agc",
    "cycle_count",
)
"""The wave generator's running values (plain numbers, and ``harmspect``, a pointer to one of
the library's own two static spectra, which ``hswitch`` chooses)."""

_ANCHOR = "espeak_Synchronize"
"""An exported function: its address in memory minus its symbol value is the load base."""


def symbols(path: str | Path) -> dict[str, tuple[int, int]]:
    """Name -> (value, size) of the objects and functions in an ELF64 little-endian file's
    ``.symtab`` (local statics as ``name.NNNN`` are listed under ``name``); {} without one."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return {}
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    out: dict[str, tuple[int, int]] = {}
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 2 or not entsize:  # SHT_SYMTAB
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, entsize):
            name_at, info, _other, _shndx, value, sym_size = struct.unpack_from("<IBBHQQ", data, at)
            if info & 0xF not in (1, 2):  # STT_OBJECT, STT_FUNC
                continue
            end = data.index(b"\0", strings + name_at)
            name = data[strings + name_at : end].decode("ascii", "replace")
            out[re.sub(r"\.\d+$", "", name)] = (value, sym_size)
    return out


class Pristine:
    """The wave generator's running state, saved once and written back before each utterance."""

    def __init__(self, library: str) -> None:
        table = symbols(library)
        self._regions: list[tuple[int, int]] = []
        self._saved: list[bytes] = []
        if _ANCHOR not in table or not all(name in table for name in STATE):
            logging.getLogger(__name__).info(
                "%s has no symbol table: espeak-ng clips may vary by a few ms with what the "
                "process spoke before",
                library,
            )
            return
        lib = ctypes.CDLL(library)  # the already loaded library: same handle, same statics
        anchor = ctypes.cast(getattr(lib, _ANCHOR), ctypes.c_void_p).value or 0
        base = anchor - table[_ANCHOR][0]
        self._regions = [(base + table[name][0], table[name][1]) for name in STATE]

    @property
    def available(self) -> bool:
        """Whether the library's state can be saved and restored."""
        return bool(self._regions)

    def save(self) -> None:
        """Remember the current values (after the first utterance of the process)."""
        self._saved = [ctypes.string_at(address, size) for address, size in self._regions]

    def restore(self) -> None:
        """Write the saved values back (espeak-ng idle: after ``espeak_Synchronize``)."""
        for (address, _size), value in zip(self._regions, self._saved, strict=True):
            ctypes.memmove(address, value, len(value))
