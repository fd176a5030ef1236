"""The scripts a teacher can choose from: the bundled ones and their own.

Bundled scripts come with the application (``resources/scripts/*.yaml``) and are read-only;
saving an edited bundled script stores a copy under a new id.  The teacher's scripts are YAML
files in ``<data folder>/scripts``, one per script, named ``<id>.yaml``.  Files there are written
atomically (temporary file, then ``os.replace``) so a crash never leaves half a script.  A file
that cannot be read is listed as a problem entry, never fatal: the others still work.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from app.errors import NotFoundError, OwnWorkError
from app.paths import AppPaths
from app.scripts.loader import dump_script, load_script_file, parse_script, read_script_file
from app.scripts.model import Script
from app.scripts.problems import Problem, ScriptError

SCRIPT_SUFFIX = ".yaml"


class ScriptExistsError(OwnWorkError):
    """An import would take an id that is already used; ``bundled`` says whose it is."""

    def __init__(self, script_id: str, *, bundled: bool) -> None:
        self.script_id = script_id
        self.bundled = bundled
        if bundled:
            message = (
                f"A built-in script already has the id '{script_id}'. Change the id in the "
                "file before importing it."
            )
        else:
            message = f"You already have a script with the id '{script_id}'."
        super().__init__(message)


class ReadOnlyScriptError(OwnWorkError):
    """A bundled script cannot be changed or deleted."""


@dataclass(frozen=True)
class ScriptEntry:
    """One item of the library's list.  A problem entry has ``script`` None and ``error`` set;
    its ``id`` is then the file's name without ``.yaml``."""

    id: str
    bundled: bool
    script: Script | None = None
    path: Path | None = None
    error: ScriptError | None = None

    @property
    def ok(self) -> bool:
        return self.script is not None

    @property
    def title(self) -> str:
        return self.script.title if self.script is not None else self.id


