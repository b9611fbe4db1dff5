import random

import numpy as np
import pytest
from PIL import Image

from uploads import ocr, synth
from uploads.imageprep import button_bands, clear_blobs

NOW = synth.DEMO_NOW


def test_normalize_nfkc_and_cjk_spaces():
    assert ocr.normalize("农 村 淘 宝 合 伙 人") == "农村淘宝合伙人"
    assert ocr.normalize("昨天 18:40") == "昨天18:40"
    assert ocr.normalize("ＡＢＣ１２３，") == "ABC123,"
    assert ocr.normalize("version 2 beta") == "version 2 beta"
    assert ocr.normalize("第一行\n第二行") == "第一行\n第二行"


def test_parse_tsv_groups_words_into_lines():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [header, "5\t1\t1\t1\t1\t1\t10\t20\t30\t10\t90\t农村",
            "5\t1\t1\t1\t1\t2\t45\t20\t30\t10\t90\t淘宝", "5\t1\t1\t1\t2\t1\t10\t40\t30\t10\t90\t刚刚",
            "4\t1\t1\t1\t2\t0\t10\t40\t30\t10\t-1\t"]
    lines = ocr.parse_tsv("\n".join(rows), (100, 100))
    assert [line.text for line in lines] == ["农村淘宝", "刚刚"]
    assert (lines[0].x0, lines[0].x1, lines[0].y0) == (0.1, 0.75, 0.2)


def test_prepare_inverts_dark_screens_and_stretches_grey():
    dark = Image.new("RGB", (100, 100), (25, 25, 25))
    assert np.asarray(ocr.prepare(dark)).mean() > 200
    faint = Image.new("RGB", (100, 100), "white")
    faint.paste((178, 178, 178), (10, 50, 90, 53))  # a stroke in WeChat's faint time grey
    assert np.asarray(ocr.prepare(faint)).min() < 100


def test_prepare_shrinks_to_ocr_width():
    assert ocr.prepare(Image.new("RGB", (1080, 1920), "white")).size == (720, 1280)


def test_buttons_found_and_avatars_cleared():
    spec = synth.random_app(random.Random(1), NOW, layout="store", theme="dark")
    bands = button_bands(ocr.fit_width(synth.render_app(spec), 720))
    assert len(bands) == 1 and bands[0][2] - bands[0][0] > 500
    blob = Image.new("L", (200, 200), 255)
    blob.paste(0, (20, 20, 104, 104))  # an 84 px avatar
    assert np.asarray(clear_blobs(blob)).min() == 255


@pytest.mark.slow
def test_tier1_reads_white_text_on_buttons_and_tier2_reads_too():
    spec = synth.random_app(random.Random(2), NOW, layout="store", state_text="下载完成",
                            theme="dark", button="green", size=(720, 1280))
    img = synth.render_app(spec)
    assert "下载完成" in ocr.read_tier1(img).text
    second = ocr.read_tier2(img)
    assert second.tier == 2 and "下载完成" in second.text and spec.phone in second.text


@pytest.mark.slow
def test_reread_line_fixes_a_name():
    spec = synth.random_share(random.Random(3), NOW, layout="detail", size=(720, 1280))
    img = synth.render_share(spec)
    lines = ocr.read_tier1(img).lines
    name_line = next(line for line in lines if 0.12 < line.y0 < 0.16)
    assert ocr.reread_line(img, name_line) == spec.nickname


def test_tesseract_failure_is_an_ocr_error(monkeypatch):
    monkeypatch.setattr(ocr, "TESSERACT", "/nonexistent/tesseract")
    with pytest.raises(ocr.OcrError):
        ocr.run_tesseract(Image.new("L", (10, 10), 255))
