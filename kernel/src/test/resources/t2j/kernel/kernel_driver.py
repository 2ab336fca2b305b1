"""Drives a real Jupyter kernel for the Java tests: JSON requests on stdin, one JSON reply per line on stdout.

Runs under Debian's /usr/bin/python3 with jupyter_client; the kernel is found through JUPYTER_PATH.
"""
import json
from queue import Empty
import sys
import threading
import time
import traceback

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

km = None
kc = None


def reply_to(msg_id, timeout):
    deadline = time.time() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def collect_iopub(msg_id, timeout):
    """Outputs of one request, until the kernel reports idle for it."""
    outputs = []
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return outputs
        if kind in ("stream", "execute_result", "display_data", "update_display_data", "error"):
            outputs.append(dict(content, type=kind))


def op_start(req):
    global km, kc
    started = time.time()
    km = KernelManager(kernel_name=req["kernel"])
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=req.get("timeout", 60))
    return {"pid": km.provisioner.pid, "seconds": time.time() - started}


def op_execute(req):
    timeout = req.get("timeout", 60)
    started = time.time()
    msg_id = kc.execute(req["code"])
    if req.get("interrupt_after") is not None:
        timer = threading.Timer(req["interrupt_after"], km.interrupt_kernel)
        timer.start()
    outputs = collect_iopub(msg_id, timeout)
    reply = reply_to(msg_id, timeout)["content"]
    return dict(reply, outputs=outputs, seconds=time.time() - started)


def op_complete(req):
    return reply_to(kc.complete(req["code"], req["cursor"]), 30)["content"]


def op_inspect(req):
    return reply_to(kc.inspect(req["code"], req["cursor"]), 30)["content"]


def op_is_complete(req):
    return reply_to(kc.is_complete(req["code"]), 30)["content"]


def op_bad_signature(req):
    """Sends an execute_request signed with the wrong key; reports whether the kernel answered it."""
    forger = Session(key=b"not-the-connection-key", username="attacker")
    msg = forger.msg("execute_request", {"code": req["code"], "silent": False, "store_history": True,
                                         "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    forger.send(kc.shell_channel.socket, msg)
    deadline = time.time() + req.get("wait", 3)
    while time.time() < deadline:
        try:
            answer = kc.get_shell_msg(timeout=0.2)
        except Empty:
            continue
        if answer["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            return {"replied": True}
    return {"replied": False}


def op_shutdown(req):
    started = time.time()
    km.shutdown_kernel(now=req.get("now", False))
    return {"seconds": time.time() - started}


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}

for line in sys.stdin:
    request = json.loads(line)
    try:
        answer = OPS[request["op"]](request)
    except Exception as e:  # reported to the Java test, which fails with it
        answer = {"driver_error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
