#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The [Images] policy keys applied to `sandbox run --image`, with a real admin policy in
# /etc/sandbox/policy.d, real keys (minisign -G, sandbox trust key generate) and a real image
# (umoci, busybox): RequireSigned=, TrustedKeys= (admin names, @user), AllowedEnvironments=,
# MaxSignatureAge=, RollbackProtection= (rollback, same version with another digest, stale), the
# ceiling rule for the user's flags and profiles, and `sandbox trust revoke` and
# `sandbox trust inspect`. Each refusal is its own test naming the check that failed.
# Usage: test-image-policy.sh SANDBOX SOURCE_DIR
source "$(dirname "$0")/lib-image.sh" "$@"
[[ $EUID -eq 0 ]] || skip_all "needs root: writes /etc/sandbox/policy.d, keys.d and revoked.d"
require_userns

IMG=$W/img
build_busybox_image "$IMG" base || skip_all "cannot build an image with umoci"
build_busybox_image "$IMG" v1 || skip_all "cannot build an image with umoci"
build_busybox_image "$IMG" v3 || skip_all "cannot build an image with umoci"
for t in base v1 v3; do
	u umoci config --image "$IMG:$t" --config.cmd -c --config.cmd "echo ran-$t" >/dev/null
done
u cp -r "$IMG" "$W/pristine" # unsigned copies
K=$W/keys
u mkdir -p "$K"
u minisign -G -W -p "$K/admin.pub" -s "$K/admin.key" >/dev/null
u minisign -G -W -p "$K/other.pub" -s "$K/other.key" >/dev/null
u "$SBX" trust key generate mine --no-passphrase >/dev/null 2>&1
keyid() { printf '%16s' "$(head -1 "$1" | awk '{print $NF}')" | tr ' ' 0; }
ADMIN_ID=$(keyid "$K/admin.pub")

# --- the admin's files, removed again whatever happens -------------------------------------------
POLICY=/etc/sandbox/policy.d/50-sbx-image-policy-test.policy
LOCAL_LIST=/etc/sandbox/revoked.d/local.list
created=()
for d in /etc/sandbox /etc/sandbox/policy.d /etc/sandbox/keys.d /etc/sandbox/revoked.d; do
	[[ -d $d ]] || created+=("$d")
