"""RFC 6962 Merkle trees against the published test vectors (transparency-dev/merkle, Certificate Transparency)."""

from __future__ import annotations

import hashlib

import pytest

from xborder.ledger.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_path,
    inclusion_paths,
    leaf_hash,
    node_hash,
    prefix_roots,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)

# transparency-dev/merkle testonly/constants.go: LeafInputs() and RootHashes() (sizes 0..8).
LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# NodeHashes() level 0: the leaf hashes.
LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]
# proof/verify_test.go inclusionProofs: (leaf number counted from 1, tree size, audit path).
INCLUSION = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
# proof/verify_test.go consistencyProofs: (old size, new size, proof).
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip

HASHES = [leaf_hash(x) for x in LEAVES]


def test_leaf_hashes_are_the_published_ones() -> None:
    assert [h.hex() for h in HASHES] == LEAF_HASHES
    assert EMPTY_ROOT.hex() == ROOTS[0] == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("size", range(9))
def test_tree_hash_of_every_prefix_is_the_published_root(size: int) -> None:
    assert tree_hash(HASHES[:size]).hex() == ROOTS[size]


def test_the_eight_leaf_root() -> None:
    assert tree_hash(HASHES).hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    # the two-leaf root is node_hash of the two leaves (0x01 prefix)
    assert node_hash(HASHES[0], HASHES[1]).hex() == ROOTS[2]


def test_prefix_roots_in_one_pass() -> None:
    assert {k: v.hex() for k, v in prefix_roots(HASHES, range(9)).items()} == dict(enumerate(ROOTS))


@pytest.mark.parametrize(("leaf", "size", "path"), INCLUSION)
def test_inclusion_paths_are_the_published_ones(leaf: int, size: int, path: list[str]) -> None:
    assert [p.hex() for p in inclusion_path(leaf - 1, HASHES[:size])] == path
    assert [p.hex() for p in inclusion_paths([leaf - 1], HASHES[:size])[leaf - 1]] == path
    root = bytes.fromhex(ROOTS[size])
    proof = [bytes.fromhex(p) for p in path]
    assert verify_inclusion(leaf - 1, size, HASHES[leaf - 1], proof, root)
    # the corruptions transparency-dev's verifierCheck tries: each must fail
    wrong = [
        (leaf - 2, size, HASHES[leaf - 1], proof, root),
        (leaf, size, HASHES[leaf - 1], proof, root),
        (leaf - 1, size * 2, HASHES[leaf - 1], proof, root),
        (leaf - 1, size, leaf_hash(b"WrongLeaf"), proof, root),
        (leaf - 1, size, HASHES[leaf - 1], proof, EMPTY_ROOT),
        (leaf - 1, size, HASHES[leaf - 1], [*proof, root], root),
        (leaf - 1, size, HASHES[leaf - 1], [root, *proof], root),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        wrong.append((leaf - 1, size, HASHES[leaf - 1], flipped, root))
    if proof:
        wrong.append((leaf - 1, size, HASHES[leaf - 1], proof[:-1], root))
    for args in wrong:
        if args[0] == leaf - 1 and args[1] == size and args[2] == HASHES[leaf - 1] and args[3] == proof:
            continue  # a corruption that is the original (index ^ 2 equal to index etc.)
        assert not verify_inclusion(*args), args


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proofs_are_the_published_ones(old: int, new: int, proof: list[str]) -> None:
    assert [p.hex() for p in consistency_proof(old, HASHES[:new])] == proof
    hashes = [bytes.fromhex(p) for p in proof]
    r1, r2 = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    assert verify_consistency(old, new, r1, r2, hashes)
    if not hashes:
        return
    assert not verify_consistency(old, new, r2, r1, hashes)  # swapped roots
    assert not verify_consistency(old - 1, new, r1, r2, hashes)
    assert not verify_consistency(old, new * 2, r1, r2, hashes)
    assert not verify_consistency(old, new, r1, r2, [])
    assert not verify_consistency(old, new, r1, r2, hashes[:-1])
    assert not verify_consistency(old, new, r1, r2, [*hashes, r2])
    for i in range(len(hashes)):
        flipped = list(hashes)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        assert not verify_consistency(old, new, r1, r2, flipped)


def test_every_proof_of_every_size_up_to_40_verifies() -> None:
    leaves = [leaf_hash(bytes([i, i * 7 % 256])) for i in range(40)]
    roots = prefix_roots(leaves, range(41))
    for n in range(1, 41):
        paths = inclusion_paths(range(n), leaves[:n])
        for i in range(n):
            assert paths[i] == inclusion_path(i, leaves[:n])
            assert verify_inclusion(i, n, leaves[i], paths[i], roots[n])
        for m in range(0, n + 1):
            assert verify_consistency(m, n, roots[m], roots[n], consistency_proof(m, leaves[:n]))
