#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Signed images with the real minisign, both ways: `minisign -V` checks what `sandbox trust sign`
# writes and `sandbox trust verify` accepts what `minisign -S` writes, with keys made by
# `minisign -G` (unencrypted and scrypt-encrypted) and by `sandbox trust key generate`. Then every
# refusal, each with the check it names. Usage: test-image-trust.sh SANDBOX SOURCE_DIR
source "$(dirname "$0")/lib-image.sh" "$@"

IMG=$W/img
build_busybox_image "$IMG" base || skip_all "cannot build an image with umoci"
build_busybox_image "$IMG" other || skip_all "cannot build an image with umoci"
M=$(manifest_digest "$IMG" base)
MBLOB=$IMG/blobs/sha256/${M#sha256:}
SIGDIR=$IMG/signatures/sha256-${M#sha256:}
PASS="correct horse battery staple"

# Keys: k1 unencrypted (minisign -G -W), k2 encrypted (passphrase on stdin, as minisign reads
# it when there is no terminal), k3 a stranger's.
K=$W/keys
u mkdir -p "$K"
u minisign -G -W -p "$K/k1.pub" -s "$K/k1.key" >/dev/null
printf '%s\n%s\n' "$PASS" "$PASS" | u minisign -G -p "$K/k2.pub" -s "$K/k2.key" >/dev/null 2>&1
u minisign -G -W -p "$K/k3.pub" -s "$K/k3.key" >/dev/null
u sh -c "printf '%s\n' '$PASS' > '$K/pass'; echo wrong > '$K/badpass'"
# minisign's untrusted comment drops leading zeros of the key id; sandbox prints all 16 digits.
keyid() { printf '%16s' "$(head -1 "$1" | awk '{print $NF}')" | tr ' ' 0; }

# The trust store as the admin keeps it: files not writable by group or others.
STORE=$STAGE/keys.d
REVOKED=$STAGE/revoked.d
mkdir -p "$STORE" "$REVOKED"
cp "$K/k1.pub" "$STORE/ci.pub"
cp "$K/k2.pub" "$STORE/release.pub"
chmod 0755 "$STORE" "$REVOKED"
chmod 0644 "$STORE"/*.pub
verify() { u "$SBX" trust verify --keys-dir "$STORE" --revoked-dir "$REVOKED" "$@"; }

now() { date -u +%Y-%m-%dT%H:%M:%SZ -d "${1:-now}"; }
statement() { # NAME ENV VERSION ISSUED EXPIRES DIGEST
	printf 'sandbox-v1\tname:%s\tenv:%s\tversion:%s\tissued:%s\texpires:%s\tmanifest:%s' "$@"
}
# msign KEYFILE SIGFILE MESSAGE TRUSTED_COMMENT [passphrase]: sign with the stock minisign.
msign() {
	if [[ -n "${5:-}" ]]; then
		printf '%s\n' "$5" | u minisign -S -s "$1" -x "$2" -m "$3" -t "$4" >/dev/null 2>&1
	else
		u minisign -S -s "$1" -x "$2" -m "$3" -t "$4" >/dev/null 2>&1
	fi
}

# --- sandbox signs, minisign verifies ------------------------------------------------------------
out=$(u "$SBX" trust sign --key "$K/k1.key" --name org.example.shell --env prod --version 7 "$IMG:base" 2>&1)
check "trust sign with a minisign -G -W key writes LAYOUT/signatures/sha256-HEX/ENV-KEYID.minisig" \
	"$IMG/signatures/sha256-${M#sha256:}/prod-$(keyid "$K/k1.pub").minisig" "$out"
out=$(minisign -V -m "$MBLOB" -x "$out" -p "$K/k1.pub" 2>&1)
check_match "minisign -V accepts sandbox's signature of the manifest" \
	"Signature and comment signature verified.*sandbox-v1	name:org.example.shell	env:prod	version:7	issued:[0-9T:Z-]+	expires:[0-9T:Z-]+	manifest:$M" \
	"$(tr '\n' ' ' <<<"$out")"
out=$(verify "$IMG:base" 2>&1)
check_match "sandbox trust verify accepts it" \
	"^trusted: org.example.shell version 7 for prod, signed by ci \\($(keyid "$K/k1.pub")\\), expires" "$out"

time_sign=$(date +%s)
out=$(u "$SBX" trust sign --key "$K/k2.key" --passphrase-file "$K/pass" --name org.example.shell \
	--env dev --version 7 --expires 2d "$IMG:base" 2>&1)
check "trust sign decrypts a minisign -G (scrypt) key with --passphrase-file" "0" "$?"
minisign -V -m "$MBLOB" -x "$out" -p "$K/k2.pub" >/dev/null 2>&1
check "minisign -V accepts the signature made with the encrypted key" "0" "$?"
expect_fail "trust sign with a wrong passphrase fails" "wrong passphrase for the secret key" \
	u "$SBX" trust sign --key "$K/k2.key" --passphrase-file "$K/badpass" --name x --env dev --version 1 "$IMG:base"
expect_fail "trust sign without a terminal or --passphrase-file says what to do" "use --passphrase-file" \
	u setsid "$SBX" trust sign --key "$K/k2.key" --name x --env dev --version 1 "$IMG:base"
out=$(verify --env dev "$IMG:base" 2>&1)
check_match "verify --env dev picks the dev signature" "trusted: org.example.shell version 7 for dev, signed by release" "$out"

# --- minisign signs, sandbox verifies -------------------------------------------------------------
rm -rf "$SIGDIR"
u mkdir -p "$SIGDIR"
msign "$K/k2.key" "$SIGDIR/prod-by-minisign.minisig" "$MBLOB" \
	"$(statement org.example.shell prod 8 "$(now)" "$(now '+30 days')" "$M")" "$PASS"
out=$(verify "$IMG:base" 2>&1)
check_match "sandbox accepts a signature made by minisign -S (encrypted key, passphrase on stdin)" \
	"^trusted: org.example.shell version 8 for prod, signed by release" "$out"

# --- refusals ------------------------------------------------------------------------------------
fresh() { rm -rf "$SIGDIR"; u mkdir -p "$SIGDIR"; }
sig_with() { # KEY ENV VERSION ISSUED EXPIRES [DIGEST [MESSAGE]]
	msign "$K/$1.key" "$SIGDIR/$2-$1.minisig" "${7:-$MBLOB}" \
		"$(statement org.example.shell "$2" "$3" "$4" "$5" "${6:-$M}")" \
		"$([[ $1 == k2 ]] && echo "$PASS")"
}

fresh
expect_fail "unsigned image: refused" "refused: unsigned: no signature" verify "$IMG:base"

fresh; sig_with k3 prod 1 "$(now)" "$(now '+1 day')"
expect_fail "a key not in the trust store: refused" "signed by key $(keyid "$K/k3.pub"), which is not a trusted key" verify "$IMG:base"

fresh; sig_with k1 prod 1 "$(now)" "$(now '+1 day')"
cp "$K/k1.pub" "$REVOKED/ci-2025.pub"; chmod 0644 "$REVOKED/ci-2025.pub"
expect_fail "a revoked key (revoked.d/*.pub): refused" "which is revoked" verify "$IMG:base"
rm "$REVOKED/ci-2025.pub"
printf 'key %s\n' "$(keyid "$K/k1.pub")" >"$REVOKED/site.list"; chmod 0644 "$REVOKED/site.list"
expect_fail "a revoked key id (revoked.d/*.list): refused" "which is revoked" verify "$IMG:base"
printf '# bad build\nmanifest %s\n' "$M" >"$REVOKED/site.list"
expect_fail "a denied manifest digest: refused whoever signed it" "manifest $M is denied by a revocation list" verify "$IMG:base"
rm "$REVOKED/site.list"

expect_fail "wrong environment: refused" "wrong environment: signed for prod, allowed here: dev, test" \
	verify --env dev --env test "$IMG:base"
expect_fail "another name than expected: refused" "signed as org.example.shell, not as org.example.editor" \
	verify --name org.example.editor "$IMG:base"

fresh; sig_with k1 prod 1 2020-01-01T00:00:00Z 2021-01-01T00:00:00Z
expect_fail "expired: refused" "expired at 2021-01-01T00:00:00Z" verify "$IMG:base"
fresh; sig_with k1 prod 1 "$(now '+2 days')" "$(now '+9 days')"
expect_fail "issued in the future: refused" "issued in the future" verify "$IMG:base"
fresh; sig_with k1 prod 1 "$(now '-10 days')" "$(now '+9 days')"
expect_fail "older than --max-age: refused" "longer ago than the policy allows" verify --max-age 7d "$IMG:base"

# A genuine signature for another manifest, copied next to this one.
O=$(manifest_digest "$IMG" other)
fresh; sig_with k1 prod 1 "$(now)" "$(now '+1 day')" "$O" "$IMG/blobs/sha256/${O#sha256:}"
expect_fail "a signature of another manifest: refused (bad signature)" "bad signature: it does not match" verify "$IMG:base"
fresh; sig_with k1 prod 1 "$(now)" "$(now '+1 day')" "$O"
expect_fail "a statement naming another manifest: refused" "the signed statement is for manifest ${O:0:19}" verify "$IMG:base"

fresh; msign "$K/k1.key" "$SIGDIR/default.minisig" "$MBLOB" ""
expect_fail "minisign's default trusted comment is not a statement: refused" "not a sandbox statement" verify "$IMG:base"
fresh; msign "$K/k1.key" "$SIGDIR/dup.minisig" "$MBLOB" "$(statement org.example.shell prod 1 "$(now)" "$(now '+1 day')" "$M")	env:dev"
expect_fail "a statement with a duplicated key: refused" "duplicate key \"env\"" verify "$IMG:base"

# Forged manifest: one byte changed, index.json updated to match (what an attacker who can
# write the layout would do), the old signature moved along.
fresh; sig_with k1 prod 3 "$(now)" "$(now '+1 day')"
rm -rf "$W/forged"; cp -a "$IMG" "$W/forged"; chown -R "$TEST_USER" "$W/forged" 2>/dev/null
python3 - "$W/forged" "$M" <<'PY'
import hashlib, json, os, shutil, sys
L, old = sys.argv[1], sys.argv[2].split(":")[1]
data = open(f"{L}/blobs/sha256/{old}", "rb").read().replace(b'"schemaVersion":2', b'"schemaVersion":2 ', 1)
data = data[:-2] + data[-1:] if len(data) > 2 and data[-2:-1] == b" " else data
new = hashlib.sha256(data).hexdigest()
open(f"{L}/blobs/sha256/{new}", "wb").write(data)
idx = json.load(open(f"{L}/index.json"))
for m in idx["manifests"]:
    if m["digest"] == "sha256:" + old:
        m["digest"], m["size"] = "sha256:" + new, len(data)
json.dump(idx, open(f"{L}/index.json", "w"))
shutil.move(f"{L}/signatures/sha256-{old}", f"{L}/signatures/sha256-{new}")
PY
expect_fail "a forged manifest byte: refused (bad signature)" "bad signature: it does not match the signed data" \
	verify "$W/forged:base"
# The same byte changed without updating index.json: the blob check catches it first.
rm -rf "$W/forged2"; cp -a "$IMG" "$W/forged2"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[5]^=1; open(p,"wb").write(b)' "$W/forged2/blobs/sha256/${M#sha256:}"
expect_fail "a flipped manifest byte under its old digest: refused" "manifest $M: digest mismatch" verify "$W/forged2:base"
# A tampered layer: the signature covers it through the manifest.
rm -rf "$W/forged3"; cp -a "$IMG" "$W/forged3"
layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"].split(":")[1])' "$MBLOB")
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[200]^=1; open(p,"wb").write(b)' "$W/forged3/blobs/sha256/$layer"
expect_fail "a tampered layer blob: refused" "blob sha256:$layer: digest mismatch" verify "$W/forged3:base"

# A symlink where a signature should be.
fresh; ln -s "$K/k1.pub" "$SIGDIR/prod-link.minisig"
expect_fail "a symlinked signature file: refused" "is a symlink: refused" verify "$IMG:base"

# The store itself: a key file others may write vouches for nothing.
chmod 0666 "$STORE/ci.pub"
expect_fail "a group/world-writable key file in the store: refused" "ci.pub must belong to you or root and not be writable by group or others" verify "$IMG:base"
chmod 0644 "$STORE/ci.pub"

# --- rollback and staleness (the per-user state) --------------------------------------------------
# The state is only raised against the system trust store; use it when we may (root).
if [[ $EUID -eq 0 ]]; then
	created_etc=no created_keys=no
	[[ -d /etc/sandbox ]] || created_etc=yes
	[[ -d /etc/sandbox/keys.d ]] || created_keys=yes
	mkdir -p /etc/sandbox/keys.d
	cp "$K/k1.pub" /etc/sandbox/keys.d/sbx-image-test.pub
	chmod 0644 /etc/sandbox/keys.d/sbx-image-test.pub
	cleanup_store() {
		rm -f /etc/sandbox/keys.d/sbx-image-test.pub
		[[ $created_keys == yes ]] && rmdir /etc/sandbox/keys.d
		[[ $created_etc == yes ]] && rmdir /etc/sandbox
		rm -rf -- "$STAGE"
	}
	trap cleanup_store EXIT
	sysverify() { u "$SBX" trust verify "$@"; }

	fresh; sig_with k1 prod 8 "$(now)" "$(now '+1 day')"
	out=$(sysverify --record "$IMG:base" 2>&1)
	check_match "the system store (/etc/sandbox/keys.d) trusts the key; --record raises the mark" "^trusted: org.example.shell version 8 for prod" "$out"
	check_match "the state file holds the seen mark" "org.example.shell	prod	seen	8	$M" "$(cat "$W/state/sandbox/trust-state" 2>&1)"
	O=$(manifest_digest "$IMG" other)
	OSIG=$IMG/signatures/sha256-${O#sha256:}
	u mkdir -p "$OSIG"
	msign "$K/k1.key" "$OSIG/prod.minisig" "$IMG/blobs/sha256/${O#sha256:}" \
		"$(statement org.example.shell prod 7 "$(now)" "$(now '+1 day')" "$O")"
	expect_fail "an older version than one seen: refused as stale" "stale: org.example.shell version 7 for prod is superseded by version 8" \
		sysverify "$IMG:other"
	out=$(sysverify --rollback warn-stale "$IMG:other" 2>&1)
	check_match "--rollback warn-stale accepts it with a warning" "warning: stale image.*trusted: org.example.shell version 7" "$(echo $out)"
	msign "$K/k1.key" "$OSIG/prod.minisig" "$IMG/blobs/sha256/${O#sha256:}" \
		"$(statement org.example.shell prod 8 "$(now)" "$(now '+1 day')" "$O")"
	expect_fail "the same version signed for another manifest: refused" "version 8 for prod was signed before for another manifest" \
		sysverify "$IMG:other"
	out=$(sysverify --env dev "$IMG:other" 2>&1)
	check_match "other environments have their own marks" "wrong environment" "$out"
	msign "$K/k1.key" "$OSIG/prod.minisig" "$IMG/blobs/sha256/${O#sha256:}" \
		"$(statement org.example.shell prod 9 "$(now)" "$(now '+1 day')" "$O")"
	out=$(sysverify --record "$IMG:other" 2>&1)
	check_match "a newer version passes and raises the mark" "trusted: org.example.shell version 9" "$out"
	expect_fail "then the version-8 image is stale" "superseded by version 9" sysverify "$IMG:base"
	expect_fail "--record is refused with another store" "--record only with the system trust store" \
		verify --record "$IMG:base"
else
	diag "not root: the system trust store tests (rollback state) are left out"
fi

# --- an unsigned manifest is not parsed --------------------------------------------------------------
# Signatures cover the manifest's bytes: before one is checked, nothing in them is parsed or
# followed. A manifest that is not even JSON must be refused for its missing signature.
G=$W/img-garbage
u python3 - "$G" <<'PY'
import hashlib, json, os, sys
layout = sys.argv[1]
data = b"not JSON: an unsigned manifest must not reach a parser\n"
hexd = hashlib.sha256(data).hexdigest()
os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
with open(os.path.join(layout, "blobs", "sha256", hexd), "wb") as f:
    f.write(data)
with open(os.path.join(layout, "oci-layout"), "w") as f:
    f.write('{"imageLayoutVersion": "1.0.0"}')
with open(os.path.join(layout, "index.json"), "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + hexd, "size": len(data),
        "annotations": {"org.opencontainers.image.ref.name": "t"}}]}, f)
PY
expect_fail "run --image: a manifest without a signature is refused for that, unparsed" \
	"unsigned: no signature" u "$SBX" run --image "$G:t" -- true
expect_fail "trust verify: the same" "refused: unsigned: no signature" verify "$G:t"

# --- keys made by sandbox work with minisign --------------------------------------------------------
u "$SBX" trust key generate ops --passphrase-file "$K/pass" >"$W/gen.out" 2>&1
check_match "trust key generate writes NAME.key and NAME.pub under ~/.config/sandbox/keys" \
	"secret key $W/config/sandbox/keys/ops.key, public key $W/config/sandbox/keys/ops.pub" "$(cat "$W/gen.out")"
check "the secret key is private" "600" "$(stat -c %a "$W/config/sandbox/keys/ops.key")"
fresh
msign "$W/config/sandbox/keys/ops.key" "$SIGDIR/prod-ops.minisig" "$MBLOB" \
	"$(statement org.example.shell prod 1 "$(now)" "$(now '+1 day')" "$M")" "$PASS"
minisign -V -m "$MBLOB" -x "$SIGDIR/prod-ops.minisig" -p "$W/config/sandbox/keys/ops.pub" >/dev/null 2>&1
check "minisign -S signs with a key from trust key generate (scrypt decrypts), minisign -V checks it" "0" "$?"
u "$SBX" trust sign --key ops --passphrase-file "$K/pass" --name org.example.shell --env qa --version 1 "$IMG:base" >/dev/null 2>&1
minisign -V -m "$MBLOB" -x "$SIGDIR/qa-$(keyid "$W/config/sandbox/keys/ops.pub").minisig" -p "$W/config/sandbox/keys/ops.pub" >/dev/null 2>&1
check "trust sign --key NAME finds ~/.config/sandbox/keys/NAME.key" "0" "$?"

tap_done
