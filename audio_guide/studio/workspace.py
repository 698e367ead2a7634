"""The folders the studio may touch, and safe names inside them.

The page never sends a path: it names a shipped routine (``shipped:NAME``), a file of the
routines folder (``folder:FILE.yaml``) or a file of the output folder (a bare name). Every name
is checked to stay inside its folder after resolving links; anything else is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audio_guide.authoring.validate import data_dir, shipped_routines
from audio_guide.errors import UsageError
from audio_guide.runtime import config_dir

MAX_UPLOAD = 1 << 20
"""Largest request body the studio accepts (1 MB)."""
ROUTINE_SUFFIXES = (".yaml", ".yml")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
"""Cover images the page can pick from the routines folder."""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.+-]{0,99}")
PASTED = "pasted"
"""The name a routine typed or pasted into the editor gets (its file would be pasted.yaml)."""


class Refused(UsageError):
    """A request the studio will not serve; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def safe_name(name: object, what: str = "file name") -> str:
    """A plain file name (no folders, no ``..``), or ``Refused``."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise Refused(
            f"{what} {name!r} is not allowed: use letters, digits, spaces, '.', '_', '+' or '-', "
            "with no folders"
        )
    return name


def inside(folder: Path, name: str, what: str = "file name") -> Path:
    """``folder / name`` if it stays inside ``folder`` once links are resolved."""
    path = folder / safe_name(name, what)
    if not path.resolve().is_relative_to(folder.resolve()):
        raise Refused(f"{what} {name!r} points outside its folder")
    return path


@dataclass(frozen=True)
class Workspace:
    """The routines folder (read, and written by Save) and the output folder of one studio."""

    routines: Path
    output: Path

    def routine_refs(self) -> list[dict[str, str]]:
        """Shipped routines, then the routines folder's YAML files."""
        refs = [{"ref": f"shipped:{n}", "name": n, "where": "shipped"} for n in shipped_routines()]
        if self.routines.is_dir():
            for path in sorted(self.routines.iterdir()):
                name = path.name
                if path.suffix in ROUTINE_SUFFIXES and path.is_file() and _NAME.fullmatch(name):
                    refs.append({"ref": f"folder:{name}", "name": path.stem, "where": "folder"})
        return refs

    def files(self, suffixes: tuple[str, ...]) -> list[str]:
        """Names of the routines folder's files ending in one of ``suffixes``."""
        if not self.routines.is_dir():
            return []
        return [
            p.name
            for p in sorted(self.routines.iterdir())
            if p.suffix.lower() in suffixes and p.is_file() and _NAME.fullmatch(p.name)
        ]

    def cover_file(self, name: object) -> Path | None:
        """A cover image of the routines folder, by name (``None`` or ``""``: no cover)."""
        if name is None or name == "":
            return None
        path = inside(self.routines, name if isinstance(name, str) else "", "cover image")
        if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
            raise Refused(f"cover image {name!r}: give a PNG or JPEG file of the routines folder")
        return path

    def routine_path(self, ref: object) -> Path:
        """The file a routine reference stands for (it need not exist for the editor's copy)."""
        if ref is None or ref == "":
            return self.routines / f"{PASTED}.yaml"
        if not isinstance(ref, str) or ":" not in ref:
            raise Refused(f"routine {ref!r} should be 'shipped:NAME' or 'folder:FILE.yaml'")
        where, _, name = ref.partition(":")
        if where == "shipped":
            if name not in shipped_routines():
                raise Refused(f"no shipped routine {name!r}", 404)
            return data_dir() / f"{name}.yaml"
        if where == "folder":
            return self.routine_file(name)
        raise Refused(f"routine {ref!r} should be 'shipped:NAME' or 'folder:FILE.yaml'")

    def routine_file(self, name: str) -> Path:
        """A routine file of the routines folder, by name."""
        path = inside(self.routines, name, "routine file")
        if path.suffix not in ROUTINE_SUFFIXES:
            raise Refused(f"routine file {name!r} must end in .yaml or .yml")
        return path

    def read_routine(self, ref: object) -> str:
        """The text of an existing routine."""
        path = self.routine_path(ref)
        try:
            if path.stat().st_size > MAX_UPLOAD:
                raise Refused(f"routine {ref!r} is larger than 1 MB", 413)
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise Refused(f"no routine {ref!r}", 404) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise Refused(f"cannot read routine {ref!r}: {exc}") from None

    def output_file(self, name: str) -> Path:
        """A file of the output folder, by name."""
        return inside(self.output, name, "output file")

    def bed_allowed(self, bed: str | None) -> bool:
        """A bed is ``noise``, none, or a file inside the routines folder or the shipped data."""
        if bed is None or bed == "noise":
            return True
        path = Path(bed).expanduser().resolve()
        return any(path.is_relative_to(f.resolve()) for f in (self.routines, data_dir()))

    @staticmethod
    def profile_path(name: str) -> Path:
        """``NAME.yaml`` in the user's config folder (``profile`` is the default profile)."""
        folder = config_dir()
        return inside(folder, safe_name(name, "profile name") + ".yaml", "profile name")
