# SPDX-License-Identifier: Apache-2.0
# smtpd_auth.py: a test SMTP server for test_notify.c: Debian's aiosmtpd on 127.0.0.1:PORT
# that requires AUTH (user "mailer", password "pa55word"; plain text allowed, loopback test
# only) and prints each message as aiosmtpd's Debugging handler does, plus one AUTH line.
# Usage: /usr/bin/python3 smtpd_auth.py PORT; stops on SIGTERM.
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Debugging
from aiosmtpd.smtp import AuthResult


def check(server, session, envelope, mechanism, data):
    ok = data.login == b"mailer" and data.password == b"pa55word"
    print("AUTH %s %s" % (data.login.decode(), "ok" if ok else "denied"), flush=True)
    return AuthResult(success=ok)


signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT])
c = Controller(Debugging(sys.stdout), hostname="127.0.0.1", port=int(sys.argv[1]),
               authenticator=check, auth_required=True, auth_require_tls=False)
c.start()
signal.sigwait([signal.SIGTERM, signal.SIGINT])
c.stop()
