#!/usr/bin/python3
"""Validate EVE JSON-lines files against Suricata's published EVE schema (Draft 7).

Usage: eve_validate.py --schema FILE EVE [EVE...]

Prints "N/M EVE lines valid" and the first errors. Exit status: 0 when every line is valid,
1 when any line is not (or is not JSON, or a file is unreadable), 77 when the schema file does
not exist or python3-jsonschema is missing (CTest's SKIP_RETURN_CODE: reported as skipped).
"""
import argparse
import json
import os
import sys

SKIP = 77
MAX_REPORTED = 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", required=True, help="eve.schema.json")
    parser.add_argument("eve", nargs="+", help="EVE JSON-lines file(s)")
    args = parser.parse_args()

    if not os.path.isfile(args.schema):
        print(f"skipped: schema {args.schema} not found", file=sys.stderr)
        return SKIP
    try:
        import jsonschema
    except ImportError:
        print("skipped: python3-jsonschema is not installed", file=sys.stderr)
        return SKIP

    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    total = 0
    valid = 0
    errors = []
    for path in args.eve:
        try:
            with open(path, "rb") as f:
                raw_lines = f.read().split(b"\n")
        except OSError as e:
            errors.append(f"{path}: {e}")
            continue
        if raw_lines and raw_lines[-1] == b"":
            raw_lines.pop()  # the newline that ends the last line
        for number, raw in enumerate(raw_lines, 1):
            total += 1
            where = f"{path}:{number}"
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                errors.append(f"{where}: not a JSON line: {e}")
                continue
            line_errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
            if not line_errors:
                valid += 1
                continue
            for e in line_errors:
                location = "/".join(str(p) for p in e.absolute_path) or "(top level)"
                errors.append(f"{where}: {location}: {e.message}")

    print(f"{valid}/{total} EVE lines valid")
    for message in errors[:MAX_REPORTED]:
        print(message)
    if len(errors) > MAX_REPORTED:
        print(f"... and {len(errors) - MAX_REPORTED} more errors")
    return 0 if total > 0 and valid == total and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
