#!/usr/bin/env python3
"""Opens an HTML report in a real headless Chromium and checks what a reader would see.

    browser_check.py REPORT.html SCREENSHOT.png [--chromium PATH]

Drives Chromium over its DevTools protocol on a pipe (--remote-debugging-pipe: NUL-separated
JSON messages on file descriptors 3 and 4, so nothing but the standard library is needed). It
loads the page from disk, collects every console message, uncaught exception and failed load,
takes a full-page screenshot, and counts, inside each plot's area (`svg.plot rect.plot-area`),
the pixels of data: coloured or dark (the grid lines and the note of an empty plot are light
greys, and do not count). Prints one JSON object:

    {"errors": [...], "plots": [{"id": "svg-history", "x":…, "y":…, "width":…, "height":…,
      "drawn": 1234}], "title": "...", "width": W, "height": H}

and exits 0; exits 2 when the browser cannot be driven (no page, a timeout).
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png_tool  # noqa: E402


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="optimize-browser-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # The child reads commands on fd 3 and writes replies on fd 4.
        def arrange():
            # Through spare numbers first: the pipe's own ends may already be 3 or 4, and a dup2
            # onto itself would keep the close-on-exec flag Python sets.
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(read_end, 3, inheritable=True)
            os.dup2(write_end, 4, inheritable=True)
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--mute-audio", f"--user-data-dir={self.profile}",
             "--remote-debugging-pipe", "about:blank"],
            preexec_fn=arrange,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        return self.wait_for(lambda m: m.get("id") == self.next_id)

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("the browser did not answer")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise EOFError("the browser closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, predicate, timeout=60):
        deadline = time.time() + timeout
        while True:
            message = self.read_message(deadline)
            if predicate(message):
                if "error" in message:
                    raise RuntimeError(f"DevTools error: {message['error']}")
                return message
            self.events.append(message)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def check(report, screenshot, chromium):
    browser = Browser(chromium)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["result"]["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 900, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=session)
        url = "file://" + os.path.abspath(report)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session)
        measured = browser.send("Runtime.evaluate", {"returnByValue": True, "expression": """
            (() => {
              const plots = [...document.querySelectorAll('svg.plot')].map(svg => {
                const area = svg.querySelector('rect.plot-area').getBoundingClientRect();
                return {id: svg.id, x: area.x + window.scrollX, y: area.y + window.scrollY, width: area.width, height: area.height};
              });
              return {title: document.title, plots, width: document.documentElement.scrollWidth,
                      height: document.documentElement.scrollHeight};
            })()"""}, session=session)["result"]["result"]["value"]
        width, height = int(measured["width"]), int(measured["height"])
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
        with open(screenshot, "wb") as out:
            out.write(base64.b64decode(shot["result"]["data"]))
        errors = []
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                errors.append("console." + params["type"] + ": " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                errors.append("exception: " + params["exceptionDetails"].get("text", ""))
            elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
                errors.append("log: " + params["entry"].get("text", ""))
            elif method == "Network.loadingFailed":
                errors.append("failed load: " + params.get("errorText", ""))
            elif method == "Network.requestWillBeSent" and not params.get("request", {}).get("url", "").startswith(("file:", "data:", "about:")):
                errors.append("network request: " + params["request"]["url"])
        _, _, channels, rows = png_tool.read(screenshot)
        for plot in measured["plots"]:
            x, y = int(plot["x"]) + 2, int(plot["y"]) + 2
            w, h = int(plot["width"]) - 4, int(plot["height"]) - 4
            drawn = 0
            for row in range(max(0, y), min(len(rows), y + h)):
                line = rows[row]
                for column in range(max(0, x), min(width, x + w)):
                    start = column * channels
                    r, g, b = line[start], line[start + 1], line[start + 2]
                    # Data, not frame: a colour, or a dark grey (black marks). The grid lines and
                    # the "nothing to draw" note are light greys and do not count.
                    if not (r == g == b) or r < 0x80:
                        drawn += 1
            plot["drawn"] = drawn
        return {"errors": errors, "plots": measured["plots"], "title": measured["title"], "width": width, "height": height}
    finally:
        browser.close()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    if "--chromium" in arguments:
        index = arguments.index("--chromium")
        chromium = arguments[index + 1]
        del arguments[index:index + 2]
    if len(arguments) != 2:
        raise SystemExit(__doc__)
    try:
        print(json.dumps(check(arguments[0], arguments[1], chromium), indent=1))
    except (TimeoutError, EOFError, RuntimeError, OSError) as error:
        print(f"browser_check: {error}", file=sys.stderr)
        sys.exit(2)
