"""A small TCP proxy for fault tests: put it in front of an upstream, then add latency or cut
connections (there is no toxiproxy or Docker engine here)."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from devstack.postgres import free_port


class FaultyProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.latency = 0.0  # seconds added to every chunk, both ways
        # Seconds added to every chunk from the upstream only: the request arrives (and commits)
        # at once while the answer is late, as when a client times out after the server's commit.
        self.response_latency = 0.0
        self.refuse = False
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> FaultyProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=5)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, from_upstream: bool = False
    ) -> None:
        try:
            while data := await reader.read(65536):
                delay = self.latency + (self.response_latency if from_upstream else 0.0)
                if delay:
                    await asyncio.sleep(delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self.refuse:
            client_writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_writer.close()
            return
        self._writers.update({client_writer, up_writer})
        await asyncio.gather(
            self._pipe(client_reader, up_writer), self._pipe(up_reader, client_writer, from_upstream=True)
        )
        self._writers.difference_update({client_writer, up_writer})

    def cut_connections(self) -> None:
        """Drop every open connection now (the peers see a reset)."""

        def cut() -> None:
            for writer in list(self._writers):
                writer.transport.abort()

        self._loop.call_soon_threadsafe(cut)

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()
