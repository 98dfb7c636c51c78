"""The PyInstaller spec: what it must bundle, what it must keep out, and its plugin filter.

PyInstaller itself is not run here (a build takes minutes); packaging/linux/build.sh does that
and smoke-tests the result. These tests catch the spec drifting from the app it freezes.
"""

from __future__ import annotations

import ast
import importlib.util
import plistlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.conftest import ROOT


def _assigned(tree: ast.Module, name: str) -> ast.expr:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return node.value
    raise AssertionError(f"the spec no longer assigns {name}")


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _calls(node: ast.AST) -> list[tuple[str, list[str]]]:
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name):
            found.append((n.func.id, _strings(n)))
    return found


def _plugin_filter(tree: ast.Module) -> Callable[[str], bool]:
    """Execute just KEEP_PLUGINS and _plugin_kept from the spec."""
    wanted: list[ast.stmt] = [
        node
        for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name == "_plugin_kept")
        or (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "KEEP_PLUGINS" for t in node.targets)
        )
    ]
    assert len(wanted) == 2, "KEEP_PLUGINS and _plugin_kept must stay top-level in the spec"
    namespace: dict[str, Any] = {"Path": Path}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), "spec", "exec"), namespace)  # noqa: S102
    kept: Callable[[str], bool] = namespace["_plugin_kept"]
    return kept


REQUIRED_HIDDENIMPORTS = {
    "python_calamine",
    "xlsxwriter",
    "truststore",
    "uvicorn.logging",
    "uvicorn.loops.auto",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.lifespan.on",
}


def test_hiddenimports_cover_runtime_lookups(spec_tree: ast.Module) -> None:
    common = _assigned(spec_tree, "COMMON_HIDDENIMPORTS")
    assert set(_strings(common)) >= REQUIRED_HIDDENIMPORTS
    # keyring finds backends by entry point: modules and metadata must both be bundled.
    assert ("collect_submodules", ["keyring.backends"]) in _calls(common)
    assert ("copy_metadata", ["keyring"]) in _calls(_assigned(spec_tree, "DATAS"))


def test_every_hiddenimport_exists_in_this_environment(spec_tree: ast.Module) -> None:
    names = _strings(_assigned(spec_tree, "COMMON_HIDDENIMPORTS"))
    missing = [name for name in names if importlib.util.find_spec(name) is None]
    assert not missing, f"hiddenimports that no installed package provides: {missing}"


def test_unused_qt_modules_and_dev_tools_are_excluded(spec_tree: ast.Module) -> None:
    qt = set(_strings(_assigned(spec_tree, "QT_EXCLUDES")))
    for module in ("QtQml", "QtQuick", "QtWebEngineCore", "Qt3DCore", "QtMultimedia",
                   "QtNetworkAuth"):
        assert module in qt
    # Used by the app: the single-instance hand-over (QLocalServer) and the Summary charts.
    assert not {"QtNetwork", "QtCharts"} & qt
    dev = set(_strings(_assigned(spec_tree, "DEV_EXCLUDES")))
    assert {"pytest", "hypothesis", "mypy", "tkinter", "keyrings.alt"} <= dev


def _qt_modules_imported_by_the_app() -> set[str]:
    used: set[str] = set()
    for path in (ROOT / "ping_desktop").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "PySide6":
                    used.update(alias.name for alias in node.names)
                elif node.module.startswith("PySide6."):
                    used.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                used.update(
                    a.name.split(".")[1] for a in node.names if a.name.startswith("PySide6.")
                )
    return used


def test_the_app_uses_no_excluded_qt_module(spec_tree: ast.Module) -> None:
    excluded = {s.removeprefix("PySide6.") for s in _strings(_assigned(spec_tree, "QT_EXCLUDES"))}
    used = _qt_modules_imported_by_the_app()
    assert "QtWidgets" in used  # the scan works
    clash = used & excluded
    assert not clash, f"ping_desktop imports Qt modules the spec leaves out: {sorted(clash)}"


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqminimal.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqico.so", True),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
        ("PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("python_calamine/_python_calamine.cpython-311-x86_64-linux-gnu.so", True),
    ],
)
def test_plugin_filter(spec_tree: ast.Module, dest: str, kept: bool) -> None:
    assert _plugin_filter(spec_tree)(dest) is kept


def test_both_programs_share_one_folder() -> None:
    text = (ROOT / "packaging" / "ping_desktop.spec").read_text(encoding="utf-8")
    assert re.search(r'name="ping-desktop",\s*console=False', text)
    assert re.search(r'name="ping-desktop-cli",\s*console=True', text)
    collect = text[text.index("COLLECT(") :]
    assert "exe_gui" in collect
    assert "exe_cli" in collect
    for script in ("entry_gui.py", "entry_cli.py"):
        assert (ROOT / "packaging" / script).is_file()


