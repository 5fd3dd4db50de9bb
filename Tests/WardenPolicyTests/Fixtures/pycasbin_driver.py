#!/usr/bin/env python3
"""Runs pycasbin over the jobs on stdin and prints one decision per request.

Input (JSON): {"jobs": [{"model": path, "policy": path, "requests": [[value, ...], ...]}]}
A request value is a string, a number, a bool, or an object (an ABAC attribute object, given to pycasbin as
an object with attributes so `r.sub.Age` works).
Output (JSON): {"results": [[true | false | "error: ...", ...], ...]}, one list per job.

Two documented Go-vs-Python differences are aligned here so the comparison follows Go Casbin, the
specification (see Policies/README.md, "Casbin compatibility"):
- regexMatch: Go searches anywhere in the string; pycasbin anchors at the start (re.match). We register
  a regexMatch that uses re.search.
- Go registers keyMatch as the domain matching function of every role definition with domains when the
  matcher contains keyMatch(r.dom, p.dom); pycasbin does not. We register it the same way.
Role-manager options from Warden's [role_manager] model section (ignored by Casbin itself) are applied
through pycasbin's add_named_matching_func / add_named_domain_matching_func.
"""
import json
import re
import sys
import types

try:
    import casbin
    from casbin.util import builtin_operators
except ImportError:  # the Swift test reports this as a failure with a clear message
    print("pycasbin is not installed: run `pip install pycasbin==2.8.0`", file=sys.stderr)
    sys.exit(3)


def go_regex_match(key1, key2):
    return re.search(key2, key1) is not None


MATCHERS = {
    "keyMatch": builtin_operators.key_match,
    "keyMatch2": builtin_operators.key_match2,
    "keyMatch3": builtin_operators.key_match3,
    "keyMatch4": builtin_operators.key_match4,
    "keyMatch5": builtin_operators.key_match5,
    "regexMatch": go_regex_match,
    "globMatch": builtin_operators.glob_match,
}


def to_python(value):
    if isinstance(value, dict):
        return types.SimpleNamespace(**{k: to_python(v) for k, v in value.items()})
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def role_manager_options(model_path):
    options = {}
    section = None
    with open(model_path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
            elif section == "role_manager" and "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                options[key.strip()] = value.strip()
    return options


def run_job(job):
    enforcer = casbin.Enforcer(job["model"], job["policy"])
    enforcer.add_function("regexMatch", lambda *args: go_regex_match(args[0], args[1]))
    # pycasbin's function map lacks the keyGet family that Go registers by default.
    enforcer.add_function("keyGet", lambda *args: builtin_operators.key_get(args[0], args[1]))
    enforcer.add_function("keyGet2", lambda *args: builtin_operators.key_get2(args[0], args[1], args[2]))
    enforcer.add_function("keyGet3", lambda *args: builtin_operators.key_get3(args[0], args[1], args[2]))
    options = role_manager_options(job["model"])
    for key, value in options.items():
        if key.endswith("_name_match"):
            enforcer.add_named_matching_func(key[: -len("_name_match")], MATCHERS[value])
        elif key.endswith("_domain_match"):
            enforcer.add_named_domain_matching_func(key[: -len("_domain_match")], MATCHERS[value])
    matcher = enforcer.model["m"]["m"].value
    if "keyMatch(r_dom, p_dom)" in matcher and "g" in enforcer.model.keys():
        for ptype, assertion in enforcer.model["g"].items():
            if assertion.value.count("_") >= 3 and ptype + "_domain_match" not in options:
                enforcer.add_named_domain_matching_func(ptype, builtin_operators.key_match)
    results = []
    for request in job["requests"]:
        try:
            results.append(bool(enforcer.enforce(*[to_python(v) for v in request])))
        except Exception as error:  # noqa: BLE001 - every failure is a comparable outcome
            results.append("error: %s" % type(error).__name__)
    return results


def main():
    payload = json.load(sys.stdin)
    print(json.dumps({"results": [run_job(job) for job in payload["jobs"]]}))


if __name__ == "__main__":
    main()
