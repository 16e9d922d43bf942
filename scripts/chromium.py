"""Chromium flags shared by the benchmark (Chromium printing a peer's page) and the browser tests."""

#: A quiet headless Chromium: no sandbox (containers, root), no GPU, and none of the background
#: calls to Google hosts (they are not the site's and would count as third-party requests).
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