done
mkdir -p /etc/sandbox/policy.d /etc/sandbox/keys.d
saved_list=no
if [[ -e $LOCAL_LIST ]]; then cp -a "$LOCAL_LIST" "$STAGE/local.list.saved"; saved_list=yes; fi
cleanup() {
	rm -f "$POLICY" /etc/sandbox/keys.d/sbx-image-policy-admin.pub /etc/sandbox/keys.d/sbx-image-policy-other.pub
	if [[ $saved_list == yes ]]; then cp -a "$STAGE/local.list.saved" "$LOCAL_LIST"; else rm -f "$LOCAL_LIST"; fi
	for ((i = ${#created[@]} - 1; i >= 0; i--)); do rmdir "${created[i]}" 2>/dev/null; done
	rm -rf -- "$STAGE"
}
trap cleanup EXIT
install -m 0644 "$K/admin.pub" /etc/sandbox/keys.d/sbx-image-policy-admin.pub
install -m 0644 "$K/other.pub" /etc/sandbox/keys.d/sbx-image-policy-other.pub

# policy LINES...: the test user's admin policy, [Images] section; no arguments: none.
policy() {
	if [[ $# -eq 0 ]]; then rm -f "$POLICY"; return; fi
	{ printf '[Match]\nUser=%s\n\n[Images]\n' "$TEST_USER"; printf '%s\n' "$@"; } >"$POLICY"
	chmod 0644 "$POLICY"
}
run() { u "$SBX" run "$@"; }
fresh_state() { rm -rf "$W/state/sandbox"; }
fresh_sigs() { rm -rf "$IMG/signatures"; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ -d "${1:-now}"; }
# msign KEY TAG ENV VERSION ISSUED EXPIRES: the stock minisign with a statement of our choosing,
# for the name $SIGN_NAME (default org.example.app).
msign() {
	local m d
	m=$(manifest_digest "$IMG" "$2")
	d=$IMG/signatures/sha256-${m#sha256:}
	u mkdir -p "$d"
	u minisign -S -s "$K/$1.key" -x "$d/$3-$1.minisig" -m "$IMG/blobs/sha256/${m#sha256:}" \
		-t "$(printf 'sandbox-v1\tname:%s\tenv:%s\tversion:%s\tissued:%s\texpires:%s\tmanifest:%s' "${SIGN_NAME:-org.example.app}" "$3" "$4" "$5" "$6" "$m")" >/dev/null 2>&1
}
sign() { msign "$1" "$2" "$3" "$4" "$(now)" "$(now '+1 day')"; }
sign_user() { # TAG ENV VERSION: with the key made by sandbox trust key generate
	u "$SBX" trust sign --key mine --name org.example.app --env "$2" --version "$3" "$IMG:$1" >/dev/null
}

# --- RequireSigned= ------------------------------------------------------------------------------
policy
fresh_sigs
expect_fail "no policy: an unsigned image is refused" "unsigned: no signature" run --image "$IMG:base"
policy "RequireSigned=no"
out=$(run --image "$IMG:base" 2>&1)
check_match "RequireSigned=no (admin): an unsigned image runs, with a warning naming the policy line" \
	"warning: .* carries no signature; running it unsigned \(RequireSigned=no at $POLICY:5\).*ran-base" "$(echo $out)"
u mkdir -p "$IMG/signatures/sha256-$(manifest_digest "$IMG" base | cut -d: -f2)"
u cp "$K/admin.pub" "$IMG/signatures/sha256-$(manifest_digest "$IMG" base | cut -d: -f2)/prod-junk.minisig"
expect_fail "RequireSigned=no: a signature that fails is still refused" "junk.minisig" run --image "$IMG:base"
fresh_sigs
policy "RequireSigned=yes"
expect_fail "RequireSigned=yes: an unsigned image is refused, naming the policy line" \
	"unsigned: no signature .*\(RequireSigned=yes at $POLICY:5\)" run --image "$IMG:base"

# The ceiling: the user cannot loosen what the admin left at its default.
policy
u mkdir -p "$W/config/sandbox/apps"
u sh -c "printf '[App]\nExec=/bin/true\n\n[Images]\nRequireSigned=no\n' > '$W/config/sandbox/apps/loose.profile'"
expect_fail "a user's profile cannot say RequireSigned=no when no admin policy does" \
	"loose.profile:5: RequireSigned=no asks for more than the ceiling: no admin policy sets RequireSigned=" \
	u "$SBX" policy show --app loose
expect_fail "a user's flag cannot add @user to TrustedKeys= when no admin policy does" \
	"command line:[0-9]+: TrustedKeys=@user asks for more than the ceiling" \
	run --image-key @user --image "$IMG:base"

# --- TrustedKeys= --------------------------------------------------------------------------------
fresh_state
sign_user base prod 1
expect_fail "the user's own key vouches for nothing by default" "which is not a trusted key" run --image "$IMG:base"
policy "TrustedKeys=@admin @user"
check "TrustedKeys=@admin @user: an image signed with the user's key runs" "ran-base" "$(run --image "$IMG:base" 2>&1)"
expect_fail "the user narrows TrustedKeys= with --image-key: their own key no longer counts" \
	"signed by key [0-9A-F]{16}, which is not a trusted key" \
	run --image-key sbx-image-policy-admin --image "$IMG:base"
fresh_sigs; fresh_state
sign other base prod 1
policy "TrustedKeys=sbx-image-policy-admin"
expect_fail "TrustedKeys= names one admin key: another admin key's signature is refused" \
	"signed by admin key sbx-image-policy-other .*which the policy does not trust for images \(TrustedKeys=\)" \
	run --image "$IMG:base"
policy "TrustedKeys=$ADMIN_ID"
fresh_sigs; sign admin base prod 1
check "TrustedKeys= by key id: that key's signature runs" "ran-base" "$(run --image "$IMG:base" 2>&1)"
expect_fail "the user cannot widen TrustedKeys= to another admin key" \
	"TrustedKeys=sbx-image-policy-other asks for more than the ceiling: sbx-image-policy-other is not allowed by TrustedKeys=$ADMIN_ID, set at $POLICY:5" \
	run --image-key sbx-image-policy-other --image "$IMG:base"

# --- AllowedEnvironments= ------------------------------------------------------------------------
fresh_sigs; fresh_state
sign admin base dev 1
policy "AllowedEnvironments=prod"
expect_fail "AllowedEnvironments=prod: an image signed for dev is refused" \
	"wrong environment: signed for dev, allowed here: prod" run --image "$IMG:base"
expect_fail "the user cannot add an environment the admin did not allow" \
	"AllowedEnvironments=dev asks for more than the ceiling: environment dev is not allowed by AllowedEnvironments=prod" \
	run --image-env dev --image "$IMG:base"
policy "AllowedEnvironments=prod dev"
expect_fail "the user narrows AllowedEnvironments= with --image-env" \
	"wrong environment: signed for dev, allowed here: prod" run --image-env prod --image "$IMG:base"
check "an allowed environment runs" "ran-base" "$(run --image "$IMG:base" 2>&1)"

# --- --image-name: the tag in index.json is not signed, the name in the statement is -----------
fresh_sigs; fresh_state
policy
sign admin base prod 1
SIGN_NAME=org.example.other sign admin v1 prod 1
check "--image-name: an image signed for that name runs" "ran-base" \
	"$(run --image-name org.example.app --image "$IMG:base" 2>&1)"
check "without --image-name any trusted signature vouches, whatever its name" "ran-v1" \
	"$(run --image "$IMG:v1" 2>&1)"
expect_fail "--image-name: an image signed for another name is refused" \
	"signed as org.example.other, not as org.example.app" \
	run --image-name org.example.app --image "$IMG:v1"
expect_fail "--image-name: a malformed name is refused, naming the option" \
	"--image-name org/../x: not a valid image name" run --image-name org/../x --image "$IMG:base"
expect_fail "--image-name without --image is a usage error" \
	"--image-name names the signed image of --image, which is missing" \
	run --image-name org.example.app /bin/true
fresh_sigs
policy "RequireSigned=no"
expect_fail "--image-name: an unsigned image is refused even under RequireSigned=no" \
	"carries no signature, so nothing vouches that it is org.example.app \(--image-name\)" \
	run --image-name org.example.app --image "$IMG:base"

# --- MaxSignatureAge= ----------------------------------------------------------------------------
fresh_sigs; fresh_state
msign admin base prod 1 "$(now '-3 days')" "$(now '+30 days')"
policy "MaxSignatureAge=1d"
expect_fail "MaxSignatureAge=1d: a signature from three days ago is refused, naming the policy line" \
	"longer ago than the policy allows .*\(MaxSignatureAge=1d at $POLICY:5\)" run --image "$IMG:base"
policy "MaxSignatureAge=1w"
check "MaxSignatureAge=1w: the same signature runs" "ran-base" "$(run --image "$IMG:base" 2>&1)"
expect_fail "the user tightens MaxSignatureAge= with --image-max-age" \
	"longer ago than the policy allows" run --image-max-age 2d --image "$IMG:base"
expect_fail "but cannot loosen it" "MaxSignatureAge=2w asks for more than the ceiling" \
	run --image-max-age 2w --image "$IMG:base"
fresh_sigs; fresh_state
msign admin base prod 1 2020-01-01T00:00:00Z 2021-01-01T00:00:00Z
policy
expect_fail "an expired signature is refused" "expired at 2021-01-01T00:00:00Z" run --image "$IMG:base"

# --- RollbackProtection= -------------------------------------------------------------------------
fresh_sigs; fresh_state
sign admin v1 prod 1; sign admin base prod 2; sign admin v3 prod 3
check "version 2 runs and raises the run mark" "ran-base" "$(run --image "$IMG:base" 2>&1)"
expect_fail "rollback: version 1 after version 2 was run is refused" \
	"rollback: org.example.app version 1 for prod is older than version 2, which already ran here" run --image "$IMG:v1"
sign admin v1 prod 2
expect_fail "rollback: the same version signed for another manifest is refused" \
	"version 2 for prod was signed before for another manifest" run --image "$IMG:v1"
u "$SBX" trust verify --record "$IMG:v3" >/dev/null 2>&1
expect_fail "stale: version 2 once version 3 was seen is refused by default" \
	"stale: org.example.app version 2 for prod is superseded by version 3" run --image "$IMG:base"
policy "RollbackProtection=warn-stale"
out=$(run --image "$IMG:base" 2>&1)
check_match "RollbackProtection=warn-stale: the stale image runs with a warning" \
	"warning: .*superseded by version 3.*ran-base" "$(echo $out)"
sign admin v1 prod 1
expect_fail "RollbackProtection=warn-stale still refuses a rollback" "rollback: org.example.app version 1" \
	run --image "$IMG:v1"
# An old image signed for another environment: whoever writes the layout picks the signature, so
# with any environment accepted the run mark of prod holds for dev; only a policy that leaves
# prod out keeps dev's marks apart.
fresh_sigs; fresh_state; policy
sign admin base prod 2; sign admin v1 dev 1
check "prod version 2 runs" "ran-base" "$(run --image "$IMG:base" 2>&1)"
expect_fail "no AllowedEnvironments=: an older version signed for dev is a rollback" \
	"rollback: org.example.app version 1 for dev is older than version 2 for prod, which already ran here \(no AllowedEnvironments=" \
	run --image "$IMG:v1"
policy "AllowedEnvironments=prod dev"
expect_fail "AllowedEnvironments=prod dev: the same, both environments count" \
	"older than version 2 for prod, which already ran here \(AllowedEnvironments= accepts both" \
	run --image "$IMG:v1"
policy "AllowedEnvironments=dev"
check "AllowedEnvironments=dev: prod's marks are not dev's" "ran-v1" "$(run --image "$IMG:v1" 2>&1)"
policy
expect_fail "a user's profile cannot relax RollbackProtection= when no admin policy does" \
	"RollbackProtection=warn-stale asks for more than the ceiling" \
	u sh -c "printf '[App]\nExec=/bin/true\n\n[Images]\nRollbackProtection=warn-stale\n' > '$W/config/sandbox/apps/loose.profile' && '$SBX' policy show --app loose"

# --- revocation ----------------------------------------------------------------------------------
fresh_sigs; fresh_state; policy
sign admin base prod 1
check "before revocation the image runs" "ran-base" "$(run --image "$IMG:base" 2>&1)"
out=$(u "$SBX" trust revoke key sbx-image-policy-admin 2>&1)
check "a user revokes an admin key for themselves" \
	"key $ADMIN_ID revoked in $W/config/sandbox/revoked.list (for you)" "$out"
expect_fail "the user's revocation refuses the key" "signed by key $ADMIN_ID, which is revoked" run --image "$IMG:base"
check "again: already revoked" "key $ADMIN_ID was already revoked in $W/config/sandbox/revoked.list (for you)" \
	"$(u "$SBX" trust revoke key "$ADMIN_ID" 2>&1)"
u rm "$W/config/sandbox/revoked.list"
M=$(manifest_digest "$IMG" base)
out=$("$STAGE/sandbox" trust revoke manifest "$IMG:base" 2>&1)
check "root revokes a manifest for every user" "manifest $M revoked in /etc/sandbox/revoked.d/local.list (for every user)" "$out"
check "the admin list is root's, 0644" "0 644" "$(stat -c '%u %a' "$LOCAL_LIST")"
check_match "the admin list is in the store's format" "manifest $M" "$(cat "$LOCAL_LIST")"
expect_fail "the revoked manifest is refused for the user" "manifest $M is denied by a revocation list" \
	run --image "$IMG:base"
check "a user's revoke goes to their own list, never the admin's" \
	"manifest $M revoked in $W/config/sandbox/revoked.list (for you)" "$(u "$SBX" trust revoke manifest "$M" 2>&1)"
u sh -c "printf '# mine\n' > '$W/config/sandbox/revoked.list'"
expect_fail "nothing in the user's own list undoes the admin's revocation" "is denied by a revocation list" \
	run --image "$IMG:base"
expect_fail "a malformed revocation argument is refused" "is not sha256: and 64 lowercase hex digits" \
	u "$SBX" trust revoke manifest sha256:abc
if [[ $saved_list == yes ]]; then cp -a "$STAGE/local.list.saved" "$LOCAL_LIST"; else rm -f "$LOCAL_LIST"; fi

# --- inspect -------------------------------------------------------------------------------------
fresh_sigs; fresh_state; policy "AllowedEnvironments=prod"
sign admin base prod 4
sign admin base dev 4
out=$(u "$SBX" trust inspect "$IMG:base" 2>&1)
check_match "inspect names the signer's key id and store file" \
	"signer: key $ADMIN_ID, admin key sbx-image-policy-admin \(/etc/sandbox/keys.d/sbx-image-policy-admin.pub\)" "$out"
check_match "inspect shows name, version, environment, issue and expiry" \
	"signed: org.example.app version 4 for prod, issued [0-9T:Z-]+, expires [0-9T:Z-]+" "$out"
check_match "inspect says the prod signature would run now" "prod-admin.minisig.*would run now: yes" "$(echo $out)"
check_match "and why the dev one would not" "would run now: no: .*wrong environment: signed for dev, allowed here: prod" "$(echo $out)"
json=$(u "$SBX" trust inspect --json "$IMG" 2>&1)
check "inspect --json is JSON listing every tag with its signatures" "base:2:True:False v1:0 v3:0" \
	"$(python3 -c '
import json, sys
d = json.load(sys.stdin)
out = []
for i in d["images"]:
    s = i["signatures"]
    out.append(i["tag"] + ":" + str(len(s)) + ("".join(":" + str(x["would_run"]) for x in sorted(s, key=lambda x: x["file"], reverse=True))))
print(" ".join(out))' <<<"$json" 2>&1)"
check "inspect --json names the key's store and the statement" "admin /etc/sandbox/keys.d/sbx-image-policy-admin.pub prod 4 True" \
	"$(python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["images"][0]["signatures"] if x["statement"]["env"] == "prod"][0]
print(s["key"]["store"], s["key"]["path"], s["statement"]["env"], s["statement"]["version"], s["statement"]["verified"])' <<<"$json" 2>&1)"
out=$(u "$SBX" trust inspect "$W/pristine:base" 2>&1)
check_match "inspect of an unsigned image says so" "unsigned: no signature" "$out"

# A signature file named with escape sequences and a newline, as whoever wrote the layout likes:
# the report and the refusal show the name escaped, and no control character reaches the terminal.
fresh_sigs; fresh_state; policy "AllowedEnvironments=prod"
sign admin base dev 4
m=$(manifest_digest "$IMG" base)
d=$IMG/signatures/sha256-${m#sha256:}
evil=$(printf 'x\033[1A\033[2K\nwould run now: yes')
u mv "$d/dev-admin.minisig" "$d/$evil.minisig"
out=$(u "$SBX" trust inspect "$IMG:base" 2>&1)
check "inspect prints no control character of a signature's file name" "none" \
	"$(LC_ALL=C grep -c $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$out" | sed 's/^0$/none/')"
check_match "inspect shows the name escaped" 'x\\x1b\[1A\\x1b\[2K\\x0awould run now: yes\.minisig' "$out"
out=$(run --image "$IMG:base" 2>&1 >/dev/null)
check "a refusal quoting the file name carries no control character" "none" \
	"$(LC_ALL=C grep -c $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$out" | sed 's/^0$/none/')"
check_match "and names the file escaped" 'x\\x1b\[1A\\x1b\[2K\\x0awould run now: yes\.minisig: wrong environment' "$out"
# A name that is not UTF-8: inspect --json still writes JSON, the byte as U+FFFD.
u mv "$d/$evil.minisig" "$d/$(printf 'bad\377name').minisig"
out=$(u "$SBX" trust inspect --json "$IMG:base" 2>/dev/null)
check "inspect --json of a signature named with invalid UTF-8 is JSON" "bad\ufffdname.minisig" \
	"$(python3 -c 'import json,sys; print(json.loads(sys.stdin.buffer.read().decode("utf-8"))["images"][0]["signatures"][0]["file"].rsplit("/", 1)[-1].encode("ascii","backslashreplace").decode())' <<<"$out" 2>&1)"
fresh_sigs; fresh_state; policy

tap_done
