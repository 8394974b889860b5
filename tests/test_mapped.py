"""Segment files are read in place from the memory map: same bytes as a copy, no copy."""

from __future__ import annotations

import io
import mmap
import pickle

from hypothesis import given
from hypothesis import strategies as st

from index.mapped import MappedFile, MemoryReader
from search.engine import search

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("seek"), st.integers(0, 60), st.just(0)),
        st.tuples(st.just("seek"), st.integers(-20, 20), st.just(1)),
        st.tuples(st.just("seek"), st.integers(-60, 0), st.just(2)),
    ),
    max_size=30,
)


@given(data=st.binary(max_size=50).map(lambda b: b.replace(b"\x00", b"\n")), ops=OPS)
def test_memory_reader_reads_like_bytesio(data, ops):
    ours, theirs = MemoryReader(memoryview(data)), io.BytesIO(data)
    for name, *args in ops:
        assert getattr(ours, name)(*args) == getattr(theirs, name)(*args), (name, args)
        assert ours.tell() == theirs.tell()


def test_pickles_and_arrays_read_through_the_file_interface():
    buf = io.BytesIO()
    pickle.dump({"fieldmap": {"text": 3}}, buf)
    buf.write(b"\x00\x00\x00\x07rest")
    f = MappedFile(memoryview(buf.getvalue()), name="x.trm")
    assert f.read_pickle() == {"fieldmap": {"text": 3}}
    assert f.read_uint() == 7 and f.read(4) == b"rest" and f.read(1) == b""
    assert f.get(f.tell() - 4, 2) == b"re"


def test_an_open_searcher_keeps_no_copy_of_its_segments(built_index):
    search(built_index, "政务新媒体")  # opens the searcher and reads postings
    reader = built_index.searcher().reader()
    segments = [r for r, _ in reader.leaf_readers()]
    assert segments and all(r.segment().is_compound() for r in segments)
    for segment in segments:
        terms = segment._terms
        for part in (terms._dbfile, terms._postfile):
            # the part reads from a view of the segment's map, not from a BytesIO of its own
            assert isinstance(part, MappedFile) and isinstance(part.file, MemoryReader)
            assert isinstance(part._buf, memoryview) and isinstance(part._buf.obj, mmap.mmap)
