"""HTML → PNG through headless Chromium, driven over the DevTools protocol (I/O).

Why the DevTools protocol directly, over a websocket with aiohttp (already a dependency),
rather than Playwright for Python: Playwright bundles a Node.js driver of tens of MB and is
built for its own browser builds (`playwright install` downloads them, which hosts without
that network cannot do), while Debian's Chromium moves ahead of any pinned Playwright. The
few commands a screenshot needs (open a tab, block the network, set the viewport, load,
measure, capture) are stable parts of the protocol and fit in one small module.

Chromium starts headless with a fresh temporary profile and the flags known to work with
Debian's package, and writes its DevTools port into that profile (`DevToolsActivePort`), so
nothing races for a port. Each page gets its own tab, with scripts disabled; every request that
is not a `file:` or `data:` URL is failed at once (and host names resolve to nothing), so a
picture never waits for the network.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp

from .devtools import DevTools, PictureError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_PACKAGES = "chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-port=0",
)
FONTS = {  # the families the page's CSS names → their Debian packages
    "Noto Sans": "fonts-noto-core",
    "Noto Sans Khmer": "fonts-noto-core",
    "Noto Sans CJK JP": "fonts-noto-cjk",
    "Noto Color Emoji": "fonts-noto-color-emoji",
}
MAX_PIXELS = 16_000  # Chromium's largest capture side, in device pixels
START_TIMEOUT = 30.0
PAGE_TIMEOUT = 60.0


class PictureUnavailable(PictureError):
    """No browser to draw with; the message says what to install."""


def find_browser() -> str | None:
    """Chromium's executable: `$BOT_CHROMIUM`, else the first of chromium, chromium-browser,
    google-chrome on the PATH, else /usr/bin/chromium; None when there is none."""
    chosen = os.environ.get("BOT_CHROMIUM", "").strip()
    if chosen:
        found = shutil.which(chosen)
        return found if found else None
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@functools.cache
def missing_fonts() -> tuple[str, ...]:
    """The Debian packages of the fonts the picture names that fontconfig does not know."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        listed = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    return tuple(sorted({pkg for family, pkg in FONTS.items() if family not in families}))


def unavailable() -> PictureUnavailable:
    chosen = os.environ.get("BOT_CHROMIUM", "").strip()
    where = f"BOT_CHROMIUM={chosen} is not an executable; " if chosen else ""
    return PictureUnavailable(
        f"{where}no Chromium to draw the preview with. Install it with `make system-deps`, "
        f"or: sudo apt-get install {DEBIAN_PACKAGES} "
        "(or set BOT_CHROMIUM to a Chromium or Chrome executable)"
    )


