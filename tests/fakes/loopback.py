"""The lifecycle the API fakes share: an aiohttp application served on a loopback port."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web


class LoopbackServer:
    """Serves the application of :meth:`_build_app` on ``host``; use ``async with server:``.

    Port 0 (the default) picks a free port; :attr:`port` tells which one once started.
    Subclasses build the application, may set the runner options below and may hook into
    :meth:`stop` through :meth:`_before_stop`.
    """

    _not_running_message = "the server is not running"
    _shutdown_timeout = 60.0
    _handler_cancellation = False

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None

    def _build_app(self) -> web.Application:
        raise NotImplementedError

    def _port_to_bind(self) -> int:
        """The port the next :meth:`start` listens on (0: any free port)."""
        return self._requested_port

    async def _before_stop(self) -> None:
        """Release what would hold the shutdown up (long polls, open websockets)."""

    async def start(self) -> None:
        """Start serving (does nothing when already serving)."""
        if self._runner is not None:
            return
        runner = web.AppRunner(
            self._build_app(),
            handler_cancellation=self._handler_cancellation,
            access_log=None,
            shutdown_timeout=self._shutdown_timeout,
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._port_to_bind()).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        """Stop serving and close every open connection (does nothing when not serving)."""
        if self._runner is None:
            return
        await self._before_stop()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._runner is None or self._port is None:
            raise RuntimeError(self._not_running_message)
        return self._port
