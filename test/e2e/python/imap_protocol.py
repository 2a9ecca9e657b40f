"""Protocol-level checks of the IMAP server: every state, error replies (BAD vs NO and their
response codes), literals and limits, STARTTLS. Usage: imap_protocol.py PORT IMAPS_PORT USER PASSWORD"""
import base64
import socket
import ssl
import sys
import time

from imap_raw import Checker, RawClient

port, imaps_port, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
c = Checker()


def q(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def login(client, tag='L1'):
    _, tagged = client.cmd(tag, f'LOGIN {q(user)} {q(password)}')
    assert tagged.startswith(f'{tag} OK'.encode()), tagged
    return tagged


# ---- not authenticated ----
cl = RawClient(port)
c.check('greeting carries capabilities', cl.greeting.startswith(b'* OK [CAPABILITY IMAP4rev1') and b'STARTTLS' in cl.greeting and b'AUTH=PLAIN' in cl.greeting, cl.greeting)
_, t = cl.cmd('a1', 'SELECT INBOX')
c.check('SELECT before login is BAD', t.startswith(b'a1 BAD'), t)
_, t = cl.cmd('a2', 'FROBNICATE')
c.check('unknown command is BAD', t.startswith(b'a2 BAD'), t)
_, t = cl.cmd('a3', 'UID FETCH 1 FLAGS')
c.check('UID FETCH before login is BAD', t.startswith(b'a3 BAD'), t)
start = time.time()
_, t1 = cl.cmd('a4', f'LOGIN {q(user)} wrong-password')
_, t2 = cl.cmd('a5', 'LOGIN nobody@example.com wrong-password')
c.check('failed LOGIN is NO [AUTHENTICATIONFAILED]', t1.startswith(b'a4 NO [AUTHENTICATIONFAILED]'), t1)
c.check('unknown user and wrong password answer alike', t1[3:] == t2[3:], (t1, t2))
c.check('failed LOGIN is delayed', time.time() - start >= 0.2, time.time() - start)
_, t = cl.cmd('a6', 'LOGIN "unterminated')
c.check('unterminated quoted string is BAD', t.startswith(b'a6 BAD'), t)
cl.send('a7 LOGIN {100000}\r\n')
_, t = cl.until_tagged('a7')
c.check('oversized literal before login is BAD without continuation', t.startswith(b'a7 BAD'), t)
cl.send(b'a8 NOOP\x00junk\r\n')
_, t = cl.until_tagged('a8')
c.check('NUL outside a literal is BAD', t.startswith(b'a8 BAD'), t)
cl.send('a9 LOGIN {99999999999}\r\n')
_, t = cl.until_tagged('a9')
c.check('literal size beyond 32 bits is BAD', t.startswith(b'a9 BAD'), t)
cl.send('b1 LOGIN ' + 'x' * 20000 + '\r\n')
_, t = cl.until_tagged('b1')
c.check('over-long line before login is BAD', t.startswith(b'b1 BAD') and b'too long' in t, t)
_, t = cl.cmd('b2', 'NOOP')
c.check('connection survives an over-long line', t.startswith(b'b2 OK'), t)
_, t = cl.cmd('b3', 'AUTHENTICATE CRAM-MD5')
c.check('unsupported SASL mechanism is NO', t.startswith(b'b3 NO'), t)
cl.send('b4 AUTHENTICATE PLAIN\r\n')
cont = cl.line()
c.check('AUTHENTICATE without initial response gets a continuation', cont.startswith(b'+'), cont)
cl.send('*\r\n')
_, t = cl.until_tagged('b4')
c.check('cancelled AUTHENTICATE is BAD', t.startswith(b'b4 BAD'), t)
cl.send('b5 AUTHENTICATE PLAIN\r\n')
cl.line()
cl.send(base64.b64encode(f'\0{user}\0{password}'.encode()).decode() + '\r\n')
_, t = cl.until_tagged('b5')
c.check('AUTHENTICATE PLAIN with a continuation logs in', t.startswith(b'b5 OK'), t)
_, t = cl.cmd('b6', f'LOGIN {q(user)} {q(password)}')
c.check('LOGIN when already logged in is BAD', t.startswith(b'b6 BAD'), t)
cl.close()

cl = RawClient(port)
ir = base64.b64encode(f'\0{user}\0{password}'.encode()).decode()
_, t = cl.cmd('s1', f'AUTHENTICATE PLAIN {ir}')
c.check('AUTHENTICATE PLAIN with SASL-IR logs in', t.startswith(b's1 OK'), t)

# ---- authenticated ----
_, t = cl.cmd('c1', 'FETCH 1 FLAGS')
c.check('FETCH without a selected mailbox is BAD', t.startswith(b'c1 BAD'), t)
_, t = cl.cmd('c2', 'SELECT "No Such Box"')
c.check('SELECT of a missing mailbox is NO [NONEXISTENT]', t.startswith(b'c2 NO [NONEXISTENT]'), t)
_, t = cl.cmd('c3', 'CREATE INBOX')
c.check('CREATE INBOX is NO', t.startswith(b'c3 NO'), t)
_, t = cl.cmd('c4', 'DELETE INBOX')
c.check('DELETE INBOX is NO', t.startswith(b'c4 NO'), t)
_, t = cl.cmd('c5', 'CREATE shared')
c.check('a personal mailbox cannot be named shared', t.startswith(b'c5 NO'), t)
for i, bad_name in enumerate(['"a/../b"', '"a//b"', '".."', '"/lead"', '"x\\\\y"', '"&Jjo!"', '"a*b"', '"  "']):
    _, t = cl.cmd(f'c6{i}', f'CREATE {bad_name}')
    c.check(f'CREATE {bad_name} is refused with NO', t.startswith(f'c6{i} NO'.encode()), t)
cl.send('c7 CREATE {3}\r\n')
cl.line()
cl.send(b'a\x01b\r\n')
_, t = cl.until_tagged('c7')
c.check('control characters in a mailbox name are NO', t.startswith(b'c7 NO'), t)
_, t = cl.cmd('c8', 'CREATE "Lists/rust/&AOQ-rger"')
c.check('CREATE of a nested modified UTF-7 name', t.startswith(b'c8 OK'), t)
u, t = cl.cmd('c9', 'LIST "" "Lists/*"')
c.check('LIST * returns the nested names encoded', any(b'"Lists/rust/&AOQ-rger"' in x or b'Lists/rust/&AOQ-rger\r\n' in x for x in u) and len(u) == 2, u)
u, t = cl.cmd('d1', 'LIST "" %')
c.check('LIST % shows INBOX and the top level only', any(b' INBOX\r\n' in x for x in u) and not any(b'Lists/rust' in x for x in u), u)
c.check('LIST marks special-use folders', any(b'\\Sent' in x and b'Sent' in x for x in u) and any(b'\\Trash' in x for x in u), u)
u, t = cl.cmd('d2', 'LIST "" ""')
c.check('LIST with an empty pattern returns the delimiter', u == [b'* LIST (\\Noselect) "/" ""\r\n'], u)
u, t = cl.cmd('d3', 'NAMESPACE')
c.check('NAMESPACE lists personal and shared namespaces', u == [b'* NAMESPACE (("" "/")) NIL (("shared/" "/"))\r\n'], u)
_, t = cl.cmd('d4', 'STATUS INBOX (MESSAGES BOGUS)')
c.check('STATUS with an unknown item is BAD', t.startswith(b'd4 BAD'), t)
_, t = cl.cmd('d5', 'STATUS nowhere (MESSAGES)')
c.check('STATUS of a missing mailbox is NO [NONEXISTENT]', t.startswith(b'd5 NO [NONEXISTENT]'), t)
msg = b'From: Bob <bob@example.com>\r\nTo: someone@example.com\r\nSubject: protocol test\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nBody text here.\r\n'
cl.send(f'e1 APPEND nowhere {{{len(msg)}}}\r\n')
first = cl.line()
if first.startswith(b'+'):
    cl.send(msg + b'\r\n')
    _, t = cl.until_tagged('e1')
else:
    t = first
c.check('APPEND to a missing mailbox is NO [TRYCREATE]', t.startswith(b'e1 NO [TRYCREATE]'), t)
cl.send(f'e2 APPEND INBOX (\\Flagged) "17-Jul-1996 02:44:25 -0700" {{{len(msg)}}}\r\n')
cont = cl.line()
cl.send(msg + b'\r\n')
_, t = cl.until_tagged('e2')
c.check('APPEND with flags and date returns APPENDUID', cont.startswith(b'+') and t.startswith(b'e2 OK [APPENDUID '), (cont, t))
cl.send(f'e3 APPEND INBOX {{{len(msg)}+}}\r\n'.encode() + msg + b'\r\n')
_, t = cl.until_tagged('e3')
c.check('APPEND with a non-synchronizing literal', t.startswith(b'e3 OK [APPENDUID '), t)
cl.send('e4 APPEND INBOX {9000}\r\n')
_, t = cl.until_tagged('e4')
c.check('APPEND over the size limit is NO [TOOBIG] before the literal', t.startswith(b'e4 NO [TOOBIG]'), t)
cl.send(b'e5 APPEND INBOX {9000+}\r\n' + b'x' * 9000 + b'\r\n')
_, t = cl.until_tagged('e5')
c.check('oversized non-synchronizing literal is NO [TOOBIG]', t.startswith(b'e5 NO [TOOBIG]'), t)
_, t = cl.cmd('e6', 'NOOP')
c.check('connection survives a skipped literal', t.startswith(b'e6 OK'), t)
_, t = cl.cmd('e7', 'APPEND INBOX (\\Recent) "x"')
c.check('APPEND with \\Recent is BAD', t.startswith(b'e7 BAD'), t)
_, t = cl.cmd('e8', 'APPEND INBOX "bad date" {1+}\r\nx')
c.check('APPEND with an invalid date is BAD', t.startswith(b'e8 BAD'), t)

# ---- selected ----
u, t = cl.cmd('f1', 'SELECT INBOX')
c.check('SELECT answers EXISTS, UIDVALIDITY, UIDNEXT, PERMANENTFLAGS and READ-WRITE',
        any(x.endswith(b' EXISTS\r\n') for x in u) and any(b'[UIDVALIDITY ' in x for x in u) and any(b'[UIDNEXT ' in x for x in u)
        and any(b'[PERMANENTFLAGS (' in x for x in u) and t.startswith(b'f1 OK [READ-WRITE]'), (u, t))
exists = int([x for x in u if x.endswith(b' EXISTS\r\n')][0].split()[1])
c.check('both appended messages are in INBOX', exists == 2, exists)
_, t = cl.cmd('f2', 'FETCH 99 FLAGS')
c.check('FETCH beyond the last message is BAD', t.startswith(b'f2 BAD'), t)
u, t = cl.cmd('f3', 'UID FETCH 99 FLAGS')
c.check('UID FETCH of a missing UID is OK and empty', t.startswith(b'f3 OK') and u == [], (u, t))
for i, bad_set in enumerate(['0', '1:x', '1,,2', '-1', '4294967296']):
    _, t = cl.cmd(f'f4{i}', f'FETCH {bad_set} FLAGS')
    c.check(f'bad sequence set {bad_set} is BAD', t.startswith(f'f4{i} BAD'.encode()), t)
_, t = cl.cmd('f5', 'FETCH 1 (FLAGS BOGUS)')
c.check('unknown FETCH item is BAD', t.startswith(b'f5 BAD'), t)
u, t = cl.cmd('f6', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] FLAGS)')
c.check('BODY.PEEK returns the header field and does not set \\Seen', any(b'Subject: protocol test' in x and b'\\Seen' not in x for x in u), u)
u, t = cl.cmd('f7', 'FETCH 1 BODY[TEXT]')
c.check('FETCH BODY[TEXT] sets \\Seen and reports FLAGS', any(b'Body text here.' in x and b'\\Seen' in x for x in u), u)
c.check('the \\Seen change is reported once, not echoed again', len(u) == 1, u)
u, t = cl.cmd('f71', 'UID FETCH 1:* (FLAGS)')
c.check('UID FETCH responses carry the UID', len(u) == 2 and all(b'UID ' in x for x in u), u)
u, t = cl.cmd('f8', 'FETCH 1 INTERNALDATE')
c.check('APPEND date becomes INTERNALDATE', any(b'17-Jul-1996' in x for x in u), u)
_, t = cl.cmd('g1', 'STORE 1 +FLAGS (\\Recent)')
c.check('STORE of \\Recent is BAD', t.startswith(b'g1 BAD'), t)
_, t = cl.cmd('g2', 'STORE 1 FLAGZ (\\Seen)')
c.check('STORE with an unknown item is BAD', t.startswith(b'g2 BAD'), t)
u, t = cl.cmd('g3', 'STORE 2 +FLAGS (\\Answered $Label1)')
c.check('STORE +FLAGS reports the new flags', any(b'FETCH (FLAGS (' in x and b'\\Answered' in x and b'$Label1' in x for x in u) and t.startswith(b'g3 OK'), u)
u, t = cl.cmd('g4', 'STORE 2 -FLAGS.SILENT ($Label1)')
c.check('STORE .SILENT sends no FETCH', u == [] and t.startswith(b'g4 OK'), u)
u, t = cl.cmd('g5', 'UID STORE 1:* FLAGS (\\Draft)')
c.check('UID STORE includes UID in its FETCH responses', len(u) == 2 and all(b'UID ' in x for x in u), u)
_, t = cl.cmd('h1', 'SEARCH CHARSET KOI9 ALL')
c.check('SEARCH with an unknown charset is NO [BADCHARSET]', t.startswith(b'h1 NO [BADCHARSET'), t)
_, t = cl.cmd('h2', 'SEARCH FROBBED')
c.check('SEARCH with an unknown key is BAD', t.startswith(b'h2 BAD'), t)
u, t = cl.cmd('h3', 'SEARCH CHARSET UTF-8 FROM bob SUBJECT "protocol"')
c.check('SEARCH FROM/SUBJECT finds both', u == [b'* SEARCH 1 2\r\n'], u)
u, t = cl.cmd('h4', 'UID SEARCH DRAFT NOT ANSWERED')
c.check('UID SEARCH answers UIDs', len(u) == 1 and u[0].startswith(b'* SEARCH') and len(u[0].split()) == 4, u)
u, t = cl.cmd('h5', 'SEARCH ANSWERED')
c.check('SEARCH with no match answers an empty SEARCH', u == [b'* SEARCH\r\n'], u)
for i, (query, expect) in enumerate([
        ('BODY "Body text"', b'* SEARCH 1 2'), ('HEADER Subject "protocol"', b'* SEARCH 1 2'),
        ('SENTBEFORE 1-Jan-2000', b'* SEARCH 1 2'), ('SENTSINCE 1-Jan-2000', b'* SEARCH'),
        ('LARGER 10 SMALLER 100000', b'* SEARCH 1 2'), ('2', b'* SEARCH 2'), ('UID 1', b'* SEARCH 1'),
        ('OR FLAGGED KEYWORD $Nothing', b'* SEARCH'), ('OR DRAFT KEYWORD $Nothing', b'* SEARCH 1 2'), ('NOT DRAFT', b'* SEARCH'), ('(SEEN FROM "bob")', b'* SEARCH'), ('(UNSEEN FROM "bob")', b'* SEARCH 1 2'),
        ('CHARSET UTF-8 TEXT {4+}\r\nBody', b'* SEARCH 1 2'), ('RECENT', b'* SEARCH 1 2'), ('NEW', b'* SEARCH 1 2'), ('OLD', b'* SEARCH')]):
    u, t = cl.cmd(f'h6{i}', f'SEARCH {query}')
    c.check(f'SEARCH {query.splitlines()[0]}', u == [expect + b'\r\n'] and t.startswith(f'h6{i} OK'.encode()), (u, t))
