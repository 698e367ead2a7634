"""``practice init DIR``: a working example practice, copied from ``scripts_data/practice``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from audio_guide.authoring.schema import KINDS, shipped
from audio_guide.errors import UsageError
from audio_guide.outputs.files import write_text_atomic


def example_files() -> dict[str, str]:
    """Relative path -> text of the example practice, with the JSON Schemas its files name."""
    root = Path(str(resources.files("audio_guide.scripts_data"))) / "practice"
    files = {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.yaml"))
    }
    files.update({f"schemas/{kind}.schema.json": shipped(kind) for kind in KINDS})
    return files


def init(folder: Path) -> list[Path]:
    """Write the example into ``folder``; refuses to overwrite anything."""
    files = example_files()
    clash = [name for name in files if (folder / name).exists()]
    for name in ("clients", "routines"):
        if (folder / name).is_dir() and any((folder / name).iterdir()):
            clash.append(name + "/")
    if clash:
        raise UsageError(
            f"{folder} already holds {', '.join(sorted(set(clash))[:3])}; "
            "give an empty or new folder"
        )
    written = []
    for name, text in files.items():
        write_text_atomic(folder / name, text)
        written.append(folder / name)
    return written