def test_macos_document_types_never_claim_the_default() -> None:
    with (ROOT / "packaging" / "macos" / "Info.plist").open("rb") as plist_file:
        types = plistlib.load(plist_file)["CFBundleDocumentTypes"]
    ranks = [t.get("LSHandlerRank") for t in types]
    assert ranks, "CFBundleDocumentTypes lost its LSHandlerRank"
    assert all(r == "Alternate" for r in ranks)
    utis = {uti for t in types for uti in t["LSItemContentTypes"]}
    assert {"org.openxmlformats.spreadsheetml.sheet", "public.comma-separated-values-text"} <= utis


def test_spec_builds_the_mac_app_from_the_plist_file() -> None:
    text = (ROOT / "packaging" / "ping_desktop.spec").read_text(encoding="utf-8")
    assert 'PACKAGING / "macos" / "Info.plist"' in text
    assert "info_plist=INFO_PLIST" in text


def test_windows_only_modules_stay_out_elsewhere() -> None:
    # platformdirs.windows drags ctypes references to ole32/shell32 in, and PyInstaller warns
    # about them on Linux/macOS; it is only ever imported on Windows.
    text = (ROOT / "packaging" / "ping_desktop.spec").read_text(encoding="utf-8")
    assert re.search(r'if not IS_WIN:\n\s+DEV_EXCLUDES \+= \["platformdirs\.windows"\]', text)
    found = importlib.util.find_spec("platformdirs")
    assert found is not None
    assert found.origin is not None
    # The exclusion relies on platformdirs importing its Windows module only on Windows.
    source = Path(found.origin).read_text(encoding="utf-8")
    assert source.index('sys.platform == "win32"') < source.index(".windows import")


def test_bundled_data_files_exist(spec_tree: ast.Module) -> None:
    text = (ROOT / "packaging" / "ping_desktop.spec").read_text(encoding="utf-8")
    assert '"resources" / "sample" / "sample-sov.xlsx"' in text
    assert (ROOT / "resources" / "sample" / "sample-sov.xlsx").is_file()
    assert (ROOT / "resources" / "icons" / "ping-desktop.svg").is_file()


def test_address_reference_data_is_bundled(spec_tree: ast.Module) -> None:
    """The ZIP table and usaddress's model file are data, not imports: PyInstaller finds
    neither by itself, and the frozen app's address checks need both."""
    datas = _assigned(spec_tree, "DATAS")
    assert ("collect_data_files", ["usaddress"]) in _calls(datas)
    text = ast.unparse(datas)
    assert "'resources' / 'reference' / 'us_zips.tsv.gz'" in text
    assert "'resources/reference'" in text
    assert (ROOT / "resources" / "reference" / "us_zips.tsv.gz").is_file()
    # The place the app reads it from is the place the spec puts it.
    from ping_desktop.intake.refdata import ZIP_TABLE

    assert ZIP_TABLE == ("reference", "us_zips.tsv.gz")  # under resources/, as bundled
    # What collect_data_files("usaddress") picks up in this environment: the model file.
    import usaddress

    assert (Path(usaddress.__file__).parent / "usaddr.crfsuite").is_file()
    assert "zipcodes" in _strings(_assigned(spec_tree, "DEV_EXCLUDES"))


def _resource_folders_the_code_reads() -> dict[str, str]:
    """resources/<folder> -> the module asking for it, from every ``resource_path(...)`` call
    (literal arguments, or ``*NAME`` of a module-level tuple of literals)."""
    found: dict[str, str] = {}
    for path in (ROOT / "ping_desktop").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tuples = {
            t.id: node.value
            for node in tree.body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)
            if isinstance(node.value, ast.Tuple)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "resource_path" and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.Starred) and isinstance(first.value, ast.Name):
                value = tuples.get(first.value.id)
                first = value.elts[0] if value is not None and value.elts else first
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found[first.value] = str(path.relative_to(ROOT))
    return found


def test_every_resource_folder_the_code_reads_is_bundled(spec_tree: ast.Module) -> None:
    folders = _resource_folders_the_code_reads()
    assert {"icons", "sample", "reference"} <= set(folders)  # the scan works
    bundled = set(_strings(_assigned(spec_tree, "DATAS")))
    missing = {f: who for f, who in folders.items() if f"resources/{f}" not in bundled}
    assert not missing, f"read from resources/ but not in the spec's DATAS: {missing}"
