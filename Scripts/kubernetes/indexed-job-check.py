#!/usr/bin/env python3
"""Checks Examples/kubernetes/sieve-indexed-job.yaml without a cluster.

Parses the manifest (PyYAML), checks what Kubernetes would need of it (an Indexed Job whose
--shard-count equals its completions, the volume both Jobs mount, the labels the README's
`kubectl apply -l` commands select), then plays the pods as the kubelet would start them: each
index's container command with JOB_COMPLETION_INDEX set (and again for one index, as a retried
pod), then the merge Job's command, with /data mapped to a temporary directory and the seed range
made small. The merged survivors.bin and summary.json must equal an unsharded `optimize sieve` of
the same arguments, byte for byte. What it cannot check: that a real API server accepts the
manifest (no cluster here); the fields used are batch/v1's and core/v1's.

Usage: Scripts/kubernetes/indexed-job-check.py OPTIMIZE_BINARY
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

MANIFEST = os.path.join(os.path.dirname(__file__), "..", "..", "Examples", "kubernetes", "sieve-indexed-job.yaml")
HISTORY = os.path.join(os.path.dirname(__file__), "..", "..", "Examples", "planted-java_lcg.json")
SEEDS = "0..<2^22"


def fail(message):
    print(f"indexed-job-check: {message}", file=sys.stderr)
    sys.exit(1)


def container(job):
    spec = job["spec"]["template"]["spec"]
    if len(spec["containers"]) != 1:
        fail(f"{job['metadata']['name']}: expected one container")
    return spec, spec["containers"][0]


def command_line(job, binary, data):
    """The container's command and arguments, with optimize and /data made local."""
    _, pod = container(job)
    words = list(pod.get("command", [])) + list(pod.get("args", []))
    local = []
    for word in words:
        word = word.replace("/data", data)
        if word == "optimize":
            word = binary
        word = word.replace("exec optimize ", f"exec {binary} ")
        local.append(word)
    return local


def run(arguments, environment=None):
    result = subprocess.run(arguments, env={**os.environ, **(environment or {})}, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"{' '.join(arguments)} exited {result.returncode}: {result.stderr}")
    return result


def main():
    if len(sys.argv) != 2:
        fail("usage: indexed-job-check.py OPTIMIZE_BINARY")
    binary = os.path.abspath(sys.argv[1])
    with open(MANIFEST, encoding="utf-8") as file:
        documents = [document for document in yaml.safe_load_all(file) if document]
    by_kind = {(document["kind"], document["metadata"]["name"]): document for document in documents}
    claim = by_kind.get(("PersistentVolumeClaim", "sieve-data")) or fail("no PersistentVolumeClaim sieve-data")
    sieve = by_kind.get(("Job", "sieve-shards")) or fail("no Job sieve-shards")
    merge = by_kind.get(("Job", "sieve-merge")) or fail("no Job sieve-merge")
    if "ReadWriteMany" not in claim["spec"]["accessModes"]:
        fail("the claim must be ReadWriteMany: the pods of the shards and the merge share it")
    for document, step in [(claim, "sieve"), (sieve, "sieve"), (merge, "merge")]:
        if document["metadata"]["labels"].get("step") != step:
            fail(f"{document['metadata']['name']}: label step={step} is what `kubectl apply -l` selects")
    if sieve["apiVersion"] != "batch/v1" or sieve["spec"].get("completionMode") != "Indexed":
        fail("sieve-shards must be a batch/v1 Job with completionMode: Indexed")
    completions = sieve["spec"]["completions"]
    arguments = command_line(sieve, binary, "/data")
    if arguments[arguments.index("--shard") + 1] != "auto":
        fail("the sieve must take --shard auto")
    if int(arguments[arguments.index("--shard-count") + 1]) != completions:
        fail(f"--shard-count must equal completions ({completions})")
    for job in (sieve, merge):
        spec, pod = container(job)
        if spec.get("restartPolicy") not in ("OnFailure", "Never"):
            fail(f"{job['metadata']['name']}: a Job's pods need restartPolicy OnFailure or Never")
        mounts = {mount["name"]: mount["mountPath"] for mount in pod["volumeMounts"]}
        volumes = {volume["name"]: volume["persistentVolumeClaim"]["claimName"] for volume in spec["volumes"]}
        if mounts.get("data") != "/data" or volumes.get("data") != "sieve-data":
            fail(f"{job['metadata']['name']}: must mount the claim sieve-data at /data")

    work = tempfile.mkdtemp(prefix="optimize-indexed-job.")
    try:
        data = os.path.join(work, "data")
        os.makedirs(os.path.join(data, "sweep"))
        shutil.copy(HISTORY, os.path.join(data, "draws.json"))
        arguments = command_line(sieve, binary, data)
        arguments[arguments.index("--seeds") + 1] = SEEDS
        cleared = {name: "" for name in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
                                         "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP"]}
        for index in list(range(completions)) + [1]:  # index 1 twice: a retried pod resumes its directory
            result = run(arguments, {**cleared, "JOB_COMPLETION_INDEX": str(index)})
            if f"sieve: shard {index}/{completions} from JOB_COMPLETION_INDEX={index}" not in result.stderr:
                fail(f"index {index} did not say which shard it swept: {result.stderr}")
        merge_command = command_line(merge, binary, data)
        run(merge_command)
        again = run(merge_command)  # a merge pod retried after it finished keeps the merge
        if "already merged" not in again.stdout:
            fail(f"a second merge did not keep the first: {again.stdout}")
        whole = os.path.join(work, "whole")
        unsharded = [word for word in arguments]
        position = unsharded.index("--shard")
        del unsharded[position:position + 4]  # --shard auto --shard-count N
        unsharded[unsharded.index("--out") + 1] = whole
        run(unsharded, cleared)
        for name in ["survivors.bin", "summary.json"]:
            if not filecmp.cmp(os.path.join(whole, name), os.path.join(data, "sweep", "merged", name), shallow=False):
                fail(f"merged {name} differs from the unsharded sweep's")
        print(f"indexed-job-check: {completions} indices and their merge equal the unsharded sweep of {SEEDS}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
