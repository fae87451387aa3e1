# The Python side of the bench's whole-process section (test/bench/cli.ts): the same work as
# `keysmith encrypt/decrypt --key-env K`, written the plain way with `cryptography`'s AESGCM
# (Debian's python3-cryptography).
#   encrypt: stdin's bytes -> an envelope v1 on stdout (one line of JSON, as the CLI writes it)
#   decrypt: an envelope on stdin -> the plaintext's exact bytes on stdout
# The key is 64 hex characters in the environment variable named by the second argument.
import base64
import json
import os
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

mode, key_env = sys.argv[1], sys.argv[2]
key = bytes.fromhex(os.environ[key_env])

if mode == "encrypt":
    data = sys.stdin.buffer.read()
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, data, None)  # ciphertext + 16-byte tag
    envelope = {
        "v": 1,
        "algorithm": "AES-256-GCM",
        "iv": base64.b64encode(iv).decode("ascii"),
        "tag": base64.b64encode(sealed[-16:]).decode("ascii"),
        "ciphertext": base64.b64encode(sealed[:-16]).decode("ascii"),
    }
    sys.stdout.write(json.dumps(envelope, separators=(",", ":")) + "\n")
elif mode == "decrypt":
    envelope = json.loads(sys.stdin.buffer.read())
    sealed = base64.b64decode(envelope["ciphertext"]) + base64.b64decode(envelope["tag"])
    plaintext = AESGCM(key).decrypt(base64.b64decode(envelope["iv"]), sealed, None)
    sys.stdout.buffer.write(plaintext)
else:
    sys.exit(f"usage: envelope.py encrypt|decrypt KEY_ENV_VAR (not {mode!r})")
