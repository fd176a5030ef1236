"""A throwaway CA certificate for the bundle checks' school-server connection attempt (the
bundled program must read it and build a TLS context before it tries the server)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def make_ca_certificate(folder: Path) -> Path:
    """A self-signed CA certificate made with openssl in ``folder``; its path."""
    certificate = folder / "school-ca.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(folder / "school-ca.key"),
         "-out", str(certificate), "-days", "1", "-subj", "/CN=Bundle check CA"],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate
