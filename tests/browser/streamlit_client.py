"""A Streamlit session without a browser: the websocket protocol Streamlit's own frontend
speaks, for tests and benchmarks that need many sessions at once (on 2 cores, a Chromium per
session would measure the renderers, not the app). It sees what a page sends, not how it draws:
the browser tests cover that."""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, field

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from components.frame.plotly_view import CHART_COMPONENT

TEXT_ELEMENTS = {"markdown", "alert", "heading", "text"}


@dataclass
class PageRun:
    """What one run of a page sent: its text, how many charts, whether a traceback came."""

    texts: list[str] = field(default_factory=list)
    charts: int = 0
    exception: bool = False

    @property
    def text(self) -> str:
        """As a reader sees it: markdown's escapes removed."""
        return re.sub(r"\\(.)", r"\1", "\n".join(self.texts))


async def open_page(base_url: str, page: str, query: str = "") -> PageRun:
    """One page view in a new session (as a new browser tab would), run to the end."""
    async with httpx.AsyncClient() as http:  # the XSRF cookie, and a proxy's route cookie
        cookies = (await http.get(f"{base_url}/_stcore/health")).cookies
    xsrf = cookies["_streamlit_xsrf"]
    uri = base_url.replace("http://", "ws://") + "/_stcore/stream"
    cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    async with websockets.connect(
        uri,
        subprotocols=["streamlit", xsrf],
        additional_headers={"Cookie": cookie_header},
        max_size=None,
        open_timeout=30,
    ) as ws:
        request = BackMsg()
        request.rerun_script.query_string = query
        request.rerun_script.page_name = page
        await ws.send(request.SerializeToString())
        run = PageRun()
        while True:
            message = ForwardMsg()
            message.ParseFromString(await ws.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                name = element.WhichOneof("type")
                run.charts += (
                    name == "bidi_component"
                    and element.bidi_component.component_name.endswith(CHART_COMPONENT)
                )
                run.exception |= name == "exception"
                if name in TEXT_ELEMENTS:
                    run.texts.append(getattr(element, name).body)
                if name == "checkbox":  # its label is page text too (the roster's names)
                    run.texts.append(element.checkbox.label)
            if kind == "script_finished":
                return run


def visit(*views: tuple[str, ...]) -> list[PageRun]:
    """Page views ``(base_url, page[, query])``, all at once, from synchronous code: on a thread
    of their own, since Playwright's sync API keeps an event loop running on this one."""
    results: list[list[PageRun]] = []
    failures: list[BaseException] = []

    async def all_views() -> list[PageRun]:
        return list(await asyncio.gather(*(open_page(*view) for view in views)))

    def work() -> None:
        try:
            results.append(asyncio.run(all_views()))
        except BaseException as err:  # raised again on the caller's thread
            failures.append(err)

    thread = threading.Thread(target=work, name="streamlit-client")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
    return results[0]
