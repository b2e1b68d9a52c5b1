"""Hostile upload corpus (security review, issue #12): every file an upload must refuse quickly.

    python tests/data/hostile/make_corpus.py     # (re)writes the small files beside this script

The files are built by hand (zipfile, no openpyxl) so that each one is exactly the attack it names.
`corpus()` returns all of them as bytes; the tests import this module and use it directly, so the
committed files are only for people who want to try an upload by hand. Files larger than a few
kilobytes (the million-row CSV) are generated, never committed.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Maßnahmen" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Version</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>Titel</t></is></c></row>'
)


def sheet(rows: str, dimension: str = "A1:C1") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def workbook(sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal XLSX with one sheet "Maßnahmen" and the given extra parts."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet_xml,
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            # A fixed date: the same bytes on every run, so the committed files can be checked.
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system = 3
            archive.writestr(info, content, zipfile.ZIP_DEFLATED, 9)
    return buffer.getvalue()


def sparse_cell() -> bytes:
    """One value in the very last cell of the sheet, with a <dimension> that hides it."""
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return workbook(sheet(HEADER_ROW + far))


def sparse_cells_many() -> bytes:
    """Values sprinkled in far-away rows and columns (the reviewer's 90 KB file, in small)."""
    rows = "".join(f'<row r="{r}"><c r="XFD{r}"><v>{r}</v></c></row>' for r in range(30_000, 1_048_576, 997))
    return workbook(sheet(HEADER_ROW + rows))


def huge_dimension() -> bytes:
    """A normal sheet that declares the whole grid as its used range."""
    return workbook(sheet(HEADER_ROW + '<row r="2"><c r="A2"><v>1</v></c></row>', "A1:XFD1048576"))


def zip_bomb() -> bytes:
    """A 40 MB sheet part that compresses to a few tens of kilobytes."""
    return workbook(sheet(HEADER_ROW + " " * (40 * 1024 * 1024)))


def xxe_shared_strings() -> bytes:
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>&xxe;</t></si></sst>"
    )
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return workbook(sheet(rows), {"xl/sharedStrings.xml": strings})


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<!DOCTYPE sst [{entities}]>"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return workbook(sheet(rows), {"xl/sharedStrings.xml": strings})


def wide_xlsx() -> bytes:
    """10,000 columns in the header row."""
    cells = "".join(f'<c t="inlineStr"><is><t>S{i}</t></is></c>' for i in range(10_000))
    return workbook(sheet(f'<row r="1">{cells}</row>'))


def path_traversal_xlsx() -> bytes:
    """A part whose name climbs out of the archive (a zip-slip if anything ever extracted it)."""
    return workbook(sheet(HEADER_ROW), {"../../../tmp/isi-evil.xml": b"<a/>"})


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


def mixed_encoding_csv() -> bytes:
    return (
        b"ID;Version;Titel\r\n"
        + "1;1;Größere Übersicht\r\n".encode()
        + "2;1;Übergänge für Ältere\r\n".encode("cp1252")
    )


def undecodable_csv() -> bytes:
    """Neither UTF-8 nor Windows-1252 (0x81 and 0x8D are undefined there)."""
    return b"ID;Version;Titel\r\n1;1;\x81\x8d\x8f\r\n"


def wide_csv() -> bytes:
    return (
        ";".join("S" for _ in range(10_000)) + "\r\n" + ";".join("1" for _ in range(10_000)) + "\r\n"
    ).encode()


def unclosed_quote_csv() -> bytes:
    """An opening quote that never closes: the rest of the file is one field, larger than csv allows."""
    return b'ID;Version;Titel\r\n1;1;"' + b"x" * 200_000 + b"\r\n"


def million_rows_csv() -> bytes:
    """The reviewer's 4 MB file: a header and then "1;1" a million times (generated, not committed)."""
    return b"ID;Version;Titel\r\n" + b"1;1\r\n" * 1_000_000


def million_rows_opensdg() -> bytes:
    """The same for the Open SDG import, just under its 5 MB limit: 600,000 observations."""
    return b"Year,Value\r\n" + b"2020,1\r\n" * 600_000


def opensdg_wide() -> bytes:
    header = ",".join(["Year", *(f"K{i}" for i in range(10_000)), "Value"])
    return (header + "\r\n" + ",".join(["2020", *("a" for _ in range(10_000)), "1"]) + "\r\n").encode()


def corpus() -> dict[str, bytes]:
    """Every committed hostile file by name (the name's extension is the one uploaded)."""
    return {
        "sparse_cell.xlsx": sparse_cell(),
        "sparse_cells_many.xlsx": sparse_cells_many(),
        "huge_dimension.xlsx": huge_dimension(),
        "zip_bomb.xlsx": zip_bomb(),
        "xxe_shared_strings.xlsx": xxe_shared_strings(),
        "billion_laughs.xlsx": billion_laughs(),
        "wide_10k_columns.xlsx": wide_xlsx(),
        "path_traversal.xlsx": path_traversal_xlsx(),
        "wrong_magic.xlsx": PNG,
        "zip_named.csv": workbook(sheet(HEADER_ROW)),
        "mixed_encoding.csv": mixed_encoding_csv(),
        "undecodable.csv": undecodable_csv(),
        "wide_10k_columns.csv": wide_csv(),
        "unclosed_quote.csv": unclosed_quote_csv(),
    }


COMMITTED_MAX = 64 * 1024  # larger files are only generated (the tests call corpus())


def main() -> int:
    total = 0
    for name, content in corpus().items():
        if len(content) > COMMITTED_MAX:
            print(f"{name}: {len(content):,} bytes – generated only, not written")
            continue
        (HERE / name).write_bytes(content)
        total += len(content)
        print(f"{name}: {len(content):,} bytes")
    print(f"total: {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
