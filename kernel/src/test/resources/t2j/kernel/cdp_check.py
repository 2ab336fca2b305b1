"""Opens a notebook in headless Chromium over the DevTools protocol, runs all cells, reports what the page shows.

usage: cdp_check.py NOTEBOOK_URL CHROMIUM DEBUG_PORT SCREENSHOT.png
Prints one JSON object. Chromium talks to 127.0.0.1 only; its profile is fresh and deleted afterwards.
"""
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from tornado.ioloop import IOLoop
from tornado.websocket import websocket_connect

url, chromium, port, screenshot = sys.argv[1:5]
profile = tempfile.mkdtemp(prefix="t2j-chromium-")
browser = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
     "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=" + port,
     "--window-size=1200,900", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def page_target():
    for _ in range(150):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%s/json" % port, timeout=2) as r:
                pages = [t for t in json.load(r) if t["type"] == "page"]
            if pages:
                return pages[0]
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("chromium DevTools did not come up")


async def check():
    ws = await websocket_connect(page_target()["webSocketDebuggerUrl"], max_message_size=64 << 20)
    ids = iter(range(1, 1 << 30))

    async def call(method, **params):
        msg_id = next(ids)
        await ws.write_message(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(await ws.read_message())
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply["result"]

    async def js(expression):
        result = await call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def until(expression, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if await js(expression):
                return True
            await IOLoop.current().run_in_executor(None, time.sleep, 0.25)
        return False

    await call("Page.enable")
    await call("Page.navigate", url=url)
    connected = await until("!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                            " && Jupyter.notebook.kernel.is_connected())", 90)
    kernel_name = await js("Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.name")
    ran = False
    if connected:
        await js("Jupyter.notebook.execute_all_cells()")
        ran = await until("document.querySelectorAll('.output_area img').length > 0 || "
                          "document.querySelectorAll('.output_error').length > 0", 90)
    images = await js("Array.from(document.querySelectorAll('.output_area img'))"
                      ".map(i => ({src: i.src.slice(0, 22), width: i.naturalWidth, height: i.naturalHeight}))")
    errors = await js("Array.from(document.querySelectorAll('.output_error')).map(e => e.innerText)")
    shot = await call("Page.captureScreenshot", format="png")
    with open(screenshot, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    return {"connected": connected, "kernel": kernel_name, "ran": ran, "images": images or [], "errors": errors or []}


try:
    print(json.dumps(IOLoop.current().run_sync(check, timeout=240)))
finally:
    browser.terminate()
    try:
        browser.wait(10)
    except subprocess.TimeoutExpired:
        browser.kill()
    shutil.rmtree(profile, ignore_errors=True)
