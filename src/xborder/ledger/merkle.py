"""RFC 6962 Merkle trees (Certificate Transparency, §2.1): tree hash, audit paths, consistency proofs.

Leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left || right); a tree of n leaves splits at
k, the largest power of two below n (the RFC's shape for sizes that are not powers of two). Proofs are
built by the RFC's recursive definitions (§2.1.1 PATH, §2.1.2 PROOF/SUBPROOF) and checked by the
verification algorithms RFC 9162 (CT 2.0) §2.1.3.2 and §2.1.4.2 spell out for the same trees. Everything
works on leaf hashes (32 bytes each); pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "leaf_hash",
    "node_hash",
    "tree_hash",
    "prefix_roots",
    "inclusion_path",
    "inclusion_paths",
    "consistency_proof",
    "root_from_inclusion",
    "verify_inclusion",
    "verify_consistency",
]

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256 of the empty string."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class _Frontier:
    """The perfect subtrees a left-to-right pass has completed (sizes strictly decreasing): the tree hash of
    the leaves seen so far folds them from the right."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, bytes]] = []
        self.size = 0

    def push(self, h: bytes) -> None:
        size, self.size = 1, self.size + 1
        while self.stack and self.stack[-1][0] == size:
            left = self.stack.pop()[1]
            h, size = node_hash(left, h), size * 2
        self.stack.append((size, h))

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        h = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            h = node_hash(left, h)
        return h


def tree_hash(hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) from the leaf hashes of D[n] (the empty tree's hash for none)."""
    f = _Frontier()
    for h in hashes:
        f.push(h)
    return f.root()


def prefix_roots(hashes: Iterable[bytes], sizes: Iterable[int]) -> dict[int, bytes]:
    """MTH(D[m]) for every m in ``sizes`` in one pass over the leaf hashes (sizes beyond the leaves are left
    out of the answer)."""
    want = set(sizes)
    out = {0: EMPTY_ROOT} if 0 in want else {}
    f = _Frontier()
    for h in hashes:
        f.push(h)
        if f.size in want:
            out[f.size] = f.root()
    return out


def _mth(hashes: Sequence[bytes], lo: int, hi: int) -> bytes:
    if hi - lo == 1:
        return hashes[lo]
    k = _split(hi - lo)
    return node_hash(_mth(hashes, lo, lo + k), _mth(hashes, lo + k, hi))


def inclusion_path(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path of leaf ``index`` in the tree of ``hashes``."""
    n = len(hashes)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} is outside a tree of {n} leaves")

    def path(m: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = _split(hi - lo)
        if m < k:
            return [*path(m, lo, lo + k), _mth(hashes, lo + k, hi)]
        return [*path(m - k, lo + k, hi), _mth(hashes, lo, lo + k)]

    return path(index, 0, n)


def inclusion_paths(indices: Iterable[int], hashes: Sequence[bytes]) -> dict[int, list[bytes]]:
    """Audit paths of many leaves at once: the tree is built level by level (pairing neighbours, the last node
    of an odd level carried up unchanged, which gives the RFC 6962 shape), then each path is a sibling per
    level — O(n) once plus O(log n) a path, where :func:`inclusion_path` is O(n) a path."""
    n = len(hashes)
    want = sorted(set(indices))
    if want and not (0 <= want[0] and want[-1] < n):
        raise ValueError(f"leaf indices {want[0]}..{want[-1]} are outside a tree of {n} leaves")
    levels = [list(hashes)]
    while len(levels[-1]) > 1:
        lower = levels[-1]
        upper = [node_hash(lower[i], lower[i + 1]) for i in range(0, len(lower) - 1, 2)]
        if len(lower) % 2:
            upper.append(lower[-1])
        levels.append(upper)
    out = {}
    for index in want:
        path, i = [], index
        for level in levels[:-1]:
            sibling = i ^ 1
            if sibling < len(level):
                path.append(level[sibling])
            i >>= 1
        out[index] = path
    return out


def consistency_proof(old_size: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2: proves the tree of the first ``old_size`` leaves is a prefix of the
    tree of all ``hashes`` (empty when old_size is 0 or n)."""
    n = len(hashes)
    if not 0 <= old_size <= n:
        raise ValueError(f"old size {old_size} is outside 0..{n}")
    if old_size in (0, n):
        return []

    def sub(m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        if m == hi - lo:
            return [] if whole else [_mth(hashes, lo, hi)]
        k = _split(hi - lo)
        if m <= k:
            return [*sub(m, lo, lo + k, whole), _mth(hashes, lo + k, hi)]
        return [*sub(m - k, lo + k, hi, False), _mth(hashes, lo, lo + k)]

    return sub(old_size, 0, n, True)


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root an audit path leads to (RFC 9162 §2.1.3.2), or None when the path cannot belong to a leaf at
    ``index`` of a tree of ``size`` leaves (wrong length, index out of range, a hash not 32 bytes)."""
    if not 0 <= index < size or len(leaf) != 32 or any(len(p) != 32 for p in path):
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes) -> bool:
    """True when ``path`` proves leaf hash ``leaf`` is leaf ``index`` of the tree of ``size`` with ``root``."""
    return root_from_inclusion(index, size, leaf, path) == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when ``proof`` shows the tree (old_size, old_root) is a prefix of (new_size, new_root)
    (RFC 9162 §2.1.4.2; sizes 0 and equal sizes need an empty proof)."""
    if not 0 <= old_size <= new_size or any(len(p) != 32 for p in proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root
