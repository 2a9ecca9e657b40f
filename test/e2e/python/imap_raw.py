"""A tiny raw IMAP client for protocol-level tests: exact bytes out, responses parsed by line
(literals included), with timeouts so no test can hang."""
import re
import socket
import ssl

LITERAL_AT_END = re.compile(rb'\{(\d+)\}\r\n$')


class RawClient:
    def __init__(self, port, host='127.0.0.1', tls=False, timeout=10):
        sock = socket.create_connection((host, port), timeout=timeout)
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            sock = ctx.wrap_socket(sock)
        self.sock = sock
        self.buf = b''
        self.greeting = self.line()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError('connection closed')
        self.buf += chunk

    def line(self):
        """One response line; a line ending in a literal includes the literal and the rest."""
        out = b''
        while True:
            while b'\r\n' not in self.buf:
                self._fill()
            i = self.buf.index(b'\r\n') + 2
            part, self.buf = self.buf[:i], self.buf[i:]
            out += part
            m = LITERAL_AT_END.search(part)
            if not m:
                return out
            n = int(m.group(1))
            while len(self.buf) < n:
                self._fill()
            out += self.buf[:n]
            self.buf = self.buf[n:]

    def until_tagged(self, tag):
        """Lines up to and including the tagged response; returns (untagged list, tagged line)."""
        untagged = []
        while True:
            ln = self.line()
            if ln.startswith(tag.encode() + b' '):
                return untagged, ln
            untagged.append(ln)

    def cmd(self, tag, text):
        self.send(f'{tag} {text}\r\n')
        return self.until_tagged(tag)

    def closed(self, timeout=5):
        """True when the server closes the connection (after any pending bytes)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Checker:
    def __init__(self):
        self.failures = 0
        self.passes = 0

    def check(self, name, condition, detail=''):
        if condition:
            self.passes += 1
            print(f'PASS {name}', flush=True)
        else:
            self.failures += 1
            print(f'FAIL {name}: {detail!r}', flush=True)

    def finish(self):
        print(f'SUMMARY {self.passes} passed {self.failures} failed', flush=True)
        raise SystemExit(1 if self.failures else 0)
