"""This installation's signing key, and the keys it trusts, for case bundles.

Each installation (each data folder) has its own Ed25519 key.  The private key lives in the
operating system's keyring (Windows Credential Manager, macOS Keychain, Secret Service) through
``keyring`` where one is available, else in ``keys/signing-key`` in the data folder (0600);
it is never written into a bundle.  A bundle carries the public key and a signature over its
manifest, which names the SHA-256 of every other member: so the signature covers the record,
the evidence, the amendments, the history and who exported it.

A key is known by its fingerprint: the first 128 bits of the SHA-256 of the raw public key,
as eight groups of four hexadecimal digits ("3f2a-91c0-…").  The exams officer trusts a key
once (``ownwork keys trust FINGERPRINT`` or the import dialog), after comparing the
fingerprint with the one shown in Help › About on the teacher's computer; the trusted keys are
kept in ``keys/trusted.json``.  An installation always trusts its own key.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# PyNaCl (libsodium, from the same maintainers as ``cryptography``) rather than ``cryptography``:
# Ed25519 is all that is needed, and its library is 1 MB in the bundle against 12 MB.
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from app.errors import OwnWorkError
from app.paths import AppPaths

ALGORITHM = "ed25519"
KEYRING_SERVICE = "OwnWork case bundle signing key"
_FINGERPRINT_HEX = 32


class SigningKeyError(OwnWorkError):
    """A fingerprint or key that cannot be used, in a sentence."""


def keys_dir(paths: AppPaths) -> Path:
    return paths.data_dir / "keys"


def _key_file(paths: AppPaths) -> Path:
    return keys_dir(paths) / "signing-key"


def _trust_file(paths: AppPaths) -> Path:
    return keys_dir(paths) / "trusted.json"


def fingerprint(public_key: bytes) -> str:
    return fingerprint_from_digits(hashlib.sha256(public_key).hexdigest()[:_FINGERPRINT_HEX])


def normalise_fingerprint(given: str) -> str:
    """A fingerprint as typed (any case, with or without separators) in its printed form."""
    digits = "".join(c for c in given.lower() if c not in " -:")
    if len(digits) != _FINGERPRINT_HEX or any(c not in "0123456789abcdef" for c in digits):
        raise SigningKeyError(
            f"{given!r} is not a key fingerprint: it has {_FINGERPRINT_HEX} hexadecimal "
            "digits, as in 3f2a-91c0-77de-0b12-aa90-4c11-e0f3-5d2b."
        )
    return fingerprint_from_digits(digits)


def fingerprint_from_digits(digits: str) -> str:
    return "-".join(digits[i : i + 4] for i in range(0, _FINGERPRINT_HEX, 4))


def _raw_public(key: VerifyKey) -> bytes:
    return bytes(key)


def _from_seed(encoded: bytes | str) -> SigningKey:
    """A key from its stored form: the 32-byte Ed25519 seed (RFC 8032's private key), base64."""
    seed = base64.b64decode(encoded)
    if len(seed) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    return SigningKey(seed)


def _keyring() -> Any | None:
    """The OS keyring, or None where there is none (a headless Linux, a locked-down image)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not stop exports
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


def _account(paths: AppPaths) -> str:
    return str(paths.data_dir)


def private_key(paths: AppPaths) -> SigningKey:
    """This installation's key: from the OS keyring or the data folder, made on first use."""
    backend = _keyring()
    if backend is not None:
        with contextlib.suppress(Exception):
            stored = backend.get_password(KEYRING_SERVICE, _account(paths))
            if stored:
                return _from_seed(stored)
    file = _key_file(paths)
    if file.is_file():
        try:
            return _from_seed(file.read_bytes())
        except (ValueError, binascii.Error) as error:
            raise SigningKeyError(
                f"The signing key in {file} is damaged; move it aside to make a new one "
                "(bundles signed with the old key stay trusted where they were trusted)."
            ) from error
    key = SigningKey.generate()
    encoded = base64.b64encode(bytes(key)).decode("ascii")
    if backend is not None:
        try:
            backend.set_password(KEYRING_SERVICE, _account(paths), encoded)
            return key
        except Exception:  # fall back to the private file below
            pass
    try:
        _write_private(file, encoded.encode("ascii"))
    except OSError as error:
        raise SigningKeyError(
            f"This computer's signing key could not be saved in {file.parent} "
            f"({error.strerror or error}); bundles cannot be signed until it can."
        ) from error
    return key


def _write_private(file: Path, data: bytes) -> None:
    file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = file.with_name(file.name + ".partial")
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)
    os.replace(partial, file)


def own_public_key(paths: AppPaths) -> bytes:
    return _raw_public(private_key(paths).verify_key)


def own_fingerprint(paths: AppPaths) -> str:
    return fingerprint(own_public_key(paths))


@dataclass(frozen=True)
class Signature:
    public_key: bytes
    value: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def to_json(self) -> dict[str, str]:
        return {
            "algorithm": ALGORITHM,
            "public_key": base64.b64encode(self.public_key).decode("ascii"),
            "value": base64.b64encode(self.value).decode("ascii"),
        }

    @staticmethod
    def from_json(data: dict[str, str]) -> Signature:
        try:
            return Signature(
                public_key=base64.b64decode(data["public_key"], validate=True),
                value=base64.b64decode(data["value"], validate=True),
            )
        except (KeyError, ValueError, binascii.Error) as error:
            raise SigningKeyError("its signature is not in the expected form.") from error


def sign(paths: AppPaths, payload: bytes) -> Signature:
    key = private_key(paths)
    return Signature(public_key=_raw_public(key.verify_key), value=key.sign(payload).signature)


def is_valid(signature: Signature, payload: bytes) -> bool:
    try:
        VerifyKey(signature.public_key).verify(payload, signature.value)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


# --- trusted keys ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustedKey:
    fingerprint: str
    name: str  # who it was said to be when trusted ("exported by" in the first bundle)
    trusted_at: str
    own: bool = False


def _read_trust(paths: AppPaths) -> dict[str, dict[str, str]]:
    file = _trust_file(paths)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise SigningKeyError(
            f"The list of trusted keys {file} cannot be read ({error})."
        ) from error
    return data if isinstance(data, dict) else {}


def trusted_keys(paths: AppPaths) -> list[TrustedKey]:
    own = TrustedKey(own_fingerprint(paths), "this installation", "", own=True)
    listed = [
        TrustedKey(fp, str(entry.get("name", "")), str(entry.get("trusted_at", "")))
        for fp, entry in sorted(_read_trust(paths).items())
        if isinstance(entry, dict) and fp != own.fingerprint
    ]
    return [own, *listed]


def is_trusted(paths: AppPaths, key_fingerprint: str) -> bool:
    return any(k.fingerprint == key_fingerprint for k in trusted_keys(paths))


def trust(paths: AppPaths, key_fingerprint: str, name: str = "") -> TrustedKey:
    """Trust a key from now on (its fingerprint checked with its owner beforehand)."""
    wanted = normalise_fingerprint(key_fingerprint)
    data = _read_trust(paths)
    entry = {"name": name, "trusted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    data.setdefault(wanted, entry)
    _write_private(_trust_file(paths), json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
    stored = data[wanted]
    return TrustedKey(wanted, stored.get("name", ""), stored.get("trusted_at", ""))
