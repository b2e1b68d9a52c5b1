"""Indicator data in the Open SDG CSV convention: parse, validate, serialise. No database access.

Open SDG (open-sdg.org, used e.g. for Lower Saxony's integration monitoring) keeps one CSV per
indicator:

    Year,Migrationshintergrund,Geschlecht,GeoCode,Value
    2022,,,,51.3          ← total (blank categories), whole federation (blank GeoCode)
    2022,mit,,,44.0       ← with migration background, both sexes
    2022,,,09,53.1        ← total for Land 09 (Bayern)

- `Year` and `Value` are required; every other column except `GeoCode` is a disaggregation
  category. A blank category cell means "total over that category".
- `GeoCode` is optional; blank means the whole federation (Bund), otherwise an official key from
  `allowed_geo_codes` (the two-digit Länder keys).
- Comma-separated, UTF-8 (a byte-order mark is fine). Semicolon-separated files, as German Excel
  writes them, are recognised, and so is a decimal comma ("12,5").

Validation is all-or-nothing: `parse` returns the observations only if there is no error at all;
each error names the row (file line, header = 1) and the column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from isi.core.parsing import is_int, parse_int

YEAR = "Year"
VALUE = "Value"
GEOCODE = "GeoCode"
RESERVED = (YEAR, GEOCODE, VALUE)

MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_ROWS = 50_000
MAX_COLUMNS = 50  # Year, GeoCode, Value and the categories
MAX_CATEGORY_NAME = 60
MAX_CATEGORY_VALUE = 100
MAX_ERRORS = 200
MAX_DIGITS = 14  # before the decimal point; the database stores 20 digits with 6 decimals
MAX_DECIMALS = 6

_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")

Disaggregation = dict[str, str]


@dataclass(frozen=True)
class Row:
    """One validated observation. `line` is where it was in the file (header = 1)."""

    year: int
    geo_code: str
    disaggregation: Disaggregation
    value: Decimal
    line: int = 0

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.year, self.geo_code, disaggregation_key(self.disaggregation))


@dataclass(frozen=True)
class Problem:
    """A reason to refuse the file, with where it is (row = file line; None when about the file)."""

    message: str
    row: int | None = None
    column: str | None = None


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    truncated: bool = False  # more errors than MAX_ERRORS were found

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows})

    @property
    def geo_codes(self) -> list[str]:
        return sorted({r.geo_code for r in self.rows})


def disaggregation_key(values: Mapping[str, str]) -> str:
    """Canonical text of a disaggregation (sorted, blanks dropped); "" for the total."""
    clean = {k: v for k, v in values.items() if v}
    if not clean:
        return ""
    return json.dumps(clean, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def decode(data: bytes) -> str:
    """The file's text; raises UnicodeDecodeError for anything but UTF-8."""
    return data.decode("utf-8-sig")


def _dialect_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    if header.count(";") > header.count(","):
        return ";"
    return ","


def parse_value(raw: str) -> Decimal | None:
    """A number as written in the file: "12.5", "-3", "1e3", or with a decimal comma "12,5"."""
    text = raw.strip()
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number


class _Collector:
    def __init__(self, result: ParseResult) -> None:
        self.result = result

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(self.result.errors) >= MAX_ERRORS:
            self.result.truncated = True
            return
        self.result.errors.append(Problem(message=message, row=row, column=column))


def _check_header(header: list[str], errors: _Collector) -> list[str]:
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for position, name in enumerate(names, 1):
        if not name:
            errors.add(_("Spalte %(position)s hat keine Überschrift.") % {"position": position}, row=1)
        elif name in seen:
            errors.add(_("Die Spalte „%(name)s“ kommt doppelt vor.") % {"name": name}, row=1, column=name)
        elif len(name) > MAX_CATEGORY_NAME:
            errors.add(
                _("Der Spaltenname ist länger als %(max)s Zeichen.") % {"max": MAX_CATEGORY_NAME},
                row=1,
                column=name,
            )
        seen.add(name)
        lowered = name.lower()
        for reserved in RESERVED:
            if lowered == reserved.lower() and name != reserved:
                errors.add(
                    _("Bitte „%(name)s“ genau so schreiben (Groß-/Kleinschreibung).") % {"name": reserved},
                    row=1,
                    column=name,
                )
    if len(names) > MAX_COLUMNS:
        errors.add(
            _("Die Datei hat %(found)s Spalten; erlaubt sind höchstens %(max)s.")
            % {"found": len(names), "max": MAX_COLUMNS},
            row=1,
        )
        return names
    for required in (YEAR, VALUE):
        if required not in names:
            errors.add(_("Die Pflichtspalte „%(name)s“ fehlt.") % {"name": required}, row=1, column=required)
    return names


def _check_value(raw: str, line: int, errors: _Collector) -> Decimal | None:
    if not raw.strip():
        errors.add(_("Der Wert fehlt."), row=line, column=VALUE)
        return None
    number = parse_value(raw)
    if number is None:
        errors.add(
            _("„%(value)s“ ist keine Zahl (Dezimalpunkt oder -komma).") % {"value": raw.strip()},
            row=line,
            column=VALUE,
        )
        return None
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals > MAX_DECIMALS or abs(number) >= Decimal(10) ** MAX_DIGITS:
        errors.add(
            _("Der Wert ist zu groß oder hat mehr als %(max)s Nachkommastellen.") % {"max": MAX_DECIMALS},
            row=line,
            column=VALUE,
        )
        return None
    return number


