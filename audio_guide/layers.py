"""Settings layers: how they combine, and how an origin says where a setting came from.

Each setting's origin is a short text: ``built-in default``, ``command line``, ``profile FILE``,
``routine FILE:LINE:COL`` ... ``located`` leads a message with the file position an origin names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace

from audio_guide.errors import UsageError
from audio_guide.model import Origin
from audio_guide.settings import DEFAULTS, PER_POINT_FLAGS, Settings

DEFAULT_ORIGIN = "built-in default"
"""The origin of a setting no layer sets."""
LANGUAGE_ORIGIN = "the routine's language"
"""How a voice taken from the routine's language is named in origins."""
ROUTINE_SOURCE = "routine "
"""How the routine file's own settings layer is named in origins (``routine FILE:L:C``)."""


@dataclass(frozen=True, slots=True)
class Layer:
    """One source of settings: its name, its values, and where in a file each came from."""

    source: str
    """``command line``, ``profile FILE``, ``routine FILE`` ..."""
    values: Mapping[str, object]
    """Setting name -> value; ``holds``/``cycles``/``phrases`` map point id or key -> override."""
    where: Mapping[str, Origin] = field(default_factory=dict)
    """Setting name (or ``holds.B54``) -> file position, when read from a file."""


def combine(layers: list[Layer]) -> tuple[Settings, dict[str, str]]:
    """Apply layers from lowest to highest precedence; return settings and each one's source.

    ``holds`` and ``cycles`` merge point by point, ``phrases`` key by key: a higher layer replaces
    only the points (or phrase keys) it names; a phrase key given as one text replaces every
    plural form of it below (``hold_plan`` over ``hold_plan.one``).
    """
    settings = DEFAULTS
    origins = {f.name: DEFAULT_ORIGIN for f in fields(Settings) if f.name not in _PER_POINT}
    for layer in layers:
        plain = {k: v for k, v in layer.values.items() if k not in _PER_POINT}
        settings = replace(settings, **plain)  # type: ignore[arg-type]
        keys: list[str] = list(plain)
        for name in _PER_POINT:
            overrides = dict(layer.values.get(name) or {})  # type: ignore[call-overload]
            if overrides:
                merged = (
                    merge_keyed(dict(settings.phrases), overrides.items())
                    if name == "phrases"
                    else {**dict(getattr(settings, name)), **overrides}
                )
                settings = replace(settings, **{name: tuple(sorted(merged.items()))})  # type: ignore[arg-type]
                keys += [f"{name}.{pid}" for pid in overrides]
        for key in keys:
            where = layer.where.get(key)
            origins[key] = f"{layer.source}:{where.line}:{where.col}" if where else layer.source
    return settings, origins


_PER_POINT = tuple(PER_POINT_FLAGS)


def merge_keyed(base: Mapping[str, str], overrides: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``base`` with ``overrides`` applied, for dotted keys (a phrase's plural forms,
    ``hold_plan.one``): each override replaces every key under it (``hold_plan`` given as one
    text replaces ``hold_plan.one``), so a layer's whole text is never mixed with forms below."""
    out = dict(base)
    for key, text in overrides:
        for old in [k for k in out if k.startswith(key + ".")]:
            del out[old]
        out[key] = text
    return out


def located(exc: UsageError, origin: str | None) -> UsageError:
    """``exc`` led by ``FILE:LINE:COL`` when ``origin`` ("profile FILE:L:C") names a file."""
    where = position(origin)
    return UsageError(f"{where}: {exc}") if where else exc


def position(origin: str | None) -> str | None:
    """``FILE:LINE:COL`` of an origin such as "profile FILE:L:C", if it names one."""
    where = re.fullmatch(r"[a-z ]+? (.+:[0-9]+:[0-9]+)", origin or "")
    return where.group(1) if where else None
