"""Writing a finished PDF to disk without ever leaving half a file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from app.errors import OwnWorkError


def write_pdf(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, then a rename.

    An existing file is replaced only once the new one is complete.  Any failure (no such
    folder, no permission, disk full) becomes an ``OwnWorkError`` naming the file.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise OwnWorkError(f"Cannot save the PDF to {target}: that is a folder, not a file name.")
    folder = target.parent if str(target.parent) else Path(".")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        reason = error.strerror or str(error)
        raise OwnWorkError(f"Cannot save the PDF to {target}: {reason}.") from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return target
