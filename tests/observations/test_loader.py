"""Paths, directories, globs, gzip; telling formats apart by content; clear errors; the exports."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from smartborder import observations
from smartborder.errors import SmartborderError
from smartborder.observations import (
    MalformedFileError,
    SourceNotFoundError,
    UnrecognisedFormatError,
)
from tests.observations.helpers import JSON, RSS_0820, RSS_0822, XML, write


def test_exports_sorted_and_present() -> None:
    assert observations.__all__ == sorted(observations.__all__)
    assert all(hasattr(observations, name) for name in observations.__all__)
    assert issubclass(observations.ObservationsError, SmartborderError)


def test_directory_glob_and_list_read_the_same(tmp_path: Path) -> None:
    for source in (RSS_0820, RSS_0822):
        write(tmp_path, source.name, source.read_text(encoding="utf-8"))
    write(tmp_path, ".hidden", "ignored")
    listed = observations.load([RSS_0820, RSS_0822])
    folder = observations.load(tmp_path)
    globbed = observations.load(str(tmp_path / "rss_*.xml"))
    pd.testing.assert_frame_equal(folder.frame, listed.frame)
    pd.testing.assert_frame_equal(globbed.frame, listed.frame)
    assert folder.sources == ("rss_2026-08-20_0109.xml", "rss_2026-08-22_1408.xml")


@pytest.mark.parametrize("source", [XML, JSON, RSS_0822], ids=["xml", "json", "rss"])
def test_gzip_and_byte_order_mark_and_any_name(tmp_path: Path, source: Path) -> None:
    data = source.read_bytes()
    packed = tmp_path / "snapshot.gz"
    packed.write_bytes(gzip.compress(b"\xef\xbb\xbf" + data))
    pd.testing.assert_frame_equal(
        observations.load(packed).frame.drop(columns="source"), observations.load(source).frame.drop(columns="source")
    )


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        (
            "feed.xml",
            "<foo><bar/></foo>",
            UnrecognisedFormatError,
            "feed.xml: not a CBP Border Wait Times document: root element <foo>",
        ),
        ("feed.xml", "<border_wait_time><port>", MalformedFileError, "feed.xml: not well-formed XML"),
        ("feed.json", '{"ports": [1, 2', MalformedFileError, "feed.json: not valid JSON"),
        ("feed.json", '{"status": "ok"}', MalformedFileError, "feed.json: JSON holds no list of ports"),
        (
            "feed.json",
            '[{"port_number": "1"}, {"border": "Mexican Border"}]',
            MalformedFileError,
            "feed.json: port number 2 has neither port_number nor port_name",
        ),
        ("notes.txt", "hello\nworld\n", UnrecognisedFormatError, "notes.txt: not a CBP Border Wait Times file"),
        ("empty.csv", "  \n", UnrecognisedFormatError, "empty.csv: empty file"),
        ("feed.xml", "<rss><item/></rss>", MalformedFileError, "feed.xml: RSS document without a <channel>"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(
    tmp_path: Path, name: str, content: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        observations.load(write(tmp_path, name, content))
    assert str(info.value).startswith(str(tmp_path / name)) and message in str(info.value)


def test_bad_gzip_and_missing_sources(tmp_path: Path) -> None:
    broken = tmp_path / "feed.xml.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(MalformedFileError, match=r"feed\.xml\.gz: not a valid gzip file"):
        observations.load(broken)
    with pytest.raises(SourceNotFoundError, match=r"nope\.xml: no such file"):
        observations.load(tmp_path / "nope.xml")
    with pytest.raises(SourceNotFoundError, match="no file matches"):
        observations.load(str(tmp_path / "*.rss"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceNotFoundError, match="directory holds no files"):
        observations.load(tmp_path / "empty")
    with pytest.raises(SourceNotFoundError, match="no files given"):
        observations.load([])