def _check_year(raw: str, line: int, errors: _Collector) -> int | None:
    text = raw.strip()
    year = parse_int(text, max_digits=4, minimum=MIN_YEAR, maximum=MAX_YEAR)
    if year is None:
        shown = text or "(leer)"
        errors.add(
            _("„%(value)s“ ist keine Jahreszahl zwischen %(min)s und %(max)s.")
            % {"value": shown, "min": MIN_YEAR, "max": MAX_YEAR},
            row=line,
            column=YEAR,
        )
        return None
    return year


def _check_geo(raw: str, line: int, allowed: frozenset[str], errors: _Collector) -> str | None:
    code = raw.strip()
    if is_int(code, max_digits=1):
        code = "0" + code  # Excel drops the leading zero of "01"–"09".
    if code and code not in allowed:
        errors.add(
            _("„%(value)s“ ist kein bekannter Regionalschlüssel (leer = Bund, 01–16 = Land).")
            % {"value": code},
            row=line,
            column=GEOCODE,
        )
        return None
    return code


def parse(text: str, allowed_geo_codes: Iterable[str]) -> ParseResult:
    """Validate a whole file. `rows` is filled only when there is no error at all."""
    result = ParseResult()
    errors = _Collector(result)
    allowed = frozenset(allowed_geo_codes)
    if not text.strip():
        errors.add(_("Die Datei ist leer."))
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect_delimiter(text))
    try:
        header = next(reader)
    except csv.Error as exc:
        errors.add(_("Die Kopfzeile ist kein gültiges CSV: %(error)s") % {"error": exc}, row=1)
        return result
    names = _check_header(header, errors)
    if not result.ok:
        return result
    result.categories = [n for n in names if n not in RESERVED]
    rows: list[Row] = []
    first_seen: dict[tuple[int, str, str], int] = {}
    records = 0
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines (often at the end) are harmless
            records += 1
            if records > MAX_ROWS:
                # Counted over all rows read, good or bad: the error list is capped, the file is not.
                result.errors.insert(
                    0,
                    Problem(
                        _("Mehr als %(max)s Zeilen: bitte die Datei aufteilen.") % {"max": MAX_ROWS},
                        row=line,
                    ),
                )
                break
            if len(record) != len(names):
                errors.add(
                    _("Die Zeile hat %(found)s statt %(expected)s Spalten.")
                    % {"found": len(record), "expected": len(names)},
                    row=line,
                )
                continue
            cells = dict(zip(names, record, strict=True))
            year = _check_year(cells[YEAR], line, errors)
            geo = _check_geo(cells.get(GEOCODE, ""), line, allowed, errors)
            value = _check_value(cells[VALUE], line, errors)
            disaggregation: Disaggregation = {}
            for category in result.categories:
                cell = cells[category].strip()
                if len(cell) > MAX_CATEGORY_VALUE:
                    errors.add(
                        _("Länger als %(max)s Zeichen.") % {"max": MAX_CATEGORY_VALUE},
                        row=line,
                        column=category,
                    )
                elif cell:
                    disaggregation[category] = cell
            if year is None or geo is None or value is None:
                continue
            row = Row(year=year, geo_code=geo, disaggregation=disaggregation, value=value, line=line)
            if row.key in first_seen:
                errors.add(
                    _(
                        "Doppelter Wert: dieselbe Kombination aus Jahr, Region und Aufschlüsselung "
                        "steht schon in Zeile %(line)s."
                    )
                    % {"line": first_seen[row.key]},
                    row=line,
                )
                continue
            first_seen[row.key] = line
            rows.append(row)
    except csv.Error as exc:
        errors.add(_("Die Datei ist kein gültiges CSV: %(error)s") % {"error": exc}, row=reader.line_num)
    if result.ok and not rows:
        errors.add(_("Die Datei enthält keine Werte."))
    if result.ok:
        result.rows = rows
    return result


def format_value(value: Decimal) -> str:
    """A value as Open SDG writes it: decimal point, no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def serialise(
    rows: Iterable[Row],
    categories: Iterable[str] | None = None,
    *,
    safe: Callable[[str], str] = lambda text: text,
) -> str:
    """Rows as an Open SDG CSV: Year, categories (sorted unless given), GeoCode, Value.

    `safe` is applied to every text cell (category values), e.g. the spreadsheet-safe quoting of
    isi.opendata.exports, so that a category starting with "=" never runs as a formula.
    """
    materialised = sorted(rows, key=lambda r: (r.year, r.geo_code, disaggregation_key(r.disaggregation)))
    if categories is None:
        found: set[str] = set()
        for row in materialised:
            found.update(row.disaggregation)
        columns = sorted(found)
    else:
        columns = list(categories)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([YEAR, *(safe(c) for c in columns), GEOCODE, VALUE])
    for row in materialised:
        writer.writerow(
            [
                str(row.year),
                *(safe(row.disaggregation.get(c, "")) for c in columns),
                row.geo_code,
                format_value(row.value),
            ]
        )
    return out.getvalue()
