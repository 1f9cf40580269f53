#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write an OCI image layout from tar files, the way skopeo and umoci would, for layers no tool
would make (hostile ones) or JSON no tool would write.

    mklayout.py LAYOUT TAG [--compress gzip|zstd|none] [--entrypoint CMD]
                [--manifest-extra JSON] LAYER.tar...

LAYOUT is created or extended (the tag is replaced). Layers are listed lowest first."""

import argparse
import gzip
import hashlib
import json
import os
import platform
import subprocess
import sys


def write_blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    d = os.path.join(layout, "blobs", "sha256")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("layout")
    p.add_argument("tag")
    p.add_argument("layers", nargs="*")
    p.add_argument("--compress", default="gzip", choices=["gzip", "zstd", "none"])
    p.add_argument("--entrypoint", default="/bin/sh")
    p.add_argument("--manifest-extra", default="{}",
                   help="JSON object merged into the manifest")
    p.add_argument("--bad-diff-id", action="store_true",
                   help="write a wrong rootfs.diff_ids entry for the last layer")
    a = p.parse_args()

    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    os.makedirs(a.layout, exist_ok=True)
    with open(os.path.join(a.layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)

    layers, diff_ids = [], []
    for path in a.layers:
        with open(path, "rb") as f:
            raw = f.read()
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        if a.compress == "gzip":
            data, mt = gzip.compress(raw, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip"
        elif a.compress == "zstd":
            data = subprocess.run(["zstd", "-q", "-c"], input=raw, check=True,
                                  stdout=subprocess.PIPE).stdout
            mt = "application/vnd.oci.image.layer.v1.tar+zstd"
        else:
            data, mt = raw, "application/vnd.oci.image.layer.v1.tar"
        digest, size = write_blob(a.layout, data)
        layers.append({"mediaType": mt, "digest": digest, "size": size})

    if a.bad_diff_id and diff_ids:
        diff_ids[-1] = "sha256:" + hashlib.sha256(b"not the layer").hexdigest()
    config = {
        "architecture": arch, "os": "linux",
        "config": {"Entrypoint": [a.entrypoint], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    cdigest, csize = write_blob(a.layout, json.dumps(config).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": cdigest, "size": csize},
        "layers": layers,
    }
    manifest.update(json.loads(a.manifest_extra))
    mdigest, msize = write_blob(a.layout, json.dumps(manifest).encode())

    index_path = os.path.join(a.layout, "index.json")
    index = {"schemaVersion": 2, "manifests": []}
    if os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
    ref = "org.opencontainers.image.ref.name"
    index["manifests"] = [m for m in index["manifests"]
                          if m.get("annotations", {}).get(ref) != a.tag]
    index["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "digest": mdigest, "size": msize,
                               "annotations": {ref: a.tag}})
    with open(index_path, "w") as f:
        json.dump(index, f)
    print(mdigest)


if __name__ == "__main__":
    sys.exit(main())