class Chromium:
    """A headless Chromium kept for several pictures:
    `async with Chromium() as chromium: png = await chromium.png(html, width)`."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or find_browser()
        self.profile: str | None = None
        self.process: asyncio.subprocess.Process | None = None
        self.http: aiohttp.ClientSession | None = None
        self.cdp: DevTools | None = None
        self.loads: dict[str, asyncio.Future[None]] = {}

    async def __aenter__(self) -> Chromium:
        await self.start()
        return self

    async def start(self) -> None:
        """Start the browser (`close` it after, or use `async with`)."""
        if self.executable is None:
            raise unavailable()
        try:
            await asyncio.wait_for(self._start(self.executable), START_TIMEOUT)
        except TimeoutError as exc:
            await self.close()
            raise PictureError(f"Chromium did not start within {START_TIMEOUT:.0f} s") from exc
        except BaseException:
            await self.close()
            raise

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _start(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="bot-picture-")
        log = os.open(Path(self.profile, "chromium.log"), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            self.process = await asyncio.create_subprocess_exec(
                executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank",
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )  # fmt: skip
        except OSError as exc:
            raise PictureUnavailable(f"cannot start {executable}: {exc}") from exc
        finally:
            os.close(log)  # the child keeps its own copy
        url = await self._devtools_url()
        self.http = aiohttp.ClientSession()
        ws = await self.http.ws_connect(url, max_msg_size=0)
        self.cdp = DevTools(ws)
        self.cdp.handlers["Fetch.requestPaused"] = self._on_request
        self.cdp.handlers["Page.loadEventFired"] = self._on_load

    async def _devtools_url(self) -> str:
        assert self.profile is not None and self.process is not None
        port_file = Path(self.profile, "DevToolsActivePort")
        while True:
            if self.process.returncode is not None:
                tail = Path(self.profile, "chromium.log").read_text("utf-8", "replace")[-600:]
                raise PictureError(f"Chromium exited with {self.process.returncode}: {tail}")
            with contextlib.suppress(OSError, ValueError):
                port, path = port_file.read_text("ascii").split("\n")[:2]
                if port.strip() and path.strip():
                    return f"ws://127.0.0.1:{int(port)}{path.strip()}"
            await asyncio.sleep(0.02)

    async def _on_request(self, params: dict[str, Any], session: str | None) -> None:
        assert self.cdp is not None
        url = str(params.get("request", {}).get("url", ""))
        request_id = params.get("requestId")
        with contextlib.suppress(PictureError):
            if url.startswith(("file:", "data:")):
                await self.cdp.call("Fetch.continueRequest", {"requestId": request_id}, session)
            else:
                reason = {"requestId": request_id, "errorReason": "BlockedByClient"}
                await self.cdp.call("Fetch.failRequest", reason, session)

    async def _on_load(self, params: dict[str, Any], session: str | None) -> None:
        future = self.loads.get(session or "")
        if future is not None and not future.done():
            future.set_result(None)

    async def png(self, html: str, width: int, scale: float = 2.0) -> bytes:
        """A picture of the page, `width` CSS pixels wide and as tall as its content."""
        if self.cdp is None or self.profile is None:
            raise PictureError("Chromium is not running")
        try:
            return await asyncio.wait_for(self._png(html, width, scale), PAGE_TIMEOUT)
        except TimeoutError as exc:
            message = f"Chromium did not draw the page within {PAGE_TIMEOUT:.0f} s"
            raise PictureError(message) from exc

    async def _png(self, html: str, width: int, scale: float) -> bytes:
        assert self.cdp is not None and self.profile is not None
        cdp = self.cdp
        page = Path(tempfile.mkstemp(suffix=".html", dir=self.profile)[1])
        page.write_text(html, encoding="utf-8")
        target = (await cdp.call("Target.createTarget", {"url": "about:blank"}))["targetId"]
        session = ""
        try:
            attach = {"targetId": target, "flatten": True}
            session = (await cdp.call("Target.attachToTarget", attach))["sessionId"]
            loaded = self.loads[session] = asyncio.get_running_loop().create_future()
            await cdp.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session)
            await cdp.call("Emulation.setScriptExecutionDisabled", {"value": True}, session)
            await self._viewport(session, width, 64, scale)  # content taller than this decides
            await cdp.call("Page.enable", {}, session)
            await cdp.call("Page.navigate", {"url": page.as_uri()}, session)
            await asyncio.wait({loaded, cdp.reader}, return_when=asyncio.FIRST_COMPLETED)
            if not loaded.done():
                raise PictureError("Chromium closed before the page was drawn")
            metrics = await cdp.call("Page.getLayoutMetrics", {}, session)
            height = math.ceil(metrics["cssContentSize"]["height"])
            scale = min(scale, MAX_PIXELS / max(height, 1))
            await self._viewport(session, width, height, scale)
            clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
            capture = {"format": "png", "clip": clip}
            shot = await cdp.call("Page.captureScreenshot", capture, session)
            return base64.b64decode(shot["data"])
        finally:
            self.loads.pop(session, None)
            with contextlib.suppress(PictureError):
                await cdp.call("Target.closeTarget", {"targetId": target})
            page.unlink(missing_ok=True)

    async def _viewport(self, session: str, width: int, height: int, scale: float) -> None:
        assert self.cdp is not None
        metrics = {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False}
        await self.cdp.call("Emulation.setDeviceMetricsOverride", metrics, session)

    async def close(self) -> None:
        if self.cdp is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.cdp.call("Browser.close"), 5)
            await self.cdp.ws.close()
            self.cdp.reader.cancel()
            self.cdp = None
        if self.http is not None:
            await self.http.close()
            self.http = None
        if self.process is not None:
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
            self.process = None
        if self.profile is not None:
            await asyncio.to_thread(shutil.rmtree, self.profile, True)
            self.profile = None
