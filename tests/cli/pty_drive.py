#!/usr/bin/env python3
"""Drive a command on a pseudo-terminal as a person would: wait for a
prompt, type lines, change the window size (TIOCSWINSZ + SIGWINCH), and
print what the terminal showed (repr) and the exit status. Used by
test_exec_cli.sh for `berth exec -it` and `berth run -it`.

usage: pty_drive.py SCRIPT -- CMD...
SCRIPT: steps separated by ';': "wait:SECONDS", "type:TEXT" (\\r appended),
"size:ROWSxCOLS", "until:TEXT" (wait at most 10 s for TEXT)."""
import fcntl, os, pty, select, signal, struct, sys, termios, time

sep = sys.argv.index("--")
steps, argv = sys.argv[1].split(";"), sys.argv[sep + 1:]

def winsz(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

pid, fd = pty.fork()
if pid == 0:
    winsz(0, 24, 80)
    os.execvp(argv[0], argv)
winsz(fd, 24, 80)
out = b""

def pump(seconds, until=None):
    global out
    end = time.time() + seconds
    while time.time() < end and not (until and until in out):
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            out += data

for step in steps:
    kind, _, arg = step.partition(":")
    if kind == "wait":
        pump(float(arg))
    elif kind == "until":
        pump(10, arg.encode())
    elif kind == "type":
        os.write(fd, arg.encode() + b"\r")
    elif kind == "size":
        rows, cols = arg.split("x")
        winsz(fd, int(rows), int(cols))
        os.kill(pid, signal.SIGWINCH)
pump(10)
deadline = time.time() + 10
while True:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done or time.time() > deadline:
        break
    time.sleep(0.05)
if not done:
    os.kill(pid, signal.SIGKILL)
    _, st = os.waitpid(pid, 0)
print(repr(out))
print("exit", os.waitstatus_to_exitcode(st))
