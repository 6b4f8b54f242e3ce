"""Detect the text encoding of a CSV/TSV/JSONL file.

Chinese spreadsheets are exported as UTF-8, UTF-8 with a BOM (Excel "CSV UTF-8") or GBK/GB18030 (Excel
"CSV" on a Chinese Windows). Strict decoding tells these apart reliably; charset-normalizer is only a
fallback for anything else. Detection looks at a sample, so a row further down in another encoding is
still possible: readers decode every line strictly and report such a row as unreadable.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from addrcheck.audit._types import AuditError

SAMPLE_BYTES = 1 << 20
_BLOCK = 1 << 20


def _sample(path: Path) -> bytes:
    """The first MiB, or if that is pure ASCII, a MiB around the first non-ASCII byte."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        if head.isascii():
            position = len(head)
            while True:
                block = handle.read(_BLOCK)
                if not block:
                    return head
                if not block.isascii():
                    first = next(i for i, byte in enumerate(block) if byte >= 0x80)
                    start = max(0, position + first - 4096)
                    handle.seek(start)
                    window = handle.read(SAMPLE_BYTES)
                    # Start and end on line boundaries so no multibyte character is cut.
                    newline = window.find(b"\n")
                    return head + (window[newline + 1 :] if newline >= 0 and start > 0 else window)
                position += len(block)
        return head


def _trim(sample: bytes, complete: bool) -> bytes:
    if complete:
        return sample
    newline = sample.rfind(b"\n")
    return sample[: newline + 1] if newline >= 0 else sample


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        codecs.decode(sample, encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path) -> str:
    """Return a Python codec name for ``path``: "utf-8", "utf-8-sig", "gbk", "gb18030" or another.

    Errors: ``AuditError`` for binary files (NUL bytes) and UTF-16/32 text, which are not supported.
    """
    size = path.stat().st_size
    sample = _sample(path)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise AuditError(
            f"{path}: UTF-16 text is not supported; save it as CSV UTF-8 (or convert with iconv -f UTF-16)",
            code="UNSUPPORTED_ENCODING",
        )
    if b"\x00" in sample:
        raise AuditError(f"{path}: this is a binary file, not CSV/TSV/JSONL text", code="BINARY_INPUT")
    sample = _trim(sample, complete=len(sample) >= size)
    for encoding in ("utf-8", "gbk", "gb18030"):
        if _decodes(sample, encoding):
            return encoding
    # Not one encoding throughout: a file edited by two programs. Let the lines vote; the odd ones out
    # become unreadable rows. UTF-8 first: other bytes rarely decode as UTF-8 by chance.
    lines = [line for line in sample.split(b"\n") if not line.isascii()]
    votes = {encoding: sum(_decodes(line, encoding) for line in lines) for encoding in ("utf-8", "gb18030")}
    if votes["utf-8"] * 2 >= len(lines):
        return "utf-8"
    if votes["gb18030"] * 2 >= len(lines):
        return "gbk" if sum(_decodes(line, "gbk") for line in lines) == votes["gb18030"] else "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    guess: str | None = best.encoding if best is not None else None
    if guess is None or guess.startswith(("utf_16", "utf_32")):
        raise AuditError(
            f"{path}: cannot tell the text encoding (not UTF-8 or GBK); is this a CSV file?",
            code="UNKNOWN_ENCODING",
        )
    if not _ascii_compatible(guess):
        raise AuditError(f"{path}: encoding {guess} is not supported", code="UNSUPPORTED_ENCODING")
    return guess


def _ascii_compatible(encoding: str) -> bool:
    # Line splitting works on bytes, so "\n" and "," must be single ASCII bytes in the encoding.
    try:
        return "a,\n".encode(encoding) == b"a,\n" and codecs.decode(b"a,\n", encoding) == "a,\n"
    except (LookupError, UnicodeError):
        return False


def output_encoding(input_encoding: str) -> str:
    """The codec the output is written in: the input's, except GBK becomes its superset GB18030.

    Added columns (normalised names) may hold characters outside GBK; GB18030 encodes every GBK
    character to the same bytes, so Excel on Chinese Windows still opens the file. Encodings that
    cannot hold simplified Chinese (big5, latin-1, ...) fall back to UTF-8 with a BOM.
    """
    name = codecs.lookup(input_encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return name
    if name in ("gbk", "gb2312", "gb18030"):
        return "gb18030"
    return "utf-8-sig"
