"""Numbered rows of the first sheet of a spreadsheet or CSV file, with raw cell types.

Cells keep what the file holds: a numeric cell is a float (so an ID number stored as a number
reaches idcard.parse_id_number as one and is rejected as damaged), date cells are date/datetime,
text is text. Rows carry the row number Excel shows, and can be read more than once (the import
reads the ID column first to find duplicates).

.xlsx/.xls/.xlsm/.ods go through python-calamine, which parses a sheet completely into memory
before the first row is handed out (≈2.3 kB per 23-column row: 1M rows would need 2.3 GB).
Worksheets whose XML is larger than STREAM_ABOVE_BYTES are therefore read by a streaming
expat parser instead (constant memory apart from the shared strings; reading is ≈2.5× slower).
CSV files are UTF-8 with or without BOM, else GB18030 (what Excel in Chinese Windows writes).
"""

import codecs
import csv
import re
import zipfile
import zlib
from array import array
from collections.abc import Callable, Generator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, Self
from xml.etree import ElementTree
from xml.parsers import expat

from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
    WorksheetNotFound,
)

from eldercare.registry.importing.errors import FileImportError

NumberedRow = tuple[int, Sequence[Any]]
CALAMINE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUPPORTED_SUFFIXES = (*CALAMINE_SUFFIXES, ".csv")
# Calamine needs ≈1.75× the worksheet XML in memory; above this the streaming reader is used.
STREAM_ABOVE_BYTES = 128 * 1024 * 1024
_CHUNK = 1 << 16


class Table:
    """One sheet of an open file; `rows()` starts from the top every time it is called."""

    sheet: str = ""

    def rows(self) -> Generator[NumberedRow]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the file; the base class holds nothing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def check_suffix(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FileImportError(
            f"不支持的文件格式“{suffix or name}”：请使用 .xlsx、.xls、.xlsm、.ods 或 .csv 文件"
        )
    return suffix


def open_table(path: Path, *, sheet: str | None = None) -> Table:
    """The named sheet, or the first visible worksheet, of the file at `path`."""
    suffix = check_suffix(path.name)
    if not path.is_file():
        raise FileImportError(f"找不到文件：{path}")
    if suffix == ".csv":
        return CsvTable(path)
    if suffix in (".xlsx", ".xlsm") and _largest_worksheet(path) > STREAM_ABOVE_BYTES:
        return XlsxStreamTable(path, sheet)
    return CalamineTable(path, sheet)


def _unreadable(error: BaseException) -> FileImportError:
    return FileImportError(f"文件无法读取，可能不是有效的表格文件或已损坏：{error}")


# --- calamine ---------------------------------------------------------------------------------


class CalamineTable(Table):
    def __init__(self, path: Path, sheet: str | None) -> None:
        try:
            self._workbook = CalamineWorkbook.from_path(path)
            metadata = self._workbook.sheets_metadata
            name = sheet or next(
                (
                    m.name
                    for m in metadata
                    if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
                ),
                self._workbook.sheet_names[0] if self._workbook.sheet_names else "",
            )
            self._sheet = self._workbook.get_sheet_by_name(name)
        except PasswordError as error:
            raise FileImportError("文件设有打开密码，请取消密码后再导入") from error
        except WorksheetNotFound as error:
            raise FileImportError(f"找不到工作表“{sheet or ''}”") from error
        except (CalamineError, OSError, ValueError) as error:
            raise _unreadable(error) from error
        self.sheet = name
        # iter_rows() starts at row 1 but at the first used column; pad so that column
        # positions are the sheet's own, like the other readers.
        start = self._sheet.start
        self._padding = [""] * (start[1] if start else 0)

    def rows(self) -> Generator[NumberedRow]:
        padding = self._padding
        for number, cells in enumerate(self._sheet.iter_rows(), start=1):
            yield number, (padding + cells if padding else cells)

    def close(self) -> None:
        self._workbook.close()


# --- CSV --------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) when every byte decodes as UTF-8, UTF-16 with a BOM, else GB18030."""
    with path.open("rb") as stream:
        head = stream.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := stream.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


class CsvTable(Table):
    def __init__(self, path: Path) -> None:
        self._path = path
        self.encoding = detect_encoding(path)
        # Excel's "Unicode text" export is UTF-16 and tab-separated.
        self._delimiter = "\t" if self.encoding == "utf-16" else ","

    def rows(self) -> Generator[NumberedRow]:
        with self._path.open(encoding=self.encoding, newline="") as stream:
            try:
                yield from enumerate(csv.reader(stream, delimiter=self._delimiter), start=1)
            except (UnicodeDecodeError, csv.Error) as error:
                raise FileImportError(
                    f"CSV 文件无法读取（应为 UTF-8 或 GB18030 编码的文本文件）：{error}"
                ) from error


# --- streaming .xlsx --------------------------------------------------------------------------


def _largest_worksheet(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            return max(
                (i.file_size for i in archive.infolist() if "worksheets/" in i.filename),
                default=0,
            )
    except (zipfile.BadZipFile, OSError) as error:
        raise _unreadable(error) from error


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def _xml(archive: zipfile.ZipFile, member: str) -> ElementTree.Element:
    with archive.open(member) as stream:
        return ElementTree.parse(stream).getroot()


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type suffix, member name) for the part `part`."""
    folder = PurePosixPath(part).parent
    rels = str(folder / "_rels" / (PurePosixPath(part).name + ".rels"))
    if rels not in archive.namelist():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for element in _xml(archive, rels):
        target = element.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else str(folder / target)
        kind = element.get("Type", "").rpartition("/")[2]
        found[element.get("Id", "")] = (kind, _normalise_member(member))
    return found


def _normalise_member(member: str) -> str:
    parts: list[str] = []
    for piece in member.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


# Built-in number formats that display a date or time (ECMA-376 plus the CJK locale ones).
_BUILTIN_DATE_FORMATS = frozenset(
    [*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)]
)
_FORMAT_NOISE_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DATE_CODES_RE = re.compile(r"[ymdhsYMDHS]")


def _is_date_format(code: str) -> bool:
    return bool(_DATE_CODES_RE.search(_FORMAT_NOISE_RE.sub("", code)))


def _date_styles(archive: zipfile.ZipFile, member: str | None) -> frozenset[str]:
    """Style indexes (the `s` attribute of a cell) whose number format shows a date."""
    if member is None or member not in archive.namelist():
        return frozenset()
    root = _xml(archive, member)
    custom: dict[int, str] = {}
    styles: set[str] = set()
    for element in root:
        if _local(element.tag) == "numFmts":
            for fmt in element:
                custom[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
        elif _local(element.tag) == "cellXfs":
            for index, xf in enumerate(element):
                fmt_id = int(xf.get("numFmtId", "0"))
                if fmt_id in custom:
                    is_date = _is_date_format(custom[fmt_id])
                else:
                    is_date = fmt_id in _BUILTIN_DATE_FORMATS
                if is_date:
                    styles.add(str(index))
    return frozenset(styles)


def _excel_datetime(serial: float, date1904: bool) -> date | datetime | time | float:
    if serial < 0:
        return serial
    if serial < 1:
        seconds = round(serial * 86400)
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    if date1904:
        serial += 1462
    if serial < 61:  # Excel's phantom 1900-02-29 shifts the serials before it
        serial += 1
    days = int(serial)
    day = date(1899, 12, 30) + timedelta(days=days)
    fraction = serial - days
    if not fraction:
        return day
    return datetime.combine(day, time()) + timedelta(seconds=round(fraction * 86400))


class _SharedStrings:
    """The workbook's shared strings packed into one buffer: 1M rows of mostly unique text
    (names, IDs, addresses) would cost ≈70 bytes per Python str, this costs ≈len + 8."""

    def __init__(self) -> None:
        self._blob = bytearray()
        self._ends = array("Q")

    def append(self, text: str) -> None:
        self._blob += text.encode()
        self._ends.append(len(self._blob))

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._blob[start : self._ends[index]].decode()

    def __len__(self) -> int:
        return len(self._ends)


def _read_shared_strings(stream: IO[bytes]) -> _SharedStrings:
    strings = _SharedStrings()
    parts: list[str] = []
    capture = False
    phonetic = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal capture, phonetic
        local = name.rpartition(":")[2]
        if local == "t":
            capture = not phonetic
        elif local == "rPh":
            phonetic = True
        elif local == "si":
            parts.clear()

    def end(name: str) -> None:
        nonlocal capture, phonetic
        local = name.rpartition(":")[2]
        if local == "t":
            capture = False
        elif local == "rPh":
            phonetic = False
        elif local == "si":
            strings.append("".join(parts))

    def text(data: str) -> None:
        if capture:
            parts.append(data)

    _expat_parser(start, end, text).ParseFile(stream)
    return strings


def _expat_parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None],
) -> Any:
    """A parser that calls these for each element's start and end and its text, in one piece."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def _column_index(reference: str) -> int:
    index = 0
    for char in reference:
        code = ord(char)
        if code < 65:  # the row digits start
            break
        index = index * 26 + (code & 0x1F)
    return index - 1


_CELL, _VALUE, _TEXT, _INLINE, _PHONETIC, _ROW = range(1, 7)
_KINDS = {"c": _CELL, "v": _VALUE, "t": _TEXT, "is": _INLINE, "rPh": _PHONETIC, "row": _ROW}


class XlsxStreamTable(Table):
    """A worksheet of an .xlsx/.xlsm read element by element, never as a whole."""

    def __init__(self, path: Path, sheet: str | None) -> None:
        self._path = path
        try:
            with zipfile.ZipFile(path) as archive:
                self._locate(archive, sheet)
                self._strings = _SharedStrings()
                if self._strings_member and self._strings_member in archive.namelist():
                    with archive.open(self._strings_member) as stream:
                        self._strings = _read_shared_strings(stream)
        except (zipfile.BadZipFile, KeyError, OSError, zlib.error) as error:
            raise _unreadable(error) from error
        except (ElementTree.ParseError, expat.ExpatError, ValueError) as error:
            raise _unreadable(error) from error

    def _locate(self, archive: zipfile.ZipFile, wanted: str | None) -> None:
        book = next(
            (m for kind, m in _relationships(archive, "").values() if kind == "officeDocument"),
            "xl/workbook.xml",
        )
        relations = _relationships(archive, book)
        root = _xml(archive, book)
        self._date1904 = any(
            _local(e.tag) == "workbookPr" and e.get("date1904", "") in ("1", "true") for e in root
        )
        sheets: list[tuple[str, str, bool]] = []
        for element in root.iter():
            if _local(element.tag) == "sheet":
                rel = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                kind, member = relations.get(rel, ("", ""))
                if kind == "worksheet":
                    visible = element.get("state", "visible") == "visible"
                    sheets.append((element.get("name", ""), member, visible))
        chosen = (
            next((s for s in sheets if s[0] == wanted), None)
            if wanted
            else next((s for s in sheets if s[2]), sheets[0] if sheets else None)
        )
        if chosen is None:
            raise FileImportError(f"找不到工作表“{wanted or ''}”")
        self.sheet, self._member = chosen[0], chosen[1]
        by_kind = dict(relations.values())
        self._strings_member = by_kind.get("sharedStrings")
        self._styles = _date_styles(archive, by_kind.get("styles"))

    def rows(self) -> Generator[NumberedRow]:
        finished: list[NumberedRow] = []
        parser = self._parser(finished.append)
        try:
            with zipfile.ZipFile(self._path) as archive, archive.open(self._member) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                    yield from finished
                    finished.clear()
                parser.Parse(b"", True)
                yield from finished
        except (zipfile.BadZipFile, KeyError, OSError, zlib.error, expat.ExpatError) as error:
            raise _unreadable(error) from error

    def _parser(self, emit: Callable[[NumberedRow], None]) -> Any:
        strings, date_styles, date1904 = self._strings, self._styles, self._date1904
        kinds: dict[str, int] = {}
        cells: list[Any] = []
        parts: list[str] = []
        number = column = 0
        cell_type = style = None
        capture = inline = phonetic = False

        def kind_of(name: str) -> int:
            kind = kinds.get(name)
            if kind is None:
                kind = kinds[name] = _KINDS.get(name.rpartition(":")[2], 0)
            return kind

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal number, column, cell_type, style, capture, inline, phonetic, cells
            kind = kind_of(name)
            if kind == _CELL:
                reference = attrs.get("r")
                column = _column_index(reference) if reference else column + 1
                cell_type = attrs.get("t")
                style = attrs.get("s")
                parts.clear()
            elif kind == _VALUE:
                capture = True
            elif kind == _TEXT:
                capture = inline and not phonetic
            elif kind == _INLINE:
                inline = True
            elif kind == _PHONETIC:
                phonetic = True
            elif kind == _ROW:
                reference = attrs.get("r")
                number = int(reference) if reference else number + 1
                cells = []
                column = -1

        def end(name: str) -> None:
            nonlocal capture, inline, phonetic
            kind = kind_of(name)
            if kind == _CELL:
                text = "".join(parts)
                value: Any
                if cell_type == "s":
                    value = strings[int(text)] if text else ""
                elif cell_type in ("inlineStr", "str", "d"):
                    value = text
                elif cell_type == "b":
                    value = text in ("1", "true")
                elif cell_type == "e" or not text:
                    value = ""
                else:
                    value = float(text)
                    if style in date_styles:
                        value = _excel_datetime(value, date1904)
                if value != "":
                    missing = column - len(cells)
                    if missing >= 0:
                        cells.extend([""] * missing)
                        cells.append(value)
                    else:
                        cells[column] = value
            elif kind in (_VALUE, _TEXT):
                capture = False
            elif kind == _INLINE:
                inline = False
            elif kind == _PHONETIC:
                phonetic = False
            elif kind == _ROW:
                emit((number, cells))

        def text(data: str) -> None:
            if capture:
                parts.append(data)

        return _expat_parser(start, end, text)
