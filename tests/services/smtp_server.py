#!/usr/bin/python3
"""Test SMTP server: Debian's aiosmtpd writing every accepted message to a Maildir.
Recipients at the domain "refuse.invalid" are refused with 550 (a permanent failure), so tests can
check how a bad address is reported while the others go through."""
import mailbox
import os
import sys
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, path):
        for sub in ("", "/new", "/cur", "/tmp"):
            os.makedirs(path + sub, exist_ok=True)
        self.box = mailbox.Maildir(path, create=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@refuse.invalid"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = mailbox.MaildirMessage(envelope.original_content)
        msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.box.add(msg)
        return "250 Message accepted for delivery"


if __name__ == "__main__":
    host, port = sys.argv[1].rsplit(":", 1)
    ctl = Controller(Handler(sys.argv[2]), hostname=host, port=int(port), data_size_limit=0)
    ctl.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        ctl.stop()
