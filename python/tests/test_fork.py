"""The runtime's threads do not survive fork(): a forked child gets a clear
error instead of waiting forever."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ghpackages import Client


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_child_gets_a_clear_error(client: Client) -> None:
    assert client.me().list_packages("npm").items
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        signal.alarm(10)
        try:
            client.me().list_packages("npm")
            message = "no error"
        except RuntimeError as error:
            message = f"RuntimeError: {error}"
        except BaseException as error:
            message = repr(error)
        os.write(write, message.encode())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 20
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        time.sleep(0.05)
    message = os.read(read, 4096).decode()
    os.close(read)
    assert message.startswith("RuntimeError: ghpackages cannot be used in a process forked")
    assert client.me().list_packages("npm").items
