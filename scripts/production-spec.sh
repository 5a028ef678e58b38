#!/usr/bin/env bash
# Builds a production chain spec from `--chain production` with freshly generated keys: the
# starting point of a real network, in which every key is the operators' own.
#
#   scripts/production-spec.sh OUT_DIR [VALIDATORS] [COUNCILLORS] [ENDOWMENT_CEUR]
#
# Writes, under OUT_DIR:
#   secrets/validator-<i>.json, secrets/council-<j>.json
#                                                      the secret phrases, and as *.suri the
#                                                      URIs the keys derive from (mode 600: keep
#                                                      them offline, never commit them);
#   production-plain.json                              the spec with the public keys filled in;
#   production-raw.json                                the raw spec every node starts from;
#   validator-<i>/                                     a base path with validator i's Aura,
#                                                      GRANDPA and forecaster keys inserted and
#                                                      its network key (the peer id is printed
#                                                      and is one of the spec's well-known
#                                                      nodes: only authorised nodes peer).
# Validator i's forecaster key is `<phrase>//forecaster` (sr25519), separate from its Aura key.
# The spec has no sudo key: the community is run by its council of COUNCILLORS (default 5, at
# least 3) members, each endowed with ENDOWMENT_CEUR (default 1,000) to pay the fees of its motions and
# votes; each validator's operator account (`<phrase>//operator`, which owns its node's entry in
# the node-authorization pallet) is endowed the same. More than half of the council manages the community; two thirds reach root
# (docs/operators.md, "Governance"): with 3, 4 or 6 members those are the same count, so 5
# is the default. On a real network each councillor generates its own key and sends only the
# public key: whoever holds two thirds of the phrases holds root. On a real network each validator generates its own keys on its own machine and
# sends only the public keys; this script is how the spec is assembled and how the tests check
# that a spec built this way produces and finalizes blocks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

out=${1:?usage: scripts/production-spec.sh OUT_DIR [VALIDATORS] [COUNCILLORS] [ENDOWMENT_CEUR]}
validators=${2:-1}
councillors=${3:-5}
[ "$councillors" -ge 3 ] || {
	echo "a council needs at least 3 members (5 or more, so that a majority is not two thirds)" >&2
	exit 1
}
endowment_ceur=${4:-1000}
node=${ENERGY_NODE:-$CARGO_TARGET_DIR/release/energy-node}
[ -x "$node" ] || {
	echo "$node not found: build it with cargo build --release -p energy-node" >&2
	exit 1
}

mkdir -p "$out/secrets"
chmod 700 "$out/secrets"
# Secrets go to files, never to command lines (which other local users can read): sc-cli reads a
# `--suri` or `key inspect` argument that names a file from the file.
# generate NAME [DERIVATION...]: a new key's phrase in NAME.json, its URI in NAME.suri, and the
# URI `<phrase>//<derivation>` of each derivation in NAME-<derivation>.suri.
generate() {
	(
		umask 077
		local name=$1
		shift
		"$node" key generate --scheme sr25519 --output-type json >"$out/secrets/$name.json"
		derive "$name" "" >"$out/secrets/$name.suri"
		for derivation in "$@"; do
			derive "$name" "//$derivation" >"$out/secrets/$name-$derivation.suri"
		done
	)
}
derive() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["secretPhrase"] + sys.argv[2], end="")' \
		"$out/secrets/$1.json" "$2"
}
ss58() { "$node" key inspect --scheme "$1" --output-type json "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ss58Address"])'; }

authorities=()
for i in $(seq 0 $((validators - 1))); do
	# The validator's operator account (`<phrase>//operator`): the validator's seat in the
	# validator membership and owner of its session keys, owns its node in the
	# node-authorization pallet and pays for its `addConnections` and `session.setKeys`;
	# unlike the Aura, GRANDPA and forecaster keys it never sits in the validator's keystore.
	generate "validator-$i" forecaster operator
	suri="$out/secrets/validator-$i.suri"
	authorities+=("$(ss58 sr25519 "$suri"),$(ss58 ed25519 "$suri"),$(ss58 sr25519 "$out/secrets/validator-$i-forecaster.suri"),$(ss58 sr25519 "$out/secrets/validator-$i-operator.suri")")
done
council=()
for j in $(seq 0 $((councillors - 1))); do
	generate "council-$j"
	council+=("$(ss58 sr25519 "$out/secrets/council-$j.suri")")
done

"$node" build-spec --chain production 2>/dev/null >"$out/production-preset.json"
chain_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$out/production-preset.json")
for i in $(seq 0 $((validators - 1))); do
	# The validator's network identity (its libp2p key, in its base path): its peer id is a
	# well-known node of the spec (permissioned peering) and goes into the bootnodes.
	"$node" key generate-node-key --chain production --base-path "$out/validator-$i" 2>/dev/null
	peer_id=$("$node" key inspect-node-key --file "$out/validator-$i/chains/$chain_id/network/secret_ed25519")
	authorities[i]="${authorities[i]},$peer_id"
	echo "validator $i: peer id $peer_id"
done
python3 - "$out/production-preset.json" "$out/production-plain.json" "$endowment_ceur" "${council[*]}" "${authorities[@]}" <<'EOF'
import json, sys
source, target, endowment, council = sys.argv[1:5]
council = council.split()
keys = [a.split(",") for a in sys.argv[5:]]
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
def peer_id_bytes(peer_id):
    """The bytes of a base58 peer id: what the runtime stores as a node's `PeerId`."""
    n = 0
    for c in peer_id:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return list(b"\0" * (len(peer_id) - len(peer_id.lstrip("1"))) + raw)
spec = json.load(open(source))
patch = spec["genesis"]["runtimeGenesis"]["patch"]
# The validators: each operator account is a member of the validator membership and owns its
# validator's session keys (Aura's and GRANDPA's authorities follow from them).
patch["session"]["keys"] = [
    [operator, operator, {"aura": aura, "grandpa": grandpa, "forecaster": forecaster}]
    for aura, grandpa, forecaster, operator, _ in keys
]
patch["validatorMembership"]["members"] = [operator for _, _, _, operator, _ in keys]
patch["forecasts"]["forecasters"] = [forecaster for _, _, forecaster, _, _ in keys]
# Permissioned peering: the validators are the well-known nodes, each owned by its operator.
patch["nodeAuthorization"]["nodes"] = [[peer_id_bytes(peer), operator] for _, _, _, operator, peer in keys]
assert patch["sudo"]["key"] is None, "the production preset has no sudo key"
patch["councilMembership"]["members"] = council
# One CEUR is 10^6 units (6 decimals).
patch["balances"]["balances"] = [
    [account, int(endowment) * 10**6] for account in council + [operator for _, _, _, operator, _ in keys]
]
json.dump(spec, open(target, "w"), indent=2)
EOF
rm "$out/production-preset.json"
"$node" build-spec --chain "$out/production-plain.json" --raw 2>/dev/null >"$out/production-raw.json"

for i in $(seq 0 $((validators - 1))); do
	insert() {
		"$node" key insert --base-path "$out/validator-$i" --chain "$out/production-raw.json" \
			--scheme "$1" --key-type "$2" --suri "$3"
	}
	insert sr25519 aura "$out/secrets/validator-$i.suri"
	insert ed25519 gran "$out/secrets/validator-$i.suri"
	insert sr25519 fcst "$out/secrets/validator-$i-forecaster.suri"
done

echo "production spec for $validators validator(s), a council of ${council[*]}:"
echo "  $out/production-raw.json (start each validator with --chain on it and --base-path $out/validator-<i>)"
echo "  secrets in $out/secrets/: move them offline"