_, t = cl.cmd('i1', 'COPY 1 nowhere')
c.check('COPY to a missing mailbox is NO [TRYCREATE]', t.startswith(b'i1 NO [TRYCREATE]'), t)
_, t = cl.cmd('i2', 'COPY 1:2 Archive')
c.check('COPY answers COPYUID', t.startswith(b'i2 OK [COPYUID '), t)
u, t = cl.cmd('i3', 'MOVE 2 Trash')
c.check('MOVE sends COPYUID then EXPUNGE', len(u) == 2 and u[0].startswith(b'* OK [COPYUID ') and u[1] == b'* 2 EXPUNGE\r\n' and t.startswith(b'i3 OK'), (u, t))
cl.cmd('i4', 'STORE 1 +FLAGS.SILENT (\\Deleted)')
u, t = cl.cmd('i5', 'EXPUNGE')
c.check('EXPUNGE reports the expunged message', u == [b'* 1 EXPUNGE\r\n'], u)

u, t = cl.cmd('j1', 'EXAMINE Archive')
c.check('EXAMINE is READ-ONLY', t.startswith(b'j1 OK [READ-ONLY]'), t)
u, t = cl.cmd('j2', 'FETCH 1 (BODY[] FLAGS)')
c.check('FETCH BODY[] in EXAMINE does not set \\Seen', any(b'FLAGS (' in x and b'\\Seen' not in x.split(b'BODY[]')[0] for x in u), u)
_, t = cl.cmd('j3', 'STORE 1 +FLAGS (\\Flagged)')
c.check('STORE in EXAMINE is NO', t.startswith(b'j3 NO'), t)
_, t = cl.cmd('j4', 'EXPUNGE')
c.check('EXPUNGE in EXAMINE is NO', t.startswith(b'j4 NO'), t)
_, t = cl.cmd('j5', 'UNSELECT')
c.check('UNSELECT', t.startswith(b'j5 OK'), t)
_, t = cl.cmd('j6', 'CLOSE')
c.check('CLOSE without a selected mailbox is BAD', t.startswith(b'j6 BAD'), t)

