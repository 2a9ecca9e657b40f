#!/usr/bin/env python3
"""Protocol-level checks of the msgstore POP3 server with Python's poplib.

Usage: pop3_protocol.py CONFIG.json
The JSON file names the server ports, the users and the messages delivered to each INBOX
(base64 of the exact bytes). Every check is an assert; the script prints one line per group
and exits non-zero on the first failure.
"""
import base64
import hashlib
import json
import poplib
import re
import socket
import ssl
import sys
import time

poplib._MAXLINE = 100_000  # long header lines in the test messages

cfg = json.load(open(sys.argv[1]))
HOST = cfg["host"]
PORT = cfg["port"]
TLS_PORT = cfg["tlsPort"]
USER = cfg["user"]
PASSWORD = cfg["password"]
MESSAGES = [base64.b64decode(m) for m in cfg["messages"]]
TIMEOUT = 10


def unverified():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connect():
    return poplib.POP3(HOST, PORT, timeout=TIMEOUT)


def login(user=USER, password=PASSWORD):
    p = connect()
    p.user(user)
    p.pass_(password)
    return p


def expect_error(fn, pattern=rb"^-ERR"):
    try:
        resp = fn()
    except poplib.error_proto as e:
        msg = e.args[0]
        assert re.search(pattern, msg), (pattern, msg)
        return msg
    raise AssertionError(f"expected -ERR, got {resp!r}")


def wire_lines(raw):
    """The message as poplib hands it back: lines without CRLF."""
    text = raw[:-2] if raw.endswith(b"\r\n") else raw
    return text.split(b"\r\n")


def check(name):
    print(f"ok - {name}", flush=True)


