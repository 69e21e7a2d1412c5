"""What ``graph lsp`` writes to its client: the same messages pygls writes, framed by their length in bytes."""

from __future__ import annotations

import json
import re

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from api.lsp import _Protocol, _wire_location


class _Pipe:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


def _sent(protocol_cls: type | None, send: str, *args: object) -> list[tuple[int, bytes]]:
    server = LanguageServer("t", "1", protocol_cls=protocol_cls) if protocol_cls else LanguageServer("t", "1")
    pipe = _Pipe()
    server.protocol.set_writer(pipe)
    getattr(server.protocol, send)(*args)
    out = []
    rest = pipe.data
    while rest:
        head, _, rest = rest.partition(b"\r\n\r\n")
        found = re.search(rb"Content-Length: (\d+)", head)
        assert found, head
        length = int(found.group(1))
        out.append((length, rest[:length]))
        rest = rest[length:]
    return out


HOVER = lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="**Function** `café` — naïve ✓ 𝔘"),
                  range=lsp.Range(start=lsp.Position(3, 4), end=lsp.Position(3, 8)))
MIXED = [_wire_location("file:///tmp/r/caf%C3%A9.py", 1, 2, 6),
         lsp.Location(uri="file:///tmp/r/b.py", range=lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 1)))]


def test_answers_decode_to_what_pygls_sends():
    for result in (HOVER, MIXED, [], {"items": MIXED, "more": "naïve"}, [lsp.SymbolKind.Function]):
        ours = _sent(_Protocol, "_send_response", 7, result)
        theirs = _sent(None, "_send_response", 7, result)
        assert [json.loads(body) for _, body in ours] == [json.loads(body) for _, body in theirs], result


def test_length_counts_bytes_of_non_ascii_text():
    (length, body), = _sent(_Protocol, "_send_response", "a-b", HOVER)
    assert length == len(body) > len(body.decode("utf-8"))
    assert "naïve ✓ 𝔘" in json.loads(body)["result"]["contents"]["value"]


def _same(send: str, *args: object) -> None:
    ours, theirs = _sent(_Protocol, send, *args), _sent(None, send, *args)
    assert [json.loads(b) for _, b in ours] == [json.loads(b) for _, b in theirs], args
    assert all(n == len(b) for n, b in ours)


def test_no_result_errors_and_notifications_decode_to_what_pygls_sends():
    _same("_send_response", 1, None)
    _same("_send_response", 2, None, lsp.ResponseError(code=-32602, message="bad position — ligne 3"))
    _same("notify", lsp.WINDOW_SHOW_MESSAGE,
          lsp.ShowMessageParams(type=lsp.MessageType.Warning, message="store gone — réessayez"))


def test_what_orjson_refuses_goes_pygls_way():
    _same("_send_response", 3, {1: "an int key", "big": 1 << 70})