cl.cmd('k1', 'SELECT Archive')
cl.cmd('k2', 'STORE 1 +FLAGS.SILENT (\\Deleted)')
u, t = cl.cmd('k3', 'UID EXPUNGE 999')
c.check('UID EXPUNGE of other UIDs removes nothing', u == [] and t.startswith(b'k3 OK'), (u, t))
u, t = cl.cmd('k4', 'CLOSE')
c.check('CLOSE expunges silently', u == [] and t.startswith(b'k4 OK'), (u, t))
u, t = cl.cmd('k5', 'STATUS Archive (MESSAGES)')
c.check('the message CLOSE expunged is gone', any(b'(MESSAGES 1)' in x for x in u), u)

cl.cmd('l1', 'SELECT INBOX')
cl.send('l2 IDLE\r\n')
cont = cl.line()
cl.send('DONE\r\n')
_, t = cl.until_tagged('l2')
c.check('IDLE then DONE', cont.startswith(b'+') and t.startswith(b'l2 OK'), (cont, t))
u, _ = cl.cmd('l3', 'ENABLE CONDSTORE')
c.check('ENABLE is valid only before SELECT', _.startswith(b'l3 BAD'), _)
u, t = cl.cmd('l4', 'ID ("name" "checker")')
c.check('ID answers the server identification', any(x.startswith(b'* ID (') for x in u), u)
cl.send('l5 NOOP ' + 'y' * 70000 + '\r\n')
_, t = cl.until_tagged('l5')
c.check('over-long line after login is BAD', t.startswith(b'l5 BAD'), t)
_, t = cl.cmd('l6', 'FETCH 1 (' + '(' * 50 + ')' * 50 + ')')
c.check('deep nesting is BAD', t.startswith(b'l6 BAD'), t)
u, t = cl.cmd('l7', 'LOGOUT')
c.check('LOGOUT sends BYE then OK', u and u[0].startswith(b'* BYE') and t.startswith(b'l7 OK'), (u, t))
c.check('connection closes after LOGOUT', cl.closed())
cl.close()

