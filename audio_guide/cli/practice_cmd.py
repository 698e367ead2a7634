"""``practice``: write an example practice folder, or give a client a new private address."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``practice init`` and ``practice revoke``."""
    help_text = "Manage a practice folder: routines/, points/, clients/ (see batch)."
    p: argparse.ArgumentParser = sub.add_parser("practice", help=help_text, description=help_text)
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = acts.add_parser(
        "init",
        help="write a working example practice (three clients, two routines) into DIR",
        description="Write a working example practice into DIR; then: audio-guide batch DIR",
    )
    init.add_argument("folder", type=Path, metavar="DIR")
    revoke = acts.add_parser(
        "revoke",
        help="give CLIENT a new private address; the old one is gone after the next batch",
        description="Issue a new token for CLIENT (clients/CLIENT.yaml). The next batch moves "
        "the client's folder under site/ to it, so the old address stops working once the "
        "site is uploaded again.",
    )
    revoke.add_argument("client", metavar="CLIENT")
    revoke.add_argument(
        "--dir", type=Path, default=Path("."), metavar="DIR", help="the practice (default: .)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``practice init`` or ``practice revoke``."""
    from audio_guide.errors import UsageError
    from audio_guide.safename import NAME_MAX_BYTES, inside

    if args.action == "init":
        from audio_guide.practice.example import init

        too_long = [p for p in args.folder.parts if len(p.encode("utf-8")) > NAME_MAX_BYTES]
        if too_long:
            raise UsageError(
                f"practice init: a folder name of {len(too_long[0].encode('utf-8'))} bytes is "
                f"too long; the limit is {NAME_MAX_BYTES}"
            )

        written = init(args.folder)
        out.write(
            f"wrote {len(written)} files into {args.folder}; build it with: "
            f"audio-guide batch {args.folder}\n"
        )
        return 0
    from audio_guide.practice.folder import Tokens, open_practice

    practice = open_practice(args.dir)
    if not inside(practice.clients, args.client, "client", ".yaml").is_file():
        names = ", ".join(p.stem for p in practice.client_files()) or "none"
        raise UsageError(f"no client '{args.client}' in {practice.clients} (clients: {names})")
    tokens = Tokens(practice)
    token = tokens.revoke(args.client)
    tokens.save()
    out.write(
        f"{args.client}: new address site/{token}/ (feed.xml, index.html); the old folder is "
        "moved there by the next batch, so the old address stops working once you upload\n"
    )
    return 0
