import hashlib

import pytest

from uploads.storage import FileStorage, key_for


def test_put_is_content_addressed_and_deduplicated(tmp_path):
    store = FileStorage(tmp_path / "files")
    data = b"\x89PNG\r\n\x1a\n fake png"
    first = store.put(data)
    second = store.put(data)
    digest = hashlib.sha256(data).hexdigest()
    assert first == second
    assert first.sha256 == digest and first.size == len(data) and first.mime == "image/png"
    assert first.key == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert store.exists(first.key) and store.read(first.key) == data
    with store.open(first.key) as fh:
        assert fh.read() == data
    assert len([p for p in (tmp_path / "files").rglob("*") if p.is_file()]) == 1


def test_different_bytes_get_different_keys(tmp_path):
    store = FileStorage(tmp_path)
    assert store.put(b"a").key != store.put(b"b").key


def test_path_of_refuses_anything_but_keys(tmp_path):
    store = FileStorage(tmp_path)
    for bad in ("../etc/passwd", "ab/cd/../../x", "/etc/passwd", "ab/cd/" + "g" * 64):
        with pytest.raises(ValueError):
            store.path_of(bad)
    assert not store.exists(key_for("0" * 64))


def test_no_temporary_files_left(tmp_path):
    store = FileStorage(tmp_path)
    store.put(b"x" * 1000)
    assert not [p for p in tmp_path.rglob(".tmp-*")]
