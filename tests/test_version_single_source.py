"""The version is written once, in pyproject.toml; everything that shows it reads it from there."""

from __future__ import annotations

import ast
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from importlib.metadata import version
from pathlib import Path

import pytest
from pypdf import PdfReader

import app
from app.cli.main import main
from app.paths import AppPaths
from app.version import __version__

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging" / "windows"))

from make_version_info import render, version_numbers  # noqa: E402


@pytest.fixture(scope="module")
def declared() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def test_package_metadata_and_module_agree_with_pyproject(declared: str) -> None:
    assert version("ownwork") == declared
    assert __version__ == declared
    assert app.__version__ == declared


def test_the_command_line_prints_it(declared: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"OwnWork {declared}"


def test_exported_pdfs_carry_it_in_their_metadata(
    declared: str, paths: AppPaths, conversation_id: int, tmp_path: Path
) -> None:
    pdf = tmp_path / "record.pdf"
    code = main(
        [
            "--data-dir",
            str(paths.data_dir),
            "export",
            "record",
            str(conversation_id),
            "-o",
            str(pdf),
        ]
    )
    assert code == 0
    metadata = PdfReader(pdf).metadata
    assert metadata is not None
    assert metadata.creator == f"OwnWork {declared}"


def test_the_windows_version_resource_is_generated_from_it(declared: str) -> None:
    text = render(declared)
    ast.parse(text, mode="eval")  # PyInstaller evaluates the file as one Python expression
    numbers = version_numbers(declared)
    assert f"filevers={numbers}" in text
    assert f"StringStruct('ProductVersion', '{declared}')" in text
    assert numbers[:3] == tuple(int(part) for part in declared.split(".")[:3])


def test_windows_version_numbers_tolerate_pre_releases() -> None:
    assert version_numbers("1.2") == (1, 2, 0, 0)
    assert version_numbers("2.0.0rc1") == (2, 0, 0, 1)
    assert version_numbers("1.4.2+local.7") == (1, 4, 2, 0)


def test_the_newest_appstream_release_is_this_version(declared: str) -> None:
    tree = ElementTree.parse(ROOT / "packaging" / "linux" / "uk.ownwork.OwnWork.metainfo.xml")
    releases = tree.getroot().findall("./releases/release")
    assert releases, "metainfo has no <release>"
    assert releases[0].get("version") == declared
