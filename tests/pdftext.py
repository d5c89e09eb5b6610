"""Read back what a PDF of the product says, in Python, as a PDF reader would.

Enough of PDF for reportlab's output: indirect objects with their streams (Flate and
ASCII85 filters), fonts with ToUnicode maps (TrueType subsets) or without (the built-in
Type 1 fonts, WinAnsi), and the text operators of content streams (Tf, Tj, TJ, ', ").
`text(pdf)` is every run of text in the order drawn, one per line (`pages(pdf)` the runs
of each page); `compact(text)` drops the white space, so a value that wrapped across lines
is still found whole.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field

_OBJECT = re.compile(rb"(\d+) 0 obj\b")
_LENGTH = re.compile(rb"/Length\s+(\d+)\b")


@dataclass
class Pdf:
    raw: bytes
    objects: dict[int, bytes] = field(default_factory=dict)  # number -> dictionary part
    streams: dict[int, bytes] = field(default_factory=dict)  # number -> decoded stream

    @property
    def images(self) -> list[int]:
        """The image XObjects the file holds."""
        return [n for n, head in self.objects.items() if re.search(rb"/Subtype\s*/Image", head)]

    @property
    def embeds_truetype(self) -> bool:
        return any(b"/FontFile2" in head for head in self.objects.values())


def parse(raw: bytes) -> Pdf:
    assert raw.startswith(b"%PDF-"), raw[:20]
    pdf = Pdf(raw)
    position = 0
    while (match := _OBJECT.search(raw, position)) is not None:
        number, begin = int(match.group(1)), match.end()
        finish = raw.index(b"endobj", begin)
        stream = raw.find(b"stream", begin, finish)
        if stream < 0:
            pdf.objects[number] = raw[begin:finish]
            position = finish
            continue
        head = raw[begin:stream]
        pdf.objects[number] = head
        start = stream + len(b"stream")
        start += 2 if raw[start:start + 2] == b"\r\n" else 1
        length = int(_LENGTH.search(head).group(1))
        data = raw[start:start + length]
        declared = re.search(rb"/Filter\s*(\[[^\]]*\]|/\w+)", head)
        for name in re.findall(rb"/(\w+)", declared.group(1)) if declared else []:
            if name == b"ASCII85Decode":
                data = base64.a85decode(data.strip().removeprefix(b"<~"), adobe=True)
            elif name == b"FlateDecode":
                data = zlib.decompress(data)
            else:
                raise ValueError(f"a filter this reader does not know: {name!r}")
        pdf.streams[number] = data
        position = raw.index(b"endobj", start + length)
    return pdf


def _cmap(stream: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(value.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, value in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(value, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _fonts(pdf: Pdf) -> dict[bytes, dict[int, str] | None]:
    """Each font's resource name (as content streams select it) -> its code map, or None
    for a simple font read as WinAnsi."""
    fonts: dict[bytes, dict[int, str] | None] = {}
    for head in pdf.objects.values():
        if not re.search(rb"/Type\s*/Font\b", head):
            continue
        name = re.search(rb"/Name\s*/([^\s/<>\[\]()]+)", head)
        if name is None:
            continue
        to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", head)
        fonts[name.group(1)] = (_cmap(pdf.streams[int(to_unicode.group(1))])
                                if to_unicode else None)
    return fonts


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """The PDF string literal opening at data[start] ('('), unescaped, and where it ends."""
    out = bytearray()
    depth, i = 0, start
    while i < len(data):
        char = data[i]
        if char == 0x5C:  # backslash
            nxt = data[i + 1]
            escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b",
                       ord("f"): b"\f", ord("("): b"(", ord(")"): b")", 0x5C: b"\\"}
            if nxt in escapes:
                out += escapes[nxt]
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4]).group(0)
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
            elif nxt in (0x0A, 0x0D):
                i += 2
            else:
                out.append(nxt)
                i += 2
            continue
        if char == 0x28:
            depth += 1
            if depth > 1:
                out.append(char)
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
            out.append(char)
        else:
            out.append(char)
        i += 1
    raise ValueError("unterminated string")


_TOKEN = re.compile(rb"\(|<[0-9A-Fa-f\s]*>|/[^\s/<>\[\]()]+|\[|\]|[^\s/<>\[\]()]+")


def _runs(content: bytes, fonts: dict[bytes, dict[int, str] | None]) -> list[str]:
    runs: list[str] = []
    font: dict[int, str] | None = None
    operands: list = []
    i = 0
    while i < len(content):
        if content[i:i + 1].isspace():
            i += 1
            continue
        if content[i:i + 1] == b"(":
            value, i = _literal(content, i)
            operands.append(value)
            continue
        match = _TOKEN.match(content, i)
        if match is None:
            i += 1
            continue
        token = match.group(0)
        i = match.end()
        if token.startswith(b"<"):
            operands.append(bytes.fromhex(re.sub(rb"\s", b"", token[1:-1]).decode()))
        elif token in (b"[", b"]"):
            operands.append(token)
        elif token.startswith(b"/"):
            operands.append(token[1:])
        elif token == b"Tf":
            name = next((o for o in reversed(operands) if isinstance(o, bytes)
                         and o in fonts), None)
            font = fonts.get(name) if name else None
            operands = []
        elif token in (b"Tj", b"TJ", b"'", b'"'):
            strings = [o for o in operands if isinstance(o, bytes) and o not in (b"[", b"]")
                       and not re.fullmatch(rb"-?[\d.]+", o)]
            runs.append("".join(_decode(s, font) for s in strings))
            operands = []
        elif re.fullmatch(rb"-?[\d.]+", token):
            operands.append(token)
        else:
            operands = []
    return runs


def _decode(data: bytes, font: dict[int, str] | None) -> str:
    if font is None:
        return data.decode("cp1252", errors="replace")
    return "".join(font.get(byte, "\ufffd") for byte in data)


def pages(raw: bytes) -> list[list[str]]:
    """The runs of text of each page, in the order drawn."""
    pdf = parse(raw)
    fonts = _fonts(pdf)
    found = []
    for head in pdf.objects.values():
        if re.search(rb"/Type\s*/Page\b", head):
            runs = []
            for ref in re.findall(rb"/Contents\s+(\d+) 0 R", head):
                runs += _runs(pdf.streams[int(ref)], fonts)
            found.append(runs)
    return found


def text(raw: bytes) -> str:
    """Every run of text of every page, in the order drawn, one per line."""
    return "\n".join(run for page in pages(raw) for run in page)


def compact(value: str) -> str:
    """`value` without white space: a text that wrapped is found whole."""
    return re.sub(r"\s+", "", value)
