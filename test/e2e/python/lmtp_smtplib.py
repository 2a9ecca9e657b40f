"""LMTP end-to-end with Python's smtplib.LMTP as the client (the way many tools talk LMTP).

Usage: python3 lmtp_smtplib.py <port> <unix-socket-path>
Asserts the protocol replies itself; prints one JSON line describing what it delivered so the
caller can check the store. Exits non-zero on the first failed check.
"""
import json
import smtplib
import sys


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def main():
    port = int(sys.argv[1])
    socket_path = sys.argv[2]
    delivered = []

    # TCP: LHLO and the advertised extensions.
    lmtp = smtplib.LMTP("127.0.0.1", port)
    code, _ = lmtp.ehlo("client.test")
    check(code == 250, f"LHLO answered {code}")
    for ext in ("pipelining", "enhancedstatuscodes", "8bitmime", "size", "smtputf8"):
        check(lmtp.has_extn(ext), f"extension {ext} advertised")
    size_limit = int(lmtp.esmtp_features["size"])

    # One message, one recipient, via sendmail().
    msg1 = b"From: py@remote.example\r\nTo: alice@example.com\r\nSubject: py-one\r\n\r\n.dot line\r\nHello from smtplib\r\n"
    refused = lmtp.sendmail("py@remote.example", ["alice@example.com"], msg1, mail_options=["BODY=8BITMIME"])
    check(refused == {}, f"sendmail refused {refused}")
    delivered.append({"to": "alice@example.com", "subject": "py-one"})

    # Several recipients: one reply per accepted recipient after the final dot.
    msg2 = "From: py@remote.example\r\nSubject: py-two\r\n\r\nCaf\u00e9 8-bit body\r\n".encode("utf-8")
    check(lmtp.mail("py@remote.example", ["BODY=8BITMIME", f"SIZE={len(msg2)}"])[0] == 250, "MAIL")
    check(lmtp.rcpt("alice@example.com")[0] == 250, "RCPT alice")
    code, text = lmtp.rcpt("ghost@example.com")
    check(code == 550 and text.startswith(b"5.1.1"), f"RCPT ghost answered {code} {text!r}")
    check(lmtp.rcpt("Bob@Example.com")[0] == 250, "RCPT bob")
    code, text = lmtp.data(msg2)
    check(code == 250 and text.startswith(b"2.0.0"), f"first DATA reply {code} {text!r}")
    code, text = lmtp.getreply()
    check(code == 250, f"second DATA reply {code} {text!r}")
    delivered.append({"to": "alice@example.com", "subject": "py-two"})
    delivered.append({"to": "Bob@Example.com", "subject": "py-two"})

    # Unknown recipient only: refused at RCPT.
    try:
        lmtp.sendmail("py@remote.example", ["nobody@example.com"], b"Subject: x\r\n\r\nx\r\n")
        check(False, "sendmail to an unknown user succeeded")
    except smtplib.SMTPRecipientsRefused as err:
        code, text = err.recipients["nobody@example.com"]
        check(code == 550 and text.startswith(b"5.1.1"), f"unknown user answered {code} {text!r}")

    # A declared size over the limit is refused at MAIL.
    code, text = lmtp.mail("py@remote.example", [f"SIZE={size_limit + 1}"])
    check(code == 552 and text.startswith(b"5.3.4"), f"oversized MAIL answered {code} {text!r}")
    lmtp.rset()

    # VRFY is refused politely, NOOP and RSET work.
    code, _ = lmtp.verify("alice")
    check(code == 252, f"VRFY answered {code}")
    check(lmtp.noop()[0] == 250, "NOOP")
    check(lmtp.rset()[0] == 250, "RSET")
    lmtp.quit()

    # The unix socket.
    unix = smtplib.LMTP(socket_path)
    check(unix.ehlo("client.test")[0] == 250, "LHLO over the unix socket")
    msg3 = b"Subject: py-unix\r\n\r\nover the socket\r\n"
    check(unix.sendmail("", ["bob@example.com"], msg3) == {}, "sendmail over the unix socket")
    delivered.append({"to": "bob@example.com", "subject": "py-unix"})
    unix.quit()

    print(json.dumps({"delivered": delivered}))


if __name__ == "__main__":
    main()
