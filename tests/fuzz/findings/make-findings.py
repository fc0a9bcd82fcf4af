#!/usr/bin/env python3
# tests/fuzz/findings/make-findings.py — writes the reproducers of the known, not yet fixed
# findings of fuzz_scenario (README.md says what each one does) into DIR; they are generated
# rather than checked in because each is tens of KB of repeated brackets or letters.
#   tests/fuzz/findings/make-findings.py DIR
#   build/fuzz/tests/fuzz/fuzz_scenario -timeout=10 -rss_limit_mb=2048 DIR/*
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out, exist_ok=True)
base = '"duration": "10s", "load": [{"at": "0s", "rate": "10/s"}]'
deep = "[" * 20000 + "]" * 20000
findings = {
    # issue 12 item 1: a deep value where a string is expected; the message builder dumps it
    "deep-value-where-a-string-is-expected": '{"name": ' + deep + ", " + base + "}",
    # the same through --set (the override lines follow the "%%" line)
    "deep-value-by-set": '{"name": "x", ' + base + "}\n%%\n/name=" + deep + "\n",
    # issue 12 item 2: protocol.auth nested deep; the loader copies it recursively
    "deep-protocol-auth": '{"name": "x", ' + base + ', "protocol": {"auth": {"a": ' + deep + "}}}",
    # issue 12 item 3: "did you mean" for a 60 KB unknown key: over the 10 s timeout under ASan
    "long-unknown-key": '{"name": "x", ' + base + ', "' + "k" * 60000 + '": 1}',
    # issue 12 item 4: 6 000 keys in one object (64 KB): quadratic key checks, ~3 s under ASan
    "many-keys": '{"name": "x", ' + base + ', "users": {' + ", ".join(f'"k{i}": 1' for i in range(6000)) + "}}",
}
for name, text in findings.items():
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
    print(os.path.join(out, name), len(text), "bytes")
