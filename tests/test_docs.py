"""The documentation: a short README, a site that builds with every link and anchor checked, a
generated reference that lists every command, flag and setting, and pictures that exist."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from audio_guide.authoring.phrasekeys import key_specs
from audio_guide.authoring.schema import KINDS, shipped
from audio_guide.cli import main
from audio_guide.cli.reference import PAGES, pages
from audio_guide.settings import DEFAULTS, RANGES, Settings
from audio_guide.studio.controls import value_text
from audio_guide.words import fmt

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img [^>]*src=\"([^\"]+)\"")


@pytest.fixture(scope="module")
def reference() -> dict[str, str]:
    return pages()


def test_readme_is_short_and_keeps_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    assert "make demo" in text and "make test" in text


def test_mkdocs_config_checks_every_link_and_anchor() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["strict"] is True
    assert config["theme"]["name"] == "material"
    for check in ("anchors", "unrecognized_links", "omitted_files", "absolute_links"):
        assert config["validation"][check] == "warn", check
    nav = yaml.safe_dump(config["nav"])
    for path, _ in PAGES:
        assert path in nav, f"{path} is generated but not in mkdocs.yml's nav"


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    """The site builds with --strict (a broken link or anchor, a page missing from the nav or a
    warning fails it), with the generated reference pages in it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for path, _ in PAGES:
        built = site / path.removesuffix(".md") / "index.html"
        assert built.is_file(), path
    assert "pack-status" in (site / "reference/commands/index.html").read_text(encoding="utf-8")


def _help(words: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*words, "--help"]) == 0
    return capsys.readouterr().out


def _subcommands(help_text: str) -> list[str]:
    """The sub-commands a help lists (argparse puts each 4 spaces in under COMMAND/ACTION)."""
    return re.findall(r"^    ([a-z][a-z0-9-]*)(?:\s\s|$)", help_text, flags=re.M)


