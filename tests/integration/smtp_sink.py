#!/usr/bin/env python3
"""A tiny SMTP server for the notification tests (standard library only).

    smtp_sink.py PORT DIR

Listens on 127.0.0.1:PORT (no TLS: the daemon under test runs with
[mail] starttls = off) and writes each message it accepts to
DIR/msg-NNNN.json, decoded: {"mail_from", "rcpt_to", "from", "to",
"subject", "message_id", "date", "content_type", "body", "raw"}. The file
appears whole (written aside, then renamed) once the message has been
accepted, so a test waits for the file. DIR/ready appears once the
server listens. SIGTERM stops it; started again on the same DIR, it
numbers on after the messages already there.

A recipient whose address starts with "reject" is refused with 550 (no
such mailbox), as a relay refuses an address it does not know.
"""
import email
import email.policy
import json
import os
import signal
import socket
import socketserver
import sys
import time
import threading

lock = threading.Lock()
count = [0]


def store(directory, mail_from, rcpt_to, raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_content().replace("\r\n", "\n") if not msg.is_multipart() else ""
    doc = {
        "mail_from": mail_from,
        "rcpt_to": rcpt_to,
        "from": str(msg.get("From", "")),
        "to": str(msg.get("To", "")),
        "subject": str(msg.get("Subject", "")),
        "message_id": str(msg.get("Message-ID", "")),
        "date": str(msg.get("Date", "")),
        "content_type": msg.get_content_type(),
        "body": body,
        "raw": raw.decode("utf-8", "replace"),
    }
    with lock:
        count[0] += 1
        name = "msg-%04d.json" % count[0]
    tmp = os.path.join(directory, "." + name)
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    os.rename(tmp, os.path.join(directory, name))


class Session(socketserver.StreamRequestHandler):
    def setup(self):
        super().setup()
        # Each reply is one write; without this, Nagle's algorithm holds a
        # reply back until the client's delayed ACK of the previous one,
        # some 40 ms a mail, and the server would be what a benchmark
        # measures.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, *lines):
        self.wfile.write(b"".join(l.encode() + b"\r\n" for l in lines))
        self.wfile.flush()

    def handle(self):
        mail_from, rcpt_to = None, []
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-sink", "250-8BITMIME", "250 SIZE 10485760")
            elif verb == "HELO":
                self.reply("250 sink")
            elif verb == "MAIL":
                mail_from, rcpt_to = cmd.split(":", 1)[1].strip().strip("<>"), []
                self.reply("250 ok")
            elif verb == "RCPT":
                address = cmd.split(":", 1)[1].strip().strip("<>")
                if address.startswith("reject"):
                    self.reply("550 5.1.1 no such mailbox")
                    continue
                rcpt_to.append(address)
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go ahead")
                lines = []
                while True:
                    l = self.rfile.readline()
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    lines.append(l)
                store(self.server.directory, mail_from, rcpt_to, b"".join(lines))
                # A file "hold" in the directory holds the answer to the
                # mail it has just stored (a relay that took the mail, and
                # a sender that has not heard so yet) until it is removed.
                hold = os.path.join(self.server.directory, "hold")
                while os.path.exists(hold):
                    time.sleep(0.01)
                self.reply("250 queued")
            elif verb == "RSET":
                mail_from, rcpt_to = None, []
                self.reply("250 ok")
            elif verb == "NOOP":
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    server = Server(("127.0.0.1", port), Session)
    server.directory = directory
    count[0] = len([n for n in os.listdir(directory) if n.startswith("msg-")])
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    with open(os.path.join(directory, "ready"), "w"):
        pass
    server.serve_forever()


if __name__ == "__main__":
    main()
