#!/usr/bin/env python3
"""Independent verifier for Warden audit exports, written from Docs/AUDIT-FORMAT.md alone.

Usage: verify_export.py EXPORT.jsonl PUBKEY.pub [--witness FILE]
Exit status: 0 verified, 1 tampering found, 2 unusable input or missing dependency.
Needs only the standard library and the `cryptography` package (for Ed25519).
"""
import base64
import hashlib
import json
import struct
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # pragma: no cover
    print("error: the Python package 'cryptography' is required (pip install cryptography)", file=sys.stderr)
    sys.exit(2)

RECORD_TAG = b"WARDEN-AUDIT-RECORD-V1\x00"
CHECKPOINT_TAG = b"WARDEN-AUDIT-CHECKPOINT-V1\x00"
TYPE_TAGS = {"string": 1, "integer": 2, "bool": 3}


class Tampered(Exception):
    def __init__(self, seq, message):
        super().__init__(message)
        self.seq = seq


def sha256(data):
    return hashlib.sha256(data).digest()


def u32(n):
    return struct.pack(">I", n)


def u64(n):
    return struct.pack(">Q", n & 0xFFFFFFFFFFFFFFFF)


def lp(text):
    data = text.encode("utf-8")
    return u32(len(data)) + data


def fields_bytes(fields):
    out = u32(len(fields))
    names = [f["name"] for f in fields]
    if len(set(names)) != len(names):
        raise ValueError("duplicate field name")
    for f in sorted(fields, key=lambda f: f["name"].encode("utf-8")):
        out += lp(f["name"]) + bytes([TYPE_TAGS[f["type"]]])
        v = f["value"]
        if f["type"] == "string":
            assert isinstance(v, str)
            out += lp(v)
        elif f["type"] == "integer":
            assert isinstance(v, int) and not isinstance(v, bool) and -(2**63) <= v < 2**63
            out += u64(v)
        else:
            assert isinstance(v, bool)
            out += bytes([1 if v else 0])
    return out


def record_hash(log_id, r):
    data = (RECORD_TAG + lp(log_id) + u64(r["seq"]) + u64(r["timestamp"]) + lp(r["type"]) + lp(r["actor"])
            + fields_bytes(r["fields"]) + bytes.fromhex(r["prev_hash"]))
    return sha256(data)


def leaf(record_hash_bytes):
    return sha256(b"\x00" + record_hash_bytes)


def node(left, right):
    return sha256(b"\x01" + left + right)


class Tree:
    """RFC 9162 tree over leaves appended in order, kept as its perfect subtrees (largest first)."""

    def __init__(self, size, subtrees):
        if bin(size).count("1") != len(subtrees):
            raise ValueError("base_range does not match first_seq - 1")
        self.size = size
        heights = [i for i in range(64, -1, -1) if size >> i & 1]
        self.subtrees = list(zip(subtrees, heights))

    def append(self, leaf_hash):
        h, height = leaf_hash, 0
        while self.subtrees and self.subtrees[-1][1] == height:
            left, _ = self.subtrees.pop()
            h, height = node(left, h), height + 1
        self.subtrees.append((h, height))
        self.size += 1

    def root(self):
        if not self.subtrees:
            return sha256(b"")
        acc = self.subtrees[-1][0]
        for h, _ in reversed(self.subtrees[:-1]):
            acc = node(h, acc)
        return acc


def checkpoint_ok(key, c):
    msg = CHECKPOINT_TAG + lp(c["log_id"]) + u64(c["tree_size"]) + bytes.fromhex(c["root"]) + u64(c["timestamp"])
    try:
        key.verify(bytes.fromhex(c["signature"]), msg)
        return True
    except InvalidSignature:
        return False


def load_key(path):
    text = open(path, "r", encoding="utf-8").read().strip()
    if not text.startswith("ed25519:"):
        raise ValueError("not an ed25519 public key file")
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text[len("ed25519:"):], validate=True))


def verify(export_path, key, witness_path=None):
    with open(export_path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    header = json.loads(lines[0])
    if header.get("kind") != "header" or header.get("format") != "warden-audit-export" or header.get("version") != 1:
        raise ValueError("not a version 1 Warden audit export")
    log_id = header["log_id"]
    first = header["first_seq"]
    tree = Tree(first - 1, [bytes.fromhex(h) for h in header["base_range"]])
    prev = bytes.fromhex(header["base_prev_hash"])
    last_ts = None
    expected = first
    pending = {}  # tree_size -> root, from the witness
    verified = 0
    checkpoints = 0

    def check_checkpoint(c, source):
        nonlocal verified, checkpoints
        if c["log_id"] != log_id:
            raise Tampered(None, f"{source} checkpoint belongs to another log")
        if not checkpoint_ok(key, c):
            raise Tampered(c["tree_size"], f"{source} checkpoint of tree size {c['tree_size']} has an invalid signature")
        if c["tree_size"] != tree.size:
            raise Tampered(c["tree_size"], f"{source} checkpoint of tree size {c['tree_size']} is misplaced")
        if tree.root() != bytes.fromhex(c["root"]):
            raise Tampered(verified + 1, f"records after {verified} do not match the checkpoint of tree size {tree.size}")
        verified = tree.size
        checkpoints += 1

    if witness_path:
        with open(witness_path, "rb") as f:
            wlines = f.read().split(b"\n")
        for raw in wlines[:-1]:  # a last line without newline is a torn write
            c = json.loads(raw)
            if c["tree_size"] >= first - 1:
                pending.setdefault(c["tree_size"], []).append(c)

    for size in list(pending):
        if size == tree.size:
            for c in pending.pop(size):
                check_checkpoint(c, "witness")

    for raw in lines[1:]:
        obj = json.loads(raw)
        if obj["kind"] == "checkpoint":
            check_checkpoint(obj, "export")
            continue
        if obj["kind"] != "record":
            raise ValueError("unknown line kind")
        seq = obj["seq"]
        if seq != expected:
            raise Tampered(min(seq, expected), f"expected record {expected}, found record {seq}")
        h = record_hash(log_id, obj)
        if h != bytes.fromhex(obj["hash"]):
            raise Tampered(seq, f"record {seq} does not match its hash")
        if bytes.fromhex(obj["prev_hash"]) != prev:
            raise Tampered(seq - 1, f"record {seq} does not link to record {seq - 1}")
        if last_ts is not None and obj["timestamp"] < last_ts:
            raise Tampered(seq, f"record {seq} goes back in time")
        last_ts, prev, expected = obj["timestamp"], h, seq + 1
        tree.append(leaf(h))
        for c in pending.pop(tree.size, []):
            check_checkpoint(c, "witness")

    if pending:
        beyond = min(pending)
        raise Tampered(tree.size + 1, f"a witness checkpoint covers {beyond} records but the export ends at {tree.size}")
    if tree.size < header["last_seq"]:
        raise Tampered(tree.size + 1, "the export ends before its declared last_seq")
    return tree.size - (first - 1), checkpoints, tree.root()


def main(argv):
    args = argv[1:]
    witness = None
    if "--witness" in args:
        i = args.index("--witness")
        witness = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        key = load_key(args[1])
        count, checkpoints, root = verify(args[0], key, witness)
    except Tampered as t:
        at = f"at seq {t.seq} " if t.seq is not None else ""
        print(f"FAILED {at}: {t}")
        return 1
    except (ValueError, KeyError, TypeError, AssertionError, json.JSONDecodeError, OSError) as e:
        print(f"error: unusable input: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    print(f"OK: {count} records, {checkpoints} checkpoints, root {root.hex()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
