from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from grok_spicy_desktop.domain.project import SCHEMA_VERSION, Project, RunOptions
from grok_spicy_desktop.storage import paths
from grok_spicy_desktop.storage.fsutil import StorageError
from grok_spicy_desktop.storage.locking import ProjectLock
from grok_spicy_desktop.storage.migrations import NewerSchemaError
from grok_spicy_desktop.storage.project_store import (
    ASSET_KINDS,
    ProjectLockedError,
    ProjectStore,
)

from .conftest import populate


def _json(path: Path) -> dict:
    return json.loads((path / "project.json").read_text(encoding="utf-8"))


# -- create / round trip -----------------------------------------------------------------------


def test_create_writes_project_and_folders(store: ProjectStore) -> None:
    options = RunOptions(scene_count=4, backend="xai", resolution="480p")
    with store.create("A lighthouse keeper befriends a storm, at night.", options=options) as h:
        assert h.path.parent == store.root.resolve()
        assert h.project.name == "A lighthouse keeper befriends a storm"
        assert len(h.project.id) == 32
        for kind in ASSET_KINDS:
            assert (h.path / kind).is_dir()
        data = _json(h.path)
        assert data["schema_version"] == SCHEMA_VERSION
        assert data["options"]["scene_count"] == 4
        assert not h.readonly


def test_create_default_root_and_unique_folder_names() -> None:
    store = ProjectStore()
    assert store.root == paths.default_projects_root()
    with store.create("x", name="Film: part/1") as a, store.create("y", name="Film: part/1") as b:
        assert a.path.name == "Film_ part_1"
        assert b.path.name == "Film_ part_1_2"
        assert a.project.id != b.project.id


def test_create_in_explicit_folder(store: ProjectStore, tmp_path: Path) -> None:
    target = tmp_path / "out" / "my run"
    with store.create("concept", folder=target) as h:
        assert h.path == target.resolve()
    with pytest.raises(StorageError, match="already holds a Grok Spicy project"):
        store.create("again", folder=target)


def test_create_rejects_empty_concept(store: ProjectStore) -> None:
    with pytest.raises(StorageError, match="concept is empty"):
        store.create("   ")


def test_round_trip_full_project(store: ProjectStore) -> None:
    with store.create("A storm at sea") as h:
        populate(h.project)
        h.save()
        expected = h.project.model_dump()
        path = h.path
    with store.open(path / "project.json") as again:  # the file path works too
        assert again.project.model_dump() == expected
        assert again.project.characters[0].selected is not None
        assert again.project.characters[0].path == "characters/Mara_v2.jpg"
        assert again.project.call("vid1") is not None
        assert again.project.call("vid1").request_id == "req-123"  # type: ignore[union-attr]


def test_save_bumps_updated_at_and_keeps_backup(store: ProjectStore) -> None:
    with store.create("concept") as h:
        first = h.project.updated_at
        h.project.plan_warnings = ["one"]
        h.save()
        assert h.project.updated_at > first
        assert json.loads((h.path / "project.json.bak").read_text())["plan_warnings"] == []
        h.project.plan_warnings = ["two"]
        h.save()
        assert json.loads((h.path / "project.json.bak").read_text())["plan_warnings"] == ["one"]


def test_save_is_thread_safe(store: ProjectStore) -> None:
    with store.create("concept") as h:
        errors: list[BaseException] = []

        def worker(n: int) -> None:
            try:
                for i in range(10):
                    h.project.rewordings[f"{n}-{i}"] = "x"
                    h.save()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(_json(h.path)["rewordings"]) == 40
        assert not [p for p in h.path.iterdir() if p.name.endswith(".tmp")]


# -- locking -----------------------------------------------------------------------------------


def test_second_handle_is_readonly(store: ProjectStore) -> None:
    with store.create("concept") as first:
        second = store.open(first.path)
        assert second.readonly
        assert second.readonly_reason == (
            f"This project is open in another Grok Spicy window (pid {os.getpid()}). It is "
            "shown read-only; close the other window to edit it."
        )
        with pytest.raises(StorageError, match="another Grok Spicy window"):
            second.save()
        second.close()  # closing the read-only view must not release the writer's lock
        assert store.open(first.path).readonly
    with store.open(first.path) as third:
        assert not third.readonly


