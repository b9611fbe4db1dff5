import io
import zipfile

import docx
import pytest

from uploads import synth
from uploads.documents import decode_text, extract_text
from uploads.validate import UploadRefused


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a Helvetica text layer."""
    stream = f"BT /F1 18 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def test_pdf_text_layer():
    doc = extract_text(minimal_pdf("Rural Taobao plan 2016"))
    assert (doc.kind, doc.text, doc.pages, doc.ocr) == ("pdf", "Rural Taobao plan 2016", 1, False)


def test_docx_paragraphs_and_tables():
    document = docx.Document()
    document.add_paragraph("我的农村淘宝项目计划书")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "目标"
    table.cell(0, 1).text = "服务村民"
    buf = io.BytesIO()
    document.save(buf)
    doc = extract_text(buf.getvalue())
    assert doc.kind == "docx" and doc.text == "我的农村淘宝项目计划书\n目标\t服务村民"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_plain_text_encodings(encoding):
    doc = extract_text("项目计划书：开一家服务站\n第二行".encode(encoding))
    assert (doc.kind, doc.text) == ("txt", "项目计划书:开一家服务站\n第二行")


def test_undecodable_text():
    with pytest.raises(UploadRefused):
        decode_text(b"\xff\xfe\xfd\x80")


@pytest.mark.parametrize("data,code", [
    (b"", "empty_file"), (b"%PDF-1.4 broken", "unreadable"),
    (b"\x00\x01\x02\x03", "unsupported_type"),
])
def test_bad_documents(data, code):
    with pytest.raises(UploadRefused) as info:
        extract_text(data)
    assert info.value.code == code


def test_docx_bomb_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a/>" + b" " * 60_000_000)
    with pytest.raises(UploadRefused) as info:
        extract_text(buf.getvalue())
    assert info.value.code == "zip_bomb"


@pytest.mark.slow
def test_scanned_pdf_and_photo_are_ocred():
    img = synth.draw_text_image("我的农村淘宝项目计划书", (900, 120))
    buf = io.BytesIO()
    img.save(buf, format="PDF")
    scanned = extract_text(buf.getvalue())
    assert scanned.ocr and "农村淘宝项目计划书" in scanned.text
    photo = extract_text(synth.to_png(img))
    assert photo.kind == "image" and "农村淘宝项目计划书" in photo.text
