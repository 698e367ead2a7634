"""The point library, assembled from layers and merged point by point.

Layers, lowest first: the shipped ``scripts_data/points.yaml``; the user folder
(``CONFIG/points/*.yaml``, in name order); the point files a profile names and ``--points FILE``
(in that order); last, a routine's own ``points:`` section. A higher layer replaces a whole point
of the same id and lexicon entries of the same written form. Every point remembers the layer and
file position it came from. A step names a point by its id, WHO code or written name, with case
and spaces ignored (``bl40``, ``BL 40`` and ``B54`` all find the article's B 54).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from audio_guide.authoring.config import ProfileLibrary
from audio_guide.authoring.figureread import read_figure
from audio_guide.authoring.lexicon import Lexicon, read_lexicon
from audio_guide.authoring.phrases import DEFAULT_LANGUAGE
from audio_guide.authoring.pointnames import describe
from audio_guide.authoring.pointtexts import (
    Translations,
    attach,
    read_cautions,
    read_language,
    read_source,
    read_translations,
)
from audio_guide.authoring.yamlread import Reader, compose_file
from audio_guide.errors import RoutineError
from audio_guide.model import Origin, Point, Sides
from audio_guide.runtime import config_dir

POINT_KEYS = (
    "name",
    "location",
    "who",
    "title",
    "region",
    "method",
    "purpose",
    "alternative",
    "cautions",
    "bilateral",
    "sides",
    "source",
    "notes",
    "figure",
)
POINT_REQUIRED = ("name", "location")
_TEXT_KEYS = (
    *("name", "location", "who", "title", "region", "method", "purpose", "alternative", "notes"),
)
FILE_KEYS = ("language", "lexicon", "lexicons", "points", "translations")


def shipped_points_path() -> Path:
    """The point library shipped with the package (English)."""
    return Path(str(resources.files("audio_guide.scripts_data"))) / "points.yaml"


def shipped_translation_paths() -> list[Path]:
    """The shipped point texts in other languages (``scripts_data/points/LANG.yaml``)."""
    return sorted((shipped_points_path().parent / "points").glob("*.yaml"))


def user_point_files() -> list[Path]:
    """Point files in the user folder (``CONFIG/points/*.yaml``), in name order."""
    folder = config_dir() / "points"
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []


@dataclass(frozen=True, slots=True)
class LibraryLayer:
    """Points and lexicon entries read from one place."""

    label: str
    """``shipped``, ``user folder``, ``--points``, ``profile FILE`` or ``routine``."""
    points: Mapping[str, Point] = field(default_factory=dict)
    lexicon: Mapping[str, tuple[str, Origin]] = field(default_factory=dict)
    translations: Translations = field(default_factory=dict)
    """Language -> point id -> texts, for points of this layer or lower ones."""
    lexicons: Mapping[str, Mapping[str, tuple[str, Origin]]] = field(default_factory=dict)
    """Language -> lexicon entries for routines in that language (``lexicons:``)."""


@dataclass(frozen=True, slots=True)
class Library:
    """The effective point library and lexicon, with where each entry came from."""

    points: Mapping[str, Point] = field(default_factory=dict)
    layer_of: Mapping[str, str] = field(default_factory=dict)
    """Point id -> the label of the layer that defined it last."""
    replaced: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Point id -> where the entries it replaced came from (lowest first)."""
    lexicon: Mapping[str, str] = field(default_factory=dict)
    lexicon_from: Mapping[str, str] = field(default_factory=dict)
    """Written form -> ``LABEL FILE:LINE:COL`` of the entry in effect."""
    lexicons: Mapping[str, Mapping[str, tuple[str, int]]] = field(default_factory=dict)
    """Language -> written form -> (spoken form, layer number) of the language's own entries."""
    lexicon_layer: Mapping[str, int] = field(default_factory=dict)
    """Written form -> the layer number of the ``lexicon`` entry in effect."""
    layers: int = 0
    """How many layers were laid on (a later layer has a higher number)."""

    def overlay(self, layer: LibraryLayer) -> Library:
        """This library with ``layer`` on top, merged point by point and entry by entry.

        A point the layer replaces loses the translations it had; the layer's translations are
        then given to their points. A translation of no point raises ``RoutineError``.
        """
        points, layer_of = dict(self.points), dict(self.layer_of)
        replaced = dict(self.replaced)
        for pid, point in layer.points.items():
            if pid in points:
                replaced[pid] = (*replaced.get(pid, ()), describe(points[pid], layer_of[pid]))
            points[pid], layer_of[pid] = point, layer.label
        problems = attach(points, layer.translations)
        if problems:
            raise RoutineError(problems)
        lexicon, lexicon_from = dict(self.lexicon), dict(self.lexicon_from)
        number = self.layers + 1
        lexicon_layer = dict(self.lexicon_layer)
        for written, (spoken, where) in layer.lexicon.items():
            lexicon[written], lexicon_from[written] = spoken, f"{layer.label} {where}"
            lexicon_layer[written] = number
        lexicons = {lang: dict(entries) for lang, entries in self.lexicons.items()}
        for lang, entries in layer.lexicons.items():
            own = lexicons.setdefault(lang, {})
            for written, (spoken, _) in entries.items():
                own[written] = (spoken, number)
        return Library(
            points, layer_of, replaced, lexicon, lexicon_from, lexicons, lexicon_layer, number
        )

    def lexicon_for(self, language: str) -> dict[str, str]:
        """The lexicon a routine in ``language`` is spoken with: the ``lexicon:`` entries, and
        the language's own ``lexicons:`` entries over those of the same or a lower layer (a
        routine's or profile's plain ``lexicon:`` entry still wins over a shipped language
        entry)."""
        out = dict(self.lexicon)
        for written, (spoken, number) in self.lexicons.get(language, {}).items():
            if number >= self.lexicon_layer.get(written, 0):
                out[written] = spoken
        return out

    def voice(self, language: str = DEFAULT_LANGUAGE) -> Lexicon:
        """The lexicon for ``language``, ready to apply."""
        return Lexicon(self.lexicon_for(language))


def read_point_table(
    reader: Reader, node: yaml.Node, what: str = "points", language: str = DEFAULT_LANGUAGE
) -> dict[str, Point]:
    """Read a ``points:`` mapping of id -> fields, written in ``language``; problems are
    collected on ``reader``."""
    keys = {k.value: k for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    ids = list(keys)
    points: dict[str, Point] = {}
    for pid, entry in (reader.mapping(node, what, ids) or {}).items():
        where = f"point {pid}"
        if not pid.strip() or any(c.isspace() for c in pid):
            reader.error(keys[pid], f"{where}: a point id is one word without spaces (like GB20)")
            continue
        fields = reader.mapping(entry, where, POINT_KEYS, POINT_REQUIRED)
        if fields is None:
            continue
        text = {k: reader.text(fields[k], f"{pid}.{k}") for k in _TEXT_KEYS if k in fields}
        source, sources = (
            read_source(reader, fields["source"], pid) if "source" in fields else (None, ())
        )
        cautions, caution_sources, editorial = read_cautions(reader, fields.get("cautions"), pid)
        sides = Sides.TOGETHER
        if "sides" in fields:
            chosen = reader.choice(fields["sides"], f"{pid}.sides", ("together", "each"))
            sides = Sides(chosen or "together")
        bilateral = (
            reader.flag(fields["bilateral"], f"{pid}.bilateral") if "bilateral" in fields else True
        )
        figure = read_figure(reader, fields["figure"], pid) if "figure" in fields else None
        if any(text.get(k) is None for k in POINT_REQUIRED):
            continue
        points[pid] = Point(
            figure=figure,
            id=pid,
            cautions=cautions,
            bilateral=bilateral is not False,
            sides=sides,
            source=source or None,
            sources=sources,
            caution_sources=caution_sources,
            caution_editorial=editorial,
            language=language,
            origin=reader.origin(keys[pid]),
            **text,  # type: ignore[arg-type]
        )
    return points


def read_library_sections(
    reader: Reader, top: Mapping[str, yaml.Node], label: str, language: str | None = None
) -> LibraryLayer:
    """The ``points:``, ``lexicon:`` and ``translations:`` sections of a point file or routine,
    as a layer. Its points are written in ``language``, else in the file's ``language:``."""
    if language is None and "language" in top:
        language = read_language(reader, top["language"])
    language = language or DEFAULT_LANGUAGE
    points = read_point_table(reader, top["points"], language=language) if "points" in top else {}
    lexicon = read_lexicon(reader, top["lexicon"]) if "lexicon" in top else {}
    translations = read_translations(reader, top["translations"]) if "translations" in top else {}
    lexicons = read_lexicons(reader, top["lexicons"]) if "lexicons" in top else {}
    return LibraryLayer(label, points, lexicon, translations, lexicons)


def read_lexicons(reader: Reader, node: yaml.Node) -> dict[str, dict[str, tuple[str, Origin]]]:
    """A ``lexicons:`` section: language -> lexicon entries (the spoken forms of point codes a
    language's listeners know, for example German ``LI: "D I"``)."""
    codes = {k.value: k for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    out: dict[str, dict[str, tuple[str, Origin]]] = {}
    for code, table in (reader.mapping(node, "lexicons", list(codes)) or {}).items():
        language = read_language(reader, codes[code], "lexicons")
        if language is not None:
            out[language] = read_lexicon(reader, table, f"lexicons.{language}")
    return out


def load_point_file(path: Path, label: str) -> LibraryLayer:
    """Validate a point file (``lexicon:`` and/or ``points:``); every problem at once."""
    reader = Reader(str(path))
    root = compose_file(path)
    if root is None:
        reader.error(None, "the point file is empty; give a 'points:' section")
        reader.raise_if_any()
    top = reader.mapping(root, "point file", FILE_KEYS) or {}
    if root is not None and not set(top) - {"language"} and not reader.problems:
        reader.error(root, "the point file has no 'points:', 'translations:' or 'lexicon:'")
    layer = read_library_sections(reader, top, label)
    reader.raise_if_any()
    return layer


def shipped_layer(path: Path) -> LibraryLayer:
    """A shipped point file's layer, validated once per process for the same bytes: every plan
    assembles the library and the studio plans on each edit (20 -> 1 ms an ``assemble()``).
    A user's file is read afresh: its image files can change apart from it."""
    try:
        raw = path.read_bytes()
    except OSError:
        return load_point_file(path, "shipped")  # its own error, as ever
    return _shipped_once(path, raw)


@lru_cache(maxsize=16)
def _shipped_once(path: Path, raw: bytes) -> LibraryLayer:
    return load_point_file(path, "shipped")


def assemble(
    profiles: Sequence[ProfileLibrary] = (),
    files: Iterable[Path] = (),
    user_folder: bool = True,
    label: str = "--points",
) -> Library:
    """Shipped < user folder (unless not ``user_folder``) < each profile's files and lexicon <
    ``files`` (``--points``, or as ``label`` says)."""
    library = Library().overlay(shipped_layer(shipped_points_path()))
    for path in shipped_translation_paths():
        library = library.overlay(shipped_layer(path))
    for path in user_point_files() if user_folder else []:
        library = library.overlay(load_point_file(path, "user folder"))
    for profile in profiles:
        for path in profile.files:
            library = library.overlay(load_point_file(path, profile.source))
        library = library.overlay(LibraryLayer(profile.source, {}, profile.lexicon))
    for path in files:
        library = library.overlay(load_point_file(Path(path), label))
    return library