def _flags(help_text: str) -> set[str]:
    """The option strings of a help's option lines (``  -o OUTPUT, --output OUTPUT  help``)."""
    found = set()
    for line in help_text.splitlines():
        if line.startswith("  -"):
            names = re.split(r"\s{2,}", line.strip())[0]
            found.update(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", names))
    return found - {"-h", "--help"}


def _section(page: str, words: str) -> str:
    start = page.index(f"## audio-guide {words} {{#" if words else "## audio-guide {#")
    end = page.find("\n## ", start + 1)
    return page[start : end if end > 0 else len(page)]


def test_reference_lists_every_command_and_flag(
    reference: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from what ``--help`` prints, not from the parsers the generator walks."""
    monkeypatch.setenv("COLUMNS", "200")
    page = reference["reference/commands.md"]
    todo: list[list[str]] = [[]]
    seen = []
    while todo:
        words = todo.pop(0)
        text = _help(words, capsys)
        section = _section(page, " ".join(words))
        for flag in _flags(text):
            assert f"`{flag}`" in section, f"{flag} of 'audio-guide {' '.join(words)}' missing"
        for name in _subcommands(text):
            todo.append([*words, name])
            assert f"`audio-guide {' '.join([*words, name])}`" in page
        seen.append(" ".join(words))
    assert {"build", "plan", "pack status", "practice revoke", "batch"} <= set(seen)


def test_reference_lists_every_setting_with_range_and_default(reference: dict[str, str]) -> None:
    page = reference["reference/settings.md"]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", page, flags=re.M)}
    for f in fields(Settings):
        assert f.name in rows, f"setting {f.name} missing"
        default = value_text(f.name, getattr(DEFAULTS, f.name))
        if default not in ("", "()"):
            assert f"`{default}`" in rows[f.name], f.name
    for name, (low, high, *_rest) in RANGES.items():
        assert name in rows, f"range of {name} missing"
        assert f"{fmt(low)}" in rows[name] and f"{fmt(high)}" in rows[name], name


def test_reference_lists_every_file_key_phrase_key_and_timeline_key(
    reference: dict[str, str],
) -> None:
    files = reference["reference/files.md"]

    def keys(node: object) -> set[str]:
        if isinstance(node, dict):
            own = set(node.get("properties", {})) if "description" not in node else set()
            return own.union(*(keys(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(keys(v) for v in node))
        return set()

    for kind in KINDS:
        assert f"## {kind}" in files
        for key in keys(json.loads(shipped(kind))):
            assert re.search(rf"`[^`]*\b{re.escape(key)}`", files), f"{kind} key {key} missing"
    phrases = reference["reference/phrases.md"]
    for key in key_specs():
        assert f"| `{key}` |" in phrases
    golden = ROOT / "tests/fixtures/golden/phases.timeline.json"
    data = json.loads(golden.read_text(encoding="utf-8"))
    timeline = reference["reference/timeline.md"]
    contract = set(data) | set(data["events"][0]) | set(data["holds"][0]) | set(data["chapters"][0])
    for key in contract:
        assert f"| `{key}` |" in timeline, f"timeline key {key} missing"


def _image_links() -> list[tuple[Path, str]]:
    found = []
    for page in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        for m in IMAGE.finditer(page.read_text(encoding="utf-8")):
            link = m.group(1) or m.group(2)
            if not re.match(r"[a-z]+:", link):
                found.append((page, link))
    return found


def test_every_picture_the_docs_name_exists() -> None:
    links = _image_links()
    assert len(links) >= 3
    for page, link in links:
        assert (page.parent / link).is_file(), f"{page.relative_to(ROOT)} shows missing {link}"


def _screenshots_module() -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_screenshots", DOCS / "screenshots.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_picture_in_docs_img_is_made_by_the_script() -> None:
    """The docs show only pictures the screenshot script makes (so none goes stale)."""
    made = set(_screenshots_module().FILES.values())  # type: ignore[attr-defined]
    for page, link in _image_links():
        path = (page.parent / link).resolve()
        if path.parent == (DOCS / "img").resolve():
            assert path.name in made, f"{link} in {page.name} is not made by docs/screenshots.py"


@pytest.mark.browser
def test_screenshot_script_takes_the_pictures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``make docs``'s script, in the browser tests' environment (fake engine, quick): the plan
    picture, the studio after a build, and the recording panel with a pack that exists when
    the page opens (no stale "the routine has problems" from the list asked while it loaded:
    the script waits for the error line to be empty).

    Its ``main`` runs in this process, and the script is started once more for its usage line:
    in a process of its own it imported the program again, made the fake engine's clips anew
    and built with the lean heap's page faults (11.4 s of CPU, 8.2 s here). The setting it
    changes (``AUDIO_GUIDE_CONFIG_DIR``) is given back after."""
    from browser_session import chromium_path, release

    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    release()  # the script starts a Playwright driver of its own: one per thread
    monkeypatch.setenv("AUDIO_GUIDE_CHROMIUM", chromium_path())
    monkeypatch.setenv("AUDIO_GUIDE_CONFIG_DIR", os.environ["AUDIO_GUIDE_CONFIG_DIR"])
    script = _screenshots_module()
    args = ["--out", str(tmp_path), "--only", "plan,studio,record", "--engine", "fake"]
    assert script.main(args) == 0  # type: ignore[attr-defined]
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == ["back_pain.svg", "record.png", "studio.png"]
    assert (tmp_path / "studio.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "studio.png").stat().st_size > 20_000
    assert b"<svg" in (tmp_path / "back_pain.svg").read_bytes()[:2000]
    usage = subprocess.run(
        [sys.executable, str(DOCS / "screenshots.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert usage.returncode == 0 and "--only" in usage.stdout, usage.stderr


def test_every_timeline_key_and_value_is_described(reference: dict[str, str]) -> None:
    """A key added to the contract without its docstring shows up here, not as a blank."""
    for line in reference["reference/timeline.md"].splitlines():
        if line.startswith("| `"):
            assert line.rstrip().rsplit("|", 2)[1].strip(), f"no description: {line}"


def test_nested_blocks_are_indented_four_spaces() -> None:
    """Python-Markdown (MkDocs) needs 4 spaces to nest a list or a table in a list item; with
    2 (as GitHub allows) the page shows them flat, and no build warns."""
    for page in sorted(DOCS.rglob("*.md")):
        fenced = False
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
            elif not fenced and re.match(r"^ {2}(?:[-*+] |\d+\. |\|)", line):
                raise AssertionError(f"{page.relative_to(ROOT)}:{n}: indent nested blocks by 4")


PROFILE_KEYS = {"notes", "voice", "pacing", "sound", "phrases", "lexicon"}


def _yaml_examples() -> list[tuple[str, str, str]]:
    """``(where, kind, text)`` of each YAML example in the docs that stands on its own: routines
    (a ``steps:`` fragment gets a title), profiles and point files that name no other file."""
    found = []
    for page in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"```yaml\n(.*?)```", text, flags=re.S):
            block = m.group(1)
            keys = set(re.findall(r"^([a-z_]+):", block, flags=re.M))
            where = f"{page.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 2}"
            if "steps" in keys:
                kind = "routine"
                block = block if "title" in keys else "title: Example\n" + block
            elif keys <= PROFILE_KEYS and "points" not in keys:
                kind = "profile"
            elif keys == {"points"}:
                kind = "points"
            else:
                continue
            found.append((where, kind, block))
    return found


@pytest.mark.parametrize(
    "where,kind,text", [pytest.param(*example, id=example[0]) for example in _yaml_examples()]
)
def test_yaml_examples_in_the_docs_are_valid(
    where: str, kind: str, text: str, tmp_path: Path
) -> None:
    import io

    path = tmp_path / f"example.{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "--kind", kind, str(path)], out, err)
    assert code == 0, f"{where}: {err.getvalue()}"
