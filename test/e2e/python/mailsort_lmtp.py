"""Delivers messages over LMTP with Python's smtplib.LMTP, for the MailSort end-to-end tests.

Usage: python3 mailsort_lmtp.py <port>   (a JSON job on stdin)
Job: {"transactions": [{"from": "a@b", "rcpt": ["x@y", ...], "data_b64": "..."}]}
Prints one JSON line: for each transaction, the reply to each RCPT and, in RCPT order, the
reply after the final dot for each accepted recipient ([code, text] pairs).
All transactions go over one connection, as an MTA would send them.
"""
import base64
import json
import smtplib
import sys


def reply(pair):
    code, text = pair
    return [code, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)]


def main():
    port = int(sys.argv[1])
    job = json.load(sys.stdin)
    results = []
    lmtp = smtplib.LMTP("127.0.0.1", port, timeout=30)
    code, _ = lmtp.ehlo("mta.test")
    if code != 250:
        print(f"LHLO answered {code}", file=sys.stderr)
        sys.exit(1)
    for t in job["transactions"]:
        result = {"mail": None, "rcpt": [], "data": []}
        result["mail"] = reply(lmtp.mail(t["from"]))
        accepted = 0
        for r in t["rcpt"]:
            answer = reply(lmtp.rcpt(r))
            result["rcpt"].append(answer)
            if answer[0] == 250:
                accepted += 1
        if accepted == 0:
            lmtp.rset()
        else:
            message = base64.b64decode(t["data_b64"])
            # data() answers the first recipient's reply; LMTP sends one per accepted recipient.
            result["data"].append(reply(lmtp.data(message)))
            for _ in range(accepted - 1):
                result["data"].append(reply(lmtp.getreply()))
        results.append(result)
    lmtp.quit()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
