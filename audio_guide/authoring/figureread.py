"""Read a point's ``figure:``: a place on a region figure, or an image file beside the point file.

```yaml
figure: {region: lower_back, level: L2_lower, lateral: 1.5}
figure: {region: lower_back, from: greater_trochanter, to: sacral_hiatus, fraction: 1/3}
figure: {region: forearm_front, at: between_tendons, toward: elbow_crease_mid, cun: 2}
figure: {image: my_point.png}
```
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from audio_guide.authoring.yamlread import Reader
from audio_guide.figures.regions import place_problems
from audio_guide.model import FigurePlace

FIGURE_KEYS = (
    "region",
    "at",
    "level",
    "from",
    "to",
    "fraction",
    "lateral",
    "toward",
    "cun",
    "dx",
    "dy",
    "image",
)
IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg")
_NAMES = ("region", "at", "level", "from", "to", "toward")
_RATIO = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def read_figure(reader: Reader, node: yaml.Node, pid: str) -> FigurePlace | None:
    """The ``figure:`` of point ``pid``; problems (unknown figure or landmark with a suggestion,
    an image file missing or outside the point file's folder) are collected on ``reader``."""
    what = f"{pid}.figure"
    fields = reader.mapping(node, what, FIGURE_KEYS)
    if fields is None:
        return None
    if "image" in fields:
        if set(fields) != {"image"}:
            reader.error(node, f"{what}: give either 'image' or a place on a region figure")
            return None
        return _image(reader, fields["image"], what)
    if "region" not in fields:
        reader.error(node, f"{what}: missing required key 'region' (or give 'image')")
        return None
    texts = {k: reader.text(fields[k], f"{what}.{k}") for k in _NAMES if k in fields}
    numbers: dict[str, float] = {}
    for name, low, high in (("lateral", 0, 20), ("cun", 0, 30), ("dx", -30, 30), ("dy", -30, 30)):
        if name in fields:
            value = reader.number(
                fields[name], f"{what}.{name}", low, high, low_inclusive=True, unit="B-cun"
            )
            if value is not None:
                numbers[name] = value
    fraction = _fraction(reader, fields["fraction"], what) if "fraction" in fields else 0.5
    if any(v is None for v in texts.values()) or fraction is None:
        return None
    place = FigurePlace(
        region=texts.get("region"),
        at=texts.get("at"),
        level=texts.get("level"),
        start=texts.get("from"),
        to=texts.get("to"),
        toward=texts.get("toward"),
        fraction=fraction,
        lateral=numbers.get("lateral", 0.0),
        cun=numbers.get("cun", 0.0),
        dx=numbers.get("dx", 0.0),
        dy=numbers.get("dy", 0.0),
        origin=reader.origin(node),
    )
    problems = place_problems(place)
    for key, message in problems:
        reader.error(fields.get(key, node), f"{what}: {message}")
    return None if problems else place


def _fraction(reader: Reader, node: yaml.Node, what: str) -> float | None:
    if isinstance(node, yaml.ScalarNode) and (m := _RATIO.match(str(node.value))):
        top, bottom = int(m.group(1)), int(m.group(2))
        if bottom and top <= bottom:
            return top / bottom
        reader.error(node, f"{what}.fraction must be between 0 and 1, got {node.value}")
        return None
    return reader.number(
        node,
        f"{what}.fraction",
        0,
        1,
        low_inclusive=True,
        unit="(a part of the way, like 0.5 or 1/3)",
    )


def _image(reader: Reader, node: yaml.Node, what: str) -> FigurePlace | None:
    name = reader.text(node, f"{what}.image")
    if name is None:
        return None
    folder = Path(reader.file).resolve().parent
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        reader.error(
            node,
            f"{what}.image: '{name}' is outside the point file's folder; "
            "put the image beside the point file",
        )
        return None
    if path.suffix.lower() not in IMAGE_TYPES:
        reader.error(
            node, f"{what}.image: '{name}' is not an image file ({', '.join(IMAGE_TYPES)})"
        )
        return None
    if not path.is_file():
        reader.error(node, f"{what}.image: no file '{name}' beside the point file")
        return None
    return FigurePlace(image=str(path), origin=reader.origin(node))
