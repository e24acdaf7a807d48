"""A Python host of Redline through ctypes: compiles the three-always policy, loads Rules/sample,
runs it as of 2024-06-30 and prints the decisions, as `redline run Rules/three-always.rl --data
Rules/sample --as-of 2024-06-30` does. Then, on stderr: an expression and a run stopped by a
deadline of zero steps.

    Scripts/build-libredline
    python3 Examples/python/host.py .build/lib/libredline.so Rules/three-always.rl Rules/sample
"""
import ctypes
import sys


class Limits(ctypes.Structure):
    """struct redline_limits"""
    _fields_ = [("max_steps", ctypes.c_int64), ("timeout_seconds", ctypes.c_double),
                ("max_list_size", ctypes.c_int64), ("max_workdays", ctypes.c_int64)]


class RedlineError(Exception):
    pass


class Redline:
    """The library's functions with their C types, and strings freed as redline.h says."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        P, S, SP = ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)
        out = ctypes.POINTER(ctypes.c_void_p)  # char ** written by the library, read as void *
        lib.redline_version.restype = S
        lib.redline_status_name.restype = S
        lib.redline_status_name.argtypes = [ctypes.c_int]
        lib.redline_compile.argtypes = [ctypes.POINTER(S), ctypes.POINTER(S), ctypes.c_size_t, SP, out]
        lib.redline_load_directory.argtypes = [P, S, S, SP, out]
        lib.redline_run.argtypes = [P, P, S, S, ctypes.POINTER(Limits), P, out, out]
        lib.redline_evaluate.argtypes = [P, P, S, S, ctypes.POINTER(Limits), P, out, out]
        lib.redline_free_string.argtypes = [P]
        lib.redline_free_program.argtypes = [P]
        lib.redline_free_dataset.argtypes = [P]
        lib.redline_live_handles.restype = ctypes.c_int64
        self.lib = lib

    def take(self, pointer):
        """The text of a string the library allocated, which is then freed."""
        if not pointer.value:
            return None
        text = ctypes.string_at(pointer.value).decode("utf-8")
        self.lib.redline_free_string(pointer)
        return text

    def check(self, status, error):
        message = self.take(error)
        if status != 0:
            raise RedlineError(f"{self.lib.redline_status_name(status).decode()}: {message}")

    def compile(self, name, text):
        names = (ctypes.c_char_p * 1)(name.encode())
        texts = (ctypes.c_char_p * 1)(text.encode())
        program, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.redline_compile(names, texts, 1, ctypes.byref(program), ctypes.byref(error))
        if status != 0:
            self.lib.redline_free_program(program)
        self.check(status, error)
        return program

    def load(self, program, folder):
        dataset, error = ctypes.c_void_p(), ctypes.c_void_p()
        self.check(self.lib.redline_load_directory(program, folder.encode(), None, ctypes.byref(dataset), ctypes.byref(error)), error)
        return dataset

    def run(self, program, dataset, as_of, fmt="table", limits=None):
        report, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.redline_run(program, dataset, as_of.encode(), fmt.encode(),
                                      ctypes.byref(limits) if limits else None, None, ctypes.byref(report), ctypes.byref(error))
        text = self.take(report)
        self.check(status, error)
        return text

    def evaluate(self, program, dataset, expression, as_of):
        value, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.redline_evaluate(program, dataset, expression.encode(), as_of.encode(), None, None,
                                           ctypes.byref(value), ctypes.byref(error))
        text = self.take(value)
        self.check(status, error)
        return text


def main():
    library, rules, data = sys.argv[1:4]
    redline = Redline(library)
    with open(rules, encoding="utf-8") as f:
        program = redline.compile(rules, f.read())
    dataset = redline.load(program, data)
    sys.stdout.write(redline.run(program, dataset, "2024-06-30"))
    sys.stdout.flush()
    print("version", redline.lib.redline_version().decode(), file=sys.stderr)
    print("E002 employees:", redline.evaluate(program, dataset, "max e.employees for e in enterprises where e.id == \"E002\"", "2024-06-30"), file=sys.stderr)
    try:
        redline.run(program, dataset, "2024-06-30", "csv", Limits(max_steps=1))
        print("a run past its step limit was not stopped", file=sys.stderr)
        return 1
    except RedlineError as stopped:
        print(stopped, file=sys.stderr)
    redline.lib.redline_free_dataset(dataset)
    redline.lib.redline_free_program(program)
    live = redline.lib.redline_live_handles()
    print("live handles:", live, file=sys.stderr)
    return 0 if live == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
