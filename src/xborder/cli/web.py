"""`xborder serve` (REST API + dashboard) and `xborder users add|list|set-role|disable`."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

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
) -> None:
    """Serve the dashboard and REST API (docs at /docs). On first start an admin is created with a one-time password."""
    try:
        import uvicorn

        from xborder.api.app import create_app
    except ImportError as exc:  # pragma: no cover — the web extra is missing
        raise BadInputError(
            "The web server needs the 'web' extra.", hint="pip install 'xborder[web]'"
        ) from exc
    import anyio.to_thread

    settings = state(ctx).settings
    app = create_app(settings, data_dir=data_dir, cache_size=cache_size)
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

    err_console.print(
        f"xborder serving {settings.db_path} on http://{host}:{port}  (API docs: /docs; Ctrl+C stops)"
    )
    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level, access_log=False, timeout_keep_alive=30, backlog=1024
    )
    server = uvicorn.Server(config)
    import asyncio

    async def main() -> None:
        await _threads()
        await server.serve()

    asyncio.run(main())


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

    con = open_warehouse(ctx)
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


def register(app: typer.Typer) -> None:
    """Add `serve` and `users` to the main command."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
