#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_control_message, fuzz_frame_decoder and fuzz_path into
tests/fuzz/corpus/ (the workbook seeds come from make_workbook_seeds). Seeds follow
docs/PROTOCOL.md: a request for every op, replies, events, errors, and edge cases. Run again
after the protocol changes; stdlib only."""
import hashlib
import json
import pathlib
import struct
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent / "corpus")

REQUESTS = [
    {"op": "hello", "id": 1, "version": 1, "client": "netdisk/0.1.0"},
    {"op": "register", "id": 2, "username": "alice", "password": "correct horse battery"},
    {"op": "login", "id": 3, "username": "alice", "password": "correct horse battery"},
    {"op": "login", "id": 4, "token": "0123456789abcdef0123456789abcdef"},
    {"op": "logout", "id": 5},
    {"op": "whoami", "id": 6},
    {"op": "list", "id": 7, "path": "", "after": "b.txt"},
    {"op": "stat", "id": 8, "path": "docs/report.pdf"},
    {"op": "mkdir", "id": 9, "path": "a/b/c", "parents": True},
    {"op": "remove", "id": 10, "path": "old"},
    {"op": "rename", "id": 11, "from": "a.txt", "to": "b/a.txt"},
    {"op": "checksum", "id": 12, "path": "big.iso"},
    {"op": "upload", "id": 13, "path": "big.iso", "size": 5368709120,
     "checksum": "0123456789abcdef0123456789abcdef"},
    {"op": "upload.data", "id": 14, "stream": 65536},
    {"op": "download", "id": 15, "path": "big.iso", "offset": 4096, "version": "v1-1700000000",
     "prefix_checksum": "fedcba9876543210fedcba9876543210"},
    {"op": "chat.join", "id": 16},
    {"op": "chat.send", "id": 17, "text": "hi \u00e9\u4e16\U0001F600"},
    {"op": "chat.private", "id": 18, "to": "bob", "text": "psst"},
    {"op": "chat.who", "id": 19},
    {"op": "chat.leave", "id": 20},
    {"op": "ping", "id": 9007199254740991},
]
REPLIES = [
    {"id": 1, "ok": True, "version": 1, "server": "netdiskd/0.1.0", "max_frame": 1048576},
    {"id": 3, "ok": True, "username": "alice", "token": "t", "expires": "2026-11-23T10:04:05Z"},
    {"id": 7, "ok": True, "entries": [{"name": "a", "type": "dir", "size": 0, "mtime": "2026-11-23T10:04:05.123456789Z"},
                                       {"name": "b.txt", "type": "file", "size": 12, "mtime": "2026-11-23T10:04:05Z"}], "more": False},
    {"id": 8, "ok": True, "type": "file", "size": 12, "mtime": "2026-11-23T10:04:05Z", "version": "v1"},
    {"id": 13, "ok": True, "offset": 0},
    {"id": 14, "ok": True, "offset": 65536, "done": True, "version": "v2", "checksum": "0123456789abcdef0123456789abcdef"},
    {"id": 15, "ok": True, "size": 10, "offset": 4, "version": "v1", "checksum": "00", "stream": 6},
    {"id": 16, "ok": True, "members": ["alice", "bob"]},
    {"id": 21, "ok": True, "time": "2026-11-23T10:04:05.123456789Z"},
    {"id": 8, "ok": False, "error": {"code": "not_found", "message": "report.pdf: no such file"}},
    {"id": 0, "ok": False, "error": {"code": "frame_too_large", "message": "frame too big"}},
    {"id": 9, "ok": False, "error": {"code": "some_future_code"}},
    {"event": "chat.message", "from": "alice", "text": "hi", "time": "2026-11-23T10:04:05.1Z"},
    {"event": "chat.private", "from": "bob", "text": "x", "time": "2026-11-23T10:04:05Z"},
    {"event": "chat.joined", "user": "carol", "time": "2026-11-23T10:04:05Z"},
    {"event": "chat.left", "user": "carol", "time": "2026-11-23T10:04:05Z"},
    {"event": "chat.dropped", "reason": "queue overflow"},
    {"name": "netdisk", "version": 1, "port": 7070},
]
EDGE_JSON = [
    b'{"op":"ping","id":0}', b'{"op":"ping","id":-1}', b'{"op":"ping","id":1e30}',
    b'{"op":"ping","id":18446744073709551616}', b'{"op":"ping","id":9007199254740992}',
    b'{"op":"ping","id":1.0}', b'{"op":7,"id":1}', b'{"id":1}', b'{"op":"ping"}',
    b'{"op":"ping","id":1,"id":2}', b'{"op":"ping","id":1,"x":{"a":1,"a":2}}',
    b'[' * 16 + b']' * 16, b'{"a":' * 16 + b'1' + b'}' * 16, b'{"a":' * 17 + b'1' + b'}' * 17,
    b'{"op":"\xff","id":1}', b'{"op":"\xc0\xaf","id":1}', b'{"op":"\xed\xa0\x80","id":1}',
    b'{"op":"\\ud800","id":1}', b'{"op":"\\ud83d\\ude00","id":1}', b'{"op":"\\u0000","id":1}',
    b'\xef\xbb\xbf{"op":"ping","id":1}', b'  {"op" : "ping" , "id" : 1 }  ', b'{} {}',
    b'"just a string"', b'null', b'', b'{"op":"ping","id":1', b'{"size":-0,"offset":1E2,"n":1e309}',
    b'{"op":"upload","id":5,"path":"a","size":9223372036854775807}',
    b'{"op":"upload","id":5,"path":"a","size":9223372036854775808}',
    b'{"id":1,"ok":"true"}', b'{"id":1,"ok":false}', b'{"id":1,"ok":false,"error":"x"}',
    b'{"id":1,"ok":false,"error":{"code":1}}', b'{"event":null,"id":3,"ok":true}',
    b'{"event":5}', b'{"op":"list","id":2,"path":null,"after":null,"parents":null}',
]


def frame(payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + payload


def enc(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def write(folder: str, name: str, data: bytes) -> None:
    path = ROOT / folder
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_bytes(data)


def main() -> None:
    for i, r in enumerate(REQUESTS):
        write("fuzz_control_message", f"request_{i:02d}_{r['op']}.json", enc(r))
    for i, r in enumerate(REPLIES):
        write("fuzz_control_message", f"reply_{i:02d}.json", enc(r))
    for i, raw in enumerate(EDGE_JSON):
        write("fuzz_control_message", f"edge_{i:02d}.json", raw)

    # Frame streams. The harness reads stream bytes from the front of the input and its
    # decisions (max_frame, read sizes) from the back, so each seed ends with a few control
    # bytes: PickValueInArray/ConsumeIntegralInRange take them from the end.
    tails = [b"", b"\x00\x05\x01\x06", b"\x10\x00\x03\x02\x01\x06", b"\xff\xff\x04\x05"]
    streams = {
        "handshake": frame(enc(REQUESTS[0])) + frame(enc(REPLIES[0])),
        "pipelined_requests": b"".join(frame(enc(r)) for r in REQUESTS[:8]),
        "upload_with_stream": frame(enc(REQUESTS[13])) + b"\xab" * 300 + frame(enc(REQUESTS[20])),
        "download_reply_stream": frame(enc(REPLIES[6])) + b"rawbytes!!" + frame(enc(REPLIES[12])),
        "zero_length": frame(enc(REQUESTS[0])) + b"\x00\x00\x00\x00" + frame(b"{}"),
        "oversize_64k_plus_1": struct.pack(">I", 65537) + b"{" * 64,
        "length_ffffffff": b"\xff\xff\xff\xff" + b"x" * 32,
        "length_16mib": struct.pack(">I", 16 << 20) + b"y" * 32,
        "truncated_header": frame(b'{"op":"ping","id":1}') + b"\x00\x00",
        "truncated_payload": struct.pack(">I", 100) + b'{"op":"ping"',
        "one_byte_frames": b"".join(frame(bytes([c])) for c in b"{}[]0 "),
        "events": b"".join(frame(enc(r)) for r in REPLIES[12:17]),
    }
    for i, (name, data) in enumerate(streams.items()):
        write("fuzz_frame_decoder", f"{name}.bin", data + tails[i % len(tails)])

    paths = [
        "a", "docs/report.pdf", "a/b/c/d/e.txt", "caf\u00e9/\u4e16\u754c/\U0001F600.png", "..", ".",
        "../etc/passwd", "a/../../b", "/etc/passwd", "a//b", "a/", "a/./b", "a\\b", "..\\..\\win.ini",
        "a\x00b", "a\nb", "a\x7fb", "a\x1fb", "trailing.", "trailing ", " leading", ".hidden",
        "...", ".netdisk-tmp.x", ".netdisk-part.abc", ".netdisk-other", "a/.netdisk-part.1/b",
        "x" * 255, "x" * 256, "/".join(["d" * 200] * 20), "a" * 4096, "a" * 4097,
        "\u00ff\u0100\u07ff\u0800\uffff\U00010000\U0010ffff", "\u200b\u202e", "con/aux/nul",
        "%2e%2e/%2f", "a/b\u2215c", "\ufeffbom",
    ]
    raw_paths = [b"\xff", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                 b"\xf8\x88\x80\x80\x80", b"abc\xe2\x82", b"\xef\xbf\xbe", b"a/\xc3", b""]
    for i, p in enumerate(paths):
        write("fuzz_path", f"path_{i:02d}", p.encode("utf-8", "surrogatepass"))
    for i, p in enumerate(raw_paths):
        write("fuzz_path", f"raw_{i:02d}", p)


if __name__ == "__main__":
    main()
