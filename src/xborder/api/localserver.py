"""How the command line finds a running ``xborder serve`` on the same warehouse and talks to it (stdlib only).

While it runs, the server holds the warehouse file (DuckDB: one writing process). It publishes
``<warehouse>.serve.json`` beside the file — its process id, a loopback URL and a random local token —
readable by its own OS user only (mode 0600: whoever can read it can read the warehouse file anyway).
A command that finds the file locked reads that file and goes through the server: reads from a
snapshot the server makes (:meth:`LocalServer.snapshot`), ingests through it (:meth:`LocalServer.ingest`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["LocalServer", "ServerError", "server_file", "publish", "withdraw", "find", "new_token"]


class ServerError(Exception):
    """The running server answered with an error (``status`` and its ``detail``), or could not be reached."""

    def __init__(self, status: int, detail: str, hint: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.hint = status, detail, hint


def server_file(db_path: str | Path) -> Path:
    """Where a server on ``db_path`` publishes itself: ``<warehouse file>.serve.json``."""
    p = Path(db_path).expanduser().resolve()
    return p.with_name(p.name + ".serve.json")


def new_token() -> str:
    """A fresh local token (256 bits)."""
    return secrets.token_urlsafe(32)


def publish(db_path: str | Path, *, host: str, port: int, token: str) -> Path:
    """Write the server file (mode 0600, replaced atomically); returns its path."""
    local_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    url_host = f"[{local_host}]" if ":" in local_host else local_host
    info = {
        "pid": os.getpid(),
        "url": f"http://{url_host}:{port}",
        "token": token,
        "db_path": str(Path(db_path).expanduser().resolve()),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    target = server_file(db_path)
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(info, fh)
    part.replace(target)
    return target


def withdraw(db_path: str | Path) -> None:
    """Remove the server file if this process wrote it."""
    target = server_file(db_path)
    try:
        if json.loads(target.read_text(encoding="utf-8")).get("pid") == os.getpid():
            target.unlink()
    except (OSError, ValueError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


@dataclass(frozen=True)
class LocalServer:
    """A running server on this warehouse, as its server file says."""

    pid: int
    url: str
    token: str | None
    started_at: str
    file: Path

    @property
    def readable(self) -> bool:
        """Whether this user could read the local token (else only the server's own user can use it)."""
        return self.token is not None

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, timeout: float = 3600
    ) -> Any:
        """Call the server's API with the local token; the decoded JSON answer.

        Raises:
            ServerError: an error answer (status, detail) or no answer at all (status 0).
        """
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 — our own loopback URL
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read() or b"{}")
            except ValueError:
                answer = {}
            raise ServerError(exc.code, str(answer.get("detail") or exc.reason), answer.get("hint")) from None
        except (urllib.error.URLError, OSError) as exc:
            raise ServerError(0, f"The server at {self.url} did not answer: {exc}") from None

    def snapshot(self) -> Path:
        """Path of a fresh read-only copy of the warehouse the server made for this command."""
        return Path(self.call("POST", "/api/local/snapshot", {}, timeout=600)["path"])

    def ingest(
        self,
        path: Path,
        kind: str | None,
        *,
        mapping: Path | None = None,
        reject_dir: Path | None = None,
        options: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Ingest a file or folder on this machine through the server; the ingest results (as dicts).

        ``options``: ``force``, ``sheet``, ``as_of`` (ISO date) as ``xborder ingest`` takes them."""
        body = {
            **{k: v for k, v in (options or {}).items() if v not in (None, False)},
            "path": str(Path(path).expanduser().resolve()),
            "kind": kind,
            "mapping": None if mapping is None else str(Path(mapping).expanduser().resolve()),
            "reject_dir": None if reject_dir is None else str(Path(reject_dir).expanduser().resolve()),
        }
        return list(self.call("POST", "/api/local/ingest", body)["results"])


def find(db_path: str | Path) -> LocalServer | None:
    """The live server published for ``db_path``, or None (no file, or its process is gone)."""
    target = server_file(db_path)
    try:
        info = json.loads(target.read_text(encoding="utf-8"))
    except PermissionError:
        st = target.stat()
        return LocalServer(pid=0, url="", token=None, started_at=str(st.st_mtime), file=target)
    except (OSError, ValueError):
        return None
    pid = int(info.get("pid") or 0)
    if not pid or not _alive(pid):
        return None
    return LocalServer(
        pid=pid,
        url=str(info["url"]),
        token=info.get("token"),
        started_at=str(info.get("started_at")),
        file=target,
    )