def test_explicit_readonly_open_does_not_lock(store: ProjectStore) -> None:
    with store.create("concept") as h:
        path = h.path
    with store.open(path, readonly=True) as view, store.open(path) as writer:
        assert view.readonly and view.readonly_reason
        assert not writer.readonly


def test_closed_handle_refuses_to_save(store: ProjectStore) -> None:
    h = store.create("concept")
    h.close()
    h.close()  # idempotent
    with pytest.raises(StorageError, match="closed"):
        h.save()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_process_leaves_no_stale_lock(store: ProjectStore) -> None:
    with store.create("concept") as h:
        path = h.path
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from grok_spicy_desktop.storage.project_store import ProjectStore
        h = ProjectStore(Path({str(store.root)!r})).open(Path({str(path)!r}))
        print("readonly" if h.readonly else "locked", flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "locked"
        view = store.open(path)
        assert view.readonly
        assert f"(pid {child.pid})" in (view.readonly_reason or "")
        view.close()
        with pytest.raises(ProjectLockedError):
            store.delete(path)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert (path / ".lock").exists()  # the file stays; the OS lock died with the process
    with store.open(path) as after:
        assert not after.readonly


# -- recovery ----------------------------------------------------------------------------------


def _saved_twice(store: ProjectStore) -> Path:
    with store.create("concept", name="Recovery") as h:
        h.project.plan_warnings = ["in backup"]
        h.save()
        h.project.plan_warnings = ["newest"]
        h.save()
        return h.path


@pytest.mark.parametrize(
    "damage", [b"", b'{"schema_version": 1, "id": "abc", "na', b"\xff\xfe\x00"]
)
def test_corrupt_project_recovers_from_backup(store: ProjectStore, damage: bytes) -> None:
    path = _saved_twice(store)
    (path / "project.json").write_bytes(damage)
    with store.open(path) as h:
        assert h.project.plan_warnings == ["in backup"]  # .bak holds the previous good save
        assert h.recovered_from and "restored from its last backup" in h.recovered_from
        aside = [p for p in path.iterdir() if p.name.startswith("project.json.corrupt-")]
        assert len(aside) == 1 and aside[0].read_bytes() == damage
        assert aside[0].name in h.recovered_from
        assert _json(path)["plan_warnings"] == ["in backup"]  # a good project.json is back


def test_wrong_types_try_backup(store: ProjectStore) -> None:
    path = _saved_twice(store)
    data = _json(path)
    data["characters"] = "not a list"
    (path / "project.json").write_text(json.dumps(data))
    with store.open(path) as h:
        assert h.recovered_from and "characters" in h.recovered_from
        assert isinstance(h.project.characters, list)


def test_readonly_recovery_leaves_damaged_file_in_place(store: ProjectStore) -> None:
    path = _saved_twice(store)
    (path / "project.json").write_text("{")
    with store.open(path, readonly=True) as h:
        assert h.recovered_from and "left in place" in h.recovered_from
    assert (path / "project.json").read_text() == "{"


def test_corrupt_without_backup_raises_and_deletes_nothing(store: ProjectStore) -> None:
    with store.create("concept") as h:
        path = h.path
    (path / "project.json").write_text('{"truncated')
    with pytest.raises(StorageError) as info:
        store.open(path)
    message = str(info.value)
    assert "no usable backup" in message and "Nothing was deleted" in message
    assert (path / "project.json").read_text() == '{"truncated'
    lock = ProjectLock.acquire(path.resolve())  # the failed open released its lock
    assert lock is not None
    lock.release()


def test_missing_project_json_uses_backup(store: ProjectStore) -> None:
    path = _saved_twice(store)
    (path / "project.json").unlink()
    with store.open(path) as h:
        assert h.recovered_from and "missing" in h.recovered_from
    assert (path / "project.json").exists()


def test_newer_schema_is_refused(store: ProjectStore) -> None:
    path = _saved_twice(store)
    data = _json(path)
    data["schema_version"] = SCHEMA_VERSION + 1
    (path / "project.json").write_text(json.dumps(data))
    for readonly in (False, True):
        with pytest.raises(NewerSchemaError, match="newer version of Grok Spicy"):
            store.open(path, readonly=readonly)
    assert _json(path)["schema_version"] == SCHEMA_VERSION + 1  # untouched


def test_open_errors_are_clear(store: ProjectStore, tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        store.open(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(StorageError, match="not a Grok Spicy project"):
        store.open(tmp_path / "plain")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(StorageError, match="not a Grok Spicy project"):
        store.open(tmp_path / "file.txt")


def test_legacy_v0_file_opens_migrated(store: ProjectStore, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "project.json").write_text(
        json.dumps({"prompt": "An old story", "title": "Old", "final_video_path": "final.mp4"})
    )
    with store.open(folder) as h:
        assert h.project.name == "Old" and h.project.concept == "An old story"
        assert h.project.final_video == "final.mp4"
        h.save()
    assert _json(folder)["schema_version"] == SCHEMA_VERSION
    assert "schema_version" not in json.loads((folder / "project.json.bak").read_text())


# -- paths and references ----------------------------------------------------------------------


def test_resolve_and_relative(store: ProjectStore, tmp_path: Path) -> None:
    with store.create("concept") as h:
        file = h.asset_dir("keyframes") / "scene_1_v1.jpg"
        assert h.relative(file) == "keyframes/scene_1_v1.jpg"
        assert h.resolve("keyframes/scene_1_v1.jpg") == file
        assert h.resolve("keyframes\\scene_1_v1.jpg") == file
        for bad in ("../outside.jpg", "/etc/passwd", "C:/x.jpg", ""):
            with pytest.raises(StorageError, match="outside the project"):
                h.resolve(bad)
        with pytest.raises(StorageError, match="outside the project folder"):
            h.relative(tmp_path / "elsewhere.jpg")
        with pytest.raises(ValueError):
            h.asset_dir("secrets")


def test_add_and_remove_references(store: ProjectStore, tmp_path: Path) -> None:
    photo = tmp_path / "My Photo (1).JPG"
    photo.write_bytes(b"jpeg bytes")
    with store.create("concept") as h:
        rels = [h.add_reference("Mara", photo) for _ in range(3)]
        assert rels == [
            "references/My Photo (1).jpg",
            "references/My Photo (1)_2.jpg",
            "references/My Photo (1)_3.jpg",
        ]
        assert all(h.resolve(r).read_bytes() == b"jpeg bytes" for r in rels)
        assert _json(h.path)["references"]["Mara"] == rels  # saved
        with pytest.raises(StorageError, match="the most a character can use"):
            h.add_reference("Mara", photo)
        with pytest.raises(StorageError, match="could not be found"):
            h.add_reference("Kai", tmp_path / "nope.png")
        text = tmp_path / "notes.txt"
        text.write_text("x")
        with pytest.raises(StorageError, match="not a supported photo"):
            h.add_reference("Kai", text)
        h.remove_reference("Mara", rels[0])
        assert not h.resolve(rels[0]).exists()
        assert h.project.references["Mara"] == rels[1:]
        h.remove_reference("Mara", rels[1])
        h.remove_reference("Mara", rels[2])
        assert "Mara" not in h.project.references
        h.remove_reference("Mara", "references/unknown.jpg")  # no-op


def test_readonly_handle_refuses_reference(store: ProjectStore, tmp_path: Path) -> None:
    photo = tmp_path / "p.png"
    photo.write_bytes(b"png")
    with store.create("concept") as h, store.open(h.path) as view:
        with pytest.raises(StorageError, match="read-only"):
            view.add_reference("Mara", photo)
        assert not any((h.path / "references").iterdir())


def test_run_logger_writes_redacted_file(store: ProjectStore) -> None:
    with store.create("concept") as h:
        logger = h.run_logger()
        secret = "xai-" + "k" * 40
        logger.info("prompt sent with key %s", secret)
        logger.debug("Authorization: Bearer abc.def")
        logs = list((h.path / "logs").glob("run-*.log"))
        assert len(logs) == 1
        h.close()
        text = logs[0].read_text(encoding="utf-8")
    assert "prompt sent with key [REDACTED]" in text
    assert secret not in text and "abc.def" not in text
    assert not logging.getLogger(f"grok_spicy_desktop.run.{h.project.id}").handlers


# -- list / rename / delete --------------------------------------------------------------------


def test_list_summaries(store: ProjectStore) -> None:
    assert store.list() == []
    with store.create("first concept", name="First") as a:
        pass
    with store.create("second concept", name="Second") as b:
        populate(b.project)
        b.save()
    (store.root / "junk").mkdir()
    (store.root / "broken").mkdir()
    (store.root / "broken" / "project.json").write_text("{")
    summaries = store.list()
    assert [s.name for s in summaries] == ["Second", "First"]
    assert summaries[0].status == "complete_with_gaps"
    assert summaries[0].thumbnail == "keyframes/scene_1_v1.jpg"
    assert summaries[1].status == "new" and summaries[1].thumbnail is None
    assert summaries[1].path == a.path and summaries[1].concept == "first concept"


def test_rename(store: ProjectStore) -> None:
    with store.create("concept", name="Old name") as h:
        path = h.path
    with store.create("other", name="Taken"):
        pass
    new_path = store.rename(path, "Taken")
    assert new_path.name == "Taken_2" and not path.exists()
    assert _json(new_path)["name"] == "Taken"
    same = store.rename(new_path, "taken 2")
    assert _json(same)["name"] == "taken 2"
    with store.open(same) as h, pytest.raises(ProjectLockedError):
        store.rename(h.path, "Nope")
    with pytest.raises(StorageError, match="empty"):
        store.rename(same, "  ")


def test_delete(store: ProjectStore, tmp_path: Path) -> None:
    with store.create("concept") as h:
        path = h.path
        with pytest.raises(ProjectLockedError, match="Close it there first"):
            store.delete(path)
    plain = tmp_path / "not-a-project"
    plain.mkdir()
    (plain / "keep.txt").write_text("x")
    with pytest.raises(StorageError, match="nothing was deleted"):
        store.delete(plain)
    assert (plain / "keep.txt").exists()
    store.delete(path)
    assert not path.exists()


def test_project_json_is_plain_json_without_key(store: ProjectStore, monkeypatch) -> None:
    monkeypatch.setenv("XAI_API_KEY", "xai-" + "s" * 40)
    with store.create("concept") as h:
        populate(h.project)
        h.save()
        text = (h.path / "project.json").read_text()
    assert "xai-sss" not in text
    Project.model_validate_json(text)


def test_save_never_backs_up_a_file_damaged_behind_its_back(store: ProjectStore) -> None:
    with store.create("concept") as h:
        h.project.plan_warnings = ["good"]
        h.save()
        h.save()
        good_backup = (h.path / "project.json.bak").read_bytes()
        (h.path / "project.json").write_text("{ half written by another tool")
        h.save()
        assert (h.path / "project.json.bak").read_bytes() == good_backup
        assert _json(h.path)["plan_warnings"] == ["good"]
        # an intact external edit is a usable previous version: it does get backed up
        data = _json(h.path)
        data["plan_warnings"] = ["edited by hand"]
        (h.path / "project.json").write_text(json.dumps(data))
        h.save()
        bak = json.loads((h.path / "project.json.bak").read_text())
        assert bak["plan_warnings"] == ["edited by hand"]


def test_unwritable_folder_opens_readonly(store: ProjectStore, monkeypatch) -> None:
    with store.create("concept") as h:
        path = h.path

    def denied(folder: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ProjectLock, "acquire", staticmethod(denied))
    with store.open(path) as view:
        assert view.readonly
        assert "cannot be written (Permission denied)" in (view.readonly_reason or "")
    with pytest.raises(StorageError, match="not allowed"):
        store.delete(path)
    assert path.exists()
