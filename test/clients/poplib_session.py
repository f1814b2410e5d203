#!/usr/bin/env python3
"""Drives Postkeep's POP3 server with Python's poplib (the standard library client).

Usage: poplib_session.py HOST PORT TLS_PORT USER PASSWORD
Prints one JSON object: {"ok": true, ...results} or {"ok": false, "error": ..., "steps": [...]}.
"""
import json
import poplib
import ssl
import sys


def main():
    host, port, tls_port, user, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    out = {"steps": []}

    def step(name):
        out["steps"].append(name)

    try:
        step("connect")
        p = poplib.POP3(host, port, timeout=10)
        out["welcome"] = p.getwelcome().decode()
        step("capa")
        out["capa_plain"] = sorted(p.capa().keys())
        step("stls")
        p.stls(context=ctx)
        out["capa_tls"] = sorted(p.capa().keys())
        step("login")
        out["user"] = p.user(user).decode()
        out["pass"] = p.pass_(password).decode()
        step("stat")
        out["stat"] = list(p.stat())
        step("list")
        resp, lines, octets = p.list()
        out["list"] = [l.decode() for l in lines]
        step("uidl")
        resp, lines, octets = p.uidl()
        out["uidl"] = [l.decode() for l in lines]
        out["uidl1"] = p.uidl(1).decode()
        step("top")
        resp, lines, octets = p.top(1, 0)
        out["top"] = [l.decode() for l in lines]
        step("retr")
        resp, lines, octets = p.retr(1)
        out["retr_resp"] = resp.decode()
        out["retr"] = [l.decode() for l in lines]
        out["retr_octets"] = octets
        step("dele")
        out["dele"] = p.dele(2).decode()
        step("rset")
        out["rset"] = p.rset().decode()
        out["dele_again"] = p.dele(2).decode()
        step("noop")
        out["noop"] = p.noop().decode()
        step("error")
        try:
            p.retr(2)
            out["retr_deleted"] = "no error"
        except poplib.error_proto as e:
            out["retr_deleted"] = e.args[0].decode()
        step("quit")
        out["quit"] = p.quit().decode()

        step("pop3s")
        s = poplib.POP3_SSL(host, tls_port, context=ctx, timeout=10)
        s.user(user)
        s.pass_(password)
        out["stat_after"] = list(s.stat())
        resp, lines, octets = s.uidl()
        out["uidl_after"] = [l.decode() for l in lines]
        out["quit_tls"] = s.quit().decode()
        out["ok"] = True
    except Exception as e:  # report, do not crash: the test prints it
        out["ok"] = False
        out["error"] = "%s: %s" % (type(e).__name__, e)
    print(json.dumps(out))


main()
