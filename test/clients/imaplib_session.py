#!/usr/bin/env python3
"""A full session with Python's imaplib against a Postkeep server.

Usage: imaplib_session.py HOST PORT USER PASSWORD
Prints one JSON object with what each step saw; test/clients/imaplib.test.ts checks it.
Exits non-zero (with the error in the JSON) when a step fails.
"""
import imaplib
import json
import re
import sys
import time

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
out = {"steps": []}


def step(name, value):
    out["steps"].append(name)
    out[name] = value


def dec(items):
    res = []
    for it in items:
        if isinstance(it, tuple):
            res.append([x.decode("utf-8", "replace") if isinstance(x, bytes) else x for x in it])
        elif isinstance(it, bytes):
            res.append(it.decode("utf-8", "replace"))
        else:
            res.append(it)
    return res


MSG = (
    b"From: Py Thon <py@example.org>\r\n"
    b"To: Bob <bob@example.com>\r\n"
    b"Subject: imaplib test message\r\n"
    b"Date: Wed, 3 Jan 2024 09:00:00 +0000\r\n"
    b"Message-ID: <py1@example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hello from imaplib, with a pineapple.\r\n"
)

try:
    M = imaplib.IMAP4(host, port)
    step("capabilities", sorted(M.capabilities))
    typ, data = M.login(user, password)
    step("login", typ)
    typ, data = M.list()
    step("list", dec(data))
    typ, data = M.create("Receipts")
    step("create", typ)
    typ, data = M.create("Receipts")
    step("create_again", [typ, dec(data)])
    typ, data = M.append("Receipts", r"(\Seen)", imaplib.Time2Internaldate(time.time()), MSG)
    step("append", [typ, dec(data)])
    typ, data = M.append("INBOX", None, None, MSG.replace(b"pineapple", b"mango"))
    step("append_inbox", [typ, dec(data)])
    typ, data = M.select("Receipts")
    step("select", [typ, dec(data)])
    typ, data = M.search(None, "BODY", "pineapple")
    step("search", [typ, dec(data)])
    typ, data = M.search("UTF-8", "SUBJECT", '"imaplib"')
    step("search_charset", [typ, dec(data)])
    typ, data = M.fetch("1", "(BODY.PEEK[])")
    step("fetch_body", [typ, data[0][1].decode("utf-8") if data and isinstance(data[0], tuple) else None])
    typ, data = M.fetch("1", "(BODYSTRUCTURE)")
    step("fetch_bodystructure", [typ, dec(data)])
    typ, data = M.fetch("1", "(ENVELOPE)")
    step("fetch_envelope", [typ, dec(data)])
    typ, data = M.store("1", "+FLAGS", r"(\Flagged)")
    step("store", [typ, dec(data)])
    typ, data = M.copy("1", "Archive")
    step("copy", [typ, dec(data)])
    # imaplib's uid() returns untagged data only; the tagged OK carries COPYUID, so run it directly
    tag = M._command("UID", "COPY", "1", "Archive")
    typ, data = M._command_complete("UID", tag)
    step("uid_copy", [typ, dec(data)])
    typ, data = M.uid("MOVE", "1", "Trash")
    step("uid_move", [typ, dec(data), dec(M.response("COPYUID")[1])])
    typ, data = M.select("Archive")
    step("select_archive", [typ, dec(data)])
    typ, data = M.fetch("1:*", "(UID FLAGS)")
    step("archive_flags", [typ, dec(data)])
    typ, data = M.store("1", "+FLAGS", r"(\Deleted)")
    typ, data = M.expunge()
    step("expunge", [typ, dec(data)])
    typ, data = M.status("Archive", "(MESSAGES UIDNEXT)")
    step("status", [typ, dec(data)])
    typ, data = M.status("Trash", "(MESSAGES)")
    step("status_trash", [typ, dec(data)])

    # IDLE by hand: Python 3.11's imaplib has no idle()
    M.select("INBOX")
    tag = M._new_tag().decode()
    M.send(f"{tag} IDLE\r\n".encode())
    cont = M.readline().decode().strip()
    # tell the test we are idling, then wait for it to deliver a message through another connection
    sys.stdout.write(json.dumps({"idling": cont}) + "\n")
    sys.stdout.flush()
    lines = []
    M.sock.settimeout(10)
    while True:
        line = M.readline().decode().strip()
        lines.append(line)
        if re.match(r"^\* \d+ EXISTS$", line):
            break
    M.sock.settimeout(None)
    M.send(b"DONE\r\n")
    while True:
        line = M.readline().decode().strip()
        lines.append(line)
        if line.startswith(tag + " "):
            break
    step("idle", lines)
    typ, data = M.logout()
    step("logout", typ)
    out["ok"] = True
except Exception as e:  # report, do not hide
    out["ok"] = False
    out["error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out, default=lambda o: o.decode("utf-8", "replace") if isinstance(o, bytes) else repr(o)))
sys.exit(0 if out["ok"] else 1)
