"""The evidence store's interface (put, open, view, verify) and its folder implementation."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from app.errors import OwnWorkError
from app.integrity.blobs import BlobStore, FolderBlobStore, blob_store
from app.paths import AppPaths

CONTENT = b"The Tudors, draft 2\n" * 1000
SHA = hashlib.sha256(CONTENT).hexdigest()


def test_a_file_put_is_read_back_by_its_sha256_and_kept_once(paths: AppPaths) -> None:
    store: BlobStore = blob_store(paths)
    first = store.put(io.BytesIO(CONTENT).read)
    again = store.put(io.BytesIO(CONTENT).read)
    assert first.sha256 == again.sha256 == SHA and first.size == len(CONTENT)
    with store.open(SHA) as handle:
        assert handle.read() == CONTENT
    assert store.verify(SHA).ok and store.verify(SHA).sha256 == SHA
    assert [p.name for p in paths.evidence_dir.rglob("*") if p.is_file()] == [SHA]


def test_too_large_a_stream_is_refused_and_leaves_nothing(paths: AppPaths) -> None:
    store = FolderBlobStore(paths)
    with pytest.raises(OwnWorkError, match="too big"):
        store.put(io.BytesIO(CONTENT).read, limit=100, too_large="too big")
    assert [p for p in paths.evidence_dir.rglob("*") if p.is_file()] == []


def test_verify_tells_a_changed_file_from_a_missing_one(paths: AppPaths) -> None:
    store = FolderBlobStore(paths)
    stored = store.put(io.BytesIO(CONTENT).read)
    stored.path.chmod(0o600)
    stored.path.write_bytes(b"changed")
    changed = store.verify(SHA)
    assert changed.ok and changed.sha256 != SHA and changed.size == len(b"changed")
    stored.path.unlink()
    assert store.verify(SHA).problem.startswith("Its file is missing from ")


def test_a_viewing_copy_is_read_only_and_refused_when_the_file_changed(
    paths: AppPaths, tmp_path: Path
) -> None:
    store = FolderBlobStore(paths)
    stored = store.put(io.BytesIO(CONTENT).read)
    copy = store.view(SHA, key="7", name="draft.txt", described="attachment 7 (draft.txt)")
    assert copy.name == "draft.txt" and copy.read_bytes() == CONTENT
    assert not copy.stat().st_mode & 0o222
    stored.path.chmod(0o600)
    stored.path.write_bytes(b"changed")
    with pytest.raises(OwnWorkError, match=r"attachment 7 \(draft.txt\) no longer matches"):
        store.view(SHA, key="7", name="draft.txt", described="attachment 7 (draft.txt)")
