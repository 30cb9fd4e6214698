"""`make run`: the whole stack in the foreground until SIGINT/SIGTERM, then nothing left running."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from .databases import ROOT
from .stack import Stack, StackConfig


def config_from_environment() -> StackConfig:
    keep = os.environ.get("DATABASE_URL") is None
    return StackConfig(
        gateway_port=int(os.environ.get("GATEWAY_PORT", "8000")),
        database_prefix=os.environ.get("BROBYGGER_DATABASE_PREFIX", "brobygger"),
        data_dir=ROOT / ".run" / "pgdata" if keep else None,
        secrets_path=ROOT / ".run" / "secrets.json",
        admin_client_id=os.environ.get("BROBYGGER_ADMIN_CLIENT_ID"),
        admin_client_secret=os.environ.get("BROBYGGER_ADMIN_CLIENT_SECRET"),
        esco_dir=os.environ.get("ESCO_DIR"),
        redis_url=os.environ.get("REDIS_URL"),
        ready_marker=ROOT / ".run" / "ready" if demo_requested() else None,
    )


def demo_requested() -> bool:
    return os.environ.get("BROBYGGER_DEMO", "1") != "0"


def main() -> int:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    config = config_from_environment()
    print(
        f"Starting Brobygger (PostgreSQL: {'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'embedded'}) …",
        flush=True,
    )
    stack = Stack(config)
    try:
        stack.start()
        if stop.is_set():
            return 0
        if demo_requested():
            from .demo import load_demo

            print("Loading the demo population …", flush=True)
            summary = load_demo(stack)
            print(f"Demo loaded: {summary}", flush=True)
            stack.mark_ready()  # /readyz of the gateway says ready only from here
            print("Followers caught up with the registry feed; the gateway is ready.", flush=True)
        print_banner(stack)
        stop.wait()
        print("\nStopping …", flush=True)
    finally:
        stack.stop()
    print("Stopped.", flush=True)
    return 0


def print_banner(stack: Stack) -> None:
    s = stack.secrets
    lines = [
        "",
        "Brobygger is running.",
        f"  Gateway:        {stack.gateway_url}",
        f"  API docs:       {stack.gateway_url}/docs",
        f"  Admin client:   {s['admin_client_id']}",
        f"  Admin secret:   {s['admin_client_secret']}",
        '  Get a token:    curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials '
        f"{stack.gateway_url}/v1/auth/token",
        f"  Logs:           {Path(stack.config.log_dir).relative_to(ROOT)}/",
        "Press Ctrl-C to stop.",
        "READY",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
