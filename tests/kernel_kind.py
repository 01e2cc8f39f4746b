"""The kind of kernel the tests run on, found by the tests' own probes.

Some verdicts depend on the kernel, not on the grader: an i386 system call
(int 0x80) is blocked by the sandbox's seccomp architecture check on a
kernel with IA32 emulation ("ia32"), and is a plain SIGSEGV on a kernel
built without it ("no-ia32"); a program that makes thousands of
directories fills its scratch tmpfs where the kernel gives the sandbox a
mount namespace ("mount-namespace"), and spends its CPU time on the disk
where it does not ("no-mount-namespace"). expect.json states each outcome,
keyed by kind; the tests resolve them here, never by asking the grader.
A status may also be a list: any of these (a verdict that races, or that
a disk's speed decides).
"""
import ctypes
import mmap
import os
import signal
import subprocess

# x86-64: mov eax, 20 (getpid, i386 numbering); int 0x80; ret
_INT80_GETPID = b"\xb8\x14\x00\x00\x00\xcd\x80\xc3"
_kind = None
_mount_kind = None


def _probe():
    """Runs int 0x80 in a throwaway child: it returns, or the child dies."""
    if os.uname().machine != "x86_64":
        return "no-ia32"
    pid = os.fork()
    if pid == 0:
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            signal.signal(signal.SIGSEGV, signal.SIG_DFL)
            buf = mmap.mmap(-1, mmap.PAGESIZE,
                            prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
            buf.write(_INT80_GETPID)
            addr = ctypes.addressof(ctypes.c_char.from_buffer(buf))
            ret = ctypes.CFUNCTYPE(ctypes.c_long)(addr)()
            os._exit(0 if ret & 0xffffffff == os.getpid() else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return "ia32"
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSEGV:
        return "no-ia32"
    raise RuntimeError("the int 0x80 probe ended oddly (status %d)" % status)


def kind():
    global _kind
    if _kind is None:
        _kind = _probe()
    return _kind


def mount_kind():
    """Whether a process of ours can have a mount namespace of its own, as
    root or through a user namespace: util-linux's unshare, not the grader."""
    global _mount_kind
    if _mount_kind is None:
        cmd = ["unshare", "--mount", "true"] if os.geteuid() == 0 else \
            ["unshare", "--user", "--map-root-user", "--mount", "true"]
        try:
            ok = subprocess.run(cmd, capture_output=True, timeout=10).returncode == 0
        except OSError:
            ok = False
        _mount_kind = "mount-namespace" if ok else "no-mount-namespace"
    return _mount_kind


def resolve(value):
    """An expectation as stated for this kernel: a {kind: value} object is
    looked up, keyed by IA32 kinds or by mount-namespace kinds (a kind it
    does not name is an error, never "anything")."""
    if isinstance(value, dict):
        k = mount_kind() if any("mount-namespace" in key for key in value) else kind()
        if k not in value:
            raise KeyError("expectation %r names no outcome for a %s kernel" % (value, k))
        return value[k]
    return value


def resolve_tests(tests):
    return {name: resolve(v) for name, v in tests.items()}


def differences(want, got):
    """{test: (expected, got)} where got is not what want states (a list:
    any of its statuses); both {test: status}, want resolved."""
    diff = {}
    for name in set(want) | set(got):
        w, g = want.get(name), got.get(name)
        if g not in (w if isinstance(w, list) else [w]):
            diff[name] = (w, g)
    return diff
