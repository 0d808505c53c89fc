"""
Runs a Lambda handler once, locally, on the files of a package, the way
Lambda's Python runtime would: the package root first on sys.path, the
handler named "module.function" (dots in the module for packages), an event
and a context object. Used by the package check before anything is uploaded.

Usage: python -I -S -B harness.py <task root> <handler> <event file> <result file> <function name> <timeout seconds>

Exit status tells the step that failed, so the caller can name it:
  0  the handler returned; its JSON answer is in <result file>
  10 the handler's module could not be imported (traceback on stderr)
  11 the module has no such function
  12 the handler raised (traceback on stderr)
  13 the answer cannot be serialised to JSON, as Lambda would have to
"""
import importlib
import json
import sys
import time
import traceback
import uuid


class Context:
    """The attributes of Lambda's Python context object that handlers read."""

    def __init__(self, function_name, timeout_seconds):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:" + function_name
        self.memory_limit_in_mb = "128"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = "/aws/lambda/" + function_name
        self.log_stream_name = "local-package-check"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main():
    task_root, handler, event_file, result_file, function_name, timeout = sys.argv[1:7]
    # -I leaves the harness's own directory off sys.path, -S the machine's site-packages; the package root goes first, as in Lambda.
    sys.path.insert(0, task_root)
    module_name, _, handler_name = handler.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except BaseException:
        traceback.print_exc()
        return 10
    function = getattr(module, handler_name, None)
    if not callable(function):
        print("module %s has no function %s" % (module_name, handler_name), file=sys.stderr)
        return 11
    with open(event_file, encoding="utf-8") as f:
        event = json.load(f)
    try:
        answer = function(event, Context(function_name, float(timeout)))
    except BaseException:
        traceback.print_exc()
        return 12
    try:
        text = json.dumps(answer)
    except (TypeError, ValueError) as error:
        print("the answer is not JSON: %s" % error, file=sys.stderr)
        return 13
    with open(result_file, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
