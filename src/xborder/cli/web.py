"""`xborder serve` (REST API + dashboard) and `xborder users add|list|set-role|disable|reset-2fa`."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from xborder.cli.common import emit, err_console, open_warehouse, state
from xborder.core.errors import BadInputError

__all__ = ["register", "users_app"]

users_app = typer.Typer(
    help="Manage web accounts (while the server is stopped; use the Users page when it runs).",
    no_args_is_help=True,
)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on (default loopback only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Uploads and reports (default: xborder-data next to the warehouse)."),
    ] = None,
    workers_threads: Annotated[int, typer.Option("--threads", help="Threads serving requests.")] = 40,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
    cache_size: Annotated[
        int, typer.Option("--cache-size", help="Query results kept in memory until data changes (0: off).")
    ] = 2048,
    grace: Annotated[
        float,
        typer.Option(
            "--grace",
            help="On SIGTERM/Ctrl+C, seconds an ingest or run in progress may take to finish before it is "
            "interrupted (an ingest then rolls back, a run can be resumed).",
        ),
    ] = 60,
    admin_2fa: Annotated[
        bool,
        typer.Option("--admin-2fa/--no-admin-2fa", help="Admins must use two-factor login (TOTP)."),
    ] = True,
) -> None:
    """Serve the dashboard and REST API (docs at /docs). On first start an admin is created with a one-time password."""
    try:
        import uvicorn.middleware.proxy_headers  # noqa: F401 — present with the web extra

        from xborder.api.app import create_app
    except ImportError as exc:  # pragma: no cover — the web extra is missing
        raise BadInputError(
            "The web server needs the 'web' extra.", hint="pip install 'xborder[web]'"
        ) from exc
    import anyio.to_thread

    from xborder.api import localserver

    settings = state(ctx).settings
    token = localserver.new_token()
    app = create_app(
        settings, data_dir=data_dir, cache_size=cache_size, require_admin_totp=admin_2fa, local_token=token
    )
    with app.state.db.write() as cur:
        from xborder.api.accounts import ensure_admin

        password = ensure_admin(cur)
    if password:
        err_console.print(
            "[bold]First start:[/] created user [bold]admin[/] with the one-time password\n\n"
            f"    {password}\n\nIt is shown only this once; you must choose a new password at first login.",
            highlight=False,
        )

    async def _threads() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = workers_threads

    proxies = app.state.trusted_proxies
    err_console.print(
        f"xborder serving {settings.db_path} on http://{host}:{port}  (API docs: /docs; Ctrl+C stops)"
        + (f"\nbelieving X-Forwarded-For from {', '.join(proxies)}" if proxies else "")
    )
    published = localserver.publish(settings.db_path, host=host, port=port, token=token)

    def stopped(
        outcome: str | None,
    ) -> None:  # inside uvicorn's serve(): it re-raises SIGTERM once it returns
        localserver.withdraw(settings.db_path)
        app.state.db.close()
        err_console.print(
            f"Stopped{f' ({outcome})' if outcome else ''}: warehouse closed, {published.name} removed.",
            highlight=False,
        )

    config = server_config(app, host, port, log_level=log_level, grace=grace)
    server = GracefulServer(config, grace=grace, on_stopped=stopped)
    import asyncio

    async def main() -> None:
        await _threads()
        await server.serve()

    try:
        asyncio.run(main())
    finally:
        server.cleanup()  # when serve() ended without a signal (e.g. the port was taken)


def server_config(app: Any, host: str, port: int, *, log_level: str = "warning", grace: float = 60) -> Any:
    """The uvicorn configuration of ``xborder serve``: proxy headers are never taken from uvicorn's own default
    (it believes X-Forwarded-For from 127.0.0.1); the app believes them only from ``trusted_proxies``."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        timeout_keep_alive=30,
        backlog=1024,
        proxy_headers=False,
        forwarded_allow_ips="",
        timeout_graceful_shutdown=int(grace) + 90,  # backstop: the work is interrupted at `grace`
    )


def _graceful_server_class() -> type:
    import threading

    import uvicorn

    class _GracefulServer(uvicorn.Server):
        """uvicorn's server, whose first SIGTERM/SIGINT also lets the ingest or run in progress finish within the
        grace time and interrupts it after (rolled back), while no new heavy work is taken."""

        def __init__(self, config: uvicorn.Config, *, grace: float, on_stopped: Any) -> None:
            super().__init__(config)
            self.on_stopped = on_stopped
            self.db: Any = getattr(config.app, "state").db  # noqa: B009 — the app is ours: a FastAPI
            self.grace = grace
            self.stop_outcome: str | None = None
            self._stopper: threading.Thread | None = None

        def handle_exit(self, sig: int, frame: object) -> None:
            db = self.db
            if self._stopper is not None:  # a second signal: interrupt the work now
                db.abort.set()
            else:
                busy = db.busy_with()
                if busy:
                    err_console.print(
                        f"Stopping: letting {busy} finish (up to {self.grace:g} s; then it is rolled back)...",
                        highlight=False,
                    )

                def stop() -> None:
                    self.stop_outcome = db.stop_work(self.grace)

                self._stopper = threading.Thread(target=stop, name="xborder-stop", daemon=True)
                self._stopper.start()
            super().handle_exit(sig, frame)  # type: ignore[arg-type]

        async def shutdown(self, sockets: list | None = None) -> None:
            await super().shutdown(sockets)  # connections drained, lifespan shut down
            self.cleanup()

        def cleanup(self) -> None:
            """Once: wait until the work in progress has finished or been interrupted, then ``on_stopped``."""
            if self.on_stopped is None:
                return
            if self._stopper is not None:
                self._stopper.join(self.grace + 90)
            done, self.on_stopped = self.on_stopped, None
            done(self.stop_outcome)

    return _GracefulServer


