"""Hostile uploads made in the test (never fetched): bombs, polyglots, broken files."""

import io
import random
import struct
import zipfile
import zlib

from PIL import Image

PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "JPEG")
    return out.getvalue()


def compressible(size: int, seed: int = 1) -> bytes:
    """PNG-looking bytes that deflate about 20:1 (under the ratio limit, not a zeros bomb)."""
    noise = random.Random(seed).randbytes(48 * (size // 1024 + 1))
    chunks = (noise[i:i + 48] + b"\x00" * 976 for i in range(0, len(noise), 48))
    return (PNG_SIG + b"".join(chunks))[:size]


def same_member_zip(count: int, member: bytes, ext: str = "png") -> bytes:
    """Write a ZIP of `count` members sharing one deflated body (fast to make, huge inside)."""
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    body = comp.compress(member) + comp.flush()
    crc, local, central = zlib.crc32(member), io.BytesIO(), io.BytesIO()
    for i in range(count):
        name, offset = f"{i:03d}.{ext}".encode(), local.tell()
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(body), len(member))
        local.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name + body)
        central.write(b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack(
            "<HHHHHII", len(name), 0, 0, 0, 0, 0o644 << 16, offset) + name)
    cd = central.getvalue()
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(cd), local.tell(), 0)
    return local.getvalue() + cd + end


def zip_of(entries, method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return out.getvalue()


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b"]>")


def docx(document_xml: bytes | None = None) -> bytes:
    """A DOCX made with python-docx; its document.xml replaced when given."""
    import docx as python_docx

    out = io.BytesIO()
    doc = python_docx.Document()
    doc.add_paragraph("我的农村淘宝项目计划书" * 30)
    doc.save(out)
    if document_xml is None:
        return out.getvalue()
    return replace_member(out.getvalue(), "word/document.xml", document_xml)


def replace_member(archive: bytes, name: str, body: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(archive)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, body if info.filename == name else src.read(info.filename))
    return out.getvalue()


def docx_laughs() -> bytes:
    ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return docx(LAUGHS + b"<w:document " + ns + b"><w:body><w:p><w:r><w:t>&lol9;</w:t>"
                b"</w:r></w:p></w:body></w:document>")


def docx_malformed() -> bytes:
    return docx(b"<w:document><w:body><w:p>")


def xlsx(rows=(("乡镇", "人数"), ("城关镇", 3))) -> bytes:
    from openpyxl import Workbook

    book, out = Workbook(), io.BytesIO()
    for row in rows:
        book.active.append(list(row))
    book.save(out)
    return out.getvalue()


def xlsx_entities() -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(xlsx())).read("xl/worksheets/sheet1.xml")
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    return replace_member(xlsx(), "xl/worksheets/sheet1.xml", LAUGHS + body)


def pdf_flate_bomb(mb: int = 200) -> bytes:
    """A one-page PDF whose content stream inflates to `mb` MB of text operators."""
    comp = zlib.compressobj(9)
    line = b"BT /F1 12 Tf 72 712 Td (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj ET\n"
    block = line * (1024 * 1024 // len(line))
    body = b"".join(comp.compress(block) for _ in range(mb)) + comp.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(b"%PDF-1.4\n"), []
    out.seek(0, 2)
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, xref))
    return out.getvalue()


def huge_dimensions_png() -> bytes:
    """A tiny PNG whose header claims 100000 x 100000 pixels."""
    data = bytearray(png((1, 1)))
    data[16:24] = struct.pack(">II", 100_000, 100_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def corpus() -> list[tuple[str, bytes]]:
    """Every hostile or broken upload, with the name a phone might give it."""
    good = png()
    symlink = zipfile.ZipInfo("link.png")
    symlink.external_attr = 0o120777 << 16
    return [
        ("empty.png", b""), ("truncated.png", good[:len(good) // 2]),
        ("truncated.jpg", jpeg()[:200]), ("html-after-iend.png", good + b"<html><script>x"),
        ("zip-after-iend.png", good + zip_of([("a.txt", b"x")])),
        ("huge.png", huge_dimensions_png()), ("not-an-image.png", "你好，世界".encode()),
        ("image.xlsx", good), ("random.bin", random.Random(3).randbytes(4096)),
        ("nuls.csv", b"\x00" * 1000), ("utf16.csv", "乡镇,人数\n城关镇,x\n".encode("utf-16")),
        ("gbk.csv", "乡镇,人数\n城关镇,3\n".encode("gbk")[:-3] + b"\xff\xfe\n"),
        ("traversal.zip", zip_of([("../../etc/passwd.png", good), ("/abs.png", good)])),
        ("symlink.zip", zip_of([(symlink, b"/etc/passwd")])),
        ("nested.zip", zip_of([("inner.zip", zip_of([("a.png", good)]))])),
        ("zeros-bomb.zip", zip_of([("bomb.png", b"\x00" * 30_000_000)])),
        ("big-members.zip", same_member_zip(12, compressible(8 * 1024 * 1024))),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 60), ("laughs.docx", docx_laughs()),
        ("broken.docx", docx_malformed()), ("bomb.pdf", pdf_flate_bomb(100)),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"),
        ("entities.xlsx", xlsx_entities()), ("formula.csv", b'name,n\n=HYPERLINK("x"),1\n'),
    ]


def multipart(fields):
    """Encode a form in memory: the test client spools big bodies to a file it never closes."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    items = [(k, FileStorage(io.BytesIO(v[1]), v[0]) if isinstance(v, tuple) else v)
             for k, v in fields]
    boundary, body = encode_multipart(MultiDict(items))
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
