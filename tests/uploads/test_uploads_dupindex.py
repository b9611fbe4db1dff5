import random
import time

from uploads.dupindex import DupIndex, content_key, edit_distance, hamming, judge_pair

H0 = "8f373714acfcf4d0"


def flip(hexhash: str, bits: int) -> str:
    return f"{int(hexhash, 16) ^ ((1 << bits) - 1):016x}"


def key(**fields) -> str:
    return content_key(fields)


def test_exact_duplicate_by_sha():
    index = DupIndex()
    index.add("item-1", "a" * 64, H0, key(id="张三", clock="20:15"))
    match = index.find("a" * 64, flip(H0, 40), None)
    assert (match.item_id, match.kind) == ("item-1", "exact")


def test_near_duplicate_needs_same_person_and_time_or_clock():
    index = DupIndex()
    index.add("item-1", "a" * 64, H0, key(id="张三", clock="20:15", time="昨天18:40"))
    cropped = key(id="张三", time="昨天18:40")  # status bar cut off
    assert index.find("b" * 64, flip(H0, 12), cropped).kind == "near"
    assert index.find("b" * 64, flip(H0, 30), cropped) is None  # nothing else agrees
    other_person = key(id="李四", clock="20:15", time="昨天18:40")  # same template, other post
    assert index.find("c" * 64, H0, other_person) is None
    same_person_later = key(id="张三", clock="21:02", time="昨天20:11")
    assert index.find("d" * 64, H0, same_person_later) is None


def test_one_misread_character_is_tolerated_for_longer_names():
    index = DupIndex()
    index.add("x", "a" * 64, H0, key(id="超磊妈妈", clock="20:15", time="昨天18:40"))
    assert index.find("b" * 64, H0, key(id="超舌妈妈", clock="20:15", time="昨天18:40"))


def test_coarse_time_needs_the_hash_or_the_other_lines_to_agree():
    index = DupIndex()
    index.add("x", "a" * 64, H0, key(id="小燕", clock="20:15", time="3天前",
                                     lines="a1 b2 c3 d4 e5"))
    cropped = key(id="小燕", time="3天前", lines="a1 b2 c3 ff")
    assert index.find("b" * 64, flip(H0, 50), cropped).kind == "near"  # lines agree
    stranger = key(id="小燕", time="3天前", lines="e5 f6 d4")
    assert index.find("c" * 64, flip(H0, 50), stranger) is None
    assert index.find("c" * 64, flip(H0, 20), stranger).kind == "possible"  # same template


def test_without_a_person_only_a_possible_duplicate_when_the_lines_agree():
    old = {"clock": "20:15", "time": "刚刚", "lines": "a1 b2 c3 d4"}
    assert judge_pair({"clock": "20:15", "time": "刚刚", "lines": "a1 b2 c3"}, old,
                      20) == "possible"
    assert judge_pair({"clock": "20:15", "time": "刚刚", "lines": "a1 x2 y3"}, old, 0) is None


def test_a_masked_phone_alone_is_only_a_possible_duplicate():
    old = {"id": "138****5678", "clock": "20:15", "lines": "a1 b2 c3 d4"}
    assert judge_pair({"id": "138****5678", "lines": "a1 b2 c3"}, old, 30) == "possible"
    assert judge_pair({"id": "138****5678", "lines": "z1 z2 z3"}, old, 30) is None


def test_round_trip_through_rows_and_json():
    index = DupIndex()
    index.add("i1", "a" * 64, H0, key(id="张三", clock="20:15"))
    index.add("i2", "b" * 64, H0, key(id="138****5678", clock="09:00"))
    again = DupIndex.loads(index.dumps())
    assert again.rows() == index.rows() and len(again) == 2
    rebuilt = DupIndex.from_rows([(r["item_id"], r["sha256"], r["phash"], r["content_key"])
                                  for r in index.rows()])
    assert rebuilt.find("z" * 64, H0, key(id="138****5678", clock="09:00")).item_id == "i2"


def test_the_post_grid_survives_the_round_trip():
    """A saved index still finds a copy under another name (the grid was lost before)."""
    grid = "".join("0123456789abcdefghijklmnopqrstuv"[(i * 7) % 32] for i in range(24 * 32))
    post = {"clock": "20:15", "time": "5月28日 19:02", "lines": "a1 b2 c3 d4"}
    index = DupIndex()
    index.add("i1", "a" * 64, H0, key(id="张三", **post), grid)
    again = DupIndex.loads(index.dumps())
    assert again.rows() == index.rows() and again.rows()[0]["grid"] == grid
    found = again.find_copy(key(id="李四", **post), grid)
    assert found is not None and found.item_id == "i1" and found.kind == "copy"


def test_a_copy_is_found_by_its_stamps_day_and_a_line_past_the_first_three():
    """The clock cropped away, OCR read the stamp short of its clock on one of the two and
    only the fourth and fifth lines (by hash) alike: keyed by the stamp's day and each line."""
    grid = "".join("0123456789abcdefghijklmnopqrstuv"[(i * 7) % 32] for i in range(24 * 32))
    index = DupIndex()
    index.add("i1", "a" * 64, H0, key(id="张三", clock="20:15", time="5月27日",
                                     lines="a1 a2 a3 d4 e5"), grid)
    found = index.find_copy(key(id="李四", time="5月27日 01:19", lines="b1 b2 b3 d4 e5 f6"),
                            grid)
    assert found is not None and found.item_id == "i1"


def test_helpers():
    assert hamming("ff", "0f") == 4 and hamming(0, 7) == 3
    assert edit_distance("kitten", "sitting") == 3


def test_lookup_stays_fast_at_100k_entries():
    rng = random.Random(1)
    index = DupIndex()
    names = [f"{a}{b}" for a in "王李张刘陈杨黄赵吴周" for b in "伟芳娜敏静丽强磊军洋"]
    for i in range(100_000):
        fields = {"id": f"{rng.choice(names)}{i % 97}", "clock": f"{rng.randrange(24):02d}:"
                  f"{rng.randrange(60):02d}", "time": f"{rng.randrange(1, 24)}小时前"}
        index.add(f"i{i}", f"{i:064x}", f"{rng.getrandbits(64):016x}", content_key(fields))
    queries = [content_key({"id": f"{rng.choice(names)}{i % 97}", "clock": "20:15",
                            "time": "3小时前"}) for i in range(200)]
    start = time.perf_counter()
    for q in queries:
        index.find("f" * 64, H0, q)
    assert (time.perf_counter() - start) / len(queries) < 0.005
