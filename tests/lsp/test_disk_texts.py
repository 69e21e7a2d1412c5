"""The texts of files kept between requests (``api.documents.DiskTexts``): a file is read again as soon
as its size, mtime or inode changed, and only then."""

from __future__ import annotations

import os
from pathlib import Path

from api.documents import DiskTexts


def _same_stat_but_inode(path: Path, text: str) -> None:
    """Replace ``path`` as an editor saving by rename does, with the size and mtime of the old file."""
    old = path.stat()
    new = path.with_name(path.name + ".new")
    new.write_text(text, encoding="utf-8")
    os.utime(new, ns=(old.st_atime_ns, old.st_mtime_ns))
    new.replace(path)
    now = path.stat()
    assert (now.st_size, now.st_mtime_ns) == (old.st_size, old.st_mtime_ns) and now.st_ino != old.st_ino


def test_a_file_replaced_with_the_same_size_and_mtime_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\n", encoding="utf-8")
    texts = DiskTexts(4)
    assert texts.get(path).lines == ("x = 1", "")  # type: ignore[union-attr]
    keep = tmp_path / "keep.py"  # holds the old inode, so that the file system cannot hand it out again
    os.link(path, keep)
    _same_stat_but_inode(path, "y = 2\n")
    assert texts.get(path).lines == ("y = 2", "")  # type: ignore[union-attr]


def test_a_file_rewritten_in_place_with_the_same_size_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\n", encoding="utf-8")
    texts = DiskTexts(4)
    assert texts.get(path).lines[0] == "x = 1"  # type: ignore[union-attr]
    before = path.stat()
    with path.open("r+", encoding="utf-8") as f:  # same inode, same size
        f.write("y = 2\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert texts.get(path).lines[0] == "y = 2"  # type: ignore[union-attr]


def test_an_unchanged_file_is_not_read_again(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\n", encoding="utf-8")
    texts = DiskTexts(4)
    first = texts.get(path)
    assert first is not None and texts.get(path) is first


def test_the_least_recently_used_text_goes_first(tmp_path: Path) -> None:
    paths = [tmp_path / f"m{i}.py" for i in range(3)]
    for i, p in enumerate(paths):
        p.write_text(f"x = {i}\n", encoding="utf-8")
    texts = DiskTexts(2)
    a, b = texts.get(paths[0]), texts.get(paths[1])
    assert texts.get(paths[0]) is a  # paths[0] used last: paths[1] goes when a third comes
    texts.get(paths[2])
    assert texts.get(paths[0]) is a and texts.get(paths[1]) is not b


def test_a_missing_file_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\n", encoding="utf-8")
    texts = DiskTexts(4)
    assert texts.get(path) is not None
    path.unlink()
    assert texts.get(path) is None


def test_the_bytes_kept_are_bounded(tmp_path: Path) -> None:
    paths = [tmp_path / f"m{i}.py" for i in range(4)]
    for i, p in enumerate(paths):
        p.write_text(f"x = {i}\n" * 10, encoding="utf-8")  # 60 bytes each
    texts = DiskTexts(100, budget=150)
    kept = [texts.get(p) for p in paths[:2]]
    assert texts.size == 120 and not texts.full()
    texts.get(paths[2])  # 180 bytes: the least recently used goes
    assert texts.size == 120 and texts.get(paths[1]) is kept[1] and texts.get(paths[0]) is not kept[0]
    paths[3].write_text("x = 3\n" * 1000, encoding="utf-8")  # larger than the budget alone: kept by itself
    assert texts.get(paths[3]) is not None and texts.size == 6000
    paths[0].write_text("y\n", encoding="utf-8")
    texts.get(paths[0])
    assert texts.size == 2  # a file read again counts its new size only


def test_a_warm_up_reads_until_full_and_puts_out_nothing(tmp_path: Path) -> None:
    paths = [tmp_path / f"m{i}.py" for i in range(6)]
    for i, p in enumerate(paths):
        p.write_text(f"x = {i}\n", encoding="utf-8")
    texts = DiskTexts(4)
    first = texts.get(paths[5])
    assert texts.warm([paths[5], *paths[:5]]) == 3  # the kept one is not read again; then it is full
    assert texts.full() and texts.get(paths[5]) is first
    assert texts.get(paths[0]).lines[0] == "x = 0"  # type: ignore[union-attr]


def test_a_warm_up_stops_when_told(tmp_path: Path) -> None:
    paths = [tmp_path / f"m{i}.py" for i in range(3)]
    for i, p in enumerate(paths):
        p.write_text(f"x = {i}\n", encoding="utf-8")
    texts = DiskTexts(10)
    assert texts.warm(paths, stop=lambda: True) == 0 and texts.size == 0
    assert texts.warm(paths, stop=lambda: texts.size > 0) == 1
