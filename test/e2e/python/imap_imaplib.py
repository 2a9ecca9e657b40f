"""Everyday flows through Python's imaplib, over STARTTLS and over IMAPS.
Usage: imap_imaplib.py PORT IMAPS_PORT USER PASSWORD CERTFILE"""
import imaplib
import ssl
import sys

from imap_raw import Checker

port, imaps_port, user, password, certfile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
c = Checker()
ctx = ssl.create_default_context(cafile=certfile)
ctx.check_hostname = False

M = imaplib.IMAP4('127.0.0.1', port)
typ, _ = M.starttls(ssl_context=ctx)
c.check('imaplib STARTTLS with the server certificate', typ == 'OK')
typ, data = M.login(user, password)
c.check('imaplib LOGIN', typ == 'OK', data)
typ, data = M.list()
names = [d.decode().rsplit(' ', 1)[-1] for d in data]
c.check('LIST has INBOX and the special folders', all(n in names for n in ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']), names)
typ, data = M.create('Reports/2026')
c.check('CREATE nested', typ == 'OK', data)
msg = b'From: Dana <dana@example.net>\r\nTo: %s\r\nSubject: quarterly numbers\r\nMessage-ID: <q1@example.net>\r\n\r\nSee attached.\r\n' % user.encode()
typ, data = M.append('INBOX', '(\\Flagged)', imaplib.Time2Internaldate(1700000000), msg)
c.check('APPEND answers APPENDUID', typ == 'OK' and b'APPENDUID' in data[0], data)
typ, data = M.select('INBOX')
c.check('SELECT counts the message', typ == 'OK' and data == [b'1'], data)
typ, data = M.fetch('1', '(FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
c.check('FETCH header fields', typ == 'OK' and b'Subject: quarterly numbers' in data[0][1] and b'\\Flagged' in data[0][0], data)
typ, data = M.fetch('1', '(RFC822)')
c.check('FETCH RFC822 returns the exact message', typ == 'OK' and data[0][1] == msg, data)
typ, data = M.fetch('1', '(FLAGS)')
c.check('RFC822 set \\Seen', b'\\Seen' in data[0], data)
typ, data = M.search(None, 'SUBJECT', '"quarterly"', 'FLAGGED')
c.check('SEARCH', data == [b'1'], data)
typ, data = M.uid('SEARCH', None, 'ALL')
uid = data[0].split()[-1]
typ, data = M.uid('STORE', uid, '+FLAGS', '(\\Answered)')
c.check('UID STORE', typ == 'OK' and b'\\Answered' in data[0], data)
typ, data = M.uid('COPY', uid, 'Reports/2026')
c.check('UID COPY', typ == 'OK', data)
typ, data = M.status('Reports/2026', '(MESSAGES UNSEEN UIDNEXT)')
c.check('STATUS of the copy target', typ == 'OK' and b'MESSAGES 1' in data[0], data)
typ, data = M.store('1', '+FLAGS', '\\Deleted')
typ, data = M.expunge()
c.check('EXPUNGE', typ == 'OK' and data == [b'1'], data)
typ, data = M.select('Reports/2026', readonly=True)
c.check('EXAMINE', typ == 'OK' and data == [b'1'], data)
typ, data = M.subscribe('Reports/2026')
typ, data = M.lsub()
c.check('LSUB', typ == 'OK' and any(b'Reports/2026' in d for d in data), data)
typ, data = M.rename('Reports', '"Old Reports"')
typ, data = M.list('""', '"Old Reports/*"')
c.check('RENAME takes the children along', typ == 'OK' and any(b'Old Reports/2026' in d for d in data), data)
typ, data = M.delete('"Old Reports/2026"')
c.check('DELETE', typ == 'OK', data)
typ, data = M.namespace()
c.check('NAMESPACE', typ == 'OK' and data == [b'(("" "/")) NIL (("shared/" "/"))'], data)
typ, data = M.select('Nope')
c.check('SELECT of a missing mailbox is NO [NONEXISTENT]', typ == 'NO' and b'[NONEXISTENT]' in data[0], data)
M.logout()

S = imaplib.IMAP4_SSL('127.0.0.1', imaps_port, ssl_context=ctx)
typ, data = S.login(user, password)
c.check('IMAPS LOGIN', typ == 'OK', data)
typ, data = S.select('INBOX')
c.check('IMAPS SELECT', typ == 'OK', data)
S.logout()

try:
    imaplib.IMAP4('127.0.0.1', port).login(user, 'wrong')
    c.check('wrong password is refused', False)
except imaplib.IMAP4.error as e:
    c.check('wrong password is refused with AUTHENTICATIONFAILED', 'AUTHENTICATIONFAILED' in str(e), str(e))

c.finish()
