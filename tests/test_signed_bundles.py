"""Signed case bundles: the forgeries issue 15 made (evidence replaced, an amendment invented,
the manifest's SHA-256 recomputed) are refused, and so is any changed byte, a key nobody
trusted, and an unsigned bundle; the first bundle from a key asks the officer to trust it."""

from __future__ import annotations

import hashlib
import json
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.integrity import case_bundle, signing
from app.integrity.bundle_zip import BundleError, member_info
from app.integrity.case_bundle import UntrustedKeyError
from app.paths import AppPaths, resolve_paths
from app.storage.database import Database, open_store
from tests.integrity_support import table_rows
from tests.test_case_bundle import bundle  # noqa: F401 - the exported case, as a fixture


@pytest.fixture
def officer(tmp_path: Path) -> Iterator[tuple[Database, AppPaths]]:
    other = resolve_paths(tmp_path / "exams-officer")
    database = open_store(other, actor="exams officer")
    yield database, other
    database.dispose()


def _members(file: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(file) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _repacked(path: Path, members: dict[str, bytes], manifest: dict[str, Any]) -> Path:
    """The bundle as a forger who has read docs/case-bundle.md rebuilds it: exact layout,
    every SHA-256 in the manifest recomputed, the original signature kept."""
    listed = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=False) as archive:
        for name, data in members.items():
            archive.writestr(member_info(name, len(data)), data)
            listed.append(
                {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            )
        manifest = {**manifest, "files": listed}
        raw = json.dumps(manifest, indent=1).encode()
        archive.writestr(member_info("manifest.json", len(raw)), raw)
    return path


def _refused(officer: tuple[Database, AppPaths], file: Path) -> str:
    store, paths = officer
    before = table_rows(paths.database)
    with pytest.raises(BundleError) as refused:
        case_bundle.import_case(store, paths, file)
    assert table_rows(paths.database) == before
    return str(refused.value)


def _trusting(officer: tuple[Database, AppPaths], teacher: AppPaths) -> None:
    signing.trust(officer[1], signing.own_fingerprint(teacher), "Ms Okafor")


def test_replacing_an_evidence_file_is_refused_even_with_the_manifest_recomputed(
    bundle: Path,  # noqa: F811
    paths: AppPaths,
    tmp_path: Path,
    officer: tuple[Database, AppPaths],
) -> None:
    _trusting(officer, paths)
    members = _members(bundle)
    manifest = json.loads(members.pop("manifest.json"))
    document = json.loads(members["case.json"])
    old = next(n for n in members if n.startswith("attachments/"))
    new_data = b"%PDF-1.4 a different essay"
    new_sha = hashlib.sha256(new_data).hexdigest()
    members.pop(old)
    members[f"attachments/{new_sha}"] = new_data
    for attachment in document["attachments"]:
        if attachment["file"] == old:
            attachment.update(file=f"attachments/{new_sha}", sha256=new_sha, size=len(new_data))
    members["case.json"] = json.dumps(document, ensure_ascii=False).encode()
    forged = _repacked(tmp_path / "forged.zip", members, manifest)
    assert "signature does not match its content" in _refused(officer, forged)


def test_a_fabricated_amendment_is_refused(
    bundle: Path,  # noqa: F811
    paths: AppPaths,
    tmp_path: Path,
    officer: tuple[Database, AppPaths],
) -> None:
    _trusting(officer, paths)
    members = _members(bundle)
    manifest = json.loads(members.pop("manifest.json"))
    document = json.loads(members["case.json"])
    invented = dict(document["amendments"][0])
    invented.update(actor="head.of.centre", reason="Withdrawn after review.")
    document["amendments"].append(invented)
    members["case.json"] = json.dumps(document, ensure_ascii=False).encode()
    forged = _repacked(tmp_path / "forged.zip", members, manifest)
    assert "signature does not match its content" in _refused(officer, forged)


def test_a_bundle_re_signed_with_another_key_is_refused_naming_that_key(
    bundle: Path,  # noqa: F811
    paths: AppPaths,
    tmp_path: Path,
    officer: tuple[Database, AppPaths],
) -> None:
    _trusting(officer, paths)
    forger = resolve_paths(tmp_path / "forger")
    members = _members(bundle)
    manifest = json.loads(members.pop("manifest.json"))
    document = json.loads(members["case.json"])
    document["exported_by"] = "head.of.centre"
    members["case.json"] = json.dumps(document, ensure_ascii=False).encode()
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    listed = [
        {"path": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
        for n, d in members.items()
    ]
    unsigned["files"] = listed
    signature = signing.sign(forger, case_bundle.signed_payload(unsigned))
    forged = _repacked(
        tmp_path / "forged.zip", members, {**unsigned, "signature": signature.to_json()}
    )
    reason = _refused(officer, forged)
    assert f"does not trust yet (fingerprint {signing.own_fingerprint(forger)}" in reason
    assert "exported by head.of.centre" in reason


def test_any_changed_byte_is_refused(
    bundle: Path,  # noqa: F811
    paths: AppPaths,
    tmp_path: Path,
    officer: tuple[Database, AppPaths],
) -> None:
    _trusting(officer, paths)
    data = bundle.read_bytes()
    chance = random.Random(15)
    for attempt in range(40):
        changed = bytearray(data)
        where = chance.randrange(len(changed))
        changed[where] ^= 1 << chance.randrange(8)
        file = tmp_path / f"changed-{attempt}.zip"
        file.write_bytes(bytes(changed))
        _refused(officer, file)


def test_an_unsigned_bundle_from_an_earlier_version_is_refused_with_its_reason(
    bundle: Path,  # noqa: F811
    paths: AppPaths,
    tmp_path: Path,
    officer: tuple[Database, AppPaths],
) -> None:
    members = _members(bundle)
    members.pop("manifest.json")
    old = _repacked(tmp_path / "old.zip", members, {"format": "ownwork-case-manifest/1"})
    assert "it is not signed" in _refused(officer, old)


def test_an_untrusted_key_is_refused_then_accepted_once_trusted(
    bundle: Path,  # noqa: F811
    paths: AppPaths,
    officer: tuple[Database, AppPaths],
) -> None:
    store, officer_paths = officer
    with pytest.raises(UntrustedKeyError) as refused:
        case_bundle.import_case(store, officer_paths, bundle)
    assert refused.value.fingerprint == signing.own_fingerprint(paths)
    summary = case_bundle.inspect_bundle(bundle)
    assert summary.signer == signing.own_fingerprint(paths)
    assert summary.anchor.split(":")[0].isdigit()
    signing.trust(officer_paths, summary.signer, summary.exported_by)
    assert case_bundle.import_case(store, officer_paths, bundle).attachments == 2


def test_the_private_key_is_owner_only_and_never_in_a_bundle(
    bundle: Path,  # noqa: F811
    paths: AppPaths,
) -> None:
    key_file = signing.keys_dir(paths) / "signing-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    secret = key_file.read_bytes().strip()
    assert secret not in bundle.read_bytes()


def test_the_import_dialog_asks_to_trust_a_new_key(
    qtbot: QtBot,
    bundle: Path,  # noqa: F811
    paths: AppPaths,
    officer: tuple[Database, AppPaths],
) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.integrity.case_dialogs import ImportCaseDialog

    store, officer_paths = officer
    dialog = ImportCaseDialog(store, officer_paths)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.file.setText(str(bundle))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    fingerprint = signing.own_fingerprint(paths)
    assert f"{fingerprint} (not trusted yet)" in dialog.summary.text()
    asked: list[str] = []

    def answer(label: str) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, lambda: answer(label))
            return
        asked.append(box.text())
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == label]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, lambda: answer("Cancel"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert asked and fingerprint in asked[0]
    assert "not trusted" in dialog.status.text()
    assert not signing.is_trusted(officer_paths, fingerprint)
    QTimer.singleShot(0, lambda: answer("Trust and import"))
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert signing.is_trusted(officer_paths, fingerprint)


def test_about_shows_this_installations_key_fingerprint(qtbot: QtBot, paths: AppPaths) -> None:
    from ui.about_dialog import AboutDialog

    dialog = AboutDialog(paths)
    qtbot.addWidget(dialog)
    assert dialog.fingerprint.text() == signing.own_fingerprint(paths)


def test_signatures_are_rfc_8032_ed25519() -> None:
    # RFC 8032, section 7.1, TEST 1: the key format and signatures any Ed25519 verifier accepts.
    import base64

    from app.integrity import signing

    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    key = signing._from_seed(base64.b64encode(seed))
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    assert bytes(key.verify_key) == public
    expected = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
        "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert key.sign(b"").signature == expected
    assert signing.is_valid(signing.Signature(public, expected), b"")
    assert not signing.is_valid(signing.Signature(public, expected), b"x")
    assert not signing.is_valid(signing.Signature(public, expected[:-1]), b"")
