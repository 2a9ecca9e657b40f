"""RFC 3501 conformance checks of the IMAP server, with the exact bytes a client sees: response
grammar of SELECT/EXAMINE/STATUS, LIST and LSUB attributes, FETCH details, STORE, SEARCH,
COPY/MOVE, APPEND, EXPUNGE numbering, CLOSE/UNSELECT, RENAME/DELETE, IDLE, AUTHENTICATE,
LOGOUT, and what two sessions of one mailbox see of each other (RFC 2180).
Usage: imap_conformance.py PORT USER PASSWORD OTHER_USER OTHER_PASSWORD SHARED_ADDRESS OUTSIDER OUTSIDER_PASSWORD
USER and OTHER_USER are members of SHARED_ADDRESS; OUTSIDER is not."""
import base64
import re
import socket
import ssl
import sys
import time

from imap_raw import Checker, RawClient

port = int(sys.argv[1])
user, password, other, other_password, shared, outsider, outsider_password = sys.argv[2:9]
c = Checker()


def q(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def login(u=user, p=password):
    cl = RawClient(port)
    _, t = cl.cmd('L', f'LOGIN {q(u)} {q(p)}')
    assert t.startswith(b'L OK'), t
    return cl


def append(cl, tag, box, msg, extra=''):
    cl.send(f'{tag} APPEND {box}{extra} {{{len(msg)}+}}\r\n'.encode() + msg + b'\r\n')
    return cl.until_tagged(tag)


def message(n, extra=b''):
    return (b'From: Bob <bob@example.com>\r\nTo: ' + user.encode() + b'\r\nSubject: conformance ' + str(n).encode()
            + b'\r\nMessage-ID: <c' + str(n).encode() + b'@example.com>\r\n' + extra + b'\r\nBody number ' + str(n).encode() + b'\r\n')


def literal_of(line, name):
    """The bytes of the literal following `name` in one FETCH response line."""
    m = re.search(re.escape(name.encode()) + rb' \{(\d+)\}\r\n', line)
    if not m:
        return None
    return line[m.end():m.end() + int(m.group(1))]


def fetch_lines(untagged):
    return [x for x in untagged if re.match(rb'\* \d+ FETCH ', x)]


# ---- greeting, CAPABILITY, AUTHENTICATE, LOGOUT ----
cl = RawClient(port)
caps = cl.greeting.split(b']')[0].split()
c.check('greeting is OK with a CAPABILITY code listing IMAP4rev1', cl.greeting.startswith(b'* OK [CAPABILITY ') and b'IMAP4rev1' in caps, cl.greeting)
c.check('loopback client is offered AUTH=PLAIN and no LOGINDISABLED', b'AUTH=PLAIN' in caps and b'LOGINDISABLED' not in caps, caps)
u, t = cl.cmd('a1', 'CAPABILITY')
c.check('CAPABILITY answers exactly one untagged CAPABILITY', len(u) == 1 and u[0].startswith(b'* CAPABILITY IMAP4rev1 ') and t.startswith(b'a1 OK'), (u, t))
cl.send('a2 AUTHENTICATE PLAIN\r\n')
cont = cl.line()
cl.send('*\r\n')
_, t = cl.until_tagged('a2')
c.check('AUTHENTICATE cancelled with "*" is BAD (RFC 3501 6.2.2)', cont.startswith(b'+ ') and t.startswith(b'a2 BAD'), (cont, t))
plain = base64.b64encode(f'\0{user}\0{password}'.encode()).decode()
cl.send('a3 AUTHENTICATE PLAIN\r\n')
cl.line()
cl.send(plain + '\r\n')
_, t = cl.until_tagged('a3')
c.check('AUTHENTICATE PLAIN without SASL-IR logs in, capabilities in the OK', t.startswith(b'a3 OK [CAPABILITY IMAP4rev1 ') and b'AUTH=' not in t, t)
u, t = cl.cmd('a4', 'CAPABILITY')
c.check('capabilities after login drop AUTH= and STARTTLS', b'AUTH=' not in u[0] and b'STARTTLS' not in u[0] and b'IDLE' in u[0], u)
u, t = cl.cmd('a5', 'LOGOUT')
c.check('LOGOUT: untagged BYE, then the tagged OK', len(u) == 1 and u[0].startswith(b'* BYE ') and t.startswith(b'a5 OK'), (u, t))
c.check('the server closes after LOGOUT', cl.closed())
cl.close()

cl = RawClient(port)
_, t = cl.cmd('b1', f'AUTHENTICATE PLAIN {plain}')
c.check('AUTHENTICATE PLAIN with an initial response (SASL-IR)', t.startswith(b'b1 OK'), t)
_, t = cl.cmd('b2', 'AUTHENTICATE PLAIN')
c.check('AUTHENTICATE once authenticated is BAD', t.startswith(b'b2 BAD'), t)
cl.close()

# ---- STARTTLS: the capability list changes, and the client must ask for it again ----
cl = RawClient(port)
_, t = cl.cmd('t1', 'STARTTLS')
tls = ssl.create_default_context()
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE
cl.sock = tls.wrap_socket(cl.sock)
u, t2 = cl.cmd('t2', 'CAPABILITY')
c.check('after STARTTLS: CAPABILITY drops STARTTLS, keeps AUTH=PLAIN, no LOGINDISABLED',
        t.startswith(b't1 OK') and len(u) == 1 and b'STARTTLS' not in u[0] and b'AUTH=PLAIN' in u[0] and b'LOGINDISABLED' not in u[0], (t, u))
_, t = cl.cmd('t3', f'LOGIN {q(user)} {q(password)}')
c.check('LOGIN over TLS answers the new capabilities', t.startswith(b't3 OK [CAPABILITY IMAP4rev1 ') and b'AUTH=' not in t, t)
cl.close()

# ---- mailboxes: LIST, LSUB, STATUS ----
cl = login()
u, _ = cl.cmd('c1', 'LIST "" ""')
c.check('LIST "" "" gives the delimiter and an empty root name', u == [b'* LIST (\\Noselect) "/" ""\r\n'], u)
for i, box in enumerate(['"Work/Projects/Alpha"', '"My Stuff"', '"&AMQ-rger"', '"Parent/Child"']):
    _, t = cl.cmd(f'c2{i}', f'CREATE {box}')
    c.check(f'CREATE {box}', t.startswith(f'c2{i} OK'.encode()), t)
u, _ = cl.cmd('c3', 'LIST "" "*"')
names = {x.rsplit(b'"/" ', 1)[1].strip(): x for x in u}
c.check('a name with a space is quoted', b'"My Stuff"' in names, u)
c.check('a non-ASCII name travels in modified UTF-7', b'&AMQ-rger' in names, u)
c.check('a parent is \\HasChildren, a leaf \\HasNoChildren', b'\\HasChildren' in names.get(b'Work/Projects', b'') and b'\\HasNoChildren' in names.get(b'Work/Projects/Alpha', b''), u)
c.check('special-use attributes are listed', b'\\Sent' in names.get(b'Sent', b'') and b'\\Trash' in names.get(b'Trash', b''), u)
c.check('INBOX comes first', u[0].endswith(b' INBOX\r\n'), u)
c.check('the shared namespace root is \\Noselect for a member', b'\\Noselect' in names.get(b'shared', b'') and f'shared/{shared}'.encode() in names, u)
u, _ = cl.cmd('c4', 'LIST "Work/" "%"')
c.check('the reference is prefixed to the pattern', u == [b'* LIST (\\HasChildren) "/" Work/Projects\r\n'], u)
u, _ = cl.cmd('c41', 'LIST "Work" "/%"')
c.check('a pattern starting with the delimiter continues the reference', u == [b'* LIST (\\HasChildren) "/" Work/Projects\r\n'], u)
u, _ = cl.cmd('c42', 'LIST "Work/" "/%"')
c.check('a delimiter ending the reference and starting the pattern is not doubled', u == [b'* LIST (\\HasChildren) "/" Work/Projects\r\n'], u)
u, _ = cl.cmd('c5', 'LIST "" "Work/%"')
c.check('"%" does not cross the delimiter', u == [b'* LIST (\\HasChildren) "/" Work/Projects\r\n'], u)
u, _ = cl.cmd('c6', 'LIST "" "iNbOx"')
c.check('INBOX matches in any case and is answered as INBOX', len(u) == 1 and u[0].endswith(b' INBOX\r\n'), u)
_, t = cl.cmd('c7', 'DELETE Parent')
u, _ = cl.cmd('c8', 'LIST "" "Parent*"')
c.check('DELETE of a mailbox with children leaves it \\Noselect (RFC 3501 6.3.4)',
        t.startswith(b'c7 OK') and b'* LIST (\\Noselect \\HasChildren) "/" Parent\r\n' in u and b'* LIST (\\HasNoChildren) "/" Parent/Child\r\n' in u, (t, u))
_, t = cl.cmd('c9', 'DELETE Parent')
c.check('DELETE of a \\Noselect name with children is NO', t.startswith(b'c9 NO'), t)
_, t = cl.cmd('d1', 'SELECT Parent')
c.check('SELECT of a \\Noselect name is NO', t.startswith(b'd1 NO'), t)
_, t = cl.cmd('d2', 'SUBSCRIBE "Work/Projects/Alpha"')
u_star, _ = cl.cmd('d3', 'LSUB "" "Work*"')
c.check('LSUB "*" lists only subscribed names, not their parents (RFC 3501 6.3.9)',
        u_star == [b'* LSUB () "/" Work/Projects/Alpha\r\n'], u_star)
u_pct, _ = cl.cmd('d4', 'LSUB "" "%"')
c.check('LSUB "%" shows an unsubscribed parent of a subscribed name as \\Noselect',
        b'* LSUB (\\Noselect) "/" Work\r\n' in u_pct and not any(b'Work/' in x for x in u_pct), u_pct)
u, _ = cl.cmd('d5', 'LSUB "Work/" "%"')
c.check('LSUB with a reference and "%"', u == [b'* LSUB (\\Noselect) "/" Work/Projects\r\n'], u)
_, t = cl.cmd('d6', 'SUBSCRIBE "No Such Box"')
c.check('SUBSCRIBE to a missing mailbox is NO (RFC 3501 6.3.6 allows the check)', t.startswith(b'd6 NO'), t)
_, t = cl.cmd('d7', 'SUBSCRIBE inbox')
u, _ = cl.cmd('d8', 'LSUB "" "INBOX"')
c.check('SUBSCRIBE inbox is INBOX', u == [b'* LSUB () "/" INBOX\r\n'], (t, u))
u, t = cl.cmd('d9', 'STATUS "My Stuff" (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)')
c.check('STATUS answers every item asked, in order', len(u) == 1 and re.match(rb'\* STATUS "My Stuff" \(MESSAGES 0 RECENT 0 UIDNEXT 1 UIDVALIDITY \d+ UNSEEN 0\)\r\n$', u[0]) is not None, u)
u, t = cl.cmd('da', 'STATUS INBOX (APPENDLIMIT)')
c.check('STATUS knows APPENDLIMIT, as the capability promises (RFC 7889 3.1)', u == [b'* STATUS INBOX (APPENDLIMIT 65536)\r\n'], (u, t))

# ---- APPEND ----
_, t = append(cl, 'e1', 'INBOX', message(1), ' (\\Seen $Work) "01-Feb-2020 10:00:00 +0100"')
c.check('APPEND with flags and date answers APPENDUID', re.match(rb'e1 OK \[APPENDUID \d+ 1\]', t) is not None, t)
msg2 = message(2)
cl.send(f'e2 APPEND INBOX {{{len(msg2)}}}\r\n')
cont = cl.line()
cl.send(msg2 + b'\r\n')
_, t = cl.until_tagged('e2')
c.check('APPEND with a synchronizing literal', cont.startswith(b'+') and re.match(rb'e2 OK \[APPENDUID \d+ 2\]', t) is not None, (cont, t))
for n in range(3, 8):
    append(cl, f'e3{n}', 'INBOX', message(n))
cl.send('e4 APPEND INBOX {999999}\r\n')
_, t = cl.until_tagged('e4')
c.check('APPEND over APPENDLIMIT is NO [TOOBIG] without a continuation', t.startswith(b'e4 NO [TOOBIG]'), t)
_, t = cl.cmd('e5', 'NOOP')
c.check('the connection survives the refused APPEND', t.startswith(b'e5 OK'), t)
_, t = append(cl, 'e6', 'Nowhere', message(0))
c.check('APPEND to a missing mailbox is NO [TRYCREATE]', t.startswith(b'e6 NO [TRYCREATE]'), t)

# ---- SELECT ----
u, t = cl.cmd('f1', 'SELECT INBOX')
c.check('SELECT sends FLAGS, EXISTS, RECENT in that order', u[0].startswith(b'* FLAGS (') and u[1] == b'* 7 EXISTS\r\n' and u[2] == b'* 7 RECENT\r\n', u)
c.check('FLAGS lists the system flags and known keywords', u[0] == b'* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)\r\n', u[0])
c.check('PERMANENTFLAGS includes \\* and the keywords', b'* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] ' in b''.join(u), u)
c.check('[UNSEEN n] names the first unseen message', any(x.startswith(b'* OK [UNSEEN 2] ') for x in u), u)
c.check('[UIDVALIDITY n] and [UIDNEXT n]', any(re.match(rb'\* OK \[UIDVALIDITY \d+\] ', x) for x in u) and any(x.startswith(b'* OK [UIDNEXT 8] ') for x in u), u)
c.check('SELECT completes with [READ-WRITE]', t.startswith(b'f1 OK [READ-WRITE]'), t)
u, _ = cl.cmd('f2', 'STATUS INBOX (MESSAGES RECENT UNSEEN)')
c.check('STATUS of the selected mailbox counts the \\Recent messages this session holds', u == [b'* STATUS INBOX (MESSAGES 7 RECENT 7 UNSEEN 6)\r\n'], u)

# ---- FETCH ----
u, _ = cl.cmd('g1', 'FETCH 2 (RFC822.SIZE BODY.PEEK[])')
size = int(re.search(rb'RFC822\.SIZE (\d+)', u[0]).group(1))
body = literal_of(u[0], 'BODY[]')
c.check('RFC822.SIZE equals the bytes of BODY[]', body is not None and size == len(body) == len(msg2), (size, u))
c.check('BODY.PEEK does not set \\Seen (no FLAGS sent)', b'FLAGS' not in u[0], u)
u, _ = cl.cmd('g2', 'FETCH 2 (BODY.PEEK[]<0.10>)')
c.check('a partial BODY[]<0.10> is echoed as BODY[]<0> with 10 bytes', re.search(rb'BODY\[\]<0> \{10\}\r\n', u[0]) is not None and literal_of(u[0], 'BODY[]<0>') == msg2[:10], u)
u, _ = cl.cmd('g3', 'FETCH 2 (BODY.PEEK[]<100000.10>)')
c.check('a partial beyond the end is empty', u == [b'* 2 FETCH (BODY[]<100000> "")\r\n'], u)
u, _ = cl.cmd('g4', 'FETCH 2 (FLAGS)')
c.check('the message is still unseen after PEEK', u == [b'* 2 FETCH (FLAGS (\\Recent))\r\n'], u)
u, _ = cl.cmd('g5', 'FETCH 2 BODY[TEXT]')
c.check('a non-peek FETCH reports the new \\Seen flag in the same response', len(u) == 1 and b'FLAGS (\\Seen \\Recent)' in u[0] and b'Body number 2' in u[0], u)
u, _ = cl.cmd('g6', 'FETCH 2 BODY[TEXT]')
c.check('a second non-peek FETCH does not repeat FLAGS', len(u) == 1 and b'FLAGS' not in u[0], u)
u, _ = cl.cmd('g7', 'FETCH 3 (BODY.PEEK[HEADER.FIELDS (Subject Message-ID)])')
c.check('HEADER.FIELDS returns the fields asked and the blank line',
        literal_of(u[0], 'BODY[HEADER.FIELDS (SUBJECT MESSAGE-ID)]') == b'Subject: conformance 3\r\nMessage-ID: <c3@example.com>\r\n\r\n', u)
u, _ = cl.cmd('g8', 'UID FETCH 3:4 (FLAGS)')
c.check('UID FETCH includes UID even when not asked', len(u) == 2 and all(re.match(rb'\* \d+ FETCH \(UID \d+ FLAGS', x) for x in u), u)
u, _ = cl.cmd('g9', 'UID FETCH 100:* (FLAGS)')
c.check('UID range n:* with n past the last UID names the last message', len(u) == 1 and u[0].startswith(b'* 7 FETCH (UID 7 '), u)

# ---- STORE ----
u, _ = cl.cmd('h1', 'STORE 1 +FLAGS ($Project)')
c.check('a new keyword brings FLAGS and PERMANENTFLAGS again before the FETCH',
        len(u) == 3 and u[0].startswith(b'* FLAGS (') and b'$Project' in u[0] and b'PERMANENTFLAGS' in u[1] and u[2] == b'* 1 FETCH (FLAGS (\\Seen $Work $Project \\Recent))\r\n', u)
_, t = cl.cmd('h2', 'STORE 1 +FLAGS (\\Recent)')
c.check('\\Recent cannot be stored', t.startswith(b'h2 BAD'), t)
u, t = cl.cmd('h3', 'STORE 1 -FLAGS.SILENT ($Project)')
c.check('STORE .SILENT sends no FETCH', u == [] and t.startswith(b'h3 OK'), (u, t))
u, _ = cl.cmd('h4', 'UID STORE 1 FLAGS (\\Seen \\Flagged $Work)')
c.check('UID STORE answers with UID and the new flags',
        len(u) == 1 and u[0].startswith(b'* 1 FETCH (UID 1 FLAGS (') and set(u[0].split(b'FLAGS (')[1].split(b')')[0].split()) == {b'\\Seen', b'\\Flagged', b'$Work', b'\\Recent'}, u)

# ---- SEARCH ----
for i, (query, expect) in enumerate([
        ('UID 5:*', b'5 6 7'), ('UID *', b'7'), ('5:*', b'5 6 7'), ('NOT OR SEEN FLAGGED', b'3 4 5 6 7'),
        ('OR (SEEN NOT FLAGGED) (UID 7)', b'2 7'), ('NOT (NOT (FLAGGED))', b'1'), ('SUBJECT "conformance 4"', b'4'),
        ('KEYWORD $Work', b'1'), ('UNKEYWORD $Work 1:2', b'2')]):
    u, _ = cl.cmd(f'i{i}', f'SEARCH {query}')
    c.check(f'SEARCH {query}', u == [b'* SEARCH ' + expect + b'\r\n'], u)

# ---- COPY, MOVE ----
u, t = cl.cmd('j1', 'COPY 2:4 "My Stuff"')
c.check('COPY answers COPYUID with the source and destination UIDs', re.match(rb'j1 OK \[COPYUID \d+ 2:4 1:3\]', t) is not None, t)
_, t = cl.cmd('j2', 'UID COPY 7,5 "My Stuff"')
c.check('UID COPY of an unordered set pairs UIDs in order', re.match(rb'j2 OK \[COPYUID \d+ 5,7 4:5\]', t) is not None, t)
_, t = cl.cmd('j3', 'COPY 1 "No Such Box"')
c.check('COPY to a missing mailbox is NO [TRYCREATE]', t.startswith(b'j3 NO [TRYCREATE]'), t)

other_cl = login()
other_cl.cmd('k0', 'SELECT INBOX')
u, t = cl.cmd('k1', 'MOVE 6 "My Stuff"')
c.check('MOVE: untagged OK [COPYUID], then EXPUNGE, then the tagged OK',
        len(u) == 2 and re.match(rb'\* OK \[COPYUID \d+ 6 6\] ', u[0]) is not None and u[1] == b'* 6 EXPUNGE\r\n' and t.startswith(b'k1 OK'), (u, t))
u, _ = other_cl.cmd('k2', 'NOOP')
c.check('the other session gets the EXPUNGE of the moved message', u == [b'* 6 EXPUNGE\r\n'], u)

# ---- two sessions: RFC 2180 ----
cl.cmd('l1', 'STORE 3,5,6 +FLAGS.SILENT (\\Deleted)')
u, _ = other_cl.cmd('l2', 'STORE 4 +FLAGS.SILENT (\\Answered)')
u, t = cl.cmd('l3', 'NOOP')
c.check('a change made with .SILENT elsewhere is reported at the next command', u == [b'* 4 FETCH (FLAGS (\\Answered \\Recent))\r\n'], u)
other_cl.cmd('l31', 'STORE 2 +FLAGS.SILENT ($Other)')
u, t = cl.cmd('l32', 'STORE 2 +FLAGS.SILENT (\\Draft)')
u2, _ = cl.cmd('l33', 'NOOP')
c.check('an own STORE .SILENT does not hide a change another session made just before',
        u + u2 == [b'* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Other $Project $Work)\r\n',
                   b'* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Other $Project $Work \\*)] Flags permitted\r\n',
                   b'* 2 FETCH (FLAGS (\\Seen \\Draft $Other \\Recent))\r\n'], (u, u2))
u, t = other_cl.cmd('l4', 'EXPUNGE')
c.check('EXPUNGE responses: each number is valid when sent (descending here)', [x for x in u if x.endswith(b' EXPUNGE\r\n')] == [b'* 6 EXPUNGE\r\n', b'* 5 EXPUNGE\r\n', b'* 3 EXPUNGE\r\n'], u)
u, t = cl.cmd('l5', 'FETCH 1:6 (UID)')
c.check('FETCH sends no EXPUNGE and keeps numbers; expunged ones are NO [EXPUNGEISSUED] (RFC 2180 4.1.2)',
        not any(b'EXPUNGE\r\n' in x for x in u) and t.startswith(b'l5 NO [EXPUNGEISSUED]') and [x.split(b' ')[1] for x in u] == [b'1', b'2', b'4'] and b'(UID 4)' in u[2], (u, t))
u, t = cl.cmd('l51', 'STORE 3 +FLAGS.SILENT (\\Flagged)')
c.check('STORE .SILENT naming a message expunged elsewhere is NO [EXPUNGEISSUED] too (RFC 2180 4.2)', u == [] and t.startswith(b'l51 NO [EXPUNGEISSUED]'), (u, t))
u, t = cl.cmd('l6', 'SEARCH 3:* ALL')
c.check('SEARCH uses the numbers the client knows and never returns expunged messages', u == [b'* SEARCH 4\r\n'], u)
u, t = cl.cmd('l7', 'UID FETCH 1:* (FLAGS)')
expunges = [x for x in u if x.endswith(b' EXPUNGE\r\n')]
fetches = fetch_lines(u)
c.check('UID FETCH skips expunged UIDs with OK and brings the EXPUNGEs (RFC 3501 6.4.8)',
        t.startswith(b'l7 OK') and expunges == [b'* 6 EXPUNGE\r\n', b'* 5 EXPUNGE\r\n', b'* 3 EXPUNGE\r\n'] and len(fetches) == 3, (u, t))
u, _ = cl.cmd('l8', 'FETCH 1:* (UID)')
c.check('after the EXPUNGEs the numbers are renumbered', [re.search(rb'UID (\d+)', x).group(1) for x in u] == [b'1', b'2', b'4'], u)

# UID STORE of a message another session just expunged
other_cl.cmd('m1', 'STORE 3 +FLAGS.SILENT (\\Deleted)')
other_cl.cmd('m2', 'EXPUNGE')
u, t = cl.cmd('m3', 'UID STORE 1:* +FLAGS (\\Draft)')
c.check('UID STORE ignores a UID expunged elsewhere, answers OK and brings the EXPUNGE',
        t.startswith(b'm3 OK') and u[-1] == b'* 3 EXPUNGE\r\n' and len(fetch_lines(u)) == 2, (u, t))

# ---- IDLE ----
cl.send('n1 IDLE\r\n')
cont = cl.line()
start = time.time()
append(other_cl, 'n2', 'INBOX', message(8))
cl.sock.settimeout(1.0)
try:
    pushed = [cl.line(), cl.line()]
except socket.timeout:
    pushed = []
cl.sock.settimeout(10)
# RECENT counts every \\Recent message of the session; which session claims the new one is a race.
c.check('IDLE: a new message is pushed within a second as EXISTS then RECENT',
        cont.startswith(b'+ ') and len(pushed) == 2 and pushed[0] == b'* 3 EXISTS\r\n' and pushed[1] in (b'* 2 RECENT\r\n', b'* 3 RECENT\r\n') and time.time() - start < 1.5, (cont, pushed))
other_cl.cmd('n3', 'STORE 1 +FLAGS.SILENT (\\Answered)')
cl.sock.settimeout(1.0)
try:
    pushed = cl.line()
except socket.timeout:
    pushed = b''
cl.sock.settimeout(10)
c.check('IDLE: a flag change elsewhere is pushed', pushed.startswith(b'* 1 FETCH (FLAGS (') and b'\\Answered' in pushed, pushed)
cl.send('DONE\r\n')
u, t = cl.until_tagged('n1')
c.check('DONE ends IDLE with the tagged OK', u == [] and t.startswith(b'n1 OK'), (u, t))
cl.send('n4 IDLE\r\n')
cl.line()
cl.send('n5 NOOP\r\n')
u, t = cl.until_tagged('n4')
c.check('a command instead of DONE is BAD and ends IDLE', t.startswith(b'n4 BAD'), t)
_, t = cl.cmd('n6', 'NOOP')
c.check('the session goes on after that', t.startswith(b'n6 OK'), t)

# ---- UNSELECT, CLOSE, EXAMINE ----
cl.cmd('o1', 'STORE 1 +FLAGS.SILENT (\\Deleted)')
u, t = cl.cmd('o2', 'UNSELECT')
u2, _ = cl.cmd('o3', 'STATUS INBOX (MESSAGES)')
c.check('UNSELECT does not expunge', u == [] and t.startswith(b'o2 OK') and u2 == [b'* STATUS INBOX (MESSAGES 3)\r\n'], (u, u2))
u, t = cl.cmd('o4', 'EXAMINE INBOX')
c.check('EXAMINE completes with [READ-ONLY] and PERMANENTFLAGS ()',
        t.startswith(b'o4 OK [READ-ONLY]') and b'* OK [PERMANENTFLAGS ()] ' in b''.join(u), (u, t))
u, _ = cl.cmd('o5', 'FETCH 2 (BODY[TEXT] FLAGS)')
c.check('BODY[] in a read-only mailbox does not set \\Seen', b'\\Seen' not in u[0].split(b'BODY[')[0], u)
u, t = cl.cmd('o6', 'CLOSE')
u2, _ = cl.cmd('o7', 'STATUS INBOX (MESSAGES)')
c.check('CLOSE of an EXAMINEd mailbox expunges nothing', u == [] and u2 == [b'* STATUS INBOX (MESSAGES 3)\r\n'], (u, u2))
cl.cmd('o8', 'SELECT INBOX')
u, t = cl.cmd('o9', 'CLOSE')
u2, _ = cl.cmd('p1', 'STATUS INBOX (MESSAGES)')
c.check('CLOSE expunges \\Deleted messages without EXPUNGE responses', u == [] and t.startswith(b'o9 OK') and u2 == [b'* STATUS INBOX (MESSAGES 2)\r\n'], (u, u2))
u, _ = other_cl.cmd('p2', 'NOOP')
c.check('the other session is told of what CLOSE expunged', u == [b'* 1 EXPUNGE\r\n'], u)
other_cl.close()

# ---- RENAME ----
_, t = cl.cmd('q1', 'RENAME INBOX "Old Mail"')
u1, _ = cl.cmd('q2', 'STATUS INBOX (MESSAGES)')
u2, _ = cl.cmd('q3', 'STATUS "Old Mail" (MESSAGES)')
c.check('RENAME INBOX moves its messages and leaves an empty INBOX (RFC 3501 6.3.5)',
        t.startswith(b'q1 OK') and u1 == [b'* STATUS INBOX (MESSAGES 0)\r\n'] and u2 == [b'* STATUS "Old Mail" (MESSAGES 2)\r\n'], (t, u1, u2))
_, t = cl.cmd('q4', 'RENAME Work Office')
u, _ = cl.cmd('q5', 'LIST "" "Office/*"')
c.check('RENAME takes the inferior names along', t.startswith(b'q4 OK') and len(u) == 2 and b'Office/Projects/Alpha' in u[1], (t, u))
cl.close()

# ---- COPY and MOVE of a message another session expunged ----
s1 = login()
s2 = login()
s1.cmd('s0', 'CREATE Pile')
for n in range(1, 5):
    append(s1, f's0{n}', 'Pile', message(n))
s1.cmd('s1', 'SELECT Pile')
s2.cmd('s2', 'SELECT Pile')
s2.cmd('s3', 'STORE 2 +FLAGS.SILENT (\\Deleted)')
s2.cmd('s4', 'EXPUNGE')
u, t = s1.cmd('s5', 'UID COPY 1:* Archive')
c.check('UID COPY skips a UID expunged elsewhere and copies the rest (RFC 3501 6.4.8)',
        re.match(rb's5 OK \[COPYUID \d+ 1,3:4 1:3\]', t) is not None and u == [b'* 2 EXPUNGE\r\n'], (u, t))
s2.cmd('s6', 'STORE 1 +FLAGS.SILENT (\\Deleted)')
s2.cmd('s7', 'EXPUNGE')
u, t = s1.cmd('s8', 'COPY 1:3 Archive')
u2, _ = s1.cmd('s9', 'STATUS Archive (MESSAGES)')
c.check('COPY naming a message expunged elsewhere copies nothing: NO [EXPUNGEISSUED] (RFC 2180 4.4.1)',
        t.startswith(b's8 NO [EXPUNGEISSUED]') and u == [b'* 1 EXPUNGE\r\n'] and u2 == [b'* STATUS Archive (MESSAGES 3)\r\n'], (u, t, u2))
s2.cmd('sa', 'STORE 1 +FLAGS.SILENT (\\Deleted)')
s2.cmd('sb', 'EXPUNGE')
u, t = s1.cmd('sc', 'UID MOVE 1:* Archive')
c.check('UID MOVE moves what is left and reports every EXPUNGE',
        t.startswith(b'sc OK') and len(u) == 3 and re.match(rb'\* OK \[COPYUID \d+ 4 4\] ', u[0]) is not None and u[1:] == [b'* 2 EXPUNGE\r\n', b'* 1 EXPUNGE\r\n'], (u, t))
s1.close()
s2.close()

# ---- shared namespace: a non-member sees nothing of it ----
out = login(outsider, outsider_password)
u, _ = out.cmd('r1', 'LIST "" "*"')
c.check('a non-member does not see the shared tree', not any(b'shared' in x for x in u), u)
_, t1 = out.cmd('r2', f'SELECT "shared/{shared}"')
_, t2 = out.cmd('r3', 'SELECT "shared/nobody@example.com"')
c.check('a non-member gets the reply of a missing mailbox', t1.startswith(b'r2 NO [NONEXISTENT]') and t1[2:] == t2[2:], (t1, t2))
out.close()

c.finish()
