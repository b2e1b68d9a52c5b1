"""Bounded input and safe output for the `isi` commands – one helper, used by every command.

Reading: ``read_bounded`` reads at most a stated number of bytes from a file or standard input
("-"). A regular file that is larger is refused before it is read; anything else (a device such
as /dev/zero, a pipe) is read until one byte past the limit and then refused. ``read_text``
decodes UTF-8 on top of that, ``read_json`` parses JSON with a bound on the nesting depth, so
that deeply nested input ends in a clear error instead of a ``RecursionError``.

Writing: ``write_atomic`` writes to a temporary file in the target's directory and renames it
over the target, so that a failed write (missing directory, a directory as target, a full disk)
leaves nothing behind and the old file as it was. Devices and pipes (``/dev/stdout``,
``/dev/full``) are written directly, since they cannot be replaced.

Every problem raises ``Fehler`` – a ``CommandError`` that Django prints as one line
"Fehler: <German> / <English>" with exit status 2 (unusable input or output).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.core.management.base import CommandError

from isi.core.parsing import DEFAULT_MAX_JSON_DEPTH, JsonTooDeep, loads_json

EXIT_UNUSABLE = 2
KIB = 1024
MIB = 1024 * KIB
# Deep enough for every JSON document the commands read (the facts file nests 6 levels).
DEFAULT_MAX_DEPTH = DEFAULT_MAX_JSON_DEPTH
STDIN = "-"
_WHOLE = re.compile(r"(-?)([0-9]+)", re.ASCII)


class Fehler(CommandError):
    """A problem with a command's input or output; Django prints it as "Fehler: …".

    `de` and `en` keep the two languages apart for commands that print only one of them.
    """

    def __init__(self, de: str, en: str = "", *, returncode: int = EXIT_UNUSABLE) -> None:
        self.de = de
        self.en = en or de
        super().__init__(f"{de} / {en}" if en else de, returncode=returncode)


def size_text(size: int) -> str:
    """1048576 → "1 MiB", 65536 → "64 KiB", 1000 → "1000 Bytes" (the limit as the message states it)."""
    if size >= MIB and size % MIB == 0:
        return f"{size // MIB} MiB"
    if size >= KIB and size % KIB == 0:
        return f"{size // KIB} KiB"
    return f"{size} Bytes"


def _name(source: str) -> str:
    return "Standardeingabe" if source == STDIN else source


def _too_large(source: str, max_bytes: int) -> Fehler:
    limit = size_text(max_bytes)
    where = "stdin" if source == STDIN else source
    return Fehler(
        f"Eingabe zu groß: {_name(source)} (höchstens {limit})",
        f"input too large: {where} (at most {limit})",
    )


def _read_at_most(stream: BinaryIO, max_bytes: int) -> bytes:
    """Up to max_bytes + 1 bytes, in pieces, so that a device never fills the memory."""
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = stream.read(min(remaining, MIB))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_bounded(source: str | Path, *, max_bytes: int, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of `source` (a path, or "-" for standard input), at most `max_bytes` of them.

    Raises `Fehler` when the source is missing, a directory, unreadable or larger than
    `max_bytes`.
    """
    name = str(source)
    if name == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            data = _read_at_most(stream, max_bytes)
        except OSError as exc:
            raise Fehler(
                f"Standardeingabe kann nicht gelesen werden ({exc.strerror or exc})",
                f"cannot read stdin ({exc.strerror or exc})",
            ) from None
        if len(data) > max_bytes:
            raise _too_large(name, max_bytes)
        return data
    try:
        with open(name, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "Is a directory")
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                raise _too_large(name, max_bytes)
            data = _read_at_most(handle, max_bytes)
    except FileNotFoundError:
        raise Fehler(f"Datei nicht gefunden: {name}", f"file not found: {name}") from None
    except IsADirectoryError:
        raise Fehler(f"Das ist ein Ordner, keine Datei: {name}", f"that is a directory: {name}") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise Fehler(
            f"Datei kann nicht gelesen werden: {name} ({reason})", f"cannot read file: {name} ({reason})"
        ) from None
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes)
    return data


