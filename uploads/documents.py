"""Extract text from business plans and reports: PDF, DOCX, plain text and images."""

import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uploads.ocr import OcrError, read_tier1, read_tier2
from uploads.validate import (DEFAULT_LIMITS, IMAGE_KINDS, Limits, UploadRefused,
                              validate_document, validate_image)

if TYPE_CHECKING:
    from pypdf import PageObject

MAX_PAGES = 200
MAX_OCR_PAGES = 20  # scanned PDFs: pages without a text layer that are OCRed
MAX_DOCX_XML = 50 * 1024 * 1024
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class DocumentText:
    """The text of one document and how it was obtained."""

    kind: str
    text: str
    pages: int = 1
    ocr: bool = False


def _pdf_text(data: bytes, ocr: bool = True) -> DocumentText:
    """Return the text layer of a PDF (scanned pages without one yield nothing)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files log noisily
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadRefused("encrypted_document")
        pages = reader.pages[:MAX_PAGES]
        texts = [page.extract_text() or "" for page in pages]
        scanned = [page for page, text in zip(pages, texts, strict=True) if not text.strip()]
        ocr_texts = [_scanned_page_text(page) for page in scanned[:MAX_OCR_PAGES]] if ocr else []
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UploadRefused("unreadable", str(exc)) from exc  # a flate bomb hits pypdf's limit
    text = "\n".join(t for t in texts + ocr_texts if t.strip())
    return DocumentText("pdf", text.strip(), len(pages), ocr=any(ocr_texts))


def _scanned_page_text(page: "PageObject") -> str:
    """OCR the images of a PDF page that has no text layer."""
    texts = []
    for image in page.images[:3]:
        try:
            texts.append(_image_text(image.data, DEFAULT_LIMITS).text)
        except UploadRefused:
            continue  # an undecodable or tiny embedded image holds no text we can use
    return "\n".join(texts)


def _check_docx_parts(data: bytes) -> None:
    """Refuse a DOCX that would inflate beyond reason or whose XML is hostile or broken.

    Every XML part is parsed with defusedxml first (no DTDs, no entities), so python-docx's
    lxml never sees an entity bomb.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = sum(info.file_size for info in infos)
            if total > MAX_DOCX_XML:
                raise UploadRefused("zip_bomb", f"{total} bytes inside the DOCX")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    _check_xml(zf.read(info))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise UploadRefused("unreadable", str(exc)) from exc


def _check_xml(xml: bytes) -> None:
    """Parse one XML part safely, refusing DTDs, entities and malformed XML."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UploadRefused("unsafe_document", str(exc)) from exc
    except ParseError as exc:
        raise UploadRefused("unreadable", str(exc)) from exc


def _docx_text(data: bytes) -> DocumentText:
    """Return the paragraphs and table cells of a DOCX."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    _check_docx_parts(data)
    try:
        doc = docx.Document(io.BytesIO(data))
        parts = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            parts += ["\t".join(cell.text for cell in row.cells) for row in table.rows]
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, LxmlError) as exc:
        raise UploadRefused("unreadable", str(exc)) from exc
    return DocumentText("docx", "\n".join(p for p in parts if p.strip()))


def decode_text(data: bytes) -> str:
    """Decode plain text as UTF-8 (with or without BOM) or GB18030 (a superset of GBK)."""
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRefused("unreadable", "text is neither UTF-8 nor GBK")


def _image_text(data: bytes, limits: Limits) -> DocumentText:
    """OCR a photographed or scanned page, with the second tier when the first reads little."""
    img = validate_image(data, limits).image
    try:
        result = read_tier1(img)
        if len(result.text) < 10:
            result = read_tier2(img)
    except OcrError as exc:
        raise UploadRefused("ocr_failed", str(exc)) from exc
    return DocumentText("image", result.text, ocr=True)


def _unread_image(data: bytes, limits: Limits) -> DocumentText:
    """Check a page photo without reading it (the reading is left to a job)."""
    validate_image(data, limits)
    return DocumentText("image", "", ocr=True)


def extract_text(data: bytes, limits: Limits = DEFAULT_LIMITS, ocr: bool = True) -> DocumentText:
    """Return a document's text, or raise UploadRefused with a stable code.

    Without `ocr`, images and scanned PDF pages are only checked, not read: their text comes
    back empty, for a job to read later.
    """
    kind = validate_document(data, limits)
    if kind == "pdf":
        doc = _pdf_text(data, ocr)
    elif kind == "docx":
        doc = _docx_text(data)
    elif kind in IMAGE_KINDS:
        doc = _image_text(data, limits) if ocr else _unread_image(data, limits)
    else:
        doc = DocumentText("txt", decode_text(data))
    return DocumentText(doc.kind, unicodedata.normalize("NFKC", doc.text), doc.pages, doc.ocr)


PDF_PAGE_EDGE = 1800  # pixels on the long side: readable on screen, a few hundred KB a page


def photos_to_pdf(photos: list[bytes], limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Bind photographed pages, in order, into one PDF a reviewer opens as a document."""
    if not photos:
        raise UploadRefused("empty_file", "no pages")
    pages = []
    for data in photos:
        img = validate_image(data, limits).image
        img.thumbnail((PDF_PAGE_EDGE, PDF_PAGE_EDGE))
        pages.append(img)
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150.0,
                  quality=80)
    return out.getvalue()
