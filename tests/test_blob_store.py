"""The evidence store's interface (put, open, view, verify) on both implementations: the data
folder's files (the personal store) and 1 MiB pieces in a school server's database."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from app.errors import OwnWorkError
from app.integrity.blobs import BlobStore, DatabaseBlobStore, FolderBlobStore, blob_store
from app.paths import AppPaths
from app.storage.database import Database
from app.storage.models_server import EvidenceBlobRow, EvidenceChunkRow
from tests.integrity_support import tamper_evidence

CONTENT = b"The Tudors, draft 2\n" * 1000
SHA = hashlib.sha256(CONTENT).hexdigest()
MIB = 1 << 20


def _held(store: Database, paths: AppPaths) -> list[str]:
    """What the store holds, whichever kind it is."""
    if store.path is not None:
        return [p.name for p in paths.evidence_dir.rglob("*") if p.is_file()]
    with store.transaction() as session:
        return list(session.scalars(select(EvidenceBlobRow.sha256)))


@pytest.mark.both_stores
def test_the_server_keeps_evidence_in_the_database_and_the_personal_store_in_the_folder(
    store: Database, paths: AppPaths, store_kind: str
) -> None:
    chosen = blob_store(paths, store)
    expected = DatabaseBlobStore if store_kind == "postgresql" else FolderBlobStore
    assert type(chosen) is expected


@pytest.mark.both_stores
def test_a_file_put_is_read_back_by_its_sha256_and_kept_once(
    store: Database, paths: AppPaths
) -> None:
    blobs: BlobStore = blob_store(paths, store)
    first = blobs.put(io.BytesIO(CONTENT).read)
    again = blobs.put(io.BytesIO(CONTENT).read)
    assert first.sha256 == again.sha256 == SHA and first.size == len(CONTENT)
    with blobs.open(SHA) as handle:
        assert handle.read() == CONTENT
    assert blobs.verify(SHA).ok and blobs.verify(SHA).sha256 == SHA
    assert _held(store, paths) == [SHA]
    assert [sha for sha, _ in blobs.held()] == [SHA]


@pytest.mark.both_stores
def test_too_large_a_stream_is_refused_and_leaves_nothing(store: Database, paths: AppPaths) -> None:
    blobs = blob_store(paths, store)
    with pytest.raises(OwnWorkError, match="too big"):
        blobs.put(io.BytesIO(CONTENT * 200).read, limit=2 * MIB, too_large="too big")
    assert _held(store, paths) == []
    if store.path is None:
        with store.transaction() as session:
            assert session.scalar(select(func.count()).select_from(EvidenceChunkRow)) == 0


@pytest.mark.both_stores
def test_verify_tells_a_changed_file_from_a_missing_one(store: Database, paths: AppPaths) -> None:
    blobs = blob_store(paths, store)
    blobs.put(io.BytesIO(CONTENT).read)
    tamper_evidence(store, paths, SHA)
    changed = blobs.verify(SHA)
    assert changed.sha256 != SHA
    missing_sha = "ab" * 32
    assert blobs.verify(missing_sha).problem.startswith("Its file is missing from ")


@pytest.mark.both_stores
def test_a_viewing_copy_is_read_only_and_refused_when_the_file_changed(
    store: Database, paths: AppPaths
) -> None:
    blobs = blob_store(paths, store)
    blobs.put(io.BytesIO(CONTENT).read)
    copy = blobs.view(SHA, key="7", name="draft.txt", described="attachment 7 (draft.txt)")
    assert copy.name == "draft.txt" and copy.read_bytes() == CONTENT
    assert not copy.stat().st_mode & 0o222
    tamper_evidence(store, paths, SHA)
    with pytest.raises(OwnWorkError, match=r"attachment 7 \(draft.txt\) no longer matches"):
        blobs.view(SHA, key="7", name="draft.txt", described="attachment 7 (draft.txt)")
    assert not copy.exists()


def _pattern(size: int) -> Callable[[int], bytes]:
    """A stream of ``size`` bytes made as it is read (never held whole)."""
    state = {"left": size, "n": 0}

    def read(wanted: int) -> bytes:
        count = min(wanted, state["left"])
        state["left"] -= count
        state["n"] += 1
        return bytes([state["n"] % 251]) * count

    return read


def _put_and_read_back(blobs: BlobStore, size: int) -> tuple[int, int]:
    """The peak memory (bytes) of putting a ``size``-byte stream and of reading it back,
    after checking that what came back is what went in."""
    expected = hashlib.sha256()
    feed = _pattern(size)
    while chunk := feed(MIB):
        expected.update(chunk)
    tracemalloc.start()
    try:
        stored = blobs.put(_pattern(size))
        _, peak_in = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        with blobs.open(stored.sha256) as handle:
            while chunk := handle.read(256 * 1024):
                digest.update(chunk)
        _, peak_out = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.sha256 == expected.hexdigest() == digest.hexdigest() and stored.size == size
    return peak_in, peak_out


@pytest.mark.both_stores
def test_a_file_larger_than_a_piece_streams_in_and_out_in_little_memory(
    store: Database, paths: AppPaths, store_kind: str
) -> None:
    blobs = blob_store(paths, store)
    small = _put_and_read_back(blobs, 3 * MIB + 7)
    large = _put_and_read_back(blobs, 24 * MIB + 12345)
    # What a few pieces take (the driver sends a piece as text, several copies of it), the
    # same for 3 MiB as for 24 MiB: the file is never held whole.
    for peak_small, peak_large in zip(small, large, strict=True):
        assert peak_large < 16 * MIB and peak_large < peak_small + MIB, (small, large)
    if store_kind == "postgresql":
        with store.transaction() as session:
            pieces = session.scalar(select(func.count()).select_from(EvidenceChunkRow))
        assert pieces == 4 + 25


ON_THE_SERVER = pytest.mark.parametrize("store_kind", ["postgresql"])


@ON_THE_SERVER
def test_verify_names_the_piece_of_a_stored_file_that_changed(
    store: Database, paths: AppPaths
) -> None:
    blobs = blob_store(paths, store)
    stored = blobs.put(_pattern(3 * MIB + 10))
    tamper_evidence(store, paths, stored.sha256, piece=2)
    assert blobs.verify(stored.sha256).problem == (
        "Its file in the database has piece 3 of 4 changed after it was written."
    )
    with pytest.raises(OwnWorkError, match="Piece 3 of 4"), blobs.open(stored.sha256) as handle:
        handle.read()


@ON_THE_SERVER
def test_a_file_put_in_a_transaction_that_fails_is_not_kept_on_the_server(
    store: Database, paths: AppPaths
) -> None:
    with pytest.raises(RuntimeError), store.transaction() as session:
        blob_store(paths, session).put(io.BytesIO(CONTENT).read)
        assert _held(store, paths) == []  # not visible to others before the commit
        raise RuntimeError("the attachment's row could not be written")
    assert _held(store, paths) == []