# ---- RENAME INBOX ----
cl = RawClient(port)
login(cl)
u, _ = cl.cmd('m0', 'STATUS INBOX (MESSAGES)')
before = int(u[0].split(b'MESSAGES ')[1].split(b')')[0])
_, t = cl.cmd('m1', 'RENAME INBOX "Old Inbox"')
u1, _ = cl.cmd('m2', 'STATUS INBOX (MESSAGES)')
u2, _ = cl.cmd('m3', 'STATUS "Old Inbox" (MESSAGES)')
c.check('RENAME INBOX moves the messages and leaves INBOX empty', t.startswith(b'm1 OK') and b'(MESSAGES 0)' in u1[0] and f'(MESSAGES {before})'.encode() in u2[0], (t, u1, u2))
_, t = cl.cmd('m4', 'RENAME "Old Inbox" INBOX')
c.check('RENAME to INBOX is NO', t.startswith(b'm4 NO'), t)
_, t = cl.cmd('m5', 'RENAME nowhere elsewhere')
c.check('RENAME of a missing mailbox is NO [NONEXISTENT]', t.startswith(b'm5 NO [NONEXISTENT]'), t)
_, t = cl.cmd('m6', 'RENAME Sent Drafts')
c.check('RENAME onto an existing mailbox is NO [ALREADYEXISTS]', t.startswith(b'm6 NO [ALREADYEXISTS]'), t)
_, t = cl.cmd('m7', 'SUBSCRIBE nowhere')
c.check('SUBSCRIBE to a missing mailbox is NO', t.startswith(b'm7 NO'), t)
cl.cmd('m8', 'SUBSCRIBE "Lists/rust/&AOQ-rger"')
u, _ = cl.cmd('m9', 'LSUB "" "Lists/%"')
c.check('LSUB % shows an unsubscribed parent as \\Noselect', u == [b'* LSUB (\\Noselect) "/" Lists/rust\r\n'], u)
u, _ = cl.cmd('n1', 'LIST (SPECIAL-USE) "" "*"')
c.check('LIST (SPECIAL-USE) lists only special-use mailboxes', len(u) == 5 and all(any(x in l for x in (b'\\Sent', b'\\Drafts', b'\\Trash', b'\\Junk', b'\\Archive')) for l in u), u)
u, _ = cl.cmd('n2', 'LIST "" ("INBOX" "Sent")')
c.check('LIST with several patterns', len(u) == 2, u)
u, _ = cl.cmd('n3', 'LIST (SUBSCRIBED) "" "*"')
c.check('LIST (SUBSCRIBED) marks \\Subscribed', any(b'\\Subscribed' in l and b'Lists/rust/&AOQ-rger' in l for l in u), u)
u, _ = cl.cmd('n4', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"')
c.check('RECURSIVEMATCH reports CHILDINFO', any(b'Lists ("CHILDINFO" ("SUBSCRIBED"))' in l for l in u), u)
u, t = cl.cmd('n5', 'LIST "" "*" RETURN (BOGUS)')
c.check('an unknown LIST return option is BAD', t.startswith(b'n5 BAD'), t)
cl.close()

# ---- too many bad commands ----
cl = RawClient(port)
for i in range(19):
    cl.cmd(f'z{i}', 'BOGUS')
cl.send('z99 BOGUS\r\n')
lines = [cl.line(), cl.line()]
c.check('too many bad commands end with BYE', lines[0].startswith(b'z99 BAD') and lines[1].startswith(b'* BYE'), lines)
c.check('and the connection is closed', cl.closed())
cl.close()

# ---- STARTTLS: plaintext sent after the command is never run ----
sock = socket.create_connection(('127.0.0.1', port), timeout=10)
greet = sock.recv(4096)
sock.sendall(b'a STARTTLS\r\nb LOGIN ' + user.encode() + b' ' + password.encode() + b'\r\n')
resp = b''
while b'\r\n' not in resp:
    resp += sock.recv(4096)
c.check('STARTTLS answers OK', resp.startswith(b'a OK'), resp)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
tsock = ctx.wrap_socket(sock)
tsock.sendall(b'c CAPABILITY\r\n')
data = b''
while b'c OK' not in data:
    data += tsock.recv(4096)
c.check('the injected command was discarded', b'b OK' not in data and b'b NO' not in data and b'b BAD' not in data, data)
c.check('STARTTLS is not offered again', b'STARTTLS' not in data, data)
tsock.sendall(b'd STARTTLS\r\n')
data = b''
while b'd ' not in data:
    data += tsock.recv(4096)
c.check('a second STARTTLS is BAD', data.startswith(b'd BAD'), data)
tsock.sendall(b'e LOGIN ' + q(user).encode() + b' ' + q(password).encode() + b'\r\n')
data = b''
while b'e ' not in data:
    data += tsock.recv(4096)
c.check('LOGIN works over STARTTLS', b'e OK' in data, data)
tsock.close()

# ---- STARTTLS followed by plaintext instead of a handshake: the connection just ends ----
sock = socket.create_connection(('127.0.0.1', port), timeout=10)
sock.recv(4096)
sock.sendall(b'a STARTTLS\r\n')
resp = b''
while b'\r\n' not in resp:
    resp += sock.recv(4096)
sock.sendall(b'b LOGIN user pass\r\n')
sock.settimeout(5)
tail = b''
try:
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        tail += chunk
except (socket.timeout, ConnectionResetError):
    pass
c.check('plaintext after STARTTLS is never answered as a command', b'b OK' not in tail and b'b NO' not in tail and b'b BAD' not in tail, tail)
sock.close()
cl = RawClient(port)
_, t = cl.cmd('p1', 'NOOP')
c.check('the server is unharmed by a failed handshake', t.startswith(b'p1 OK'), t)
cl.close()

# ---- IMAPS ----
cl = RawClient(imaps_port, tls=True)
c.check('IMAPS greeting without STARTTLS', cl.greeting.startswith(b'* OK [CAPABILITY') and b'STARTTLS' not in cl.greeting, cl.greeting)
login(cl)
cl.close()

c.finish()