# --- greeting and CAPA
p = connect()
welcome = p.getwelcome()
assert welcome.startswith(b"+OK"), welcome
assert re.search(rb"<[^<>]+@[^<>]+>", welcome), welcome
capa = p.capa()
for cap in ("TOP", "UIDL", "USER", "SASL", "STLS", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION"):
    assert cap in capa, (cap, capa)
assert "PLAIN" in capa["SASL"], capa
check("greeting and CAPA")

# --- every TRANSACTION command is refused in AUTHORIZATION
for fn in (p.stat, p.list, p.uidl, p.noop, p.rset, lambda: p.retr(1), lambda: p.dele(1), lambda: p.top(1, 0)):
    expect_error(fn, rb"not valid in the AUTHORIZATION state")
expect_error(lambda: p._shortcmd("FROB"), rb"Unknown command")
expect_error(lambda: p.pass_("x"), rb"Send USER first")
check("state errors before login")

# --- failed login
p.user(USER)
expect_error(lambda: p.pass_("wrong password"), rb"^-ERR \[AUTH\]")
p.user("nobody-" + USER)
expect_error(lambda: p.pass_("wrong password"), rb"^-ERR \[AUTH\]")
p.quit()
check("failed logins answer -ERR [AUTH] alike")

# --- STAT, LIST, RETR, TOP, UIDL
p = login()
count, size = p.stat()
assert count == len(MESSAGES), (count, len(MESSAGES))
assert size == sum(len(m) for m in MESSAGES), (size, [len(m) for m in MESSAGES])
resp, listing, _ = p.list()
assert [l.split() for l in listing] == [[str(i + 1).encode(), str(len(m)).encode()] for i, m in enumerate(MESSAGES)], listing
assert p.list(1) == b"+OK 1 %d" % len(MESSAGES[0])
for i, m in enumerate(MESSAGES):
    resp, lines, octets = p.retr(i + 1)
    assert lines == wire_lines(m), (i, lines[:5], wire_lines(m)[:5])
    if m.endswith(b"\r\n"):
        assert octets == len(m), (i, octets, len(m))
check("STAT, LIST and RETR are exact (dot-stuffing undone by the client)")

for i, m in enumerate(MESSAGES):
    header, _, body = m.partition(b"\r\n\r\n")
    resp, lines, _ = p.top(i + 1, 0)
    assert lines == header.split(b"\r\n") + [b""], (i, lines)
    resp, lines, _ = p.top(i + 1, 1)
    first = body.split(b"\r\n")[0:1] if body else []
    assert lines == header.split(b"\r\n") + [b""] + first, (i, lines, first)
check("TOP n 0 and TOP n 1")

resp, uidls, _ = p.uidl()
first_uidls = [l.split()[1] for l in uidls]
assert len(set(first_uidls)) == len(MESSAGES)
assert p.uidl(2).split()[2] == first_uidls[1]
check("UIDL listing and UIDL n")

# --- argument errors in TRANSACTION
expect_error(lambda: p.retr(len(MESSAGES) + 1), rb"No such message")
expect_error(lambda: p._shortcmd("RETR 0"), rb"Invalid message number")
expect_error(lambda: p._shortcmd("RETR abc"), rb"Invalid message number")
expect_error(lambda: p._shortcmd("TOP 1"), rb"TOP needs")
expect_error(lambda: p._shortcmd("STAT 1"), rb"takes no arguments")
expect_error(lambda: p.user(USER), rb"not valid in the TRANSACTION state")
expect_error(lambda: p._shortcmd("PASS x"), rb"not valid in the TRANSACTION state")
expect_error(lambda: p._shortcmd("APOP a " + "0" * 32), rb"not valid in the TRANSACTION state")
expect_error(lambda: p._shortcmd("AUTH PLAIN"), rb"not valid in the TRANSACTION state")
expect_error(lambda: p._shortcmd("STLS"), rb"not valid in the TRANSACTION state")
check("argument and state errors after login")

# --- DELE, RSET, NOOP, and QUIT without deletions
assert p.dele(1).startswith(b"+OK")
expect_error(lambda: p.dele(1), rb"already deleted")
expect_error(lambda: p.retr(1), rb"already deleted")
count2, _ = p.stat()
assert count2 == count - 1
assert p.list(2) == b"+OK 2 %d" % len(MESSAGES[1]), "numbers do not shift"
assert p.rset().startswith(b"+OK")
assert p.stat() == (count, size)
assert p.noop() == b"+OK"
p.quit()
check("DELE marks, RSET unmarks, NOOP")

# --- pipelining: all commands in one write, answers in order
s = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
f = s.makefile("rb")
assert f.readline().startswith(b"+OK")
s.sendall(b"CAPA\r\nUSER %s\r\nPASS %s\r\nSTAT\r\nLIST 1\r\nUIDL 1\r\nNOOP\r\nRETR 1\r\nQUIT\r\n" % (USER.encode(), PASSWORD.encode()))
assert f.readline().startswith(b"+OK")
while f.readline() != b".\r\n":
    pass
assert f.readline().startswith(b"+OK")
assert f.readline().startswith(b"+OK %s has" % USER.encode())
assert f.readline() == b"+OK %d %d\r\n" % (count, size)
assert f.readline() == b"+OK 1 %d\r\n" % len(MESSAGES[0])
assert f.readline() == b"+OK 1 %s\r\n" % first_uidls[0]
assert f.readline() == b"+OK\r\n"
assert f.readline().startswith(b"+OK")
body = b""
while True:
    line = f.readline()
    if line == b".\r\n":
        break
    body += line[1:] if line.startswith(b"..") else line
assert body == (MESSAGES[0] if MESSAGES[0].endswith(b"\r\n") else MESSAGES[0] + b"\r\n")
assert f.readline().startswith(b"+OK")
assert f.readline() == b""
s.close()
check("pipelined commands answered in order")

# --- UIDL stability across sessions and after deletions
p = login()
resp, uidls, _ = p.uidl()
assert [l.split()[1] for l in uidls] == first_uidls, "same UIDLs in a new session"
p.dele(1)
p.quit()
p = login()
resp, uidls, _ = p.uidl()
after = [l.split()[1] for l in uidls]
assert after == first_uidls[1:], (after, first_uidls)
assert [l.split()[0] for l in uidls] == [str(i + 1).encode() for i in range(len(after))], "renumbered from 1 in a new session"
resp, lines, _ = p.retr(1)
assert lines == wire_lines(MESSAGES[1])
p.quit()
check("UIDL stable across sessions and after another message is deleted")

# --- second session on the same maildrop
a = login()
b = connect()
b.user(USER)
expect_error(lambda: b.pass_(PASSWORD), rb"^-ERR \[IN-USE\]")
a.quit()
b.user(USER)
assert b.pass_(PASSWORD).startswith(b"+OK")
b.quit()
check("second session gets -ERR [IN-USE]")

# --- APOP
apop = cfg["apop"]
p = connect()
p.apop(apop["user"], apop["secret"])
assert p.stat()[0] == 0
p.quit()
p = connect()
expect_error(lambda: p.apop(apop["user"], "not the secret"), rb"^-ERR \[AUTH\]")
p.user(apop["user"])
expect_error(lambda: p.pass_(apop["password"]), rb"^-ERR \[AUTH\]")
p.quit()
check("APOP for the APOP user only")

# --- STLS and POP3S
p = connect()
assert p.stls(unverified()).startswith(b"+OK")
assert "STLS" not in p.capa()
p.user(USER)
p.pass_(PASSWORD)
assert p.stat()[0] == len(MESSAGES) - 1
p.quit()
p = poplib.POP3_SSL(HOST, TLS_PORT, timeout=TIMEOUT, context=unverified())
assert "STLS" not in p.capa()
p.user(USER)
p.pass_(PASSWORD)
assert p.stat()[0] == len(MESSAGES) - 1
p.quit()
check("STLS and POP3S")

# --- bytes sent with STLS, before the handshake, never run as commands
s = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
f = s.makefile("rb")
assert f.readline().startswith(b"+OK")
s.sendall(b"STLS\r\nUSER %s\r\nCAPA\r\n" % USER.encode())
assert f.readline() == b"+OK Begin TLS negotiation now\r\n"
tls_sock = unverified().wrap_socket(s, server_hostname="localhost")
tf = tls_sock.makefile("rb")
tls_sock.sendall(b"PASS %s\r\n" % PASSWORD.encode())
assert tf.readline() == b"-ERR Send USER first\r\n", "the injected USER did not run"
tls_sock.sendall(b"NOOP\r\n")
assert tf.readline().startswith(b"-ERR NOOP is not valid"), "no stray CAPA answer came first"
tls_sock.close()
check("STLS command injection is discarded")

# --- AUTH PLAIN with an initial response (poplib has no AUTH helper)
p = connect()
token = base64.b64encode(b"\0" + USER.encode() + b"\0" + PASSWORD.encode()).decode()
assert p._shortcmd("AUTH PLAIN " + token).startswith(b"+OK")
p.quit()
check("AUTH PLAIN")

print("all POP3 protocol checks passed")