class ScriptLibrary:
    def __init__(self, paths: AppPaths) -> None:
        self.folder = paths.data_dir / "scripts"

    def list(self) -> builtins.list[ScriptEntry]:
        """Bundled scripts, then the teacher's, each by title; problem entries last."""
        entries = [*self._bundled_entries(), *self._user_entries()]
        return sorted(entries, key=lambda e: (not e.ok, not e.bundled, e.title.casefold(), e.id))

    def get(self, script_id: str) -> Script:
        entry = self._find(script_id)
        if entry is None or entry.script is None:
            raise NotFoundError(f"There is no script with the id '{script_id}'.")
        return entry.script

    def is_bundled(self, script_id: str) -> bool:
        return any(entry.id == script_id for entry in self._bundled_entries())

    def save(self, script: Script, *, replace: bool = True) -> Script:
        """Stores a script (checked first) and returns it as stored.

        A script with a bundled id is stored as the teacher's own copy under a new id; the
        returned script says which.  Without ``replace``, a script of the teacher's with the
        same id is not overwritten (``ScriptExistsError``).
        """
        from app.scripts.model import from_snapshot, to_snapshot

        checked = from_snapshot(to_snapshot(script), source=script.title or "script")
        if self.is_bundled(checked.id):
            checked = self._own_copy(checked)
        existing = self._find(checked.id)
        if existing is not None and not replace:
            raise ScriptExistsError(checked.id, bundled=False)
        self._write(self._target(checked.id, existing), dump_script(checked))
        return checked

    def delete(self, script_id: str) -> None:
        if self.is_bundled(script_id):
            raise ReadOnlyScriptError("Built-in scripts cannot be deleted.")
        entry = self._find(script_id)
        if entry is None or entry.path is None:
            raise NotFoundError(f"There is no script with the id '{script_id}'.")
        try:
            entry.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise OwnWorkError(
                f"The script file {entry.path} could not be deleted: {error.strerror}."
            ) from None

    def import_file(self, path: str | os.PathLike[str], *, replace: bool = False) -> Script:
        """Adds a script file to the teacher's scripts.  Nothing is written unless the file is a
        valid script whose id is free (or, with ``replace``, one of the teacher's own)."""
        script, text = read_script_file(path)
        if self.is_bundled(script.id):
            raise ScriptExistsError(script.id, bundled=True)
        existing = self._find(script.id)
        if existing is not None and not replace:
            raise ScriptExistsError(script.id, bundled=False)
        # The text as written, so that the author's comments survive.
        self._write(self._target(script.id, existing), text)
        return script

    def export(self, script: Script | str, destination: str | os.PathLike[str]) -> Path:
        """Writes a script (or the library's script with that id) to a file of the user's
        choice, in the same format the library reads."""
        from app.scripts.model import from_snapshot, to_snapshot

        chosen = self.get(script) if isinstance(script, str) else script
        chosen = from_snapshot(to_snapshot(chosen), source=chosen.title or "script")
        target = Path(destination)
        self._write(target, dump_script(chosen))
        return target

    def new_id(self, base: str) -> str:
        """An id not used by any script: ``base``, else ``base-2``, ``base-3`` …"""
        taken = {entry.id for entry in self.list()}
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        return candidate

    def _own_copy(self, script: Script) -> Script:
        from dataclasses import replace

        original = self.get(script.id)
        title = script.title
        if title == original.title:
            title = f"{title} (own copy)"
        return replace(script, id=self.new_id(f"{script.id}-own"), title=title, version=1)

    def _find(self, script_id: str) -> ScriptEntry | None:
        for entry in self.list():
            if entry.id == script_id and entry.ok:
                return entry
        return None

    def _target(self, script_id: str, existing: ScriptEntry | None) -> Path:
        """The script's own file, or a new file name that no other file has (a broken file
        named after the id is the teacher's to fix, not to be overwritten)."""
        if existing is not None and existing.path is not None:
            return existing.path
        candidate, number = self.folder / f"{script_id}{SCRIPT_SUFFIX}", 1
        while candidate.exists():
            number += 1
            candidate = self.folder / f"{script_id}-{number}{SCRIPT_SUFFIX}"
        return candidate

    def _bundled_entries(self) -> tuple[ScriptEntry, ...]:
        return _bundled_entries()

    def _user_entries(self) -> builtins.list[ScriptEntry]:
        if not self.folder.is_dir():
            return []
        bundled_ids = {entry.id for entry in self._bundled_entries()}
        entries: builtins.list[ScriptEntry] = []
        seen: dict[str, Path] = {}
        for path in sorted(self.folder.glob(f"*{SCRIPT_SUFFIX}")):
            stem = path.name.removesuffix(SCRIPT_SUFFIX)
            try:
                script = load_script_file(path)
            except ScriptError as error:
                entries.append(ScriptEntry(stem, bundled=False, path=path, error=error))
                continue
            clash = _clash(script.id, path, bundled_ids, seen)
            if clash is not None:
                entries.append(ScriptEntry(stem, bundled=False, path=path, error=clash))
                continue
            seen[script.id] = path
            entries.append(ScriptEntry(script.id, bundled=False, script=script, path=path))
        return entries

    def _write(self, target: Path, text: str) -> None:
        """Writes ``text`` to ``target`` atomically: the old file stays whole until the new one
        is complete on disk."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
        except OSError as error:
            raise OwnWorkError(
                f"The script could not be saved in {target.parent}: {error.strerror}."
            ) from None
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise OwnWorkError(
                f"The script could not be saved as {target}: {error.strerror}."
            ) from None


@cache
def _bundled_entries() -> tuple[ScriptEntry, ...]:
    """The bundled scripts, read once per process: they cannot change while the app runs."""
    folder = resources.files("resources") / "scripts"
    entries = []
    for item in sorted(folder.iterdir(), key=lambda item: item.name):
        if not item.name.endswith(SCRIPT_SUFFIX):
            continue
        source = f"resources/scripts/{item.name}"
        try:
            script = parse_script(item.read_text(encoding="utf-8"), source)
            entries.append(ScriptEntry(script.id, bundled=True, script=script))
        except ScriptError as error:
            stem = item.name.removesuffix(SCRIPT_SUFFIX)
            entries.append(ScriptEntry(stem, bundled=True, error=error))
    return tuple(entries)


def _clash(
    script_id: str, path: Path, bundled_ids: set[str], seen: dict[str, Path]
) -> ScriptError | None:
    if script_id in bundled_ids:
        message = f"has the id '{script_id}' of a built-in script; change the id to use it"
    elif script_id in seen:
        message = f"has the id '{script_id}', already used by {seen[script_id].name}"
    else:
        return None
    return ScriptError([Problem(str(path), None, "id", message)])
