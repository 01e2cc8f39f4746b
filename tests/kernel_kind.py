"""The kind of kernel the tests run on, found by the tests' own probe.

Some verdicts depend on the kernel, not on the grader: an i386 system call
(int 0x80) is blocked by the sandbox's seccomp architecture check on a
kernel with IA32 emulation ("ia32"), and is a plain SIGSEGV on a kernel
built without it ("no-ia32"). expect.json states both outcomes, keyed by
kind; the tests resolve them here, never by asking the grader.
"""
import ctypes
import mmap
import os
import signal

# x86-64: mov eax, 20 (getpid, i386 numbering); int 0x80; ret
_INT80_GETPID = b"\xb8\x14\x00\x00\x00\xcd\x80\xc3"
_kind = None


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


def resolve(value):
    """An expectation as stated for this kernel: a {kind: value} object is
    looked up (a kind it does not name is an error, never "anything")."""
    if isinstance(value, dict):
        k = kind()
        if k not in value:
            raise KeyError("expectation %r names no outcome for a %s kernel" % (value, k))
        return value[k]
    return value


def resolve_tests(tests):
    return {name: resolve(v) for name, v in tests.items()}
