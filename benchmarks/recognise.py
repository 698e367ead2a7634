"""Shared by the intelligibility benchmarks: English number words as pocketsphinx's dictionary
writes them, and a pocketsphinx decoder that may only choose among some numbers (a grammar, so
what is measured is whether the words stay distinct, not a language model).

Needs the ``bench`` extra (pocketsphinx), imported only when a decoder is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"]  # fmt: skip
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spelled(n: int) -> list[str]:
    """English words for 0..99 ("twenty one" for 21)."""
    if n < 20:
        return [ONES[n]]
    return [TENS[n // 10]] + ([ONES[n % 10]] if n % 10 else [])


def number_decoder(numbers: Iterable[int]) -> Any:
    """A pocketsphinx Decoder (US English model, 16 kHz) whose only words are ``numbers``."""
    from pocketsphinx import Decoder

    decoder = Decoder(samprate=16000, loglevel="FATAL")
    alternatives = " | ".join(" ".join(spelled(n)) for n in numbers)
    decoder.add_jsgf_string(
        "numbers", f"#JSGF V1.0;\ngrammar numbers;\npublic <n> = {alternatives};\n"
    )
    decoder.activate_search("numbers")
    return decoder


def hypothesis(decoder: Any, pcm16k: bytes) -> str:
    """What ``decoder`` hears in one utterance of 16-bit mono PCM at 16 kHz ("" for nothing)."""
    decoder.start_utt()
    decoder.process_raw(pcm16k, full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp else ""
