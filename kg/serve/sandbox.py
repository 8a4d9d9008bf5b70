"""What a query worker may do: no sockets at all, and a ceiling on its memory.

A query worker needs no network: it talks to the server over a pipe it inherits, and reads the store
from disk. So before it opens the store it installs a seccomp filter under which ``socket(2)`` (and
``io_uring_setup(2)``, which could create sockets behind its back) fail with ``EPERM``: whatever a
query says, ``SERVICE`` cannot reach anything, not even loopback. And ``RLIMIT_AS`` caps its address
space, so a query that would eat the machine's memory makes the worker fail an allocation and die,
and the pool replaces it (see :mod:`kg.serve.pool`).

Only Linux on x86-64 and arm64 gets the filter (elsewhere :func:`confine` says so and the server's
own screen, :mod:`kg.guard`, is what refuses ``SERVICE``).
"""

from __future__ import annotations

import ctypes
import errno
import platform
import resource
import struct
import sys

_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_X32_BIT = 0x40000000
#: machine -> (AUDIT_ARCH value, syscall numbers to refuse: socket, io_uring_setup)
_ARCHES = {
    "x86_64": (0xC000003E, (41, 425)),
    "aarch64": (0xC00000B7, (198, 425)),
}


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _filter(arch: int, refused: tuple[int, ...]) -> bytes:
    """A classic-BPF seccomp program: other architectures and x32 calls refused, ``refused`` refused."""
    deny = struct.pack("HBBI", _RET_K, 0, 0, _ERRNO | errno.EPERM)
    allow = struct.pack("HBBI", _RET_K, 0, 0, _ALLOW)
    checks = [struct.pack("HBBI", _JEQ_K, len(refused) - i, 0, nr) for i, nr in enumerate(refused)]
    program = [
        struct.pack("HBBI", _LD_ABS_W, 0, 0, 4),  # seccomp_data.arch
        struct.pack("HBBI", _JEQ_K, 1, 0, arch),
        deny,
        struct.pack("HBBI", _LD_ABS_W, 0, 0, 0),  # seccomp_data.nr
        struct.pack("HBBI", _JGE_K, len(refused) + 1, 0, _X32_BIT),
        *checks,
        allow,
        deny,
    ]
    return b"".join(program)


def forbid_sockets() -> str:
    """Make every later ``socket(2)`` of this process (and threads it starts) fail; what was done, in words."""
    machine = platform.machine().lower()
    if not sys.platform.startswith("linux") or machine not in _ARCHES:
        return f"no socket filter on {sys.platform}/{machine}"
    arch, refused = _ARCHES[machine]
    code = _filter(arch, refused)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"no socket filter: prctl(NO_NEW_PRIVS) failed with errno {ctypes.get_errno()}"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0:
        return f"no socket filter: prctl(SECCOMP) failed with errno {ctypes.get_errno()}"
    return "sockets forbidden"


def limit_memory(limit_bytes: int | None) -> str:
    """Cap this process's address space at ``limit_bytes`` (None: no cap); what was done, in words."""
    if not limit_bytes:
        return "no memory limit"
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit_bytes = min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, hard))
    return f"address space limited to {limit_bytes // 2**20} MiB"


def confine(limit_bytes: int | None) -> str:
    """Both confinements, for a worker about to open the store."""
    return f"{forbid_sockets()}; {limit_memory(limit_bytes)}"
