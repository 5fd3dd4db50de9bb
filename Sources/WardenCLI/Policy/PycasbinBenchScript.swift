/// The pycasbin side of `warden policy bench`, written to the scenario folder and run with python3, so the
/// command needs no files beside the binary. It loads the same files and times the same request.
enum PycasbinBenchScript {
    static let source = #"""
import json, sys, time, types
import casbin

def to_python(value):
    if isinstance(value, dict):
        return types.SimpleNamespace(**{k: to_python(v) for k, v in value.items()})
    return value

def main():
    model, policy, request_json, budget, max_iterations = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
    request = [to_python(v) for v in json.loads(request_json)]
    started = time.perf_counter()
    enforcer = casbin.Enforcer(model, policy)
    load_seconds = time.perf_counter() - started
    result = enforcer.enforce(*request)
    iterations = 0
    started = time.thread_time()
    while True:
        enforcer.enforce(*request)
        iterations += 1
        elapsed = time.thread_time() - started
        if elapsed >= budget or iterations >= max_iterations:
            break
    print(json.dumps({"load_seconds": load_seconds, "us_per_decision": elapsed / iterations * 1e6,
                      "iterations": iterations, "result": bool(result)}))

main()
"""#
}