def GracefulServer(config: Any, *, grace: float, on_stopped: Any) -> Any:  # noqa: N802 — a class made on first use
    """A uvicorn server with the graceful stop of ``xborder serve`` (uvicorn imported only when serving);
    ``on_stopped(outcome)`` runs once after the stop."""
    return _graceful_server_class()(config, grace=grace, on_stopped=on_stopped)


def _actor() -> str:
    try:
        return "cli:" + getpass.getuser()
    except Exception:
        return "cli:" + os.environ.get("USER", "unknown")


def _audit(cur, action: str, target: str, outcome: str, detail: object = None) -> None:
    from xborder.api.accounts import audit

    audit(cur, None, action, target, outcome, detail, username=_actor())


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin | analyst | viewer.")] = "viewer",
    password: Annotated[
        str | None, typer.Option(help="Initial password (default: prompt; or env XBORDER_NEW_PASSWORD).")
    ] = None,
) -> None:
    """Create an account; the user must change the password at first login."""
    from xborder.api import accounts

    pw = (
        password
        or os.environ.get("XBORDER_NEW_PASSWORD")
        or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    con = open_warehouse(ctx)
    try:
        user = accounts.add_user(con, username, pw, role)
        _audit(con, "user.add", user["username"], "ok", {"role": role})
    finally:
        con.close()
    emit(
        ctx,
        user,
        lambda d: print(
            f"User {d['username']} ({d['role']}) created; they must change the password at first login."
        ),
    )


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """List accounts with role and state."""
    from rich.table import Table

    from xborder.api import accounts
    from xborder.cli.common import console

    con = open_warehouse(ctx, read_only=True)
    try:
        rows = accounts.list_users(con)
    finally:
        con.close()

    def render(d: list) -> None:
        t = Table(title="Users")
        for c in ("username", "role", "state", "last login"):
            t.add_column(c)
        for u in d:
            st = (
                "disabled"
                if u["disabled"]
                else ("must change password" if u["must_change_password"] else "active")
            )
            t.add_row(u["username"], u["role"], st, str(u["last_login_at"] or "")[:16])
        console.print(t)

    emit(ctx, rows, render)


@users_app.command("set-role")
def users_set_role(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument(help="admin | analyst | viewer.")],
) -> None:
    """Change a user's role."""
    from xborder.api import accounts

    con = open_warehouse(ctx)
    try:
        accounts.set_role(con, username, role)
        _audit(con, "user.set_role", username, "ok", {"role": role})
    finally:
        con.close()
    emit(ctx, {"username": username, "role": role}, lambda d: print(f"{d['username']} is now {d['role']}."))


@users_app.command("disable")
def users_disable(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument()],
    enable: Annotated[bool, typer.Option("--enable", help="Re-enable instead.")] = False,
) -> None:
    """Disable an account (its sessions and tokens stop working), or --enable it again."""
    from xborder.api import accounts

    con = open_warehouse(ctx)
    try:
        accounts.set_disabled(con, username, not enable)
        _audit(con, "user.enable" if enable else "user.disable", username, "ok")
    finally:
        con.close()
    emit(
        ctx,
        {"username": username, "disabled": not enable},
        lambda d: print(f"{d['username']} {'disabled' if d['disabled'] else 'enabled'}."),
    )


@users_app.command("reset-2fa")
def users_reset_2fa(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
    """Switch off a user's two-factor login (lost phone); they set it up again at next login (admins must)."""
    from xborder.api import twofactor

    con = open_warehouse(ctx)
    try:
        row = con.execute(
            "SELECT user_id FROM users WHERE username = ?", [username.strip().lower()]
        ).fetchone()
        if row is None:
            raise BadInputError(f"No user {username!r}.", hint="List accounts with `xborder users list`.")
        twofactor.disable(con, row[0])
        _audit(con, "totp.reset", username, "ok")
    finally:
        con.close()
    emit(
        ctx,
        {"username": username, "totp": False},
        lambda d: print(f"Two-factor login of {d['username']} is off."),
    )


def register(app: typer.Typer) -> None:
    """Add `serve` and `users` to the main command."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
