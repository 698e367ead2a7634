"""Put an ID3v2.3 or 2.4 tag's chapter frames in time order, in place.

mutagen writes frames sorted by size and key, not in the order they were added (its issue #506),
so CHAP frames came out scrambled and players and ffmpeg that list chapters in file order showed
"Closing" first. This rewrites the frame area of the tag: the other frames keep their order, then
the CTOC, then each CHAP by start time. The tag keeps its size, so the audio is not moved.
"""

from __future__ import annotations

from pathlib import Path

_HEADER = 10


def _synchsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value


def _chap_start(frame: bytes) -> int:
    body = frame[_HEADER:]
    end = body.find(b"\0")
    return int.from_bytes(body[end + 1 : end + 5], "big")


def split_frames(tag: bytes, version: int = 4) -> list[bytes]:
    """The frames of an ID3v2.3 or 2.4 tag body (header excluded), each with its own header
    (2.4 frame sizes are synchsafe, 2.3 sizes plain integers)."""
    frames, pos = [], 0
    while pos + _HEADER <= len(tag) and tag[pos : pos + 4] != b"\0\0\0\0":
        raw = tag[pos + 4 : pos + 8]
        size = _synchsafe(raw) if version == 4 else int.from_bytes(raw, "big")
        end = pos + _HEADER + size
        if end > len(tag):
            break
        frames.append(tag[pos:end])
        pos = end
    return frames


def order_chapters(path: Path) -> bool:
    """Reorder the chapter frames of the tag at the start of ``path``; False if left alone.

    Only a plain ID3v2.3 or 2.4 tag (no unsynchronisation, no extended header) is touched,
    which is what mutagen writes.
    """
    with path.open("r+b") as fh:
        head = fh.read(_HEADER)
        if len(head) < _HEADER or head[:3] != b"ID3" or head[3] not in (3, 4) or head[5] & 0xC0:
            return False
        tag = fh.read(_synchsafe(head[6:10]))
        frames = split_frames(tag, head[3])
        chapters = sorted((f for f in frames if f[:4] == b"CHAP"), key=_chap_start)
        tocs = [f for f in frames if f[:4] == b"CTOC"]
        others = [f for f in frames if f[:4] not in (b"CHAP", b"CTOC")]
        ordered = b"".join([*others, *tocs, *chapters])
        if ordered == b"".join(frames):
            return True
        fh.seek(_HEADER)
        fh.write(ordered)
    return True
