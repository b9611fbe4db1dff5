import io
import zipfile
from datetime import datetime

import pytest

from uploads import synth
from uploads.checker import DESIGN_FIELDS
from uploads.cli import check_files, load_files
from uploads.rules import rules_from_campaign


def write_zip(path, members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members:
            zf.writestr(name, body)
    path.write_bytes(buf.getvalue())


def test_load_files_expands_zips_in_order(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"hello")
    write_zip(tmp_path / "set.zip", [("x.png", b"png?"), ("../evil.png", b"x")])
    entries = load_files([tmp_path / "a.txt", tmp_path / "set.zip"])
    assert [(n.rsplit("/", 2)[-1], b) for n, b in entries] == [
        ("a.txt", b"hello"), ("x.png", b"png?"), ("evil.png", "zip_path_traversal")]


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        check_files([tmp_path / "nope.png"], "wechat_share", synth.DEMO_NOW, synth.CAMPAIGN_2016)


@pytest.mark.slow
def test_check_files_contract(tmp_path):
    img = synth.render_share(synth.random_share(
        synth.random.Random(5), synth.DEMO_NOW, size=(720, 1280), layout="detail"))
    (tmp_path / "one.png").write_bytes(synth.to_png(img))
    write_zip(tmp_path / "batch.zip", [("copy.jpg", synth.to_jpeg(img, 60)), ("/abs.png", b"x")])
    (tmp_path / "notes.txt").write_text("不是图片")
    naive_now = datetime(2016, 5, 28, 20, 15)
    out = check_files([tmp_path / "one.png", tmp_path / "batch.zip", tmp_path / "notes.txt"],
                      "wechat_share", naive_now, synth.CAMPAIGN_2016)
    assert [list(d)[:len(DESIGN_FIELDS)] for d in out] == [list(DESIGN_FIELDS)] * 4
    assert [d["verdict"] for d in out] == ["accept", "reject", "reject", "reject"]
    assert out[1]["reasons"] == [f"duplicate_of:{tmp_path / 'one.png'}"]
    assert out[2]["reasons"] == ["zip_path_traversal"] and out[2]["task"] == "wechat_share"
    assert out[3]["reasons"] == ["not_an_image"]
    rules = rules_from_campaign(synth.CAMPAIGN_2016, "wechat_share")
    again = check_files([tmp_path / "one.png"], "wechat_share", naive_now, rules)
    assert again[0]["verdict"] == "accept"