def decode_utf8(data: bytes, source: str | Path) -> str:
    """UTF-8 text (a byte order mark is dropped); `Fehler` for anything else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        name = str(source)
        raise Fehler(
            f"{_name(name)} ist kein UTF-8-Text (Byte {exc.start + 1})",
            f"{'stdin' if name == STDIN else name} is not UTF-8 text (byte {exc.start + 1})",
        ) from None


def read_text(source: str | Path, *, max_bytes: int, stdin: BinaryIO | None = None) -> str:
    """`read_bounded` + UTF-8 decoding."""
    return decode_utf8(read_bounded(source, max_bytes=max_bytes, stdin=stdin), source)


def _too_deep(source: str, max_depth: int) -> Fehler:
    where = "stdin" if source == STDIN else source
    return Fehler(
        f"JSON in {_name(source)} ist zu tief verschachtelt (höchstens {max_depth} Ebenen)",
        f"JSON in {where} is nested too deeply (at most {max_depth} levels)",
    )


def parse_json(text: str, source: str | Path, *, max_depth: int = DEFAULT_MAX_DEPTH) -> object:
    """The parsed JSON; `Fehler` for invalid JSON and for nesting deeper than `max_depth`."""
    name = str(source)
    try:
        return loads_json(text, max_depth=max_depth)
    except JsonTooDeep:
        raise _too_deep(name, max_depth) from None
    except json.JSONDecodeError as exc:
        where = "stdin" if name == STDIN else name
        raise Fehler(
            f"Kein gültiges JSON in {_name(name)}, Zeile {exc.lineno}, Spalte {exc.colno}: {exc.msg}",
            f"invalid JSON in {where}, line {exc.lineno}, column {exc.colno}: {exc.msg}",
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        where = "stdin" if name == STDIN else name
        raise Fehler(
            f"Kein gültiges JSON in {_name(name)}: {exc}", f"invalid JSON in {where}: {exc}"
        ) from None


def read_json(
    source: str | Path,
    *,
    max_bytes: int,
    max_depth: int = DEFAULT_MAX_DEPTH,
    stdin: BinaryIO | None = None,
) -> object:
    """Bounded read, UTF-8 decoding and depth-bounded JSON parsing in one step."""
    return parse_json(read_text(source, max_bytes=max_bytes, stdin=stdin), source, max_depth=max_depth)


def _cannot_write(target: Path, exc: OSError) -> Fehler:
    reason = exc.strerror or str(exc)
    return Fehler(
        f"Datei kann nicht geschrieben werden: {target} ({reason}); nichts geschrieben",
        f"cannot write file: {target} ({reason}); nothing written",
    )


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def check_target(target: str | Path) -> None:
    """Fail early – before the work – when `target` cannot be written: a directory, no such folder."""
    _target_info(Path(target))


def _target_info(path: Path) -> os.stat_result | None:
    try:
        info: os.stat_result | None = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise Fehler(
            f"Das Ziel ist ein Ordner: {path}; bitte einen Dateinamen angeben",
            f"the target is a directory: {path}; give a file name",
        )
    if info is None and not path.parent.is_dir():
        raise Fehler(
            f"Ordner nicht gefunden: {path.parent}; nichts geschrieben",
            f"directory not found: {path.parent}; nothing written",
        )
    return info


def write_atomic(target: str | Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `target` all at once or not at all; `Fehler` on failure."""
    path = Path(target)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    info = _target_info(path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(path, payload)  # a device or a pipe: nothing to replace
        return
    directory = path.parent
    mode = stat.S_IMODE(info.st_mode) if info is not None else _default_mode()
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    finally:
        if temporary is not None:
            _remove_quietly(temporary)


def _write_in_place(path: Path, payload: bytes) -> None:
    try:
        with open(path, "wb") as out:
            out.write(payload)
            out.flush()
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def whole_number(value: object, *, option: str, minimum: int, maximum: int) -> int:
    """An option's value as a whole number in `minimum`..`maximum`; `Fehler` (one line) otherwise.

    Takes the raw text (ASCII digits, optionally a leading minus) or an int (``call_command``).
    Checked in the command rather than by argparse, whose errors print the usage as well.
    """
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        match = _WHOLE.fullmatch(text)
        if match is None:
            raise Fehler(
                f"{option} muss eine ganze Zahl sein, nicht {str(value)[:40]!r}",
                f"{option} must be a whole number",
            )
        if len(match.group(2).lstrip("0")) > len(str(maximum)):
            number = maximum + 1 if not match.group(1) else minimum - 1
        else:
            number = int(text)
    if number > maximum:
        raise Fehler(
            f"{option} darf höchstens {maximum} sein, nicht {str(value)[:40]}",
            f"{option} must be at most {maximum}",
        )
    if number < minimum:
        raise Fehler(
            f"{option} muss mindestens {minimum} sein, nicht {str(value)[:40]}",
            f"{option} must be at least {minimum}",
        )
    return number
